"""What lists write where a number is missing ("N/A", "000000", "pending", "نامعلوم") is no
number: strangers who share it are not one person, and do not become one block of pairs."""

import random

import pytest
from sqlalchemy import select

from evac.auth.permissions import cli_actor
from evac.linkage.dates import parse_birth_date
from evac.linkage.files import link_inputs
from evac.linkage.model import LinkInput, prepare_frame
from evac.linkage.names import (
    SHARED_LIMITS,
    document_number,
    email_address,
    passport_number,
    phone_number,
    tazkira_number,
)
from evac.linkage.service import run_linkage
from evac.people.models import Contact, Document, Registration
from evac.people.records import RegistrationRecord
from evac.people.service import add_registration

NO_DOCUMENT = [
    "N/A", "n/a", "NA", "n.a.", "000000", "0", "00", "none", "None", "-", "--", "nil", "null",
    "123456789", "0123456789", "987654321", "XXXXXXX", "xxx", "TBD", "pending", "Pending (2021)",
    "applied", "Applied 2021-08-12", "in process", "not available", "unknown", "same", "?",
    "P0000000", "1111111", "121212", "123123123", "۰۰۰۰۰۰", "نامعلوم", "ندارد", "ندارم",
    "نشته", "درخواست شده", "تحت پروسس",
]  # fmt: skip
REAL_DOCUMENTS = {
    "P01234568": "P01234568",
    "p 0123-4568": "P01234568",
    "1365-0401-12345": "1365040112345",
    "526/21/2714": "526212714",
    "1400-0914-35390": "1400091435390",
    "۱۴۰۰-۰۹۱۴-۳۵۳۹۰": "1400091435390",
    "PA7634521": "PA7634521",
}
NO_PHONE = ["0000000", "+93 700 000 000", "0799 999 999", "123456789", "0123456789",
            "1234567", "unknown", "N/A", "نامعلوم", "0", "12345"]  # fmt: skip
SAME_PHONE = ["+93 70 012 3456", "0700123456", "0093700123456", "۰۷۰۰۱۲۳۴۵۶",
              "0700 123 456 (WhatsApp)", "0700123456 / 0799111222", "93700123456",
              "700123456", "93 700 123 456"]  # fmt: skip


@pytest.mark.parametrize("written", NO_DOCUMENT)
def test_placeholders_are_no_document_number(written):
    assert document_number(written) is None


@pytest.mark.parametrize(("written", "number"), REAL_DOCUMENTS.items())
def test_real_document_numbers_are_kept(written, number):
    assert document_number(written) == number


@pytest.mark.parametrize("written", NO_PHONE)
def test_placeholders_are_no_phone(written):
    assert phone_number(written) is None


def test_one_phone_however_written_and_the_first_of_two():
    assert {phone_number(written) for written in SAME_PHONE} == {"+93700123456"}


def test_a_us_number_is_not_an_afghan_one():
    assert phone_number("(617) 555-0129") == phone_number("+1 617 555 0129") == "+16175550129"
    assert phone_number("703.555.0146") != phone_number("0703 555 014")


def test_placeholder_emails_are_none():
    assert [email_address(e) for e in ["none@none.com", "n/a", "noemail@gmail.com", "x@y"]] == [
        None
    ] * 4
    assert email_address(" Khan3658@Yahoo.com ") == "khan3658@yahoo.com"


def strangers(n: int, *, seed: int, **same) -> list[LinkInput]:
    """n different men with common names (Mohammad Nabi son of Gul Ahmad, born in the 1980s),
    each with his own phone; `same` is what they all wrote alike. Only a same document number
    would make two of them one person."""
    rng = random.Random(seed)
    return [
        LinkInput(f"s{i}", given_name=rng.choice(["Mohammad Nabi", "Zaman", "Karim"]),
                  father_name=rng.choice(["Gul Ahmad", "Abdul Haq"]), sex="M",
                  birth=parse_birth_date(str(rng.randint(1978, 1992))),
                  **{"phone": f"+9379{rng.randint(1000000, 9999999)}", **same})
        for i in range(n)
    ]  # fmt: skip


def clusters(inputs: list[LinkInput]) -> dict[str, str]:
    ids, _ = link_inputs(inputs)
    return {item.record_id: cluster for item, cluster in zip(inputs, ids, strict=True)}


# The same man in two lists, to show that real evidence still links.
INTERPRETER = [
    LinkInput("i1", given_name="Zabihullah", father_name="Abdul Haq", sex="M",
              birth=parse_birth_date("1986-07-15"), passport_number="P04412345",
              phone="+93700999888"),
    LinkInput("i2", given_name="Zabiullah", father_name="Abdulhaq", sex="M",
              birth=parse_birth_date("1986"), passport_number="P 0441 2345"),
]  # fmt: skip


PREPARED = {"passport_number": "passport", "tazkira_number": "tazkira", "phone": "phone"}


@pytest.mark.parametrize(
    "same",
    [
        {"passport_number": "N/A"},
        {"tazkira_number": "000000"},
        {"passport_number": "pending", "tazkira_number": "نامعلوم"},
        {"phone": "+93 700 000 000"},
    ],
)
def test_strangers_who_wrote_the_same_placeholder_stay_apart(same):
    crowd = strangers(40, seed=3, **same)
    prepared = prepare_frame(crowd)
    for field in same:  # empty, so no block of 780 pairs either
        assert prepared[PREPARED[field]].isna().all()
    found = clusters([*crowd, *INTERPRETER])
    assert len({found[item.record_id] for item in crowd}) == len(crowd)
    assert found["i1"] == found["i2"]


def test_a_number_on_implausibly_many_records_is_no_ones():
    """A number no pattern catches ("AF88123" typed by one clerk for everyone unknown) says
    nothing once more records hold it than one person could have registrations."""
    many = 40
    assert many > SHARED_LIMITS["passport"]
    crowd = strangers(many, seed=3, passport_number="AF88123")
    frame = prepare_frame([*crowd, *INTERPRETER])
    assert frame["passport"].iloc[:many].isna().all()
    assert set(frame["passport"].iloc[many:]) == {"04412345"}  # compared without its letter
    found = clusters([*crowd, *INTERPRETER])
    assert len({found[item.record_id] for item in crowd}) == many
    assert found["i1"] == found["i2"]


def test_a_few_records_with_one_number_keep_it():
    """One person in as many lists as the limit still shares his passport number."""
    few = strangers(SHARED_LIMITS["passport"], seed=5, passport_number="P07770777")
    assert set(prepare_frame(few)["passport"]) == {"07770777"}


def test_placeholders_become_neither_documents_nor_contacts(session, cipher):
    """A person holding passport "N/A" would turn up in every look-up of "N/A"."""
    for i, (passport, phone) in enumerate(
        [("N/A", "0000000"), ("P01234568", "+93700123456"), ("pending", "+93 799 999 999")]
    ):
        fields = dict(source_record_id=str(i), given_name=["Zaman", "Nabi", "Karim"][i],
                      sex="M", birth_year=1980 + 9 * i, passport_number=passport, phone=phone,
                      email="none@none.com")  # fmt: skip
        add_registration(session, cipher=cipher, source="list", raw=fields,
                         record=RegistrationRecord(**fields))  # fmt: skip
    session.commit()
    run_linkage(session, cipher=cipher, actor=cli_actor())
    assert session.scalar(select(Registration.id).where(Registration.person_id.is_(None))) is None
    numbers = [cipher.decrypt(d.number, field="document.number") for d in session.scalars(
        select(Document))]  # fmt: skip
    contacts = [cipher.decrypt(c.value, field="contact.value") for c in session.scalars(
        select(Contact))]  # fmt: skip
    assert numbers == ["P01234568"]
    assert contacts == ["+93700123456"]


@pytest.mark.parametrize("written", ["P85922732", "85922732", "O 85922732", "p85922732"])
def test_a_passport_without_its_series_letter_is_the_same_passport(written):
    assert passport_number(written) == passport_number("P85922732") == "85922732"


def test_a_short_number_keeps_its_letters():
    assert passport_number("AB1234") == "AB1234"


@pytest.mark.parametrize("written", ["1.400236E+12", "1,39908E+12", "1.4e12"])
def test_a_number_excel_wrote_in_scientific_notation_is_no_tazkira(written):
    assert tazkira_number(written) is None
