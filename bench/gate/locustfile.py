"""The gate stations of bench/gate/checkins.py, as locust users (run by that script).

Each user takes the next prepared pass and posts its check-in with an idempotency key; on a
connection error (the server was killed) it sends the same request again until answered, as
a station's queue does. BENCH_TASK=anchor makes them send a trivial authenticated GET
instead. At the end every answered request is written to BENCH_RESULTS, one line each:
`key status milliseconds finished_at`.
"""

import os
import time
from itertools import count

from locust import FastHttpUser, events, task
from locust.exception import StopUser

RETRY_PAUSE = 0.05  # seconds between a refused connection and the retry


class Bench:
    """The prepared passes and what the users saw (one locust process)."""

    def __init__(self) -> None:
        with open(os.environ["BENCH_PASSES"]) as handle:
            self.passes = [line.rstrip("\n").split("\t") for line in handle]
        self.next_index = count()
        self.answered: list[tuple[str, int, float, float]] = []
        self.headers = {"Authorization": f"Bearer {os.environ['BENCH_TOKEN']}"}
        self.task = os.environ.get("BENCH_TASK", "checkin")

    def take(self) -> int:
        index = next(self.next_index)
        if index >= len(self.passes):
            raise StopUser()
        return index


BENCH: list[Bench] = []  # one, made when locust starts


@events.init.add_listener
def _start(environment, **_kwargs) -> None:
    BENCH.append(Bench())


@events.quitting.add_listener
def _write_results(environment, **_kwargs) -> None:
    with open(os.environ["BENCH_RESULTS"], "w") as handle:
        for key, status, milliseconds, finished in BENCH[0].answered:
            handle.write(f"{key} {status} {milliseconds:.3f} {finished:.3f}\n")


class Station(FastHttpUser):
    @task
    def scan(self) -> None:
        bench = BENCH[0]
        if bench.task == "anchor":
            self._send(bench, "anchor", "GET", "/api/v1/gate/conflicts", None)
            return
        index = bench.take()
        pass_text, gate, at = bench.passes[index]
        body = {
            "idempotency_key": f"bench-{index}",
            "gate": gate,
            "station": f"lane {index % 4 + 1}",
            "at": at,
            "pass": pass_text,
        }
        self._send(bench, body["idempotency_key"], "POST", "/api/v1/gate/checkins", body)

    def _send(self, bench: Bench, key: str, method: str, path: str, body: dict | None) -> None:
        while True:
            started = time.perf_counter()
            with self.client.request(
                method, path, json=body, headers=bench.headers, catch_response=True, name=method
            ) as response:
                if response.status_code == 0:  # no answer: the server is down, send again
                    response.failure("connection")
                    time.sleep(RETRY_PAUSE)
                    continue
                response.success()
            milliseconds = (time.perf_counter() - started) * 1000
            bench.answered.append((key, response.status_code, milliseconds, time.time()))
            return
