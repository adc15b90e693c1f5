"""The one way into a review-app session, shared by the login form and the JSON API.

In order: the throttle (a locked name or address is refused before any hashing), a slot of the hash gate
(argon2 never runs more than a few at once), the password check on a worker thread (the throttle asked again
there, since other attempts may have failed while this one waited), and only then a fresh server-side session.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import anyio.to_thread
from fastapi import Request

from design_ai.db.session import session_scope
from design_ai.review.accounts import authenticate
from design_ai.review.deps import SESSION_TOKEN, start_session
from design_ai.review.sessions import open_session, revoke
from design_ai.review.throttle import Busy, HashGate, LoginThrottle

__all__ = ["LoggedIn", "LoginGuard", "LoginRefused", "attempt_login"]


@dataclass
class LoginGuard:
    """The app's throttle and hash gate (memory of one server process: see `throttle`)."""

    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    gate: HashGate = field(default_factory=HashGate)


@dataclass(frozen=True)
class LoggedIn:
    name: str
    role: str
    csrf: str


class LoginRefused(Exception):
    """A login that did not succeed: its HTTP status (401, 429, 503), message and Retry-After seconds."""

    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after else {}


def _throttled(seconds: int) -> LoginRefused:
    return LoginRefused(
        429, f"Too many failed sign-ins for this account or address; try again in {seconds} s.", seconds
    )


@dataclass(frozen=True)
class _Checked:
    account_id: int
    name: str
    role: str


def _check(db_url: str, throttle: LoginThrottle, name: str, password: str, addr: str | None) -> _Checked | int | None:
    """On a worker thread, inside a gate slot: seconds to wait if locked meanwhile, else the account or None."""
    wait = throttle.retry_after(name, addr)
    if wait:
        return wait
    with session_scope(db_url, readonly=True) as session:  # readonly: no write lock held while hashing
        account = authenticate(session, name, password)
        checked = None if account is None else _Checked(account.id, account.name, account.role)  # type: ignore[arg-type]
    if checked is None:
        throttle.failed(name, addr)
    else:
        throttle.succeeded(name)
    return checked


def _open(db_url: str, account_id: int, old_token: object, addr: str | None, agent: str | None) -> str:
    with session_scope(db_url) as session:
        if isinstance(old_token, str):
            revoke(session, old_token)  # this browser's previous session ends with the new login
        return open_session(session, account_id=account_id, client_addr=addr, user_agent=agent)


async def attempt_login(request: Request, db_url: str, name: str, password: str) -> LoggedIn:
    """Log `name` in on this request's cookie, or raise LoginRefused (nothing written when refused)."""
    guard: LoginGuard = request.app.state.login_guard
    addr = request.client.host if request.client else None
    name = name.strip()
    wait = guard.throttle.retry_after(name, addr)
    if wait:
        raise _throttled(wait)
    if not name or not password:
        raise LoginRefused(401, "Wrong name or password.")
    try:
        outcome = await guard.gate.run(_check, db_url, guard.throttle, name, password, addr)
    except Busy:
        raise LoginRefused(503, "The server is busy checking other sign-ins; try again in a moment.", 1) from None
    if isinstance(outcome, int):
        raise _throttled(outcome)
    if outcome is None:
        raise LoginRefused(401, "Wrong name or password.")
    old = request.session.get(SESSION_TOKEN)
    token = await anyio.to_thread.run_sync(
        _open, db_url, outcome.account_id, old, addr, request.headers.get("user-agent")
    )
    return LoggedIn(name=outcome.name, role=outcome.role, csrf=start_session(request, token))
