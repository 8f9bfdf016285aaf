"""What an evacuee may learn about their own self-registration: one of three answers.

The page asks for the reference the form gave (EV-...) and the phone number written in it,
together. It never shows a name or any other answer of the form. A wrong pair gets the same
answer as an unknown reference, so the page cannot tell whether a reference or a phone number
is in the register (a family hunted by the Taliban must not be findable by a phone number).
"""

import hmac
import re
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from evac.intake.service import SELF_REGISTRATION
from evac.intake.validate import canonical_phone
from evac.people.models import Person, Registration, State
from evac.people.records import RegistrationRecord
from evac.vault.service import OperationCipher


class Progress(StrEnum):
    unknown = "unknown"  # no such reference, or not with this phone number
    received = "received"  # stored, not yet linked into a person
    being_reviewed = "being_reviewed"  # a person now: eligibility not decided, or not for now
    will_be_contacted = "will_be_contacted"  # eligible: a call-forward message will follow


# Eligible and every step after it: the family will get a message saying when and where to
# come. A refusal is not told by a web page: staff tell it, with how to ask again.
CONTACTED = frozenset(
    {
        State.eligible,
        State.called_forward,
        State.checked_in,
        State.processed,
        State.manifested,
        State.boarded,
        State.departed,
        State.arrived_hub,
    }
)


def registration_progress(
    session: Session, *, cipher: OperationCipher, reference: str, phone: str
) -> Progress:
    """Where the self-registration `reference` stands, if `phone` is the one it gave."""
    wanted = canonical_phone(phone)
    registrations = session.scalars(
        select(Registration).where(
            Registration.operation_id == cipher.operation_id,
            Registration.source == SELF_REGISTRATION,
            Registration.file == _as_written_on_the_page(reference),
        )
    ).all()
    if wanted is None or not any(_gave(r, wanted, cipher) for r in registrations):
        return Progress.unknown
    persons = [_current(session, r.person_id) for r in registrations if r.person_id]
    if not persons:
        return Progress.received
    if any(person.state in CONTACTED for person in persons):
        return Progress.will_be_contacted
    return Progress.being_reviewed


def _as_written_on_the_page(reference: str) -> str:
    """EV-7KQ2-M9XD however it was typed (ev 7kq2 m9xd): spaces, case and anything a
    reference never holds (a NUL byte PostgreSQL refuses) left out."""
    letters = re.sub(r"[^A-Z0-9]", "", reference.upper()).removeprefix("EV")
    return f"EV-{letters[:4]}-{letters[4:]}"


def _gave(registration: Registration, phone: str, cipher: OperationCipher) -> bool:
    text = cipher.decrypt(registration.record, field="registration.record")
    given = RegistrationRecord.from_json(text).phone or ""
    return hmac.compare_digest(given.encode(), phone.encode())


def _current(session: Session, person_id: int) -> Person:
    """The person a registration now belongs to, following merges."""
    person = session.get(Person, person_id)
    while person.state == State.merged and person.merged_into_id:
        person = session.get(Person, person.merged_into_id)
    return person
