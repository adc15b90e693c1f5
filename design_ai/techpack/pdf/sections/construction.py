"""Construction details: the sewing operations in order with their ISO 4916 seam class, ISO 4915 stitch type
and stitch density.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from design_ai.techpack.pdf.context import Ctx
from design_ai.techpack.pdf.sections.common import heading, nothing_recorded
from design_ai.techpack.pdf.tables import make_table

__all__ = ["build"]


def build(ctx: Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = heading(ctx, number, "construction")
    if not doc.construction:
        return [*out, nothing_recorded(ctx, "construction steps")]
    head = ["#", "Operation", "Seam class (ISO 4916)", "Stitch type (ISO 4915)", "Stitches / cm", "Notes"]
    rows = [
        [str(i), s.operation, s.seam_class, s.stitch_type, f"{s.stitches_per_cm:g}", s.notes]
        for i, s in enumerate(doc.construction, 1)
    ]
    out.append(make_table(ctx, head, rows, [3, 18, 15, 20, 7, 37], right=(0, 4), bold_cols=(1,)))
    return out
