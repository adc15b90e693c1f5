"""The `design_sprint` flow: brief → control map per look → drafts per look → artifacts → review queue."""

from __future__ import annotations

import time
from typing import Any

from prefect import flow, task, unmapped
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.logging import get_run_logger

from design_ai import sprint
from design_ai.brief import load_brief
from design_ai.config import EngineName, get_settings
from design_ai.errors import UserError
from design_ai.review import state as review_state
from design_ai.store import Store
from flows.common import RETRY_DELAYS, is_transient
from flows.generate import batches, generate_on_pool, make_control, make_drafts, redraft
from flows.review import ReviewTimeout, wait_for_decision

__all__ = ["design_sprint"]


def _store() -> Store:
    return Store.from_settings(get_settings())


@task(name="register-brief", retries=3, retry_delay_seconds=RETRY_DELAYS, retry_condition_fn=is_transient)
def register_brief(brief_path: str, engine: str) -> sprint.RegisteredBrief:
    settings = get_settings()
    loaded = load_brief(brief_path, max_pixels=settings.max_image_pixels)
    sprint.preflight(loaded, settings, engine)
    return sprint.register_brief(loaded, settings=settings, store=_store())


@task(name="publish-artifacts", retries=2, retry_delay_seconds=RETRY_DELAYS, retry_condition_fn=is_transient)
def publish_artifacts(brief_id: int) -> str:
    settings, store = get_settings(), _store()
    key = sprint.contact_sheet(brief_id, settings=settings, store=store)
    result = sprint.sprint_result(brief_id, settings=settings, store=store)
    where = store.locate(key)
    link = store.link(key)
    create_markdown_artifact(
        key="sprint-contact-sheet",
        markdown=f"# {result['collection']} ({result['season']})\n\n![contact sheet]({link})\n\n[{where}]({link})\n",
        description=f"Contact sheet of brief {brief_id}",
    )
    rows = [
        {
            "look": f"{look['look_id']} {look['name']}",
            "draft": d["draft_id"],
            "round": d["round"],
            "colorway": d["colorway"] or "",
            "seed": d["seed"],
            "engine": d["engine"],
            "control": look["control"]["detector"] or "",
            "image": d["image"],
        }
        for look in result["looks"]
        for d in look["drafts"]
    ]
    create_table_artifact(key="sprint-drafts", table=rows, description=f"Drafts of brief {brief_id}")
    return where


@task(name="queue-for-review", retries=3, retry_delay_seconds=RETRY_DELAYS, retry_condition_fn=is_transient)
def queue_for_review(look_id: int, engine: str) -> int:
    """Open the look's review round and queue it; returns the round number."""
    return sprint.queue_for_review(look_id, settings=get_settings(), engine=engine)


@flow(name="design-sprint", log_prints=True)
def design_sprint(
    brief: str | None = None, engine: EngineName | None = None, drafts: int | None = None, wait: bool = True
) -> dict[str, Any]:
    """Draft every look of a brief, queue it for review and (unless `wait` is off) wait for the decisions.

    Args:
        brief: path to the brief YAML (sketch paths are relative to it); default SEAMLINE_SPRINT_BRIEF.
        engine: flat, tiny or controlnet; default from SEAMLINE_ENGINE.
        drafts: drafts per look, overriding the brief's `drafts`.
        wait: wait for each look's decision (send-backs get new rounds); off, the run ends once queued.
    """
    logger = get_run_logger()
    settings = get_settings()
    engine_name = engine or settings.engine
    brief_path = brief or (str(settings.sprint_brief) if settings.sprint_brief else None)
    if not brief_path:
        raise UserError("no brief given and no scheduled brief configured", where="SEAMLINE_SPRINT_BRIEF")
    registered = register_brief(brief_path, engine_name)
    logger.info(
        "brief %s: %d looks (%s)", registered.brief_id, len(registered.look_ids),
        "new" if registered.created else "seen before",
    )  # fmt: skip
    if settings.generate_deployment:
        # At scale: generation runs on the GPU pool, a batch of looks each; this run only waits for them.
        runs = batches(registered.look_ids, settings.looks_per_run)
        logger.info("generating on %s: %d runs of up to %d looks", settings.generate_deployment, len(runs),
                    settings.looks_per_run)  # fmt: skip
        generate_on_pool.map(runs, unmapped(engine_name), unmapped(drafts)).result()
    else:
        controls = make_control.map(registered.look_ids)
        draft_ids = make_drafts.map(registered.look_ids, controls, unmapped(engine_name), unmapped(drafts))
        draft_ids.wait()
        draft_ids.result()
    sheet = publish_artifacts(registered.brief_id)
    logger.info("contact sheet: %s", sheet)
    rounds = queue_for_review.map(registered.look_ids, unmapped(engine_name)).result()
    review: dict[str, Any] = {}
    if wait:
        review = review_looks(registered.brief_id, registered.look_ids, rounds)
    result = sprint.sprint_result(registered.brief_id, settings=settings, store=_store())
    result["contact_sheet"] = sheet
    if wait:
        result["review"] = review
    return result


def review_looks(brief_id: int, look_ids: tuple[int, ...], rounds: list[int]) -> dict[str, Any]:
    """Wait for each look's decision in turn; a send-back drafts a new round and waits again.

    Decisions may come in any order: a look decided while the run waited on another is found decided when
    its turn comes. At the review timeout every undecided look is marked expired and the run fails.
    """
    logger = get_run_logger()
    settings = get_settings()
    deadline = time.monotonic() + settings.review_timeout_s
    outcomes: dict[str, Any] = {}
    for look_id, round_no in zip(look_ids, rounds, strict=True):
        number = round_no
        while True:
            try:
                record = wait_for_decision(
                    look_id, number, deadline=deadline,
                    description=f"Decide on look {look_id}, round {number}: see {settings.review_url}/looks/{look_id}",
                )  # fmt: skip
            except ReviewTimeout:
                url = settings.resolved_database_url
                expired = [lk for lk in look_ids if str(lk) not in outcomes and _expire_open(url, lk)]
                logger.error("review timed out; looks %s expired", expired)
                raise
            logger.info("look %s round %s: %s by %s", look_id, number, record.verdict, record.reviewer)
            if record.verdict != "send_back":
                outcome = {
                    "verdict": record.verdict, "round": number, "draft_id": record.draft_id,
                    "reviewer": record.reviewer,
                }  # fmt: skip
                if record.verdict == "approve" and record.draft_id is not None:
                    outcome["handoff"] = hand_off(record.draft_id)
                outcomes[str(look_id)] = outcome
                break
            number = _redraft(look_id)
            publish_artifacts(brief_id)
    return outcomes


def _redraft(look_id: int) -> int:
    """Draft a sent-back look's new round: on the GPU pool at scale, else here; returns the round number."""
    settings = get_settings()
    if not settings.generate_deployment:
        return redraft(look_id)
    from design_ai.review.state import open_round_number

    generate_on_pool([look_id], settings.engine, None, send_back=True)
    number = open_round_number(settings.resolved_database_url, look_id)
    if number is None:
        raise RuntimeError(f"look {look_id}: the redraft run finished but no review round is open")
    return number


def _expire_open(url: str, look_id: int) -> bool:
    from design_ai.review.state import open_round_number

    number = open_round_number(url, look_id)
    return number is not None and review_state.expire_round(url, look_id, number)


def hand_off(draft_id: int) -> dict[str, Any]:
    """Start the production hand-off of an approved draft as a subflow.

    Its failure (a draft the pattern step cannot read, say) is reported, not raised: the approval stands, the
    other looks still get their decisions, and production can run the hand-off again.
    """
    from flows.production import production_handoff

    state = production_handoff(draft_id=draft_id, return_state=True)
    if state.is_completed():
        result = state.result()
        return {"state": "completed", "pdf": result["pdf"], "techpack_id": result["techpack_id"]}
    get_run_logger().error("production hand-off of draft %s failed: %s", draft_id, state.message)
    return {"state": state.type.value.lower(), "error": state.message}
