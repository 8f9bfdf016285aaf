"""The gate strung together with passes and the plan: the demo's first window checked in at
its gates and taken through the ECC's stations."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from evac.auth.permissions import Actor
from evac.gate.models import Evacuee, Outcome, Step
from evac.gate.service import Arrival, Status, check_in
from evac.gate.stations import Accountability, accountability, record_step
from evac.operation.models import Operation
from evac.passes.flows import party_pass
from evac.planning.service import current_calls, first_window
from evac.vault.keys import KeyProvider


@dataclass(frozen=True)
class DemoGate:
    """What the demo's gates did: parties and people checked in, parties refused or kept
    for a supervisor (with the first reason of each), and who is where afterwards."""

    parties: int
    people: int
    not_taken: dict[str, str]
    where: Accountability

    def __str__(self) -> str:
        gates = ", ".join(f"{gate} {n:,}" for gate, n in self.where.at_gates.items()) or "none"
        return (
            f"{self.parties:,} parties ({self.people:,} people) checked in at their gates, "
            f"wristbands given, and taken through reception, ID check, screening, medical and "
            f"manifest; {len(self.not_taken):,} not taken. Now at the gates: {gates}; in the "
            f"ECC: {self.where.in_ecc:,}; airside: {self.where.airside:,}."
        )


def demo_step(
    session: Session, *, actor: Actor, provider: KeyProvider, operation: Operation
) -> DemoGate:
    """Check in the first window's parties at their gates with their passes, in the middle
    of the window, and pass every one of them through each station. Keys are fixed, so a
    second run answers with duplicates and changes nothing."""
    window = first_window(session, operation=operation)
    calls = current_calls(session, operation=operation, window_start=window) if window else []
    parties = people = 0
    not_taken: dict[str, str] = {}
    for call in calls:
        issued = party_pass(
            session, actor=actor, provider=provider, operation=operation,
            party_reference=call.party_reference, gate=call.gate,
            window_start=call.window_start, window_end=call.window_end,
        )  # fmt: skip
        at = call.window_start + (call.window_end - call.window_start) / 2
        result = check_in(
            session, actor=actor, provider=provider, operation=operation,
            arrival=Arrival(f"demo:{call.party_reference}:{window:%Y%m%dT%H%M}", call.gate,
                            "demo lane 1", at, pass_text=issued.text),
        )  # fmt: skip
        if result.status not in (Status.accepted, Status.duplicate):
            not_taken[call.party_reference] = result.reasons[0] if result.reasons else ""
            continue
        parties, people = parties + 1, people + len(result.members)
        _through_the_stations(session, actor, operation, result.checkin_id, at)
    return DemoGate(
        parties, people, not_taken, accountability(session, actor=actor, operation=operation)
    )


def _through_the_stations(
    session: Session, actor: Actor, operation: Operation, checkin_id: int, at: datetime
) -> None:
    numbers = session.scalars(select(Evacuee.id).where(Evacuee.checkin_id == checkin_id))
    for number in numbers.all():
        for step in Step:
            record_step(
                session, actor=actor, operation=operation, evacuee_number=number, step=step,
                outcome=Outcome.passed, station=f"ECC {step.value}", at=at,
                idempotency_key=f"demo:{number}:{step.value}",
            )  # fmt: skip
