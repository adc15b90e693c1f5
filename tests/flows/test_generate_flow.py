"""The `generate-drafts` flow and the GPU limit against a real Prefect API (the session's test harness).

The same flow on a real worker pool, started by a sprint through a deployment, is in tests/infra/test_cluster.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import write_brief

from design_ai.errors import UserError

pytestmark = pytest.mark.prefect


def _register(tmp_path: Path, settings) -> int:  # type: ignore[no-untyped-def]
    from design_ai import sprint
    from design_ai.brief import load_brief
    from design_ai.store import Store

    brief = load_brief(write_brief(tmp_path / "b"))
    return sprint.register_brief(brief, settings=settings, store=Store.from_settings(settings)).look_ids[0]


@pytest.fixture
def gpu_limit(prefect_api) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A real global concurrency limit of one slot, removed afterwards."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate

    name = f"gpu-{uuid.uuid4().hex[:8]}"
    with get_client(sync_client=True) as client:
        client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))
        yield name
        client.delete_global_concurrency_limit_by_name(name)


def test_generate_drafts_holds_the_gpu_limit(  # type: ignore[no-untyped-def]
    gpu_limit: str, tmp_path: Path, db_url: str, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logging

    import flows.generate
    from design_ai import sprint
    from design_ai.brief import load_brief
    from design_ai.store import Store
    from flows.generate import generate_drafts

    brief = load_brief(write_brief(tmp_path / "b", looks=[{}, {"name": "Second"}, {"name": "Third"}]))
    look_ids = list(sprint.register_brief(brief, settings=settings, store=Store.from_settings(settings)).look_ids)
    look_id = look_ids[0]
    monkeypatch.setenv("SEAMLINE_GPU_LIMIT", gpu_limit)
    # Prefect's run loggers are at WARNING in tests and its first run reconfigures logging: listen beside them.
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    listener = logging.getLogger(f"test.gpu.{uuid.uuid4().hex}")
    listener.setLevel(logging.INFO)
    listener.addHandler(Collect())
    monkeypatch.setattr(flows.generate, "_logger", lambda: listener)
    result = generate_drafts(look_ids=[look_id], engine="flat", drafts=3)
    assert list(result["drafts"]) == [str(look_id)] and len(result["drafts"][str(look_id)]) == 3
    assert lines == [f"GPU slot acquired: look {look_id} drafts", f"GPU slot released: look {look_id} drafts"]
    # Same look again: the drafts are found, not made twice.
    assert generate_drafts(look_ids=[look_id], engine="flat", drafts=3)["drafts"] == result["drafts"]
    # A batch takes the slot once for all its looks (the looks inside do not ask the server again).
    lines.clear()
    batch = generate_drafts(look_ids=look_ids[1:], engine="flat", drafts=2)
    assert [len(ids) for ids in batch["drafts"].values()] == [2, 2]
    what = f"looks {look_ids[1]}-{look_ids[2]} drafts"
    assert lines == [f"GPU slot acquired: {what}", f"GPU slot released: {what}"]


def test_a_missing_gpu_limit_fails_clearly_instead_of_running_unlimited(  # type: ignore[no-untyped-def]
    prefect_api, tmp_path: Path, db_url: str, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.generate import generate_drafts

    look_id = _register(tmp_path, settings)
    monkeypatch.setenv("SEAMLINE_GPU_LIMIT", "no-such-limit")
    state = generate_drafts(look_ids=[look_id], engine="flat", return_state=True)
    assert state.is_failed()
    with pytest.raises(UserError, match=r"no global concurrency limit 'no-such-limit'.*prefect gcl create"):
        state.result()


def test_generation_on_a_pool_needs_a_deployment(settings) -> None:  # type: ignore[no-untyped-def]
    from flows.generate import generate_on_pool

    with pytest.raises(UserError, match="SEAMLINE_GENERATE_DEPLOYMENT"):
        generate_on_pool.fn([1], "flat", None)


def test_looks_go_to_runs_in_batches() -> None:
    from flows.generate import batches

    assert batches([1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]
    assert batches([7], 8) == [[7]] and batches([], 8) == []
