"""Points of measure: every POM with how to measure it, its tolerance and its value in every size (cm, laid
flat), the base size's column highlighted.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from design_ai.techpack.pdf.context import Ctx
from design_ai.techpack.pdf.format import format_pom_name
from design_ai.techpack.pdf.sections.common import heading, nothing_recorded
from design_ai.techpack.pdf.tables import make_table

__all__ = ["build"]


def build(ctx: Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = heading(ctx, number, "poms")
    if not doc.poms:
        return [*out, nothing_recorded(ctx, "points of measure")]
    sizes = doc.sizes
    head = ["Code", "Point of measure", "How to measure", "Tol ± (cm)"]
    head += [f"{s} (base)" if s == doc.base_size else s for s in sizes]
    rows = []
    for r in doc.poms:
        values = [f"{r.values_cm[s]:.1f}" if s in r.values_cm else "—" for s in sizes]
        rows.append([r.code, format_pom_name(r.name), r.description, f"{r.tolerance_cm:.1f}", *values])
    size_w = min(7.0, 42.0 / max(1, len(sizes)))
    widths = [4.5, 14, 100 - 4.5 - 14 - 7 - size_w * len(sizes), 7] + [size_w] * len(sizes)
    right = tuple(range(3, 4 + len(sizes)))
    base = (4 + sizes.index(doc.base_size),) if doc.base_size in sizes else ()
    out.append(make_table(ctx, head, rows, widths, right=right, highlight=base, bold_cols=(0,)))
    out.append(
        ctx.p(
            f"Finished garment measurements in cm, laid flat; widths are half the circumference. "
            f"Base size {doc.base_size} is highlighted. Tolerance applies to every size.",
            "caption",
        )
    )
    return out
