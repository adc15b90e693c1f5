"""Tops drawn in the designers' convention: the back neckline is the outline at the neck and the front
neckline a line drawn inside it. The front neck drop is read off that line, not off the back neck."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from PIL import Image, ImageDraw

from design_ai.garments.tops.flat import PRESETS, draw_tee_flat
from design_ai.patterns.accuracy import PRESET_GARMENTS
from design_ai.patterns.measure import measure_garment

PPC = 10.0
BACK_NECK_DROP_CM = 2.0


@dataclass(frozen=True)
class Drawn:
    image: Image.Image
    front_neck_drop: float
    neck_width: float


def designer_flat(preset: str, style: str) -> Drawn:
    """The preset's flat with a back neck drawn from HPS to HPS above its front neckline (which the outline
    drew), so the front neckline becomes a line inside; a filled flat has the space between filled."""
    m = PRESETS[preset]
    img, lm = draw_tee_flat(m, px_per_cm=PPC, style=style, fill="#c8d8e8")  # type: ignore[arg-type]
    d = ImageDraw.Draw(img)
    (xl, y), (xr, _) = lm["hps_left"], lm["hps_right"]
    cx, half = (xl + xr) / 2, (xr - xl) / 2
    t = np.linspace(0, np.pi, 80)
    back = [(cx - half * np.cos(a), y + BACK_NECK_DROP_CM * PPC * np.sin(a)) for a in t]
    front = [(cx + half * np.cos(a), y + m.front_neck_drop * PPC * np.sin(a)) for a in t]
    if style == "filled":
        d.polygon(back + front, fill="#c8d8e8")
        d.line(front, fill="black", width=3)
    d.line(back, fill="black", width=3)
    return Drawn(img, m.front_neck_drop, m.neck_width)


@pytest.mark.parametrize("style", ["line", "filled"])
@pytest.mark.parametrize("preset", ["boxy-tee", "fitted-tee", "longsleeve", "tank", "raglan-tee"])
def test_front_neck_read_off_the_line_inside(preset: str, style: str) -> None:
    drawn = designer_flat(preset, style)
    got = measure_garment(drawn.image, PRESET_GARMENTS[preset], px_per_cm=PPC).measurements_cm
    # Read as the back neck (2 cm) before the line inside was looked for.
    assert got["front_neck_drop"] == pytest.approx(drawn.front_neck_drop, abs=1.0)
    assert got["neck_width"] == pytest.approx(drawn.neck_width, abs=1.0)


def test_cut_out_neckline_is_left_alone() -> None:
    """The neckband seam drawn inside a cut-out neckline does not reach the HPS: it is not a front neckline."""
    m = PRESETS["boxy-tee"]
    img, _ = draw_tee_flat(m, px_per_cm=PPC, style="line")
    got = measure_garment(img, "tshirt", px_per_cm=PPC).measurements_cm
    assert got["front_neck_drop"] == pytest.approx(m.front_neck_drop, abs=0.5)
