"""Carbon and materials: kg CO2e per garment by stage (chart and table with low-high ranges and sources), the
fabric used per garment, the order's total and the comparison with a conventional material.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from design_ai.techpack.pdf.context import Ctx
from design_ai.techpack.pdf.drawings import CarbonChart
from design_ai.techpack.pdf.format import format_kg
from design_ai.techpack.pdf.sections.common import heading, nothing_recorded
from design_ai.techpack.pdf.tables import make_kv_table, make_table

__all__ = ["build"]


def build(ctx: Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = heading(ctx, number, "carbon")
    fab = doc.fabric_per_garment
    width_m = doc.marker.get("width_m")
    at = f" at {width_m * 100:.0f} cm width" if width_m else ""

    def f(key: str, fmt: str) -> str:
        return fmt.format(fab[key]) if key in fab else "—"

    pairs = [
        ("Material", doc.material_name),
        ("Fabric area per garment", f("m2", "{:.3f} m²")),
        ("Fabric weight per garment", f("kg", "{:.3f} kg")),
        (f"Fabric length per garment{at}", f("m_at_width", "{:.3f} m")),
        ("Cutting waste", f("waste_pct", "{:.1f} %")),
        ("Order", f"{doc.units:,} units"),
    ]
    side_by_side = ctx.width >= 600  # landscape: chart and fabric side by side; portrait: one above the other
    left_w = ctx.width * 0.6 if side_by_side else ctx.width
    right_w = ctx.width * 0.4 if side_by_side else ctx.width * 0.6
    chart: Flowable = (
        CarbonChart(ctx, doc.carbon, left_w - 16) if doc.carbon else nothing_recorded(ctx, "carbon stages")
    )
    fabric = [ctx.raw("Fabric per garment", "h3"), make_kv_table(ctx, pairs, right_w - 4, 0.48)]
    if side_by_side:
        top = Table([[chart, fabric]], colWidths=[left_w, right_w])
        top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        out += [top, Spacer(1, 6)]
    else:
        out += [chart, *fabric, Spacer(1, 6)]
    total = sum(s.kg_co2e for s in doc.carbon) or 1.0
    head = ["Stage", "kg CO2e", "Low", "High", "Share", "Source"]
    rows = [
        [
            s.stage,
            format_kg(s.kg_co2e),
            format_kg(s.low),
            format_kg(s.high),
            f"{100 * s.kg_co2e / total:.0f} %",
            s.source,
        ]
        for s in doc.carbon
    ]
    c_, lo, hi = doc.carbon_total
    oc, olo, ohi = doc.carbon_order
    rows.append(["Total per garment", format_kg(c_), format_kg(lo), format_kg(hi), "100 %", ""])
    rows.append([f"Total per order ({doc.units:,} units)", format_kg(oc), format_kg(olo), format_kg(ohi), "", ""])
    n = len(doc.carbon)
    out.append(
        make_table(ctx, head, rows, [18, 8, 7, 7, 7, 53], right=(1, 2, 3, 4), bold_rows=(n + 1, n + 2), bold_cols=(1,))
    )
    if doc.comparison:
        out.append(ctx.p(doc.comparison, "comparison"))
    out.append(
        ctx.p(
            "kg CO2e per garment unless stated; low and high are the range of the published factors behind each "
            "stage. Sources are cited per stage.",
            "caption",
        )
    )
    return out
