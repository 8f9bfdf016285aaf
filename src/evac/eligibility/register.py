"""What the register holds about persons, read in bulk as eligibility's members.

A person's evidence is everything linkage joined to them: the documents of all their
registrations (the `document` table: kinds in clear) and every claim their sources wrote. Claims sit
inside the sealed registration records: each is read once into `eligibility_claim`, so a policy
change re-decides 125,000 persons without decrypting anything.
"""

from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import Select, String, select, type_coerce
from sqlalchemy.orm import Session

from evac.eligibility.ages import BirthSpan, birth_span
from evac.eligibility.decisions import OUTCOME_ORDER, Member
from evac.eligibility.evidence import Evidence, Finding, category_from_evidence
from evac.eligibility.models import Party, PartyMember, PersonFlag, RegistrationClaim
from evac.eligibility.policy import Policy
from evac.intake.dates import BirthDate
from evac.people.models import (
    Document,
    DocumentKind,
    Group,
    GroupMember,
    Person,
    Registration,
    Role,
    State,
)
from evac.people.records import RegistrationRecord
from evac.people.service import survivors
from evac.vault.service import OperationCipher

GONE = (State.merged, State.withdrawn, State.closed)  # they travel with no one
NO_CATEGORY = "no_category"  # Person.category of one whom nothing places in a category
CLAIM_LENGTH = 200
FLAGS_LENGTH = 200
RECORDS_PER_BATCH = 5000
# Register documents as the policy names them; an issued SIV is a US visa.
POLICY_DOCUMENTS = {
    DocumentKind.us_passport: "us_passport",
    DocumentKind.green_card: "green_card",
    DocumentKind.siv_case: "siv_case",
}
APPROVED = "approved"
MARRIED = "married"


def read_new_claims(session: Session, *, cipher: OperationCipher) -> int:
    """Read the claims of registrations not read yet (see the module); how many were read."""
    known = select(RegistrationClaim.registration_id).where(
        RegistrationClaim.registration_id == Registration.id
    )
    query = (
        select(Registration.id, Registration.record)
        .where(Registration.operation_id == cipher.operation_id, ~known.exists())
        .execution_options(yield_per=RECORDS_PER_BATCH)
    )
    rows: list[dict] = []
    for registration_id, sealed in session.execute(query):
        record = RegistrationRecord.from_json(cipher.decrypt(sealed, field="registration.record"))
        claim = (record.category_claimed or "").strip()[:CLAIM_LENGTH] or None
        rows.append(
            {
                "registration_id": registration_id,
                "operation_id": cipher.operation_id,
                "claim": claim,
                "nationality": _country(record.nationality),
                "marital_status": record.marital_status,
                "flags": ",".join(record.priority_flags)[:FLAGS_LENGTH] or None,
            }
        )
    for start in range(0, len(rows), RECORDS_PER_BATCH):
        session.execute(
            RegistrationClaim.__table__.insert(), rows[start : start + RECORDS_PER_BATCH]
        )
    return len(rows)


def _country(code: str | None) -> str | None:
    """An ISO alpha-3 code as intake writes it; anything else is no nationality."""
    return code if code and len(code) == 3 and code.isalpha() else None


@dataclass
class Held:
    """What one person holds, gathered from all their registrations."""

    documents: set[str] = field(default_factory=set)  # the policy's document names
    kinds: set[str] = field(default_factory=set)  # the register's document kinds
    approval_date: str = ""
    nationality: str = ""
    claims: list[str] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    married: bool | None = None  # None: no source wrote it; any source's "married" counts
    flags: frozenset[str] = frozenset()  # the lists' flags, with officers' changes


@dataclass
class Register:
    """The operation's persons as eligibility decides them."""

    states: dict[int, State]  # persons who may travel (not merged, withdrawn or closed)
    categories: dict[int, str | None]  # Person.category as it stands
    births: dict[int, BirthSpan | None]
    households: dict[int, list[tuple[int, Role]]]  # person -> (household, role)
    held: dict[int, Held]
    parties: dict[int, list[int]] = field(default_factory=dict)  # party -> persons, id order
    references: dict[int, str] = field(default_factory=dict)  # party -> reference


def read_register(session: Session, *, operation_id: int) -> Register:
    """Every person who may travel with what bears on their eligibility (parties: see
    read_parties)."""
    session.flush()  # the reads below go straight to the connection (125,000 rows)
    persons = _rows(
        session,
        select(
            Person.id,
            type_coerce(Person.state, String),
            Person.category,
            Person.birth_year,
            Person.birth_month,
            Person.birth_day,
            Person.birth_date_default,
        ).where(Person.operation_id == operation_id, Person.state.not_in(GONE)),
    )
    as_state = {state.value: state for state in State}
    states = {row[0]: as_state[row[1]] for row in persons}
    categories = {row[0]: row[2] for row in persons}
    births = {row[0]: _birth(*row[3:]) for row in persons}
    households = _households(session, operation_id)
    return Register(states, categories, births, households, _held(session, operation_id))


def read_parties(session: Session, *, register: Register, operation_id: int) -> None:
    """The register's parties, as form_parties left them."""
    placed = _rows(
        session,
        select(PartyMember.party_id, PartyMember.person_id, Party.reference)
        .join(Party, Party.id == PartyMember.party_id)
        .where(Party.operation_id == operation_id)
        .order_by(PartyMember.party_id, PartyMember.person_id),
    )
    register.parties.clear()
    for party, person, reference in placed:
        if person in register.states:
            register.parties.setdefault(party, []).append(person)
            register.references[party] = reference


def _rows(session: Session, query: Select) -> list[tuple]:
    """The rows of a query as the driver returns them: at 125,000 persons SQLAlchemy's Row
    objects cost more than the query. Its parameters are rendered into the SQL, so it is only
    for queries of ids and fixed words, never of anything a user typed."""
    connection = session.connection()
    sql = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


@cache
def _birth(year: int | None, month: int | None, day: int | None, default: bool) -> BirthSpan | None:
    """The span of a person's birth date (one per distinct date: many share a year alone)."""
    if not year:
        return None
    return birth_span(BirthDate(year, month, day, default))


def _households(session: Session, operation_id: int) -> dict[int, list[tuple[int, Role]]]:
    rows = _rows(
        session,
        select(GroupMember.person_id, GroupMember.group_id, type_coerce(GroupMember.role, String))
        .join(Group, Group.id == GroupMember.group_id)
        .where(Group.operation_id == operation_id)
        .order_by(GroupMember.group_id, GroupMember.id),
    )
    as_role = {role.value: role for role in Role}
    households: dict[int, list[tuple[int, Role]]] = {}
    for person, group, role in rows:
        households.setdefault(person, []).append((group, as_role[role]))
    return households


def _held(session: Session, operation_id: int) -> dict[int, Held]:
    held: dict[int, Held] = {}
    documents = _rows(
        session,
        select(
            Document.person_id,
            type_coerce(Document.kind, String),
            Document.issuing_country,
            Document.nationality,
            Document.status,
            Document.issued_on,
        )
        .join(Person, Person.id == Document.person_id)
        .where(Person.operation_id == operation_id),
    )
    for person, kind, issuer, nationality, status, issued_on in documents:
        _add_document(held.setdefault(person, Held()), kind, issuer, nationality, status, issued_on)
    claims = _rows(
        session,
        select(
            Registration.person_id,
            Registration.source,
            RegistrationClaim.claim,
            RegistrationClaim.nationality,
            RegistrationClaim.marital_status,
            RegistrationClaim.flags,
        )
        .join(RegistrationClaim, RegistrationClaim.registration_id == Registration.id)
        .where(Registration.operation_id == operation_id, Registration.person_id.is_not(None))
        .order_by(Registration.id),
    )
    for person, source, claim, nationality, marital_status, flags in claims:
        facts = held.setdefault(person, Held())
        facts.sources.add(source)
        if claim and claim not in facts.claims:
            facts.claims.append(claim)
        if nationality and not facts.nationality:
            facts.nationality = nationality
        if marital_status:
            facts.married = facts.married or marital_status == MARRIED
        if flags:
            facts.flags |= frozenset(flags.split(","))
    for person, flag, present in officer_flags(session, operation_id=operation_id):
        facts = held.setdefault(person, Held())
        facts.flags = facts.flags | {flag} if present else facts.flags - {flag}
    return held


def officer_flags(session: Session, *, operation_id: int) -> list[tuple[int, str, bool]]:
    """(person, flag, set or cleared): each person's flags as officers last left them. A flag
    set on someone later found to be a duplicate follows them into the person they merged
    into: the officer flagged the human being, not one of their registrations."""
    query = select(PersonFlag.person_id, PersonFlag.flag, PersonFlag.present).where(
        PersonFlag.operation_id == operation_id
    )
    changes = session.execute(query.order_by(PersonFlag.id)).all()
    now = survivors(session, person_ids={person for person, _, _ in changes})
    newest: dict[tuple[int, str], bool] = {}
    for person, flag, present in changes:
        newest[now[person], flag] = present
    return [(person, flag, present) for (person, flag), present in newest.items()]


def _add_document(facts: Held, kind: str, issuer, nationality, status, issued_on) -> None:
    facts.kinds.add(kind)
    if kind in POLICY_DOCUMENTS:
        facts.documents.add(POLICY_DOCUMENTS[kind])
    elif kind == DocumentKind.visa and issuer == "USA":
        facts.documents.add("siv_visa")
    elif kind == DocumentKind.com_approval and (status == APPROVED or (not status and issued_on)):
        facts.documents.add("com_approval")
        # a date object, or its ISO text as SQLite's driver returns it
        facts.approval_date = str(issued_on)[:10] if issued_on else facts.approval_date
    if nationality and not facts.nationality:
        facts.nationality = nationality


class Reader:
    """A person's members (one per household they are in) and verification, under one policy;
    what many persons share is worked out once."""

    def __init__(self, register: Register, policy: Policy) -> None:
        self.register = register
        self.policy = policy
        self.findings: dict[tuple, Finding] = {}
        self.trusted_kinds = {kind.value for kind in policy.verified_by.documents}
        self.trusted_sources = set(policy.verified_by.sources)

    def members(self, person: int) -> list[Member]:
        finding = self.finding(person)
        birth = self.register.births[person]
        facts = self.register.held.get(person) or Held()
        key = str(person)
        households = self.register.households.get(person) or [(None, None)]
        return [
            Member(
                key,
                None if household is None else str(household),
                role,
                finding,
                birth,
                facts.married,
                facts.flags,
            )
            for household, role in households
        ]

    def finding(self, person: int) -> Finding:
        """The person's own category: their documents, else the best of their claims."""
        facts = self.register.held.get(person) or Held()
        documents = frozenset(facts.documents)
        if len(facts.claims) <= 1:  # most persons: one claim, or none
            claim = facts.claims[0] if facts.claims else self._given_by_staff(person, facts)
            return self._finding(claim, facts.nationality, documents, facts.approval_date)
        findings = [
            self._finding(claim, facts.nationality, documents, facts.approval_date)
            for claim in facts.claims
        ]
        mapped = [finding for finding in findings if finding.category]
        if not mapped:
            return findings[0]
        return min(mapped, key=lambda finding: self.policy.ranks[finding.category])

    def _given_by_staff(self, person: int, facts: Held) -> str:
        """The category of a person staff entered by hand (no registration brought them)."""
        category = self.register.categories[person]
        return category if not facts.sources and category != NO_CATEGORY else ""

    def verified(self, person: int) -> bool:
        facts = self.register.held.get(person)
        if facts is None:
            return False
        return bool(facts.kinds & self.trusted_kinds or facts.sources & self.trusted_sources)

    def _finding(self, claim: str, nationality: str, documents: frozenset, dated: str) -> Finding:
        key = (claim, nationality, documents, dated)
        if key not in self.findings:
            evidence = Evidence(claim, nationality, documents, dated)
            self.findings[key] = category_from_evidence(evidence, self.policy)
        return self.findings[key]


def best_first(decisions: list, policy: Policy) -> list:
    """A person's decisions (one per household they are in), the best first: eligible before
    deferred before ineligible, then the higher priority."""
    last = len(policy.priority) + 1
    return sorted(
        decisions,
        key=lambda d: (OUTCOME_ORDER[d.outcome], d.priority.level if d.priority else last),
    )
