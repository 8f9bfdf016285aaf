"""File mode: decide eligibility for a CSV of persons, with no database.

For partners who pre-screen a list before they send it, and for tests. One row is one person;
the household_id column makes the travel parties (rows that share a record_id join their
households). Decisions are written party by party, in the order parties first appear: a list
sorted by family, as most are, comes back in its own order.
"""

import csv
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from pathlib import Path

from evac.eligibility.ages import BirthSpan, birth_span
from evac.eligibility.decisions import Decision, Judge, Member
from evac.eligibility.evidence import Evidence, Finding, category_from_evidence
from evac.eligibility.parties import travel_parties
from evac.eligibility.policy import Policy
from evac.intake.dates import InvalidDate, iso_text, parse_birth_date, read_date
from evac.intake.placeholders import is_placeholder, says_no_number
from evac.intake.validate import COM_STATUSES, parse_marital_status, parse_relationship
from evac.people.models import Role
from evac.safe_csv import SafeWriter

# Document columns, in the order they come in a row, and the document each holds.
DOCUMENT_COLUMNS = {
    "us_passport_number": "us_passport",
    "green_card_number": "green_card",
    "siv_visa_number": "siv_visa",  # optional, as marital_status and flags
    "siv_case_number": "siv_case",
}
INPUT_COLUMNS = (
    "record_id",
    "household_id",
    "relationship",
    "category_claimed",
    "nationality",
    "date_of_birth",
    *DOCUMENT_COLUMNS,
    "com_approval_date",
    "marital_status",  # optional beyond the partners' contract: what a list may add
    "flags",
)
OUTPUT_COLUMNS = ("record_id", "party_id", "eligible", "category", "basis", "priority", "reason")
FLAG_SEPARATORS = re.compile(r"[;,|]")
Progress = Callable[[str, int, int | None], None]  # step, done, total


class MissingColumn(ValueError):
    """The file has no record_id column."""


@dataclass
class Summary:
    rows: int = 0
    parties: int = 0
    mixed_parties: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    unmapped_claims: Counter[str] = field(default_factory=Counter)


def decide_file(
    source: Path,
    out: Path,
    *,
    policy: Policy,
    as_of: date,
    progress: Progress = lambda step, done, total: None,
) -> Summary:
    """Read persons from `source`, write one decision a row to `out` (see the module)."""
    total = count_rows(source)
    members = list(_read_members(source, policy, as_of, progress, total))
    rows_of: dict[str, list[int]] = {}
    for index, member in enumerate(members):
        rows_of.setdefault(member.key, []).append(index)
    parties = travel_parties((member.key, member.household) for member in members)
    summary = Summary(rows=len(members), parties=len(parties))
    judge = Judge(policy, as_of)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = SafeWriter(handle)
        writer.writerow(OUTPUT_COLUMNS)
        for done, keys in enumerate(parties, 1):
            party = [members[index] for key in keys for index in rows_of[key]]
            decisions = judge.party(party)
            _count(summary, decisions)
            writer.writerows(_output_row(decision) for decision in decisions)
            if done % 10_000 == 0:
                progress("deciding parties", done, len(parties))
    progress("deciding parties", len(parties), len(parties))
    return summary


def count_rows(source: Path) -> int:
    """Data rows, roughly (lines less the header): for the progress bar."""
    with source.open("rb") as handle:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    return max(lines - 1, 0)


def _read_members(
    source: Path, policy: Policy, as_of: date, progress: Progress, total: int
) -> Iterator[Member]:
    reader = _MemberReader(policy, as_of)
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle)
        header = next(rows, [])
        cells_of = _cells_getter(header)
        width = len(header) + 1  # a missing column reads the empty cell added at the end
        for number, row in enumerate(rows, 1):
            row.extend([""] * (width - len(row)))
            record_id, *cells = cells_of(row)
            # a row without an id is named by its line, or all of them would be one person
            yield reader.member(record_id.strip() or f"line {number + 1}", *cells)
            if number % 10_000 == 0:
                progress("reading persons", number, total)
    progress("reading persons", total, total)


def _cells_getter(header: list[str]) -> itemgetter:
    """The INPUT_COLUMNS of a row, in that order; a missing one is the empty cell after the
    row's last; columns evac does not know are ignored."""
    found = {name.strip().lower(): at for at, name in enumerate(header)}
    if "record_id" not in found:
        raise MissingColumn(f"no record_id column (columns: {', '.join(header) or 'none'})")
    return itemgetter(*(found.get(name, len(header)) for name in INPUT_COLUMNS))


class _Once(dict):
    """Each distinct value read once: lists repeat the same claims, dates and relations
    thousands of times."""

    def __init__(self, read: Callable[[Hashable], object]) -> None:
        super().__init__()
        self.read = read

    def __missing__(self, value: Hashable) -> object:
        self[value] = read = self.read(value)
        return read


class _MemberReader:
    """A row's cells (INPUT_COLUMNS) to a Member."""

    def __init__(self, policy: Policy, as_of: date) -> None:
        self.policy = policy
        self.as_of = as_of
        self.findings = _Once(self._finding)
        self.births = _Once(self._birth)
        self.relationships = _Once(_relationship)
        self.approvals = _Once(_read_approval)
        self.married = _Once(_married)
        self.flags = _Once(_flags)

    def member(
        self,
        record_id: str,
        household: str,
        relationship: str,
        claim: str,
        nationality: str,
        birth: str,
        *documents_approval_marital_flags: str,
    ) -> Member:
        *numbers, approval, marital, flags = documents_approval_marital_flags
        held = tuple([_holds(number) if number else False for number in numbers])
        return Member(
            record_id,
            household.strip() or None,
            self.relationships[relationship],
            self.findings[(claim, nationality, held, approval)],
            self.births[birth],
            self.married[marital],
            self.flags[flags],
        )

    def _finding(self, key: tuple[str, str, tuple[bool, ...], str]) -> Finding:
        claim, nationality, held, approval = key
        kinds = DOCUMENT_COLUMNS.values()
        documents = {kind for kind, holds in zip(kinds, held, strict=True) if holds}
        approved, dated = self.approvals[approval]
        if approved:
            documents.add("com_approval")
        evidence = Evidence(claim, nationality, frozenset(documents), dated)
        return category_from_evidence(evidence, self.policy)

    def _birth(self, text: str) -> BirthSpan | None:
        try:
            birth = parse_birth_date(text, today=self.as_of)
        except InvalidDate:
            return None  # unreadable: judged as unknown, and the reason says so
        return birth_span(birth) if birth else None


def _relationship(text: str) -> Role | None:
    return Role(parse_relationship(text)) if text.strip() else None


def _married(text: str) -> bool | None:
    """Married or not; None when the cell is empty or says something else."""
    status = parse_marital_status(text) if text.strip() else None
    return None if status is None else status == "married"


def _holds(text: str) -> bool:
    """A document cell with a number in it: "N/A", "pending" or "000000" hold none."""
    text = text.strip()
    return bool(text) and not is_placeholder(text) and not says_no_number(text)


def _read_approval(text: str) -> tuple[bool, str]:
    word = " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
    if not word:
        return False, ""
    if word in COM_STATUSES:  # "approved", "pending", "denied"
        return COM_STATUSES[word] == "approved", ""
    try:
        day = read_date(text)
    except InvalidDate:
        return False, ""
    return (day is not None, iso_text(day) if day else "")


def _flags(text: str) -> frozenset[str]:
    """Flags as written ("medical; Imminent threat"), in the policy's spelling."""
    words = (
        re.sub(r"\W+", "_", part.strip().lower()).strip("_") for part in FLAG_SEPARATORS.split(text)
    )
    return frozenset(word for word in words if word)


def _count(summary: Summary, decisions: list[Decision]) -> None:
    summary.mixed_parties += any(decision.mixed_party for decision in decisions)
    for decision in decisions:
        summary.outcomes[decision.outcome] += 1
        if decision.unmapped_claim:
            summary.unmapped_claims[decision.unmapped_claim] += 1


def _output_row(decision: Decision) -> tuple[str, ...]:
    priority = str(decision.priority.level) if decision.priority else ""
    category = decision.category or ""
    return (
        decision.key,
        decision.party,
        decision.outcome,
        category,
        decision.basis,
        priority,
        decision.reason,
    )
