"""Seamline at scale, for real: a Prefect server on PostgreSQL, `infra/bootstrap.sh` (pools, GPU limit,
deployments from `infra/prefect.yaml`), process workers on the `cpu` and `gpu` pools, a `design-sprint` run
started through the REST API, generation fanned out per look to `generate-drafts` on the gpu pool, Seamline's
own database on the same PostgreSQL and the store on a real S3 server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from factories import write_brief

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))  # bench/cluster.py: the harness, kept out of the deployable flows package

pytestmark = [pytest.mark.postgres, pytest.mark.prefect]


def _asyncpg(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql+asyncpg://", 1)


def _spans(logs: list[dict], prefix: str) -> list[tuple[datetime, datetime, str]]:
    """(acquired, released, what) for each GPU slot, from the runs' own log lines."""
    opened: dict[str, datetime] = {}
    spans = []
    for line in logs:
        message, at = line["message"], datetime.fromisoformat(line["timestamp"])
        if message.startswith(f"{prefix} acquired: "):
            opened[message.split(": ", 1)[1]] = at
        elif message.startswith(f"{prefix} released: "):
            what = message.split(": ", 1)[1]
            spans.append((opened.pop(what), at, what))
    assert not opened, f"slots never released: {opened}"
    return sorted(spans)


def test_design_sprint_runs_on_workers_with_postgres_and_s3(  # type: ignore[no-untyped-def]
    pg_server, pg_url: str, s3_store_url: str, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cluster import local_cluster
    from sqlmodel import select

    from design_ai.config import get_settings
    from design_ai.db.models import Draft, Look, LookStatus
    from design_ai.db.session import dispose_all, session_scope
    from design_ai.store import Store

    if pg_server is None:
        pytest.skip("needs a PostgreSQL server of its own for the Prefect database")
    prefect_db = _asyncpg(pg_server.create_database())
    brief = write_brief(
        tmp_path / "brief",
        looks=[{"name": "Boxy tee"}, {"name": "Raglan tee", "colorways": [{"name": "Moss", "hex": "#5B7553"}]}],
    )
    site = {
        "SEAMLINE_DATABASE_URL": pg_url,
        "SEAMLINE_GENERATE_DEPLOYMENT": "generate-drafts/generate-drafts",
        "SEAMLINE_GPU_LIMIT": "gpu-generation",
        "SEAMLINE_LOOKS_PER_RUN": "1",  # the widest fan-out: two looks, two runs, one GPU slot
        "SEAMLINE_DEVICE": "cpu",
        "SEAMLINE_IMAGE_SIZE": "128",  # the tiny engine's random weights draw noise at any size
        "SEAMLINE_STEPS": "4",
        "PREFECT_LOGGING_LEVEL": "INFO",  # the GPU slot lines below are INFO
    }
    for key, value in site.items():
        monkeypatch.setenv(key, value)
    # The operator's first step: the schema, once, before any worker touches the database.
    migrate = subprocess.run(
        [sys.executable, "-m", "flows.cli", "db", "upgrade"],
        env=dict(os.environ), capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr

    with local_cluster(tmp_path / "cluster", env=site, prefect_database_url=prefect_db) as cluster:
        out = cluster.bootstrap(gpus=1)
        assert "global concurrency limit gpu-generation = 1" in out

        with cluster.http() as client:
            limits = client.post("v2/concurrency_limits/filter", json={}).json()
            assert [(x["name"], x["limit"], x["active"]) for x in limits] == [("gpu-generation", 1, True)]
            pools = {p["name"]: p["type"] for p in client.post("work_pools/filter", json={}).json()}
            assert pools == {"cpu": "process", "gpu": "process"}
            sprint_id = cluster.deployment_id("design-sprint/design-sprint")
            schedules = client.get(f"deployments/{sprint_id}/schedules").json()
            assert [s["schedule"]["cron"] for s in schedules] == ["0 9 * * 1"]

        cluster.start_worker("cpu")
        cluster.start_worker("gpu")
        run_id = cluster.trigger(
            "design-sprint/design-sprint", {"brief": str(brief), "engine": "tiny", "drafts": 2, "wait": False}
        )
        run = cluster.wait(run_id, timeout_s=240)
        assert run["state"]["type"] == "COMPLETED", (run["state"], (cluster.home / "worker-cpu.log").read_text())
        assert run["work_pool_name"] == "cpu"

        children = cluster.flow_runs("generate-drafts/generate-drafts")
        assert len(children) == 2  # SEAMLINE_LOOKS_PER_RUN=1: a run per look
        assert {c["state"]["type"] for c in children} == {"COMPLETED"}
        assert {c["work_pool_name"] for c in children} == {"gpu"}
        assert all(c["parent_task_run_id"] for c in children)  # linked to the sprint's fan-out tasks
        assert sorted(c["name"] for c in children) == sorted(f"look-{c['parameters']['look_ids'][0]}" for c in children)

        # One GPU slot (limit 1): the two looks' pipelines ran one after the other, never together.
        spans = _spans(cluster.logs([c["id"] for c in children]), "GPU slot")
        assert [what.endswith("drafts") for *_, what in spans] == [True, True]
        assert spans[0][1] <= spans[1][0], spans

    # Seamline's own record, on the same PostgreSQL server; the images in the S3 bucket.
    dispose_all()
    settings = get_settings()
    assert settings.resolved_database_url == pg_url
    store = Store.from_settings(settings)
    with session_scope(pg_url, readonly=True) as session:
        looks = session.exec(select(Look)).all()
        drafts = session.exec(select(Draft)).all()
    assert sorted(look.name for look in looks) == ["Boxy tee", "Raglan tee"]
    assert {look.status for look in looks} == {LookStatus.IN_REVIEW}
    assert len(drafts) == 4 and {d.engine for d in drafts} == {"tiny"}
    assert all(store.verify(d.image_key) for d in drafts)
    assert not (home / "store").exists()  # nothing went to a local folder


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SEAMLINE_GPU_COUNT": "0"}, "SEAMLINE_GPU_COUNT must be a whole number >= 1, not '0'"),
        ({"SEAMLINE_GPU_COUNT": "two"}, "SEAMLINE_GPU_COUNT must be a whole number >= 1, not 'two'"),
        ({"SEAMLINE_POOL_TYPE": "docker"}, "SEAMLINE_POOL_TYPE must be process or kubernetes, not 'docker'"),
        ({"PREFECT_API_URL": ""}, "set PREFECT_API_URL"),
    ],
)
def test_bootstrap_refuses_bad_settings_before_touching_the_server(env: dict[str, str], message: str) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SEAMLINE_", "PREFECT_"))}
    base["PREFECT_API_URL"] = "http://127.0.0.1:9/api"  # nothing listens there: a call would fail differently
    done = subprocess.run(
        ["bash", str(ROOT / "infra" / "bootstrap.sh")], env={**base, **env}, capture_output=True, text=True, timeout=30
    )
    assert done.returncode != 0 and message in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not done.stdout
