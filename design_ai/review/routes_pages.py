"""The review app's pages: login, the queue, and a look with its drafts, history and decision forms.

Plain HTML forms do everything (the page works without JavaScript); each form carries the session's CSRF token,
and a decision form also carries the round the reviewer was looking at, so a stale page cannot decide a newer
round. A decision redirects back to the queue with a one-time message; a refused one shows the look again with
the reason and the reviewer's comment kept.
"""

from __future__ import annotations

from math import ceil
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse
from markupsafe import Markup
from sqlmodel import Session
from starlette.responses import Response

from design_ai.db.models import Look, LookStatus, RoundStatus, Verdict
from design_ai.db.session import session_scope
from design_ai.errors import UserError, quoted
from design_ai.limits import MAX_ID
from design_ai.review.accounts import Forbidden
from design_ai.review.deps import (
    ContextDep,
    FormCsrfUser,
    LookId,
    PageUser,
    SessionDep,
    Viewer,
    end_session,
    optional_viewer,
    require_form_csrf,
)
from design_ai.review.four_eyes import four_eyes_in_force, four_eyes_refusal
from design_ai.review.login import LoginRefused, attempt_login
from design_ai.review.state import DecisionRecord, DriftNotConfirmed, look_history, review_queue
from design_ai.review.web_context import QUEUE_SPARE, AppContext, count_waiting, flash, status_for
from design_ai.review.web_security import new_csrf_token, safe_next

__all__ = ["PER_PAGE", "router"]

router = APIRouter(tags=["pages"])

PER_PAGE = 50
VERDICT_LABEL = {"approve": "Approved", "reject": "Rejected", "send_back": "Sent back"}

OptionalField = Annotated[str | None, Form()]
_YES = frozenset({"1", "on", "yes", "true"})


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/login")
def login_page(request: Request, ctx: ContextDep, next: str | None = None) -> Response:
    if optional_viewer(request, ctx) is not None:
        return _see_other(safe_next(next))
    if not isinstance(request.session.get("csrf"), str):
        request.session["csrf"] = new_csrf_token()  # login forms carry a token too (no login CSRF)
    return ctx.render(request, "login.html", {"next": safe_next(next), "name": ""})


@router.post("/login", dependencies=[Depends(require_form_csrf)])
async def login_submit(
    request: Request,
    ctx: ContextDep,
    name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Async on purpose: a login waiting for a password-hash slot holds no worker thread (see `login`)."""
    try:
        account = await attempt_login(request, ctx.db_url, name, password)
    except LoginRefused as exc:
        context = {"next": safe_next(next), "name": name[:40], "error": exc.message}
        response = ctx.render(request, "login.html", context, status_code=exc.status)
        response.headers.update(exc.headers)
        return response
    flash(request, "info", f"Signed in as {account.name} ({account.role}).")
    return _see_other(safe_next(next))


@router.post("/logout")
def logout(request: Request, ctx: ContextDep, viewer: FormCsrfUser) -> Response:
    end_session(request, ctx)
    request.session["csrf"] = new_csrf_token()
    flash(request, "info", "Signed out.")
    return _see_other("/login")


@router.get("/")
def queue_page(
    request: Request,
    ctx: ContextDep,
    viewer: PageUser,
    session: SessionDep,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    env = ctx.templates.env

    def content() -> tuple[int, int, list[tuple[int, Markup]]]:  # the same for every viewer: cached a moment
        total = count_waiting(session)
        shown = min(page, max(1, ceil(total / PER_PAGE)))
        items = review_queue(session, limit=PER_PAGE + QUEUE_SPARE, offset=(shown - 1) * PER_PAGE,
                             limits=ctx.settings.fidelity_limits)  # fmt: skip
        item = env.get_template("review/queue_item.html")
        return total, shown, [(it["look_id"], Markup(item.render(it=it))) for it in items]

    (total, shown, items), decided = ctx.queue_cache.get(("page", page), content)
    total = max(0, total - len(decided))  # decided since the page was read: each was waiting then
    context = {"items_html": [html for look_id, html in items if look_id not in decided][:PER_PAGE], "total": total,
               "page": shown, "pages": max(1, ceil(total / PER_PAGE)), "per_page": PER_PAGE}  # fmt: skip
    html = Markup(env.get_template("review/queue_list.html").render(context))
    return ctx.render(request, "queue.html", {"queue_html": html}, viewer=viewer)


def _look_context(ctx: AppContext, session: Session, viewer: Viewer, look_id: int) -> dict[str, Any]:
    look = look_history(session, look_id, limits=ctx.settings.fidelity_limits)
    rounds = look["rounds"]
    current = rounds[-1] if rounds else None
    open_for_review = (
        current is not None
        and current["status"] == RoundStatus.OPEN
        and look["status"] == LookStatus.IN_REVIEW
        and bool(current["drafts"])
    )
    author = (look.get("brief") or {}).get("author")
    four_eyes = None  # why the four-eyes rule keeps this viewer from deciding, if it does
    if viewer.can_decide and four_eyes_in_force(session, ctx.settings.four_eyes):
        four_eyes = four_eyes_refusal(session, viewer.name, author)
    return {
        "look": look,
        "current": current,
        "history": list(reversed(rounds)),
        "open_for_review": open_for_review,
        "can_act": open_for_review and viewer.can_decide and four_eyes is None,
        "four_eyes": four_eyes,
        "verdict_label": VERDICT_LABEL,
        "failed": {},
        "error": None,
        "drift_refused": False,
    }


@router.get("/looks/{look_id}")
def look_page(look_id: LookId, request: Request, ctx: ContextDep, viewer: PageUser, session: SessionDep) -> Response:
    try:
        context = _look_context(ctx, session, viewer, look_id)
    except UserError as exc:
        return ctx.render(request, "error.html", {"status": 404, "detail": str(exc)}, viewer=viewer, status_code=404)
    return ctx.render(request, "look.html", context, viewer=viewer)


def _int_field(value: str | None, where: str) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        number = int(value.strip())
    except ValueError:
        raise UserError(f"{quoted(value.strip(), 40)} is not a whole number", where=where) from None
    if abs(number) > MAX_ID:
        raise UserError(f"{quoted(number, 40)} is out of range", where=where)
    return number


def _float_field(value: str | None, where: str) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        return float(value.strip())
    except ValueError:
        raise UserError(f"{quoted(value.strip(), 40)} is not a number", where=where) from None


def _done_message(record: DecisionRecord, name: str) -> str:
    what = {
        "approve": f"Approved draft #{record.draft_id} of “{name}”",
        "reject": f"Rejected “{name}”",
        "send_back": f"Sent “{name}” back for round {record.next_round}",
    }[record.verdict]
    return f"{what} (round {record.round})."


@router.post("/looks/{look_id}/decision")
def decide_form(
    look_id: LookId,
    request: Request,
    ctx: ContextDep,
    viewer: FormCsrfUser,
    verdict: Annotated[str, Form(max_length=20)],
    draft_id: OptionalField = None,
    round: OptionalField = None,
    comment: Annotated[str, Form(max_length=65_536)] = "",
    prompt: OptionalField = None,
    seed: OptionalField = None,
    strength: OptionalField = None,
    drafts: OptionalField = None,
    confirm_drift: OptionalField = None,
) -> Response:
    """A decision from the look page. Approving a flagged draft needs its "I have checked the drift" box
    ticked (`confirm_drift`; the page's script asks before submitting without it): the server checks it."""
    submitted = {"verdict": verdict, "draft_id": draft_id, "comment": comment, "prompt": prompt, "seed": seed}
    submitted |= {"strength": strength, "drafts": drafts}
    try:
        if not viewer.can_decide:
            raise Forbidden(f"{viewer.name} ({viewer.role}) may not decide on looks; needs admin or reviewer")
        edits: dict[str, Any] = {}
        if verdict == Verdict.SEND_BACK:
            edits = {
                "prompt": (prompt or "").strip() or None,
                "seed": _int_field(seed, "seed"),
                "strength": _float_field(strength, "strength"),
                "drafts": _int_field(drafts, "drafts"),
            }
        record = ctx.record_decision(
            reviewer=viewer.name,
            look_id=look_id,
            verdict=verdict,
            draft_id=_int_field(draft_id, "draft"),
            comment=comment,
            edits={k: v for k, v in edits.items() if v is not None},
            source="web",
            expected_round=_int_field(round, "round"),
            confirm_drift=(confirm_drift or "").strip().lower() in _YES,
        )
    except UserError as exc:
        status = status_for(exc)
        try:
            with session_scope(ctx.db_url, readonly=True) as session:
                context = _look_context(ctx, session, viewer, look_id)
        except UserError:
            context = None
        if context is None:
            return ctx.render(
                request, "error.html", {"status": status, "detail": str(exc)}, viewer=viewer, status_code=status
            )
        context |= {"error": str(exc), "failed": submitted, "drift_refused": isinstance(exc, DriftNotConfirmed)}
        return ctx.render(request, "look.html", context, viewer=viewer, status_code=status)
    with session_scope(ctx.db_url) as session:
        look = session.get(Look, look_id)
        name = look.name if look is not None else f"look {look_id}"
    flash(request, "ok", _done_message(record, name))
    return _see_other("/")


def login_redirect(next_path: str) -> RedirectResponse:
    """Where a page sends a visitor who is not logged in."""
    return _see_other(f"/login?next={quote(safe_next(next_path), safe='/')}")
