"""The `design_sprint` flow: brief → control map per look → drafts per look → artifacts → review queue."""

from __future__ import annotations

from typing import Any

from prefect import flow, task, unmapped
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.logging import get_run_logger
from tqdm.auto import tqdm

from design_ai import sprint
from design_ai.brief import load_brief
from design_ai.config import EngineName, get_settings
from design_ai.store import Store
from flows.common import RETRY_DELAYS, is_transient

__all__ = ["design_sprint"]


def _store() -> Store:
    return Store(get_settings().resolved_store_url)


@task(name="register-brief", retries=3, retry_delay_seconds=RETRY_DELAYS, retry_condition_fn=is_transient)
def register_brief(brief_path: str, engine: str) -> sprint.RegisteredBrief:
    settings = get_settings()
    loaded = load_brief(brief_path, max_pixels=settings.max_image_pixels)
    sprint.preflight(loaded, settings, engine)
    return sprint.register_brief(loaded, settings=settings, store=_store())


@task(name="control-map", retries=3, retry_delay_seconds=RETRY_DELAYS, retry_condition_fn=is_transient)
def make_control(look_id: int) -> str:
    key, _detector = sprint.make_control(look_id, settings=get_settings(), store=_store())
    return key


@task(name="drafts", retries=2, retry_delay_seconds=RETRY_DELAYS, retry_condition_fn=is_transient)
def make_drafts(look_id: int, control_key: str, engine: str, drafts: int | None) -> list[int]:
    """Generate (or find) the look's drafts; `control_key` orders this after the control map."""
    settings = get_settings()
    edits = sprint.DraftEdits(drafts=drafts) if drafts else None
    with tqdm(desc=f"look {look_id} drafts", unit="draft", disable=None, leave=False) as bar:
        return sprint.make_drafts(look_id, engine, settings=settings, store=_store(), edits=edits, progress=bar.update)


@task(name="publish-artifacts", retries=2, retry_delay_seconds=RETRY_DELAYS, retry_condition_fn=is_transient)
def publish_artifacts(brief_id: int) -> str:
    settings, store = get_settings(), _store()
    key = sprint.contact_sheet(brief_id, settings=settings, store=store)
    result = sprint.sprint_result(brief_id, settings=settings, store=store)
    where = store.locate(key)
    link = where if "://" in where else f"file://{where}"
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
def design_sprint(brief: str, engine: EngineName | None = None, drafts: int | None = None) -> dict[str, Any]:
    """Draft every look of a brief and queue it for review.

    Args:
        brief: path to the brief YAML (sketch paths are relative to it).
        engine: flat, tiny or controlnet; default from SEAMLINE_ENGINE.
        drafts: drafts per look, overriding the brief's `drafts`.
    """
    logger = get_run_logger()
    settings = get_settings()
    engine_name = engine or settings.engine
    registered = register_brief(brief, engine_name)
    logger.info(
        "brief %s: %d looks (%s)",
        registered.brief_id,
        len(registered.look_ids),
        "new" if registered.created else "seen before",
    )
    controls = make_control.map(registered.look_ids)
    draft_ids = make_drafts.map(registered.look_ids, controls, unmapped(engine_name), unmapped(drafts))
    draft_ids.wait()
    draft_ids.result()
    sheet = publish_artifacts(registered.brief_id)
    logger.info("contact sheet: %s", sheet)
    queued = queue_for_review.map(registered.look_ids, unmapped(engine_name))
    queued.result()
    result = sprint.sprint_result(registered.brief_id, settings=settings, store=_store())
    result["contact_sheet"] = sheet
    return result
