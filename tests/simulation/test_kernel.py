"""The kernel runs processes as SimPy does: same order of events, same clock."""

import simpy

from evac.simulation.kernel import Environment
from evac.simulation.model import simulate
from tests.simulation.conftest import small_scenario


def trace(environment) -> list:
    env, log = environment(), []

    def ticker(name: str, step: float):
        for _ in range(3):
            yield env.timeout(step)
            log.append((env.now, name))

    def waiter(signal):
        value = yield signal
        log.append((env.now, "woken", value))

    def signaller(signal):
        yield env.timeout(2)
        signal.succeed("go")

    signal = env.event()
    env.process(ticker("a", 1))
    env.process(ticker("b", 1.5))
    env.process(waiter(signal))
    env.process(signaller(signal))
    env.run(until=4)
    return [*log, env.now]


def test_events_come_in_the_order_simpy_gives():
    assert trace(Environment) == trace(simpy.Environment)
    assert trace(Environment)[-1] == 4


def test_the_model_gives_the_same_result_on_simpy():
    scenario = small_scenario()
    ours = simulate(scenario, seed=3)
    theirs = simulate(scenario, seed=3, environment=simpy.Environment)
    assert ours.total == theirs.total > 0
    assert (ours.evacuated_hourly == theirs.evacuated_hourly).all()
    assert (ours.crowd_hourly == theirs.crowd_hourly).all()
