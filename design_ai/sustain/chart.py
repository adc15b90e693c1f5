"""A bar chart of an estimate's carbon by stage, with low-high whiskers, drawn with Pillow (no matplotlib).

`stage_chart_data` gives the numbers (for a renderer that draws its own chart, e.g. reportlab graphics);
`stage_chart_png` draws a PNG: one horizontal bar per stage (kg CO2e per garment), a whisker from the stage's low
to its high bound, the value at the bar's end, and the total in the title.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from design_ai.sustain.estimate import Estimate

__all__ = ["stage_chart_data", "stage_chart_png"]

BAR = (46, 125, 107)  # green-teal bars
WHISKER = (40, 40, 40)
GRID = (225, 225, 225)
TEXT = (20, 20, 20)


def stage_chart_data(estimate: Estimate) -> list[dict[str, Any]]:
    """One row per stage: `{"stage", "kg_co2e", "low", "high", "share_pct"}` (kg CO2e per garment)."""
    total = estimate.total_kg_co2e or 1.0
    return [
        {"stage": s.stage, "kg_co2e": s.kg_co2e, "low": s.low, "high": s.high, "share_pct": 100 * s.kg_co2e / total}
        for s in estimate.stages
    ]


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has no sized default font
        return ImageFont.load_default()


def stage_chart_png(estimate: Estimate, path: str | Path | None = None, *, width: int = 900, scale: int = 1) -> bytes:
    """Draw the chart; write it to `path` when given; return the PNG bytes.

    The x axis runs from 0 to the largest high bound (rounded up to a tidy step), so whiskers always fit.
    `scale` multiplies every dimension (2 for print).
    """
    rows = stage_chart_data(estimate)
    s = scale
    label_w, pad, row_h, top, bottom = 170 * s, 16 * s, 34 * s, 56 * s, 40 * s
    w = width * s
    h = top + row_h * len(rows) + bottom
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    f_title, f_text = _font(16 * s), _font(13 * s)

    title = (
        f"kg CO2e per garment by stage: {estimate.total_kg_co2e:.2f} "
        f"(range {estimate.total_low:.2f} to {estimate.total_high:.2f})"
    )
    d.text((pad, 14 * s), title, fill=TEXT, font=f_title)

    x_max = max((r["high"] for r in rows), default=1.0)
    step = _tidy_step(x_max)
    x_top = step * (int(x_max / step) + 1)
    plot_l, plot_r = label_w + pad, w - 70 * s

    def x(v: float) -> float:
        return plot_l + (plot_r - plot_l) * v / x_top

    # grid and axis labels
    t = 0.0
    while t <= x_top + 1e-9:
        d.line([(x(t), top - 6 * s), (x(t), h - bottom)], fill=GRID, width=s)
        d.text((x(t) - 8 * s, h - bottom + 6 * s), f"{t:g}", fill=TEXT, font=f_text)
        t += step
    for i, r in enumerate(rows):
        y0 = top + i * row_h
        yc = y0 + row_h / 2
        d.text((pad, yc - 8 * s), r["stage"], fill=TEXT, font=f_text)
        d.rectangle([x(0), y0 + 7 * s, x(r["kg_co2e"]), y0 + row_h - 7 * s], fill=BAR)
        # whisker low-high
        d.line([(x(r["low"]), yc), (x(r["high"]), yc)], fill=WHISKER, width=2 * s)
        for v in (r["low"], r["high"]):
            d.line([(x(v), yc - 6 * s), (x(v), yc + 6 * s)], fill=WHISKER, width=2 * s)
        d.text((x(r["high"]) + 6 * s, yc - 8 * s), f"{r['kg_co2e']:.2f}", fill=TEXT, font=f_text)

    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    data = buf.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def _tidy_step(x_max: float) -> float:
    """A grid step of 1, 2 or 5 x 10^k giving 4 to 10 lines up to x_max."""
    if x_max <= 0:
        return 1.0
    mag = 10.0 ** int(f"{x_max:e}".split("e")[1])
    for m in (0.1, 0.2, 0.5, 1.0, 2.0, 5.0):
        step = m * mag
        if x_max / step <= 8:
            return step
    return 10 * mag
