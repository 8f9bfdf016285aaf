"""Small planning problems written as PROBLEM.json dictionaries."""

import itertools
from datetime import UTC, datetime, timedelta

from evac.planning.check import check
from evac.planning.problem import Assignment, Plan, problem_from_dict

START = datetime(2030, 1, 1, tzinfo=UTC)


def at(hours: float) -> str:
    """A time `hours` after START, as the files write it."""
    return (START + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def problem(
    *,
    groups: list[dict],
    sorties: list[dict] | None = None,
    gates: list[dict] | None = None,
    hubs: list[dict] | None = None,
    hours: int = 12,
) -> dict:
    """One hour slots, one hour airside, by default one gate of 100 an hour and one sortie of
    100 seats to a hub with room for everybody."""
    return {
        "start": at(0),
        "deadline": at(hours),
        "slot_minutes": 60,
        "airside_minutes": 60,
        "gates": gates or [{"id": "north", "rate_per_hour": 100, "crowd_cap": 100}],
        "sorties": sorties or [{"id": "S1", "departs": at(6), "seats": 100, "hub": "H"}],
        "hubs": hubs or [{"id": "H", "beds": 10_000, "onward_per_day": 0}],
        "groups": groups,
        "priority_weights": {"1": 1000, "2": 10, "3": 1},
    }


def party(name: str, size: int, priority: int = 1, **fixed) -> dict:
    group = {"id": name, "size": size, "priority": priority}
    if fixed:
        group["fixed"] = fixed
    return group


def best_by_enumeration(data: dict) -> float:
    """The best objective over every plan there is, each judged by the checker."""
    parsed = problem_from_dict(data)
    choices = [None] + [(w.gate, w.start, s.id) for w in parsed.windows() for s in parsed.sorties]
    best = 0.0
    for picks in itertools.product(choices, repeat=len(parsed.groups)):
        chosen = [
            Assignment(group.id, *pick)
            for group, pick in zip(parsed.groups, picks, strict=True)
            if pick is not None
        ]
        value = sum(parsed.weight(g) for g, pick in zip(parsed.groups, picks, strict=True) if pick)
        if value > best and not check(parsed, Plan(chosen, value, None, 0.0)):
            best = value
    return best
