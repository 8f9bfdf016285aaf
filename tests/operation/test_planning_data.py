"""What the plan reads from the operation: gates' rates, caps and closures, sorties' hubs and
status, hubs' onward rates, the runway's departure slots."""

from collections import Counter
from datetime import UTC, datetime

import pytest

from evac.operation.models import SiteKind, SortieStatus
from evac.operation.service import (
    add_gate_closure,
    list_gate_closures,
    list_gates,
    list_hubs,
    list_sites,
    list_sorties,
    set_sortie_status,
)
from evac.scenario.operations import generic_operation, kabul_2021_operation


def test_kabul_gates_have_rates_caps_and_the_recorded_closures(session, provider):
    operation, _ = kabul_2021_operation(session, provider=provider)
    gates = {gate.name: gate for gate in list_gates(session, operation=operation)}
    assert all(g.hourly_capacity and g.crowd_cap for g in gates.values())
    closures = {}
    for closure in list_gate_closures(session, operation=operation):
        closures.setdefault(closure.site_id, []).append(closure)
    abbey = closures[gates["Abbey Gate"].id]
    bombing = datetime(2021, 8, 26, 13, 18, tzinfo=UTC)
    assert any(c.starts_at == bombing and c.ends_at == operation.deadline for c in abbey)
    aug_21_noon = datetime(2021, 8, 21, 8, 0, tzinfo=UTC)
    for gate in gates.values():
        assert any(c.starts_at <= aug_21_noon < c.ends_at for c in closures[gate.id]), gate.name
    (airport,) = [s for s in list_sites(session, operation=operation) if s.kind == SiteKind.airport]
    assert airport.departures_per_hour == 4


def test_kabul_sorties_fly_to_hubs_with_onward_rates(session, provider):
    operation, _ = kabul_2021_operation(session, provider=provider)
    hubs = {hub.id: hub for hub in list_hubs(session, operation=operation)}
    sorties = list_sorties(session, operation=operation)
    assert all(s.hub_id in hubs and s.status == SortieStatus.planned for s in sorties)
    by_hub = Counter(hubs[s.hub_id].name for s in sorties)
    assert by_hub["Al Udeid Air Base"] > by_hub["Ramstein Air Base"] > 0
    assert by_hub["Coalition countries"] == sum(s.callsign.startswith("COA") for s in sorties)
    for name in ("Al Udeid Air Base", "Ramstein Air Base", "Bahrain"):
        (hub,) = [h for h in hubs.values() if h.name == name]
        assert hub.capacity and hub.onward_per_day


def test_a_sortie_is_cancelled_or_departs_with_its_load(session, provider):
    operation = generic_operation(session, provider=provider)
    first, second, *_ = list_sorties(session, operation=operation)
    assert first.hub_id is not None
    set_sortie_status(session, sortie=first, status=SortieStatus.cancelled)
    set_sortie_status(session, sortie=second, status=SortieStatus.departed, actual_load=288)
    session.expire_all()
    statuses = {
        s.callsign: (s.status, s.actual_load) for s in list_sorties(session, operation=operation)
    }
    assert statuses[first.callsign] == (SortieStatus.cancelled, None)
    assert statuses[second.callsign] == (SortieStatus.departed, 288)
    with pytest.raises(ValueError, match="departed"):
        set_sortie_status(session, sortie=first, status=SortieStatus.planned, actual_load=5)


def test_a_closure_needs_a_gate_and_an_order(session, provider):
    operation = generic_operation(session, provider=provider)
    gate, _ = list_gates(session, operation=operation)
    when = datetime(2030, 1, 1, 8, tzinfo=UTC)
    add_gate_closure(session, gate=gate, starts_at=when, ends_at=when.replace(hour=9), reason="x")
    assert len(list_gate_closures(session, operation=operation)) == 1
    with pytest.raises(ValueError, match="end after"):
        add_gate_closure(session, gate=gate, starts_at=when, ends_at=when, reason=None)
    airport = [s for s in list_sites(session, operation=operation) if s.kind == SiteKind.airport]
    with pytest.raises(ValueError, match="not a gate"):
        add_gate_closure(
            session, gate=airport[0], starts_at=when, ends_at=when.replace(hour=9), reason=None
        )
