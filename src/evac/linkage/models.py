"""Tables of linkage: reviewers' decisions, the review queue, merge/split history, model runs.

None of them holds a name: pairs are registration ids, evidence is match weights.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from evac.db import Base, BigId, JSONData, UTCDateTime, utcnow
from evac.people.models import _enum  # the portable enum column every domain uses


class Verdict(StrEnum):
    same = "same"
    different = "different"


class ReviewStatus(StrEnum):
    open = "open"
    decided = "decided"


class HistoryKind(StrEnum):
    merge = "merge"
    split = "split"


class LinkDecision(Base):
    """A reviewer's word on two registrations. Runs obey it; only another reviewer changes it."""

    __tablename__ = "link_decision"
    __table_args__ = (UniqueConstraint("operation_id", "registration_a_id", "registration_b_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"))
    registration_a_id: Mapped[int] = mapped_column(ForeignKey("registration.id"))  # a < b
    registration_b_id: Mapped[int] = mapped_column(ForeignKey("registration.id"))
    verdict: Mapped[Verdict] = mapped_column(_enum(Verdict, "link_verdict"))
    reason: Mapped[str] = mapped_column(String(500))
    actor: Mapped[str] = mapped_column(String(80))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReviewItem(Base):
    """A doubtful pair for a reviewer, with the match weight of each comparison (no names)."""

    __tablename__ = "link_review_item"
    __table_args__ = (
        UniqueConstraint("operation_id", "registration_a_id", "registration_b_id"),
        Index("ix_link_review_item_status", "operation_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"))
    registration_a_id: Mapped[int] = mapped_column(ForeignKey("registration.id"))
    registration_b_id: Mapped[int] = mapped_column(ForeignKey("registration.id"))
    probability: Mapped[float] = mapped_column(Float)
    weights: Mapped[dict] = mapped_column(JSONData, default=dict)  # comparison -> [level, weight]
    status: Mapped[ReviewStatus] = mapped_column(
        _enum(ReviewStatus, "link_review_status"), default=ReviewStatus.open
    )
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("link_decision.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LinkHistory(Base):
    """One merge or split of persons: which registrations moved, who did it and why."""

    __tablename__ = "link_history"
    __table_args__ = (Index("ix_link_history_person", "person_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"))
    kind: Mapped[HistoryKind] = mapped_column(_enum(HistoryKind, "link_history_kind"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))  # the one that remains
    other_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))  # merged in / split off
    registration_ids: Mapped[list] = mapped_column(JSONData, default=list)
    actor: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ModelRun(Base):
    """One `evac link run`: the trained parameters and what came of them."""

    __tablename__ = "link_model_run"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    registrations: Mapped[int] = mapped_column(Integer)
    new_registrations: Mapped[int] = mapped_column(Integer)
    persons_created: Mapped[int] = mapped_column(Integer, default=0)
    merges: Mapped[int] = mapped_column(Integer, default=0)
    queued: Mapped[int] = mapped_column(Integer, default=0)
    parameters: Mapped[dict] = mapped_column(JSONData, default=dict)  # Splink model JSON


class SearchKey(Base):
    """One name key of one registration (or a self-registration's reference) as a keyed
    digest (`OperationCipher.blind_index`): equal keys are findable, no name is readable, and
    a shred of the operation key leaves digests no one can compute again. Registrations never
    change, so neither do their keys; merges and splits move registrations between persons
    and searches (evac.reports) follow them. Migration reports_0001."""

    __tablename__ = "search_key"
    __table_args__ = (Index("ix_search_key_digest", "digest", "registration_id"),)

    registration_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True
    )
    digest: Mapped[str] = mapped_column(String(32), primary_key=True)
