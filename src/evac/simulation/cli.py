"""`evac simulate`: replay Kabul 2021, forecast a live operation's plan, compare what-ifs."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from evac.config import Settings
from evac.db import make_engine, make_sessionmaker
from evac.intake.service import IntakeFailed, current_operation
from evac.simulation.calibration import calibrate
from evac.simulation.live import operation_scenario
from evac.simulation.model import Run, Scenario
from evac.simulation.replay import RECORDED_TOTAL, fit_windows, kabul_2021
from evac.simulation.report import errors, write_replay, write_what_if
from evac.simulation.runs import replicate
from evac.simulation.whatif import Variant, apply, parse_close_gate

app = typer.Typer(
    help="Simulation: replay the Kabul 2021 airlift from its capacities, forecast a plan, and "
    "compare what-ifs (more sorties, fuller hubs, a gate closed). Reads, never writes.",
    no_args_is_help=True,
)
console = Console()
REPLAY = "kabul-2021"

Replications = Annotated[int, typer.Option(min=1, help="Monte Carlo replications.")]
Seed = Annotated[int, typer.Option(help="Seed: the same seed gives the same result.")]
Out = Annotated[Path, typer.Option(help="Folder for daily.csv, plots and report.html.")]
Plan = Annotated[
    str | None, typer.Option(help="The plan to simulate: CURRENT (the newest saved version).")
]


def run_with_progress(scenario: Scenario, *, replications: int, seed: int, label: str) -> list[Run]:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task(label, total=replications)
        return replicate(
            scenario,
            replications=replications,
            seed=seed,
            advance=lambda: progress.advance(task),
        )


@app.command()
def replay(
    name: Annotated[str, typer.Argument(help="The replay: kabul-2021.")],
    out: Out,
    replications: Replications = 20,
    seed: Seed = 1,
) -> None:
    """Replay an airlift from its capacities and events; compare each window with the record."""
    if name != REPLAY:
        raise typer.BadParameter(f"the only replay is {REPLAY}", param_hint="NAME")
    scenario = kabul_2021()
    runs = run_with_progress(scenario, replications=replications, seed=seed, label="replay")
    notes = [f"Fitted on the windows ending 17-23 Aug; 24-30 Aug held out. Seed {seed}."]
    held_out = [not fit for fit in fit_windows(scenario.windows)]
    table = write_replay(out, scenario, runs, notes=notes, held_out=held_out)
    shown = Table(title=f"{name}: simulated against the record ({replications} replications)")
    for column in ("window ends (UTC)", "simulated", "90% band", "record", "error", "confidence"):
        shown.add_column(column, justify="right")
    for row, error, window in zip(table.itertuples(), errors(table), scenario.windows, strict=True):
        shown.add_row(
            row.window_end_utc,
            f"{row.simulated_mean:,.0f}",
            f"{row.simulated_p05:,.0f}-{row.simulated_p95:,.0f}",
            f"{row.recorded:,}",
            f"{error:+.1%}",
            window.confidence or "",
        )
    console.print(shown)
    total = sum(run.total for run in runs) / len(runs)
    console.print(
        f"operation total: simulated {total:,.0f}, recorded {RECORDED_TOTAL:,}: "
        f"error {(total - RECORDED_TOTAL) / RECORDED_TOTAL:+.1%}"
    )
    console.print(f"Wrote {out}/daily.csv, replay.png and report.html")


@app.command("what-if")
def what_if(
    ctx: typer.Context,
    operation: Annotated[str, typer.Argument(help="kabul-2021 (the replay) or a live operation.")],
    out: Out,
    plan: Plan = None,
    sorties_factor: Annotated[float, typer.Option(min=0)] = 1.0,
    hub_beds_factor: Annotated[float, typer.Option(min=0)] = 1.0,
    gate_rate_factor: Annotated[float, typer.Option(min=0.01)] = 1.0,
    no_call_forward: Annotated[bool, typer.Option("--no-call-forward")] = False,
    close_gate: Annotated[
        list[str] | None,
        typer.Option(help="NAME@ISO-TIME (UTC), e.g. 'Abbey Gate@2021-08-26T13:18'."),
    ] = None,
    replications: Replications = 20,
    seed: Seed = 1,
) -> None:
    """Run the baseline and a variant on the same luck and write them side by side."""
    try:
        variant = Variant(
            sorties_factor=sorties_factor,
            hub_beds_factor=hub_beds_factor,
            gate_rate_factor=gate_rate_factor,
            call_forward=not no_call_forward,
            close_gates=tuple(parse_close_gate(text) for text in close_gate or ()),
        )
        baseline = _scenario(ctx.obj, operation, plan)
        changed = apply(baseline, variant)
    except (ValueError, LookupError, IntakeFailed) as error:  # a bad option, no operation
        raise typer.BadParameter(str(error)) from error
    scenarios = {"baseline": baseline, "variant": changed}
    runs = {
        name: run_with_progress(s, replications=replications, seed=seed, label=name)
        for name, s in scenarios.items()
    }
    outcomes = write_what_if(out, scenarios, runs)
    before, after = outcomes["baseline"], outcomes["variant"]
    console.print(
        f"{variant.describe()}: evacuated {before.total_mean:,.0f} -> {after.total_mean:,.0f} "
        f"({after.total_mean - before.total_mean:+,.0f}); peak crowd at the gates "
        f"{before.peak_crowd:,.0f} -> {after.peak_crowd:,.0f}"
    )
    console.print(f"Wrote {out}/daily.csv, crowd.csv, plots and report.html")


@app.command()
def run(
    ctx: typer.Context,
    out: Out,
    operation: Annotated[
        str | None, typer.Option(help="The live operation (needed if there are several).")
    ] = None,
    plan: Plan = "current",
    replications: Replications = 20,
    seed: Seed = 1,
) -> None:
    """Forecast a live operation's current plan: evacuated per day, crowds, who is left."""
    try:
        scenario = _scenario(ctx.obj, operation, plan)
    except (ValueError, LookupError, IntakeFailed) as error:  # a bad option, no operation
        raise typer.BadParameter(str(error)) from error
    runs = run_with_progress(scenario, replications=replications, seed=seed, label="forecast")
    outcomes = write_what_if(out, {"variant": scenario}, {"variant": runs})
    result = outcomes["variant"]
    console.print(
        f"{scenario.name}: {result.total_mean:,.0f} evacuated by the deadline "
        f"(90% band {result.total_p05:,.0f}-{result.total_p95:,.0f}); left behind: "
        + ", ".join(f"{reason} {n:,.0f}" for reason, n in result.left_behind.items())
    )
    console.print(f"Wrote {out}/daily.csv, crowd.csv, plots and report.html")


@app.command("calibrate")
def calibrate_command(seed: Seed = 1) -> None:
    """Fit the replay's free parameters on the windows ending 17-23 Aug (a few minutes)."""
    with console.status("fitting on the windows ending 17-23 Aug"):
        parameters, loss = calibrate(
            seed=seed, report=lambda p, best: console.print(f"{p} loss {best:.4f}")
        )
    console.print(f"best: {parameters} (sum of squared log errors {loss:.4f})")


def _scenario(settings: Settings, operation: str | None, plan: str | None) -> Scenario:
    """The replay's inputs for kabul-2021 without --plan; else the operation in the database,
    read in a transaction that is rolled back."""
    if plan is not None and plan.lower() != "current":
        raise ValueError(f"--plan {plan}: only CURRENT (the newest saved plan) can be simulated")
    if operation == REPLAY and plan is None:
        return kabul_2021()
    factory = make_sessionmaker(make_engine(settings.database_url))
    with factory() as session:
        try:
            found = current_operation(session, name=operation)
            return operation_scenario(session, operation=found)
        finally:
            session.rollback()
