"""The bill of materials: every component with its supplier, quantity per garment, unit and placement."""

from __future__ import annotations

from reportlab.platypus import Flowable

from design_ai.techpack.pdf.context import Ctx
from design_ai.techpack.pdf.format import format_qty
from design_ai.techpack.pdf.sections.common import heading, nothing_recorded
from design_ai.techpack.pdf.tables import make_table

__all__ = ["build"]


def build(ctx: Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = heading(ctx, number, "bom")
    if not doc.bom:
        return [*out, nothing_recorded(ctx, "bill of materials")]
    head = ["Component", "Description", "Supplier", "Qty / garment", "Unit", "Placement", "Notes"]
    rows = [
        [b.component, b.description, b.supplier, format_qty(b.quantity), b.unit, b.placement, b.notes] for b in doc.bom
    ]
    out.append(make_table(ctx, head, rows, [13, 25, 14, 8, 5.5, 14, 20.5], right=(3,), bold_cols=(0,)))
    return out
