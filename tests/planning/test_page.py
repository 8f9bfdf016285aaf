"""The plan page: the chart by hour and gate, sortie loads, hub beds, who is left and why."""

import re
from datetime import UTC, datetime

from evac.auth.permissions import Role
from evac.eligibility.service import PlannableParty
from evac.planning.flows import run_plan
from evac.scenario.operations import generic_operation
from tests.web.test_navigation import signed_in


def test_the_plan_page_draws_the_current_plan(session, provider, settings, make_user):
    operation = generic_operation(session, provider=provider)
    parties = [PlannableParty(f"P-{n:04d}", 6, 1 + n % 2, "siv") for n in range(800)]
    start = datetime(2030, 1, 1, tzinfo=UTC)
    _, summary = run_plan(session, operation=operation, actor="t", start=start, parties=parties)
    session.commit()
    client, _ = signed_in(settings, make_user, Role.planner)

    page = client.get("/plan")
    assert page.status_code == 200
    assert f"{summary.flown:,} of 4,800 people" in page.text
    bars = re.findall(r"<rect [^>]*><title>(North|South) Gate [\d-]+ [\d:]+ UTC: (\d+)<", page.text)
    assert sum(int(people) for _, people in bars) == summary.flown
    assert {gate for gate, _ in bars} <= {"North", "South"}
    loads = re.findall(r'data-sortie="[^"]+">.*?<td class="number">([\d,]+)</td>'
                       r'<td class="number">([\d,]+)</td>', page.text, re.S)  # fmt: skip
    assert len(loads) == 18
    assert all(int(load.replace(",", "")) <= int(seats.replace(",", "")) for seats, load in loads)
    assert 'data-reason="no seats"' in page.text  # 4,800 people for 4,140 seats

    dari = client.get("/plan?lang=fa-AF")
    assert "پلان تخلیه" in dari.text and "چوکی نیست" in dari.text


def test_before_any_plan_the_page_says_how_to_make_one(session, provider, settings, make_user):
    generic_operation(session, provider=provider)
    session.commit()
    client, _ = signed_in(settings, make_user, Role.auditor)
    page = client.get("/plan?lang=ps")
    assert (
        page.status_code == 200
        and "evac plan run" in page.text
        and "تر اوسه پلان نشته" in page.text
    )
    gate_agent, _ = signed_in(settings, make_user, Role.gate_agent)
    assert gate_agent.get("/plan").status_code == 403
