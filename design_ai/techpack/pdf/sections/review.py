"""Review history: every review round with its verdict, reviewer, time, draft and comment."""

from __future__ import annotations

from reportlab.platypus import Flowable

from design_ai.techpack.pdf.context import Ctx
from design_ai.techpack.pdf.format import format_datetime
from design_ai.techpack.pdf.sections.common import heading, nothing_recorded
from design_ai.techpack.pdf.tables import make_table

__all__ = ["build"]


def build(ctx: Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = heading(ctx, number, "review")
    if not doc.review:
        return [*out, nothing_recorded(ctx, "review rounds")]
    head = ["Round", "Verdict", "Reviewer", "When", "Draft", "Comment"]
    rows = [
        [
            str(r.round),
            r.verdict,
            r.reviewer,
            format_datetime(r.when),
            "—" if r.draft_id is None else str(r.draft_id),
            r.comment,
        ]
        for r in doc.review
    ]
    out.append(make_table(ctx, head, rows, [6, 10, 14, 14, 6, 50], right=(0, 4)))
    return out
