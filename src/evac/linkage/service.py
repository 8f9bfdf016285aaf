"""Resolve an operation's registrations into persons, and let reviewers correct the result.

`run_linkage` is incremental: only pairs that involve a registration without a person are
scored; registrations that already share a person stay together; reviewers' decisions are
applied before the model and never overturned. Every merge and split is a lifecycle event and
a history row, in the same transaction as the change.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from evac.auth.permissions import Actor, Permission
from evac.db import utcnow
from evac.intake.documents import canonical_tazkira
from evac.linkage.cluster import MERGE_THRESHOLD, REVIEW_THRESHOLD, cluster
from evac.linkage.dates import BirthDate, record_birth
from evac.linkage.families import with_listed_families
from evac.linkage.model import (
    BLOCKING_RULES,
    Engine,
    LinkInput,
    explain,
    forget_prepared,
    prepare_frame,
    rules_touching_new,
    score,
)
from evac.linkage.models import (
    HistoryKind,
    LinkDecision,
    LinkHistory,
    ModelRun,
    ReviewItem,
    ReviewStatus,
    Verdict,
)
from evac.linkage.names import document_number, email_address, phone_number
from evac.linkage.search_index import index_registrations
from evac.people.lifecycle import LINKED, event_row, transition
from evac.people.models import (
    ContactKind,
    DocumentKind,
    Event,
    Group,
    GroupMember,
    Person,
    Registration,
    Role,
    Sex,
    State,
)
from evac.people.records import RegistrationRecord
from evac.people.service import (
    PersonNames,
    add_contacts,
    add_documents,
    contact_row,
    create_person,
    document_row,
    fold_holdings,
    group_reference,
    insert_groups,
    insert_persons,
    insert_rows,
    iter_registration_records,
    person_row,
    read_registration,
    split_holdings,
)
from evac.vault.audit import record_access
from evac.vault.service import OperationCipher

Progress = Callable[[str], None]


class LinkageError(ValueError):
    """A review or split that cannot be done as asked; the message says why."""


@dataclass
class RunSummary:
    registrations: int
    new_registrations: int
    persons_created: int
    merges: int
    queued: int


RUN_REASON = "linkage run"
WRITE_BATCH = 5000  # clusters written per round of statements: bounds memory, not transactions
AUDIT_PURPOSE = "record linkage: one person per evacuee across registrations"


def _audit_change(
    session: Session, *, actor: Actor, action: str, subject: str, details: dict
) -> None:
    """Who changed which persons: ids and counts only, never names nor a reviewer's free text
    (a reason may quote a name, so it stays in the person's history, not in the audit log)."""
    record_access(
        session, actor=actor, action=action, purpose=AUDIT_PURPOSE, subject=subject, details=details
    )


def _audit_run(session: Session, actor: Actor, operation_id: int, summary: RunSummary) -> None:
    _audit_change(session, actor=actor, action="linkage.run", subject=f"operation:{operation_id}",
                  details=dict(vars(summary)))  # fmt: skip


def record_input(
    registration_id: int, record: RegistrationRecord, *, source: str | None = None
) -> LinkInput:
    """A stored registration as the model reads it."""
    household = record.household_ref
    return LinkInput(
        record_id=str(registration_id),
        given_name=record.given_name,
        father_name=record.father_name,
        family_name=record.family_name,
        full_name=record.full_name,
        name_native=record.name_native,
        sex=record.sex,
        birth=_birth(record),
        phone=record.phone,
        passport_number=record.passport_number or record.us_passport_number,
        tazkira_number=record.tazkira_number,
        province=record.province,
        email=record.email,
        household=f"{source}:{household}" if source and household else None,
        siv_case=record.siv_case_number,
    )


def _birth(record: RegistrationRecord) -> BirthDate | None:
    return record_birth(
        record.birth_year,
        record.birth_month,
        record.birth_day,
        default=record.birth_date_default,
        spans_two_years=record.birth_year_spans_two,
        day_month_ambiguous=record.birth_day_month_ambiguous,
    )


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def run_linkage(
    session: Session,
    *,
    cipher: OperationCipher,
    actor: Actor,
    merge_threshold: float = MERGE_THRESHOLD,
    review_threshold: float = REVIEW_THRESHOLD,
    engine: Engine = "duckdb",
    progress: Progress = lambda step: None,
) -> RunSummary:
    """Give every registration of the operation a person; queue doubtful pairs for review.

    Everything is written in the caller's transaction, in bulk statements per batch of
    clusters: a run that fails part way leaves nothing once rolled back (`evac link run`
    commits once, at the end), and the next run starts again from the same registrations."""
    actor.require(Permission.linkage_review)
    try:
        return _resolve(
            session, cipher=cipher, actor=actor, merge_threshold=merge_threshold,
            review_threshold=review_threshold, engine=engine, progress=progress,
        )  # fmt: skip
    finally:
        forget_prepared()  # decrypted names and numbers live for this run only


def _resolve(
    session: Session,
    *,
    cipher: OperationCipher,
    actor: Actor,
    merge_threshold: float,
    review_threshold: float,
    engine: Engine,
    progress: Progress,
) -> RunSummary:
    """The work of `run_linkage`."""
    progress("reading registrations")
    loaded = list(iter_registration_records(session, cipher=cipher))
    stored = session.execute(
        select(Registration.id, Registration.person_id, Registration.source).where(
            Registration.operation_id == cipher.operation_id
        )
    ).all()
    placement = {registration_id: person_id for registration_id, person_id, _ in stored}
    source_of = {registration_id: source for registration_id, _, source in stored}
    ids = [registration_id for registration_id, _ in loaded]
    new = [placement[i] is None for i in ids]
    summary = RunSummary(len(ids), sum(new), 0, 0, 0)
    if not summary.new_registrations:
        _audit_run(session, actor, cipher.operation_id, summary)
        return summary
    progress("preparing names")
    frame = prepare_frame(record_input(i, record, source=source_of[i]) for i, record in loaded)
    # A source without household numbers still names families by its contacts and rows.
    frame = with_listed_families(frame, [source_of[i] for i in ids])
    frame["is_new"] = new
    progress("blocking, training and scoring")
    scored = score(
        frame,
        blocking_rules=rules_touching_new(BLOCKING_RULES),
        confirmed=_confirmed_evidence(session, cipher.operation_id),
        engine=engine,
    )
    position = {registration_id: n for n, registration_id in enumerate(ids)}
    together, apart = _fixed_pairs(session, cipher.operation_id, placement, position)
    progress("clustering")
    clustering = cluster(
        scored,
        frame,
        merge_threshold=merge_threshold,
        review_threshold=review_threshold,
        forced_together=together,
        forced_apart=apart,
    )
    progress("writing persons")
    members: dict[int, list[int]] = defaultdict(list)
    for n, root in enumerate(clustering.cluster_of):
        members[root].append(n)
    records = dict(loaded)
    touched = [[ids[n] for n in group] for group in members.values() if any(new[n] for n in group)]
    for start in range(0, len(touched), WRITE_BATCH):
        created, merged = _write_persons(
            session, cipher=cipher, actor=actor, clusters=touched[start : start + WRITE_BATCH],
            records=records, placement=placement,
        )  # fmt: skip
        summary.persons_created += created
        summary.merges += merged
    progress("grouping households")
    placed = [(source_of[i], records[i], placement[i]) for i, n in zip(ids, new, strict=True) if n]
    _reconcile_households(session, cipher=cipher, placed=placed)
    progress("queueing doubtful pairs")
    summary.queued = _queue_reviews(session, cipher.operation_id, scored, clustering.review, ids)
    session.add(
        ModelRun(
            operation_id=cipher.operation_id,
            actor=actor.username,
            registrations=summary.registrations,
            new_registrations=summary.new_registrations,
            persons_created=summary.persons_created,
            merges=summary.merges,
            queued=summary.queued,
            parameters=scored.linker.misc.save_model_to_json(),
        )
    )
    scored.connection.close()
    _audit_run(session, actor, cipher.operation_id, summary)
    session.flush()
    return summary


def _confirmed_evidence(session: Session, operation_id: int) -> list[dict]:
    """The stored evidence of the queued pairs that reviewers said are one person."""
    query = (
        select(ReviewItem.weights)
        .join(LinkDecision, ReviewItem.decision_id == LinkDecision.id)
        .where(ReviewItem.operation_id == operation_id, LinkDecision.verdict == Verdict.same)
    )
    return list(session.scalars(query))


def _fixed_pairs(
    session: Session, operation_id: int, placement: dict[int, int | None], position: dict[int, int]
) -> tuple[list[tuple[int, int]], set[tuple[int, int]]]:
    """Pairs the model may not touch: already one person, or decided by a reviewer."""
    together: list[tuple[int, int]] = []
    first_of_person: dict[int, int] = {}
    for registration_id, person_id in placement.items():
        if person_id is not None and registration_id in position:
            anchor = first_of_person.setdefault(person_id, registration_id)
            together.append((position[anchor], position[registration_id]))
    apart: set[tuple[int, int]] = set()
    for decision in session.scalars(
        select(LinkDecision).where(LinkDecision.operation_id == operation_id)
    ):
        a, b = position.get(decision.registration_a_id), position.get(decision.registration_b_id)
        if a is None or b is None:
            continue
        if decision.verdict == Verdict.same:
            together.append((a, b))
        else:
            apart.add((a, b))
    return together, apart


def _best_record(records: list[RegistrationRecord]) -> RegistrationRecord:
    """The registration that says the most, as the face of the person."""
    return max(records, key=lambda r: sum(v not in (None, "", False) for v in vars(r).values()))


def _person_details(records: list[RegistrationRecord]) -> tuple[PersonNames, dict]:
    """A new person's names and details from the registrations it is made of."""
    best = _best_record(records)
    years = [r.birth_year for r in records if r.birth_year]
    sex = next((r.sex for r in records if r.sex in {"M", "F", "X"}), "U")
    names = PersonNames(
        given_name=best.given_name or best.full_name,
        father_name=best.father_name,
        family_name=best.family_name,
        name_native=best.name_native,
    )
    return names, {
        "sex": Sex(sex),
        "birth_year": best.birth_year or (years[0] if years else None),
        "birth_month": best.birth_month,
        "birth_day": best.birth_day,
        "birth_date_default": best.birth_date_default,
        "province": best.province,
        "category": best.category_claimed,
    }


def _new_person(
    session: Session, *, cipher: OperationCipher, records: list[RegistrationRecord]
) -> Person:
    names, details = _person_details(records)
    return create_person(session, cipher=cipher, names=names, **details)


@dataclass(frozen=True)
class DocumentField:
    """Where a registration record holds one kind of document and what is known of it."""

    kind: DocumentKind
    number: str
    country: str | None = None  # the record's field naming the issuing state
    expiry: str | None = None  # the record's field of its expiry (ISO date text)
    issuer: str | None = None  # the issuing state that the kind itself implies


DOCUMENT_FIELDS = (
    DocumentField(DocumentKind.passport, "passport_number", "passport_country", "passport_expiry"),
    DocumentField(DocumentKind.tazkira, "tazkira_number", issuer="AFG"),
    DocumentField(DocumentKind.us_passport, "us_passport_number", None, "us_passport_expiry",
                  "USA"),
    DocumentField(DocumentKind.green_card, "green_card_number", None, "green_card_expiry", "USA"),
    DocumentField(DocumentKind.visa, "visa_number", "visa_country", "visa_expiry"),
    DocumentField(DocumentKind.id_card, "id_card_number", "id_card_country", "id_card_expiry"),
    DocumentField(DocumentKind.siv_case, "siv_case_number", issuer="USA"),
)  # fmt: skip
# Kinds whose machine-readable zone names the holder's nationality (ICAO 9303).
CARRY_NATIONALITY = {DocumentKind.passport, DocumentKind.us_passport, DocumentKind.green_card,
                     DocumentKind.visa, DocumentKind.id_card}  # fmt: skip
# A Chief-of-Mission approval letter has no number of its own: it approves an SIV case, and
# lists that give its date or status without the case number still give the approval.
UNNUMBERED_APPROVAL = "unnumbered"
CONTACT_FIELDS = ((ContactKind.phone, "phone"), (ContactKind.email, "email"))
# What makes a value no document or contact ("N/A", "000000", none@none.com), as the model
# reads them: a person holding passport "N/A" would be found by every look-up of "N/A".
_CONTACT_READERS = {ContactKind.phone: phone_number, ContactKind.email: email_address}


def brings(kind: DocumentKind | ContactKind, value: str | None) -> bool:
    """Whether a registration's value is a real document number or contact (not a filler)."""
    if not value:
        return False
    read = _CONTACT_READERS.get(kind, document_number)
    return read(value) is not None


def _field(record: RegistrationRecord, name: str | None):
    return getattr(record, name) if name else None


def _iso_date(text: str | None) -> date | None:
    """An ISO date as intake writes it; a partial or unreadable one is no expiry."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def documents_of(record: RegistrationRecord) -> list[dict]:
    """The documents a registration names: kind, number and what it says of them."""
    documents = []
    for field in DOCUMENT_FIELDS:
        number = _field(record, field.number)
        if not brings(field.kind, number):
            continue
        if field.kind == DocumentKind.tazkira:  # "Jild 74 Safha 146 No 2401" is 74/146/2401
            number = canonical_tazkira(number) or number
        country = _field(record, field.country) or field.issuer
        kind = field.kind
        if kind == DocumentKind.passport and country == "USA":  # however the list filed it
            kind = DocumentKind.us_passport
        documents.append(
            dict(kind=kind, number=number, issuing_country=country,
                 expiry=_iso_date(_field(record, field.expiry)),
                 nationality=record.nationality if kind in CARRY_NATIONALITY else None)
        )  # fmt: skip
    approval = _com_approval(record)
    return documents + ([approval] if approval else [])


def _com_approval(record: RegistrationRecord) -> dict | None:
    """A Chief-of-Mission approval, for the SIV case it approves (eligibility reads it)."""
    approved_on, status = record.com_approval_date, record.com_approval_status
    if not (approved_on or status):
        return None
    case = record.siv_case_number if brings(DocumentKind.siv_case, record.siv_case_number) else None
    return dict(kind=DocumentKind.com_approval, number=case or UNNUMBERED_APPROVAL,
                issuing_country="USA", issued_on=_iso_date(approved_on),
                status=status[:40] if status else None)  # fmt: skip


def _brought(
    cipher: OperationCipher, *, person_id: int, registration_id: int, record: RegistrationRecord
) -> tuple[list[dict], list[dict]]:
    """The document and contact rows a registration brings to its person."""
    documents = [
        document_row(cipher, person_id=person_id, registration_id=registration_id, **document)
        for document in documents_of(record)
    ]
    contacts = [
        contact_row(cipher, person_id=person_id, kind=kind, value=getattr(record, field),
                    registration_id=registration_id)
        for kind, field in CONTACT_FIELDS
        if brings(kind, getattr(record, field))
    ]  # fmt: skip
    return documents, contacts


def _write_persons(
    session: Session,
    *,
    cipher: OperationCipher,
    actor: Actor,
    clusters: list[list[int]],
    records: dict[int, RegistrationRecord],
    placement: dict[int, int | None],
) -> tuple[int, int]:
    """Each cluster (registration ids) becomes one person, all written in a few statements:
    (persons created, persons merged away). New registrations get `placement` updated."""
    person_of: list[int | None] = []
    merged = 0
    for registration_ids in clusters:
        existing = sorted({placement[i] for i in registration_ids if placement[i] is not None})
        for other_id in existing[1:]:  # rare: a new registration bridges two known persons
            merge_persons(session, actor=actor, survivor=session.get(Person, existing[0]),
                          merged=session.get(Person, other_id), reason=RUN_REASON)  # fmt: skip
            merged += 1
        person_of.append(existing[0] if existing else None)
    fresh = [n for n, person_id in enumerate(person_of) if person_id is None]
    rows = []
    for n in fresh:
        names, details = _person_details([records[i] for i in clusters[n]])
        rows.append(person_row(cipher, names=names, **details))
    for n, person_id in zip(fresh, insert_persons(session, rows), strict=True):
        person_of[n] = person_id
    attached = {
        i: person_id
        for registration_ids, person_id in zip(clusters, person_of, strict=True)
        for i in registration_ids
        if placement[i] is None
    }
    _attach(session, cipher=cipher, attached=attached, records=records)
    created = {person_of[n] for n in fresh}
    insert_rows(session, Event, _link_events(cipher.operation_id, actor, attached, created))
    placement.update(attached)
    return len(fresh), merged


def _link_events(
    operation_id: int, actor: Actor, attached: dict[int, int], created: set[int]
) -> list[dict]:
    """One event per person the run touched: made of these registrations (`registered`), or
    joined by them (`linked`). Keyed by the person and its first new registration, which is
    placed once: a run that is retried after a rollback writes the same keys again."""
    joining: dict[int, list[int]] = defaultdict(list)
    for registration_id, person_id in attached.items():
        joining[person_id].append(registration_id)
    at = utcnow()
    rows = []
    for person_id, registration_ids in joining.items():
        registration_ids.sort()
        new = person_id in created
        kind = State.registered.value if new else LINKED
        rows.append(
            event_row(operation_id=operation_id, person_id=person_id, type=kind, actor=actor,
                      at=at, data={"registrations": registration_ids, "reason": RUN_REASON},
                      idempotency_key=f"linkage:{kind}:{person_id}:{registration_ids[0]}")
        )  # fmt: skip
    return rows


def _attach(
    session: Session,
    *,
    cipher: OperationCipher,
    attached: dict[int, int],
    records: dict[int, RegistrationRecord],
) -> None:
    """Put registrations under their persons ({registration id: person id}), with the documents
    and contacts they bring: one executemany statement per table."""
    if not attached:
        return
    session.execute(
        update(Registration),
        [{"id": i, "person_id": person_id} for i, person_id in attached.items()],
    )
    documents, contacts = [], []
    for i, person_id in sorted(attached.items()):  # oldest first: newer details win
        more_documents, more_contacts = _brought(
            cipher, person_id=person_id, registration_id=i, record=records[i]
        )
        documents += more_documents
        contacts += more_contacts
    add_documents(session, rows=documents)
    add_contacts(session, rows=contacts)
    index_registrations(session, cipher=cipher, records={i: records[i] for i in attached})


def _reconcile_households(
    session: Session,
    *,
    cipher: OperationCipher,
    placed: list[tuple[str, RegistrationRecord, int]],
) -> None:
    """Each source's household number becomes one group of the persons its rows resolved to.
    `placed` is (source, record, person id) of each new registration, in id order."""
    households: dict[str, dict[int, Role]] = defaultdict(dict)
    for source, record, person_id in placed:
        if reference := household_reference(cipher, source, record):
            households[reference].setdefault(person_id, _role(record))
    if not households:
        return
    known = _groups_by_reference(session, cipher.operation_id)
    joining = _new_members(session, known, households)
    fresh = [(reference, _with_one_principal(roles)) for reference, roles in households.items()
             if reference not in known]  # fmt: skip
    insert_groups(session, operation_id=cipher.operation_id, groups=fresh)
    insert_rows(session, GroupMember, joining)
    session.flush()


def household_reference(
    cipher: OperationCipher, source: str, record: RegistrationRecord
) -> str | None:
    """The group a registration's source household becomes: unique across sources."""
    return group_reference(cipher, source=source, household_ref=record.household_ref)


def _role(record: RegistrationRecord) -> Role:
    relationship = record.relationship
    return Role(relationship) if relationship in Role.__members__ else Role.other


def _groups_by_reference(session: Session, operation_id: int) -> dict[str, int]:
    """The operation's groups by reference (the oldest, if two share one)."""
    known: dict[str, int] = {}
    for group_id, reference in session.execute(
        select(Group.id, Group.reference)
        .where(Group.operation_id == operation_id, Group.reference.is_not(None))
        .order_by(Group.id)
    ):
        known.setdefault(reference, group_id)
    return known


def _new_members(
    session: Session, known: dict[str, int], households: dict[str, dict[int, Role]]
) -> list[dict]:
    """Member rows for persons not yet in their household's existing group."""
    touched = {known[reference]: roles for reference, roles in households.items()
               if reference in known}  # fmt: skip
    present: set[tuple[int, int]] = set()
    group_ids = list(touched)
    for start in range(0, len(group_ids), WRITE_BATCH):
        rows = session.execute(
            select(GroupMember.group_id, GroupMember.person_id).where(
                GroupMember.group_id.in_(group_ids[start : start + WRITE_BATCH])
            )
        )
        present.update((group_id, person_id) for group_id, person_id in rows)
    return [
        {"group_id": group_id, "person_id": person_id,
         "role": Role.other if role == Role.principal else role}  # one principal only
        for group_id, roles in touched.items()
        for person_id, role in roles.items()
        if (group_id, person_id) not in present
    ]  # fmt: skip


def _with_one_principal(roles: dict[int, Role]) -> dict[int, Role]:
    """A new group's roles: its first principal stays one (else its first member becomes
    one); any other principal becomes `other`."""
    principal = next((p for p, r in roles.items() if r == Role.principal), next(iter(roles)))
    return {
        p: Role.principal if p == principal else (r if r != Role.principal else Role.other)
        for p, r in roles.items()
    }


def merge_persons(
    session: Session, *, actor: Actor, survivor: Person, merged: Person, reason: str
) -> LinkHistory:
    """Fold `merged` into `survivor`: its registrations, documents, contacts and households."""
    if survivor.id == merged.id:
        raise LinkageError(f"person {survivor.id} cannot be merged with itself")
    moved = list(
        session.scalars(select(Registration.id).where(Registration.person_id == merged.id))
    )
    transition(
        session,
        person=merged,
        to=State.merged,
        actor=actor,
        idempotency_key=f"linkage:merge:{merged.id}:into:{survivor.id}",  # merged is final
        data={"into": survivor.id, "registrations": moved, "reason": reason},
    )
    merged.merged_into_id = survivor.id
    session.execute(
        update(Registration)
        .where(Registration.person_id == merged.id)
        .values(person_id=survivor.id)
    )
    fold_holdings(session, survivor_id=survivor.id, merged_id=merged.id)
    _merge_memberships(session, survivor_id=survivor.id, merged_id=merged.id)
    history = LinkHistory(
        operation_id=survivor.operation_id, kind=HistoryKind.merge, person_id=survivor.id,
        other_person_id=merged.id, registration_ids=moved, actor=actor.username, reason=reason,
    )  # fmt: skip
    session.add(history)
    _audit_change(session, actor=actor, action="linkage.merge", subject=f"person:{survivor.id}",
                  details={"survivor": survivor.id, "merged": merged.id, "registration_ids": moved,
                           "automatic": reason == RUN_REASON})  # fmt: skip
    session.flush()
    return history


def _memberships(session: Session, person_id: int) -> dict[int, GroupMember]:
    query = select(GroupMember).where(GroupMember.person_id == person_id)
    return {membership.group_id: membership for membership in session.scalars(query)}


def _merge_memberships(session: Session, *, survivor_id: int, merged_id: int) -> None:
    """The merged person's groups become the survivor's, once each. Where both were members,
    the principal's role is kept: the group keeps its one principal."""
    kept = _memberships(session, survivor_id)
    for group_id, membership in _memberships(session, merged_id).items():
        if group_id not in kept:
            membership.person_id = survivor_id
            continue
        if membership.role == Role.principal:
            kept[group_id].role = Role.principal
        session.delete(membership)
    session.flush()


def _split_memberships(
    session: Session,
    *,
    cipher: OperationCipher,
    person_id: int,
    new_person_id: int,
    moving: list[tuple[str, RegistrationRecord]],
    staying: list[tuple[str, RegistrationRecord]],
) -> None:
    """The split-off person goes into the households its registrations (source, record) came
    from, with the role they give it; the person leaves those that only they came from.
    Groups made otherwise (by hand, no source household) stay the person's."""
    moved_roles: dict[str, Role] = {}
    for source, record in moving:
        if reference := household_reference(cipher, source, record):
            moved_roles.setdefault(reference, _role(record))
    kept = {household_reference(cipher, source, record) for source, record in staying}
    for membership in _memberships(session, person_id).values():
        reference = session.get(Group, membership.group_id).reference
        if reference not in moved_roles:
            continue
        if reference not in kept:  # the membership was the moved registrations': it moves
            membership.person_id = new_person_id
            continue
        role = moved_roles[reference]  # both listed there: the group keeps its one principal
        session.add(GroupMember(group_id=membership.group_id, person_id=new_person_id,
                                role=Role.other if role == Role.principal else role))  # fmt: skip
    session.flush()


def split_person(
    session: Session,
    *,
    cipher: OperationCipher,
    actor: Actor,
    person_id: int,
    registration_ids: list[int],
    reason: str,
) -> Person:
    """Move some of a person's registrations to a new person; a later run keeps them apart."""
    actor.require(Permission.linkage_review)
    if not reason.strip():
        raise LinkageError("give a reason for the split: it is kept in the person's history")
    person = session.get(Person, person_id)
    if person is None or person.operation_id != cipher.operation_id:
        raise LinkageError(f"no person {person_id} in this operation")
    own = set(session.scalars(select(Registration.id).where(Registration.person_id == person_id)))
    moving = set(registration_ids)
    if not moving or not moving <= own:
        raise LinkageError(
            f"registrations {sorted(moving - own) or 'none'} are not person {person_id}'s; "
            f"theirs are {sorted(own)}"
        )
    if moving == own:
        raise LinkageError("a split must leave at least one registration with the person")
    moving_records, staying_records = [], []
    for registration in session.scalars(select(Registration).where(Registration.id.in_(own))):
        record = read_registration(registration, cipher=cipher)[1]
        side = moving_records if registration.id in moving else staying_records
        side.append((registration.source, record))
    new_person = _new_person(session, cipher=cipher, records=[r for _, r in moving_records])
    session.execute(
        update(Registration).where(Registration.id.in_(moving)).values(person_id=new_person.id)
    )
    split_holdings(session, person_id=person_id, new_person_id=new_person.id,
                   registration_ids=moving)  # fmt: skip
    _split_memberships(session, cipher=cipher, person_id=person_id, new_person_id=new_person.id,
                       moving=moving_records, staying=staying_records)  # fmt: skip
    for kept in own - moving:
        for moved in moving:
            _decide_pair(
                session, cipher.operation_id, kept, moved, Verdict.different, reason, actor
            )
    at = utcnow()
    for subject, other in ((person, new_person), (new_person, person)):
        session.add(
            Event(operation_id=person.operation_id, person_id=subject.id, type="split", at=at,
                  actor=actor.username, data={"other_person": other.id,
                  "registrations": sorted(moving), "reason": reason},
                  idempotency_key=f"linkage:split:{person.id}:{new_person.id}:{subject.id}")
        )  # fmt: skip
    session.add(
        LinkHistory(operation_id=person.operation_id, kind=HistoryKind.split, person_id=person.id,
                    other_person_id=new_person.id, registration_ids=sorted(moving),
                    actor=actor.username, reason=reason)
    )  # fmt: skip
    _audit_change(session, actor=actor, action="linkage.split", subject=f"person:{person.id}",
                  details={"person": person.id, "new_person": new_person.id,
                           "registration_ids": sorted(moving)})  # fmt: skip
    session.flush()
    return new_person


def _decide_pair(
    session: Session,
    operation_id: int,
    a: int,
    b: int,
    verdict: Verdict,
    reason: str,
    actor: Actor,
) -> LinkDecision:
    """Record (or change) a reviewer's verdict on two registrations."""
    low, high = _pair(a, b)
    decision = session.scalar(
        select(LinkDecision).where(
            LinkDecision.operation_id == operation_id,
            LinkDecision.registration_a_id == low,
            LinkDecision.registration_b_id == high,
        )
    )
    if decision is None:
        decision = LinkDecision(operation_id=operation_id, registration_a_id=low,
                                registration_b_id=high, verdict=verdict, reason=reason,
                                actor=actor.username)  # fmt: skip
        session.add(decision)
    else:
        decision.verdict, decision.reason, decision.actor = verdict, reason, actor.username
        decision.decided_at = utcnow()
    session.flush()
    return decision


def decide(
    session: Session,
    *,
    cipher: OperationCipher,
    actor: Actor,
    item_id: int,
    same: bool,
    reason: str,
) -> LinkDecision:
    """A reviewer's verdict on a queued pair, carried out at once (merge or split)."""
    actor.require(Permission.linkage_review)
    if not reason.strip():
        raise LinkageError("give a reason: it is kept with the decision")
    item = session.get(ReviewItem, item_id)
    if item is None or item.operation_id != cipher.operation_id:
        raise LinkageError(f"no review item {item_id} in this operation")
    a = session.get(Registration, item.registration_a_id)
    b = session.get(Registration, item.registration_b_id)
    verdict = Verdict.same if same else Verdict.different
    decision = _decide_pair(session, cipher.operation_id, a.id, b.id, verdict, reason, actor)
    item.status, item.decision_id = ReviewStatus.decided, decision.id
    if same and a.person_id != b.person_id:
        survivor, merged = sorted(
            (session.get(Person, a.person_id), session.get(Person, b.person_id)), key=lambda p: p.id
        )
        merge_persons(session, actor=actor, survivor=survivor, merged=merged, reason=reason)
    elif not same and a.person_id == b.person_id:
        split_person(session, cipher=cipher, actor=actor, person_id=b.person_id,
                     registration_ids=[b.id], reason=reason)  # fmt: skip
    pair = [decision.registration_a_id, decision.registration_b_id]
    details = {"decision": decision.id, "same": same, "registration_ids": pair}
    _audit_change(
        session,
        actor=actor,
        action="linkage.decide",
        subject=f"link_review_item:{item.id}",
        details=details,
    )
    session.flush()
    return decision


def _queue_reviews(session: Session, operation_id: int, scored, candidates, ids: list[int]) -> int:
    """Doubtful pairs become review items, unless queued or decided before."""
    pairs = [(c.left, c.right) for c in candidates]
    known = {
        (row.registration_a_id, row.registration_b_id)
        for table in (ReviewItem, LinkDecision)
        for row in session.execute(
            select(table.registration_a_id, table.registration_b_id).where(
                table.operation_id == operation_id
            )
        )
    }
    evidence = explain(scored, pairs)
    queued = 0
    for candidate in candidates:
        key = _pair(ids[candidate.left], ids[candidate.right])
        if key in known:
            continue
        known.add(key)
        session.add(
            ReviewItem(operation_id=operation_id, registration_a_id=key[0],
                       registration_b_id=key[1], probability=candidate.probability,
                       weights=evidence.get((candidate.left, candidate.right), {}))
        )  # fmt: skip
        queued += 1
    session.flush()
    return queued


def open_reviews(session: Session, *, operation_id: int, limit: int = 50) -> list[ReviewItem]:
    """The doubtful pairs still waiting for a reviewer, most likely matches first."""
    return list(
        session.scalars(
            select(ReviewItem)
            .where(ReviewItem.operation_id == operation_id, ReviewItem.status == ReviewStatus.open)
            .order_by(ReviewItem.probability.desc(), ReviewItem.id)
            .limit(limit)
        )
    )


def review_records(
    session: Session, *, cipher: OperationCipher, actor: Actor, item: ReviewItem
) -> tuple[RegistrationRecord, RegistrationRecord]:
    """The two registrations of a review item, decrypted for the reviewer."""
    actor.require(Permission.personal_read)
    a = session.get(Registration, item.registration_a_id)
    b = session.get(Registration, item.registration_b_id)
    record_access(session, actor=actor, action="linkage.read", purpose="review a doubtful pair",
                  subject=f"link_review_item:{item.id}",
                  details={"registrations": [a.id, b.id]})  # fmt: skip
    return read_registration(a, cipher=cipher)[1], read_registration(b, cipher=cipher)[1]


def person_history(session: Session, *, person_id: int) -> list[LinkHistory]:
    """Merges and splits that touched a person, oldest first."""
    return list(
        session.scalars(
            select(LinkHistory)
            .where(
                or_(LinkHistory.person_id == person_id, LinkHistory.other_person_id == person_id)
            )
            .order_by(LinkHistory.at, LinkHistory.id)
        )
    )
