"""FastAPI dependencies of the review app: the shared context, a database session, and who is asking.

Routes take what they need as annotated parameters (`SessionDep`, `CurrentUser`, `PageUser`, ...), in the style
of the FastAPI full-stack template. Every POST route takes one of the `*Csrf*` dependencies: they check the
session's CSRF token (form field or header) after the login check and before the route body runs, so a forged
request is refused before anything is read or written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request
from sqlmodel import Session

from design_ai.db.session import session_scope
from design_ai.limits import MAX_ID
from design_ai.review.accounts import DECIDERS
from design_ai.review.sessions import lookup, revoke, touch
from design_ai.review.web_context import AppContext
from design_ai.review.web_security import CSRF_FIELD, CSRF_HEADER, csrf_matches, new_csrf_token

__all__ = [
    "ApiCsrfUser",
    "ContextDep",
    "CurrentUser",
    "FormCsrfUser",
    "LoginRequired",
    "LookId",
    "PageUser",
    "SessionDep",
    "Viewer",
    "end_session",
    "optional_viewer",
    "require_form_csrf",
    "start_session",
]

# A look id in a URL: one past the database's integer range is refused (422), not an overflow (a 500) in the driver.
LookId = Annotated[int, Path(ge=1, le=MAX_ID)]

SESSION_TOKEN = "sid"  # the cookie holds only this token; the loginsession row says who and whether


class LoginRequired(Exception):
    """A page needs a logged-in user: the app answers with a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


@dataclass(frozen=True)
class Viewer:
    """The logged-in account as the app sees it for one request (read fresh from the database)."""

    name: str
    role: str
    csrf: str

    @property
    def can_decide(self) -> bool:
        return self.role in DECIDERS


def get_ctx(request: Request) -> AppContext:
    return request.app.state.ctx  # type: ignore[no-any-return]


ContextDep = Annotated[AppContext, Depends(get_ctx)]


def get_db(ctx: ContextDep) -> Iterator[Session]:
    """A transaction for the request, for routes that only read (or write through this session alone)."""
    with session_scope(ctx.db_url, readonly=True) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]


def start_session(request: Request, token: str) -> str:
    """Put a new server-side session's token in the cookie, with a new CSRF token (nothing carried over)."""
    request.session.clear()
    csrf = new_csrf_token()
    request.session.update({SESSION_TOKEN: token, "csrf": csrf})
    return csrf


def end_session(request: Request, ctx: AppContext) -> None:
    """Revoke the cookie's session in the database (a saved copy of the cookie is refused from now on)."""
    token = request.session.get(SESSION_TOKEN)
    if isinstance(token, str):
        with session_scope(ctx.db_url) as session:
            revoke(session, token)
    request.session.clear()


def optional_viewer(request: Request, ctx: AppContext) -> Viewer | None:
    """The session's account if its server-side session is live; its role is read now, so a demotion applies
    at once. A cookie whose session is over is emptied.

    It uses its own short transactions, not `SessionDep`: a route that then records a decision (which opens
    its own transaction) must not hold two pooled connections at once, or a busy server exhausts the pool.
    The check only reads; `last_seen_at` is written at most once a minute (`sessions.touch`).
    """
    token = request.session.get(SESSION_TOKEN)
    csrf = request.session.get("csrf")
    if not isinstance(token, str) or not isinstance(csrf, str):
        if SESSION_TOKEN in request.session or "account" in request.session:  # "account": pre-0007 cookies
            request.session.clear()
        return None
    with session_scope(ctx.db_url, readonly=True) as session:
        live = lookup(session, token)
    if live is None:
        request.session.clear()
        return None
    if live.stale:
        with session_scope(ctx.db_url) as session:
            touch(session, token)
    return Viewer(name=live.name, role=live.role, csrf=csrf)


def current_user(request: Request, ctx: ContextDep) -> Viewer:
    """For the JSON API and files: 401 when nobody is logged in (or the session was ended)."""
    viewer = optional_viewer(request, ctx)
    if viewer is None:
        raise HTTPException(status_code=401, detail="not logged in", headers={"WWW-Authenticate": "Session"})
    return viewer


def page_user(request: Request, ctx: ContextDep) -> Viewer:
    """For pages: a redirect to the login page (and back here afterwards) when nobody is logged in."""
    viewer = optional_viewer(request, ctx)
    if viewer is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target if request.method == "GET" else "/")
    return viewer


CurrentUser = Annotated[Viewer, Depends(current_user)]
PageUser = Annotated[Viewer, Depends(page_user)]


def api_csrf_user(request: Request, viewer: CurrentUser) -> Viewer:
    """A logged-in API caller whose `X-CSRF-Token` header carries the session's token (else 403)."""
    if not csrf_matches(request.session, request.headers.get(CSRF_HEADER)):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token (send the X-CSRF-Token header)")
    return viewer


async def require_form_csrf(request: Request) -> None:
    """The form's hidden `csrf_token` (or the header) must be the session's token (else 403)."""
    presented: object = request.headers.get(CSRF_HEADER)
    if presented is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()  # cached on the request: the route's Form() fields read the same
            presented = form.get(CSRF_FIELD)
    if not csrf_matches(request.session, presented):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token; reload the page and try again")


async def form_csrf_user(request: Request, viewer: PageUser) -> Viewer:
    """A logged-in page user whose form carries the session's CSRF token."""
    await require_form_csrf(request)
    return viewer


ApiCsrfUser = Annotated[Viewer, Depends(api_csrf_user)]
FormCsrfUser = Annotated[Viewer, Depends(form_csrf_user)]
