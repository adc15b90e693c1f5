"""The cover: style number, look, the garment's facts, the status stamp and the approved design, on a page
of its own. It has no number: the numbered sections follow it.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from design_ai.techpack.pdf.context import Ctx
from design_ai.techpack.pdf.flowables import Mark, StatusStamp, make_image
from design_ai.techpack.pdf.format import format_date
from design_ai.techpack.pdf.tables import make_kv_table
from design_ai.techpack.theme import SECTION_TITLES

__all__ = ["build"]


def build(ctx: Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    left_w, right_w = ctx.width * 0.44, ctx.width * 0.56
    sizes = doc.sizes
    size_text = f"{', '.join(sizes)} (base {doc.base_size})" if sizes else "—"
    pairs = [
        ("Collection", doc.collection),
        ("Season", doc.season),
        ("Garment", doc.garment),
        ("Material", doc.material_name),
        ("Sizes", size_text),
        ("Approved colorway", doc.approved_colorway or "—"),
        ("Order", f"{doc.units:,} units"),
        ("Revision", doc.revision),
        ("Status", doc.status.upper()),
        ("Date", format_date(doc.created_at)),
    ]
    left: list[Flowable] = [
        Mark(SECTION_TITLES["cover"]),
        ctx.raw("TECH PACK", "kicker"),
        ctx.p(doc.style_number, "style_no"),
        ctx.p(doc.look_name, "look"),
        make_kv_table(ctx, pairs, left_w - 18),
        Spacer(1, 14),
        StatusStamp(ctx, left_w - 18),
    ]
    right = make_image(ctx, doc.design_png, right_w - 8, ctx.height - 16, "design image")
    t = Table([[left, right]], colWidths=[left_w, right_w], hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (1, 0), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return [t]
