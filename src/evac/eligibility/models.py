"""Tables of eligibility: travel parties, policy versions, decisions, officers' overrides and
flags.

None of them holds a name. A party's reference goes on passes and call-forward messages, so it
is a short random code, never derived from a person.
"""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from evac.db import Base, BigId, UTCDateTime, utcnow
from evac.eligibility.policy import Outcome, Policy, parse_policy
from evac.people.models import _enum  # the portable enum column every domain uses


class Party(Base):
    """People who travel together: called forward, passed and flown as one."""

    __tablename__ = "party"
    __table_args__ = (UniqueConstraint("operation_id", "reference"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"), index=True)
    reference: Mapped[str] = mapped_column(String(12))  # "P-7KQ2M": random, names nobody
    principal_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # Made by an officer (a split or a join): re-forming parties from households leaves it be.
    by_officer: Mapped[bool] = mapped_column(Boolean, default=False)
    # Members' outcomes differ: it travels only if an officer lets it go split.
    mixed: Mapped[bool] = mapped_column(Boolean, default=False)
    travels_split_by: Mapped[str | None] = mapped_column(String(80))
    travels_split_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PartyMember(Base):
    __tablename__ = "party_member"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)


class PolicyVersion(Base):
    """One policy file as loaded: its text kept whole, so every decision can be re-read."""

    __tablename__ = "eligibility_policy"
    __table_args__ = (UniqueConstraint("operation_id", "number"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3... in the order loaded
    version: Mapped[str] = mapped_column(String(80))  # the file's own `version:`
    name: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the text
    loaded_by: Mapped[str] = mapped_column(String(80))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def policy(self) -> Policy:
        return parse_policy(self.text, source=f"policy version {self.number}")


class PersonDecision(Base):
    """A person's eligibility under one policy version. The current one has no superseded_at;
    earlier ones are its history."""

    __tablename__ = "eligibility_decision"
    __table_args__ = (
        Index("ix_eligibility_decision_current", "operation_id", "superseded_at"),
        Index("ix_eligibility_decision_person", "person_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    policy_id: Mapped[int] = mapped_column(ForeignKey("eligibility_policy.id"))
    outcome: Mapped[Outcome] = mapped_column(_enum(Outcome, "eligibility_outcome"))
    category: Mapped[str | None] = mapped_column(String(40))
    basis: Mapped[str] = mapped_column(String(200))  # "document: us_passport", "claim: AMCIT"
    priority: Mapped[int | None] = mapped_column(SmallInteger)
    reason: Mapped[str] = mapped_column(Text)
    unmapped_claim: Mapped[str | None] = mapped_column(String(200))
    override_id: Mapped[int | None] = mapped_column(ForeignKey("eligibility_override.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Override(Base):
    """An officer's decision about one person, kept over every evaluation until withdrawn."""

    __tablename__ = "eligibility_override"
    __table_args__ = (Index("ix_eligibility_override_person", "person_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    outcome: Mapped[Outcome] = mapped_column(_enum(Outcome, "eligibility_outcome"))
    category: Mapped[str | None] = mapped_column(String(40))  # None: the policy's category
    reason: Mapped[str] = mapped_column(String(500))
    officer: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by: Mapped[str | None] = mapped_column(String(80))


class RegistrationClaim(Base):
    """What a registration claims for its person (category, nationality), read once from its
    sealed record: re-evaluating 125,000 persons must not decrypt every record again."""

    __tablename__ = "eligibility_claim"

    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"), index=True)
    claim: Mapped[str | None] = mapped_column(String(200))
    nationality: Mapped[str | None] = mapped_column(String(3))
    marital_status: Mapped[str | None] = mapped_column(String(10))  # "married", "single"...
    flags: Mapped[str | None] = mapped_column(String(200))  # "medical,pregnancy"


class PersonFlag(Base):
    """An officer's flag on a person ("medical"), set or cleared with a reason. The newest of a
    person's flag decides: a flag a list wrote stays off once an officer cleared it."""

    __tablename__ = "eligibility_flag"
    __table_args__ = (Index("ix_eligibility_flag_person", "person_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    flag: Mapped[str] = mapped_column(String(40))
    present: Mapped[bool] = mapped_column(Boolean)  # set (True) or cleared (False)
    reason: Mapped[str] = mapped_column(String(500))
    officer: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
