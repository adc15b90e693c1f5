"""The four-eyes rule: nobody signs off a look whose brief they wrote.

The rule belongs to the record, not to whoever runs a command: its switch lives in the database
(`ReviewPolicy`), so the review app, the CLI and a decision given in the Prefect UI all read the same one.
`SEAMLINE_FOUR_EYES=1` in an entry point's environment can only turn it on (the stricter wins), never off, so a
terminal without the variable is no way round it.

The brief's `author` is matched as an account (trimmed, case-insensitively: account names are lower case). While
the rule holds, a brief with no author, or one naming no account, cannot be decided on: if leaving `author` out
or misspelling it let its writer approve, the rule would be a string compare that a brief can opt out of.
"""

from __future__ import annotations

from sqlmodel import Session, func, select

from design_ai.db.models import Account, Brief, ReviewPolicy, utcnow
from design_ai.errors import UserError, quoted
from design_ai.review.accounts import Forbidden

__all__ = [
    "FOUR_EYES",
    "author_account",
    "check_author_names_account",
    "check_not_author",
    "four_eyes_in_force",
    "four_eyes_refusal",
    "set_four_eyes",
]

FOUR_EYES = "four_eyes"


def four_eyes_in_force(session: Session, from_settings: bool = False) -> bool:
    """The rule holds when the database says so or this entry point's settings ask for it."""
    if from_settings:
        return True
    row = session.get(ReviewPolicy, FOUR_EYES)
    return bool(row is not None and row.enabled)


def set_four_eyes(session: Session, *, enabled: bool, by: str) -> None:
    """Switch the rule for every entry point; who switched it and when is kept on the row."""
    row = session.get(ReviewPolicy, FOUR_EYES) or ReviewPolicy(key=FOUR_EYES)
    row.enabled, row.set_by, row.set_at = enabled, by, utcnow()
    session.add(row)


def author_account(session: Session, author: str | None) -> Account | None:
    """The account a brief's `author` names (disabled ones too: a disabled author still wrote the brief)."""
    name = (author or "").strip().casefold()
    if not name:
        return None
    return session.exec(select(Account).where(func.lower(Account.name) == name)).first()


def check_author_names_account(session: Session, author: str | None) -> None:
    """For a sprint while the rule holds: the brief must say who wrote it, as an account, before anything is made."""
    if not (author or "").strip():
        raise UserError("the four-eyes rule is on: the brief must name its author's account", where="author")
    if author_account(session, author) is None:
        raise UserError(f"the four-eyes rule is on: author {quoted(author)} names no account", where="author")


def four_eyes_refusal(session: Session, account_name: str, author: str | None) -> str | None:
    """Why the rule keeps `account_name` from deciding on a brief by `author`, or None when it may."""
    if not (author or "").strip():
        return "four-eyes rule: the brief names no author, so no decision can be shown to be a second pair of eyes"
    written_by = author_account(session, author)
    if written_by is None:
        return f"four-eyes rule: the brief's author {quoted(author)} names no account"
    if written_by.name == account_name:
        return f"four-eyes rule: {account_name} wrote this brief and may not decide on it"
    return None


def check_not_author(session: Session, account: Account, brief: Brief | None) -> None:
    """Refuse (403) a decision by the brief's author, or on a brief whose author cannot be told."""
    reason = four_eyes_refusal(session, account.name, brief.author if brief is not None else None)
    if reason is not None:
        raise Forbidden(reason)
