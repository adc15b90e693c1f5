"""Waiting for designers with Prefect's human-in-the-loop, and resuming a waiting run from outside.

The decision in Seamline's database is the record. A sprint run marks the round it waits on, checks whether
it is already decided, and only then pauses with `pause_flow_run(wait_for_input=ReviewInput)`. The review app
and the CLI record a decision first and then resume the run with it; a decision typed into the Prefect UI's
own form arrives as the same input and is recorded here through the same state machine. Marking and deciding
both lock the round, so a decision can never slip between the check and the pause unseen.
"""

from __future__ import annotations

import logging
import time
from contextlib import nullcontext
from typing import Any, Literal
from uuid import UUID

from prefect import pause_flow_run
from prefect.exceptions import FlowPauseTimeout
from prefect.input import RunInput
from prefect.logging import get_run_logger
from prefect.runtime import flow_run
from pydantic import Field

from design_ai.config import get_settings
from design_ai.errors import UserError
from design_ai.review import state
from design_ai.review.state import DecisionRecord

__all__ = ["ReviewInput", "ReviewTimeout", "prefect_resumer", "wait_for_decision"]

log = logging.getLogger("seamline.review")


class ReviewInput(RunInput):
    """A designer's decision on one look's round, as the Prefect UI's form shows it."""

    look_id: int = Field(description="The look being decided (pre-filled)")
    round: int = Field(ge=1, description="Its review round (pre-filled)")
    verdict: Literal["approve", "reject", "send_back"] = Field(description="approve one draft, reject, or send back")
    draft_id: int | None = Field(default=None, description="The draft to approve")
    reviewer: str = Field(default="", description="Your Seamline account name (a reviewer or admin)")
    comment: str = Field(default="", max_length=4096)
    prompt: str | None = Field(default=None, description="send back: a new prompt")
    seed: int | None = Field(default=None, ge=0, description="send back: a new seed")
    strength: float | None = Field(default=None, ge=0, le=2, description="send back: ControlNet strength")
    drafts: int | None = Field(default=None, ge=1, le=64, description="send back: how many drafts")
    confirm_drift: bool = Field(
        default=False, description="approve: yes, approve it although it drifts from its sketch (flagged draft)"
    )


class ReviewTimeout(Exception):
    """Nobody decided before the sprint's review timeout; the undecided looks are marked expired."""


def _api_url() -> str | None:
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


def wait_for_decision(look_id: int, round_no: int, *, deadline: float, description: str = "") -> DecisionRecord:
    """Block (inside a flow run) until the round is decided; raise ReviewTimeout at the deadline."""
    logger = get_run_logger()
    settings = get_settings()
    url = settings.resolved_database_url
    run_id = str(flow_run.get_id())
    attempt = 0
    while True:
        state.mark_waiting(url, look_id, round_no, run_id, _api_url())
        status, record = state.round_state(url, look_id, round_no)
        if record is not None:
            state.mark_waiting(url, look_id, round_no, None, None)
            return record
        if status != "open":
            raise ReviewTimeout(f"look {look_id} round {round_no} is {status}")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ReviewTimeout(f"no decision on look {look_id} round {round_no} in time")
        attempt += 1
        logger.info("waiting for a decision on look %s round %s", look_id, round_no)
        try:
            given = pause_flow_run(
                wait_for_input=ReviewInput.with_initial_data(
                    description=description, look_id=look_id, round=round_no, verdict="approve"
                ),
                timeout=max(1, int(remaining)),
                poll_interval=settings.review_poll_s,
                key=f"look-{look_id}-round-{round_no}-{attempt}",
            )
        except FlowPauseTimeout:
            raise ReviewTimeout(f"no decision on look {look_id} round {round_no} in time") from None
        _status, record = state.round_state(url, look_id, round_no)
        if record is not None:  # recorded by the review app or the CLI, which then resumed us
            state.mark_waiting(url, look_id, round_no, None, None)
            return record
        if given.look_id != look_id or given.round != round_no:
            logger.warning(
                "input for look %s round %s ignored while waiting on look %s round %s",
                given.look_id,
                given.round,
                look_id,
                round_no,
            )
            continue
        try:  # typed into the Prefect UI: record it through the same state machine
            record = state.decide(
                url, look_id=look_id, verdict=given.verdict, reviewer=given.reviewer, draft_id=given.draft_id,
                comment=given.comment, source="prefect-ui", four_eyes=settings.four_eyes,
                confirm_drift=given.confirm_drift, limits=settings.fidelity_limits,
                edits={k: getattr(given, k) for k in ("prompt", "seed", "strength", "drafts")}
                if given.verdict == "send_back" else None,
            )  # fmt: skip
        except UserError as exc:
            logger.error("decision from the Prefect UI refused: %s; still waiting", exc)
            continue
        state.mark_waiting(url, look_id, round_no, None, None)
        return record


def prefect_resumer(run_id: str, run_input: dict[str, Any], api_url: str | None, *, patience_s: float = 60.0) -> bool:
    """Resume the run waiting on a decided round with the decision as its input.

    The run may not have reached its pause yet (it marks the round, re-checks, then pauses), so this retries
    until the run is paused, the run stopped waiting on the round, or `patience_s` passed. Returns whether it
    resumed the run.
    """
    from prefect.exceptions import ObjectNotFound
    from prefect.flow_runs import NotPausedError, resume_flow_run
    from prefect.settings import PREFECT_API_URL, temporary_settings

    settings = get_settings()
    look_id, round_no = int(run_input["look_id"]), int(run_input["round"])
    context = temporary_settings({PREFECT_API_URL: api_url}) if api_url else nullcontext()
    deadline = time.monotonic() + patience_s
    with context:
        while True:
            try:
                resume_flow_run(UUID(run_id), run_input=run_input)
                return True
            except NotPausedError:
                pass
            except (FlowPauseTimeout, ObjectNotFound):
                return False
            except Exception as exc:  # the server refused the input, or is gone: the decision still stands
                log.warning("could not resume flow run %s: %s", run_id, exc)
                return False
            with_run = state.waiting_run(settings.resolved_database_url, look_id, round_no)
            if with_run != run_id or time.monotonic() > deadline:
                return False  # the run saw the decision itself, or moved on
            time.sleep(0.5)


def resume_waiting(record: DecisionRecord) -> bool:
    """After a decision: resume the run waiting on its round, if any (used by the CLI and the review app)."""
    if not record.waiting_run_id:
        return False
    return prefect_resumer(record.waiting_run_id, record.as_input(), record.waiting_api_url)
