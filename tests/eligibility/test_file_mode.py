"""`evac eligibility file`: the partners' contract, end to end through the command line."""

import csv

from typer.testing import CliRunner

from evac.cli import app
from evac.eligibility.files import OUTPUT_COLUMNS
from evac.eligibility.policy import default_policy_text

runner = CliRunner()
PERSONS = """\
record_id,household_id,relationship,category_claimed,nationality,date_of_birth,\
us_passport_number,green_card_number,siv_case_number,com_approval_date,marital_status,phone
R1,H1,Principal,SIV,Afghan,1985-03-02,,,KBL2021123456,2021-07-02,,+93 799 000 001
R2,H1,Wife,,,1988,,,,,,
R3,H1,Daughter,,,2001-03-01,,,,,,
R4,H1,Daughter,,,1999-03-01,,,,,,
R5,H1,Daughter,,,2002-03-01,,,,,Married,
R6,H1,Brother,,,1990,,,,,,
R7,H2,Self,AMCIT,,1980,,A012345678,,,,
@R8,,,=HYPERLINK(1),,,,,,,,
R9,H3,Head,Cousin of a general,,,,,,,,
R10,H4,HEAD,P-2 REFERRAL,,1970,,,,,,
R11,H4,CHILD,,,1995,,,,,Married,
,,,AMCIT,,,,,,,,
,,,Vulnerable,,,,,,,,
"""


def _run(tmp_path, *options):
    source = tmp_path / "persons.csv"
    source.write_text(PERSONS, encoding="utf-8")
    out = tmp_path / "decisions.csv"
    arguments = ["eligibility", "file", str(source), "--out", str(out), *options]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return result, rows


def test_a_file_of_persons_comes_back_decided(tmp_path):
    result, rows = _run(tmp_path, "--as-of", "2021-08-25")
    assert list(rows[0]) == list(OUTPUT_COLUMNS)
    by_id = {row["record_id"]: row for row in rows}
    assert len(by_id) == 13
    # rows without an id are two persons, each named by their line
    assert (by_id["line 13"]["category"], by_id["line 14"]["category"]) == ("us_citizen", "at_risk")
    assert by_id["line 13"]["party_id"] == "line 13"
    assert by_id["R2"]["reason"].startswith(
        "eligible: spouse of SIV applicant with COM approval dated 2021-07-02 (document); "
        "priority 3"
    )
    eligible = {key for key, row in by_id.items() if row["eligible"] == "eligible"}
    assert eligible == {"R1", "R2", "R3", "R7", "R10", "R11", "line 13"}
    assert {by_id[key]["eligible"] for key in ("R4", "R5", "R6")} == {"ineligible"}
    assert {by_id[key]["party_id"] for key in ("R1", "R2", "R6")} == {"R1"}
    # a green card beats the claim of citizenship
    assert (by_id["R7"]["category"], by_id["R7"]["basis"]) == ("lpr", "document: green_card")
    # P-2: a married child of any age is a derivative
    assert by_id["R11"]["category"] == "refugee_referral"
    assert by_id["R9"]["eligible"] == "deferred"
    assert "Cousin of a general" in result.output  # listed for staff to map
    assert by_id["'@R8"]["basis"] == "claim: =HYPERLINK(1) (unmapped)"
    assert "mixed outcomes" in by_id["R1"]["reason"]


def test_cells_that_a_spreadsheet_would_run_are_written_as_text(tmp_path):
    _, rows = _run(tmp_path, "--as-of", "2021-08-25")
    assert "'@R8" in {row["record_id"] for row in rows}
    assert not [cell for row in rows for cell in row.values() if cell.startswith(("=", "@"))]


def test_ages_count_on_the_day_given(tmp_path):
    _, rows = _run(tmp_path, "--as-of", "2022-03-02")  # the daughter born 2001-03-01 is 21
    by_id = {row["record_id"]: row for row in rows}
    assert by_id["R3"]["eligible"] == "ineligible"


def test_a_policy_file_replaces_the_default(tmp_path):
    shown = runner.invoke(app, ["eligibility", "policy", "show"]).stdout
    policy = tmp_path / "policy.yaml"
    policy.write_text(shown.replace("claims: [At risk,", "claims: [Cousin of a general, At risk,"))
    _, rows = _run(tmp_path, "--as-of", "2021-08-25", "--policy", str(policy))
    by_id = {row["record_id"]: row for row in rows}
    assert (by_id["R9"]["category"], by_id["R9"]["basis"]) == (
        "at_risk",
        "claim: Cousin of a general",
    )


def test_a_file_without_record_id_is_refused(tmp_path):
    source = tmp_path / "persons.csv"
    source.write_text("id,household_id\n1,H1\n", encoding="utf-8")
    result = runner.invoke(
        app, ["eligibility", "file", str(source), "--out", str(tmp_path / "out.csv")]
    )
    assert result.exit_code == 2
    assert "record_id" in result.output


MARITAL = """\
record_id,household_id,relationship,siv_case_number,com_approval_date,date_of_birth,\
marital_status,flags
P1,H1,Principal,KBL2021123456,2021-07-02,1980,,
P2,H1,همسر,,,1985,متاهل,pregnancy
P3,H1,دختر,,,2002-03-14,واده شوی,
P4,H1,دختر,,,2003-03-14,مجرد,
P5,H1,دختر,,,2004-03-14,,
"""


def _decide(tmp_path, text: str, *options: str) -> dict[str, dict[str, str]]:
    source, out = tmp_path / "marital.csv", tmp_path / "out.csv"
    source.write_text(text, encoding="utf-8")
    arguments = ["eligibility", "file", str(source), "--out", str(out), "--as-of", "2021-08-25"]
    result = runner.invoke(app, [*arguments, *options])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        return {row["record_id"]: row for row in csv.DictReader(handle)}


def test_marital_status_in_dari_and_pashto_and_a_pregnant_spouse(tmp_path):
    by_id = _decide(tmp_path, MARITAL)
    assert by_id["P3"]["eligible"] == "ineligible"  # married at 19
    assert "married child of" in by_id["P3"]["reason"]
    assert by_id["P4"]["eligible"] == by_id["P5"]["eligible"] == "eligible"
    assert (by_id["P2"]["priority"], by_id["P1"]["priority"]) == ("2", "3")
    strict = tmp_path / "strict.yaml"
    strict.write_text(
        default_policy_text().replace(
            "marital_status_unknown: unmarried", "marital_status_unknown: deferred"
        ),
        encoding="utf-8",
    )
    by_id = _decide(tmp_path, MARITAL, "--policy", str(strict))
    assert by_id["P5"]["eligible"] == "deferred" and by_id["P4"]["eligible"] == "eligible"
    assert "marital status unknown" in by_id["P5"]["reason"]
