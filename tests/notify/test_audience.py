"""A message written for one audience reaches that audience only: previewed and frozen, checked
again at send (a stale filter, a merged person), every send audited, members called forward
once however often the call is sent."""

from collections import Counter

import pytest
from sqlalchemy import select

from evac.eligibility.models import PersonDecision
from evac.eligibility.policy import Outcome
from evac.linkage.service import merge_persons
from evac.notify.audience import Audience, save_audience, saved_audience
from evac.notify.channels import SmtpTransport
from evac.notify.flows import SendError, preview_send, queue_send
from evac.notify.languages import set_language
from evac.notify.models import Channel, LanguageSource, Send
from evac.notify.templates import Template
from evac.notify.worker import Worker
from evac.passes.flows import party_pass
from evac.passes.models import TravelPass
from evac.passes.service import station_key_file
from evac.passes.verify import load_station_keys, verify_pass
from evac.people.models import Event, State
from evac.people.records import RegistrationRecord
from evac.people.service import add_registration
from evac.planning.models import PlannedParty
from evac.vault.audit import AuditEntry
from tests.notify.world import FIRST, OFFICER, SECOND, build_world


@pytest.fixture
def world(session, cipher):
    return build_world(session, cipher=cipher)


@pytest.fixture
def deliver(session, session_factory, provider, smtp_server):
    """Send what is queued to the SMTP server; the addresses it received since the last call."""
    inbox, host, port = smtp_server
    seen = [0]

    def run() -> list[str]:
        session.commit()
        transport = SmtpTransport(host, port, sender="evac@example.org")
        Worker(session_factory, provider=provider, transports={Channel.email: transport}).run()
        new = [m["To"] for m in inbox.messages[seen[0] :]]
        seen[0] = len(inbox.messages)
        return sorted(new)

    return run


def preview(session, cipher, operation, template=Template.call_forward, **audience):
    chosen = Audience(channels=(Channel.email,), **audience)
    return preview_send(
        session, actor=OFFICER, cipher=cipher, operation=operation, template=template,
        audience=chosen,
    )  # fmt: skip


def send(session, provider, cipher, operation, send_id):
    return queue_send(
        session,
        actor=OFFICER,
        provider=provider,
        cipher=cipher,
        operation=operation,
        send_id=send_id,
    )


def test_a_preview_counts_messages_per_channel_and_language(session, cipher, operation, world):
    set_language(
        session, person_id=world.persons["P-SIVVV"][1].id, language="ps", source=LanguageSource.form
    )
    shown = preview(session, cipher, operation, window_start=FIRST)
    assert (shown.parties, shown.people, shown.unreachable_parties) == (2, 3, 0)
    assert shown.counts == Counter({("email", "en"): 1, ("email", "fa-AF"): 1, ("email", "ps"): 1})
    assert preview(session, cipher, operation, window_start=SECOND).people == 1
    assert preview(session, cipher, operation, window_start=FIRST, priorities=(2,)).people == 2


def test_a_message_for_one_audience_never_reaches_anothers(
    session, provider, cipher, operation, world, deliver
):
    for_citizens = preview(
        session, cipher, operation, window_start=FIRST, categories=("us_citizen",)
    )
    for_siv = preview(
        session, cipher, operation, window_start=FIRST, categories=("siv_visa_issued",)
    )

    send(session, provider, cipher, operation, for_citizens.send_id)
    assert deliver() == ["amcit@example.org"]
    send(session, provider, cipher, operation, for_siv.send_id)
    assert deliver() == ["siv1@example.org", "siv2@example.org"]


def test_a_stale_filter_sends_nothing_to_those_who_left_the_audience(
    session, provider, cipher, operation, world, deliver
):
    shown = preview(session, cipher, operation, window_start=FIRST, categories=("siv_visa_issued",))
    assert shown.people == 2
    # After the preview, the policy changes: this family is now "other at-risk".
    for decision in session.scalars(select(PersonDecision)):
        if decision.person_id in {p.id for p in world.persons["P-SIVVV"]}:
            decision.category = "at_risk"
    session.commit()

    queued = send(session, provider, cipher, operation, shown.send_id)

    assert queued.messages == 0
    assert queued.dropped == {"no longer in the audience": 2}
    assert deliver() == []


def test_a_member_found_ineligible_after_the_preview_is_not_called(
    session, provider, cipher, operation, world, deliver
):
    shown = preview(session, cipher, operation, window_start=FIRST)
    siv2 = world.persons["P-SIVVV"][1]
    decision = session.scalar(select(PersonDecision).where(PersonDecision.person_id == siv2.id))
    decision.outcome = Outcome.ineligible  # the party may no longer travel whole
    session.commit()

    queued = send(session, provider, cipher, operation, shown.send_id)

    assert deliver() == ["amcit@example.org"]
    assert queued.dropped == {"no longer in the audience": 2}


def test_a_person_merged_after_the_preview_gets_nothing_through_the_survivor(
    session, provider, cipher, operation, world, deliver
):
    for_citizens = preview(
        session, cipher, operation, window_start=FIRST, categories=("us_citizen",)
    )
    for_siv = preview(
        session, cipher, operation, window_start=FIRST, categories=("siv_visa_issued",)
    )
    # Linkage finds that the second SIV traveller is the US citizen, listed twice: the
    # survivor now holds both addresses.
    amcit, siv2 = world.persons["P-AMCIT"][0], world.persons["P-SIVVV"][1]
    merge_persons(session, actor=OFFICER, survivor=amcit, merged=siv2, reason="same passport")
    session.commit()

    send(session, provider, cipher, operation, for_citizens.send_id)
    assert deliver() == ["amcit@example.org"]  # not siv2's address, now the survivor's
    queued = send(session, provider, cipher, operation, for_siv.send_id)
    assert queued.dropped == {"merged into another person": 1}
    assert deliver() == ["siv1@example.org"]


def test_a_call_forward_moves_members_once_however_often_it_is_sent(
    session, provider, cipher, operation, world, deliver
):
    first = preview(session, cipher, operation, window_start=FIRST)
    queued = send(session, provider, cipher, operation, first.send_id)
    assert (queued.parties, queued.messages, queued.called_forward) == (2, 3, 3)
    assert deliver() == ["amcit@example.org", "siv1@example.org", "siv2@example.org"]
    members = world.persons["P-AMCIT"] + world.persons["P-SIVVV"]
    assert {State(p.state) for p in members} == {State.called_forward}
    events = session.scalars(select(Event).where(Event.type == "called_forward")).all()
    assert len(events) == 3

    again = preview(session, cipher, operation, window_start=FIRST)
    resent = send(session, provider, cipher, operation, again.send_id)

    assert (resent.messages, resent.called_forward) == (3, 0)  # the message again, no move
    assert len(session.scalars(select(Event).where(Event.type == "called_forward")).all()) == 3
    assert world.persons["P-STAFF"][0].state == State.eligible
    called = session.scalars(select(PlannedParty).where(PlannedParty.called_at.is_not(None)))
    assert sorted(p.party_reference for p in called) == ["P-AMCIT", "P-SIVVV"]


def test_a_send_is_queued_once_and_every_send_is_audited(
    session, provider, cipher, operation, world
):
    shown = preview(session, cipher, operation, window_start=FIRST)
    send(session, provider, cipher, operation, shown.send_id)
    with pytest.raises(SendError):
        send(session, provider, cipher, operation, shown.send_id)
    actions = Counter(session.scalars(select(AuditEntry.action)))
    assert actions["notify.preview"] == 1 and actions["notify.send"] == 1
    assert session.get(Send, shown.send_id).state == "queued"


def test_a_call_forward_needs_a_plan_window(session, cipher, operation, world):
    with pytest.raises(SendError):
        preview(session, cipher, operation, categories=("us_citizen",))


def test_a_warden_notice_reaches_a_category_whatever_the_plan(
    session, provider, cipher, operation, world, deliver
):
    shown = preview(
        session, cipher, operation, template=Template.leave_now, categories=("us_citizen",)
    )
    send(session, provider, cipher, operation, shown.send_id)
    assert deliver() == ["amcit@example.org"]
    assert world.persons["P-AMCIT"][0].state == State.eligible  # a notice calls nobody forward


def test_a_saved_audience_is_resolved_afresh_at_each_preview(session, cipher, operation, world):
    chosen = Audience(
        window_start=FIRST, categories=("siv_visa_issued",), channels=(Channel.email,)
    )
    save_audience(
        session, operation=operation, name="SIV, first window", audience=chosen, created_by="t"
    )
    loaded = saved_audience(session, operation=operation, name="SIV, first window")
    assert loaded == chosen
    before = preview(session, cipher, operation, **_fields(loaded))
    siv2 = world.persons["P-SIVVV"][1]
    session.scalar(
        select(PersonDecision).where(PersonDecision.person_id == siv2.id)
    ).outcome = Outcome.ineligible
    after = preview(session, cipher, operation, **_fields(loaded))
    assert (before.people, after.people) == (2, 0)


def _fields(audience: Audience) -> dict:
    return {
        "window_start": audience.window_start,
        "categories": audience.categories,
        "priorities": audience.priorities,
    }


def test_a_language_column_of_a_list_is_read_and_a_choice_made_later_wins(
    session, cipher, operation, world
):
    staff = world.persons["P-STAFF"][0]
    registration, _ = add_registration(
        session,
        cipher=cipher,
        source="ngo-list",
        raw={"Name": "Test staff", "Language": "Pashto"},
        record=RegistrationRecord(given_name="Test"),
    )
    registration.person_id = staff.id
    session.flush()
    assert preview(session, cipher, operation, window_start=SECOND).counts == {("email", "ps"): 1}
    set_language(session, person_id=staff.id, language="en", source=LanguageSource.officer)
    assert preview(session, cipher, operation, window_start=SECOND).counts == {("email", "en"): 1}


def live_passes(session) -> dict[str, list]:
    passes: dict[str, list] = {}
    for row in session.scalars(select(TravelPass).where(TravelPass.revoked_at.is_(None))):
        passes.setdefault(row.party_reference, []).append(row.window_start)
    return passes


def test_a_cancellation_revokes_the_pass_it_says_no_longer_works(
    session, provider, cipher, operation, world, deliver
):
    called = preview(session, cipher, operation, window_start=FIRST)
    send(session, provider, cipher, operation, called.send_id)
    assert live_passes(session) == {"P-AMCIT": [FIRST], "P-SIVVV": [FIRST]}
    cancel = preview(
        session, cipher, operation, template=Template.cancellation, window_start=FIRST,
        categories=("us_citizen",),
    )  # fmt: skip
    send(session, provider, cipher, operation, cancel.send_id)
    assert live_passes(session) == {"P-SIVVV": [FIRST]}
    assert deliver().count("amcit@example.org") == 2  # the call, then its cancellation


def test_a_change_issues_a_new_pass_and_revokes_the_earlier_one(
    session, provider, cipher, operation, world
):
    called = preview(session, cipher, operation, window_start=SECOND)
    send(session, provider, cipher, operation, called.send_id)
    assert live_passes(session) == {"P-STAFF": [SECOND]}
    planned = session.scalar(select(PlannedParty).where(PlannedParty.party_reference == "P-STAFF"))
    planned.window_start, planned.window_end = FIRST, SECOND  # the plan moves the party earlier
    session.commit()
    change = preview(
        session, cipher, operation, template=Template.change, window_start=FIRST,
        categories=("local_staff",),
    )  # fmt: skip
    queued = send(session, provider, cipher, operation, change.send_id)
    assert queued.messages == 1
    assert live_passes(session) == {"P-STAFF": [FIRST]}


def test_the_pass_a_send_issues_admits_its_members_and_is_the_one_a_station_issues_again(
    session, provider, cipher, operation, world
):
    called = preview(session, cipher, operation, window_start=FIRST)
    send(session, provider, cipher, operation, called.send_id)
    keys = load_station_keys(station_key_file(session, provider=provider, operation=operation))
    for reference in ("P-AMCIT", "P-SIVVV"):
        row = session.scalar(select(TravelPass).where(TravelPass.party_reference == reference))
        members = world.persons[reference]
        passports = [
            cipher.decrypt(person.documents[0].number, field="document.number")
            for person in members
        ]
        during = row.window_start + (row.window_end - row.window_start) / 2
        verdict = verify_pass(
            row.text, keys=keys, at=during, gate=row.gate, documents=passports, people=len(members)
        )
        assert verdict.admitted, verdict.flags
        again = party_pass(
            session,
            actor=OFFICER,
            provider=provider,
            operation=operation,
            party_reference=reference,
            gate=row.gate,
            window_start=row.window_start,
            window_end=row.window_end,
        )
        assert again.pass_id == row.pass_id  # the same documents chosen: not superseded
