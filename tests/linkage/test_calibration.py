"""What the model learns from the list at hand: m by EM, and whether the list names families."""

import random

from evac.linkage.cluster import cluster
from evac.linkage.dates import parse_birth_date
from evac.linkage.model import (
    EM_KEYS,
    PRIOR_PAIRS,
    LinkInput,
    families_listed,
    prepare_frame,
    score,
)
from tests.linkage.test_dates import birth_levels

GIVEN = ["Zaman", "Karim", "Hamid", "Nasir", "Farid", "Bashir", "Latif", "Hakim", "Aziz", "Salim"]
FAMILY = ["Ahmadzai", "Wardak", "Safi", "Popal", "Stanekzai", "Noori", "Hotak", "Barakzai"]


def twice_each(persons: int, *, new_phones: float) -> list[LinkInput]:
    """Each person sent in by two lists: same names and day of birth; the second list gives
    another phone (a new SIM card) for this share of them."""
    rng = random.Random(11)
    records = []
    for i in range(persons):
        day = f"{rng.randint(1950, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        person = dict(given_name=f"{rng.choice(GIVEN)} {rng.choice(GIVEN)}",
                      father_name=rng.choice(GIVEN), family_name=rng.choice(FAMILY), sex="M",
                      birth=parse_birth_date(day))  # fmt: skip
        phones = [f"+9370{rng.randint(1000000, 9999999)}" for _ in range(2)]
        for side in range(2):
            phone = phones[side] if i < persons * new_phones else phones[0]
            records.append(LinkInput(f"p{i}-{side}", phone=phone, **person))
    return records


def phone_m(records: list[LinkInput]) -> float:
    """The m value the model ends with for "different phone"."""
    scored = score(prepare_frame(records))
    (phone,) = (
        c for c in scored.linker._settings_obj.comparisons if c.output_column_name == "phone"
    )
    scored.connection.close()
    return next(
        lv.m_probability for lv in phone.comparison_levels if lv.label_for_charts == "different"
    )


PRIOR_DIFFERENT_PHONE = 0.15  # another number of the same country


def test_em_learns_how_often_one_person_gives_another_phone_but_keeps_part_of_the_prior():
    changes_phone = phone_m(twice_each(600, new_phones=0.9))
    keeps_phone = phone_m(twice_each(600, new_phones=0.01))
    assert changes_phone > 0.75  # nine in ten gave two numbers; the prior keeps its part
    assert keeps_phone < PRIOR_DIFFERENT_PHONE / 3  # one in a hundred did
    # at most 600 matches for each EM key against the prior's 50: the prior keeps its part
    matches = 600 * len(EM_KEYS)
    assert keeps_phone > PRIOR_DIFFERENT_PHONE * PRIOR_PAIRS / (PRIOR_PAIRS + matches)


def test_a_list_names_families_when_a_shared_marker_joins_two_people():
    phone = "+93700111222"
    sisters = [
        LinkInput("a", given_name="Sima", sex="F", birth=parse_birth_date("2004"), phone=phone),
        LinkInput("b", given_name="Sina", sex="F", birth=parse_birth_date("2006"), phone=phone),
    ]
    one_woman_twice = [
        LinkInput(tag, given_name="Sima", sex="F", birth=parse_birth_date("2004"), phone=phone)
        for tag in ("a", "b")
    ]
    roster = same_family_and_day("Hamid", "Khalid")
    assert families_listed(prepare_frame(sisters))
    assert not families_listed(prepare_frame(one_woman_twice))
    assert not families_listed(prepare_frame(roster))  # the family name is no marker


def same_family_and_day(*given: str) -> list[LinkInput]:
    day = parse_birth_date("1980-03-05")
    return [
        LinkInput(name, given_name=name, family_name="Wardak", birth=day, province="Logar")
        for name in given
    ]


def passes_gate(records: list[LinkInput]) -> bool:
    """Whether the first two records' pair passes the merge gate (then it is queued for
    review between these extreme thresholds; otherwise it is not)."""
    frame = prepare_frame(records)
    scored = score(frame)
    clustering = cluster(scored, frame, merge_threshold=1.0, review_threshold=1e-9)
    scored.connection.close()
    return any({c.left, c.right} == {0, 1} for c in clustering.review)


def test_same_family_name_and_day_with_another_given_name_passes_the_gate_only_in_a_roster():
    rng = random.Random(4)
    roster = [
        LinkInput(f"r{i}", given_name=rng.choice(GIVEN), family_name=rng.choice(FAMILY),
                  birth=parse_birth_date(f"{rng.randint(1950, 2000)}-0{rng.randint(1, 9)}-15"))
        for i in range(200)
    ]  # fmt: skip
    pair = same_family_and_day("Hamid", "Khalid")
    assert passes_gate([*pair, *roster])
    # The same two in a list where a father's name joins brothers: twins, kept apart.
    brothers = [
        LinkInput("x", given_name="Nasir", father_name="Abdul Karim", family_name="Safi"),
        LinkInput("y", given_name="Bashir", father_name="Abdul Karim", family_name="Safi"),
    ]  # fmt: skip
    assert not passes_gate([*pair, *roster, *brothers])


def test_one_digit_of_the_day_miscopied_is_its_own_level():
    same = dict(given_name="Zarif", family_name="Hotak", passport_number="P01345678")
    pairs = [
        (LinkInput("l1", birth=parse_birth_date("1990-03-17"), **same),
         LinkInput("r1", birth=parse_birth_date("1990-03-12"), **same)),
        (LinkInput("l2", birth=parse_birth_date("1990-03-17"), **same),
         LinkInput("r2", birth=parse_birth_date("1990-08-02"), **same)),
    ]  # fmt: skip
    assert birth_levels(pairs) == ["one digit of the date miscopied", "same year, another day"]
