"""Write a scenario as partners send it (CSV, XLSX, JSON), with the linkage file and the truth.

Everything streams: a million registrations never sit in memory at once.
"""

import csv
import json
import multiprocessing
import queue
from pathlib import Path

from openpyxl import Workbook

from evac.scenario.sources import LINK_COLUMNS, SOURCES, SOURCES_BY_KEY, Registration, Source

TRUTH_COLUMNS = ("record_id", "person_id", "household_id", "source", "file", "row_number", "habits")
LINK_FILE = "linkage-input.csv"
TRUTH_FILE = "truth.csv"
SOURCES_FOLDER = "sources"


def headers(source: Source) -> list[str]:
    return list(source.columns.values())


class _CsvSink:
    def __init__(self, path: Path, source: Source) -> None:
        self.handle = path.open("w", encoding=source.encoding, newline="")
        self.writer = csv.writer(self.handle, delimiter=source.delimiter)
        self.columns = headers(source)
        self.writer.writerow(self.columns)

    def add(self, raws: list[dict[str, str]]) -> None:
        self.writer.writerows([raw.get(c, "") for c in self.columns] for raw in raws)

    def close(self) -> None:
        self.handle.close()


class _XlsxSink:
    def __init__(self, path: Path, source: Source) -> None:
        self.path = path
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet(source.key)
        if source.title:
            self.sheet.append([source.title])
        self.columns = headers(source)
        self.sheet.append(self.columns)

    def add(self, raws: list[dict[str, str]]) -> None:
        for raw in raws:
            self.sheet.append([raw.get(c) or None for c in self.columns])

    def close(self) -> None:
        self.book.save(self.path)


class _JsonSink:
    """A web-form export: {"submissions": [...]}, family members nested in each submission."""

    def __init__(self, path: Path, source: Source) -> None:
        self.handle = path.open("w", encoding="utf-8")
        self.handle.write('{"form": "evacuation-registration", "submissions": [\n')
        self.first = True

    def add(self, raws: list[dict[str, str]]) -> None:
        submission: dict = {}
        for raw in raws:
            if not submission:
                submission = _nest(raw)
                submission["family_members"] = []
            else:
                submission["family_members"].append(_nest(raw)["family_members"])
        if submission:
            self.handle.write(
                ("" if self.first else ",\n") + json.dumps(submission, ensure_ascii=False)
            )
            self.first = False

    def close(self) -> None:
        self.handle.write("\n]}\n")
        self.handle.close()


def _nest(flat: dict[str, str]) -> dict:
    """{"applicant/first_name": x} -> {"applicant": {"first_name": x}} (the KoBo-style keys)."""
    nested: dict = {}
    for key, value in flat.items():
        *groups, name = key.split("/")
        target = nested
        for group in groups:
            target = target.setdefault(group, {})
        target[name] = value
    return nested


SINKS = {"csv": _CsvSink, "xlsx": _XlsxSink, "json": _JsonSink}
# One source's rows about one household, ready to write: source key, raw rows, linkage rows,
# truth rows (plain lists, cheap to send to another process).
FileRows = tuple[str, list[dict[str, str]], list[list[str]], list[list]]


def file_rows(source: str, rows: list[Registration]) -> FileRows:
    file = f"{SOURCES_FOLDER}/{SOURCES_BY_KEY[source].file}"
    return (
        source,
        [row.raw for row in rows],
        [[row.record_id, *row.link_row()] for row in rows],
        [
            [
                row.record_id,
                row.person_id,
                row.household_id,
                source,
                file,
                row.row_number,
                ";".join(row.habits),
            ]
            for row in rows
        ],
    )


class ScenarioFiles:
    """The partner files, the linkage input and the truth file of one scenario folder."""

    def __init__(self, out: Path) -> None:
        folder = out / SOURCES_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        self.sinks = {s.key: SINKS[s.format](folder / s.file, s) for s in SOURCES}
        self.link_handle = (out / LINK_FILE).open("w", encoding="utf-8", newline="")
        self.truth_handle = (out / TRUTH_FILE).open("w", encoding="utf-8", newline="")
        self.link = csv.writer(self.link_handle)
        self.truth = csv.writer(self.truth_handle)
        self.link.writerow(["record_id", *LINK_COLUMNS, "household_id"])
        self.truth.writerow(TRUTH_COLUMNS)

    def add(self, rows: "FileRows") -> None:
        """One source's rows about one household."""
        source, raws, links, truths = rows
        self.sinks[source].add(raws)
        self.link.writerows(links)
        self.truth.writerows(truths)

    def close(self) -> None:
        for sink in self.sinks.values():
            sink.close()
        self.link_handle.close()
        self.truth_handle.close()


class FileWriterProcess:
    """`ScenarioFiles` in a second process, so that writing runs beside generation (2 cores).

    A spawned process, not a fork: the parent runs Rich's refresh thread.
    """

    def __init__(self, out: Path, batch_rows: int = 4000) -> None:
        context = multiprocessing.get_context("spawn")
        self.queue = context.Queue(maxsize=8)  # back-pressure: memory stays bounded
        self.process = context.Process(target=_write_files, args=(out, self.queue), daemon=True)
        self.process.start()
        self.batch: list[FileRows] = []
        self.batch_rows = batch_rows
        self.pending = 0

    def add(self, rows: FileRows) -> None:
        self.batch.append(rows)
        self.pending += len(rows[1])
        if self.pending >= self.batch_rows:
            self._send(self.batch)
            self.batch, self.pending = [], 0

    def close(self) -> None:
        """Flush, wait for the files to be complete, and raise if writing failed."""
        self._send(self.batch)
        self._send(None)
        self.process.join()
        if self.process.exitcode != 0:
            raise RuntimeError(
                f"writing the scenario files failed (exit code {self.process.exitcode}); the "
                "error is printed above"
            )

    def abort(self) -> None:
        self.queue.cancel_join_thread()  # nobody will read what is still buffered
        self.process.terminate()
        self.process.join()

    def _send(self, batch: list[FileRows] | None) -> None:
        while True:
            try:
                self.queue.put(batch, timeout=1)
                return
            except queue.Full:
                if not self.process.is_alive():
                    raise RuntimeError(
                        f"the scenario file writer stopped (exit code {self.process.exitcode})"
                    ) from None


def _write_files(out: Path, batches) -> None:
    files = ScenarioFiles(out)
    try:
        while (batch := batches.get()) is not None:
            for rows in batch:
                files.add(rows)
    finally:
        files.close()
