"""Afghanistan's 34 provinces and the places in them, from the gazetteer shipped with evac
(`data/afghan-places.csv`, its sources named in its first lines).

It lives here, upstream of every domain: intake offers its provinces on the registration
form, and linkage reads every spelling in it to tell that two lists wrote one place.
"""

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

GAZETTEER = "data/afghan-places.csv"
_ARABIC_LETTERS = re.compile(r"[\u0600-\u06ff]")


@dataclass(frozen=True)
class Province:
    name: str  # as evac stores it: "Balkh"
    native: str  # in Dari/Pashto script: "بلخ"


@cache  # place names, not personal data: read once per process
def gazetteer_rows() -> tuple[dict[str, str], ...]:
    """The gazetteer's rows: province, kind (province, capital, city, district), spellings."""
    path = files("evac.people").joinpath(GAZETTEER)
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    return tuple(csv.DictReader(lines))


@cache
def provinces() -> tuple[Province, ...]:
    """The 34 provinces in alphabetical order of their English names."""
    found = []
    for row in gazetteer_rows():
        if row["kind"] == "province":
            spellings = row["spellings"].split("|")
            native = next(s for s in spellings if _ARABIC_LETTERS.search(s))
            found.append(Province(row["province"], native))
    return tuple(sorted(found, key=lambda province: province.name))
