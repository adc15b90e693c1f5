"""Revision history: every revision of this tech pack with its status, date, author and note."""

from __future__ import annotations

from reportlab.platypus import Flowable

from design_ai.techpack.pdf.context import Ctx
from design_ai.techpack.pdf.format import format_datetime
from design_ai.techpack.pdf.sections.common import heading, nothing_recorded
from design_ai.techpack.pdf.tables import make_table

__all__ = ["build"]


def build(ctx: Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = heading(ctx, number, "revisions")
    if not doc.revisions:
        return [*out, nothing_recorded(ctx, "revisions")]
    head = ["Rev", "Status", "Date", "By", "Note"]
    rows = [[r.revision, r.status, format_datetime(r.when), r.by, r.note] for r in doc.revisions]
    out.append(make_table(ctx, head, rows, [6, 10, 14, 16, 54], bold_cols=(0,)))
    return out
