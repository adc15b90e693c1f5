"""A temporary Prefect server for one CLI command, when no `PREFECT_API_URL` names a real one.

Prefect starts such a server by itself on first use, but then stops it from an `atexit` hook that may run
before its own event and log workers have flushed: a sprint that succeeded printed a hundred lines of "Error
flushing events" tracebacks. And it is a plain child process: after `kill -9` of the sprint it stayed running,
holding its port and database. Here the server is started the same way (uvicorn on Prefect's app factory, on
loopback, UI off), but it is told to die with its parent (Linux `PR_SET_PDEATHSIG`), and on the way out the
workers are drained before it is stopped.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows.serve import free_port, stop_process, wait_healthy

__all__ = ["temporary_prefect_server"]

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Ask the kernel to SIGTERM this process when the process that started it dies, however it dies."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _start(port: int, log: Path, timeout_s: float) -> subprocess.Popen[bytes]:
    # Where prefect lives, without importing it: its settings are read when it is first imported, and the
    # caller's PREFECT_API_URL must be set by then.
    spec = importlib.util.find_spec("prefect")
    assert spec is not None and spec.origin is not None, "prefect is not installed"
    env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    env.pop("PREFECT_API_URL", None)
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(spec.origin).parent.parent), "--factory",
             "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "error", "--lifespan", "on"],
            env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )  # fmt: skip
    return wait_healthy(proc, f"http://127.0.0.1:{port}/api", log, timeout_s=timeout_s,
                        what="the temporary Prefect server")  # fmt: skip


def _drain() -> None:
    """Send what Prefect's background workers still hold (events, logs) while the server still listens."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        with contextlib.suppress(Exception):
            worker.drain_all(timeout=10)


@contextmanager
def temporary_prefect_server(log: Path, *, timeout_s: float | None = None) -> Iterator[str]:
    """Yield the API URL of `PREFECT_API_URL` if set, else of a temporary server that lives for the block."""
    existing = os.environ.get("PREFECT_API_URL")
    if existing:
        yield existing
        return
    timeout = timeout_s or float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120"))
    proc = _start(free_port(), log, timeout)
    port = proc.args[proc.args.index("--port") + 1]  # type: ignore[union-attr]
    api = f"http://127.0.0.1:{port}/api"
    os.environ["PREFECT_API_URL"] = api
    settings = contextlib.ExitStack()
    if "prefect" in sys.modules:  # imported already: its settings were read, so they are overridden too
        from prefect.settings import PREFECT_API_URL, temporary_settings

        settings.enter_context(temporary_settings(updates={PREFECT_API_URL: api}))
    try:
        with settings:
            yield api
    finally:
        try:
            _drain()
        finally:
            stop_process(proc)
            os.environ.pop("PREFECT_API_URL", None)
