"""The front flat (the designer's sketch) beside the approved draft, on a page of their own, so the factory
sees what was drawn next to what was approved.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, Table, TableStyle

from design_ai.techpack.pdf.context import Ctx
from design_ai.techpack.pdf.flowables import SectionTitle, make_image
from design_ai.techpack.pdf.sections.common import heading

__all__ = ["build"]


def build(ctx: Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    col = (ctx.width - 16) / 2
    h = ctx.height - SectionTitle.HEIGHT - 50
    draft_caption = "Approved draft" + (f" — colorway {doc.approved_colorway}" if doc.approved_colorway else "")
    t = Table(
        [
            [
                make_image(ctx, doc.flat_png, col - 8, h, "front flat"),
                make_image(ctx, doc.design_png, col - 8, h, "draft"),
            ],
            [ctx.p("Front flat (the designer's sketch)", "h3"), ctx.p(draft_caption, "h3")],
        ],
        colWidths=[col + 8, col + 8],
    )
    t.setStyle(
        TableStyle(
            [
                ("ALIGN", (0, 0), (-1, 0), "CENTER"),
                ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                ("BOX", (0, 0), (0, 0), 0.5, ctx.c["rule"]),
                ("BOX", (1, 0), (1, 0), 0.5, ctx.c["rule"]),
                ("TOPPADDING", (0, 0), (-1, 0), 4),
                ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
            ]
        )
    )
    return [*heading(ctx, number, "flats"), t]
