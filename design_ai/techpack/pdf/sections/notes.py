"""Notes to the factory, numbered."""

from __future__ import annotations

from reportlab.platypus import Flowable

from design_ai.techpack.pdf.context import Ctx
from design_ai.techpack.pdf.sections.common import heading, nothing_recorded

__all__ = ["build"]


def build(ctx: Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = heading(ctx, number, "notes")
    if not doc.notes:
        return [*out, nothing_recorded(ctx, "notes")]
    for i, note in enumerate(doc.notes, 1):
        out.append(ctx.p(f"{i}. {note}", "body"))
    return out
