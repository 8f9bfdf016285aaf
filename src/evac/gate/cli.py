"""`evac gate`: check a party in from the command line, settle conflicts, count who is where.

What POST /api/v1/gate/checkins does, on the server's database, as the `evac` user.
"""

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from evac.auth.permissions import cli_actor
from evac.gate.models import Decision
from evac.gate.service import (
    Arrival,
    CheckInError,
    CheckInResult,
    ConflictNotFound,
    ConflictSettled,
    Status,
    check_in,
    document_from_mrz,
    list_conflicts,
    resolve_conflict,
)
from evac.gate.stations import accountability
from evac.intake.mrz import InvalidMRZ
from evac.passes.cli import fail, operation_desk
from evac.passes.format import PASS_PREFIX

app = typer.Typer(
    help="The gate: check parties in, settle conflicts, count who is where.",
    no_args_is_help=True,
)
console = Console(stderr=True)
output = Console(soft_wrap=True)

OperationOption = Annotated[
    str | None, typer.Option("--operation", help="Operation name (default: the only one).")
]


@app.command("checkin")
def checkin_command(
    ctx: typer.Context,
    gate: Annotated[str, typer.Option(help="The gate the party stands at.")],
    station: Annotated[str, typer.Option(help="The lane or desk at the gate.")],
    pass_: Annotated[
        str | None,
        typer.Option("--pass", metavar="PASS", help="A file holding the pass, or its text."),
    ] = None,
    document: Annotated[
        list[str] | None, typer.Option(help="A document number shown (repeatable).")
    ] = None,
    mrz: Annotated[
        Path | None, typer.Option(help="A file holding a passport's machine-readable zone.")
    ] = None,
    member: Annotated[
        list[int] | None,
        typer.Option(help="A person id confirmed (repeatable; default: the whole party)."),
    ] = None,
    at: Annotated[
        datetime | None, typer.Option(help="When, ISO time (default: now; naive = UTC).")
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(help="Idempotency key: give the same one to resend safely (default: new)."),
    ] = None,
    operation: OperationOption = None,
) -> None:
    """Check a party in by its pass, or a person by the document shown.

    Exits 0 when taken (or taken before under the same key), printing each member's
    wristband number; 1 when refused (with each reason) or kept for a supervisor."""
    try:
        documents = [*(document or []), *([document_from_mrz(mrz.read_text())] if mrz else [])]
        sent = Arrival(
            idempotency_key=key or str(uuid.uuid4()),
            gate=gate,
            station=station,
            at=_utc(at) if at else datetime.now(UTC).replace(microsecond=0),
            pass_text=_pass_text(pass_) if pass_ else None,
            documents=tuple(documents),
            members=tuple(member) if member else None,
        )
    except (InvalidMRZ, OSError) as error:
        fail(str(error))
    with operation_desk(ctx, operation) as desk:
        try:
            result = check_in(
                desk.session,
                actor=cli_actor(),
                provider=desk.provider,
                operation=desk.operation,
                arrival=sent,
            )
        except CheckInError as error:
            fail(str(error))
    _print_result(result, sent.idempotency_key)
    if result.status not in (Status.accepted, Status.duplicate):
        raise typer.Exit(1)


def _pass_text(given: str) -> str:
    if given.startswith(PASS_PREFIX):
        return given
    return Path(given).read_text().strip("\r\n")  # only line ends: a space is a Base45 character


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _print_result(result: CheckInResult, key: str) -> None:
    party = f" party {result.party_reference}" if result.party_reference else ""
    output.out(f"{result.status.value.upper()}{party} (key {key})")
    for member in result.members:
        names = " ".join(n for n in (member.given_name, member.family_name) if n)
        output.out(f"  wristband {member.evacuee_number}: person {member.person_id} {names}")
    for reason in result.reasons:
        output.out(f"  {reason}")
    if result.conflict_id is not None:
        output.out(f"  conflict {result.conflict_id}: evac gate conflicts")


@app.command("conflicts")
def conflicts_command(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Settled ones too.")] = False,
    operation: OperationOption = None,
) -> None:
    """The supervisor's list: check-ins not taken because they collided."""
    with operation_desk(ctx, operation) as desk:
        found = list_conflicts(
            desk.session, actor=cli_actor(), operation=desk.operation, open_only=not all_
        )
        table = Table("id", "party", "first", "second", "reason", "decision")
        for c in found:
            table.add_row(
                str(c.id),
                c.party_reference,
                f"{c.first_gate} / {c.first_station}",
                f"{c.second_gate} / {c.second_station}",
                c.reason,
                f"{c.decision.value} ({c.decided_by}): {c.decision_reason}" if c.decision else "",
            )
    if not found:
        console.print("No conflicts." if all_ else "No open conflicts.")
        return
    output.print(table)


@app.command("resolve")
def resolve_command(
    ctx: typer.Context,
    conflict: Annotated[int, typer.Argument(help="The conflict's id (evac gate conflicts).")],
    decision: Annotated[
        Decision, typer.Option(help="Keep the first check-in, or take the second.")
    ],
    reason: Annotated[str, typer.Option(help="Why: kept with the decision and audited.")],
    operation: OperationOption = None,
) -> None:
    """Settle a conflict, with a reason."""
    with operation_desk(ctx, operation) as desk:
        try:
            settled = resolve_conflict(
                desk.session,
                actor=cli_actor(),
                operation=desk.operation,
                conflict_id=conflict,
                decision=decision,
                reason=reason,
            )
        except (ConflictNotFound, ConflictSettled, ValueError) as error:
            fail(str(error))
    console.print(f"Conflict {settled.id} settled: {settled.decision.value}.")


@app.command("status")
def status_command(ctx: typer.Context, operation: OperationOption = None) -> None:
    """How many are at each gate, in the ECC and airside, and which parties never came."""
    with operation_desk(ctx, operation) as desk:
        counts = accountability(desk.session, actor=cli_actor(), operation=desk.operation)
    for gate, people in counts.at_gates.items():
        output.out(f"at {gate}: {people}")
    output.out(f"in the ECC: {counts.in_ecc}")
    output.out(f"airside: {counts.airside}")
    output.out(f"no-shows: {len(counts.no_shows)} parties {' '.join(counts.no_shows)}".rstrip())
