"""Pattern extraction as a Prefect task, for the production hand-off flow."""

from __future__ import annotations

from prefect import task
from prefect.artifacts import create_markdown_artifact

from design_ai.config import get_settings
from design_ai.patterns.service import pattern_for_draft, pattern_summary
from design_ai.store import Store
from flows.common import RETRY_DELAYS, is_transient

__all__ = ["make_pattern"]


@task(name="pattern", retries=2, retry_delay_seconds=RETRY_DELAYS, retry_condition_fn=is_transient)
def make_pattern(draft_id: int) -> int:
    """Measure, draft, grade, nest and export the approved draft's pattern; publish its pictures."""
    settings = get_settings()
    store = Store.from_settings(settings)
    pattern_id = pattern_for_draft(draft_id, settings=settings, store=store)
    summary = pattern_summary(pattern_id, settings=settings)
    files, measurements, marker, base = summary.files, summary.measurements_cm, summary.marker, summary.base_size

    def link(kind: str) -> str:
        return store.link(files[kind])

    lines = [f"# Pattern of draft {draft_id} (base size {base})", "", f"![graded nest]({link('nest_png')})", ""]
    lines += ["| POM | cm |", "|---|---|"] + [f"| {k} | {v:.1f} |" for k, v in measurements.items()]
    if marker and "consumption" in marker:
        c = marker["consumption"]
        summary = (
            f"Marker: {c['marker_length_m']:.2f} m, efficiency {c['efficiency'] * 100:.1f} %, "
            f"{c['fabric_per_garment_m2']:.3f} m² per garment"
        )
        lines += ["", summary, f"![marker]({link('marker_png')})"]
    lines += ["", f"[DXF]({link('dxf')}) · [SVG]({link('svg')}) · [pattern.json]({link('json')})"]
    create_markdown_artifact(key="pattern", markdown="\n".join(lines), description=f"Pattern of draft {draft_id}")
    return pattern_id
