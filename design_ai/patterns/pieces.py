"""Pattern pieces whatever the garment: seam allowance, curves, notches, grain lines and rib strips.

Conventions (those of `design_ai.patterns.model`): centimetres; +x across the garment, +y up the garment with
the hem of a body piece or sleeve at y = 0; the grain line runs along +y; the sewing line is counter-clockwise,
closed implicitly; `seam_allowance_cm[i]` belongs to the edge from sewing point i to point i + 1.

Seam allowance: the cutting line is built with shapely: each edge's band (the edge offset outward by its own
allowance) and a mitred corner piece at each convex corner (bevelled where a mitre would reach further than 4
allowances) are merged with the sewing polygon, so the cutting line always contains the sewing line and is a
simple polygon. A garment's own drafting (its blocks and pieces) lives in its module under
`design_ai.garments`; `draft_pieces` asks the registry for it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon, box
from shapely.geometry.polygon import orient

from design_ai.patterns.model import Piece

__all__ = [
    "MITRE_LIMIT",
    "NOTCH_PAIR_GAP_CM",
    "N_CURVE",
    "Outline",
    "annotate_runs",
    "armhole_length_cm",
    "band_piece",
    "cubic",
    "cubic_array",
    "cut_polygon",
    "draft_pieces",
    "edge_normal",
    "edge_run",
    "grain_line",
    "hem_stitch",
    "horizontal_chord",
    "notches_at",
    "on_cut_line",
    "point_at",
    "polyline_length",
    "run_from_annotation",
]

Point = tuple[float, float]

MITRE_LIMIT = 4.0  # a mitred corner reaching further than this many allowances is bevelled
NOTCH_PAIR_GAP_CM = 1.0  # distance between the two notches of a double notch
N_CURVE = 24  # samples per armhole and per sleeve-cap half (about 1 cm apart); a neckline gets 16


@dataclass
class Outline:
    """A sewing line under construction: points, and per edge its allowance and kind."""

    points: list[Point]
    allowances: list[float]
    kinds: list[str]



# ---------------------------------------------------------------------------------------------------------------
# geometry helpers


def polyline_length(points: Sequence[Point]) -> float:
    """Length of an open polyline, in the points' units."""
    a = np.asarray(points, dtype=float)
    return float(np.hypot(*np.diff(a, axis=0).T).sum()) if len(a) > 1 else 0.0


_T = np.linspace(0.0, 1.0, N_CURVE)[:, None]
_BERNSTEIN = np.hstack([(1 - _T) ** 3, 3 * (1 - _T) ** 2 * _T, 3 * (1 - _T) * _T**2, _T**3])  # (n, 4)


def cubic_array(p0: Point, p1: Point, p2: Point, p3: Point) -> np.ndarray:
    """A cubic Bezier sampled at N_CURVE evenly spaced parameters, as an (n, 2) array."""
    return _BERNSTEIN @ np.array([p0, p1, p2, p3], dtype=float)


def cubic(p0: Point, p1: Point, p2: Point, p3: Point, n: int = N_CURVE) -> list[Point]:
    t = np.linspace(0.0, 1.0, n)[:, None]
    pts = (
        (1 - t) ** 3 * np.asarray(p0)
        + 3 * (1 - t) ** 2 * t * np.asarray(p1)
        + 3 * (1 - t) * t**2 * np.asarray(p2)
        + t**3 * np.asarray(p3)
    )
    out = [(float(x), float(y)) for x, y in pts]
    out[0], out[-1] = (float(p0[0]), float(p0[1])), (float(p3[0]), float(p3[1]))
    return out


def point_at(points: Sequence[Point], s: float) -> tuple[Point, int]:
    """The point at arc length s along a polyline (clamped) and the index of the segment holding it."""
    a = np.asarray(points, dtype=float)
    seg = np.hypot(*np.diff(a, axis=0).T)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    s = min(max(s, 0.0), float(cum[-1]))
    i = int(min(np.searchsorted(cum, s, side="right") - 1, len(seg) - 1))
    f = 0.0 if seg[i] == 0 else (s - cum[i]) / seg[i]
    p = a[i] + f * (a[i + 1] - a[i])
    return (float(p[0]), float(p[1])), i


def edge_normal(p: Point, q: Point) -> np.ndarray:
    """Outward unit normal of edge p -> q of a counter-clockwise polygon (the right-hand side)."""
    d = np.asarray(q, dtype=float) - np.asarray(p, dtype=float)
    length = math.hypot(d[0], d[1])
    if length == 0:
        return np.zeros(2)
    return np.array([d[1], -d[0]]) / length


def cut_polygon(sew: Sequence[Point], allowances: Sequence[float], *, fold_x0: bool = False) -> list[Point]:
    """The cutting line around a counter-clockwise sewing line, each edge offset outward by its own allowance.

    `allowances[i]` (cm, >= 0) belongs to the edge from `sew[i]` to `sew[i + 1]` (the last edge closes the
    ring). Convex corners are mitred (bevelled where the mitre would reach further than MITRE_LIMIT allowances),
    concave corners follow the offset edges. With `fold_x0` the result is clipped to x >= 0, so the fold of an
    on-fold piece stays exactly on x = 0. Returns the cutting line counter-clockwise, closed implicitly; it
    contains the sewing line and is a valid simple polygon.
    """
    n = len(sew)
    if n < 3:
        raise ValueError("3 or more sewing points required.")
    if len(allowances) != n:
        raise ValueError(f"one allowance per edge required: {n} edges, {len(allowances)} allowances")
    if any(a < 0 for a in allowances):
        raise ValueError("seam allowances must not be negative")
    pts = np.asarray(sew, dtype=float)
    sew_poly = Polygon(pts)
    if not sew_poly.is_valid or sew_poly.area <= 0:
        raise ValueError("the sewing line is not a simple counter-clockwise polygon")
    # An allowance under a nanometre is none: a subnormal one (5e-324 cm) made GEOS's simplify spin for minutes.
    a = np.asarray(allowances, dtype=float)
    a = np.where(a < 1e-9, 0.0, a)
    nxt = np.roll(pts, -1, axis=0)
    d = nxt - pts  # edge i: pts[i] -> pts[i + 1]
    length = np.hypot(d[:, 0], d[:, 1])
    safe = np.where(length > 0, length, 1.0)
    normals = np.stack([d[:, 1], -d[:, 0]], axis=1) / safe[:, None]  # outward (right-hand side of a CCW ring)
    # one band per edge: the edge and its outward offset
    keep = (a > 0) & (length > 0)
    bands = np.stack([pts, nxt, nxt + a[:, None] * normals, pts + a[:, None] * normals], axis=1)[keep]
    # a corner piece at each convex vertex i (between edge i - 1 and edge i): mitre, or bevel if it reaches too far
    a0, a1 = np.roll(a, 1), a
    n0, n1 = np.roll(normals, 1, axis=0), normals
    d0, d1 = np.roll(d, 1, axis=0), d
    convex = (d0[:, 0] * d1[:, 1] - d0[:, 1] * d1[:, 0] > 0) & (np.maximum(a0, a1) > 0)
    det = n0[:, 0] * n1[:, 1] - n0[:, 1] * n1[:, 0]
    r0 = (n0 * pts).sum(axis=1) + a0
    r1 = (n1 * pts).sum(axis=1) + a1
    sdet = np.where(np.abs(det) > 1e-9, det, 1.0)
    mitre = np.stack([(r0 * n1[:, 1] - r1 * n0[:, 1]) / sdet, (n0[:, 0] * r1 - n1[:, 0] * r0) / sdet], axis=1)
    c0, c1 = pts + a0[:, None] * n0, pts + a1[:, None] * n1
    too_far = (np.abs(det) <= 1e-9) | (np.hypot(*(mitre - pts).T) > MITRE_LIMIT * np.maximum(a0, a1))
    mitre = np.where(too_far[:, None], (c0 + c1) / 2, mitre)
    # fast path: the offset ring itself (one mitre point per vertex, two where bevelled); valid unless a tight
    # concave curve folds it over itself, in which case the union of edge bands and corner pieces below is used
    ring: list[np.ndarray] = []
    for i in range(n):
        if too_far[i] and (a0[i] > 0 or a1[i] > 0):
            ring += [c0[i], c1[i]]
        else:
            ring.append(mitre[i])
    fast = Polygon(ring)
    # Valid, and holding every edge's band: beside an edge without allowance the mitre follows that edge's line,
    # which cuts a tapered hem's corner short of its band.
    held = False
    fast_valid = fast.is_valid
    if fast_valid:
        grown = fast.buffer(1e-9)
        shapely.prepare(grown)
        held = bool(shapely.covers(grown, shapely.polygons(bands)).all())
    if held and fast.contains(sew_poly):
        return _finish_cut(fast, pts, fold_x0)
    x, y = bands[:, :, 0], bands[:, :, 1]
    area = np.abs((x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y).sum(axis=1)) / 2
    parts = list(shapely.polygons(bands[area > 1e-10]))
    # Each convex corner is the hull of the vertex, both bands' corners and the mitre: where a deep hem meets a
    # narrow seam on a tapered edge the mitre falls back inside the hem band, and the wedge between the two
    # bands must still be cut (otherwise a deeper hem would cut less at the corner than a shallower one).
    corners = np.stack([pts, c0, mitre, c1], axis=1)[convex]
    if len(corners):
        parts += [g for g in shapely.convex_hull(shapely.multipoints(corners)) if g.area > 1e-10]
    parts.append(sew_poly)
    if fast_valid:  # where it is valid the offset ring is cut too: the union only adds what it leaves out
        parts.append(fast)
    return _finish_cut(shapely.unary_union(parts), pts, fold_x0)


def _finish_cut(cut: shapely.Geometry, pts: np.ndarray, fold_x0: bool) -> list[Point]:
    """Clip to the fold, drop collinear points, orient CCW and start near the first sewing point."""
    if fold_x0:
        _, miny, maxx, maxy = cut.bounds
        cut = cut.intersection(box(0.0, miny - 1, maxx + 1, maxy + 1))
    if cut.geom_type != "Polygon":  # clipping can leave slivers, lines or points beside the piece
        cut = max((g for g in shapely.get_parts(cut) if g.geom_type == "Polygon"), key=lambda g: g.area)
    cut = Polygon(cut.exterior).simplify(1e-9, preserve_topology=True)
    cut = orient(cut, 1.0)
    ring = [(float(x), float(y)) for x, y in cut.exterior.coords[:-1]]
    # start at the cut point nearest the first sewing point: easier to read in the JSON and the DXF
    start = int(np.argmin([(x - pts[0][0]) ** 2 + (y - pts[0][1]) ** 2 for x, y in ring]))
    return ring[start:] + ring[:start]


def on_cut_line(cut: Sequence[Point], sew_point: Point, normal: np.ndarray, allowance: float) -> Point:
    """Where a notch at `sew_point` meets the cutting line (moved out by the edge's allowance)."""
    ring = LineString([*cut, cut[0]])
    target = shapely.Point(np.asarray(sew_point) + allowance * normal)
    p = ring.interpolate(ring.project(target))
    return (float(p.x), float(p.y))


def grain_line(sew: Sequence[Point], x: float, *, keep: float = 0.7) -> tuple[Point, Point]:
    """A grain line along +y at `x`: the middle `keep` of the longest chord of the sewing polygon there."""
    poly = Polygon(sew)
    _, miny, _, maxy = poly.bounds
    chord = poly.intersection(LineString([(x, miny - 1), (x, maxy + 1)]))
    if chord.is_empty:
        raise ValueError(f"the grain line at x = {x} misses the piece")
    if chord.geom_type != "LineString":
        chord = max((g for g in chord.geoms if g.geom_type == "LineString"), key=lambda g: g.length)
    y0, y1 = sorted(c[1] for c in chord.coords)
    pad = (1 - keep) / 2 * (y1 - y0)
    return (x, y0 + pad), (x, y1 - pad)


def horizontal_chord(sew: Sequence[Point], y: float) -> list[Point]:
    """The part of the horizontal line at height y inside the sewing polygon (a placement line)."""
    poly = Polygon(sew)
    minx, _, maxx, _ = poly.bounds
    chord = poly.intersection(LineString([(minx - 1, y), (maxx + 1, y)]))
    if chord.is_empty:
        return []
    if chord.geom_type != "LineString":
        chord = max((g for g in chord.geoms if g.geom_type == "LineString"), key=lambda g: g.length)
    return [(float(a), float(b)) for a, b in chord.coords]


# ---------------------------------------------------------------------------------------------------------------
# the block


def hem_stitch(sew: Sequence[Point], lower: str, allowance: float) -> list[list[Point]]:
    """A hemmed piece's internal lines: the hem's stitching, half a centimetre inside its turned allowance (at
    least 0.5 cm up); none when the lower edge is a seam (a band or cuff is sewn to it) or has no allowance."""
    if lower != "hem" or allowance <= 0:
        return []
    stitch = horizontal_chord(sew, max(allowance - 0.5, 0.5))
    return [stitch] if stitch else []


def edge_run(outline: Outline, kind: str) -> list[Point]:
    """The sewing points of the consecutive edges of one kind (e.g. the armhole), in outline order."""
    idx = [i for i, k in enumerate(outline.kinds) if k == kind]
    if not idx:
        return []
    return [outline.points[i] for i in idx] + [outline.points[(idx[-1] + 1) % len(outline.points)]]


def armhole_length_cm(pieces: Sequence[Piece], which: str) -> float:
    """Sewn armhole length of the `front` or `back` piece (the underarm-to-shoulder run of its sewing line)."""
    piece = next(p for p in pieces if p.name == which)
    run = run_from_annotation(piece, "armhole")
    return polyline_length(run)


def run_from_annotation(piece: Piece, kind: str) -> list[Point]:
    first, last = (int(v) for v in piece.annotations[f"edges_{kind}"].split(":"))
    return [piece.sew_cm[i % len(piece.sew_cm)] for i in range(first, last + 2)]


def notches_at(outline: Outline, cut: list[Point], kind: str, positions: Sequence[float]) -> list[Point]:
    """Notches on the cutting line at arc lengths `positions` (cm) along the run of edges of `kind`."""
    idx = [i for i, k in enumerate(outline.kinds) if k == kind]
    run = edge_run(outline, kind)
    out = []
    for s in positions:
        p, seg = point_at(run, s)
        i = idx[seg]
        normal = edge_normal(outline.points[i], outline.points[(i + 1) % len(outline.points)])
        out.append(on_cut_line(cut, p, normal, outline.allowances[i]))
    return out


def annotate_runs(outline: Outline) -> dict[str, str]:
    """Record where each edge kind starts and ends ("first:last" edge index), so others can find the runs."""
    out: dict[str, str] = {}
    for kind in dict.fromkeys(outline.kinds):
        idx = [i for i, k in enumerate(outline.kinds) if k == kind]
        out[f"edges_{kind}"] = f"{idx[0]}:{idx[-1]}"
    return out


def band_piece(
    name: str,
    size: str,
    length: float,
    finished_width: float,
    sa: float,
    cut_count: int,
    marks: Sequence[float],
    note: str,
) -> Piece:
    """A folded rib strip: sewn rectangle `length` x 2 `finished_width`, allowance `sa` all round, notches at
    `marks` (cm from the left end) on the edge sewn to the garment (y = 0)."""
    wd = 2 * finished_width
    points: list[Point] = [(0.0, 0.0), (length, 0.0), (length, wd), (0.0, wd)]
    kinds = ["join", "end_right", "join_top", "end_left"]
    o = Outline(points, [sa] * 4, kinds)
    cut = cut_polygon(points, o.allowances)
    notches = notches_at(o, cut, "join", list(marks))
    x_g = min(max(0.25 * length, 1.0), length)
    return Piece(
        name=name,
        size=size,
        cut=cut_count,
        on_fold=False,
        sew_cm=points,
        cut_cm=cut,
        seam_allowance_cm=o.allowances,
        grain_cm=((x_g, 0.15 * wd), (x_g, 0.85 * wd)),
        notches_cm=notches,
        internal_cm=[[(0.0, finished_width), (length, finished_width)]],
        annotations={
            "category": "RIB",
            "note": note,
            "internal": "fold line",
            "sewn_length_cm": f"{length:.2f}",
            **annotate_runs(o),
        },
    )


def draft_pieces(garment: str, measurements_cm: dict[str, float], *, size: str, **options: Any) -> list[Piece]:
    """The pattern pieces of one size of a registered garment (see its module for the pieces and options)."""
    from design_ai.garments import get

    return get(garment).draft(measurements_cm, size=size, **options)
