"""A cluster on one machine, built the way an operator builds the real one: a Prefect server on a given
database, `infra/bootstrap.sh` (pools, GPU limit, deployments from `infra/prefect.yaml`) and process workers.

The integration test and `bench/sprint_scale.py` drive it; everything goes through the server's REST API and
the same CLI an operator types, so what passes here is what runs under docker compose or Kubernetes. It is a
harness, not part of what is deployed, so it lives here rather than in `flows/`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from flows.serve import free_port, start_prefect_server

__all__ = ["TERMINAL", "LocalCluster", "local_cluster"]

ROOT = Path(__file__).resolve().parents[1]
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def _stop(proc: subprocess.Popen[bytes], grace_s: float = 15) -> None:
    """SIGINT to the process group (a worker and the flow runs it started), then SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGINT, grace_s), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


@dataclass
class LocalCluster:
    """A running server plus the environment every worker and command of this cluster shares."""

    api_url: str
    home: Path
    env: dict[str, str]
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.api_url.rstrip("/") + "/", timeout=30)

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        """One REST call, retried on 503 and dropped connections: a busy server (SQLite locked, say) answers
        503 for a moment, and a client should wait, not fail the sprint it was asked to start."""
        delay = 0.5
        for attempt in range(8):
            try:
                with self.http() as client:
                    response = client.request(method, path, **kwargs)
                if response.status_code != 503 or attempt == 7:
                    response.raise_for_status()
                    return response.json() if response.content else None
            except (httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError):
                if attempt == 7:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 10)
        raise AssertionError("unreachable")

    def bootstrap(self, gpus: int = 1) -> str:
        """`bash infra/bootstrap.sh`, as an operator runs it; returns its output."""
        done = subprocess.run(
            ["bash", str(ROOT / "infra" / "bootstrap.sh")],
            env={**self.env, "SEAMLINE_GPU_COUNT": str(gpus)},
            capture_output=True, text=True, timeout=300, cwd=ROOT,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"bootstrap failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start_worker(self, pool: str, *, limit: int | None = None, name: str | None = None) -> None:
        """A process worker on `pool`, polling every second; its flow runs inherit the cluster's environment."""
        cmd = [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool, "--type", "process"]
        cmd += ["--name", name or f"{pool}-worker"]
        if limit is not None:
            cmd += ["--limit", str(limit)]
        log = open(self.home / f"worker-{name or pool}.log", "ab")  # noqa: SIM115 (open for the worker's life)
        proc = subprocess.Popen(
            cmd, env={**self.env, "PREFECT_WORKER_QUERY_SECONDS": "1", "PREFECT_WORKER_PREFETCH_SECONDS": "5"},
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT,
        )  # fmt: skip
        self.procs.append(proc)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"worker for {pool} exited {proc.returncode}; see {log.name}")
            workers = self.api("POST", f"work_pools/{pool}/workers/filter", json={})
            if any(w.get("status") == "ONLINE" or w.get("last_heartbeat_time") for w in workers):
                return
            time.sleep(0.5)
        raise RuntimeError(f"worker for {pool} did not come online in 90 s; see {log.name}")

    def deployment_id(self, name: str) -> str:
        return str(self.api("GET", f"deployments/name/{name}")["id"])

    def trigger(
        self, deployment: str, parameters: Mapping[str, Any], *, env: Mapping[str, str] | None = None
    ) -> str:
        """Create a flow run of `flow/deployment` through the REST API, as the UI's "Run" does; returns its id.

        `env` goes to the run's job variables: a process worker adds it to that run's environment only.
        """
        body: dict[str, Any] = {"parameters": dict(parameters)}
        if env:
            body["job_variables"] = {"env": dict(env)}
        path = f"deployments/{self.deployment_id(deployment)}/create_flow_run"
        return str(self.api("POST", path, json=body)["id"])

    def flow_run(self, run_id: str) -> dict[str, Any]:
        return dict(self.api("GET", f"flow_runs/{run_id}"))

    def wait(self, run_id: str, timeout_s: float = 600, poll_s: float = 0.5) -> dict[str, Any]:
        """Poll until the run reaches a terminal state; returns the run (state included)."""
        deadline = time.monotonic() + timeout_s
        while True:
            run = self.flow_run(run_id)
            if run["state"]["type"] in TERMINAL:
                return run
            if time.monotonic() > deadline:
                raise TimeoutError(f"flow run {run_id} still {run['state']['name']} after {timeout_s:g} s")
            time.sleep(poll_s)

    def flow_runs(self, deployment: str) -> list[dict[str, Any]]:
        """Every run of a deployment, oldest first."""
        body = {"flow_runs": {"deployment_id": {"any_": [self.deployment_id(deployment)]}}, "sort": "START_TIME_ASC"}
        return list(self.api("POST", "flow_runs/filter", json=body))

    def task_runs(self, flow_run_ids: list[str]) -> list[dict[str, Any]]:
        body = {"flow_runs": {"id": {"any_": flow_run_ids}}, "limit": 200}
        return list(self.api("POST", "task_runs/filter", json=body))

    def logs(self, flow_run_ids: list[str]) -> list[dict[str, Any]]:
        body = {"logs": {"flow_run_id": {"any_": flow_run_ids}}, "sort": "TIMESTAMP_ASC", "limit": 200}
        return list(self.api("POST", "logs/filter", json=body))

    def stop(self) -> None:
        for proc in reversed(self.procs):
            _stop(proc)
        self.procs.clear()


@contextmanager
def local_cluster(
    home: Path, *, env: Mapping[str, str], prefect_database_url: str | None = None, port: int | None = None
) -> Iterator[LocalCluster]:
    """Start a Prefect server (SQLite in `home`, or `prefect_database_url`); yield the cluster; stop it all.

    `env` is what the workers and bootstrap see beside the API URL: the SEAMLINE_* settings of the site.
    """
    home.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    server = start_prefect_server(
        "127.0.0.1", port, home / "prefect-server", database_url=prefect_database_url, timeout_s=120
    )
    api = f"http://127.0.0.1:{port}/api"
    shared = {
        **os.environ,
        **env,
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_EPHEMERAL_ENABLED": "false",
        "PREFECT_HOME": str(home / "prefect-client"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        # this environment's `prefect` first, for infra/bootstrap.sh
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    cluster = LocalCluster(api_url=api, home=home, env=shared, procs=[server])
    try:
        yield cluster
    finally:
        cluster.stop()
