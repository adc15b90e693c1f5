"""The theme's fonts, registered with reportlab, and the split of user text into runs by script.

Latin is drawn in the theme's Latin font (a character it lacks, such as an arrow, in its fallback font); Hangul,
kana and Han in the theme's Korean, Japanese or Chinese font, so "SS27 서울 Everyday 東京" renders in one line
with the right glyphs rather than as boxes. TrueType fonts are embedded (subset); reportlab's CID fonts are the
last resort because a viewer must supply their glyphs (see `theme.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase._cidfontdata import defaultUnicodeEncodings
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from design_ai.techpack.theme import Theme

__all__ = ["FontSet"]


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


class FontSet:
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
