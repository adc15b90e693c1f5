"""The marker: its length, fabric width, efficiency and fabric per garment, and the marker picture."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from design_ai.techpack.pdf.context import Ctx
from design_ai.techpack.pdf.flowables import SectionTitle, make_image
from design_ai.techpack.pdf.sections.common import heading
from design_ai.techpack.pdf.tables import make_kv_table

__all__ = ["build"]


def build(ctx: Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    m = doc.marker
    out = heading(ctx, number, "marker")

    def val(key: str, fmt: Callable[[float], str]) -> str:
        return fmt(m[key]) if key in m else "—"

    pairs = [
        ("Marker length", val("length_m", lambda v: f"{v:.2f} m")),
        ("Fabric width", val("width_m", lambda v: f"{v * 100:.0f} cm")),
        ("Efficiency", val("efficiency", lambda v: f"{v * 100:.1f} %")),
        ("Garments in the marker", val("garments", lambda v: f"{v:.0f}")),
        ("Fabric per garment (length)", val("per_garment_m", lambda v: f"{v:.3f} m")),
        ("Fabric per garment (area)", val("per_garment_m2", lambda v: f"{v:.3f} m²")),
    ]
    half = (ctx.width - 20) / 2
    kv = Table(
        [[make_kv_table(ctx, pairs[:3], half, 0.5), make_kv_table(ctx, pairs[3:], half, 0.5)]],
        colWidths=[half + 20, half],
    )
    kv.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    out.append(kv)
    if doc.marker_png:
        out += [
            Spacer(1, 8),
            make_image(ctx, doc.marker_png, ctx.width, ctx.height - SectionTitle.HEIGHT - 90, "marker"),
        ]
    return out
