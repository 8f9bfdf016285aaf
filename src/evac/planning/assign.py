"""Turn counts into parties: who goes through which window onto which sortie.

`Loads` keeps what is left of every window, sortie and hub while parties are placed one by
one, so that every placement it accepts keeps the plan within every rule.
"""

from collections import deque

import numpy as np

from evac.planning.model import Layout, layout
from evac.planning.problem import Assignment, Group, Problem, ProblemError

NO_SEATS, GATE_FULL, HUB_FULL = "no seats", "gate full", "hub full"


class Loads:
    """What each window, sortie and hub can still take."""

    def __init__(self, problem: Problem, plan_layout: Layout):
        self.problem = problem
        self.layout = plan_layout
        gates = {gate.id: gate for gate in problem.gates}
        self.window_room = np.array(
            [problem.window_capacity(gates[w.gate]) for w in plan_layout.windows], dtype=np.int64
        )
        self.ready = np.array(
            [
                np.datetime64(plan_layout.ready(n).replace(tzinfo=None), "s")
                for n in range(len(plan_layout.windows))
            ],
            dtype="datetime64[s]",
        )
        self.seats = np.array([s.seats for s in plan_layout.sorties], dtype=np.int64)
        self.hubs = {hub.id: hub for hub in problem.hubs}
        self.arrivals = {hub.id: [0] * problem.days for hub in problem.hubs}
        self.window_index = {(w.gate, w.start): n for n, w in enumerate(plan_layout.windows)}
        self.assignments: dict[str, Assignment] = {}

    def hub_takes(self, sortie: int, people: int) -> bool:
        """Whether the sortie's hub stays within its beds every day with `people` more."""
        departs = self.layout.sorties[sortie]
        hub = self.hubs[departs.hub]
        arrivals = list(self.arrivals[hub.id])
        arrivals[self.problem.day(departs.departs)] += people
        return all(occupied <= hub.beds for occupied in occupancy(hub, arrivals))

    def window_for(self, sortie: int, size: int) -> int | None:
        """The latest window with room whose people are airside in time: it leaves the early
        windows to early sorties and keeps the wait airside short."""
        departs = np.datetime64(self.layout.sorties[sortie].departs.replace(tzinfo=None), "s")
        usable = int(np.searchsorted(self.ready, departs, side="right"))
        room = np.flatnonzero(self.window_room[:usable] >= size)
        return int(room[-1]) if room.size else None

    def place(self, group: Group, sortie: int, window: int | None = None) -> bool:
        """Put a party on a sortie through a window (the latest that fits when not given)."""
        if self.seats[sortie] < group.size or not self.hub_takes(sortie, group.size):
            return False
        if window is None:
            window = self.window_for(sortie, group.size)
            if window is None:
                return False
        departs = self.layout.sorties[sortie]
        self.seats[sortie] -= group.size
        self.window_room[window] -= group.size
        self.arrivals[departs.hub][self.problem.day(departs.departs)] += group.size
        chosen = self.layout.windows[window]
        self.assignments[group.id] = Assignment(group.id, chosen.gate, chosen.start, departs.id)
        return True

    def place_anywhere(self, group: Group) -> bool:
        """The earliest sortie that can take the party whole."""
        for sortie in np.flatnonzero(self.seats >= group.size):
            if self.place(group, int(sortie)):
                return True
        return False

    def place_fixed(self, group: Group, allowed: list[int], preferred: list[int]) -> None:
        """A party already called forward keeps its window; its sortie is the one preferred
        when it can take it, else the earliest allowed one that can."""
        window = self.window_index[(group.fixed.gate, group.fixed.window_start)]
        for sortie in preferred + allowed:
            if self.seats[sortie] >= group.size and self.hub_takes(sortie, group.size):
                self.place(group, sortie, window)
                return
        raise ProblemError(
            "groups", f"party {group.id!r} is fixed but no sortie after its window has room"
        )

    def why_not(self, size: int) -> str:
        """Why a party of this size fits nowhere (see `left_behind`)."""
        seated = [int(s) for s in np.flatnonzero(self.seats >= size)]
        timely = [s for s in seated if self.window_for(s, size) is not None]
        if not seated:
            return NO_SEATS
        return HUB_FULL if timely else GATE_FULL

    def objective(self) -> float:
        groups = {group.id: group for group in self.problem.groups}
        return sum(self.problem.weight(groups[g]) for g in self.assignments)


def occupancy(hub, arrivals: list[int]) -> list[int]:
    """Beds taken at the end of each day: occ(d) = max(0, occ(d-1) + arrivals(d) - onward)."""
    occupied, result = hub.occupied, []
    for arrived in arrivals:
        occupied = max(0, occupied + arrived - hub.onward_per_day)
        result.append(occupied)
    return result


def from_counts(
    problem: Problem, plan_layout: Layout, on_sortie: dict, in_window: dict, fixed_on: dict
) -> Loads:
    """An exact model's whole counts as parties: in each class the k-th party to be airside
    takes the k-th sortie to leave, which the model's waiting count makes possible."""
    loads = Loads(problem, plan_layout)
    for position, (_, group, allowed) in enumerate(plan_layout.fixed):
        chosen = [s for s in allowed if fixed_on[(position, s)] > 0.5]
        loads.place_fixed(group, allowed, chosen)
    for number, party_class in enumerate(plan_layout.classes):
        windows = _repeat(in_window, number, len(plan_layout.windows))
        sorties = _repeat(on_sortie, number, len(plan_layout.sorties))
        for group, window, sortie in zip(party_class.members, windows, sorties, strict=False):
            if not loads.place(group, sortie, window):
                raise AssertionError(f"the exact counts do not fit at {group.id}")
    return loads


def _repeat(counts: dict, party_class: int, length: int) -> list[int]:
    return [
        index for index in range(length) for _ in range(round(counts.get((party_class, index), 0)))
    ]


def from_fractions(problem: Problem, plan_layout: Layout, on_sortie: dict, fixed_on: dict) -> Loads:
    """A linear relaxation's fractions as parties, heaviest weight first: the whole parties of
    its classes on each sortie (sorties in departure order), then its parties left on the
    earliest sortie that still takes them whole; then the next weight. A lighter party never
    takes the seat a heavier family left over by the rounding could have had."""
    loads = Loads(problem, plan_layout)
    for position, (_, group, allowed) in enumerate(plan_layout.fixed):
        preferred = sorted(allowed, key=lambda s: -fixed_on[(position, s)])[:1]
        loads.place_fixed(group, allowed, preferred)
    weight = problem.priority_weights
    classes = plan_layout.classes
    for level in sorted({weight[c.priority] for c in classes}, reverse=True):
        numbers = [n for n, c in enumerate(classes) if weight[c.priority] == level]
        queues = {number: deque(classes[number].members) for number in numbers}
        left = []
        for sortie in range(len(plan_layout.sorties)):
            for number, queue in queues.items():
                for _ in range(int(on_sortie[(number, sortie)] + 1e-6)):
                    if not queue:
                        break
                    group = queue.popleft()
                    if not loads.place(group, sortie):
                        left.append(group)
        fill(loads, left + [group for queue in queues.values() for group in queue])
    return loads


def fill(loads: Loads, groups: list[Group]) -> None:
    """Place each party in turn where it first fits. Whether a party fits depends only on its
    size, and room only shrinks: once a size finds no room, no party that large is tried."""
    smallest_refused = None
    for group in groups:
        if smallest_refused is not None and group.size >= smallest_refused:
            continue
        if not loads.place_anywhere(group):
            smallest_refused = group.size


def first_come_first_served(problem: Problem, plan_layout: Layout) -> Loads:
    """The plan without an optimiser: fixed parties, then every party in the order it came,
    on the earliest sortie that can take it."""
    loads = Loads(problem, plan_layout)
    for _, group, allowed in plan_layout.fixed:
        loads.place_fixed(group, allowed, [])
    fill(loads, [group for group in problem.groups if group.fixed is None])
    return loads


def loads_of(problem: Problem, plan_layout: Layout, assignments: list[Assignment]) -> Loads:
    """The room a plan's assignments leave."""
    loads = Loads(problem, plan_layout)
    groups = {group.id: group for group in problem.groups}
    sorties = {sortie.id: number for number, sortie in enumerate(plan_layout.sorties)}
    for a in assignments:
        loads.place(
            groups[a.group], sorties[a.sortie], loads.window_index[(a.gate, a.window_start)]
        )
    return loads


def left_behind(problem: Problem, assignments: list[Assignment]) -> dict[str, str]:
    """Why each party the plan leaves out is left: no seats (no sortie has room for it whole),
    gate full (no window with room gets it airside in time for a sortie with room), or hub
    full (every such sortie flies to a hub without beds for it)."""
    loads = loads_of(problem, layout(problem), assignments)
    planned = {a.group for a in assignments}
    reasons, by_size = {}, {}
    for group in problem.groups:
        if group.id in planned:
            continue
        if group.size not in by_size:
            by_size[group.size] = loads.why_not(group.size)
        reasons[group.id] = by_size[group.size]
    return reasons
