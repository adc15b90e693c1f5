"""The front neckline of a top drawn as designers and pattern CAD draw it: a line inside a back-neck outline.

A technical flat shows the garment from the front with the back neckline as the outline at the neck (a shallow
curve just below the HPS line) and the front neckline drawn inside it as a line from HPS to HPS. The outline's
crossing with the centre line is then the back neck, and the front neck drop must be read off the line inside.

The front neckline is told from the other lines near the neck by where it runs: it leaves the centre line and
reaches the HPS on each side. A neckband seam below it runs parallel to it and meets the shoulder line outside
the HPS; a back neckband seam stays shallow and parallel to the outline; a print does not reach the HPS. So each
line found on the centre line below the outline, from the top down, is followed outwards along its ridge of
contrast (dark or light, a stroke or a soft edge) and the first that arrives at an HPS is the front neckline.

Coordinates are the upright frame of `design_ai.garments.tops.landmarks` (pixels, y down); `to_picture` maps them
back to the picture, where the line is looked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["FrontNeck", "front_neck_inside"]

_SHALLOW = 0.25  # an outline neck drop under this share of the neck width is a back neck (a front one: 0.3-0.6)
_ARRIVE_CM = 2.5  # a traced line reaching the HPS line this close across to the outline's HPS reached it
_STRONG_SHARE = 0.7  # share of the trace's steps that must sit on a ridge
_LEAST_CONTRAST = 10.0  # grey levels: weaker lines are paper noise, JPEG ringing or fabric texture


@dataclass(frozen=True)
class FrontNeck:
    """A front neckline found inside the outline: where it crosses the centre line, and where it arrives at
    the HPS line on each side (None for a side it could not be followed to)."""

    y: float
    hps_right: np.ndarray | None
    hps_left: np.ndarray | None


def _ridges(grey: np.ndarray, inside: np.ndarray, width: int) -> np.ndarray:
    """How strongly each pixel stands out from its neighbourhood (a stroke, or the near side of an edge),
    in grey levels; zero outside `inside`."""
    k = max(7, width | 1)
    response = cv2.absdiff(grey, cv2.medianBlur(grey, k)).astype(np.float32)
    response[~inside] = 0.0
    return response


def front_neck_inside(
    rgb: np.ndarray,
    mask: np.ndarray,
    to_picture: Callable[[np.ndarray], np.ndarray],
    *,
    axis_x: float,
    outline_neck_y: float,
    hps: tuple[np.ndarray, np.ndarray],
    unit: float,
    lowest_y: float,
) -> FrontNeck | None:
    """The front neckline drawn inside the garment (where it crosses the centre line), or None when the
    outline's own neck is the front neck (cut out of the silhouette) or no line inside reaches the HPS.

    `hps` holds the two HPS (upright, x either side of `axis_x`); `unit` is a nominal centimetre in px;
    `lowest_y` bounds the search (the underarms: a neckline never runs below them).
    """
    hps_y = float(np.mean([h[1] for h in hps]))
    half_width = float(np.mean([abs(h[0] - axis_x) for h in hps]))
    if half_width <= 0 or (outline_neck_y - hps_y) >= _SHALLOW * 2 * half_width:
        return None
    top, bottom = outline_neck_y + 0.6 * unit, min(lowest_y, hps_y + 2.6 * half_width)
    if bottom - top < 2 * unit:
        return None

    # The picture around the neck only: the corners of the upright region, mapped to the picture.
    xs, ys = (axis_x - 1.5 * half_width, axis_x + 1.5 * half_width), (hps_y - 2 * unit, bottom + unit)
    corners = np.array([[x, y] for x in xs for y in ys])
    pic = np.array([to_picture(c) for c in corners])
    h, w = mask.shape
    x0, y0 = (max(0, int(v) - 4) for v in pic.min(axis=0))
    x1, y1 = (int(v) + 5 for v in pic.max(axis=0))
    x1, y1 = min(w, x1), min(h, y1)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    grey = cv2.cvtColor(np.ascontiguousarray(rgb[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY)
    r = max(2, round(0.25 * unit))
    inside = cv2.erode(mask[y0:y1, x0:x1].astype(np.uint8), np.ones((2 * r + 1, 2 * r + 1), np.uint8)) > 0
    response = _ridges(grey, inside, round(1.5 * unit))

    def at(p: np.ndarray) -> float:
        x, y = to_picture(p)
        c, rr = round(float(x)) - x0, round(float(y)) - y0
        return float(response[rr, c]) if 0 <= rr < response.shape[0] and 0 <= c < response.shape[1] else 0.0

    ys = np.arange(top, bottom, 1.0)
    band = np.arange(-0.2 * unit, 0.2 * unit + 1e-9, 1.0)
    profile = np.array([max(at(np.array([axis_x + dx, y])) for dx in band) for y in ys])
    floor = max(_LEAST_CONTRAST, 3.0 * float(np.median(profile)))
    peaks = [i for i in range(1, len(ys) - 1)
             if profile[i] >= floor and profile[i] >= profile[i - 1] and profile[i] > profile[i + 1]]  # fmt: skip
    for i in peaks:
        y_c = float(ys[i])
        threshold = max(_LEAST_CONTRAST, 0.35 * float(profile[i]))
        ends = [_reaches(at, np.array([axis_x, y_c]), target, threshold, unit) for target in hps]
        if any(e is not None for e in ends):
            return FrontNeck(y_c, ends[0], ends[1])
    return None


def _reaches(at: Callable[[np.ndarray], float], start: np.ndarray, hps: np.ndarray, threshold: float,
             unit: float) -> np.ndarray | None:  # fmt: skip
    """Where the ridge through `start`, followed outwards, arrives at the HPS line near `hps` (None when it
    does not, or leaves the ridge for more than a share of the way): each step goes on in the current
    direction, then snaps across to the strongest response within a third of a centimetre. The arrival is
    where the front neckline meets the back neck: the HPS as the flat draws it."""
    sign = 1.0 if hps[0] >= start[0] else -1.0
    d = np.array([sign, 0.0])
    p = start.astype(np.float64)
    step = max(1.0, 0.2 * unit)
    reach = np.arange(-max(2.0, 0.35 * unit), max(2.0, 0.35 * unit) + 1e-9, 1.0)
    total = float(np.hypot(*(hps - start)))
    steps = strong = 0
    while steps < 4 * total / step:
        steps += 1
        q = p + step * d
        n = np.array([-d[1], d[0]])
        values = [at(q + o * n) for o in reach]
        k = int(np.argmax(values))
        if values[k] >= threshold:
            strong += 1
            q = q + reach[k] * n
        heading = (q - p) / max(1e-9, float(np.hypot(*(q - p))))
        d = 0.5 * d + 0.5 * heading
        d /= max(1e-9, float(np.hypot(*d)))
        p = q
        if p[1] <= hps[1] + 0.5 * unit and abs(p[0] - hps[0]) <= _ARRIVE_CM * unit:
            return p if strong / steps >= _STRONG_SHARE else None
        if p[1] < hps[1] - unit or sign * (p[0] - hps[0]) > _ARRIVE_CM * unit:
            return None
    return None
