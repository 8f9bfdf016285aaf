"""Frequency weighting through the real model: a value many records share says less.

A family's or an office's phone on many registrations, or a given name half the men carry,
agrees between strangers far more often than a phone or a name only one person has; Splink's
term-frequency adjustment (`tf` on the phone and name comparisons) weighs it down.
"""

import random
from math import log2

import pytest

from evac.linkage.cluster import cluster
from evac.linkage.dates import parse_birth_date
from evac.linkage.model import LinkInput, explain, prepare_frame, score

RARE = ["Zabihullah", "Sharifullah", "Hekmatullah", "Samiullah", "Najibullah", "Ehsanullah",
        "Baryalai", "Shinwari", "Wahidullah", "Mirwais", "Tamim", "Farhad", "Jawed", "Khalil",
        "Idris", "Nasrullah", "Omid", "Parwiz", "Qudratullah", "Rustam"]  # fmt: skip
FATHERS = ["Abdul Haq", "Gul Ahmad", "Sher Khan", "Ghulam Sakhi", "Noor Agha", "Mir Wais",
           "Abdul Wahid", "Faqir Mohammad", "Sayed Karim", "Juma Khan"]  # fmt: skip
OFFICE_PHONE = "+93 20 210 1234"  # one office that sent in 15 of its staff
SHARING_OFFICE = 15


def crowd(n: int = 400) -> list[LinkInput]:
    """Men of whom half are called Ahmad; each his own phone but the office's staff."""
    rng = random.Random(9)
    people = []
    for i in range(n):
        phone = OFFICE_PHONE if i < SHARING_OFFICE else f"+9379{rng.randint(1000000, 9999999)}"
        name = "Ahmad" if rng.random() < 0.5 else rng.choice(RARE)
        people.append(
            LinkInput(f"c{i}", given_name=name, father_name=rng.choice(FATHERS), sex="M",
                      birth=parse_birth_date(str(rng.randint(1960, 2000))), phone=phone)
        )  # fmt: skip
    return people


def pair(tag: str, given: str, *, phone: str | None = None) -> list[LinkInput]:
    """Two records that agree on the given name, the father's name and the birth year, and
    differ in nothing else (a phone, if given, on both)."""
    return [
        LinkInput(f"{tag}-{side}", given_name=given, father_name="Abdul Rahim", sex="M",
                  birth=parse_birth_date("1975"), phone=phone)
        for side in ("a", "b")
    ]  # fmt: skip


def weights(extra: dict[str, list[LinkInput]]) -> dict[str, dict]:
    """Each extra pair's evidence ({comparison: {level, weight}}) among the crowd."""
    inputs = crowd()
    position = {}
    for tag, records in extra.items():
        position[tag] = (len(inputs), len(inputs) + 1)
        inputs += records
    frame = prepare_frame(inputs)
    scored = score(frame)
    cluster(scored, frame)  # as a run does: scored, clustered, then explained
    evidence = explain(scored, list(position.values()))
    scored.connection.close()
    return {tag: evidence[where] for tag, where in position.items()}


def test_a_phone_many_records_share_weighs_less_than_ones_own():
    found = weights(
        {
            "office": pair("office", "Qasim", phone=OFFICE_PHONE),
            "own": pair("own", "Qasim", phone="+93 70 444 5566"),
        }
    )
    office, own = found["office"]["phone"], found["own"]["phone"]
    assert office["level"] == own["level"] == "same"
    # u is the share of records with the value: 17 (the office's 15 and the pair) against 2.
    assert own["weight"] - office["weight"] == pytest.approx(
        log2((SHARING_OFFICE + 2) / 2), abs=0.05
    )


def test_a_common_given_name_weighs_less_than_a_rare_one():
    found = weights(
        {
            "common": pair("common", "Ahmad"),  # half the crowd
            "rare": pair("rare", "Zarghun"),  # no one else
            "mohammad": pair("mohammad", "Mohammad"),  # a first part of many men's names
        }
    )
    common, rare = found["common"]["given_key"], found["rare"]["given_key"]
    assert common["level"] == rare["level"] == "same words"
    ahmads = sum(person.given_name == "Ahmad" for person in crowd()) + 2
    assert rare["weight"] - common["weight"] == pytest.approx(log2(ahmads / 2), abs=0.05)
    # A bare Mohammad reaches a level of its own, weighed as the first part of many names.
    mohammad = found["mohammad"]["given_key"]
    assert mohammad["level"] == "same, but only a common first part"
    assert mohammad["weight"] < rare["weight"] - 2
