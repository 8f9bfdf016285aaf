"""`evac user`: add users, issue, rotate and list API tokens, list and lock out users."""

from collections.abc import Callable
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from evac.auth.permissions import Role, cli_actor
from evac.auth.service import (
    add_user,
    deactivate_user,
    grant_api_token,
    list_api_tokens,
    list_users,
    rotate_api_token,
)
from evac.config import Settings
from evac.db import make_engine, make_sessionmaker, session_scope, utcnow

app = typer.Typer(
    help="Users, roles and API tokens.", no_args_is_help=True, pretty_exceptions_show_locals=False
)
console = Console()


def _session(ctx: typer.Context):
    settings: Settings = ctx.obj
    return session_scope(make_sessionmaker(make_engine(settings.database_url)))


def _fail(error: Exception) -> NoReturn:
    console.print(f"[red]{error}[/]")
    raise typer.Exit(1)


@app.command("add")
def add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[Role, typer.Option(help="What the user may do (see docs/security.md).")],
    partner_source: Annotated[
        str | None,
        typer.Option(help="Partners only: the source name their registrations carry."),
    ] = None,
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="EVAC_NEW_USER_PASSWORD",
            help="At least 12 characters; asked for when not given.",
        ),
    ] = "",
) -> None:
    """Add a user with a role; partners need --partner-source."""
    try:
        with _session(ctx) as session:
            add_user(
                session,
                actor=cli_actor(),
                username=username,
                password=password,
                role=role,
                partner_source=partner_source,
            )
    except ValueError as error:
        _fail(error)
    console.print(f"[green]User {username} added[/] as {role.value}.")


Days = Annotated[
    int | None,
    typer.Option(min=1, help="How long it works (default EVAC_API_TOKEN_DAYS, 90)."),
]


@app.command("token")
def token(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for, e.g. 'ngo-alpha uploader'.")],
    days: Days = None,
) -> None:
    """Issue an API token; it is shown once: store it in the partner's system now."""
    _show_token(*_new_token(ctx, grant_api_token, username=username, name=name, days=days))


@app.command("rotate-token")
def rotate_token(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="The token's name (see `evac user tokens`).")],
    days: Days = None,
) -> None:
    """Replace a token (expired or suspected leaked): the old one stops working now."""
    new = _new_token(ctx, rotate_api_token, username=username, name=name, days=days)
    console.print(f"[green]Token {name!r} of {username} replaced[/]; the old one is revoked.")
    _show_token(*new)


def _new_token(
    ctx: typer.Context, make: Callable[..., str], *, username: str, name: str, days: int | None
) -> tuple[str, int]:
    """A token from `make` (grant or rotate) and the days it works; a clear line if the user
    or the token is unknown."""
    days = days or ctx.obj.api_token_days
    try:
        with _session(ctx) as session:
            return make(session, actor=cli_actor(), username=username, name=name, days=days), days
    except LookupError as error:
        _fail(error)


def _show_token(plaintext: str, days: int) -> None:
    console.print(
        f"Send it as 'Authorization: Bearer <token>'. It works {days} days and is not shown again:"
    )
    console.print(plaintext, markup=False, highlight=False, soft_wrap=True)


@app.command("tokens")
def tokens(
    ctx: typer.Context, username: Annotated[str, typer.Argument(help="Whose tokens.")]
) -> None:
    """A user's tokens that are not revoked, soonest to expire first."""
    table = Table(title=f"API tokens of {username}")
    for column in ("name", "issued", "expires"):
        table.add_column(column)
    now = utcnow()
    try:
        with _session(ctx) as session:
            for row in list_api_tokens(session, actor=cli_actor(), username=username):
                expired = " (expired)" if row.expires_at <= now else ""
                table.add_row(
                    row.name, f"{row.created_at:%Y-%m-%d}", f"{row.expires_at:%Y-%m-%d}{expired}"
                )
    except LookupError as error:
        _fail(error)
    console.print(table)


@app.command("list")
def list_command(ctx: typer.Context) -> None:
    """Users, roles and whether they can log in."""
    with _session(ctx) as session:
        users = list_users(session, actor=cli_actor())
        table = Table(title="Users")
        for column in ("user", "role", "partner source", "active"):
            table.add_column(column)
        for user in users:
            table.add_row(
                user.username,
                user.role.value,
                user.partner_source or "",
                "yes" if user.active else "no",
            )
    console.print(table)


@app.command("deactivate")
def deactivate(
    ctx: typer.Context, username: Annotated[str, typer.Argument(help="The user to lock out.")]
) -> None:
    """Lock a user out now: their sessions end and their API tokens are revoked."""
    try:
        with _session(ctx) as session:
            deactivate_user(session, actor=cli_actor(), username=username)
    except LookupError as error:
        _fail(error)
    console.print(f"[green]{username} deactivated[/]; sessions ended, tokens revoked.")
