"""Tables for briefs, looks and drafts.

Natural keys carry the idempotency the flows rely on: a brief by the hash of its content, a look by its
position in that brief, a draft by (look, round, hash of everything that made it). A retried or repeated
sprint finds its rows instead of adding new ones, and the database refuses duplicates even if two workers
race.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

__all__ = [
    "Account",
    "Brief",
    "Draft",
    "EstimateRow",
    "LoginSession",
    "Look",
    "LookStatus",
    "PatternSetRow",
    "ReviewDecision",
    "ReviewPolicy",
    "ReviewRound",
    "Role",
    "RoundStatus",
    "TechPack",
    "Verdict",
    "utcnow",
]


def utcnow() -> datetime:
    return datetime.now(UTC)


def _ts(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False, **kw))


class LookStatus(StrEnum):
    """Where a look is on its way from brief to release."""

    NEW = "new"  # registered, no drafts yet
    DRAFTING = "drafting"  # control map made, drafts being generated
    IN_REVIEW = "in_review"  # drafts ready, waiting for a designer's decision
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"


class Brief(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    content_hash: str = Field(max_length=64, unique=True, index=True)
    collection: str = Field(max_length=200)
    season: str = Field(max_length=40)
    author: str | None = Field(default=None, max_length=80)
    source_path: str = Field(max_length=1000)
    spec: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = _ts()


class Look(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("brief_id", "position", name="uq_look_brief_position"),)

    id: int | None = Field(default=None, primary_key=True)
    brief_id: int = Field(foreign_key="brief.id", index=True)
    position: int = Field(ge=0)
    name: str = Field(max_length=120)
    garment: str = Field(max_length=20)
    prompt: str = Field(max_length=2000)
    negative_prompt: str = Field(default="", max_length=2000)
    material: str = Field(max_length=80)
    control_type: str = Field(max_length=20)
    drafts_requested: int
    seed: int = Field(sa_column=Column(BigInteger, nullable=False))
    sketch_key: str = Field(max_length=120, index=True)
    control_key: str | None = Field(default=None, max_length=120, index=True)
    control_detector: str | None = Field(default=None, max_length=80)
    status: str = Field(default=LookStatus.NEW.value, max_length=20, index=True)
    spec: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = _ts()
    updated_at: datetime = _ts(onupdate=utcnow)


class Draft(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("look_id", "round", "params_hash", name="uq_draft_look_round_params"),)

    id: int | None = Field(default=None, primary_key=True)
    look_id: int = Field(foreign_key="look.id", index=True)
    round: int = Field(default=1, ge=1)
    position: int = Field(ge=0, description="Draft i of the look's round: seed = look seed + i")
    engine: str = Field(max_length=20)
    model_ids: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))
    prompt: str = Field(max_length=2200)
    negative_prompt: str = Field(default="", max_length=2000)
    seed: int = Field(sa_column=Column(BigInteger, nullable=False))
    steps: int
    guidance: float
    controlnet_scale: float
    scheduler: str = Field(max_length=80)
    width: int
    height: int
    control_type: str = Field(max_length=20)
    control_detector: str = Field(max_length=80)
    control_key: str = Field(max_length=120)
    colorway_name: str | None = Field(default=None, max_length=60)
    colorway_hex: str | None = Field(default=None, max_length=7)
    image_key: str = Field(max_length=120, index=True)
    params_hash: str = Field(max_length=64)
    params: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    seconds: float = 0.0
    note: str | None = Field(default=None, max_length=200)
    fidelity: dict[str, Any] | None = Field(
        default=None,
        sa_column=Column(JSON, nullable=True),
        description="The fidelity guard's figures against the sketch (patterns.fidelity); None on older drafts",
    )
    created_at: datetime = _ts()


class Role(StrEnum):
    DESIGNER = "designer"
    REVIEWER = "reviewer"
    PRODUCTION = "production"
    ADMIN = "admin"


class RoundStatus(StrEnum):
    OPEN = "open"  # drafts made or being made; waiting for a decision
    DECIDED = "decided"
    EXPIRED = "expired"  # nobody decided before the sprint's timeout


class Verdict(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    SEND_BACK = "send_back"


class Account(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, unique=True, index=True)
    role: str = Field(max_length=20)
    password_hash: str = Field(max_length=200)
    active: bool = True
    created_at: datetime = _ts()


class ReviewPolicy(SQLModel, table=True):
    """A review rule every entry point reads from the record (today: `four_eyes`), with who set it and when."""

    __tablename__ = "review_policy"
    key: str = Field(primary_key=True, max_length=40)
    enabled: bool = False
    set_by: str | None = Field(default=None, max_length=40)
    set_at: datetime = _ts()


class LoginSession(SQLModel, table=True):
    """A review-app login, server-side: the cookie carries only a random token, stored here as its SHA-256.

    Logout, a password change or disabling the account revoke rows, and the next request with that cookie is
    refused at once; a stolen database gives no usable token. Revoked rows are kept until they expire (audit).
    """

    __tablename__ = "loginsession"

    token_hash: str = Field(max_length=64, primary_key=True, description="SHA-256 hex of the cookie's token")
    account_id: int = Field(foreign_key="account.id", index=True)
    created_at: datetime = _ts()
    last_seen_at: datetime = _ts()
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False, index=True))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    client_addr: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=200)


class ReviewRound(SQLModel, table=True):
    """Round `number` of a look's review: its drafts, then one decision. One open round per look at most."""

    __table_args__ = (
        UniqueConstraint("look_id", "number", name="uq_round_look_number"),
        # The database, not Python, guarantees "exactly one open round": a partial unique index.
        Index(
            "uq_round_one_open_per_look",
            "look_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_reviewround_status_opened", "status", "opened_at", "id"),  # the queue, oldest first
    )

    id: int | None = Field(default=None, primary_key=True)
    look_id: int = Field(foreign_key="look.id", index=True)
    number: int = Field(ge=1)
    status: str = Field(default=RoundStatus.OPEN.value, max_length=20)
    engine: str = Field(max_length=20)
    edits: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    waiting_run_id: str | None = Field(default=None, max_length=40, description="Prefect flow run waiting on it")
    waiting_api_url: str | None = Field(default=None, max_length=300, description="That run's Prefect API")
    opened_at: datetime = _ts()
    closed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))


class ReviewDecision(SQLModel, table=True):
    """The record of a decision: one per round, enforced by a unique round_id."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="reviewround.id", unique=True)
    look_id: int = Field(foreign_key="look.id", index=True)
    verdict: str = Field(max_length=20)
    draft_id: int | None = Field(default=None, foreign_key="draft.id")
    account_id: int = Field(foreign_key="account.id")
    reviewer: str = Field(max_length=40)
    comment: str = Field(default="", max_length=4096)
    edits: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    source: str = Field(max_length=20, description="web, cli, api, prefect-ui or demo")
    drift_confirmed: list[str] | None = Field(
        default=None,
        sa_column=Column(JSON, nullable=True),
        description="An approved draft's drift reasons the reviewer confirmed; None when it was not flagged",
    )
    decided_at: datetime = _ts()


class PatternSetRow(SQLModel, table=True):
    """The pattern made from an approved draft: graded measurements and pieces, marker, and its files in the
    store. Keyed by (draft, hash of the settings that shaped it), so a retried hand-off finds it again."""

    __tablename__ = "patternset"
    __table_args__ = (UniqueConstraint("draft_id", "params_hash", name="uq_patternset_draft_params"),)

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    look_id: int = Field(foreign_key="look.id", index=True)
    garment: str = Field(max_length=20)
    base_size: str = Field(max_length=12)
    params_hash: str = Field(max_length=64)
    params: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    measurements: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False), description="size -> POM -> cm")
    pieces: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False), description="size -> pieces")
    marker: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    files: dict[str, str] = Field(sa_column=Column(JSON, nullable=False), description="kind -> store key")
    created_at: datetime = _ts()


class EstimateRow(SQLModel, table=True):
    """Materials and carbon of a pattern in a material: consumption, CO2e by stage with low/high, comparison."""

    __tablename__ = "estimate"
    __table_args__ = (UniqueConstraint("pattern_id", "params_hash", name="uq_estimate_pattern_params"),)

    id: int | None = Field(default=None, primary_key=True)
    pattern_id: int = Field(foreign_key="patternset.id", index=True)
    look_id: int = Field(foreign_key="look.id", index=True)
    material: str = Field(max_length=80)
    baseline: str | None = Field(default=None, max_length=80)
    params_hash: str = Field(max_length=64)
    kg_co2e_per_garment: float
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = _ts()


class TechPack(SQLModel, table=True):
    """A tech pack of a look: a draft (kept while production prepares it) or a released revision (A, B, ...).

    A released row is immutable: database triggers refuse any UPDATE or DELETE of it, and its files are in
    the content-addressed store under their SHA-256, recorded here."""

    __table_args__ = (UniqueConstraint("look_id", "revision", name="uq_techpack_look_revision"),)

    id: int | None = Field(default=None, primary_key=True)
    look_id: int = Field(foreign_key="look.id", index=True)
    draft_id: int = Field(foreign_key="draft.id")
    pattern_id: int = Field(foreign_key="patternset.id")
    estimate_id: int = Field(foreign_key="estimate.id")
    revision: str | None = Field(default=None, max_length=4, description="A, B, ...; None while a draft")
    status: str = Field(default="draft", max_length=12)
    content_hash: str = Field(max_length=64, index=True, description="SHA-256 of the design's spec")
    files: dict[str, str] = Field(sa_column=Column(JSON, nullable=False), description="kind -> store key")
    sha256: dict[str, str] = Field(sa_column=Column(JSON, nullable=False), description="kind -> SHA-256")
    released_by: str | None = Field(default=None, max_length=40)
    released_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    created_at: datetime = _ts()
