"""The model: who reaches which gate when, the gates and the ECC, the airside pool, sorties on
one runway, and the hubs they fly to. Times are hours from the scenario's start.

Parties are the unit that moves (never split). People at a gate without a call-forward are
counted, not tracked one by one: that keeps a replay of 125,000 evacuees to a few hundred
thousand events.
"""

import zlib
from bisect import bisect
from collections import deque
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from evac.simulation.kernel import Environment

Interval = tuple[float, float]  # [start, end) in hours
Step = tuple[float, float]  # (from hour, value): a step function's breakpoints

IDLE_STEP = 0.25  # hours an idle gate, the ECC or a held sortie waits before looking again
RAMP_FLOOR = 0.02  # strength before the build-up starts: a few staff at work
STREAMS = ("crowd", "calls", "ecc", "sorties")  # and one stream a gate


@dataclass(frozen=True)
class Gate:
    name: str
    rate_per_hour: float  # people it admits an hour at full strength
    closed: tuple[Interval, ...] = ()


@dataclass(frozen=True)
class Sortie:
    callsign: str
    aircraft: str
    departs: float
    max_load: int  # evacuees it carries at most
    min_load: int  # for types whose published loads are a range: each sortie draws in it
    hub: str


@dataclass(frozen=True)
class Hub:
    name: str
    beds: int | None  # None: no limit published
    onward_per_day: float
    halts: tuple[Interval, ...] = ()


@dataclass(frozen=True)
class Call:
    """A planned call-forward: one party asked to one gate in one window."""

    party: str
    size: int
    category: str
    priority: int
    gate: str
    window: Interval


@dataclass(frozen=True)
class Crowd:
    """People who come without a call-forward; how many follows the news."""

    per_hour: float  # arrivals an hour when the news multiplier is 1
    news: tuple[Step, ...]  # multiplier from each hour on
    patience_hours: float  # mean time a person waits at a gate before giving up
    party_size: float  # mean people a party
    categories: tuple[tuple[str, float], ...]  # share of each category


@dataclass(frozen=True)
class Processing:
    ecc_per_hour: float  # people the ECC processes an hour at full strength
    # Staff, gates and shortcuts (screening moved to the hubs) add up: from ramp_start the
    # strength doubles every doubling_hours until full (0: full at once).
    doubling_hours: float
    strength: tuple[Step, ...]  # later changes of strength (a drawdown), multiplier
    airside_capacity: int  # gates admit nobody while this many wait inside
    ramp_start: float = 0.0
    restricted: tuple[Interval, ...] = ()  # gates admit called-forward parties only


@dataclass(frozen=True)
class Window:
    end: float
    hours: float
    label: str
    recorded: int | None = None
    confidence: str | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    start: datetime
    hours: float
    gates: tuple[Gate, ...]
    sorties: tuple[Sortie, ...]
    hubs: tuple[Hub, ...]
    crowd: Crowd
    processing: Processing
    calls: tuple[Call, ...] = ()
    call_forward: bool = True
    compliance: float = 0.85  # share of called parties who come at all
    late_share: float = 0.3  # share of those who come after their window opened plus a delay
    late_hours: float = 2.0  # mean delay of the late ones
    runway_gap_hours: float = 0.25  # one runway: a departure slot every 15 minutes
    runway_closed: tuple[Interval, ...] = ()
    windows: tuple[Window, ...] = ()


@dataclass
class Run:
    """What one replication produced."""

    evacuated_hourly: np.ndarray
    crowd_hourly: np.ndarray  # gates x hours
    hub_hourly: np.ndarray  # hubs x hours
    airside_hourly: np.ndarray
    evacuated_by_group: dict[tuple[str, int], np.ndarray]  # (category, priority) -> hourly
    by_category: dict[str, int]
    by_priority: dict[int, int]
    waits: np.ndarray  # hours from reaching the gate to departure, one a person flown
    left_behind: dict[str, int]
    sorties_flown: int
    sorties_held: int
    arrived: int  # people who reached a gate, with or without a call-forward

    @property
    def total(self) -> int:
        return int(self.evacuated_hourly.sum())

    def window_totals(self, windows: tuple[Window, ...]) -> np.ndarray:
        cumulative = np.concatenate([[0], np.cumsum(self.evacuated_hourly)])
        last = len(self.evacuated_hourly)

        def at(hour: float) -> float:
            return float(np.interp(hour, np.arange(last + 1), cumulative))

        return np.array([at(w.end) - at(w.end - w.hours) for w in windows])


def step_value(steps: tuple[Step, ...], hour: float, default: float = 1.0) -> float:
    value = default
    for start, level in steps:
        if hour < start:
            break
        value = level
    return value


def inside(intervals: tuple[Interval, ...], hour: float) -> float | None:
    """The end of the interval holding `hour`, or None."""
    for start, end in intervals:
        if start <= hour < end:
            return end
    return None


def streams(seed: int, replication: int) -> dict[str, np.random.Generator]:
    """One random stream per kind of process, seeded per replication: two variants run with
    the same seed draw the same arrivals, service times and loads (common random numbers)."""
    return {
        kind: np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(replication, k)))
        for k, kind in enumerate(STREAMS)
    }


def gate_stream(seed: int, replication: int, gate: str) -> np.random.Generator:
    """A gate's own stream, keyed by its name: closing one gate leaves the others' luck alone."""
    key = (replication, len(STREAMS), zlib.crc32(gate.encode()))
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


BLOCK = 1024


def blocks(draw: Callable[[int], np.ndarray]) -> Iterator[Any]:
    """Draws taken from a stream a block at a time (a numpy call per draw is slow)."""
    while True:
        yield from draw(BLOCK).tolist()


class GateDraws:
    """A gate's random draws: uniforms, service-time noise, walk-up party sizes."""

    def __init__(self, rng: np.random.Generator, party_size: float) -> None:
        self.uniform = blocks(rng.random)
        self.noise = blocks(lambda n: rng.gamma(4, 0.25, n))  # mean 1, spread 0.5
        self.sizes = blocks(lambda n: rng.poisson(max(party_size - 1, 0), n))


# A party in motion: [size, category, priority, hour it reached the gate].
Party = list


@dataclass
class _State:
    crowd: dict[str, int]
    called: dict[str, deque]
    walk_ins: dict[str, deque]
    tracked_people: dict[str, int]  # people in the called and walk-in queues of each gate
    ecc: deque = field(default_factory=deque)
    ecc_people: int = 0
    airside: deque = field(default_factory=deque)
    airside_people: int = 0
    runway_free: float = 0.0
    hub_occupancy: dict[str, float] = field(default_factory=dict)
    no_shows: int = 0
    arrived: int = 0
    flown: int = 0
    held: int = 0


class Model:
    def __init__(
        self,
        scenario: Scenario,
        *,
        seed: int,
        replication: int = 0,
        environment: Callable[[], Any] = Environment,
    ) -> None:
        self.scenario = scenario
        self.env = environment()
        self.seed, self.replication = seed, replication
        self.random = streams(seed, replication)
        names = [gate.name for gate in scenario.gates]
        self.state = _State(
            crowd=dict.fromkeys(names, 0),
            called={name: deque() for name in names},
            walk_ins={name: deque() for name in names},
            tracked_people=dict.fromkeys(names, 0),
            hub_occupancy={hub.name: 0.0 for hub in scenario.hubs},
        )
        hours = int(np.ceil(scenario.hours))
        self.evacuated = np.zeros(hours)
        self.crowd_hourly = np.zeros((len(names), hours))
        self.hub_hourly = np.zeros((len(scenario.hubs), hours))
        self.airside_hourly = np.zeros(hours)
        self.by_group: dict[tuple[str, int], np.ndarray] = {}
        self.waits: list[tuple[int, float]] = []
        self.hubs = {hub.name: hub for hub in scenario.hubs}
        mix = scenario.crowd.categories
        self.categories = [name for name, _ in mix]
        shares = np.array([share for _, share in mix])
        self.category_bounds = list(np.cumsum(shares / shares.sum())[:-1])

    def run(self) -> Run:
        env, scenario = self.env, self.scenario
        env.process(self.crowd_arrivals())
        env.process(self.called_arrivals())
        for gate in scenario.gates:
            env.process(self.gate(gate, gate_stream(self.seed, self.replication, gate.name)))
        env.process(self.ecc())
        loads = self._sortie_loads()
        for sortie, load in zip(scenario.sorties, loads, strict=True):
            env.process(self.sortie(sortie, int(load)))
        for hub in scenario.hubs:
            env.process(self.hub_onward(hub))
        env.process(self.monitor())
        env.run(until=scenario.hours)
        return self._result()

    # Arrivals -------------------------------------------------------------------------------

    def crowd_arrivals(self) -> Generator:
        """Each hour, walk-up people come to the open gates; some at every gate give up."""
        crowd, state, rng = self.scenario.crowd, self.state, self.random["crowd"]
        gates = self.scenario.gates
        leave = 1 - np.exp(-1 / crowd.patience_hours)
        while True:
            hour = self.env.now
            news = step_value(crowd.news, hour)
            arrivals = rng.poisson(crowd.per_hour * news / len(gates), size=len(gates))
            open_gates = [g for g in gates if inside(g.closed, hour) is None]
            for gate, count in zip(gates, arrivals, strict=True):
                # People hear within the hour which gates are shut and go to an open one.
                target = gate if gate in open_gates else (open_gates[0] if open_gates else None)
                if target is not None:
                    state.crowd[target.name] += int(count)
                    state.arrived += int(count)
            for gate in gates:
                state.crowd[gate.name] -= int(rng.binomial(state.crowd[gate.name], leave))
            yield self.env.timeout(1.0)

    def called_arrivals(self) -> Generator:
        """Called parties come in their window (some late, some never); without call-forward
        the same parties come when the news moves them, and queue with the crowd."""
        scenario, state = self.scenario, self.state
        calls = scenario.calls
        if not calls:
            return
        rng = self.random["calls"]
        comes = rng.random(len(calls)) < scenario.compliance
        offset = rng.random(len(calls))
        late = rng.random(len(calls)) < scenario.late_share
        delay = rng.exponential(scenario.late_hours, len(calls))
        if scenario.call_forward:
            opens = np.array([c.window[0] for c in calls])
            closes = np.array([c.window[1] for c in calls])
            arrive = opens + offset * (closes - opens) + np.where(late, delay, 0.0)
        else:
            arrive = self._news_times(offset, calls)
        for index in np.argsort(arrive, kind="stable"):
            call = calls[index]
            if not comes[index]:
                state.no_shows += call.size
                continue
            wait = arrive[index] - self.env.now
            if wait > 0:
                yield self.env.timeout(wait)
            party = [call.size, call.category, call.priority, self.env.now]
            queue = state.called if scenario.call_forward else state.walk_ins
            queue[call.gate].append(party)
            state.tracked_people[call.gate] += call.size
            state.arrived += call.size

    def _news_times(self, quantiles: np.ndarray, calls: tuple[Call, ...]) -> np.ndarray:
        """Arrival hours spread like the crowd's news over the span of the plan's windows."""
        first = min(c.window[0] for c in calls)
        last = max(c.window[1] for c in calls)
        hours = np.arange(np.floor(first), np.ceil(last))
        weights = np.array([step_value(self.scenario.crowd.news, h) for h in hours])
        cumulative = np.concatenate([[0.0], np.cumsum(weights)])
        cumulative /= cumulative[-1]
        return np.interp(quantiles, cumulative, np.concatenate([hours, [hours[-1] + 1]]))

    # Gates and ECC --------------------------------------------------------------------------

    def gate(self, gate: Gate, rng: np.random.Generator) -> Generator:
        """Admit one party at a time: called-forward parties first, then whoever is in front."""
        env, state, processing = self.env, self.state, self.scenario.processing
        draws = GateDraws(rng, self.scenario.crowd.party_size)
        while True:
            reopens = inside(gate.closed, env.now)
            if reopens is not None:
                yield env.timeout(reopens - env.now)
                continue
            if state.ecc_people + state.airside_people >= processing.airside_capacity:
                yield env.timeout(IDLE_STEP)
                continue
            party = self._next_party(gate.name, draws)
            if party is None:
                yield env.timeout(IDLE_STEP)
                continue
            yield env.timeout(
                party[0] / (gate.rate_per_hour * self._strength()) * next(draws.noise)
            )
            state.ecc.append(party)
            state.ecc_people += party[0]

    def _next_party(self, gate: str, draws: "GateDraws") -> Party | None:
        state = self.state
        if state.called[gate]:
            return self._take(state.called[gate], gate)
        if inside(self.scenario.processing.restricted, self.env.now) is not None:
            return None
        walk_ins = state.walk_ins[gate]
        waiting = state.tracked_people[gate] if walk_ins else 0
        crowd = state.crowd[gate]
        if waiting + crowd == 0:
            return None
        if walk_ins and next(draws.uniform) * (waiting + crowd) < waiting:
            return self._take(walk_ins, gate)
        size = min(crowd, 1 + next(draws.sizes))
        state.crowd[gate] -= size
        category = self.categories[bisect(self.category_bounds, next(draws.uniform))]
        return [size, category, 0, self.env.now]

    def _take(self, queue: deque, gate: str) -> Party:
        party = queue.popleft()
        self.state.tracked_people[gate] -= party[0]
        return party

    def _strength(self) -> float:
        """How much of the full rate the gates and the ECC achieve now: the build-up, times
        later changes (the drawdown)."""
        processing, hour = self.scenario.processing, self.env.now
        ramp = 1.0
        if processing.doubling_hours:
            doublings = max(0.0, hour - processing.ramp_start) / processing.doubling_hours
            ramp = min(1.0, RAMP_FLOOR * 2**doublings)
        return ramp * step_value(processing.strength, hour)

    def ecc(self) -> Generator:
        env, state = self.env, self.state
        noise = blocks(lambda n: self.random["ecc"].gamma(4, 0.25, n))
        rate = self.scenario.processing.ecc_per_hour
        while True:
            if not state.ecc:
                yield env.timeout(IDLE_STEP)
                continue
            party = state.ecc.popleft()
            yield env.timeout(party[0] / (rate * self._strength()) * next(noise))
            state.ecc_people -= party[0]
            state.airside.append(party)
            state.airside_people += party[0]

    # Sorties and hubs -----------------------------------------------------------------------

    def _sortie_loads(self) -> np.ndarray:
        sorties = self.scenario.sorties
        draws = self.random["sorties"].random(len(sorties))
        low = np.array([s.min_load for s in sorties])
        high = np.array([s.max_load for s in sorties])
        return (low + draws * (high - low)).round()

    def sortie(self, sortie: Sortie, load: int) -> Generator:
        """Wait for the departure time, a runway slot and room at the hub; then board whoever
        is airside, up to the load, and go."""
        env, state = self.env, self.state
        hub = self.hubs[sortie.hub]
        yield env.timeout(sortie.departs)
        while True:
            now = env.now
            blocked = inside(self.scenario.runway_closed, now) or inside(hub.halts, now)
            if blocked is not None:
                yield env.timeout(blocked - now)
                continue
            if state.runway_free > now:
                yield env.timeout(state.runway_free - now)
                continue
            boarding = min(load, state.airside_people)
            if hub.beds is not None and state.hub_occupancy[hub.name] + boarding > hub.beds:
                state.held += 1  # a full hub stops departures to it (Al Udeid, 20 Aug 2021)
                yield env.timeout(IDLE_STEP)
                state.held -= 1
                continue
            break
        state.runway_free = env.now + self.scenario.runway_gap_hours
        self._board(load, hub.name)
        state.flown += 1

    def _board(self, load: int, hub: str) -> None:
        state, now = self.state, self.env.now
        hour = min(int(now), len(self.evacuated) - 1)
        seats = load
        while state.airside and state.airside[0][0] <= seats:
            size, category, priority, arrived = state.airside.popleft()
            seats -= size
            state.airside_people -= size
            self._group_hours(category, priority)[hour] += size
            self.waits.append((size, now - arrived))
        boarded = load - seats
        state.hub_occupancy[hub] += boarded
        self.evacuated[hour] += boarded

    def _group_hours(self, category: str, priority: int) -> np.ndarray:
        key = (category, priority)
        if key not in self.by_group:
            self.by_group[key] = np.zeros(len(self.evacuated))
        return self.by_group[key]

    def hub_onward(self, hub: Hub) -> Generator:
        occupancy = self.state.hub_occupancy
        while True:
            yield self.env.timeout(1.0)
            occupancy[hub.name] = max(0.0, occupancy[hub.name] - hub.onward_per_day / 24)

    def monitor(self) -> Generator:
        state = self.state
        hubs = [hub.name for hub in self.scenario.hubs]
        gates = [gate.name for gate in self.scenario.gates]
        while True:
            hour = int(self.env.now)
            for g, name in enumerate(gates):
                self.crowd_hourly[g, hour] = state.crowd[name] + state.tracked_people[name]
            for h, name in enumerate(hubs):
                self.hub_hourly[h, hour] = state.hub_occupancy[name]
            self.airside_hourly[hour] = state.airside_people
            yield self.env.timeout(1.0)

    def _result(self) -> Run:
        state = self.state
        waiting = sum(state.crowd.values()) + sum(state.tracked_people.values())
        waits = np.repeat([w for _, w in self.waits], [s for s, _ in self.waits])
        return Run(
            evacuated_hourly=self.evacuated,
            crowd_hourly=self.crowd_hourly,
            hub_hourly=self.hub_hourly,
            airside_hourly=self.airside_hourly,
            evacuated_by_group=self.by_group,
            by_category=_totals_by(self.by_group, 0),
            by_priority=_totals_by(self.by_group, 1),
            waits=waits,
            left_behind={
                "outside a gate": waiting,
                "called forward, never came": state.no_shows,
                "in ECC processing": state.ecc_people,
                "processed, no seat before the deadline": state.airside_people,
            },
            sorties_flown=state.flown,
            sorties_held=state.held,
            arrived=state.arrived,
        )


def _totals_by(groups: dict[tuple[str, int], np.ndarray], part: int) -> dict:
    totals: dict = {}
    for key, hourly in groups.items():
        totals[key[part]] = totals.get(key[part], 0) + int(hourly.sum())
    return totals


def simulate(
    scenario: Scenario,
    *,
    seed: int,
    replication: int = 0,
    environment: Callable[[], Any] = Environment,
) -> Run:
    """One replication of the scenario."""
    return Model(scenario, seed=seed, replication=replication, environment=environment).run()
