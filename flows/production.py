"""The `production_handoff` flow: approved draft → pattern → estimate → draft tech pack, with artifacts.

Release stays a person's act (`seamline release LOOK --as USER`, production or admin): this flow prepares
everything a production manager needs to check before releasing.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, task
from prefect.artifacts import create_link_artifact, create_table_artifact
from prefect.logging import get_run_logger

from design_ai.config import get_settings
from design_ai.store import Store
from design_ai.sustain.service import estimate_data, estimate_for_pattern
from design_ai.techpack.assemble import build_bundle
from design_ai.techpack.release import prepare_draft
from flows.common import RETRY_DELAYS, is_transient
from flows.patterns import make_pattern

__all__ = ["production_handoff"]


def _store() -> Store:
    return Store.from_settings(get_settings())


@task(name="estimate", retries=2, retry_delay_seconds=RETRY_DELAYS, retry_condition_fn=is_transient)
def make_estimate(pattern_id: int) -> int:
    """Fabric and carbon by stage; publishes the carbon table."""
    settings = get_settings()
    estimate_id = estimate_for_pattern(pattern_id, settings=settings)
    data = estimate_data(estimate_id, settings=settings)
    rows = [
        {"stage": s["stage"], "kg CO2e per garment": s["kg_co2e"], "low": s["low"], "high": s["high"],
         "sources": "; ".join(s.get("sources", [])[:2])}
        for s in data["stages"]
    ]  # fmt: skip
    rows.append({"stage": "total", "kg CO2e per garment": data["total_kg_co2e"], "low": data["total_low"],
                 "high": data["total_high"], "sources": data.get("comparison") or ""})  # fmt: skip
    create_table_artifact(key="carbon", table=rows, description=f"Carbon per garment, {data['material_name']}")
    return estimate_id


@task(name="draft-techpack", retries=2, retry_delay_seconds=RETRY_DELAYS, retry_condition_fn=is_transient)
def make_draft_techpack(draft_id: int) -> dict[str, Any]:
    settings, store = get_settings(), _store()

    def build(draft: int, **kw: Any) -> Any:
        return build_bundle(draft, settings=settings, store=store, **kw)

    tp = prepare_draft(draft_id, settings=settings, store=store, build=build)
    pdf = store.locate(tp.files["pdf"])
    create_link_artifact(key="techpack-pdf", link=store.link(tp.files["pdf"]),
                         link_text=f"Draft tech pack of look {tp.look_id}",
                         description="Check it, then `seamline release LOOK --as USER`")  # fmt: skip
    return {"techpack_id": tp.id, "look_id": tp.look_id, "pdf": pdf}


@flow(name="production-handoff", log_prints=True)
def production_handoff(draft_id: int) -> dict[str, Any]:
    """Everything production needs for an approved draft: pattern, estimate and the draft tech pack."""
    logger = get_run_logger()
    pattern_id = make_pattern(draft_id)
    estimate_id = make_estimate(pattern_id)
    techpack = make_draft_techpack(draft_id, wait_for=[estimate_id])
    logger.info("draft %s: pattern %s, estimate %s, draft tech pack %s", draft_id, pattern_id, estimate_id,
                techpack["pdf"])  # fmt: skip
    return {"draft_id": draft_id, "pattern_id": pattern_id, "estimate_id": estimate_id, **techpack}
