"""The eligibility policy: a YAML file, validated with errors that name the line."""

import pytest
from typer.testing import CliRunner

from evac.cli import app
from evac.eligibility.policy import (
    PolicyError,
    claim_key,
    default_policy,
    default_policy_text,
    parse_policy,
)
from evac.intake.views import CATEGORIES
from evac.scenario.sources import SOURCES

runner = CliRunner()


def _line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_the_default_policy_loads_with_the_2021_order():
    policy = default_policy()
    assert policy.ranks["us_citizen"] == 1
    assert policy.ranks["lpr"] == 2
    assert policy.ranks["siv_com_approved"] == 3
    assert policy.ranks["siv_applied"] < policy.ranks["at_risk"]
    spouse = policy.derivative_condition("siv_applied", "spouse")
    child = policy.derivative_condition("lpr", "child")
    assert spouse is not None and child is not None
    assert (child.unmarried, child.under_age) == (True, 21)
    assert policy.derivative_condition("siv_applied", "sibling") is None


def test_every_claim_the_scenario_sources_and_the_register_form_write_is_mapped():
    written = {word for source in SOURCES for word in source.category_words.values()}
    written |= {value for value, _ in CATEGORIES}
    vocabulary = default_policy().vocabulary
    assert len(written) > 20  # the scan sees the sources' words
    assert {claim for claim in written if claim_key(claim) not in vocabulary} == set()


def test_claims_match_whatever_their_case_and_punctuation():
    vocabulary = default_policy().vocabulary
    assert vocabulary[claim_key("P-2 REFERRAL")] == "refugee_referral"
    assert vocabulary[claim_key("p2 referral")] == "refugee_referral"
    assert vocabulary[claim_key("  amcit ")] == "us_citizen"


def test_a_wrong_value_names_its_line_and_field():
    text = default_policy_text().replace(
        "outcome: deferred  # their own", "outcome: maybe  # their own"
    )
    with pytest.raises(PolicyError) as raised:
        parse_policy(text)
    [problem] = raised.value.problems
    assert problem.line == _line_of(text, "outcome: maybe")
    assert problem.where == "categories.third_country.outcome"


def test_a_category_that_points_nowhere_names_its_line():
    text = default_policy_text().replace("  - [at_risk]", "  - [at_risk, journalists]")
    with pytest.raises(PolicyError) as raised:
        parse_policy(text)
    [problem] = raised.value.problems
    assert problem.line == _line_of(text, "journalists]")
    assert "'journalists' is not a category" in problem.message


def test_a_key_written_twice_is_an_error_not_a_silent_overwrite():
    text = default_policy_text().replace(
        "  lpr:\n", "  lpr:\n    label: green card\n    outcome: ineligible\n  lpr:\n", 1
    )
    with pytest.raises(PolicyError) as raised:
        parse_policy(text)
    assert [p.line for p in raised.value.problems] == [_line_of(text, "outcome: ineligible") + 1]


def test_a_claim_for_two_categories_is_refused():
    text = default_policy_text().replace("[TCN, ", "[TCN, AMCIT, ")
    with pytest.raises(PolicyError, match="'AMCIT' already means 'us_citizen'"):
        parse_policy(text)


def test_broken_yaml_names_its_line():
    text = "version: x\nname: y\ncategories: {us_citizen: [\n"
    with pytest.raises(PolicyError) as raised:
        parse_policy(text)
    assert raised.value.problems[0].line == 4


def test_policy_check_prints_the_errors_with_their_lines(tmp_path):
    text = default_policy_text().replace("under_age: 21", "under_age: -21")
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["eligibility", "policy", "check", str(path)])
    assert result.exit_code == 1
    assert f"line {_line_of(text, 'under_age: -21')}" in result.output
    assert "under_age" in result.output


def test_policy_check_summarises_a_sound_file_and_show_prints_the_default(tmp_path):
    shown = runner.invoke(app, ["eligibility", "policy", "show"])
    assert shown.exit_code == 0
    path = tmp_path / "policy.yaml"
    path.write_text(shown.stdout)
    checked = runner.invoke(app, ["eligibility", "policy", "check", str(path)])
    assert checked.exit_code == 0, checked.output
    assert "us-2021-08-25" in checked.output
    assert "siv_com_approved" in checked.output
