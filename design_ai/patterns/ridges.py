"""Interior lines of a garment picture: seams, band seams, necklines drawn inside, topstitching.

The outline says where the garment ends; a flat's interior lines say where its parts are (a front neckline
drawn inside a back-neck outline, a raglan seam, a rib band's seam). A line is a ridge of contrast: a stroke
darker or lighter than the fill around it, or the near side of a soft edge in a draft. `RidgeMap` measures that
contrast inside the garment (away from the outline's own stroke) and follows a line from a point along it.

Points are given in the caller's frame (the upright frame of a garment reader), `to_picture` maps them into the
picture. Nothing here names a garment.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["LEAST_CONTRAST", "RidgeMap"]

LEAST_CONTRAST = 4.0  # grey levels: weaker lines are quantisation and JPEG noise, whatever the fill
_NOISE_TIMES = 3.0  # a line stands out this many times over the fill's own contrast (texture, grain, noise)


@dataclass
class RidgeMap:
    """How strongly each pixel of a region stands out from its neighbourhood, inside the garment."""

    response: np.ndarray  # float32, grey levels, zero outside the (eroded) garment
    origin: tuple[int, int]  # (x0, y0) of the region in the picture
    to_picture: Callable[[np.ndarray], np.ndarray]  # maps a point, or an (N, 2) array of them row by row
    unit: float  # a nominal centimetre, px
    interior: np.ndarray  # bool, the eroded garment over the region
    grey: np.ndarray  # uint8, the region's grey levels (the tone either side of a line)
    noise: float = 0.0  # the fill's own contrast: the median response inside the garment

    def floor(self) -> float:
        """The least contrast that is a line here, not the fill's texture."""
        return max(LEAST_CONTRAST, _NOISE_TIMES * self.noise)

    def threshold(self, peak: float) -> float:
        """The contrast a line found at `peak` keeps along its way (strokes fade, soft edges vary)."""
        return max(self.floor(), 0.35 * peak)

    @classmethod
    def build(
        cls,
        rgb: np.ndarray,
        mask: np.ndarray,
        to_picture: Callable[[np.ndarray], np.ndarray],
        corners: Sequence[np.ndarray],
        unit: float,
    ) -> RidgeMap | None:
        """The map over the picture region that holds `corners` (caller's frame); None when it is empty.

        The garment is eroded by a quarter of a nominal centimetre so the outline's stroke is not a line inside
        it; the contrast is the difference from a median over 1.5 cm, so strokes up to about 7 mm wide stand out
        whole (`widened` reads the same region with a wider median)."""
        region = _region(rgb, mask, to_picture, corners, unit)
        if region is None:
            return None
        grey, inside, origin = region
        return cls._over(_median_contrast(grey, 1.5, unit), origin, to_picture, unit, inside, grey)

    def widened(self, window_cm: float) -> RidgeMap:
        """This region's map with the contrast taken from a median over `window_cm`: strokes up to about half as
        wide stand out whole, so two strokes drawn side by side read as one line."""
        return self._over(_median_contrast(self.grey, window_cm, self.unit), self.origin, self.to_picture,
                          self.unit, self.interior, self.grey)  # fmt: skip

    def steps(self) -> RidgeMap:
        """This region's map of steps in tone: where two fills meet with no stroke between them (a flat's shading
        of the inside back seen through the neck opening ends at the front neckline). A median keeps such a step,
        so `build` does not see it; here the contrast is the grey levels' range over a sixth of a nominal
        centimetre either side, after a blur of as much that takes off the fill's grain."""
        r = max(1, round(self.unit / 6))
        smooth = cv2.GaussianBlur(self.grey, (0, 0), r)
        kernel = np.ones((2 * r + 1, 2 * r + 1), np.uint8)
        response = cv2.subtract(cv2.dilate(smooth, kernel), cv2.erode(smooth, kernel)).astype(np.float32)
        return self._over(response, self.origin, self.to_picture, self.unit, self.interior, self.grey)

    @classmethod
    def _over(
        cls, response: np.ndarray, origin: tuple[int, int], to_picture: Callable[[np.ndarray], np.ndarray],
        unit: float, inside: np.ndarray, grey: np.ndarray,
    ) -> RidgeMap:  # fmt: skip
        """The map of `response` kept inside the garment, with the fill's own contrast as its noise."""
        response[~inside] = 0.0
        noise = float(np.median(response[inside])) if inside.any() else 0.0
        return cls(response, origin, to_picture, unit, inside, grey, noise)

    def _cells(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(inside the region, row, column) of each of `points` (caller's frame, flattened to (N, 2))."""
        pic = self.to_picture(np.asarray(points, np.float64).reshape(-1, 2))
        c = np.rint(pic[:, 0]).astype(np.int64) - self.origin[0]
        r = np.rint(pic[:, 1]).astype(np.int64) - self.origin[1]
        ok = (r >= 0) & (r < self.response.shape[0]) & (c >= 0) & (c < self.response.shape[1])
        return ok, r, c

    def tone(self, points: np.ndarray) -> np.ndarray:
        """The grey level at each of `points` (caller's frame, shape (..., 2)); NaN outside the region."""
        ok, r, c = self._cells(points)
        out = np.full(len(ok), np.nan)
        out[ok] = self.grey[r[ok], c[ok]]
        return out.reshape(np.shape(points)[:-1])

    def at(self, p: np.ndarray) -> float:
        """The contrast at point `p` (caller's frame); 0 outside the region."""
        return float(self.values(p))

    def values(self, points: np.ndarray) -> np.ndarray:
        """The contrast at each of `points` (caller's frame, shape (..., 2)); 0 outside the region. One call for
        many points: reading a line's whole width point by point costs a Python call per pixel."""
        ok, r, c = self._cells(points)
        out = np.zeros(len(ok), np.float64)
        out[ok] = self.response[r[ok], c[ok]]
        return out.reshape(np.shape(points)[:-1])

    def inside(self, p: np.ndarray) -> bool:
        """Whether `p` (caller's frame) lies inside the garment, clear of its outline's stroke."""
        x, y = self.to_picture(p)
        c, r = round(float(x)) - self.origin[0], round(float(y)) - self.origin[1]
        return bool(0 <= r < self.interior.shape[0] and 0 <= c < self.interior.shape[1] and self.interior[r, c])

    def profile(self, start: np.ndarray, end: np.ndarray, across: float) -> tuple[np.ndarray, np.ndarray]:
        """(points, contrast) every pixel along the segment start -> end, each the strongest within `across`
        px either side of it (a line crossing the segment shows as a peak)."""
        d = end - start
        length = float(np.hypot(*d))
        n = np.array([-d[1], d[0]]) / max(length, 1e-9)
        ts = np.arange(0.0, length, 1.0) / max(length, 1e-9)
        offsets = np.arange(-across, across + 1e-9, 1.0)
        points = start + ts[:, None] * d
        values = self.values(points[:, None, :] + offsets[None, :, None] * n).max(axis=1)
        return points, values

    def peaks(self, values: np.ndarray) -> list[int]:
        """Indices of the profile's local maxima that stand out from the fill (`floor`) and from the profile's
        own median three times over."""
        floor = max(self.floor(), 3.0 * float(np.median(values))) if len(values) else self.floor()
        return [i for i in range(1, len(values) - 1)
                if values[i] >= floor and values[i] >= values[i - 1] and values[i] > values[i + 1]]  # fmt: skip

    def snap(self, p: np.ndarray, radius: float) -> np.ndarray:
        """The point of strongest contrast within `radius` px of `p` (a peak found on a profile lies beside a
        thin slanted line, not on it)."""
        offsets = np.arange(-radius, radius + 1e-9, 1.0)
        shifts = np.stack(np.meshgrid(offsets, offsets, indexing="ij"), axis=-1).reshape(-1, 2)  # dx-major
        return p + shifts[int(np.argmax(self.values(p + shifts)))]

    def heading(self, p: np.ndarray, towards: np.ndarray, spread_deg: float = 80.0) -> np.ndarray:
        """The direction of the line through `p`: of those within `spread_deg` of `towards`, the one along which
        the contrast over the next centimetre is strongest (every 5°)."""
        base = np.arctan2(towards[1], towards[0])
        length = max(3.0, self.unit)
        best, best_d = -1.0, np.asarray(towards, np.float64)
        angles = base + np.radians(np.arange(-spread_deg, spread_deg + 1e-9, 5.0))
        ds = np.stack([np.cos(angles), np.sin(angles)], axis=1)
        ts = np.arange(1.0, length + 1e-9, 1.0)
        totals = self.values(p + ts[None, :, None] * ds[:, None, :]).sum(axis=1)
        for total, d in zip(totals, ds, strict=True):
            if total > best:
                best, best_d = float(total), d
        return best_d

    def follow(
        self,
        start: np.ndarray,
        direction: np.ndarray,
        threshold: float,
        *,
        stop: Callable[[np.ndarray], bool],
        max_len: float,
        least_share: float = 0.7,
        way: list[np.ndarray] | None = None,
    ) -> np.ndarray | None:
        """Follow the ridge through `start`, heading first along `direction`, until `stop(point)` holds; return
        that point, or None when the way ran past `max_len` px or left the ridge for more than 1 - `least_share`
        of its steps. Each step goes on in the current direction, then snaps across to the strongest contrast
        within a third of a centimetre; the direction follows the line, smoothed. The points stepped through are
        appended to `way`, when given."""
        d = np.asarray(direction, np.float64) / max(1e-9, float(np.hypot(*direction)))
        p = np.asarray(start, np.float64)
        step = max(1.0, 0.2 * self.unit)
        reach = np.arange(-max(2.0, 0.35 * self.unit), max(2.0, 0.35 * self.unit) + 1e-9, 1.0)
        steps = strong = 0
        while steps * step < max_len:
            steps += 1
            q = p + step * d
            n = np.array([-d[1], d[0]])
            values = self.values(q + reach[:, None] * n)
            k = int(np.argmax(values))
            if values[k] >= threshold:
                strong += 1
                q = q + reach[k] * n
            heading = (q - p) / max(1e-9, float(np.hypot(*(q - p))))
            d = 0.5 * d + 0.5 * heading
            d /= max(1e-9, float(np.hypot(*d)))
            p = q
            if way is not None:
                way.append(p)
            if stop(p):
                return p if strong / steps >= least_share else None
        return None


def _region(
    rgb: np.ndarray, mask: np.ndarray, to_picture: Callable[[np.ndarray], np.ndarray], corners: Sequence[np.ndarray],
    unit: float,
) -> tuple[np.ndarray, np.ndarray, tuple[int, int]] | None:  # fmt: skip
    """(grey, eroded garment, origin) of the picture region that holds `corners`; None when it is empty. The garment
    is eroded by a quarter of a nominal centimetre so the outline's stroke is not a line inside it, after the
    backdrop it encloses is filled in (`_holes_filled`)."""
    pic = np.array([to_picture(np.asarray(c, np.float64)) for c in corners])
    h, w = mask.shape
    x0, y0 = (max(0, int(v) - 4) for v in pic.min(axis=0))
    x1, y1 = (min(lim, int(v) + 5) for v, lim in zip(pic.max(axis=0), (w, h), strict=True))
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    grey = cv2.cvtColor(np.ascontiguousarray(rgb[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY)
    r = max(2, round(0.25 * unit))
    inside = cv2.erode(_holes_filled(mask[y0:y1, x0:x1]), np.ones((2 * r + 1, 2 * r + 1), np.uint8)) > 0
    return grey, inside, (x0, y0)


def _holes_filled(mask: np.ndarray) -> np.ndarray:
    """`mask` (uint8 0/1) with the backdrop it encloses filled in: what lies inside the outline. A narrow slit
    between a sleeve hanging against the body and the body's side is closed over at its ends, and the backdrop
    showing through it comes out as specks and short runs of non-garment pixels: eroded as edges, they would
    wipe out the very line the slit draws. Backdrop reaching the region's border is outside and stays out."""
    m8 = np.pad(mask.astype(np.uint8), 1)
    reached = np.zeros((m8.shape[0] + 2, m8.shape[1] + 2), np.uint8)
    cv2.floodFill(m8, reached, (0, 0), 2)
    return (m8[1:-1, 1:-1] != 2).astype(np.uint8)


def _median_contrast(grey: np.ndarray, window_cm: float, unit: float) -> np.ndarray:
    """How far each pixel's grey level stands from the median over `window_cm` around it (float32)."""
    k = max(7, round(window_cm * unit) | 1)
    return cv2.absdiff(grey, cv2.medianBlur(grey, k)).astype(np.float32)
