"""The review state machine: verdicts, rounds, roles, four-eyes and what is refused, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import add_drifted_draft, add_user, seed_looks
from sqlmodel import func, select

from design_ai.db.models import Draft, Look, ReviewDecision, ReviewRound
from design_ai.db.session import session_scope
from design_ai.errors import UserError
from design_ai.patterns.drift import FidelityLimits
from design_ai.review.state import (
    Conflict,
    DriftNotConfirmed,
    Forbidden,
    NotFound,
    decide,
    expire_round,
    look_history,
    review_queue,
)
from design_ai.sprint import draft_open_round
from design_ai.store import Store


@pytest.fixture
def world(tmp_path: Path, db_url: str, settings):  # type: ignore[no-untyped-def]
    looks = seed_looks(tmp_path / "brief", settings, looks=2, author="mina")
    add_user(settings, "ana", "reviewer")
    add_user(settings, "mina", "designer")
    add_user(settings, "root", "admin")
    with session_scope(db_url) as s:
        drafts = {lk: [d.id for d in s.exec(select(Draft).where(Draft.look_id == lk)).all()] for lk in looks}
    return db_url, settings, looks, drafts


def _count(url: str, table) -> int:  # type: ignore[no-untyped-def]
    with session_scope(url) as s:
        return s.exec(select(func.count()).select_from(table)).one()


def test_queue_lists_waiting_looks_oldest_first(world) -> None:  # type: ignore[no-untyped-def]
    url, _settings, looks, _drafts = world
    with session_scope(url) as s:
        queue = review_queue(s)
    assert [q["look_id"] for q in queue] == looks
    assert queue[0]["round"] == 1 and len(queue[0]["drafts"]) == 2
    assert queue[0]["collection"] == "Test capsule" and queue[0]["age_s"] >= 0


def test_approve_closes_the_round_and_leaves_the_queue(world) -> None:  # type: ignore[no-untyped-def]
    url, _settings, looks, drafts = world
    record = decide(url, look_id=looks[0], verdict="approve", reviewer="ana", draft_id=drafts[looks[0]][1],
                    comment="the ink one", source="cli")  # fmt: skip
    assert (record.verdict, record.round, record.reviewer, record.next_round) == ("approve", 1, "ana", None)
    with session_scope(url) as s:
        assert s.get(Look, looks[0]).status == "approved"
        assert [q["look_id"] for q in review_queue(s)] == [looks[1]]
        history = look_history(s, looks[0])
    assert history["rounds"][0]["status"] == "decided"
    assert history["rounds"][0]["decision"]["comment"] == "the ink one"
    with pytest.raises(Conflict, match=r"round 1 already decided by ana at .* \(approve\)"):
        decide(url, look_id=looks[0], verdict="reject", reviewer="root")
    assert _count(url, ReviewDecision) == 1


def test_send_back_opens_a_new_round_with_edits(world) -> None:  # type: ignore[no-untyped-def]
    url, settings, looks, drafts = world
    record = decide(url, look_id=looks[0], verdict="send_back", reviewer="root", comment="bolder",
                    edits={"prompt": "bolder print", "seed": 99, "strength": 0.6, "drafts": 3})  # fmt: skip
    assert record.next_round == 2
    with session_scope(url) as s:
        assert s.get(Look, looks[0]).status == "drafting"
        assert looks[0] not in [q["look_id"] for q in review_queue(s)]
        rounds = s.exec(select(ReviewRound).where(ReviewRound.look_id == looks[0]).order_by(ReviewRound.number)).all()
    assert [(r.number, r.status) for r in rounds] == [(1, "decided"), (2, "open")]
    number, ids = draft_open_round(looks[0], settings=settings, store=Store.from_settings(settings))
    assert number == 2 and len(ids) == 3
    with session_scope(url) as s:
        new = [s.get(Draft, i) for i in ids]
        assert [d.seed for d in new] == [99, 100, 101]
        assert all(d.round == 2 and d.controlnet_scale == 0.6 and d.prompt.startswith("bolder print") for d in new)
        assert [q["round"] for q in review_queue(s) if q["look_id"] == looks[0]] == [2]
    # round 1's drafts cannot be approved in round 2
    with pytest.raises(NotFound, match=r"is not a draft of look .* round 2"):
        decide(url, look_id=looks[0], verdict="approve", reviewer="ana", draft_id=drafts[looks[0]][0])
    decide(url, look_id=looks[0], verdict="approve", reviewer="ana", draft_id=ids[0])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"reviewer": "mina", "verdict": "reject"}, Forbidden, r"mina \(designer\) may not decide"),
        ({"reviewer": "nobody", "verdict": "reject"}, NotFound, "no active account named 'nobody'"),
        ({"verdict": "approve", "draft_id": 10_000}, NotFound, "draft 10000 is not a draft of look"),
        ({"verdict": "approve"}, UserError, "approving needs the draft"),
        ({"verdict": "maybe"}, UserError, "unknown verdict"),
        ({"verdict": "reject", "comment": "x" * 4097}, UserError, "over the 4096-byte limit"),
        ({"verdict": "reject", "comment": "é" * 2049}, UserError, "over the 4096-byte limit"),
        ({"verdict": "send_back", "edits": {"seed": -1}}, UserError, "greater than or equal to 0"),
        ({"verdict": "send_back", "edits": {"drafts": 65}}, UserError, "less than or equal to 64"),
        ({"verdict": "send_back", "edits": {"colour": "red"}}, UserError, "Extra inputs"),
        ({"verdict": "reject", "look_id": 999}, NotFound, "no look with id 999"),
    ],
)
def test_refused_decisions_change_nothing(world, kwargs, error, match) -> None:  # type: ignore[no-untyped-def]
    url, _settings, looks, _drafts = world
    args = {"look_id": looks[0], "reviewer": "ana", **kwargs}
    with pytest.raises(error, match=match):
        decide(url, **args)
    assert _count(url, ReviewDecision) == 0
    assert _count(url, ReviewRound) == 2
    with session_scope(url) as s:
        assert {s.get(Look, lk).status for lk in looks} == {"in_review"}


def test_foreign_draft_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    url, _settings, looks, drafts = world
    with pytest.raises(NotFound, match=f"draft {drafts[looks[1]][0]} is not a draft of look {looks[0]}"):
        decide(url, look_id=looks[0], verdict="approve", reviewer="ana", draft_id=drafts[looks[1]][0])
    assert _count(url, ReviewDecision) == 0


def test_four_eyes(world) -> None:  # type: ignore[no-untyped-def]
    url, settings, looks, _drafts = world
    add_user(settings, "mina2", "reviewer")
    with session_scope(url) as s:  # make mina a reviewer who wrote the brief
        from design_ai.review.accounts import get_account

        get_account(s, "mina").role = "reviewer"
    with pytest.raises(Forbidden, match="four-eyes rule: mina wrote this brief"):
        decide(url, look_id=looks[0], verdict="reject", reviewer="mina", four_eyes=True)
    decide(url, look_id=looks[0], verdict="reject", reviewer="mina", four_eyes=False)


def test_one_open_round_is_enforced_by_the_database(world) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import IntegrityError

    url, _settings, looks, _drafts = world
    with pytest.raises(IntegrityError), session_scope(url) as s:
        s.add(ReviewRound(look_id=looks[0], number=5, engine="flat"))
    with pytest.raises(IntegrityError), session_scope(url) as s:
        rnd = s.exec(select(ReviewRound).where(ReviewRound.look_id == looks[0])).one()
        s.add(ReviewDecision(round_id=rnd.id, look_id=looks[0], verdict="reject", account_id=1, reviewer="a",
                             source="x"))  # fmt: skip
        s.add(ReviewDecision(round_id=rnd.id, look_id=looks[0], verdict="approve", account_id=1, reviewer="b",
                             source="x"))  # fmt: skip


def test_expire(world) -> None:  # type: ignore[no-untyped-def]
    url, _settings, looks, _drafts = world
    assert expire_round(url, looks[0], 1)
    assert not expire_round(url, looks[0], 1)
    with session_scope(url) as s:
        assert s.get(Look, looks[0]).status == "expired"
    with pytest.raises(Conflict, match="has no open review round"):
        decide(url, look_id=looks[0], verdict="reject", reviewer="ana")


def test_approving_a_drifted_draft_needs_its_drift_confirmed(world) -> None:  # type: ignore[no-untyped-def]
    url, settings, looks, drafts = world
    drifted = add_drifted_draft(settings, looks[0])
    limits = settings.fidelity_limits
    with session_scope(url) as s:
        [item, _other] = review_queue(s, limits=limits)
    shown = {d["draft_id"]: d["fidelity"] for d in item["drafts"]}
    assert item["flagged_drafts"] == 1 and shown[drifted]["flagged"]
    assert not any(shown[d]["flagged"] for d in drafts[looks[0]])  # the flat drafts follow the sketch
    with pytest.raises(DriftNotConfirmed, match=rf"^draft {drifted} drifts from its sketch \(IoU 0\.\d+ < 0\.85\): "):
        decide(url, look_id=looks[0], verdict="approve", reviewer="ana", draft_id=drifted, limits=limits)
    assert _count(url, ReviewDecision) == 0  # refused: nothing written
    with session_scope(url) as s:
        assert s.get(Look, looks[0]).status == "in_review"

    record = decide(url, look_id=looks[0], verdict="approve", reviewer="ana", draft_id=drifted, limits=limits,
                    confirm_drift=True, comment="shorter on purpose")  # fmt: skip
    assert record.drift_confirmed == shown[drifted]["reasons"] and record.as_input()["confirm_drift"] is True
    with session_scope(url) as s:
        history = look_history(s, looks[0], limits=limits)
    decision = history["rounds"][0]["decision"]
    assert decision["drift_confirmed"] == shown[drifted]["reasons"] and decision["comment"] == "shorter on purpose"


def test_the_limits_in_force_at_decision_time_decide(world) -> None:  # type: ignore[no-untyped-def]
    url, settings, looks, drafts = world
    drifted = add_drifted_draft(settings, looks[1])  # flagged when made, under the default limits
    lenient = FidelityLimits(min_iou=0.5, max_pom_cm=10.0)
    with session_scope(url) as s:
        figures = next(
            d for d in look_history(s, looks[1], limits=lenient)["rounds"][0]["drafts"] if d["draft_id"] == drifted
        )["fidelity"]
    assert figures["flagged_when_made"] and not figures["flagged"] and figures["limits"]["min_iou"] == 0.5
    record = decide(url, look_id=looks[1], verdict="approve", reviewer="ana", draft_id=drifted, limits=lenient)
    assert record.drift_confirmed is None
    # confirming a draft that is not flagged records nothing to confirm
    record = decide(url, look_id=looks[0], verdict="approve", reviewer="ana", draft_id=drafts[looks[0]][0],
                    limits=settings.fidelity_limits, confirm_drift=True)  # fmt: skip
    assert record.drift_confirmed is None
