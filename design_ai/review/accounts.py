"""Accounts and roles. Passwords are stored only as argon2 hashes; a wrong name and a wrong password fail
alike, so a login form does not tell which account names exist."""

from __future__ import annotations

import contextlib
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from design_ai.db.models import Account, Role
from design_ai.errors import UserError
from design_ai.review.sessions import revoke_all

__all__ = [
    "DECIDERS",
    "add_account",
    "authenticate",
    "find_account",
    "get_account",
    "require_role",
    "set_active",
    "set_password",
]

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
_hasher = PasswordHasher()
DECIDERS = frozenset({Role.REVIEWER.value, Role.ADMIN.value})
MIN_PASSWORD = 8


class Forbidden(UserError):
    """The account exists but its role may not do this (HTTP 403)."""


def add_account(session: Session, *, name: str, role: str, password: str) -> Account:
    if not _NAME.match(name):
        raise UserError(
            "account names are 1-40 of a-z, 0-9, '.', '_', '-' (starting with a letter or digit)", where="NAME"
        )
    if role not in {r.value for r in Role}:
        raise UserError(f"unknown role {role!r} (choose one of {', '.join(r.value for r in Role)})", where="--role")
    _check_password(password)
    if session.exec(select(Account).where(Account.name == name)).first() is not None:
        raise UserError(f"account {name!r} already exists", where="NAME")
    account = Account(name=name, role=role, password_hash=_hasher.hash(password))
    session.add(account)
    try:
        session.flush()
    except IntegrityError:
        raise UserError(f"account {name!r} already exists", where="NAME") from None
    return account


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password must have at least {MIN_PASSWORD} characters", where="password")


def _shown(name: str) -> str:
    """A name as an error quotes it: at most 60 characters, control characters escaped."""
    return repr(name[:60]) + ("..." if len(name) > 60 else "")


def find_account(session: Session, name: str) -> Account:
    """The account named `name`, active or not (for administration); UserError when there is none."""
    account = session.exec(select(Account).where(Account.name == name)).first()
    if account is None:
        raise UserError(f"no account {_shown(name)}", where="NAME")
    return account


def set_password(session: Session, *, name: str, password: str) -> int:
    """Give the account a new password and end all its sessions (a changed password must lock out whoever
    held the old one); returns how many sessions were ended."""
    _check_password(password)
    account = find_account(session, name)
    account.password_hash = _hasher.hash(password)
    session.add(account)
    return revoke_all(session, account.id)  # type: ignore[arg-type]


def set_active(session: Session, *, name: str, active: bool) -> int:
    """Enable or disable the account; disabling ends all its sessions at once. Returns how many were ended.

    Enabling brings no old session back: the owner logs in again."""
    account = find_account(session, name)
    account.active = active
    session.add(account)
    return 0 if active else revoke_all(session, account.id)  # type: ignore[arg-type]


def get_account(session: Session, name: str) -> Account | None:
    return session.exec(select(Account).where(Account.name == name, Account.active == True)).first()  # noqa: E712


def authenticate(session: Session, name: str, password: str) -> Account | None:
    """The account if the password matches, else None (also for unknown names, after the same work)."""
    account = get_account(session, name)
    if account is None:
        # Spend the same time as a real check, so timing does not reveal which names exist.
        with contextlib.suppress(VerificationError, InvalidHashError):
            _hasher.verify(_DUMMY_HASH, password)
        return None
    try:
        _hasher.verify(account.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
        session.add(account)
    return account


def require_role(account: Account, roles: frozenset[str] | set[str], action: str) -> None:
    if account.role not in roles:
        raise Forbidden(f"{account.name} ({account.role}) may not {action}; needs {' or '.join(sorted(roles))}")


_DUMMY_HASH = _hasher.hash("not a real password, only for constant-time failures")
