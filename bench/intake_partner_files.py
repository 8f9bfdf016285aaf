"""Judge evac's intake on independent partner files: how many valid people does it refuse?

    .venv/bin/python bench/intake_partner_files.py [--seed 1] [--out DIR]

Generates the files of bench/worlds/partner_files (an NGO workbook, a congressional office's
CSV, a web-form export, a KoboToolbox XLSX export, an ODK Central CSV zip, an SIV case list in
Windows-1252, scanned machine-readable zones) with their truth, makes a fresh SQLite database
and an operation, imports every file with `evac import FILE --source NAME --yes --rejects
REJECTS.csv` exactly as a user would, and compares each rejects file (its row locators and
`evac_error`) with the truth. Per file: rows read, accepted, refused (and of those, rows that
carry no person), valid rows refused (false refusals, reasons grouped), broken rows accepted
(missed), broken rows refused for something else than their own fault, and rejects whose
locator names another row than the one they quote (rows are found by their key column too).
evac's own counts come from its summary table; --json writes every figure to a file.

The figure: the share of truly valid rows accepted, beside its anchor, the truly valid row
count. A file that makes evac fail is reported as failed (none of its rows accepted) and the
run goes on. Only the command line is used, never evac's modules: the judge stays independent.
"""

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

BENCH = Path(__file__).resolve().parent
GENERATOR = BENCH / "worlds" / "partner_files" / "generate.py"
EVAC = Path(sys.executable).with_name("evac")
IMPORT_TIMEOUT_S = 900


@dataclass
class FileResult:
    """What evac did with one file, judged against its truth."""

    source: str
    person_rows: int
    broken_rows: int
    failure: str = ""
    read: int | None = None
    accepted: int | None = None
    refused: int = 0
    false_refusals: list[tuple[str, str]] = field(default_factory=list)  # (locator, reason)
    missed: list[dict] = field(default_factory=list)
    other_reason: list[dict] = field(default_factory=list)  # broken, refused for something else
    wrong_locator: list[tuple[str, str]] = field(default_factory=list)  # (evac's, truth's)
    no_person_rejects: int = 0  # refused rows that match no person row of the truth
    refused_broken: int = 0

    @property
    def valid_rows(self) -> int:
        return self.person_rows - self.broken_rows

    @property
    def accepted_without_person(self) -> int:
        """Rows stored beyond the person rows evac did not refuse: titles, headers, drop-downs."""
        if self.accepted is None:
            return 0
        not_refused = self.person_rows - len(self.false_refusals) - self.refused_broken
        return max(0, self.accepted - not_refused)

    @property
    def valid_accepted(self) -> int:
        """Valid rows neither refused nor lost: what evac's own accepted count allows too."""
        if self.failure:
            return 0
        not_refused = self.valid_rows - len(self.false_refusals)
        if self.accepted is None:
            return not_refused
        return max(0, min(not_refused, self.accepted - len(self.missed)))


def evac_environment(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVAC_")}
    env.update(
        EVAC_DATABASE_URL=f"sqlite:///{workdir / 'evac.db'}",
        EVAC_MASTER_KEY_FILE=str(workdir / "master.key"),
        COLUMNS="250",  # evac's summary table on one line a row, for reading its counts
        NO_COLOR="1",
    )
    return env


def run_evac(
    arguments: list[str], env: dict[str, str], workdir: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EVAC), *arguments],
        env=env,
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=IMPORT_TIMEOUT_S,
        check=False,
    )


def prepare_database(env: dict[str, str], workdir: Path) -> None:
    for arguments in (["init"], ["scenario", "operation", "generic"]):
        done = run_evac(arguments, env, workdir)
        if done.returncode != 0:
            sys.exit(f"evac {' '.join(arguments)} failed:\n{done.stdout}\n{done.stderr}")


def summary_counts(output: str) -> dict[str, int]:
    """The rows of evac's import summary table, label -> count."""
    counts = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in re.split(r"[│┃|]", line) if cell.strip()]
        if len(cells) == 2 and cells[1].replace(",", "").isdigit():
            counts[cells[0]] = int(cells[1].replace(",", ""))
    return counts


def failure_message(done: subprocess.CompletedProcess) -> str:
    lines = [line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip()]
    return f"exit {done.returncode}: {lines[-1][:160] if lines else 'no output'}"


def form_option(env: dict[str, str], workdir: Path) -> str:
    """The option of `evac import` that takes a form definition, if it offers one."""
    help_text = run_evac(["import", "--help"], env, workdir).stdout
    for option in ("--form", "--xlsform", "--form-definition"):
        if re.search(rf"{option}\b", help_text):
            return option
    return ""


# ---------------------------------------------------------------- matching rejects to truth
class TruthIndex:
    """A file's person rows, found by table and row number or by their key column's value."""

    def __init__(self, entry: dict):
        self.tables = entry["tables"]
        self.by_row = {
            (t["name"], r["row"]): r["key"] for t in self.tables for r in t["person_rows"]
        }
        self.by_key = {
            (t["name"], r["key"]): r["row"] for t in self.tables for r in t["person_rows"]
        }
        self.broken = {(b["table"], b["row"]): b for b in entry["broken"]}

    def named_table(self, locator: str) -> str | None:
        """The table a locator names: its quoted sheet, else the longest table name in it."""
        sheet = re.search(r"sheet '([^']+)'", locator)
        if sheet:
            return sheet.group(1)
        if len(self.tables) == 1:
            return self.tables[0]["name"]
        lowered = locator.lower()
        named = [t["name"] for t in self.tables if t["name"].lower() in lowered]
        return max(named, key=len) if named else None

    def from_locator(self, locator: str) -> tuple[str, int] | None:
        numbers = re.findall(r"\d+", locator)
        table = self.named_table(locator)
        if not numbers or table is None:
            return None
        place = (table, int(numbers[-1]))
        return place if place in self.by_row else None

    def from_key(self, reject: dict[str, str], prefer: str | None) -> list[tuple[str, int]]:
        found = []
        for table in self.tables:
            value = (reject.get(table["key_column"]) or "").strip()
            if (table["name"], value) in self.by_key:
                found.append((table["name"], self.by_key[(table["name"], value)]))
        found.sort(key=lambda place: place[0] != prefer)
        return found

    def place_of(self, reject: dict[str, str], locator: str):
        """(table, row) of the person row a reject is about, and whether its locator says so."""
        by_locator = self.from_locator(locator)
        by_key = self.from_key(reject, self.named_table(locator))
        if by_locator in by_key or (by_locator and not by_key):
            return by_locator, True
        if by_key:
            return by_key[0], False
        return None, False


def reason_shape(reason: str) -> str:
    """The reason without the refused values it quotes, so that like reasons group together."""
    return re.sub(r"\d+", "#", re.sub(r"'[^']*'|\"[^\"]*\"", "<value>", reason)).strip()


def names_the_fault(reason: str, broken: dict) -> bool:
    """Whether a refusal names the broken row's own fault (its column, or any name column)."""
    if broken["kind"] == "no name":
        return "name" in reason.lower()
    return broken["column"] in reason


def read_rejects(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def judge(entry: dict, done, rejects_path: Path) -> FileResult:
    result = FileResult(entry["source"], entry["person_rows"], len(entry["broken"]))
    if done.returncode != 0:
        result.failure = failure_message(done)
        return result
    counts = summary_counts(done.stdout)
    result.read = counts.get("read")
    result.accepted = counts.get("accepted (new)", counts.get("accepted"))
    truth = TruthIndex(entry)
    caught = set()
    rejects = read_rejects(rejects_path)
    result.refused = len(rejects)
    for reject in rejects:
        locator = reject.get("evac_row", "")
        place, located = truth.place_of(reject, locator)
        if place is None:
            result.no_person_rejects += 1
            continue
        if not located:
            result.wrong_locator.append((locator, f"{place[0]} row {place[1]}"))
        if place in truth.broken:
            caught.add(place)
            if not names_the_fault(reject.get("evac_error", ""), truth.broken[place]):
                result.other_reason.append(truth.broken[place])
        else:
            reason = reason_shape(reject.get("evac_error", ""))
            result.false_refusals.append((f"{place[0]} row {place[1]}", reason))
    result.missed = [b for place, b in truth.broken.items() if place not in caught]
    result.refused_broken = len(caught)
    return result


# ---------------------------------------------------------------- the run
def import_all(truth: dict, files: Path, env: dict[str, str], workdir: Path) -> list[FileResult]:
    form = form_option(env, workdir)
    results = []
    for entry in truth["files"]:
        rejects = workdir / f"{Path(entry['file']).stem}.rejects.csv"
        arguments = ["import", str(files / entry["file"]), "--source", entry["source"], "--yes"]
        arguments += ["--rejects", str(rejects)]
        if entry["form"] and form:
            arguments += [form, str(files / entry["form"])]
        try:
            done = run_evac(arguments, env, workdir)
        except subprocess.TimeoutExpired:
            done = subprocess.CompletedProcess(
                arguments, -1, "", f"timed out ({IMPORT_TIMEOUT_S} s)"
            )
        results.append(judge(entry, done, rejects))
    return results


def show(results: list[FileResult], console: Console) -> None:
    table = Table(title="evac import against the partner files' truth")
    columns = ("source", "persons", "broken", "read", "accepted", "refused", "valid refused",
               "broken missed", "other reason", "wrong locator", "no person refused/stored",
               "valid accepted")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="left" if column == "source" else "right")
    for r in results:
        if r.failure:
            table.add_row(r.source, str(r.person_rows), str(r.broken_rows), "[red]failed",
                          *["-"] * (len(columns) - 5), "0.0%")  # fmt: skip
            continue
        table.add_row(
            r.source,
            str(r.person_rows),
            str(r.broken_rows),
            "?" if r.read is None else str(r.read),
            "?" if r.accepted is None else str(r.accepted),
            str(r.refused),
            str(len(r.false_refusals)),
            str(len(r.missed)),
            str(len(r.other_reason)),
            str(len(r.wrong_locator)),
            f"{r.no_person_rejects}/{r.accepted_without_person}",
            f"{r.valid_accepted / r.valid_rows:.1%}",
        )
    console.print(table)
    reasons = Table(title="valid rows refused, by reason")
    for column in ("source", "reason", "rows", "first"):
        reasons.add_column(column, justify="right" if column == "rows" else "left")
    for r in results:
        grouped = Counter(reason for _, reason in r.false_refusals)
        for reason, count in grouped.most_common():
            first = next(place for place, why in r.false_refusals if why == reason)
            reasons.add_row(r.source, reason, str(count), first)
    if reasons.row_count:
        console.print(reasons)
    for r in results:
        if r.failure:
            console.print(f"[red]evac failed on {r.source}[/red]: {r.failure}")
        for b in r.missed:
            console.print(f"missed in {r.source}: {describe(b)}")
        for b in r.other_reason:
            console.print(f"refused for another fault in {r.source}: {describe(b)}")
        for evac_says, truth_says in r.wrong_locator[:3]:
            console.print(
                f"locator in {r.source}: evac says '{evac_says}', the row is {truth_says}"
            )


def as_record(r: FileResult) -> dict:
    """One file's figures for --json."""
    return {
        "source": r.source, "persons": r.person_rows, "broken": r.broken_rows,
        "failure": r.failure, "read": r.read, "accepted": r.accepted, "refused": r.refused,
        "valid_refused": len(r.false_refusals),
        "valid_refused_reasons": Counter(reason for _, reason in r.false_refusals),
        "broken_missed": r.missed, "broken_refused_for_another_fault": r.other_reason,
        "wrong_locator": len(r.wrong_locator), "refused_without_person": r.no_person_rejects,
        "accepted_without_person": r.accepted_without_person,
        "valid_rows": r.valid_rows, "valid_accepted": r.valid_accepted,
    }  # fmt: skip


def describe(broken: dict) -> str:
    return f"{broken['table']} row {broken['row']}, {broken['column']}: {broken['kind']}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="keep the files, database and rejects here")
    parser.add_argument("--json", type=Path, help="write the figures to this file too")
    arguments = parser.parse_args()
    if arguments.out and arguments.out.exists() and any(arguments.out.iterdir()):
        sys.exit(f"{arguments.out} is not empty: a fresh database is needed")
    console = Console(width=180)
    with tempfile.TemporaryDirectory(prefix="evac-partner-files-") as scratch:
        workdir = (arguments.out or Path(scratch)).resolve()
        files = workdir / "files"
        subprocess.run(
            [sys.executable, str(GENERATOR), "--seed", str(arguments.seed), "--out", str(files)],
            check=True,
            capture_output=True,
        )
        truth = json.loads((files / "truth.json").read_text("utf-8"))
        env = evac_environment(workdir)
        prepare_database(env, workdir)
        results = import_all(truth, files, env, workdir)
    show(results, console)
    valid = sum(r.valid_rows for r in results)
    accepted = sum(r.valid_accepted for r in results)
    console.print(
        f"valid rows accepted: {accepted} of {valid} truly valid rows "
        f"(anchor {valid}), ratio {accepted / valid:.3f}"
    )
    if arguments.json:
        figures = {"seed": arguments.seed, "valid_rows": valid, "valid_accepted": accepted,
                   "ratio": accepted / valid, "files": [as_record(r) for r in results]}  # fmt: skip
        arguments.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
