"""Rib bands of a top read off its flat: the hem band's and the cuffs' seams, drawn as lines across.

A banded top (sweatshirt, hoodie) draws its hem band and cuffs as a seam line across the body just above the hem
and across each sleeve just above its end. DESIGN.md's `hem_band_height` runs from the band seam to the band's
lower edge, `cuff_height` from the cuff seam to the cuff's end. The seam is the first solid line met going in from
the edge: a topstitching line is dashed (under 70 % of it on a ridge), a pocket or a print does not run across.

Points are in the upright frame of `design_ai.garments.tops.landmarks`, unmirrored (the left half's on the left).
"""

from __future__ import annotations

import numpy as np

from design_ai.patterns.ridges import RidgeMap

__all__ = ["seam_across"]

_LEAST_CM = 1.5  # a seam nearer the edge than this is the edge's own stitching
_MOST_CM = 20.0  # a band or cuff is never deeper
_TILT_PX = 1.0  # how far (px) either end of a seam's line may sit off the edge's slant: a corner's error
_SOLID = 0.8  # share of a seam line's length on a ridge: a dashed topstitching line has about half


def seam_across(ridges: RidgeMap, a: np.ndarray, b: np.ndarray, inwards: np.ndarray) -> float | None:
    """The distance (px) from the edge a-b (a hem, a sleeve's end) to the first solid line that runs across the
    garment parallel to it, going `inwards` (a unit vector); None when there is none within 20 cm.

    Candidates are the lines met on perpendiculars through the edge's 20 % and 80 % points (a central pocket or
    print misses one of them); the first, going in, that holds along the whole width is the seam (rib hatching
    inside a band crosses such a line, a pocket's edge or a print spans only part of it, topstitching is
    dashed)."""
    unit = ridges.unit
    d = np.asarray(inwards, np.float64) / max(1e-9, float(np.hypot(*inwards)))
    edge = b - a
    if float(np.hypot(*edge)) < 2 * unit:
        return None
    candidates: set[int] = set()
    for share in (0.2, 0.8):
        start = a + share * edge + _LEAST_CM * unit * d
        points, values = ridges.profile(start, start + (_MOST_CM - _LEAST_CM) * unit * d, 0.15 * unit)
        for i in ridges.peaks(values):
            candidates.add(round(_LEAST_CM * unit + float((points[i] - start) @ d)))
    threshold = ridges.floor()
    shifts = np.arange(-0.3 * unit, 0.3 * unit + 1e-9, 1.0)
    for depth in sorted(candidates):
        held = [(_held(ridges, a + (depth + t) * d, b + (depth + t) * d, threshold), depth + t) for t in shifts]
        best, at = max(held)
        # The seam is drawn parallel to the drawn edge, but a-b joins corners read to a pixel or two each: a line
        # at one depth all along can run off a thin seam at one end (a short cuff's by a sample or two of its
        # share). Whether it is solid is judged with either end also let move a pixel on its own; where it
        # lies, as before, by the line parallel to the edge.
        tilted = (_held(ridges, a + (depth + t - s) * d, b + (depth + t + s) * d, threshold) for t in shifts
                  for s in (-_TILT_PX, _TILT_PX))  # fmt: skip
        best = max(best, *tilted)
        # A seam stands out from the body's plain fill beyond it, one and two centimetres further in; inside a
        # band drawn hatched (rib), every line across is "solid" because the hatching is everywhere, and further
        # in is just as busy. (Only the body's side tells, over two centimetres: across a striped band the
        # hatching fades over each darker stripe, so a line a centimetre either way, on such a stripe, can look
        # plain; the next lighter stripe in, hatched again, cannot.)
        beside = max(_held(ridges, a + (at + t) * d, b + (at + t) * d, threshold) for t in (unit, 2 * unit))
        if best >= _SOLID and beside <= 0.5:
            # Rib hatching drawn up to the seam holds almost as well as a solid line just below it, with plain fill
            # a centimetre on: of the lines from here to a centimetre further in, the seam holds best.
            steps = np.arange(0.0, unit, 1.0)
            on = [(_held(ridges, a + (at + t) * d, b + (at + t) * d, threshold), -t) for t in steps]
            return float(at - max(on)[1])
    return None


def _held(ridges: RidgeMap, a: np.ndarray, b: np.ndarray, threshold: float) -> float:
    """The share of the segment a-b, kept a centimetre clear of its ends, that lies on a ridge (each point
    allowed an eighth of a centimetre either way)."""
    unit = ridges.unit
    edge = b - a
    length = float(np.hypot(*edge))
    u = edge / max(length, 1e-9)
    n = np.array([-u[1], u[0]])
    ts = np.arange(unit, length - unit, max(1.0, 0.25 * unit))
    if len(ts) < 4:
        return 0.0
    offsets = np.arange(-0.12 * unit, 0.12 * unit + 1e-9, 1.0)
    grid = a + ts[:, None, None] * u + offsets[None, :, None] * n
    return float(np.mean(ridges.values(grid).max(axis=1) >= threshold))
