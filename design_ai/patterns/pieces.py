"""Pattern pieces of a T-shirt block (and its long-sleeve and tank variants) from points of measure in cm.

Conventions (those of `design_ai.patterns.model`): centimetres; +x across the garment, +y up the garment with
the hem of a body piece or sleeve at y = 0; the grain line runs along +y; the sewing line is counter-clockwise,
closed implicitly; `seam_allowance_cm[i]` belongs to the edge from sewing point i to point i + 1.

Measurements are the finished garment's, flat (a width is half the circumference), as DESIGN.md defines them:
`body_length`, `chest_width`, `hem_width`, `shoulder_width`, `sleeve_length`, `sleeve_opening`, `neck_width`,
`front_neck_drop`. Three more keys are optional and otherwise estimated from those (the estimates reproduce the
bundled boxy tee of `design_ai.flats`): `shoulder_drop` (HPS line down to the shoulder point; default 0.27 of the
horizontal shoulder run, i.e. about a 15° slope), `armhole_depth` (HPS line down to the underarm; default 0.465
of `chest_width`) and `bicep_width` (flat sleeve width at the underarm; default 0.38 of `chest_width`, at
least the sleeve opening).

The pieces of one size:

- **front** and **back**: half pieces cut on the fold, the fold along x = 0 (centre front/back), the piece at
  x >= 0, cut 1. Side seam straight from the underarm through the chest point (2.5 cm below the underarm) to
  the hem corner, armhole a cubic curve from the underarm to the shoulder point, straight shoulder to the high
  point of shoulder (HPS), neckline a cubic from the HPS (square to the shoulder) down to the centre, which it
  meets square (front: `front_neck_drop`, back: `back_neck_drop_cm`). Notches on the armhole: the front a
  single notch at half its length, the back a double notch (1 cm apart) around its half.
- **sleeve** (not for a tank): cut 2 (a mirrored pair), centre line on x = 0 with the cap top at
  y = `sleeve_length` and the hem at y = 0; front half at x > 0, back half at x < 0. The cap is two cubic
  S-curves whose height is solved numerically so that the sewn cap length equals the front plus back armhole
  length plus `sleeve_ease_cm`; notches: single (front) and double (back) at the armhole notches' positions
  with the ease spread in proportion, and a shoulder notch at the cap top.
- **neckband**: a strip cut 1, sewn length = neckline length (front and back, both halves) x `rib_ratio`,
  sewn width = 2 x `neckband_width_cm` (folded in half lengthwise); notches where it meets the shoulders and
  the centre front; grain across the band (rib wales), so the band stretches along its length.
- **armband** (tank only): the same strip for the armhole, cut 2.

Seam allowance: `seam_allowance_cm` on every sewn edge, `hem_allowance_cm` on hems, 0 on a fold. The cutting
line is built with shapely: each edge's band (the edge offset outward by its own allowance) and a mitred corner
piece at each convex corner (bevelled where a mitre would reach further than 4 allowances) are merged with the
sewing polygon, so the cutting line always contains the sewing line and is a simple polygon.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon, box
from shapely.geometry.polygon import orient

from design_ai.errors import UserError
from design_ai.patterns.model import GARMENTS as MEASURED_GARMENTS
from design_ai.patterns.model import Piece, poms_for

__all__ = [
    "GARMENTS",
    "OPTIONAL_POMS",
    "REQUIRED_POMS",
    "Block",
    "armhole_length_cm",
    "cut_polygon",
    "draft_pieces",
    "polyline_length",
    "resolve_block",
    "solve_cap_height",
]

Point = tuple[float, float]

GARMENTS = tuple(MEASURED_GARMENTS)
"""Garments drafted from the T-shirt block."""

REQUIRED_POMS: dict[str, tuple[str, ...]] = {garment: poms_for(garment) for garment in GARMENTS}
"""The points of measure each garment needs (DESIGN.md definitions, flat, cm)."""

OPTIONAL_POMS = ("shoulder_drop", "armhole_depth", "bicep_width")
"""Measurements used when given, estimated otherwise (see the module docstring)."""

CHEST_BELOW_UNDERARM_CM = 2.5  # where chest_width is measured (DESIGN.md)
MITRE_LIMIT = 4.0  # a mitred corner reaching further than this many allowances is bevelled
NOTCH_PAIR_GAP_CM = 1.0  # distance between the two notches of a double notch
_N_CURVE = 24  # samples per armhole and per sleeve-cap half (about 1 cm apart); a neckline gets 16


@dataclass(frozen=True)
class Block:
    """The resolved measurements of one size, all in cm (see the module docstring)."""

    body_length: float
    chest_width: float
    hem_width: float
    shoulder_width: float
    neck_width: float
    front_neck_drop: float
    shoulder_drop: float
    armhole_depth: float
    sleeve_length: float
    sleeve_opening: float
    bicep_width: float


@dataclass
class _Outline:
    """A sewing line under construction: points, and per edge its allowance and kind."""

    points: list[Point]
    allowances: list[float]
    kinds: list[str]


def resolve_block(garment: str, measurements_cm: dict[str, float]) -> Block:
    """Check the measurements of `garment` and fill in the optional ones; raise UserError naming a bad value."""
    if garment not in GARMENTS:
        raise UserError(f"unknown garment {garment!r}; pieces are drafted for {', '.join(GARMENTS)}")
    for key in REQUIRED_POMS[garment]:
        if key not in measurements_cm:
            raise UserError(f"measurement {key!r} is missing (a {garment} needs {', '.join(REQUIRED_POMS[garment])})")
    m: dict[str, float] = {}
    for key in (*REQUIRED_POMS["tshirt"], *OPTIONAL_POMS):  # other keys are not ours to check
        if key not in measurements_cm:
            continue
        value = measurements_cm[key]
        if not isinstance(value, numbers.Real) or isinstance(value, bool) or not math.isfinite(value):
            raise UserError(f"measurement {key!r} must be a finite number of cm, got {value!r}")
        m[key] = float(value)
    for key in ("body_length", "chest_width", "hem_width", "shoulder_width", "neck_width", "front_neck_drop"):
        if m[key] <= 0:
            raise UserError(f"measurement {key!r} must be positive, got {m[key]} cm")
    sleeved = garment != "tank"
    sleeve_length = float(m.get("sleeve_length", 0.0)) if sleeved else 0.0
    sleeve_opening = float(m.get("sleeve_opening", 0.0)) if sleeved else 0.0
    if sleeved and (sleeve_length <= 0 or sleeve_opening <= 0):
        raise UserError(f"a {garment} needs a positive sleeve_length and sleeve_opening")
    shoulder_drop = float(m.get("shoulder_drop", 0.27 * (m["shoulder_width"] - m["neck_width"]) / 2))
    armhole_depth = float(m.get("armhole_depth", 0.465 * m["chest_width"]))
    bicep = float(m.get("bicep_width", max(0.38 * m["chest_width"], sleeve_opening)))
    if m["neck_width"] >= m["shoulder_width"]:
        raise UserError(f"neck_width {m['neck_width']} cm must be less than shoulder_width {m['shoulder_width']} cm")
    if not 0 <= shoulder_drop < armhole_depth:
        raise UserError(f"shoulder_drop {shoulder_drop:.1f} cm must be in [0, armhole_depth {armhole_depth:.1f} cm)")
    if m["front_neck_drop"] >= armhole_depth:
        raise UserError(
            f"front_neck_drop {m['front_neck_drop']} cm must be less than the armhole depth {armhole_depth:.1f} cm"
        )
    if armhole_depth + CHEST_BELOW_UNDERARM_CM + 1.0 >= m["body_length"]:
        raise UserError(f"body_length {m['body_length']} cm leaves no body below the armhole ({armhole_depth:.1f} cm)")
    if sleeved and bicep <= 0:
        raise UserError(f"bicep_width must be positive, got {bicep} cm")
    return Block(
        body_length=float(m["body_length"]),
        chest_width=float(m["chest_width"]),
        hem_width=float(m["hem_width"]),
        shoulder_width=float(m["shoulder_width"]),
        neck_width=float(m["neck_width"]),
        front_neck_drop=float(m["front_neck_drop"]),
        shoulder_drop=shoulder_drop,
        armhole_depth=armhole_depth,
        sleeve_length=sleeve_length,
        sleeve_opening=sleeve_opening,
        bicep_width=bicep,
    )


# ---------------------------------------------------------------------------------------------------------------
# geometry helpers


def polyline_length(points: Sequence[Point]) -> float:
    """Length of an open polyline, in the points' units."""
    a = np.asarray(points, dtype=float)
    return float(np.hypot(*np.diff(a, axis=0).T).sum()) if len(a) > 1 else 0.0


_T = np.linspace(0.0, 1.0, _N_CURVE)[:, None]
_BERNSTEIN = np.hstack([(1 - _T) ** 3, 3 * (1 - _T) ** 2 * _T, 3 * (1 - _T) * _T**2, _T**3])  # (n, 4)


def _cubic_array(p0: Point, p1: Point, p2: Point, p3: Point) -> np.ndarray:
    """A cubic Bezier sampled at _N_CURVE evenly spaced parameters, as an (n, 2) array."""
    return _BERNSTEIN @ np.array([p0, p1, p2, p3], dtype=float)


def _cubic(p0: Point, p1: Point, p2: Point, p3: Point, n: int = _N_CURVE) -> list[Point]:
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


def _point_at(points: Sequence[Point], s: float) -> tuple[Point, int]:
    """The point at arc length s along a polyline (clamped) and the index of the segment holding it."""
    a = np.asarray(points, dtype=float)
    seg = np.hypot(*np.diff(a, axis=0).T)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    s = min(max(s, 0.0), float(cum[-1]))
    i = int(min(np.searchsorted(cum, s, side="right") - 1, len(seg) - 1))
    f = 0.0 if seg[i] == 0 else (s - cum[i]) / seg[i]
    p = a[i] + f * (a[i + 1] - a[i])
    return (float(p[0]), float(p[1])), i


def _edge_normal(p: Point, q: Point) -> np.ndarray:
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
    a = np.asarray(allowances, dtype=float)
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
    if fast.is_valid and fast.contains(sew_poly):
        return _finish_cut(fast, pts, fold_x0)
    corners = np.stack([pts, c0, mitre, c1], axis=1)[convex]
    quads = np.concatenate([bands, corners]) if len(corners) else bands
    x, y = quads[:, :, 0], quads[:, :, 1]
    area = np.abs((x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y).sum(axis=1)) / 2
    parts = shapely.polygons(quads[area > 1e-10])
    parts = [g if g.is_valid else g.buffer(0) for g in parts]
    parts.append(sew_poly)
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


def _on_cut_line(cut: Sequence[Point], sew_point: Point, normal: np.ndarray, allowance: float) -> Point:
    """Where a notch at `sew_point` meets the cutting line (moved out by the edge's allowance)."""
    ring = LineString([*cut, cut[0]])
    target = shapely.Point(np.asarray(sew_point) + allowance * normal)
    p = ring.interpolate(ring.project(target))
    return (float(p.x), float(p.y))


def _grain_line(sew: Sequence[Point], x: float, *, keep: float = 0.7) -> tuple[Point, Point]:
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


def _horizontal_chord(sew: Sequence[Point], y: float) -> list[Point]:
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


def _armhole(b: Block, scoop: float) -> list[Point]:
    """Armhole from the underarm to the shoulder point (cubic): leaves the underarm horizontally inward and
    reaches the shoulder point square to the shoulder seam. `scoop` sets how far it curves in (front > back)."""
    l_ = b.body_length
    hps = np.array([b.neck_width / 2, l_])
    sp = np.array([b.shoulder_width / 2, l_ - b.shoulder_drop])
    ua = _underarm(b)
    depth = sp[1] - ua[1]
    shoulder_dir = (sp - hps) / np.hypot(*(sp - hps))
    down = np.array([shoulder_dir[1], -shoulder_dir[0]])  # square to the shoulder, pointing down into the armhole
    if down[1] > 0:
        down = -down
    p1 = ua + np.array([-scoop * depth, 0.0])
    p2 = sp + 0.4 * depth * down
    return _cubic(tuple(ua), tuple(p1), tuple(p2), tuple(sp))


def _underarm(b: Block) -> np.ndarray:
    """The underarm point: the straight side seam from the hem corner through the chest point, at the armhole."""
    y_u = b.body_length - b.armhole_depth
    t = CHEST_BELOW_UNDERARM_CM / y_u  # chest line as a fraction of the way from the underarm down to the hem
    x_u = (b.chest_width / 2 - b.hem_width / 2 * t) / (1 - t)
    return np.array([x_u, y_u])


def _neckline(b: Block, drop: float) -> list[Point]:
    """Neckline from the HPS down to the centre, `drop` below the HPS line: a cubic that leaves the HPS square to
    the shoulder seam and meets the centre line (the fold) square, so the neck is smooth across the fold."""
    hps = np.array([b.neck_width / 2, b.body_length])
    sp = np.array([b.shoulder_width / 2, b.body_length - b.shoulder_drop])
    s = (sp - hps) / np.hypot(*(sp - hps))
    square = np.array([s[1], -s[0]])  # the shoulder direction turned clockwise: down and toward the centre
    reach = min(0.55 * drop, 0.6 * hps[0])
    end = (0.0, b.body_length - drop)
    return _cubic(tuple(hps), tuple(hps + reach * square), (0.55 * hps[0], end[1]), end, n=16)


_SCOOP = {"front": 0.25, "back": 0.18}


def _body_outline(b: Block, which: str, neck_drop: float, sa: float, hem: float) -> _Outline:
    ua = _underarm(b)
    if ua[0] <= b.neck_width / 2:
        raise UserError("chest_width and hem_width put the underarm inside the neck: check the measurements")
    arm = _armhole(b, _SCOOP[which])
    neck = _neckline(b, neck_drop)
    points: list[Point] = [(0.0, 0.0), (b.hem_width / 2, 0.0), *arm, *neck]
    kinds = ["hem", "side"] + ["armhole"] * (len(arm) - 1) + ["shoulder"] + ["neck"] * (len(neck) - 1) + ["fold"]
    allow = {"hem": hem, "side": sa, "armhole": sa, "shoulder": sa, "neck": sa, "fold": 0.0}
    return _Outline(points, [allow[k] for k in kinds], kinds)


def _edge_run(outline: _Outline, kind: str) -> list[Point]:
    """The sewing points of the consecutive edges of one kind (e.g. the armhole), in outline order."""
    idx = [i for i, k in enumerate(outline.kinds) if k == kind]
    if not idx:
        return []
    return [outline.points[i] for i in idx] + [outline.points[(idx[-1] + 1) % len(outline.points)]]


def armhole_length_cm(pieces: Sequence[Piece], which: str) -> float:
    """Sewn armhole length of the `front` or `back` piece (the underarm-to-shoulder run of its sewing line)."""
    piece = next(p for p in pieces if p.name == which)
    run = _run_from_annotation(piece, "armhole")
    return polyline_length(run)


def _run_from_annotation(piece: Piece, kind: str) -> list[Point]:
    first, last = (int(v) for v in piece.annotations[f"edges_{kind}"].split(":"))
    return [piece.sew_cm[i % len(piece.sew_cm)] for i in range(first, last + 2)]


def _notches(outline: _Outline, cut: list[Point], kind: str, positions: Sequence[float]) -> list[Point]:
    """Notches on the cutting line at arc lengths `positions` (cm) along the run of edges of `kind`."""
    idx = [i for i, k in enumerate(outline.kinds) if k == kind]
    run = _edge_run(outline, kind)
    out = []
    for s in positions:
        p, seg = _point_at(run, s)
        i = idx[seg]
        normal = _edge_normal(outline.points[i], outline.points[(i + 1) % len(outline.points)])
        out.append(_on_cut_line(cut, p, normal, outline.allowances[i]))
    return out


def _annotate_runs(outline: _Outline) -> dict[str, str]:
    """Record where each edge kind starts and ends ("first:last" edge index), so others can find the runs."""
    out: dict[str, str] = {}
    for kind in dict.fromkeys(outline.kinds):
        idx = [i for i, k in enumerate(outline.kinds) if k == kind]
        out[f"edges_{kind}"] = f"{idx[0]}:{idx[-1]}"
    return out


def _body_piece(b: Block, which: str, size: str, neck_drop: float, sa: float, hem: float) -> Piece:
    o = _body_outline(b, which, neck_drop, sa, hem)
    if not Polygon(o.points).is_valid:
        raise UserError(f"the measurements give a self-intersecting {which} piece: check shoulder and neck widths")
    cut = cut_polygon(o.points, o.allowances, fold_x0=True)
    arm = polyline_length(_edge_run(o, "armhole"))
    if which == "front":
        notches = _notches(o, cut, "armhole", [arm / 2])
    else:
        notches = _notches(o, cut, "armhole", [arm / 2 - NOTCH_PAIR_GAP_CM / 2, arm / 2 + NOTCH_PAIR_GAP_CM / 2])
    grain = _grain_line(o.points, 0.4 * min(b.chest_width, b.hem_width) / 2)
    internal = []
    stitch = _horizontal_chord(o.points, max(hem - 0.5, 0.5))
    if hem > 0 and stitch:
        internal.append(stitch)
    return Piece(
        name=which,
        size=size,
        cut=1,
        on_fold=True,
        sew_cm=o.points,
        cut_cm=cut,
        seam_allowance_cm=o.allowances,
        grain_cm=grain,
        notches_cm=notches,
        internal_cm=internal,
        annotations={
            "category": "SELF",
            "note": "CUT 1 ON FOLD",
            "fold": "x=0",
            "internal": "hem stitch line" if internal else "",
            **_annotate_runs(o),
        },
    )


def _cap_half(w: float, yb: float, h: float, scoop: float, sign: float) -> list[Point]:
    """One half of the sleeve cap, from the bicep point (sign * w, yb) to the cap top (0, yb + h): an S-curve
    leaving the bicep horizontally toward the centre and reaching the top horizontally."""
    return _cubic((sign * w, yb), (sign * w * (1 - scoop), yb), (sign * 0.5 * w, yb + h), (0.0, yb + h))


def _cap_length(w: float, yb: float, h: float) -> tuple[float, float]:
    """Sewn lengths of the front and back cap halves (as sampled), cm."""
    out = []
    for scoop in (_SCOOP["front"], _SCOOP["back"]):
        pts = _cubic_array((w, yb), (w * (1 - scoop), yb), (0.5 * w, yb + h), (0.0, yb + h))
        out.append(float(np.hypot(*np.diff(pts, axis=0).T).sum()))
    return out[0], out[1]


def solve_cap_height(bicep_half_width: float, target_cm: float, *, tol: float = 1e-4) -> float:
    """Cap height (cm) whose sewn cap (front + back halves, as sampled) is `target_cm` long, by bisection.

    The cap length grows monotonically with the height for a fixed bicep; the caller makes sure the bicep is
    narrow enough for the target (a flat cap is about 2 x the bicep half width long).
    """
    lo, hi = 1e-3, max(target_cm, 1.0)
    if sum(_cap_length(bicep_half_width, 0.0, lo)) > target_cm:
        raise ValueError("the bicep is too wide for the armhole: no cap height fits")
    while sum(_cap_length(bicep_half_width, 0.0, hi)) < target_cm:
        hi *= 2
    while hi - lo > tol:
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if sum(_cap_length(bicep_half_width, 0.0, mid)) < target_cm else (lo, mid)
    return (lo + hi) / 2


def _sleeve_piece(b: Block, size: str, front: Piece, back: Piece, sa: float, hem: float, ease: float) -> Piece:
    arm_f, arm_b = armhole_length_cm([front], "front"), armhole_length_cm([back], "back")
    target = arm_f + arm_b + ease
    # a flat cap is ~2w long: keep the bicep narrow enough that the cap has some height (>= ~25 % of the bicep)
    w = min(b.bicep_width, 0.45 * target)
    h = solve_cap_height(w, target)
    yb = b.sleeve_length - h
    if yb < 2.0:
        raise UserError(
            f"sleeve_length {b.sleeve_length:.1f} cm is too short for the sleeve cap ({h:.1f} cm high): "
            "check sleeve_length and the armhole"
        )
    cap_f = _cap_half(w, yb, h, _SCOOP["front"], 1.0)
    cap_b = _cap_half(w, yb, h, _SCOOP["back"], -1.0)[::-1]  # top -> back bicep
    so = b.sleeve_opening
    points: list[Point] = [(-so, 0.0), (so, 0.0), *cap_f, *cap_b[1:]]
    kinds = ["hem", "underarm_front"] + ["cap"] * (len(cap_f) - 1 + len(cap_b) - 1) + ["underarm_back"]
    allow = {"hem": hem, "underarm_front": sa, "cap": sa, "underarm_back": sa}
    o = _Outline(points, [allow[k] for k in kinds], kinds)
    if not Polygon(points).is_valid:
        raise UserError("the measurements give a self-intersecting sleeve: check sleeve_opening and sleeve_length")
    cut = cut_polygon(points, o.allowances)
    len_f, len_b = polyline_length(cap_f), polyline_length(cap_b)
    rf, rb = len_f / arm_f, len_b / arm_b  # ease spread in proportion to each half
    g = NOTCH_PAIR_GAP_CM / 2
    # along the cap run (front bicep -> top -> back bicep): front notch, shoulder notch, back double notch
    positions = [rf * arm_f / 2, len_f, len_f + len_b - rb * (arm_b / 2 + g), len_f + len_b - rb * (arm_b / 2 - g)]
    notches = _notches(o, cut, "cap", positions)
    grain = _grain_line(points, 0.0)
    internal = []
    stitch = _horizontal_chord(points, max(hem - 0.5, 0.5))
    if hem > 0 and stitch:
        internal.append(stitch)
    return Piece(
        name="sleeve",
        size=size,
        cut=2,
        on_fold=False,
        sew_cm=points,
        cut_cm=cut,
        seam_allowance_cm=o.allowances,
        grain_cm=grain,
        notches_cm=notches,
        internal_cm=internal,
        annotations={
            "category": "SELF",
            "note": "CUT 2 (1 PAIR)",
            "cap_height_cm": f"{h:.2f}",
            "bicep_width_cm": f"{w:.2f}",
            "cap_length_cm": f"{len_f + len_b:.2f}",
            "armhole_length_cm": f"{arm_f + arm_b:.2f}",
            "internal": "hem stitch line" if internal else "",
            **_annotate_runs(o),
        },
    )


def _band_piece(
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
    o = _Outline(points, [sa] * 4, kinds)
    cut = cut_polygon(points, o.allowances)
    notches = _notches(o, cut, "join", list(marks))
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
            **_annotate_runs(o),
        },
    )


def draft_pieces(
    garment: str,
    measurements_cm: dict[str, float],
    *,
    size: str,
    back_neck_drop_cm: float = 2.0,
    seam_allowance_cm: float = 1.0,
    hem_allowance_cm: float = 2.5,
    sleeve_ease_cm: float = 1.0,
    rib_ratio: float = 0.8,
    neckband_width_cm: float = 2.0,
) -> list[Piece]:
    """The pattern pieces of one size of `garment` (tshirt, longsleeve or tank), drafted from its measurements.

    Returns front, back, sleeve (not for a tank), neckband and, for a tank, the armband, in that order. All
    lengths in cm; see the module docstring for coordinates and how each piece is built. Raises UserError for an
    unknown garment, a missing or implausible measurement, or an option out of range (named in the message).
    """
    if not seam_allowance_cm >= 0:
        raise UserError(f"seam allowance must be >= 0 cm, got {seam_allowance_cm}")
    if not hem_allowance_cm >= 0:
        raise UserError(f"hem allowance must be >= 0 cm, got {hem_allowance_cm}")
    if not sleeve_ease_cm >= 0:
        raise UserError(f"sleeve ease must be >= 0 cm, got {sleeve_ease_cm}")
    if not 0.5 <= rib_ratio <= 1.0:
        raise UserError(f"rib ratio must be in [0.5, 1.0], got {rib_ratio}")
    if not neckband_width_cm > 0:
        raise UserError(f"neckband width must be > 0 cm, got {neckband_width_cm}")
    b = resolve_block(garment, measurements_cm)
    if not 0 <= back_neck_drop_cm < b.armhole_depth:
        raise UserError(f"back neck drop must be in [0, {b.armhole_depth:.1f}) cm, got {back_neck_drop_cm}")
    sa, hem = seam_allowance_cm, hem_allowance_cm
    front = _body_piece(b, "front", size, b.front_neck_drop, sa, hem)
    back = _body_piece(b, "back", size, back_neck_drop_cm, sa, hem)
    pieces = [front, back]
    if garment != "tank":
        pieces.append(_sleeve_piece(b, size, front, back, sa, hem, sleeve_ease_cm))
    neck_f = polyline_length(_neckline(b, b.front_neck_drop))
    neck_b = polyline_length(_neckline(b, back_neck_drop_cm))
    neckline = 2 * (neck_f + neck_b)
    r = rib_ratio
    pieces.append(
        _band_piece(
            "neckband",
            size,
            neckline * r,
            neckband_width_cm,
            sa,
            1,
            [r * neck_b, r * (neck_b + neck_f), r * (neck_b + 2 * neck_f)],
            f"CUT 1, JOIN AT CB; NECKLINE {neckline:.1f} CM x {r:g}",
        )
    )
    if garment == "tank":
        arm = armhole_length_cm(pieces, "front") + armhole_length_cm(pieces, "back")
        pieces.append(
            _band_piece(
                "armband",
                size,
                arm * r,
                neckband_width_cm,
                sa,
                2,
                [r * armhole_length_cm(pieces, "back")],
                f"CUT 2, JOIN AT UNDERARM; ARMHOLE {arm:.1f} CM x {r:g}",
            )
        )
    return pieces
