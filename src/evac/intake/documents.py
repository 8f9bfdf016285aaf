"""Identity documents and countries as lists write them, in one canonical form each.

A paper tazkira is found by the register it is written in: volume (جلد, jild), page (صفحه,
safha) and registration number (ثبت, sabt). Lists write the same three numbers as
`ج ۷۱ ص ۲۶۳ ث ۶۳۸۲`, `Jild 71 Safha 263 Sabt 6382`, `Vol 71, Page 263, Reg 6382`, `71/263/6382`
or `J71-P263-6382`: all become "71/263/6382". Many lists give the registration number alone,
of any length. An electronic tazkira (from 2018) is 13 digits printed `1400-0101-12345`.

Countries arrive as names, adjectives and codes in English, Dari and Pashto (American, U.S.,
United States, امریکایی; Afghan, Afghani, AF, افغان): all become ISO 3166-1 alpha-3.
"""

import re
import unicodedata

NATIVE_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
E_TAZKIRA = re.compile(r"^(\d{4})[-\s/.]?(\d{4})[-\s/.]?(\d{5})$")  # 1400-0101-12345
PAPER_NUMBER_DIGITS = range(4, 13)  # a registration number alone: 4 to 12 digits
PAPER_PART_DIGITS = range(1, 8)  # each of volume, page, number in a v/p/n triple
VOLUME, PAGE, NUMBER = "volume", "page", "number"
# The words that label each part (Latin letters lower-cased; ج ص ث the Dari abbreviations).
TAZKIRA_LABELS = {
    **dict.fromkeys(("j", "jild", "jeld", "jld", "vol", "volume", "v", "book"), VOLUME),
    **dict.fromkeys(("ج", "جلد", "جلد نمبر"), VOLUME),
    **dict.fromkeys(("p", "pg", "page", "safha", "safa", "sahifa", "sahfa", "sfh"), PAGE),
    **dict.fromkeys(("ص", "صفحه", "صفحة", "مخ"), PAGE),
    **dict.fromkeys(("no", "nr", "num", "number", "n", "reg", "registration", "sabt"), NUMBER),
    **dict.fromkeys(("ث", "ثبت", "شماره ثبت", "شماره", "نمبر", "نمبر ثبت", "#"), NUMBER),
}
# Words that may stand before a tazkira's numbers without being one of its parts.
TAZKIRA_WORDS = frozenset(
    {"tazkira", "tazkera", "tazkirah", "taskira", "nid", "id", "paper", "تذکره", "تذكره", "تذکرہ"}
)
CITIZEN_WORDS = re.compile(r"\b(citizen|citizenship|national|nationality|passport)\b")
_PART = re.compile(r"(\D*?)(\d+)")
_LABEL_NOISE = re.compile(r"[\s.,:;_\-/()\[\]]+")

# Countries evacuees and their documents come from: (alpha-3, alpha-2, spellings).
COUNTRIES: tuple[tuple[str, str, str], ...] = (
    ("AFG", "AF", "afghan|afghani|afghanistan|افغان|افغانستان|افغانی|افغانستانی"),
    (
        "USA",
        "US",
        "american|us|u s|usa|u s a|united states|united states of america|us citizen|"
        "american citizen|امریکایی|امریکا|آمریکا|آمریکایی|امریکائی|ایالات متحده|امریکایي",
    ),
    ("PAK", "PK", "pakistan|pakistani|پاکستان|پاکستانی"),
    ("IRN", "IR", "iran|iranian|ایران|ایرانی"),
    ("TJK", "TJ", "tajikistan|tajik|tajikistani|تاجیکستان"),
    ("UZB", "UZ", "uzbekistan|uzbek|uzbekistani|ازبکستان"),
    ("TKM", "TM", "turkmenistan|turkmen|ترکمنستان"),
    ("IND", "IN", "india|indian|هند|هندوستان"),
    ("GBR", "GB", "united kingdom|uk|u k|britain|great britain|british|england|english|انگلستان"),
    ("CAN", "CA", "canada|canadian|کانادا"),
    ("AUS", "AU", "australia|australian|استرالیا"),
    ("DEU", "DE", "germany|german|deutschland|جرمنی|آلمان"),
    ("FRA", "FR", "france|french|فرانسه"),
    ("NLD", "NL", "netherlands|dutch|holland|هالند"),
    ("SWE", "SE", "sweden|swedish|سویدن"),
    ("NOR", "NO", "norway|norwegian|ناروی"),
    ("DNK", "DK", "denmark|danish|دنمارک"),
    ("ITA", "IT", "italy|italian|ایتالیا"),
    ("ESP", "ES", "spain|spanish|هسپانیه"),
    ("BEL", "BE", "belgium|belgian"),
    ("CHE", "CH", "switzerland|swiss"),
    ("AUT", "AT", "austria|austrian|اتریش"),
    ("TUR", "TR", "turkey|turkiye|türkiye|turkish|ترکیه"),
    ("QAT", "QA", "qatar|qatari|قطر"),
    ("ARE", "AE", "united arab emirates|uae|u a e|emirati|امارات"),
    ("SAU", "SA", "saudi arabia|saudi|عربستان"),
    ("KAZ", "KZ", "kazakhstan|kazakh"),
    ("KGZ", "KG", "kyrgyzstan|kyrgyz"),
    ("RUS", "RU", "russia|russian|russian federation|روسیه"),
    ("CHN", "CN", "china|chinese|چین"),
    ("ALB", "AL", "albania|albanian"),
    ("MKD", "MK", "north macedonia|macedonia|macedonian"),
    ("UGA", "UG", "uganda|ugandan"),
    ("RWA", "RW", "rwanda|rwandan"),
    ("MEX", "MX", "mexico|mexican"),
    ("BHR", "BH", "bahrain|bahraini"),
    ("KWT", "KW", "kuwait|kuwaiti"),
    ("POL", "PL", "poland|polish"),
    ("IRL", "IE", "ireland|irish"),
    ("NZL", "NZ", "new zealand|new zealander"),
)
ALPHA_2 = {alpha3: alpha2 for alpha3, alpha2, _ in COUNTRIES}
COUNTRY_WORDS = {
    word: alpha3
    for alpha3, alpha2, spellings in COUNTRIES
    for word in (alpha3.lower(), alpha2.lower(), *spellings.split("|"))
}
# "no" is Norway's code and also "no", "in" India's and a word: read only in capitals.
_AMBIGUOUS_CODES = frozenset({"no", "in", "it", "be", "at", "de", "ca", "al"})


def canonical_tazkira(text: str) -> str | None:
    """The one form of a tazkira number: "74/146/2401" for a paper tazkira's volume, page and
    number, its digits for a number-only paper tazkira, "1400-0101-12345" for an e-tazkira;
    None when the text is no tazkira number."""
    plain = unicodedata.normalize("NFC", text).translate(NATIVE_DIGITS).strip()
    electronic = E_TAZKIRA.match(plain)
    if electronic:
        return "-".join(electronic.groups())
    parts = _labelled_numbers(plain)
    if parts is None:
        return None
    if len(parts) == 1 and parts[0][0] in (None, NUMBER):
        digits = parts[0][1]
        return digits if len(digits) in PAPER_NUMBER_DIGITS else None
    if len(parts) == 3:
        return _volume_page_number(parts)
    return None


def _labelled_numbers(text: str) -> list[tuple[str | None, str]] | None:
    """Each number of the text with the part its label names (None when unlabelled); None when
    the text holds a word that labels no part of a tazkira."""
    parts: list[tuple[str | None, str]] = []
    end = 0
    for match in _PART.finditer(text):
        label = _label(match[1])
        if label is False:
            return None
        parts.append((label, match[2]))
        end = match.end()
    if not parts or _label(text[end:]) is not None:
        return None
    return parts


def _label(text: str) -> str | bool | None:
    """The part a label names, None for no label, False for words that are no label."""
    words = _LABEL_NOISE.sub(" ", text.lower()).split()
    words = [w for w in words if w not in TAZKIRA_WORDS]
    if not words:
        return None
    return TAZKIRA_LABELS.get(" ".join(words), False)


# A register's volumes and pages run to hundreds, its entries to tens of thousands: three
# unlabelled numbers, the first of four digits or more and the last of fewer, were written
# entry first (2949/267/86 is entry 2949 on page 267 of volume 86).
_LARGEST_VOLUME = 999


def _volume_page_number(parts: list[tuple[str | None, str]]) -> str | None:
    # Unlabelled numbers take the parts not named, in the register's own order (71/263/6382).
    if all(label is None for label, _ in parts):
        first, last = int(parts[0][1]), int(parts[-1][1])
        if first > _LARGEST_VOLUME >= last:
            parts = parts[::-1]
    unnamed = iter(p for p in (VOLUME, PAGE, NUMBER) if p not in {label for label, _ in parts})
    labels = [label or next(unnamed, None) for label, _ in parts]
    if set(labels) != {VOLUME, PAGE, NUMBER}:
        return None
    numbers = dict(zip(labels, (digits for _, digits in parts), strict=True))
    if any(len(numbers[part].lstrip("0") or "0") not in PAPER_PART_DIGITS for part in numbers):
        return None
    return "/".join(str(int(numbers[part])) for part in (VOLUME, PAGE, NUMBER))


def country_code(text: str) -> str | None:
    """ISO 3166-1 alpha-3 of a nationality or country as written (American, U.S., USA, United
    States, Afghan, AF, افغان, امریکایی...); None when it names no country evac knows."""
    plain = unicodedata.normalize("NFC", text).strip()
    key = " ".join(re.sub(r"[^\w\s]", " ", plain.lower().replace(".", "")).split())
    if not key:
        return None
    if key in _AMBIGUOUS_CODES and not plain.isupper():
        return None
    # "US citizen", "Afghan national": the country word carries it
    return COUNTRY_WORDS.get(key) or COUNTRY_WORDS.get(CITIZEN_WORDS.sub("", key).strip())


def alpha_2(code: str | None) -> str | None:
    """The alpha-2 code (phone regions use it) of an alpha-2 or alpha-3 code."""
    if not code:
        return None
    upper = code.upper()
    if len(upper) == 2:
        return upper
    return ALPHA_2.get(upper)
