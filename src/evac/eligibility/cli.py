"""`evac eligibility`: the policy, decisions for a file of persons, and the register's
evaluation, explanations, overrides and parties."""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from evac.auth.permissions import cli_actor
from evac.db import make_engine, make_sessionmaker, session_scope
from evac.eligibility.files import MissingColumn, Summary, decide_file
from evac.eligibility.flows import Evaluation, decide_again, evaluate
from evac.eligibility.policy import (
    Outcome,
    Policy,
    PolicyError,
    default_policy,
    default_policy_text,
    load_policy,
)
from evac.eligibility.service import (
    PartyError,
    add_override,
    decision_history,
    describe_flags,
    join_parties,
    last_evaluated_policy,
    let_party_travel_split,
    load_policy_text,
    newest_policy,
    party_of,
    policy_history,
    set_flag,
    split_party,
    unmapped_claims,
    withdraw_override,
)
from evac.operation.models import Operation
from evac.vault.keys import KeyRing, provider_from_settings
from evac.vault.service import OperationCipher, cipher_for

app = typer.Typer(
    help="Eligibility: who may go, with whom and in what order, by a policy staff can edit.",
    no_args_is_help=True,
)
policy_app = typer.Typer(help="The eligibility policy (a YAML file).", no_args_is_help=True)
app.add_typer(policy_app, name="policy")
console = Console(stderr=True)
output = Console()
PROGRESS_FROM_ROWS = 5_000  # below this a file is decided before a bar could be read


@policy_app.command("check")
def check_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Validate a policy file: a summary when it is sound, else every error with its line."""
    policy = _policy_or_exit(file)
    output.print(f"[green]{escape(str(file))}: a sound policy.[/]")
    print_summary(policy)


@policy_app.command("show")
def show_command() -> None:
    """Print the default policy (US guidance of August 2021), to copy and edit."""
    output.out(default_policy_text(), end="")


@app.command("file")
def file_command(
    persons: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV, one person a row."),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the decisions (CSV).")],
    policy_file: Annotated[
        Path | None,
        typer.Option(
            "--policy", exists=True, dir_okay=False, help="Policy YAML (default: the built-in)."
        ),
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Day on which ages count (default: today)."),
    ] = None,
) -> None:
    """Decide eligibility for a CSV of persons, without a database.

    Columns: record_id, household_id, relationship, category_claimed, nationality,
    date_of_birth, us_passport_number, green_card_number, siv_case_number, com_approval_date
    (and optionally siv_visa_number, marital_status, flags); others are ignored. Writes
    record_id, party_id, eligible, category, basis, priority, reason.
    """
    policy = _policy_or_exit(policy_file) if policy_file else default_policy()
    day = as_of.date() if as_of else date.today()
    try:
        with _bar() as bar:
            tasks: dict[str, int] = {}

            def progress(step: str, done: int, total: int | None) -> None:
                if total is None or total < PROGRESS_FROM_ROWS:
                    return
                if step not in tasks:
                    tasks[step] = bar.add_task(step, total=total)
                bar.update(tasks[step], completed=done)

            summary = decide_file(persons, out, policy=policy, as_of=day, progress=progress)
    except MissingColumn as error:
        console.print(f"[red]Cannot decide:[/] {escape(str(error))}", soft_wrap=True)
        raise typer.Exit(2) from None
    print_file_summary(summary, out, policy, day)


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _policy_or_exit(file: Path) -> Policy:
    try:
        return load_policy(file)
    except PolicyError as error:
        console.print(f"[red]{escape(error.source)} is not a usable policy:[/]")
        for problem in error.problems:
            console.print(f"  {escape(str(problem))}", soft_wrap=True)
        raise typer.Exit(1) from None


def print_summary(policy: Policy) -> None:
    output.print(f"version {escape(policy.version)}: {escape(policy.name)}")
    table = Table(title="Categories, in order of priority")
    for column in ("priority", "category", "outcome", "on claim only", "claims"):
        table.add_column(column)
    for level, names in enumerate(policy.priority, 1):
        for name in names:
            category = policy.categories[name]
            on_claim = category.on_claim or category.outcome
            claims = ", ".join(category.claims)
            table.add_row(str(level), name, category.outcome, on_claim, escape(claims))
    output.print(table)
    for rule in policy.derivatives:
        relatives = ", ".join(
            f"{role}"
            + (" (unmarried)" if c.unmarried else "")
            + (f" under {c.under_age}" if c.under_age else "")
            for role, c in rule.relationships.items()
        )
        output.print(f"derivatives of {', '.join(rule.categories)}: {relatives}")
    flags = ", ".join(f"{flag} +{steps}" for flag, steps in policy.flags.items())
    output.print(f"flags: {flags or 'none'}")


def print_file_summary(summary: Summary, out: Path, policy: Policy, day: date) -> None:
    output.print(
        f"{summary.rows:,} persons in {summary.parties:,} parties, policy {escape(policy.version)}"
        f", ages on {day.isoformat()}: {escape(str(out))}"
    )
    table = Table(title="Decisions")
    table.add_column("outcome")
    table.add_column("persons", justify="right")
    for outcome, count in summary.outcomes.most_common():
        table.add_row(outcome, f"{count:,}")
    output.print(table)
    if summary.mixed_parties:
        output.print(
            f"[yellow]Parties with mixed outcomes, for an officer:[/] {summary.mixed_parties:,}"
        )
    if summary.unmapped_claims:
        output.print("[yellow]Claims the policy does not map[/] (add them to a category's claims):")
        for claim, count in summary.unmapped_claims.most_common():
            output.print(f"  {escape(claim)!s}: {count:,}")


# --- The register: policy versions, evaluation, explanations, overrides, parties ----------

party_app = typer.Typer(help="Travel parties: split, join, or let a mixed party travel.")
app.add_typer(party_app, name="party")
OperationOption = Annotated[
    str | None, typer.Option("--operation", help="Operation name (needed if there are several).")
]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why: kept in the audit and events.")]
SHOWN_CHANGES = 20  # persons listed by name of a difference; the rest are counted


@dataclass(frozen=True)
class Register:
    """The database of the chosen operation, opened for one command."""

    factory: sessionmaker[Session]
    operation_id: int
    provider: KeyRing

    def cipher(self, session: Session) -> OperationCipher:
        return cipher_for(session, provider=self.provider, operation_id=self.operation_id)


def _open(ctx: typer.Context, operation_name: str | None) -> Register:
    """The chosen (or only) operation of the database in the settings."""
    settings = ctx.obj
    factory = make_sessionmaker(make_engine(settings.database_url))
    with factory() as session:
        query = select(Operation).order_by(Operation.id)
        if operation_name:
            query = query.where(Operation.name == operation_name)
        operations = list(session.scalars(query))
    if len(operations) != 1:
        names = ", ".join(o.name for o in operations) or "none"
        console.print(f"[red]Choose an operation[/] with --operation NAME (found: {names}).")
        raise typer.Exit(2)
    return Register(factory, operations[0].id, provider_from_settings(settings))


@policy_app.command("load")
def load_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    operation: OperationOption = None,
) -> None:
    """Load a policy file as the operation's next version (checked first; errors name lines)."""
    register = _open(ctx, operation)
    _policy_or_exit(file)
    with session_scope(register.factory) as session:
        version = load_policy_text(
            session,
            operation_id=register.operation_id,
            text=file.read_text(encoding="utf-8"),
            source=str(file),
            actor=cli_actor(),
        )
        number, name = version.number, version.version
    output.print(
        f"[green]Policy version {number}[/] ({escape(name)}) is the operation's policy. "
        "Run `evac eligibility evaluate` to see what it changes."
    )


@policy_app.command("history")
def history_command(ctx: typer.Context, operation: OperationOption = None) -> None:
    """Every policy version loaded, newest first, and the one the decisions follow."""
    register = _open(ctx, operation)
    with session_scope(register.factory) as session:
        versions = policy_history(session, operation_id=register.operation_id)
        applied = last_evaluated_policy(session, operation_id=register.operation_id)
        table = Table(title="Policy versions")
        for column in ("#", "version", "name", "loaded by", "loaded at (UTC)", "digest", ""):
            table.add_column(column)
        for v in versions:
            mark = "decisions follow it" if applied and applied.id == v.id else ""
            table.add_row(
                str(v.number),
                escape(v.version),
                escape(v.name),
                escape(v.loaded_by),
                f"{v.loaded_at:%Y-%m-%d %H:%M}",
                v.digest[:12],
                mark,
            )
    if not versions:
        output.print("No policy loaded: evaluation loads the default (`policy show`).")
        return
    output.print(table)


@app.command("evaluate")
def evaluate_command(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Decide, show, write nothing.")
    ] = False,
    apply: Annotated[
        bool, typer.Option("--apply", help="Apply a policy newer than the last evaluation.")
    ] = False,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="Day on which ages count (default: today, or the deadline of an operation "
            "that is over).",
        ),
    ] = None,
    operation: OperationOption = None,
) -> None:
    """Decide everyone with the operation's policy. With a policy newer than the last
    evaluation, the difference is shown first and applied only with --apply."""
    register = _open(ctx, operation)
    with _bar() as bar, session_scope(register.factory) as session:
        task = bar.add_task("evaluating", total=None)
        evaluation = evaluate(
            session,
            cipher=register.cipher(session),
            actor=cli_actor(),
            dry_run=dry_run,
            apply_new_policy=apply,
            as_of=as_of.date() if as_of else None,
            progress=lambda step: bar.update(task, description=step),
        )
    print_evaluation(evaluation)


def print_evaluation(evaluation: Evaluation) -> None:
    policy = evaluation.policy
    previous = evaluation.previous_policy
    if evaluation.new_policy:
        output.print(
            f"[bold]Policy version {policy.number}[/] ({escape(policy.version)}) against the "
            f"decisions of version {previous.number} ({escape(previous.version)}):"
        )
    output.print(escape(evaluation.summary()))
    table = Table(title="Decisions by category")
    for column in ("category", "persons"):
        table.add_column(column, justify="right" if column == "persons" else "left")
    for category, count in evaluation.categories.most_common():
        table.add_row(category, f"{count:,}")
    output.print(table)
    _print_changes(evaluation)
    for move, count in sorted(evaluation.moves.items()):
        output.print(f"  moved {move}: {count:,}")
    _print_unmapped(evaluation.unmapped_claims)
    if evaluation.new_policy and not evaluation.applied:
        output.print("[yellow]Not applied.[/] Run `evac eligibility evaluate --apply` to apply.")


def _print_changes(evaluation: Evaluation) -> None:
    if not evaluation.changes:
        output.print("No decision changes.")
        return
    kinds = Counter((c.before.split(",")[0], c.after.split(",")[0]) for c in evaluation.changes)
    table = Table(title=f"{len(evaluation.changes):,} persons change")
    for column in ("from", "to", "persons"):
        table.add_column(column)
    for (before, after), count in kinds.most_common():
        table.add_row(before, after, f"{count:,}")
    output.print(table)
    for change in evaluation.changes[:SHOWN_CHANGES]:
        output.print(
            f"  person {change.person_id}: {change.before} -> {change.after}: "
            f"{escape(change.reason)}",
            soft_wrap=True,
        )
    if len(evaluation.changes) > SHOWN_CHANGES:
        output.print(f"  ... and {len(evaluation.changes) - SHOWN_CHANGES:,} more")


def _print_unmapped(claims: Counter[str]) -> None:
    if not claims:
        return
    output.print(
        "[yellow]Claims the policy does not map[/] (add them to a category's claims, then "
        "`policy load`):"
    )
    for claim, count in claims.most_common():
        output.print(f"  {escape(claim)}: {count:,}")


@app.command("explain")
def explain_command(
    ctx: typer.Context,
    person_id: Annotated[int, typer.Argument(help="The person (id, as `evac link` shows).")],
    operation: OperationOption = None,
) -> None:
    """Why a person is (not) eligible: the decision's chain, party, history and override."""
    register = _open(ctx, operation)
    with session_scope(register.factory) as session:
        history = decision_history(session, person_id=person_id)
        party = party_of(session, person_id=person_id)
        if not history:
            console.print(f"[red]Person {person_id} has no decision yet[/] (run `evaluate`).")
            raise typer.Exit(2)
        versions = {v.id: v for v in policy_history(session, operation_id=register.operation_id)}
        current = history[0]
        output.print(f"person {person_id}: {escape(current.reason)}", soft_wrap=True)
        output.print(f"  basis: {escape(current.basis or 'none')}")
        output.print(
            f"  policy: version {versions[current.policy_id].number} "
            f"({escape(versions[current.policy_id].version)})"
        )
        for flag in describe_flags(session, person_id=person_id):
            output.print(f"  flag: {escape(flag)}", soft_wrap=True)
        if party is not None:
            mixed = " (mixed outcomes: an officer decides)" if party.mixed else ""
            output.print(f"  party: {party.reference}{mixed}")
        for earlier in history[1:]:
            output.print(
                f"  before {earlier.superseded_at:%Y-%m-%d %H:%M}: {escape(earlier.reason)}",
                soft_wrap=True,
            )


@app.command("override")
def override_command(
    ctx: typer.Context,
    person_id: Annotated[int, typer.Argument(help="The person (id).")],
    reason: ReasonOption,
    outcome: Annotated[Outcome | None, typer.Option(help="The officer's outcome.")] = None,
    category: Annotated[
        str | None, typer.Option(help="A category (default: the policy's).")
    ] = None,
    withdraw: Annotated[
        bool, typer.Option("--withdraw", help="Withdraw the person's override instead.")
    ] = False,
    operation: OperationOption = None,
) -> None:
    """An officer's decision for one person, kept over every evaluation until withdrawn."""
    if (outcome is None) != withdraw:
        console.print("[red]Give --outcome, or --withdraw.[/]")
        raise typer.Exit(2)
    register = _open(ctx, operation)
    try:
        with session_scope(register.factory) as session:
            if withdraw:
                withdraw_override(
                    session,
                    operation_id=register.operation_id,
                    person_id=person_id,
                    reason=reason,
                    actor=cli_actor(),
                )
            else:
                add_override(
                    session,
                    operation_id=register.operation_id,
                    person_id=person_id,
                    outcome=outcome,
                    category=category,
                    reason=reason,
                    actor=cli_actor(),
                )
            decide_again(session, cipher=register.cipher(session), actor=cli_actor())
            reason_now = decision_history(session, person_id=person_id)[0].reason
    except ValueError as error:
        console.print(f"[red]Cannot:[/] {escape(str(error))}", soft_wrap=True)
        raise typer.Exit(2) from None
    output.print(f"person {person_id}: {escape(reason_now)}", soft_wrap=True)


@app.command("flag")
def flag_command(
    ctx: typer.Context,
    person_id: Annotated[int, typer.Argument(help="The person (id).")],
    reason: ReasonOption,
    add: Annotated[
        list[str] | None, typer.Option("--add", help="A flag to set (medical, pregnancy...).")
    ] = None,
    clear: Annotated[
        list[str] | None, typer.Option("--clear", help="A flag to clear, a list's too.")
    ] = None,
    operation: OperationOption = None,
) -> None:
    """An officer sets or clears a person's priority flags, kept over every evaluation."""
    changes = [(flag, True) for flag in add or []] + [(flag, False) for flag in clear or []]
    if not changes:
        console.print("[red]Give --add FLAG or --clear FLAG.[/]")
        raise typer.Exit(2)
    register = _open(ctx, operation)
    try:
        with session_scope(register.factory) as session:
            for flag, present in changes:
                set_flag(
                    session,
                    operation_id=register.operation_id,
                    person_id=person_id,
                    flag=flag,
                    present=present,
                    reason=reason,
                    actor=cli_actor(),
                )
            decide_again(session, cipher=register.cipher(session), actor=cli_actor())
            reason_now = decision_history(session, person_id=person_id)[0].reason
    except ValueError as error:
        console.print(f"[red]Cannot:[/] {escape(str(error))}", soft_wrap=True)
        raise typer.Exit(2) from None
    output.print(f"person {person_id}: {escape(reason_now)}", soft_wrap=True)


@party_app.command("split")
def split_command(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="The party's reference (P-...).")],
    person_ids: Annotated[list[int], typer.Argument(help="The persons who leave it.")],
    reason: ReasonOption,
    operation: OperationOption = None,
) -> None:
    """Take persons out of a party into a new one (both then stay as the officer made them)."""
    register = _open(ctx, operation)
    with _party_change(register) as session:
        new = split_party(
            session,
            operation_id=register.operation_id,
            reference=reference,
            person_ids=person_ids,
            reason=reason,
            actor=cli_actor(),
        )
        output.print(f"[green]Split:[/] persons {person_ids} are now party {new.reference}.")
        decide_again(session, cipher=register.cipher(session), actor=cli_actor())


@party_app.command("join")
def join_command(
    ctx: typer.Context,
    references: Annotated[list[str], typer.Argument(help="Parties; the first one's stays.")],
    reason: ReasonOption,
    operation: OperationOption = None,
) -> None:
    """Join parties into the first one named."""
    register = _open(ctx, operation)
    with _party_change(register) as session:
        kept = join_parties(
            session,
            operation_id=register.operation_id,
            references=references,
            reason=reason,
            actor=cli_actor(),
        )
        output.print(f"[green]Joined[/] into party {kept.reference}.")
        decide_again(session, cipher=register.cipher(session), actor=cli_actor())


@party_app.command("travel-split")
def travel_split_command(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="A party with mixed outcomes.")],
    reason: ReasonOption,
    operation: OperationOption = None,
) -> None:
    """Let a party with mixed outcomes travel: its eligible members go, the others stay."""
    register = _open(ctx, operation)
    with _party_change(register) as session:
        let_party_travel_split(
            session,
            operation_id=register.operation_id,
            reference=reference,
            reason=reason,
            actor=cli_actor(),
        )
        output.print(
            f"[green]Party {escape(reference)}[/] may travel without its ineligible members."
        )


@contextmanager
def _party_change(register: Register) -> Iterator[Session]:
    try:
        with session_scope(register.factory) as session:
            yield session
    except (PartyError, ValueError) as error:
        console.print(f"[red]Cannot:[/] {escape(str(error))}", soft_wrap=True)
        raise typer.Exit(2) from None


@app.command("claims")
def claims_command(ctx: typer.Context, operation: OperationOption = None) -> None:
    """Claims that sources wrote and the policy does not map, for staff to map."""
    register = _open(ctx, operation)
    with session_scope(register.factory) as session:
        version = newest_policy(session, operation_id=register.operation_id)
        policy = version.policy() if version else default_policy()
        claims = unmapped_claims(session, operation_id=register.operation_id, policy=policy)
    if not claims:
        output.print("Every claim is mapped.")
        return
    _print_unmapped(claims)
