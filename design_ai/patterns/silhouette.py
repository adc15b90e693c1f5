"""The garment's silhouette: which pixels of a flat or a generated draft belong to the garment.

Everything downstream (landmarks, points of measure, pattern pieces) measures this mask, so it has to be
deterministic and must not depend on interior detail (seams, stitching, print, fabric texture). Two kinds of
picture come in, and `segment_garment` tells them apart by their background:

**Flats** (a designer's line drawing or a filled colorway flat on a plain background):

1. the background colour is the median of the image's border;
2. "ink" is every pixel that differs from it by more than a threshold (outline, seams, fill);
3. small gaps in the outline are closed (a sketch's outline rarely meets itself exactly);
4. the background is flood-filled from the border through non-ink pixels; the garment is everything the
   flood does not reach, so interior lines and a white fill inside an outline do not matter;
5. what the closing added and the outside reaches through such pixels (concave corners, a narrow wedge
   between a sleeve and the body) goes back to the outside; the one garment-sized region is kept.

The mask includes the outline stroke itself: on a line flat its boundary lies at the outer edge of the
stroke, about half a stroke width outside the drawn geometry. `Silhouette.stroke_px` estimates that stroke
so measurements can take it off.

**Drafts** (a textured garment on a tinted studio background with vignetting, noise and a drop shadow):
a flat colour threshold would count the shadow as garment, so the flood of step 4 is stopped by a
different kind of ink, built from cues a shadow cannot give:

- the background is a smooth surface (a quadratic in x and y per Lab channel) fitted to the border, so
  vignetting and a colour cast are part of it;
- colour ink: a chroma away from the background's (a shadow darkens, it does not change hue), a lightness
  above it (a shadow cannot brighten) or far below it (deeper than a cast shadow gets);
- edge ink: a steep lightness step or a thin dark valley (black-hat) on a lightly smoothed image, which is
  where a garment's edge is (a shadow's edge is soft: its gradient is a fraction of a garment edge's);
- thresholds rise with the background's own noise, measured on the border.

Then: the region the ink encloses (closing gaps, and giving back at most a few pixels of what the closing
added, since a textured garment's ink has gaps everywhere); where the garment's colour tells it from the
background, background-coloured wedges the closing bridged (a sleeve hanging close to the body) are given
back too; the edge ink's reach past the contrast edge (about 3 px: the smoothing and the 3x3 gradient) is
trimmed; and each pixel within 3 px of the edge goes to whichever side its colour is nearer, halfway between
the garment's colour just inside and the background's just outside, so the boundary lands where the garment
covers half a pixel. JPEG artefacts (quality 60-90) change none of this: the cues are computed after a
1-pixel smoothing, the side colours are read from a blurred copy, and the flood ignores interior ink.

Which kind a picture is: a border of one flat colour (within a few RGB units) and a mask whose surroundings
are that colour again 2-3 px out is a flat; anything else (a shadow, a backdrop with light falling off) is
treated as a draft.

Bad pictures are a `UserError` with one line: nothing garment-like, two separate garments, or a garment
that touches the image border (it may be cut off, and its measurements would be wrong).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
from PIL import Image

from design_ai.errors import UserError
from design_ai.patterns.stripes import bridge_stripes, mend_stripes

__all__ = [
    "Silhouette",
    "as_rgb_array",
    "background_colour",
    "enclosed_region",
    "garment_mask",
    "ink_mask",
    "largest_component",
    "segment_garment",
]

_PLAIN_BORDER = 12.0  # RGB distance: a border whose 99th percentile stays within this of its median is plain
_PLAIN_RING = 10.0  # median RGB distance from the background just outside a flat's mask (a shadow is more)
_SECOND_GARMENT = 0.25  # a second region at least this fraction of the largest one is another garment
_DRAFT_TRIM_PX = 2.9  # how far a draft's edge ink reaches past the garment's edge, on average (measured)
_DRAFT_EDGE_PX = 0.0  # where a draft mask's boundary pixel centres lie from the garment's edge (measured on
# the flat engine's drafts against the drawings they were made from: within ±0.3 px over colorways)
_DRAFT_WORK_PX = 1_000_000  # drafts larger than this are segmented on a reduced copy (see `_segment_draft`)
_DRAFT_GRAD = 4.0  # least lightness step per pixel (8-bit Lab L) that is edge ink in a draft
_DRAFT_VALLEY = 5.0  # least depth of a thin dark valley (8-bit Lab L) that is edge ink in a draft
_COMB_GAIN = 1.15  # a striped draft's region bridged across its stripes this much larger was a comb of them


@dataclass(frozen=True)
class Silhouette:
    """A garment mask with what measuring it needs to know about its edge.

    `edge_px`: how far the mask's boundary pixel centres lie *outside* the garment's drawn edge, in pixels,
    along the outward normal (negative: inside). For a line flat it is about half the outline stroke (the
    mask holds the stroke); for a filled flat without outline or a draft it is small. Offsetting the
    boundary inwards by `edge_px` gives the garment's edge to within a few tenths of a pixel.
    """

    mask: np.ndarray  # bool (H, W)
    kind: Literal["flat", "draft"]
    background: np.ndarray  # RGB float32 (3,): the border's median colour
    stroke_px: float  # the outline stroke's estimated width (0 where there is none)
    edge_px: float


def as_rgb_array(img: Image.Image | np.ndarray) -> np.ndarray:
    """An (H, W, 3) uint8 RGB array from a PIL image or a grey/RGB/RGBA uint8 array (alpha over white)."""
    if isinstance(img, Image.Image):
        if img.mode in ("RGBA", "LA", "P"):
            rgba = img.convert("RGBA")
            white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            img = Image.alpha_composite(white, rgba)
        return np.asarray(img.convert("RGB"), dtype=np.uint8)
    arr = np.asarray(img)
    if arr.dtype != np.uint8:
        raise ValueError(f"image array must be uint8, got {arr.dtype}")
    if arr.ndim == 2:
        return np.repeat(arr[:, :, None], 3, axis=2)
    if arr.ndim == 3 and arr.shape[2] == 3:
        return arr
    if arr.ndim == 3 and arr.shape[2] == 4:
        alpha = arr[:, :, 3:4].astype(np.float32) / 255.0
        return (arr[:, :, :3] * alpha + 255.0 * (1 - alpha)).round().astype(np.uint8)
    raise ValueError(f"image array must be (H, W), (H, W, 3) or (H, W, 4), got {arr.shape}")


def _border_band(h: int, w: int) -> int:
    return max(2, round(0.01 * min(h, w)))


def _border_pixels(arr: np.ndarray, b: int) -> np.ndarray:
    """The pixels of a `b`-wide frame along the border, as (N, C) (corners counted twice, harmlessly)."""
    c = arr.shape[2] if arr.ndim == 3 else 1
    return np.concatenate(
        [
            arr[:b].reshape(-1, c),
            arr[-b:].reshape(-1, c),
            arr[:, :b].reshape(-1, c),
            arr[:, -b:].reshape(-1, c),
        ]
    )


def background_colour(rgb: np.ndarray) -> np.ndarray:
    """The median colour of a thin band along the border (the garment is assumed not to fill the border)."""
    h, w = rgb.shape[:2]
    return np.median(_border_pixels(rgb, _border_band(h, w)), axis=0).astype(np.float32)


def ink_mask(rgb: np.ndarray, background: np.ndarray, threshold: float = 40.0) -> np.ndarray:
    """Pixels whose RGB distance from the background colour exceeds `threshold` (0..441), as uint8 0/1."""
    # Each channel's squared difference depends only on its 8-bit value: a lookup table, then a channel sum.
    levels = np.arange(256, dtype=np.float32)[:, None]
    table = ((levels - background.reshape(1, 3).astype(np.float32)) ** 2).reshape(1, 256, 3)
    dist2 = cv2.transform(cv2.LUT(np.ascontiguousarray(rgb), table), np.ones((1, 3), np.float32))
    return (dist2.reshape(rgb.shape[:2]) > threshold * threshold).astype(np.uint8)


def enclosed_region(ink: np.ndarray, close_px: int, *, reopen_px: int | None = None) -> np.ndarray:
    """Ink plus everything it encloses, after a morphological closing with a `close_px` disc (uint8 0/1).

    The closing bridges gaps in a stroke narrower than about half the disc. It also fills concave corners and
    narrow wedges (armpits, a sleeve hanging close to the body, the neck's corners), so afterwards the
    outside takes back the pixels the closing added, growing through them from where it reached: without
    limit when `reopen_px` is None (right for clean ink with an empty inside, as a line flat has: the
    outside never crosses a stroke, and through a real gap in the outline it takes back only the closing's
    patch over the gap, not the interior behind it), or at most `reopen_px` steps (for ink with gaps
    inside, as a textured draft has, where unlimited growth could leak into the garment).
    """
    h, w = ink.shape
    r = max(0, close_px // 2)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, kernel) if r else ink.copy()
    # Flood the background from a one-pixel frame, so a garment touching the edge is still enclosed.
    padded = np.pad(closed, 1, constant_values=0)
    flood = padded.copy()
    flood_mask = np.zeros((h + 4, w + 4), np.uint8)
    cv2.floodFill(flood, flood_mask, (0, 0), 2)
    outside = (flood[1:-1, 1:-1] == 2).astype(np.uint8)
    if r and reopen_px is None:
        # A second flood from the frame, through pixels that are outside or were added by the closing.
        passable = np.pad(outside | (closed & (1 - ink)), 1, constant_values=1)
        blocked = (1 - passable).astype(np.uint8)
        flood_mask = np.zeros((h + 4, w + 4), np.uint8)
        cv2.floodFill(blocked, flood_mask, (0, 0), 2)
        outside = (blocked[1:-1, 1:-1] == 2).astype(np.uint8)
    elif r:
        # A geodesic dilation through non-ink pixels, `reopen_px` steps: it never jumps a stroke.
        free = 1 - ink
        cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
        for _ in range(reopen_px or 0):
            outside = cv2.dilate(outside, cross) & free | outside
    return (1 - outside).astype(np.uint8)


def _join_cut_pieces(region: np.ndarray, r: int) -> np.ndarray:
    """`region` (uint8 0/1) with the thin non-ink lines between two of its pieces filled, `r` px at most.

    A seam drawn in the paper's tone across a dark fill (an armhole seam from the shoulder to the underarm)
    is no ink, and the flood from outside runs along it: the sleeve is cut off the body and the largest piece
    is the body alone. What a closing by `r` would add where two different pieces lie within `r` of it is
    such a line, and goes back. A gap inside one piece (a sleeve hanging close to the body) has the same
    piece on both sides and stays open; so does one next to a speck (under 1 % of the largest piece).
    """
    n, labels, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
    # Only pieces of some size are joined (a sleeve, not a speck of JPEG noise in the neck's V).
    small = stats[:, cv2.CC_STAT_AREA] < 0.01 * stats[1:, cv2.CC_STAT_AREA].max(initial=0)
    small[0] = True
    labels = np.where(small[labels], 0, labels)
    if int((~small).sum()) < 2:
        return region
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    closed = cv2.morphologyEx(region, cv2.MORPH_CLOSE, disc)
    added = (closed > 0) & (region == 0)
    if not added.any():
        return region
    lab = labels.astype(np.float32)
    highest = cv2.dilate(lab, disc)
    lowest = cv2.erode(np.where(labels == 0, np.float32(n), lab), disc)
    between = added & (lowest < highest) & (lowest < n)
    return (region.astype(bool) | between).astype(np.uint8)


def largest_component(mask: np.ndarray) -> np.ndarray:
    """The largest 8-connected region of a 0/1 mask (ties broken by label order, so deterministic)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if n <= 1:
        return np.zeros(mask.shape, np.uint8)
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    return (labels == best).astype(np.uint8)


Box = tuple[slice, slice]


def _box_around(ink: np.ndarray, pad: int) -> Box:
    """The rows and columns of `ink`'s bounding box grown by `pad` (clipped to the image)."""
    x, y, bw, bh = cv2.boundingRect(ink)
    h, w = ink.shape
    return slice(max(0, y - pad), min(h, y + bh + pad)), slice(max(0, x - pad), min(w, x + bw + pad))


def _the_garment(region: np.ndarray, min_fraction: float, what: str, shape: tuple[int, int], box: Box) -> np.ndarray:
    """The one garment-sized 8-connected region of `region` (uint8, the `box` of an image of `shape`), or a
    UserError saying what is wrong."""
    h, w = shape
    n, labels, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    if n <= 1:
        raise UserError(f"no garment found: nothing in the image stands out from the background ({what})")
    order = np.argsort(-areas, kind="stable")
    best = int(order[0])
    fraction = float(areas[best]) / (h * w)
    if fraction < min_fraction:
        raise UserError(
            f"no garment found: the largest outlined or filled shape covers {100 * fraction:.2f} % of the image "
            f"({100 * min_fraction:.0f} % at least); draw the garment as one closed outline or a filled shape"
        )
    if len(order) > 1:
        second = float(areas[int(order[1])])
        if second >= _SECOND_GARMENT * areas[best] and second / (h * w) >= min_fraction:
            raise UserError(
                f"more than one garment: found separate shapes covering {100 * fraction:.1f} % and "
                f"{100 * second / (h * w):.1f} % of the image; give one garment per image"
            )
    mask = labels == best + 1
    rows, cols = box
    edges = (
        ("top", rows.start == 0, mask[0]),
        ("bottom", rows.stop == h, mask[-1]),
        ("left", cols.start == 0, mask[:, 0]),
        ("right", cols.stop == w, mask[:, -1]),
    )
    sides = [name for name, on_border, edge in edges if on_border and edge.any()]
    if sides:
        raise UserError(
            f"the garment touches the image border ({', '.join(sides)}): it may be cut off; "
            "use an image with a margin of background all round the garment"
        )
    return mask


def _frame_coords(h: int, w: int, band: int, limit: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    """(ys, xs) of at most about `limit` pixels spread over a `band`-wide frame along the border."""
    ys, xs = np.mgrid[0:h, 0:band]
    cols = [(ys.ravel(), xs.ravel()), (ys.ravel(), w - 1 - xs.ravel())]
    ys, xs = np.mgrid[0:band, band : w - band]
    rows = [(ys.ravel(), xs.ravel()), (h - 1 - ys.ravel(), xs.ravel())]
    y = np.concatenate([c[0] for c in cols + rows])
    x = np.concatenate([c[1] for c in cols + rows])
    step = max(1, len(y) // limit)
    return y[::step], x[::step]


def _fit_background(lab: np.ndarray, band: int) -> tuple[np.ndarray, np.ndarray]:
    """A smooth background (quadratic in x, y per channel) fitted to the border; also the residual noise.

    Returns the background as float32 (H, W, 3) and the robust standard deviation of the border's residuals
    per channel. Two reweighting rounds drop border pixels that belong to something else (a garment that
    reaches the border, a logo), so they do not bend the surface.
    """
    h, w = lab.shape[:2]
    ys, xs = _frame_coords(h, w, band)
    u, v = xs / max(1, w - 1) * 2 - 1, ys / max(1, h - 1) * 2 - 1
    design = np.stack([np.ones_like(u), u, v, u * u, u * v, v * v], axis=1)
    values = lab[ys, xs].astype(np.float64)
    keep = np.ones(len(values), bool)
    coef = np.zeros((6, 3))
    for _ in range(3):
        coef = np.linalg.lstsq(design[keep], values[keep], rcond=None)[0]
        res = np.abs(values - design @ coef).sum(axis=1)
        keep = res <= max(3.0 * float(np.median(res)), 1.5)
    noise = 1.4826 * np.median(np.abs(values[keep] - design[keep] @ coef), axis=0)
    # Evaluate on a coarse grid and interpolate: a quadratic is smooth, and this is 100x cheaper.
    gu, gv = np.meshgrid(np.linspace(-1, 1, 33), np.linspace(-1, 1, 33))
    grid = np.stack([np.ones_like(gu), gu, gv, gu * gu, gu * gv, gv * gv], axis=-1) @ coef
    bg = cv2.resize(grid.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    return bg, noise.astype(np.float32)


def _border_noise(channel: np.ndarray, band: int) -> float:
    """The pixel noise of a channel along the border: a robust spread of neighbour differences."""
    strips = [channel[:band], channel[-band:], channel[:, :band].T, channel[:, -band:].T]
    diffs = np.concatenate([np.diff(s.astype(np.float32), axis=1).ravel() for s in strips])
    return float(1.4826 * np.median(np.abs(diffs)) / math.sqrt(2))


def _draft_ink(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ink for a draft (see the module docs): pixels that are garment colour or garment edge, uint8 0/1.

    Also returns the distinct-colour cue alone (bool): pixels whose hue differs from the background's or
    that are darker than any shadow, which no shading of a garment turns into background colour; and the
    pixels only lighter than the backdrop (bool: no hue of their own), a light garment's colour, which does
    not reach past its edge the way the edge cues do.

    The colour cues are computed on a half-size copy (colour varies slowly, and it is a quarter of the
    work), the edge cues at full size, where they locate the edge.
    """
    h, w = rgb.shape[:2]
    band = max(3, round(0.015 * min(h, w)))
    smooth = cv2.GaussianBlur(rgb, (0, 0), 1.0)
    lab = cv2.cvtColor(smooth, cv2.COLOR_RGB2LAB)  # 8-bit Lab: L in 0..255, a and b offset by 128
    small = cv2.resize(lab, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
    bg, noise = _fit_background(small, max(2, band // 2))
    light, da, db = cv2.split(cv2.subtract(small.astype(np.float32), bg))
    # Thresholds in 8-bit Lab units, raised where the background itself is noisy.
    n_l, n_c = float(noise[0]), float(max(noise[1], noise[2]))
    # A hue of its own, or darker than any shadow: garment colour no shading of the garment takes away.
    distinct = (cv2.magnitude(da, db) > max(8.0, 5.0 * n_c)) | (light < -max(55.0, 8.0 * n_l))
    # Lighter than the backdrop: garment colour too, but a light garment's shaded rim falls to the backdrop's.
    colour = (distinct.astype(np.uint8) * 2) | (light > max(5.0, 4.0 * n_l)).astype(np.uint8)
    colour = cv2.resize(colour, (w, h), interpolation=cv2.INTER_NEAREST)
    ink = colour > 0
    coloured = colour == 1
    distinct = colour > 1
    lum = cv2.extractChannel(lab, 0)
    n_edge = _border_noise(lum, band)
    gx = cv2.Sobel(lum, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(lum, cv2.CV_32F, 0, 1, ksize=3)
    ink |= cv2.magnitude(gx, gy) > 8.0 * max(_DRAFT_GRAD, 6.0 * n_edge)  # the 3x3 Sobel weighs a unit step by 8
    k = max(9, round(0.008 * min(h, w)) | 1)
    valley = cv2.morphologyEx(lum, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    ink |= valley > max(_DRAFT_VALLEY, 8.0 * n_edge)
    return ink.astype(np.uint8), distinct, coloured


def _reopen_by_colour(mask: np.ndarray, ink: np.ndarray, colour: np.ndarray, share: float = 0.9) -> np.ndarray:
    """`mask` less the pixels that only the closing put there and that are not garment-coloured, where the
    outside reaches them through such pixels.

    The closing bridges gaps in the edge ink, and so also fills a narrow wedge of background between a
    sleeve and the body (a sleeve hanging close to the side). Where the garment's colour (`colour`: a hue of
    its own, or darker than a shadow) tells it from the background all the way to its edge (at least `share`
    of the mask's pixels 3-10 px inside its edge have it), the outside floods again through pixels that are
    neither ink nor garment-coloured, and what it reaches goes back; the garment's own edge ink stops it. A
    garment only lighter than its backdrop (white, chalk) keeps its mask: its shaded rim is backdrop-coloured,
    and a flood through it would eat the garment.
    """
    m8 = mask.astype(np.uint8)
    dist = cv2.distanceTransform(m8, cv2.DIST_L2, 3)
    near = (dist >= 3) & (dist <= 10)
    if not near.any() or float(colour[near].mean()) < share:
        return mask
    h, w = mask.shape
    passable = np.pad((~mask | ~(colour | (ink > 0))).astype(np.uint8), 1, constant_values=1)
    blocked = 1 - passable
    flood_mask = np.zeros((h + 4, w + 4), np.uint8)
    cv2.floodFill(blocked, flood_mask, (0, 0), 2)
    return mask & (blocked[1:-1, 1:-1] != 2)


def _refine_edge(rgb: np.ndarray, mask: np.ndarray, reach: int = 3, contrast: float = 24.0) -> np.ndarray:
    """`mask` with each pixel near its edge reassigned to whichever side its colour is nearer, halfway.

    Near the edge (within `reach` px either side) a pixel's colour is compared with the garment's colour
    about 5 px inside the edge and the background's 5 px outside, sampled along the edge's normal (from the
    signed distance to the edge): it is garment when it is at least half-way from the one to the other, so
    the boundary lands where the garment covers half a pixel whatever the contrast. Where the two colours
    differ by less than `contrast` (RGB), or where the garment just inside the edge is already nearer the
    background's colour than its own (a light garment's shaded rim against its own shadow), the mask is
    kept as it was. A 3x3 majority vote then puts back single pixels flipped by texture or JPEG noise.
    """
    h, w = mask.shape
    bx0, by0, bw, bh = cv2.boundingRect(mask.astype(np.uint8))
    if bw == 0:
        return mask
    pad = reach + 8
    y0, y1 = max(0, by0 - pad), min(h, by0 + bh + pad)
    x0, x1 = max(0, bx0 - pad), min(w, bx0 + bw + pad)
    m8 = mask[y0:y1, x0:x1].astype(np.uint8)
    d_in = cv2.distanceTransform(m8, cv2.DIST_L2, 3)
    d_out = cv2.distanceTransform(1 - m8, cv2.DIST_L2, 3)
    signed = d_out - d_in  # > 0 outside; the edge lies half a pixel from the boundary pixels on either side
    by, bx = np.nonzero((d_in <= reach) & (d_out <= reach))
    rh, rw = m8.shape
    gx = signed[by, np.minimum(bx + 1, rw - 1)] - signed[by, np.maximum(bx - 1, 0)]
    gy = signed[np.minimum(by + 1, rh - 1), bx] - signed[np.maximum(by - 1, 0), bx]
    norm = np.hypot(gx, gy)
    keep = norm > 0
    by, bx, nx, ny = by[keep], bx[keep], gx[keep] / norm[keep], gy[keep] / norm[keep]
    s = signed[by, bx] - np.sign(signed[by, bx]) * 0.5
    ex, ey = bx - s * nx, by - s * ny  # the nearest edge point, roughly
    # The side colours are read 5 px either side of the edge from a 7x7 box-blurred copy (so from 2-8 px
    # out): a fabric's texture (a rib's stripes) and JPEG noise average out, the edge itself stays out.
    smooth = cv2.blur(rgb[y0:y1, x0:x1], (7, 7))

    def side(sign: float) -> tuple[np.ndarray, np.ndarray]:
        qx = np.clip(np.rint(ex + sign * 5.0 * nx).astype(np.int64), 0, rw - 1)
        qy = np.clip(np.rint(ey + sign * 5.0 * ny).astype(np.int64), 0, rh - 1)
        ok = (m8[qy, qx] == 0) & (d_out[qy, qx] >= 3) if sign > 0 else d_in[qy, qx] >= 3
        return smooth[qy, qx].astype(np.float32), ok

    inner, ok_in = side(-1.0)
    outer, ok_out = side(1.0)
    colour = rgb[y0:y1, x0:x1][by, bx].astype(np.float32)
    axis = inner - outer
    span2 = np.maximum((axis * axis).sum(axis=1), 1e-6)
    alpha = ((colour - outer) * axis).sum(axis=1) / span2
    # The garment's own colour 1-2 px inside the edge: where it has fallen most of the way to the
    # background's (a light garment's shaded rim), half-way is not the edge, and the mask stays as it is.
    # (Read 1.5, 2.5 and 3.5 px in, taking the more garment-like: the mask's edge may still be a pixel or
    # two out, more on a very soft edge, whose edge ink spreads further than the trim takes off.)
    fine = cv2.blur(rgb[y0:y1, x0:x1], (3, 3))
    rim = np.full(len(bx), -np.inf, np.float32)
    for j in (1.5, 2.5, 3.5):
        rx = np.clip(np.rint(ex - j * nx).astype(np.int64), 0, rw - 1)
        ry = np.clip(np.rint(ey - j * ny).astype(np.int64), 0, rh - 1)
        rim = np.maximum(rim, ((fine[ry, rx].astype(np.float32) - outer) * axis).sum(axis=1) / span2)
    ok = ok_in & ok_out & (span2 > contrast * contrast) & (rim >= 0.6)
    roi = m8.copy()
    roi[by[ok], bx[ok]] = alpha[ok] >= 0.5
    out = mask.copy()
    out[y0:y1, x0:x1] = cv2.medianBlur(roi * 255, 3) > 0
    return out


def _plain_background(rgb: np.ndarray, background: np.ndarray) -> bool:
    """Whether the border is one flat colour (a drawing), not a studio backdrop with light falling off."""
    h, w = rgb.shape[:2]
    border = _border_pixels(rgb, _border_band(h, w)).astype(np.float32)
    dist = np.sqrt(((border - background) ** 2).sum(axis=1))
    return float(np.percentile(dist, 99)) <= _PLAIN_BORDER


def _sharp_edged(rgb: np.ndarray, background: np.ndarray, mask: np.ndarray) -> bool:
    """Whether just outside the mask (2-3 px) is background again: true of a drawing, false of a shadow."""
    m8 = mask.astype(np.uint8)
    ring = (cv2.dilate(m8, np.ones((7, 7), np.uint8)) > 0) & ~(cv2.dilate(m8, np.ones((3, 3), np.uint8)) > 0)
    if not ring.any():
        return True
    diff = rgb[ring].astype(np.float32) - background
    return float(np.median(np.sqrt((diff * diff).sum(axis=1)))) <= _PLAIN_RING


def _stroke_width(rgb: np.ndarray, mask: np.ndarray, background: np.ndarray, max_px: int = 14) -> tuple[float, float]:
    """The outline stroke's width in px along a flat's mask edge, and the stroke's contrast with the background.

    Each pixel near the edge is unmixed into the outline's colour, the colour just inside the outline (a
    fill, or the paper of a line flat) and, where that differs from it, the background's (the outermost
    pixels are partly background). Rings of equal distance from the outside are scored by their mean outline
    share, and the stroke is the sum of the ring scores up to the first ring that is mostly inside colour
    (so seams further in do not count). A filled flat without an outline has no outline colour and gets 0.
    """
    dist = cv2.distanceTransform(mask.astype(np.uint8), cv2.DIST_L2, 5)
    near = (dist > 0) & (dist <= max_px + 3.5)
    ys, xs = np.nonzero(near)
    rings = np.rint(dist[ys, xs]).astype(np.int32)
    colours = rgb[ys, xs].astype(np.float32)
    inner = (rings >= max_px) & (rings <= max_px + 3)
    edge = rings <= 2
    if inner.sum() < 20 or edge.sum() < 20:
        return 0.0, 0.0
    inside = np.median(colours[inner], axis=0)
    edge_px = colours[edge]
    far = np.sqrt(((edge_px - inside) ** 2).sum(axis=1))
    stroke = np.median(edge_px[far >= np.percentile(far, 80)], axis=0)
    axis = stroke - inside
    span = float(np.sqrt((axis * axis).sum()))
    if span < 60.0:  # no outline colour distinct from the inside (a fill, or a dark fill with a dark outline)
        return 0.0, 0.0
    to_bg = background.astype(np.float32) - inside
    if float(np.sqrt((to_bg * to_bg).sum())) < 30.0:  # paper inside: two colours, one projection
        share = ((colours - inside) @ axis) / (span * span)
    else:  # three colours: least squares for the outline's and the background's shares
        basis = np.stack([axis, to_bg], axis=1)  # (3, 2)
        share = np.linalg.lstsq(basis, (colours - inside).T, rcond=None)[0][0]
    share = np.clip(share, 0.0, 1.0)
    width = 0.0
    for k in range(1, max_px):
        ring = share[rings == k]
        if not len(ring) or float(np.median(ring)) < 0.1:
            break
        width += float(ring.mean())
    contrast = stroke - background.astype(np.float32)
    return width, float(np.sqrt((contrast * contrast).sum()))


def _flat_threshold(rgb: np.ndarray, background: np.ndarray, threshold: float, noise: float) -> float:
    """The ink threshold for a flat: `threshold`, or lower for a light-on-light fill that never reaches it.

    A fill of #F2F2EE on white is 22 RGB units from its paper, under the default threshold of 40, and has no
    outline: there the threshold drops to half the fill's own contrast (the fill colour is the 90th
    percentile of the distance from the paper over the garment's bounding region, where the garment is most
    of the pixels), but stays clear of the border's own noise (`noise`, the paper's `_noise_floor`: JPEG
    ringing), so noise never becomes ink.
    """
    small = np.ascontiguousarray(rgb[::4, ::4])
    dist = np.sqrt(((small.astype(np.float32) - background) ** 2).sum(axis=2))
    strong = float((dist > threshold).mean())
    # A print or the seam lines on a light-on-light fill reach the threshold, the fill around them does not:
    # when what lies between the paper's noise and the threshold covers several times what reaches it, the
    # garment is that faint fill.
    band = (dist > noise + 3.0) & (dist <= threshold)
    faint = float(band.mean())
    if strong >= 0.01 and faint < 4.0 * strong:
        return threshold
    # the fill's colour is read on the faint pixels alone when prints and lines reach the threshold
    fg = dist[band] if strong >= 0.01 else dist[dist > noise + 3.0]
    if len(fg) < 0.01 * dist.size:
        return threshold
    return min(threshold, max(noise + 3.0, 0.5 * float(np.percentile(fg, 90))))


def segment_garment(
    img: Image.Image | np.ndarray,
    *,
    threshold: float = 40.0,
    close_px: int | None = None,
    min_fraction: float = 0.02,
) -> Silhouette:
    """The garment's mask, whether the picture is a flat or a draft, with what is known about its edge.

    `threshold` is the RGB distance from the background that makes a flat's ink; `close_px` the disc that
    closes gaps in an outline (default 1.2 % of the shorter side, at least 7 px): gaps narrower than about
    half of it are closed. Raises UserError (one line) for a plain image, a largest region smaller than
    `min_fraction` of the image, two garments, or a garment touching the border.
    """
    rgb = as_rgb_array(img)
    h, w = rgb.shape[:2]
    if close_px is None:
        close_px = max(7, round(0.012 * min(h, w)))
    bg = background_colour(rgb)
    if _plain_background(rgb, bg):
        noise = _noise_floor(rgb, bg)
        first = _flat_threshold(rgb, bg, threshold, noise)
        # A dark outline on a dark paper can sit under the threshold while the fill inside it does not: the
        # mask then stops at the fill and the outline around it is not background. One more try with a
        # threshold just clear of the paper's own noise takes the outline in before calling it a draft.
        for level in dict.fromkeys((first, min(first, noise + 12.0))):
            flat = _segment_flat(rgb, bg, level, close_px, min_fraction, noise)
            if flat is not None:
                return flat
    return _segment_draft(rgb, bg, min_fraction)


def _noise_floor(rgb: np.ndarray, background: np.ndarray) -> float:
    """The 99.5th percentile RGB distance of the border from the background: what is noise, not ink."""
    h, w = rgb.shape[:2]
    border = _border_pixels(rgb, _border_band(h, w)).astype(np.float32)
    return float(np.percentile(np.sqrt(((border - background) ** 2).sum(axis=1)), 99.5))


def _segment_flat(
    rgb: np.ndarray, bg: np.ndarray, threshold: float, close_px: int, min_fraction: float, noise: float
) -> Silhouette | None:
    """The flat branch of `segment_garment` at one ink threshold; None when the mask's surroundings are not
    background (a shadow, or an outline under the threshold). `noise`: the paper's `_noise_floor`."""
    h, w = rgb.shape[:2]
    ink = ink_mask(rgb, bg, threshold)
    if not ink.any():
        raise UserError("no garment found: the image is one plain colour (no outline or fill to trace)")
    # Work on the ink's bounding box with a margin: outside it there is only background to flood.
    box = _box_around(ink, close_px + 4)
    crop = rgb[box]
    # Seams and slits are at most this thick (a quarter of a percent of the shorter side, 2 px at least).
    r = max(2, round(0.0025 * min(h, w)))
    region = _join_cut_pieces(enclosed_region(ink[box], close_px), r)
    mask = _the_garment(region, min_fraction, "a flat", (h, w), box)
    if not _sharp_edged(crop, bg, mask):
        return None
    # An interior line paler than a dark fill is no ink, so where it meets the outline the flood takes it
    # for background and cuts a slit a few pixels wide into the garment. What a small closing adds and is
    # not the paper's colour is such a line, and goes back to the garment; a real gap (an armpit's wedge)
    # is the paper's colour and stays out.
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    closed = cv2.morphologyEx(np.pad(mask.astype(np.uint8), r + 1), cv2.MORPH_CLOSE, disc)
    added = (closed[r + 1 : -r - 1, r + 1 : -r - 1] > 0) & ~mask
    if added.any():
        ys, xs = np.nonzero(added)
        far = np.sqrt(((crop[ys, xs].astype(np.float32) - bg) ** 2).sum(axis=1)) > noise + 8.0
        mask = mask.copy()
        mask[ys[far], xs[far]] = True
    stroke, contrast = _stroke_width(crop, mask, bg)
    if stroke == 0.0:  # a fill: its own colour against the background sets where the ink threshold cuts
        inner = cv2.erode(mask.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        fill = np.median(crop[inner].astype(np.float32), axis=0) if inner.any() else bg
        contrast = float(np.sqrt(((fill - bg) ** 2).sum()))
    # A boundary pixel is in the mask from `threshold / contrast` coverage on, so on average its centre
    # lies that much inside the ink's outer edge, which is half a stroke outside the drawn edge.
    cover = min(1.0, threshold / contrast) if contrast > 0 else 0.5
    return Silhouette(_paste(mask, box, (h, w)), "flat", bg, stroke, stroke / 2 - cover)


def _segment_draft(rgb: np.ndarray, bg: np.ndarray, min_fraction: float) -> Silhouette:
    """The draft branch of `segment_garment` (see the module docs).

    A picture over `_DRAFT_WORK_PX` pixels is segmented on a reduced copy of that size (the work grows with
    the pixel count, and a garment is as well found at a megapixel), and only the last step, which places
    the edge by colour, runs at full size, over a band wide enough to take up the reduction.
    """
    h, w = rgb.shape[:2]
    scale = min(1.0, math.sqrt(_DRAFT_WORK_PX / (h * w)))
    work = rgb if scale == 1.0 else cv2.resize(rgb, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    wh, ww = work.shape[:2]
    close_px = max(7, round(0.012 * min(wh, ww)))
    ink, distinct, coloured = _draft_ink(work)
    if not ink.any():
        raise UserError("no garment found: nothing in the image stands out from its background")
    box = _box_around(ink, close_px + 12)
    reopen_px = max(2, close_px // 6)
    region = enclosed_region(ink[box], close_px, reopen_px=reopen_px)
    whole = _the_garment(region, min_fraction, "a draft", (wh, ww), box)
    # Grey stripes of the backdrop's tone too wide for the closing: the flood ran along them and left a comb
    # of the light stripes. Bridged across the stripes, the region is the garment again (much larger).
    bridged_ink = bridge_stripes(cv2.cvtColor(work[box], cv2.COLOR_RGB2GRAY), ink[box], whole)
    if bridged_ink is not None:
        again = enclosed_region(bridged_ink, close_px, reopen_px=reopen_px)
        solid = _the_garment(again, min_fraction, "a draft", (wh, ww), box)
        if solid.sum() > _COMB_GAIN * whole.sum():
            whole = solid
    whole = _reopen_by_colour(whole, ink[box], distinct[box])
    # The edge ink reaches past the contrast edge it marks (the smoothing, the 3x3 gradient's own width, the
    # dark valley's flanks): trim that off, leaving the pixels the garment covers at least half.
    dist = cv2.distanceTransform(whole.astype(np.uint8), cv2.DIST_L2, 5)
    trimmed = _paste((dist > _DRAFT_TRIM_PX) | (whole & coloured[box]), box, (wh, ww))
    if scale < 1.0:
        up = cv2.resize(trimmed.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
        trimmed = up >= 0.5
    full_box = _box_around(trimmed.astype(np.uint8), 16)
    reach = 3 + math.ceil(1 / scale) - 1
    mask = _refine_edge(rgb[full_box], trimmed[full_box], reach=reach)
    mask = mend_stripes(rgb, _paste(mask, full_box, (h, w)))
    return Silhouette(mask, "draft", bg, 0.0, _DRAFT_EDGE_PX)


def _paste(mask: np.ndarray, box: Box, shape: tuple[int, int]) -> np.ndarray:
    full = np.zeros(shape, bool)
    full[box] = mask
    return full


def garment_mask(
    img: Image.Image | np.ndarray,
    *,
    threshold: float = 40.0,
    close_px: int | None = None,
    min_fraction: float = 0.02,
) -> np.ndarray:
    """The garment's pixels in a line flat, filled flat or generated draft, as a bool (H, W) array.

    See `segment_garment` (this is its mask) for the parameters and the errors.
    """
    return segment_garment(img, threshold=threshold, close_px=close_px, min_fraction=min_fraction).mask
