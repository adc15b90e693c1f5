"""`seamline serve`: a real Prefect server on loopback, the sprint deployment served on its schedule, and
the review app, in one command for local use. Ctrl-C stops all three."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from design_ai.config import Settings

__all__ = ["free_port", "review_app_for", "serve_all", "start_prefect_server", "stop_process", "wait_healthy"]

log = logging.getLogger("seamline.serve")


def review_app_for(settings: Settings) -> Any:
    """The review app wired to Prefect: decisions resume waiting runs, send-backs nobody waits on get drafted."""
    from design_ai.review.app import create_app
    from design_ai.sprint import draft_open_round
    from design_ai.store import Store
    from flows.review import prefect_resumer

    def redraft(look_id: int) -> None:
        draft_open_round(look_id, settings=settings, store=Store.from_settings(settings))

    return create_app(settings, resumer=prefect_resumer, redraft=redraft)


def _free(host: str, port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex((host, port)) != 0


def start_prefect_server(
    host: str, port: int, home: Path, *, database_url: str | None = None, timeout_s: float = 90
) -> subprocess.Popen[bytes]:
    """`prefect server start` on `host`, with its own home; waits until healthy.

    Its database is SQLite in `home` unless `database_url` (postgresql+asyncpg://…) names another, as a
    shared server at scale does.
    """
    if not _free(host, port):
        from design_ai.errors import UserError

        raise UserError(f"port {port} on {host} is in use", where="--prefect-port")
    home.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "true",
    }
    env.pop("PREFECT_API_URL", None)
    if database_url:
        env["PREFECT_API_DATABASE_CONNECTION_URL"] = database_url
    log_file = open(home / "server.log", "ab")  # noqa: SIM115 (kept open for the server's life)
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)],
        env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    return wait_healthy(proc, f"http://{host}:{port}/api", home / "server.log", timeout_s=timeout_s,
                        what="prefect server")  # fmt: skip


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on now (the kernel's pick)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def wait_healthy(
    proc: subprocess.Popen[bytes], api: str, log: Path, *, timeout_s: float, what: str
) -> subprocess.Popen[bytes]:
    """`proc` once the Prefect API at `api` answers its health check; if the process exits first, or the time
    runs out (then it is stopped), RuntimeError pointing at its log."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}; see {log}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                return proc
        time.sleep(0.25)
    stop_process(proc)
    raise RuntimeError(f"{what} was not healthy after {timeout_s:g} s; see {log}")


def stop_process(proc: subprocess.Popen[bytes], grace_s: float = 10) -> None:
    """SIGTERM, and SIGKILL if it lingers past `grace_s`."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def serve_all(settings: Settings, *, host: str, port: int, prefect_port: int, brief: Path, cron: str) -> None:
    """Start everything, print the URLs, and block until Ctrl-C; then stop each part."""
    import uvicorn

    prefect_home = settings.home / "prefect"
    server = start_prefect_server(host, prefect_port, prefect_home)
    api = f"http://{host}:{prefect_port}/api"
    os.environ["PREFECT_API_URL"] = api
    os.environ["PREFECT_SERVER_EPHEMERAL_ENABLED"] = "false"
    os.environ["PREFECT_HOME"] = str(prefect_home)
    uvi = uvicorn.Server(uvicorn.Config(review_app_for(settings), host=host, port=port, log_level="warning"))
    web = threading.Thread(target=uvi.run, name="review-app", daemon=True)
    web.start()
    try:
        from prefect import serve

        from flows.sprint import design_sprint

        deployment = design_sprint.to_deployment(
            name="design-sprint", cron=cron, parameters={"brief": str(brief.resolve())},
            description="The weekly design sprint: drafts for every look, then the review queue.",
        )  # fmt: skip
        print(f"Prefect UI and API: http://{host}:{prefect_port}  (API {api})", flush=True)
        print(f"review app:         http://{host}:{port}/", flush=True)
        print(f"deployment:         design-sprint/design-sprint, schedule '{cron}', brief {brief}", flush=True)
        print("Ctrl-C stops all of it.", flush=True)
        serve(deployment, print_starting_message=False)
    except KeyboardInterrupt:
        pass
    finally:
        uvi.should_exit = True
        web.join(10)
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGINT)
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(5)
        print("stopped", flush=True)
