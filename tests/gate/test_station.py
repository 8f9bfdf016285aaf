"""What a station page holds for a shift: its gate's roster with names and flags, keys that
verify the roster's passes, the signed revocations; for gate staff only, and audited."""

import base64
import uuid
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi.testclient import TestClient
from sqlalchemy import select

from evac.app import create_app
from evac.auth.permissions import Actor, Forbidden, Role
from evac.eligibility.service import set_flag
from evac.gate.station import DENY, SHIFT, report_unlisted, station_bundle, unlisted_reports
from evac.passes.models import TravelPass
from evac.passes.service import revoke_pass
from evac.passes.verify import StationKeys, load_revocations, verify_pass
from evac.people.models import Person, State
from evac.vault.audit import AuditEntry

from .conftest import AGENT, GATE, NOW, OTHER_GATE, PARTIES

SUPERVISOR = Actor(username="supervisor-north", role=Role.supervisor)
BUNDLE = "/api/v1/gate/station-bundle"


def bundle_of(session, provider, operation, gate=GATE, actor=AGENT):
    return station_bundle(
        session, actor=actor, provider=provider, operation=operation, gate=gate, now=NOW
    )


def keys_of(bundle) -> StationKeys:
    """The bundle's public keys, as the station's key file would give them."""
    return StationKeys(
        {
            bytes.fromhex(kid): Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(raw))
            for kid, raw in bundle.public_keys.items()
        }
    )


def test_the_roster_holds_its_gates_parties_with_names_and_the_read_is_audited(
    session, provider, operation, world
):
    bundle = bundle_of(session, provider, operation)
    assert {party.reference for party in bundle.parties} == set(PARTIES)
    for party in bundle.parties:
        assert [m.given_name for m in party.members] == [g for g, _ in PARTIES[party.reference]]
        assert [m.person_id for m in party.members] == world.members[party.reference]
        assert party.pass_text == world.passes[party.reference]
    assert bundle.expires_at == NOW + SHIFT
    assert bundle_of(session, provider, operation, gate=OTHER_GATE).parties == ()
    audited = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "gate.station_bundle")
    ).all()
    assert audited[0].subject == f"gate:{GATE}" and audited[0].username == AGENT.username
    assert sorted(audited[0].details["parties"]) == sorted(PARTIES)


def test_the_bundles_keys_verify_its_passes_and_its_revocations(
    session, provider, operation, world
):
    revoked = revoke_pass(
        session, actor=Actor("officer", Role.officer), operation=operation,
        pass_id=_pass_id(session, "P-3XHTW"), reason="forwarded to a group chat",
    )  # fmt: skip
    bundle = bundle_of(session, provider, operation)
    assert [party.reference for party in bundle.parties] == ["P-7KQ2M"]  # revoked: left out
    keys = keys_of(bundle)
    assert verify_pass(bundle.parties[0].pass_text, keys=keys, at=NOW, gate=GATE).admitted
    _, revoked_ids = load_revocations(bundle.revocations, keys=keys)
    assert revoked_ids == {bytes.fromhex(revoked.pass_id)}


def _pass_id(session, reference) -> bytes:
    query = select(TravelPass.pass_id).where(TravelPass.party_reference == reference)
    return bytes.fromhex(session.scalar(query))


def test_flags_deny_a_member_not_called_mark_a_child_alone_and_show_medical(
    session, provider, operation, world
):
    principal, *others = (session.get(Person, i) for i in world.members["P-7KQ2M"])
    principal.state = State.eligible  # on the party, but not called forward
    (alone,) = (session.get(Person, i) for i in world.members["P-3XHTW"])
    alone.birth_year = NOW.year - 12
    others[0].birth_year = NOW.year - 35
    others[1].birth_year = NOW.year - 4
    officer = Actor("officer", Role.officer)
    for present in (True, False, True):  # the newest of an officer's changes holds
        set_flag(
            session, operation_id=operation.id, person_id=others[1].id, flag="medical",
            present=present, reason="seen at the clinic", actor=officer,
        )  # fmt: skip
    session.flush()
    flags = {
        member.person_id: member.flags
        for party in bundle_of(session, provider, operation).parties
        for member in party.members
    }
    assert DENY in flags[principal.id]
    assert "unaccompanied_minor" in flags[alone.id]
    assert flags[others[1].id] == ("medical",)  # a child with an adult: not alone
    assert flags[others[0].id] == ()


def test_only_gate_staff_get_a_bundle(session, provider, operation, world):
    with pytest.raises(Forbidden):
        bundle_of(session, provider, operation, actor=Actor("planner", Role.planner))
    assert bundle_of(session, provider, operation, actor=SUPERVISOR).parties


def test_an_unlisted_member_is_reported_once_and_read_by_a_supervisor(
    session, provider, operation, world
):
    key = str(uuid.uuid4())
    for _ in range(2):  # a station resends after a lost answer
        report_unlisted(
            session, actor=AGENT, provider=provider, operation=operation, idempotency_key=key,
            party_reference="P-7KQ2M", gate=GATE, station="lane 1", names=["Hamid Safi"],
        )  # fmt: skip
    sealed = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "gate.unlisted_member")
    ).all()
    assert len(sealed) == 1 and "Hamid" not in str(sealed[0].details)
    with pytest.raises(Forbidden):
        unlisted_reports(session, actor=AGENT, provider=provider, operation=operation)
    (report,) = unlisted_reports(session, actor=SUPERVISOR, provider=provider, operation=operation)
    assert (report.party_reference, report.names, report.reported_by) == (
        "P-7KQ2M", ("Hamid Safi",), AGENT.username,
    )  # fmt: skip


def test_the_bundle_over_http(settings, world, auth_headers):
    with TestClient(create_app(settings)) as client:
        answer = client.get(BUNDLE, params={"gate": GATE}, headers=auth_headers(Role.gate_agent))
        assert answer.status_code == 200, answer.text
        bundle = answer.json()
        assert {party["reference"] for party in bundle["parties"]} == set(PARTIES)
        assert all(party["pass"].startswith("EP1:") for party in bundle["parties"])
        assert bundle["revocations"].startswith("EPR1:") and bundle["public_keys"]
        planner = auth_headers(Role.planner)
        assert client.get(BUNDLE, params={"gate": GATE}, headers=planner).status_code == 403
        agent = auth_headers(Role.gate_agent)
        assert client.get(BUNDLE, headers=agent).status_code == 422  # which gate?
        assert client.get(BUNDLE, params={"gate": "x\x00"}, headers=agent).status_code == 422


def test_the_roster_covers_the_shift_ahead_only(session, provider, operation, world):
    later = station_bundle(
        session, actor=AGENT, provider=provider, operation=operation, gate=GATE,
        now=NOW - SHIFT - timedelta(hours=1),
    )  # fmt: skip
    assert later.parties == ()  # the window opens after that shift's end


def test_an_operation_that_never_issued_gets_a_bundle_its_keys_can_check(
    session, provider, operation
):
    bundle = bundle_of(session, provider, operation)
    assert bundle.parties == ()
    keys = keys_of(bundle)
    assert load_revocations(bundle.revocations, keys=keys)[1] == frozenset()
