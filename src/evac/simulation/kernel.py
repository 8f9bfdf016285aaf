"""A small discrete-event kernel in SimPy's style: processes are generators that yield events.

It keeps the subset of SimPy's interface the model uses (`now`, `timeout`, `event`, `process`,
`run(until=...)`, `Event.succeed`), so the same model also runs on `simpy.Environment`: the
benchmark measures both. It is faster than SimPy because it drops what the model never needs
(conditions, interrupts, resources, exceptions carried by events).
"""

from collections.abc import Callable, Generator
from heapq import heappop, heappush
from itertools import count
from typing import Any

PENDING = object()


class Event:
    """Something that happens once; processes waiting on it resume when it is processed."""

    __slots__ = ("callbacks", "env", "value")

    def __init__(self, env: "Environment") -> None:
        self.env = env
        self.callbacks: list[Callable[[Event], None]] | None = []
        self.value: Any = PENDING

    @property
    def triggered(self) -> bool:
        return self.value is not PENDING

    @property
    def processed(self) -> bool:
        return self.callbacks is None

    def succeed(self, value: Any = None) -> "Event":
        if self.triggered:
            raise RuntimeError("event already triggered")
        self.value = value
        self.env.schedule(self, 0.0)
        return self


class Timeout(Event):
    __slots__ = ()

    def __init__(self, env: "Environment", delay: float, value: Any = None) -> None:
        if delay < 0:
            raise ValueError(f"negative delay {delay}")
        super().__init__(env)
        self.value = value
        env.schedule(self, delay)


class Process(Event):
    """Runs a generator: each yielded event suspends it until that event is processed."""

    __slots__ = ("generator",)

    def __init__(self, env: "Environment", generator: Generator[Event, Any, Any]) -> None:
        super().__init__(env)
        self.generator = generator
        start = Event(env)
        start.callbacks.append(self._resume)
        start.succeed()

    def _resume(self, event: Event) -> None:
        while True:
            try:
                target = self.generator.send(event.value)
            except StopIteration as stop:
                self.succeed(stop.value)
                return
            if target.callbacks is not None:
                target.callbacks.append(self._resume)
                return
            event = target  # already processed: go on at once, as SimPy does


class Environment:
    """The clock and the queue of scheduled events (time, insertion order, event)."""

    def __init__(self, initial_time: float = 0.0) -> None:
        self.now = initial_time
        self._queue: list[tuple[float, int, Event]] = []
        self._order = count()

    def schedule(self, event: Event, delay: float) -> None:
        heappush(self._queue, (self.now + delay, next(self._order), event))

    def timeout(self, delay: float, value: Any = None) -> Timeout:
        return Timeout(self, delay, value)

    def event(self) -> Event:
        return Event(self)

    def process(self, generator: Generator[Event, Any, Any]) -> Process:
        return Process(self, generator)

    def run(self, until: float | None = None) -> None:
        """Process events in time order, up to (not including) `until`."""
        queue = self._queue
        while queue:
            when, _, event = queue[0]
            if until is not None and when >= until:
                break
            heappop(queue)
            self.now = when
            callbacks, event.callbacks = event.callbacks, None
            for callback in callbacks:
                callback(event)
        if until is not None:
            self.now = max(self.now, until)
