"""A planning problem (PROBLEM.json) and a plan (PLAN.json): reading, validating, writing.

Every error names the field at fault (`gates[1].closed[0]`), so that whoever wrote the file
can find it without reading the solver.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

WEIGHT_STEP = 100  # issue 14: by default each priority is worth 100 times the next


def default_weights(priorities: set[int]) -> dict[int, int]:
    """Each priority worth WEIGHT_STEP times the next, the last worth 1, from 1 to the largest
    priority given (at least 4), whatever their number: the solver never sees these weights
    themselves (see `tiers.py`), so their span is no limit."""
    lowest = max(priorities | {4})
    return {p: WEIGHT_STEP ** (lowest - p) for p in range(1, lowest + 1)}


class ProblemError(ValueError):
    """A problem or plan that is malformed or cannot be planned; the message names the field."""

    def __init__(self, field_name: str, message: str):
        super().__init__(f"{field_name}: {message}")
        self.field = field_name


@dataclass(frozen=True)
class Gate:
    id: str
    rate_per_hour: int
    crowd_cap: int
    closed: tuple[tuple[datetime, datetime], ...] = ()


@dataclass(frozen=True)
class Sortie:
    id: str
    departs: datetime
    seats: int
    hub: str


@dataclass(frozen=True)
class Hub:
    id: str
    beds: int
    onward_per_day: int
    occupied: int = 0


@dataclass(frozen=True)
class Fixed:
    """Where a party already called forward must stay; `sortie` (optional) is kept unless it is
    no longer in the problem (cancelled)."""

    gate: str
    window_start: datetime
    sortie: str | None = None


@dataclass(frozen=True)
class Group:
    id: str
    size: int
    priority: int
    fixed: Fixed | None = None


@dataclass(frozen=True)
class Window:
    """One slot at one gate while the gate is open."""

    gate: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Problem:
    start: datetime
    deadline: datetime
    slot_minutes: int
    airside_minutes: int
    gates: tuple[Gate, ...]
    sorties: tuple[Sortie, ...]
    hubs: tuple[Hub, ...]
    groups: tuple[Group, ...]
    priority_weights: dict[int, float] = field(default_factory=lambda: default_weights(set()))

    @property
    def slot(self) -> timedelta:
        return timedelta(minutes=self.slot_minutes)

    @property
    def airside(self) -> timedelta:
        return timedelta(minutes=self.airside_minutes)

    def weight(self, group: Group) -> float:
        return group.size * self.priority_weights[group.priority]

    def window_capacity(self, gate: Gate) -> int:
        """People one gate may take in one slot: its processing rate and its crowd cap."""
        return min(gate.rate_per_hour * self.slot_minutes // 60, gate.crowd_cap)

    def windows(self) -> list[Window]:
        """Every open window, in order of start then gate."""
        count = int((self.deadline - self.start) / self.slot)
        found = []
        for number in range(count):
            begin = self.start + number * self.slot
            end = begin + self.slot
            found.extend(
                Window(gate.id, begin, end) for gate in self.gates if is_open(gate, begin, end)
            )
        return found

    def day(self, moment: datetime) -> int:
        """The UTC day of a moment, counted from the day of `start` (0)."""
        return (moment.date() - self.start.date()).days

    @property
    def days(self) -> int:
        return self.day(self.deadline) + 1


def is_open(gate: Gate, begin: datetime, end: datetime) -> bool:
    return not any(
        closed_from < end and begin < closed_to for closed_from, closed_to in gate.closed
    )


def parse_time(value: Any, field_name: str) -> datetime:
    if not isinstance(value, str):
        raise ProblemError(field_name, f"a time like 2021-08-20T03:00:00Z, not {value!r}")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise ProblemError(field_name, f"not a time: {value!r}") from error
    if moment.tzinfo is None:
        raise ProblemError(field_name, f"{value!r} needs a time zone (end it with Z for UTC)")
    return moment.astimezone(UTC)


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _get(data: dict, key: str, where: str, kind: type | tuple[type, ...], required: bool = True):
    name = f"{where}.{key}" if where else key
    if key not in data:
        if required:
            raise ProblemError(name, "missing")
        return None
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, kind):
        expected = kind.__name__ if isinstance(kind, type) else kind[0].__name__
        raise ProblemError(name, f"must be a {expected}, not {value!r}")
    return value


def _count(data: dict, key: str, where: str, minimum: int = 0) -> int:
    value = _get(data, key, where, int)
    if value < minimum:
        raise ProblemError(f"{where}.{key}", f"must be at least {minimum}, not {value}")
    return value


def _text(data: dict, key: str, where: str) -> str:
    value = _get(data, key, where, str)
    if not value.strip():
        raise ProblemError(f"{where}.{key}", "must not be empty")
    return value


def _records(data: dict, key: str) -> list[tuple[str, dict]]:
    items = _get(data, key, "", list)
    for number, item in enumerate(items):
        if not isinstance(item, dict):
            raise ProblemError(f"{key}[{number}]", "must be an object")
    return [(f"{key}[{number}]", item) for number, item in enumerate(items)]


def _unique(items: list, kind: str) -> dict:
    seen: dict = {}
    for number, item in enumerate(items):
        if item.id in seen:
            raise ProblemError(f"{kind}[{number}].id", f"{item.id!r} appears twice")
        seen[item.id] = item
    return seen


def _gate(where: str, data: dict) -> Gate:
    closures = []
    for number, span in enumerate(_get(data, "closed", where, list, required=False) or []):
        name = f"{where}.closed[{number}]"
        if not isinstance(span, list) or len(span) != 2:
            raise ProblemError(name, "must be a pair [from, to] of times")
        begin, end = parse_time(span[0], f"{name}[0]"), parse_time(span[1], f"{name}[1]")
        if end <= begin:
            raise ProblemError(name, "ends before it begins")
        closures.append((begin, end))
    return Gate(
        id=_text(data, "id", where),
        rate_per_hour=_count(data, "rate_per_hour", where),
        crowd_cap=_count(data, "crowd_cap", where),
        closed=tuple(closures),
    )


def _sortie(where: str, data: dict) -> Sortie:
    return Sortie(
        id=_text(data, "id", where),
        departs=parse_time(data.get("departs"), f"{where}.departs"),
        seats=_count(data, "seats", where),
        hub=_text(data, "hub", where),
    )


def _hub(where: str, data: dict) -> Hub:
    occupied = _count(data, "occupied", where) if "occupied" in data else 0
    return Hub(
        id=_text(data, "id", where),
        beds=_count(data, "beds", where),
        onward_per_day=_count(data, "onward_per_day", where),
        occupied=occupied,
    )


def _group(where: str, data: dict) -> Group:
    fixed = _get(data, "fixed", where, dict, required=False)
    if fixed is not None:
        name = f"{where}.fixed"
        sortie = _get(fixed, "sortie", name, str, required=False)
        fixed = Fixed(
            gate=_text(fixed, "gate", name),
            window_start=parse_time(fixed.get("window_start"), f"{name}.window_start"),
            sortie=sortie,
        )
    return Group(
        id=_text(data, "id", where),
        size=_count(data, "size", where, minimum=1),
        priority=_get(data, "priority", where, int),
        fixed=fixed,
    )


def _weights(data: dict, groups: tuple[Group, ...]) -> dict[int, float]:
    given = _get(data, "priority_weights", "", dict, required=False)
    if given is None:
        return default_weights({group.priority for group in groups})
    weights = {}
    for key, value in given.items():
        name = f"priority_weights.{key}"
        if not key.lstrip("-").isdigit():
            raise ProblemError(name, "a priority must be a whole number")
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ProblemError(name, f"a weight must be a number at least 0, not {value!r}")
        weights[int(key)] = value
    return weights


def problem_from_dict(data: Any) -> Problem:
    """A validated problem; raises ProblemError naming the first field at fault."""
    if not isinstance(data, dict):
        raise ProblemError("(top)", "a problem is a JSON object")
    groups = tuple(_group(where, item) for where, item in _records(data, "groups"))
    problem = Problem(
        start=parse_time(data.get("start"), "start"),
        deadline=parse_time(data.get("deadline"), "deadline"),
        slot_minutes=_count(data, "slot_minutes", "", minimum=1),
        airside_minutes=_count(data, "airside_minutes", ""),
        gates=tuple(_gate(where, item) for where, item in _records(data, "gates")),
        sorties=tuple(_sortie(where, item) for where, item in _records(data, "sorties")),
        hubs=tuple(_hub(where, item) for where, item in _records(data, "hubs")),
        groups=groups,
        priority_weights=_weights(data, groups),
    )
    validate(problem)
    return problem


def validate(problem: Problem) -> None:
    """Check the references between the parts, and that every fixed party can keep its window."""
    if problem.deadline <= problem.start:
        raise ProblemError("deadline", "must be after start")
    gates = _unique(list(problem.gates), "gates")
    sorties = _unique(list(problem.sorties), "sorties")
    hubs = _unique(list(problem.hubs), "hubs")
    _unique(list(problem.groups), "groups")
    for number, sortie in enumerate(problem.sorties):
        if sortie.hub not in hubs:
            raise ProblemError(f"sorties[{number}].hub", f"no hub {sortie.hub!r}")
    for number, group in enumerate(problem.groups):
        where = f"groups[{number}]"
        if group.priority not in problem.priority_weights:
            raise ProblemError(f"{where}.priority", f"no weight for priority {group.priority}")
        if group.fixed is not None:
            _check_fixed(problem, group.fixed, f"{where}.fixed", gates, sorties)


def _check_fixed(problem: Problem, fixed: Fixed, where: str, gates: dict, sorties: dict) -> None:
    gate = gates.get(fixed.gate)
    if gate is None:
        raise ProblemError(f"{where}.gate", f"no gate {fixed.gate!r}")
    offset = fixed.window_start - problem.start
    end = fixed.window_start + problem.slot
    if offset < timedelta(0) or offset % problem.slot or end > problem.deadline:
        raise ProblemError(
            f"{where}.window_start",
            f"{format_time(fixed.window_start)} is not the start of a slot of "
            f"{problem.slot_minutes} minutes between start and deadline",
        )
    if not is_open(gate, fixed.window_start, end):
        raise ProblemError(
            f"{where}.window_start",
            f"gate {gate.id!r} is closed in the window from {format_time(fixed.window_start)}",
        )
    if fixed.sortie in sorties and sorties[fixed.sortie].departs < end + problem.airside:
        raise ProblemError(
            f"{where}.sortie", f"{fixed.sortie!r} leaves before the party is airside"
        )


def read_problem(path: Path) -> Problem:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ProblemError("(file)", f"not JSON: {error}") from error
    return problem_from_dict(data)


@dataclass(frozen=True)
class Assignment:
    group: str
    gate: str
    window_start: datetime
    sortie: str


@dataclass
class Plan:
    assignments: list[Assignment]
    objective: float
    bound: float | None
    seconds: float
    method: str = "exact"


def plan_to_dict(plan: Plan) -> dict:
    return {
        "assignments": [
            {
                "group": a.group,
                "gate": a.gate,
                "window_start": format_time(a.window_start),
                "sortie": a.sortie,
            }
            for a in plan.assignments
        ],
        "objective": _number(plan.objective),
        "bound": None if plan.bound is None else _number(plan.bound),
        "seconds": round(plan.seconds, 3),
        "method": plan.method,
    }


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def plan_from_dict(data: Any) -> Plan:
    if not isinstance(data, dict):
        raise ProblemError("(top)", "a plan is a JSON object")
    assignments = []
    for where, item in _records(data, "assignments"):
        assignments.append(
            Assignment(
                group=_text(item, "group", where),
                gate=_text(item, "gate", where),
                window_start=parse_time(item.get("window_start"), f"{where}.window_start"),
                sortie=_text(item, "sortie", where),
            )
        )
    return Plan(
        assignments=assignments,
        objective=_get(data, "objective", "", (int, float)),
        bound=_get(data, "bound", "", (int, float)),
        seconds=_get(data, "seconds", "", (int, float), required=False) or 0.0,
        method=_get(data, "method", "", str, required=False) or "exact",
    )


def read_plan(path: Path) -> Plan:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ProblemError("(file)", f"not JSON: {error}") from error
    return plan_from_dict(data)
