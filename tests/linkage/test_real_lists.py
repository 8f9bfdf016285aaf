"""What real partner lists write (issue 10): markers in a one-field name, names in the wrong
column, places for provinces, tazkiras and phones in every form, partial dates, shared family
phones, differences that weigh instead of vetoing, and caches that end with the run."""

import pytest

from evac.auth.permissions import cli_actor
from evac.linkage import model, names
from evac.linkage.cluster import MERGE_THRESHOLD, within_typing_error
from evac.linkage.dates import parse_birth_date
from evac.linkage.files import link_inputs
from evac.linkage.model import LinkInput, prepare_frame, score
from evac.linkage.names import phone_number, prepare_name, tazkira_number
from evac.linkage.places import province_key
from evac.linkage.service import run_linkage
from tests.linkage.test_hard_cases import clusters, crowd
from tests.linkage.test_resolution import crowd as stored_crowd


def keys(text: str) -> frozenset[str]:
    return prepare_name(given_name=text).given


@pytest.mark.parametrize(
    ("written", "own", "father"),
    [
        ("Freshta d/o Ahmad Jawid", "Freshta", "Ahmad Jawid"),
        ("Ali bin Abdul Matin", "Ali", "Abdul Matin"),
        ("Zuhra bint Karim", "Zuhra", "Karim"),
        ("Reza walad-e Saeed", "Reza", "Saeed"),
        ("Nur Khan son of Jamil", "Nur Khan", "Jamil"),
        ("Roya daughter of Rahim", "Roya", "Rahim"),
        ("Ahmad s/o Karim s/o Nabi", "Ahmad", "Karim"),  # the grandfather is not the father
        ("Fatima w/o Ahmad", "Fatima", ""),  # a husband's name is neither
    ],
)
def test_a_name_in_one_field_is_split_at_its_marker(written, own, father):
    name = prepare_name(full_name=written)
    assert (name.given, name.father) == (keys(own), keys(father))


def test_dari_and_pashto_markers_and_a_family_field_that_starts_with_one():
    assert prepare_name(name_native="فرشته دختر احمد").native_father == {"احمد"}
    assert prepare_name(name_native="زرمینه لور کریم").native_father == {"کریم"}
    assert prepare_name(name_native="احمد فرزند محمود").native == {"احمد"}
    assert prepare_name(given_name="Ahmad", family_name="walad Karim").father == keys("Karim")


def pair_probability(left: LinkInput, right: LinkInput) -> float:
    frame = prepare_frame([left, right, *crowd()])
    scored = score(frame)
    found = scored.connection.execute(
        f"SELECT match_probability FROM {scored.table} WHERE unique_id_l = 0 AND unique_id_r = 1"
    ).fetchone()
    return found[0] if found else 0.0


def test_the_father_written_as_family_name_counts_for_the_father():
    one = LinkInput("a", given_name="Samiullah", father_name="Gul Rahman", sex="M",
                    birth=parse_birth_date("1988"))  # fmt: skip
    other = LinkInput("b", given_name="Samiullah", family_name="Gul Rahman", sex="M",
                      birth=parse_birth_date("1988"))  # fmt: skip
    stranger = LinkInput("b", given_name="Samiullah", family_name="Haidari", sex="M",
                         birth=parse_birth_date("1988"))  # fmt: skip
    assert pair_probability(one, other) > MERGE_THRESHOLD > pair_probability(one, stranger)


@pytest.mark.parametrize(
    ("written", "province"),
    [
        ("Mazar-e-Sharif", "balkh"), ("Mazar", "balkh"), ("Balkh Province", "balkh"),
        ("Gardez", "paktia"), ("Kabul City", "kabul"), ("Jalalabad", "nangarhar"),
        ("Hirat", "herat"), ("Qandahar", "kandahar"), ("Qunduz", "kunduz"),
        ("Pol-e Khomri", "baghlan"), ("Lashkar Gah", "helmand"), ("Khowst", "khost"),
        ("Sheberghan", "jowzjan"), ("Taloqan", "takhar"), ("Faizabad", "badakhshan"),
        ("Bamiyan", "bamyan"), ("Charikar", "parwan"), ("Asadabad", "kunar"),
        ("Mehtarlam", "laghman"), ("مزار شریف", "balkh"), ("ولایت هرات", "herat"),
        ("2600", "2600"), ("Peshawar", "peshawar"),  # unknown places compared as written
    ],
)  # fmt: skip
def test_a_city_or_district_is_compared_as_its_province(written, province):
    assert province_key(written) == province


def test_one_paper_tazkira_in_every_written_form_is_one_number():
    forms = ["Jild 74 Safha 146 No 2401", "ج ۷۴ ص ۱۴۶ ث ۲۴۰۱", "Vol 74, Page 146, Reg 2401",
             "74/146/2401", "J74-P146-2401"]  # fmt: skip
    assert {tazkira_number(form) for form in forms} == {"74/146/2401"}
    assert tazkira_number("1400-0101-12345") == tazkira_number("1400 0101 12345")
    assert tazkira_number("N/A") is None


def test_a_tazkira_by_its_number_alone_is_the_same_document_with_volume_and_page():
    one = LinkInput("a", given_name="Zarmina", sex="F", birth=parse_birth_date("1992"),
                    tazkira_number="74/146/2401")  # fmt: skip
    other = LinkInput("b", given_name="Zarmina", sex="F", birth=parse_birth_date("1992"),
                      tazkira_number="2401")  # fmt: skip
    other_number = LinkInput("b", given_name="Zarmina", sex="F", birth=parse_birth_date("1992"),
                             tazkira_number="9182")  # fmt: skip
    assert pair_probability(one, other) > MERGE_THRESHOLD > pair_probability(one, other_number)


def test_phones_in_every_afghan_form_agree_and_a_us_number_is_not_afghan():
    assert len({phone_number(p) for p in ["+93 70 012 3456", "93700123456", "700123456"]}) == 1
    assert phone_number("(617) 555-0129") == "+16175550129"


def test_a_month_known_without_its_day_is_more_than_the_year():
    left = LinkInput("a", given_name="Nilofar", sex="F", birth=parse_birth_date("00/06/1985"))
    same_month = LinkInput("b", given_name="Nilofar", sex="F", birth=parse_birth_date("1985-06-00"))
    year_only = LinkInput("c", given_name="Nilofar", sex="F", birth=parse_birth_date("1985"))
    assert pair_probability(left, same_month) > pair_probability(left, year_only)


def sister(record_id: str, given: str, born: str) -> LinkInput:
    return LinkInput(record_id, given_name=given, father_name="Abdul Qadir", family_name="Sultani",
                     sex="F", birth=parse_birth_date(born), phone="+93701234567",
                     province="Herat", email="sultani.family@gmail.com")  # fmt: skip


def test_sisters_sharing_the_family_phone_are_not_one_woman():
    """Everything a household shares agrees; only given names a letter apart and births three
    months apart tell them. Without the household's cap this pair scored above 0.95."""
    assert (
        pair_probability(sister("a", "Sima", "2004-03-10"), sister("b", "Sina", "2004-06-14"))
        < MERGE_THRESHOLD
    )
    assert (
        pair_probability(sister("a", "Sima", "2004-03-10"), sister("b", "Seema", "2004-03-10"))
        > MERGE_THRESHOLD
    )


def test_a_second_document_or_a_mistyped_year_weighs_but_does_not_veto():
    """A third list joins two lists' records of one man: one wrote a mistyped birth year beside
    the same tazkira, another his new e-tazkira beside the same day of birth."""
    man = dict(given_name="Hamidullah", father_name="Sher Agha", sex="M")
    records = [
        LinkInput("a", **man, birth=parse_birth_date("1983-05-02"), tazkira_number="88/12/4410",
                  phone="+93788123456"),
        LinkInput("b", **man, birth=parse_birth_date("1938-05-02"), tazkira_number="88/12/4410"),
        LinkInput("c", **man, birth=parse_birth_date("1983-05-02"), phone="+93788123456",
                  tazkira_number="1399-0412-55821"),
    ]  # fmt: skip
    found = clusters(records)
    assert found["a"] == found["b"] == found["c"]


def test_a_chain_does_not_join_a_father_and_his_namesake_son():
    father = dict(given_name="Mohammad Nabi", father_name="Gul Ahmad", sex="M")
    records = [
        LinkInput("father", **father, birth=parse_birth_date("1960"), phone="+93700111999"),
        LinkInput("father-again", **father, birth=parse_birth_date("1960"),
                  tazkira_number="12/40/774"),
        LinkInput("son", given_name="Mohammad Nabi", father_name="Mohammad Nabi", sex="M",
                  birth=parse_birth_date("1990"), phone="+93700111999"),
    ]  # fmt: skip
    found = clusters(records)
    assert found["father"] == found["father-again"] != found["son"]


def test_transposed_digits_are_one_typing_error():
    assert within_typing_error("1387695", "1387965", limit=1)
    assert not within_typing_error("1387695", "1783695", limit=1)


def test_no_decrypted_name_or_number_stays_cached_after_a_run():
    cached = [names.fold_spelling, names.canonical_token, names._latin_field,
              names._native_field, names.document_number, names.tazkira_number,
              names.phone_number, names.glued, model._name_columns, model._birth_columns,
              model.parse_birth_date]  # fmt: skip
    records = crowd(50)
    link_inputs(records)
    assert [function.cache_info().currsize for function in cached] == [0] * len(cached)
    prepare_frame(records)  # what a run fills, the test sees filled
    assert all(function.cache_info().currsize for function in cached[:-1])


def test_no_decrypted_name_stays_cached_after_a_database_run(session, cipher):
    stored_crowd(session, cipher)
    run_linkage(session, cipher=cipher, actor=cli_actor())
    assert names.canonical_token.cache_info().currsize == 0
    assert model._name_columns.cache_info().currsize == 0
    assert names.phone_number.cache_info().currsize == 0
