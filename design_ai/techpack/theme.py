"""The tech pack's look: page, fonts, colours, logo and section order, read from `templates/techpack/theme.yaml`.

The theme is data so a brand can restyle or reorder its tech pack without touching the renderer. Loading is
strict: an unknown key, section, page size or colour is a ValueError naming it, because a typo in a theme would
otherwise silently drop a section from the document a factory builds the garment from.

Fonts are lists of candidates, tried in order, so one theme works on every machine:

- an entry ending in `.ttf` or `.ttc` is a TrueType file (absolute, relative to the theme file, or a name in
  reportlab's own font folder such as `Vera.ttf`); it is embedded (subset) in the PDF, so it renders in every
  viewer. A file that is not there is skipped.
- any other entry is a font reportlab knows by name: one of the 14 standard PDF fonts (`Helvetica`) or one of
  its CID fonts (`HYGothic-Medium`, `HeiseiKakuGo-W5`, `STSong-Light`, ...). CID fonts are not embedded: the
  text extracts and Acrobat renders it, but a viewer without an Asian font pack (poppler without poppler-data
  and a CJK font, for one) shows nothing or boxes; that is why the default theme lists Debian's TrueType CJK
  fonts first and the CID font last.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

import design_ai

__all__ = [
    "DEFAULT_SECTIONS",
    "DEFAULT_THEME_PATH",
    "SECTION_TITLES",
    "Colours",
    "Fonts",
    "Theme",
    "check_sections",
    "load_theme",
]

SECTION_TITLES: dict[str, str] = {
    "cover": "Cover",
    "flats": "Front flat and approved draft",
    "colorways": "Colorways",
    "bom": "Bill of materials",
    "poms": "Points of measure",
    "grading": "Grading",
    "pieces": "Pattern pieces",
    "marker": "Marker",
    "construction": "Construction details",
    "carbon": "Carbon and materials",
    "review": "Review history",
    "signoffs": "Sign-offs",
    "revisions": "Revision history",
    "notes": "Notes",
}
"""Every section the renderer knows, by key, with the title it prints (tests look for these titles)."""

DEFAULT_SECTIONS: tuple[str, ...] = tuple(SECTION_TITLES)
"""The default order: what a factory reads first (the garment, its parts, its measurements) comes first."""

DEFAULT_THEME_PATH = Path(design_ai.__file__).resolve().parent.parent / "templates" / "techpack" / "theme.yaml"
"""The project's theme (a source checkout); without it, `load_theme()` returns the built-in defaults."""

PAGE_SIZES = ("A4", "letter")
ORIENTATIONS = ("landscape", "portrait")
SCRIPTS = ("korean", "japanese", "chinese")

_DEJAVU = "/usr/share/fonts/truetype/dejavu/"


@dataclass(frozen=True)
class Fonts:
    """Font candidates (see the module docstring) and the body text size.

    `regular`/`bold`: the Latin text fonts. `fallback`/`fallback_bold`: used per character where the Latin font
    has no glyph (an arrow, a Cyrillic name). `korean`/`japanese`/`chinese`: for runs of text in that script.
    `han`: which script's fonts draw Han characters in a string with no Hangul or kana to tell (Hangul in the
    string means Korean, kana means Japanese).
    """

    size_pt: float = 8.5
    regular: tuple[str, ...] = ("Vera.ttf", "Helvetica")
    bold: tuple[str, ...] = ("VeraBd.ttf", "Helvetica-Bold")
    fallback: tuple[str, ...] = (_DEJAVU + "DejaVuSans.ttf",)
    fallback_bold: tuple[str, ...] = (_DEJAVU + "DejaVuSans-Bold.ttf",)
    korean: tuple[str, ...] = ("/usr/share/fonts/truetype/nanum/NanumGothic.ttf", "HYGothic-Medium")
    japanese: tuple[str, ...] = ("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf", "HeiseiKakuGo-W5")
    chinese: tuple[str, ...] = (
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        "/usr/share/fonts/truetype/arphic/uming.ttc",
        "STSong-Light",
    )
    han: str = "chinese"


@dataclass(frozen=True)
class Colours:
    """Colours as "#RRGGBB"."""

    ink: str = "#1d1d1f"  # body text
    muted: str = "#6b6b70"  # captions, header and footer
    primary: str = "#1f3a5f"  # section titles, bars of the chart
    accent: str = "#c8553d"  # the approved colorway's frame, the comparison line
    rule: str = "#c9ccd3"  # table grid and rules
    header_fill: str = "#e6ebf2"  # table header rows
    stripe: str = "#f5f6f8"  # alternate table rows
    highlight: str = "#fff1bf"  # the base size's column
    piece_fill: str = "#eef3f9"  # pattern pieces
    draft: str = "#c62828"  # DRAFT band and watermark
    released: str = "#2e7d32"  # RELEASED stamp


@dataclass(frozen=True)
class Theme:
    """Everything about the tech pack's look; `load_theme` reads it from YAML, `Theme()` is the default."""

    page_size: str = "A4"  # A4 | letter
    orientation: str = "landscape"  # factories pin tech packs on a board and read wide tables: landscape
    margin_mm: float = 12.0
    fonts: Fonts = field(default_factory=Fonts)
    colours: Colours = field(default_factory=Colours)
    logo: Path | None = None
    sections: tuple[str, ...] = DEFAULT_SECTIONS
    base_dir: Path = field(default_factory=lambda: DEFAULT_THEME_PATH.parent)  # relative font paths start here


def _check_hex(value: Any, where: str) -> str:
    s = str(value).strip()
    if len(s) != 7 or s[0] != "#" or any(c not in "0123456789abcdefABCDEF" for c in s[1:]):
        raise ValueError(f"{where}: colour must be '#RRGGBB', got {value!r}")
    return s


def _candidates(value: Any, where: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not items or not all(isinstance(v, str) and v.strip() for v in items):
        raise ValueError(f"{where}: expected a font name or path, or a non-empty list of them, got {value!r}")
    return tuple(v.strip() for v in items)


def _known(data: Any, allowed: set[str], where: str) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected a mapping, got {type(data).__name__}")
    unknown = sorted(set(map(str, data)) - allowed)
    if unknown:
        raise ValueError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(allowed))})")
    return data


def check_sections(sections: Any, where: str = "sections") -> tuple[str, ...]:
    """The section keys as a tuple; ValueError naming an unknown or repeated section."""
    if isinstance(sections, str) or not isinstance(sections, list | tuple) or not sections:
        raise ValueError(f"{where}: expected a non-empty list of section names, got {sections!r}")
    seen: list[str] = []
    for s in sections:
        key = str(s).strip()
        if key not in SECTION_TITLES:
            raise ValueError(f"{where}: unknown section {key!r} (known: {', '.join(SECTION_TITLES)})")
        if key in seen:
            raise ValueError(f"{where}: section {key!r} is listed twice")
        seen.append(key)
    return tuple(seen)


def _parse(data: Any, base_dir: Path, where: str) -> Theme:
    top = _known(data, {"page", "fonts", "colours", "logo", "sections"}, where)
    page = _known(top.get("page"), {"size", "orientation", "margin_mm"}, f"{where}: page")
    theme = Theme(base_dir=base_dir)
    if "size" in page:
        size = str(page["size"])
        match = [p for p in PAGE_SIZES if p.lower() == size.lower()]
        if not match:
            raise ValueError(f"{where}: page.size: unknown page size {size!r} (known: {', '.join(PAGE_SIZES)})")
        theme = replace(theme, page_size=match[0])
    if "orientation" in page:
        if page["orientation"] not in ORIENTATIONS:
            raise ValueError(f"{where}: page.orientation must be landscape or portrait, got {page['orientation']!r}")
        theme = replace(theme, orientation=page["orientation"])
    if "margin_mm" in page:
        margin = page["margin_mm"]
        if not isinstance(margin, int | float) or not 5 <= margin <= 40:
            raise ValueError(f"{where}: page.margin_mm must be a number from 5 to 40, got {margin!r}")
        theme = replace(theme, margin_mm=float(margin))

    font_keys = {f.name for f in fields(Fonts)}
    fonts_in = _known(top.get("fonts"), font_keys, f"{where}: fonts")
    fonts = Fonts()
    for key, value in fonts_in.items():
        if key == "size_pt":
            if not isinstance(value, int | float) or not 6 <= value <= 14:
                raise ValueError(f"{where}: fonts.size_pt must be a number from 6 to 14, got {value!r}")
            fonts = replace(fonts, size_pt=float(value))
        elif key == "han":
            if value not in SCRIPTS:
                raise ValueError(f"{where}: fonts.han must be one of {', '.join(SCRIPTS)}, got {value!r}")
            fonts = replace(fonts, han=value)
        else:
            fonts = replace(fonts, **{key: _candidates(value, f"{where}: fonts.{key}")})
    theme = replace(theme, fonts=fonts)

    colour_keys = {f.name for f in fields(Colours)}
    colours_in = _known(top.get("colours"), colour_keys, f"{where}: colours")
    theme = replace(
        theme,
        colours=replace(Colours(), **{k: _check_hex(v, f"{where}: colours.{k}") for k, v in colours_in.items()}),
    )
    if top.get("logo"):
        logo = Path(str(top["logo"]))
        logo = logo if logo.is_absolute() else base_dir / logo
        if not logo.is_file():
            raise ValueError(f"{where}: logo: no such file {str(logo)!r}")
        theme = replace(theme, logo=logo)
    if "sections" in top:
        theme = replace(theme, sections=check_sections(top["sections"], f"{where}: sections"))
    return theme


def load_theme(path: str | Path | None = None) -> Theme:
    """The theme in the YAML file `path` (default: the project's `templates/techpack/theme.yaml`, or the
    built-in defaults when the package runs without its source checkout). Keys left out keep their defaults;
    relative paths (logo, fonts) are relative to the file. ValueError names any unknown key or section, a bad
    colour or page size, or a missing logo."""
    if path is None:
        if not DEFAULT_THEME_PATH.is_file():
            return Theme()
        path = DEFAULT_THEME_PATH
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{p}: not valid YAML: {exc}") from exc
    return _parse(data, p.resolve().parent, str(p))
