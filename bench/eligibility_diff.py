"""A policy change shown as a difference over the register (`evac eligibility evaluate` before
--apply), beside a plain SELECT of the rows it reads (the anchor), measured in the same run.

The register is SQLite (a file, the embedded default) and built first, not measured: persons in
households of the Kabul 2021 mix, each with a sealed registration whose claim is one of the
words the scenario's sources write, documents (US passports, green cards, SIV cases with and
without COM approval, tazkiras), then evaluated once under the default policy. The change then
measured: SIV applicants without COM approval fall behind the refugee referrals (the kind of
change of 2021's last week). Issue 13's target: 125,000 persons in under 10 s.

`.venv/bin/python bench/eligibility_diff.py [--persons 125000] [--keep FILE.db]`
"""

import argparse
import os
import platform
import random
import secrets
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select

from evac.auth.permissions import cli_actor
from evac.db import make_engine, make_sessionmaker, migrate
from evac.eligibility.flows import evaluate
from evac.eligibility.models import PersonDecision, RegistrationClaim
from evac.eligibility.policy import default_policy_text
from evac.eligibility.service import load_policy_text
from evac.operation.service import create_operation
from evac.people.models import (
    Document,
    DocumentKind,
    Group,
    GroupMember,
    Person,
    Registration,
    Role,
)
from evac.people.records import RegistrationRecord
from evac.people.service import (
    PersonNames,
    document_row,
    insert_groups,
    insert_persons,
    insert_rows,
    person_row,
    seal_registration,
)
from evac.scenario.sources import SOURCES
from evac.vault.keys import LocalKeyProvider
from evac.vault.service import cipher_for

AS_OF = date(2021, 8, 25)
BATCH = 5000
# category -> (share of households, documents its principal tends to hold)
MIX = {
    "us_citizen": (0.06, (DocumentKind.us_passport,)),
    "lpr": (0.05, (DocumentKind.green_card,)),
    "siv": (0.38, (DocumentKind.siv_case,)),
    "local_staff": (0.08, (DocumentKind.siv_case,)),
    "refugee_referral": (0.15, ()),
    "third_country": (0.03, ()),
    "at_risk": (0.25, ()),
}
RELATIVES = (Role.spouse, Role.child, Role.child, Role.child, Role.parent, Role.sibling)
CHANGE = ("  - [siv_applied, local_staff]\n  - [refugee_referral]\n",
          "  - [local_staff]\n  - [refugee_referral]\n  - [siv_applied]\n")  # fmt: skip


def build(url: str, provider: LocalKeyProvider, persons: int, rng: random.Random) -> int:
    """A register of `persons` persons in households, evaluated once; the operation's id."""
    migrate(url)
    factory = make_sessionmaker(make_engine(url))
    with factory() as session:
        operation = create_operation(session, provider=provider, name="bench", country="AF",
                                     airport="OAKB", time_zone="Asia/Kabul",
                                     deadline=datetime(2021, 8, 31, tzinfo=UTC))  # fmt: skip
        cipher = cipher_for(session, provider=provider, operation_id=operation.id)
        words = {
            category: [s.category_words[category] for s in SOURCES if "category" in s.columns]
            for category in MIX
        }
        made = 0
        while made < persons:
            households = _households(rng, min(BATCH, persons - made))
            made += sum(len(members) for _, members in households)
            _write(session, cipher, households, words, rng)
        session.commit()
        evaluate(session, cipher=cipher, actor=cli_actor(), as_of=AS_OF)
        session.commit()
        return operation.id


def _households(rng: random.Random, persons: int) -> list[tuple[str, list[Role]]]:
    categories, weights = list(MIX), [share for share, _ in MIX.values()]
    households, made = [], 0
    while made < persons:
        size = min(persons - made, rng.choice((1, 1, 1, 2, 3, 4, 5, 6, 7, 8)))
        roles = [Role.principal, *(rng.choice(RELATIVES) for _ in range(size - 1))]
        households.append((rng.choices(categories, weights)[0], roles))
        made += size
    return households


def _write(session, cipher, households, words, rng: random.Random) -> None:
    rows, plan = [], []
    for category, roles in households:
        for role in roles:
            born = rng.randint(1955, 2000) if role == Role.principal else rng.randint(1940, 2021)
            rows.append(person_row(cipher, names=PersonNames(given_name="Synthetic"),
                                   birth_year=born))  # fmt: skip
            plan.append((category, role))
    ids = insert_persons(session, rows)
    registrations, documents, groups, at = [], [], [], 0
    for _, roles in households:
        members = ids[at : at + len(roles)]
        groups.append((None, dict(zip(members, roles, strict=True))))
        at += len(roles)
    for person_id, (category, role) in zip(ids, plan, strict=True):
        claim = rng.choice(words[category]) if rng.random() < 0.8 else None
        record = RegistrationRecord(
            category_claimed=claim, nationality="PAK" if category == "third_country" else "AFG"
        )
        registrations.append(seal_registration(cipher, source=rng.choice(SOURCES).key,
                                               file=None, row_number=person_id,
                                               raw={"row": person_id}, record=record)
                             | {"person_id": person_id})  # fmt: skip
        held = list(MIX[category][1]) if role == Role.principal or rng.random() < 0.3 else []
        if DocumentKind.siv_case in held and rng.random() < 0.5:
            held.append(DocumentKind.com_approval)
        if rng.random() < 0.8:
            held.append(DocumentKind.tazkira)
        for kind in held:
            approved = {"status": "approved", "issued_on": date(2021, 7, rng.randint(1, 28))}
            documents.append(document_row(cipher, person_id=person_id, kind=kind,
                                          number=f"N{person_id}{kind.value}",
                                          **(approved if kind == DocumentKind.com_approval
                                             else {})))  # fmt: skip
    insert_rows(session, Registration, registrations)
    insert_rows(session, Document, [{k: v for k, v in d.items() if k != "registration_id"}
                                    for d in documents])  # fmt: skip
    insert_groups(session, operation_id=cipher.operation_id, groups=groups)


def anchor(session, operation_id: int) -> float:
    """Seconds to SELECT the rows an evaluation reads (persons, households, documents, claims,
    current decisions), decoding nothing and deciding nothing."""
    started = time.perf_counter()
    for query in (
        select(Person.id, Person.state, Person.category, Person.birth_year)
        .where(Person.operation_id == operation_id),
        select(GroupMember.person_id, GroupMember.group_id, GroupMember.role)
        .join(Group).where(Group.operation_id == operation_id),
        select(Document.person_id, Document.kind, Document.status).join(Person)
        .where(Person.operation_id == operation_id),
        select(Registration.person_id, Registration.source, RegistrationClaim.claim)
        .join(RegistrationClaim).where(Registration.operation_id == operation_id),
        select(PersonDecision.person_id, PersonDecision.outcome, PersonDecision.category,
               PersonDecision.priority, PersonDecision.reason)
        .where(PersonDecision.operation_id == operation_id,
               PersonDecision.superseded_at.is_(None)),
    ):  # fmt: skip
        session.execute(query).all()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=125_000)
    parser.add_argument("--keep", type=Path, help="Keep the register in this SQLite file.")
    arguments = parser.parse_args()
    path = arguments.keep or Path(tempfile.mkdtemp(prefix="evac-eligibility-diff-")) / "bench.db"
    url = f"sqlite:///{path}"
    started = time.perf_counter()
    provider = LocalKeyProvider(secrets.token_bytes(32))
    operation_id = build(url, provider, arguments.persons, random.Random(13))
    print(f"register built and evaluated once: {time.perf_counter() - started:.0f} s")
    factory = make_sessionmaker(make_engine(url))
    with factory() as session:
        persons = session.scalar(select(func.count()).select_from(Person))
        anchor_seconds = anchor(session, operation_id)
        text = default_policy_text().replace("version: us-2021-08-25", "version: bench-change")
        load_policy_text(session, operation_id=operation_id, text=text.replace(*CHANGE),
                         source="bench", actor=cli_actor())  # fmt: skip
        cipher = cipher_for(session, provider=provider, operation_id=operation_id)
        started, cpu_started = time.perf_counter(), time.process_time()
        shown = evaluate(session, cipher=cipher, actor=cli_actor(), as_of=AS_OF)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        session.rollback()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}; SQLite")  # fmt: skip
    print(f"persons: {persons:,}; difference shown, not applied: {len(shown.changes):,} change "
          f"({not shown.applied and shown.new_policy})")  # fmt: skip
    print(f"policy difference: {seconds:.2f} s ({cpu:.2f} s CPU) (target < 10 s)")
    print(f"anchor, plain SELECT of the same rows: {anchor_seconds:.2f} s")
    print(f"ratio: {seconds / anchor_seconds:.1f}x the anchor")
    if not arguments.keep:
        path.unlink()


if __name__ == "__main__":
    main()
