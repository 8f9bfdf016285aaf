"""Check a plan against every rule of its problem, whoever made the plan."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

from evac.planning.assign import occupancy
from evac.planning.problem import Assignment, Plan, Problem, format_time, is_open

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Breach:
    rule: str  # windows, gates, sorties, hubs, fixed, parties, objective
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


def check(problem: Problem, plan: Plan) -> list[Breach]:
    """Every breach of the rules, each named; an empty list is a sound plan."""
    groups = {group.id: group for group in problem.groups}
    breaches = _parties(plan, groups)
    sound = [a for a in plan.assignments if a.group in groups]
    breaches += _windows(problem, sound)
    breaches += _gates(problem, sound, groups)
    breaches += _sorties(problem, sound, groups)
    breaches += _hubs(problem, sound, groups)
    breaches += _fixed(problem, sound, groups)
    breaches += _objective(problem, plan, groups)
    return breaches


def _parties(plan: Plan, groups: dict) -> list[Breach]:
    counts = Counter(a.group for a in plan.assignments)
    breaches = [
        Breach("parties", f"{g!r} is split over {n} assignments; a party travels whole")
        for g, n in counts.items()
        if n > 1
    ]
    return breaches + [
        Breach("parties", f"{g!r} is not a party of the problem") for g in counts if g not in groups
    ]


def _windows(problem: Problem, assignments: list[Assignment]) -> list[Breach]:
    gates = {gate.id: gate for gate in problem.gates}
    breaches = []
    for a in assignments:
        gate = gates.get(a.gate)
        offset = a.window_start - problem.start
        end = a.window_start + problem.slot
        if gate is None:
            breaches.append(Breach("windows", f"{a.group!r}: no gate {a.gate!r}"))
        elif offset < timedelta(0) or offset % problem.slot or end > problem.deadline:
            breaches.append(
                Breach("windows", f"{a.group!r}: {format_time(a.window_start)} is not a slot")
            )
        elif not is_open(gate, a.window_start, end):
            breaches.append(
                Breach(
                    "windows",
                    f"{a.group!r}: gate {a.gate!r} is closed at {format_time(a.window_start)}",
                )
            )
    return breaches


def _gates(problem: Problem, assignments: list[Assignment], groups: dict) -> list[Breach]:
    gates = {gate.id: gate for gate in problem.gates}
    called = Counter()
    for a in assignments:
        called[(a.gate, a.window_start)] += groups[a.group].size
    return [
        Breach(
            "gates",
            f"{people} people called to {gate!r} at {format_time(start)}; "
            f"it takes {problem.window_capacity(gates[gate])} a slot",
        )
        for (gate, start), people in sorted(called.items())
        if gate in gates and people > problem.window_capacity(gates[gate])
    ]


def _sorties(problem: Problem, assignments: list[Assignment], groups: dict) -> list[Breach]:
    sorties = {sortie.id: sortie for sortie in problem.sorties}
    breaches, loads = [], Counter()
    for a in assignments:
        sortie = sorties.get(a.sortie)
        if sortie is None:
            breaches.append(Breach("sorties", f"{a.group!r}: no sortie {a.sortie!r}"))
            continue
        loads[sortie.id] += groups[a.group].size
        if sortie.departs < a.window_start + problem.slot + problem.airside:
            breaches.append(
                Breach(
                    "sorties",
                    f"{a.group!r}: {sortie.id} leaves before the party is airside "
                    f"({problem.airside_minutes} minutes after its window)",
                )
            )
        if sortie.departs > problem.deadline:
            breaches.append(Breach("sorties", f"{sortie.id} leaves after the deadline"))
    breaches += [
        Breach("sorties", f"{s} carries {n} people; it has {sorties[s].seats} seats")
        for s, n in sorted(loads.items())
        if n > sorties[s].seats
    ]
    return breaches


def hub_arrivals(
    problem: Problem, assignments: list[Assignment], groups: dict
) -> dict[str, list[int]]:
    """People arriving at each hub on each day of the problem."""
    sorties = {sortie.id: sortie for sortie in problem.sorties}
    arrivals = defaultdict(lambda: [0] * problem.days)
    for a in assignments:
        sortie = sorties.get(a.sortie)
        day = problem.day(sortie.departs) if sortie else -1
        if 0 <= day < problem.days:
            arrivals[sortie.hub][day] += groups[a.group].size
    return arrivals


def _hubs(problem: Problem, assignments: list[Assignment], groups: dict) -> list[Breach]:
    arrivals = hub_arrivals(problem, assignments, groups)
    breaches = []
    for hub in problem.hubs:
        for day, occupied in enumerate(occupancy(hub, arrivals[hub.id])):
            if occupied > hub.beds:
                date = problem.start.date() + timedelta(days=day)
                breaches.append(
                    Breach("hubs", f"{hub.id} holds {occupied} on {date}; it has {hub.beds} beds")
                )
    return breaches


def _fixed(problem: Problem, assignments: list[Assignment], groups: dict) -> list[Breach]:
    planned = {a.group: a for a in assignments}
    sortie_ids = {sortie.id for sortie in problem.sorties}
    breaches = []
    for group in problem.groups:
        fixed = group.fixed
        if fixed is None:
            continue
        a = planned.get(group.id)
        if a is None:
            breaches.append(Breach("fixed", f"{group.id!r} was called forward but is not planned"))
        elif (a.gate, a.window_start) != (fixed.gate, fixed.window_start):
            breaches.append(
                Breach(
                    "fixed",
                    f"{group.id!r} was called to {fixed.gate!r} at "
                    f"{format_time(fixed.window_start)}; the plan moves it",
                )
            )
        elif fixed.sortie in sortie_ids and a.sortie != fixed.sortie:
            breaches.append(
                Breach("fixed", f"{group.id!r} moved off {fixed.sortie}, which still flies")
            )
    return breaches


def _objective(problem: Problem, plan: Plan, groups: dict) -> list[Breach]:
    planned = {a.group for a in plan.assignments if a.group in groups}
    value = sum(problem.weight(groups[g]) for g in planned)
    breaches = []
    if abs(value - plan.objective) > TOLERANCE * max(1.0, abs(value)):
        breaches.append(
            Breach("objective", f"the plan says {plan.objective:g}; its parties make {value:g}")
        )
    if plan.bound is not None and plan.bound < value * (1 - TOLERANCE) - TOLERANCE:
        breaches.append(
            Breach("objective", f"the bound {plan.bound:g} is below the plan's {value:g}")
        )
    return breaches
