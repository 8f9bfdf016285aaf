"""Where a list says a person is from: the province, whichever place name the list wrote.

Lists give the province (Balkh), its capital (Mazar-e-Sharif, or just Mazar), a district
(Dehdadi) or the city with its word (Kabul City), in any romanisation (Hirat/Herat,
Qandahar/Kandahar, Pul-i-Khumri/Pol-e Khomri) or in Dari/Pashto script. A gazetteer shipped
with the package (`evac/people/data/afghan-places.csv`, read by `evac.people.places`) gives each
of them its province, so two lists that wrote one place two ways agree. A place it does not
know is compared as written (a postcode, a foreign city).
"""

import re
from functools import cache

from evac.linkage.names import ascii_letters, fold_spelling, native_words
from evac.people.places import gazetteer_rows

# Words around a place name that do not change the place: "Kabul City", "Balkh Province",
# "wilayat-e Herat", "Dehdadi District", ولایت بلخ, شهر کابل, ولسوالی ...
_PLACE_WORDS = re.compile(
    r"\b(province|prov|provence|city|district|dist|center|centre|town|wilayat|wilayat-e|"
    r"welayat|velayat|wolayat|woluswali|uluswali|shahr|shahr-e|markaz|afghanistan|afg)\b\.?",
    re.IGNORECASE,
)
_NATIVE_PLACE_WORDS = frozenset(
    {"ولایت", "ولايت", "شهر", "ولسوالی", "ولسوالي", "مرکز", "افغانستان"}
)


def place_key(text: str) -> str:
    """A written place name as looked up: spelling variants folded as names are (e/i, o/u,
    q/k, doubled letters, -e-/-i- joints), the words around the name left out."""
    if native := [w for w in native_words(text) if w not in _NATIVE_PLACE_WORDS]:
        return "".join(native)
    return fold_spelling(ascii_letters(_PLACE_WORDS.sub(" ", text)))


@cache  # place names, not personal data: read once per process
def _gazetteer() -> dict[str, str]:
    provinces: dict[str, str] = {}
    for row in gazetteer_rows():
        province = row["province"].lower()
        for spelling in row["spellings"].split("|"):
            provinces.setdefault(place_key(spelling), province)
    return provinces


def province_key(text: str | None) -> str | None:
    """The province a written place lies in (lower case), or the text as written (lower case)
    when the gazetteer does not know it; None when empty."""
    written = (text or "").strip().lower()
    if not written:
        return None
    return _gazetteer().get(place_key(written), written)
