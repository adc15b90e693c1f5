"""`seamline user` and `seamline review` as a user runs them: real processes, the JSON contract, exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from factories import PASSWORD, add_drifted_draft, seed_looks
from sqlmodel import func, select
from test_cli import seamline

from design_ai.db.models import Draft, ReviewDecision
from design_ai.db.session import session_scope


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    return {"SEAMLINE_HOME": str(home), "SEAMLINE_PASSWORD": PASSWORD}


def _ok(out: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert out.returncode == 0, out.stderr
    return out


def test_users_and_a_decision_from_the_cli(tmp_path: Path, settings, env: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    [look] = seed_looks(tmp_path / "b", settings)
    _ok(seamline("user", "add", "ana", "--role", "reviewer", env=env))
    _ok(seamline("user", "add", "dev", "--role", "designer", env=env))
    dup = seamline("user", "add", "ana", "--role", "reviewer", env=env)
    assert dup.returncode == 2 and "account 'ana' already exists" in dup.stderr
    bad_role = seamline("user", "add", "zed", "--role", "boss", env=env)
    assert bad_role.returncode == 2 and "--role: unknown role 'boss'" in bad_role.stderr
    short = seamline("user", "add", "zed", "--role", "reviewer", env={**env, "SEAMLINE_PASSWORD": "short"})
    assert short.returncode == 2 and "at least 8 characters" in short.stderr

    queue = json.loads(_ok(seamline("review", "list", "--json", env=env)).stdout)
    assert [(q["look_id"], q["round"]) for q in queue] == [(look, 1)]
    drafts = [d["draft_id"] for d in queue[0]["drafts"]]
    shown = json.loads(_ok(seamline("review", "show", str(look), "--json", env=env)).stdout)
    assert Path(shown["sketch"]).is_file() and Path(shown["rounds"][0]["drafts"][0]["image"]).is_file()

    for args, needle in [
        (("approve", str(look), "--draft", str(drafts[0]), "--as", "ana"), "wrong account name or password"),
        (("approve", str(look), "--draft", str(drafts[0]), "--as", "dev"), "dev (designer) may not decide"),
        (("approve", str(look), "--draft", "999", "--as", "ana"), "draft 999 is not a draft of look"),
        (("reject", str(look), "--as", "ana", "--comment", "x" * 5000), "comment: comment is 5000 bytes"),
        (("send-back", str(look), "--as", "ana", "--drafts", "0"), "drafts: Input should be greater than"),
    ]:
        e = env if "wrong" not in needle else {**env, "SEAMLINE_PASSWORD": "not the password"}
        out = seamline("review", *args, env=e)
        assert out.returncode == 2 and needle in out.stderr and len(out.stderr.strip().splitlines()) == 1, (
            args, out.stderr)  # fmt: skip
    with session_scope(settings.resolved_database_url) as s:
        assert s.exec(select(func.count()).select_from(ReviewDecision)).one() == 0

    # send back with nobody waiting: the CLI drafts the next round itself
    sent = json.loads(_ok(seamline("review", "send-back", str(look), "--as", "ana", "--seed", "40", "--drafts",
                                   "3", "--comment", "try warmer", "--json", env=env)).stdout)  # fmt: skip
    assert sent["verdict"] == "send_back" and sent["next_round"] == 2 and len(sent["new_drafts"]) == 3
    queue = json.loads(_ok(seamline("review", "list", "--json", env=env)).stdout)
    assert [(q["look_id"], q["round"], len(q["drafts"])) for q in queue] == [(look, 2, 3)]

    approved = json.loads(_ok(seamline("review", "approve", str(look), "--draft", str(sent["new_drafts"][1]),
                                       "--as", "ana", "--json", env=env)).stdout)  # fmt: skip
    assert approved["verdict"] == "approve" and approved["round"] == 2
    again = seamline("review", "reject", str(look), "--as", "ana", env=env)
    assert again.returncode == 2 and "round 2 already decided by ana at" in again.stderr
    assert json.loads(_ok(seamline("review", "list", "--json", env=env)).stdout) == []
    with session_scope(settings.resolved_database_url) as s:
        assert s.exec(select(func.count()).select_from(Draft)).one() == 5


def _cli(*args: str, env: dict[str, str], answer: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """`seamline ARGS` with stdin not a terminal, or (with `answer`) a pseudo-terminal that types `answer`."""
    import pty

    cmd = [sys.executable, "-m", "flows.cli", *args]
    full_env = {**os.environ, **env}
    if answer is None:
        return subprocess.run(cmd, capture_output=True, text=True, env=full_env, stdin=subprocess.DEVNULL, timeout=120)
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(cmd, stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=full_env)  # fmt: skip
        os.write(master, answer)
        out, err = proc.communicate(timeout=120)
    finally:
        os.close(slave)
        os.close(master)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def test_a_drifted_draft_is_shown_and_approved_only_with_confirmation(tmp_path: Path, settings, env) -> None:  # type: ignore[no-untyped-def]
    first, second = seed_looks(tmp_path / "b", settings, looks=2)
    drifted = {look: add_drifted_draft(settings, look) for look in (first, second)}
    _ok(_cli("user", "add", "ana", "--role", "reviewer", env=env))

    queue = json.loads(_ok(_cli("review", "list", "--json", env=env)).stdout)
    figures = {d["draft_id"]: d["fidelity"] for q in queue for d in q["drafts"]}
    assert figures[drifted[first]]["flagged"] and figures[drifted[first]]["reasons"][0].startswith("IoU 0.")
    assert sum(f["flagged"] for f in figures.values()) == 2 and all(f["iou"] is not None for f in figures.values())
    shown = _ok(_cli("review", "show", str(first), env=env)).stdout
    assert "fidelity: DRIFTS  IoU 0.7" in shown and "  ! IoU 0.7" in shown and "fidelity: ok  IoU 0.9" in shown

    refused = _cli("review", "approve", str(first), "--draft", str(drifted[first]), "--as", "ana", env=env)
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert f"draft {drifted[first]} drifts from its sketch (IoU 0.7" in refused.stderr and "confirm" in refused.stderr
    with session_scope(settings.resolved_database_url) as s:
        assert s.exec(select(func.count()).select_from(ReviewDecision)).one() == 0

    confirmed = json.loads(_ok(_cli("review", "approve", str(first), "--draft", str(drifted[first]), "--as", "ana",
                                    "--confirm-drift", "--json", env=env)).stdout)  # fmt: skip
    assert confirmed["verdict"] == "approve" and confirmed["drift_confirmed"][0].startswith("IoU 0.7")

    # in a terminal, without --confirm-drift, the reviewer is asked
    asked = _cli("review", "approve", str(second), "--draft", str(drifted[second]), "--as", "ana", env=env,
                 answer=b"y\n")  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    assert (
        f"Draft {drifted[second]} drifts from its sketch (IoU 0.7" in asked.stderr
        and "Approve anyway? [y/N]" in asked.stderr
    )
    with session_scope(settings.resolved_database_url) as s:
        rows = s.exec(select(ReviewDecision).order_by(ReviewDecision.id)).all()
    assert [(r.draft_id, bool(r.drift_confirmed)) for r in rows] == [(drifted[first], True), (drifted[second], True)]


def _typed(args: tuple[str, ...], *, env: dict[str, str], answers: list[str]) -> subprocess.CompletedProcess[str]:
    """`seamline ARGS` at a pseudo-terminal, typing each hidden answer once its prompt is up.

    A hidden prompt (getpass) flushes what was typed before it took the terminal, so each answer waits for the
    prompt text on stdout and then getpass's own prompt (" ") on stderr, which it writes after the flush."""
    import pty
    import select

    master, slave = pty.openpty()
    cmd = [sys.executable, "-m", "flows.cli", *args]
    proc = subprocess.Popen(cmd, stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, **env}, start_new_session=True)  # fmt: skip
    try:
        for answer in answers:
            out, err = b"", b""
            while not (out.rstrip().endswith(b":") and err.endswith(b" ")):
                ready, _, _ = select.select([proc.stdout, proc.stderr], [], [], 60)
                assert ready, f"no prompt after {out!r} {err!r}"
                chunk = os.read(ready[0].fileno(), 4096)
                assert chunk, f"the command ended at {out!r} {err!r}"
                if ready[0] is proc.stdout:
                    out += chunk
                else:
                    err += chunk
            os.write(master, answer.encode() + b"\n")
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        os.close(slave)
        os.close(master)
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout.decode(), stderr.decode())


def test_user_passwd_disable_enable_end_sessions_from_the_cli(tmp_path: Path, settings, env) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from design_ai.review.app import create_app

    _ok(_cli("user", "add", "ana", "--role", "reviewer", env=env))
    app = create_app(settings)
    browser = TestClient(app, follow_redirects=False)

    def login(password: str) -> int:
        return browser.post("/api/login", json={"name": "ana", "password": password}).status_code

    def replay(cookie: str) -> int:
        other = TestClient(app, follow_redirects=False)
        other.cookies.set("seamline_session", cookie)
        return other.get("/api/me").status_code

    def listed() -> dict[str, Any]:
        [row] = json.loads(_ok(_cli("user", "list", "--json", env=env)).stdout)
        return {"active": row["active"], "sessions": row["sessions"]}

    assert login(PASSWORD) == 200
    saved = browser.cookies["seamline_session"]
    assert listed() == {"active": True, "sessions": 1}

    # passwd: asked twice at a terminal; the saved cookie and the old password stop working at once
    no_env = {k: v for k, v in env.items() if k != "SEAMLINE_PASSWORD"}
    changed = _typed(("user", "passwd", "ana"), env=no_env, answers=["a new long password"] * 2)
    assert changed.returncode == 0 and "password of ana changed; 1 session ended" in changed.stdout, changed.stderr
    assert replay(saved) == 401 and login(PASSWORD) == 401 and login("a new long password") == 200
    old = _cli("review", "reject", "1", "--as", "ana", env=env)
    assert old.returncode == 2 and "wrong account name or password" in old.stderr

    # disable: sessions end, no login (web or CLI); enable: a new login works, the old cookie stays dead
    saved = browser.cookies["seamline_session"]
    assert "account ana disabled; 1 session ended" in _ok(_cli("user", "disable", "ana", env=env)).stdout
    assert replay(saved) == 401 and login("a new long password") == 401
    assert listed() == {"active": False, "sessions": 0}
    assert "disabled" in _ok(_cli("user", "list", env=env)).stdout
    new_env = {**env, "SEAMLINE_PASSWORD": "a new long password"}
    assert "wrong account name or password" in _cli("review", "reject", "1", "--as", "ana", env=new_env).stderr
    _ok(_cli("user", "enable", "ana", env=env))
    assert replay(saved) == 401 and login("a new long password") == 200

    # mistakes: one line, exit 2, nothing changed
    for args, needle in [
        (("passwd", "nobody"), "NAME: no account 'nobody'"),
        (("disable", "nobody"), "NAME: no account 'nobody'"),
        (("enable", "nobody"), "NAME: no account 'nobody'"),
        (("disable", "x\x1b[2J" + "y" * 500), "NAME: no account 'x\\x1b[2J" + "y" * 55 + "'..."),
    ]:
        out = _cli("user", *args, env=env)
        assert out.returncode == 2 and needle in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
        assert "\x1b" not in out.stderr and len(out.stderr) < 200
    short = _cli("user", "passwd", "ana", env={**env, "SEAMLINE_PASSWORD": "short"})
    assert short.returncode == 2 and "password: password must have at least 8 characters" in short.stderr
    assert _cli("user", "passwd", "ana", env=no_env).returncode == 2  # no terminal, no SEAMLINE_PASSWORD
    assert listed() == {"active": True, "sessions": 1} and login("a new long password") == 200


def test_sprint_no_wait_queues_and_returns(tmp_path: Path, env: dict[str, str]) -> None:
    from factories import write_brief

    brief = write_brief(tmp_path / "b")
    out = _ok(seamline("sprint", str(brief), "--no-wait", "--json",
                       env={**env, "PREFECT_HOME": str(tmp_path / "prefect")}))  # fmt: skip
    data = json.loads(out.stdout)
    assert data["looks"][0]["status"] == "in_review" and "review" not in data
    queue = json.loads(_ok(seamline("review", "list", "--json", env=env)).stdout)
    assert [q["look_id"] for q in queue] == [data["looks"][0]["look_id"]]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_starts_prefect_deployment_and_review_app_and_stops_cleanly(tmp_path: Path, env: dict[str, str]) -> None:
    port, prefect_port = _free_port(), _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "serve", "--port", str(port), "--prefect-port", str(prefect_port),
         "--cron", "0 9 * * 1"],
        env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any("Ctrl-C" in line for line in lines):
            line = proc.stdout.readline()  # type: ignore[union-attr]
            if not line and proc.poll() is not None:
                break
            lines.append(line)
        text = "".join(lines)
        assert f"http://127.0.0.1:{port}/" in text and f"http://127.0.0.1:{prefect_port}" in text, text
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).json() == {"ok": True}
        api = f"http://127.0.0.1:{prefect_port}/api"
        for _ in range(60):  # the runner registers the deployment just after printing
            found = httpx.post(f"{api}/deployments/filter", json={}, timeout=10).json()
            if found:
                break
            time.sleep(0.5)
        [deployment] = found
        assert deployment["name"] == "design-sprint"
        schedules = [s["schedule"].get("cron") for s in deployment["schedules"]]
        assert schedules == ["0 9 * * 1"]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            rest, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode in (0, 130, -signal.SIGINT), rest
    time.sleep(1)
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{prefect_port}/api/health", timeout=2)
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
