"""Server-side login sessions: the cookie holds a random token, the database says whether it still counts.

A signed cookie alone cannot be taken back: a copy saved before logout stays valid until it expires. Here the
cookie carries only a token; the `loginsession` row (keyed by the token's SHA-256, so a leaked database holds no
usable token) is checked on every request with one primary-key lookup joined to the account, so logout, a
password change and disabling an account end sessions at once. `last_seen_at` is written at most once a
minute per session: a write per request would queue every page behind SQLite's single write lock.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, func, select

from design_ai.db.models import Account, LoginSession, utcnow

__all__ = [
    "IDLE_TIMEOUT",
    "SESSION_TTL",
    "ActiveSession",
    "lookup",
    "open_session",
    "open_sessions_count",
    "revoke",
    "revoke_all",
    "touch",
]

SESSION_TTL = timedelta(hours=12)  # a working day; then log in again (the cookie's max age too)
IDLE_TIMEOUT = timedelta(hours=2)  # a session nobody used for this long is over
TOUCH_EVERY = timedelta(minutes=1)  # how stale last_seen_at may get before a request writes it


@dataclass(frozen=True)
class ActiveSession:
    """What a request learns from its session row: who, and whether last_seen_at needs a write."""

    account_id: int
    name: str
    role: str
    stale: bool


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _clip(text: str | None, limit: int) -> str:
    """Client-supplied text, bounded and printable, for the audit columns."""
    return "".join(c if c.isprintable() else "?" for c in (text or "")[:limit])


def open_session(
    session: Session, *, account_id: int, client_addr: str | None, user_agent: str | None, now: datetime | None = None
) -> str:
    """A new session for the account; returns the token for the cookie (fresh each login: no fixation).

    Rows past their expiry are deleted here, so the table stays bounded by the logins of one TTL.
    """
    now = now or utcnow()
    session.exec(delete(LoginSession).where(col(LoginSession.expires_at) < now))  # type: ignore[call-overload]
    token = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            token_hash=hash_token(token),
            account_id=account_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + SESSION_TTL,
            client_addr=_clip(client_addr, 64),
            user_agent=_clip(user_agent, 200),
        )
    )
    session.flush()
    return token


def lookup(session: Session, token: str, *, now: datetime | None = None) -> ActiveSession | None:
    """The live session of `token`: not revoked, not expired, used within the idle timeout, account active.

    One query on the primary key joined to the account's primary key: cheap enough for every request.
    """
    now = now or utcnow()
    row = session.exec(
        select(Account.id, Account.name, Account.role, LoginSession.last_seen_at)
        .join(Account, Account.id == LoginSession.account_id)  # type: ignore[arg-type]
        .where(
            LoginSession.token_hash == hash_token(token),
            col(LoginSession.revoked_at).is_(None),
            LoginSession.expires_at > now,
            LoginSession.last_seen_at > now - IDLE_TIMEOUT,
            Account.active == True,  # noqa: E712
        )
    ).first()
    if row is None:
        return None
    account_id, name, role, last_seen = row
    return ActiveSession(account_id=account_id, name=name, role=role, stale=_aware(last_seen) < now - TOUCH_EVERY)


def _aware(dt: datetime) -> datetime:
    """SQLite hands back naive datetimes (stored as UTC); compare them as UTC."""
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def touch(session: Session, token: str, *, now: datetime | None = None) -> None:
    """Record that the session was used now (called only when `lookup` said it was stale)."""
    session.exec(
        update(LoginSession)  # type: ignore[call-overload]
        .where(LoginSession.token_hash == hash_token(token), col(LoginSession.revoked_at).is_(None))
        .values(last_seen_at=now or utcnow())
    )


def revoke(session: Session, token: str, *, now: datetime | None = None) -> None:
    """End one session (logout)."""
    session.exec(
        update(LoginSession)  # type: ignore[call-overload]
        .where(LoginSession.token_hash == hash_token(token), col(LoginSession.revoked_at).is_(None))
        .values(revoked_at=now or utcnow())
    )


def revoke_all(session: Session, account_id: int, *, now: datetime | None = None) -> int:
    """End every open session of the account (password change, disable); returns how many were open."""
    result = session.exec(
        update(LoginSession)  # type: ignore[call-overload]
        .where(LoginSession.account_id == account_id, col(LoginSession.revoked_at).is_(None))
        .values(revoked_at=now or utcnow())
    )
    return int(result.rowcount or 0)


def open_sessions_count(session: Session, *, now: datetime | None = None) -> dict[int, int]:
    """Account id -> sessions neither revoked, expired nor idle (for `seamline user list`)."""
    now = now or utcnow()
    rows = session.exec(
        select(LoginSession.account_id, func.count())
        .where(
            col(LoginSession.revoked_at).is_(None),
            LoginSession.expires_at > now,
            LoginSession.last_seen_at > now - IDLE_TIMEOUT,
        )
        .group_by(LoginSession.account_id)
    ).all()
    return {account_id: int(n) for account_id, n in rows}
