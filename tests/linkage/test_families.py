"""Families a list names together, read from its layout and its contacts."""

from evac.linkage.dates import parse_birth_date
from evac.linkage.families import FAMILY_ROWS, listed_families, with_listed_families
from evac.linkage.files import link_inputs, read_inputs
from evac.linkage.model import LinkInput, prepare_frame


def family_of(records: list[LinkInput], lists: list[str]) -> list[str | None]:
    return listed_families(prepare_frame(records), lists)


def person(record_id: str, given: str, **fields) -> LinkInput:
    return LinkInput(record_id=record_id, given_name=given, family_name="Ahmadzai", **fields)


def test_relatives_in_rows_that_follow_each_other_with_one_phone_are_one_family():
    rows = [
        person("a-1", "Karim", phone="0700123456", sex="M"),
        person("a-2", "Zarghuna", phone="0700123456", sex="F"),
        person("a-3", "Nabi", phone="+93700123456", sex="M"),
        person("a-4", "Hamid", phone="0799000111", sex="M"),  # another family's phone
    ]
    families = family_of(rows, ["a"] * 4)
    assert families[0] == families[1] == families[2] is not None
    assert families[3] is None


def test_a_form_submitted_twice_is_no_family():
    rows = [person("w-1", "Karim", phone="0700123456"), person("w-2", "Karim", phone="0700123456")]
    assert family_of(rows, ["w", "w"]) == [None, None]


def test_a_form_filled_in_twice_with_the_name_typed_another_way_is_no_family():
    # One passport and one birth year: one woman whose name the second form spelt otherwise.
    rows = [
        person("k-1", "Gulali", phone="0780856084", passport_number="P02823999", sex="F"),
        person("k-2", "Ali Gul", phone="0780856084", passport_number="P02823999", sex="F"),
    ]
    assert family_of(rows, ["k", "k"]) == [None, None]


def test_one_day_of_birth_and_a_name_one_typing_error_apart_is_one_person_twice():
    day = parse_birth_date("1992-06-10")
    rows = [
        person("k-1", "Shabnam", phone="0780462427", sex="F", birth=day),
        person("k-2", "Shabam", phone="0780462427", sex="F", birth=day),
    ]
    assert family_of(rows, ["k", "k"]) == [None, None]


def test_rows_far_apart_or_in_two_lists_are_no_family():
    far = [person("a-0", "Karim", father_name="Zaman", phone="0700123456")]
    far += [person(f"a-{i}", f"Name{i}", phone=f"07991{i:05d}") for i in range(1, FAMILY_ROWS + 1)]
    far += [person("a-99", "Nabi", father_name="Zaman")]
    assert family_of(far, ["a"] * len(far))[0] is None
    two_lists = [
        person("a-1", "Karim", father_name="Zaman"),
        person("b-1", "Nabi", father_name="Zaman"),
    ]
    assert family_of(two_lists, ["a", "b"]) == [None, None]


def test_a_list_in_family_order_gives_families_by_the_fathers_name():
    rows = [
        person("a-1", "Karim", father_name="Zaman", sex="M"),
        person("a-2", "Nabi", father_name="Zaman", sex="M"),
        person("a-3", "Hamid", father_name="Rahim", sex="M"),
        person("a-4", "Sima", father_name="Rahim", sex="F"),
    ]
    families = family_of(rows, ["a"] * 4)
    assert families[0] == families[1] is not None
    assert families[2] == families[3] is not None
    assert families[0] != families[2]


def test_neighbours_sharing_a_fathers_name_in_a_shuffled_list_are_no_family():
    # Sorted by name or shuffled, a list's neighbours share a father's name as strangers do.
    rows = [person(f"a-{i}", f"Name{i}", father_name=f"Father{i}") for i in range(40)]
    rows[20] = person("a-20", "Karim", father_name="Mohammad")
    rows[21] = person("a-21", "Nabi", father_name="Mohammad")
    assert family_of(rows, ["a"] * 40)[20:22] == [None, None]


def test_one_phone_anywhere_in_a_list_is_one_familys():
    rows = [person(f"a-{i}", f"Name{i}", phone=f"07991{i:05d}") for i in range(30)]
    rows[3] = person("a-3", "Karim", phone="0700123456", sex="M")
    rows[25] = person("a-25", "Zarghuna", phone="+93700123456", sex="F")
    families = family_of(rows, ["a"] * 30)
    assert families[3] == families[25] is not None


def test_a_phone_on_more_records_than_a_family_is_an_offices():
    rows = [person(f"a-{i}", f"Name{i}", phone="0700123456") for i in range(13)]
    assert set(family_of(rows, ["a"] * 13)) == {None}


def test_a_file_without_households_gets_its_lists_families(tmp_path):
    source = tmp_path / "lists.csv"
    source.write_text(
        "record_id,given_name,father_name,family_name,sex,date_of_birth,phone,passport_number\n"
        "ngo-1,Zaman,Karim,Ahmadzai,M,12/03/1960,0700123456,P01234567\n"
        "ngo-2,Nabi,Zaman,Ahmadzai,M,1990,0700123456,\n"
        "siv-1,Zaman,Karim,Ahmadzai,M,03/12/1960,0799555111,P01234567\n"
        "siv-2,Nabi,Zaman,Ahmadzai,M,,0799555111,\n"
    )
    inputs, _ = read_inputs(source)
    assert [i.source for i in inputs] == ["ngo", "ngo", "siv", "siv"]
    ids, clustering = link_inputs(inputs)
    assert ids[0] == ids[2]  # the father, by his passport
    assert clustering.family is not None  # his two families, compared member by member
    assert ids[1] != ids[0]  # a son is never his father


def test_only_lists_without_households_of_their_own_are_read_for_families():
    rows = [
        person("kobo-1", "Karim", phone="0700123456", sex="M", household="kobo:7"),
        person("kobo-2", "Zarghuna", phone="0700123456", sex="F"),  # kobo gives households
        person("ngo-1", "Nabi", phone="0799555111", sex="M"),
        person("ngo-2", "Sima", phone="0799555111", sex="F"),
        person("x", "Hamid", phone="0799555111", sex="M"),  # of no known list
    ]
    frame = with_listed_families(prepare_frame(rows), ["kobo", "kobo", "ngo", "ngo", None])
    households = frame["household"].tolist()
    assert households[:2] == ["kobo:7", None]
    assert households[2] == households[3] is not None
    assert households[4] is None
