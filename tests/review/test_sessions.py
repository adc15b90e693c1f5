"""Server-side sessions and login throttling: a saved cookie dies with logout, a password change or a disabled
account; guessing is locked per account and per address without running the password hash."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from app_helpers import PASSWORD, api_login, csrf_in, db_counts, decisions, form_login, make_user, sprint_looks
from fastapi.testclient import TestClient
from sqlmodel import select, update

from design_ai.db.models import utcnow
from design_ai.db.session import session_scope
from design_ai.review import accounts

COOKIE = "seamline_session"


class FakeClock:
    """Monotonic seconds that only move when the test says so."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


class CountingHasher:
    """The cheap test hasher, counting verifications; with `gate` set, each one waits for the test to allow it."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.verified = 0
        self.running = 0
        self.max_running = 0
        self.gate: threading.Event | None = None
        self._lock = threading.Lock()

    def verify(self, hash_: str, password: str) -> bool:
        with self._lock:
            self.verified += 1
            self.running += 1
            self.max_running = max(self.max_running, self.running)
        try:
            if self.gate is not None:
                assert self.gate.wait(60), "the test never released the hashes"
            return bool(self._inner.verify(hash_, password))
        finally:
            with self._lock:
                self.running -= 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> CountingHasher:
    counting = CountingHasher(accounts._hasher)
    monkeypatch.setattr(accounts, "_hasher", counting)
    return counting


def _guarded(make_client: Callable[..., TestClient], clock: FakeClock, **gate: Any) -> TestClient:
    from design_ai.review.login import LoginGuard
    from design_ai.review.throttle import HashGate, LoginThrottle

    guard = LoginGuard(throttle=LoginThrottle(clock=clock), gate=HashGate(**gate) if gate else HashGate())
    return make_client(login_guard=guard)


def _replay(client: TestClient, cookie: str) -> TestClient:
    """Another browser on the same app holding a copy of `cookie` (as an attacker who saved it would)."""
    other = TestClient(client.app, follow_redirects=False, client=("203.0.113.9", 4000))
    other.cookies.set(COOKIE, cookie)
    return other


def _assert_refused(replay: TestClient, csrf: str, look_id: int, draft_id: int) -> None:
    assert replay.get("/api/me").status_code == 401
    assert replay.get("/api/queue").status_code == 401
    page = replay.get("/")
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    body = {"verdict": "approve", "draft_id": draft_id}
    r = replay.post(f"/api/looks/{look_id}/decision", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 401, r.text
    form = {"verdict": "approve", "draft_id": str(draft_id), "csrf_token": csrf}
    r = replay.post(f"/looks/{look_id}/decision", data=form)
    assert r.status_code == 303 and r.headers["location"].startswith("/login"), r.text


def _login_api(client: TestClient, name: str, password: str = PASSWORD) -> Any:
    return client.post("/api/login", json={"name": name, "password": password})


# --- sessions end at once ------------------------------------------------------------------------------------------


def test_a_cookie_saved_before_logout_is_refused_after_it(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    [look] = sprint_looks(tmp_path / "b", settings)
    make_user(db_url, "ana")
    for logout in ("api", "form"):
        client = make_client()
        csrf = api_login(client, "ana") if logout == "api" else form_login(client, "ana")
        saved = client.cookies[COOKIE]
        assert _replay(client, saved).get("/api/me").json()["name"] == "ana"  # the copy works while logged in
        before = db_counts(db_url)
        if logout == "api":
            assert client.post("/api/logout", headers={"X-CSRF-Token": csrf}).json() == {"ok": True}
        else:
            assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
        _assert_refused(_replay(client, saved), csrf, look.look_id, look.draft_ids[0])
        assert db_counts(db_url) == before and decisions(db_url) == []


def test_login_starts_a_fresh_session_and_ends_the_browsers_previous_one(db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    from design_ai.db.models import LoginSession

    make_user(db_url, "ana")
    make_user(db_url, "bob")
    client = make_client()
    api_login(client, "ana")
    first = client.cookies[COOKIE]
    api_login(client, "bob")  # same browser, another login: a new token, and the old one is over
    assert client.cookies[COOKIE] != first
    assert _replay(client, first).get("/api/me").status_code == 401
    assert client.get("/api/me").json()["name"] == "bob"
    with session_scope(db_url) as s:
        rows = s.exec(select(LoginSession)).all()
    assert len(rows) == 2 and sum(r.revoked_at is None for r in rows) == 1
    assert all(len(r.token_hash) == 64 and r.client_addr == "testclient" for r in rows)


def test_password_change_ends_every_session_of_the_account(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    [look] = sprint_looks(tmp_path / "b", settings)
    make_user(db_url, "ana")
    make_user(db_url, "bob")
    laptop, phone, other = make_client(), make_client(), make_client()
    csrf = api_login(laptop, "ana")
    api_login(phone, "ana")
    api_login(other, "bob")
    saved = laptop.cookies[COOKIE]
    with session_scope(db_url) as s:
        assert accounts.set_password(s, name="ana", password="a new long password") == 2
    _assert_refused(_replay(laptop, saved), csrf, look.look_id, look.draft_ids[0])
    assert phone.get("/api/me").status_code == 401  # the session on the other device ended too
    assert other.get("/api/me").json()["name"] == "bob"  # another account is untouched
    assert _login_api(laptop, "ana").status_code == 401  # the old password is gone
    assert _login_api(laptop, "ana", "a new long password").status_code == 200
    assert decisions(db_url) == []


def test_disable_ends_sessions_and_enable_lets_the_account_log_in_again(
    tmp_path: Path, db_url: str, settings, make_client
) -> None:  # type: ignore[no-untyped-def]
    [look] = sprint_looks(tmp_path / "b", settings)
    make_user(db_url, "ana")
    laptop, phone = make_client(), make_client()
    csrf = form_login(laptop, "ana")
    api_login(phone, "ana")
    saved = laptop.cookies[COOKIE]
    with session_scope(db_url) as s:
        assert accounts.set_active(s, name="ana", active=False) == 2
    _assert_refused(_replay(laptop, saved), csrf, look.look_id, look.draft_ids[0])
    assert phone.get("/api/me").status_code == 401
    assert _login_api(phone, "ana").status_code == 401  # a disabled account cannot log in
    with session_scope(db_url) as s:
        accounts.set_active(s, name="ana", active=True)
    assert _replay(laptop, saved).get("/api/me").status_code == 401  # enabling brings no old session back
    assert _login_api(phone, "ana").status_code == 200 and phone.get("/api/me").json()["name"] == "ana"
    assert decisions(db_url) == []


def test_idle_and_expired_sessions_are_refused(db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    from design_ai.db.models import LoginSession
    from design_ai.review.sessions import IDLE_TIMEOUT

    make_user(db_url, "ana")
    client = make_client()
    api_login(client, "ana")
    saved = client.cookies[COOKIE]
    with session_scope(db_url) as s:
        s.exec(update(LoginSession).values(last_seen_at=utcnow() - timedelta(minutes=5)))  # type: ignore[call-overload]
    assert client.get("/api/me").status_code == 200  # used within the idle timeout: still on, and touched
    with session_scope(db_url) as s:
        [row] = s.exec(select(LoginSession)).all()
        seen = row.last_seen_at if row.last_seen_at.tzinfo else row.last_seen_at.replace(tzinfo=utcnow().tzinfo)
        assert utcnow() - seen < timedelta(minutes=1)
        s.exec(update(LoginSession).values(last_seen_at=utcnow() - IDLE_TIMEOUT - timedelta(seconds=1)))  # type: ignore[call-overload]
    assert _replay(client, saved).get("/api/me").status_code == 401
    with session_scope(db_url) as s:
        s.exec(update(LoginSession).values(last_seen_at=utcnow(), expires_at=utcnow() - timedelta(seconds=1)))  # type: ignore[call-overload]
    assert _replay(client, saved).get("/api/me").status_code == 401


# --- throttling ----------------------------------------------------------------------------------------------------


def test_the_sixth_wrong_password_is_429_and_the_right_one_waits_for_the_lock(
    db_url: str, settings, make_client, hasher
) -> None:  # type: ignore[no-untyped-def]
    make_user(db_url, "ana")
    clock = FakeClock()
    client = _guarded(make_client, clock)
    for _ in range(5):
        assert _login_api(client, "ana", "wrong password").status_code == 401
    sixth = _login_api(client, "ana", "wrong password")
    assert sixth.status_code == 429 and sixth.headers["retry-after"] == "60", sixth.text
    assert "try again in 60 s" in sixth.json()["detail"]
    hashed = hasher.verified
    right = _login_api(client, "ana")
    assert right.status_code == 429  # the right password is refused too while the lock holds
    # the login page says so too, with the same status and header
    token = csrf_in(client.get("/login").text)
    clock.now += 30
    page = client.post("/login", data={"name": "ana", "password": PASSWORD, "csrf_token": token})
    assert page.status_code == 429 and page.headers["retry-after"] == "30"
    assert "Too many failed sign-ins" in page.text and "try again in 30 s" in page.text
    assert hasher.verified == hashed  # no hash ran for a throttled attempt
    clock.now += 31
    assert _login_api(client, "ana").status_code == 200  # the lock ended
    for _ in range(5):  # the success reset the account's counter: five more tries before the next lock
        assert _login_api(client, "ana", "wrong password").status_code == 401
    assert _login_api(client, "ana", "wrong password").status_code == 429


def test_locks_double_while_the_guessing_goes_on(db_url: str, settings, make_client, hasher) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock()
    client = _guarded(make_client, clock)
    waits = []
    for _ in range(3):
        for _ in range(5):
            assert _login_api(client, "ghost", "guess-guess").status_code == 401  # unknown names count too
        r = _login_api(client, "ghost", "guess-guess")
        assert r.status_code == 429
        waits.append(int(r.headers["retry-after"]))
        clock.now += waits[-1]
    assert waits == [60, 120, 240]


def test_an_account_lock_holds_from_every_address(db_url: str, settings, make_client, hasher) -> None:  # type: ignore[no-untyped-def]
    make_user(db_url, "ana")
    clock = FakeClock()
    client = _guarded(make_client, clock)
    for _ in range(5):
        assert _login_api(client, "ana", "wrong password").status_code == 401
    elsewhere = TestClient(client.app, follow_redirects=False, client=("198.51.100.7", 5000))
    assert _login_api(elsewhere, "ana").status_code == 429
    make_user(db_url, "bob")
    assert _login_api(elsewhere, "bob").status_code == 200  # other accounts are not locked


def test_one_address_guessing_many_names_is_throttled(db_url: str, settings, make_client, hasher) -> None:  # type: ignore[no-untyped-def]
    make_user(db_url, "ana")
    clock = FakeClock()
    client = _guarded(make_client, clock)
    for i in range(20):  # one guess per name: no account lock, but the address adds up
        assert _login_api(client, f"name{i}", "guess-guess").status_code == 401
    hashed = hasher.verified
    r = _login_api(client, "name-new", "guess-guess")
    assert r.status_code == 429 and int(r.headers["retry-after"]) == 60
    assert _login_api(client, "ana").status_code == 429  # even the right password, from this address
    assert hasher.verified == hashed
    elsewhere = TestClient(client.app, follow_redirects=False, client=("198.51.100.7", 5000))
    assert _login_api(elsewhere, "ana").status_code == 200  # ana from her own address is not held up


def test_a_login_flood_leaves_the_queue_api_answering(
    tmp_path: Path, db_url: str, settings, make_client, hasher
) -> None:  # type: ignore[no-untyped-def]
    """Ten bad logins at once against two hash slots and four waiting places: two hash, four wait, four are
    refused at once with 503; meanwhile a logged-in reviewer's queue API answers every request."""
    sprint_looks(tmp_path / "b", settings)
    make_user(db_url, "ana")
    client = _guarded(make_client, FakeClock(), slots=2, max_waiting=4, wait_s=60)
    api_login(client, "ana")
    hasher.gate = threading.Event()
    results: list[Any] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        r = _login_api(client, f"flood{i}", "guess-guess")
        with lock:
            results.append(r)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    try:
        _wait_for(lambda: hasher.running == 2 and len(results) == 4)
        assert {r.status_code for r in results} == {503} and all(r.headers["retry-after"] == "1" for r in results)
        for _ in range(5):  # two hashes blocked, four logins waiting: the queue API still answers
            r = client.get("/api/queue")
            assert r.status_code == 200 and len(r.json()) == 1
    finally:
        hasher.gate.set()
        for t in threads:
            t.join(60)
    assert sorted(r.status_code for r in results) == [401] * 6 + [503] * 4
    assert hasher.max_running == 2


def _wait_for(condition: Callable[[], bool], limit_s: float = 60.0) -> None:
    deadline = time.monotonic() + limit_s
    while not condition():
        assert time.monotonic() < deadline, "the flood never reached the expected state"
        time.sleep(0.01)


def test_the_hash_gate_bounds_checks_and_waiters() -> None:
    import asyncio

    from design_ai.review.throttle import Busy, HashGate

    gate = HashGate(slots=1, max_waiting=1, wait_s=60)
    release = threading.Event()

    async def scenario() -> list[str]:
        first = asyncio.create_task(gate.run(release.wait, 60))
        await asyncio.sleep(0)
        second = asyncio.create_task(gate.run(lambda: "second"))
        await asyncio.sleep(0)
        try:
            await gate.run(lambda: "third")  # one running, one waiting: refused at once
            third = "ran"
        except Busy:
            third = "busy"
        release.set()
        return [str(await first), await second, third]

    assert asyncio.run(scenario()) == ["True", "second", "busy"]


def test_throttle_forgets_the_doubling_after_a_quiet_window() -> None:
    from design_ai.review.throttle import LoginThrottle, Policy

    clock = FakeClock()
    throttle = LoginThrottle(clock=clock, account=Policy(limit=2, window_s=100, lock_s=10), address=Policy(limit=99))
    for _ in range(2):
        throttle.failed("ana", "a")
    assert throttle.retry_after("ana", "b") == 10 and throttle.retry_after("bob", "b") == 0
    clock.now += 10
    for _ in range(2):
        throttle.failed("ANA ", "a")  # the same account however it is typed
    assert throttle.retry_after("ana", "b") == 20
    clock.now += 20 + 101  # a quiet window after the lock ended
    for _ in range(2):
        throttle.failed("ana", "a")
    assert throttle.retry_after("ana", "b") == 10
