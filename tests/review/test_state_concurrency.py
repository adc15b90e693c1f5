"""Decisions racing on one round, straight through the state machine from threads, on SQLite and PostgreSQL.

The HTTP test in test_app.py covers the same through the app; this one takes the app out, lines the threads up
on a barrier right before `decide`, and repeats the race so the database (unique round, row lock), not luck or
request serialisation, is what lets exactly one decision through.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from app_helpers import decisions, make_user, sprint_looks
from sqlmodel import select

from design_ai.db.models import ReviewRound
from design_ai.db.session import session_scope
from design_ai.review.state import Conflict, DecisionRecord, NotFound, decide

THREADS = 8


def _race(url: str, calls: list[dict[str, Any]]) -> list[DecisionRecord | Exception]:
    barrier = threading.Barrier(len(calls))
    results: list[DecisionRecord | Exception] = [RuntimeError("did not run")] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = decide(url, **calls[i])
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_one_decision_per_round_under_a_race(tmp_path: Path, db_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    looks = sprint_looks(tmp_path / "b", settings, looks=[{"name": f"Look {i}"} for i in range(3)])
    for i in range(THREADS):
        make_user(db_url, f"rev{i}")
    for look in looks:  # three independent races
        calls = [
            {
                "look_id": look.look_id,
                "verdict": "approve",
                "reviewer": f"rev{i}",
                "draft_id": look.draft_ids[i % len(look.draft_ids)],
                "comment": f"rev{i}",
                "source": "api",
            }
            for i in range(THREADS)
        ]
        results = _race(db_url, calls)
        wins = [r for r in results if isinstance(r, DecisionRecord)]
        losses = [r for r in results if not isinstance(r, DecisionRecord)]
        assert len(wins) == 1, results
        assert all(isinstance(r, Conflict) for r in losses), losses
        for r in losses:
            assert f"look {look.look_id} round 1 already decided by {wins[0].reviewer} at " in str(r)
    rows = decisions(db_url)
    assert len(rows) == len(looks) and len({d.round_id for d in rows}) == len(looks)


def test_mixed_verdicts_race_leaves_one_decision_and_one_open_round_at_most(
    tmp_path: Path, db_url: str, settings
) -> None:  # type: ignore[no-untyped-def]
    [look] = sprint_looks(tmp_path / "b", settings)
    for i in range(THREADS):
        make_user(db_url, f"rev{i}")
    verdicts = ["send_back", "reject", "approve", "send_back"] * 2
    calls = [
        {
            "look_id": look.look_id,
            "verdict": v,
            "reviewer": f"rev{i}",
            "draft_id": look.draft_ids[0] if v == "approve" else None,
            "edits": {"seed": 1000 + i} if v == "send_back" else None,
        }
        for i, v in enumerate(verdicts)
    ]
    results = _race(db_url, calls)
    wins = [r for r in results if isinstance(r, DecisionRecord)]
    assert len(wins) == 1, results
    # Losers are refused without writing. An approval that starts after a winning send-back finds round 2 open
    # and its round-1 draft "not a draft of round 2" (404): refused all the same (see the state machine note).
    assert all(isinstance(r, Conflict | NotFound) for r in results if r is not wins[0]), results
    [row] = decisions(db_url)
    assert row.id == wins[0].decision_id
    with session_scope(db_url) as s:
        rounds = s.exec(select(ReviewRound).where(ReviewRound.look_id == look.look_id)).all()
    open_rounds = [r.number for r in rounds if r.status == "open"]
    assert open_rounds == ([2] if wins[0].verdict == "send_back" else [])
    assert len(rounds) == (2 if wins[0].verdict == "send_back" else 1)


@pytest.mark.parametrize("repeat", range(2))
def test_double_submit_by_one_reviewer(tmp_path: Path, db_url: str, settings, repeat: int) -> None:  # type: ignore[no-untyped-def]
    """A double click (the same reviewer, the same decision, twice at once) records it once."""
    [look] = sprint_looks(tmp_path / "b", settings)
    make_user(db_url, "ana")
    call = {"look_id": look.look_id, "verdict": "reject", "reviewer": "ana", "comment": "no"}
    results = _race(db_url, [call, call])
    assert sum(isinstance(r, DecisionRecord) for r in results) == 1, results
    assert len(decisions(db_url)) == 1
