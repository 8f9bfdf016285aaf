"""Passes strung together with the register and the plan: a party's pass from its members'
documents, and the demo's check of one pass from the command line."""

import subprocess
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from evac.auth.permissions import Actor, Permission
from evac.eligibility.register import GONE
from evac.eligibility.service import party_members
from evac.operation.models import Operation
from evac.passes.service import IssuedPass, issue_pass, station_key_file
from evac.people.models import DocumentKind, Person, State
from evac.planning.service import current_calls
from evac.vault.audit import record_access
from evac.vault.keys import KeyProvider
from evac.vault.service import OperationCipher, cipher_for

# The document a gate checks a traveller against, best first: a passport (its MRZ reads by
# machine), else the tazkira most Afghans hold, else another identity card. A visa, an SIV
# case number or a Chief-of-Mission approval is evidence of eligibility, not of who stands there.
GATE_DOCUMENTS = (
    DocumentKind.passport,
    DocumentKind.us_passport,
    DocumentKind.tazkira,
    DocumentKind.id_card,
    DocumentKind.green_card,
)


def party_pass(
    session: Session,
    *,
    actor: Actor,
    provider: KeyProvider,
    operation: Operation,
    party_reference: str,
    gate: str,
    window_start: datetime,
    window_end: datetime,
) -> IssuedPass:
    """The pass of one party for one call-forward: it counts every member who travels, and
    holds the digest of each one's best gate document. Reading the documents is audited."""
    actor.require(Permission.personal_read)
    members = travelling_members(session, operation=operation, reference=party_reference)
    cipher = cipher_for(session, provider=provider, operation_id=operation.id)
    numbers = gate_document_numbers(members, cipher=cipher)
    record_access(
        session,
        actor=actor,
        action="passes.issue",
        purpose="call-forward pass",
        subject=f"party:{party_reference}",
        details={"members": len(members), "documents": len(numbers)},
    )
    return issue_pass(
        session,
        provider=provider,
        operation=operation,
        party_reference=party_reference,
        gate=gate,
        window_start=window_start,
        window_end=window_end,
        document_numbers=numbers,
        head_count=max(1, len(members)),
    )


def travelling_members(session: Session, *, operation: Operation, reference: str) -> list[Person]:
    """The party's members, less anyone merged into another person, withdrawn or closed."""
    return [
        person
        for person in party_members(session, operation=operation, reference=reference)
        if person.merged_into_id is None and State(person.state) not in GONE
    ]


def gate_document_numbers(members: list[Person], *, cipher: OperationCipher) -> list[str]:
    """One number per member: the best gate document each holds (none for a child on a
    parent's passport: the pass's head count still counts them). Decrypted in memory only."""
    rank = {kind: place for place, kind in enumerate(GATE_DOCUMENTS)}
    numbers = []
    for person in members:
        held = [d for d in person.documents if DocumentKind(d.kind) in rank]
        if held:
            best = min(held, key=lambda d: (rank[DocumentKind(d.kind)], d.id))
            numbers.append(cipher.decrypt(best.number, field="document.number"))
    return numbers


class NothingToVerify(LookupError):
    """The current plan calls nobody forward yet."""


def demo_verify_step(
    session: Session, *, actor: Actor, provider: KeyProvider, operation: Operation, folder: Path
) -> subprocess.CompletedProcess[str]:
    """What a station does with the first call-forward's pass (the one its message carries):
    write the key file, then run `evac pass verify` in a process of its own (no database, no
    network), at the call's gate in the middle of its window. Returns the finished process,
    whose output is the verdict."""
    calls = current_calls(session, operation=operation)
    if not calls:
        raise NothingToVerify("the current plan calls nobody forward yet")
    call = calls[0]
    issued = party_pass(
        session,
        actor=actor,
        provider=provider,
        operation=operation,
        party_reference=call.party_reference,
        gate=call.gate,
        window_start=call.window_start,
        window_end=call.window_end,
    )
    folder.mkdir(parents=True, exist_ok=True)
    key_file = folder / "station-keys.json"
    key_file.write_text(station_key_file(session, provider=provider, operation=operation))
    pass_file = folder / f"pass-{issued.pass_id}.txt"
    pass_file.write_text(issued.text + "\n")
    at = call.window_start + (call.window_end - call.window_start) / 2
    command = [sys.executable, "-m", "evac", "pass", "verify", str(pass_file)]
    command += ["--public-key", str(key_file), "--gate", call.gate, "--at", at.isoformat()]
    return subprocess.run(command, capture_output=True, text=True, check=False)
