"""File mode: decide eligibility for a CSV of persons, with no database.

For partners who pre-screen a list before they send it, and for tests. One row is one person;
the household_id column makes the travel parties (rows that share a record_id join their
households). Decisions are written party by party, in the order parties first appear: a list
sorted by family, as most are, comes back in its own order.
"""

import csv
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from evac.eligibility.ages import BirthSpan, birth_span
from evac.eligibility.decisions import Decision, Member, decide_party
from evac.eligibility.evidence import Evidence, Finding, category_from_evidence
from evac.eligibility.parties import travel_parties
from evac.eligibility.policy import Policy, claim_key
from evac.intake.dates import InvalidDate, iso_text, parse_birth_date, read_date
from evac.intake.placeholders import is_placeholder, says_no_number
from evac.intake.validate import COM_STATUSES, parse_relationship
from evac.people.models import Role
from evac.safe_csv import SafeWriter

INPUT_COLUMNS = (
    "record_id",
    "household_id",
    "relationship",
    "category_claimed",
    "nationality",
    "date_of_birth",
    "us_passport_number",
    "green_card_number",
    "siv_case_number",
    "com_approval_date",
    # optional beyond the partners' contract: what a list may add
    "siv_visa_number",
    "marital_status",
    "flags",
)
DOCUMENT_COLUMNS = {
    "us_passport": "us_passport_number",
    "green_card": "green_card_number",
    "siv_visa": "siv_visa_number",
    "siv_case": "siv_case_number",
}
OUTPUT_COLUMNS = ("record_id", "party_id", "eligible", "category", "basis", "priority", "reason")
MARRIED = frozenset({"married", "متاهل", "متأهل", "وادهشوی", "وادهشوې"})
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
    categories: Counter[str] = field(default_factory=Counter)
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
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = SafeWriter(handle)
        writer.writerow(OUTPUT_COLUMNS)
        for done, keys in enumerate(parties, 1):
            party = [members[index] for key in keys for index in rows_of[key]]
            decisions = decide_party(party, policy=policy, as_of=as_of)
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
        positions = _positions(header)
        for number, row in enumerate(rows, 1):
            yield reader.member({name: row[at] if at < len(row) else "" for name, at in positions})
            if number % 10_000 == 0:
                progress("reading persons", number, total)
    progress("reading persons", total, total)


def _positions(header: list[str]) -> list[tuple[str, int]]:
    """Where each known column sits; columns evac does not know are ignored."""
    found = {name.strip().lower(): at for at, name in enumerate(header)}
    if "record_id" not in found:
        raise MissingColumn(f"no record_id column (columns: {', '.join(header) or 'none'})")
    return [(name, found[name]) for name in INPUT_COLUMNS if name in found]


class _MemberReader:
    """Rows to Members. Lists repeat the same few values (claims, dates, relations) thousands
    of times: each distinct value is read once per file."""

    def __init__(self, policy: Policy, as_of: date) -> None:
        self.policy = policy
        self.as_of = as_of
        self.findings: dict[Evidence, Finding] = {}
        self.births: dict[str, BirthSpan | None] = {}
        self.relationships: dict[str, Role | None] = {}
        self.approvals: dict[str, tuple[bool, str]] = {}

    def member(self, cells: dict[str, str]) -> Member:
        get = cells.get
        household = get("household_id", "").strip()
        return Member(
            key=cells["record_id"].strip(),
            household=household or None,
            relationship=self._relationship(get("relationship", "")),
            finding=self._finding(cells),
            birth=self._birth(get("date_of_birth", "")),
            married=claim_key(get("marital_status", "")) in MARRIED,
            flags=_flags(get("flags", "")),
        )

    def _finding(self, cells: dict[str, str]) -> Finding:
        documents = {kind for kind, column in DOCUMENT_COLUMNS.items() if _holds(cells, column)}
        approved, dated = self._approval(cells.get("com_approval_date", ""))
        if approved:
            documents.add("com_approval")
        evidence = Evidence(
            claim=cells.get("category_claimed", ""),
            nationality=cells.get("nationality", ""),
            documents=frozenset(documents),
            approval_date=dated,
        )
        if evidence not in self.findings:
            self.findings[evidence] = category_from_evidence(evidence, self.policy)
        return self.findings[evidence]

    def _approval(self, text: str) -> tuple[bool, str]:
        """Whether a Chief-of-Mission approval cell says approved, and its date when it is one."""
        if text not in self.approvals:
            self.approvals[text] = _read_approval(text)
        return self.approvals[text]

    def _birth(self, text: str) -> BirthSpan | None:
        if text not in self.births:
            try:
                birth = parse_birth_date(text, today=self.as_of)
            except InvalidDate:
                birth = None  # unreadable: judged as unknown, and the reason says so
            self.births[text] = birth_span(birth) if birth else None
        return self.births[text]

    def _relationship(self, text: str) -> Role | None:
        if text not in self.relationships:
            self.relationships[text] = Role(parse_relationship(text)) if text.strip() else None
        return self.relationships[text]


def _holds(cells: dict[str, str], column: str) -> bool:
    """A document cell with a number in it: "N/A", "pending" or "000000" hold none."""
    text = cells.get(column, "").strip()
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
        summary.categories[decision.category or ""] += 1
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
