"""Marital status and the needs that raise priority, read from a list's explicit columns
(English, Dari, Pashto), never guessed from its notes."""

from pathlib import Path

from evac.intake.mapping import propose_mapping
from evac.intake.readers import read_source
from evac.intake.validate import row_to_record

DARI_LIST = """\
نام کامل,نسبت,وضعیت مدنی,حامله,معلول,آسیب پذیری,ملاحظات
Fariba Noori,همسر,متاهل,بلی,نخیر,,
Sahar Noori,دختر,مجرد,نخیر,,,heart problem and pregnant
Wahida Noori,دختر,واده شوی,,بلی,تهدید، بیمار,
Laila Noori,دختر,بیوه,,,,
"""


def _records(tmp_path: Path, text: str):
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    (table,) = read_source(path)
    mapping = propose_mapping(table.headers)
    return mapping, [row_to_record(row.raw, mapping) for row in table.rows]


def test_a_dari_list_s_marital_status_and_need_columns_are_read(tmp_path):
    mapping, records = _records(tmp_path, DARI_LIST)
    assert mapping["وضعیت مدنی"] == "marital_status"
    assert mapping["حامله"] == "flag_pregnancy" and mapping["معلول"] == "flag_disability"
    assert mapping["آسیب پذیری"] == "vulnerabilities"
    assert mapping["ملاحظات"] is None  # the notes: never read for flags
    fariba, sahar, wahida, laila = records
    assert (fariba.marital_status, fariba.priority_flags) == ("married", ("pregnancy",))
    assert (sahar.marital_status, sahar.priority_flags) == ("single", ())
    assert wahida.marital_status == "married"  # Pashto
    assert wahida.priority_flags == ("disability", "imminent_threat", "medical")
    assert laila.marital_status == "widowed"


def test_english_habits_yes_no_and_a_need_with_its_answer(tmp_path):
    text = (
        "Name,Marital Status,Medical (Y/N),Threat,Vulnerability\n"
        "Ahmad Zia,Single,Y,no,medical: yes; disabled\n"
        "Gul Ahmad,DIVORCED,N,threat,pregnant: no\n"
    )
    mapping, (ahmad, gul) = _records(tmp_path, text)
    assert mapping["Medical (Y/N)"] == "flag_medical"
    assert (ahmad.marital_status, ahmad.priority_flags) == ("single", ("disability", "medical"))
    assert (gul.marital_status, gul.priority_flags) == ("divorced", ("imminent_threat",))


def test_a_description_is_left_for_staff_never_guessed_into_a_flag(tmp_path):
    text = (
        "Name,Marital status,Medical,Vulnerabilities\n"
        "Ahmad Zia,engaged,diabetic needs insulin,pregnant; lost her husband\n"
    )
    _, (ahmad,) = _records(tmp_path, text)
    assert ahmad.marital_status is None and ahmad.priority_flags == ()
    assert set(ahmad.flags) >= {
        "marital_status_unfamiliar",
        "medical_unfamiliar",
        "vulnerabilities_unfamiliar",
    }


def test_the_new_fields_survive_the_sealed_record(tmp_path):
    _, (fariba, *_) = _records(tmp_path, DARI_LIST)
    again = type(fariba).from_json(fariba.to_json())
    assert again == fariba and again.priority_flags == ("pregnancy",)
