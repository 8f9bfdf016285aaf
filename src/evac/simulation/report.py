"""What a simulation writes: daily.csv, crowd.csv, plots (PNG) and a self-contained HTML
report (plots beside it, no script, no CDN)."""

from dataclasses import dataclass
from datetime import timedelta
from html import escape
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, never a window
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from evac.simulation.model import Run, Scenario
from evac.simulation.runs import window_table


@dataclass(frozen=True)
class Outcome:
    """What the replications of one scenario say, averaged (bands where they matter)."""

    total_mean: float
    total_p05: float
    total_p95: float
    peak_crowd: float
    wait_mean_hours: float
    wait_p95_hours: float
    left_behind: dict[str, float]
    by_category: dict[str, float]
    hub_peaks: dict[str, float]
    sorties_flown: float


def outcome(scenario: Scenario, runs: list[Run]) -> Outcome:
    totals = np.array([run.total for run in runs])
    waits = np.concatenate([run.waits for run in runs]) if runs else np.array([])
    categories = sorted({c for run in runs for c in run.by_category})
    return Outcome(
        total_mean=float(totals.mean()),
        total_p05=float(np.percentile(totals, 5)),
        total_p95=float(np.percentile(totals, 95)),
        peak_crowd=float(np.mean([run.crowd_hourly.sum(axis=0).max() for run in runs])),
        wait_mean_hours=float(waits.mean()) if waits.size else 0.0,
        wait_p95_hours=float(np.percentile(waits, 95)) if waits.size else 0.0,
        left_behind={
            reason: float(np.mean([run.left_behind[reason] for run in runs]))
            for reason in runs[0].left_behind
        },
        by_category={
            c: float(np.mean([run.by_category.get(c, 0) for run in runs])) for c in categories
        },
        hub_peaks={
            hub.name: float(np.mean([run.hub_hourly[h].max() for run in runs]))
            for h, hub in enumerate(scenario.hubs)
        },
        sorties_flown=float(np.mean([run.sorties_flown for run in runs])),
    )


def crowd_table(scenario: Scenario, runs: list[Run]) -> pd.DataFrame:
    """time, gate, crowd: the mean over replications of the people waiting at each gate, hourly."""
    mean = np.mean([run.crowd_hourly for run in runs], axis=0)
    times = [scenario.start + timedelta(hours=h) for h in range(mean.shape[1])]
    return pd.DataFrame(
        [
            {"time": f"{time:%Y-%m-%dT%H:%MZ}", "gate": gate.name, "crowd": round(mean[g, h])}
            for h, time in enumerate(times)
            for g, gate in enumerate(scenario.gates)
        ]
    )


def hourly_table(scenario: Scenario, runs: list[Run]) -> pd.DataFrame:
    """time, category, priority, evacuated: the mean over replications, hours with departures."""
    groups = sorted({key for run in runs for key in run.evacuated_by_group})
    hours = len(runs[0].evacuated_hourly)
    rows = []
    for category, priority in groups:
        mean = np.mean(
            [run.evacuated_by_group.get((category, priority), np.zeros(hours)) for run in runs],
            axis=0,
        )
        rows += [
            {
                "time": f"{scenario.start + timedelta(hours=h):%Y-%m-%dT%H:%MZ}",
                "category": category,
                "priority": priority,
                "evacuated": round(float(mean[h]), 1),
            }
            for h in np.flatnonzero(mean).tolist()
        ]
    return pd.DataFrame(rows, columns=["time", "category", "priority", "evacuated"])


def hub_table(scenario: Scenario, runs: list[Run]) -> pd.DataFrame:
    """time, hub, occupancy: the mean over replications, hourly."""
    mean = np.mean([run.hub_hourly for run in runs], axis=0)
    return pd.DataFrame(
        [
            {
                "time": f"{scenario.start + timedelta(hours=h):%Y-%m-%dT%H:%MZ}",
                "hub": hub.name,
                "occupancy": round(mean[i, h]),
            }
            for h in range(mean.shape[1])
            for i, hub in enumerate(scenario.hubs)
        ]
    )


def plot_windows(
    path: Path, tables: dict[str, pd.DataFrame], title: str, held_out: list[bool] | None = None
) -> None:
    """Simulated totals per window (mean and 90% band) for each table, the record if any, and
    the windows the fit never saw shaded."""
    figure, axes = plt.subplots(figsize=(10, 4.5))
    first = next(iter(tables.values()))
    labels = [label[5:10] for label in first["window_end_utc"]]
    x = np.arange(len(labels))
    for name, table in tables.items():
        axes.plot(x, table["simulated_mean"], marker="o", label=f"{name} (mean)")
        axes.fill_between(x, table["simulated_p05"], table["simulated_p95"], alpha=0.25)
    if first["recorded"].notna().any():
        axes.plot(x, first["recorded"], "k--s", label="record")
    if held_out and any(held_out):
        first_held = held_out.index(True)
        axes.axvspan(first_held - 0.5, len(labels) - 0.5, color="grey", alpha=0.12)
        top = axes.get_ylim()[1] * 0.93
        axes.text(len(labels) - 0.6, top, "held out (never fitted)", ha="right")
    axes.set_xticks(x, labels, rotation=45)
    axes.set_xlabel("24-hour window ending (UTC)")
    axes.set_ylabel("people evacuated")
    axes.set_title(title)
    axes.legend()
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def plot_crowds(path: Path, scenario: Scenario, runs_by_name: dict[str, list[Run]]) -> None:
    figure, axes = plt.subplots(figsize=(10, 4))
    for name, runs in runs_by_name.items():
        total = np.mean([run.crowd_hourly.sum(axis=0) for run in runs], axis=0)
        axes.plot(np.arange(total.size) / 24, total, label=name)
    axes.set_xlabel(f"days from {scenario.start:%Y-%m-%d %H:%M} UTC")
    axes.set_ylabel("people waiting at the gates")
    axes.legend()
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def errors(table: pd.DataFrame) -> pd.Series:
    return (table["simulated_mean"] - table["recorded"]) / table["recorded"]


def write_replay(
    out: Path, scenario: Scenario, runs: list[Run], *, notes: list[str], held_out: list[bool]
) -> pd.DataFrame:
    """daily.csv, replay.png and report.html for a replay against its record."""
    out.mkdir(parents=True, exist_ok=True)
    table = window_table(scenario.windows, runs)
    table.to_csv(out / "daily.csv", index=False)
    title = f"{scenario.name}: simulated (mean, 90% band) and recorded"
    plot_windows(out / "replay.png", {"simulated": table}, title, held_out)
    result = outcome(scenario, runs)
    rows = "".join(
        f"<tr><td>{escape(r.window_end_utc)}</td><td>{r.simulated_mean:,.0f}</td>"
        f"<td>{r.simulated_p05:,.0f}-{r.simulated_p95:,.0f}</td><td>{r.recorded:,.0f}</td>"
        f"<td>{e:+.1%}</td><td>{escape(w.confidence or '')}</td></tr>"
        for r, e, w in zip(table.itertuples(), errors(table), scenario.windows, strict=True)
    )
    body = (
        f"<h1>{escape(scenario.name)}: replay, {len(runs)} replications</h1>"
        f"<p>Simulated total {result.total_mean:,.0f} (90% band {result.total_p05:,.0f}-"
        f"{result.total_p95:,.0f}).</p>"
        + "".join(f"<p>{escape(note)}</p>" for note in notes)
        + '<p><img src="replay.png" alt="simulated and recorded evacuees per window"></p>'
        "<table><tr><th>window ends (UTC)</th><th>simulated</th><th>90% band</th>"
        f"<th>record</th><th>error</th><th>confidence</th></tr>{rows}</table>"
        + _outcome_html({"simulated": result})
    )
    (out / "report.html").write_text(_page(f"{scenario.name} replay", body), encoding="utf-8")
    return table


def write_what_if(
    out: Path,
    scenarios: dict[str, Scenario],
    runs: dict[str, list[Run]],
) -> dict[str, Outcome]:
    """daily.csv, crowd.csv, hourly.csv (by category and priority) and hubs.csv of the
    variant (baseline-*.csv beside them), plots and a side-by-side report. `scenarios` and
    `runs` hold "baseline" (if compared) and "variant"."""
    out.mkdir(parents=True, exist_ok=True)
    tables = {}
    for name, scenario in scenarios.items():
        prefix = "" if name == "variant" else "baseline-"
        tables[name] = window_table(scenario.windows, runs[name])
        tables[name].to_csv(out / f"{prefix}daily.csv", index=False)
        crowd_table(scenario, runs[name]).to_csv(out / f"{prefix}crowd.csv", index=False)
        hourly_table(scenario, runs[name]).to_csv(out / f"{prefix}hourly.csv", index=False)
        hub_table(scenario, runs[name]).to_csv(out / f"{prefix}hubs.csv", index=False)
    variant = scenarios["variant"]
    plot_windows(out / "daily.png", tables, f"{variant.name}: baseline and variant")
    plot_crowds(out / "crowd.png", variant, runs)
    outcomes = {name: outcome(scenarios[name], runs[name]) for name in scenarios}
    body = (
        f"<h1>{escape(variant.name)}: what if</h1>"
        '<p><img src="daily.png" alt="evacuees per window, baseline and variant"></p>'
        '<p><img src="crowd.png" alt="people waiting at the gates over time"></p>'
        + _outcome_html(outcomes)
    )
    (out / "report.html").write_text(_page(f"{variant.name} what-if", body), encoding="utf-8")
    return outcomes


def _outcome_html(outcomes: dict[str, Outcome]) -> str:
    names = list(outcomes)
    first = outcomes[names[0]]

    def row(label: str, values: list[str]) -> str:
        cells = "".join(f"<td>{escape(v)}</td>" for v in values)
        return f"<tr><th>{escape(label)}</th>{cells}</tr>"

    rows = [
        row("evacuated (mean)", [f"{o.total_mean:,.0f}" for o in outcomes.values()]),
        row("90% band", [f"{o.total_p05:,.0f}-{o.total_p95:,.0f}" for o in outcomes.values()]),
        row("sorties flown", [f"{o.sorties_flown:,.0f}" for o in outcomes.values()]),
        row("peak crowd at the gates", [f"{o.peak_crowd:,.0f}" for o in outcomes.values()]),
        row(
            "wait gate to departure, mean h",
            [f"{o.wait_mean_hours:.1f}" for o in outcomes.values()],
        ),
        row("wait, 95th percentile h", [f"{o.wait_p95_hours:.1f}" for o in outcomes.values()]),
    ]
    rows += [
        row(f"left behind: {reason}", [f"{o.left_behind[reason]:,.0f}" for o in outcomes.values()])
        for reason in first.left_behind
    ]
    rows += [
        row(f"evacuated: {c}", [f"{o.by_category.get(c, 0):,.0f}" for o in outcomes.values()])
        for c in first.by_category
    ]
    rows += [
        row(f"peak at hub: {hub}", [f"{o.hub_peaks[hub]:,.0f}" for o in outcomes.values()])
        for hub in first.hub_peaks
    ]
    header = "".join(f"<th>{escape(n)}</th>" for n in names)
    return f"<h2>Outcome</h2><table><tr><th></th>{header}</tr>{''.join(rows)}</table>"


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>body{{font-family:sans-serif;max-width:60em;"
        "margin:1em auto}td,th{padding:.2em .6em;text-align:right}img{max-width:100%}</style>"
        f"</head><body>{body}</body></html>"
    )
