"""Check-in as ODK Central takes a submission: once by its key, a conflict kept for a
supervisor when the key or the party comes again with something else."""

from dataclasses import replace
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from evac.auth.permissions import Forbidden, cli_actor
from evac.gate.models import CheckIn, Conflict, ConflictKind, Decision, Evacuee
from evac.gate.service import (
    CheckInError,
    ConflictSettled,
    Status,
    check_in,
    document_from_mrz,
    list_conflicts,
    resolve_conflict,
)
from evac.passes.format import PASS_PREFIX, encode_pass, open_envelope, pass_claims, short_code
from evac.passes.service import revoke_pass
from evac.passes.verify import Flag
from evac.people.models import Event, Person, State
from evac.vault.audit import AuditEntry, verify_chain

from .conftest import AGENT, GATE, NOW, OTHER_GATE, SUPERVISOR, arrival

PARTY, SINGLE = "P-7KQ2M", "P-3XHTW"


@pytest.fixture
def gate(session, provider, operation):
    """check_in as the gate agent, committed as an HTTP request would be."""

    def run(sent):
        result = check_in(
            session, actor=AGENT, provider=provider, operation=operation, arrival=sent
        )
        session.commit()
        return result

    return run


def states(session, ids) -> list[State]:
    return [State(session.get(Person, i).state) for i in ids]


def count(session, table) -> int:
    return session.scalar(select(func.count()).select_from(table))


def test_a_party_is_checked_in_with_wristband_numbers_and_its_names(session, world, gate):
    result = gate(arrival("k-1", world.passes[PARTY]))
    assert result.status == Status.accepted and result.party_reference == PARTY
    assert [m.evacuee_number for m in result.members] == [1, 2, 3]
    assert [m.given_name for m in result.members] == ["Wahidullah", "Shabnam", "Mursal"]
    assert states(session, world.members[PARTY]) == [State.checked_in] * 3
    events = session.scalars(select(Event).where(Event.type == "checked_in")).all()
    assert {e.place for e in events} == {f"{GATE} / lane 1"} and len(events) == 3
    second = gate(arrival("k-2", world.passes[SINGLE]))
    assert [m.evacuee_number for m in second.members] == [4]
    reads = session.scalars(select(AuditEntry).where(AuditEntry.action == "gate.read_party")).all()
    assert [r.subject for r in reads] == [f"party:{PARTY}", f"party:{SINGLE}"]
    assert "Wahidullah" not in str([r.details for r in reads])
    assert verify_chain(session) == []


def test_the_same_check_in_sent_twice_is_one(session, world, gate):
    first = gate(arrival("k-1", world.passes[PARTY]))
    again = gate(arrival("k-1", world.passes[PARTY]))
    assert again.status == Status.duplicate
    assert (again.checkin_id, again.members) == (first.checkin_id, first.members)
    assert (count(session, CheckIn), count(session, Evacuee), count(session, Conflict)) == (1, 3, 0)


def test_the_same_key_with_other_content_is_a_conflict_kept_once(session, world, gate):
    first = gate(arrival("k-1", world.passes[PARTY]))
    other = gate(arrival("k-1", world.passes[PARTY], station="lane 2"))
    assert other.status == Status.conflict and other.checkin_id == first.checkin_id
    assert "other content" in other.reasons[0]
    resent = gate(arrival("k-1", world.passes[PARTY], station="lane 2"))
    assert resent.conflict_id == other.conflict_id
    (kept,) = session.scalars(select(Conflict)).all()
    assert (kept.kind, kept.station) == (ConflictKind.other_content, "lane 2")
    assert session.get(CheckIn, first.checkin_id).station == "lane 1"  # never overwritten


def test_enketo_two_drafts_with_one_id_and_different_members(session, world, gate, operation):
    """Enketo opened one saved draft in two tabs: both sent under one instanceID, one with
    two members confirmed, the other with all three."""
    principal, wife, child = world.members[PARTY]
    first = gate(arrival("draft-7", world.passes[PARTY], members=(principal, wife)))
    second = gate(arrival("draft-7", world.passes[PARTY], members=(principal, wife, child)))
    assert (first.status, second.status) == (Status.accepted, Status.conflict)
    assert states(session, [principal, wife, child]) == [
        State.checked_in,
        State.checked_in,
        State.called_forward,
    ]
    (listed,) = list_conflicts(session, actor=SUPERVISOR, operation=operation)
    assert listed.kind == ConflictKind.other_content


def test_one_party_at_two_gates_goes_to_the_supervisor(session, world, gate, operation):
    gate(arrival("north-1", world.passes[PARTY]))
    copy = gate(arrival("abbey-9", world.passes[PARTY], gate=OTHER_GATE))
    assert copy.status == Status.conflict and "already checked in at North Gate" in copy.reasons[0]
    (listed,) = list_conflicts(session, actor=SUPERVISOR, operation=operation)
    assert (listed.kind, listed.first_gate, listed.second_gate) == (
        ConflictKind.party_again,
        GATE,
        OTHER_GATE,
    )
    assert count(session, CheckIn) == 1


def test_a_supervisor_settles_a_conflict_with_a_reason(session, world, gate, operation):
    first = gate(arrival("north-1", world.passes[PARTY]))
    conflict = gate(arrival("abbey-9", world.passes[PARTY], gate=OTHER_GATE))
    with pytest.raises(ValueError, match="reason"):
        resolve_conflict(
            session, actor=SUPERVISOR, operation=operation, conflict_id=conflict.conflict_id,
            decision=Decision.take_second, reason="  ",
        )  # fmt: skip
    settled = resolve_conflict(
        session, actor=SUPERVISOR, operation=operation, conflict_id=conflict.conflict_id,
        decision=Decision.take_second, reason="the family was moved to Abbey Gate by the Marines",
    )  # fmt: skip
    session.commit()
    assert settled.decision == Decision.take_second and settled.decided_by == SUPERVISOR.username
    assert session.get(CheckIn, first.checkin_id).gate == OTHER_GATE
    assert list_conflicts(session, actor=SUPERVISOR, operation=operation) == []
    assert len(list_conflicts(session, actor=SUPERVISOR, operation=operation, open_only=False)) == 1
    with pytest.raises(ConflictSettled):
        resolve_conflict(
            session, actor=SUPERVISOR, operation=operation, conflict_id=conflict.conflict_id,
            decision=Decision.keep_first, reason="second thoughts",
        )  # fmt: skip


def test_a_gate_agent_may_not_read_or_settle_the_supervisors_list(session, world, operation):
    with pytest.raises(Forbidden):
        list_conflicts(session, actor=AGENT, operation=operation)
    with pytest.raises(Forbidden):
        resolve_conflict(
            session, actor=AGENT, operation=operation, conflict_id=1,
            decision=Decision.keep_first, reason="mine",
        )  # fmt: skip


def forged(text: str, **changes) -> str:
    """The pass changed (another gate, more people) and signed again with a key of one's own."""
    claims = pass_claims(open_envelope(text, prefix=PASS_PREFIX))
    return encode_pass(replace(claims, **changes), signing_key=Ed25519PrivateKey.generate())


def test_a_forged_a_tampered_and_a_wrong_gate_pass_are_refused_with_the_reason(
    session, world, gate
):
    text = world.passes[PARTY]
    cases = {
        forged(text, gate=OTHER_GATE): Flag.forged,
        text[:-6] + ("A" if text[-6] != "A" else "B") + text[-5:]: Flag.tampered,
    }
    for n, (sent, flag) in enumerate(cases.items()):
        result = gate(arrival(f"bad-{n}", sent))
        assert (result.status, result.reasons) == (Status.refused, (flag.value,))
    wrong = gate(arrival("wrong-gate", text, gate=OTHER_GATE))
    assert wrong.status == Status.refused and Flag.wrong_gate.value in wrong.reasons
    assert wrong.party_reference == PARTY
    assert count(session, CheckIn) == 0
    assert states(session, world.members[PARTY]) == [State.called_forward] * 3
    refusals = session.scalars(select(AuditEntry).where(AuditEntry.action == "gate.refuse")).all()
    assert len(refusals) == 3


def test_a_revoked_pass_is_refused(session, world, gate, operation):
    claims = pass_claims(open_envelope(world.passes[SINGLE], prefix=PASS_PREFIX))
    revoke_pass(
        session, actor=cli_actor(), operation=operation, pass_id=claims.pass_id,
        reason="forwarded to a group chat",
    )  # fmt: skip
    session.commit()
    result = gate(arrival("k-revoked", world.passes[SINGLE]))
    assert (result.status, result.reasons) == (Status.refused, (Flag.revoked.value,))
    assert short_code(claims.pass_id)  # the officer reads it out to the gate


def test_a_pass_shown_with_a_document_not_its_own_is_refused(session, world, gate):
    result = gate(arrival("k-doc", world.passes[PARTY], documents=("P99999999",)))
    assert result.reasons == (Flag.wrong_document.value,)
    good = gate(arrival("k-doc2", world.passes[PARTY], documents=("P31415926", "P27182818")))
    assert good.status == Status.accepted


def test_a_person_without_a_pass_is_found_by_the_passport_shown(session, world, gate):
    result = gate(arrival("mrz-1", documents=("P16180339",)))
    assert (result.status, result.party_reference) == (Status.accepted, SINGLE)
    unknown = gate(arrival("mrz-2", documents=("P00000001",)))
    assert unknown.status == Status.refused and "no person" in unknown.reasons[0]
    late = gate(arrival("mrz-3", documents=("P31415926",), at=NOW + timedelta(hours=3)))
    assert late.reasons == (Flag.outside_window.value,)


def test_the_document_number_is_read_from_a_passports_zone():
    # ICAO 9303's specimen (Anna Maria Eriksson, a fictitious person of Utopia)
    zone = (
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
    )
    assert document_from_mrz(zone) == "L898902C3"


def test_a_member_not_on_the_party_or_not_called_forward_is_refused(session, world, gate):
    stranger = world.members[SINGLE][0]
    result = gate(arrival("k-x", world.passes[PARTY], members=(world.members[PARTY][0], stranger)))
    assert result.reasons == (f"person {stranger} is not on party {PARTY}",)
    child = session.get(Person, world.members[PARTY][2])
    child.state = State.eligible
    session.commit()
    result = gate(arrival("k-y", world.passes[PARTY]))
    assert result.reasons == (f"person {child.id} is eligible, not called forward",)


def test_an_arrival_without_pass_or_document_or_zone_is_an_error(session, world, gate):
    with pytest.raises(CheckInError):
        gate(arrival("k-none"))
    with pytest.raises(CheckInError):
        gate(arrival("k-dashes", documents=("--",)))
    with pytest.raises(CheckInError):
        gate(arrival("k" * 81, world.passes[PARTY]))
    with pytest.raises(CheckInError):
        gate(arrival("k-naive", world.passes[PARTY], at=NOW.replace(tzinfo=None)))


def test_taking_the_second_content_makes_its_resend_the_duplicate(session, world, gate, operation):
    first = gate(arrival("tab-1", world.passes[PARTY]))
    second = gate(arrival("tab-1", world.passes[PARTY], station="lane 2"))
    resolve_conflict(
        session, actor=SUPERVISOR, operation=operation, conflict_id=second.conflict_id,
        decision=Decision.take_second, reason="lane 2 is where the family was seen",
    )  # fmt: skip
    session.commit()
    assert session.get(CheckIn, first.checkin_id).station == "lane 2"
    assert gate(arrival("tab-1", world.passes[PARTY], station="lane 2")).status == Status.duplicate
    assert gate(arrival("tab-1", world.passes[PARTY])).status == Status.conflict
