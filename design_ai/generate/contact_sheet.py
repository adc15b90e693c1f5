"""A contact sheet: one row per look (sketch, control map, drafts), captioned, as one PNG.

Designers compare drafts side by side faster than they open files one by one; the sheet is also what the
Prefect run page links to, so an operator sees at a glance what a sprint produced.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

__all__ = ["SheetRow", "Tile", "render_contact_sheet"]


@dataclass(frozen=True)
class Tile:
    image: Image.Image
    caption: str
    subcaption: str = ""


@dataclass(frozen=True)
class SheetRow:
    title: str
    tiles: tuple[Tile, ...]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType
        return ImageFont.load_default()


def render_contact_sheet(title: str, rows: list[SheetRow], *, tile: int = 256, max_cols: int = 8) -> Image.Image:
    """Lay out rows of captioned tiles under a title; long rows wrap after `max_cols` tiles."""
    pad, cap_h, row_title_h, head_h = 12, 40, 30, 48
    cols = max(1, min(max_cols, max((len(r.tiles) for r in rows), default=1)))
    row_heights = [row_title_h + ((len(r.tiles) + cols - 1) // cols or 1) * (tile + cap_h + pad) for r in rows]
    width = pad + cols * (tile + pad)
    height = head_h + sum(row_heights) + pad
    sheet = Image.new("RGB", (width, height), (246, 246, 244))
    draw = ImageDraw.Draw(sheet)
    draw.text((pad, 12), title, fill=(20, 20, 20), font=_font(22))
    y = head_h
    for row, row_h in zip(rows, row_heights, strict=True):
        draw.text((pad, y + 4), row.title, fill=(30, 30, 30), font=_font(17))
        for i, t in enumerate(row.tiles):
            r, c = divmod(i, cols)
            x0 = pad + c * (tile + pad)
            y0 = y + row_title_h + r * (tile + cap_h + pad)
            thumb = t.image.convert("RGB").copy()
            thumb.thumbnail((tile, tile), Image.Resampling.LANCZOS)
            frame = Image.new("RGB", (tile, tile), (255, 255, 255))
            frame.paste(thumb, ((tile - thumb.width) // 2, (tile - thumb.height) // 2))
            sheet.paste(frame, (x0, y0))
            draw.rectangle((x0 - 1, y0 - 1, x0 + tile, y0 + tile), outline=(200, 200, 200))
            draw.text((x0, y0 + tile + 4), t.caption[:40], fill=(20, 20, 20), font=_font(13))
            if t.subcaption:
                draw.text((x0, y0 + tile + 21), t.subcaption[:44], fill=(110, 110, 110), font=_font(11))
        y += row_h
    return sheet
