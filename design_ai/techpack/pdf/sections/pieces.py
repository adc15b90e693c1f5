"""The base size's pattern pieces drawn to scale as vectors, on a page of their own, with a table of their
sizes, cut counts, folds, areas and notches under them.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, Spacer

from design_ai.techpack.pdf.context import Ctx
from design_ai.techpack.pdf.drawings import PatternPieces
from design_ai.techpack.pdf.flowables import SectionTitle
from design_ai.techpack.pdf.sections.common import heading, nothing_recorded
from design_ai.techpack.pdf.tables import make_table

__all__ = ["build"]


def build(ctx: Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = heading(ctx, number, "pieces")
    if not doc.pieces:
        return [*out, nothing_recorded(ctx, "pattern pieces")]
    head = ["Piece", "Size", "Cut", "On fold", "Area (cm²)", "Notches"]
    rows = [
        [p.name.replace("_", " "), p.size, str(p.cut), "yes" if p.on_fold else "no", f"{p.area_cm2:.0f}",
         str(len(p.notches_cm))]
        for p in doc.pieces
    ]
    table = make_table(ctx, head, rows, [20, 10, 8, 10, 12, 10], right=(2, 4, 5))
    _, th = table.wrap(ctx.width, ctx.height)
    h = ctx.height - SectionTitle.HEIGHT - 4 - th - 16
    out.append(PatternPieces(ctx, doc.pieces, ctx.width, max(120.0, h)))
    out += [Spacer(1, 6), table]
    return out
