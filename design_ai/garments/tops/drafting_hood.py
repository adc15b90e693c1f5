"""The hood and the kangaroo pocket of a hoodie (any top may have the pocket).

Conventions as in `design_ai.garments.tops.drafting` (cm, +y up, sewing lines counter-clockwise).

**Hood** (`hood_pieces`): two hood sides (cut 2, a mirrored pair) joined by a centre seam from the face
opening over the crown to the centre-back neck, or, with `centre_panel`, two sides and a centre panel (a strip
from the face opening to the back neck, cut 1) between them. A hood side lies with its neck edge along the
bottom, the face edge on the right (+x) and the centre seam round the top and back:

- Neck edge: from the centre-back neck (0, 0) to the centre front, sewn length = half the neckline (front +
  back, both read off the body and, for a raglan, the sleeves) + half the front overlap, less half the centre
  panel's width where there is one. Its front end lies (front neck drop - back neck drop) lower than its back
  end (FreeSewing's "neck cutout delta"), both ends level (a cubic), and its horizontal reach is solved so the
  sewn length is exact. `overlap_cm` = 0 (the default) makes the face edges meet edge to edge at the centre
  front neck; a crossover hood overlaps them by `overlap_cm` there (a notch marks the centre front).
- Height: the front view shows the hood standing on the HPS line, so its top `hood_height` above that line is
  taken as the side's height above its neck edge (the back neck's drop below the HPS line is not added: the
  hood's neck edge runs level from the back to the shoulder, as in FreeSewing's hood).
- Depth (face edge to the fullest point of the back of the hood): a front view does not show it, so it is an
  estimate: `HOOD_DEPTH_SHARE` x `hood_width` (the hood's widest extent across the front view). The bundled men's
  M hoodie flat (30 cm wide, 20 cm neck) then gets a 25.5 cm deep hood side whose back stands 2.3 cm behind its
  centre-back neck (FreeSewing Hugo's two-part hood for a 60 cm head: 22.7 cm deep over a 21 cm neck edge, 1.7 cm
  behind it). It is never less than the neck edge's reach plus `HOOD_BACK_MIN_CM`; `depth_cm` overrides it. With
  a centre panel each side is half the panel's width shallower, so the hood's girth stays the same.
- Face edge: straight up from the centre-front neck to `HOOD_OPENING_TOP_CM` below the top, where it meets the
  centre seam square; it is turned back into the drawcord channel (`channel_cm` wide, turned under 1 cm: its
  allowance is `channel_cm` + 1, a hem), with the channel's stitch line drawn and an eyelet mark (a cross) in
  the channel `EYELET_ABOVE_NECK_CM` above the neck seam on each side.
- Centre seam: from the face edge's top back over the crown (its highest point exactly `hood_height` up), round
  the back of the head (its fullest point `HOOD_FULLEST_AT` of the height up) and down to the back neck.
  Notches: the crown's top on the centre seam; on the neck edge where the body's seams arrive (HPS, or the
  raglan seams) and the centre front with an overlap.

**Kangaroo pocket** (`kangaroo_pocket`): a pouch cut 1 on the fold, in the proportions the bundled hoodie flat
is drawn with (`design_ai.garments.tops.flat`): its bottom `POCKET_BOTTOM_SHARE` and its top `POCKET_TOP_SHARE`
of the front's width at its lower edge, `POCKET_HEIGHT_SHARE` of the way up to the underarm, the slanted hand
openings over the top `POCKET_OPENING_SHARE` of its height. On a banded top it stands on the band seam and its
lower edge is caught in it (seam allowance); otherwise it sits `POCKET_ABOVE_HEM_CM` above the hem and its lower
edge is turned under. Sides and top are turned under and topstitched (seam allowance), the openings hemmed
(hem allowance). Its sewing line is drawn on the front as placement lines.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from shapely.geometry import Polygon

from design_ai.errors import UserError
from design_ai.patterns.model import Piece
from design_ai.patterns.pieces import (
    Outline,
    Point,
    annotate_runs,
    cubic,
    cubic_array,
    cut_polygon,
    edge_run,
    grain_line,
    notches_at,
    polyline_length,
)

__all__ = [
    "DRAWCORD_HANG_CM",
    "EYELET_ABOVE_NECK_CM",
    "HOOD_BACK_MIN_CM",
    "HOOD_DEPTH_SHARE",
    "HOOD_FULLEST_AT",
    "HOOD_OPENING_TOP_CM",
    "MIN_HOOD_HEIGHT_CM",
    "POCKET_ABOVE_HEM_CM",
    "POCKET_BOTTOM_SHARE",
    "POCKET_HEIGHT_SHARE",
    "POCKET_OPENING_SHARE",
    "POCKET_TOP_SHARE",
    "hood_pieces",
    "kangaroo_pocket",
]

HOOD_DEPTH_SHARE = 0.85
"""Hood side depth (face edge to the back's fullest point) as a share of the front view's `hood_width`."""
MIN_HOOD_HEIGHT_CM = 15.0
"""A hood lower than this above the HPS line cannot go over a head (a child's hood stands about 22 cm)."""
HOOD_BACK_MIN_CM = 1.5
"""The back of the hood stands at least this far behind the centre-back neck."""
HOOD_FULLEST_AT = 0.45
"""The back of the hood is fullest this share of the hood's height above the neck edge."""
HOOD_OPENING_TOP_CM = 4.0
"""The face opening's top is this far below the hood's top (as the bundled hoodie flat draws it)."""
EYELET_ABOVE_NECK_CM = 4.0
"""Drawcord eyelets: this far above the neck seam, in the middle of the channel (as the bundled flat)."""
DRAWCORD_HANG_CM = 27.0
"""Drawcord out of each eyelet to its tip (the bundled flat: 24 cm to the aglet, 3 cm of aglet)."""
CHANNEL_TURN_UNDER_CM = 1.0
"""The face edge's allowance is the channel's width plus this, turned under."""
EYELET_MARK_CM = 0.6
"""Half the arm of an eyelet's placement cross."""

POCKET_TOP_SHARE = 0.48
POCKET_BOTTOM_SHARE = 0.72
POCKET_HEIGHT_SHARE = 0.55
POCKET_OPENING_SHARE = 0.55
POCKET_ABOVE_HEM_CM = 3.0


# ---------------------------------------------------------------------------------------------------------------
# hood


def _neck_curve(reach: float, drop: float) -> list[Point]:
    """The hood's neck edge from the centre back (0, 0) to the centre front (reach, -drop), level at both ends."""
    return cubic((0.0, 0.0), (reach / 2, 0.0), (reach / 2, -drop), (reach, -drop))


def _neck_length(reach: float, drop: float) -> float:
    pts = cubic_array((0.0, 0.0), (reach / 2, 0.0), (reach / 2, -drop), (reach, -drop))
    return float(np.hypot(*np.diff(pts, axis=0).T).sum())


def _solve_reach(target: float, drop: float) -> float:
    """Horizontal reach of the neck edge whose sewn length (as sampled) is `target`, by bisection."""
    lo, hi = 0.0, target
    if _neck_length(lo, drop) >= target:
        raise UserError(
            f"the hood's neck edge ({target:.1f} cm) is too short for the front neck's drop below the back neck "
            f"({drop:.1f} cm): check neck_width"
        )
    for _ in range(80):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _neck_length(mid, drop) < target else (lo, mid)
    return (lo + hi) / 2


def hood_pieces(
    size: str,
    *,
    neckline_cm: float,
    neck_marks_cm: list[float],
    front_neck_drop: float,
    back_neck_drop: float,
    hood_height: float,
    hood_width: float,
    sa: float,
    channel_cm: float = 2.5,
    overlap_cm: float = 0.0,
    depth_cm: float | None = None,
    centre_panel: bool = False,
    centre_width_cm: float = 6.0,
) -> list[Piece]:
    """The hood: `hood_side` (cut 2, a pair) and, with `centre_panel`, `hood_centre` (cut 1).

    `neckline_cm`: the whole neckline the hood is sewn to (both halves); `neck_marks_cm`: where the body's seams
    (HPS or raglan seams) meet it, measured from the centre back along one half. See the module docstring.
    """
    panel = centre_width_cm if centre_panel else 0.0
    neck_target = neckline_cm / 2 + overlap_cm / 2 - panel / 2
    drop = max(front_neck_drop - back_neck_drop, 0.0)
    reach = _solve_reach(neck_target, drop)
    depth = (HOOD_DEPTH_SHARE * hood_width if depth_cm is None else depth_cm) - panel / 2
    depth = max(depth, reach + HOOD_BACK_MIN_CM)
    face_top = hood_height - HOOD_OPENING_TOP_CM
    eyelet_y = -drop + EYELET_ABOVE_NECK_CM
    if hood_height < MIN_HOOD_HEIGHT_CM or face_top <= eyelet_y + 2.0:
        raise UserError(
            f"hood_height {hood_height:g} cm is too low for a hood over a head (at least {MIN_HOOD_HEIGHT_CM:g} cm "
            "above the HPS line): check hood_height"
        )

    h = hood_height
    x_back = reach - depth  # the back of the hood's fullest point (behind the centre-back neck)
    x_top = x_back + 0.45 * depth
    y_full = HOOD_FULLEST_AT * h
    top, full, f = (x_top, h), (x_back, y_full), (reach, face_top)
    run = reach - x_top
    crown = cubic(f, (reach - 0.35 * run, face_top), (x_top + 0.35 * run, h), top)
    back = cubic(top, (x_top - 0.55 * (x_top - x_back), h), (x_back, y_full + 0.55 * (h - y_full)), full)
    nape = cubic(full, (x_back, 0.45 * y_full), (0.5 * x_back, 0.3 * y_full), (0.0, 0.0))
    neck = _neck_curve(reach, drop)
    seam = [*crown, *back[1:], *nape[1:-1]]  # face top -> centre-back neck (closing point is the first)
    points: list[Point] = [*neck, f, *seam[1:]]
    seam_kind = "panel_seam" if centre_panel else "centre_seam"
    kinds = ["neck"] * (len(neck) - 1) + ["face"] + [seam_kind] * (len(seam) - 1) + [seam_kind]
    face_allow = channel_cm + CHANNEL_TURN_UNDER_CM
    allow = {"neck": sa, "face": face_allow, seam_kind: sa}
    o = Outline(points, [allow[k] for k in kinds], kinds)
    if not Polygon(points).is_valid:
        raise UserError("hood_height and hood_width give a self-intersecting hood side: check them")
    cut = cut_polygon(points, o.allowances)
    seam_run = edge_run(o, seam_kind)  # face top -> over the crown -> centre-back neck
    to_top = polyline_length(crown)
    marks = [m - panel / 2 for m in neck_marks_cm if 0 < m - panel / 2 < neck_target]
    if overlap_cm > 0:
        marks.append(neckline_cm / 2 - panel / 2)  # the centre front; beyond it, the overlap
    notches = notches_at(o, cut, "neck", marks) + notches_at(o, cut, seam_kind, [to_top])
    ex, ey = reach - channel_cm / 2, eyelet_y
    k = EYELET_MARK_CM
    eyelet = [[(ex - k, ey), (ex + k, ey)], [(ex, ey - k), (ex, ey + k)]]
    nx, ny = zip(*neck, strict=True)  # the neck edge's x rises monotonically from the back to the front
    channel_x = reach - channel_cm
    channel = [(channel_x, float(np.interp(channel_x, nx, ny))), (channel_x, face_top)]
    drawcord = 2 * (face_top - eyelet_y) + panel + 2 * DRAWCORD_HANG_CM
    side = Piece(
        name="hood_side",
        size=size,
        cut=2,
        on_fold=False,
        sew_cm=points,
        cut_cm=cut,
        seam_allowance_cm=o.allowances,
        grain_cm=grain_line(points, 0.55 * reach),
        notches_cm=notches,
        internal_cm=[channel, *eyelet],
        annotations={
            "category": "SELF",
            "note": "CUT 2 (1 PAIR)",
            "internal": "drawcord channel stitch line; eyelet placement (cross)",
            "neck_edge_cm": f"{polyline_length(neck):.2f}",
            "hood_depth_cm": f"{reach - x_back:.2f}",
            "face_edge_cm": f"{face_top + drop:.2f}",
            "centre_seam_cm": f"{polyline_length(seam_run):.2f}",
            "eyelet_cm": f"{ex:.2f},{ey:.2f}",
            "drawcord_length_cm": f"{drawcord:.1f}",
            **annotate_runs(o),
        },
    )
    if not centre_panel:
        return [side]
    return [side, _hood_centre(size, panel, polyline_length(seam_run), to_top, sa, face_allow, channel_cm)]


def _hood_centre(
    size: str, width: float, length: float, to_top: float, sa: float, face: float, channel: float
) -> Piece:
    """The hood's centre panel: a strip `width` wide, as long as the sides' panel seams, neck end at y = 0."""
    points: list[Point] = [(0.0, 0.0), (width, 0.0), (width, length), (0.0, length)]
    kinds = ["neck", "panel_seam_right", "face", "panel_seam_left"]
    allow = {"neck": sa, "panel_seam_right": sa, "face": face, "panel_seam_left": sa}
    o = Outline(points, [allow[k] for k in kinds], kinds)
    cut = cut_polygon(points, o.allowances)
    # the crown's top, `to_top` from the face end on both seams
    notches = notches_at(o, cut, "panel_seam_right", [length - to_top]) + notches_at(
        o, cut, "panel_seam_left", [to_top]
    )
    return Piece(
        name="hood_centre",
        size=size,
        cut=1,
        on_fold=False,
        sew_cm=points,
        cut_cm=cut,
        seam_allowance_cm=o.allowances,
        grain_cm=grain_line(points, width / 2),
        notches_cm=notches,
        internal_cm=[[(0.0, length - channel), (width, length - channel)]],
        annotations={
            "category": "SELF",
            "note": "CUT 1",
            "internal": "drawcord channel stitch line",
            "sewn_length_cm": f"{length:.2f}",
            **annotate_runs(o),
        },
    )


# ---------------------------------------------------------------------------------------------------------------
# kangaroo pocket


def kangaroo_pocket(front: Piece, size: str, *, banded: bool, sa: float, hem: float) -> tuple[Piece, Piece]:
    """(the pocket, cut 1 on the fold; the front with the pocket's placement lines), see the module docstring.

    `front`: the front body piece (its side edge runs from the lower edge corner to the underarm)."""
    side = [front.sew_cm[i] for i in _run(front, "side")]
    (x0, y0), (xu, yu) = side[0], side[-1]

    def side_x(y: float) -> float:
        return x0 + (xu - x0) * (y - y0) / (yu - y0)

    bottom = 0.0 if banded else POCKET_ABOVE_HEM_CM
    width = side_x(bottom)
    b, a = POCKET_BOTTOM_SHARE * width, POCKET_TOP_SHARE * width
    height = POCKET_HEIGHT_SHARE * (yu - bottom)
    y_open = bottom + (1 - POCKET_OPENING_SHARE) * height
    top = bottom + height
    if b + 2.0 > min(side_x(bottom), side_x(y_open)) or top > yu - 2.5:
        raise UserError("the kangaroo pocket does not fit on the front: check body_length, hem_width and chest_width")
    points: list[Point] = [(0.0, bottom), (b, bottom), (b, y_open), (a, top), (0.0, top)]
    lower = "band" if banded else "bottom"
    kinds = [lower, "side", "opening", "top", "fold"]
    allow = {lower: sa, "side": sa, "opening": hem, "top": sa, "fold": 0.0}
    o = Outline(points, [allow[k] for k in kinds], kinds)
    cut = cut_polygon(points, o.allowances, fold_x0=True)
    pocket = Piece(
        name="pocket",
        size=size,
        cut=1,
        on_fold=True,
        sew_cm=points,
        cut_cm=cut,
        seam_allowance_cm=o.allowances,
        grain_cm=grain_line(points, 0.4 * a),
        notches_cm=[],  # placed by the lines drawn on the front
        internal_cm=[],
        annotations={
            "category": "SELF",
            "note": "CUT 1 ON FOLD",
            "fold": "x=0",
            "placement": "front, centred, on the band seam" if banded else f"front, {bottom:g} cm above the hem",
            **annotate_runs(o),
        },
    )
    outline = [(b, bottom), (b, y_open), (a, top), (0.0, top)] if banded else [(0.0, bottom), *points[1:]]
    marked = replace(
        front,
        internal_cm=[*front.internal_cm, outline],
        annotations={
            **front.annotations,
            "internal": "; ".join(filter(None, [front.annotations.get("internal", ""), "pocket placement"])),
        },
    )
    return pocket, marked


def _run(piece: Piece, kind: str) -> list[int]:
    first, last = (int(v) for v in piece.annotations[f"edges_{kind}"].split(":"))
    return [i % len(piece.sew_cm) for i in range(first, last + 2)]
