"""Page furniture: the header, footer, draft band and watermark drawn on every page, and "Page x of y".

The header names the sections on its page: each section's `Mark` appends its title to `canv._sl_sections`,
which `PageFurniture.start` empties at the top of the page and `end` reads once the page's content is laid out
(a page that only continues a section names that section). The total page count is known only when the
document is done, so `numbered_canvas_class` holds every page until `save` and stamps the numbers then.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate

from design_ai.techpack.pdf.context import Ctx
from design_ai.techpack.pdf.format import format_date

__all__ = ["FOOTER_H", "FRAME_GAP", "HEADER_H", "PageFurniture", "numbered_canvas_class"]

HEADER_H = 15 * mm
FOOTER_H = 9 * mm
FRAME_GAP = 3 * mm
"""Heights (pt) of the header and footer bands, and of the gap the body frame keeps from them."""


def numbered_canvas_class(draw_page_number: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    """A canvas that holds its pages until `save`, then stamps "Page x of y" on each (y known only then)."""

    class _NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._sl_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name
            self._sl_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._sl_pages)
            for i, state in enumerate(self._sl_pages, 1):
                self.__dict__.update(state)
                draw_page_number(self, i, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return _NumberedCanvas


class PageFurniture:
    """Header, footer, draft band and watermark, drawn on every page."""

    def __init__(self, ctx: Ctx, pagesize: tuple[float, float], margin: float) -> None:
        self.ctx, self.pw, self.ph, self.m = ctx, pagesize[0], pagesize[1], margin
        logo = ctx.theme.logo
        self.logo = ImageReader(str(logo)) if logo else None
        self.current = ""

    def start(self, canv: Canvas, _doc: BaseDocTemplate) -> None:
        canv._sl_sections = []  # type: ignore[attr-defined]

    def end(self, canv: Canvas, _doc: BaseDocTemplate) -> None:
        if self.ctx.draft:  # over the content, faint: it must show across the pictures too
            self._watermark(canv)
        sections = getattr(canv, "_sl_sections", [])
        names = sections or ([self.current] if self.current else [])
        if sections:
            self.current = sections[-1]
        self._header(canv, " · ".join(names))
        self._footer(canv)

    def _watermark(self, canv: Canvas) -> None:
        ctx = self.ctx
        text = "DRAFT — not for production"
        canv.saveState()
        canv.setFillColor(ctx.c["draft"], alpha=0.07)
        canv.translate(self.pw / 2, self.ph / 2)
        canv.rotate(math.degrees(math.atan2(self.ph, self.pw)) * 0.8)
        size = ctx.fonts.fit(text, 64, 0.8 * math.hypot(self.pw, self.ph), bold=True)
        ctx.fonts.draw(canv, 0, -size * 0.35, text, size, bold=True, anchor="middle")
        canv.restoreState()

    def _header(self, canv: Canvas, sections: str) -> None:
        ctx, doc, m, pw, ph = self.ctx, self.ctx.doc, self.m, self.pw, self.ph
        f = ctx.fonts
        canv.saveState()
        top = ph - m
        x = m
        if self.logo is not None:
            iw, ih = self.logo.getSize()
            h = 8.5 * mm
            w = iw * h / ih
            canv.drawImage(self.logo, m, top - h, width=w, height=h)
            x = m + w + 10
        canv.setFillColor(ctx.c["muted"])
        f.draw(canv, x, top - 8, "TECH PACK", 7, bold=True)
        canv.setFillColor(ctx.c["primary"])
        f.draw(canv, x, top - 21, sections, f.fit(sections, 10.5, pw * 0.42 - x, bold=True), bold=True)
        right = pw - m
        status = doc.status.upper()
        line1 = f"{doc.style_number}  ·  Rev {doc.revision}  ·  {status}"
        canv.setFillColor(ctx.c["draft"] if ctx.draft else ctx.c["ink"])
        f.draw(canv, right, top - 9, line1, f.fit(line1, 10.5, pw * 0.45, bold=True), bold=True, anchor="end")
        line2 = f"{doc.collection}  ·  {doc.season}  ·  {doc.look_name}"
        canv.setFillColor(ctx.c["muted"])
        f.draw(canv, right, top - 21, line2, f.fit(line2, 8, pw * 0.45), anchor="end")
        canv.setStrokeColor(ctx.c["rule"])
        canv.setLineWidth(0.8)
        canv.line(m, top - HEADER_H + 3 * mm, pw - m, top - HEADER_H + 3 * mm)
        if ctx.draft:
            band_h = 4.6 * mm
            y = top + 1.2 * mm
            canv.setFillColor(ctx.c["draft"])
            canv.rect(m, y, pw - 2 * m, band_h, stroke=0, fill=1)
            canv.setFillColor(colors.white)
            f.draw(canv, pw / 2, y + 3.6, "DRAFT — NOT FOR PRODUCTION", 8, bold=True, anchor="middle")
        canv.restoreState()

    def _footer(self, canv: Canvas) -> None:
        ctx, doc, m, pw = self.ctx, self.ctx.doc, self.m, self.pw
        canv.saveState()
        y = m + 2
        canv.setStrokeColor(ctx.c["rule"])
        canv.setLineWidth(0.6)
        canv.line(m, m + FOOTER_H - 2 * mm, pw - m, m + FOOTER_H - 2 * mm)
        canv.setFillColor(ctx.c["muted"])
        mid = f"Seamline tech pack  ·  {doc.season}  ·  {format_date(doc.created_at)}"
        mid_size = ctx.fonts.fit(mid, 7.5, pw * 0.3)
        mid_w = ctx.fonts.width(mid, mid_size)
        ctx.fonts.draw(canv, pw / 2, y, mid, mid_size, anchor="middle")
        left = f"Style {doc.style_number}  ·  Rev {doc.revision}  ·  {doc.look_name}"
        ctx.fonts.draw(canv, m, y, left, ctx.fonts.fit(left, 7.5, pw / 2 - mid_w / 2 - m - 12))
        canv.restoreState()

    def page_number(self, canv: Canvas, page: int, total: int) -> None:
        canv.saveState()
        canv.setFillColor(self.ctx.c["ink"])
        self.ctx.fonts.draw(canv, self.pw - self.m, self.m + 2, f"Page {page} of {total}", 8, bold=True, anchor="end")
        canv.restoreState()
