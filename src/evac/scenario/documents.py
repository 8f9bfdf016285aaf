"""Synthetic identity documents: Afghan passports with an ICAO 9303 TD3 zone, tazkiras, SIV cases.

Every number is random; none belongs to a real person. Check digits are computed exactly as
ICAO Doc 9303 Part 3 prescribes, so a reader that validates the zone accepts them.
"""

import re
from datetime import date

MRZ_WEIGHTS = (7, 3, 1)
_MRZ_UNSAFE = re.compile(r"[^A-Z<]")


# ICAO 9303 character values: digits as such, A=10 .. Z=35, the filler '<' = 0.
MRZ_VALUES = {
    **{str(digit): digit for digit in range(10)},
    **{chr(ord("A") + offset): 10 + offset for offset in range(26)},
    "<": 0,
}


def check_digit(field: str) -> str:
    total = sum(MRZ_VALUES[c] * MRZ_WEIGHTS[i % 3] for i, c in enumerate(field))
    return str(total % 10)


def mrz_name(text: str) -> str:
    """A name for the zone: upper case, spaces and hyphens as '<', anything else dropped."""
    return _MRZ_UNSAFE.sub("", text.upper().replace(" ", "<").replace("-", "<"))


def td3_mrz(
    *,
    surname: str,
    given_names: str,
    number: str,
    nationality: str,
    birth: date,
    sex: str,
    expiry: date,
    issuing_state: str | None = None,
) -> tuple[str, str]:
    """The two 44-character lines of a passport's machine-readable zone."""
    names = f"{mrz_name(surname)}<<{mrz_name(given_names)}"
    line1 = f"P<{issuing_state or nationality}{names}"[:44].ljust(44, "<")
    document = number.ljust(9, "<")[:9]
    birth_text = birth.strftime("%y%m%d")
    expiry_text = expiry.strftime("%y%m%d")
    personal = "<" * 14
    fields = (
        document + check_digit(document),
        birth_text + check_digit(birth_text),
        expiry_text + check_digit(expiry_text),
        personal + check_digit(personal),
    )
    composite = check_digit("".join(fields))
    line2 = (
        f"{fields[0]}{nationality}{fields[1]}{sex if sex in 'MF' else '<'}{fields[2]}"
        f"{fields[3]}{composite}"
    )
    return line1, line2


def mrz_is_valid(line2: str) -> bool:
    """Whether every check digit of a TD3 second line is right."""
    if len(line2) != 44:
        return False
    pieces = [
        (line2[0:9], line2[9]),
        (line2[13:19], line2[19]),
        (line2[21:27], line2[27]),
        (line2[28:42], line2[42]),
    ]
    composite = line2[0:10] + line2[13:20] + line2[21:43]
    return all(check_digit(f) == c for f, c in pieces) and check_digit(composite) == line2[43]


def afghan_passport_number(serial: int) -> str:
    """P followed by eight digits, as on Afghan e-passports."""
    return f"P{serial % 100_000_000:08d}"


def us_passport_number(serial: int) -> str:
    """Nine digits, as on US passport books."""
    return f"{5 + serial % 5}{serial % 100_000_000:08d}"


def e_tazkira_number(year: int, serial: int) -> str:
    """The electronic tazkira: 4-4-5 digits (Solar Hijri issue year first)."""
    return f"{year:04d}-{serial // 100_000 % 10_000:04d}-{serial % 100_000:05d}"


def paper_tazkira(serial: int) -> tuple[int, int, int]:
    """A paper tazkira's volume, page and registration number."""
    return 1 + serial % 900, 1 + serial // 900 % 300, 1 + serial // 270_000 % 9_000


def siv_case_number(year: int, serial: int) -> str:
    """A National Visa Center style case number (post code, fiscal year, serial)."""
    return f"ISL{year}{serial % 1_000_000:06d}"
