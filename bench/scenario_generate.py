"""Scenario generation: 1,000,000 registrations written (sources, linkage input, truth) in under
60 s on 2 cores; anchor: writing the same number of linkage rows with the csv module alone."""

import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from evac.scenario.service import write_scenario

TARGET = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
PERSONS_PER_REGISTRATION = 0.707  # measured: 1.415 registrations a person (seed 2021)


def peak_memory_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest child (the file writer)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, child


def main() -> None:
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        summary = write_scenario(
            out=Path(folder) / "scenario",
            seed=2021,
            persons=round(TARGET * PERSONS_PER_REGISTRATION),
        )
        seconds = time.perf_counter() - started
        rows = summary.total_registrations
        started = time.perf_counter()
        with (Path(folder) / "anchor.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            row = [
                "webform-1",
                "Mohammad Nabi",
                "Gul Ahmad",
                "Ahmadzai",
                "",
                "male",
                "1986-05-12",
                "0093701234567",
                "P01234567",
                "1365-0102-12345",
                "Kabul",
                "",
            ]
            writer.writerows([f"r{i}", *row[1:]] for i in range(rows))
        anchor = time.perf_counter() - started
    own, child = peak_memory_mb()
    print(
        f"load average {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after; "
        f"peak memory {own:,.0f} MB (generator), {child:,.0f} MB (file writer)"
    )
    print(
        f"{rows:,} registrations of {summary.persons:,} persons in {seconds:.1f} s "
        f"({rows / seconds:,.0f}/s); csv-module anchor {anchor:.1f} s; "
        f"ratio {seconds / anchor:.1f}x"
    )


if __name__ == "__main__":
    main()
