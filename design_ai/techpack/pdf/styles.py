"""The theme's colours as reportlab colours, and the paragraph styles every section draws its text with.

Styles are named by role ("cell_r", "head", "caption"), not by look, so a section asks for what its text is and
the theme decides size, weight and colour in one place.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from design_ai.techpack.pdf.fonts import FontSet
from design_ai.techpack.theme import Theme

__all__ = ["build_styles", "theme_colours"]


def theme_colours(theme: Theme) -> dict[str, colors.Color]:
    """Every colour of the theme by its key ("ink", "primary", "draft", ...), parsed from hex."""
    return {k: colors.HexColor(getattr(theme.colours, k)) for k in theme.colours.__dataclass_fields__}


def build_styles(theme: Theme, fonts: FontSet, c: dict[str, colors.Color]) -> dict[str, ParagraphStyle]:
    """The paragraph styles by role, sized from the theme's base size (`theme.fonts.size_pt`)."""
    s = theme.fonts.size_pt
    reg, bold = fonts.regular.name, fonts.bold.name

    def st(name: str, **kw: Any) -> ParagraphStyle:
        base = {"fontName": reg, "fontSize": s, "leading": s * 1.28, "textColor": c["ink"]}
        base.update(kw)
        return ParagraphStyle(name, **base)

    cell = s - 0.5
    return {
        "body": st("body", spaceAfter=3),
        "caption": st("caption", fontSize=s - 1, leading=(s - 1) * 1.3, textColor=c["muted"], spaceBefore=3),
        "h3": st(
            "h3",
            fontName=bold,
            fontSize=s + 1.5,
            leading=(s + 1.5) * 1.3,
            textColor=c["primary"],
            spaceBefore=6,
            spaceAfter=3,
        ),
        "cell": st("cell", fontSize=cell, leading=cell * 1.22),
        "cell_r": st("cell_r", fontSize=cell, leading=cell * 1.22, alignment=TA_RIGHT),
        "cell_c": st("cell_c", fontSize=cell, leading=cell * 1.22, alignment=TA_CENTER),
        "cell_b": st("cell_b", fontName=bold, fontSize=cell, leading=cell * 1.22),
        "cell_br": st("cell_br", fontName=bold, fontSize=cell, leading=cell * 1.22, alignment=TA_RIGHT),
        "head": st("head", fontName=bold, fontSize=cell, leading=cell * 1.22, textColor=c["primary"]),
        "head_r": st(
            "head_r", fontName=bold, fontSize=cell, leading=cell * 1.22, textColor=c["primary"], alignment=TA_RIGHT
        ),
        "label": st("label", fontSize=s - 0.5, textColor=c["muted"]),
        "value": st("value", fontName=bold, fontSize=s + 0.5, leading=(s + 0.5) * 1.3),
        "kicker": st("kicker", fontName=bold, fontSize=11, leading=14, textColor=c["muted"]),
        "style_no": st("style_no", fontName=bold, fontSize=30, leading=36, textColor=c["primary"]),
        "look": st("look", fontSize=16, leading=21, spaceAfter=8),
        "comparison": st(
            "comparison",
            fontName=bold,
            fontSize=s + 1.5,
            leading=(s + 1.5) * 1.35,
            textColor=c["accent"],
            spaceBefore=6,
        ),
    }
