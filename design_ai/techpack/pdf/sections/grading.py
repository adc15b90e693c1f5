"""Grading: the increments between consecutive sizes, derived from the POM table rather than stored, so
the two tables can never disagree.
"""

from __future__ import annotations

import itertools

from reportlab.platypus import Flowable

from design_ai.techpack.pdf.context import Ctx
from design_ai.techpack.pdf.format import format_pom_name
from design_ai.techpack.pdf.sections.common import heading, nothing_recorded
from design_ai.techpack.pdf.tables import make_table

__all__ = ["build"]


def build(ctx: Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = heading(ctx, number, "grading")
    sizes = doc.sizes
    if not doc.poms or len(sizes) < 2:
        return [*out, nothing_recorded(ctx, "grading (fewer than two sizes)")]
    arrow = "→" if any(f.covers("→") for f in [ctx.fonts.bold, *ctx.fonts.fallback_bold]) else "->"
    pairs = list(itertools.pairwise(sizes))
    head = ["Code", "Point of measure", *[f"{a}{arrow}{b}" for a, b in pairs], f"Total {sizes[0]}{arrow}{sizes[-1]}"]
    rows = []
    for r in doc.poms:
        v = r.values_cm
        incs = [f"{v[b] - v[a]:+.1f}" if a in v and b in v else "—" for a, b in pairs]
        total = f"{v[sizes[-1]] - v[sizes[0]]:+.1f}" if sizes[0] in v and sizes[-1] in v else "—"
        rows.append([r.code, format_pom_name(r.name), *incs, total])
    n = len(pairs)
    widths = [5, 18] + [min(10.0, 66.0 / n)] * n + [11]
    out.append(make_table(ctx, head, rows, widths, right=tuple(range(2, 3 + n)), bold_cols=(0, 2 + n)))
    out.append(
        ctx.p(
            "Increments in cm between consecutive sizes, derived from the points-of-measure table "
            "(a size's value minus the next smaller size's).",
            "caption",
        )
    )
    out.append(ctx.p(f"Grade rules: {doc.grade_source or 'not recorded'}", "caption"))
    return out
