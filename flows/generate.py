"""The GPU step: a look's control map and drafts, as tasks the sprint maps over its looks, and as the
`generate-drafts` flow that `infra/prefect.yaml` deploys on the `gpu` work pool.

At scale the sprint (on a CPU worker) starts `generate-drafts` runs on the gpu pool, each for a batch of
`SEAMLINE_LOOKS_PER_RUN` looks mapped per look inside it, so GPU workers do only GPU work and looks fan out
over every GPU. A run is a new process that imports torch and loads its pipeline once: batching looks pays
that once per batch instead of once per look (`bench/sprint_scale.py` measures both). A Prefect global
concurrency limit (`SEAMLINE_GPU_LIMIT`, one slot per GPU) is held while a pipeline runs: a worker may start
more runs than it has GPUs, and the limit, not luck, keeps two pipelines off one card. Without those settings
everything runs in the sprint's own process, as on a laptop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from prefect import flow, task, unmapped
from prefect.logging import get_run_logger
from tqdm.auto import tqdm

from design_ai import sprint
from design_ai.config import EngineName, Settings, get_settings
from design_ai.errors import UserError
from design_ai.store import Store
from flows.common import RETRY_DELAYS, is_transient

__all__ = ["batches", "generate_drafts", "generate_on_pool", "gpu_slot", "make_control", "make_drafts", "redraft"]

# How often a sprint checks on the generation runs it started (run_deployment's default is 5 s).
POLL_SECONDS = 2.0

# Slots this process holds now. A process drives one GPU, and its pipeline lock already runs one look at a
# time, so a slot it holds covers every look it generates: nested requests are not sent to the server.
_held = 0
_held_lock = threading.Lock()


def _store() -> Store:
    return Store.from_settings(get_settings())


def _logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    try:
        return get_run_logger()
    except Exception:  # called outside a run (a test, a script): a plain logger will do
        return logging.getLogger("seamline.generate")


@contextmanager
def gpu_slot(settings: Settings, what: str) -> Iterator[None]:
    """Hold one slot of the GPU limit while `what` runs; no limit configured, no waiting.

    `strict=True`: with a name that does not exist Prefect would otherwise only warn and run unlimited, which
    is exactly the overload the limit is there to prevent.
    """
    global _held
    with _held_lock:
        nested = _held > 0
    if not settings.gpu_limit or nested:
        yield
        return
    from prefect.concurrency.sync import concurrency

    logger = _logger()
    try:
        with concurrency(settings.gpu_limit, occupy=1, strict=True, timeout_seconds=settings.gpu_limit_timeout_s):
            logger.info("GPU slot acquired: %s", what)
            with _held_lock:
                _held += 1
            try:
                yield
            finally:
                with _held_lock:
                    _held -= 1
                logger.info("GPU slot released: %s", what)
    except TimeoutError:
        raise UserError(
            f"no GPU slot of limit {settings.gpu_limit!r} came free within {settings.gpu_limit_timeout_s:g} s",
            where="SEAMLINE_GPU_LIMIT_TIMEOUT_S",
        ) from None
    except Exception as exc:
        if type(exc).__name__ == "ConcurrencySlotAcquisitionError" or "not found" in str(exc).lower():
            raise UserError(
                f"Prefect has no global concurrency limit {settings.gpu_limit!r}: create it with "
                f"`prefect gcl create {settings.gpu_limit} --limit <GPUs>` (infra/bootstrap.sh does)",
                where="SEAMLINE_GPU_LIMIT",
            ) from None
        raise


@task(name="control-map", retries=3, retry_delay_seconds=RETRY_DELAYS, retry_condition_fn=is_transient)
def make_control(look_id: int) -> str:
    key, _detector = sprint.make_control(look_id, settings=get_settings(), store=_store())
    return key


@task(name="drafts", retries=2, retry_delay_seconds=RETRY_DELAYS, retry_condition_fn=is_transient)
def make_drafts(look_id: int, control_key: str, engine: str, drafts: int | None) -> list[int]:
    """Generate (or find) the look's drafts (round 1, or an open send-back round left without them);
    `control_key` orders this after the control map."""
    settings = get_settings()
    edits = sprint.DraftEdits(drafts=drafts) if drafts else None
    with (
        gpu_slot(settings, f"look {look_id} drafts"),
        tqdm(desc=f"look {look_id} drafts", unit="draft", disable=None, leave=False) as bar,
    ):
        return sprint.draft_look(look_id, engine, settings=settings, store=_store(), edits=edits, progress=bar.update)


@task(name="redraft", retries=2, retry_delay_seconds=RETRY_DELAYS, retry_condition_fn=is_transient)
def redraft(look_id: int) -> int:
    """A send-back's next round: drafts with the reviewer's edits, then back in the queue; returns the round."""
    settings = get_settings()
    with (
        gpu_slot(settings, f"look {look_id} redraft"),
        tqdm(desc=f"look {look_id} redraft", unit="draft", disable=None, leave=False) as bar,
    ):
        number, _ids = sprint.draft_open_round(look_id, settings=settings, store=_store(), progress=bar.update)
    return number


@flow(name="generate-drafts", log_prints=True)
def generate_drafts(
    look_ids: list[int], engine: EngineName | None = None, drafts: int | None = None, send_back: bool = False
) -> dict[str, Any]:
    """The GPU work of some looks: control maps and drafts, or (`send_back`) the drafts of reopened rounds.

    Args:
        look_ids: looks registered by a design sprint; each is its own task, each holds the GPU slot alone.
        engine: flat, tiny or controlnet; default from SEAMLINE_ENGINE.
        drafts: drafts per look, overriding the brief's `drafts`.
        send_back: draft each look's open round with the reviewer's edits instead of its first round.
    """
    settings = get_settings()
    label = f"look {look_ids[0]}" if len(look_ids) == 1 else f"looks {look_ids[0]}-{look_ids[-1]}"
    if send_back:
        with gpu_slot(settings, f"{label} redraft"):
            rounds = redraft.map(look_ids).result()
        return {"rounds": dict(zip(map(str, look_ids), rounds, strict=True))}
    controls = make_control.map(look_ids)
    controls.wait()  # control maps are CPU work: made before the GPU slot is taken
    # One slot for the batch: handing a slot from look to look through the server cost about 0.7 s per look
    # (8 looks x 4 tiny drafts: 12-13 s with a slot per look, 7 s without a limit).
    with gpu_slot(settings, f"{label} drafts"):
        ids = make_drafts.map(look_ids, controls, unmapped(engine or settings.engine), unmapped(drafts)).result()
    return {"drafts": dict(zip(map(str, look_ids), ids, strict=True))}


def batches(look_ids: Sequence[int], size: int) -> list[list[int]]:
    """Looks in runs of at most `size`, in order."""
    return [list(look_ids[i : i + size]) for i in range(0, len(look_ids), size)]


@task(name="generate-on-pool", retries=1, retry_delay_seconds=10, retry_condition_fn=is_transient)
def generate_on_pool(look_ids: list[int], engine: str, drafts: int | None, send_back: bool = False) -> str:
    """Run `generate-drafts` for some looks as the configured deployment and wait for it; returns its run id.

    The child run is linked to this task (as_subflow), so the UI shows the sprint's fan-out. Its result is
    not needed: the drafts are in the database, which is the record. A crashed or failed child fails this
    task, whose retry starts a new child: generation is idempotent, finished drafts are found, not redone.
    """
    from prefect.deployments import run_deployment

    settings = get_settings()
    name = settings.generate_deployment
    if not name:
        raise UserError("no generation deployment is configured", where="SEAMLINE_GENERATE_DEPLOYMENT")
    label = f"look-{look_ids[0]}" if len(look_ids) == 1 else f"looks-{look_ids[0]}-{look_ids[-1]}"
    run = run_deployment(
        name,
        parameters={"look_ids": look_ids, "engine": engine, "drafts": drafts, "send_back": send_back},
        flow_run_name=f"{label}{'-redraft' if send_back else ''}",
        tags=["seamline", *(f"look:{look_id}" for look_id in look_ids)],
        poll_interval=POLL_SECONDS,
        as_subflow=True,
    )
    state = run.state
    if state is None or not state.is_completed():
        kind = state.type.value if state else "no state"
        message = state.message if state else ""
        raise RuntimeError(f"{name} for looks {look_ids} (run {run.id}) ended {kind}: {message}")
    return str(run.id)
