"""Evaluating everyone: parties formed, every person decided under the policy, officers'
overrides kept, and (when applied) decisions, lifecycle moves and events written in one
transaction, so that a crash leaves the register as it was.

In 2021 the rules changed almost daily. A policy newer than the last evaluation is first shown
as a difference (how many change, who and why) and applied only when staff ask.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Row, String, bindparam, select, type_coerce, update
from sqlalchemy.orm import Session

from evac.auth.permissions import Actor, Permission
from evac.db import utcnow
from evac.eligibility.decisions import MIXED_PARTY, Decision, Judge
from evac.eligibility.models import Override, Party, PersonDecision, PolicyVersion
from evac.eligibility.policy import Outcome, Policy
from evac.eligibility.register import (
    NO_CATEGORY,
    Reader,
    Register,
    best_first,
    read_new_claims,
    read_parties,
    read_register,
)
from evac.eligibility.service import (
    active_overrides,
    current_policy,
    form_parties,
    last_evaluated_policy,
    unmapped_claims,
)
from evac.operation.models import Operation
from evac.people.lifecycle import event_row
from evac.people.models import Event, Person, State
from evac.people.service import insert_rows
from evac.vault.audit import record_access
from evac.vault.service import OperationCipher

DECIDABLE = (State.registered, State.verified, State.eligible, State.ineligible, State.deferred)
CHUNK = 5000
Progress = Callable[[str], None]
# What a decision says: a person whose new decision differs in any of these gets a new row.
WRITTEN = (
    "party_id",
    "policy_id",
    "outcome",
    "category",
    "basis",
    "priority",
    "reason",
    "override_id",
)


@dataclass(frozen=True, slots=True)
class Result:
    """One person's decision in this evaluation."""

    person_id: int
    party_id: int
    outcome: Outcome
    category: str | None
    basis: str
    priority: int | None
    reason: str
    unmapped_claim: str
    override_id: int | None
    verified: bool

    def summary(self) -> str:
        """ "eligible siv_applied, priority 4": what a change is shown as."""
        if self.category is None:
            return str(self.outcome)
        priority = f", priority {self.priority}" if self.priority else ""
        return f"{self.outcome} {self.category}{priority}"


@dataclass(frozen=True)
class Change:
    person_id: int
    before: str  # "deferred siv_applied, priority 4", or "undecided"
    after: str
    reason: str  # the new decision's reason


@dataclass(frozen=True)
class PolicyRef:
    """A policy version as an evaluation names it (plain values: they outlive the session)."""

    id: int
    operation_id: int
    number: int
    version: str

    @classmethod
    def of(cls, version: PolicyVersion | None) -> "PolicyRef | None":
        if version is None:
            return None
        return cls(version.id, version.operation_id, version.number, version.version)


@dataclass
class Evaluation:
    policy: PolicyRef
    previous_policy: PolicyRef | None
    applied: bool = False
    persons: int = 0
    parties: int = 0
    mixed_parties: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    changes: list[Change] = field(default_factory=list)
    moves: Counter[str] = field(default_factory=Counter)  # "registered -> verified": persons
    unmapped_claims: Counter[str] = field(default_factory=Counter)

    @property
    def new_policy(self) -> bool:
        """The policy differs from the one the current decisions were made under."""
        return self.previous_policy is not None and self.previous_policy.id != self.policy.id

    def summary(self) -> str:
        outcomes = ", ".join(f"{n:,} {outcome}" for outcome, n in self.outcomes.most_common())
        done = "applied" if self.applied else "not applied"
        return (
            f"policy {self.policy.version} (version {self.policy.number}): {self.persons:,} "
            f"persons in {self.parties:,} parties: {outcomes}; {len(self.changes):,} changed "
            f"({done}); {self.mixed_parties:,} mixed parties for an officer; "
            f"claims to map: {len(self.unmapped_claims):,} "
            f"(on {sum(self.unmapped_claims.values()):,} registrations)"
        )


def evaluate(
    session: Session,
    *,
    cipher: OperationCipher,
    actor: Actor,
    dry_run: bool = False,
    apply_new_policy: bool = False,
    as_of: date | None = None,
    policy_version: PolicyVersion | None = None,
    progress: Progress = lambda step: None,
) -> Evaluation:
    """Decide everyone with the current policy (see the module). Writes only when not a dry
    run and, if the policy is newer than the last evaluation, `apply_new_policy`. Ages count
    on `as_of`, by default today (or the deadline of an operation that is over)."""
    actor.require(Permission.eligibility_decide)
    operation_id = cipher.operation_id
    # undone unless applied: claims read, the default policy's first version, parties formed
    savepoint = session.begin_nested()
    progress("reading new registrations' claims")
    read_new_claims(session, cipher=cipher)
    version = policy_version or current_policy(session, operation_id=operation_id, actor=actor)
    policy = version.policy()
    previous = last_evaluated_policy(session, operation_id=operation_id)
    evaluation = Evaluation(PolicyRef.of(version), PolicyRef.of(previous))
    evaluation.unmapped_claims = unmapped_claims(session, operation_id=operation_id, policy=policy)
    progress("reading the register")
    register = read_register(session, operation_id=operation_id)
    progress("forming parties")
    form_parties(session, operation_id=operation_id, register=register)
    read_parties(session, register=register, operation_id=operation_id)
    progress("deciding")
    day = as_of or _ages_day(session, operation_id)
    results, principals, mixed = _decide_everyone(session, register, operation_id, policy, day)
    current = _current_decisions(session, operation_id)
    _describe(evaluation, results, mixed, current)
    if dry_run or (evaluation.new_policy and not apply_new_policy):
        savepoint.rollback()
        return evaluation
    progress("writing decisions")
    _apply(session, evaluation, actor, results, principals, mixed, register, current)
    savepoint.commit()
    return evaluation


def _ages_day(session: Session, operation_id: int) -> date:
    """Today, or the deadline of an operation that is over (a rehearsal replaying 2021): its
    children do not age out of being derivatives while it is replayed."""
    deadline = session.get(Operation, operation_id).deadline
    return min(date.today(), deadline.date())


def _decide_everyone(
    session: Session, register: Register, operation_id: int, policy: Policy, as_of: date
):
    """Each person's result, and each party's principal and mixed flag."""
    reader = Reader(register, policy)
    judge = Judge(policy, as_of)
    overrides = active_overrides(session, operation_id=operation_id)
    results: dict[int, Result] = {}
    principals: dict[int, int] = {}
    mixed: dict[int, bool] = {}
    for party, persons in register.parties.items():
        decided = judge.party([member for p in persons for member in reader.members(p)])
        by_person: dict[str, list[Decision]] = {}
        for decision in decided:
            by_person.setdefault(decision.key, []).append(decision)
        principals[party] = int(decided[0].party)
        finals = []
        for person in persons:
            own = by_person[str(person)]
            best = own[0] if len(own) == 1 else best_first(own, policy)[0]
            verified = register.states[person] != State.registered or reader.verified(person)
            finals.append((person, best, verified, _final(best, verified, overrides.get(person))))
        mixed[party] = len({outcome for *_, (outcome, _, _, _) in finals}) > 1
        for person, best, verified, final in finals:
            results[person] = _result(person, party, best, verified, final, mixed[party])
    return results, principals, mixed


Final = tuple[Outcome, str | None, str, int | None]  # outcome, category, reason, override


def _final(decision: Decision, verified: bool, override: Override | None) -> Final:
    """The policy's decision, deferred while the person is not verified, and replaced by an
    officer's override in force."""
    outcome, reason = decision.outcome, decision.reason.replace(f"; {MIXED_PARTY}", "")
    if not verified and outcome == Outcome.eligible:
        # a claim alone is not enough to go: staff must see a document or a trusted list
        outcome = Outcome.deferred
        reason = f"deferred: not verified (no document seen, no trusted list); would be {reason}"
    if override is None:
        return outcome, decision.category, reason, None
    on = override.at.date().isoformat()
    reason = f"{override.outcome}: override by {override.officer} on {on}: {override.reason}"
    reason += f" (the policy: {decision.reason})"
    return override.outcome, override.category or decision.category, reason, override.id


def _result(
    person: int, party: int, decision: Decision, verified: bool, final: Final, mixed: bool
) -> Result:
    outcome, category, reason, override_id = final
    return Result(
        person,
        party,
        outcome,
        category,
        decision.basis,
        decision.priority.level if decision.priority else None,
        f"{reason}; {MIXED_PARTY}" if mixed else reason,
        decision.unmapped_claim,
        override_id,
        verified,
    )


def _current_decisions(session: Session, operation_id: int) -> dict[int, Row]:
    """Person -> their current decision's columns (rows, not objects: 125,000 of them)."""
    columns = {name: getattr(PersonDecision, name) for name in ("id", "person_id", *WRITTEN)}
    columns["outcome"] = type_coerce(PersonDecision.outcome, String).label("outcome")
    query = select(*columns.values()).where(
        PersonDecision.operation_id == operation_id, PersonDecision.superseded_at.is_(None)
    )
    return {row.person_id: row for row in session.connection().execute(query)}


def _describe(
    evaluation: Evaluation,
    results: dict[int, Result],
    mixed: dict[int, bool],
    current: dict[int, Row],
) -> None:
    evaluation.persons = len(results)
    evaluation.parties = len(mixed)
    evaluation.mixed_parties = sum(mixed.values())
    for result in results.values():
        evaluation.outcomes[result.outcome] += 1
        evaluation.categories[result.category or NO_CATEGORY] += 1
        before = current.get(result.person_id)
        if before is not None and (before.outcome, before.category, before.priority) == (
            result.outcome,
            result.category,
            result.priority,
        ):
            continue
        was = _summary_of(before) if before else "undecided"
        if was != result.summary():
            evaluation.changes.append(
                Change(result.person_id, was, result.summary(), result.reason)
            )


def _summary_of(decision: Row) -> str:
    if decision.category is None:
        return str(Outcome(decision.outcome))
    priority = f", priority {decision.priority}" if decision.priority else ""
    return f"{Outcome(decision.outcome)} {decision.category}{priority}"


def _written(decision: Row) -> tuple:
    return tuple(getattr(decision, name) for name in WRITTEN)


def _apply(
    session: Session,
    evaluation: Evaluation,
    actor: Actor,
    results: dict[int, Result],
    principals: dict[int, int],
    mixed: dict[int, bool],
    register: Register,
    current: dict[int, Row],
) -> None:
    now = utcnow()
    policy_id = evaluation.policy.id
    fresh = [
        result
        for result in results.values()
        if result.person_id not in current
        or _written(current[result.person_id]) != _row_key(result, policy_id)
    ]
    _supersede(session, [current[r.person_id].id for r in fresh if r.person_id in current], now)
    insert_rows(session, PersonDecision, [_decision_row(r, evaluation, now) for r in fresh])
    _move_persons(session, evaluation, actor, results, register, now)
    _update_parties(session, principals, mixed)
    record_access(
        session,
        actor=actor,
        action="eligibility.evaluate",
        purpose=f"policy {evaluation.policy.version} (version {evaluation.policy.number})",
        subject=f"operation:{evaluation.policy.operation_id}",
        details={
            "persons": evaluation.persons,
            "changed": len(evaluation.changes),
            "outcomes": dict(evaluation.outcomes),
        },
    )
    evaluation.applied = True


def _row_key(result: Result, policy_id: int) -> tuple:
    return (
        result.party_id,
        policy_id,
        result.outcome,
        result.category,
        result.basis,
        result.priority,
        result.reason,
        result.override_id,
    )


def _supersede(session: Session, decision_ids: list[int], at: datetime) -> None:
    for start in range(0, len(decision_ids), CHUNK):
        chunk = decision_ids[start : start + CHUNK]
        session.execute(
            update(PersonDecision)
            .where(PersonDecision.id.in_(chunk))
            .values(superseded_at=at)
            .execution_options(synchronize_session=False)
        )


def _decision_row(result: Result, evaluation: Evaluation, at: datetime) -> dict:
    return {
        "operation_id": evaluation.policy.operation_id,
        "person_id": result.person_id,
        "party_id": result.party_id,
        "policy_id": evaluation.policy.id,
        "outcome": result.outcome,
        "category": result.category,
        "basis": result.basis[:200],
        "priority": result.priority,
        "reason": result.reason,
        "unmapped_claim": result.unmapped_claim[:200] or None,
        "override_id": result.override_id,
        "decided_at": at,
        "superseded_at": None,
    }


def _steps(state: State, result: Result) -> list[State]:
    """The lifecycle moves that bring a person to their decision: a registered person is
    verified first (by the policy's rule); persons called forward or further are not moved."""
    if state not in DECIDABLE:
        return []
    steps = []
    if state == State.registered:
        if not result.verified:
            return []
        steps.append(State.verified)
    target = State(result.outcome.value)
    if target != (steps[-1] if steps else state):
        steps.append(target)
    return steps


def _move_persons(
    session: Session,
    evaluation: Evaluation,
    actor: Actor,
    results: dict[int, Result],
    register: Register,
    at: datetime,
) -> None:
    """Each person to their decision's state, with an event a move, and their canonical
    category: in bulk statements (125,000 persons), the old state in the WHERE as
    lifecycle.transition has it, so a person moved meanwhile is left alone."""
    rows, events = [], []
    operation_id = evaluation.policy.operation_id
    for person, result in results.items():
        state = register.states[person]
        steps = _steps(state, result)
        category = result.category or (None if result.unmapped_claim else NO_CATEGORY)
        if steps or category != register.categories[person]:
            rows.append(
                {
                    "pid": person,
                    "was": state,
                    "to": steps[-1] if steps else state,
                    "category": category,
                }
            )
        for step in steps:
            evaluation.moves[f"{state} -> {step}"] += 1
            data = {
                "from": state.value,
                "policy": evaluation.policy.version,
                "category": result.category,
                "priority": result.priority,
                "reason": result.reason,
            }
            key = f"eligibility:{at.isoformat()}:{person}:{step.value}"
            events.append(
                event_row(
                    operation_id=operation_id,
                    person_id=person,
                    type=step.value,
                    actor=actor,
                    idempotency_key=key,
                    at=at,
                    data=data,
                )
            )
            state = step
    statement = (
        update(Person)
        .where(Person.id == bindparam("pid"), Person.state == bindparam("was"))
        .values(state=bindparam("to"), category=bindparam("category"), updated_at=at)
    )
    for start in range(0, len(rows), CHUNK):
        session.connection().execute(statement, rows[start : start + CHUNK])
    for start in range(0, len(events), CHUNK):
        insert_rows(session, Event, events[start : start + CHUNK])


def _update_parties(session: Session, principals: dict[int, int], mixed: dict[int, bool]) -> None:
    rows = [
        {"party": party, "principal": principal, "mixed": mixed[party]}
        for party, principal in principals.items()
    ]
    statement = (
        update(Party)
        .where(Party.id == bindparam("party"))
        .values(principal_id=bindparam("principal"), mixed=bindparam("mixed"))
    )
    for start in range(0, len(rows), CHUNK):
        session.connection().execute(statement, rows[start : start + CHUNK])


def demo_step(session: Session, *, cipher: OperationCipher, actor: Actor) -> str:
    """Evaluate everyone in the demo's operation under the default policy; the summary the
    demo prints."""
    return evaluate(session, cipher=cipher, actor=actor).summary()


def decide_again(session: Session, *, cipher: OperationCipher, actor: Actor) -> Evaluation:
    """Everyone decided again under the policy of the current decisions, after an officer's
    override or party change: a newer policy still waits for its difference to be read."""
    previous = last_evaluated_policy(session, operation_id=cipher.operation_id)
    return evaluate(session, cipher=cipher, actor=actor, policy_version=previous)
