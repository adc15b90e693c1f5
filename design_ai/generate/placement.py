"""Where an engine puts the sketch on the draft canvas: one transform, shared by the engine and its checks.

The fidelity guard compares a draft with its sketch in the draft's own frame, so it has to map the sketch
exactly as the engine did. Each engine therefore takes its placement from here instead of computing it inline:
the `flat` engine letterboxes the sketch (uniform scale, 3 % border for the drop shadow, centred), the
diffusion engines stretch the sketch-sized control map to the draft's size (`PIL.Image.resize`, so the scale
may differ per axis when the aspect ratios differ).

Coordinates: a sketch pixel edge at x maps to `x0 + x * scale_x` on the canvas (likewise y); the placed
image covers `placed_w` x `placed_h` pixels from (x0, y0).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

__all__ = ["LETTERBOX_FILL", "Placement", "letterbox", "place_image", "place_mask", "stretch"]

LETTERBOX_FILL = 0.94
"""Share of the canvas the flat engine's letterboxed sketch fills along its tighter axis."""


@dataclass(frozen=True)
class Placement:
    """A sketch of `sketch_size` placed on a `canvas_size` draft, both (width, height) in pixels."""

    sketch_size: tuple[int, int]
    canvas_size: tuple[int, int]
    placed_size: tuple[int, int]  # (w, h) the sketch is resized to
    origin: tuple[int, int]  # (x0, y0) of its top-left corner on the canvas

    @property
    def scale_x(self) -> float:
        return self.placed_size[0] / self.sketch_size[0]

    @property
    def scale_y(self) -> float:
        return self.placed_size[1] / self.sketch_size[1]

    @property
    def scale(self) -> float:
        """The one scale of a uniform placement (the geometric mean of both axes' otherwise)."""
        return float(np.sqrt(self.scale_x * self.scale_y))

    @property
    def uniform(self) -> bool:
        """Whether both axes scale alike (within half a pixel over the sketch's size)."""
        (sw, sh), (w, h) = self.sketch_size, self.placed_size
        return abs(w - self.scale_y * sw) < 0.5 and abs(h - self.scale_x * sh) < 0.5


def letterbox(sketch_size: tuple[int, int], width: int, height: int) -> Placement:
    """The flat engine's placement: scaled to fit with a 3 % border, centred (rounded as the engine rounds)."""
    sw, sh = sketch_size
    scale = LETTERBOX_FILL * min(width / sw, height / sh)
    w, h = max(1, round(sw * scale)), max(1, round(sh * scale))
    return Placement((sw, sh), (width, height), (w, h), ((width - w) // 2, (height - h) // 2))


def stretch(sketch_size: tuple[int, int], width: int, height: int) -> Placement:
    """The diffusion engines' placement: the control map resized to the whole canvas."""
    return Placement(tuple(sketch_size), (width, height), (width, height), (0, 0))  # type: ignore[arg-type]


def place_image(sketch: Image.Image, placement: Placement, background: tuple[int, int, int]) -> np.ndarray:
    """The sketch as the engine sees it on the canvas: (H, W, 3) uint8 RGB, the rest in `background`."""
    width, height = placement.canvas_size
    w, h = placement.placed_size
    x0, y0 = placement.origin
    resized = np.asarray(sketch.convert("RGB").resize((w, h), Image.Resampling.LANCZOS), dtype=np.uint8)
    canvas = np.empty((height, width, 3), np.uint8)
    canvas[:] = background
    canvas[y0 : y0 + h, x0 : x0 + w] = resized
    return canvas


def place_mask(mask: np.ndarray, placement: Placement) -> np.ndarray:
    """A sketch-sized bool mask mapped onto the canvas: a pixel is in where the mask covers half of it."""
    width, height = placement.canvas_size
    w, h = placement.placed_size
    x0, y0 = placement.origin
    # INTER_AREA averages the sketch pixels under each canvas pixel (coverage) when shrinking; enlarging it
    # interpolates bilinearly, which the 0.5 cut turns into the same half-covered rule.
    cover = cv2.resize(mask.astype(np.float32), (w, h), interpolation=cv2.INTER_AREA)
    out = np.zeros((height, width), bool)
    out[y0 : y0 + h, x0 : x0 + w] = cover >= 0.5
    return out
