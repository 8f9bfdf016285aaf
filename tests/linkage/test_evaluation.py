"""Evaluation on real scenario output: the partner files beside it must not be read as input."""

from typer.testing import CliRunner

from evac.cli import app
from evac.linkage.evaluation import pairwise_quality, read_truth, scenario_files
from evac.linkage.files import read_inputs


def test_scenario_files_skips_the_windows_1252_partner_files(tmp_path):
    result = CliRunner().invoke(
        app, ["scenario", "generate", "--persons", "60", "--seed", "3", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert any((tmp_path / "sources").glob("*.csv")), "the generator no longer writes sources/"
    linkage_input, truth_file = scenario_files(tmp_path)
    assert (linkage_input.name, truth_file.name) == ("linkage-input.csv", "truth.csv")
    inputs, _ = read_inputs(linkage_input)
    truth = read_truth(truth_file, [i.record_id for i in inputs])
    # whole households are drawn, so a few more persons than asked; some registered twice
    assert 60 <= len(set(truth)) < len(inputs)


def test_scenario_files_names_what_is_missing(tmp_path):
    (tmp_path / "linkage-input.csv").write_text("record_id,given_name\n", encoding="utf-8")
    try:
        scenario_files(tmp_path)
    except FileNotFoundError as error:
        assert "truth.csv" in str(error) and "linkage-input.csv" not in str(error)
    else:
        raise AssertionError("a folder without truth.csv was accepted")


def test_pairwise_quality_counts_pairs():
    # truth: {a,b,c} {d}; predicted: {a,b} {c,d} -> 1 right pair of 2 found, of 3 true
    precision, recall, f1 = pairwise_quality([1, 1, 2, 2], ["x", "x", "x", "y"])
    assert (precision, recall) == (0.5, 1 / 3) and abs(f1 - 0.4) < 1e-9
