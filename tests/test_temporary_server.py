"""The temporary Prefect server a CLI sprint starts when no PREFECT_API_URL is set: it stops with the sprint,
without flushing errors, and it dies with the sprint when the sprint is killed (kill -9 left it running)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from factories import write_brief

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _servers_of(home: Path) -> list[int]:
    """Pids of Prefect servers started for SEAMLINE_HOME=`home` (found by their environment in /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes()
            if b"prefect.server.api.server:create_app" not in cmd:
                continue
            env = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"SEAMLINE_HOME={home}".encode() in env:
            found.append(int(entry.name))
    return found


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SEAMLINE_", "PREFECT_API_URL"))}
    return {**env, "SEAMLINE_HOME": str(home)}


def _gone(home: Path, timeout_s: float = 30) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not _servers_of(home):
            return True
        time.sleep(0.2)
    return False


def test_a_sprint_stops_its_server_cleanly(tmp_path: Path) -> None:
    home = tmp_path / "home"
    brief = write_brief(tmp_path / "b", looks=[{"name": f"Look {i}", "drafts": 1} for i in range(3)])
    out = subprocess.run([sys.executable, "-m", "flows.cli", "sprint", str(brief), "--no-wait", "--json"],
                         capture_output=True, text=True, env=_env(home), cwd=ROOT, timeout=600)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr and "Error flushing" not in out.stderr, out.stderr
    assert _gone(home, 5)


def test_a_killed_sprint_takes_its_server_with_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    brief = write_brief(tmp_path / "b")
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "sprint", str(brief)],  # waits for review
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env(home), cwd=ROOT)  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while not _servers_of(home):
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the sprint never started a Prefect server"
            time.sleep(0.2)
        time.sleep(1.0)  # into the flow run
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        assert _gone(home), f"Prefect server {_servers_of(home)} outlived the killed sprint"
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in _servers_of(home):
            os.kill(pid, signal.SIGKILL)
