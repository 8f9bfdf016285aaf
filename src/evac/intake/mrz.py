"""Machine-readable zones of every ICAO Doc 9303 kind, their check digits verified.

- TD3 (2 lines of 44): passports (document code P);
- MRV-A (2 of 44) and MRV-B (2 of 36): visa foils (V), such as an issued SIV;
- TD2 (2 of 36) and TD1 (3 of 30): identity cards; a TD1 of the United States with code C
  (C1) is a permanent resident card, the green card.

A zone arrives typed by hand (with spaces, lower case, on one line), from a scanner (with
carriage returns), or copied into a spreadsheet cell. Every check digit is verified: a zone
with one wrong character is refused rather than stored with a wrong document number. Visas
have no composite check digit; passports and cards do.
"""

import re
from dataclasses import dataclass
from datetime import date

WEIGHTS = (7, 3, 1)
TD3, MRV_A, TD2, MRV_B, TD1 = "TD3", "MRV-A", "TD2", "MRV-B", "TD1"
PASSPORT, GREEN_CARD, VISA, ID_CARD = "passport", "green_card", "visa", "id_card"
SHAPES = {(2, 44): (TD3, MRV_A), (2, 36): (TD2, MRV_B), (3, 30): (TD1, TD1)}
SHAPES_TEXT = (
    "2 lines of 44 characters (passport, MRV-A visa), 2 of 36 (TD2 card, MRV-B visa) "
    "or 3 of 30 (TD1 card)"
)


class InvalidMRZ(ValueError):
    """Not a machine-readable zone, or a check digit that does not match."""


@dataclass(frozen=True)
class Zone:
    kind: str  # TD3, MRV-A, TD2, MRV-B, TD1
    document_code: str  # P, V, I, C1, AC...
    document_number: str
    issuing_state: str
    nationality: str
    surname: str
    given_names: str
    birth_date: date | None
    sex: str | None  # "M", "F", "X" or None for "<"
    expiry: date | None

    def __repr__(self) -> str:  # personal data stays out of logs
        return f"Zone(kind={self.kind!r}, issuing_state={self.issuing_state!r}, <redacted>)"

    @property
    def document(self) -> str:
        """What the zone is: PASSPORT, GREEN_CARD, VISA or ID_CARD."""
        if self.document_code.startswith("V"):
            return VISA
        if self.document_code.startswith("P"):
            return PASSPORT
        if self.kind == TD1 and self.issuing_state == "USA" and self.document_code[0] == "C":
            return GREEN_CARD  # Form I-551 carries C1USA
        return ID_CARD


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


def parse_zone(text: str, *, today: date | None = None) -> Zone:
    """Read and verify a zone of any kind; raises InvalidMRZ saying which part is wrong."""
    lines = _lines(text)
    shape = SHAPES.get((len(lines), len(lines[0])))
    if shape is None or any(len(line) != len(lines[0]) for line in lines):
        lengths = "+".join(str(len(line)) for line in lines) or "0"
        raise InvalidMRZ(f"a machine-readable zone is {SHAPES_TEXT}; got {lengths}")
    kind = shape[1] if lines[0].startswith("V") else shape[0]
    today = today or date.today()
    if kind == TD1:
        return _td1(*lines, today=today)
    return _two_line_zone(kind, lines[0], lines[1], today=today)


def parse_td3(text: str, *, today: date | None = None) -> Zone:
    """Read and verify a passport zone (TD3); raises InvalidMRZ for any other zone."""
    lines = _lines(text)
    if len(lines) != 2 or any(len(line) != 44 for line in lines):
        lengths = "+".join(str(len(line)) for line in lines) or "0"
        raise InvalidMRZ(f"a passport zone is 2 lines of 44 characters; got {lengths}")
    zone = parse_zone(text, today=today)
    if zone.kind != TD3 or zone.document != PASSPORT:
        raise InvalidMRZ(f"line 1 starts with {lines[0][0]!r}; a passport zone starts with P")
    return zone


def _two_line_zone(kind: str, line1: str, line2: str, *, today: date) -> Zone:
    """TD3, MRV-A, TD2 and MRV-B share line 2's first 28 characters; then TD3 has a personal
    number and TD3 and TD2 a composite check digit over line 2."""
    width = len(line2)
    continued = line2[28 : width - 1] if kind == TD2 else ""  # only cards continue a number
    number = _document_number(line2[0:9], line2[9], continued)
    _verify(line2[13:19], line2[19], "date of birth")
    _verify(line2[21:27], line2[27], "expiry date")
    if kind == TD3 and (line2[42] != "<" or line2[28:42].strip("<")):
        _verify(line2[28:42], line2[42], "personal number")
    if kind in (TD3, TD2):
        composite = line2[0:10] + line2[13:20] + line2[21 : width - 1]
        _verify(composite, line2[width - 1], "whole zone (composite)")
    birth = line2[13:19] + line2[20]
    return _zone(kind, line1, line1[5:], number, line2[10:13], birth, line2[21:27], today)


def _td1(line1: str, line2: str, line3: str, *, today: date) -> Zone:
    number = _document_number(line1[5:14], line1[14], line1[15:30])
    _verify(line2[0:6], line2[6], "date of birth")
    _verify(line2[8:14], line2[14], "expiry date")
    composite = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
    _verify(composite, line2[29], "whole zone (composite)")
    birth = line2[0:6] + line2[7]
    return _zone(TD1, line1, line3, number, line2[15:18], birth, line2[8:14], today)


def _document_number(first: str, digit: str, optional: str) -> str:
    """The verified document number. One longer than 9 characters continues in the optional
    data, its check digit after it, and "<" stands where the digit would be (9303 part 5)."""
    if digit == "<" and first[-1] != "<" and optional:
        rest = optional.rstrip("<")
        if len(rest) < 2:
            raise InvalidMRZ("a long document number has no check digit after it")
        first, digit = first + rest[:-1], rest[-1]
    _verify(first, digit, "document number")
    return first.replace("<", "")


def _zone(
    kind: str,
    line1: str,
    name: str,
    number: str,
    nationality: str,
    birth_and_sex: str,
    expiry: str,
    today: date,
) -> Zone:
    surname, _, given = name.partition("<<")
    sex = birth_and_sex[6]
    return Zone(
        kind=kind,
        document_code=line1[0:2].replace("<", ""),
        document_number=number,
        issuing_state=line1[2:5].replace("<", ""),
        nationality=nationality.replace("<", ""),
        surname=surname.replace("<", " ").strip(),
        given_names=given.replace("<", " ").strip(),
        birth_date=_yymmdd(birth_and_sex[:6], past=True, today=today),
        sex=sex if sex in "MFX" else None,
        expiry=_yymmdd(expiry, past=False, today=today),
    )


def _lines(text: str) -> list[str]:
    lines = [re.sub(r"\s+", "", line).upper() for line in text.strip().splitlines()]
    lines = [line for line in lines if line] or [""]
    if len(lines) == 1:  # typed on one line: 88 is a passport or MRV-A, 72 TD2/MRV-B, 90 TD1
        width = {88: 44, 72: 36, 90: 30}.get(len(lines[0]))
        if width:
            return [lines[0][i : i + width] for i in range(0, len(lines[0]), width)]
    return lines


def _verify(field: str, digit: str, what: str) -> None:
    if digit == "<" and not field.strip("<"):
        return  # a field left empty (a date of birth unknown) may carry no digit
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
