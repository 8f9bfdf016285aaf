"""Decisions for the members of one travel party: each person's own category, the category a
principal extends to the relatives the policy names (derivatives), priority, and a reason in
one sentence that an officer can read out and defend.

Relatives the policy does not name (parents, siblings, married children) are judged on their
own. A party whose members do not all get the same outcome is flagged for an officer: in 2021
families were turned back at the gate together because one member lacked a paper, or left one
behind; neither should happen without someone deciding it.
"""

from dataclasses import dataclass
from datetime import date

from evac.eligibility.ages import BirthSpan
from evac.eligibility.evidence import Finding
from evac.eligibility.policy import OVER_65, UNACCOMPANIED_MINOR, Outcome, Policy
from evac.eligibility.priority import Priority, priority_of
from evac.people.models import Role

# Best first: a person who is both an LPR in her own right and a derivative gets the better.
OUTCOME_ORDER = {Outcome.eligible: 0, Outcome.deferred: 1, Outcome.ineligible: 2}
RELATION_WORDS = {Role.other: "relative"}
MIXED_PARTY = "party has mixed outcomes: an officer decides whether it travels split"


@dataclass(frozen=True, slots=True)
class Member:
    """One person of a party, as eligibility sees them."""

    key: str
    household: str | None
    relationship: Role | None  # to the principal of their household
    finding: Finding
    birth: BirthSpan | None = None
    married: bool | None = None  # None: no source wrote it (the policy says how to read it)
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Judgement:
    outcome: Outcome
    category: str | None
    basis: str
    sentence: str  # what the outcome rests on, without outcome and priority


@dataclass(frozen=True, slots=True)
class Decision:
    key: str
    party: str
    outcome: Outcome
    category: str | None
    basis: str
    priority: Priority | None
    reason: str
    unmapped_claim: str = ""
    mixed_party: bool = False


def decide_party(members: list[Member], *, policy: Policy, as_of: date) -> list[Decision]:
    """A decision for each member of one party, in the members' order."""
    return Judge(policy, as_of).party(members)


class Judge:
    """Decides parties under one policy, ages counted on one day. What many persons share (the
    judgement of one finding, one priority) is worked out once."""

    def __init__(self, policy: Policy, as_of: date) -> None:
        self.policy = policy
        self.as_of = as_of
        self.own_judgements: dict[Finding, Judgement] = {}
        self.priorities: dict[tuple[str, frozenset[str]], Priority] = {}
        self.reasons: dict[tuple, str] = {}  # (outcome, sentence, priority, notes, mixed)
        self.alone: dict[tuple, Decision] = {}  # (finding, birth, flags) -> a party of one's

    def party(self, members: list[Member]) -> list[Decision]:
        """A decision for each member of one party, in the members' order."""
        if len(members) == 1:
            return [self._alone(members[0])]
        policy, as_of = self.policy, self.as_of
        own = [self.own(member.finding) for member in members]
        principals = _household_principals(members, own)
        judgements = [
            _with_derivative(member, own[index], principals, policy, as_of)
            for index, member in enumerate(members)
        ]
        party = _party_principal(members, judgements, principals)
        mixed = len({judgement.outcome for judgement in judgements}) > 1
        minors_alone = _unaccompanied(members, policy, as_of)
        return [
            self._decision(member, judgement, party, mixed, member.key in minors_alone)
            for member, judgement in zip(members, judgements, strict=True)
        ]

    def _alone(self, member: Member) -> Decision:
        """A party of one: no relative to derive from, so their finding, birth and flags decide
        it (most parties in a register: men who came alone), and equal ones are decided once."""
        key = (member.finding, member.birth, member.flags)
        if key not in self.alone:
            own = self.own(member.finding)
            minor_alone = member.key in _unaccompanied([member], self.policy, self.as_of)
            self.alone[key] = self._decision(member, own, member.key, False, minor_alone)
        alone = self.alone[key]
        return Decision(
            member.key,
            member.key,
            alone.outcome,
            alone.category,
            alone.basis,
            alone.priority,
            alone.reason,
            alone.unmapped_claim,
            alone.mixed_party,
        )

    def own(self, finding: Finding) -> Judgement:
        if finding not in self.own_judgements:
            self.own_judgements[finding] = own_judgement(finding, self.policy)
        return self.own_judgements[finding]

    def priority(self, category: str, flags: frozenset[str]) -> Priority:
        if (category, flags) not in self.priorities:
            self.priorities[category, flags] = priority_of(category, flags, self.policy)
        return self.priorities[category, flags]

    def _decision(
        self, member: Member, judgement: Judgement, party: str, mixed: bool, alone: bool
    ) -> Decision:
        flags, notes = _flags(member, alone, self.policy, self.as_of)
        priority = self.priority(judgement.category, flags) if judgement.category else None
        # the sentence, not the judgement: a derivative's basis names its principal
        reason_of = (judgement.outcome, judgement.sentence, priority, notes, mixed)
        if reason_of not in self.reasons:
            self.reasons[reason_of] = _reason(*reason_of)
        return Decision(
            member.key,
            party,
            judgement.outcome,
            judgement.category,
            judgement.basis,
            priority,
            self.reasons[reason_of],
            member.finding.unmapped_claim,
            mixed,
        )


def _reason(
    outcome: Outcome, sentence: str, priority: Priority | None, notes: tuple[str, ...], mixed: bool
) -> str:
    reason = f"{outcome}: {sentence}"
    if priority is not None:
        reason += f"; {priority}"
    for note in (*notes, *([MIXED_PARTY] if mixed else [])):
        reason += f"; {note}"
    return reason


def own_judgement(finding: Finding, policy: Policy) -> Judgement:
    """The outcome of a person's own category (see evidence.py), without any relative."""
    if finding.category is None:
        if finding.unmapped_claim:
            sentence = f"claim {finding.unmapped_claim!r} is not in the policy's vocabulary"
            return Judgement(Outcome.deferred, None, finding.basis_text, sentence)
        sentence = "no document, claim or nationality names a category of their own"
        return Judgement(Outcome.ineligible, None, "", sentence)
    category = policy.categories[finding.category]
    sentence = f"{finding.describe(policy)} ({finding.basis})"
    outcome = category.outcome
    if finding.basis == "claim" and category.on_claim is not None:
        outcome = category.on_claim
        if outcome != category.outcome:
            sentence += ": the policy asks for a document"
    return Judgement(outcome, finding.category, finding.basis_text, sentence)


def _household_principals(
    members: list[Member], own: list[Judgement]
) -> dict[str, tuple[Member, Judgement]]:
    """Each household's principal (its first member marked so) with their own judgement."""
    principals: dict[str, tuple[Member, Judgement]] = {}
    for member, judgement in zip(members, own, strict=True):
        if member.household is not None and member.relationship == Role.principal:
            principals.setdefault(member.household, (member, judgement))
    return principals


def _with_derivative(
    member: Member,
    own: Judgement,
    principals: dict[str, tuple[Member, Judgement]],
    policy: Policy,
    as_of: date,
) -> Judgement:
    """The better of the member's own judgement and the one their principal extends."""
    if member.household is None or member.relationship == Role.principal:
        return own  # a second principal in one household: a list that sent the family twice
    principal = principals.get(member.household)
    if principal is None or principal[1].category is None:
        return own
    if principal[1].outcome == Outcome.ineligible:
        return own
    derived = derivative_judgement(member, *principal, policy, as_of)
    if isinstance(derived, str):  # not a derivative: say why, beside their own outcome
        if own.outcome == Outcome.ineligible:
            return Judgement(own.outcome, own.category, own.basis, f"{derived}; {own.sentence}")
        return own
    return min(own, derived, key=lambda judgement: _rank(judgement, policy))


def derivative_judgement(
    member: Member, principal: Member, principal_judgement: Judgement, policy: Policy, at: date
) -> Judgement | str:
    """The judgement a principal extends to the member, or why it does not extend."""
    category = principal_judgement.category
    of = f"of {principal_judgement.sentence}"
    relation = member.relationship or Role.other
    word = RELATION_WORDS.get(relation, relation.value)
    condition = policy.derivative_condition(category, relation)
    if condition is None:
        return f"{word} {of} is not a derivative"
    if condition.unmarried and _married(member, policy):
        return f"married {word} {of} is not a derivative"
    basis = f"derivative of {principal.key} ({principal_judgement.basis})"
    phrase = f"{'unmarried ' if condition.unmarried else ''}{word}"
    limit = condition.under_age
    under = True if limit is None else member.birth.is_under(limit, at) if member.birth else None
    if under is False:
        return f"{word} {of} is {limit} or older on {at.isoformat()}, not a derivative"
    if under is None:
        why = "no date of birth" if member.birth is None else "date of birth too vague"
        sentence = f"{word} {of}: {why} to tell whether under {limit} on {at.isoformat()}"
        return Judgement(Outcome.deferred, category, basis, sentence)
    if condition.unmarried and member.married is None and _unknown_is_deferred(policy):
        sentence = f"{word} {of}: marital status unknown"
        return Judgement(Outcome.deferred, category, basis, sentence)
    age = f" under {limit}" if limit is not None else ""
    return Judgement(principal_judgement.outcome, category, basis, f"{phrase}{age} {of}")


def _unknown_is_deferred(policy: Policy) -> bool:
    """An officer decides on a child whose marital status no source wrote."""
    return policy.marital_status_unknown == "deferred"


def _married(member: Member, policy: Policy) -> bool:
    if member.married is None:
        return policy.marital_status_unknown == "married"
    return member.married


def _rank(judgement: Judgement, policy: Policy) -> tuple[int, int]:
    level = policy.ranks[judgement.category] if judgement.category else len(policy.priority) + 1
    return OUTCOME_ORDER[judgement.outcome], level


def _party_principal(
    members: list[Member],
    judgements: list[Judgement],
    principals: dict[str, tuple[Member, Judgement]],
) -> str:
    """The party's principal: of its households' principals, the one best judged (it is their
    case that carries the family); the first member when no household names one."""
    if not principals:
        return members[0].key
    keys = {member.key for member, _ in principals.values()}
    if len(keys) == 1:  # one household, or households that share their principal
        return next(iter(keys))
    candidates = [
        (OUTCOME_ORDER[judgement.outcome], index, member.key)
        for index, (member, judgement) in enumerate(zip(members, judgements, strict=True))
        if member.key in keys
    ]
    return min(candidates)[2]


def _unaccompanied(members: list[Member], policy: Policy, as_of: date) -> set[str]:
    """Members certainly under age whose party has nobody who may be an adult."""
    for member in members:
        if member.birth is None or member.birth.is_under(policy.minor_under, as_of) is not True:
            return set()
    return {member.key for member in members}


def _flags(
    member: Member, alone: bool, policy: Policy, as_of: date
) -> tuple[frozenset[str], tuple[str, ...]]:
    """The member's flags with those evac computes (over 65, a minor alone), and a note for
    each flag written for the member that the policy does not know."""
    older = member.birth is not None and member.birth.at_least(policy.older_from, as_of)
    if not (member.flags or older or alone):
        return member.flags, ()
    flags = set(member.flags)
    if older:
        flags.add(OVER_65)
    if alone:
        flags.add(UNACCOMPANIED_MINOR)
    unknown = sorted(member.flags - policy.flags.keys())
    return frozenset(flags), tuple(f"flag {flag!r} is not in the policy" for flag in unknown)
