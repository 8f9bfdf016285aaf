"""The plan as a linear program over classes of interchangeable parties.

Parties of the same size and priority that are not fixed are interchangeable, so the model
counts how many of each class go through each window and onto each sortie instead of placing
each party. With `exact`, a class is its own commodity counted in whole parties through each
window: the integer program is then exact (see `docs/planning.md`). Without it, every class
shares one stream of people through the gates: the same linear relaxation, far fewer columns.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from evac.planning.linear import INFINITY, LinearModel
from evac.planning.problem import Group, Problem, ProblemError, Sortie, Window


@dataclass
class PartyClass:
    """Parties that are not fixed, of one size and priority, in the order they came."""

    size: int
    priority: int
    members: list[Group] = field(default_factory=list)


@dataclass
class Layout:
    """What the problem offers, in time order, with the fixed parties already counted."""

    windows: list[Window]  # usable windows, by end then gate
    capacity: list[int]  # people each window can still take
    sorties: list[Sortie]  # by departure, those that leave before the deadline
    classes: list[PartyClass]
    fixed: list[tuple[int, Group, list[int]]]  # (index in problem.groups, party, sorties allowed)
    airside: timedelta

    def ready(self, window: int) -> datetime:
        """When the people called to a window are airside."""
        return self.windows[window].end + self.airside


def layout(problem: Problem) -> Layout:
    sorties = sorted(
        (s for s in problem.sorties if problem.start < s.departs <= problem.deadline),
        key=lambda s: (s.departs, s.id),
    )
    last_departure = sorties[-1].departs if sorties else problem.start
    windows = sorted(
        (w for w in problem.windows() if w.end + problem.airside <= last_departure),
        key=lambda w: (w.end, w.gate),
    )
    gates = {gate.id: gate for gate in problem.gates}
    capacity = [problem.window_capacity(gates[w.gate]) for w in windows]
    index = {(w.gate, w.start): number for number, w in enumerate(windows)}
    classes: dict[tuple[int, int], PartyClass] = {}
    fixed = []
    for number, group in enumerate(problem.groups):
        if group.fixed is None:
            key = (group.size, group.priority)
            classes.setdefault(key, PartyClass(*key)).members.append(group)
            continue
        where = f"groups[{number}].fixed"
        window = index.get((group.fixed.gate, group.fixed.window_start))
        allowed = _sorties_for_fixed(problem, group, sorties)
        if window is None or not allowed:
            raise ProblemError(where, "no sortie leaves after this window and before the deadline")
        capacity[window] -= group.size
        if capacity[window] < 0:
            raise ProblemError(
                f"groups[{number}].fixed.window_start",
                f"the fixed parties at gate {group.fixed.gate!r} in this window exceed what "
                "the gate can take in one slot",
            )
        fixed.append((number, group, allowed))
    ordered = sorted(classes.values(), key=_class_order)
    return Layout(windows, capacity, sorties, ordered, fixed, problem.airside)


def _class_order(party_class: PartyClass) -> tuple[int, int]:
    return (party_class.priority, -party_class.size)


def _sorties_for_fixed(problem: Problem, group: Group, sorties: list[Sortie]) -> list[int]:
    """A fixed party keeps its sortie, unless that sortie is gone (cancelled)."""
    ready = group.fixed.window_start + problem.slot + problem.airside
    allowed = [n for n, s in enumerate(sorties) if s.departs >= ready]
    kept = [n for n in allowed if sorties[n].id == group.fixed.sortie]
    return kept or allowed


@dataclass
class PlanModel:
    """The program and where each count sits in it."""

    program: LinearModel
    layout: Layout
    on_sortie: dict[tuple[int, int], int]  # (class, sortie) -> column: parties of the class
    in_window: dict[tuple[int, int], int]  # (class, window) -> column, exact model only
    fixed_on: dict[tuple[int, int], int]  # (fixed party, sortie) -> column: 1 if it flies it


def build(problem: Problem, plan_layout: Layout, *, exact: bool) -> PlanModel:
    program = LinearModel()
    model = PlanModel(program, plan_layout, {}, {}, {})
    sortie_terms = defaultdict(list)  # sortie -> people terms, for its seats and its hub
    for number, party_class in enumerate(plan_layout.classes):
        weight = problem.priority_weights[party_class.priority] * party_class.size
        count = len(party_class.members)
        terms = []
        for sortie in range(len(plan_layout.sorties)):
            column = program.variable(cost=weight, upper=count, integer=exact)
            model.on_sortie[(number, sortie)] = column
            sortie_terms[sortie].append((column, party_class.size))
            terms.append((column, 1.0))
        program.row(terms, upper=count)
    for position, (_, group, allowed) in enumerate(plan_layout.fixed):
        weight = problem.priority_weights[group.priority] * group.size
        terms = []
        for sortie in allowed:
            column = program.variable(cost=weight, upper=1, integer=exact)
            model.fixed_on[(position, sortie)] = column
            sortie_terms[sortie].append((column, group.size))
            terms.append((column, 1.0))
        program.row(terms, lower=1, upper=1)  # a party already called forward is planned
    if exact:
        for number in range(len(plan_layout.classes)):
            _stream(model, [number], exact=True)
        _window_capacities(model)
    else:
        _stream(model, list(range(len(plan_layout.classes))), exact=False)
    for sortie, terms in sortie_terms.items():
        program.row(terms, upper=plan_layout.sorties[sortie].seats)
    _hubs(problem, model, sortie_terms)
    return model


def _stream(model: PlanModel, classes: list[int], *, exact: bool) -> None:
    """People pass a gate in a window, wait airside, then leave on a sortie departing at or
    after they are ready: the number waiting never falls below zero, and nobody is left
    waiting (a party called forward must fly). Exact: one class counted in whole parties.
    Otherwise: every class in one stream counted in people, through windows of their capacity.
    """
    program, plan_layout = model.program, model.layout
    events: dict[datetime, list[tuple[int, float]]] = defaultdict(list)
    for window in range(len(plan_layout.windows)):
        if exact:
            column = program.variable(
                upper=len(plan_layout.classes[classes[0]].members), integer=True
            )
            model.in_window[(classes[0], window)] = column
        else:
            column = program.variable(upper=plan_layout.capacity[window])
        events[plan_layout.ready(window)].append((column, 1.0))
    for number, sortie in enumerate(plan_layout.sorties):
        for c in classes:
            unit = 1 if exact else plan_layout.classes[c].size
            events[sortie.departs].append((model.on_sortie[(c, number)], -unit))
    waiting = None
    times = sorted(events)
    for moment in times:
        after = program.variable(upper=0 if moment == times[-1] else INFINITY)
        terms = events[moment] + [(after, -1.0)]
        if waiting is not None:
            terms.append((waiting, 1.0))
        program.row(terms, lower=0, upper=0)
        waiting = after


def _window_capacities(model: PlanModel) -> None:
    """Each window takes at most what is left after the fixed parties."""
    by_window = defaultdict(list)
    for (c, window), column in model.in_window.items():
        by_window[window].append((column, model.layout.classes[c].size))
    for window, terms in by_window.items():
        model.program.row(terms, upper=model.layout.capacity[window])


def _hubs(problem: Problem, model: PlanModel, sortie_terms: dict) -> None:
    """occ(d) >= occ(d-1) + arrivals(d) - onward, 0 <= occ(d) <= beds: the least occupancy
    that satisfies these is the rule's max(0, ...), so a plan fits the beds exactly when some
    occupancy does."""
    arrivals = defaultdict(list)
    for sortie, terms in sortie_terms.items():
        departs = model.layout.sorties[sortie]
        arrivals[(departs.hub, problem.day(departs.departs))].extend(terms)
    program = model.program
    for number, hub in enumerate(problem.hubs):
        if hub.occupied - hub.onward_per_day > hub.beds:
            raise ProblemError(f"hubs[{number}].occupied", "more than its beds after a day")
        before = None
        for day in range(problem.days):
            occupancy = program.variable(upper=hub.beds)
            terms = [(occupancy, 1.0)] + [(c, -v) for c, v in arrivals[(hub.id, day)]]
            if before is None:
                program.row(terms, lower=hub.occupied - hub.onward_per_day)
            else:
                program.row([*terms, (before, -1.0)], lower=-hub.onward_per_day)
            before = occupancy
