"""Candidate pairs: evac's one join per blocking rule finds exactly the pairs Splink would."""

import random

import duckdb

from evac.linkage.dates import parse_birth_date
from evac.linkage.model import (
    BLOCKING_RULES,
    LinkInput,
    build_linker,
    prepare_frame,
    register_candidate_pairs,
)

GIVEN = ["Zaman", "Nabi", "Karim", "Mohammad Rahim", "Hamid", "Zarghuna", "Fatima", "Abdul Wahid"]
FAMILY = ["Ahmadzai", "Wardak", "Safi", "Popal", None]
NATIVE = ["زمان ولد کریم", "نبی", "فاطمه", None]


def birth(rng: random.Random) -> str:
    """A day, a year or nothing, from a few years: days and years shared."""
    year = rng.randint(1980, 1984)
    return rng.choice([f"{year}-0{rng.randint(1, 3)}-1{rng.randint(0, 2)}", str(year), "n/a"])


def crowd(n: int = 400) -> list[LinkInput]:
    """Few names, days and numbers among many records: every kind of rule finds pairs, and
    many pairs are found by more than one rule."""
    rng = random.Random(5)
    return [
        LinkInput(
            f"r{i}",
            given_name=rng.choice(GIVEN),
            father_name=rng.choice(GIVEN),
            family_name=rng.choice(FAMILY),
            name_native=rng.choice(NATIVE),
            sex=rng.choice(["M", "F", None]),
            birth=parse_birth_date(birth(rng)),
            phone=rng.choice([None, f"+93 70 000 12{rng.randint(10, 40)}"]),
            passport_number=rng.choice([None, f"P{rng.randint(1000100, 1000140)}"]),
            province=rng.choice(["Kabul", "Herat", None]),
        )
        for i in range(n)
    ]


def test_each_pair_once_under_the_first_rule_that_finds_it_as_splink_finds_them():
    frame = prepare_frame(crowd())
    connection = duckdb.connect()
    linker = build_linker(frame, connection=connection)
    ours = register_candidate_pairs(linker, connection, BLOCKING_RULES).physical_name
    splinks = linker.inference.compute_blocked_pairs_for_predict().physical_name
    pairs = "SELECT match_key, join_key_l, join_key_r FROM {}"
    found = {
        table: set(connection.execute(pairs.format(table)).fetchall()) for table in (ours, splinks)
    }
    connection.close()
    assert len({key for key, _, _ in found[ours]}) > 10  # many rules found pairs
    assert found[ours] == found[splinks]
