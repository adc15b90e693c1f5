"""The two table kinds of the tech pack: data tables (BOM, POMs, carbon, ...) and label/value tables (facts).

Every cell is a Paragraph, so user text wraps inside its column and is escaped rather than read as markup.
Column widths are given as relative weights and scaled to the width available.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Paragraph, Table, TableStyle

from design_ai.techpack.pdf.context import Ctx

__all__ = ["make_kv_table", "make_table"]


def make_table(
    ctx: Ctx,
    head: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    *,
    right: Sequence[int] = (),
    highlight: Sequence[int] = (),
    bold_rows: Sequence[int] = (),
    bold_cols: Sequence[int] = (),
    min_row_h: float | None = None,
) -> Table:
    """A data table: every cell a Paragraph (so user text wraps and is escaped), the header row repeated on
    each page the table runs onto, zebra rows, `highlight` columns tinted (the base size), `bold_rows` (totals)
    set off by a rule. `widths` are relative weights of the frame's width; `right` columns are right-aligned."""
    total = sum(widths)
    cols = [w * ctx.width / total for w in widths]
    data: list[list[Paragraph]] = [[ctx.p(h, "head_r" if i in right else "head") for i, h in enumerate(head)]]
    for r, row in enumerate(rows, start=1):
        cells = []
        for i, v in enumerate(row):
            b = r in bold_rows or i in bold_cols
            style = ("cell_br" if b else "cell_r") if i in right else ("cell_b" if b else "cell")
            cells.append(ctx.p(v, style))
        data.append(cells)
    heights = [None] + [min_row_h] * len(rows) if min_row_h else None
    t = Table(data, colWidths=cols, rowHeights=heights, repeatRows=1, hAlign="LEFT")
    cmds: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), ctx.c["header_fill"]),
        ("LINEBELOW", (0, 0), (-1, 0), 0.9, ctx.c["primary"]),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, ctx.c["rule"]),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ctx.c["stripe"]]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    for col in highlight:
        cmds.append(("BACKGROUND", (col, 0), (col, -1), ctx.c["highlight"]))
        cmds.append(("LINEBEFORE", (col, 0), (col, -1), 0.6, ctx.c["accent"]))
        cmds.append(("LINEAFTER", (col, 0), (col, -1), 0.6, ctx.c["accent"]))
    for r in bold_rows:
        cmds.append(("LINEABOVE", (0, r), (-1, r), 0.9, ctx.c["ink"]))
        cmds.append(("BACKGROUND", (0, r), (-1, r), ctx.c["header_fill"]))
    t.setStyle(TableStyle(cmds))
    return t


def make_kv_table(ctx: Ctx, pairs: Sequence[tuple[str, str]], width: float, key_frac: float = 0.38) -> Table:
    """Label/value pairs, one per row (the cover's facts, the marker's figures); `key_frac` of `width` (pt) for
    the labels."""
    data = [[ctx.p(k, "label"), ctx.p(v, "value")] for k, v in pairs]
    t = Table(data, colWidths=[width * key_frac, width * (1 - key_frac)], hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, ctx.c["rule"]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return t
