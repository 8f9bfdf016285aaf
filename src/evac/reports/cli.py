"""`evac search`: the search index, from the shell."""

import typer
from rich.console import Console

from evac.linkage.cli import OperationOption
from evac.linkage.cli import _open as open_operation

app = typer.Typer(help="Find people: the search index of names and references.")
console = Console()


@app.command("reindex")
def reindex_command(ctx: typer.Context, operation: OperationOption = None) -> None:
    """Rebuild the search index from every registration of the operation: for a database
    linked before search existed. `evac link run` keeps it current from then on."""
    from evac.auth.permissions import cli_actor
    from evac.db import session_scope
    from evac.linkage.search_index import reindex

    factory, _, cipher_of = open_operation(ctx, operation)
    with console.status("indexing names"), session_scope(factory) as session:
        written = reindex(session, cipher=cipher_of(session), actor=cli_actor())
    console.print(f"[green]Search index rebuilt:[/] {written:,} keys.")
