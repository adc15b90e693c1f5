"""The garment's silhouette: which pixels of a flat belong to the garment.

Everything downstream (landmarks, points of measure, pattern pieces) measures this mask, so it has to be
deterministic and must not depend on interior detail. A flat is either a closed outline with interior seams
and stitching (a line drawing) or a filled shape, on a plain light background. Both are handled the same way:

1. the background colour is the median of the image's border;
2. "ink" is every pixel that differs from it by more than a threshold (outline, seams, fill);
3. small gaps in the outline are closed (a sketch's outline rarely meets itself exactly);
4. the background is flood-filled from the border through non-ink pixels; the garment is everything the
   flood does not reach, so interior lines and a white fill inside an outline do not matter;
5. the closing is undone at concave corners (armpits), and the largest connected region is kept.

The mask includes the outline stroke itself: on a line flat its boundary lies at the outer edge of the
stroke, about half a stroke width outside the drawn geometry. Generated drafts (shadows, textured studio
backgrounds) need more than this: add steps to `garment_mask` (a better background model, shadow removal)
rather than a second function, so every caller keeps one entry point.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from design_ai.errors import UserError

__all__ = [
    "as_rgb_array",
    "background_colour",
    "enclosed_region",
    "garment_mask",
    "ink_mask",
    "largest_component",
]


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


def background_colour(rgb: np.ndarray) -> np.ndarray:
    """The median colour of a thin band along the border (the garment is assumed not to fill the border)."""
    h, w = rgb.shape[:2]
    b = max(2, round(0.01 * min(h, w)))
    band = np.concatenate(
        [
            rgb[:b].reshape(-1, 3),
            rgb[-b:].reshape(-1, 3),
            rgb[:, :b].reshape(-1, 3),
            rgb[:, -b:].reshape(-1, 3),
        ]
    )
    return np.median(band, axis=0).astype(np.float32)


def ink_mask(rgb: np.ndarray, background: np.ndarray, threshold: float = 40.0) -> np.ndarray:
    """Pixels whose RGB distance from the background colour exceeds `threshold` (0..441), as uint8 0/1."""
    diff = rgb.astype(np.float32) - background.reshape(1, 1, 3)
    return (np.sqrt((diff * diff).sum(axis=2)) > threshold).astype(np.uint8)


def enclosed_region(ink: np.ndarray, close_px: int) -> np.ndarray:
    """Ink plus everything it encloses, after a morphological closing with a `close_px` disc (uint8 0/1).

    The closing bridges gaps in a stroke narrower than about half the disc.
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
    if r:
        # The closing also filled concave corners (armpits, the neck's corners): give them back to the outside
        # by growing it r steps through non-ink pixels only (a geodesic dilation: it never jumps a stroke).
        # Through a real gap in the outline it leaks r pixels at most.
        free = 1 - ink
        cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
        for _ in range(r):
            outside = cv2.dilate(outside, cross) & free | outside
    return (1 - outside).astype(np.uint8)


def largest_component(mask: np.ndarray) -> np.ndarray:
    """The largest 8-connected region of a 0/1 mask (ties broken by label order, so deterministic)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if n <= 1:
        return np.zeros(mask.shape, np.uint8)
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    return (labels == best).astype(np.uint8)


def garment_mask(
    img: Image.Image | np.ndarray,
    *,
    threshold: float = 40.0,
    close_px: int | None = None,
    min_fraction: float = 0.02,
) -> np.ndarray:
    """The garment's pixels in a line or filled flat on a plain background, as a bool (H, W) array.

    `close_px` is the disc that closes gaps in the outline (default 1.2 % of the shorter side, at least 7 px);
    gaps narrower than about half of it are closed.
    Raises UserError when nothing garment-like is there: a one-colour image, or a largest region smaller
    than `min_fraction` of the image.
    """
    rgb = as_rgb_array(img)
    h, w = rgb.shape[:2]
    if close_px is None:
        close_px = max(7, round(0.012 * min(h, w)))
    ink = ink_mask(rgb, background_colour(rgb), threshold)
    if not ink.any():
        raise UserError("no garment found: the image is one plain colour (no outline or fill to trace)")
    region = largest_component(enclosed_region(ink, close_px))
    fraction = float(region.sum()) / (h * w)
    if fraction < min_fraction:
        raise UserError(
            f"no garment found: the largest outlined or filled shape covers {100 * fraction:.2f} % of the "
            f"image "
            f"({100 * min_fraction:.0f} % at least); draw the garment as one closed outline or a filled shape"
        )
    return region.astype(bool)
