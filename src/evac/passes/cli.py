"""`evac pass`: issue passes, hand stations their keys and revocations, verify offline.

`evac pass verify` opens no database and no connection: a gate laptop runs it with the key
file, the revocation list and its own used-list only.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, NoReturn
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.orm import Session

from evac.auth.permissions import cli_actor
from evac.db import make_engine, make_sessionmaker, session_scope
from evac.intake.service import IntakeFailed, current_operation
from evac.operation.models import Operation
from evac.passes.flows import party_pass
from evac.passes.format import (
    PASS_PREFIX,
    BadShortCode,
    MalformedPass,
    PassClaims,
    open_envelope,
    parse_pass_id,
    pass_claims,
    short_code,
)
from evac.passes.service import (
    PassNotFound,
    qr_png,
    revocation_list,
    revoke_pass,
    roster,
    station_key_file,
)
from evac.passes.verify import (
    StationKeys,
    StationKeysError,
    Verdict,
    load_revocations,
    load_station_keys,
    verify_pass,
)
from evac.planning.service import current_calls
from evac.vault.keys import KeyProvider, provider_from_settings
from evac.vault.service import cipher_for
from evac.vault.signing import rotate_signing_key

app = typer.Typer(
    help="Passes: issue them, give stations the keys and revocations, verify one offline.",
    no_args_is_help=True,
)
console = Console(stderr=True)
output = Console(soft_wrap=True)

OperationOption = Annotated[
    str | None, typer.Option("--operation", help="Operation name (default: the only one).")
]
PASSPHRASE_HELP = (
    "Seal the document keys in the key file under this passphrase (scrypt + AES-GCM); a "
    "station gives it again to check documents. Best set in the environment, not typed."
)


@dataclass(frozen=True)
class OperationDesk:
    """An open session on the operation, with the master key in force."""

    session: Session
    operation: Operation
    provider: KeyProvider


@contextmanager
def operation_desk(ctx: typer.Context, operation_name: str | None) -> Iterator[OperationDesk]:
    settings = ctx.obj
    factory = make_sessionmaker(make_engine(settings.database_url))
    with session_scope(factory) as session:
        try:
            operation = current_operation(session, name=operation_name)
        except (LookupError, IntakeFailed) as error:
            fail(str(error))
        yield OperationDesk(session, operation, provider_from_settings(settings))


def fail(message: str) -> NoReturn:
    console.print(f"[red]{escape(message)}[/]")
    raise typer.Exit(1)


@app.command("public-key")
def public_key_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the key file.")],
    operation: OperationOption = None,
    passphrase: Annotated[
        str | None, typer.Option(envvar="EVAC_STATION_PASSPHRASE", help=PASSPHRASE_HELP)
    ] = None,
) -> None:
    """Write the key file stations verify passes with.

    It holds every signing key's public key by its id (older passes verify until they expire)
    and the document keys that check a passport against a pass offline."""
    with operation_desk(ctx, operation) as issuer:
        text = station_key_file(
            issuer.session,
            provider=issuer.provider,
            operation=issuer.operation,
            passphrase=passphrase,
        )
    out.write_text(text)
    out.chmod(0o600)  # the document keys let anyone holding a pass test passport numbers
    sealed = "sealed under the passphrase" if passphrase else "in clear: keep the file safe"
    console.print(f"Key file written to {escape(str(out))} (document keys {sealed}).")


@app.command("issue")
def issue_command(
    ctx: typer.Context,
    party: Annotated[str, typer.Option("--party", help="The party's reference.")],
    gate: Annotated[str | None, typer.Option(help="Gate (default: from the plan).")] = None,
    window_start: Annotated[
        datetime | None, typer.Option(help="Window start, ISO time (default: from the plan).")
    ] = None,
    window_end: Annotated[
        datetime | None, typer.Option(help="Window end, ISO time (default: from the plan).")
    ] = None,
    qr: Annotated[Path | None, typer.Option(help="Also write the QR code to this PNG.")] = None,
    operation: OperationOption = None,
) -> None:
    """Print the party's pass for its call-forward (the same pass again if nothing changed)."""
    with operation_desk(ctx, operation) as issuer:
        call = _call(issuer, party, gate, window_start, window_end)
        try:
            issued = party_pass(
                issuer.session,
                actor=cli_actor(),
                provider=issuer.provider,
                operation=issuer.operation,
                party_reference=party,
                gate=call[0],
                window_start=call[1],
                window_end=call[2],
            )
        except (LookupError, ValueError) as error:
            fail(str(error))
    output.out(issued.text)
    if qr is not None:
        qr.write_bytes(qr_png(issued.text))
    console.print(f"pass {issued.pass_id}  short code [bold]{issued.short_code}[/]")


def _call(
    issuer: OperationDesk,
    party: str,
    gate: str | None,
    window_start: datetime | None,
    window_end: datetime | None,
) -> tuple[str, datetime, datetime]:
    """Gate and window as given, else the party's next call-forward in the current plan."""
    if gate is not None and window_start is not None and window_end is not None:
        return gate, _utc(window_start), _utc(window_end)
    if gate is not None or window_start is not None or window_end is not None:
        fail("give --gate, --window-start and --window-end together, or none (the plan's)")
    calls = current_calls(issuer.session, operation=issuer.operation)
    mine = [call for call in calls if call.party_reference == party]
    if not mine:
        fail(f"party {party} has no call-forward in the current plan")
    return mine[0].gate, _utc(mine[0].window_start), _utc(mine[0].window_end)


@app.command("verify")
def verify_command(
    pass_: Annotated[
        str,
        typer.Argument(
            metavar="PASS", help="A file holding the pass, the pass text, or a short code."
        ),
    ],
    public_key: Annotated[Path, typer.Option(help="The key file (`evac pass public-key`).")],
    gate: Annotated[str | None, typer.Option(help="This station's gate.")] = None,
    at: Annotated[
        datetime | None, typer.Option(help="Check at this ISO time (default: now; naive = UTC).")
    ] = None,
    document: Annotated[
        list[str] | None, typer.Option(help="A document number shown (repeatable).")
    ] = None,
    people: Annotated[int | None, typer.Option(help="How many people present the pass.")] = None,
    revocations: Annotated[
        Path | None, typer.Option(help="The signed revocation list (`evac pass revocations`).")
    ] = None,
    used: Annotated[
        Path | None, typer.Option(help="This station's used-list (one pass id a line).")
    ] = None,
    mark_used: Annotated[bool, typer.Option(help="Add an admitted pass to the used-list.")] = False,
    roster_file: Annotated[
        Path | None, typer.Option("--roster", help="Passes to look a short code up in.")
    ] = None,
    passphrase: Annotated[
        str | None, typer.Option(envvar="EVAC_STATION_PASSPHRASE", help=PASSPHRASE_HELP)
    ] = None,
) -> None:
    """Check a pass offline, with no database and no network.

    Exits 0 and prints the party, the count, the gate and the window; else exits 1 and prints
    each reason."""
    if mark_used and used is None:
        fail("--mark-used needs --used FILE, the station's used-list")
    try:
        keys = load_station_keys(_read(public_key), passphrase=passphrase)
        revoked = load_revocations(_read(revocations), keys=keys)[1] if revocations else frozenset()
        text = _pass_text(pass_, roster_file)
        verdict = verify_pass(
            text,
            keys=keys,
            at=_utc(at) if at else datetime.now(UTC),
            gate=gate,
            documents=document or [],
            people=people,
            revoked=revoked,
            used=_used_ids(used),
        )
    except (StationKeysError, BadShortCode, OSError) as error:
        fail(str(error))
    _print_verdict(verdict, keys)
    if not verdict.admitted:
        raise typer.Exit(1)
    if mark_used:
        with used.open("a") as handle:
            handle.write(verdict.claims.pass_id.hex() + "\n")


def _print_verdict(verdict: Verdict, keys: StationKeys) -> None:
    if verdict.claims is not None:
        output.out(_describe(verdict.claims, keys.time_zone))
    if verdict.admitted:
        output.out("ADMIT")
        return
    for flag in verdict.flags:
        output.out(f"REFUSE: {flag.value}")


def _describe(claims: PassClaims, time_zone: str) -> str:
    zone = ZoneInfo(time_zone)
    start, end = claims.window_start.astimezone(zone), claims.window_end.astimezone(zone)
    return (
        f"party {claims.party_reference}, {claims.head_count} "
        f"{'person' if claims.head_count == 1 else 'people'}, gate {claims.gate}, "
        f"window {start:%Y-%m-%d %H:%M}-{end:%H:%M} {time_zone}, "
        f"pass {short_code(claims.pass_id)}"
    )


def _pass_text(given: str, roster_file: Path | None) -> str:
    """The pass from its file or its text; a short code is looked up in the roster."""
    if given.startswith(PASS_PREFIX):
        return given
    if roster_file is not None and not Path(given).is_file():
        return _from_roster(parse_pass_id(given), _read(roster_file))
    return _read(Path(given))


def _from_roster(pass_id: bytes, roster_text: str) -> str:
    """The roster's pass with this id (verified afterwards like any other)."""
    for line in roster_text.splitlines():
        try:
            claims = pass_claims(open_envelope(line, prefix=PASS_PREFIX))
        except MalformedPass:
            continue
        if claims.pass_id == pass_id:
            return line
    raise StationKeysError(f"pass {short_code(pass_id)} is not in the roster")


def _used_ids(path: Path | None) -> frozenset[bytes]:
    if path is None or not path.exists():
        return frozenset()
    return frozenset(parse_pass_id(line) for line in path.read_text().split() if line)


def _read(path: Path) -> str:
    return path.read_text().strip("\r\n")  # only line ends: a space is a Base45 character


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@app.command("revoke")
def revoke_command(
    ctx: typer.Context,
    pass_id: Annotated[str, typer.Argument(help="The pass id or its short code.")],
    reason: Annotated[str, typer.Option(help="Why (forwarded, lost, party changed...).")],
    operation: OperationOption = None,
) -> None:
    """Revoke a pass; stations refuse it once they load the next revocation list."""
    with operation_desk(ctx, operation) as issuer:
        try:
            revoke_pass(
                issuer.session,
                actor=cli_actor(),
                operation=issuer.operation,
                pass_id=parse_pass_id(pass_id),
                reason=reason,
            )
        except (BadShortCode, PassNotFound) as error:
            fail(str(error))
    console.print("Revoked. Send stations a new list: evac pass revocations --out FILE")


@app.command("revocations")
def revocations_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the signed list.")],
    operation: OperationOption = None,
) -> None:
    """Write the signed list of revoked passes that stations load."""
    with operation_desk(ctx, operation) as issuer:
        text = revocation_list(issuer.session, provider=issuer.provider, operation=issuer.operation)
    out.write_text(text + "\n")
    console.print(f"Signed revocation list written to {escape(str(out))}.")


@app.command("roster")
def roster_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the passes.")],
    gate: Annotated[str | None, typer.Option(help="Only this gate's passes.")] = None,
    operation: OperationOption = None,
) -> None:
    """Write the passes still good, one a line, for a station that checks short codes."""
    with operation_desk(ctx, operation) as issuer:
        texts = roster(issuer.session, operation=issuer.operation, gate=gate)
    out.write_text("".join(text + "\n" for text in texts))
    console.print(f"{len(texts):,} passes written to {escape(str(out))}.")


@app.command("rotate-key")
def rotate_key_command(
    ctx: typer.Context,
    withdraw: Annotated[
        bool,
        typer.Option(
            help="The old key may have leaked: leave it out of key files, so stations refuse "
            "what it signed (issue those passes again)."
        ),
    ] = False,
    operation: OperationOption = None,
) -> None:
    """Start signing passes with a new key.

    Passes signed by the old key verify until they expire, unless it is withdrawn; give
    stations the new key file (`evac pass public-key`)."""
    with operation_desk(ctx, operation) as issuer:
        cipher = cipher_for(
            issuer.session, provider=issuer.provider, operation_id=issuer.operation.id
        )
        key_id = rotate_signing_key(
            issuer.session, actor=cli_actor(), cipher=cipher, withdraw=withdraw
        )
    console.print(f"New signing key {key_id.hex()}. Now send stations the new key file.")
