"""Pattern pieces of the tops block (T-shirt, long-sleeve, tank, sweatshirt, hoodie) from points of measure in cm.

Conventions (those of `design_ai.patterns.model`): centimetres; +x across the garment, +y up the garment with
the hem of a body piece or sleeve at y = 0; the grain line runs along +y; the sewing line is counter-clockwise,
closed implicitly; `seam_allowance_cm[i]` belongs to the edge from sewing point i to point i + 1.

Measurements are the finished garment's, flat (a width is half the circumference), as DESIGN.md defines them:
`body_length`, `chest_width`, `hem_width`, `shoulder_width`, `sleeve_length`, `sleeve_opening`, `neck_width`,
`front_neck_drop`. Three more keys are optional and otherwise estimated from those (the estimates reproduce the
bundled boxy tee of `design_ai.garments.tops.flat`): `shoulder_drop` (HPS line down to the shoulder point;
default 0.27 of the horizontal shoulder run, i.e. about a 15° slope), `armhole_depth` (HPS line down to the
underarm; default 0.465 of `chest_width`) and `bicep_width` (flat sleeve width at the underarm; default 0.38
of `chest_width`, at least the sleeve opening). A raglan has no `shoulder_width` (estimated:
`RAGLAN_SHOULDER_SHARE`) and measures `sleeve_length` from the HPS; a hooded top has no `front_neck_drop`
(`HOOD_FRONT_NECK_DROP_CM`); a banded top adds `hem_band_height` and `cuff_height`, a hoodie `hood_height` and
`hood_width`.

The pieces of one size of a set-in top (`sleeve_style="set-in"`, the default):

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

Raglan tops (`sleeve_style="raglan"`): front, back and sleeve(s) as `design_ai.garments.tops.drafting_raglan`
drafts them. Hood and kangaroo pocket: `design_ai.garments.tops.drafting_hood`.

Banded tops (`spec.banded`: sweatshirt, hoodie): the body is `hem_band_height` shorter and the sleeve
`cuff_height` shorter than the POMs (which include band and cuff); their lower edges are seams (kind "band" and
"cuff", seam allowance, no hem stitch line). DESIGN.md measures `hem_width` and `sleeve_opening` across the band's
and cuff's lower edges, so the rib pieces, relaxed, are 2 x those long, and the body's lower edge and the
sleeve's end are drafted that much longer than the rib as it is stretched on: `hem_width / hem_band_ratio` and
`sleeve_opening / cuff_ratio` flat.

- **hem_band**: a folded rib strip cut 1, sewn length = the body's lower edge all round x `hem_band_ratio`,
  sewn width = 2 x `hem_band_height`; joined at the left side seam; notches at the centre back, right side seam
  and centre front (quarters).
- **cuff**: the same, cut 2, on the sleeve's end x `cuff_ratio`, 2 x `cuff_height` wide; joined at the
  underarm, a notch at the top of the sleeve.
- a sweatshirt's **neckband** as above (a raglan's with notches at the four raglan seams and the centre front).

Seam allowance: `seam_allowance_cm` on every sewn edge, `hem_allowance_cm` on hems, 0 on a fold. The cutting
line is built with shapely: each edge's band (the edge offset outward by its own allowance) and a mitred corner
piece at each convex corner (bevelled where a mitre would reach further than 4 allowances) are merged with the
sewing polygon, so the cutting line always contains the sewing line and is a simple polygon.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from shapely.geometry import Polygon

from design_ai.errors import UserError
from design_ai.patterns.model import Piece
from design_ai.patterns.pieces import (
    NOTCH_PAIR_GAP_CM,
    Outline,
    Point,
    annotate_runs,
    armhole_length_cm,
    band_piece,
    cubic,
    cubic_array,
    cut_polygon,
    edge_run,
    grain_line,
    hem_stitch,
    notches_at,
    polyline_length,
)

if TYPE_CHECKING:
    from design_ai.garments.tops import Top

__all__ = ["OPTIONAL_POMS", "Block", "draft_top", "resolve_block", "solve_cap_height"]

_BLOCK_POMS = (
    "body_length",
    "chest_width",
    "hem_width",
    "shoulder_width",
    "sleeve_length",
    "sleeve_opening",
    "neck_width",
    "front_neck_drop",
)

OPTIONAL_POMS = ("shoulder_drop", "armhole_depth", "bicep_width")
"""Measurements used when given, estimated otherwise (see the module docstring)."""

CHEST_BELOW_UNDERARM_CM = 2.5  # where chest_width is measured (DESIGN.md)

HOOD_FRONT_NECK_DROP_CM = 8.0
"""A hooded top's front neck drop (HPS line to the front neck at centre) when not given: the hood hides it in a
flat, so it is no POM of a hoodie. 8 cm sits between FreeSewing Hugo's 6.4 cm (a men's 40 model) and the 9 cm of
the bundled hoodie flat; deep enough for the hood's face edges to meet at the centre front."""

RAGLAN_SHOULDER_SHARE = 0.82
"""A raglan has no shoulder seam and so no `shoulder_width` POM; its block is drafted with a shoulder width of
this share of `chest_width` (FreeSewing's Brian block, under Hugo, for a men's 40 model: 46.4 cm shoulder to
shoulder on a 56.9 cm flat chest; the bundled set-in flats run 0.84-0.93). Only the split of the raglan sleeve's
length between the shoulder section and the arm rests on it: the sleeve's length from the HPS is the POM's."""


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


def resolve_block(spec: Top, measurements_cm: dict[str, float], *, sleeve_style: str = "set-in") -> Block:
    """Check the measurements of a top and fill in the optional ones; raise UserError naming a bad value.

    A raglan (`sleeve_style="raglan"`) has no `shoulder_width` (DESIGN.md): it is estimated as
    `RAGLAN_SHOULDER_SHARE` of `chest_width` unless given; a hooded top has no `front_neck_drop` (the hood hides
    it): `HOOD_FRONT_NECK_DROP_CM` unless given. `sleeve_length` stays as measured (for a raglan from the HPS).
    """
    garment = spec.name
    raglan = sleeve_style == "raglan"
    required = tuple(k for k in spec.pom_names if not (raglan and k == "shoulder_width"))
    for key in required:
        if key not in measurements_cm:
            raise UserError(f"measurement {key!r} is missing (a {garment} needs {', '.join(required)})")
    m: dict[str, float] = {}
    for key in (*_BLOCK_POMS, *OPTIONAL_POMS):  # other keys are not ours to check
        if key not in measurements_cm:
            continue
        value = measurements_cm[key]
        if not isinstance(value, numbers.Real) or isinstance(value, bool) or not math.isfinite(value):
            raise UserError(f"measurement {key!r} must be a finite number of cm, got {value!r}")
        m[key] = float(value)
    if "front_neck_drop" not in m and spec.hooded:
        m["front_neck_drop"] = HOOD_FRONT_NECK_DROP_CM
    estimated_shoulder = raglan and "shoulder_width" not in m
    if estimated_shoulder and "chest_width" in m:
        m["shoulder_width"] = RAGLAN_SHOULDER_SHARE * m["chest_width"]
    for key in ("body_length", "chest_width", "hem_width", "shoulder_width", "neck_width", "front_neck_drop"):
        if m[key] <= 0:
            raise UserError(f"measurement {key!r} must be positive, got {m[key]} cm")
    sleeved = spec.sleeved
    sleeve_length = float(m.get("sleeve_length", 0.0)) if sleeved else 0.0
    sleeve_opening = float(m.get("sleeve_opening", 0.0)) if sleeved else 0.0
    if sleeved and (sleeve_length <= 0 or sleeve_opening <= 0):
        raise UserError(f"a {garment} needs a positive sleeve_length and sleeve_opening")
    shoulder_drop = float(m.get("shoulder_drop", 0.27 * (m["shoulder_width"] - m["neck_width"]) / 2))
    armhole_depth = float(m.get("armhole_depth", 0.465 * m["chest_width"]))
    bicep = float(m.get("bicep_width", max(0.38 * m["chest_width"], sleeve_opening)))
    if m["neck_width"] >= m["shoulder_width"] and estimated_shoulder:
        raise UserError(
            f"neck_width {m['neck_width']} cm is too wide for chest_width {m['chest_width']} cm: a raglan's shoulder "
            f"width is estimated as {RAGLAN_SHOULDER_SHARE:g} x chest_width = {m['shoulder_width']:.1f} cm"
        )
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
    return cubic(tuple(ua), tuple(p1), tuple(p2), tuple(sp))


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
    return cubic(tuple(hps), tuple(hps + reach * square), (0.55 * hps[0], end[1]), end, n=16)


_SCOOP = {"front": 0.25, "back": 0.18}


def _body_outline(b: Block, which: str, neck_drop: float, sa: float, hem: float, lower: str = "hem") -> Outline:
    ua = _underarm(b)
    if ua[0] <= b.neck_width / 2:
        raise UserError("chest_width and hem_width put the underarm inside the neck: check the measurements")
    arm = _armhole(b, _SCOOP[which])
    neck = _neckline(b, neck_drop)
    points: list[Point] = [(0.0, 0.0), (b.hem_width / 2, 0.0), *arm, *neck]
    kinds = [lower, "side"] + ["armhole"] * (len(arm) - 1) + ["shoulder"] + ["neck"] * (len(neck) - 1) + ["fold"]
    allow = {lower: hem, "side": sa, "armhole": sa, "shoulder": sa, "neck": sa, "fold": 0.0}
    return Outline(points, [allow[k] for k in kinds], kinds)


def _body_piece(b: Block, which: str, size: str, neck_drop: float, sa: float, hem: float, lower: str = "hem") -> Piece:
    """`lower`: the kind of the lower edge, "hem" (turned hem, `hem` allowance, stitch line drawn) or "band" (a
    banded top: the seam to the hem band, whose allowance the caller passes as `hem`)."""
    o = _body_outline(b, which, neck_drop, sa, hem, lower)
    if not Polygon(o.points).is_valid:
        raise UserError(f"the measurements give a self-intersecting {which} piece: check shoulder and neck widths")
    cut = cut_polygon(o.points, o.allowances, fold_x0=True)
    arm = polyline_length(edge_run(o, "armhole"))
    if which == "front":
        notches = notches_at(o, cut, "armhole", [arm / 2])
    else:
        notches = notches_at(o, cut, "armhole", [arm / 2 - NOTCH_PAIR_GAP_CM / 2, arm / 2 + NOTCH_PAIR_GAP_CM / 2])
    grain = grain_line(o.points, 0.4 * min(b.chest_width, b.hem_width) / 2)
    internal = hem_stitch(o.points, lower, hem)
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
            **annotate_runs(o),
        },
    )


def _cap_half(w: float, yb: float, h: float, scoop: float, sign: float) -> list[Point]:
    """One half of the sleeve cap, from the bicep point (sign * w, yb) to the cap top (0, yb + h): an S-curve
    leaving the bicep horizontally toward the centre and reaching the top horizontally."""
    return cubic((sign * w, yb), (sign * w * (1 - scoop), yb), (sign * 0.5 * w, yb + h), (0.0, yb + h))


def _cap_length(w: float, yb: float, h: float) -> tuple[float, float]:
    """Sewn lengths of the front and back cap halves (as sampled), cm."""
    out = []
    for scoop in (_SCOOP["front"], _SCOOP["back"]):
        pts = cubic_array((w, yb), (w * (1 - scoop), yb), (0.5 * w, yb + h), (0.0, yb + h))
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


def _sleeve_piece(
    b: Block, size: str, front: Piece, back: Piece, sa: float, hem: float, ease: float, lower: str = "hem"
) -> Piece:
    """The set-in sleeve; `lower` as for `_body_piece` ("cuff": the seam to the cuff)."""
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
    kinds = [lower, "underarm_front"] + ["cap"] * (len(cap_f) - 1 + len(cap_b) - 1) + ["underarm_back"]
    allow = {lower: hem, "underarm_front": sa, "cap": sa, "underarm_back": sa}
    o = Outline(points, [allow[k] for k in kinds], kinds)
    if not Polygon(points).is_valid:
        raise UserError("the measurements give a self-intersecting sleeve: check sleeve_opening and sleeve_length")
    cut = cut_polygon(points, o.allowances)
    len_f, len_b = polyline_length(cap_f), polyline_length(cap_b)
    rf, rb = len_f / arm_f, len_b / arm_b  # ease spread in proportion to each half
    g = NOTCH_PAIR_GAP_CM / 2
    # along the cap run (front bicep -> top -> back bicep): front notch, shoulder notch, back double notch
    positions = [rf * arm_f / 2, len_f, len_f + len_b - rb * (arm_b / 2 + g), len_f + len_b - rb * (arm_b / 2 - g)]
    notches = notches_at(o, cut, "cap", positions)
    grain = grain_line(points, 0.0)
    internal = hem_stitch(points, lower, hem)
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
            **annotate_runs(o),
        },
    )


def draft_top(
    spec: Top,
    measurements_cm: dict[str, float],
    *,
    size: str,
    back_neck_drop_cm: float = 2.0,
    seam_allowance_cm: float = 1.0,
    hem_allowance_cm: float = 2.5,
    sleeve_ease_cm: float = 1.0,
    rib_ratio: float = 0.8,
    neckband_width_cm: float = 2.0,
    sleeve_style: str | None = "set-in",
    raglan_shoulder: str = "dart",
    hem_band_ratio: float = 0.9,
    cuff_ratio: float = 0.8,
    kangaroo_pocket: bool | None = None,
    hood_centre_panel: bool = False,
    hood_overlap_cm: float = 0.0,
    hood_depth_cm: float | None = None,
    hood_channel_cm: float = 2.5,
    hood_centre_width_cm: float = 6.0,
) -> list[Piece]:
    """The pattern pieces of one size of a top, drafted from its measurements.

    Returns, in this order: front, back; the sleeve (set-in; a raglan with `raglan_shoulder="dart"`) or
    sleeve_front and sleeve_back (`raglan_shoulder="seam"`), none for a tank; the pocket (with a kangaroo
    pocket); the neckband, or for a hooded top hood_side (and hood_centre with `hood_centre_panel`); a tank's
    armband; a banded top's hem_band and cuff. All lengths in cm.

    Options: `sleeve_style` "set-in" (or None) or "raglan" (`drafting_raglan`; `raglan_shoulder` "dart" or
    "seam"; `sleeve_ease_cm` is the set-in cap's ease: a raglan seam joins equal lengths);
    `rib_ratio` sets the neckband's (and a tank's armbands') sewn length against the neckline (armhole),
    `hem_band_ratio` and `cuff_ratio` the hem band's and the cuffs' against the body's lower edge and the
    sleeve's end: the body and sleeve are drafted so that the band and cuff, relaxed, measure `hem_width` and
    `sleeve_opening` (DESIGN.md measures them across their lower edges), i.e. the body's lower edge is
    `hem_width / hem_band_ratio` wide flat and the sleeve's end `sleeve_opening / cuff_ratio`. A banded top's
    body and sleeve end in a seam (seam allowance, no hem). `kangaroo_pocket` (None: a hooded top has one) and
    the hood options are described in `drafting_hood`. Raises UserError for a missing or implausible measurement
    or an option out of range (named in the message).
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
    sleeve_style = sleeve_style or "set-in"
    _check_options(
        spec, sleeve_style, raglan_shoulder, hem_band_ratio, cuff_ratio, hood_overlap_cm, hood_depth_cm,
        hood_channel_cm, hood_centre_width_cm,
    )  # fmt: skip
    b = resolve_block(spec, measurements_cm, sleeve_style=sleeve_style)
    if not 0 <= back_neck_drop_cm < b.armhole_depth:
        raise UserError(f"back neck drop must be in [0, {b.armhole_depth:.1f}) cm, got {back_neck_drop_cm}")
    sa, hem = seam_allowance_cm, hem_allowance_cm
    raglan = sleeve_style == "raglan"
    band_h, cuff_h = _band_heights(spec, measurements_cm, b) if spec.banded else (0.0, 0.0)
    body = b
    if spec.banded:
        body = replace(b, body_length=b.body_length - band_h, hem_width=b.hem_width / hem_band_ratio)
    lower, lower_allow = ("band", sa) if spec.banded else ("hem", hem)
    if raglan:
        from design_ai.garments.tops.drafting_raglan import raglan_body

        front, half_f = raglan_body(body, "front", size, b.front_neck_drop, sa, lower_allow, lower)
        back, half_b = raglan_body(body, "back", size, back_neck_drop_cm, sa, lower_allow, lower)
    else:
        front = _body_piece(body, "front", size, b.front_neck_drop, sa, lower_allow, lower)
        back = _body_piece(body, "back", size, back_neck_drop_cm, sa, lower_allow, lower)
    pieces = [front, back]
    sleeve_block = body
    if spec.sleeved:
        sleeve_lower, sleeve_allow = ("cuff", sa) if spec.banded else ("hem", hem)
        if spec.banded:
            sleeve_block = replace(
                body, sleeve_length=b.sleeve_length - cuff_h, sleeve_opening=b.sleeve_opening / cuff_ratio
            )
        if raglan:
            from design_ai.garments.tops.drafting_raglan import raglan_sleeves

            shoulder_run = math.hypot((b.shoulder_width - b.neck_width) / 2, b.shoulder_drop)
            arm_length = sleeve_block.sleeve_length - shoulder_run
            if arm_length < 5.0:
                raise UserError(
                    f"sleeve_length {b.sleeve_length:g} cm (from the HPS, for a raglan) leaves {arm_length:.1f} cm "
                    f"below the estimated shoulder point ({shoulder_run:.1f} cm from the HPS): check sleeve_length"
                )
            sections = {"front": half_f, "back": half_b}
            pieces += raglan_sleeves(
                sleeve_block, size, sections, arm_length, sa, sleeve_allow, sleeve_lower, raglan_shoulder
            )
        else:
            pieces.append(
                _sleeve_piece(sleeve_block, size, front, back, sa, sleeve_allow, sleeve_ease_cm, sleeve_lower)
            )
    if kangaroo_pocket if kangaroo_pocket is not None else spec.hooded:
        from design_ai.garments.tops.drafting_hood import kangaroo_pocket as pocket_for

        pocket, pieces[0] = pocket_for(pieces[0], size, banded=spec.banded, sa=sa, hem=hem)
        pieces.append(pocket)
    neck_f = polyline_length(_neckline(b, b.front_neck_drop))
    neck_b = polyline_length(_neckline(b, back_neck_drop_cm))
    neckline = 2 * (neck_f + neck_b)
    if raglan:  # the seams meeting the neckline from the centre back: back raglan, front raglan
        nb, nf = polyline_length(half_b.neck_body), polyline_length(half_f.neck_body)
        marks = [nb, neck_b + neck_f - nf]
    else:
        marks = [neck_b]
    if spec.hooded:
        from design_ai.garments.tops.drafting_hood import hood_pieces

        hood_height, hood_width = (_positive(measurements_cm, k) for k in ("hood_height", "hood_width"))
        if hood_width <= b.neck_width:
            raise UserError(f"hood_width {hood_width:g} cm must be more than neck_width {b.neck_width:g} cm")
        pieces += hood_pieces(
            size,
            neckline_cm=neckline,
            neck_marks_cm=marks,
            front_neck_drop=b.front_neck_drop,
            back_neck_drop=back_neck_drop_cm,
            hood_height=hood_height,
            hood_width=hood_width,
            sa=sa,
            channel_cm=hood_channel_cm,
            overlap_cm=hood_overlap_cm,
            depth_cm=hood_depth_cm,
            centre_panel=hood_centre_panel,
            centre_width_cm=hood_centre_width_cm,
        )
    else:
        r = rib_ratio
        if raglan:  # from the centre back all round: back raglan, front raglan, CF, front raglan, back raglan
            half = neck_b + neck_f
            band_marks = [*marks, half, *(neckline - m for m in reversed(marks))]
        else:  # shoulder, centre front, shoulder
            band_marks = [neck_b, neck_b + neck_f, neck_b + 2 * neck_f]
        pieces.append(
            band_piece(
                "neckband",
                size,
                neckline * r,
                neckband_width_cm,
                sa,
                1,
                [r * m for m in band_marks],
                f"CUT 1, JOIN AT CB; NECKLINE {neckline:.1f} CM x {r:g}",
            )
        )
    if not spec.sleeved:
        arm = armhole_length_cm(pieces, "front") + armhole_length_cm(pieces, "back")
        pieces.append(
            band_piece(
                "armband",
                size,
                arm * rib_ratio,
                neckband_width_cm,
                sa,
                2,
                [rib_ratio * armhole_length_cm(pieces, "back")],
                f"CUT 2, JOIN AT UNDERARM; ARMHOLE {arm:.1f} CM x {rib_ratio:g}",
            )
        )
    if spec.banded:
        sleeve = sleeve_block if spec.sleeved else None
        pieces += _bands(body, sleeve, size, band_h, cuff_h, hem_band_ratio, cuff_ratio, sa)
    return pieces


def _check_options(
    spec: Top,
    sleeve_style: str,
    raglan_shoulder: str,
    hem_band_ratio: float,
    cuff_ratio: float,
    hood_overlap_cm: float,
    hood_depth_cm: float | None,
    hood_channel_cm: float,
    hood_centre_width_cm: float,
) -> None:
    """UserError naming the first option out of range."""
    if sleeve_style not in ("set-in", "raglan"):
        raise UserError(f"sleeve_style must be 'set-in' or 'raglan', got {sleeve_style!r}")
    if sleeve_style == "raglan" and not spec.sleeved:
        raise UserError(f"a {spec.name} has no sleeves: sleeve_style 'raglan' does not apply")
    if raglan_shoulder not in ("dart", "seam"):
        raise UserError(f"raglan_shoulder must be 'dart' or 'seam', got {raglan_shoulder!r}")
    for name, value in (("hem_band_ratio", hem_band_ratio), ("cuff_ratio", cuff_ratio)):
        if not 0.5 <= value <= 1.0:
            raise UserError(f"{name} must be in [0.5, 1.0], got {value}")
    if not 0 <= hood_overlap_cm <= 10:
        raise UserError(f"hood_overlap_cm must be in [0, 10] cm, got {hood_overlap_cm}")
    if hood_depth_cm is not None and not hood_depth_cm > 0:
        raise UserError(f"hood_depth_cm must be > 0 cm, got {hood_depth_cm}")
    if not 0.5 <= hood_channel_cm <= 6:
        raise UserError(f"hood_channel_cm must be in [0.5, 6] cm, got {hood_channel_cm}")
    if not 2 <= hood_centre_width_cm <= 20:
        raise UserError(f"hood_centre_width_cm must be in [2, 20] cm, got {hood_centre_width_cm}")


def _positive(measurements_cm: dict[str, float], key: str) -> float:
    """A measurement that must be a finite positive number of cm (UserError naming it otherwise)."""
    value = measurements_cm.get(key)
    if value is None:
        raise UserError(f"measurement {key!r} is missing")
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not math.isfinite(value):
        raise UserError(f"measurement {key!r} must be a finite number of cm, got {value!r}")
    if value <= 0:
        raise UserError(f"measurement {key!r} must be positive, got {value} cm")
    return float(value)


def _band_heights(spec: Top, measurements_cm: dict[str, float], b: Block) -> tuple[float, float]:
    """(hem band height, cuff height) of a banded top, checked against the lengths they are part of."""
    band = _positive(measurements_cm, "hem_band_height")
    if b.armhole_depth + CHEST_BELOW_UNDERARM_CM + 1.0 >= b.body_length - band:
        raise UserError(
            f"hem_band_height {band:g} cm leaves no body between the armhole ({b.armhole_depth:.1f} cm) and the band "
            f"(body_length {b.body_length:g} cm)"
        )
    cuff = _positive(measurements_cm, "cuff_height") if spec.sleeved else 0.0
    if spec.sleeved and cuff >= 0.5 * b.sleeve_length:
        raise UserError(f"cuff_height {cuff:g} cm must be less than half the sleeve_length {b.sleeve_length:g} cm")
    return band, cuff


def _bands(
    body: Block, sleeve: Block | None, size: str, band_h: float, cuff_h: float, band_r: float, cuff_r: float, sa: float
) -> list[Piece]:
    """A banded top's hem band (cut 1, joined at the left side seam) and cuffs (cut 2, joined at the underarm)."""
    lower = 2 * body.hem_width  # the body's lower edge all round: front and back, each `hem_width` across
    out = [
        band_piece(
            "hem_band",
            size,
            lower * band_r,
            band_h,
            sa,
            1,
            [band_r * lower * q for q in (0.25, 0.5, 0.75)],  # centre back, right side seam, centre front
            f"CUT 1, JOIN AT LEFT SIDE SEAM; BODY {lower:.1f} CM x {band_r:g}",
        )
    ]
    if sleeve is not None:
        end = 2 * sleeve.sleeve_opening  # the sleeve's end all round
        out.append(
            band_piece(
                "cuff",
                size,
                end * cuff_r,
                cuff_h,
                sa,
                2,
                [cuff_r * end / 2],  # the top of the sleeve (its centre line, or the overarm seam)
                f"CUT 2, JOIN AT UNDERARM; SLEEVE END {end:.1f} CM x {cuff_r:g}",
            )
        )
    return out
