"""Write a scenario as partners send it (CSV, XLSX, JSON), with the linkage file and the truth.

Everything streams: a million registrations never sit in memory at once.
"""

import csv
import json
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

    def add(self, rows: list[Registration]) -> None:
        self.writer.writerows([row.raw.get(c, "") for c in self.columns] for row in rows)

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

    def add(self, rows: list[Registration]) -> None:
        for row in rows:
            self.sheet.append([row.raw.get(c) or None for c in self.columns])

    def close(self) -> None:
        self.book.save(self.path)


class _JsonSink:
    """A web-form export: {"submissions": [...]}, family members nested in each submission."""

    def __init__(self, path: Path, source: Source) -> None:
        self.handle = path.open("w", encoding="utf-8")
        self.handle.write('{"form": "evacuation-registration", "submissions": [\n')
        self.first = True

    def add(self, rows: list[Registration]) -> None:
        submission: dict = {}
        for row in rows:
            if not submission:
                submission = _nest(row.raw)
                submission["family_members"] = []
            else:
                submission["family_members"].append(_nest(row.raw)["family_members"])
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
        self.link.writerow(["record_id", *LINK_COLUMNS])  # full_name: read when present
        self.truth.writerow(TRUTH_COLUMNS)

    def add(self, source: str, rows: list[Registration]) -> None:
        """One source's rows about one household."""
        self.sinks[source].add(rows)
        file = f"{SOURCES_FOLDER}/{SOURCES_BY_KEY[source].file}"
        self.link.writerows([row.record_id, *row.link_row()] for row in rows)
        self.truth.writerows(
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
        )

    def close(self) -> None:
        for sink in self.sinks.values():
            sink.close()
        self.link_handle.close()
        self.truth_handle.close()
