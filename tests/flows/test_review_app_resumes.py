"""End to end: a sprint run waits; a reviewer decides in the review app; the run goes on to the next step."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import PASSWORD, add_user, write_brief
from fastapi.testclient import TestClient
from sqlmodel import select
from test_review_wait import Run, wait_until, waiting_round

from design_ai.db.models import Draft, ReviewDecision
from design_ai.db.session import session_scope

pytestmark = pytest.mark.prefect


def test_app_decisions_resume_the_waiting_run(prefect_api, monkeypatch, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    from flows.serve import review_app_for

    monkeypatch.setenv("SEAMLINE_REVIEW_POLL_S", "0.3")
    url = settings.resolved_database_url
    add_user(settings, "ana", "reviewer")
    run = Run(brief=str(write_brief(tmp_path / "b", looks=[{}, {"name": "Second"}])), engine="flat")
    run.start()
    wait_until(lambda: waiting_round(url, 1, 1))

    with TestClient(review_app_for(settings)) as client:
        login = client.post("/api/login", json={"name": "ana", "password": PASSWORD})
        assert login.status_code == 200, login.text
        headers = {"X-CSRF-Token": login.json()["csrf_token"]}
        # look 2 is decided first, while the run still waits on look 1: recorded, found later
        queue = client.get("/api/queue").json()
        second = next(q for q in queue if q["look_id"] == 2)
        r = client.post("/api/looks/2/decision", headers=headers, json={"verdict": "reject", "comment": "no"})
        assert r.status_code == 201, r.text
        # look 1 is sent back: the run drafts round 2 and waits again
        r = client.post("/api/looks/1/decision", headers=headers,
                        json={"verdict": "send_back", "seed": 77, "drafts": 2, "comment": "warmer"})  # fmt: skip
        assert r.status_code == 201, r.text
        wait_until(lambda: waiting_round(url, 1, 2))
        with session_scope(url) as s:
            round2 = s.exec(select(Draft).where(Draft.look_id == 1, Draft.round == 2).order_by(Draft.position)).all()
        assert [d.seed for d in round2] == [77, 78]
        r = client.post("/api/looks/1/decision", headers=headers,
                        json={"verdict": "approve", "draft_id": round2[1].id, "comment": "this one"})  # fmt: skip
        assert r.status_code == 201, r.text
        run.join(60)
    assert run.error is None, run.error
    # the rough test sketch may not make a pattern: the hand-off reports either way, the approval stands
    assert run.result["review"]["1"].pop("handoff")["state"] in ("completed", "failed")
    assert run.result["review"] == {
        "1": {"verdict": "approve", "round": 2, "draft_id": round2[1].id, "reviewer": "ana"},
        "2": {"verdict": "reject", "round": 1, "draft_id": None, "reviewer": "ana"},
    }
    assert second["round"] == 1
    with session_scope(url) as s:
        assert {d.source for d in s.exec(select(ReviewDecision)).all()} == {"api"}
