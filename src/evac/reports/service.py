"""Find a person from one box: a name in either script, a phone, a document or case number,
or an evacuee's reference. Every search that shows people is audited with its purpose."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import Select, and_, case, desc, func, select, union_all
from sqlalchemy.orm import Session, aliased

from evac.auth.permissions import Actor, Forbidden, Permission, Role
from evac.linkage.models import SearchKey
from evac.linkage.names import digits_and_letters, email_address, phone_number, tazkira_number
from evac.linkage.search_index import key_digest
from evac.linkage.search_keys import EXACT_WEIGHT, SOUND_WEIGHT, name_keys, reference_key
from evac.people.models import (
    Contact,
    ContactKind,
    ContactSource,
    Document,
    DocumentKind,
    DocumentSource,
    Person,
    Registration,
    State,
)
from evac.people.service import read_names
from evac.vault.audit import record_access
from evac.vault.service import OperationCipher

# A reference the self-registration form gives (evac.intake.service.new_reference), as read
# out over a phone: dashes and case as the caller says them.
REFERENCE = re.compile(r"^EV-?([A-Z0-9]{4})-?([A-Z0-9]{4})$")
# Registrations scored on every name key, among those that match the query's rarer keys best:
# a name shared by more is one the officer must add a father's name or a family name to.
CANDIDATES = 500
# A key more registrations hold than this is a common name part (Ahmad, Rahimi, the sound
# h-m-d of Ahmad and Hamid in a large operation): only this many of them are read, so a
# search costs the same whatever it types. The person sought is found by its rarer keys, and
# every key counts in the final score of the candidates.
POSTINGS = 2000
# An exact identifier (a passport, a phone, a reference) outranks any name.
IDENTIFIER_SCORE = 1000
SEARCHED_KINDS = [kind for kind in DocumentKind if kind != DocumentKind.com_approval]


class QueryKind(StrEnum):
    name = "name"
    identifier = "identifier"  # a phone, an e-mail, a document or case number
    reference = "reference"


class SearchRefused(ValueError):
    """A query that cannot be searched as typed; the message says what to type."""


@dataclass
class Hit:
    """One person found, with what the searching role may see of them."""

    person_id: int
    score: int
    matched: QueryKind
    state: State
    given_name: str | None = None
    father_name: str | None = None
    family_name: str | None = None
    name_native: str | None = None
    birth_year: int | None = None
    documents: list[tuple[str, str]] = field(default_factory=list)  # (kind, number)
    contacts: list[tuple[str, str]] = field(default_factory=list)  # (kind, value)

    def __repr__(self) -> str:  # names are personal data
        return f"Hit(person {self.person_id}, score {self.score})"


def may_search(actor: Actor) -> bool:
    """Staff who read personal data, partners (their own referrals), planners (names only)."""
    return any(
        actor.can(permission)
        for permission in (Permission.personal_read, Permission.registrations_read_own,
                           Permission.plan_write)
    )  # fmt: skip


def _own_source(actor: Actor) -> str | None:
    """The only source a partner's searches look in; None for staff who see every source."""
    if actor.can(Permission.personal_read):
        return None
    if actor.role == Role.partner:
        return actor.partner_source or ""
    return None


def query_kind(query: str) -> QueryKind:
    """A reference, an identifier (it has a digit or an @), or else a name."""
    if REFERENCE.match(query.strip().upper()):
        return QueryKind.reference
    if "@" in query or any(ch.isdigit() for ch in query):
        return QueryKind.identifier
    return QueryKind.name


def search(
    session: Session,
    *,
    cipher: OperationCipher,
    actor: Actor,
    query: str,
    purpose: str,
    limit: int = 20,
) -> list[Hit]:
    """The persons the query finds, best first: exact identifiers, then names by how many of
    their keys agree. The read is audited with `purpose` (never the query: it is personal)."""
    if not may_search(actor):
        raise Forbidden(f"{actor.username} ({actor.role.value}) may not search for people")
    # what a client typed goes into the audit log as printable text (PostgreSQL refuses NUL)
    purpose = "".join(ch for ch in purpose if ch.isprintable()).strip()
    if not purpose:
        raise SearchRefused("Say why you search: the purpose is kept in the audit log.")
    kind = query_kind(query)
    if kind == QueryKind.identifier and not _sees_identifiers(actor):
        raise SearchRefused("Your role may search by name or reference only.")
    scores = _SCORERS[kind](session, cipher, _own_source(actor), query)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
    hits = _hits(session, cipher, actor, ranked, kind)
    record_access(
        session,
        actor=actor,
        action="search.read",
        purpose=purpose[:200],
        subject=f"operation:{cipher.operation_id}",
        details={"kind": kind.value, "persons": [hit.person_id for hit in hits]},
    )
    return hits


def _sees_identifiers(actor: Actor) -> bool:
    """Planners see no contacts or documents, so they may not look people up by them."""
    return actor.can(Permission.personal_read) or actor.role == Role.partner


def _placed(query: Select, operation_id: int, source: str | None) -> Select:
    """Only registrations of the operation placed in a person; a partner's own only."""
    query = query.where(
        Registration.operation_id == operation_id, Registration.person_id.is_not(None)
    )
    return query if source is None else query.where(Registration.source == source)


def _reference_scores(
    session: Session, cipher: OperationCipher, source: str | None, query: str
) -> dict[int, int]:
    match = REFERENCE.match(query.strip().upper())
    reference = f"EV-{match[1]}-{match[2]}"
    digest = key_digest(cipher, reference_key(reference))
    persons = session.scalars(
        _placed(
            select(Registration.person_id)
            .join(SearchKey, SearchKey.registration_id == Registration.id)
            .where(SearchKey.digest == digest),
            cipher.operation_id,
            source,
        ).distinct()
    )
    return dict.fromkeys(persons, IDENTIFIER_SCORE)


def identifier_digests(cipher: OperationCipher, query: str) -> tuple[set[str], set[str]]:
    """(document digests, contact digests) the typed number could be, of every kind."""
    documents = set()
    for number in {digits_and_letters(query), tazkira_number(query)} - {None}:
        documents |= {
            cipher.blind_index(number, kind=f"document:{k.value}") for k in SEARCHED_KINDS
        }
    contacts = set()
    if phone := phone_number(query):
        contacts |= {cipher.blind_index(phone, kind=f"contact:{k.value}")
                     for k in (ContactKind.phone, ContactKind.whatsapp)}  # fmt: skip
    if email := email_address(query):
        contacts.add(cipher.blind_index(email, kind=f"contact:{ContactKind.email.value}"))
    return documents - {None}, contacts - {None}


def _identifier_scores(
    session: Session, cipher: OperationCipher, source: str | None, query: str
) -> dict[int, int]:
    documents, contacts = identifier_digests(cipher, query)
    found: set[int] = set()
    holdings = (
        (Document, DocumentSource, DocumentSource.document_id, Document.number_index, documents),
        (Contact, ContactSource, ContactSource.contact_id, Contact.value_index, contacts),
    )
    for table, sources, held_id, index, digests in holdings:
        if not digests:
            continue
        query_ = select(table.person_id).join(Person, Person.id == table.person_id)
        query_ = query_.where(index.in_(digests), Person.operation_id == cipher.operation_id)
        if source is not None:  # a partner finds a number only through its own registrations
            query_ = query_.join(sources, held_id == table.id).join(
                Registration, Registration.id == sources.registration_id
            ).where(Registration.source == source)  # fmt: skip
        found |= set(session.scalars(query_.distinct()))
    return dict.fromkeys(found, IDENTIFIER_SCORE)


def _name_scores(
    session: Session, cipher: OperationCipher, source: str | None, query: str
) -> dict[int, int]:
    keys = name_keys(query)
    if not keys:
        raise SearchRefused("Type a name, a phone, a document number or a reference.")
    digests = [(key_digest(cipher, k.key), k) for k in keys]
    weight = {digest: k.weight for digest, k in digests}
    core = {digest for digest, k in digests if not k.subordinate} or set(weight)
    exact = [digest for digest, w in weight.items() if w == EXACT_WEIGHT]
    words = [digest for digest, k in digests if k.key.startswith("sound:") and digest in core]
    candidates = _holding_every(session, words, source) | _nearest(session, core, exact, source)
    rows = session.execute(
        _placed(
            select(Registration.person_id, SearchKey.digest)
            .join(Registration, Registration.id == SearchKey.registration_id)
            .where(SearchKey.registration_id.in_(candidates), SearchKey.digest.in_(list(weight))),
            cipher.operation_id,
            source,
        )
    )
    agreeing: dict[int, set[str]] = defaultdict(set)
    for person_id, digest in rows:
        agreeing[person_id].add(digest)
    return {person_id: sum(weight[d] for d in digests) for person_id, digests in agreeing.items()}


def _holding_every(session: Session, words: list[str], source: str | None) -> set[int]:
    """Registrations that hold every word's sound key: the person as typed, however common
    each word alone (both posting lists are read in registration order and merged)."""
    if len(words) < 2:
        return set()
    holders = [aliased(SearchKey) for _ in words]
    first = holders[0]
    query = select(first.registration_id).where(first.digest == words[0])
    for holder, digest in zip(holders[1:], words[1:], strict=True):
        query = query.join(
            holder, and_(holder.registration_id == first.registration_id, holder.digest == digest)
        )
    if source is not None:
        query = query.join(Registration, Registration.id == first.registration_id)
        query = query.where(Registration.source == source)
    return set(session.scalars(query.limit(CANDIDATES)))


def _nearest(session: Session, core: set[str], exact: list[str], source: str | None) -> set[int]:
    """Registrations that hold the most of the query's keys, among each key's first POSTINGS:
    the persons only some words (or a misspelt one) agree on."""
    found = union_all(*(_postings(digest, source) for digest in core)).subquery()
    score = func.sum(case((found.c.digest.in_(exact), EXACT_WEIGHT), else_=SOUND_WEIGHT))
    query = (
        select(found.c.registration_id)
        .group_by(found.c.registration_id)
        .order_by(desc(score), found.c.registration_id)
        .limit(CANDIDATES)
    )
    return set(session.scalars(query))


def _postings(digest: str, source: str | None) -> Select:
    """The first POSTINGS registrations that hold one key (a partner's own only)."""
    query = select(SearchKey.registration_id, SearchKey.digest).where(SearchKey.digest == digest)
    if source is not None:
        query = query.join(Registration, Registration.id == SearchKey.registration_id)
        query = query.where(Registration.source == source)
    return select(query.limit(POSTINGS).subquery())  # SQLite: no LIMIT inside a UNION's part


_SCORERS = {
    QueryKind.reference: _reference_scores,
    QueryKind.identifier: _identifier_scores,
    QueryKind.name: _name_scores,
}


def _hits(
    session: Session,
    cipher: OperationCipher,
    actor: Actor,
    ranked: list[tuple[int, int]],
    kind: QueryKind,
) -> list[Hit]:
    """The ranked persons, decrypted as far as the actor's role allows."""
    persons = {
        person.id: person
        for person in session.scalars(select(Person).where(Person.id.in_([p for p, _ in ranked])))
    }
    hits = []
    for person_id, score in ranked:
        person = persons.get(person_id)
        if person is None or person.state == State.merged:
            continue
        names = read_names(person, cipher=cipher)
        hit = Hit(person_id=person_id, score=score, matched=kind, state=person.state,
                  birth_year=person.birth_year, **vars(names))  # fmt: skip
        if actor.can(Permission.personal_read):
            hit.documents = [(d.kind.value, cipher.decrypt(d.number, field="document.number"))
                             for d in person.documents if d.kind in SEARCHED_KINDS]  # fmt: skip
            hit.contacts = [(c.kind.value, cipher.decrypt(c.value, field="contact.value"))
                            for c in person.contacts]  # fmt: skip
        hits.append(hit)
    return hits
