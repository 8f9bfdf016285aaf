"""The language each person gets messages in: the one they chose (recorded here from the
form or by an officer), else the one a source list names in a language column, else a default
from their category and province."""

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from evac.i18n import LANGUAGES
from evac.notify.models import LanguagePreference, LanguageSource
from evac.people.models import Person, Registration
from evac.vault.service import OperationCipher

# Categories whose people read English first (US citizens, green-card holders, third-country
# nationals); everyone else gets Dari, the language most Afghans read, unless their province
# is one where Pashto is most people's language.
ENGLISH_CATEGORIES = frozenset({"us_citizen", "lpr", "third_country"})
PASHTO_PROVINCES = frozenset(
    {
        "Helmand",
        "Kandahar",
        "Khost",
        "Kunar",
        "Laghman",
        "Logar",
        "Nangarhar",
        "Paktia",
        "Paktika",
        "Uruzgan",
        "Wardak",
        "Zabul",
    }
)


def default_language(*, category: str | None, province: str | None) -> str:
    if category in ENGLISH_CATEGORIES:
        return "en"
    return "ps" if province in PASHTO_PROVINCES else "fa-AF"


def set_language(
    session: Session, *, person_id: int, language: str, source: LanguageSource
) -> LanguagePreference:
    """Record the language a person chose; the latest choice wins."""
    if language not in LANGUAGES:
        raise ValueError(f"messages are written in {', '.join(LANGUAGES)}, not {language!r}")
    preference = session.get(LanguagePreference, person_id)
    if preference is None:
        preference = LanguagePreference(person_id=person_id, language=language, source=source)
        session.add(preference)
    else:
        preference.language, preference.source = language, source
    session.flush()
    return preference


# A list's language column, as NGOs and forms title it, and the words written in it.
LANGUAGE_COLUMNS = frozenset(
    {"language", "lang", "preferred language", "preferred_language", "زبان", "ژبه"}
)
LANGUAGE_WORDS = {
    "fa-AF": {"dari", "farsi", "persian", "fa", "fa-af", "prs", "دری", "فارسی"},
    "ps": {"pashto", "pushto", "pashtu", "ps", "pus", "پښتو", "پشتو"},
    "en": {"english", "en", "eng", "انگلیسی", "انګلیسي"},
}
BATCH = 1000


def listed_language(raw: dict) -> str | None:
    """The language a source row names in a language column, if any."""
    for header, value in raw.items():
        if str(header).strip().lower() in LANGUAGE_COLUMNS and isinstance(value, str):
            word = value.strip().lower()
            for code, words in LANGUAGE_WORDS.items():
                if word in words:
                    return code
    return None


def languages_of(
    session: Session, *, persons: list[Person], cipher: OperationCipher
) -> dict[int, str]:
    """Each person's message language, by person id."""
    ids = [person.id for person in persons]
    chosen: dict[int, str] = {}
    for start in range(0, len(ids), BATCH):
        query = select(LanguagePreference.person_id, LanguagePreference.language).where(
            LanguagePreference.person_id.in_(ids[start : start + BATCH])
        )
        chosen |= dict(session.execute(query).all())
    listed = _listed_languages(session, [i for i in ids if i not in chosen], cipher)
    return {
        person.id: chosen.get(person.id)
        or listed.get(person.id)
        or default_language(category=person.category, province=person.province)
        for person in persons
    }


def _listed_languages(session: Session, ids: list[int], cipher: OperationCipher) -> dict[int, str]:
    """The language the newest registration naming one gives, by person id."""
    found: dict[int, str] = {}
    for start in range(0, len(ids), BATCH):
        rows = session.execute(
            select(Registration.person_id, Registration.raw_payload)
            .where(Registration.person_id.in_(ids[start : start + BATCH]))
            .order_by(Registration.received_at)
        )
        for person_id, sealed in rows:
            raw = json.loads(cipher.decrypt(sealed, field="registration.raw_payload"))
            if isinstance(raw, dict) and (code := listed_language(raw)):
                found[person_id] = code
    return found
