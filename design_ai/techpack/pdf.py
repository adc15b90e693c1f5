"""The tech-pack PDF: what a factory builds the garment from, laid out with reportlab's platypus.

`render_pdf(doc, theme=...)` reads only the plain values of a `TechPackDoc` (never the database), so the same
document always gives the same bytes: reportlab's `invariant` mode fixes the creation date and document id, every
date printed comes from the document, and images are re-encoded deterministically. A release hashes these bytes.

Layout (A4 landscape by default, see `theme.py`): the sections in the theme's order, each with a numbered title
bar; the cover, the flats and the pattern pieces take a page each, the other sections flow and are kept whole
where they fit on a page; long tables split with their header row repeated. Every page has a header (logo,
the sections on that page, style number, revision, status, collection) and a footer (style, revision, date and
"Page x of y", counted in a second pass over the saved pages by `_NumberedCanvas`). A document that is not
released carries a red "DRAFT — NOT FOR PRODUCTION" band on every page and a faint diagonal watermark: only a
released revision is for production.

Text: all user text is escaped for reportlab's paragraph markup and split into runs by script (`_FontSet`):
Latin in the theme's Latin font (a character it lacks, such as an arrow, in its fallback font), Hangul, kana and
Han in the theme's Korean, Japanese or Chinese font, so "SS27 서울 Everyday 東京" renders in one line with the right
glyphs rather than as boxes. TrueType fonts are embedded (subset); reportlab's CID fonts are the last resort
because a viewer must supply their glyphs (see `theme.py`).
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape, letter, portrait
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase._cidfontdata import defaultUnicodeEncodings
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from design_ai.techpack.model import CarbonStage, PieceDrawing, TechPackDoc
from design_ai.techpack.theme import SECTION_TITLES, Theme, check_sections, load_theme

__all__ = ["render_pdf"]

PT_PER_CM = 72 / 2.54
HEADER_H = 15 * mm
FOOTER_H = 9 * mm
FRAME_GAP = 3 * mm
FULL_PAGE_SECTIONS = frozenset({"cover", "flats", "pieces"})
"""Sections that take a page of their own (a large picture each); the others flow and are kept whole."""

Point = tuple[float, float]


# ---------------------------------------------------------------------------------------------------------------
# fonts and scripts


def _script(ch: str) -> str | None:
    """The CJK script of one character: "hangul", "kana", "han", "cjk" (CJK punctuation and full-width forms,
    which follow the script around them) or None (everything else, drawn in the Latin font)."""
    o = ord(ch)
    if 0xAC00 <= o <= 0xD7FF or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F or 0xA960 <= o <= 0xA97F:
        return "hangul"
    if 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0xFF65 <= o <= 0xFF9F:
        return "kana"
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x2E80 <= o <= 0x2FDF:
        return "han"
    if 0x20000 <= o <= 0x3FFFF:
        return "han"
    if 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF:
        return "cjk"
    return None


_CID_COVERS: dict[str, frozenset[str]] = {
    "kor": frozenset({"hangul", "han", "kana", "cjk"}),
    "jpn": frozenset({"kana", "han", "cjk"}),
    "chs": frozenset({"han", "cjk"}),
    "cht": frozenset({"han", "cjk"}),
}
"""What each of reportlab's CID font collections can draw (Adobe-Korea1 also has kana; the Chinese ones have Han)."""


@dataclass(frozen=True)
class _Font:
    """A registered font and how to tell whether it has a glyph for a character."""

    name: str
    kind: str  # "ttf" (embedded), "std" (one of the 14 standard PDF fonts), "cid" (reportlab CID font)
    codepoints: frozenset[int] = frozenset()  # ttf
    cid_scripts: frozenset[str] = frozenset()  # cid

    def covers(self, ch: str) -> bool:
        if self.kind == "ttf":
            return ord(ch) in self.codepoints
        if self.kind == "cid":
            return _script(ch) in self.cid_scripts or (ord(ch) < 0x7F)
        try:  # standard fonts: reportlab writes them in WinAnsi
            ch.encode("cp1252")
        except UnicodeEncodeError:
            return False
        return True


_REGISTERED: dict[str, _Font] = {}
"""Fonts registered with reportlab in this process, by resolved path or name (reportlab's registry is global)."""


def _register(entry: str, base_dir: Path) -> _Font | None:
    """The font a theme entry names, registered once per process; None when its file is not there (or is not
    a TrueType font reportlab can embed). ValueError for a name reportlab does not know."""
    if entry.lower().endswith((".ttf", ".ttc")):
        p = Path(entry)
        if not p.is_absolute():
            rl_fonts = Path(pdfmetrics.__file__).resolve().parent.parent / "fonts"
            p = next((c for c in (base_dir / p, rl_fonts / p) if c.is_file()), base_dir / p)
        key = str(p.resolve()) if p.exists() else str(p)
        if key in _REGISTERED:
            return _REGISTERED[key]
        if not p.is_file():
            return None
        name = "SL-" + p.stem
        n = 2
        while name in pdfmetrics.getRegisteredFontNames():
            name = f"SL-{p.stem}-{n}"
            n += 1
        try:
            font = TTFont(name, str(p))
        except Exception:  # CFF outlines, a damaged file: skip to the next candidate
            return None
        pdfmetrics.registerFont(font)
        _REGISTERED[key] = _Font(name, "ttf", codepoints=frozenset(font.face.charToGlyph))
        return _REGISTERED[key]
    if entry in _REGISTERED:
        return _REGISTERED[entry]
    if entry in pdfmetrics.standardFonts:
        _REGISTERED[entry] = _Font(entry, "std")
    elif entry in defaultUnicodeEncodings:
        pdfmetrics.registerFont(UnicodeCIDFont(entry))
        _REGISTERED[entry] = _Font(entry, "cid", cid_scripts=_CID_COVERS[defaultUnicodeEncodings[entry][0]])
    else:
        known = ", ".join([*pdfmetrics.standardFonts, *defaultUnicodeEncodings])
        raise ValueError(f"theme font {entry!r}: not a .ttf/.ttc file and not a font reportlab knows ({known})")
    return _REGISTERED[entry]


class _FontSet:
    """The theme's fonts, registered, and the split of text into runs that each font can draw."""

    def __init__(self, theme: Theme) -> None:
        f, base = theme.fonts, theme.base_dir

        def usable(entries: Sequence[str]) -> list[_Font]:
            return [font for e in entries if (font := _register(e, base)) is not None]

        def first(entries: Sequence[str], what: str) -> _Font:
            found = usable(entries)
            if not found:
                raise ValueError(f"theme fonts.{what}: none of {list(entries)} is usable on this machine")
            return found[0]

        self.regular = first(f.regular, "regular")
        self.bold = first(f.bold, "bold")
        self.fallback = usable(f.fallback)
        self.fallback_bold = usable(f.fallback_bold) or self.fallback
        self._cjk_entries = {script: getattr(f, script) for script in ("korean", "japanese", "chinese")}
        self._cjk: dict[str, list[_Font]] = {}
        self.han = f.han
        pdfmetrics.registerFontFamily(
            self.regular.name,
            normal=self.regular.name,
            bold=self.bold.name,
            italic=self.regular.name,
            boldItalic=self.bold.name,
        )
        self._usable = usable
        self._runs: dict[tuple[str, bool], list[tuple[str, str]]] = {}
        for script, entries in self._cjk_entries.items():  # fail on a misspelt name now, not on the first CJK text
            for e in entries:
                known = e in defaultUnicodeEncodings or e in pdfmetrics.standardFonts
                if not e.lower().endswith((".ttf", ".ttc")) and not known:
                    raise ValueError(f"theme fonts.{script}: {e!r} is not a .ttf/.ttc file or a CID font name")

    def cjk(self, script: str) -> list[_Font]:
        """The script's usable fonts, registered on first use (a document without CJK text loads none)."""
        if script not in self._cjk:
            self._cjk[script] = self._usable(self._cjk_entries[script])
        return self._cjk[script]

    def _candidates(self, script: str) -> list[_Font]:
        """Embedded fonts first (the script's own, then the other scripts'), then CID fonts in the same order."""
        order = [script] + [s for s in self._cjk_entries if s != script]
        fonts = [ft for s in order for ft in self.cjk(s)]
        return [ft for ft in fonts if ft.kind == "ttf"] + [ft for ft in fonts if ft.kind != "ttf"]

    def _segment(self, seg: str, han: str, base: _Font) -> list[tuple[_Font, str]]:
        """A run of CJK text in one font that has every glyph of it, else character by character."""
        scripts = {_script(c) for c in seg}
        script = "korean" if "hangul" in scripts else "japanese" if "kana" in scripts else han
        candidates = self._candidates(script)
        whole = next((ft for ft in candidates if all(ft.covers(c) for c in seg)), None)
        if whole is not None:
            return [(whole, seg)]
        out = []
        for c in seg:
            sc = {"hangul": "korean", "kana": "japanese"}.get(_script(c) or "", han)
            out.append((next((ft for ft in self._candidates(sc) if ft.covers(c)), base), c))
        return out

    def runs(self, text: str, bold: bool = False) -> list[tuple[str, str]]:
        """`text` as (font name, substring) runs, in order. A run of CJK characters (spaces between them
        included) takes one font where one has all its glyphs: the Korean fonts for a run with Hangul, the
        Japanese ones for a run with kana; Han alone follows the string (kana anywhere in it: Japanese, Hangul:
        Korean), else the theme's `han` script."""
        base = self.bold if bold else self.regular
        if text.isascii():  # the common case: the Latin font has every printable ASCII glyph
            return [(base.name, text)] if text else []
        key = (text, bold)
        if key not in self._runs:
            self._runs[key] = self._split(text, base, self.fallback_bold if bold else self.fallback)
        return self._runs[key]

    def _split(self, text: str, base: _Font, fallback: list[_Font]) -> list[tuple[str, str]]:
        scripts = {_script(c) for c in text}
        han = "japanese" if "kana" in scripts else "korean" if "hangul" in scripts else self.han
        pieces: list[tuple[_Font, str]] = []
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            if _script(ch) is None:
                font = base if base.covers(ch) else next((ft for ft in fallback if ft.covers(ch)), base)
                pieces.append((font, ch))
                i += 1
                continue
            j = i + 1
            while j < n and (
                _script(text[j]) is not None or (text[j] == " " and j + 1 < n and _script(text[j + 1]) is not None)
            ):
                j += 1
            pieces += self._segment(text[i:j], han, base)
            i = j
        out: list[list[str]] = []
        for font, s in pieces:
            if out and out[-1][0] == font.name:
                out[-1][1] += s
            else:
                out.append([font.name, s])
        return [(name, s) for name, s in out]

    def markup(self, text: str, *, bold: bool = False, within: str | None = None) -> str:
        """Paragraph markup for user text: escaped (so `<script>` and `&` print as written), line breaks kept,
        and each run not in the paragraph's own font (`within`, default the base font) wrapped in `<font>`."""
        within = within or (self.bold if bold else self.regular).name
        parts = []
        for name, s in self.runs(text, bold):
            esc = escape(s).replace("\n", "<br/>")
            parts.append(esc if name == within else f'<font name="{name}">{esc}</font>')
        return "".join(parts)

    def width(self, text: str, size: float, bold: bool = False) -> float:
        return sum(pdfmetrics.stringWidth(s, name, size) for name, s in self.runs(text, bold))

    def draw(
        self, canv: Canvas, x: float, y: float, text: str, size: float, *, bold: bool = False, anchor: str = "start"
    ) -> float:
        """Draw `text` on the canvas in runs; `anchor` start, middle or end at x. Returns the width drawn."""
        w = self.width(text, size, bold)
        x -= {"start": 0.0, "middle": w / 2, "end": w}[anchor]
        t = canv.beginText(x, y)  # one text object, so text extraction reads the runs as one line
        for name, s in self.runs(text, bold):
            t.setFont(name, size)
            t.textOut(s)
        canv.drawText(t)
        return w

    def fit(self, text: str, size: float, max_w: float, bold: bool = False, min_size: float = 5.0) -> float:
        """The largest size up to `size` at which `text` fits in `max_w` (not below `min_size`)."""
        w = self.width(text, size, bold)
        return size if w <= max_w or w == 0 else max(min_size, size * max_w / w)


# ---------------------------------------------------------------------------------------------------------------
# context, styles, small helpers


def _colour(hex_: str) -> colors.Color:
    return colors.HexColor(hex_)


@dataclass
class _Ctx:
    """What every section builder needs: the document, theme, fonts, styles and the frame's size."""

    doc: TechPackDoc
    theme: Theme
    fonts: _FontSet
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


def _styles(theme: Theme, fonts: _FontSet, c: dict[str, colors.Color]) -> dict[str, ParagraphStyle]:
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


def _qty(v: float) -> str:
    """A quantity with up to 3 decimals and no trailing zeros: 1, 0.25, 1.342."""
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def _kg(v: float) -> str:
    """kg CO2e: 2 decimals per garment (3 below 0.01 kg), whole kg with thousands separators from 100 kg."""
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}" if abs(v) >= 0.01 or v == 0 else f"{v:.3f}"


def _date(dt: datetime | None) -> str:
    return dt.strftime("%Y-%m-%d") if dt else "—"


def _when(dt: datetime | None) -> str:
    """Date and time, with UTC or the offset when the datetime knows its zone."""
    if dt is None:
        return "—"
    s = dt.strftime("%Y-%m-%d %H:%M")
    off = dt.utcoffset()
    if off is None:
        return s
    return f"{s} UTC" if off.total_seconds() == 0 else f"{s} {dt.strftime('%z')}"


def _human(name: str) -> str:
    """A POM key as words: "body_length" -> "Body length" (a name already in words is kept)."""
    return name.replace("_", " ")[:1].upper() + name.replace("_", " ")[1:] if "_" in name or name.islower() else name


def _table(
    ctx: _Ctx,
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
    set off by a rule."""
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


def _kv_table(ctx: _Ctx, pairs: Sequence[tuple[str, str]], width: float, key_frac: float = 0.38) -> Table:
    """Label/value pairs, one per row (the cover's facts, the marker's figures)."""
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


def _image(ctx: _Ctx, png: bytes | None, max_w: float, max_h: float, what: str) -> Flowable:
    """The picture scaled to fit the box (aspect kept), or a framed placeholder when there is none."""
    if not png:
        return _Placeholder(ctx, max_w, min(max_h, max_w * 0.75), f"No {what} supplied")
    try:
        with PILImage.open(io.BytesIO(png)) as im:
            w, h = im.size
    except Exception as exc:
        raise ValueError(f"the tech pack's {what} is not a readable image: {exc}") from exc
    s = min(max_w / w, max_h / h)
    return Image(io.BytesIO(png), width=w * s, height=h * s)


# ---------------------------------------------------------------------------------------------------------------
# flowables


class _Mark(Flowable):
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


class _SectionTitle(_Mark):
    """A section's title bar: its number in a filled square, its title, a rule."""

    HEIGHT = 26.0

    def __init__(self, ctx: _Ctx, number: int, title: str) -> None:
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

    def __init__(self, ctx: _Ctx, width: float, height: float, text: str) -> None:
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


class _StatusStamp(Flowable):
    """The cover's status: a red DRAFT — NOT FOR PRODUCTION or a green RELEASED stamp."""

    def __init__(self, ctx: _Ctx, width: float) -> None:
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


class _Swatches(Flowable):
    """The colorways as colour chips with name, hex and label; the approved one framed and tagged."""

    CHIP_W, CHIP_H, TEXT_H, GAP = 118.0, 64.0, 40.0, 16.0

    def __init__(self, ctx: _Ctx) -> None:
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


def _bbox(piece: PieceDrawing) -> tuple[float, float, float, float]:
    pts = [*piece.cut_cm, *piece.sew_cm]
    xs, ys = [x for x, _ in pts], [y for _, y in pts]
    return min(xs), min(ys), max(xs), max(ys)


def _nearest_on_ring(ring: Sequence[Point], p: Point) -> Point:
    """The point of the closed polyline `ring` nearest to `p`."""
    best, best_d = ring[0], math.inf
    for a, b in zip(ring, [*ring[1:], ring[0]], strict=True):
        dx, dy = b[0] - a[0], b[1] - a[1]
        ll = dx * dx + dy * dy
        t = 0.0 if ll == 0 else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / ll))
        q = (a[0] + t * dx, a[1] + t * dy)
        d = (q[0] - p[0]) ** 2 + (q[1] - p[1]) ** 2
        if d < best_d:
            best, best_d = q, d
    return best


def _nice_step(span: float, target: int = 5) -> float:
    """A 1, 2 or 5 x 10^k step that cuts `span` into about `target` intervals."""
    raw = max(span, 1e-9) / target
    k = 10 ** math.floor(math.log10(raw))
    return next(m * k for m in (1, 2, 5, 10) if m * k >= raw)


class _Pieces(Flowable):
    """The base size's pattern pieces as vectors at one scale, shelf-packed to fill the box: cutting line solid
    (tinted), sewing line dashed, fold line dash-dot, grain line with arrowheads at both ends, notches as short
    cuts into the allowance, each piece's name, size and cut count under it; a scale bar in cm and a legend."""

    LABEL_H = 26.0
    GAP = 18.0
    FOOT_H = 34.0

    def __init__(self, ctx: _Ctx, pieces: Sequence[PieceDrawing], width: float, height: float) -> None:
        super().__init__()
        self.ctx, self.pieces, self.width, self.height = ctx, list(pieces), width, height
        self.scale, self.rows = self._fit()

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def _layout(self, s: float) -> tuple[float, list[list[tuple[PieceDrawing, float]]]]:
        """Rows of (piece, width in pt) at `s` pt per cm, and the height they take (inf when a piece is too wide)."""
        rows: list[list[tuple[PieceDrawing, float]]] = [[]]
        x = 0.0
        for p in self.pieces:
            x0, _, x1, _ = _bbox(p)
            w = (x1 - x0) * s
            if w > self.width:
                return math.inf, rows
            if rows[-1] and x + w > self.width:
                rows.append([])
                x = 0.0
            rows[-1].append((p, w))
            x += w + self.GAP
        h = sum(max((_bbox(p)[3] - _bbox(p)[1]) * s for p, _ in row) + self.LABEL_H for row in rows)
        return h + self.GAP * (len(rows) - 1) + self.FOOT_H, rows

    def _fit(self) -> tuple[float, list[list[tuple[PieceDrawing, float]]]]:
        lo, hi = 0.01, PT_PER_CM  # never larger than 1:1
        if not self.pieces:
            return 1.0, []
        if self._layout(hi)[0] <= self.height:
            return hi, self._layout(hi)[1]
        for _ in range(40):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if self._layout(mid)[0] <= self.height else (lo, mid)
        return lo, self._layout(lo)[1]

    def draw(self) -> None:
        s = self.scale
        top = self.height
        for row in self.rows:
            row_h = max((_bbox(p)[3] - _bbox(p)[1]) * s for p, _ in row)
            used = sum(w for _, w in row) + self.GAP * (len(row) - 1)
            x = (self.width - used) / 2
            for p, w in row:
                self._piece(p, x, top)
                x += w + self.GAP
            top -= row_h + self.LABEL_H + self.GAP
        self._foot()

    def _piece(self, p: PieceDrawing, left: float, top: float) -> None:
        c, ctx, s = self.canv, self.ctx, self.scale
        x0, y0, x1, y1 = _bbox(p)

        def pt(q: Point) -> Point:
            return left + (q[0] - x0) * s, top - (y1 - q[1]) * s

        def poly(points: Sequence[Point]) -> Any:
            path = c.beginPath()
            first, *rest = [pt(q) for q in points]
            path.moveTo(*first)
            for q in rest:
                path.lineTo(*q)
            path.close()
            return path

        c.saveState()
        c.setLineJoin(1)
        c.setFillColor(ctx.c["piece_fill"])
        c.setStrokeColor(ctx.c["ink"])
        c.setLineWidth(0.9)
        c.drawPath(poly(p.cut_cm), stroke=1, fill=1)
        c.setStrokeColor(ctx.c["muted"])
        c.setLineWidth(0.5)
        c.setDash(3, 2)
        c.drawPath(poly(p.sew_cm), stroke=1, fill=0)
        c.setDash()
        if p.on_fold:
            ys = [y for x, y in p.cut_cm if abs(x) < 1e-6]
            if len(ys) >= 2:
                (fx, fy0), (_, fy1) = pt((0.0, min(ys))), pt((0.0, max(ys)))
                c.setStrokeColor(colors.white)  # a fold is not cut: erase the cutting line there
                c.setLineWidth(2.2)
                c.line(fx, fy0 + 0.6, fx, fy1 - 0.6)
                c.setStrokeColor(ctx.c["primary"])
                c.setLineWidth(1.6)
                c.setDash([7, 2, 1.5, 2])
                c.line(fx, fy0, fx, fy1)
                c.setDash()
                c.saveState()
                c.translate(fx + 8, (fy0 + fy1) / 2)
                c.rotate(90)
                c.setFillColor(ctx.c["primary"])
                ctx.fonts.draw(c, 0, 0, "FOLD", 6.5, bold=True, anchor="middle")
                c.restoreState()
        # grain line, arrowheads at both ends
        (gx0, gy0), (gx1, gy1) = pt(p.grain_cm[0]), pt(p.grain_cm[1])
        c.setStrokeColor(ctx.c["ink"])
        c.setFillColor(ctx.c["ink"])
        c.setLineWidth(0.7)
        c.line(gx0, gy0, gx1, gy1)
        length = math.hypot(gx1 - gx0, gy1 - gy0)
        if length > 1e-6:
            ux, uy = (gx1 - gx0) / length, (gy1 - gy0) / length
            head = min(6.0, length / 4)
            for (tx, ty), sign in (((gx1, gy1), 1.0), ((gx0, gy0), -1.0)):
                bx, by = tx - sign * ux * head, ty - sign * uy * head
                path = c.beginPath()
                path.moveTo(tx, ty)
                path.lineTo(bx - uy * head * 0.4, by + ux * head * 0.4)
                path.lineTo(bx + uy * head * 0.4, by - ux * head * 0.4)
                path.close()
                c.drawPath(path, stroke=0, fill=1)
        # notches: a short cut from the cutting line toward the sewing line
        c.setLineWidth(1.3)
        cx = sum(x for x, _ in p.sew_cm) / len(p.sew_cm)
        cy = sum(y for _, y in p.sew_cm) / len(p.sew_cm)
        for n in p.notches_cm:
            q = _nearest_on_ring(p.sew_cm, n)
            vx, vy = q[0] - n[0], q[1] - n[1]
            d = math.hypot(vx, vy)
            if d < 1e-6:
                vx, vy = cx - n[0], cy - n[1]
                d = math.hypot(vx, vy) or 1.0
            ln = max(5.0, min(d, 0.6) * s)  # pt
            (nx, ny) = pt(n)
            c.line(nx, ny, nx + vx / d * ln, ny + vy / d * ln)
        # label under the piece
        w = (x1 - x0) * s
        cxp = left + w / 2
        base = top - (y1 - y0) * s
        c.setFillColor(ctx.c["ink"])
        name = p.name.upper()
        ctx.fonts.draw(
            c, cxp, base - 11, name, ctx.fonts.fit(name, 9, max(w, 70), bold=True), bold=True, anchor="middle"
        )
        line2 = f"Size {p.size} · Cut {p.cut}" + (" on fold" if p.on_fold else "")
        c.setFillColor(ctx.c["muted"])
        ctx.fonts.draw(c, cxp, base - 21, line2, ctx.fonts.fit(line2, 7.5, max(w, 90)), anchor="middle")
        c.restoreState()

    def _foot(self) -> None:
        """Scale bar (alternating cm blocks), the print scale, and a legend of line kinds."""
        c, ctx, s = self.canv, self.ctx, self.scale
        c.saveState()
        y = 12.0
        length = next((n for n in (100, 50, 40, 30, 20, 10, 5, 2, 1) if n * s <= 220), 1)
        step = _nice_step(length, 5)
        n = round(length / step)
        for i in range(n):
            c.setFillColor(ctx.c["ink"] if i % 2 == 0 else colors.white)
            c.setStrokeColor(ctx.c["ink"])
            c.setLineWidth(0.6)
            c.rect(i * step * s, y, step * s, 5, stroke=1, fill=1)
        c.setFillColor(ctx.c["ink"])
        for i in range(n + 1):
            label = _qty(i * step) + (" cm" if i == n else "")
            ctx.fonts.draw(c, i * step * s, y + 8, label, 7, anchor="middle" if i < n else "start")
        ratio = PT_PER_CM / s
        sizes = sorted({p.size for p in self.pieces})
        ctx.fonts.draw(c, 0, y - 10, f"Size {', '.join(sizes)}; scale 1:{ratio:.1f} when printed at 100 %", 7)
        # legend
        x = max(length * s + 50, 260)
        items: list[tuple[str, Callable[[float, float], None]]] = []

        def solid(x: float, yy: float) -> None:
            c.setStrokeColor(ctx.c["ink"])
            c.setLineWidth(0.9)
            c.line(x, yy, x + 22, yy)

        def dashed(x: float, yy: float) -> None:
            c.setStrokeColor(ctx.c["muted"])
            c.setLineWidth(0.5)
            c.setDash(3, 2)
            c.line(x, yy, x + 22, yy)
            c.setDash()

        def fold(x: float, yy: float) -> None:
            c.setStrokeColor(ctx.c["primary"])
            c.setLineWidth(1.6)
            c.setDash([7, 2, 1.5, 2])
            c.line(x, yy, x + 22, yy)
            c.setDash()

        def grain(x: float, yy: float) -> None:
            c.setStrokeColor(ctx.c["ink"])
            c.setFillColor(ctx.c["ink"])
            c.setLineWidth(0.7)
            c.line(x + 2, yy, x + 20, yy)
            for tx, sign in ((x + 22, 1), (x, -1)):
                path = c.beginPath()
                path.moveTo(tx, yy)
                path.lineTo(tx - sign * 5, yy + 2)
                path.lineTo(tx - sign * 5, yy - 2)
                path.close()
                c.drawPath(path, stroke=0, fill=1)

        def notch(x: float, yy: float) -> None:
            c.setStrokeColor(ctx.c["ink"])
            c.setLineWidth(1.3)
            c.line(x + 11, yy - 4, x + 11, yy + 3)

        items = [("cut line", solid), ("sew line", dashed), ("grain line", grain), ("notch", notch), ("fold", fold)]
        for label, fn in items:
            fn(x, y + 3)
            c.setFillColor(ctx.c["ink"])
            x += 28 + ctx.fonts.draw(c, x + 27, y, label, 7.5) + 14
        c.restoreState()


class _CarbonChart(Flowable):
    """kg CO2e per garment by stage: a bar for the central estimate and a whisker for the low-high range."""

    ROW_H = 19.0

    def __init__(self, ctx: _Ctx, stages: Sequence[CarbonStage], width: float) -> None:
        super().__init__()
        self.ctx, self.stages, self.width = ctx, list(stages), width
        self.label_w = min(135.0, max((ctx.fonts.width(st.stage, 8) for st in self.stages), default=40) + 10)
        self.value_w = 96.0
        self.height = 24 + len(self.stages) * self.ROW_H + 26

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c, ctx = self.canv, self.ctx
        x0, x1 = self.label_w, self.width - self.value_w
        top = self.height - 20
        vmax = max((max(st.high, st.kg_co2e) for st in self.stages), default=1.0) or 1.0
        step = _nice_step(vmax, 5)
        vmax = math.ceil(vmax / step - 1e-9) * step

        def X(v: float) -> float:
            return x0 + (x1 - x0) * max(0.0, v) / vmax

        bottom = top - len(self.stages) * self.ROW_H
        c.setFillColor(ctx.c["muted"])
        ctx.fonts.draw(c, x0, self.height - 9, "kg CO2e per garment: bar = central estimate, whisker = low–high", 7.5)
        # grid and axis
        c.setLineWidth(0.3)
        c.setStrokeColor(ctx.c["rule"])
        t = 0.0
        while t <= vmax + 1e-9:
            c.line(X(t), bottom, X(t), top)
            c.setFillColor(ctx.c["muted"])
            ctx.fonts.draw(c, X(t), bottom - 10, _qty(t), 7, anchor="middle")
            t += step
        ctx.fonts.draw(c, (x0 + x1) / 2, bottom - 21, "kg CO2e", 7, anchor="middle")
        for i, st in enumerate(self.stages):
            yc = top - (i + 0.5) * self.ROW_H
            c.setFillColor(ctx.c["ink"])
            ctx.fonts.draw(c, x0 - 6, yc - 3, st.stage, ctx.fonts.fit(st.stage, 8, self.label_w - 8), anchor="end")
            c.setFillColor(ctx.c["primary"])
            bh = self.ROW_H * 0.55
            c.rect(x0, yc - bh / 2, X(st.kg_co2e) - x0, bh, stroke=0, fill=1)
            c.setStrokeColor(ctx.c["accent"])
            c.setLineWidth(1.0)
            c.line(X(st.low), yc, X(st.high), yc)
            for v in (st.low, st.high):
                c.line(X(v), yc - 4, X(v), yc + 4)
            c.setFillColor(ctx.c["ink"])
            ctx.fonts.draw(c, X(max(st.high, st.kg_co2e)) + 5, yc - 3, _kg(st.kg_co2e), 7.5, bold=True)
            c.setFillColor(ctx.c["muted"])
            ctx.fonts.draw(c, x1 + 30, yc - 3, f"{_kg(st.low)}–{_kg(st.high)}", 7.5)
        c.setStrokeColor(ctx.c["ink"])
        c.setLineWidth(0.6)
        c.line(x0, bottom, x0, top)


# ---------------------------------------------------------------------------------------------------------------
# sections


def _title(ctx: _Ctx, number: int, key: str) -> list[Flowable]:
    return [_SectionTitle(ctx, number, SECTION_TITLES[key]), Spacer(1, 4)]


def _none(ctx: _Ctx, what: str) -> Paragraph:
    return ctx.p(f"No {what} recorded.", "caption")


def _sec_cover(ctx: _Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    left_w, right_w = ctx.width * 0.44, ctx.width * 0.56
    sizes = doc.sizes
    size_text = f"{', '.join(sizes)} (base {doc.base_size})" if sizes else "—"
    pairs = [
        ("Collection", doc.collection),
        ("Season", doc.season),
        ("Garment", doc.garment),
        ("Material", doc.material_name),
        ("Sizes", size_text),
        ("Approved colorway", doc.approved_colorway or "—"),
        ("Order", f"{doc.units:,} units"),
        ("Revision", doc.revision),
        ("Status", doc.status.upper()),
        ("Date", _date(doc.created_at)),
    ]
    left: list[Flowable] = [
        _Mark(SECTION_TITLES["cover"]),
        ctx.raw("TECH PACK", "kicker"),
        ctx.p(doc.style_number, "style_no"),
        ctx.p(doc.look_name, "look"),
        _kv_table(ctx, pairs, left_w - 18),
        Spacer(1, 14),
        _StatusStamp(ctx, left_w - 18),
    ]
    right = _image(ctx, doc.design_png, right_w - 8, ctx.height - 16, "design image")
    t = Table([[left, right]], colWidths=[left_w, right_w], hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (1, 0), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return [t]


def _sec_flats(ctx: _Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    col = (ctx.width - 16) / 2
    h = ctx.height - _SectionTitle.HEIGHT - 50
    draft_caption = "Approved draft" + (f" — colorway {doc.approved_colorway}" if doc.approved_colorway else "")
    t = Table(
        [
            [_image(ctx, doc.flat_png, col - 8, h, "front flat"), _image(ctx, doc.design_png, col - 8, h, "draft")],
            [ctx.p("Front flat (the designer's sketch)", "h3"), ctx.p(draft_caption, "h3")],
        ],
        colWidths=[col + 8, col + 8],
    )
    t.setStyle(
        TableStyle(
            [
                ("ALIGN", (0, 0), (-1, 0), "CENTER"),
                ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                ("BOX", (0, 0), (0, 0), 0.5, ctx.c["rule"]),
                ("BOX", (1, 0), (1, 0), 0.5, ctx.c["rule"]),
                ("TOPPADDING", (0, 0), (-1, 0), 4),
                ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
            ]
        )
    )
    return [*_title(ctx, number, "flats"), t]


def _sec_colorways(ctx: _Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = _title(ctx, number, "colorways")
    if not doc.colorways:
        return [*out, _none(ctx, "colorways")]
    out.append(_Swatches(ctx))
    if doc.approved_colorway:
        out.append(ctx.p(f"Approved colorway: {doc.approved_colorway}", "caption"))
    return out


def _sec_bom(ctx: _Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = _title(ctx, number, "bom")
    if not doc.bom:
        return [*out, _none(ctx, "bill of materials")]
    head = ["Component", "Description", "Supplier", "Qty / garment", "Unit", "Placement", "Notes"]
    rows = [[b.component, b.description, b.supplier, _qty(b.quantity), b.unit, b.placement, b.notes] for b in doc.bom]
    out.append(_table(ctx, head, rows, [13, 25, 14, 8, 5.5, 14, 20.5], right=(3,), bold_cols=(0,)))
    return out


def _sec_poms(ctx: _Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = _title(ctx, number, "poms")
    if not doc.poms:
        return [*out, _none(ctx, "points of measure")]
    sizes = doc.sizes
    head = ["Code", "Point of measure", "How to measure", "Tol ± (cm)"]
    head += [f"{s} (base)" if s == doc.base_size else s for s in sizes]
    rows = []
    for r in doc.poms:
        values = [f"{r.values_cm[s]:.1f}" if s in r.values_cm else "—" for s in sizes]
        rows.append([r.code, _human(r.name), r.description, f"{r.tolerance_cm:.1f}", *values])
    size_w = min(7.0, 42.0 / max(1, len(sizes)))
    widths = [4.5, 14, 100 - 4.5 - 14 - 7 - size_w * len(sizes), 7] + [size_w] * len(sizes)
    right = tuple(range(3, 4 + len(sizes)))
    base = (4 + sizes.index(doc.base_size),) if doc.base_size in sizes else ()
    out.append(_table(ctx, head, rows, widths, right=right, highlight=base, bold_cols=(0,)))
    out.append(
        ctx.p(
            f"Finished garment measurements in cm, laid flat; widths are half the circumference. "
            f"Base size {doc.base_size} is highlighted. Tolerance applies to every size.",
            "caption",
        )
    )
    return out


def _sec_grading(ctx: _Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = _title(ctx, number, "grading")
    sizes = doc.sizes
    if not doc.poms or len(sizes) < 2:
        return [*out, _none(ctx, "grading (fewer than two sizes)")]
    arrow = "→" if any(f.covers("→") for f in [ctx.fonts.bold, *ctx.fonts.fallback_bold]) else "->"
    pairs = list(itertools.pairwise(sizes))
    head = ["Code", "Point of measure", *[f"{a}{arrow}{b}" for a, b in pairs], f"Total {sizes[0]}{arrow}{sizes[-1]}"]
    rows = []
    for r in doc.poms:
        v = r.values_cm
        incs = [f"{v[b] - v[a]:+.1f}" if a in v and b in v else "—" for a, b in pairs]
        total = f"{v[sizes[-1]] - v[sizes[0]]:+.1f}" if sizes[0] in v and sizes[-1] in v else "—"
        rows.append([r.code, _human(r.name), *incs, total])
    n = len(pairs)
    widths = [5, 18] + [min(10.0, 66.0 / n)] * n + [11]
    out.append(_table(ctx, head, rows, widths, right=tuple(range(2, 3 + n)), bold_cols=(0, 2 + n)))
    out.append(
        ctx.p(
            "Increments in cm between consecutive sizes, derived from the points-of-measure table "
            "(a size's value minus the next smaller size's).",
            "caption",
        )
    )
    out.append(ctx.p(f"Grade rules: {doc.grade_source or 'not recorded'}", "caption"))
    return out


def _sec_pieces(ctx: _Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = _title(ctx, number, "pieces")
    if not doc.pieces:
        return [*out, _none(ctx, "pattern pieces")]
    head = ["Piece", "Size", "Cut", "On fold", "Area (cm²)", "Notches"]
    rows = [
        [p.name, p.size, str(p.cut), "yes" if p.on_fold else "no", f"{p.area_cm2:.0f}", str(len(p.notches_cm))]
        for p in doc.pieces
    ]
    table = _table(ctx, head, rows, [20, 10, 8, 10, 12, 10], right=(2, 4, 5))
    _, th = table.wrap(ctx.width, ctx.height)
    h = ctx.height - _SectionTitle.HEIGHT - 4 - th - 16
    out.append(_Pieces(ctx, doc.pieces, ctx.width, max(120.0, h)))
    out += [Spacer(1, 6), table]
    return out


def _sec_marker(ctx: _Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    m = doc.marker
    out = _title(ctx, number, "marker")

    def val(key: str, fmt: Callable[[float], str]) -> str:
        return fmt(m[key]) if key in m else "—"

    pairs = [
        ("Marker length", val("length_m", lambda v: f"{v:.2f} m")),
        ("Fabric width", val("width_m", lambda v: f"{v * 100:.0f} cm")),
        ("Efficiency", val("efficiency", lambda v: f"{v * 100:.1f} %")),
        ("Garments in the marker", val("garments", lambda v: f"{v:.0f}")),
        ("Fabric per garment (length)", val("per_garment_m", lambda v: f"{v:.3f} m")),
        ("Fabric per garment (area)", val("per_garment_m2", lambda v: f"{v:.3f} m²")),
    ]
    half = (ctx.width - 20) / 2
    kv = Table(
        [[_kv_table(ctx, pairs[:3], half, 0.5), _kv_table(ctx, pairs[3:], half, 0.5)]], colWidths=[half + 20, half]
    )
    kv.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    out.append(kv)
    if doc.marker_png:
        out += [Spacer(1, 8), _image(ctx, doc.marker_png, ctx.width, ctx.height - _SectionTitle.HEIGHT - 90, "marker")]
    return out


def _sec_construction(ctx: _Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = _title(ctx, number, "construction")
    if not doc.construction:
        return [*out, _none(ctx, "construction steps")]
    head = ["#", "Operation", "Seam class (ISO 4916)", "Stitch type (ISO 4915)", "Stitches / cm", "Notes"]
    rows = [
        [str(i), s.operation, s.seam_class, s.stitch_type, f"{s.stitches_per_cm:g}", s.notes]
        for i, s in enumerate(doc.construction, 1)
    ]
    out.append(_table(ctx, head, rows, [3, 18, 15, 20, 7, 37], right=(0, 4), bold_cols=(1,)))
    return out


def _sec_carbon(ctx: _Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = _title(ctx, number, "carbon")
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
    chart: Flowable = _CarbonChart(ctx, doc.carbon, left_w - 16) if doc.carbon else _none(ctx, "carbon stages")
    fabric = [ctx.raw("Fabric per garment", "h3"), _kv_table(ctx, pairs, right_w - 4, 0.48)]
    if side_by_side:
        top = Table([[chart, fabric]], colWidths=[left_w, right_w])
        top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        out += [top, Spacer(1, 6)]
    else:
        out += [chart, *fabric, Spacer(1, 6)]
    total = sum(s.kg_co2e for s in doc.carbon) or 1.0
    head = ["Stage", "kg CO2e", "Low", "High", "Share", "Source"]
    rows = [
        [s.stage, _kg(s.kg_co2e), _kg(s.low), _kg(s.high), f"{100 * s.kg_co2e / total:.0f} %", s.source]
        for s in doc.carbon
    ]
    c_, lo, hi = doc.carbon_total
    oc, olo, ohi = doc.carbon_order
    rows.append(["Total per garment", _kg(c_), _kg(lo), _kg(hi), "100 %", ""])
    rows.append([f"Total per order ({doc.units:,} units)", _kg(oc), _kg(olo), _kg(ohi), "", ""])
    n = len(doc.carbon)
    out.append(
        _table(ctx, head, rows, [18, 8, 7, 7, 7, 53], right=(1, 2, 3, 4), bold_rows=(n + 1, n + 2), bold_cols=(1,))
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


def _sec_review(ctx: _Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = _title(ctx, number, "review")
    if not doc.review:
        return [*out, _none(ctx, "review rounds")]
    head = ["Round", "Verdict", "Reviewer", "When", "Draft", "Comment"]
    rows = [
        [str(r.round), r.verdict, r.reviewer, _when(r.when), "—" if r.draft_id is None else str(r.draft_id), r.comment]
        for r in doc.review
    ]
    out.append(_table(ctx, head, rows, [6, 10, 14, 14, 6, 50], right=(0, 4)))
    return out


def _sec_signoffs(ctx: _Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = _title(ctx, number, "signoffs")
    if not doc.signoffs:
        return [*out, _none(ctx, "sign-offs")]
    head = ["Role", "Name", "Date", "Signature"]
    rows = [[s.role, s.name, _date(s.when) if s.when else "pending", ""] for s in doc.signoffs]
    out.append(_table(ctx, head, rows, [18, 30, 16, 36], bold_cols=(0,), min_row_h=26))
    return out


def _sec_revisions(ctx: _Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = _title(ctx, number, "revisions")
    if not doc.revisions:
        return [*out, _none(ctx, "revisions")]
    head = ["Rev", "Status", "Date", "By", "Note"]
    rows = [[r.revision, r.status, _when(r.when), r.by, r.note] for r in doc.revisions]
    out.append(_table(ctx, head, rows, [6, 10, 14, 16, 54], bold_cols=(0,)))
    return out


def _sec_notes(ctx: _Ctx, number: int) -> list[Flowable]:
    doc = ctx.doc
    out = _title(ctx, number, "notes")
    if not doc.notes:
        return [*out, _none(ctx, "notes")]
    for i, note in enumerate(doc.notes, 1):
        out.append(ctx.p(f"{i}. {note}", "body"))
    return out


_BUILDERS: dict[str, Callable[[_Ctx, int], list[Flowable]]] = {
    "cover": _sec_cover,
    "flats": _sec_flats,
    "colorways": _sec_colorways,
    "bom": _sec_bom,
    "poms": _sec_poms,
    "grading": _sec_grading,
    "pieces": _sec_pieces,
    "marker": _sec_marker,
    "construction": _sec_construction,
    "carbon": _sec_carbon,
    "review": _sec_review,
    "signoffs": _sec_signoffs,
    "revisions": _sec_revisions,
    "notes": _sec_notes,
}
assert set(_BUILDERS) == set(SECTION_TITLES), "every section the theme may name has a builder"


# ---------------------------------------------------------------------------------------------------------------
# pages


def _canvas_class(draw_page_number: Callable[[Canvas, int, int], None]) -> type[Canvas]:
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


class _Pages:
    """Header, footer, draft band and watermark, drawn on every page."""

    def __init__(self, ctx: _Ctx, pagesize: tuple[float, float], margin: float) -> None:
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
        mid = f"Seamline tech pack  ·  {doc.season}  ·  {_date(doc.created_at)}"
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


def _story(ctx: _Ctx) -> list[Flowable]:
    """The sections in the theme's order: full-page ones on a page of their own, the rest kept whole where they
    fit and never started in the last fifth of a page."""
    story: list[Flowable] = []
    number = 0
    break_pending = False
    for key in ctx.theme.sections:
        if key != "cover":
            number += 1
        flows = _BUILDERS[key](ctx, number)
        if key in FULL_PAGE_SECTIONS:
            if story:
                story.append(PageBreak())
            story += flows
            break_pending = True
            continue
        if break_pending:
            story.append(PageBreak())
            break_pending = False
        elif story:
            story += [Spacer(1, 10), CondPageBreak(ctx.height * 0.2)]
        story.append(KeepTogether(flows))
    return story


def render_pdf(doc: TechPackDoc, *, theme: Theme | None = None) -> bytes:
    """The tech pack of `doc` as PDF bytes, laid out by `theme` (default: `load_theme()`).

    Deterministic: the same document and theme give the same bytes (reportlab's invariant mode; no clock is
    read). ValueError when an image in the document cannot be read, or the theme names an unknown section or
    font.
    """
    theme = theme or load_theme()
    check_sections(theme.sections, "theme sections")  # a Theme built in code is checked like a YAML one
    fonts = _FontSet(theme)
    base = A4 if theme.page_size == "A4" else letter
    pagesize = landscape(base) if theme.orientation == "landscape" else portrait(base)
    margin = theme.margin_mm * mm
    frame_w = pagesize[0] - 2 * margin
    frame_h = pagesize[1] - 2 * margin - HEADER_H - FOOTER_H - FRAME_GAP
    c = {k: _colour(getattr(theme.colours, k)) for k in theme.colours.__dataclass_fields__}
    ctx = _Ctx(
        doc=doc,
        theme=theme,
        fonts=fonts,
        width=frame_w,
        height=frame_h,
        c=c,
        styles=_styles(theme, fonts, c),
        draft=doc.status.lower() != "released",
    )
    pages = _Pages(ctx, pagesize, margin)
    buf = io.BytesIO()
    template = BaseDocTemplate(
        buf,
        pagesize=pagesize,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin + HEADER_H,
        bottomMargin=margin + FOOTER_H,
        invariant=1,
        title=f"Tech pack {doc.style_number} rev {doc.revision}",
        author="Seamline",
        subject=f"{doc.look_name} — {doc.collection} {doc.season}",
        creator="Seamline",
        initialFontName=fonts.regular.name,
    )
    frame = Frame(
        margin,
        margin + FOOTER_H,
        frame_w,
        frame_h,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=pages.start, onPageEnd=pages.end)])
    template.build(_story(ctx), canvasmaker=_canvas_class(pages.page_number))
    return buf.getvalue()
