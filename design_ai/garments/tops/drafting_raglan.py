"""Raglan tops: front and back cut along the raglan line, and the raglan sleeve that carries the shoulder.

Conventions as in `design_ai.garments.tops.drafting` (cm, +y up the garment, hem or band seam of a body piece
and the end of a sleeve at y = 0, sewing lines counter-clockwise).

How the pieces are drafted, the way a pattern maker turns a set-in block into a raglan:

1. The set-in block is drafted first (`drafting.Block`; a raglan has no `shoulder_width` POM, so the block's
   shoulder point is estimated: `drafting.RAGLAN_SHOULDER_SHARE`). On the front and on the back the raglan line
   runs from the armhole, `RAGLAN_ARMHOLE_SHARE` of its length above the underarm (FreeSewing Hugo's "armhole
   hollow", about 4 cm up), to the neckline, `RAGLAN_NECK_SHARE` of the neckline's length from the HPS (Hugo:
   0.2 front, 0.3 back): a cubic that leaves the armhole along it and runs straight over its upper two thirds.
   The body keeps what lies below the line; its **raglan edge** is the lower armhole (underarm to the raglan
   point) and the raglan line. There is no shoulder seam.
2. The shoulder section above the line (between the raglan line, the upper armhole, the shoulder line and the
   neckline) moves to the sleeve. A set-in sleeve is drafted for the whole armhole (no ease: a raglan seam
   joins equal lengths), its cap top at `sleeve_length` minus the shoulder run (HPS to shoulder point) minus
   the cuff, and each section is pivoted onto it (the classic block method, e.g. Aldrich's): its shoulder
   point on the cap top, its upper-armhole chord laid along the cap's chord of the same sewn length. The front
   section lies on the sleeve's front half (x > 0, mirrored: the body pieces are drafted as one half), the
   back section on the back half (x < 0).
3. The sleeve's **raglan edges** are then each section's raglan line (a rigid copy, so the same length) and,
   below it, an underarm curve from the sleeve's bicep point (the set-in sleeve's, both halves at one height
   so that the underarm seam closes) whose length is solved to the body's lower armhole. Front and back
   raglan edges therefore equal the body's in length (to the solver's 1e-4 cm); the notches are at half their
   length from the underarm: single on the front, double (1 cm apart) on the back, on body and sleeve alike.
4. The sleeve's top runs over the shoulder. Where the two sections' shoulder lines meet at the cap top they
   leave a wedge between them, the shoulder shape a set-in sleeve gets from its shoulder seam: a pattern maker
   takes it out as a **shoulder dart** on a one-piece sleeve (the default, `raglan_shoulder="dart"`), running
   from the neck edge to the shoulder point, the sleeve's top edge measuring the shoulder run plus the arm. On
   a knit (sweatshirt fleece, jersey) the dart is cut out and closed with the overlock like a short seam, so
   its wedge is part of the sewing line and gets seam allowance. `raglan_shoulder="seam"` instead splits the
   sleeve along its centre line into a front and a back sleeve joined by an overarm seam from the neck to the
   end (the two-piece raglan sleeve). A wedge that comes out narrower than `MIN_DART_DEG` is left out: the
   sleeve is then a dartless one-piece raglan (FreeSewing Hugo's kind).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from shapely.geometry import Polygon

from design_ai.errors import UserError
from design_ai.garments.tops.drafting import (
    _SCOOP,
    Block,
    _armhole,
    _cap_half,
    _neckline,
    _underarm,
    solve_cap_height,
)
from design_ai.patterns.model import Piece
from design_ai.patterns.pieces import (
    NOTCH_PAIR_GAP_CM,
    Outline,
    Point,
    annotate_runs,
    cubic,
    cubic_array,
    cut_polygon,
    grain_line,
    hem_stitch,
    notches_at,
    point_at,
    polyline_length,
)

__all__ = [
    "MIN_DART_DEG",
    "RAGLAN_ARMHOLE_SHARE",
    "RAGLAN_NECK_SHARE",
    "RaglanHalf",
    "raglan_body",
    "raglan_sleeves",
    "split_polyline",
]

RAGLAN_ARMHOLE_SHARE = 0.2
"""The raglan line leaves the armhole this share of the armhole's length above the underarm."""
RAGLAN_NECK_SHARE = {"front": 0.2, "back": 0.3}
"""The raglan line meets the neckline this share of the neckline's length from the HPS (FreeSewing Hugo)."""
MIN_DART_DEG = 1.0
"""A shoulder wedge narrower than this (degrees) is no dart: the sleeve is drafted without one."""


@dataclass(frozen=True)
class RaglanHalf:
    """One body piece's raglan geometry in the body frame (x >= 0 half): what the sleeve is built from."""

    which: str  # front | back
    lower: list[Point]  # lower armhole, underarm -> raglan point: stays on the body
    line: list[Point]  # raglan line, raglan point -> neckline
    upper: list[Point]  # upper armhole, raglan point -> shoulder point: goes to the sleeve
    neck_sleeve: list[Point]  # neckline HPS -> raglan tip: goes to the sleeve
    neck_body: list[Point]  # neckline raglan tip -> centre: stays on the body
    sp: Point
    hps: Point

    @property
    def raglan(self) -> list[Point]:
        """The body's raglan edge: underarm -> raglan point -> neckline."""
        return [*self.lower, *self.line[1:]]


def split_polyline(points: list[Point], s: float) -> tuple[list[Point], list[Point]]:
    """The polyline cut at arc length `s` (0 < s < length): (start .. cut point, cut point .. end)."""
    p, i = point_at(points, s)
    head = [*points[: i + 1], p]
    tail = [p, *points[i + 1 :]]
    if math.dist(head[-2], p) < 1e-9:
        head.pop(-2)
    if math.dist(tail[1], p) < 1e-9:
        tail.pop(1)
    return head, tail


def _unit(v: np.ndarray) -> np.ndarray:
    return v / float(np.hypot(*v))


def raglan_half(b: Block, which: str, neck_drop: float) -> RaglanHalf:
    """The raglan line of the front or back half of block `b` (see the module docstring, step 1)."""
    arm = _armhole(b, _SCOOP[which])  # underarm -> shoulder point
    neck = _neckline(b, neck_drop)  # HPS -> centre
    lower, upper = split_polyline(arm, RAGLAN_ARMHOLE_SHARE * polyline_length(arm))
    neck_sleeve, neck_body = split_polyline(neck, RAGLAN_NECK_SHARE[which] * polyline_length(neck))
    a, r = np.array(lower[-1]), np.array(neck_body[0])
    chord = float(np.hypot(*(r - a)))
    tangent = _unit(np.array(upper[1]) - a)  # the armhole's direction at the raglan point, going up
    line = cubic(tuple(a), tuple(a + 0.3 * chord * tangent), tuple(r + (a - r) / 3), tuple(r))
    return RaglanHalf(which, lower, line, upper, neck_sleeve, neck_body, arm[-1], neck[0])


def raglan_body(
    b: Block, which: str, size: str, neck_drop: float, sa: float, lower_allow: float, lower: str = "hem"
) -> tuple[Piece, RaglanHalf]:
    """The front or back of a raglan top, cut 1 on the fold, and its raglan geometry for the sleeve.

    Edges: `lower` (hem, or the band seam of a banded top; allowance `lower_allow`), side, raglan (underarm to
    the neckline), neck, fold. Notches on the raglan edge at half its length: single front, double back."""
    ua = _underarm(b)
    if ua[0] <= b.neck_width / 2:
        raise UserError("chest_width and hem_width put the underarm inside the neck: check the measurements")
    half = raglan_half(b, which, neck_drop)
    run = half.raglan
    points: list[Point] = [(0.0, 0.0), (b.hem_width / 2, 0.0), *run, *half.neck_body[1:]]
    kinds = [lower, "side"] + ["raglan"] * (len(run) - 1) + ["neck"] * (len(half.neck_body) - 1) + ["fold"]
    allow = {lower: lower_allow, "side": sa, "raglan": sa, "neck": sa, "fold": 0.0}
    o = Outline(points, [allow[k] for k in kinds], kinds)
    if not Polygon(points).is_valid:
        raise UserError(f"the measurements give a self-intersecting {which} piece: check chest and neck widths")
    cut = cut_polygon(points, o.allowances, fold_x0=True)
    length = polyline_length(run)
    g = NOTCH_PAIR_GAP_CM / 2
    notches = notches_at(o, cut, "raglan", [length / 2] if which == "front" else [length / 2 - g, length / 2 + g])
    internal = hem_stitch(points, lower, lower_allow)
    piece = Piece(
        name=which,
        size=size,
        cut=1,
        on_fold=True,
        sew_cm=points,
        cut_cm=cut,
        seam_allowance_cm=o.allowances,
        grain_cm=grain_line(points, 0.4 * min(b.chest_width, b.hem_width) / 2),
        notches_cm=notches,
        internal_cm=internal,
        annotations={
            "category": "SELF",
            "note": "CUT 1 ON FOLD",
            "fold": "x=0",
            "internal": "hem stitch line" if internal else "",
            "raglan_length_cm": f"{length:.2f}",
            **annotate_runs(o),
        },
    )
    return piece, half


# ---------------------------------------------------------------------------------------------------------------
# the sleeve


def _rotation(angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s], [s, c]])


def _angle(v: np.ndarray) -> float:
    return math.atan2(float(v[1]), float(v[0]))


@dataclass(frozen=True)
class _Placed:
    """A shoulder section pivoted onto the sleeve: its raglan line, neck part and HPS in the sleeve frame."""

    line: np.ndarray  # raglan point -> neckline
    neck: np.ndarray  # HPS -> raglan tip
    hps: np.ndarray
    lower_length: float  # the body's lower armhole, which the sleeve's underarm curve must match


def _place(half: RaglanHalf, apex: np.ndarray, cap_point: np.ndarray, mirror: bool) -> tuple[np.ndarray, np.ndarray]:
    """(rotation matrix incl. mirror, translation) taking the body frame to the sleeve frame: shoulder point on the
    apex, the section's upper-armhole chord (shoulder point -> raglan point) along apex -> `cap_point`."""
    s = np.diag([-1.0, 1.0]) if mirror else np.eye(2)
    sp = np.asarray(half.sp)
    chord = s @ (np.asarray(half.upper[0]) - sp)
    rot = _rotation(_angle(cap_point - apex) - _angle(chord)) @ s
    return rot, apex - rot @ sp


def _apply(m: tuple[np.ndarray, np.ndarray], points: list[Point] | Point) -> np.ndarray:
    rot, shift = m
    return np.asarray(points, dtype=float) @ rot.T + shift


def _underarm_curve(u: np.ndarray, a: np.ndarray, t: np.ndarray, side: float, c: float) -> np.ndarray:
    """Underarm curve of the sleeve from its bicep point `u` to the raglan point `a`: leaves `u` level toward the
    centre, arrives at `a` along the raglan line's direction `t`; `c` sets how full it is."""
    d = float(np.hypot(*(a - u)))
    return cubic_array(tuple(u), tuple(u + np.array([-side * c * d, 0.0])), tuple(a - c * d * t), tuple(a))


def _curve_length(u: np.ndarray, a: np.ndarray, t: np.ndarray, side: float, c: float) -> float:
    pts = _underarm_curve(u, a, t, side, c)
    return float(np.hypot(*np.diff(pts, axis=0).T).sum())


_C_RANGE = (0.02, 0.9)


def _solve_fullness(u: np.ndarray, a: np.ndarray, t: np.ndarray, side: float, target: float) -> float | None:
    """The fullness `c` whose underarm curve is `target` long, or None when none in _C_RANGE is."""
    lo, hi = _C_RANGE
    if not _curve_length(u, a, t, side, lo) <= target <= _curve_length(u, a, t, side, hi):
        return None
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _curve_length(u, a, t, side, mid) < target else (lo, mid)
    return (lo + hi) / 2


def _bicep_height(placed: dict[str, _Placed], w: float, y_ref: float) -> float:
    """One bicep height for both halves at which each underarm curve can match its body's lower armhole: the
    set-in sleeve's (`y_ref`) when it can, else the nearest that can (searched between the end and the raglan
    points)."""
    sides = {"front": 1.0, "back": -1.0}

    def ok(y: float) -> bool:
        for which, p in placed.items():
            side = sides[which]
            u = np.array([side * w, y])
            t = _unit(p.line[1] - p.line[0])
            if _solve_fullness(u, p.line[0], t, side, p.lower_length) is None:
                return False
        return True

    if ok(y_ref):
        return y_ref
    top = min(float(p.line[0][1]) for p in placed.values()) - 0.05
    for k in range(1, 400):  # walk away from y_ref in 0.1 cm steps, both ways
        for y in (y_ref + 0.1 * k, y_ref - 0.1 * k):
            if 0.5 < y < top and ok(y):
                return y
    raise UserError("the raglan sleeve cannot match the armhole: check chest_width, sleeve_opening and sleeve_length")


def raglan_sleeves(
    b: Block,
    size: str,
    halves: dict[str, RaglanHalf],
    arm_length: float,
    sa: float,
    lower_allow: float,
    lower: str = "hem",
    shoulder: str = "dart",
) -> list[Piece]:
    """The raglan sleeve (`shoulder="dart"`: one piece with a shoulder dart, cut 2) or the front and back
    sleeves (`shoulder="seam"`: an overarm seam, each cut 2), see the module docstring.

    `arm_length`: from the shoulder point (the cap top) to the sleeve's end along the centre line, cm;
    `b.sleeve_opening`: the sleeve end's flat width; `lower`: "hem" or "cuff" (the seam to the cuff)."""
    # 1. the set-in sleeve for the whole armhole (no ease): its cap carries the shoulder sections
    arm = {k: polyline_length(h.lower) + polyline_length(h.upper) for k, h in halves.items()}
    target = arm["front"] + arm["back"]
    w = min(b.bicep_width, 0.45 * target)
    h = solve_cap_height(w, target)
    y_ref = arm_length - h
    if y_ref < 2.0:
        raise UserError(
            f"sleeve_length leaves {arm_length:.1f} cm of sleeve below the shoulder point, too short for the raglan "
            f"sleeve's underarm ({h:.1f} cm): check sleeve_length"
        )
    apex = np.array([0.0, arm_length])
    cap = {"front": _cap_half(w, y_ref, h, _SCOOP["front"], 1.0), "back": _cap_half(w, y_ref, h, _SCOOP["back"], -1.0)}
    # 2. pivot each shoulder section onto the cap (front mirrored onto x > 0, back onto x < 0)
    placed: dict[str, _Placed] = {}
    for which, half in halves.items():
        cap_len = polyline_length(cap[which])
        along = polyline_length(half.upper) * cap_len / arm[which]  # the cap's share of the upper armhole
        cap_point, _ = point_at(cap[which], cap_len - along)  # counted from the bicep end
        m = _place(half, apex, np.asarray(cap_point), mirror=which == "front")
        placed[which] = _Placed(
            _apply(m, half.line), _apply(m, half.neck_sleeve), _apply(m, half.hps), polyline_length(half.lower)
        )
    # 3. the wedge between the shoulder lines: the dart
    leg_f, leg_b = placed["front"].hps - apex, placed["back"].hps - apex
    wedge = math.degrees(_angle(leg_b) - _angle(leg_f))
    if wedge < 0:
        raise UserError("the shoulder sections overlap on the raglan sleeve: check sleeve_length and chest_width")
    dart = wedge >= MIN_DART_DEG
    if not dart:  # close the sliver: both shoulder lines on the centre line
        for which in ("front", "back"):
            p = placed[which]
            leg = p.hps - apex
            rot = _rotation(_angle(np.array([0.0, 1.0])) - _angle(leg))
            placed[which] = _Placed(
                (p.line - apex) @ rot.T + apex, (p.neck - apex) @ rot.T + apex, rot @ leg + apex, p.lower_length
            )
    # 4. the underarm curves, both from one bicep height
    y_b = _bicep_height(placed, w, y_ref)
    curves: dict[str, np.ndarray] = {}
    for which, side in (("front", 1.0), ("back", -1.0)):
        p = placed[which]
        u = np.array([side * w, y_b])
        t = _unit(p.line[1] - p.line[0])
        c = _solve_fullness(u, p.line[0], t, side, p.lower_length)
        assert c is not None  # _bicep_height made sure
        curves[which] = _underarm_curve(u, p.line[0], t, side, c)
    pf, pb = placed["front"], placed["back"]
    raglan_f = np.vstack([curves["front"], pf.line[1:]])  # underarm -> neckline
    raglan_b = np.vstack([curves["back"], pb.line[1:]])
    neck_f = pf.neck[::-1]  # raglan tip -> HPS
    neck_b = pb.neck  # HPS -> raglan tip
    so = b.sleeve_opening
    lengths = {"front": polyline_length(_pts(raglan_f)), "back": polyline_length(_pts(raglan_b))}
    dart_cm = float(np.hypot(*(pf.hps - pb.hps)))
    common = {
        "bicep_width_cm": f"{w:.2f}",
        "raglan_front_cm": f"{lengths['front']:.2f}",
        "raglan_back_cm": f"{lengths['back']:.2f}",
        "shoulder": ("dart" if dart else "none") if shoulder == "dart" else "seam",
        "dart_width_cm": f"{dart_cm:.2f}" if dart else "0.00",
    }
    if shoulder == "dart":
        top = _pts(neck_f) + ([tuple(apex)] if dart else []) + _pts(neck_b)
        points = [(-so, 0.0), (so, 0.0), *_pts(raglan_f), *top[1:], *_pts(raglan_b[::-1])[1:]]
        n_neck_f = len(neck_f) - 1
        kinds = (
            [lower, "underarm_front"]
            + ["raglan_front"] * (len(raglan_f) - 1)
            + ["neck_front"] * n_neck_f
            + (["dart_front", "dart_back"] if dart else [])
            + ["neck_back"] * (len(neck_b) - 1)
            + ["raglan_back"] * (len(raglan_b) - 1)
            + ["underarm_back"]
        )
        if not dart:  # the two HPS coincide: one point, not two
            del points[2 + len(raglan_f) - 1 + n_neck_f]
        piece = _sleeve_piece("sleeve", "CUT 2 (1 PAIR)", size, points, kinds, sa, lower_allow, lower, 0.0, lengths)
        return [_with(piece, common)]
    # seam: split along the centre line
    front = [(0.0, 0.0), (so, 0.0), *_pts(raglan_f), *_pts(neck_f)[1:], tuple(apex)]
    kinds_f = (
        [lower, "underarm_front"]
        + ["raglan_front"] * (len(raglan_f) - 1)
        + ["neck_front"] * (len(neck_f) - 1)
        + ["overarm", "overarm"]
    )
    back = [(-so, 0.0), (0.0, 0.0), tuple(apex), *_pts(neck_b), *_pts(raglan_b[::-1])[1:]]
    kinds_b = (
        [lower, "overarm", "overarm"]
        + ["neck_back"] * (len(neck_b) - 1)
        + ["raglan_back"] * (len(raglan_b) - 1)
        + ["underarm_back"]
    )
    pieces = [
        _sleeve_piece("sleeve_front", "CUT 2 (1 PAIR)", size, front, kinds_f, sa, lower_allow, lower, so / 2, lengths),
        _sleeve_piece("sleeve_back", "CUT 2 (1 PAIR)", size, back, kinds_b, sa, lower_allow, lower, -so / 2, lengths),
    ]
    return [_with(p, common) for p in pieces]


def _pts(a: np.ndarray) -> list[Point]:
    return [(float(x), float(y)) for x, y in np.asarray(a, dtype=float)]


def _with(piece: Piece, extra: dict[str, str]) -> Piece:
    return replace(piece, annotations={**piece.annotations, **extra})


def _sleeve_piece(
    name: str,
    note: str,
    size: str,
    points: list[Point],
    kinds: list[str],
    sa: float,
    lower_allow: float,
    lower: str,
    grain_x: float,
    lengths: dict[str, float],
) -> Piece:
    allow = {k: (lower_allow if k == lower else sa) for k in kinds}
    o = Outline(points, [allow[k] for k in kinds], kinds)
    poly = Polygon(points)
    if not poly.is_valid or not poly.exterior.is_ccw:
        raise UserError("the measurements give a self-intersecting raglan sleeve: check sleeve_length and chest_width")
    cut = cut_polygon(points, o.allowances)
    g = NOTCH_PAIR_GAP_CM / 2
    notches: list[Point] = []
    if "raglan_front" in kinds:
        notches += notches_at(o, cut, "raglan_front", [lengths["front"] / 2])
    if "raglan_back" in kinds:  # run from the neckline down: the same pair, symmetric about the middle
        notches += notches_at(o, cut, "raglan_back", [lengths["back"] / 2 - g, lengths["back"] / 2 + g])
    if "overarm" in kinds:  # the shoulder point, where the overarm seam bends
        notches += notches_at(o, cut, "overarm", [_overarm_apex(o)])
    internal = hem_stitch(points, lower, lower_allow)
    return Piece(
        name=name,
        size=size,
        cut=2,
        on_fold=False,
        sew_cm=points,
        cut_cm=cut,
        seam_allowance_cm=o.allowances,
        grain_cm=grain_line(points, grain_x),
        notches_cm=notches,
        internal_cm=internal,
        annotations={
            "category": "SELF",
            "note": note,
            "internal": "hem stitch line" if internal else "",
            **annotate_runs(o),
        },
    )


def _overarm_apex(o: Outline) -> float:
    """Arc length along the overarm run to its middle vertex (the shoulder point)."""
    idx = [i for i, k in enumerate(o.kinds) if k == "overarm"]
    return math.dist(o.points[idx[0]], o.points[idx[0] + 1])
