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

Writing: `build_dxf` gives the drawing as an ezdxf document (`ezdxf.new("R12", setup=False)`: no arrow blocks or
styles), laid out as ezdxf's ASTM-D6673 exporter (`ezdxf.addons.gerber_D6673`) expects: it leaves out the
$MODEL_SPACE/$PAPER_SPACE layout blocks that Gerber's parser rejects and the TABLES section. `write_dxf` writes
the same BLOCKS and ENTITIES sections directly, tag for tag what that exporter writes (a test compares them),
because ezdxf's generic entity export took half the time of the whole extraction chain. The exporter writes an
empty HEADER; we write $ACADVER, $INSBASE, $EXTMIN and $EXTMAX (the drawing's extents, texts included),
because readers that find no or default extents (±1e20, what ezdxf writes for a drawing whose corner is at
(0, 0)) draw everything at one point. `header=False` keeps the exporter's empty header.
"""

from __future__ import annotations

import logging
import math
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import ezdxf
import numpy as np
from ezdxf.document import Drawing
from shapely.geometry import LineString, Point, Polygon

from design_ai.patterns.model import PatternSet, Piece

__all__ = ["LAYERS", "MM_PER_CM", "block_name", "build_dxf", "dxf_text", "notch_segment", "write_dxf"]

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


@dataclass
class _Block:
    """One piece's drawing, kept as plain entities so it can be rendered by ezdxf (`build_dxf`) or written
    straight to DXF text (`write_dxf`)."""

    name: str
    entities: list[tuple] = field(default_factory=list)  # ("POLYLINE", layer, points, closed) | ("LINE", ...)

    def polyline(self, points: list[tuple[float, float]], layer: str, closed: bool = False) -> None:
        self.entities.append(("POLYLINE", layer, points, closed))

    def line(self, a: tuple[float, float], b: tuple[float, float], layer: str) -> None:
        self.entities.append(("LINE", layer, a, b))

    def point(self, p: tuple[float, float], layer: str) -> None:
        self.entities.append(("POINT", layer, p))

    def text(self, text: str, at: tuple[float, float], height: float, layer: str) -> None:
        self.entities.append(("TEXT", layer, text, at, height))


def _fill_block(blk: _Block, piece: Piece, points: bool) -> tuple[float, float, float, float]:
    """Draw one piece into its block; return the block's bounding box in mm (text boxes estimated generously)."""
    cut = _mm(piece.cut_cm)
    blk.polyline(cut, LAYERS["boundary"], closed=True)
    if points:
        for (x, y), turn in zip(cut, _turn_flags(cut), strict=True):
            blk.point((x, y), LAYERS["turn_point" if turn else "curve_point"])
    blk.polyline(_mm(piece.sew_cm), LAYERS["sew"], closed=True)
    (gx0, gy0), (gx1, gy1) = _mm(piece.grain_cm)
    blk.line((gx0, gy0), (gx1, gy1), LAYERS["grain"])
    for notch in piece.notches_cm:
        a, b = notch_segment(piece, notch)
        blk.line(_mm([a])[0], _mm([b])[0], LAYERS["notch"])
    for line in piece.internal_cm:
        if len(line) >= 2:
            blk.polyline(_mm(line), LAYERS["internal"])
    if piece.on_fold:
        ys = [y for x, y in piece.cut_cm if abs(x) < 1e-9]
        if len(ys) >= 2:
            blk.line((0.0, min(ys) * MM_PER_CM), (0.0, max(ys) * MM_PER_CM), LAYERS["mirror"])

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
            blk.text(_ascii(line), (x0, y), height, layer)
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


@dataclass
class _Sheet:
    """The whole drawing: blocks, their insertion points, the style text and the extents (mm)."""

    blocks: list[_Block]
    inserts: list[tuple[str, tuple[float, float]]]
    style: list[tuple[str, tuple[float, float]]]  # model-space text lines and their placements
    extents: tuple[float, float, float, float]


def _layout(pattern: PatternSet, points: bool) -> _Sheet:
    """One block per piece and size, laid out in rows (one row per size, smallest at the bottom), the style
    text above them, and the extents of it all."""
    blocks: list[_Block] = []
    inserts: list[tuple[str, tuple[float, float]]] = []
    y_row = MARGIN_MM
    extents = [math.inf, math.inf, -math.inf, -math.inf]
    for size in pattern.sizes:
        x = MARGIN_MM
        row_height = 0.0
        for piece in pattern.pieces.get(size, []):
            blk = _Block(block_name(piece))
            x0, y0, x1, y1 = _fill_block(blk, piece, points)  # block box, texts included
            dx, dy = x - x0, y_row - y0
            blocks.append(blk)
            inserts.append((blk.name, (dx, dy)))
            _grow(extents, (x0 + dx, y0 + dy, x1 + dx, y1 + dy))
            x += x1 - x0 + GAP_MM
            row_height = max(row_height, y1 - y0)
        y_row += row_height + GAP_MM
    lines = [
        f"Style Name: {pattern.garment.upper()}",
        f"Sample Size: {pattern.base_size}",
        f"Sizes: {' '.join(pattern.sizes)}",
        "Grading Rule Table: SEAMLINE GRADE_RULES.YAML",
        "Units: METRIC",
    ]
    style = []
    for i, line in enumerate(lines):
        y = y_row + (len(lines) - 1 - i) * 1.5 * TEXT_MM
        style.append((_ascii(line), (MARGIN_MM, y)))
        _grow(extents, _text_box(line, MARGIN_MM, y, TEXT_MM))
    # Never leave the extents at ezdxf's +-1e20 defaults (DESIGN.md, "$EXTMIN trap"). Computed from the geometry
    # placed above rather than with ezdxf.bbox.extents, which takes longer than the rest of the export; the
    # tests check that these extents contain ezdxf.bbox.extents(msp).
    return _Sheet(blocks, inserts, style, (extents[0], extents[1], extents[2], extents[3]))


def build_dxf(pattern: PatternSet, *, points: bool = False) -> Drawing:
    """The R12 document as an ezdxf `Drawing`: one block per piece and size, inserted in rows, style text,
    header extents set.

    `points` adds the cutting line's turn and curve points (layers 2 and 3) as POINT entities: ASTM knows them,
    most readers (and Seamly2D's own AAMA export) do without, and they triple the number of entities.
    """
    sheet = _layout(pattern, points)
    with _no_units_warning():
        doc = ezdxf.new("R12", setup=False, units=ezdxf.units.MM)
    msp = doc.modelspace()
    for blk in sheet.blocks:
        layout = doc.blocks.new(name=blk.name)
        for kind, layer, *rest in blk.entities:
            attribs = {"layer": layer}
            if kind == "POLYLINE":
                layout.add_polyline2d(rest[0], close=rest[1], dxfattribs=attribs)
            elif kind == "LINE":
                layout.add_line(rest[0], rest[1], dxfattribs=attribs)
            elif kind == "POINT":
                layout.add_point(rest[0], dxfattribs=attribs)
            else:
                layout.add_text(rest[0], dxfattribs={**attribs, "height": rest[2]}).set_placement(rest[1])
    for name, at in sheet.inserts:
        msp.add_blockref(name, at, dxfattribs={"layer": LAYERS["boundary"]})
    for line, at in sheet.style:
        msp.add_text(line, dxfattribs={"layer": LAYERS["boundary"], "height": TEXT_MM}).set_placement(at)
    x0, y0, x1, y1 = sheet.extents
    doc.header["$EXTMIN"] = (x0, y0, 0.0)
    doc.header["$EXTMAX"] = (x1, y1, 0.0)
    msp.dxf.extmin = doc.header["$EXTMIN"]
    msp.dxf.extmax = doc.header["$EXTMAX"]
    return doc


def _tags(out: list[str], *pairs: tuple[int, object]) -> None:
    """DXF group code / value lines as ezdxf writes them (codes right-aligned in 3, floats as repr)."""
    for code, value in pairs:
        out.append(f"{code:>3}\n{float(value)!r}\n" if isinstance(value, float) else f"{code:>3}\n{value}\n")


def _entity(out: list[str], entity: tuple) -> None:
    kind, layer, *rest = entity
    if kind == "POLYLINE":
        pts, closed = rest
        _tags(out, (0, "POLYLINE"), (8, layer), (66, 1), (10, 0.0), (20, 0.0), (30, 0.0), (70, 1 if closed else 0))
        for x, y in pts:
            _tags(out, (0, "VERTEX"), (8, layer), (10, float(x)), (20, float(y)), (30, 0.0), (70, 0))
        _tags(out, (0, "SEQEND"), (8, layer))
    elif kind == "LINE":
        (ax, ay), (bx, by) = rest
        _tags(out, (0, "LINE"), (8, layer), (10, float(ax)), (20, float(ay)), (30, 0.0),
              (11, float(bx)), (21, float(by)), (31, 0.0))  # fmt: skip
    elif kind == "POINT":
        (x, y) = rest[0]
        _tags(out, (0, "POINT"), (8, layer), (10, float(x)), (20, float(y)), (30, 0.0))
    else:
        text, (x, y), height = rest
        _tags(out, (0, "TEXT"), (8, layer), (10, float(x)), (20, float(y)), (30, 0.0), (40, float(height)),
              (1, text), (11, float(x)), (21, float(y)), (31, 0.0))  # fmt: skip


def _sheet_text(sheet: _Sheet) -> str:
    """The BLOCKS and ENTITIES sections and EOF, tag for tag what ezdxf's ASTM-D6673 exporter writes for the
    same drawing (`tests/patterns/test_exports.py` compares them byte for byte): writing them directly takes a
    fraction of the time ezdxf's generic entity export does, which was half of the whole extraction chain."""
    out: list[str] = []
    _tags(out, (0, "SECTION"), (2, "BLOCKS"))
    for blk in sheet.blocks:
        _tags(out, (0, "BLOCK"), (8, "0"), (2, blk.name), (70, 0), (10, 0.0), (20, 0.0), (30, 0.0), (3, blk.name),
              (1, ""))  # fmt: skip
        for entity in blk.entities:
            _entity(out, entity)
        _tags(out, (0, "ENDBLK"), (8, "0"))
    _tags(out, (0, "ENDSEC"), (0, "SECTION"), (2, "ENTITIES"))
    for name, (x, y) in sheet.inserts:
        _tags(out, (0, "INSERT"), (8, LAYERS["boundary"]), (2, name), (10, float(x)), (20, float(y)), (30, 0.0))
    for line, at in sheet.style:
        _entity(out, ("TEXT", LAYERS["boundary"], line, at, TEXT_MM))
    _tags(out, (0, "ENDSEC"), (0, "EOF"))
    return "".join(out)


def _header(extents: Sequence[float]) -> str:
    """A minimal R12 HEADER section: version, insertion base and drawing extents."""
    out: list[str] = []
    _tags(out, (0, "SECTION"), (2, "HEADER"), (9, "$ACADVER"), (1, "AC1009"))
    for name, (x, y) in (("$INSBASE", (0.0, 0.0)), ("$EXTMIN", extents[:2]), ("$EXTMAX", extents[2:])):
        _tags(out, (9, name), (10, float(x)), (20, float(y)), (30, 0.0))
    _tags(out, (0, "ENDSEC"))
    return "".join(out)


_EMPTY_HEADER = "  0\nSECTION\n  2\nHEADER\n  0\nENDSEC\n"


def dxf_text(pattern: PatternSet, *, header: bool = True, points: bool = False) -> str:
    """The ASTM D6673-style DXF R12 text (mm) of every size's pieces of `pattern`."""
    sheet = _layout(pattern, points)
    return (_header(sheet.extents) if header else _EMPTY_HEADER) + _sheet_text(sheet)


def write_dxf(pattern: PatternSet, path: str | os.PathLike[str], *, header: bool = True, points: bool = False) -> None:
    """Write every size's pieces of `pattern` to `path` as an ASTM D6673-style DXF R12 file in mm."""
    with open(path, "wb") as fh:
        fh.write(dxf_text(pattern, header=header, points=points).encode("ascii", errors="dxfreplace"))
