"""What if: more sorties, a gate closed, a hub full; each set beside the plan as it stands."""

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from statistics import median

from evac.planning.problem import Problem, ProblemError, Sortie


@dataclass(frozen=True)
class Change:
    """One change to the operation a planner asks about."""

    extra_sorties: int = 0
    gates_closed: tuple[str, ...] = ()
    hubs_full: tuple[str, ...] = ()

    def __str__(self) -> str:
        parts = [f"{self.extra_sorties:+d} sorties"] if self.extra_sorties else []
        parts += [f"{gate} closed" for gate in self.gates_closed]
        parts += [f"{hub} full" for hub in self.hubs_full]
        return ", ".join(parts) or "as planned"


def apply(problem: Problem, change: Change, *, departures_per_hour: int | None = None) -> Problem:
    """The problem with the change made (new sorties within the runway's departure slots); an
    unknown gate or hub is refused by name."""
    gates = {gate.id: gate for gate in problem.gates}
    hubs = {hub.id: hub for hub in problem.hubs}
    for name in change.gates_closed:
        if name not in gates:
            raise ProblemError("--gate-closed", f"no gate {name!r} (gates: {', '.join(gates)})")
    for name in change.hubs_full:
        if name not in hubs:
            raise ProblemError("--hub-full", f"no hub {name!r} (hubs: {', '.join(hubs)})")
    whole_time = ((problem.start, problem.deadline),)
    return replace(
        problem,
        gates=tuple(
            replace(g, closed=g.closed + whole_time) if g.id in change.gates_closed else g
            for g in problem.gates
        ),
        # A full hub takes from now on only the people it sends onward each day (Al Udeid,
        # 20 Aug 2021: departures resumed as flights out of Qatar freed beds).
        hubs=tuple(
            replace(h, occupied=h.beds) if h.id in change.hubs_full else h for h in problem.hubs
        ),
        sorties=sorties_after(problem, change.extra_sorties, departures_per_hour),
    )


def sorties_after(
    problem: Problem, count: int, departures_per_hour: int | None = None
) -> tuple[Sortie, ...]:
    """The sorties with `count` more, spread evenly from the first moment anyone can be airside
    to the deadline, each of the median seats, to the hub most sorties fly to, each in the
    nearest hour the runway has a departure slot free; with a negative count, the last ones
    cancelled."""
    if count <= 0 or not problem.sorties:
        by_departure = sorted(problem.sorties, key=lambda s: s.departs)
        return tuple(by_departure[: max(0, len(by_departure) + count)])
    seats = int(median(s.seats for s in problem.sorties))
    hub = Counter(s.hub for s in problem.sorties).most_common(1)[0][0]
    first = problem.start + problem.slot + problem.airside
    step = (problem.deadline - first) / count
    taken = Counter(_hour(s.departs) for s in problem.sorties)
    added = []
    for n in range(count):
        departs = _free_slot(first + step * (n + 0.5), first, problem.deadline, taken,
                             departures_per_hour)  # fmt: skip
        if departs is not None:
            taken[_hour(departs)] += 1
            added.append(Sortie(f"EXTRA-{n + 1}", departs, seats, hub))
    return problem.sorties + tuple(added)


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _free_slot(
    wanted: datetime, first: datetime, last: datetime, taken: Counter, per_hour: int | None
) -> datetime | None:
    """`wanted`, or the middle of the nearest hour between `first` and `last` whose runway
    slots are not all taken; None when the runway is full (one runway at Kabul: 4 an hour)."""
    if per_hour is None or taken[_hour(wanted)] < per_hour:
        return wanted
    hours = int((last - first) / timedelta(hours=1)) + 1
    for distance in range(1, hours + 1):
        for sign in (1, -1):
            moment = _hour(wanted) + sign * distance * timedelta(hours=1) + timedelta(minutes=30)
            if first <= moment <= last and taken[_hour(moment)] < per_hour:
                return moment
    return None


def each_and_all(change: Change) -> list[Change]:
    """Each part of a change on its own, then all together when there are several."""
    parts = [Change(extra_sorties=change.extra_sorties)] if change.extra_sorties else []
    parts += [Change(gates_closed=(gate,)) for gate in change.gates_closed]
    parts += [Change(hubs_full=(hub,)) for hub in change.hubs_full]
    return [*parts, change] if len(parts) > 1 else parts
