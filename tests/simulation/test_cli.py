"""`evac simulate` on the replay (no database) and on a live operation's current plan."""

import csv

from sqlalchemy import func, select
from typer.testing import CliRunner

from evac.cli import app
from evac.operation.models import Sortie
from evac.planning.flows import run_plan
from evac.planning.models import PlannedParty
from evac.scenario.operations import generic_operation
from evac.simulation.flows import _why_left, demo_step
from evac.simulation.live import operation_scenario
from evac.simulation.model import simulate
from tests.intake.test_cli import environment
from tests.planning.test_service import eligible_family

DAILY = ["window_end_utc", "simulated_mean", "simulated_p05", "simulated_p95", "recorded"]


def rows(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_replay_writes_its_files_and_prints_each_error(tmp_path):
    result = CliRunner().invoke(
        app, ["simulate", "replay", "kabul-2021", "--replications", "2", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    daily = rows(tmp_path / "daily.csv")
    assert list(daily[0]) == DAILY and len(daily) == 14
    assert daily[7]["window_end_utc"] == "2021-08-24T07:00Z" and daily[7]["recorded"] == "21600"
    for row in daily:
        assert (
            float(row["simulated_p05"])
            <= float(row["simulated_mean"])
            <= float(row["simulated_p95"])
        )
    assert (tmp_path / "replay.png").read_bytes().startswith(b"\x89PNG")
    assert "<table>" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "2021-08-24T07:00Z" in result.output and "operation total" in result.output
    assert "%" in result.output


def test_a_what_if_on_the_replay_compares_on_the_same_luck(tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "simulate", "what-if", "kabul-2021", "--sorties-factor", "1.2",
            "--close-gate", "North Gate@2021-08-25T00:00", "--replications", "1",
            "--out", str(tmp_path),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "sorties x1.2" in result.output and "North Gate closed" in result.output
    for name in ("daily.csv", "baseline-daily.csv", "crowd.csv", "daily.png", "crowd.png"):
        assert (tmp_path / name).stat().st_size > 0
    hourly = rows(tmp_path / "hourly.csv")
    assert list(hourly[0]) == ["time", "category", "priority", "evacuated"]
    assert {row["category"] for row in hourly} == {"us_citizen", "lpr", "siv_or_at_risk"}
    hubs = rows(tmp_path / "hubs.csv")
    assert {row["hub"] for row in hubs} == {
        "Al Udeid Air Base",
        "Ramstein Air Base",
        "coalition hubs",
    }
    assert max(int(row["occupancy"]) for row in hubs if row["hub"] == "Al Udeid Air Base") <= 20_000
    crowd = rows(tmp_path / "crowd.csv")
    assert list(crowd[0]) == ["time", "gate", "crowd"]
    assert {row["gate"] for row in crowd} == {"Abbey Gate", "East Gate", "North Gate"}
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "baseline" in report and "variant" in report


def test_an_unknown_gate_is_refused(tmp_path):
    result = CliRunner().invoke(
        app,
        ["simulate", "what-if", "kabul-2021", "--close-gate", "Glory Gate@2021-08-25T00:00",
         "--out", str(tmp_path)],
    )  # fmt: skip
    assert result.exit_code == 2 and "no gate named Glory Gate" in result.output


def test_a_live_plan_is_read_simulated_and_left_as_it_was(session, provider, settings, tmp_path):
    operation = generic_operation(session, provider=provider)
    reference = eligible_family(session, provider, operation)
    run_plan(session, operation=operation, actor="test")
    session.commit()
    scenario = operation_scenario(session, operation=operation)
    assert {g.name: g.rate_per_hour for g in scenario.gates} == {
        "North Gate": 400,
        "South Gate": 300,
    }
    assert len(scenario.sorties) == 18 and {"Hub A", "Hub B"} <= {h.name for h in scenario.hubs}
    (call,) = scenario.calls
    assert (call.party, call.size, call.priority) == (reference, 3, 2)
    flown = [simulate(scenario, seed=1, replication=r).total for r in range(6)]
    assert set(flown) <= {0, 3} and 3 in flown  # the family flies when it comes, never split

    def counts() -> tuple[int, int]:
        found = (
            session.scalar(select(func.count()).select_from(PlannedParty)),
            session.scalar(select(func.count()).select_from(Sortie)),
        )
        session.rollback()
        return found

    before = counts()
    result = CliRunner().invoke(
        app,
        [
            "simulate",
            "run",
            "--replications",
            "2",
            "--out",
            str(tmp_path),
        ],
        env=environment(settings),
    )
    assert result.exit_code == 0, result.output
    assert "generic: " in result.output and "evacuated by the deadline" in result.output
    assert len(rows(tmp_path / "daily.csv")) == 3 and counts() == before
    text = demo_step(session, operation=operation, replications=2)
    assert "10 more sorties" in text and "evacuated" in text


def test_the_demo_says_why_people_are_left_behind_largest_reason_first():
    reasons = {
        "outside a gate": 0.2,
        "called forward, never came": 1812.0,
        "in ECC processing": 40.4,
    }
    assert _why_left(reasons) == " (called forward, never came: 1,812, in ECC processing: 40)"
    assert _why_left({"outside a gate": 0.0}) == ""
