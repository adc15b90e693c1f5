"""Points of measure of a top, in cm, read off one picture of it (a line flat, a filled flat or a draft).

The steps, in order:

1. **Silhouette** (`segment_garment`): the garment's mask, and how far its edge sits outside the drawn edge
   (half the outline stroke on a line flat).
2. **Outline and deskew.** The mask's outer contour, as a polyline through boundary pixel centres. A flat is
   symmetric about its centre front, so the rotation is the angle of the reflection axis that maps the mask
   onto itself best (searched within ±14°, so a picture up to ±10° off is measured). The contour is
   turned upright about the mask's centroid, which lies on that axis. `rotation_deg` reports the deskew that
   was applied, counter-clockwise on screen positive: a flat drawn turned +3° (counter-clockwise) reports -3.
3. **Landmarks**, on each half of the upright outline traced from the front neck (where the centre line
   first meets the outline from the top) to the hem's centre; the left half is mirrored so one routine reads
   both. A small closing and opening of the mask first take off slits and spurs a few pixels thin; an
   outline with far more corners than a top has (bites of a stripe of the backdrop's tone) is bridged
   first. Two readings of each half, together:

   - its heading (direction of travel, smoothed over about a nominal centimetre: the garment's height / 70):
     the underseam is the one run that heads back towards the body, the hem the last run heading back to the
     centre;
   - its corners: the vertices of the outline simplified to half a nominal centimetre (Douglas-Peucker),
     vertices a rounded corner split into merged back.

   Then:

   - HPS: the half's highest point, when a convex corner (40° or more) is there; else that corner nearest it;
   - hem corner: where the heading last passes half-way from the side seam's to the hem's;
   - sleeves (sleeved garments): the bottom and top sleeve-hem corners are the last pair of convex corners
     before the underseam (at least 3 cm apart, the top one turning 60° or more where one does) with the
     outline between them heading across the sleeve, the underarm where the heading falls half-way from the
     underseam's to the side seam's (read on the side seam's lower end);
   - shoulder point (sleeved): where the outline from HPS to the top sleeve-hem corner bends from the shoulder
     line into the sleeve's top edge, found by the best two-line fit (the bend can be as small as 10°). A
     raglan flat's outline has the same bend (its raglan seam is interior detail and is not used);
   - shoulder point and underarm (tank): the sharpest pair of convex corners (20° or more: the armhole curve
     rounds them) between HPS and the hem corner.

   Each corner is then placed precisely as the intersection of straight lines fitted to the edges on either
   side of it (away from the rounding at the corner itself; the outline's corner itself where the lines meet
   over 4 cm from it), each line first moved inwards by the edge offset, so the stroke of a line flat is
   taken off; the hem corner uses the side seam's last 4 cm only (a curved side's longer chord misses it);
   the HPS, where a crew neckline arrives still curving, follows a quadratic fit of the neckline up to the
   shoulder line. The front neck is the centre line's crossing,
   moved down by the same offset, or a V's tip where its straight sides meet the centre line. Each half is
   read on its own: where one cannot be read, or the two disagree, the cleaner one stands for both.
4. **Scale**: `px_per_cm` as given, or body length in px over `body_length_cm`.
5. **Points of measure** (DESIGN.md, `TSHIRT_POMS`): body length HPS to hem, vertical; chest width flat
   across the body 2.5 cm below the underarm (the run of garment that holds the centre line, except that a
   side which runs on past its side seam's fitted line is cut there: a sleeve hanging against the body, or
   closer to it than the outline's stroke, is not chest); hem width between hem corners; shoulder width
   between shoulder points; sleeve length from shoulder point to the top sleeve-hem corner; sleeve opening
   between the sleeve-hem corners; neck width HPS to HPS; front neck drop from the HPS line down to the front
   neck. Paired values (sleeves) are the mean of both sides. A tank has no sleeve POMs.

A sleeve hanging down past the hem band beside it (a hoodie's) turns the outline from its cuff up its inner side
into the hem: the cuff's corners are the sleeve-hem corners, the step's top the hem corner, and the body's side
is the slit's line, read from the band's top up to where the sleeve leaves the body.

Known limits: a picture turned 13° or more is refused (straighten it first), and so is a garment under 200 px
tall. A sleeve lying against the body hides the armpit, and the picture is refused naming the underarms. A
striped draft whose darker stripe is the backdrop's own tone has its outline mended from the lighter stripes
(`design_ai.patterns.stripes`, in the silhouette step); an outline still too ragged after that and after
bridging is refused rather than misread.

Pixel coordinates follow OpenCV: x right, y down, the centre of pixel (col, row) at (col, row).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import cv2
import numpy as np
from PIL import Image

from design_ai.errors import UserError
from design_ai.garments.tops.bands import seam_across
from design_ai.garments.tops.flat import CHEST_BELOW_UNDERARM_CM
from design_ai.garments.tops.hood import split_hood
from design_ai.garments.tops.neckline import front_neck_inside
from design_ai.garments.tops.sleeve_seam import (
    SLIT_BESIDE_END_CM,
    SLIT_GAP_CM,
    SLIT_MOST_CM,
    SLIT_STRIPES_GAP_CM,
    sleeve_seam,
    slit_top,
)
from design_ai.patterns.model import GarmentMeasure
from design_ai.patterns.outline import (
    Line,
    bridge_bites,
    crossings_x,
    dp_corners,
    first_at_or_above,
    fit_line,
    halves,
    heading,
    last_below,
    meet_near,
    outer_contour,
    resample,
    rms,
    rotation_matrix,
    symmetry_tilt,
    two_line_split,
)
from design_ai.patterns.ridges import RidgeMap
from design_ai.patterns.silhouette import as_rgb_array, segment_garment

if TYPE_CHECKING:
    from design_ai.garments.tops import Top

__all__ = ["MAX_BODY_LENGTH_CM", "MIN_BODY_LENGTH_CM", "check_scale", "measure_top"]

MIN_BODY_LENGTH_CM = 20.0
MAX_BODY_LENGTH_CM = 200.0
"""A top's body length outside this range means the scale is wrong (or the picture is not a top)."""

_CORNER_DEG = 40.0  # a vertex of the simplified outline turning at least this much is a sharp corner (HPS)
_WEAK_CORNER_DEG = 20.0  # a tank's shoulder point and underarm, where the armhole curve rounds them off
_GENTLE_CORNER_DEG = 12.0  # ... and, where no pair turns that much, a tank's underarm met almost smoothly
_CORNER_REACH_CM = 4.0  # two fitted edges meeting further than this from the outline's corner missed it
_LEAST_HEIGHT_PX = 200  # below this a corner is a couple of pixels and the readings are noise (seen at 128 px)
_MOST_NOISE_CM = 0.4  # an outline straying further than this from its fitted lines gives numbers no one should cut
_SLIT_PAIR_CM = 3.0  # the ridge window that reads two strokes drawn side by side up to a slit's top as one line
_SIDES_AGREE_CM = 1.0  # how far a landmark may lie from its mirror twin before one side is believed


def check_scale(px_per_cm: float | None, body_length_cm: float | None) -> None:
    if (px_per_cm is None) == (body_length_cm is None):
        raise UserError("give exactly one scale: px_per_cm (the picture's scale) or body_length_cm (a known length)")
    if px_per_cm is not None and not (math.isfinite(px_per_cm) and px_per_cm > 0):
        raise UserError(f"px_per_cm must be a positive number, got {px_per_cm}")
    if body_length_cm is not None:
        if not (math.isfinite(body_length_cm) and body_length_cm > 0):
            raise UserError(f"body_length_cm must be a positive number, got {body_length_cm}")
        if not MIN_BODY_LENGTH_CM <= body_length_cm <= MAX_BODY_LENGTH_CM:
            raise UserError(
                f"body_length_cm {body_length_cm:g} is not a plausible top's length "
                f"({MIN_BODY_LENGTH_CM:g}-{MAX_BODY_LENGTH_CM:g} cm)"
            )


# -- landmarks on one half ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Half:
    """The landmarks of one half of the upright outline, in "right half" coordinates (mirrored for the left).

    `noise`: the RMS distance (px) of the outline from the straight lines the landmarks were fitted to,
    a measure of how clean this half's edge is: when the two halves disagree, the cleaner one is believed.
    """

    hps: np.ndarray
    shoulder: np.ndarray
    underarm: np.ndarray
    hem: np.ndarray
    hem_line: Line
    side_line: Line
    sleeve_top: np.ndarray | None
    sleeve_bottom: np.ndarray | None
    noise: float = 0.0
    v_tip_y: float | None = None  # a V neckline's tip, where its straight sides meet the centre line
    hps_noise: float = 0.0  # RMS (px) of the neckline about the curve that places the HPS
    side_hidden: bool = False  # the sleeve hangs past the hem beside it: the body's side shows only as a line
    end_at_body: bool = False  # the sleeve's end meets the body: its bottom corner is where the outline's underarm is
    shoulder_turn_deg: float = 180.0  # how far the outline turns at the shoulder point (sleeved: the two-line split)


_CUFF_SIDE_CM = 4.0  # the underseam next to a long sleeve's bottom corner that places that corner
_SHALLOW_BEND_DEG = 20.0  # an outline turning less than this at the shoulder gives way to the armhole seam
_MOST_OPENING_CM = 30.0  # a sleeve's end edge is shorter than this along the outline (a wide bell sleeve's is ~25)


def _underseam_peak(theta: np.ndarray, i_hps: int, i_hem: int, unit: float) -> tuple[int, float] | None:
    """(index, heading) of the heading's peak between shoulder and hem, 2 cm clear of both: on a sleeved
    half, the underseam heading back towards the body. None when that stretch is empty."""
    lo, hi = i_hps + max(2, round(2 * unit)), i_hem - max(2, round(2 * unit))
    if hi <= lo:
        return None
    j_u = lo + int(np.argmax(theta[lo:hi]))
    return j_u, float(theta[j_u])


def _sleeve_runs(
    path: np.ndarray, theta: np.ndarray, corners: list[tuple[int, float]], i_hps: int, i_hem: int, unit: float,
    garment: str, peak: tuple[int, float] | None, has_sleeve: bool,
) -> tuple[int, int, int]:  # fmt: skip
    """The top and bottom sleeve-hem corners and the underarm of a half, from its heading and its corners.

    Structure first: the underseam is the run that heads back towards the body, where the heading peaks
    (`u`, over 180°) between shoulder and hem. The underarm is where the heading, after that peak, first
    falls half-way from `u` to the side seam's heading (read on the side seam's lower end). Going out along
    the sleeve, the sleeve-hem corners are the last pair of convex corners (turn peaks, `corners`) before the
    underseam, at least 3 cm apart, with the outline between them heading across the sleeve (the hem). The
    corner's turn only has to exceed 20°: a rounded, soft or very open corner is found all the same, and a
    sleeve whose underseam is not parallel to its top edge (a tapered sleeve) needs no fixed angle.
    """
    if peak is None or i_hem - i_hps - 2 * max(2, round(2 * unit)) < 10:
        raise UserError(f"could not find the sleeves of a {garment}: the outline from shoulder to hem is too short")
    j_u, u = peak
    ends = None if has_sleeve else _end_at_body(theta, corners, i_hps, i_hem, unit)
    if ends is not None:
        return ends
    if not has_sleeve:
        raise UserError(
            f"could not find the underarms of a {garment}: between shoulder and hem the outline never turns back "
            "towards the body (a sleeveless top is measured as 'tank'; a sleeve drawn against the body hides its "
            "armpit)"
        )
    convex = [i for i, t in corners if t > 0 and i_hps + 2 * unit < i < j_u]
    if len(convex) < 2:
        raise UserError(f"could not find the sleeve hems of a {garment}: no two corners at the sleeve's end")
    turn = dict(corners)
    # For each bottom corner from the last one back, its top corner candidates from the nearest back, those
    # turning 60° or more first: the sleeve hem's top corner turns from the top edge about 90°, which one of
    # the vertices a rounded or bitten cuff corner splits into does not.
    pairs = [(a, b) for b in reversed(convex)
             for a in sorted((a for a in convex if a <= b - 3 * unit), key=lambda a: (turn[a] < 60.0, -a))]  # fmt: skip
    if not pairs:
        raise UserError(f"could not find the sleeve hems of a {garment}: no corner 3 cm or more before the cuff's")
    # The sleeve hem runs across the sleeve: from its top corner it heads about 90° on from the top edge's
    # heading. A notch in the underseam (a bitten stripe) makes a corner too, but the edge from the cuff's
    # corner to it runs along the sleeve. Of the pairs across, the one farthest out from the HPS: a cuff
    # drawn in at its seam makes a step whose corner pairs with the cuff's end corner, across the sleeve
    # from a cuff's end edge, and the sleeve's end is the outer pair.
    across = [
        p
        for p in pairs
        if p[1] - p[0] <= _MOST_OPENING_CM * unit and _across_the_sleeve(theta, p[0], p[1], i_hps, unit)
        and not any(p[0] < i < p[1] and t >= 60.0 for i, t in corners)
    ]  # a hem is one edge, no corner in it, and no longer than a sleeve's opening (from the shoulder, a long
    # sleeve hanging down runs about 90° from the shoulder line too)
    # The side seam's heading from its lower end (5 cm above the hem corner's rounding), which is side seam
    # whatever the sleeve: from the peak on, a long sleeve's underseam can be most of what follows.
    side_from = max(j_u + max(2, round(3 * unit)), i_hem - round(6 * unit))
    side_to = i_hem - max(1, round(unit))
    side = float(np.median(theta[side_from:side_to])) if side_to - side_from > 4 else 90.0
    i_ua = first_at_or_above(-theta, -(u + side) / 2, j_u, i_hem)
    if i_ua is None or i_hem - i_ua < 2 * unit:
        raise UserError(f"could not find the underarms of a {garment}: the underseam never turns down into the side")
    if across:
        i_st, i_sb = max(across, key=lambda p: _reach(path, p, i_hps))
    elif convex[-1] < i_ua - 3 * unit and _across_the_sleeve(theta, convex[-1], i_ua, i_hps, unit):
        # No corner pair runs across the sleeve, but the edge from the last corner to the underarm does: a
        # sleeve hanging down whose end meets the body (what read as its underseam is its end). Its bottom
        # corner is the underarm the outline shows; the slit above it, closed over, is read from its lines.
        i_st, i_sb = convex[-1], i_ua
    else:
        i_st, i_sb = pairs[0]
    return i_st, i_sb, i_ua


def _end_at_body(
    theta: np.ndarray, corners: list[tuple[int, float]], i_hps: int, i_hem: int, unit: float
) -> tuple[int, int, int] | None:
    """(sleeve top, sleeve bottom, underarm) of a sleeve whose end meets the body, so its outline never heads
    back towards the body: a sharp corner at the sleeve's end, then, 3-30 cm on across the sleeve, the corner
    where its end edge turns down the body's side (the bottom corner and the outline's underarm in one; the
    slit above it is read from its lines). None when the outline shows no such pair."""
    for i_st in reversed([i for i, t in corners if t >= 60.0 and i_hps + 5 * unit < i < i_hem - 5 * unit]):
        after = [i for i, t in corners if t <= -_WEAK_CORNER_DEG and i_st + 3 * unit < i < i_st + 30 * unit]
        if after and after[0] < i_hem - 5 * unit and _across_the_sleeve(theta, i_st, after[0], i_hps, unit):
            return i_st, after[0], after[0]
    return None


def _end_beside_hem(
    path: np.ndarray, theta: np.ndarray, corners: list[tuple[int, float]], i_hps: int, i_hem: int, stop: int,
    unit: float,
) -> tuple[int, int, int] | None:  # fmt: skip
    """(sleeve top, sleeve bottom, hem corner) of a sleeve hanging down past the hem beside it (a hoodie's
    sleeves over its hem band): what read as the hem corner is the sleeve end's outer corner, and on towards the
    centre the outline runs across the sleeve's end, turns up its inner side (convex) and, at the hem's corner,
    into the hem (concave), which then runs 10 cm or more to the centre. None when the outline shows no such
    step; the slit above the sleeve's inner corner is read from its lines."""
    if not any(t >= 60.0 and abs(i - i_hem) <= 1.5 * unit for i, t in corners):
        return None
    ups = [i for i, t in corners if t >= _WEAK_CORNER_DEG and i_hem + 3 * unit < i < i_hem + 30 * unit]
    for i_sb in ups:
        downs = [i for i, t in corners if t <= -_WEAK_CORNER_DEG and i_sb < i < min(i_sb + 15 * unit, stop - 10 * unit)]
        if (downs and path[i_sb, 1] - path[downs[0], 1] >= 0.5 * unit
                and _across_the_sleeve(theta, i_hem, i_sb, i_hps, unit)):  # fmt: skip
            return i_hem, i_sb, downs[0]
    return None


def _end_at_outline(end_line: Line, corner: np.ndarray, edge: float) -> np.ndarray:
    """The bottom corner of a sleeve whose end meets the body: where its end edge stops, at the outline's corner
    with the body's side (`corner`), less the stroke's round end (`edge`). Its inner edge lies in the slit closed
    over beside the body's side, a stroke's width or so out from the side's line, and the end edge meets that
    line at a shallow angle: their meeting lies several strokes' widths further along, down the body's side."""
    along = float((corner - end_line.point) @ end_line.direction) - edge
    return end_line.point + along * end_line.direction


def _banded(garment: str) -> bool:
    """Whether the garment has rib cuffs (whose step is looked for on the underseam): a tee's underseam bends
    only where a draft's soft or split corner does, and is fitted as one line."""
    from design_ai.garments import get

    return bool(getattr(get(garment), "banded", False))


def _cuff_step(corners: list[tuple[int, float]], i_sb: int, i_ua: int, unit: float) -> tuple[int, int] | None:
    """The corner where a cuff drawn in meets the sleeve's wider underseam (3-15 cm from the sleeve's bottom
    corner, turning 20° or more), as (start, end) of the step; None when the underseam has none."""
    near = [i for i, t in corners if i_sb + 3 * unit < i < min(i_ua - 2 * unit, i_sb + 15 * unit)
            and abs(t) >= _WEAK_CORNER_DEG]  # fmt: skip
    return (near[0], near[-1]) if near else None


def _reach(path: np.ndarray, pair: tuple[int, int], i_hps: int) -> float:
    """How far the middle of a corner pair lies from the HPS (px)."""
    return float(np.hypot(*((path[pair[0]] + path[pair[1]]) / 2 - path[i_hps])))


def _across_the_sleeve(theta: np.ndarray, i_st: int, i_sb: int, i_hps: int, unit: float) -> bool:
    """Whether the outline from `i_st` to `i_sb` heads across the sleeve: within 30° of the heading 90° on
    from the sleeve's top edge (its last 3 cm before `i_st`), both read as medians of `theta` away from the
    corners' rounding."""
    m = max(1, (i_sb - i_st) // 4)
    edge_from = max(i_hps + 1, i_st - round(3 * unit))
    edge_to = i_st - max(1, round(0.5 * unit))
    if edge_to - edge_from < 3:
        return True  # no top edge to compare with: nothing says otherwise
    top_edge = float(np.median(theta[edge_from:edge_to]))
    hem = float(np.median(theta[i_st + m : i_sb - m + 1]))
    return abs((hem - top_edge - 90.0 + 180.0) % 360.0 - 180.0) <= 30.0


def _is_sleeved(corners: list[tuple[int, float]], i_hps: int, unit: float, peak: tuple[int, float] | None) -> bool:
    """Whether a half has a sleeve: below the HPS its outline heads back towards the body (a heading past
    180°), or at least level with it (150°: a tapered sleeve whose underseam runs straight into the side, or
    a short sleeve held out level) after two convex corners, the sleeve hem's, one of them sharp. A tank's
    armhole turns inwards once, at the shoulder point, and never heads back past about 150°.
    """
    if peak is None:
        return False
    j_u, u = peak
    turns = [t for i, t in corners if t >= _WEAK_CORNER_DEG and i_hps + 2 * unit < i < j_u]
    return u >= 185.0 or (u >= 150.0 and len(turns) >= 2 and max(turns) >= _CORNER_DEG)


def _half_landmarks(path: np.ndarray, unit: float, edge: float, sleeved: bool, garment: str) -> _Half:
    """Landmarks of one half outline `path` (1-px resampled, neck centre -> hem centre, garment on the right).

    `unit` is a nominal centimetre in px (only sizes windows); `edge` is how far the outline lies outside the
    drawn edge (each fitted line is moved inwards by it). Structure first (the heading along the outline,
    `heading`), then each landmark is placed by the lines fitted to the edges either side of it.
    """
    k = max(4, round(0.8 * unit))
    margin = max(4, round(0.5 * unit))
    span = max(6, round(1.5 * unit))
    n = len(path)
    theta = heading(path, k)
    corners = dp_corners(path, 0.5 * unit, _WEAK_CORNER_DEG, 1.5 * unit)
    convex = [c for c in corners if c[1] >= _CORNER_DEG]
    top = int(np.argmin(path[:, 1]))
    if not convex:
        raise UserError(f"could not find the HPS of a {garment}: the outline has no corner where neck meets shoulder")
    # The HPS: the half's highest point, where a sloping shoulder meets the neckline, when a corner is
    # there (a rounded one may simplify to vertices either side of it); on a level shoulder, the corner
    # nearest that point. A back neck drawn as the outline (a designer's flat) meets the shoulder at a
    # shallower angle than a front neck does: a weak corner there is the HPS too.
    near_top = [c for c in corners if c[1] > 0 and abs(c[0] - top) <= 2 * unit]
    i_hps = top if near_top else min(convex, key=lambda c: abs(c[0] - top))[0]
    # The hem corner: where the heading last passes half-way from the side seam's (about 90°) to the hem's
    # (180°) before the hem's centre, at the end of a run heading down for a nominal centimetre or more: a
    # rib band hatched to its edge, light on light, leaves that edge notched between its ribs, and a notch's
    # heading dips below 135° for a few pixels only.
    i_hem = last_below(theta, 135.0, i_hps, n - margin, max(2, round(unit)))
    if i_hem is None or i_hem <= i_hps + 4 * unit:
        raise UserError(
            f"could not find the hem of a {garment}: the outline does not turn into a hem below the shoulders"
        )

    def seg(i: int, j: int) -> np.ndarray:
        """Path points from i to j with the rounded corner zones trimmed off both ends (less of them when
        the edge is short: a sleeve's underarm seam half hidden where the sleeve lies against the body)."""
        trim = min(margin, max(0, (j - i - 4) // 3))
        i, j = max(0, i + trim), min(n, j + 1 - trim)
        if j - i < 2:
            raise UserError(f"the outline of this {garment} is too small or too jagged to measure")
        return path[i:j]

    fitted: list[tuple[np.ndarray, Line]] = []

    def line(i: int, j: int) -> Line:
        pts = seg(i, j)
        fit = fit_line(pts)
        fitted.append((pts, fit))
        return fit.moved_in(edge)

    def noise() -> float:
        return float(np.mean([rms(pts, fit) for pts, fit in fitted]))

    neck = path[max(0, i_hps - margin - 2 * span) : max(3, i_hps - margin)]
    # The lower side seam (its last 4 cm above the hem) places the hem corner: a fitted or flared side
    # curves, and a line through more of it misses the corner (over 12 cm, hem widths read 0.2 cm wide on
    # average on the corpus; over 4 cm, 0.05 cm).

    def lower_side(i_ua: int) -> Line:
        return line(max(i_ua + round(3 * unit), i_hem - round(4 * unit)), i_hem)

    peak = _underseam_peak(theta, i_hps, i_hem, unit)
    has_sleeve = _is_sleeved(corners, i_hps, unit, peak)
    beside = None
    if sleeved and not has_sleeve and _end_at_body(theta, corners, i_hps, i_hem, unit) is None:
        beside = _end_beside_hem(path, theta, corners, i_hps, i_hem, n - margin, unit)
    if beside is not None:  # the sleeve's end, then its inner side up to the hem's corner beside it
        i_st, i_sb, i_hem = beside
        i_ua = i_sb
    hem_line = line(i_hem, n)

    if sleeved:
        if beside is None:
            i_st, i_sb, i_ua = _sleeve_runs(path, theta, corners, i_hps, i_hem, unit, garment, peak, has_sleeve)
        # A sleeve hanging down bends at the shoulder and again at the elbow: the shoulder is the first of them.
        bends = [i for i, t in corners if t > 0 and i_hps + 3 * unit < i < i_st - 3 * unit] if i_sb == i_ua else []
        run = seg(i_hps, bends[1] if len(bends) >= 2 else i_st)
        b = two_line_split(run, max(3, margin))
        shoulder_fit, top_fit = fit_line(run[: max(2, b - 1)]), fit_line(run[b + 1 :])
        fitted.extend([(run[: max(2, b - 1)], shoulder_fit), (run[b + 1 :], top_fit)])
        shoulder_line, top_line = shoulder_fit.moved_in(edge), top_fit.moved_in(edge)
        hem_s_line = line(i_st, i_sb)
        # A cuff drawn in at its seam steps the underseam: the cuff's side places the sleeve's bottom corner,
        # the sleeve's own underseam the underarm (one line when nothing turns between them).
        steps = _cuff_step(corners, i_sb, i_ua, unit) if _banded(garment) else None
        if i_sb == i_ua:  # the sleeve's end meets the body: no underseam shows, its end edge meets the side
            under_line = cuff_side = hem_s_line
        else:
            under_line = line(steps[1] if steps else i_sb, i_ua)
            if steps:
                cuff_side = line(i_sb, steps[0])
            elif i_ua - i_sb > 12 * unit:
                # A long underseam: its last few centimetres place the bottom corner (a rib cuff a little wider
                # than the sleeve meets it at an angle too shallow to be a step, and the whole underseam's line
                # passes above the cuff's corner).
                cuff_side = line(i_sb, i_sb + round(_CUFF_SIDE_CM * unit))
            else:
                cuff_side = under_line
        if beside is None:
            # The upper side seam (8 cm below the underarm) places the underarm and bounds the chest.
            side_line = line(i_ua, min(i_hem, i_ua + round(8 * unit)))
            hem = meet_near(lower_side(i_ua), hem_line, path[i_hem], _CORNER_REACH_CM * unit)
        else:
            # The body's side is hidden behind the sleeve down to the hem band's corner, where the sleeve's
            # inner side meets the hem: straight down through that corner (the stroke lies outwards of the
            # outline there, the cuff being on the far side), until the slit's line says better.
            x_side = float(np.median(path[i_sb : i_hem + 1, 0])) + edge
            side_line = Line(np.array([x_side, float(path[i_hem, 1])]), np.array([0.0, 1.0]))
            hem = np.array([x_side, hem_line.y_at(x_side)])
        underarm = meet_near(under_line, side_line, path[i_ua], _CORNER_REACH_CM * unit)
        at_hps = _shoulder_at_hps(path, corners, i_hps, i_st, shoulder_line, edge, unit, neck)
        hps, hps_noise = _neck_meets(neck, at_hps, edge, path[i_hps], unit)
        return _Half(
            hps=hps,
            hps_noise=hps_noise,
            shoulder=meet_near(shoulder_line, top_line, run[b], _CORNER_REACH_CM * unit),
            underarm=underarm,
            hem=hem,
            hem_line=hem_line,
            side_line=side_line,
            sleeve_top=meet_near(line(bends[1], i_st) if len(bends) >= 2 else top_line, hem_s_line, path[i_st],
                                 _CORNER_REACH_CM * unit),
            sleeve_bottom=(underarm if beside is not None
                           else _end_at_outline(hem_s_line, path[i_sb], edge) if i_sb == i_ua
                           else meet_near(hem_s_line, cuff_side, path[i_sb], _CORNER_REACH_CM * unit)),
            noise=noise(),
            v_tip_y=_v_tip(path[: i_hps + 1], unit, edge),
            side_hidden=beside is not None,
            end_at_body=i_sb == i_ua,
            shoulder_turn_deg=math.degrees(math.acos(min(1.0, abs(float(shoulder_fit.direction @ top_fit.direction))))),
        )

    if has_sleeve:
        raise UserError(f"this outline has sleeve hems and armpits: a {garment} has none (try 'tshirt')")
    # An underarm lies in the upper part of the body (armhole depth is about a third of the body length):
    # a notch lower down the side seam is not one.
    low = path[i_hps, 1] + 0.6 * (path[i_hem, 1] - path[i_hps, 1])

    def armhole(found: list[tuple[int, float]]) -> tuple[int, int]:
        between = [c for c in found if i_hps < c[0] < i_hem]
        return _tank_corners(between, garment, i_hps, unit, {c[0] for c in between if path[c[0], 1] <= low})

    try:
        i_sp, i_ua = armhole(corners)
    except UserError:
        # An armhole that runs into the side seam almost smoothly turns there by less than a weak corner:
        # look again for the gentlest turns a simplified outline still shows.
        i_sp, i_ua = armhole(dp_corners(path, 0.5 * unit, _GENTLE_CORNER_DEG, 1.5 * unit))
    shoulder_line = line(i_hps, i_sp)
    arm_start = fit_line(path[i_sp + margin : i_sp + margin + span]).moved_in(edge)
    arm_end = fit_line(path[max(0, i_ua - margin - span) : i_ua - margin]).moved_in(edge)
    side_line = line(i_ua, min(i_hem, i_ua + round(8 * unit)))
    hps, hps_noise = _neck_meets(neck, shoulder_line, edge, path[i_hps], unit)
    return _Half(
        hps=hps,
        hps_noise=hps_noise,
        shoulder=meet_near(shoulder_line, arm_start, path[i_sp], _CORNER_REACH_CM * unit),
        underarm=meet_near(arm_end, side_line, path[i_ua], _CORNER_REACH_CM * unit),
        hem=meet_near(lower_side(i_ua), hem_line, path[i_hem], _CORNER_REACH_CM * unit),
        hem_line=hem_line,
        side_line=side_line,
        sleeve_top=None,
        sleeve_bottom=None,
        noise=noise(),
        v_tip_y=_v_tip(path[: i_hps + 1], unit, edge),
    )


def _tank_corners(
    corners: list[tuple[int, float]], garment: str, i_hps: int, unit: float, armpits: set[int]
) -> tuple[int, int]:
    """A sleeveless half's shoulder point and underarm: the sharpest pair of convex corners in that order,
    the shoulder point at least a nominal 3 cm past the HPS, the underarm at least 5 cm past it and among
    `armpits` (high enough on the body)."""
    best: tuple[float, tuple[int, int]] | None = None
    for a, ta in corners:
        if ta <= 0 or a - i_hps < 3 * unit:
            continue
        for b, tb in corners:
            if tb > 0 and b - a >= 5 * unit and b in armpits and (best is None or ta + tb > best[0]):
                best = (ta + tb, (a, b))
    if best is None:
        raise UserError(
            f"could not find the shoulder points and underarms of a {garment}: no armhole corners between "
            "the neck and the hem"
        )
    return best[1]


def _v_tip(neckline: np.ndarray, unit: float, edge: float) -> float | None:
    """Where a V neckline's straight side, produced, meets the centre line (y, px); None for a curved one.

    A V's tip is a narrow wedge of background, and a soft-edged draft or a JPEG fills its last few
    millimetres with garment, so the outline's own crossing of the centre line lies above the drawn tip.
    When the middle of the neckline (20-70 % of its length from the centre) is straight, to within about
    a millimetre, and its first fifth (from a tenth on) runs the same way (a crew or scoop neck leaves the
    centre level), the tip is that line's crossing with the centre line (`neckline[0]`'s x).
    """
    if len(neckline) < 20:
        return None
    a, b = round(0.2 * len(neckline)), round(0.7 * len(neckline))
    pts = neckline[a:b]
    fit = fit_line(pts)
    if rms(pts, fit) > 0.12 * unit or abs(fit.direction[0]) < 0.2:
        return None
    # A crew or scoop neckline leaves the centre level; a V's leaves along its straight side. (Read from a
    # tenth of the way on: the filled-in tip of a short V is level too.)
    start = neckline[a] - neckline[a // 2]
    if float(start @ fit.direction) < math.cos(math.radians(15)) * float(np.linalg.norm(start)):
        return None
    return fit.moved_in(edge).y_at(float(neckline[0, 0]))


def _shoulder_at_hps(
    path: np.ndarray, corners: list[tuple[int, float]], i_hps: int, i_st: int, fitted: Line, edge: float, unit: float,
    neck: np.ndarray,
) -> Line:  # fmt: skip
    """The shoulder line the neckline meets at the HPS: `fitted` (the two-line fit's), unless it misses the HPS's
    corner by over a centimetre. A sleeve hanging down bends at the shoulder softly and again down the arm, and
    the two lines can split the outline further down, the first of them a chord across shoulder and arm; then the
    shoulder's own stretch, from the HPS to its first corner (20° or more, 3 cm on at least), is the line, where
    the neckline rises to it steeply (a front neck cut out of the outline). A back neck drawn as the outline
    arrives shallow, and where it meets a line at that shallow angle is ill placed: the corner stands for it."""
    if abs(fitted.y_at(float(path[i_hps, 0])) - float(path[i_hps, 1])) <= unit or len(neck) < 2:
        return fitted
    rise, across = np.abs(neck[-1] - neck[0])[::-1]
    if rise <= across:
        return fitted
    ends = [i for i, t in corners if t >= _WEAK_CORNER_DEG and i_hps + 3 * unit <= i < i_st]
    if not ends:
        return fitted
    trim = max(2, round(0.5 * unit))
    return fit_line(path[i_hps + trim : ends[0] + 1 - trim]).moved_in(edge)


def _neck_meets(
    neck: np.ndarray, shoulder: Line, edge: float, corner: np.ndarray, unit: float
) -> tuple[np.ndarray, float]:
    """HPS: where the neckline, rising to it, meets the shoulder line (both moved inwards by `edge`); also
    the RMS (px) of the neckline about its fitted curve, which says how far to trust it (`_reconcile`).

    A crew neckline ends almost vertical and still curving at the HPS, so a straight line through its last
    centimetres would lean and land outside it: x is fitted as a quadratic in y instead (exact to second
    order for the elliptic neckline of a flat) and followed up to the shoulder line, but not past its vertex:
    a neckline rising to the HPS heads outwards all the way, and a quadratic that turns back inwards before
    it reaches the shoulder line was bent by the corner's rounding (a small, soft draft's shallow back neck),
    so its outermost point, at the vertex, is the neckline's end.
    """
    y0 = float(neck[:, 1].mean())
    dy = neck[:, 1] - y0
    rms = 0.0
    if len(neck) >= 6 and float(np.ptp(dy)) > 2.0:
        coef = np.polyfit(dy, neck[:, 0], 2)
        res = neck[:, 0] - np.polyval(coef, dy)
        rms = float(np.sqrt(np.mean(res * res)))
    else:
        coef = np.array([0.0, 0.0, float(neck[:, 0].mean())])
    # where x peaks (the curve opens inwards, a < 0): above it the quadratic runs back towards the centre
    vertex = -coef[1] / (2.0 * coef[0]) if coef[0] < 0 else -math.inf
    y = float(neck[:, 1].min())
    for _ in range(4):  # fixed point: the shoulder line's y at the neckline's x at that y
        x = float(np.polyval(coef, max(y - y0, vertex))) + edge
        y = shoulder.y_at(x)
    hps = np.array([x, y])
    # A ragged neckline (a striped draft's bitten edge) can throw the quadratic far off: then the corner
    # itself, on the shoulder line, is the better reading.
    if float(np.linalg.norm(hps - corner)) > 2 * unit:
        x = float(corner[0]) + edge
        hps = np.array([x, shoulder.y_at(x)])
    # And a shoulder line that misses the corner by over a centimetre was fitted to more than the shoulder
    # (a bend it ran past): the corner, moved in by the edge offset, is the HPS.
    if abs(shoulder.y_at(float(corner[0])) - float(corner[1])) > unit:
        hps = np.array([float(corner[0]) + edge, float(corner[1]) + edge])
    return hps, rms


def _chest(
    upright: np.ndarray, y: float, axis_x: float, right: Line, left: Line, edge: float, unit: float
) -> tuple[float, float]:
    """The body's left and right edge (x, px) on the chest line at `y`, the outline moved in by `edge`.

    The run of garment across the centre line, unless it runs on more than a nominal 1.5 cm past a side
    seam: then a sleeve hangs against the body there (touching it, or nearer than the outline's stroke) and
    that side's seam line, fitted from underarm to hem, gives the edge instead.
    """
    xs = crossings_x(upright, y)
    lo, hi = xs[xs < axis_x], xs[xs > axis_x]
    seam_r = right.point[0] + (y - right.point[1]) * right.direction[0] / right.direction[1]
    seam_l = 2 * axis_x - (left.point[0] + (y - left.point[1]) * left.direction[0] / left.direction[1])
    run_r = float(hi.min()) - edge if len(hi) else math.inf
    run_l = float(lo.max()) + edge if len(lo) else -math.inf
    x_r = run_r if run_r <= seam_r + 0.25 * unit else seam_r
    x_l = run_l if run_l >= seam_l - 0.25 * unit else seam_l
    return x_l, x_r


def _reconcile(right: _Half, left: _Half, ppc: float) -> tuple[_Half, _Half]:
    """Both halves as they are when they agree; otherwise the cleaner one (lower `noise`) for both.

    Each half is read on its own, the left one mirrored, so on a flat top every landmark should lie on its
    mirror twin. One further off than `_SIDES_AGREE_CM` (the underarm twice that: where a sleeve lies close
    to the body its place is less certain) means one side's edge was lost or bent (a light garment's edge
    taken for background, a fold): the side whose outline keeps closer to its fitted lines is believed and
    mirrored, rather than averaging a wrong side in or refusing the picture.
    """
    # The HPS first, on its own evidence: where the two disagree by half a centimetre, the side whose
    # neckline keeps closer to its curve (a soft draft's edge bitten at the neck on one side) stands for both.
    if float(np.linalg.norm(right.hps - left.hps)) / ppc > _SIDES_AGREE_CM / 2:
        hps = right.hps if right.hps_noise <= left.hps_noise else left.hps
        right, left = replace(right, hps=hps), replace(left, hps=hps)
    for name in ("shoulder", "underarm", "hem", "sleeve_top", "sleeve_bottom"):
        a, b = getattr(right, name), getattr(left, name)
        if a is None or b is None:
            continue
        if float(np.linalg.norm(a - b)) / ppc > _SIDES_AGREE_CM * (2 if name == "underarm" else 1):
            best = right if right.noise <= left.noise else left
            return best, best
    return right, left


def _both_halves(paths: tuple[np.ndarray, np.ndarray], unit: float, edge: float, sleeved: bool,
                 garment: str) -> tuple[_Half, _Half]:  # fmt: skip
    """Landmarks of both halves; where one half cannot be read, the other one mirrored stands for both.

    Refuses (the reason of the right half, which names the landmark) only when neither half can be read.
    """
    got: list[_Half | None] = []
    errors: list[UserError] = []
    for p in paths:
        try:
            got.append(_half_landmarks(resample(p), unit, edge, sleeved, garment))
        except UserError as exc:
            got.append(None)
            errors.append(exc)
    r, lm = got
    if r is None and lm is None:
        # A wrong garment type is the same on both sides: say that, not the first side's symptom.
        raise next((e for e in errors if "try '" in str(e)), errors[0])
    return (r or lm, lm or r)  # type: ignore[return-value]


# -- the entry point ----------------------------------------------------------------------------------------


def measure_top(
    img: Image.Image | np.ndarray,
    spec: Top,
    *,
    px_per_cm: float | None = None,
    body_length_cm: float | None = None,
    features: Mapping[str, str] | None = None,
) -> GarmentMeasure:
    """The points of measure (cm) of the top in `img`, with its landmarks (px) and the deskew applied.

    `features` are what is known of the design beyond the picture (the look's sketch shows a raglan seam that
    a generated draft does not): `{"sleeve": "raglan" | "set-in"}` decides the sleeve's reading; without it,
    the sleeve's seam line drawn in the picture does, and a picture that shows none is read as set-in.

    Give exactly one scale: `px_per_cm`, or `body_length_cm` (the body length, HPS to hem, of the garment in
    the picture; then px_per_cm = body length in px / body_length_cm). Raises UserError (one line) for an
    unknown garment, a bad or missing scale, a picture with no garment, two garments or a cut-off one, an
    outline without a top's corners, and a body length outside 20-200 cm.
    """
    # 1. Check inputs
    garment, sleeved = spec.name, spec.sleeved
    check_scale(px_per_cm, body_length_cm)

    # 2. Silhouette
    clock = [time.perf_counter()]
    stages: dict[str, float] = {}

    def lap(name: str) -> None:
        clock.append(time.perf_counter())
        stages[name] = clock[-1] - clock[-2]

    sil = segment_garment(img)
    lap("silhouette")
    h, w = sil.mask.shape

    # 3. Outline and deskew: turn the contour (not the picture) upright about the centroid.
    m8 = sil.mask.astype(np.uint8)
    x, y, bw, bh = cv2.boundingRect(m8)
    x0, y0 = max(0, x - 8), max(0, y - 8)
    crop = m8[y0 : y + bh + 8, x0 : x + bw + 8]  # the garment with a margin: a fraction of the picture
    offset = np.array([x0, y0], float)
    moments = cv2.moments(crop, binaryImage=True)
    local = np.array([moments["m10"] / moments["m00"], moments["m01"] / moments["m00"]])
    tilt = symmetry_tilt(crop, local)
    crop = bridge_bites(crop)
    contour = outer_contour(crop) + offset
    centre = local + offset
    turn = rotation_matrix(tilt)  # upright -> picture, for column vectors
    upright = (contour - centre) @ turn + centre
    right, left, neck_y = halves(upright, float(centre[0]))
    height = float(upright[:, 1].max() - upright[:, 1].min())
    hood = None
    if spec.hooded:  # the hood's part of the outline read, then led into the shoulders by a plain neckline
        right, left, hood = split_hood(right, left, float(centre[0]), height, garment, sil.edge_px)
        neck_y, height = float(right[0, 1]), float(upright[:, 1].max() - hood.hps_y)

    lap("outline_deskew")

    # 4. Landmarks on both halves (the left mirrored onto the right, so one routine reads both)
    unit = height / 70.0  # a nominal cm: a top is about 70 cm from shoulder to hem
    if height < _LEAST_HEIGHT_PX:
        raise UserError(
            f"the garment is only {height:.0f} px tall in this picture: measuring it to a centimetre needs "
            f"{_LEAST_HEIGHT_PX} px or more (about 3 px per cm); use a larger picture"
        )
    r, lm = _both_halves((right, left), unit, sil.edge_px, sleeved, garment)
    if hood is not None:
        # Where the hood meets the shoulders is the HPS as drawn, across (the plain neckline led into them is not
        # drawn, and meets them outwards of it); its height stays the shoulder line's there, fitted over more.
        r, lm = (replace(h, hps=_on_shoulder(h, float(q[0]))) for h, q in zip((r, lm), hood.hps, strict=True))
    cleaner = min(r.noise, lm.noise) / unit
    if cleaner > _MOST_NOISE_CM:
        raise UserError(
            f"the outline of this {garment} is too ragged to measure: its edges stray about {cleaner:.1f} cm "
            "from straight lines on both sides (does the garment match its backdrop in places, e.g. a stripe "
            "of the backdrop's own tone?)"
        )
    # Sides that disagree are judged at the picture's scale when it is given, else at the body length's.
    judge = float(px_per_cm) if px_per_cm is not None else (r.hem[1] - r.hps[1]) / float(body_length_cm or 70.0)
    r, lm = _reconcile(r, lm, max(judge, 1e-6))

    def unmirror(p: np.ndarray) -> np.ndarray:
        return np.array([2 * centre[0] - p[0], p[1]])

    hps_y = (r.hps[1] + lm.hps[1]) / 2
    hem_y = (r.hem_line.y_at(r.hps[0]) + lm.hem_line.y_at(lm.hps[0])) / 2
    body_px = hem_y - hps_y
    if body_px <= 0:
        raise UserError(f"could not measure the body length of this {garment}: the hem is not below the shoulders")

    lap("landmarks")

    # 5. Scale
    ppc = body_px / body_length_cm if body_length_cm is not None else float(px_per_cm)  # type: ignore[arg-type]
    body_cm = body_px / ppc
    if not MIN_BODY_LENGTH_CM <= body_cm <= MAX_BODY_LENGTH_CM:
        raise UserError(
            f"at {ppc:g} px/cm this {garment} would be {body_cm:.1f} cm long (HPS to hem), not a plausible "
            f"top ({MIN_BODY_LENGTH_CM:g}-{MAX_BODY_LENGTH_CM:g} cm): check px_per_cm"
        )

    # 6. Points of measure (px, upright frame)
    ua_y = (r.underarm[1] + lm.underarm[1]) / 2
    neck_pt = np.array([float(centre[0]), neck_y + sil.edge_px])
    tips = [t for t in (r.v_tip_y, lm.v_tip_y) if t is not None]
    if tips and 0 < float(np.mean(tips)) - neck_pt[1] < 3 * unit:
        neck_pt[1] = float(np.mean(tips))
    rgb = as_rgb_array(img)  # interior lines are read off the picture itself, once converted

    def to_picture(p: np.ndarray) -> np.ndarray:
        return (p - centre) @ turn.T + centre

    # the bands' seams first: a sleeve hanging past the hem has its slit read from the hem band's top
    bands = _band_heights(rgb, sil.mask, to_picture, (r, lm), unmirror, unit) if spec.banded else {}
    inner = _interior_lines(
        rgb, sil.mask, to_picture, float(centre[0]), neck_pt, ua_y,
        (r, lm), unmirror, unit, sleeved, neck=not spec.hooded, hem_band=bands.get("hem_band_height"),
    )  # fmt: skip
    sleeve = (features or {}).get("sleeve") or inner.sleeve or "set-in"
    # sleeves hanging all the way down, their ends against the body: each bends at the elbow, and its length
    # runs along its top edge
    hanging = r.end_at_body and lm.end_at_body
    if inner.underarms is not None:  # sleeves hanging against the body: the slits' tops are the underarms
        foot_r, foot_l = inner.slit_feet
        r = _slit_underarm(r, inner.underarms[0], foot_r)
        lm = _slit_underarm(lm, unmirror(inner.underarms[1]), None if foot_l is None else unmirror(foot_l))
        ua_y = (r.underarm[1] + lm.underarm[1]) / 2
    elif hanging:
        # The sleeves' ends meet the body and no slit's line runs up from there: nothing in the picture says
        # where the armpit is, and a chest read at the sleeves' ends would be a guess.
        raise UserError(
            f"could not find the underarms of a {garment}: the sleeves hang against the body and no line shows "
            "where they leave it (draw the slit between sleeve and body, or the armhole seam down to the side)"
        )
    chest_y = ua_y + CHEST_BELOW_UNDERARM_CM * ppc
    chest_l, chest_r = _chest(upright, chest_y, float(centre[0]), r.side_line, lm.side_line, sil.edge_px, unit)
    if inner.neck_y is not None:
        neck_pt[1] = inner.neck_y
    bent = hanging
    seamed = False  # the armhole seams' tops are the shoulder points
    if sleeve == "set-in" and inner.sleeve == "set-in" and inner.shoulders is not None:
        seam_r, seam_l = (_onto_outline(upright, q, sil.edge_px) for q in inner.shoulders)
        twins = float(np.hypot(*(seam_r - unmirror(seam_l)))) <= 1.5 * unit  # a flat is symmetric: both seams agree
        # A shallow bend (a dropped shoulder running almost straight into the sleeve's top edge) places the
        # shoulder point poorly: the two-line split slides along the near-straight edge by a centimetre or more
        # at little cost, and the armhole seam drawn into it says where the sleeve starts. Within half a
        # centimetre of the seam's top the bend stands (its fitted lines place a corner more finely than a
        # traced seam's end).
        shallow = max(r.shoulder_turn_deg, lm.shoulder_turn_deg) < _SHALLOW_BEND_DEG
        off = float(np.hypot(*(seam_r - r.shoulder))), float(np.hypot(*(seam_l - unmirror(lm.shoulder))))
        if shallow and not twins and min(off) <= 2 * unit:
            # Seams that disagree: one trace slid off its line (onto a stripe of a draft, say). The one that
            # ends near its own outline's bend stands for both, mirrored, as a flat is drawn symmetric.
            if off[0] <= off[1]:
                seam_l = _onto_outline(upright, unmirror(seam_r), sil.edge_px)
            else:
                seam_r = _onto_outline(upright, unmirror(seam_l), sil.edge_px)
            twins = True
        moved = max(float(np.hypot(*(seam_r - r.shoulder))), float(np.hypot(*(seam_l - unmirror(lm.shoulder)))))
        if twins and (moved > 2 * unit or (shallow and moved > 0.5 * unit)):
            r, lm, seamed = replace(r, shoulder=seam_r), replace(lm, shoulder=unmirror(seam_l)), True
            # A seam far from the outline's bend: a sleeve hanging down bends where the arm turns, and the
            # outline's bend there is not the shoulder's. Its length then runs along its top edge (a sleeve held
            # out runs straight to its end: the chord, which a soft or wavy edge does not lengthen).
            bent = bent or moved > 2 * unit
    if sleeve == "set-in" and not bent and not seamed and _hangs(r) and _hangs(lm):
        # No armhole seam to go by (a draft), and a sleeve hanging down: the outline bends at the shoulder first,
        # then where the arm turns down; the first bend is the shoulder point.
        firsts = [_first_bend(p, h.hps, h.sleeve_top, unit) for p, h in ((right, r), (left, lm))]
        if all(f is not None for f in firsts):
            moved = max(float(np.hypot(*(f - h.shoulder))) for f, h in zip(firsts, (r, lm), strict=True))  # type: ignore[operator]
            if moved > 2 * unit:
                r, lm, bent = replace(r, shoulder=firsts[0]), replace(lm, shoulder=firsts[1]), True
    px = {
        "body_length": body_px,
        "chest_width": chest_r - chest_l,
        "hem_width": float(np.linalg.norm(r.hem - unmirror(lm.hem))),
        "shoulder_width": float(np.linalg.norm(r.shoulder - unmirror(lm.shoulder))),
        # the front neckline's ends are the HPS when further out than the outline's bend (it then runs on along
        # the back neck); a trace that stops short of the bend has lost the line, and the bend stands
        "neck_width": max(inner.neck_width or 0.0, float(np.linalg.norm(r.hps - unmirror(lm.hps)))),
        "front_neck_drop": float(neck_pt[1] - hps_y),
    }
    upright_lm: dict[str, np.ndarray] = {"front_neck": neck_pt}
    for name in ("hps", "shoulder", "underarm", "hem", "sleeve_top", "sleeve_bottom"):
        a, b = getattr(r, name), getattr(lm, name)
        if a is not None and b is not None:
            upright_lm[f"{name}_right"] = a
            upright_lm[f"{name}_left"] = unmirror(b)
    upright_lm["chest_left"] = np.array([chest_l, chest_y])
    upright_lm["chest_right"] = np.array([chest_r, chest_y])
    if sleeved:
        assert r.sleeve_top is not None and r.sleeve_bottom is not None
        assert lm.sleeve_top is not None and lm.sleeve_bottom is not None
        px["sleeve_length"] = (
            float(np.linalg.norm(r.sleeve_top - r.shoulder) + np.linalg.norm(lm.sleeve_top - lm.shoulder)) / 2
        )
        if bent:
            right_run = _along(upright, r.shoulder, r.sleeve_top, unit)
            left_run = _along(upright, unmirror(lm.shoulder), unmirror(lm.sleeve_top), unit)
            px["sleeve_length"] = (right_run + left_run) / 2
        if sleeve == "raglan":
            # DESIGN.md: no shoulder seam, so no shoulder width; the sleeve runs from the HPS over the shoulder.
            del px["shoulder_width"]
            px["sleeve_length"] += float(np.linalg.norm(r.shoulder - r.hps) + np.linalg.norm(lm.shoulder - lm.hps)) / 2
        px["sleeve_opening"] = (
            float(np.linalg.norm(r.sleeve_top - r.sleeve_bottom) + np.linalg.norm(lm.sleeve_top - lm.sleeve_bottom)) / 2
        )

    if hood is not None:
        px["hood_height"] = hps_y - hood.top_y - sil.edge_px  # the outline lies outside the drawn edge
        px["hood_width"] = hood.width - 2 * sil.edge_px
        upright_lm["hood_top"] = np.array([float(centre[0]), hood.top_y + sil.edge_px])
    assumed: dict[str, str] = {}
    if spec.banded:
        for pom, value in bands.items():
            if value is not None:
                px[pom] = value
            elif (spec_pom := spec.pom(pom)) is not None and (standard := spec_pom.standard_cm) is not None:
                # DESIGN.md reads a band "where drawn": a band without its seam is the block's standard one
                px[pom] = standard * ppc
                what = "hem band" if pom == "hem_band_height" else "cuff"
                assumed[pom] = f"no {what} seam drawn: the block's standard {standard:g} cm"
            else:
                raise UserError(f"could not find the {pom.replace('_', ' ')} of this {garment}: no seam drawn")

    back = turn.T  # picture <- upright
    landmarks = {k: tuple(float(v) for v in ((p - centre) @ back + centre)) for k, p in sorted(upright_lm.items())}
    measurements = {p: round(float(px[p] / ppc), 2) for p in spec.pom_names if p in px}
    return GarmentMeasure(
        garment=garment,
        measurements_cm=measurements,
        landmarks_px=landmarks,  # type: ignore[arg-type]
        px_per_cm=round(ppc, 4),
        rotation_deg=round(-tilt, 2),
        image_size=(w, h),
        stage_seconds={**stages, "poms": time.perf_counter() - clock[-1]},
        features={"sleeve": sleeve} if sleeved else {},
        assumed=assumed,
    )


def _symmetric_slits(
    ridges: RidgeMap, tops: tuple[np.ndarray | None, np.ndarray | None], axis_x: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """Both slits' tops, when they agree (within 1.5 cm in height). A flat is drawn symmetric: where one side's
    trace stopped short (its strokes merged into one too wide to stand out) or found none, the deeper side's top
    stands for both, if the other side shows a line at its mirror image."""
    unit = ridges.unit
    found = [t for t in tops if t is not None]
    if len(found) == 2 and abs(found[0][1] - found[1][1]) <= 1.5 * unit:
        return found[0], found[1]
    if not found:
        return None
    deeper = min(found, key=lambda t: float(t[1]))  # the higher top: a trace can stop short, not run past
    mirror = np.array([2.0 * axis_x - deeper[0], deeper[1]])
    radius = max(2.0, 0.3 * unit)
    snapped = ridges.snap(mirror, radius)
    if ridges.at(snapped) < ridges.floor():
        return None
    right = deeper if deeper[0] >= axis_x else snapped
    left = snapped if deeper[0] >= axis_x else deeper
    return right, left


def _bridge_foot(ridges: RidgeMap, underarm: np.ndarray, bottom: np.ndarray, up: np.ndarray) -> np.ndarray | None:
    """Where the slit's line rises from the outline's short edge between the sleeve's bottom corner and the
    body's side (`underarm` to `bottom`): that edge closes the slit over at its foot, and a soft draft's shadow
    can cut the sleeve's tip off it short of the body, so the slit's foot lies anywhere along it, not at the
    outline's underarm. The strongest line crossing a level 1 cm up (clear of the outline's own stroke), between
    the two; None when that edge heads up the side rather than across it (a sleeve's own underseam, which no
    level crosses the slit along) or no line crosses there."""
    d = bottom - underarm
    length = float(np.hypot(*d))
    if length < 1.0 or abs(float(d @ up)) / length > math.cos(math.radians(45.0)):
        return None
    ts = np.arange(0.0, length + 1e-9, 1.0)
    values = ridges.values(underarm + ridges.unit * up + ts[:, None] * (d / length))
    k = int(np.argmax(values))
    return underarm + float(ts[k]) / length * d if values[k] >= ridges.floor() else None


def _slit_foot(ridges: RidgeMap, p: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Where the slit's line rises from the hem band's top at `p`: the strongest line crossing a level 2 cm
    up, within 1 cm either side (the band's end and the sleeve's inner side need not be in line)."""
    n = np.array([-up[1], up[0]])
    offsets = np.arange(-ridges.unit, ridges.unit + 1e-9, 1.0)
    values = ridges.values(p + 2.0 * ridges.unit * up + offsets[:, None] * n)
    return p + float(offsets[int(np.argmax(values))]) * n


def _slit_underarm(half: _Half, top: np.ndarray, foot: np.ndarray | None = None) -> _Half:
    """`half` with its underarm at the top of the slit drawn between sleeve and body; where the body's side is
    hidden down to the hem (`_Half.side_hidden`), that slit's line, from its top to the hem's corner, is the
    side seam that bounds the chest. Beside a sleeve whose end meets the body, or that hangs down past the hem,
    the slit's line from its top to its foot (the outline's underarm) is the side seam too: the side the outline
    shows below is lower down a curved side, or the hem band's (a body easing into a narrower band slants in).
    So is it from its top to a `foot` found along the edge closing the slit over (`_bridge_foot`): the outline's
    side below that edge is lower down a fitted side, and its line, run up, misses the slit."""
    if foot is None and not (half.side_hidden or half.end_at_body or _past_hem(half) or _slit_beside_inner(half)):
        return replace(half, underarm=top)
    down = (half.hem if half.side_hidden else half.underarm if foot is None else foot) - top
    return replace(half, underarm=top, side_line=Line(top, down / max(1e-9, float(np.hypot(*down)))))


def _on_shoulder(half: _Half, x: float) -> np.ndarray:
    """The point at `x` on the shoulder line, through the half's HPS and shoulder point."""
    d = half.shoulder - half.hps
    slope = float(d[1] / d[0]) if abs(float(d[0])) > 1e-9 else 0.0
    return np.array([x, float(half.hps[1]) + (x - float(half.hps[0])) * slope])


def _first_bend(path: np.ndarray, hps: np.ndarray, sleeve_top: np.ndarray | None, unit: float) -> np.ndarray | None:
    """The first convex corner (12° or more) of a half outline from the HPS towards the sleeve's top corner, at
    least 3 cm from the HPS; None when there is none before the sleeve's end."""
    if sleeve_top is None:
        return None
    i, j = (int(np.argmin(np.hypot(*(path - q).T))) for q in (hps, sleeve_top))
    if j - i < 4 * unit:
        return None
    run = resample(path[i : j + 1])
    # (simplified to half a centimetre, as the outline's corners are: a striped draft's bitten edge wiggles)
    corners = dp_corners(run, 0.5 * unit, 12.0, 1.5 * unit)
    for k, t in corners:
        # The shoulder bends down into the sleeve (convex). A step in the edge and back within 3 cm is no bend:
        # a stripe of the backdrop's tone (a centimetre or so wide) bitten out of a striped draft's edge.
        step = any(abs(k - m) <= 3 * unit and (u > 0) != (t > 0) for m, u in corners)
        if t <= 0 or step:
            continue
        if float(np.hypot(*(run[k] - hps))) >= 3 * unit and float(np.hypot(*(run[k] - sleeve_top))) >= 3 * unit:
            return run[k]
    return None


def _hangs(half: _Half) -> bool:
    """Whether the sleeve hangs against the body: its underseam, from the sleeve's bottom corner to the
    underarm, runs within 20° of the side seam (a sleeve held out meets it at 40° or more)..."""
    if half.sleeve_bottom is None or half.end_at_body:
        return False
    u = half.underarm - half.sleeve_bottom
    length = max(1e-9, float(np.hypot(*u)))
    along = float(u @ -half.side_line.direction) / length >= math.cos(math.radians(20.0))
    # ... and the sleeve's bottom corner lies against the body: within a fifth of the underseam's length of the
    # side seam's line (a sleeve held out at 40° lies far off it)
    off = abs(float((half.sleeve_bottom - half.side_line.point) @ half.side_line.normal))
    # (one hanging past the hem lies beside the body whatever the side seam's line does below the hem: a body
    # easing into a narrower band slants inwards, and its line, run on past the hem, leaves the sleeve)
    return (along and (off <= 0.2 * length or _past_hem(half))) or _straight_down(half)


def _straight_down(half: _Half) -> bool:
    """Whether the sleeve's underseam runs straight down the upright flat (within a fifth of its length of the
    vertical through the outline's underarm, about 11°): a sleeve drawn hanging, whatever the side the outline
    shows below it does (a slit closed over most of its depth leaves only the body's lower side, curving in
    to a narrower hem band, and that side's line leaves the sleeve). A sleeve held out heads out 40° or more."""
    if half.sleeve_bottom is None or half.end_at_body:
        return False
    u = _inner_up(half)
    return float(u[1]) < 0 and abs(float(u[0])) <= 0.2


def _slit_beside_inner(half: _Half) -> bool:
    """Whether the slit beside a sleeve drawn hanging straight down (`_straight_down`) runs up the sleeve's inner
    edge, not the side's line: that line heads more than 11° off the inner edge (the body's lower side, curving
    in to a narrower hem, is all the outline shows below a slit closed over most of its depth)."""
    if not _straight_down(half) or _past_hem(half):
        return False
    u = _inner_up(half)
    return float(u @ -half.side_line.direction) < math.cos(math.radians(11.0))


def _inner_up(half: _Half) -> np.ndarray:
    """The sleeve's inner edge's way up, from its bottom corner to the outline's underarm (unit vector)."""
    assert half.sleeve_bottom is not None
    u = half.underarm - half.sleeve_bottom
    return u / max(1e-9, float(np.hypot(*u)))


def _past_hem(half: _Half) -> bool:
    """Whether the sleeve hangs down past the body's hem: its bottom corner lies below the hem corner (a sleeve
    held out, at any angle, ends above the hem)."""
    return half.sleeve_bottom is not None and float(half.sleeve_bottom[1]) > float(half.hem[1])


def _touches(half: _Half, within: float) -> bool:
    """Whether the sleeve's opening meets the body: its bottom corner lies within `within` px of the outline's
    underarm (1.5 cm: the slit between the sleeve's inner edge and the body is closed over its whole depth), or
    the sleeve's end meets the body (`_Half.end_at_body`)."""
    if half.sleeve_bottom is None:
        return False
    return half.end_at_body or float(np.hypot(*(half.sleeve_bottom - half.underarm))) <= within


def _onto_outline(upright: np.ndarray, p: np.ndarray, edge: float) -> np.ndarray:
    """The drawn edge's point nearest `p`: the outline's nearest vertex, moved in by the edge offset."""
    q = upright[int(np.argmin(np.hypot(*(upright - p).T)))]
    d = p - q
    return q + d / max(1e-9, float(np.hypot(*d))) * min(edge, float(np.hypot(*d)))


def _along(upright: np.ndarray, a: np.ndarray, b: np.ndarray, unit: float) -> float:
    """The length (px) of the outline between its points nearest `a` and `b`, the shorter way round,
    simplified to a fifth of a centimetre so the pixel staircase adds nothing."""
    n = len(upright)
    i, j = (int(np.argmin(np.hypot(*(upright - q).T))) for q in (a, b))
    one = upright[np.arange(i, i + (j - i) % n + 1) % n]
    other = upright[np.arange(j, j + (i - j) % n + 1) % n]
    run = one if len(one) <= len(other) else other
    simple = cv2.approxPolyDP(np.ascontiguousarray(run, np.float32).reshape(-1, 1, 2), 0.2 * unit, False)
    pts = simple.reshape(-1, 2).astype(np.float64)
    return float(np.hypot(*np.diff(pts, axis=0).T).sum()) if len(pts) > 1 else 0.0


def _band_heights(
    rgb: np.ndarray, mask: np.ndarray, to_picture: Callable[[np.ndarray], np.ndarray], halves_: tuple[_Half, _Half],
    unmirror: Callable[[np.ndarray], np.ndarray], unit: float,
) -> dict[str, float | None]:  # fmt: skip
    """`hem_band_height` and `cuff_height` (px) of a banded top, from the seams drawn across (`bands.py`); None
    for a band whose seam is not drawn (a filled flat in one colour shows none: the band is then not read)."""
    r, lm = halves_

    def across(a: np.ndarray, b: np.ndarray, towards: np.ndarray) -> float | None:
        edge = b - a
        n = np.array([-edge[1], edge[0]]) / max(1e-9, float(np.hypot(*edge)))
        n = n if float((towards - (a + b) / 2) @ n) > 0 else -n
        reach = 21 * unit
        corners = [a, b, a + reach * n, b + reach * n]
        ridges = RidgeMap.build(rgb, mask, to_picture, corners, unit)
        return seam_across(ridges, a, b, n) if ridges is not None else None

    hem_l, hem_r = unmirror(lm.hem), r.hem
    out: dict[str, float | None] = {"hem_band_height": across(hem_l, hem_r, (r.shoulder + unmirror(lm.shoulder)) / 2)}
    if r.sleeve_top is not None and lm.sleeve_top is not None and r.sleeve_bottom is not None:
        assert lm.sleeve_bottom is not None
        cuffs = [
            across(r.sleeve_top, r.sleeve_bottom, r.shoulder),
            across(unmirror(lm.sleeve_top), unmirror(lm.sleeve_bottom), unmirror(lm.shoulder)),
        ]
        found = [c for c in cuffs if c is not None]  # a flat is symmetric: one cuff's seam stands for both
        out["cuff_height"] = float(np.mean(found)) if found else None
    return out


@dataclass(frozen=True)
class _Interior:
    """What the lines drawn inside a top say: where its front neck is (None: the outline's), the neck width
    between the HPS where the front neckline meets the back neck (None: the outline's HPS), and the sleeve."""

    neck_y: float | None = None
    neck_width: float | None = None
    sleeve: str | None = None  # "set-in" | "raglan" | None (no seam line found: read as set-in)
    shoulders: tuple[np.ndarray, np.ndarray] | None = None  # set-in: the armhole seams' tops (right, left)
    underarms: tuple[np.ndarray, np.ndarray] | None = None  # sleeves hanging against the body: the slits' tops
    # ... and the slits' feet found along the edge closing each over (`_bridge_foot`), right and left; None: at
    # the outline's underarm
    slit_feet: tuple[np.ndarray | None, np.ndarray | None] = (None, None)


def _interior_lines(
    rgb: np.ndarray, mask: np.ndarray, to_picture: Callable[[np.ndarray], np.ndarray], axis_x: float,
    neck_pt: np.ndarray, ua_y: float, halves_: tuple[_Half, _Half], unmirror: Callable[[np.ndarray], np.ndarray],
    unit: float, sleeved: bool, neck: bool = True, hem_band: float | None = None,
) -> _Interior:  # fmt: skip
    """Read the interior lines of the upper body once: the front neckline drawn inside a back-neck outline
    (`neckline.py`) and the sleeve's seam from each underarm (`sleeve_seam.py`)."""
    r, lm = halves_
    hps = (r.hps, unmirror(lm.hps))
    reach = max(abs(r.shoulder[0] - axis_x), abs(r.underarm[0] - axis_x)) + 5 * unit
    top = min(h[1] for h in hps) - 2 * unit
    corners = [np.array([axis_x + dx, y]) for dx in (-reach, reach) for y in (top, ua_y + 2 * unit)]
    ridges = RidgeMap.build(rgb, mask, to_picture, corners, unit)
    if ridges is None:
        return _Interior()
    neck_y = neck_width = None
    steps = ridges.steps() if neck else None
    inside = front_neck_inside(
        ridges, axis_x=axis_x, outline_neck_y=float(neck_pt[1]), hps=hps, lowest_y=ua_y, steps=steps
    )
    if neck and inside is not None:
        neck_y = inside.y
        ends = (inside.hps_right, inside.hps_left)
        if all(e is not None and abs(e[0] - h[0]) <= 2.0 * unit for e, h in zip(ends, hps, strict=True)):
            # Where the front neckline meets the back neck on each side is the HPS the flat draws (further out
            # than the outline's bend: a line that ends further still ran on into a raglan or band seam).
            neck_width = float(abs(ends[0][0] - ends[1][0]))  # type: ignore[index]
    sleeve = shoulders = underarms = None
    slit_feet: tuple[np.ndarray | None, np.ndarray | None] = (None, None)
    underarm_r, underarm_l = r.underarm, unmirror(lm.underarm)
    # A flat is drawn symmetric: one sleeve against the body says both are (a soft draft's drop shadow, falling to
    # one side, can eat one sleeve's tip more, leaving that outline's bottom corner further out).
    if (all(h.sleeve_bottom is not None for h in (r, lm))
            and any(_hangs(h) or _touches(h, 1.5 * unit) for h in (r, lm))):  # fmt: skip
        # A sleeve drawn hanging straight down whose side's line leaves it (the body's lower side curving in to a
        # narrower hem): the slit runs up along the sleeve's inner edge, closed over most of its depth, so it is
        # traced the inner edge's way; the stroke it follows is the sleeve's own edge, long and straight, so a gap
        # a stripe wide (a striped fill's stripe of the backdrop's tone cutting it) is bridged.
        inner = [_inner_up(h) if _slit_beside_inner(h) else None for h in (r, lm)]
        ups = [-h.side_line.direction if i is None else i for h, i in zip((r, lm), inner, strict=True)]
        side_up = ups[0], ups[1] * np.array([-1.0, 1.0])  # the left half's, unmirrored
        # A sleeve whose end meets the body, hangs down past the hem or straight down beside a side that leaves
        # it, hangs all the way down: its slit runs up most of the sleeve.
        past = [_past_hem(h) for h in (r, lm)]
        most = [SLIT_BESIDE_END_CM if h.end_at_body or p or i is not None else SLIT_MOST_CM
                for h, p, i in zip((r, lm), past, inner, strict=True)]  # fmt: skip
        gaps = [SLIT_STRIPES_GAP_CM if i is not None else SLIT_GAP_CM for i in inner]
        # One hanging past the hem is read with a window wide enough to take the sleeve's inner edge and the
        # body's side, drawn side by side and closing to the underarm, as one line (a slit that long is open up to
        # a centimetre at its foot, a wedge of backdrop or shade wider than a stroke); one hiding the body's side
        # down to the hem band has its slit from the top of the band up (the band's end below, drawn fainter, is
        # no slit).
        band = hem_band or 0.0
        wide_map: list[RidgeMap] = []

        def wide() -> RidgeMap:
            """The wide window's map of this region, made once when first wanted."""
            if not wide_map:
                wide_map.append(ridges.widened(_SLIT_PAIR_CM))
            return wide_map[0]

        found: list[np.ndarray | None] = []
        feet: list[np.ndarray | None] = [None, None]
        bottoms = (r.sleeve_bottom, unmirror(lm.sleeve_bottom))  # type: ignore[arg-type]
        for h, hem, ua, sb, up, deep, down, gap in zip((r, lm), (r.hem, unmirror(lm.hem)), (underarm_r, underarm_l),
                                                       bottoms, side_up, most, past, gaps, strict=True):  # fmt: skip
            if h.side_hidden:
                found.append(slit_top(wide(), _slit_foot(ridges, hem + band * up, up), up, deep))
            elif down:
                found.append(slit_top(wide(), ua, up, deep))
            else:
                # Where the slit closes to its top the sleeve's inner edge and the body's side are two strokes side
                # by side, one dark band too wide for the narrow window to see: its trace stops short there. The
                # wide window reads them as one line up to the top (kept to the side seam's line: the armhole seam
                # leaving the top is no slit): the higher top of the two stands (a trace can stop short, not run past).
                top = slit_top(ridges, ua, up, deep, gap_cm=gap)
                # No line runs up from the outline's underarm: the slit's foot may lie further along the short edge
                # that closes it over, towards the sleeve's bottom corner (`_bridge_foot`); its line, from its top
                # down to that foot, is then the body's side.
                foot = _bridge_foot(ridges, ua, sb, up) if top is None else None
                if foot is not None:
                    ua, top = foot, slit_top(ridges, foot, up, deep, gap_cm=gap)
                    feet[len(found)] = foot if top is not None else None
                if top is not None:
                    pair = slit_top(wide(), ua, up, deep, on_line=True, gap_cm=gap)
                    top = pair if pair is not None and pair[1] < top[1] else top
                found.append(top)
        tops = _symmetric_slits(ridges, (found[0], found[1]), axis_x)
        if tops is not None:
            underarms = tops
            underarm_r, underarm_l = tops
            # (a foot stands with its own trace's top only: a top mirrored from the other side has no foot here)
            slit_feet = (feet[0] if found[0] is tops[0] else None, feet[1] if found[1] is tops[1] else None)
    if sleeved:
        found = [sleeve_seam(ridges, ua, sp, h, axis_x)
                 for ua, sp, h in ((underarm_r, r.shoulder, r.hps),
                                   (underarm_l, unmirror(lm.shoulder), unmirror(lm.hps)))]  # fmt: skip
        kinds = {f[0] for f in found if f is not None}
        sleeve = kinds.pop() if len(kinds) == 1 else None
        if sleeve == "set-in" and found[0] is not None and found[1] is not None:
            shoulders = (found[0][1], found[1][1])
    return _Interior(neck_y, neck_width, sleeve, shoulders, underarms, slit_feet)
