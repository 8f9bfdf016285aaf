"""Families a list names together, read from the list's layout when it gives no household.

Lists register a family together: the applicant and then the spouse and children, one row
after the other, with the family's one phone, the father's name the children share, one page
of the paper tazkira register, one SIV case. A file in the documented format has no household
column, but that layout says the same: records of one list a few rows apart that share such a
marker and are plainly two people (another given name, another sex, birth years far apart) are
two members of one listed family. Linkage then treats them as a source's household: never one
person, and compared within the family once a person links it to a family of another list
(`cluster.family_keys`). A family never holds two records that look alike, so a form submitted
twice (the same person, a few rows apart, the same phone) is never taken for two relatives,
even beside a sister listed between them. Rows count only in a list that shows that order; in
any list, records that share a family's contact (its phone, SIV case, e-mail, tazkira page)
are one family wherever they stand.
"""

import itertools
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from evac.linkage.cluster import YEARS_APART, within_typing_error

# An Afghan household averages seven to eight people (ALCS 2016-17: 7.4 members); a family is
# chained row by row, so a larger one is still found whole.
FAMILY_ROWS = 10
# What one family's rows share (`model.HOUSEHOLD_MARKERS` without the source's own reference).
FAMILY_MARKERS = ("phone", "father_key", "tazkira_page", "siv_case", "email")
# What one family's records share wherever they stand in the list (sorted by name, by date of
# submission, merged from several sheets): the family's phone, its SIV case, its e-mail, a page of
# the tazkira register. Not the father's name: strangers' fathers are called Mohammad too.
FAMILY_CONTACTS = ("phone", "tazkira_page", "siv_case", "email")
# A contact on more records of one list than this is an office's or a helper's, not a family's.
FAMILY_CONTACT_RECORDS = 12
# A list in family order: a quarter to two fifths of its neighbouring rows share a marker in the
# scenario's lists, against under 1% of rows half the list apart; in shuffled lists both are
# under 2%.
FAMILY_ORDER_RATIO = 4
# What tells two records of one family apart, prepared columns in `_Person`'s order.
PERSON_COLUMNS = (
    *("given_block", "name_sound", "sex", "year_low", "year_high"),
    *("passport", "tazkira", "dob_exact"),
)
MIN_NEIGHBOURS_SHARING = 0.05


def with_listed_families(frame: pd.DataFrame, lists: Sequence[str | None]) -> pd.DataFrame:
    """`frame` with the records of each list that gives no household of its own placed in the
    families that list names (`listed_families`): a source's own household numbers are kept, and
    records of no known list stay as they are."""
    given = frame["household"].notna().to_numpy()
    with_households = {name for name, has in zip(lists, given, strict=True) if has}
    read = np.array([name is not None and name not in with_households for name in lists])
    if not read.any():
        return frame
    found = listed_families(frame[read], [name for name, r in zip(lists, read, strict=True) if r])
    households = frame["household"].to_numpy(dtype=object).copy()
    households[read] = found
    return frame.assign(household=households)


def listed_families(frame: pd.DataFrame, lists: Sequence[str]) -> list[str | None]:
    """Per record of the prepared `frame` (in file order), a reference to the family its list
    names it in, None when none: `lists` names each record's list."""
    order = np.argsort(np.asarray(lists, dtype=object), kind="stable")  # each list in file order
    records = frame.iloc[order].reset_index(drop=True)
    listed = np.asarray(lists, dtype=object)[order]
    people = [
        _Person(*values)
        for values in records[list(PERSON_COLUMNS)].astype(object).itertuples(index=False)
    ]
    families = _Families(people)
    in_family_order = _in_family_order(records, listed)
    for apart in range(1, FAMILY_ROWS + 1):  # the nearest rows first
        left, right = records.iloc[:-apart], records.iloc[apart:]
        same_list = (listed[:-apart] == listed[apart:]) & in_family_order[:-apart]
        for position in np.flatnonzero(same_list & _share_a_marker(left, right)).tolist():
            families.join(position, position + apart)
    for members in _sharing_a_contact(records, listed):
        for a, b in itertools.pairwise(members):
            families.join(a, b)
    found = families.named()
    return [found[position] for position in np.argsort(order)]


def _in_family_order(records: pd.DataFrame, listed: np.ndarray) -> np.ndarray:
    """Per position, whether its list keeps families in rows that follow each other: its
    neighbouring rows share a marker FAMILY_ORDER_RATIO times as often as rows half the list
    apart, and in at least MIN_NEIGHBOURS_SHARING of them. A list sorted by name, shuffled or
    merged from sheets shows no such order (its neighbours share a father's name as strangers
    do); its families are read from their contacts alone (`_sharing_a_contact`)."""
    ordered = np.zeros(len(records), dtype=bool)
    for name in pd.unique(listed):
        positions = np.flatnonzero(listed == name)
        rows = records.iloc[positions]
        half = len(rows) // 2
        if half < 1:
            continue
        neighbours = _share_a_marker(rows.iloc[:-1], rows.iloc[1:]).mean()
        far = _share_a_marker(rows.iloc[:-half], rows.iloc[half:]).mean()
        if neighbours >= MIN_NEIGHBOURS_SHARING and neighbours >= FAMILY_ORDER_RATIO * far:
            ordered[positions] = True
    return ordered


def _sharing_a_contact(records: pd.DataFrame, listed: np.ndarray) -> list[list[int]]:
    """Positions of the records of one list that share one of FAMILY_CONTACTS, in list order,
    for each contact that FAMILY_CONTACT_RECORDS or fewer of them share."""
    groups = []
    for contact in FAMILY_CONTACTS:
        given = records[contact].notna().to_numpy()
        keys = pd.DataFrame({"list": listed[given], "value": records[contact].to_numpy()[given]})
        positions = pd.Series(np.flatnonzero(given))
        for members in positions.groupby([keys["list"], keys["value"]]).agg(list):
            if 1 < len(members) <= FAMILY_CONTACT_RECORDS:
                groups.append(members)
    return groups


def _share_a_marker(left: pd.DataFrame, right: pd.DataFrame) -> np.ndarray:
    shared = [
        (left[m].to_numpy() == right[m].to_numpy()) & left[m].notna().to_numpy()
        for m in FAMILY_MARKERS
    ]
    return np.logical_or.reduce(shared)


class _Person(NamedTuple):
    given: str | None
    sound: str | None
    sex: str | None
    year_low: float | None
    year_high: float | None
    passport: str | None
    tazkira: str | None
    born: str | None

    def plainly_not(self, other: "_Person") -> bool:
        """Another given name, not a spelling of the same one (Zabihullah and Zabiullah are
        one man), or another sex, or birth years further apart than one person's; but never
        two records of one passport or tazkira number born in the same years, nor two born on
        one day whose given names are one typing error apart (Shabnam, Shabam): a form filled
        in twice, the name typed another way the second time. (Twins get two names.)"""
        if _years_apart(self, other) or _differ(self.sex, other.sex):
            return True
        if _same(self.passport, other.passport) or _same(self.tazkira, other.tazkira):
            return False
        if _same(self.born, other.born) and within_typing_error(
            str(self.given), str(other.given), limit=1
        ):
            return False
        return _differ(self.given, other.given) and _differ(self.sound, other.sound)


def _differ(a: object, b: object) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a != b


def _same(a: object, b: object) -> bool:
    return isinstance(a, str) and a == b


def _years_apart(a: _Person, b: _Person) -> bool:
    if pd.isna(a.year_low) or pd.isna(b.year_low):
        return False
    return a.year_low - b.year_high > YEARS_APART or b.year_low - a.year_high > YEARS_APART


class _Families:
    """Union-find of records into families; a join that would put two records that look alike
    in one family is refused."""

    def __init__(self, people: list[_Person]) -> None:
        self.people = people
        self.parent = list(range(len(people)))
        self.members = [[item] for item in range(len(people))]

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def join(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b or not all(
            self.people[x].plainly_not(self.people[y])
            for x in self.members[root_a]
            for y in self.members[root_b]
        ):
            return
        low, high = min(root_a, root_b), max(root_a, root_b)
        self.parent[high] = low
        self.members[low] += self.members[high]

    def named(self) -> list[str | None]:
        """Each record's family (None alone), named by its first record."""
        roots = [self.find(item) for item in range(len(self.parent))]
        return [f"listed-{root}" if len(self.members[root]) > 1 else None for root in roots]
