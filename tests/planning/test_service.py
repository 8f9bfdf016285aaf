"""Plans of an operation: saved versions, the calls passes and messages read, re-planning that
keeps parties already called forward, what-if."""

from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from evac.cli import app
from evac.eligibility.policy import Outcome
from evac.eligibility.service import PlannableParty, form_parties, plannable_parties
from evac.operation.models import SortieStatus
from evac.operation.service import (
    add_gate_closure,
    list_gates,
    list_hubs,
    list_sorties,
    set_sortie_status,
)
from evac.people.models import Role
from evac.planning.check import check
from evac.planning.flows import demo_step, run_plan, what_if
from evac.planning.inputs import operation_problem
from evac.planning.service import (
    called_forward,
    current_calls,
    current_plan,
    first_window,
    mark_called,
    saved_summary,
)
from evac.planning.solve import solve
from evac.planning.whatif import Change
from evac.scenario.operations import generic_operation
from evac.vault.service import cipher_for
from tests.eligibility.test_register_parties import _decide, _household, _person, _policy
from tests.intake.test_cli import environment

# The generic operation: 3 days from 2030-01-01 04:00 UTC, 4,140 seats in all.
START = datetime(2030, 1, 1, 0, 0, tzinfo=UTC)


def parties(count: int, size: int = 5, priority: int = 3) -> list[PlannableParty]:
    return [PlannableParty(f"P-{n:04d}", size, priority, "siv_applied") for n in range(count)]


def test_a_plan_is_saved_and_its_calls_read_earliest_first(session, provider):
    operation = generic_operation(session, provider=provider)
    wanted = [*parties(100), PlannableParty("P-US", 2, 1, "us_citizen")]
    saved, summary = run_plan(
        session, operation=operation, actor="test", start=START, parties=wanted
    )
    assert saved.version == 1 and summary.flown == 502 and summary.left_behind == {}
    calls = current_calls(session, operation=operation)
    assert len(calls) == 101
    assert [c.window_start for c in calls] == sorted(c.window_start for c in calls)
    sorties = {s.callsign: s for s in list_sorties(session, operation=operation)}
    for call in calls:
        assert call.window_end == call.window_start + timedelta(hours=1)
        assert sorties[call.sortie].departs_at >= call.window_end + timedelta(hours=2)
        assert call.hub in ("Hub A", "Hub B") and call.gate in ("North Gate", "South Gate")
    first = first_window(session, operation=operation)
    assert first == calls[0].window_start >= START
    one_window = current_calls(session, operation=operation, window_start=first)
    assert one_window and all(c.window_start == first for c in one_window)


def test_more_people_than_seats_leaves_the_lowest_priority_behind(session, provider):
    operation = generic_operation(session, provider=provider)
    wanted = parties(1_000, size=5, priority=4) + [
        PlannableParty(f"V-{n}", 4, 1, "us_citizen") for n in range(100)
    ]
    saved, summary = run_plan(
        session, operation=operation, actor="test", start=START, parties=wanted
    )
    assert summary.flown_by_priority[1] == 400
    assert summary.flown == 4_140  # the families of 4 packed so that every seat is taken
    assert set(summary.left_behind) == {"no seats"}
    assert saved_summary(session, saved) == summary


def test_replanning_keeps_called_parties_and_moves_them_off_a_cancelled_sortie(session, provider):
    operation = generic_operation(session, provider=provider)
    wanted = parties(200)
    run_plan(session, operation=operation, actor="test", start=START, parties=wanted)
    before = {c.party_reference: c for c in current_calls(session, operation=operation)}
    called = sorted(before)[:40]
    assert mark_called(session, operation=operation, references=called, at=START) == 40
    cancelled = before[called[0]].sortie
    (sortie,) = [s for s in list_sorties(session, operation=operation) if s.callsign == cancelled]
    set_sortie_status(session, sortie=sortie, status=SortieStatus.cancelled)

    saved, _ = run_plan(session, operation=operation, actor="test", start=START, parties=wanted)
    assert saved.version == 2
    after = {c.party_reference: c for c in current_calls(session, operation=operation)}
    for reference in called:
        old, new = before[reference], after[reference]
        assert (new.gate, new.window_start) == (old.gate, old.window_start)
        assert (new.sortie == old.sortie) == (old.sortie != cancelled)
    assert cancelled not in {c.sortie for c in after.values()}
    assert set(called_forward(session, operation=operation, start=START)) == set(called)


def test_a_no_show_is_planned_again_from_scratch(session, provider):
    operation = generic_operation(session, provider=provider)
    wanted = parties(20)
    run_plan(session, operation=operation, actor="test", start=START, parties=wanted)
    (first, *_) = current_calls(session, operation=operation)
    mark_called(session, operation=operation, references=[first.party_reference], at=START)
    later = first.window_end  # the window passed; the party never came
    run_plan(session, operation=operation, actor="test", start=later, parties=wanted)
    again = {c.party_reference: c for c in current_calls(session, operation=operation)}
    assert again[first.party_reference].window_start >= later
    # not called to its new window yet: the next plan may move it
    assert called_forward(session, operation=operation, start=later) == {}


def test_what_if_sets_each_change_beside_the_plan(session, provider):
    operation = generic_operation(session, provider=provider)
    (hub_a,) = [h for h in list_hubs(session, operation=operation) if h.name == "Hub A"]
    hub_a.onward_per_day = 500  # below the 1,200 a day its sorties bring
    wanted = parties(1_000, size=5, priority=3)
    results = what_if(
        session,
        operation=operation,
        change=Change(10, ("North Gate",), ("Hub A",)),
        start=START,
        parties=wanted,
    )
    labels = [label for label, _ in results]
    assert labels == [
        "as planned",
        "+10 sorties",
        "North Gate closed",
        "Hub A full",
        "+10 sorties, North Gate closed, Hub A full",
    ]
    flown = {label: summary.flown for label, summary in results}
    assert flown["+10 sorties"] > flown["as planned"]
    assert flown["Hub A full"] < flown["as planned"]  # it takes only the 500 a day it sends on
    assert flown["North Gate closed"] <= flown["as planned"]
    assert current_plan(session, operation=operation) is None  # nothing saved


def test_what_if_refuses_an_unknown_gate(session, provider):
    operation = generic_operation(session, provider=provider)
    with pytest.raises(ValueError, match=r"--gate-closed.*Abbey"):
        what_if(
            session,
            operation=operation,
            change=Change(gates_closed=("Abbey Gate",)),
            start=START,
            parties=parties(3),
        )


def test_the_operation_problem_keeps_every_rule(session, provider):
    operation = generic_operation(session, provider=provider)
    problem = operation_problem(session, operation=operation, parties=parties(300), start=START)
    assert {g.id for g in problem.gates} == {"North Gate", "South Gate"}
    assert {h.id for h in problem.hubs} == {"Hub A", "Hub B"}
    assert check(problem, solve(problem)) == []


def test_the_demo_step_plans_and_says_so(session, provider):
    operation = generic_operation(session, provider=provider)
    text = demo_step(session, operation=operation)
    assert text.startswith("Plan version 1: 0 of 0 people")


def eligible_family(session, provider, operation) -> str:
    """One family of three in the register, all eligible at priority 2: its party reference."""
    cipher = cipher_for(session, provider=provider, operation_id=operation.id)
    members = [_person(session, cipher, name) for name in ("Zaman", "Mariam", "Karim")]
    roles = (Role.principal, Role.spouse, Role.child)
    _household(session, operation, *zip(members, roles, strict=True))
    form_parties(session, operation_id=operation.id)
    policy = _policy(session, operation)
    for member in members:
        _decide(session, operation, policy, member, Outcome.eligible, 2, "lpr")
    session.flush()
    (party,) = plannable_parties(session, operation=operation)
    return party.reference


def test_the_command_line_runs_shows_and_asks_what_if(session, provider, settings):
    operation = generic_operation(session, provider=provider)
    reference = eligible_family(session, provider, operation)
    session.commit()
    runner, env = CliRunner(), environment(settings)
    shown = runner.invoke(app, ["plan", "show"], env=env)
    assert shown.exit_code == 0 and "No plan yet" in shown.output
    ran = runner.invoke(app, ["plan", "run"], env=env)
    assert ran.exit_code == 0, ran.output
    assert "Plan version 1: 3 of 3 people" in ran.output
    assert [c.party_reference for c in current_calls(session, operation=operation)] == [reference]
    session.rollback()  # end the read: on SQLite a transaction holds the lock
    shown = runner.invoke(app, ["plan", "show"], env=env)
    assert "version 1" in shown.output and "priority 2" in shown.output
    asked = runner.invoke(
        app, ["plan", "what-if", "--sorties", "+2", "--hub-full", "Hub B"], env=env
    )
    assert asked.exit_code == 0, asked.output
    assert "+2 sorties" in asked.output and "Hub B full" in asked.output
    refused = runner.invoke(app, ["plan", "what-if", "--gate-closed", "Abbey Gate"], env=env)
    assert refused.exit_code == 2 and "no gate 'Abbey Gate'" in refused.output


def test_a_plan_starts_on_the_hour_with_the_beds_departed_sorties_took(session, provider):
    operation = generic_operation(session, provider=provider)
    day_one = [s for s in list_sorties(session, operation=operation) if "D1" in s.callsign]
    for sortie in day_one:  # 4 large to Hub A, 2 small to Hub B, on 1 January
        set_sortie_status(session, sortie=sortie, status=SortieStatus.departed, actual_load=100)
    later = datetime(2030, 1, 2, 2, 30, tzinfo=UTC)
    problem = operation_problem(session, operation=operation, parties=parties(3), start=later)
    assert problem.start == datetime(2030, 1, 2, 3, 0, tzinfo=UTC)
    hubs = {hub.id: hub for hub in problem.hubs}
    # Hub A: 400 arrived, 1,500 a day sent onward; Hub B: 200 arrived, 800 onward
    assert (hubs["Hub A"].occupied, hubs["Hub B"].occupied) == (0, 0)
    assert all("D1" not in sortie.id for sortie in problem.sorties)

    hub_a = next(h for h in list_hubs(session, operation=operation) if h.name == "Hub A")
    hub_a.onward_per_day = 150
    problem = operation_problem(session, operation=operation, parties=parties(3), start=later)
    assert {hub.id: hub.occupied for hub in problem.hubs}["Hub A"] == 400 - 150


def test_a_gate_is_called_only_in_its_opening_hours_and_outside_its_closures(session, provider):
    operation = generic_operation(session, provider=provider)  # its clock is UTC
    north, south = list_gates(session, operation=operation)
    north.opens_hour, north.closes_hour = 6, 18
    closed_from = datetime(2030, 1, 1, 8, tzinfo=UTC)
    add_gate_closure(
        session, gate=south, starts_at=closed_from, ends_at=operation.deadline, reason="test"
    )
    problem = operation_problem(session, operation=operation, parties=parties(3), start=START)
    windows = problem.windows()
    assert {w.start.hour for w in windows if w.gate == "North Gate"} == set(range(6, 18))
    assert max(w.end for w in windows if w.gate == "South Gate") == closed_from
    run_plan(session, operation=operation, actor="t", start=START, parties=parties(300))
    for call in current_calls(session, operation=operation):
        if call.gate == "North Gate":
            assert 6 <= call.window_start.hour < 18
        else:
            assert call.window_end <= closed_from


def test_a_running_operation_is_never_planned_in_the_past(session, provider):
    operation = generic_operation(session, provider=provider)
    soon = datetime.now(UTC) + timedelta(hours=5)
    list_sorties(session, operation=operation)[0].departs_at = soon
    problem = operation_problem(session, operation=operation, parties=parties(1))
    assert datetime.now(UTC) <= problem.start <= datetime.now(UTC) + timedelta(hours=1)
    assert problem.start.minute == 0
