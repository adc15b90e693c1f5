"""Helpers of the review-app tests: sprinted looks with their draft ids, accounts by URL, logged-in clients."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factories import PASSWORD, write_brief
from fastapi.testclient import TestClient
from sqlmodel import func, select

from design_ai.brief import load_brief
from design_ai.config import Settings
from design_ai.db.models import Draft, Look, ReviewDecision, ReviewRound
from design_ai.db.session import session_scope
from design_ai.review import accounts
from design_ai.sprint import make_control, make_drafts, preflight, queue_for_review, register_brief
from design_ai.store import Store

__all__ = [
    "PASSWORD",
    "SeededLook",
    "api_login",
    "csrf_in",
    "db_counts",
    "decisions",
    "form_login",
    "make_user",
    "sprint_looks",
]

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class SeededLook:
    look_id: int
    draft_ids: list[int]
    brief_id: int


def sprint_looks(
    folder: Path, settings: Settings, looks: list[dict[str, Any]] | None = None, **top: Any
) -> list[SeededLook]:
    """A brief sprinted with the flat engine, every look queued in round 1; `looks` are merged over BASE_LOOK.

    Unlike `factories.seed_looks`, each look can be shaped (name, drafts, colorways) and the draft ids come back.
    """
    store = Store.from_settings(settings)
    loaded = load_brief(write_brief(folder, looks, **top))
    preflight(loaded, settings, "flat")
    reg = register_brief(loaded, settings=settings, store=store)
    out = []
    for look_id in reg.look_ids:
        make_control(look_id, settings=settings, store=store)
        ids = make_drafts(look_id, "flat", settings=settings, store=store)
        queue_for_review(look_id, settings=settings, engine="flat")
        out.append(SeededLook(look_id, list(ids), reg.brief_id))
    return out


def make_user(url: str, name: str, role: str = "reviewer", password: str = PASSWORD) -> None:
    with session_scope(url) as session:
        accounts.add_account(session, name=name, role=role, password=password)


def api_login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Log in through the JSON API; returns the CSRF token for later POSTs."""
    r = client.post("/api/login", json={"name": name, "password": password})
    assert r.status_code == 200, r.text
    return r.json()["csrf_token"]


def csrf_in(html: str) -> str:
    m = _CSRF.search(html)
    assert m, "no csrf_token field in the page"
    return m.group(1)


def form_login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Log in through the login form; returns the session's CSRF token (from the queue page)."""
    token = csrf_in(client.get("/login").text)
    r = client.post("/login", data={"name": name, "password": password, "csrf_token": token, "next": "/"})
    assert r.status_code == 303, r.text
    return csrf_in(client.get("/").text)


def db_counts(url: str) -> dict[str, Any]:
    """What a refused request must leave unchanged: decisions, rounds and each look's status."""
    with session_scope(url) as s:
        return {
            "decisions": s.exec(select(func.count()).select_from(ReviewDecision)).one(),
            "rounds": sorted((r.look_id, r.number, r.status) for r in s.exec(select(ReviewRound)).all()),
            "looks": sorted((lk.id, lk.status) for lk in s.exec(select(Look)).all()),
            "drafts": s.exec(select(func.count()).select_from(Draft)).one(),
        }


def decisions(url: str) -> list[ReviewDecision]:
    with session_scope(url) as s:
        return list(s.exec(select(ReviewDecision).order_by(ReviewDecision.id)).all())
