"""A partner's referrals and what became of them: the people an NGO or an office sent, each
as the partner wrote it, with the stage the person has reached. Nothing else: not the
person's other registrations, not what another partner sent, not documents or contacts
another list added. In August 2021 partners learned what became of their people from
rumours; this is the answer a partner may have."""

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from evac.auth.permissions import Actor, Permission
from evac.intake.service import check_source_access
from evac.people.models import Person, Registration, State
from evac.people.service import read_registration
from evac.vault.audit import record_access
from evac.vault.service import OperationCipher

PAGE_SIZE = 100


class Stage(StrEnum):
    """What a partner is told: a few plain stages, not the sixteen lifecycle states."""

    waiting = "Received, not yet checked against the other lists"
    registered = "Registered"
    eligible = "Eligible"
    not_eligible = "Not eligible"
    called_forward = "Called forward"
    at_the_airport = "At the airport"
    evacuated = "Evacuated"
    not_travelling = "Not travelling (withdrew or did not come)"


STAGE_OF_STATE = {
    State.registered: Stage.registered,
    State.verified: Stage.registered,
    State.deferred: Stage.registered,
    State.merged: Stage.registered,
    State.eligible: Stage.eligible,
    State.ineligible: Stage.not_eligible,
    State.called_forward: Stage.called_forward,
    State.checked_in: Stage.at_the_airport,
    State.processed: Stage.at_the_airport,
    State.manifested: Stage.at_the_airport,
    State.boarded: Stage.at_the_airport,
    State.departed: Stage.evacuated,
    State.arrived_hub: Stage.evacuated,
    State.closed: Stage.evacuated,
    State.no_show: Stage.not_travelling,
    State.withdrawn: Stage.not_travelling,
}


def stage_of(state: str | None) -> Stage:
    return Stage.waiting if state is None else STAGE_OF_STATE[State(state)]


@dataclass(frozen=True)
class Referral:
    registration_id: int
    file: str | None
    row_number: int | None
    name: str  # as the partner wrote it
    name_native: str | None
    stage: Stage


@dataclass(frozen=True)
class Referrals:
    source: str
    totals: dict[Stage, int]  # every stage, zeros included
    page: list[Referral]
    page_number: int
    pages: int


def referrals_source(actor: Actor, requested: str | None) -> str:
    """A partner's own source, whatever it asks for; staff who read personal data name one."""
    if actor.can(Permission.personal_read) and requested:
        return requested
    actor.require(Permission.registrations_read_own)
    return actor.partner_source or ""


def list_referrals(
    session: Session, *, cipher: OperationCipher, actor: Actor, source: str, page: int = 1
) -> Referrals:
    """The source's registrations, a page of them, with each one's stage; the read is
    audited (the names shown are the partner's own)."""
    check_source_access(actor, source, write=False)
    mine = (Registration.operation_id == cipher.operation_id) & (Registration.source == source)
    counted = session.execute(
        select(Person.state, func.count())
        .select_from(Registration)
        .outerjoin(Person, Person.id == Registration.person_id)
        .where(mine)
        .group_by(Person.state)
    ).all()
    totals = dict.fromkeys(Stage, 0)
    for state, count in counted:
        totals[stage_of(state)] += count
    pages = max(1, -(-sum(totals.values()) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = session.execute(
        select(Registration, Person.state)
        .outerjoin(Person, Person.id == Registration.person_id)
        .where(mine)
        .order_by(Registration.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    shown = [_referral(registration, state, cipher) for registration, state in rows]
    record_access(
        session,
        actor=actor,
        action="referrals.read",
        purpose="a partner follows its own referrals",
        subject=f"source:{source}",
        details={"registrations": [referral.registration_id for referral in shown]},
    )
    return Referrals(source, totals, shown, page, pages)


def _referral(registration: Registration, state: str | None, cipher: OperationCipher) -> Referral:
    _, record = read_registration(registration, cipher=cipher)
    name = record.full_name or " ".join(p for p in (record.given_name, record.family_name) if p)
    return Referral(
        registration.id,
        registration.file,
        registration.row_number,
        name,
        record.name_native,
        stage_of(state),
    )
