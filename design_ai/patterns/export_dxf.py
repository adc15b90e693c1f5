"""Pattern pieces as a DXF file in the AAMA / ASTM D6673 style that pattern CAD and cutting rooms import.

The file is DXF R12, in **millimetres** (R12 has no $INSUNITS; ASTM D6673 allows inches or mm, and the style
text on layer 1 says `Units: METRIC`). Piece coordinates (cm, +y up the garment, see `patterns.model`) are
multiplied by 10; DXF's +y is the piece's +y, so nothing is mirrored.

One BLOCK per piece and size, named `<PIECE>_<SIZE>` (e.g. `FRONT_M`), with the block's base point at the
piece's origin; the ASTM layers (numbered, never named) hold:

====  ========================================================================================
1     cutting line (closed POLYLINE) and the piece system text: `Piece Name:`, `Size:`, `Quantity:`,
      `Category:` (ASTM puts piece text on the boundary layer)
2, 3  only with `points=True`: turn points and curve points of the cutting line (POINT); a vertex where the
      line turns by more than 20 degrees is a turn point, the others are curve points
4     notches: a LINE from the cutting line 5 mm into the piece, toward the sewing line
6     mirror line: the fold of a piece cut on the fold (x = 0)
7     grain line (LINE, along +y)
8     internal lines: hem stitch line, the fold line of a band
14    sewing line (closed POLYLINE)
15    annotation text: piece and size, cut instruction ("CUT 1 ON FOLD"), seam allowances
====  ========================================================================================

The model space holds the style system text (layer 1) and one INSERT per block, laid out in rows (one row per
size, smallest at the bottom) that never overlap.

Writing: the document is `ezdxf.new("R12", setup=False)` (no ezdxf arrow blocks or styles) and is written by
ezdxf's ASTM-D6673 exporter (`ezdxf.addons.gerber_D6673`), which leaves out the $MODEL_SPACE/$PAPER_SPACE layout
blocks that Gerber's parser rejects and the TABLES section. That exporter writes an empty HEADER; we fill it with
$ACADVER, $INSBASE, $EXTMIN and $EXTMAX (the drawing's extents, texts included), because readers that find no or default
extents (±1e20, what ezdxf writes for a drawing whose corner is at (0, 0)) draw everything at one point.
`header=False` keeps the exporter's empty header.
"""

from __future__ import annotations

import io
import logging
import math
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import ezdxf
import numpy as np
from ezdxf.addons import gerber_D6673
from ezdxf.document import Drawing
from ezdxf.layouts import BlockLayout
from shapely.geometry import LineString, Point, Polygon

from design_ai.patterns.model import PatternSet, Piece

__all__ = ["LAYERS", "MM_PER_CM", "block_name", "build_dxf", "notch_segment", "write_dxf"]

MM_PER_CM = 10.0
LAYERS = {
    "boundary": "1",
    "turn_point": "2",
    "curve_point": "3",
    "notch": "4",
    "mirror": "6",
    "grain": "7",
    "internal": "8",
    "sew": "14",
    "annotation": "15",
}
"""ASTM D6673 layer numbers by purpose."""

NOTCH_DEPTH_CM = 0.5
TURN_ANGLE_DEG = 20.0
GAP_MM = 50.0  # between pieces on the sheet
MARGIN_MM = 10.0  # the sheet's lower-left corner: not (0, 0), which some readers take for "no extents"
TEXT_MM = 8.0  # piece text height (smaller on narrow pieces)


def block_name(piece: Piece) -> str:
    """`<PIECE>_<SIZE>` in upper case, with anything but letters, digits, '-' and '_' replaced by '_'."""
    return re.sub(r"[^A-Z0-9_-]", "_", f"{piece.name}_{piece.size}".upper())


def _ascii(text: str) -> str:
    """ASTM D6673 text is 7-bit ASCII."""
    return text.encode("ascii", "replace").decode("ascii")


def _mm(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(x * MM_PER_CM, y * MM_PER_CM) for x, y in points]


def notch_segment(
    piece: Piece, notch: tuple[float, float], depth_cm: float = NOTCH_DEPTH_CM
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The notch cut as a segment (cm): from the notch on the cutting line toward the nearest sewing-line point,
    `depth_cm` long (or as far as the sewing line where the allowance is narrower)."""
    p = np.asarray(notch, dtype=float)
    ring = LineString([*piece.sew_cm, piece.sew_cm[0]])
    near = ring.interpolate(ring.project(Point(p)))
    v = np.array([near.x, near.y]) - p
    dist = float(np.hypot(*v))
    if dist < 1e-9:  # no allowance there: point into the piece
        c = Polygon(piece.sew_cm).representative_point()
        v = np.array([c.x, c.y]) - p
        dist = float(np.hypot(*v))
    end = p + v / dist * min(depth_cm, dist)
    return (float(p[0]), float(p[1])), (float(end[0]), float(end[1]))


def _turn_flags(points: Sequence[tuple[float, float]]) -> list[bool]:
    """True where the closed polyline turns by more than TURN_ANGLE_DEG at a vertex."""
    a = np.asarray(points, dtype=float)
    d_in = a - np.roll(a, 1, axis=0)
    d_out = np.roll(a, -1, axis=0) - a
    ang_in = np.arctan2(d_in[:, 1], d_in[:, 0])
    ang_out = np.arctan2(d_out[:, 1], d_out[:, 0])
    turn = np.abs((ang_out - ang_in + math.pi) % (2 * math.pi) - math.pi)
    return list(np.degrees(turn) > TURN_ANGLE_DEG)


def _fill_block(blk: BlockLayout, piece: Piece, points: bool) -> tuple[float, float, float, float]:
    """Draw one piece into its block; return the block's bounding box in mm (text boxes estimated generously)."""
    cut = _mm(piece.cut_cm)
    blk.add_polyline2d(cut, close=True, dxfattribs={"layer": LAYERS["boundary"]})
    if points:
        for (x, y), turn in zip(cut, _turn_flags(cut), strict=True):
            blk.add_point((x, y), dxfattribs={"layer": LAYERS["turn_point" if turn else "curve_point"]})
    blk.add_polyline2d(_mm(piece.sew_cm), close=True, dxfattribs={"layer": LAYERS["sew"]})
    (gx0, gy0), (gx1, gy1) = _mm(piece.grain_cm)
    blk.add_line((gx0, gy0), (gx1, gy1), dxfattribs={"layer": LAYERS["grain"]})
    for notch in piece.notches_cm:
        a, b = notch_segment(piece, notch)
        blk.add_line(_mm([a])[0], _mm([b])[0], dxfattribs={"layer": LAYERS["notch"]})
    for line in piece.internal_cm:
        if len(line) >= 2:
            blk.add_polyline2d(_mm(line), dxfattribs={"layer": LAYERS["internal"]})
    if piece.on_fold:
        ys = [y for x, y in piece.cut_cm if abs(x) < 1e-9]
        if len(ys) >= 2:
            blk.add_line((0.0, min(ys) * MM_PER_CM), (0.0, max(ys) * MM_PER_CM), dxfattribs={"layer": LAYERS["mirror"]})

    # text beside the grain line: 7 lines, 1.5 line heights apart, centred on the grain line's middle
    xs, ys = zip(*cut, strict=True)
    height = min(TEXT_MM, (max(ys) - min(ys)) / 12)
    x0 = gx0 + 0.6 * height
    y = (gy0 + gy1) / 2 + 4.5 * height
    system = [
        f"Piece Name: {piece.name.upper()}",
        f"Size: {piece.size}",
        f"Quantity: {piece.cut}",
        f"Category: {piece.annotations.get('category', 'SELF')}",
    ]
    allowances = sorted({a for a in piece.seam_allowance_cm if a > 0})
    sa_text = ", ".join(f"{a * MM_PER_CM:g}" for a in allowances) or "0"
    notes = [
        f"{piece.name.upper()} {piece.size}",
        piece.annotations.get("note") or f"CUT {piece.cut}" + (" ON FOLD" if piece.on_fold else ""),
        f"SEAM ALLOWANCE MM: {sa_text}",
    ]
    box = [min(xs), min(ys), max(xs), max(ys)]
    for layer, lines in ((LAYERS["boundary"], system), (LAYERS["annotation"], notes)):
        for line in lines:
            text = blk.add_text(_ascii(line), dxfattribs={"layer": layer, "height": height})
            text.set_placement((x0, y))
            _grow(box, _text_box(line, x0, y, height))
            y -= 1.5 * height
    return box[0], box[1], box[2], box[3]


def _text_box(text: str, x: float, y: float, height: float) -> tuple[float, float, float, float]:
    """A box sure to hold a left-aligned TEXT at baseline (x, y): glyphs at most one height wide, descenders
    a third of a height (a generous estimate; ezdxf's own text extents are slower than the rest of the export)."""
    return x, y - height / 3, x + len(text) * height, y + height


def _grow(box: list[float], other: Sequence[float]) -> None:
    box[0], box[1] = min(box[0], other[0]), min(box[1], other[1])
    box[2], box[3] = max(box[2], other[2]), max(box[3], other[3])


class _DropUnitsWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "$INSUNITS" not in record.getMessage()


@contextmanager
def _no_units_warning() -> Iterator[None]:
    """ezdxf.new("R12") warns that R12 has no $INSUNITS whatever the units: we know, the module docstring says so."""
    log = logging.getLogger("ezdxf")
    flt = _DropUnitsWarning()
    log.addFilter(flt)
    try:
        yield
    finally:
        log.removeFilter(flt)


def build_dxf(pattern: PatternSet, *, points: bool = False) -> Drawing:
    """The R12 document: one block per piece and size, inserted in rows, style text, header extents set.

    `points` adds the cutting line's turn and curve points (layers 2 and 3) as POINT entities: ASTM knows them,
    most readers (and Seamly2D's own AAMA export) do without, and they triple the number of entities.
    """
    with _no_units_warning():
        doc = ezdxf.new("R12", setup=False, units=ezdxf.units.MM)
    msp = doc.modelspace()
    y_row = MARGIN_MM
    extents = [math.inf, math.inf, -math.inf, -math.inf]
    for size in pattern.sizes:
        x = MARGIN_MM
        row_height = 0.0
        for piece in pattern.pieces.get(size, []):
            name = block_name(piece)
            blk = doc.blocks.new(name=name)
            x0, y0, x1, y1 = _fill_block(blk, piece, points)  # block box, texts included
            dx, dy = x - x0, y_row - y0
            msp.add_blockref(name, (dx, dy), dxfattribs={"layer": LAYERS["boundary"]})
            _grow(extents, (x0 + dx, y0 + dy, x1 + dx, y1 + dy))
            x += x1 - x0 + GAP_MM
            row_height = max(row_height, y1 - y0)
        y_row += row_height + GAP_MM
    style = [
        f"Style Name: {pattern.garment.upper()}",
        f"Sample Size: {pattern.base_size}",
        f"Sizes: {' '.join(pattern.sizes)}",
        "Grading Rule Table: SEAMLINE GRADE_RULES.YAML",
        "Units: METRIC",
    ]
    for i, line in enumerate(style):
        y = y_row + (len(style) - 1 - i) * 1.5 * TEXT_MM
        text = msp.add_text(_ascii(line), dxfattribs={"layer": LAYERS["boundary"], "height": TEXT_MM})
        text.set_placement((MARGIN_MM, y))
        _grow(extents, _text_box(line, MARGIN_MM, y, TEXT_MM))
    # Never leave the extents at ezdxf's +-1e20 defaults (DESIGN.md, "$EXTMIN trap"). Computed from the geometry
    # placed above rather than with ezdxf.bbox.extents, which takes longer than the rest of the export; the
    # tests check that these extents contain ezdxf.bbox.extents(msp).
    doc.header["$EXTMIN"] = (extents[0], extents[1], 0.0)
    doc.header["$EXTMAX"] = (extents[2], extents[3], 0.0)
    msp.dxf.extmin = doc.header["$EXTMIN"]
    msp.dxf.extmax = doc.header["$EXTMAX"]
    return doc


def _header(doc: Drawing) -> str:
    """A minimal R12 HEADER section: version, insertion base and drawing extents."""

    def point(code: int, xyz: Sequence[float]) -> str:
        return "".join(f"{code + 10 * k:>3}\n{float(v)!r}\n" for k, v in enumerate(xyz))

    return (
        "  0\nSECTION\n  2\nHEADER\n"
        "  9\n$ACADVER\n  1\nAC1009\n"
        f"  9\n$INSBASE\n{point(10, (0.0, 0.0, 0.0))}"
        f"  9\n$EXTMIN\n{point(10, doc.header['$EXTMIN'])}"
        f"  9\n$EXTMAX\n{point(10, doc.header['$EXTMAX'])}"
        "  0\nENDSEC\n"
    )


def write_dxf(pattern: PatternSet, path: str | os.PathLike[str], *, header: bool = True, points: bool = False) -> None:
    """Write every size's pieces of `pattern` to `path` as an ASTM D6673-style DXF R12 file in mm."""
    doc = build_dxf(pattern, points=points)
    stream = io.StringIO()
    gerber_D6673.export_stream(doc, stream)
    text = stream.getvalue()
    empty = "  0\nSECTION\n  2\nHEADER\n  0\nENDSEC\n"
    if header:
        if not text.startswith(empty):
            raise RuntimeError("unexpected output of ezdxf's ASTM-D6673 exporter: no empty HEADER section first")
        text = _header(doc) + text[len(empty) :]
    with open(path, "wb") as fh:
        fh.write(text.encode("ascii", errors="dxfreplace"))
