"""What every section builder and drawing is handed: the document, theme, fonts, colours, styles, frame size."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from design_ai.techpack.model import TechPackDoc
from design_ai.techpack.pdf.fonts import FontSet
from design_ai.techpack.theme import Theme

__all__ = ["Ctx"]


@dataclass
class Ctx:
    """What every section builder needs: the document, theme, fonts, styles and the frame's size (pt).

    `draft` is true for every status but "released": only a released revision is for production.
    """

    doc: TechPackDoc
    theme: Theme
    fonts: FontSet
    width: float
    height: float
    c: dict[str, colors.Color]
    styles: dict[str, ParagraphStyle]
    draft: bool

    def p(self, text: str, style: str = "body") -> Paragraph:
        """A paragraph of user text (escaped, split by script)."""
        st = self.styles[style]
        return Paragraph(self.fonts.markup(text, bold=st.fontName == self.fonts.bold.name, within=st.fontName), st)

    def raw(self, markup: str, style: str = "body") -> Paragraph:
        """A paragraph of our own markup (no user text in it)."""
        return Paragraph(markup, self.styles[style])
