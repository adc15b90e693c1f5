"""Mending a draft's outline where a stripe of the backdrop's own tone hides the garment's edge.

A white-and-grey striped tee on a grey backdrop, whose grey stripe is the backdrop's tone, shows its edge only
where a white stripe ends: along each grey stripe the segmentation loses a few pixels (a bite), and where an
edge runs across the stripes its outline becomes a staircase. Measuring such an outline reads every corner a
few millimetres in and, at the worst, refuses it as too ragged. A person reads the edge off the white stripes'
ends and takes it straight across the grey ones; so does this module:

1. **Stripes**: a dominant peak in the Fourier spectrum of the garment's inside (a tenth or more of its
   non-DC energy, where fabric grain, folds and a print spread theirs) gives the period; the structure tensor
   of the same pixels gives the stripes' direction to a tenth of a degree (the spectrum's bins are too coarse:
   over a metre-wide garment a degree is a whole stripe).
2. **Which stripe each row is**: in a frame turned so that the stripes run along rows, the median lightness of
   each row of the garment's inside (a median, so a chest print does not move it), compared with its
   neighbourhood a stripe and a half either way, marks the light rows.
3. **Only when it is needed**: the outline is mended only when, along the garment's rim, the darker stripe is
   nearer the backdrop's tone just outside than it is to the lighter stripe, and within 16 levels of it (a
   soft draft edge of less contrast can be lost in JPEG noise). Stripes that stand out from the backdrop (a
   dark tee's, or a white tee's on a darker backdrop) leave the mask as it was.
4. **Mending**, in the stripes' frame: the garment's run of pixels along the middle row of each light stripe
   is its true extent there. Between two light stripes, a run in one that meets exactly one run in the next
   is joined to it by straight lines (the edge goes straight across the grey stripe); where a run splits in
   two (the armpits) or two merge (the neck), only the outer ends are joined; a bite along a grey stripe
   closed on both sides by light ones is closed. Where the garment ends in a grey stripe (its top, its hem, a
   sleeve's underside) the run's ends are carried on from the stripe before, row by row outwards, while the
   row's new pixels, averaged, are on the darker stripe's side of a tone 15 % of the way from the backdrop's
   to it (a grey stripe darkens towards its edge, nearly to the backdrop's tone), and a grey stripe's width
   at most. A backdrop darkened by the garment's shadow stops it at once.

The mask only ever gains pixels: a mended outline is the segmentation's plus what the stripes show was lost.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["Stripes", "bridge_stripes", "find_stripes", "mend_stripes"]

_LEAST_SHARE = 0.03  # least share of the inside's spectral energy (less the mean) in one stripe frequency
_LEAST_CONTRAST = 6.0  # least lightness difference (8-bit) between a stripe and its neighbour that counts
_SEEN_CONTRAST = 16.0  # a darker stripe this far (8-bit lightness) from the backdrop shows its own edge
_SPECTRUM_PX = 256  # the inside is resampled to this many pixels on its long side for the spectrum
_MOST_TILT_DEG = 25.0  # stripes bridged across run within this of the picture's rows (a tee's are horizontal)

Run = tuple[int, int]  # [start, end) along a row


@dataclass(frozen=True)
class Stripes:
    """A garment's stripes: their period across, in pixels, and the direction across them (radians, image
    coordinates: x right, y down)."""

    period_px: float
    across_rad: float


def _inside(mask: np.ndarray) -> np.ndarray:
    """The mask less a 4-pixel rim: stripes are read where the edge's own gradient is not."""
    return cv2.erode(mask.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0


def find_stripes(lum: np.ndarray, mask: np.ndarray) -> Stripes | None:
    """The stripes inside `mask` on the lightness image `lum` (float32), or None where there are none."""
    x, y, w, h = cv2.boundingRect(mask.astype(np.uint8))
    if w < 16 or h < 16:
        return None
    patch, inner = lum[y : y + h, x : x + w], _inside(mask[y : y + h, x : x + w])
    if inner.sum() < 256:
        return None
    scale = _SPECTRUM_PX / max(w, h)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = cv2.resize(patch, size, interpolation=cv2.INTER_AREA)
    small_in = cv2.resize(inner.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
    if not small_in.any():
        return None
    buf = np.zeros((_SPECTRUM_PX, _SPECTRUM_PX), np.float32)
    buf[: size[1], : size[0]] = np.where(small_in, small - small[small_in].mean(), 0.0)
    power = np.abs(np.fft.fft2(buf)) ** 2
    fy = np.fft.fftfreq(_SPECTRUM_PX)[:, None]
    fx = np.fft.fftfreq(_SPECTRUM_PX)[None, :]
    radius = np.hypot(fx, fy)
    # Six cycles or more across the garment, and at most one per 2.2 resampled pixels.
    band = (radius > 6 / _SPECTRUM_PX) & (radius < 0.45)
    banded = np.where(band, power, 0.0)
    peak = np.unravel_index(int(np.argmax(banded)), power.shape)
    total = float(power[band].sum())
    if total <= 0 or 2 * float(banded[peak]) / total < _LEAST_SHARE:  # the peak and its mirror image
        return None
    period = 1.0 / float(radius[peak]) / scale
    smooth = cv2.GaussianBlur(patch, (0, 0), 1.5)
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3)[inner]
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3)[inner]
    across = 0.5 * math.atan2(2 * float((gx * gy).sum()), float((gx * gx).sum() - (gy * gy).sum()))
    return Stripes(period, across)


def bridge_stripes(lum: np.ndarray, ink: np.ndarray, region: np.ndarray) -> np.ndarray | None:
    """`ink` (uint8 0/1) with the gaps across the stripes inside `region`'s convex hull closed, or None where
    there are no stripes across the picture's rows to bridge.

    Grey stripes of the backdrop's tone wider than the closing that finds a draft's outline let the flood
    from outside run along each of them: the garment comes out a comb of its light stripes. A closing along
    the stripes' normal, a period long, joins each light stripe to the next across the grey one between,
    as far as both reach, which is the garment. Only stripes within 25° of the picture's rows are bridged:
    a vertical closing leaves a tee's armpits and V neck (open downwards and upwards) as they are.
    """
    pts = cv2.findNonZero(region.astype(np.uint8))
    if pts is None:
        return None
    hull = np.zeros(region.shape, np.uint8)
    cv2.fillConvexPoly(hull, cv2.convexHull(pts), 1)
    stripes = find_stripes(lum.astype(np.float32), hull > 0)
    if stripes is None or abs(abs(math.degrees(stripes.across_rad)) - 90.0) > _MOST_TILT_DEG:
        return None
    n = max(3, math.ceil(stripes.period_px)) | 1
    line = np.zeros((n, n), np.uint8)
    c = n // 2
    dx, dy = math.cos(stripes.across_rad) * c, math.sin(stripes.across_rad) * c
    cv2.line(line, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1, 1)
    return cv2.morphologyEx(ink, cv2.MORPH_CLOSE, line, borderType=cv2.BORDER_CONSTANT, borderValue=0)


def _runs(row: np.ndarray) -> list[Run]:
    d = np.diff(np.concatenate([[0], row.astype(np.int8), [0]]))
    return [(int(a), int(b)) for a, b in zip(np.nonzero(d == 1)[0], np.nonzero(d == -1)[0], strict=True)]


def _overlapping(run: Run, runs: list[Run]) -> list[Run]:
    return [r for r in runs if r[0] < run[1] and run[0] < r[1]]


def _partner(run: Run, runs: list[Run], back: list[Run]) -> Run | None:
    """The one run of `runs` that `run` meets, where that one meets only `run` of `back`; else None."""
    met = _overlapping(run, runs)
    return met[0] if len(met) == 1 and len(_overlapping(met[0], back)) == 1 else None


def _span(yy: int, a: tuple[float, float], b: tuple[float, float], ya: float, yb: float) -> tuple[float, float]:
    """The run on row `yy` whose ends move linearly from `a` (at row `ya`) to `b` (at row `yb`)."""
    t = (yy - ya) / (yb - ya)
    return (1 - t) * a[0] + t * b[0], (1 - t) * a[1] + t * b[1]


def _pixels(start: float, end: float, width: int) -> tuple[int, int]:
    """The columns [lo, hi) whose centres lie within [start, end], clipped to a row `width` wide."""
    return max(0, math.ceil(start - 0.5)), min(width, math.floor(end - 0.5) + 1)


def _fill_between(out: np.ndarray, rows: range, a: tuple[float, float], b: tuple[float, float],
                  ya: float, yb: float) -> None:
    """Set, on each row of `rows`, the run whose ends move linearly from `a` (at row `ya`) to `b` (at `yb`)."""
    for yy in rows:
        lo, hi = _pixels(*_span(yy, a, b, ya, yb), out.shape[1])
        if hi > lo:
            out[yy, lo:hi] = True


def _fill_outer_ends(out: np.ndarray, rows: range, a: tuple[float, float], b: tuple[float, float],
                     ya: float, yb: float, reach: float) -> None:
    """Like `_fill_between`, but only `reach` pixels in from each end: where a run splits in two (or two
    merge), what lies between the two inner ends is not known to be garment, the outer ends' lines are."""
    for yy in rows:
        start, end = _span(yy, a, b, ya, yb)
        for lo_f, hi_f in ((start, min(end, start + reach)), (max(start, end - reach), end)):
            lo, hi = _pixels(lo_f, hi_f, out.shape[1])
            if hi > lo:
                out[yy, lo:hi] = True


def _light_rows(profile: np.ndarray, period: float) -> np.ndarray:
    """Rows whose lightness is in the upper 40 % of its range within a stripe and a half either way."""
    known = ~np.isnan(profile)
    filled = np.where(known, profile, np.nanmedian(profile)).astype(np.float32)[None, :]
    win = np.ones((1, int(1.5 * period) | 1), np.uint8)
    top, low = cv2.dilate(filled, win)[0], cv2.erode(filled, win)[0]
    return known & (filled[0] >= low + 0.6 * (top - low)) & (top - low > _LEAST_CONTRAST)


def _bands(light: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) row of each light stripe."""
    idx = np.nonzero(light)[0]
    if not len(idx):
        return []
    return [(int(g[0]), int(g[-1])) for g in np.split(idx, np.nonzero(np.diff(idx) > 1)[0] + 1)]


def _regular(bands: list[tuple[int, int]], period: float) -> bool:
    """Whether the light rows are stripes: five or more, four in five of them a period (±25 %) from the
    next. A spectrum's peak alone is also what broad shading or a fold gives, whose light rows are not."""
    centres = np.array([(first + last) / 2 for first, last in bands])
    if len(centres) < 5:
        return False
    spacing = np.diff(centres)
    return float(np.mean(np.abs(spacing - period) <= 0.25 * period)) >= 0.8


def _carry_on(out: np.ndarray, rows: range, a: tuple[float, float], b: tuple[float, float], ya: float,
              yb: float, is_garment: Callable[[int, int, int], bool]) -> None:
    """`_fill_between` over `rows` taken outwards, stopping at the first row whose span `is_garment` says is
    backdrop: where the garment ends inside a grey stripe, the grey stripe's tone, averaged along a row,
    still tells it from the backdrop's where a single pixel's noise does not."""
    for yy in rows:
        lo, hi = _pixels(*_span(yy, a, b, ya, yb), out.shape[1])
        if hi <= lo or not is_garment(yy, lo, hi):
            return
        out[yy, lo:hi] = True


def _mend_rows(mask: np.ndarray, bands: list[tuple[int, int]], period: float,
               is_garment: Callable[[int, int, int], bool]) -> tuple[np.ndarray, np.ndarray]:
    """Step 4 in the stripes' frame: (the mask with its grey stripes bridged, the runs carried on past its end).

    `is_garment(row, lo, hi)`: whether the span [lo, hi) of a row looks like the garment's darker stripe."""
    closed = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((max(3, int(period)), 1), np.uint8)) > 0
    bridged, beyond = closed.copy(), np.zeros_like(closed)
    centres = [(first + last) // 2 for first, last in bands]
    runs = {c: _runs(closed[c]) for c in centres}
    n = len(bands)
    for i, c in enumerate(centres):
        nxt = centres[i + 1] if i + 1 < n and centres[i + 1] - c <= 1.5 * period else None
        prv = centres[i - 1] if i > 0 and c - centres[i - 1] <= 1.5 * period else None
        for run in runs[c]:
            onward = _partner(run, runs[nxt], runs[c]) if nxt is not None else None
            met = _overlapping(run, runs[nxt]) if nxt is not None else []
            if onward is not None:
                _fill_between(bridged, range(c + 1, nxt), run, onward, c, nxt)
            elif len(met) > 1 and all(len(_overlapping(q, runs[c])) == 1 for q in met):
                # A split below (the armpits): the outer ends still run straight across the grey stripe.
                _fill_outer_ends(bridged, range(c + 1, nxt), run, (met[0][0], met[-1][1]), c, nxt, period / 2)
            elif nxt is None or not met:
                # The garment ends below this stripe: carry its run on into the grey stripe, row by row.
                grey = bands[i + 1][0] - bands[i][1] - 1 if i + 1 < n else int(period) - (bands[i][1] - bands[i][0] + 1)
                before = _partner(run, runs[prv], runs[c]) if prv is not None else None
                if before is not None:
                    ahead = (2 * run[0] - before[0], 2 * run[1] - before[1])
                    _carry_on(beyond, range(c + 1, bands[i][1] + 1 + max(0, grey)), run, ahead, c, 2 * c - prv,
                              is_garment)
            before_met = _overlapping(run, runs[prv]) if prv is not None else []
            if len(before_met) > 1 and all(len(_overlapping(q, runs[c])) == 1 for q in before_met):
                # A merge from above (the neck's two sides into one run): the same.
                _fill_outer_ends(bridged, range(prv + 1, c), (before_met[0][0], before_met[-1][1]), run, prv, c,
                                 period / 2)
            if prv is None or not before_met:
                # ... and the same above this stripe where the garment starts in the grey one before it.
                grey = bands[i][0] - bands[i - 1][1] - 1 if i > 0 else int(period) - (bands[i][1] - bands[i][0] + 1)
                after = _partner(run, runs[nxt], runs[c]) if nxt is not None else None
                if after is not None:
                    behind = (2 * run[0] - after[0], 2 * run[1] - after[1])
                    _carry_on(beyond, range(c - 1, bands[i][0] - 1 - max(0, grey), -1), behind, run, 2 * c - nxt, c,
                              is_garment)
    return bridged, beyond


def mend_stripes(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """`mask` (bool) with what stripes of the backdrop's tone took off its outline put back (module docs)."""
    x, y, w, h = cv2.boundingRect(mask.astype(np.uint8))
    if w == 0:
        return mask
    lum_full = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    stripes = find_stripes(lum_full.astype(np.float32), mask)
    if stripes is None:
        return mask
    period = stripes.period_px
    pad = int(period) + 8
    H, W = mask.shape
    x0, y0, x1, y1 = max(0, x - pad), max(0, y - pad), min(W, x + w + pad), min(H, y + h + pad)
    m8 = mask[y0:y1, x0:x1].astype(np.uint8)
    lum = cv2.GaussianBlur(lum_full[y0:y1, x0:x1].astype(np.float32), (0, 0), 1.0)
    inner = _inside(m8)
    # The stripes' frame: turned so that the stripes run along its rows, large enough to hold the crop.
    hh, ww = m8.shape
    deg = math.degrees(stripes.across_rad) % 180.0 - 90.0
    turn = cv2.getRotationMatrix2D((ww / 2, hh / 2), deg, 1.0)
    c, s = abs(turn[0, 0]), abs(turn[0, 1])
    fw, fh = int(hh * s + ww * c) + 2, int(hh * c + ww * s) + 2
    turn[0, 2] += fw / 2 - ww / 2
    turn[1, 2] += fh / 2 - hh / 2
    f_mask = cv2.warpAffine(m8, turn, (fw, fh), flags=cv2.INTER_NEAREST) > 0
    f_lum = cv2.warpAffine(lum, turn, (fw, fh), flags=cv2.INTER_LINEAR)
    f_in = cv2.warpAffine(inner.astype(np.uint8), turn, (fw, fh), flags=cv2.INTER_NEAREST) > 0
    # Median lightness per row over every third column of the inside (a median ignores a chest print).
    cols = np.where(f_in[:, ::3], f_lum[:, ::3], np.nan)
    enough = f_in.sum(axis=1) > 20
    profile = np.full(fh, np.nan, np.float32)
    if enough.any():
        profile[enough] = np.nanmedian(cols[enough], axis=1)
    light = _light_rows(profile, period)
    bands = _bands(light)
    if not _regular(bands, period):
        return mask
    # Step 3: the rim's tones, just inside (by stripe) and just outside.
    disc = lambda r: np.ones((2 * r + 1, 2 * r + 1), np.uint8)  # noqa: E731
    rim_in = (cv2.erode(m8, disc(2)) > 0) & ~(cv2.erode(m8, disc(6)) > 0)
    rim_out = (cv2.dilate(m8, disc(6)) > 0) & ~(cv2.dilate(m8, disc(2)) > 0)
    ry, rx = np.nonzero(rim_in)
    row = np.clip(np.rint(turn[1, 0] * rx + turn[1, 1] * ry + turn[1, 2]).astype(np.int64), 0, fh - 1)
    tone = lum[ry, rx]
    on_light = light[row]
    if on_light.all() or not on_light.any():
        return mask
    lighter, darker = float(np.median(tone[on_light])), float(np.median(tone[~on_light]))
    backdrop = float(np.median(lum[rim_out]))
    if abs(darker - backdrop) >= min(_SEEN_CONTRAST, abs(lighter - darker)):
        return mask
    mid, sign = backdrop + 0.15 * (darker - backdrop), math.copysign(1.0, darker - backdrop)

    def is_garment(row: int, lo: int, hi: int) -> bool:
        outside = ~f_mask[row, lo:hi]  # what the mask has is garment; the rest is judged by its mean tone
        return not outside.any() or (float(f_lum[row, lo:hi][outside].mean()) - mid) * sign >= 0

    bridged, beyond = _mend_rows(f_mask, bands, period, is_garment)
    back = cv2.invertAffineTransform(turn)
    bridged_img = cv2.warpAffine(bridged.astype(np.uint8), back, (ww, hh), flags=cv2.INTER_NEAREST) > 0
    beyond_img = cv2.warpAffine(beyond.astype(np.uint8), back, (ww, hh), flags=cv2.INTER_NEAREST) > 0
    out = mask.copy()
    out[y0:y1, x0:x1] |= bridged_img | beyond_img
    return out
