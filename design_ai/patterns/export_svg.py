"""Pattern pieces as SVG at 1:1, and the graded nest (every size of a piece overlaid) as SVG or PNG.

SVG scale: the root has `width="<W>mm" height="<H>mm" viewBox="0 0 W H"`, so one user unit is exactly one
millimetre and a printout at 100 % is the pattern at full size. Piece coordinates (cm, +y up the garment,
see `patterns.model`) become SVG user units as X = 10 (x - x_min) + x_offset, Y = 10 (y_max - y) + y_offset:
+y is flipped (SVG's y points down the page), nothing is mirrored left to right.

Drawn per piece (`<g class="piece" data-piece=... data-size=...>`): cutting line (solid), sewing line (dashed),
grain line with arrowheads at both ends, notches (5 mm into the piece), internal lines (dotted), the fold of an
on-fold piece, and a label (piece, size, cut count, "on fold").

The graded nest aligns every size of a piece at the piece's origin, which the pieces are drafted around: the
centre front/back at the hem for the body pieces (the fold and the hem stay put; growth shows at the side, the
armhole, the shoulder and the neck), the centre of the hem for the sleeve and the seam end for a band.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont

from design_ai.errors import UserError
from design_ai.patterns.export_dxf import notch_segment
from design_ai.patterns.model import PatternSet, Piece

__all__ = ["SIZE_COLOURS", "graded_nest_png", "graded_nest_svg", "svg_document", "write_svg"]

MM_PER_CM = 10.0
GAP_MM = 30.0
MARGIN_MM = 15.0
LABEL_MM = 7.0

SIZE_COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1f78b4", "#666666"]
"""Colours of the sizes in a graded nest, smallest first (a colour-blind-safe qualitative palette)."""

Point = tuple[float, float]


def _f(v: float) -> str:
    """A coordinate in mm, to 0.1 micrometre: enough digits that a 100 mm line measures 100 mm."""
    s = f"{v:.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _pts(points: Sequence[Point]) -> str:
    return " ".join(f"{_f(x)},{_f(y)}" for x, y in points)


class _Frame:
    """Maps piece cm to sheet mm: X = 10 (x - x_min) + ox, Y = 10 (y_max - y) + oy."""

    def __init__(self, x_min: float, y_max: float, ox: float, oy: float) -> None:
        self.x_min, self.y_max, self.ox, self.oy = x_min, y_max, ox, oy

    def __call__(self, p: Point) -> Point:
        return (MM_PER_CM * (p[0] - self.x_min) + self.ox, MM_PER_CM * (self.y_max - p[1]) + self.oy)

    def many(self, pts: Sequence[Point]) -> list[Point]:
        return [self(p) for p in pts]


def _bounds(pieces: Sequence[Piece]) -> tuple[float, float, float, float]:
    xs = [x for p in pieces for x, _ in p.cut_cm]
    ys = [y for p in pieces for _, y in p.cut_cm]
    return min(xs), min(ys), max(xs), max(ys)


def _piece_svg(piece: Piece, fr: _Frame) -> list[str]:
    out = [
        f'<g class="piece" id="{escape(piece.name)}-{escape(piece.size)}" '
        f'data-piece="{escape(piece.name)}" data-size="{escape(piece.size)}">'
    ]
    out.append(f'<polygon class="cut" points="{_pts(fr.many(piece.cut_cm))}"/>')
    out.append(f'<polygon class="sew" points="{_pts(fr.many(piece.sew_cm))}"/>')
    for line in piece.internal_cm:
        out.append(f'<polyline class="internal" points="{_pts(fr.many(line))}"/>')
    if piece.on_fold:
        ys = [y for x, y in piece.cut_cm if abs(x) < 1e-9]
        if len(ys) >= 2:
            (x0, y0), (x1, y1) = fr((0.0, min(ys))), fr((0.0, max(ys)))
            out.append(f'<line class="fold" x1="{_f(x0)}" y1="{_f(y0)}" x2="{_f(x1)}" y2="{_f(y1)}"/>')
    (gx0, gy0), (gx1, gy1) = fr.many(piece.grain_cm)
    out.append(
        f'<line class="grain" x1="{_f(gx0)}" y1="{_f(gy0)}" x2="{_f(gx1)}" y2="{_f(gy1)}" '
        'marker-start="url(#arrow)" marker-end="url(#arrow)"/>'
    )
    for notch in piece.notches_cm:
        a, b = fr.many(notch_segment(piece, notch))
        out.append(f'<line class="notch" x1="{_f(a[0])}" y1="{_f(a[1])}" x2="{_f(b[0])}" y2="{_f(b[1])}"/>')
    lines = [f"{piece.name.upper()} {piece.size}", f"CUT {piece.cut}" + (" ON FOLD" if piece.on_fold else "")]
    ys = [y for _, y in piece.cut_cm]
    size = min(LABEL_MM, (max(ys) - min(ys)) * MM_PER_CM / 4)
    tx = gx0 + 0.8 * size
    ty = (gy0 + gy1) / 2
    for i, text in enumerate(lines):
        out.append(
            f'<text class="label" x="{_f(tx)}" y="{_f(ty + i * 1.3 * size)}" font-size="{_f(size)}">'
            f"{escape(text)}</text>"
        )
    out.append("</g>")
    return out


_STYLE = (
    "<style>"
    ".cut{fill:none;stroke:#000;stroke-width:0.5}"
    ".sew{fill:none;stroke:#555;stroke-width:0.3;stroke-dasharray:3 2}"
    ".internal{fill:none;stroke:#555;stroke-width:0.3;stroke-dasharray:1 1.5}"
    ".fold{stroke:#000;stroke-width:0.8;stroke-dasharray:8 2 2 2}"
    ".grain{stroke:#000;stroke-width:0.4}"
    ".notch{stroke:#000;stroke-width:0.5}"
    ".label{font-family:sans-serif;fill:#000}"
    ".outline{fill:none;stroke-width:0.5}"
    "</style>"
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="4" markerHeight="4" '
    'orient="auto-start-reverse" markerUnits="strokeWidth"><path d="M0,0 L10,5 L0,10 z" fill="#000"/></marker>'
    "</defs>"
)


def _svg_root(width: float, height: float, body: list[str], title: str) -> str:
    w, h = _f(width), _f(height)
    return "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}">',
            f"<title>{escape(title)}</title>",
            _STYLE,
            *body,
            "</svg>",
            "",
        ]
    )


def svg_document(pattern: PatternSet, size: str | None = None) -> str:
    """The SVG text: the pieces of one size (default the base size) in a row, or with `size="all"` one row per
    size, smallest at the top. 1 user unit = 1 mm (see the module docstring)."""
    if size == "all":
        sizes = list(pattern.sizes)
    else:
        size = size or pattern.base_size
        if size not in pattern.pieces:
            raise UserError(f"size {size!r} is not in the pattern (it has {', '.join(pattern.sizes)})")
        sizes = [size]
    body: list[str] = []
    y = MARGIN_MM
    width = 0.0
    for s in sizes:
        pieces = pattern.pieces[s]
        x = MARGIN_MM
        row = 0.0
        for piece in pieces:
            x0, y0, x1, y1 = _bounds([piece])
            body += _piece_svg(piece, _Frame(x0, y1, x, y))
            x += (x1 - x0) * MM_PER_CM + GAP_MM
            row = max(row, (y1 - y0) * MM_PER_CM)
        width = max(width, x - GAP_MM + MARGIN_MM)
        y += row + GAP_MM
    height = y - GAP_MM + MARGIN_MM
    title = f"{pattern.garment} pattern, size {'all' if size == 'all' else sizes[0]}, 1:1 in mm"
    return _svg_root(width, height, body, title)


def write_svg(pattern: PatternSet, path: str | os.PathLike[str], size: str | None = None) -> None:
    """Write `svg_document(pattern, size)` to `path` (UTF-8)."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(svg_document(pattern, size))


def _by_name(pattern: PatternSet) -> dict[str, list[Piece]]:
    """Piece name -> that piece in every size, smallest size first (names in the base size's order)."""
    names: dict[str, list[Piece]] = {}
    for s in pattern.sizes:
        for piece in pattern.pieces.get(s, []):
            names.setdefault(piece.name, []).append(piece)
    if not names:
        raise UserError("the pattern has no pieces to draw")
    return names


def graded_nest_svg(pattern: PatternSet, path: str | os.PathLike[str]) -> None:
    """The graded nest as SVG at 1:1 in mm: per piece, every size's cutting line overlaid at the piece origin."""
    groups = _by_name(pattern)
    body: list[str] = []
    x = MARGIN_MM
    top = MARGIN_MM + 2 * LABEL_MM
    height = 0.0
    for name, pieces in groups.items():
        x0, y0, x1, y1 = _bounds(pieces)
        fr = _Frame(x0, y1, x, top)
        body.append(f'<g class="nest" data-piece="{escape(name)}">')
        body.append(
            f'<text class="label" x="{_f(x)}" y="{_f(top - LABEL_MM)}" font-size="{_f(LABEL_MM)}">'
            f"{escape(name.upper())}</text>"
        )
        for i, piece in enumerate(pieces):
            colour = SIZE_COLOURS[i % len(SIZE_COLOURS)]
            body.append(
                f'<polygon class="outline" data-size="{escape(piece.size)}" stroke="{colour}" '
                f'points="{_pts(fr.many(piece.cut_cm))}"/>'
            )
        body.append("</g>")
        x += (x1 - x0) * MM_PER_CM + GAP_MM
        height = max(height, (y1 - y0) * MM_PER_CM)
    legend_y = top + height + GAP_MM / 2
    for i, s in enumerate(pattern.sizes):
        colour = SIZE_COLOURS[i % len(SIZE_COLOURS)]
        lx = MARGIN_MM + i * 6 * LABEL_MM
        body.append(
            f'<text class="label" x="{_f(lx)}" y="{_f(legend_y + LABEL_MM)}" font-size="{_f(LABEL_MM)}" '
            f'fill="{colour}" style="fill:{colour}">{escape(s)}</text>'
        )
    width = max(x - GAP_MM + MARGIN_MM, MARGIN_MM * 2 + len(pattern.sizes) * 6 * LABEL_MM)
    title = f"{pattern.garment} graded nest, sizes {' '.join(pattern.sizes)}, 1:1 in mm"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(_svg_root(width, legend_y + 2 * LABEL_MM + MARGIN_MM, body, title))


def _font(px: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=px)
    except TypeError:  # Pillow < 10.1 has only the small bitmap font
        return ImageFont.load_default()


def graded_nest_png(pattern: PatternSet, path: str | os.PathLike[str], *, px_per_cm: float = 8.0) -> None:
    """The graded nest as a PNG: one panel per piece, every size's cutting line (solid) and sewing line (thin)
    in its own colour, overlaid at the piece origin; a legend of sizes. Drawn at 2x and downsampled (smooth)."""
    if px_per_cm <= 0:
        raise ValueError(f"px_per_cm must be positive, got {px_per_cm}")
    groups = _by_name(pattern)
    ss = 2  # supersampling
    k = px_per_cm * ss
    pad, title_h, legend_h = int(3 * k), int(4 * k), int(5 * k)
    boxes = {name: _bounds(pieces) for name, pieces in groups.items()}
    width = pad + sum(int((b[2] - b[0]) * k) + pad for b in boxes.values())
    height = title_h + max(int((b[3] - b[1]) * k) for b in boxes.values()) + legend_h + 2 * pad
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    font = _font(int(2.2 * k))
    draw.text(
        (pad, pad // 2),
        f"{pattern.garment}: graded nest {pattern.sizes[0]}-{pattern.sizes[-1]}, base {pattern.base_size}",
        fill="black",
        font=font,
    )
    x = pad
    for name, pieces in groups.items():
        x0, _, x1, y1 = boxes[name]

        def px(p: Point, x0: float = x0, y1: float = y1, ox: int = x) -> tuple[float, float]:
            return (ox + (p[0] - x0) * k, pad + title_h + (y1 - p[1]) * k)

        draw.text((x, pad + title_h - int(2.6 * k)), name.upper(), fill="black", font=font)
        for i, piece in enumerate(pieces):
            colour = SIZE_COLOURS[i % len(SIZE_COLOURS)]
            cut = [px(p) for p in piece.cut_cm]
            draw.line([*cut, cut[0]], fill=colour, width=max(1, int(0.25 * k)))
            sew = [px(p) for p in piece.sew_cm]
            draw.line([*sew, sew[0]], fill=colour, width=max(1, int(0.08 * k)))
        origin = px((0.0, 0.0))
        r = 0.5 * k
        draw.ellipse([origin[0] - r, origin[1] - r, origin[0] + r, origin[1] + r], outline="black", width=ss)
        x += int((x1 - x0) * k) + pad
    ly = height - legend_h
    for i, s in enumerate(pattern.sizes):
        colour = SIZE_COLOURS[i % len(SIZE_COLOURS)]
        lx = pad + i * int(8 * k)
        draw.rectangle([lx, ly + k, lx + 2 * k, ly + 3 * k], fill=colour)
        draw.text((lx + 2.6 * k, ly + 0.6 * k), s, fill="black", font=font)
    draw.text(
        (pad + len(pattern.sizes) * int(8 * k), ly + 0.6 * k), "o = grade reference point", fill="black", font=font
    )
    img = img.reduce(ss)
    img.save(path)
