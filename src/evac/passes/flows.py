"""Passes strung together with the register and the plan: a party's pass from its members'
documents, and the demo's check of one pass from the command line."""

import subprocess
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from evac.eligibility.service import party_members
from evac.operation.models import Operation
from evac.passes.service import IssuedPass, issue_pass, station_key_file
from evac.people.models import DocumentKind, Person
from evac.vault.keys import KeyProvider
from evac.vault.service import OperationCipher, cipher_for

# The documents a traveller shows at a gate; a visa, an SIV case number or a Chief-of-Mission
# approval is evidence of eligibility, not of who is standing there.
IDENTITY_DOCUMENTS = {
    DocumentKind.passport,
    DocumentKind.us_passport,
    DocumentKind.tazkira,
    DocumentKind.id_card,
    DocumentKind.green_card,
}


def party_pass(
    session: Session,
    *,
    provider: KeyProvider,
    operation: Operation,
    party_reference: str,
    gate: str,
    window_start: datetime,
    window_end: datetime,
) -> IssuedPass:
    """The pass of one party for one call-forward: every member counts, and every identity
    document a member holds is digested (a traveller may show any of them)."""
    members = party_members(session, operation=operation, reference=party_reference)
    cipher = cipher_for(session, provider=provider, operation_id=operation.id)
    return issue_pass(
        session,
        provider=provider,
        operation=operation,
        party_reference=party_reference,
        gate=gate,
        window_start=window_start,
        window_end=window_end,
        document_numbers=identity_numbers(members, cipher=cipher),
        head_count=max(1, len(members)),
    )


def identity_numbers(members: list[Person], *, cipher: OperationCipher) -> list[str]:
    """The numbers of the members' identity documents, decrypted (kept in memory only)."""
    return [
        cipher.decrypt(document.number, field="document.number")
        for person in members
        for document in person.documents
        if document.kind in IDENTITY_DOCUMENTS
    ]


def demo_verify_step(
    session: Session,
    *,
    provider: KeyProvider,
    operation: Operation,
    issued: IssuedPass,
    gate: str,
    at: datetime,
    folder: Path,
) -> subprocess.CompletedProcess[str]:
    """What a station does with one pass: write the key file, then run `evac pass verify`
    as a separate process (no database, no network). Returns the finished process, whose
    output is the verdict."""
    folder.mkdir(parents=True, exist_ok=True)
    key_file = folder / "station-keys.json"
    key_file.write_text(station_key_file(session, provider=provider, operation=operation))
    pass_file = folder / f"pass-{issued.pass_id}.txt"
    pass_file.write_text(issued.text + "\n")
    command = [sys.executable, "-m", "evac", "pass", "verify", str(pass_file)]
    command += ["--public-key", str(key_file), "--gate", gate, "--at", at.isoformat()]
    return subprocess.run(command, capture_output=True, text=True, check=False)
