"""The review app's JSON API, for the CLI, scripts and tests, behind the same sessions as the pages.

`POST /api/login` answers with the session's CSRF token; every other POST must send it back in the
`X-CSRF-Token` header. Login itself needs no token: FastAPI parses a JSON body only with a JSON content type,
which a cross-site form cannot send without a CORS preflight that this app never grants.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from design_ai.errors import UserError
from design_ai.limits import MAX_ID
from design_ai.review.accounts import DECIDERS, Forbidden
from design_ai.review.deps import ApiCsrfUser, ContextDep, CurrentUser, LookId, SessionDep, end_session
from design_ai.review.login import LoginRefused, attempt_login
from design_ai.review.state import DecisionRecord, look_history, review_queue
from design_ai.review.web_context import QUEUE_SPARE, count_waiting, status_for

__all__ = ["DecisionIn", "DecisionOut", "LoginIn", "MeOut", "router"]

router = APIRouter(prefix="/api", tags=["api"])


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=40)
    password: str = Field(min_length=1, max_length=1024)


class MeOut(BaseModel):
    name: str
    role: str
    csrf_token: str
    can_decide: bool


class DecisionIn(BaseModel):
    """A decision on the look's open round; `round` (optional) refuses it if another round is open by now."""

    model_config = ConfigDict(extra="forbid")

    verdict: Literal["approve", "reject", "send_back"]
    draft_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    round: int | None = Field(default=None, ge=1, le=MAX_ID, description="The round the caller saw")
    # A loose cap against huge bodies; the state machine enforces the real 4 KB limit and names the field.
    comment: str = Field(default="", max_length=65_536)
    prompt: str | None = None
    seed: int | None = None
    strength: float | None = None
    drafts: int | None = None
    confirm_drift: bool = Field(
        default=False, description="Approve a draft the fidelity guard flags (its drift reasons are recorded)"
    )


class DecisionOut(BaseModel):
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
    next_round: int | None
    waiting_run_id: str | None
    drift_confirmed: list[str] | None = None

    @classmethod
    def of(cls, record: DecisionRecord) -> DecisionOut:
        return cls(
            decision_id=record.decision_id,
            look_id=record.look_id,
            round=record.round,
            verdict=record.verdict,
            draft_id=record.draft_id,
            reviewer=record.reviewer,
            comment=record.comment,
            edits=record.edits,
            source=record.source,
            decided_at=record.decided_at,
            next_round=record.next_round,
            waiting_run_id=record.waiting_run_id,
            drift_confirmed=record.drift_confirmed,
        )


def _http(exc: UserError) -> HTTPException:
    return HTTPException(status_code=status_for(exc), detail=str(exc))


@router.post("/login")
async def api_login(body: LoginIn, request: Request, ctx: ContextDep) -> MeOut:
    """Async on purpose: a login waiting for a password-hash slot holds no worker thread (see `login`)."""
    try:
        account = await attempt_login(request, ctx.db_url, body.name, body.password)
    except LoginRefused as exc:
        detail = "wrong name or password" if exc.status == 401 else exc.message
        raise HTTPException(status_code=exc.status, detail=detail, headers=exc.headers or None) from None
    return MeOut(name=account.name, role=account.role, csrf_token=account.csrf, can_decide=account.role in DECIDERS)


@router.post("/logout")
def api_logout(request: Request, ctx: ContextDep, viewer: ApiCsrfUser) -> dict[str, bool]:
    end_session(request, ctx)
    return {"ok": True}


@router.get("/me")
def api_me(viewer: CurrentUser) -> MeOut:
    return MeOut(name=viewer.name, role=viewer.role, csrf_token=viewer.csrf, can_decide=viewer.can_decide)


@router.get("/queue")
def api_queue(
    viewer: CurrentUser,
    session: SessionDep,
    ctx: ContextDep,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> list[dict[str, Any]]:
    """Looks waiting for a decision, oldest first (`review_queue`); the total is in `X-Total-Count`.

    Served from the queue cache, read with `QUEUE_SPARE` looks beyond `limit`, so the looks decided since it
    was read can be left out and the answer stays full; read afresh when they cannot."""

    def read() -> tuple[int, list[dict[str, Any]]]:
        return count_waiting(session), review_queue(session, limit=limit + QUEUE_SPARE, offset=offset,
                                                    limits=ctx.settings.fidelity_limits)  # fmt: skip

    (total, items), decided = ctx.queue_cache.get(("api", limit, offset), read)
    waiting = max(0, total - len(decided))
    shown = [it for it in items if it["look_id"] not in decided][:limit]
    if len(shown) < min(limit, waiting - offset):  # so many decided since that the page ran short
        waiting, items = read()
        shown = items[:limit]
    response.headers["X-Total-Count"] = str(waiting)
    return shown


@router.get("/looks/{look_id}")
def api_look(look_id: LookId, viewer: CurrentUser, session: SessionDep, ctx: ContextDep) -> dict[str, Any]:
    """The look with every round; each draft's `fidelity` is judged against the settings' limits."""
    try:
        return look_history(session, look_id, limits=ctx.settings.fidelity_limits)
    except UserError as exc:
        raise _http(exc) from None


@router.post("/looks/{look_id}/decision", status_code=201)
def api_decide(look_id: LookId, body: DecisionIn, viewer: ApiCsrfUser, ctx: ContextDep) -> DecisionOut:
    edit_fields = {"prompt": body.prompt, "seed": body.seed, "strength": body.strength, "drafts": body.drafts}
    edits = {k: v for k, v in edit_fields.items() if v is not None}
    try:
        if not viewer.can_decide:
            raise Forbidden(f"{viewer.name} ({viewer.role}) may not decide on looks; needs admin or reviewer")
        record = ctx.record_decision(
            reviewer=viewer.name,
            look_id=look_id,
            verdict=body.verdict,
            draft_id=body.draft_id,
            comment=body.comment,
            edits=edits,
            source="api",
            expected_round=body.round,
            confirm_drift=body.confirm_drift,
        )
    except UserError as exc:
        raise _http(exc) from None
    return DecisionOut.of(record)
