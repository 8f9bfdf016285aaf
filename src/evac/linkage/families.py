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
even beside a sister listed between them.
"""

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from evac.linkage.cluster import YEARS_APART

# An Afghan household averages seven to eight people (ALCS 2016-17: 7.4 members); a family is
# chained row by row, so a larger one is still found whole.
FAMILY_ROWS = 10
# What one family's rows share (`model.HOUSEHOLD_MARKERS` without the source's own reference).
FAMILY_MARKERS = ("phone", "father_key", "tazkira_page", "siv_case", "email")


def listed_families(frame: pd.DataFrame, lists: Sequence[str]) -> list[str | None]:
    """Per record of the prepared `frame` (in file order), a reference to the family its list
    names it in, None when none: `lists` names each record's list."""
    order = np.argsort(np.asarray(lists, dtype=object), kind="stable")  # each list in file order
    records = frame.iloc[order].reset_index(drop=True)
    listed = np.asarray(lists, dtype=object)[order]
    people = [
        _Person(*values)
        for values in records[["given_block", "name_sound", "sex", "year_low", "year_high"]]
        .astype(object)
        .itertuples(index=False)
    ]
    families = _Families(people)
    for apart in range(1, FAMILY_ROWS + 1):  # the nearest rows first
        left, right = records.iloc[:-apart], records.iloc[apart:]
        same_list = listed[:-apart] == listed[apart:]
        for position in np.flatnonzero(same_list & _share_a_marker(left, right)).tolist():
            families.join(position, position + apart)
    found = families.named()
    return [found[position] for position in np.argsort(order)]


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

    def plainly_not(self, other: "_Person") -> bool:
        """Another given name, not a spelling of the same one (Zabihullah and Zabiullah are
        one man), or another sex, or birth years further apart than one person's."""
        return (
            (_differ(self.given, other.given) and _differ(self.sound, other.sound))
            or _differ(self.sex, other.sex)
            or _years_apart(self, other)
        )


def _differ(a: object, b: object) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a != b


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
