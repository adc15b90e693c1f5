"""Sign-offs: each role's name and date, with room for a signature; a missing date prints as pending."""

from __future__ import annotations

from reportlab.platypus import Flowable

from design_ai.techpack.pdf.context import Ctx
from design_ai.techpack.pdf.format import format_date
from design_ai.techpack.pdf.sections.common import heading, nothing_recorded
from design_ai.techpack.pdf.tables import make_table

__all__ = ["build"]


def build(ctx: Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = heading(ctx, number, "signoffs")
    if not doc.signoffs:
        return [*out, nothing_recorded(ctx, "sign-offs")]
    head = ["Role", "Name", "Date", "Signature"]
    rows = [[s.role, s.name, format_date(s.when) if s.when else "pending", ""] for s in doc.signoffs]
    out.append(make_table(ctx, head, rows, [18, 30, 16, 36], bold_cols=(0,), min_row_h=26))
    return out
