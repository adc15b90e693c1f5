"""The tech pack's own platypus Flowables: section marks and title bars, pictures or their placeholder, the
cover's status stamp and the colorway swatches.

`Mark` is how the page header learns which sections are on a page: it draws nothing, but appends its title to
a list the page template puts on the canvas (see `furniture.py`).
"""

from __future__ import annotations

import io
import math

from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.platypus import Flowable, Image

from design_ai.techpack.pdf.context import Ctx

__all__ = ["Mark", "SectionTitle", "StatusStamp", "Swatches", "make_image"]


class Mark(Flowable):
    """Zero-size: records that a section is on the current page (the page header names it)."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        sections = getattr(self.canv, "_sl_sections", None)
        if sections is not None and self.title not in sections:
            sections.append(self.title)


class SectionTitle(Mark):
    """A section's title bar: its number in a filled square, its title, a rule."""

    HEIGHT = 26.0

    def __init__(self, ctx: Ctx, number: int, title: str) -> None:
        super().__init__(title)
        self.ctx, self.number = ctx, number

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        return aw, self.HEIGHT

    def draw(self) -> None:
        super().draw()
        c, ctx = self.canv, self.ctx
        box = 16.0
        y0 = self.HEIGHT - box - 2
        c.setFillColor(ctx.c["primary"])
        c.roundRect(0, y0, box, box, 2.5, stroke=0, fill=1)
        c.setFillColor(colors.white)
        ctx.fonts.draw(c, box / 2, y0 + 4.6, str(self.number), 9.5, bold=True, anchor="middle")
        c.setFillColor(ctx.c["primary"])
        ctx.fonts.draw(c, box + 7, y0 + 3.6, self.title, 14, bold=True)
        c.setStrokeColor(ctx.c["rule"])
        c.setLineWidth(0.8)
        c.line(0, y0 - 5, self.width, y0 - 5)


class _Placeholder(Flowable):
    """A framed box with a line of text, where a picture is missing."""

    def __init__(self, ctx: Ctx, width: float, height: float, text: str) -> None:
        super().__init__()
        self.ctx, self.width, self.height, self.text = ctx, width, height, text

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.setStrokeColor(self.ctx.c["rule"])
        c.setDash(4, 3)
        c.rect(0, 0, self.width, self.height)
        c.setDash()
        c.setFillColor(self.ctx.c["muted"])
        self.ctx.fonts.draw(c, self.width / 2, self.height / 2, self.text, 10, anchor="middle")


def make_image(ctx: Ctx, png: bytes | None, max_w: float, max_h: float, what: str) -> Flowable:
    """The picture scaled to fit the box (aspect kept), or a framed placeholder when there is none.
    ValueError naming `what` when the bytes are not an image."""
    if not png:
        return _Placeholder(ctx, max_w, min(max_h, max_w * 0.75), f"No {what} supplied")
    try:
        with PILImage.open(io.BytesIO(png)) as im:
            w, h = im.size
    except Exception as exc:
        raise ValueError(f"the tech pack's {what} is not a readable image: {exc}") from exc
    s = min(max_w / w, max_h / h)
    return Image(io.BytesIO(png), width=w * s, height=h * s)


class StatusStamp(Flowable):
    """The cover's status: a red DRAFT — NOT FOR PRODUCTION or a green RELEASED stamp."""

    def __init__(self, ctx: Ctx, width: float) -> None:
        super().__init__()
        self.ctx, self.width, self.height = ctx, width, 40.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c, ctx, doc = self.canv, self.ctx, self.ctx.doc
        colour = ctx.c["draft"] if ctx.draft else ctx.c["released"]
        text = "DRAFT — NOT FOR PRODUCTION" if ctx.draft else f"RELEASED — REVISION {doc.revision}"
        if ctx.draft and doc.status.lower() != "draft":
            text = f"{doc.status.upper()} — NOT FOR PRODUCTION"
        c.setStrokeColor(colour)
        c.setFillColor(colour)
        c.setLineWidth(2.2)
        c.roundRect(1, 1, self.width - 2, self.height - 2, 4, stroke=1, fill=0)
        size = ctx.fonts.fit(text, 16, self.width - 20, bold=True)
        ctx.fonts.draw(c, self.width / 2, self.height / 2 - size * 0.35, text, size, bold=True, anchor="middle")


class Swatches(Flowable):
    """The colorways as colour chips with name, hex and label; the approved one framed and tagged."""

    CHIP_W, CHIP_H, TEXT_H, GAP = 118.0, 64.0, 40.0, 16.0

    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        self.ctx = ctx
        self.swatches = ctx.doc.colorways

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.per_row = max(1, int((aw + self.GAP) // (self.CHIP_W + self.GAP)))
        rows = math.ceil(len(self.swatches) / self.per_row)
        self.width = aw
        self.height = rows * (self.CHIP_H + self.TEXT_H + 12) + 4
        return aw, self.height

    def draw(self) -> None:
        c, ctx = self.canv, self.ctx
        approved = ctx.doc.approved_colorway
        for i, sw in enumerate(self.swatches):
            row, col = divmod(i, self.per_row)
            x = col * (self.CHIP_W + self.GAP)
            top = self.height - row * (self.CHIP_H + self.TEXT_H + 12) - 10
            y = top - self.CHIP_H
            try:
                fill = colors.HexColor(sw.hex)
            except (ValueError, TypeError):
                fill = None
            c.setStrokeColor(ctx.c["rule"])
            c.setLineWidth(0.6)
            if fill is not None:
                c.setFillColor(fill)
                c.rect(x, y, self.CHIP_W, self.CHIP_H, stroke=1, fill=1)
            else:
                c.rect(x, y, self.CHIP_W, self.CHIP_H, stroke=1, fill=0)
                c.setFillColor(ctx.c["muted"])
                ctx.fonts.draw(c, x + self.CHIP_W / 2, y + self.CHIP_H / 2, "invalid colour", 7, anchor="middle")
            if sw.name == approved:
                c.setStrokeColor(ctx.c["accent"])
                c.setLineWidth(2.5)
                c.rect(x - 3, y - self.TEXT_H + 2, self.CHIP_W + 6, self.CHIP_H + self.TEXT_H + 1, stroke=1, fill=0)
                c.setFillColor(ctx.c["accent"])
                c.rect(x - 3, top - 1, 62, 10, stroke=0, fill=1)
                c.setFillColor(colors.white)
                ctx.fonts.draw(c, x + 2, top + 1.6, "APPROVED", 6.8, bold=True)
            c.setFillColor(ctx.c["ink"])
            size = ctx.fonts.fit(sw.name, 8.5, self.CHIP_W, bold=True)
            ctx.fonts.draw(c, x, y - 11, sw.name, size, bold=True)
            c.setFillColor(ctx.c["muted"])
            ctx.fonts.draw(c, x, y - 21, sw.hex.upper(), 7.5)
            if sw.label:
                ctx.fonts.draw(c, x, y - 31, sw.label, ctx.fonts.fit(sw.label, 7.5, self.CHIP_W))
