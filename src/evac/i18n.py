"""Languages of the interface and of messages: English, Dari (fa-AF) and Pashto (ps).

Translations live in Babel/gettext catalogues under `locales/<locale>/LC_MESSAGES/*.po`, one
file per part of the interface.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from markupsafe import Markup, escape

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = ("en", "fa-AF", "ps")
# Babel calls fa-AF "فارسی (افغانستان)"; Afghans call their language Dari.
OWN_NAMES = {"fa-AF": "دری"}
# The digits of CLDR's numbering systems that these languages use: Babel gives a locale's
# separators (٬ in Dari and Pashto) but always writes ASCII digits.
DIGITS = {"latn": "0123456789", "arabext": "۰۱۲۳۴۵۶۷۸۹"}


@dataclass(frozen=True)
class Language:
    code: str  # the BCP 47 tag used in URLs and the html lang attribute
    name: str  # its own name, in its own script
    direction: str  # "ltr" or "rtl"
    messages: dict[str, str]
    locale: str  # Babel's name of the locale: "fa_AF"

    def gettext(self, message: str) -> str:
        return self.messages.get(message) or message

    def number(self, value: int | float) -> str:
        """A number as the language writes it: digits grouped, and in Dari and Pashto the
        Eastern Arabic digits that people read there (1,234 is ۱٬۲۳۴)."""
        locale = Locale.parse(self.locale)
        digits = DIGITS.get(locale.default_numbering_system, DIGITS["latn"])
        written = format_decimal(value, locale=locale, numbering_system="default")
        return written.translate(str.maketrans(DIGITS["latn"], digits))

    def with_ltr(self, sentence: str, **pieces: str) -> Markup:
        """A translated sentence, its {placeholders} filled with left-to-right pieces (a phone
        number, a date, an example) isolated, so that a right-to-left sentence neither
        reverses them (+93 799 123 456 shown as 456 123 799 93+) nor breaks them over lines."""
        isolated = {
            name: Markup('<bdi dir="ltr" class="ltr">{}</bdi>').format(piece)
            for name, piece in pieces.items()
        }
        return escape(sentence).format(**isolated)


@cache
def language(code: str) -> Language:
    """The language for a tag; unknown tags fall back to English."""
    if code not in LANGUAGES:
        code = "en"
    locale = Locale.parse(code, sep="-")
    return Language(
        code=code,
        name=OWN_NAMES.get(code, locale.get_display_name(locale)),
        direction="rtl" if locale.character_order == "right-to-left" else "ltr",
        messages=_catalogue(str(locale)),
        locale=str(locale),
    )


def _catalogue(locale: str) -> dict[str, str]:
    """Every catalogue of the locale, merged: one gettext domain per part of the interface
    (`messages.po`, `review.po`...), so that parts written side by side never edit one file."""
    messages: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / locale / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale=locale)
        messages |= {m.id: m.string for m in catalogue if m.id and m.string and not m.fuzzy}
    return messages


def negotiate(requested: str | None, accept_language: str | None) -> str:
    """Pick a language from an explicit choice, else the browser's Accept-Language header."""
    if requested in LANGUAGES:
        return requested
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip()
        for code in LANGUAGES:
            if (
                tag.lower() == code.lower()
                or tag.lower().split("-")[0] == code.lower().split("-")[0]
            ):
                return code
    return "en"
