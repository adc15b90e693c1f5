"""A hood on a top's flat: where it meets the shoulders, how tall and how wide it is drawn.

In front view a hoodie's outline runs from the hood's top at the centre, out round the hood and back in to the
neck, where it meets the shoulder line at the HPS with a sharp inward turn (a concave corner), then on along the
shoulder and sleeve like any top. DESIGN.md's `hood_height` runs from the HPS line straight up to the hood's
top, `hood_width` is the hood's widest extent across. Once the hood is read, its part of each half outline is
replaced by a plain neckline from the centre to the HPS, so the rest is read as every top is.

Half outlines are those of `design_ai.garments.tops.landmarks` (from the top crossing of the centre line to the
hem's, the garment on the right of the centre line, the left half mirrored), in pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from design_ai.errors import UserError
from design_ai.patterns.outline import dp_corners, fit_line, meet_near, resample

__all__ = ["Hood", "split_hood"]

_NECK_TURN_DEG = 30.0  # the hood meets the shoulder turning inwards at least this much
_SHOULDER_CM = 1.5  # ... and the outline then runs outwards along the shoulder for as long as this


@dataclass(frozen=True)
class Hood:
    """The hood as drawn (px, upright frame): its top at the centre, the HPS either side, its widest reach, and
    the HPS of each half (in the halves' frame, the left one mirrored) as drawn: where the hood's edge meets the
    shoulder's, each moved in by the edge offset."""

    top_y: float
    hps_y: float
    width: float
    hps: tuple[np.ndarray, np.ndarray]


def split_hood(right: np.ndarray, left: np.ndarray, axis_x: float, height: float,
               garment: str, edge: float = 0.0) -> tuple[np.ndarray, np.ndarray, Hood]:  # fmt: skip
    """The two half outlines with the hood replaced by a plain neckline, and the hood's measures.

    `height` is the outline's height (px), for a nominal centimetre; `edge` how far the outline lies outside
    the drawn edge. Refuses in one line when no half shows where the hood meets a shoulder."""
    unit = height / 100.0  # a hoodie with its hood is about a metre from hood top to hem
    junctions = [_junction(p, unit) for p in (right, left)]
    if all(j is None for j in junctions):
        raise UserError(
            f"could not find where the hood of this {garment} meets the shoulders: its outline never turns "
            "from the hood into a shoulder line (measure a top without a hood as 'sweatshirt')"
        )
    j_r, j_l = (j if j is not None else k for j, k in zip(junctions, junctions[::-1], strict=True))
    paths = (right, left)
    widest = max(float(np.max(p[: j + 1, 0])) for p, j in zip(paths, (j_r, j_l), strict=True)) - axis_x
    hps_y = float(np.mean([right[j_r, 1], left[j_l, 1]]))
    top_y = float(min(right[0, 1], left[0, 1]))
    hps = (_drawn_hps(right, j_r, unit, edge), _drawn_hps(left, j_l, unit, edge))
    hood = Hood(top_y=top_y, hps_y=hps_y, width=2 * widest, hps=hps)
    return _with_neckline(right, j_r, axis_x), _with_neckline(left, j_l, axis_x), hood


def _junction(path: np.ndarray, unit: float) -> int | None:
    """The index on `path` where the hood meets the shoulder: its first inward turn of 30° or more (round the
    hood, from its top out and back in to the neck, the outline only ever turns outwards) after which the
    outline heads away from the centre line, along the shoulder. A hood drawn narrowing to the neck turns
    inwards where its side, heading back in, straightens to run down to the shoulder: still the hood's side.
    """
    fine = resample(path)
    ahead = max(2, round(_SHOULDER_CM * unit))
    for i, t in dp_corners(fine, 0.5 * unit, _NECK_TURN_DEG, 1.5 * unit):
        if t < 0 and fine[min(len(fine) - 1, i + ahead), 0] - fine[i, 0] > 0.5 * unit:
            return int(np.argmin(np.hypot(*(path - fine[i]).T)))
    return None


def _drawn_hps(path: np.ndarray, j: int, unit: float, edge: float) -> np.ndarray:
    """The HPS as drawn at the junction near `j`: the outline's corner there (the point furthest in from the chord
    across it: the simplified outline's vertex can sit a few pixels along either edge) moved in by `edge` off both
    edges. The outline turns into the shoulder round the outside of both strokes, a concave corner, so the strokes'
    own meeting lies inwards of it along the hood's edge as much as down from the shoulder's (the plain neckline
    led in, read as a convex corner, would move it the other way). The edges' directions are taken over a
    centimetre only: a hood's side curves, and a line through more of it, produced, misses the corner."""
    run = max(3, round(unit))
    lo, hi = max(0, j - 2 * run), min(len(path) - 1, j + 2 * run)
    if hi - lo < 2 * run:
        return path[j]
    chord = path[hi] - path[lo]
    normal = np.array([-chord[1], chord[0]]) / max(1e-9, float(np.hypot(*chord)))  # into the garment
    c = lo + int(np.argmax((path[lo : hi + 1] - path[lo]) @ normal))
    a = fit_line(path[max(0, c - run) : c + 1]).moved_in(edge)
    b = fit_line(path[c : c + run + 1]).moved_in(edge)
    return meet_near(a, b, path[c], 2 * unit)


def _with_neckline(path: np.ndarray, j: int, axis_x: float) -> np.ndarray:
    """The half outline from the HPS on, led in by a straight neckline from the centre line (half the HPS's
    distance from it below the HPS: a corner at the HPS like a crew neck's)."""
    hps = path[j]
    start = np.array([axis_x, hps[1] + 0.5 * abs(hps[0] - axis_x)])
    steps = max(2, int(np.hypot(*(hps - start))))
    neck = start + np.linspace(0.0, 1.0, steps, endpoint=False)[:, None] * (hps - start)
    return np.vstack([neck, path[j:]])
