"""Persons decided per second by `evac eligibility file`, beside reading and writing the same
CSV with the csv module and no evaluation (the anchor), measured in the same run.

The file is generated: households of the Kabul 2021 mix (US citizens, LPRs, SIV applicants
with and without COM approval, staff, P-2 referrals, others at risk), with spouses, children
of every age, married children, parents and siblings, the claim words the scenario's sources
write, years alone and Solar Hijri dates. Issue 13's target: 1,000,000 persons in under 60 s.

`.venv/bin/python bench/eligibility_file.py [--persons 1000000] [--keep DIR]`
"""

import argparse
import csv
import os
import platform
import random
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from evac.eligibility.files import INPUT_COLUMNS, OUTPUT_COLUMNS, decide_file
from evac.eligibility.policy import default_policy
from evac.safe_csv import SafeWriter
from evac.scenario.sources import SOURCES

AS_OF = date(2021, 8, 25)
# category -> (share of households, documents its principal tends to hold)
MIX = {
    "us_citizen": (0.06, ("us_passport",)),
    "lpr": (0.05, ("green_card",)),
    "siv": (0.38, ("siv_case",)),
    "local_staff": (0.08, ("siv_case",)),
    "refugee_referral": (0.15, ()),
    "third_country": (0.03, ()),
    "at_risk": (0.25, ()),
}
RELATIVES = ("Wife", "Son", "Daughter", "Daughter", "Son", "Mother", "Brother", "Sister")


def generate(path: Path, persons: int, rng: random.Random) -> None:
    """A CSV of `persons` rows in households, in INPUT_COLUMNS plus a name column to ignore."""
    words = {
        category: [s.category_words[category] for s in SOURCES if "category" in s.columns]
        for category in MIX
    }
    categories = list(MIX)
    weights = [share for share, _ in MIX.values()]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*INPUT_COLUMNS, "name"])
        written = household = 0
        while written < persons:
            household += 1
            category = rng.choices(categories, weights)[0]
            size = min(persons - written, rng.choice((1, 2, 3, 4, 5, 6, 7, 8)))
            for member in range(size):
                written += 1
                principal = member == 0
                writer.writerow(_row(rng, written, household, category, principal, words))


def _row(rng, number, household, category, principal, words) -> list[str]:
    documents = MIX[category][1] if principal or rng.random() < 0.3 else ()
    approved = "siv_case" in documents and rng.random() < 0.5
    born = rng.randint(1940, 2021) if not principal else rng.randint(1955, 2000)
    written_birth = rng.choice(
        (
            f"{born}",
            f"{born}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            f"{born - 621}",
            "",
        )
    )
    cells = {
        "record_id": f"R{number}",
        "household_id": f"H{household}" if rng.random() > 0.02 else "",
        "relationship": "Self" if principal else rng.choice(RELATIVES),
        "category_claimed": rng.choice(words[category]) if rng.random() < 0.8 else "",
        "nationality": "Afghan" if category != "third_country" else "Pakistani",
        "date_of_birth": written_birth,
        "us_passport_number": f"{rng.randrange(10**8, 10**9)}"
        if "us_passport" in documents
        else "",
        "green_card_number": f"A0{rng.randrange(10**7, 10**8)}"
        if "green_card" in documents
        else "",
        "siv_case_number": f"KBL2021{rng.randrange(10**6):06d}" if "siv_case" in documents else "",
        "com_approval_date": f"2021-0{rng.randint(1, 7)}-{rng.randint(10, 28)}" if approved else "",
        "siv_visa_number": "",
        "marital_status": "married" if not principal and rng.random() < 0.1 else "",
        "flags": rng.choice(("", "", "", "", "medical", "pregnancy", "disability")),
    }
    return [*(cells[column] for column in INPUT_COLUMNS), "Synthetic Person"]


def anchor(source: Path, out: Path) -> tuple[float, float]:
    """Seconds (wall, CPU) to read the file and write as many rows of the output's width: no
    evaluation."""
    started, cpu_started = time.perf_counter(), time.process_time()
    with (
        source.open(encoding="utf-8", newline="") as inp,
        out.open("w", encoding="utf-8", newline="") as output,
    ):
        writer = SafeWriter(output)
        writer.writerow(OUTPUT_COLUMNS)
        rows = csv.reader(inp)
        next(rows)
        for row in rows:
            writer.writerow((row[0], row[1], "eligible", row[3], row[4], "3", row[5]))
    return time.perf_counter() - started, time.process_time() - cpu_started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="Keep the generated and decided files here.")
    arguments = parser.parse_args()
    folder = arguments.keep or Path(tempfile.mkdtemp(prefix="evac-eligibility-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "persons.csv"
    generate(source, arguments.persons, random.Random(13))
    anchor_seconds, anchor_cpu = anchor(source, folder / "anchor.csv")
    started, cpu_started = time.perf_counter(), time.process_time()
    summary = decide_file(source, folder / "decisions.csv", policy=default_policy(), as_of=AS_OF)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    rate, anchor_rate = summary.rows / seconds, summary.rows / anchor_seconds
    machine = platform.processor() or platform.machine()
    print(f"machine: {machine}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    outcomes = ", ".join(f"{outcome} {count:,}" for outcome, count in summary.outcomes.items())
    print(f"persons: {summary.rows:,} in {summary.parties:,} parties; {outcomes}")
    print(
        f"evac eligibility file: {seconds:.1f} s ({cpu_seconds:.1f} s CPU), {rate:,.0f} persons/s"
    )
    print(
        f"anchor, csv read + write, no evaluation: {anchor_seconds:.1f} s ({anchor_cpu:.1f} s "
        f"CPU), {anchor_rate:,.0f} rows/s"
    )
    print(
        f"ratio: {seconds / anchor_seconds:.1f}x the anchor's time, "
        f"{cpu_seconds / anchor_cpu:.1f}x its CPU"
    )
    at_a_million = seconds * 1_000_000 / summary.rows
    at_a_million_cpu = cpu_seconds * 1_000_000 / summary.rows
    print(
        f"at 1,000,000 persons: {at_a_million:.0f} s, {at_a_million_cpu:.0f} s CPU (target < 60 s)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak memory of the whole script: {peak:,.0f} MiB")
    if not arguments.keep:
        for file in folder.iterdir():
            file.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
