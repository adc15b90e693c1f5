"""The colorways as chips with name, hex and label; the approved one framed and named under them."""

from __future__ import annotations

from reportlab.platypus import Flowable

from design_ai.techpack.pdf.context import Ctx
from design_ai.techpack.pdf.flowables import Swatches
from design_ai.techpack.pdf.sections.common import heading, nothing_recorded

__all__ = ["build"]


def build(ctx: Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = heading(ctx, number, "colorways")
    if not doc.colorways:
        return [*out, nothing_recorded(ctx, "colorways")]
    out.append(Swatches(ctx))
    if doc.approved_colorway:
        out.append(ctx.p(f"Approved colorway: {doc.approved_colorway}", "caption"))
    return out
