"""From scored pairs to persons, without chaining households into one "person".

A pair becomes a link only when its probability clears the merge threshold AND the person's own
given name (variants and order allowed) or a personal document agrees AND the sexes do not
differ. A different document or birth year is evidence against a pair, weighed in its score,
not a veto. Links are then joined strongest first, and a join is refused when the two groups it
would unite hold plainly two people that no single pair compared (`_Groups.conflict`):
connected components alone would let one weak link chain two people.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

from evac.linkage.names import tazkira_form

if TYPE_CHECKING:  # the CLI reads the thresholds without loading pandas and Splink
    import duckdb
    import pandas as pd

    from evac.linkage.model import ScoredPairs

MERGE_THRESHOLD = 0.95
REVIEW_THRESHOLD = 0.50

# Comparison vector values of the levels the gate reads (Splink numbers levels from the last).
# Given: 9 = the same in another script (Dari against Latin), 8 = found in another field or
# glued, 7 = only a common first part such as Mohammad, 6 same, 5 the same proper part with
# another first part, 4 the same with the rest of a one-field name the other's father or family
# name, 3 swapped with the family name, 2 a word in common, 1 near spelling; father 4 = only a
# common first part, 3..1 as for given, 5 found in the other's family or given field. "Mohammad
# son of Abdul" agreeing says nothing specific about the person, so a bare Mohammad needs a
# specific father's name or the same day of birth (brothers, all "Mohammad" on a list that
# shortens Mohammad Zaman and Mohammad Nabi, are not born on one day; twins get two names).
# Birth: 9 = same day. Passport: 2 same, 1 a typing error apart; tazkira:
# 4 same, 3 another entry of the same register page, 2 a typing error apart.
_GIVEN_AGREES = (
    "(gamma_given_key BETWEEN 1 AND 6 OR gamma_given_key IN (8, 9)"
    " OR (gamma_given_key = 7 AND (gamma_father_key BETWEEN 1 AND 3 OR gamma_father_key = 5"
    " OR gamma_birth = 9)))"
)
_NATIVE_AGREES = "gamma_native_key >= 1"
_DOCUMENT_SAME = "(gamma_passport = 2 OR gamma_tazkira = 4)"
_BORN_SAME_DAY = "gamma_birth = 9"
# Two sexes are two people, unless the same passport or tazkira number, or the same given name
# word for word, says one: a clerk ticks the wrong box, a form's sex field defaults to its first
# option, and Afghan given names are a man's or a woman's (a brother and sister are Jamil and
# Jamila: a near spelling, not the same name; boy and girl twins get two names).
_SAME_GIVEN_NAME = "gamma_given_key = 6"
_CONFLICT = (
    f"(gamma_sex = 0 AND NOT (gamma_passport = 2 OR gamma_tazkira = 4 OR {_SAME_GIVEN_NAME}))"
)
# Without a given name on one side, nothing personal disagrees: a document one typing error
# apart with the same day of birth is the person's own evidence then.
_UNNAMED_BUT_NEAR_DOCUMENT = (
    f"(gamma_given_key = -1 AND (gamma_passport = 1 OR gamma_tazkira = 2) AND {_BORN_SAME_DAY})"
)


def _one_slip_far_apart(column: str) -> str:
    """SQL: the two numbers of a column are one slip of the hand apart (a swap of two digits is
    one) and, read as their digits, ten or more apart."""
    digits = "try_cast(nullif(regexp_replace({}, '[^0-9]', '', 'g'), '') AS HUGEINT)"
    left, right = f"{column}_l", f"{column}_r"
    return (
        f"(damerau_levenshtein({left}, {right}) = 1"
        f" AND abs({digits.format(left)} - {digits.format(right)}) >= 10)"
    )


# Another given name with the same day of birth, family name and a document one slip apart:
# the given name is what differs (a name used at home against the one on the document). Not
# twins: their documents are issued one after the other, numbers a few apart (paper tazkiras
# of one register page are a level of their own), while a slip falls on any digit.
_NEAR_DOCUMENT_NOT_ISSUED_IN_A_ROW = (
    f"({_BORN_SAME_DAY} AND gamma_family_key = 3"
    f" AND ((gamma_passport = 1 AND {_one_slip_far_apart('passport')})"
    f" OR (gamma_tazkira = 2 AND {_one_slip_far_apart('tazkira')})))"
)
_OWN_NAME = (
    f"({_GIVEN_AGREES} OR (gamma_given_key = -1 AND {_NATIVE_AGREES})"
    f" OR {_UNNAMED_BUT_NEAR_DOCUMENT} OR {_NEAR_DOCUMENT_NOT_ISSUED_IN_A_ROW})"
)
# The same family name (or its near spelling) and the same day of birth, with another given
# name or none on one side: in a list that names relatives together, that is twins; in a list
# of individuals, one person whose given name was written another way, shortened or left out
# (`model.families_listed` tells the two kinds of list apart).
_FAMILY_AND_DAY = f"({_BORN_SAME_DAY} AND gamma_family_key IN (1, 3))"


def _gate(*, families_listed: bool) -> str:
    """SQL: whether a pair's own evidence may merge it (see the module's docstring)."""
    own = _OWN_NAME if families_listed else f"({_OWN_NAME} OR {_FAMILY_AND_DAY})"
    return f"({own} OR {_DOCUMENT_SAME})"


@dataclass(frozen=True)
class Candidate:
    """A pair for a reviewer: neither certain enough to merge nor weak enough to ignore."""

    left: int
    right: int
    probability: float


@dataclass
class Clustering:
    cluster_of: list[int]  # unique_id -> cluster number (the smallest unique_id in it)
    links: int
    refused: int  # links refused because their groups held conflicting documents or sexes
    review: list[Candidate]
    family: list | None = None  # per record, the key its household shares with linked households


def _edges(
    connection: "duckdb.DuckDBPyConnection", table: str, *, low: float, gate: str
) -> Iterator[tuple[int, int, float, bool]]:
    """(left, right, probability, passes the `gate`) for every non-conflicting pair above `low`."""
    query = f"""
        SELECT unique_id_l, unique_id_r, match_probability, {gate} AS gate
        FROM {table}
        WHERE match_probability >= ? AND NOT {_CONFLICT}
        ORDER BY match_probability DESC, unique_id_l, unique_id_r
    """
    cursor = connection.execute(query, [low])
    while batch := cursor.fetchmany(100_000):
        yield from batch


# Birth years of one person that lie further apart than this are two people, whatever chain of
# pairs joined them (a Solar Hijri year spans two Gregorian years; typos and guesses add a few).
YEARS_APART = 5
DOCUMENT_KINDS = ("passport", "tazkira")


class _Groups:
    """Union-find whose groups remember what refuses a join: sexes, documents, birth years and
    the source households they came from (a list names each member of a family once)."""

    def __init__(self, frame: "pd.DataFrame") -> None:
        size = len(frame)
        self.parent = list(range(size))
        self.size = [1] * size
        self.marked = [False] * size  # the group holds a record of a "not the same" decision
        self.sexes: list[set[str]] = [{s} if isinstance(s, str) else set() for s in frame["sex"]]
        # Each record's own numbers (None: none); a group's sets grow as groups join.
        self.numbers = {kind: frame[kind].tolist() for kind in DOCUMENT_KINDS}
        self.documents = [
            {"passport": _as_set(passport), "tazkira": _as_set(tazkira)}
            for passport, tazkira in zip(*self.numbers.values(), strict=True)
        ]
        self.years = [
            (int(low), int(high)) if low == low and low is not None else None
            for low, high in zip(frame["year_low"], frame["year_high"], strict=True)
        ]  # NaN != NaN: pandas gives missing years as NaN
        self.days = [
            tuple(day for day in (exact, swapped) if isinstance(day, str))
            for exact, swapped in zip(frame["dob_exact"], frame["dob_swapped"], strict=True)
        ]  # the day of birth and its other reading when day and month may be swapped
        self.given, self.weak = frame["given_key"].tolist(), frame["given_weak"].tolist()
        households = frame["household"] if "household" in frame else [None] * size
        self.households = [{h} if isinstance(h, str) else set() for h in households]

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def conflict(self, a: int, b: int, *, left: int, right: int) -> bool:
        """Would joining groups a and b (through the pair `left`, `right`) put two sexes, two
        members of one listed family, or plainly two people in one person?

        The same passport or tazkira number in both groups outweighs any other difference: a
        birth year mistyped or guessed on one list, a wrong sex ticked. Otherwise birth years
        far apart are two people (a father and his namesake son), and so are two documents that
        no pair within a typing error joins, unless the joining pair itself shows them beside
        the same day of birth: then the model weighed that difference as strong but not final
        evidence (a person holds an old paper tazkira and a new e-tazkira, a passport is
        renewed). The check stops a chain from joining people whom no pair directly compared.
        """
        if self.households[a] & self.households[b]:
            return True
        documents_a, documents_b = self.documents[a], self.documents[b]
        if any(
            _same_number(x, y)
            for kind in DOCUMENT_KINDS
            for x in documents_a[kind]
            for y in documents_b[kind]
        ):
            return False
        if len(self.sexes[a] | self.sexes[b]) > 1 and not self.same_given_name(left, right):
            return True
        if self.size[a] == 1 and self.size[b] == 1:  # the pair's own evidence, weighed
            return False
        if _years_apart(self.years[a], self.years[b]):
            return True
        second_document = self.born_same_day(left, right)
        return any(
            _differ(documents_a[kind], documents_b[kind])
            and not (
                second_document
                and _differ(self.own_number(left, kind), self.own_number(right, kind))
            )
            for kind in DOCUMENT_KINDS
        )

    def same_given_name(self, left: int, right: int) -> bool:
        """The two records give one given name, word for word, and not only a common first
        part such as Mohammad (`_SAME_GIVEN_NAME`)."""
        given = self.given[left]
        return isinstance(given, str) and given == self.given[right] and not self.weak[left]

    def own_number(self, record: int, kind: str) -> set[str]:
        """The record's own number of this `kind`, as a set like a group's."""
        return _as_set(self.numbers[kind][record])

    def born_same_day(self, left: int, right: int) -> bool:
        """Both records give one exact day of birth (in either reading of day and month)."""
        return bool(set(self.days[left]) & set(self.days[right]))

    def union(self, a: int, b: int) -> None:
        low, high = min(a, b), max(a, b)  # the smallest id names the group: stable output
        self.parent[high] = low
        self.size[low] += self.size[high]
        self.marked[low] = self.marked[low] or self.marked[high]
        self.sexes[low] |= self.sexes[high]
        self.households[low] |= self.households[high]
        if self.years[low] is None or self.years[high] is None:
            self.years[low] = self.years[low] or self.years[high]
        else:
            (low_a, high_a), (low_b, high_b) = self.years[low], self.years[high]
            self.years[low] = (min(low_a, low_b), max(high_a, high_b))
        for kind in DOCUMENT_KINDS:
            self.documents[low][kind] |= self.documents[high][kind]


def _as_set(number: str | None) -> set[str]:
    return {number} if isinstance(number, str) else set()


def _years_apart(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    if a is None or b is None:
        return False
    return a[0] - b[1] > YEARS_APART or b[0] - a[1] > YEARS_APART


def _same_number(a: str, b: str) -> bool:
    """One document: the same number, or a paper tazkira's registration number written alone
    in one list and with its volume and page in the other (2401 and 74/146/2401)."""
    return a == b or a.endswith("/" + b) or b.endswith("/" + a)


def _differ(left: set[str] | frozenset[str], right: set[str] | frozenset[str]) -> bool:
    """Both sides hold numbers of one kind and no two of them are one document, or within a
    typing error of each other. A paper tazkira and an e-tazkira are two documents that one
    person may hold together (the e-tazkira was issued from 2018, the paper one stays in use):
    they are compared only with their own kind."""
    return any(
        bool(mine and theirs)
        and not any(_same_number(x, y) or within_typing_error(x, y) for x in mine for y in theirs)
        for mine, theirs in zip(_by_kind(left), _by_kind(right), strict=True)
    )


def _by_kind(numbers: set[str] | frozenset[str]) -> tuple[set[str], set[str]]:
    """The numbers that are not e-tazkiras (passports, paper tazkiras), and the e-tazkiras."""
    electronic = {number for number in numbers if tazkira_form(number) == "electronic"}
    return set(numbers) - electronic, electronic


# A number copied by hand: a wrong, missing, extra or two swapped digits, at most twice (the
# model's "a typing error apart" level).
TYPING_ERRORS = 2


def within_typing_error(a: str, b: str, limit: int = TYPING_ERRORS) -> bool:
    """Whether two numbers are at most `limit` typing errors apart (optimal string alignment:
    a swap of two neighbouring digits, 1387695/1387965, is one error)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > limit:
        return False
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return previous[-1] <= limit


def cluster(
    scored: "ScoredPairs",
    frame: "pd.DataFrame",
    *,
    merge_threshold: float = MERGE_THRESHOLD,
    review_threshold: float = REVIEW_THRESHOLD,
    forced_apart: set[tuple[int, int]] | None = None,
    forced_together: list[tuple[int, int]] | None = None,
) -> Clustering:
    """Persons as clusters of unique ids; pairs in between the thresholds for review.

    `forced_together` and `forced_apart` are reviewers' decisions (pairs of unique ids): they
    are applied first and never overturned by the model. Then pairs join strongest first; then,
    where records carry their source's household, the members of households that a person now
    links are compared within the family (`score_within_families`).
    """
    groups = _Groups(frame)
    joining = _Joining(groups, forced_apart or set(), merge_threshold)
    for a, b in forced_together or []:
        root_a, root_b = groups.find(a), groups.find(b)
        if root_a != root_b:
            groups.union(root_a, root_b)
    gate = _gate(families_listed=scored.families_listed)
    joining.join(_edges(scored.connection, scored.table, low=review_threshold, gate=gate))
    households = frame["household"].tolist() if "household" in frame else [None] * len(frame)
    family = family_keys(households, [groups.find(i) for i in range(len(frame))])
    if any(family):
        from evac.linkage.model import score_within_families  # Splink: loaded only here

        table = score_within_families(scored, frame, family)
        edges = _edges(scored.connection, table, low=review_threshold, gate=gate)
        joining.join(edges, households)
    cluster_of = [groups.find(i) for i in range(len(frame))]
    review = [c for c in joining.review if cluster_of[c.left] != cluster_of[c.right]]
    return Clustering(
        cluster_of, joining.links, joining.refused, review, family if any(family) else None
    )


class _Joining:
    """Joins scored pairs into groups, strongest first, refusing contradictions."""

    def __init__(self, groups: _Groups, apart: set[tuple[int, int]], threshold: float) -> None:
        self.groups, self.apart, self.threshold = groups, apart, threshold
        for a, b in apart:
            groups.marked[a] = groups.marked[b] = True
        self.links = self.refused = 0
        self.review: list[Candidate] = []

    def join(
        self, edges: Iterator[tuple[int, int, float, bool]], households: list | None = None
    ) -> None:
        """Join `edges`; with `households`, a record joins one member of another household."""
        groups, taken = self.groups, set()
        for left, right, probability, gate in edges:
            if (left, right) in self.apart or (right, left) in self.apart:
                continue
            if households and (
                (left, households[right]) in taken or (right, households[left]) in taken
            ):
                continue
            root_l, root_r = groups.find(left), groups.find(right)
            if root_l == root_r:
                continue
            if probability < self.threshold or not gate:
                if gate:
                    self.review.append(Candidate(left, right, probability))
                continue
            if groups.conflict(root_l, root_r, left=left, right=right) or _apart_across(
                groups, self.apart, root_l, root_r
            ):
                self.refused += 1
                continue
            groups.union(root_l, root_r)
            self.links += 1
            if households:
                taken |= {(left, households[right]), (right, households[left])}


def family_keys(households: list, roots: list[int]) -> list[list[str] | None]:
    """Per record, a key for each other household that a person of its own household is also
    listed in (None: no household, or one that no person links to another).

    Only households that one person directly links: two lists naming the same family. Their
    neighbours' neighbours are other families, and comparing whole chains of households would
    grow with the square of the chain."""
    households_of: dict[int, set[str]] = defaultdict(set)
    for household, root in zip(households, roots, strict=True):
        if household is not None:
            households_of[root].add(household)
    keys: dict[str, set[str]] = defaultdict(set)
    for linked in households_of.values():
        for a, b in combinations(sorted(linked), 2):
            keys[a].add(f"{a}|{b}")
            keys[b].add(f"{a}|{b}")
    return [sorted(keys[h]) if h in keys else None for h in households]


def _apart_across(groups: _Groups, apart: set[tuple[int, int]], a: int, b: int) -> bool:
    """A reviewer said two records are different people: their groups may never join."""
    if not (groups.marked[a] and groups.marked[b]):  # the common case, without a scan
        return False
    return any({groups.find(x), groups.find(y)} == {a, b} for x, y in apart)
