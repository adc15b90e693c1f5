"""The front neckline of a top drawn as designers and pattern CAD draw it: a line inside a back-neck outline.

A technical flat shows the garment from the front with the back neckline as the outline at the neck (a shallow
curve just below the HPS line) and the front neckline drawn inside it as a line from HPS to HPS. The outline's
crossing with the centre line is then the back neck, and the front neck drop must be read off the line inside.

The front neckline is told from the other lines near the neck by where it runs: it leaves the centre line and
reaches the HPS on each side. A neckband seam below it runs parallel to it and meets the shoulder line outside
the HPS; a back neckband seam stays shallow and parallel to the outline; a print does not reach the HPS. So each
line found on the centre line below the outline, from the top down, is followed outwards along its ridge of
contrast (dark or light, a stroke or a soft edge) and the first that arrives at an HPS is the front neckline;
lines as shallow as a back neck (a back neckband's seam) are not looked at. Where the flat shades the inside of
the back seen through the opening, the neckline is where that shading ends (a step in tone, stroked or not), and
the lines inside the shading or below its edge are not it (`_shading_edge`).

Coordinates are the upright frame of `design_ai.garments.tops.landmarks` (pixels, y down); `to_picture` maps them
back to the picture, where the line is looked for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from design_ai.patterns.ridges import LEAST_CONTRAST, RidgeMap

__all__ = ["FrontNeck", "front_neck_inside"]

_SHALLOW = 0.25  # an outline neck drop under this share of the neck width is a back neck (a front one: 0.3-0.6)
_ARRIVE_CM = 2.5  # a traced line reaching the HPS line this close across to the outline's HPS reached it


@dataclass(frozen=True)
class FrontNeck:
    """A front neckline found inside the outline: where it crosses the centre line, and where it arrives at
    the HPS line on each side (None for a side it could not be followed to)."""

    y: float
    hps_right: np.ndarray | None
    hps_left: np.ndarray | None


_CLEAR_TIMES = 1.75  # a drawn neckline stands out this many times over the least contrast that is a line
_ON_EDGE_CM = 0.6  # a stroke this close to a shading's edge is drawn on it
_STEP_SHARE = 0.5  # a shading's edge: the fills either side differ by this share of its contrast (a stroke: ~0)


def front_neck_inside(
    ridges: RidgeMap,
    *,
    axis_x: float,
    outline_neck_y: float,
    hps: tuple[np.ndarray, np.ndarray],
    lowest_y: float,
    steps: RidgeMap | None = None,
) -> FrontNeck | None:
    """The front neckline drawn inside the garment (where it crosses the centre line), or None when the
    outline's own neck is the front neck (cut out of the silhouette) or no line inside reaches the HPS.

    `ridges` covers the neck; `hps` holds the two HPS (upright, x either side of `axis_x`); `lowest_y` bounds
    the search (the underarms: a neckline never runs below them).
    """
    unit = ridges.unit
    hps_y = float(np.mean([h[1] for h in hps]))
    half_width = float(np.mean([abs(h[0] - axis_x) for h in hps]))
    if half_width <= 0 or (outline_neck_y - hps_y) >= _SHALLOW * 2 * half_width:
        return None
    # Lines as shallow as a back neck are the back neck's own (a back neckband seam just below the outline):
    # a front neckline drops deeper.
    top = max(outline_neck_y + 0.6 * unit, hps_y + _SHALLOW * 2 * half_width)
    bottom = min(lowest_y, hps_y + 2.6 * half_width)
    if bottom - top < 2 * unit:
        return None
    points, profile = ridges.profile(np.array([axis_x, top]), np.array([axis_x, bottom]), 0.2 * unit)
    found: list[tuple[float, FrontNeck]] = []
    for i in ridges.peaks(profile):
        centre = points[i]
        threshold = ridges.threshold(float(profile[i]))
        ends = [_to_hps(ridges, centre, h, threshold) for h in hps]
        if any(e is not None for e in ends):
            found.append((float(profile[i]), FrontNeck(float(centre[1]), ends[0], ends[1])))
    shaded = _shading_edge(steps, axis_x, outline_neck_y, top, bottom, hps) if steps is not None else None
    if shaded is not None:
        # A stroke drawn on the shading's edge places it (the step's own peak lies a little to one side of it)
        # and is followed to the HPS more surely: the strongest line there (beside a stroke, a faint ridge of its
        # fading edge or of a draft's grain). Else the edge itself is the neckline.
        near = [(c, neck) for c, neck in found if abs(neck.y - shaded.y) <= _ON_EDGE_CM * unit]
        return max(near, key=lambda cn: cn[0])[1] if near else shaded
    # The first, going down, that stands clear of the fill's texture: a draft's soft shading inside the neck
    # leaves faint ridges, barely over the floor, that wander out to an HPS too. Failing that, the first.
    clear = _CLEAR_TIMES * ridges.floor()
    return next((neck for c, neck in found if c >= clear), found[0][1] if found else None)


def _shading_edge(
    steps: RidgeMap, axis_x: float, outline_neck_y: float, top: float, bottom: float, hps: tuple[np.ndarray, np.ndarray]
) -> FrontNeck | None:
    """The front neckline as the lower edge of the shading inside the neck, or None when there is none.

    A flat often shades the inside of the back, seen through the neck opening, darker than the front (on a dark
    garment, lighter): the shading fills the opening from the back neck (the outline) down to the front neckline,
    which is where it ends, a step in tone with or without a stroke on it. Lines inside the shading are on the
    back (its neckband seam), lines below the step are the front's neckband seams: neither is the neckline. So
    the first step going down, with the whole opening above it of another tone than the fill just below it, that
    is followed out to an HPS is the front neckline. Strokes on an unshaded flat have the same fill on both
    sides: no step."""
    unit = steps.unit
    down = np.array([0.0, 1.0])
    points, profile = steps.profile(np.array([axis_x, top]), np.array([axis_x, bottom]), 0.2 * unit)
    for i in steps.peaks(profile):
        centre = points[i]
        # medians over a span wide enough that a stroke or two drawn in it (a back or front band seam) is not
        # its tone
        opening = np.arange(outline_neck_y + 0.5 * unit - centre[1], -0.3 * unit, 1.0)
        front = np.arange(0.3 * unit, 1.5 * unit, 1.0)
        if len(opening) < 2:
            continue
        above = float(np.nanmedian(steps.tone(centre + opening[:, None] * down)))
        below = float(np.nanmedian(steps.tone(centre + front[:, None] * down)))
        if not abs(below - above) >= max(LEAST_CONTRAST, _STEP_SHARE * float(profile[i])):
            continue
        threshold = steps.threshold(float(profile[i]))
        ends = [_to_hps(steps, centre, h, threshold) for h in hps]
        if any(e is not None for e in ends):
            return FrontNeck(float(centre[1]), ends[0], ends[1])
    return None


def _to_hps(ridges: RidgeMap, start: np.ndarray, hps: np.ndarray, threshold: float) -> np.ndarray | None:
    """Where the ridge through `start`, followed outwards, arrives at the HPS line near `hps` (None when it
    does not). The arrival is where the front neckline meets the back neck: the HPS as the flat draws it."""
    unit = ridges.unit
    sign = 1.0 if hps[0] >= start[0] else -1.0
    gone = {"past": False}

    def stop(p: np.ndarray) -> bool:
        if p[1] < hps[1] - unit or sign * (p[0] - hps[0]) > _ARRIVE_CM * unit:
            gone["past"] = True
            return True
        return bool(p[1] <= hps[1] + 1.5 * unit and abs(p[0] - hps[0]) <= _ARRIVE_CM * unit)

    total = float(np.hypot(*(hps - start)))
    end = ridges.follow(start, np.array([sign, 0.0]), threshold, stop=stop, max_len=4 * total)
    return None if end is None or gone["past"] else end
