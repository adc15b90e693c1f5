"""The queue page's short-lived cache: one rendering serves every reviewer for a moment, and a decision made
through the app hides its look from it at once, so nobody is shown the look they just decided."""

from __future__ import annotations

from pathlib import Path

from app_helpers import api_login, make_user, sprint_looks

from design_ai.review.queue_cache import QueueCache
from design_ai.review.state import decide


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_value_serves_until_it_expires_or_is_invalidated() -> None:
    clock, made = Clock(), []
    cache = QueueCache(1.0, clock=clock)

    def make() -> int:
        made.append(1)
        return len(made)

    assert cache.get("p1", make) == (1, frozenset()) and cache.get("p1", make)[0] == 1
    clock.now += 0.5
    assert cache.get("p1", make)[0] == 1
    clock.now += 0.6
    assert cache.get("p1", make)[0] == 2  # expired
    cache.invalidate()
    assert cache.get("p1", make)[0] == 3
    assert QueueCache(0).get("x", make)[0] == 4 and QueueCache(0).get("x", make)[0] == 5  # off


def test_a_decided_look_is_hidden_from_pages_made_before_the_decision_only() -> None:
    clock = Clock()
    cache = QueueCache(1.0, clock=clock)
    assert cache.get("p1", lambda: "page one")[1] == frozenset()
    clock.now += 0.1
    cache.drop(7)
    assert cache.get("p1", lambda: "not made") == ("page one", frozenset({7}))
    clock.now += 1.0  # expired: read again after the decision, which the record already shows
    assert cache.get("p1", lambda: "page one again") == ("page one again", frozenset())
    clock.now += 0.1  # the look is back in the queue (a new round made elsewhere): it is not hidden
    assert cache.get("p1", lambda: "not made")[1] == frozenset()


def test_a_value_made_while_the_cache_was_invalidated_is_not_kept() -> None:
    cache = QueueCache(10.0, clock=Clock())

    def make_during_a_new_round() -> str:
        cache.invalidate()  # a round is queued while the page is being made from the older state
        return "stale"

    assert cache.get("p1", make_during_a_new_round)[0] == "stale"
    assert cache.get("p1", lambda: "fresh")[0] == "fresh"


def test_the_cache_is_bounded() -> None:
    cache = QueueCache(10.0, clock=Clock(), max_entries=4)
    for k in range(50):
        cache.get(k, lambda k=k: k)
    assert len(cache._entries) <= 4


def test_the_app_serves_the_queue_from_its_cache_and_hides_a_look_decided_through_it(
    tmp_path: Path, db_url: str, settings, make_client  # type: ignore[no-untyped-def]
) -> None:
    a, b = sprint_looks(tmp_path / "b", settings, looks=[{"name": "Look A"}, {"name": "Look B"}])
    make_user(db_url, "ana")
    client = make_client(settings.model_copy(update={"review_queue_cache_s": 60.0}))
    csrf = api_login(client, "ana")
    page = client.get("/").text
    assert "Look A" in page and "Look B" in page
    assert int(client.get("/api/queue").headers["X-Total-Count"]) == 2
    # decided behind the app's back (the CLI, another server process): the page may lag, by at most the TTL
    decide(db_url, look_id=b.look_id, verdict="reject", reviewer="ana")
    assert "Look B" in client.get("/").text
    assert int(client.get("/api/queue").headers["X-Total-Count"]) == 2
    # decided through the app: gone at once, for every reviewer of this process
    r = client.post(f"/api/looks/{a.look_id}/decision", json={"verdict": "reject", "round": 1},
                    headers={"X-CSRF-Token": csrf})  # fmt: skip
    assert r.status_code == 201, r.text
    page = client.get("/").text
    assert f'data-look="{a.look_id}"' not in page and f'data-look="{b.look_id}"' in page  # B: still cached
    assert [q["look_id"] for q in client.get("/api/queue").json()] == [b.look_id]
    assert "1 look waiting" in page
