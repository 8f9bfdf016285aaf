"""The language each person gets messages in: the one they chose (on the form, in a list's
column, or told to an officer), else a default from their category and province."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from evac.i18n import LANGUAGES
from evac.notify.models import LanguagePreference, LanguageSource
from evac.people.models import Person

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


def languages_of(session: Session, *, persons: list[Person]) -> dict[int, str]:
    """Each person's message language, by person id."""
    ids = [person.id for person in persons]
    chosen = dict(
        session.execute(
            select(LanguagePreference.person_id, LanguagePreference.language).where(
                LanguagePreference.person_id.in_(ids)
            )
        ).all()
    )
    return {
        person.id: chosen.get(person.id)
        or default_language(category=person.category, province=person.province)
        for person in persons
    }
