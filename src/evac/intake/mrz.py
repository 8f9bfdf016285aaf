"""Passport machine-readable zones (ICAO Doc 9303, TD3: two lines of 44 characters).

A zone arrives typed by hand (with spaces, lower case, one line of 88), from a scanner (with
carriage returns), or copied into a spreadsheet cell. Every check digit is verified: a zone
with one wrong character is rejected rather than stored with a wrong passport number.
"""

import re
from dataclasses import dataclass
from datetime import date

LINE = 44
WEIGHTS = (7, 3, 1)


class InvalidMRZ(ValueError):
    """Not a TD3 zone, or a check digit that does not match."""


@dataclass(frozen=True)
class PassportMRZ:
    document_number: str
    issuing_state: str
    nationality: str
    surname: str
    given_names: str
    birth_date: date | None
    sex: str | None  # "M", "F" or None for "<"
    expiry: date | None

    def __repr__(self) -> str:  # personal data stays out of logs
        return f"PassportMRZ(issuing_state={self.issuing_state!r}, <redacted>)"


def check_digit(field: str) -> int:
    total = 0
    for position, char in enumerate(field):
        if char.isdigit():
            value = int(char)
        elif "A" <= char <= "Z":
            value = ord(char) - ord("A") + 10
        elif char == "<":
            value = 0
        else:
            raise InvalidMRZ(f"{char!r} cannot appear in a machine-readable zone")
        total += value * WEIGHTS[position % 3]
    return total % 10


def parse_td3(text: str, *, today: date | None = None) -> PassportMRZ:
    """Read and verify a passport zone; raises InvalidMRZ saying which part is wrong."""
    line1, line2 = _two_lines(text)
    _verify(line2[0:9], line2[9], "document number")
    _verify(line2[13:19], line2[19], "date of birth")
    _verify(line2[21:27], line2[27], "expiry date")
    if line2[42] != "<" or line2[28:42].strip("<"):
        _verify(line2[28:42], line2[42], "personal number")
    composite = line2[0:10] + line2[13:20] + line2[21:43]
    _verify(composite, line2[43], "whole zone (composite)")
    if line1[0] != "P":
        raise InvalidMRZ(f"line 1 starts with {line1[0]!r}; a passport zone starts with P")
    surname, _, given = line1[5:].partition("<<")
    today = today or date.today()
    return PassportMRZ(
        document_number=line2[0:9].replace("<", ""),
        issuing_state=line1[2:5].replace("<", ""),
        nationality=line2[10:13].replace("<", ""),
        surname=surname.replace("<", " ").strip(),
        given_names=given.replace("<", " ").strip(),
        birth_date=_yymmdd(line2[13:19], past=True, today=today),
        sex=line2[20] if line2[20] in "MF" else None,
        expiry=_yymmdd(line2[21:27], past=False, today=today),
    )


def _two_lines(text: str) -> tuple[str, str]:
    lines = [re.sub(r"\s+", "", line).upper() for line in text.strip().splitlines()]
    lines = [line for line in lines if line]
    if len(lines) == 1 and len(lines[0]) == 2 * LINE:
        lines = [lines[0][:LINE], lines[0][LINE:]]
    if len(lines) != 2 or any(len(line) != LINE for line in lines):
        lengths = "+".join(str(len(line)) for line in lines) or "0"
        raise InvalidMRZ(f"a passport zone is 2 lines of 44 characters; got {lengths}")
    return lines[0], lines[1]


def _verify(field: str, digit: str, what: str) -> None:
    expected = check_digit(field)
    if digit != str(expected):
        raise InvalidMRZ(f"check digit of the {what} is {digit!r}, should be {expected}")


def _yymmdd(field: str, *, past: bool, today: date) -> date | None:
    if not field.isdigit():
        return None
    yy, month, day = int(field[:2]), int(field[2:4]), int(field[4:])
    century = 2000 if (yy <= today.year % 100 if past else yy < 70) else 1900
    try:
        return date(century + yy, month, day)
    except ValueError:
        raise InvalidMRZ(f"{field} is not a date (YYMMDD)") from None
