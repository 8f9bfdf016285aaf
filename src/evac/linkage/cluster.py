"""From scored pairs to persons, without chaining households into one "person".

A pair becomes a link only when its probability clears the merge threshold AND the person's own
given name (variants and order allowed) or a personal document agrees AND nothing personal
contradicts it (a different passport or tazkira, a different sex). Links are then joined
strongest first, and a join is refused when the two groups it would unite hold conflicting
documents or sexes: connected components alone would let one weak link chain two people.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI reads the thresholds without loading pandas and Splink
    import pandas as pd

    from evac.linkage.model import ScoredPairs

MERGE_THRESHOLD = 0.95
REVIEW_THRESHOLD = 0.50

# Comparison vector values of the levels the gate reads (Splink numbers levels from the last).
# Levels (Splink numbers them from the last): given 5 = only a common first part such as
# Mohammad, 4 same, 3 swapped with the family name, 2 a word in common, 1 near spelling;
# father 4 = only a common first part, 3..1 as for given. "Mohammad son of Abdul" agreeing
# says nothing specific about the person, so a bare Mohammad needs a specific father's name.
_GIVEN_AGREES = (
    "(gamma_given_key BETWEEN 1 AND 4"
    " OR (gamma_given_key = 5 AND gamma_father_key BETWEEN 1 AND 3))"
)
_NATIVE_AGREES = "gamma_native_key >= 1"
_DOCUMENT_SAME = "(gamma_passport = 2 OR gamma_tazkira = 2)"
_CONFLICT = "gamma_sex = 0"
_OWN_NAME = f"({_GIVEN_AGREES} OR (gamma_given_key = -1 AND {_NATIVE_AGREES}))"


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


def _edges(scored: "ScoredPairs", *, low: float) -> Iterator[tuple[int, int, float, bool]]:
    """(left, right, probability, passes the gate) for every non-conflicting pair above `low`."""
    query = f"""
        SELECT unique_id_l, unique_id_r, match_probability,
               ({_OWN_NAME} OR {_DOCUMENT_SAME}) AS gate
        FROM {scored.table}
        WHERE match_probability >= ? AND NOT {_CONFLICT}
        ORDER BY match_probability DESC, unique_id_l, unique_id_r
    """
    cursor = scored.connection.execute(query, [low])
    while batch := cursor.fetchmany(100_000):
        yield from batch


class _Groups:
    """Union-find whose groups remember their sexes and documents, to refuse contradictions."""

    def __init__(self, frame: "pd.DataFrame") -> None:
        size = len(frame)
        self.parent = list(range(size))
        self.size = [1] * size
        self.marked = [False] * size  # the group holds a record of a "not the same" decision
        self.sexes: list[set[str]] = [{s} if isinstance(s, str) else set() for s in frame["sex"]]
        self.documents = [
            {
                kind: {v} if isinstance(v, str) else set()
                for kind, v in zip(("passport", "tazkira"), pair, strict=True)
            }
            for pair in zip(frame["passport"], frame["tazkira"], strict=True)
        ]

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def conflict(self, a: int, b: int) -> bool:
        """Would joining groups a and b put two sexes, or two unrelated documents, in one?

        Between two single records the model has already weighed a different document (a
        strong but not final sign: numbers get mistyped, people renew passports); the check
        here stops chains from joining people whom no pair directly compared.
        """
        if len(self.sexes[a] | self.sexes[b]) > 1:
            return True
        if self.size[a] == 1 and self.size[b] == 1:
            return False
            return True
        return any(
            _documents_conflict(self.documents[a][kind], self.documents[b][kind])
            for kind in ("passport", "tazkira")
        )

    def union(self, a: int, b: int) -> None:
        low, high = min(a, b), max(a, b)  # the smallest id names the group: stable output
        self.parent[high] = low
        self.size[low] += self.size[high]
        self.marked[low] = self.marked[low] or self.marked[high]
        self.sexes[low] |= self.sexes[high]
        for kind in ("passport", "tazkira"):
            self.documents[low][kind] |= self.documents[high][kind]


def _documents_conflict(left: set[str], right: set[str]) -> bool:
    """Two groups' numbers of one document kind contradict unless some pair is within a typo."""
    if not left or not right:
        return False
    return not any(_within_one_edit(x, y) for x in left for y in right)


def _within_one_edit(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    shorter, longer = sorted((a, b), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


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
    are applied first and never overturned by the model.
    """
    groups = _Groups(frame)
    apart = forced_apart or set()
    for a, b in apart:
        groups.marked[a] = groups.marked[b] = True
    links = refused = 0
    for a, b in forced_together or []:
        root_a, root_b = groups.find(a), groups.find(b)
        if root_a != root_b:
            groups.union(root_a, root_b)
    review: list[Candidate] = []
    for left, right, probability, gate in _edges(scored, low=review_threshold):
        if (left, right) in apart or (right, left) in apart:
            continue
        root_l, root_r = groups.find(left), groups.find(right)
        if root_l == root_r:
            continue
        if probability < merge_threshold or not gate:
            if gate:
                review.append(Candidate(left, right, probability))
            continue
        if groups.conflict(root_l, root_r) or _apart_across(groups, apart, root_l, root_r):
            refused += 1
            continue
        groups.union(root_l, root_r)
        links += 1
    cluster_of = [groups.find(i) for i in range(len(frame))]
    review = [c for c in review if cluster_of[c.left] != cluster_of[c.right]]
    return Clustering(cluster_of, links, refused, review)


def _apart_across(groups: _Groups, apart: set[tuple[int, int]], a: int, b: int) -> bool:
    """A reviewer said two records are different people: their groups may never join."""
    if not (groups.marked[a] and groups.marked[b]):  # the common case, without a scan
        return False
    return any({groups.find(x), groups.find(y)} == {a, b} for x, y in apart)
