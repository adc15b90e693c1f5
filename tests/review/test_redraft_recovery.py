"""Send-backs that survive a crash: a look a killed review server left `drafting` (its new round open, no
drafts) is drafted when the next app starts, and a re-run sprint fills that round instead of queueing it empty;
either way each draft is written once."""

from __future__ import annotations

from pathlib import Path

from app_helpers import make_user, sprint_looks
from sqlmodel import func, select

from design_ai.db.models import Draft, Look, ReviewRound
from design_ai.db.session import session_scope
from design_ai.review.state import decide, review_queue, stalled_send_backs
from design_ai.sprint import draft_open_round
from design_ai.store import Store


def _sent_back_and_killed(db_url: str, look_id: int, **edits: object) -> None:
    """What a review server killed while drafting a send-back leaves: the decision recorded, round 2 open and
    empty, the look `drafting` (the decision commits first; the drafting job died with the process)."""
    make_user(db_url, "ana")
    decide(db_url, look_id=look_id, verdict="send_back", reviewer="ana", edits=edits, comment="cropped please")
    with session_scope(db_url, readonly=True) as s:
        assert s.get(Look, look_id).status == "drafting"
        assert s.exec(select(func.count()).select_from(Draft).where(Draft.round == 2)).one() == 0


def _round(db_url: str, look_id: int, number: int) -> tuple[str, list[Draft]]:
    with session_scope(db_url, readonly=True) as s:
        rnd = s.exec(select(ReviewRound).where(ReviewRound.look_id == look_id, ReviewRound.number == number)).one()
        drafts = s.exec(select(Draft).where(Draft.look_id == look_id, Draft.round == number)).all()
        return rnd.status, list(drafts)


def _draft_count(db_url: str) -> int:
    with session_scope(db_url, readonly=True) as s:
        return s.exec(select(func.count()).select_from(Draft)).one()


def test_a_new_app_drafts_the_send_back_a_killed_server_left_drafting(  # type: ignore[no-untyped-def]
    tmp_path: Path, db_url: str, settings, make_client
) -> None:
    a, _b = sprint_looks(tmp_path / "b", settings, looks=[{"name": "A"}, {"name": "B"}])
    _sent_back_and_killed(db_url, a.look_id, seed=4242, drafts=3)
    assert stalled_send_backs(db_url) == [a.look_id]
    store = Store.from_settings(settings)
    calls: list[int] = []

    def redraft(look_id: int) -> None:  # what `seamline review serve` wires in (flows.serve.review_app_for)
        calls.append(look_id)
        draft_open_round(look_id, settings=settings, store=store)

    client = make_client(redraft=redraft)  # its lifespan runs here
    assert client.app.state.ctx.runner.drain(60)  # type: ignore[attr-defined]
    assert calls == [a.look_id]  # B, in review, is left alone
    status, drafts = _round(db_url, a.look_id, 2)
    assert status == "open" and len(drafts) == 3 and {d.seed for d in drafts} == {4242, 4243, 4244}
    with session_scope(db_url, readonly=True) as s:
        assert s.get(Look, a.look_id).status == "in_review"
        queued = {q["look_id"]: q for q in review_queue(s)}
    assert queued[a.look_id]["round"] == 2 and len(queued[a.look_id]["drafts"]) == 3
    assert stalled_send_backs(db_url) == []

    # another start finds nothing to resume and writes nothing
    count = _draft_count(db_url)
    again = make_client(redraft=redraft)
    assert again.app.state.ctx.runner.drain(60)  # type: ignore[attr-defined]
    assert calls == [a.look_id] and _draft_count(db_url) == count


def test_a_look_being_drafted_by_this_process_is_not_started_twice(  # type: ignore[no-untyped-def]
    tmp_path: Path, db_url: str, settings, make_client
) -> None:
    import threading

    [a] = sprint_looks(tmp_path / "b", settings)
    _sent_back_and_killed(db_url, a.look_id)
    release = threading.Event()
    calls: list[int] = []

    def slow(look_id: int) -> None:
        calls.append(look_id)
        release.wait(30)

    client = make_client(redraft=slow)
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    assert ctx.resume_stalled_send_backs() == []  # the lifespan's resume of it is still running
    release.set()
    assert ctx.runner.drain(30)
    assert calls == [a.look_id]


def test_a_rerun_sprint_fills_the_open_round_instead_of_queueing_it_empty(  # type: ignore[no-untyped-def]
    tmp_path: Path, db_url: str, settings
) -> None:
    from flows.generate import make_drafts
    from flows.sprint import queue_for_review

    [a] = sprint_looks(tmp_path / "b", settings)
    _sent_back_and_killed(db_url, a.look_id, seed=77, drafts=3)
    with session_scope(db_url, readonly=True) as s:
        control_key = s.get(Look, a.look_id).control_key

    # the sprint flow's steps for the look, as a re-run takes them (their bodies, without the Prefect engine)
    ids = make_drafts.fn(a.look_id, control_key, "flat", None)
    number = queue_for_review.fn(a.look_id, "flat")
    assert number == 2
    status, drafts = _round(db_url, a.look_id, 2)
    assert status == "open" and sorted(d.id for d in drafts) == sorted(ids)
    assert len(drafts) == 3 and {d.seed for d in drafts} == {77, 78, 79}  # the reviewer's edits, not the brief's
    with session_scope(db_url, readonly=True) as s:
        assert s.get(Look, a.look_id).status == "in_review"
        [queued] = review_queue(s)
    assert queued["round"] == 2 and len(queued["drafts"]) == 3

    # the review app drafting the same round afterwards (a late job) finds them: keyed, nothing written twice
    count = _draft_count(db_url)
    assert draft_open_round(a.look_id, settings=settings, store=Store.from_settings(settings)) == (2, ids)
    assert _draft_count(db_url) == count


def test_a_redraft_that_fails_while_the_server_runs_is_taken_up_by_the_sweep(  # type: ignore[no-untyped-def]
    tmp_path: Path, db_url: str, settings, make_client
) -> None:
    """A send-back whose drafting fails (the engine ran out of memory) with the server still up: the look was
    left `drafting` until the next restart. The app's sweep drafts it once its round has waited `stalled_after`,
    and leaves younger rounds to the jobs that may still be drafting them."""
    import asyncio
    from datetime import timedelta

    from app_helpers import api_login

    [a] = sprint_looks(tmp_path / "b", settings)
    store = Store.from_settings(settings)
    failures = [RuntimeError("CUDA out of memory")]
    calls: list[int] = []

    def redraft(look_id: int) -> None:
        calls.append(look_id)
        if failures:
            raise failures.pop()
        draft_open_round(look_id, settings=settings, store=store)

    client = make_client(redraft=redraft)
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    make_user(db_url, "ana")
    csrf = api_login(client, "ana")
    r = client.post(f"/api/looks/{a.look_id}/decision", json={"verdict": "send_back", "round": 1},
                    headers={"X-CSRF-Token": csrf})  # fmt: skip
    assert r.status_code == 201, r.text
    assert ctx.runner.drain(60)
    assert calls == [a.look_id] and _round(db_url, a.look_id, 2) == ("open", [])

    assert ctx.resume_stalled_send_backs(timedelta(hours=1)) == []  # too young: a job may still be on it
    ctx.stalled_after, ctx.sweep_every_s = timedelta(0), 0.05

    async def sweep_until_drafted() -> None:
        task = asyncio.create_task(ctx.sweep_stalled_send_backs())
        for _ in range(400):
            await asyncio.sleep(0.05)
            if len(calls) == 2:
                break
        task.cancel()

    asyncio.run(sweep_until_drafted())
    assert ctx.runner.drain(60)
    assert calls == [a.look_id, a.look_id]
    status, drafts = _round(db_url, a.look_id, 2)
    assert status == "open" and len(drafts) == 2
    assert stalled_send_backs(db_url) == []
