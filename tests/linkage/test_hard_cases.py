"""The cases that decide whether staff can trust linkage, through the engine and the CLI."""

import csv
import random

import pytest
from typer.testing import CliRunner

from evac.cli import app
from evac.linkage.cluster import cluster
from evac.linkage.dates import parse_birth_date
from evac.linkage.files import link_inputs, read_inputs
from evac.linkage.model import (
    PRIOR_PAIRS,
    LinkInput,
    explain,
    learn_from_reviews,
    prepare_frame,
    score,
)

GIVEN = [
    "Zaman",
    "Nabi",
    "Karim",
    "Rahim",
    "Hamid",
    "Wahid",
    "Nasir",
    "Qasim",
    "Jawad",
    "Farid",
    "Bashir",
    "Latif",
    "Sharif",
    "Hakim",
    "Rashid",
    "Aziz",
    "Majid",
    "Khalil",
    "Jalil",
    "Salim",
]
FAMILY = ["Ahmadzai", "Wardak", "Safi", "Popal", "Stanekzai", "Noori", "Hotak", "Barakzai"]


def crowd(n: int = 300) -> list[LinkInput]:
    """Other synthetic people, some sent in twice: the model sees a list, not only the case."""
    rng = random.Random(3)
    records = []
    for i in range(n):
        year = rng.randint(1950, 2005)
        person = dict(
            given_name=f"{rng.choice(['Mohammad ', 'Ghulam ', ''])}{rng.choice(GIVEN)}",
            father_name=rng.choice(GIVEN),
            family_name=rng.choice(FAMILY),
            sex="M",
            phone=f"+9370{rng.randint(1000000, 9999999)}",
            province=rng.choice(["Kabul", "Herat", "Kandahar", "Balkh"]),
            tazkira_number=str(rng.randint(10**9, 10**10)) if rng.random() < 0.5 else None,
        )
        records.append(LinkInput(f"crowd-{i}", birth=parse_birth_date(str(year)), **person))
        if rng.random() < 0.4:  # a second list with another spelling and the Solar Hijri year
            person["given_name"] = person["given_name"].replace("Mohammad", "Muhammad")
            records.append(
                LinkInput(f"crowd-{i}-again", birth=parse_birth_date(str(year - 621)), **person)
            )
    return records


def clusters(records: list[LinkInput]) -> dict[str, str]:
    everyone = records + crowd()
    cluster_ids, _ = link_inputs(everyone)
    return {r.record_id: c for r, c in zip(everyone, cluster_ids, strict=True)}


def test_two_men_called_mohammad_son_of_abdul_born_the_same_year_stay_apart():
    found = clusters(
        [
            LinkInput("a", given_name="Mohammad", father_name="Abdul", sex="M",
                      birth=parse_birth_date("1986"), phone="+93700111222", province="Kabul"),
            LinkInput("b", given_name="Mohammad", father_name="Abdul", sex="M",
                      birth=parse_birth_date("1986"), phone="+93799888777", province="Kabul"),
        ]
    )  # fmt: skip
    assert found["a"] != found["b"]


def test_the_same_interpreter_sent_in_four_times_is_one_person():
    found = clusters(
        [
            LinkInput("ngo", given_name="Mohammad", father_name="Abdul Rahman", sex="M",
                      birth=parse_birth_date("1365"), phone="0700 123 456",
                      tazkira_number="1365-0401-12345"),
            LinkInput("office1", given_name="Muhammad", father_name="Abdurrahman", sex="M",
                      birth=parse_birth_date("1986"), phone="+93 700 123 456"),
            LinkInput("office2", full_name="MOHD S/O ABD AL-RAHMAN", sex="M",
                      birth=parse_birth_date("01/01/1986"), phone="0093700123456"),
            LinkInput("self", given_name="Haji Mohammed", father_name="Abdorrahman",
                      birth=parse_birth_date("1986"), tazkira_number="136504011 2345"),
        ]
    )  # fmt: skip
    assert found["ngo"] == found["office1"] == found["office2"] == found["self"]


def test_twins_sharing_everything_but_their_given_names_stay_apart():
    common = dict(father_name="Ghulam Hazrat", family_name="Wardak", sex="M", province="Kabul",
                  birth=parse_birth_date("1995-03-04"), phone="+93701555444")  # fmt: skip
    found = clusters([LinkInput("twin1", given_name="Hasan", **common),
                      LinkInput("twin2", given_name="Husain", **common)])  # fmt: skip
    assert found["twin1"] != found["twin2"]


def test_father_and_son_with_the_same_given_name_stay_apart():
    found = clusters(
        [
            LinkInput("father", given_name="Mohammad Nabi", father_name="Ghulam Sakhi",
                      family_name="Popal", sex="M", birth=parse_birth_date("1960"),
                      phone="+93702333444", province="Kandahar"),
            LinkInput("son", given_name="Mohammad Nabi", father_name="Mohammad Nabi",
                      family_name="Popal", sex="M", birth=parse_birth_date("1990"),
                      phone="+93702333444", province="Kandahar"),
        ]
    )  # fmt: skip
    assert found["father"] != found["son"]


def test_a_wrong_sex_ticked_beside_the_same_given_name_day_and_phone_is_one_person():
    # Rahmatullah is a man's name: the F is a box ticked wrong, not a second person.
    found = clusters(
        [
            LinkInput("m", given_name="Rahmatullah", sex="M", phone="+93701234567",
                      birth=parse_birth_date("1990-05-05")),
            LinkInput("f", given_name="Rahmatullah", sex="F", phone="+93701234567",
                      birth=parse_birth_date("1990-05-05")),
        ]
    )  # fmt: skip
    assert found["m"] == found["f"]


def test_twins_brother_and_sister_of_near_names_are_two_people():
    # Jamil and Jamila: a near spelling with another sex is a brother and a sister.
    found = clusters(
        [
            LinkInput("m", given_name="Jamil", father_name="Sanaullah", sex="M",
                      phone="+93701234567", birth=parse_birth_date("2004-03-01")),
            LinkInput("f", given_name="Jamila", father_name="Sanaullah", sex="F",
                      phone="+93701234567", birth=parse_birth_date("2004-03-01")),
        ]
    )  # fmt: skip
    assert found["m"] != found["f"]


def test_the_same_passport_outweighs_a_wrong_sex_ticked_on_one_list():
    found = clusters(
        [
            LinkInput("m", given_name="Laila", family_name="Ansari", sex="M",
                      passport_number="P7925558", birth=parse_birth_date("1969-09-20")),
            LinkInput("f", full_name="ANSARI/LAILA MRS", sex="F", passport_number="P7925558",
                      birth=parse_birth_date("1969-09-20")),
        ]
    )  # fmt: skip
    assert found["m"] == found["f"]


def test_a_bare_mohammad_born_the_same_day_with_the_same_phone_is_one_man():
    found = clusters(
        [
            LinkInput("a", given_name="Gul Khan", family_name="Rasuli", sex="M",
                      phone="+93749090933", birth=parse_birth_date("1994-06-06")),
            LinkInput("b", given_name="GUL KHAN", father_name="Sanaullah", sex="M",
                      phone="0749 090 933", birth=parse_birth_date("1994-06-06")),
        ]
    )  # fmt: skip
    assert found["a"] == found["b"]


def test_file_mode_through_the_cli(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "clusters.csv"
    header = ["record_id", "given_name", "father_name", "full_name_native", "sex",
              "date_of_birth", "phone", "province"]  # fmt: skip
    rows = [
        ["1", "Zabihullah", "Abdul Haq", "ذبیح الله", "M", "1365", "+93700999888", "Kabul"],
        ["2", "Zabiullah", "Abdulhaq", "ذبيح الله", "M", "1986", "0700999888", "Kabul"],
        ["3", "Fatima", "Abdul Haq", "", "F", "01/01/1990", "+93700999888", "Kabul"],
        ["4", "Zabihullah", "Abdul Haq", "", "M", "not a date", "", "Herat"],
    ]  # fmt: skip
    with source.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    result = CliRunner().invoke(app, ["link", "file", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "row 5, column date_of_birth" in result.output
    with out.open(encoding="utf-8") as handle:
        written = {row["record_id"]: row["cluster_id"] for row in csv.DictReader(handle)}
    assert sorted(written) == ["1", "2", "3", "4"]
    assert written["1"] == written["2"]
    assert written["3"] != written["1"]


def test_file_mode_refuses_a_file_without_record_ids(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("name,phone\nZaman,+93700000000\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["link", "file", str(source), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "no record_id column" in result.output
    assert not (tmp_path / "o").exists()


def test_family_name_inside_the_given_field_still_links():
    found = clusters(
        [
            LinkInput("split", given_name="Mohammad Zaman", family_name="Ahmadzai",
                      father_name="Ghulam Nabi", sex="M", birth=parse_birth_date("1980"),
                      phone="+93700444555"),
            LinkInput("joined", given_name="Zaman Ahmadzai", father_name="Gholam Nabi", sex="M",
                      birth=parse_birth_date("1359"), phone="0700 444 555"),
        ]
    )  # fmt: skip
    assert found["split"] == found["joined"]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (dict(family_name="Sanaullah"), dict(given_name="Sanaullah", father_name="Mohd Nabi")),
        (dict(given_name="Khan Shir", family_name="Amiri"), dict(given_name="Shirkhan")),
        (dict(given_name="Aziz Mir", family_name="Kohistani"), dict(given_name="Miraziz")),
    ],
)
def test_a_given_name_in_another_field_or_glued_still_links(one, other):
    same = dict(sex="M", birth=parse_birth_date("1992-07-20"), phone="+93738459706")
    found = clusters([LinkInput("one", **one, **same), LinkInput("other", **other, **same)])
    assert found["one"] == found["other"]


def test_twins_with_names_glued_differently_stay_apart():
    same = dict(sex="M", birth=parse_birth_date("2001-03-04"), phone="+93701222333",
                family_name="Amiri")  # fmt: skip
    found = clusters([LinkInput("a", given_name="Shir Khan", **same),
                      LinkInput("b", given_name="Khanagha", **same)])  # fmt: skip
    assert found["a"] != found["b"]


def family(list_name: str, *, daughter_birth: str, twins: bool = False) -> list[LinkInput]:
    """A father and his daughter as one list writes them, grouped under the list's case number."""
    household = f"{list_name}:case-7"
    records = [
        LinkInput(f"{list_name}-father", given_name="Abdul Wadud", father_name="Ghulam Haidar",
                  family_name="Yusufzai", sex="M", birth=parse_birth_date("1980-05-01"),
                  phone="+93700555111", household=household),
        LinkInput(f"{list_name}-daughter", given_name="Sima", sex="F",
                  birth=parse_birth_date(daughter_birth), household=household),
    ]  # fmt: skip
    if twins:
        records.append(
            LinkInput(f"{list_name}-twin", given_name="Sama", sex="F",
                      birth=parse_birth_date(daughter_birth), household=household)
        )  # fmt: skip
    return records


def stranger_sima(household: str | None) -> LinkInput:
    """Another girl called Sima born the same year, in another family."""
    return LinkInput("other-sima", given_name="Sima", sex="F", birth=parse_birth_date("2014"),
                     phone="+93799000333", household=household)  # fmt: skip


def test_a_child_with_only_a_name_and_a_year_links_through_her_linked_father():
    found = clusters(
        [*family("ngo", daughter_birth="2014"), *family("webform", daughter_birth="2014-09-08"),
         stranger_sima("other:case-1")]
    )  # fmt: skip
    assert found["ngo-father"] == found["webform-father"]
    assert found["ngo-daughter"] == found["webform-daughter"]
    assert found["other-sima"] != found["ngo-daughter"]


def test_without_the_lists_households_the_same_child_is_too_weak_to_link():
    records = [*family("ngo", daughter_birth="2014"), *family("webform", daughter_birth="2014")]
    found = clusters([LinkInput(**{**vars(r), "household": None}) for r in records])
    assert found["ngo-father"] == found["webform-father"]
    assert found["ngo-daughter"] != found["webform-daughter"]


def test_each_member_links_one_member_of_the_other_family_and_twins_stay_apart():
    found = clusters(
        [*family("ngo", daughter_birth="2014", twins=True),
         *family("webform", daughter_birth="2014-09-08", twins=True)]
    )  # fmt: skip
    assert found["ngo-daughter"] == found["webform-daughter"]
    assert found["ngo-twin"] == found["webform-twin"]
    assert found["ngo-twin"] != found["ngo-daughter"]


def test_a_record_without_a_year_does_not_chain_a_father_and_his_namesake_son():
    same = dict(given_name="Ahmad Shah", family_name="Muhammadzai", sex="M", phone="+93741099347")
    found = clusters(
        [LinkInput("father", birth=parse_birth_date("1977-03-14"), **same),
         LinkInput("son", birth=parse_birth_date("2016-04-27"), **same),
         LinkInput("undated", **same)]
    )  # fmt: skip
    assert found["father"] != found["son"]


def test_two_members_of_one_listed_family_are_never_one_person():
    same = dict(given_name="Ahmad Shah", family_name="Muhammadzai", sex="M", phone="+93741099347")
    found = clusters(
        [LinkInput("father", household="siv:case-1", **same),
         LinkInput("son", household="siv:case-1", **same),
         LinkInput("elsewhere", household="ngo:case-9", **same)]
    )  # fmt: skip
    assert found["father"] != found["son"]
    assert found["elsewhere"] in {found["father"], found["son"]}


def test_a_pair_linked_within_families_is_explained_by_the_familys_odds():
    records = [*family("ngo", daughter_birth="2014"), *family("webform", daughter_birth="2014")]
    everyone = records + crowd()
    frame = prepare_frame(everyone)
    scored = score(frame)
    cluster(scored, frame)
    daughters = (1, 3)  # ngo-daughter, webform-daughter
    evidence = explain(scored, [daughters])[daughters]
    assert evidence["family"]["level"] == "households linked by another member"
    assert evidence["family"]["weight"] == 0.0  # households of two: even odds
    assert evidence["phone"]["weight"] == 0.0 and evidence["given_key"]["weight"] > 5


def test_a_record_without_a_given_name_links_by_a_mistyped_document_and_the_same_birthday():
    same = dict(family_name="Stanekzai", sex="F", province="Logar")
    found = clusters(
        [LinkInput("named", given_name="Marzia", tazkira_number="1400-1225-21906",
                   birth=parse_birth_date("1991-11-29"), **same),
         LinkInput("unnamed", tazkira_number="1400-1225-21960",
                   birth=parse_birth_date("1991-11-29"), **same),
         LinkInput("other-day", tazkira_number="1400-1225-21609",
                   birth=parse_birth_date("1991-12-29"), **same)]
    )  # fmt: skip
    assert found["named"] == found["unnamed"]
    assert found["other-day"] not in {found["named"], found["unnamed"]}


def test_another_given_name_links_by_a_mistyped_passport_but_twins_numbered_in_a_row_do_not():
    same = dict(
        family_name="Wardak", sex="M", province="Logar", birth=parse_birth_date("1990-03-17")
    )
    found = clusters(
        [LinkInput("home-name", given_name="Zabihullah", passport_number="P04718263", **same),
         LinkInput("document-name", given_name="Ahmad Zia", passport_number="P04713263", **same),
         LinkInput("twin", given_name="Hasibullah", passport_number="P04718264", **same)]
    )  # fmt: skip
    assert found["home-name"] == found["document-name"]
    assert found["twin"] not in {found["home-name"], found["document-name"]}


def level_m(linker, comparison: str, label: str) -> float:
    found = next(c for c in linker._settings_obj.comparisons if c.output_column_name == comparison)
    return next(lv.m_probability for lv in found.comparison_levels if lv.label_for_charts == label)


def test_reviewers_confirmed_pairs_move_the_m_values_toward_what_they_saw():
    frame = prepare_frame(crowd())
    untaught, taught = score(frame), score(frame)
    near = {"given_key": {"level": "near spelling", "weight": 1.0}, "family": {"level": "x"}}
    assert learn_from_reviews(taught.linker, [near] * 50) == 50
    before = level_m(untaught.linker, "given_key", "near spelling")
    after = level_m(taught.linker, "given_key", "near spelling")
    assert after == pytest.approx((before * PRIOR_PAIRS + 50) / (PRIOR_PAIRS + 50))
    assert level_m(taught.linker, "given_key", "same words") < level_m(
        untaught.linker, "given_key", "same words"
    )
    assert level_m(taught.linker, "birth", "same day") == level_m(
        untaught.linker, "birth", "same day"
    )  # no confirmed pair said anything about birth


def candidate_pairs(records: list[LinkInput]) -> set[tuple[str, str]]:
    """The record-id pairs among `records` that blocking puts up for comparison."""
    everyone = records + crowd()
    scored = score(prepare_frame(everyone))
    rows = scored.connection.execute(
        f"SELECT unique_id_l, unique_id_r FROM {scored.table} WHERE unique_id_r < ?",
        [len(records)],
    ).fetchall()
    return {(everyone[a].record_id, everyone[b].record_id) for a, b in rows}


def test_two_lists_that_share_only_a_rare_name_and_the_year_are_compared():
    # One list has the phone, the other the tazkira and the father: nothing else is shared.
    records = [
        LinkInput("phone-list", given_name="Tahmina", sex="F", birth=parse_birth_date("1994"),
                  phone="+93711705038"),
        LinkInput("form", full_name="Tahmineh d/o Ghulam Qadir", sex="F",
                  birth=parse_birth_date("1994-03-11"), tazkira_number="483/122/895"),
    ]  # fmt: skip
    assert ("phone-list", "form") in candidate_pairs(records)


def test_a_common_name_and_year_are_compared_only_when_nothing_else_differs():
    many = [LinkInput(f"ahmad-{i}", given_name="Ahmad", sex="M", birth=parse_birth_date("1990"),
                      phone=f"+9370{1000000 + i}", tazkira_number="1400-0003-10000" if i == 3
                      else None) for i in range(20)]  # fmt: skip
    records = [
        LinkInput("no-phone", given_name="Ahmed", sex="M", birth=parse_birth_date("1990"),
                  tazkira_number="1400-0003-10000"),
        LinkInput("other-tazkira", given_name="Ahmed", sex="M", birth=parse_birth_date("1990"),
                  tazkira_number="1399-9999-99999"),
        *many,
    ]  # fmt: skip
    pairs = candidate_pairs(records)
    assert ("no-phone", "ahmad-5") in pairs  # no phone on one side, nothing differs
    assert ("other-tazkira", "ahmad-5") in pairs
    assert ("other-tazkira", "ahmad-3") not in pairs  # two different tazkiras
    assert ("ahmad-4", "ahmad-5") not in pairs  # two different phones


def test_an_siv_case_links_a_principal_written_two_ways_but_not_his_namesake_son():
    case = "KBL2019123456"
    found = clusters(
        [
            LinkInput("case-list", given_name="MOHAMMAD ZAMAN", family_name="WARDAK", sex="M",
                      birth=parse_birth_date("1975"), siv_case=case),
            LinkInput("form", full_name="Mohd Zaman s/o Abdul Ghafur", sex="M",
                      birth=parse_birth_date("1975-06-02"), siv_case=f"{case[:3]}-{case[3:]}"),
            LinkInput("son", given_name="Mohammad Zaman", father_name="Mohammad Zaman",
                      family_name="Wardak", sex="M", birth=parse_birth_date("2001"),
                      siv_case=case),
        ]
    )  # fmt: skip
    assert found["case-list"] == found["form"]
    assert found["son"] != found["case-list"]


def test_file_mode_reads_the_siv_case_number_column(tmp_path):
    source = tmp_path / "in.csv"
    rows = [["record_id", "given_name", "siv_case_number"], ["1", "Zaman", "KBL2019123456"],
            ["2", "Zamaan", ""]]  # fmt: skip
    with source.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    inputs, _ = read_inputs(source)
    assert [item.siv_case for item in inputs] == ["KBL2019123456", None]
    # the case's digits: its embassy prefix dropped
    frame = prepare_frame(inputs)
    assert frame["siv_case"].tolist() == ["2019123456", None]


def test_a_name_in_one_field_with_the_family_name_unmarked_is_the_same_person():
    found = clusters(
        [
            LinkInput("form", full_name="Farida Shinwari", birth=parse_birth_date("2011-12-23"),
                      phone="+93754650585"),
            LinkInput("ngo", given_name="Farida", father_name="Feiz Mohammad",
                      family_name="Shinwari", sex="F", birth=parse_birth_date("2011-12-23"),
                      tazkira_number="53/207/3486"),
            LinkInput("office", full_name="SHINWARI, Farida", birth=parse_birth_date("2011-12-23"),
                      passport_number="P04412345"),
        ]
    )  # fmt: skip
    assert found["form"] == found["ngo"] == found["office"]


def test_a_vowel_written_otherwise_is_the_same_name():
    found = clusters(
        [
            LinkInput("a", given_name="Rahmatullah", father_name="Sohail", sex="M",
                      birth=parse_birth_date("1992-08-14"), phone="+93700032316"),
            LinkInput("b", given_name="Rehmatullah", father_name="Suhail", sex="M",
                      birth=parse_birth_date("1992-08-14"), tazkira_number="709/210/2418"),
        ]
    )  # fmt: skip
    assert found["a"] == found["b"]


def test_given_and_family_name_swapped_is_the_same_person():
    found = clusters(
        [
            LinkInput("a", given_name="Nasrin", family_name="Stanekzai", sex="F",
                      birth=parse_birth_date("1986-10-12"), tazkira_number="1400-5053-13070"),
            LinkInput("b", given_name="Stanekzai", family_name="Nasrin", sex="F",
                      birth=parse_birth_date("1986-10-12"), phone="+93729287055"),
        ]
    )  # fmt: skip
    assert found["a"] == found["b"]


def test_tazkiras_of_one_register_page_are_a_familys_not_a_typing_error():
    same = dict(father_name="Idris", family_name="Hashimi", sex="F", phone="+93786193320")
    records = [
        LinkInput("khadija", given_name="Khadija", tazkira_number="Jild 390 Safha 266 No 210",
                  birth=parse_birth_date("2013"), **same),
        LinkInput("parwana", given_name="Parwana", tazkira_number="390/266/213",
                  birth=parse_birth_date("2018"), **same),
        LinkInput("typo", given_name="Khadija", tazkira_number="390/226/210",
                  birth=parse_birth_date("2013"), **same),
    ]  # fmt: skip
    frame = prepare_frame(records + crowd())
    scored = score(frame)
    found = cluster(scored, frame).cluster_of
    assert found[0] != found[1]
    evidence = explain(scored, [(0, 1), (0, 2)])
    assert evidence[(0, 1)]["tazkira"]["level"] == "same volume and page, another entry"
    assert evidence[(0, 1)]["tazkira"]["weight"] == 0.0
    assert evidence[(0, 2)]["tazkira"]["level"] == "a typing error apart"
