"""The review state machine: rounds, decisions, and what each verdict does to a look.

A look has at most one open round (a partial unique index) and a round at most one decision (a unique
round_id); on PostgreSQL the round row is also locked while deciding. So when two reviewers decide the same
round at once, the database lets exactly one through and the other gets "already decided by X at T", whatever
the Python processes do. The decision row is the record: a Prefect run waiting for it is resumed afterwards,
and a run that finds the decision already recorded goes on without waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from design_ai.db.models import (
    Account,
    Brief,
    Draft,
    Look,
    LookStatus,
    ReviewDecision,
    ReviewRound,
    RoundStatus,
    Verdict,
    utcnow,
)
from design_ai.db.session import session_scope
from design_ai.errors import UserError
from design_ai.patterns.drift import FidelityLimits, drift_reasons, review_figures
from design_ai.review.accounts import DECIDERS, Forbidden, get_account, require_role
from design_ai.review.four_eyes import check_not_author, four_eyes_in_force

__all__ = [
    "MAX_COMMENT_BYTES",
    "Conflict",
    "DecisionRecord",
    "DriftNotConfirmed",
    "Forbidden",
    "NotFound",
    "Resumer",
    "SendBackEdits",
    "decide",
    "decision_for_round",
    "expire_round",
    "look_history",
    "open_round",
    "review_queue",
    "stalled_send_backs",
    "waiting_run",
]

MAX_COMMENT_BYTES = 4096


class NotFound(UserError):
    """No such look, draft or account (HTTP 404)."""


class Conflict(UserError):
    """The state changed under the caller: the round is closed or already decided (HTTP 409)."""


class DriftNotConfirmed(Conflict):
    """Approving a draft the fidelity guard flags, without confirming its drift (HTTP 409, CLI exit 2)."""


class SendBackEdits(BaseModel):
    """What a reviewer may change for the next round."""

    model_config = ConfigDict(extra="forbid")

    prompt: str | None = Field(default=None, min_length=1, max_length=2000)
    seed: int | None = Field(default=None, ge=0, lt=2**32)
    strength: float | None = Field(default=None, ge=0.0, le=2.0, description="controlnet_conditioning_scale")
    drafts: int | None = Field(default=None, ge=1, le=64)


@dataclass(frozen=True)
class DecisionRecord:
    decision_id: int
    look_id: int
    round: int
    verdict: str
    draft_id: int | None
    reviewer: str
    comment: str
    edits: dict[str, Any]
    source: str
    decided_at: datetime
    next_round: int | None  # the round a send-back opened
    waiting_run_id: str | None  # the Prefect run waiting on this round, to resume
    waiting_api_url: str | None
    drift_confirmed: list[str] | None = None  # the approved draft's drift reasons the reviewer confirmed

    def as_input(self) -> dict[str, Any]:
        """The run input a waiting sprint is resumed with."""
        return {
            "look_id": self.look_id,
            "round": self.round,
            "verdict": self.verdict,
            "draft_id": self.draft_id,
            "reviewer": self.reviewer,
            "comment": self.comment,
            **{k: self.edits.get(k) for k in ("prompt", "seed", "strength", "drafts")},
            "confirm_drift": bool(self.drift_confirmed),
        }


class Resumer(Protocol):
    """Resumes an orchestrator run waiting for a decision (the flows layer provides one for Prefect)."""

    def __call__(self, run_id: str, run_input: dict[str, Any], api_url: str | None) -> bool: ...


def _record(d: ReviewDecision, number: int, rnd: ReviewRound, next_round: int | None) -> DecisionRecord:
    return DecisionRecord(
        decision_id=d.id,  # type: ignore[arg-type]
        look_id=d.look_id,
        round=number,
        verdict=d.verdict,
        draft_id=d.draft_id,
        reviewer=d.reviewer,
        comment=d.comment,
        edits=dict(d.edits),
        source=d.source,
        decided_at=d.decided_at,
        next_round=next_round,
        waiting_run_id=rnd.waiting_run_id,
        waiting_api_url=rnd.waiting_api_url,
        drift_confirmed=list(d.drift_confirmed) if d.drift_confirmed else None,
    )


def open_round(session: Session, look_id: int, *, engine: str, edits: dict[str, Any] | None = None) -> ReviewRound:
    """The look's open round, or round 1 opened now (idempotent)."""
    rnd = session.exec(
        select(ReviewRound).where(ReviewRound.look_id == look_id, ReviewRound.status == RoundStatus.OPEN)
    ).first()
    if rnd is not None:
        return rnd
    last = session.exec(select(func.max(ReviewRound.number)).where(ReviewRound.look_id == look_id)).one()
    rnd = ReviewRound(look_id=look_id, number=(last or 0) + 1, engine=engine, edits=edits or {})
    session.add(rnd)
    session.flush()
    return rnd


def decision_for_round(session: Session, round_id: int) -> ReviewDecision | None:
    return session.exec(select(ReviewDecision).where(ReviewDecision.round_id == round_id)).first()


def _already(session: Session, look: Look, number: int | None = None) -> Conflict:
    """Why a decision on round `number` (default: the latest round) cannot be taken, read fresh."""
    session.refresh(look)
    query = select(ReviewRound).where(ReviewRound.look_id == look.id)
    query = query.where(ReviewRound.number == number) if number is not None else query
    rnd = session.exec(query.order_by(col(ReviewRound.number).desc())).first()
    if rnd is not None:
        done = decision_for_round(session, rnd.id)  # type: ignore[arg-type]
        if done is not None:
            when = done.decided_at.strftime("%Y-%m-%d %H:%M:%S UTC")
            return Conflict(
                f"look {look.id} round {rnd.number} already decided by {done.reviewer} at {when} ({done.verdict})"
            )
        if number is not None:
            return Conflict(f"look {look.id} round {number} is {rnd.status}, not open for decisions")
    elif number is not None:
        return NotFound(f"look {look.id} has no round {number}", where="round")
    return Conflict(f"look {look.id} has no open review round (status: {look.status})")


def _validate_comment(comment: str) -> str:
    if len(comment.encode("utf-8")) > MAX_COMMENT_BYTES:
        raise UserError(
            f"comment is {len(comment.encode())} bytes, over the {MAX_COMMENT_BYTES}-byte limit", where="comment"
        )
    return comment


def decide(
    url: str,
    *,
    look_id: int,
    verdict: str,
    reviewer: str,
    draft_id: int | None = None,
    comment: str = "",
    edits: dict[str, Any] | None = None,
    source: str = "api",
    four_eyes: bool = False,
    expected_round: int | None = None,
    confirm_drift: bool = False,
    limits: FidelityLimits | None = None,
) -> DecisionRecord:
    """Record one decision on the look's open round, in one transaction, or raise without writing.

    `expected_round` is the round the reviewer saw: a decision made on a page showing round 1 is refused once
    round 2 is open, instead of landing on drafts the reviewer never saw.

    Approving a draft that the fidelity guard flags under `limits` (the settings' `fidelity_limits`; the
    defaults when None) needs `confirm_drift=True`, else `DriftNotConfirmed` names the draft and its reasons;
    a confirmed approval records those reasons in the decision's `drift_confirmed`.
    """
    if verdict not in {v.value for v in Verdict}:
        raise UserError(f"unknown verdict {verdict!r} (approve, reject or send_back)", where="verdict")
    comment = _validate_comment(comment or "")
    edit_values: dict[str, Any] = {}
    if verdict == Verdict.SEND_BACK:
        try:
            edit_values = SendBackEdits.model_validate(edits or {}).model_dump(exclude_none=True)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise UserError(err["msg"], where=".".join(str(p) for p in err["loc"]) or "edits") from None
    elif edits and any(v is not None for v in edits.values()):
        raise UserError("edits are only for send_back", where="edits")
    if verdict == Verdict.APPROVE and draft_id is None:
        raise UserError("approving needs the draft to approve", where="draft")
    if verdict != Verdict.APPROVE and draft_id is not None:
        raise UserError("only an approval names a draft", where="draft")

    attempted = expected_round
    try:
        with session_scope(url) as session:
            account = get_account(session, reviewer)
            if account is None:
                raise NotFound(f"no active account named {reviewer!r}", where="reviewer")
            require_role(account, DECIDERS, "decide on looks")
            # Lock the look first: every decision on it queues here, so each reads the state the previous one
            # committed (PostgreSQL's READ COMMITTED would otherwise mix a stale look with a fresh round).
            look = session.exec(select(Look).where(Look.id == look_id).with_for_update()).first()
            if look is None:
                raise NotFound(f"no look with id {look_id}", where="look")
            if four_eyes_in_force(session, four_eyes):
                check_not_author(session, account, session.get(Brief, look.brief_id))
            rnd = session.exec(
                select(ReviewRound)
                .where(ReviewRound.look_id == look_id, ReviewRound.status == RoundStatus.OPEN)
                .with_for_update()
            ).first()
            if rnd is None:
                raise _already(session, look, expected_round)
            if expected_round is not None and rnd.number != expected_round:
                raise _already(session, look, expected_round)
            attempted = rnd.number
            if look.status != LookStatus.IN_REVIEW:
                raise Conflict(f"look {look_id} is {look.status}: round {rnd.number} is not ready for a decision")
            if verdict == Verdict.APPROVE:
                draft = session.get(Draft, draft_id)
                if draft is None or draft.look_id != look_id or draft.round != rnd.number:
                    raise NotFound(
                        f"draft {draft_id} is not a draft of look {look_id} round {rnd.number}", where="draft"
                    )
                drift = drift_reasons(draft.fidelity, limits or FidelityLimits())
                if drift and not confirm_drift:
                    raise DriftNotConfirmed(
                        f"draft {draft_id} drifts from its sketch ({'; '.join(drift)}): confirm the drift to approve it"
                    )
            else:
                drift = []
            decision = ReviewDecision(
                round_id=rnd.id,  # type: ignore[arg-type]
                look_id=look_id,
                verdict=verdict,
                draft_id=draft_id,
                account_id=account.id,  # type: ignore[arg-type]
                reviewer=account.name,
                comment=comment,
                edits=edit_values,
                source=source,
                drift_confirmed=drift or None,
            )
            session.add(decision)
            rnd.status, rnd.closed_at = RoundStatus.DECIDED.value, utcnow()
            session.add(rnd)
            session.flush()  # the unique round_id refuses a second decision here
            next_round = None
            if verdict == Verdict.APPROVE:
                look.status = LookStatus.APPROVED.value
            elif verdict == Verdict.REJECT:
                look.status = LookStatus.REJECTED.value
            else:
                nxt = ReviewRound(look_id=look_id, number=rnd.number + 1, engine=rnd.engine, edits=edit_values)
                session.add(nxt)
                look.status = LookStatus.DRAFTING.value
                next_round = nxt.number
            session.add(look)
            session.flush()
            return _record(decision, rnd.number, rnd, next_round)
    except IntegrityError:
        with session_scope(url, readonly=True) as session:
            look = session.get(Look, look_id)
            raise _already(session, look, attempted) from None  # type: ignore[arg-type]


def expire_round(url: str, look_id: int, number: int) -> bool:
    """Close an undecided round when the sprint's wait times out; True if it was still open."""
    with session_scope(url) as session:
        rnd = session.exec(
            select(ReviewRound)
            .where(ReviewRound.look_id == look_id, ReviewRound.number == number, ReviewRound.status == RoundStatus.OPEN)
            .with_for_update()
        ).first()
        if rnd is None:
            return False
        rnd.status, rnd.closed_at, rnd.waiting_run_id = RoundStatus.EXPIRED.value, utcnow(), None
        look = session.get(Look, look_id)
        if look is not None:
            look.status = LookStatus.EXPIRED.value
            session.add(look)
        session.add(rnd)
        return True


def open_round_number(url: str, look_id: int) -> int | None:
    with session_scope(url, readonly=True) as session:
        rnd = session.exec(
            select(ReviewRound).where(ReviewRound.look_id == look_id, ReviewRound.status == RoundStatus.OPEN)
        ).first()
        return rnd.number if rnd is not None else None


def waiting_run(url: str, look_id: int, number: int) -> str | None:
    """The orchestrator run waiting on the round, if any (`mark_waiting` recorded it)."""
    with session_scope(url, readonly=True) as session:
        rnd = session.exec(
            select(ReviewRound).where(ReviewRound.look_id == look_id, ReviewRound.number == number)
        ).first()
        return rnd.waiting_run_id if rnd is not None else None


def mark_waiting(url: str, look_id: int, number: int, run_id: str | None, api_url: str | None) -> None:
    """Record which orchestrator run waits on the round (or none), so a decision can resume it."""
    with session_scope(url) as session:
        rnd = session.exec(
            select(ReviewRound).where(ReviewRound.look_id == look_id, ReviewRound.number == number).with_for_update()
        ).first()
        if rnd is None:
            raise NotFound(f"look {look_id} has no round {number}")
        rnd.waiting_run_id, rnd.waiting_api_url = run_id, api_url
        session.add(rnd)


def stalled_send_backs(url: str, *, opened_before: datetime | None = None) -> list[int]:
    """Looks a send-back left `drafting` with its new round open: their drafts are still to be made.

    Only a send-back opens a round while a look is drafting (round 1 opens once its drafts exist), so these
    are exactly the rounds whose drafting was lost if no job is running now, e.g. a review server killed
    while drafting. Drafting is keyed (look, round, parameters), so resuming one that is in fact still being
    drafted elsewhere costs time but writes nothing twice. `opened_before`: only rounds opened before then (a
    running server's sweep leaves alone the rounds a live job may still be drafting).
    """
    with session_scope(url, readonly=True) as session:
        query = (
            select(Look.id)
            .join(ReviewRound, ReviewRound.look_id == Look.id)  # type: ignore[arg-type]
            .where(Look.status == LookStatus.DRAFTING, ReviewRound.status == RoundStatus.OPEN)
            .order_by(ReviewRound.opened_at, ReviewRound.id)
        )
        if opened_before is not None:
            query = query.where(ReviewRound.opened_at < opened_before)
        rows = session.exec(query).all()
    return [int(look_id) for look_id in rows if look_id is not None]


def round_state(url: str, look_id: int, number: int) -> tuple[str, DecisionRecord | None]:
    """The round's status and, once decided, its decision."""
    with session_scope(url, readonly=True) as session:
        rnd = session.exec(
            select(ReviewRound).where(ReviewRound.look_id == look_id, ReviewRound.number == number)
        ).first()
        if rnd is None:
            raise NotFound(f"look {look_id} has no round {number}")
        d = decision_for_round(session, rnd.id)  # type: ignore[arg-type]
        nxt = rnd.number + 1 if d is not None and d.verdict == Verdict.SEND_BACK else None
        return rnd.status, (_record(d, rnd.number, rnd, nxt) if d is not None else None)


def review_queue(
    session: Session, *, limit: int = 100, offset: int = 0, limits: FidelityLimits | None = None
) -> list[dict[str, Any]]:
    """Looks waiting for a decision, oldest round first, with brief, round, age and their drafts (each with
    its fidelity figures judged against `limits`, the settings' `fidelity_limits`; the defaults when None).

    Only the columns the queue shows are read (no JSON specs), through the (status, opened_at, id) index, so a
    page stays cheap with tens of thousands of looks waiting.
    """
    rows = session.exec(
        select(Look.id, Look.name, ReviewRound.number, ReviewRound.opened_at, Brief.id, Brief.collection, Brief.author)
        .join(ReviewRound, ReviewRound.look_id == Look.id)  # type: ignore[arg-type]
        .join(Brief, Brief.id == Look.brief_id)  # type: ignore[arg-type]
        .where(ReviewRound.status == RoundStatus.OPEN, Look.status == LookStatus.IN_REVIEW)
        .order_by(ReviewRound.opened_at, ReviewRound.id)
        .offset(offset)
        .limit(limit)
    ).all()
    drafts_by: dict[tuple[int, int], list[dict[str, Any]]] = {}
    if rows:
        wanted = {(look_id, number) for look_id, _, number, *_ in rows}
        cols = (Draft.id, Draft.look_id, Draft.round, Draft.position, Draft.engine, Draft.seed, Draft.colorway_name,
                Draft.colorway_hex, Draft.image_key, Draft.prompt, Draft.controlnet_scale, Draft.note,
                Draft.fidelity)  # fmt: skip
        for d in session.exec(
            select(*cols).where(col(Draft.look_id).in_([r[0] for r in rows])).order_by(Draft.position)
        ).all():
            if (d[1], d[2]) in wanted:
                drafts_by.setdefault((d[1], d[2]), []).append(
                    dict(zip(("draft_id", "look_id", "round", "position", "engine", "seed", "colorway",
                              "colorway_hex", "image_key", "prompt", "controlnet_scale", "note", "fidelity"), d,
                             strict=True))
                )  # fmt: skip
    now = utcnow()
    out = []
    for look_id, name, number, opened_at, brief_id, collection, author in rows:
        opened = opened_at if opened_at.tzinfo else opened_at.replace(tzinfo=now.tzinfo)
        drafts = drafts_by.get((look_id, number), [])
        for d in drafts:
            d.pop("look_id", None)
            d["fidelity"] = review_figures(d["fidelity"], limits or FidelityLimits())
        out.append(
            {
                "look_id": look_id,
                "name": name,
                "brief_id": brief_id,
                "collection": collection,
                "author": author,
                "round": number,
                "waiting_since": opened.isoformat(),
                "age_s": int((now - opened).total_seconds()),
                "drafts": drafts,
                "flagged_drafts": sum(1 for d in drafts if d["fidelity"] and d["fidelity"]["flagged"]),
            }
        )
    return out


def _draft_json(d: Draft, limits: FidelityLimits) -> dict[str, Any]:
    return {
        "draft_id": d.id,
        "round": d.round,
        "position": d.position,
        "engine": d.engine,
        "seed": d.seed,
        "colorway": d.colorway_name,
        "colorway_hex": d.colorway_hex,
        "image_key": d.image_key,
        "prompt": d.prompt,
        "controlnet_scale": d.controlnet_scale,
        "note": d.note,
        "fidelity": review_figures(d.fidelity, limits),
    }


def look_history(session: Session, look_id: int, *, limits: FidelityLimits | None = None) -> dict[str, Any]:
    """Everything the look page shows: the look, its sketch and control map, and every round with its
    drafts (fidelity judged against `limits`, as in `review_queue`) and decision."""
    limits = limits or FidelityLimits()
    look = session.get(Look, look_id)
    if look is None:
        raise NotFound(f"no look with id {look_id}", where="look")
    brief = session.get(Brief, look.brief_id)
    rounds = session.exec(select(ReviewRound).where(ReviewRound.look_id == look_id).order_by(ReviewRound.number)).all()
    drafts = session.exec(select(Draft).where(Draft.look_id == look_id).order_by(Draft.round, Draft.position)).all()
    decisions = {
        d.round_id: d for d in session.exec(select(ReviewDecision).where(ReviewDecision.look_id == look_id)).all()
    }
    return {
        "look_id": look.id,
        "name": look.name,
        "status": look.status,
        "garment": look.garment,
        "material": look.material,
        "prompt": look.prompt,
        "brief": {"brief_id": brief.id, "collection": brief.collection, "season": brief.season, "author": brief.author}
        if brief
        else None,
        "sketch_key": look.sketch_key,
        "control": {"type": look.control_type, "detector": look.control_detector, "image_key": look.control_key},
        "rounds": [
            {
                "round": r.number,
                "status": r.status,
                "engine": r.engine,
                "edits": r.edits,
                "opened_at": r.opened_at.isoformat(),
                "closed_at": r.closed_at.isoformat() if r.closed_at else None,
                "drafts": [_draft_json(d, limits) for d in drafts if d.round == r.number],
                "decision": (
                    {
                        "verdict": dec.verdict,
                        "draft_id": dec.draft_id,
                        "reviewer": dec.reviewer,
                        "comment": dec.comment,
                        "edits": dec.edits,
                        "source": dec.source,
                        "drift_confirmed": dec.drift_confirmed,
                        "decided_at": dec.decided_at.isoformat(),
                    }
                    if (dec := decisions.get(r.id)) is not None
                    else None
                ),
            }
            for r in rounds
        ],
    }


def account_of(session: Session, name: str) -> Account:
    account = get_account(session, name)
    if account is None:
        raise NotFound(f"no active account named {name!r}", where="--as")
    return account
