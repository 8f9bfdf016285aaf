"""Machine-readable zones of every ICAO 9303 kind: ICAO's own specimens, zones computed here,
and corrupted ones refused."""

from datetime import date

import pytest

from evac.intake.mrz import (
    GREEN_CARD,
    ID_CARD,
    MRV_A,
    MRV_B,
    PASSPORT,
    TD1,
    TD2,
    TD3,
    VISA,
    InvalidMRZ,
    parse_td3,
    parse_zone,
)
from evac.intake.validate import RowRejected, row_to_record
from tests.intake.files.make_files import td1_zone, two_line_zone

TODAY = date(2021, 8, 20)

# ICAO Doc 9303 specimens (Utopia, Anna Maria Eriksson): part 4 (TD3 passport), part 5 (TD1
# card), part 6 (TD2 card), part 7 (MRV-A and MRV-B visas), and part 11's TD1 whose document
# number is longer than 9 characters (Peter John Stevenson).
SPECIMENS = {
    "td3": (
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
    ),
    "td1": (
        "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\n"
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
    ),
    "td2": "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6",
    "mrv_a": (
        "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<"
    ),
    "mrv_b": "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nL8988901C4XXX4009078F9612109<<<<<<<<",
    "td1_long_number": (
        "I<UTOD23145890<7349<<<<<<<<<<<\n3407127M9507122UTO<<<<<<<<<<<2\n"
        "STEVENSON<<PETER<JOHN<<<<<<<<<"
    ),
}


@pytest.mark.parametrize(
    ("specimen", "kind", "document", "number", "nationality", "birth", "sex", "expiry"),
    [
        ("td3", TD3, PASSPORT, "L898902C3", "UTO", date(1974, 8, 12), "F", date(2012, 4, 15)),
        ("td1", TD1, ID_CARD, "D23145890", "UTO", date(1974, 8, 12), "F", date(2012, 4, 15)),
        ("td2", TD2, ID_CARD, "D23145890", "UTO", date(1974, 8, 12), "F", date(2012, 4, 15)),
        ("mrv_a", MRV_A, VISA, "L8988901C", "XXX", date(1940, 9, 7), "F", date(1996, 12, 10)),
        ("mrv_b", MRV_B, VISA, "L8988901C", "XXX", date(1940, 9, 7), "F", date(1996, 12, 10)),
        (
            "td1_long_number",
            TD1,
            ID_CARD,
            "D23145890734",
            "UTO",
            date(1934, 7, 12),
            "M",
            date(1995, 7, 12),
        ),
    ],
)
def test_icao_specimens_of_every_kind(
    specimen, kind, document, number, nationality, birth, sex, expiry
):
    zone = parse_zone(SPECIMENS[specimen], today=TODAY)
    assert (zone.kind, zone.document, zone.document_number) == (kind, document, number)
    assert (zone.issuing_state, zone.nationality) == ("UTO", nationality)
    assert (zone.birth_date, zone.sex, zone.expiry) == (birth, sex, expiry)
    assert zone.surname in ("ERIKSSON", "STEVENSON")


def checked_digits(specimen: str) -> list[int]:
    """The digit positions of a specimen's second line that a check digit covers (a visa's
    optional data has none)."""
    line = SPECIMENS[specimen].split("\n")[1]
    end = 28 if specimen.startswith("mrv") else len(line)
    return [position for position in range(end) if line[position].isdigit()]


@pytest.mark.parametrize("specimen", sorted(SPECIMENS))
def test_one_wrong_digit_anywhere_in_a_checked_field_is_refused(specimen):
    lines = SPECIMENS[specimen].split("\n")
    positions = checked_digits(specimen)
    assert len(positions) >= 15
    for position in positions:
        line = lines[1]
        wrong = str((int(line[position]) + 1) % 10)
        corrupted = [lines[0], line[:position] + wrong + line[position + 1 :], *lines[2:]]
        with pytest.raises(InvalidMRZ, match="check digit"):
            parse_zone("\n".join(corrupted), today=TODAY)


def green_card() -> str:
    return td1_zone("C1", "USA", "NOORI", "FARIDA", "SRC123456", "AFG", "910203", "F", "310101")


def us_visa(width: int) -> str:
    return two_line_zone(
        "V", "USA", "NOORI", "FARIDA", "K1234567", "AFG", "910203", "F", "310101", width=width
    )


def test_a_green_card_is_a_us_td1_of_code_c1():
    zone = parse_zone(green_card(), today=TODAY)
    assert (zone.kind, zone.document, zone.document_number) == (TD1, GREEN_CARD, "SRC123456")
    assert (zone.nationality, zone.expiry) == ("AFG", date(2031, 1, 1))


def test_a_green_card_row_keeps_its_number_expiry_and_nationality():
    record = row_to_record({"MRZ": green_card()}, {"MRZ": "mrz"})
    assert (record.green_card_number, record.green_card_expiry) == ("SRC123456", "2031-01-01")
    assert (record.nationality, record.given_name, record.family_name) == ("AFG", "FARIDA", "NOORI")
    assert record.passport_number is None and record.id_card_number is None


@pytest.mark.parametrize("width", [44, 36])
def test_an_issued_siv_is_a_us_visa(width):
    record = row_to_record({"MRZ": us_visa(width)}, {"MRZ": "mrz"})
    assert (record.visa_number, record.visa_country, record.visa_expiry) == (
        "K1234567",
        "USA",
        "2031-01-01",
    )
    assert (record.nationality, record.birth_year) == ("AFG", 1991)


def test_a_us_passport_zone_is_a_us_passport():
    zone = two_line_zone("P", "USA", "SMITH", "JOHN", "512345678", "USA", "800101", "M", "300101")
    record = row_to_record({"MRZ": zone}, {"MRZ": "mrz"})
    assert (record.us_passport_number, record.us_passport_expiry) == ("512345678", "2030-01-01")
    assert (record.passport_number, record.nationality) == (None, "USA")


def test_an_afghan_passport_zone_keeps_its_issuing_country_and_expiry():
    record = row_to_record({"MRZ": SPECIMENS["td3"]}, {"MRZ": "mrz"})
    assert (record.passport_number, record.passport_country) == ("L898902C3", "UTO")
    assert record.passport_expiry == "2012-04-15"


def test_an_identity_card_of_another_state_is_an_id_card():
    record = row_to_record({"MRZ": SPECIMENS["td2"]}, {"MRZ": "mrz"})
    assert (record.id_card_number, record.id_card_country, record.id_card_expiry) == (
        "D23145890",
        "UTO",
        "2012-04-15",
    )


@pytest.mark.parametrize("specimen", sorted(SPECIMENS))
def test_zones_typed_on_one_line_in_lower_case(specimen):
    typed = SPECIMENS[specimen].replace("\n", " ").lower()
    assert parse_zone(typed, today=TODAY) == parse_zone(SPECIMENS[specimen], today=TODAY)


def test_a_row_with_a_corrupted_zone_is_refused_and_says_why():
    corrupted = SPECIMENS["td1"].replace("7408122", "7408123")
    with pytest.raises(RowRejected, match="check digit of the date of birth"):
        row_to_record(
            {"Name": "Anna Eriksson", "MRZ": corrupted}, {"Name": "full_name", "MRZ": "mrz"}
        )


def test_a_long_number_without_its_check_digit_is_refused():
    with pytest.raises(InvalidMRZ, match="check digit"):
        parse_zone(SPECIMENS["td1_long_number"].replace("7349", "7348"), today=TODAY)


def test_zones_of_no_known_shape_say_which_shapes_exist():
    with pytest.raises(InvalidMRZ, match="3 of 30"):
        parse_zone("I<UTOD231458907\n7408122F1204159", today=TODAY)


def test_parse_td3_reads_only_passports():
    with pytest.raises(InvalidMRZ, match="starts with P"):
        parse_td3(SPECIMENS["mrv_a"], today=TODAY)
