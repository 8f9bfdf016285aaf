"""CSV that a spreadsheet opens without running anything in it.

Partners send names like `=HYPERLINK("http://x", "click")` or `=cmd|' /C calc'!A0`, on purpose
or pasted from somewhere else; written back unchanged into a rejects file or an export, Excel and
LibreOffice run them as formulas on a staff member's machine. OWASP's CSV-injection guidance:
a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, which
the spreadsheet shows as text. Full-width forms (`＝`, `＋`, `－`, `＠`) are included because
some spreadsheets read them as their ASCII twins.

A plain number (a phone `+93 799 123 456`, a negative amount) starts with `+` or `-` too, but
holds nothing to run: it is left as it is, so phones keep their country code in a fixed file that
comes back.
"""

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
PLAIN_NUMBER = re.compile(r"[+-]?[\d\s().\-/]*\d[\d\s().\-/]*")


def safe_cell(value: object) -> str:
    """The cell as text, with a leading `'` when a spreadsheet would take it for a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeWriter:
    """`csv.writer` whose every cell goes through `safe_cell`."""

    def __init__(self, handle: TextIO, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)
