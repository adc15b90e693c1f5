"""A sprint run waits for designers (Prefect pause with run input) and goes on with their decision."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from factories import add_drifted_draft, add_user, write_brief
from sqlmodel import select

from design_ai.db.models import Draft, Look, ReviewDecision, ReviewRound
from design_ai.db.session import session_scope
from design_ai.review.state import decide

pytestmark = pytest.mark.prefect


class Run(threading.Thread):
    """The sprint flow in a thread, as a worker would run it, with its result or error kept."""

    def __init__(self, **params: Any) -> None:
        super().__init__(daemon=True)
        self.params, self.result, self.error = params, None, None

    def run(self) -> None:
        from flows.sprint import design_sprint

        try:
            self.result = design_sprint(**self.params)
        except BaseException as exc:
            self.error = exc


def wait_until(predicate, timeout: float = 90.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def waiting_round(url: str, look_id: int, number: int) -> ReviewRound | None:
    with session_scope(url) as s:
        rnd = s.exec(select(ReviewRound).where(ReviewRound.look_id == look_id, ReviewRound.number == number)).first()
        return rnd if rnd is not None and rnd.waiting_run_id else None


@pytest.fixture
def fast_review(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    monkeypatch.setenv("SEAMLINE_REVIEW_POLL_S", "0.3")


def test_send_back_then_approve_from_the_cli_path(prefect_api, fast_review, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from design_ai.config import get_settings
    from design_ai.garments.tops.flat import PRESETS, draw_tee_flat
    from flows.review import resume_waiting

    monkeypatch.setenv("SEAMLINE_MARKER_SECONDS", "1")
    settings = get_settings()
    url = settings.resolved_database_url
    add_user(settings, "ana", "reviewer")
    brief = write_brief(tmp_path / "b", looks=[{"generation": {"width": 512, "height": 512}}])
    draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=6.0, style="line")[0].save(tmp_path / "b" / "sketches" / "tee.png")
    run = Run(brief=str(brief), engine="flat")
    run.start()
    rnd = wait_until(lambda: waiting_round(url, 1, 1))
    record = decide(url, look_id=1, verdict="send_back", reviewer="ana", comment="more contrast",
                    edits={"seed": 500, "drafts": 3}, source="cli")  # fmt: skip
    assert record.waiting_run_id == rnd.waiting_run_id
    assert resume_waiting(record)
    wait_until(lambda: waiting_round(url, 1, 2))  # the run drafted round 2 and waits again
    with session_scope(url) as s:
        round2 = s.exec(select(Draft).where(Draft.look_id == 1, Draft.round == 2).order_by(Draft.position)).all()
    assert [d.seed for d in round2] == [500, 501, 502]
    record = decide(url, look_id=1, verdict="approve", reviewer="ana", draft_id=round2[2].id, source="cli")
    assert resume_waiting(record)
    run.join(60)
    assert run.error is None, run.error
    handoff = run.result["review"]["1"].pop("handoff")
    assert run.result["review"] == {"1": {"verdict": "approve", "round": 2, "draft_id": round2[2].id,
                                          "reviewer": "ana"}}  # fmt: skip
    # approval started the production hand-off: pattern, estimate and a draft tech pack
    assert handoff["state"] == "completed", handoff
    assert Path(handoff["pdf"]).is_file()
    with session_scope(url) as s:
        assert s.get(Look, 1).status == "approved"


def test_decision_typed_into_the_prefect_form_is_recorded(prefect_api, fast_review, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    from uuid import UUID

    from prefect.flow_runs import resume_flow_run

    url = settings.resolved_database_url
    add_user(settings, "ana", "reviewer")
    run = Run(brief=str(write_brief(tmp_path / "b")), engine="flat")
    run.start()
    rnd = wait_until(lambda: waiting_round(url, 1, 1))
    drifted = add_drifted_draft(settings, 1)

    def answer(**run_input: Any) -> None:
        """Wait for the pause itself, then answer as the Prefect UI does: input only, nothing in Seamline's
        database."""
        deadline = time.monotonic() + 30
        while True:
            try:
                resume_flow_run(UUID(rnd.waiting_run_id), run_input={"look_id": 1, "round": 1, **run_input})
                return
            except Exception:
                assert time.monotonic() < deadline
                time.sleep(0.3)

    # approving a drifted draft without confirm_drift is refused like anywhere else: the run waits on
    answer(verdict="approve", draft_id=drifted, reviewer="ana")
    answer(verdict="reject", reviewer="ana", comment="not this season")
    run.join(60)
    assert run.error is None, run.error
    assert run.result["review"]["1"]["verdict"] == "reject"
    with session_scope(url) as s:
        decision = s.exec(select(ReviewDecision)).one()
    assert (decision.source, decision.reviewer, decision.comment) == ("prefect-ui", "ana", "not this season")


def test_a_decision_record_resumes_with_input_the_prefect_form_accepts() -> None:
    from datetime import UTC, datetime

    from design_ai.review.state import DecisionRecord
    from flows.review import ReviewInput

    record = DecisionRecord(
        decision_id=1, look_id=2, round=1, verdict="approve", draft_id=7, reviewer="ana", comment="", edits={},
        source="web", decided_at=datetime.now(UTC), next_round=None, waiting_run_id="r", waiting_api_url=None,
        drift_confirmed=["IoU 0.79 < 0.85"],
    )  # fmt: skip
    given = ReviewInput.model_validate(record.as_input())
    assert given.confirm_drift is True and given.draft_id == 7
    assert ReviewInput.model_validate({"look_id": 2, "round": 1, "verdict": "approve"}).confirm_drift is False


def test_timeout_marks_looks_expired_and_fails_the_run(
    prefect_api, fast_review, monkeypatch, tmp_path: Path, settings
) -> None:  # type: ignore[no-untyped-def]
    from flows.review import ReviewTimeout

    monkeypatch.setenv("SEAMLINE_REVIEW_TIMEOUT_S", "2")
    run = Run(brief=str(write_brief(tmp_path / "b", looks=[{}, {"name": "Two"}])), engine="flat")
    run.start()
    run.join(90)
    assert isinstance(run.error, ReviewTimeout), run.error
    with session_scope(settings.resolved_database_url) as s:
        assert {lk.status for lk in s.exec(select(Look)).all()} == {"expired"}
        assert {r.status for r in s.exec(select(ReviewRound)).all()} == {"expired"}


def test_no_wait_returns_once_queued(prefect_api, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    from flows.sprint import design_sprint

    result = design_sprint(brief=str(write_brief(tmp_path / "b")), engine="flat", wait=False)
    assert "review" not in result
    assert result["looks"][0]["status"] == "in_review"
