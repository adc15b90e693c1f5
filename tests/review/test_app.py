"""The review app over HTTP, on SQLite and on PostgreSQL: sessions, CSRF, roles, decisions, files, escaping."""

from __future__ import annotations

import asyncio
import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from app_helpers import (
    PASSWORD,
    api_login,
    csrf_in,
    db_counts,
    decisions,
    form_login,
    make_user,
    sprint_looks,
)
from factories import add_drifted_draft, seed_looks
from fastapi.testclient import TestClient
from sqlmodel import select

from design_ai.db.models import Look, ReviewRound
from design_ai.db.session import session_scope
from design_ai.review.state import mark_waiting
from design_ai.sprint import draft_open_round
from design_ai.store import Store

XSS = "<script>alert('x')</script>"


def _queue_ids(client: TestClient) -> list[int]:
    r = client.get("/api/queue", params={"limit": 500})
    assert r.status_code == 200, r.text
    return [item["look_id"] for item in r.json()]


def _decide(client: TestClient, csrf: str, look_id: int, **body: Any) -> Any:
    return client.post(f"/api/looks/{look_id}/decision", json=body, headers={"X-CSRF-Token": csrf})


# --- sessions -------------------------------------------------------------------------------------------------


def test_login_logout_and_wrong_password(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    make_user(db_url, "ana")
    client = make_client()

    page = client.get("/login")
    assert page.status_code == 200 and 'type="password"' in page.text
    token = csrf_in(page.text)
    wrong = client.post("/login", data={"name": "ana", "password": "nope-nope", "csrf_token": token})
    assert wrong.status_code == 401 and "Wrong name or password" in wrong.text
    unknown = client.post("/login", data={"name": "nobody", "password": PASSWORD, "csrf_token": token})
    assert unknown.status_code == 401 and "Wrong name or password" in unknown.text

    ok = client.post("/login", data={"name": "ana", "password": PASSWORD, "csrf_token": token, "next": "/?page=1"})
    assert ok.status_code == 303 and ok.headers["location"] == "/?page=1"
    cookie = ok.headers["set-cookie"].lower()
    assert "seamline_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # http://testserver; https_only follows settings.review_url
    queue = client.get("/")
    assert queue.status_code == 200 and "ana" in queue.text and "reviewer" in queue.text
    assert "Signed in as ana" in queue.text  # the one-time flash
    assert "Signed in as ana" not in client.get("/").text
    assert client.get("/api/me").json()["name"] == "ana"

    new_token = csrf_in(queue.text)
    assert new_token != token  # the session was renewed at login
    out = client.post("/logout", data={"csrf_token": new_token})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert client.get("/api/me").status_code == 401
    assert client.get("/").status_code == 303

    # the JSON API
    assert client.post("/api/login", json={"name": "ana", "password": "wrong-password"}).status_code == 401
    assert client.post("/api/login", json={"name": "ana"}).status_code == 422
    # a JSON login needs a JSON content type: a cross-site form (text/plain) cannot log anyone in
    plain = client.post(
        "/api/login", content='{"name": "ana", "password": "x"}', headers={"content-type": "text/plain"}
    )
    assert plain.status_code == 422
    csrf = api_login(client, "ana")
    me = client.get("/api/me").json()
    assert me == {"name": "ana", "role": "reviewer", "csrf_token": csrf, "can_decide": True}
    assert client.post("/api/logout").status_code == 403  # no CSRF header
    assert client.post("/api/logout", headers={"X-CSRF-Token": csrf}).json() == {"ok": True}
    assert client.get("/api/me").status_code == 401


def test_session_key_persists_and_is_private(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    make_user(db_url, "ana")
    first = make_client()
    api_login(first, "ana")
    key_file = settings.home / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    second = make_client()  # a "restart": a new app with the same home keeps the session valid
    second.cookies = first.cookies
    assert second.get("/api/me").json()["name"] == "ana"
    tampered = make_client()
    tampered.cookies.set("seamline_session", first.cookies["seamline_session"][:-3] + "abc")
    assert tampered.get("/api/me").status_code == 401


def test_logged_out_gets_redirects_and_401(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    [look] = sprint_looks(tmp_path / "b", settings)
    client = make_client()
    r = client.get("/")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/"
    r = client.get(f"/looks/{look.look_id}")
    assert r.status_code == 303 and unquote(r.headers["location"]) == f"/login?next=/looks/{look.look_id}"
    for path in ("/api/me", "/api/queue", f"/api/looks/{look.look_id}"):
        assert client.get(path).status_code == 401, path
    assert client.post(f"/api/looks/{look.look_id}/decision", json={"verdict": "reject"}).status_code == 401
    with session_scope(db_url) as s:
        key = s.get(Look, look.look_id).sketch_key
    assert client.get(f"/files/{key}").status_code == 401
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json() == {"ok": True}
    # an open redirect through ?next= is refused
    make_user(db_url, "ana")
    token = csrf_in(client.get("/login").text)
    r = client.post("/login", data={"name": "ana", "password": PASSWORD, "csrf_token": token, "next": "//evil.example"})
    assert r.headers["location"] == "/"


def test_security_headers(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client()
    for path in ("/login", "/healthz", "/static/review.css", "/nowhere"):
        r = client.get(path)
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert r.headers["x-frame-options"] == "DENY", path
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    page = client.get("/login").text
    assert "<script>" not in page and "<script src=" in page  # only the static file, no inline script
    assert "http://" not in page and "https://" not in page  # nothing from another origin


# --- CSRF and roles ---------------------------------------------------------------------------------------------


def test_csrf_missing_or_wrong_is_403_and_changes_nothing(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    [look] = sprint_looks(tmp_path / "b", settings)
    make_user(db_url, "ana")
    client = make_client()
    csrf = form_login(client, "ana")
    before = db_counts(db_url)
    form = {"verdict": "approve", "draft_id": str(look.draft_ids[0]), "comment": "ok"}
    for token in (None, "", "x" * 43, csrf[:-1] + ("A" if csrf[-1] != "A" else "B")):
        data = form if token is None else {**form, "csrf_token": token}
        assert client.post(f"/looks/{look.look_id}/decision", data=data).status_code == 403
        headers = {} if token is None else {"X-CSRF-Token": token}
        r = client.post(f"/api/looks/{look.look_id}/decision", json={"verdict": "reject"}, headers=headers)
        assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    # the token of another session does not work either
    make_user(db_url, "bo")
    other = make_client()
    other_csrf = api_login(other, "bo")
    assert _decide(client, other_csrf, look.look_id, verdict="reject").status_code == 403
    # nor does a login form without the token
    assert make_client().post("/login", data={"name": "ana", "password": PASSWORD}).status_code == 403
    assert db_counts(db_url) == before
    assert look.look_id in _queue_ids(client)


def test_every_post_route_checks_csrf(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    """Walks the app's own route table, so a POST route added later without a CSRF check fails here."""
    [look] = sprint_looks(tmp_path / "b", settings)
    make_user(db_url, "ana")
    client = make_client()
    api_login(client, "ana")
    before = db_counts(db_url)
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    posts = [p for p, ops in paths.items() if "post" in ops]
    assert {"/login", "/logout", "/looks/{look_id}/decision", "/api/logout", "/api/looks/{look_id}/decision"} <= set(
        posts
    )
    for path in posts:
        if path == "/api/login":
            continue  # needs a JSON body, which a cross-site form cannot send (tested above)
        url = path.replace("{look_id}", str(look.look_id))
        assert client.post(url, data={"verdict": "reject"}).status_code == 403, path
        assert client.post(url, json={"verdict": "reject"}).status_code == 403, path
    assert client.get("/api/me").status_code == 200  # still logged in: /logout refused too
    assert db_counts(db_url) == before


def test_designer_cannot_decide(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    [look] = sprint_looks(tmp_path / "b", settings)
    make_user(db_url, "dee", role="designer")
    client = make_client()
    csrf = form_login(client, "dee")
    page = client.get(f"/looks/{look.look_id}")
    assert page.status_code == 200
    assert "Approve draft" not in page.text and "can follow reviews but not decide" in page.text
    before = db_counts(db_url)
    r = _decide(client, csrf, look.look_id, verdict="approve", draft_id=look.draft_ids[0])
    assert r.status_code == 403 and "may not decide" in r.json()["detail"]
    form = {"verdict": "reject", "csrf_token": csrf, "round": "1"}
    r = client.post(f"/looks/{look.look_id}/decision", data=form)
    assert r.status_code == 403 and "may not decide" in r.text
    assert db_counts(db_url) == before
    assert client.get("/api/me").json()["can_decide"] is False


def test_four_eyes(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    [look] = sprint_looks(tmp_path / "b", settings, author="mina")
    make_user(db_url, "mina")
    make_user(db_url, "ana")
    client = make_client(settings.model_copy(update={"four_eyes": True}))
    csrf = api_login(client, "mina")
    assert "four-eyes" in client.get(f"/looks/{look.look_id}").text
    before = db_counts(db_url)
    r = _decide(client, csrf, look.look_id, verdict="approve", draft_id=look.draft_ids[0])
    assert r.status_code == 403 and "four-eyes" in r.json()["detail"]
    assert db_counts(db_url) == before
    csrf = api_login(client, "ana")
    assert _decide(client, csrf, look.look_id, verdict="approve", draft_id=look.draft_ids[0]).status_code == 201


# --- decisions --------------------------------------------------------------------------------------------------


def test_approve_via_form(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    looks = sprint_looks(tmp_path / "b", settings, looks=[{"name": "First tee"}, {"name": "Second tee"}])
    look = looks[0]
    make_user(db_url, "ana")
    client = make_client()
    csrf = form_login(client, "ana")
    queue = client.get("/")
    assert "First tee" in queue.text and "Second tee" in queue.text and "Round 1" in queue.text
    page = client.get(f"/looks/{look.look_id}")
    assert page.status_code == 200
    for needle in ("Sketch", "Control map", "opencv.", "Sunrise", "#F4A261", "Seed", "Send back", "Reject look"):
        assert needle in page.text, needle
    for draft_id in look.draft_ids:
        assert f'name="draft_id" value="{draft_id}"' in page.text

    draft = look.draft_ids[1]
    r = client.post(
        f"/looks/{look.look_id}/decision",
        data={"csrf_token": csrf, "verdict": "approve", "draft_id": str(draft), "round": "1", "comment": "Ink it is"},
    )
    assert r.status_code == 303 and r.headers["location"] == "/"
    queue = client.get("/")
    assert f"Approved draft #{draft}" in queue.text
    assert f'data-look="{look.look_id}"' not in queue.text and f'data-look="{looks[1].look_id}"' in queue.text
    [d] = decisions(db_url)
    assert (d.look_id, d.verdict, d.draft_id, d.reviewer, d.comment, d.source) == (
        look.look_id,
        "approve",
        draft,
        "ana",
        "Ink it is",
        "web",
    )
    history = client.get(f"/looks/{look.look_id}").text
    assert "Ink it is" in history and "Approved" in history and "Approve draft" not in history


def test_approve_reject_via_api(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    a, b = sprint_looks(tmp_path / "b", settings, looks=[{"name": "A"}, {"name": "B"}])
    make_user(db_url, "ana")
    client = make_client()
    csrf = api_login(client, "ana")
    assert _queue_ids(client) == [a.look_id, b.look_id]
    r = client.get("/api/queue", params={"limit": 1, "offset": 1})
    assert [i["look_id"] for i in r.json()] == [b.look_id] and r.headers["x-total-count"] == "2"

    r = _decide(client, csrf, a.look_id, verdict="approve", draft_id=a.draft_ids[0], comment="yes", round=1)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["verdict"] == "approve" and body["reviewer"] == "ana" and body["source"] == "api"
    assert body["draft_id"] == a.draft_ids[0] and body["round"] == 1 and body["comment"] == "yes"
    r = _decide(client, csrf, b.look_id, verdict="reject", comment="not this season")
    assert r.status_code == 201 and r.json()["verdict"] == "reject"
    assert _queue_ids(client) == []
    look = client.get(f"/api/looks/{b.look_id}").json()
    assert look["status"] == "rejected" and look["rounds"][0]["decision"]["comment"] == "not this season"
    assert [d.verdict for d in decisions(db_url)] == ["approve", "reject"]
    # bad bodies
    assert _decide(client, csrf, a.look_id, verdict="maybe").status_code == 422
    assert _decide(client, csrf, a.look_id, verdict="reject", colour="red").status_code == 422
    assert client.get("/api/looks/999999").status_code == 404


def test_a_drifted_draft_needs_confirmation_over_api_and_form(
    tmp_path: Path, db_url: str, settings, make_client
) -> None:  # type: ignore[no-untyped-def]
    from design_ai.garments.tops.flat import PRESETS, draw_tee_flat

    [a] = sprint_looks(tmp_path / "a", settings, looks=[{"name": "A"}])
    # B from an exact flat at 512 px, fine enough for its POMs to count (the 128 px test drafts are too coarse)
    flat, _ = draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=6.0, style="line")
    [b_id] = seed_looks(tmp_path / "b", settings, sketch=flat, name="B", generation={"width": 512, "height": 512})
    drifted = {a.look_id: add_drifted_draft(settings, a.look_id), b_id: add_drifted_draft(settings, b_id)}
    make_user(db_url, "ana")
    client = make_client()
    csrf = api_login(client, "ana")
    queue = client.get("/api/queue").json()
    assert [q["flagged_drafts"] for q in queue] == [1, 1]
    figures = {d["draft_id"]: d["fidelity"] for q in queue for d in q["drafts"]}
    assert figures[drifted[a.look_id]]["flagged"] and not figures[a.draft_ids[0]]["flagged"]
    look = client.get(f"/api/looks/{a.look_id}").json()
    shown = {d["draft_id"]: d["fidelity"] for d in look["rounds"][0]["drafts"]}
    assert shown[drifted[a.look_id]]["reasons"][0].startswith("IoU 0.") and shown[a.draft_ids[1]]["iou"] > 0.9

    before = db_counts(db_url)
    r = _decide(client, csrf, a.look_id, verdict="approve", draft_id=drifted[a.look_id])
    assert r.status_code == 409 and r.json()["detail"].startswith(
        f"draft {drifted[a.look_id]} drifts from its sketch (IoU 0."
    )
    assert db_counts(db_url) == before
    r = _decide(client, csrf, a.look_id, verdict="approve", draft_id=drifted[a.look_id], confirm_drift=True)
    assert r.status_code == 201 and r.json()["drift_confirmed"] == shown[drifted[a.look_id]]["reasons"]

    # the page: figures per draft, a badge in the queue, and the server refuses an unticked "checked the drift"
    pages = make_client()
    form_csrf = form_login(pages, "ana")
    assert "1 drifted" in pages.get("/").text
    page = pages.get(f"/looks/{b_id}").text
    assert "Drifts from sketch" in page and "Matches sketch" in page and "I have checked the drift" in page
    assert page.count('class="fid-table"') == 3 and '<th scope="row">chest width</th>' in page
    assert "body_length -" in page  # squashed to 80 % height: the body is short by centimetres
    assert page.count('name="confirm_drift"') == 1 and f"Draft #{drifted[b_id]} drifts from its sketch (IoU 0." in page
    form = {"csrf_token": form_csrf, "verdict": "approve", "draft_id": str(drifted[b_id]), "round": "1"}
    r = pages.post(f"/looks/{b_id}/decision", data=form)
    assert r.status_code == 409 and "drifts from its sketch" in r.text and "drift-confirm is-asked" in r.text
    assert len(decisions(db_url)) == 1
    r = pages.post(f"/looks/{b_id}/decision", data={**form, "confirm_drift": "yes"})
    assert r.status_code == 303, r.text
    assert [bool(d.drift_confirmed) for d in decisions(db_url)] == [True, True]
    assert "Drift confirmed by ana: IoU 0." in pages.get(f"/looks/{b_id}").text


def test_send_back_with_edits_opens_a_new_round(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    a, b = sprint_looks(tmp_path / "b", settings, looks=[{"name": "A"}, {"name": "B"}])
    make_user(db_url, "ana")
    redrafted: list[int] = []
    client = make_client(redraft=redrafted.append)
    csrf = form_login(client, "ana")
    form = {
        "csrf_token": csrf,
        "verdict": "send_back",
        "round": "1",
        "prompt": "boxy tee, cropped, washed indigo",
        "seed": "4242",
        "strength": "0.8",
        "drafts": "3",
        "comment": "shorter body please",
    }
    r = client.post(f"/looks/{a.look_id}/decision", data=form)
    assert r.status_code == 303, r.text
    assert "Sent “A” back for round 2" in client.get("/").text
    assert client.app.state.ctx.runner.drain(10)  # type: ignore[attr-defined]
    assert redrafted == [a.look_id]
    with session_scope(db_url) as s:
        rounds = s.exec(select(ReviewRound).where(ReviewRound.look_id == a.look_id).order_by(ReviewRound.number)).all()
        assert [(r.number, r.status) for r in rounds] == [(1, "decided"), (2, "open")]
        assert rounds[1].edits == {
            "prompt": "boxy tee, cropped, washed indigo",
            "seed": 4242,
            "strength": 0.8,
            "drafts": 3,
        }
        assert s.get(Look, a.look_id).status == "drafting"
    [d] = decisions(db_url)
    assert d.verdict == "send_back" and d.comment == "shorter body please" and d.edits["seed"] == 4242
    assert a.look_id not in _queue_ids(client)
    page = client.get(f"/looks/{a.look_id}").text
    assert "being made" in page and "shorter body please" in page

    # the same through the API; empty edits are fine, bad ones are refused with the field named
    csrf = api_login(client, "ana")
    before = db_counts(db_url)
    r = _decide(client, csrf, b.look_id, verdict="send_back", seed=-1)
    assert r.status_code == 422 and "seed" in r.json()["detail"]
    r = _decide(client, csrf, b.look_id, verdict="reject", prompt="edits only for send_back")
    assert r.status_code == 422
    bad_form = {**form, "csrf_token": csrf, "seed": "forty"}
    r = client.post(f"/looks/{b.look_id}/decision", data=bad_form)
    assert r.status_code == 422 and "not a whole number" in r.text and "shorter body please" in r.text  # kept
    assert db_counts(db_url) == before
    r = _decide(client, csrf, b.look_id, verdict="send_back", drafts=5)
    assert r.status_code == 201 and r.json()["next_round"] == 2
    assert client.app.state.ctx.runner.drain(10)  # type: ignore[attr-defined]
    assert redrafted == [a.look_id, b.look_id]


def test_unknown_or_foreign_draft_is_404(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    a, b = sprint_looks(tmp_path / "b", settings, looks=[{"name": "A"}, {"name": "B"}])
    make_user(db_url, "ana")
    client = make_client()
    csrf = form_login(client, "ana")
    before = db_counts(db_url)
    for draft_id in (b.draft_ids[0], 987654):
        r = _decide(client, csrf, a.look_id, verdict="approve", draft_id=draft_id)
        assert r.status_code == 404 and f"draft {draft_id}" in r.json()["detail"]
        form = {"csrf_token": csrf, "verdict": "approve", "draft_id": str(draft_id), "round": "1"}
        assert client.post(f"/looks/{a.look_id}/decision", data=form).status_code == 404
    assert _decide(client, csrf, 987654, verdict="reject").status_code == 404
    assert client.post("/looks/987654/decision", data={"csrf_token": csrf, "verdict": "reject"}).status_code == 404
    assert client.get("/looks/987654").status_code == 404
    assert db_counts(db_url) == before


def test_decision_on_a_closed_round_is_409(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    [look] = sprint_looks(tmp_path / "b", settings)
    make_user(db_url, "ana")
    make_user(db_url, "bo")
    first, second = make_client(), make_client()
    csrf_a = api_login(first, "ana")
    csrf_b = form_login(second, "bo")
    stale_page = second.get(f"/looks/{look.look_id}").text  # bo opens the look before ana decides
    assert _decide(first, csrf_a, look.look_id, verdict="approve", draft_id=look.draft_ids[0]).status_code == 201
    before = db_counts(db_url)
    r = _decide(second, csrf_b, look.look_id, verdict="reject")
    assert r.status_code == 409
    assert re.match(rf"look {look.look_id} round 1 already decided by ana at \d{{4}}-", r.json()["detail"]), r.json()
    assert "Approve draft" in stale_page
    form = {"csrf_token": csrf_in(stale_page), "verdict": "reject", "round": "1", "comment": "too late?"}
    r = second.post(f"/looks/{look.look_id}/decision", data=form)
    assert r.status_code == 409 and "already decided by ana" in r.text and "too late?" in r.text
    assert db_counts(db_url) == before


def test_stale_round_is_refused(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    """A page of round 1 cannot decide round 2 once round 1 was sent back and redrafted."""
    [look] = sprint_looks(tmp_path / "b", settings)
    make_user(db_url, "ana")
    client = make_client()
    csrf = api_login(client, "ana")
    assert _decide(client, csrf, look.look_id, verdict="send_back", seed=99).status_code == 201
    draft_open_round(look.look_id, settings=settings, store=Store.from_settings(settings))
    before = db_counts(db_url)
    r = _decide(client, csrf, look.look_id, verdict="reject", round=1)
    assert r.status_code == 409 and "round 1 already decided by ana" in r.json()["detail"]
    assert db_counts(db_url) == before
    assert _decide(client, csrf, look.look_id, verdict="reject", round=2).status_code == 201


def test_comment_over_4kb_is_refused(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    [look] = sprint_looks(tmp_path / "b", settings)
    make_user(db_url, "ana")
    client = make_client()
    csrf = form_login(client, "ana")
    before = db_counts(db_url)
    long = "é" * 2049  # 2049 characters, 4098 bytes
    r = _decide(client, csrf, look.look_id, verdict="reject", comment=long)
    assert r.status_code == 422 and "comment" in r.json()["detail"] and "4096" in r.json()["detail"]
    form = {"csrf_token": csrf, "verdict": "reject", "round": "1", "comment": long}
    assert client.post(f"/looks/{look.look_id}/decision", data=form).status_code == 422
    assert _decide(client, csrf, look.look_id, verdict="reject", comment="x" * 100_000).status_code == 422
    assert db_counts(db_url) == before
    assert _decide(client, csrf, look.look_id, verdict="reject", comment="é" * 2048).status_code == 201


def test_html_in_user_text_is_escaped_everywhere(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    looks = [{"name": f"Tee {XSS}", "prompt": f"boxy tee <img src=x onerror=alert(1)> {XSS}"}, {"name": "Plain"}]
    a, b = sprint_looks(tmp_path / "b", settings, looks=looks, collection=f"Capsule {XSS}", author="mina")
    make_user(db_url, "ana")
    client = make_client(redraft=lambda look_id: None)
    csrf = form_login(client, "ana")
    form = {"csrf_token": csrf, "verdict": "send_back", "round": "1", "comment": f"hmm {XSS}", "prompt": XSS}
    assert client.post(f"/looks/{a.look_id}/decision", data=form).status_code == 303
    bad = {"csrf_token": csrf, "verdict": "send_back", "round": "1", "comment": XSS, "seed": XSS}
    pages = {
        "queue": client.get("/"),  # carries the flash with the look's name
        "look": client.get(f"/looks/{a.look_id}"),
        "other look": client.get(f"/looks/{b.look_id}"),
        "refused form": client.post(f"/looks/{b.look_id}/decision", data=bad),
        "login": client.get("/login"),
    }
    for what, r in pages.items():
        assert XSS not in r.text and "<img src=x" not in r.text, what
    assert "&lt;script&gt;alert(" in pages["look"].text and "hmm &lt;script&gt;" in pages["look"].text
    assert "Capsule &lt;script&gt;" in pages["queue"].text
    assert "&lt;script&gt;" in pages["refused form"].text  # the echoed comment and the error message
    # the JSON API returns the text as it was written (it is data, escaped by whoever renders it)
    api = client.get(f"/api/looks/{a.look_id}").json()
    assert api["rounds"][0]["decision"]["comment"] == f"hmm {XSS}"


# --- files ------------------------------------------------------------------------------------------------------


def _raw_get(app: Any, raw_path: bytes, cookie: str) -> tuple[int, bytes]:
    """One GET straight into the ASGI app with the exact bytes a client could send (no URL normalising)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(raw_path.decode("latin-1")),  # what a server such as uvicorn puts in `path`
        "raw_path": raw_path,
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), (b"cookie", cookie.encode())],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
        "state": {},
    }
    out: dict[str, Any] = {"body": b""}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")

    asyncio.run(app(scope, receive, send))
    return out["status"], out["body"]


def test_files_by_content_key_only(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    [look] = sprint_looks(tmp_path / "b", settings)
    make_user(db_url, "ana")
    client = make_client()
    api_login(client, "ana")
    store = Store.from_settings(settings)
    with session_scope(db_url) as s:
        lk = s.get(Look, look.look_id)
        keys = [lk.sketch_key, lk.control_key]
    keys += [d["image_key"] for d in client.get(f"/api/looks/{look.look_id}").json()["rounds"][0]["drafts"]]
    for key in keys:
        r = client.get(f"/files/{key}")
        assert r.status_code == 200 and r.headers["content-type"] == "image/png", key
        assert r.headers["cache-control"] == "private, max-age=31536000, immutable"
        assert r.content == store.get(key) and r.content[:8] == b"\x89PNG\r\n\x1a\n"
        etag = r.headers["etag"]
        assert client.get(f"/files/{key}", headers={"If-None-Match": etag}).status_code == 304

    # a real, well-formed key in the store that no look or draft references
    orphan = store.put(b"\x89PNG\r\n\x1a\nnot referenced", "png")
    assert store.exists(orphan) and client.get(f"/files/{orphan}").status_code == 404
    # a secret beside the store, reachable only by walking out of it
    (settings.home / "secret.txt").write_text("top secret")
    key = keys[0]
    digest = key.split("/")[-1].split(".")[0]
    tricks = [
        b"/files/../secret.txt",
        b"/files/sha256/../../secret.txt",
        b"/files/%2e%2e/%2e%2e/secret.txt",
        b"/files/..%2fsecret.txt",
        b"/files/" + key.replace("/", "%2F").encode(),
        b"/files/" + key.replace("/", "%2f", 1).encode(),
        b"/files/%73" + key[1:].encode(),  # an encoded letter
        b"/files//" + str(settings.home / "secret.txt").encode(),
        b"/files/" + str(settings.home / "secret.txt").encode(),
        b"/files/" + key.upper().encode(),
        b"/files/" + key.encode() + b"/..",
        b"/files/" + key.encode() + b"%00.png",
        b"/files/sha256/00/" + digest.encode() + b".png",  # wrong fan-out folder
        b"/files/" + key[:-4].encode() + b".txt",
        b"/files/",
        b"/files/sha256",
    ]
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    assert _raw_get(client.app, b"/files/" + key.encode(), cookie)[0] == 200  # the helper works
    for raw in tricks:
        status, body = _raw_get(client.app, raw, cookie)
        assert status == 404, raw
        assert b"top secret" not in body
    for path in ("/files/../secret.txt", "/files/%2e%2e/secret.txt", f"/files/{key.replace('/', '%2F')}"):
        assert client.get(path).status_code == 404, path


# --- follow-ups --------------------------------------------------------------------------------------------------


def test_resumer_called_with_the_run_and_input(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    a, b, c = sprint_looks(tmp_path / "b", settings, looks=[{"name": "A"}, {"name": "B"}, {"name": "C"}])
    mark_waiting(db_url, a.look_id, 1, "0e6b1f0c-run-a", "http://127.0.0.1:4200/api")
    mark_waiting(db_url, b.look_id, 1, "run-b", None)
    make_user(db_url, "ana")
    calls: list[tuple[str, dict[str, Any], str | None]] = []
    redrafted: list[int] = []
    resumed = threading.Event()

    def resumer(run_id: str, run_input: dict[str, Any], api_url: str | None) -> bool:
        calls.append((run_id, run_input, api_url))
        resumed.set()
        if run_id == "run-b":
            raise RuntimeError("Prefect is down")  # logged, never the reviewer's problem
        return True

    client = make_client(resumer=resumer, redraft=redrafted.append)
    csrf = api_login(client, "ana")
    r = _decide(client, csrf, a.look_id, verdict="approve", draft_id=a.draft_ids[1], comment="go")
    assert r.status_code == 201
    assert resumed.wait(10)
    r = _decide(client, csrf, b.look_id, verdict="send_back", seed=5)
    assert r.status_code == 201  # the resumer's failure does not fail the decision
    r = _decide(client, csrf, c.look_id, verdict="reject")  # nobody waits: no resume
    assert r.status_code == 201
    assert client.app.state.ctx.runner.drain(10)  # type: ignore[attr-defined]
    assert calls[0] == (
        "0e6b1f0c-run-a",
        {
            "look_id": a.look_id,
            "round": 1,
            "verdict": "approve",
            "draft_id": a.draft_ids[1],
            "reviewer": "ana",
            "comment": "go",
            "prompt": None,
            "seed": None,
            "strength": None,
            "drafts": None,
            "confirm_drift": False,
        },
        "http://127.0.0.1:4200/api",
    )
    assert calls[1][0] == "run-b" and calls[1][1]["verdict"] == "send_back" and calls[1][1]["seed"] == 5
    assert len(calls) == 2
    assert redrafted == []  # the waiting run drafts round 2 itself; a reject needs no drafts
    assert len(decisions(db_url)) == 3


# --- concurrency ---------------------------------------------------------------------------------------------------


def test_concurrent_decisions_over_http(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    """Eight reviewers, each with their own session, decide the same round at once: one wins, seven get 409."""
    [look] = sprint_looks(tmp_path / "b", settings)
    n = 8
    clients = []
    for i in range(n):
        make_user(db_url, f"rev{i}")
        client = make_client()
        clients.append((client, api_login(client, f"rev{i}")))
    barrier = threading.Barrier(n)
    results: list[tuple[int, dict[str, Any]]] = []
    lock = threading.Lock()

    def post(i: int) -> None:
        client, csrf = clients[i]
        body = {"verdict": "approve", "draft_id": look.draft_ids[i % 2], "comment": f"from rev{i}"}
        barrier.wait()
        r = client.post(f"/api/looks/{look.look_id}/decision", json=body, headers={"X-CSRF-Token": csrf})
        with lock:
            results.append((r.status_code, r.json()))

    threads = [threading.Thread(target=post, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    statuses = sorted(s for s, _ in results)
    assert statuses == [201] + [409] * (n - 1), results
    [winner] = [body for s, body in results if s == 201]
    for s, body in results:
        if s == 409:
            assert f"already decided by {winner['reviewer']}" in body["detail"], body
    [d] = decisions(db_url)
    assert d.id == winner["decision_id"] and d.reviewer == winner["reviewer"]
