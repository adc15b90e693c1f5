"""The garment mask: the region the outer outline encloses (line flats) or the fill covers (filled flats)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

from design_ai.errors import UserError
from design_ai.garments.tops.flat import PRESETS, draw_tee_flat, tee_geometry
from design_ai.patterns.silhouette import garment_mask

PPC = 5.0


def expected_area(preset: str, stroke_px: float = 0.0) -> float:
    """The outline's area in px, grown by half a stroke all round (the mask includes the stroke)."""
    outline = tee_geometry(PRESETS[preset]).outline * PPC
    perimeter = float(np.hypot(*(np.roll(outline, -1, axis=0) - outline).T).sum())
    return tee_geometry(PRESETS[preset]).area * PPC**2 + perimeter * stroke_px / 2


def centre(lm: dict[str, tuple[float, float]], a: str, b: str) -> tuple[int, int]:
    return round((lm[a][0] + lm[b][0]) / 2), round((lm[a][1] + lm[b][1]) / 2)


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_line_flat_mask_is_the_outlined_region(preset: str) -> None:
    img, lm = draw_tee_flat(PRESETS[preset], px_per_cm=PPC, line_px=3)
    mask = garment_mask(img)
    assert mask.dtype == bool and mask.shape == (img.height, img.width)
    # The mask includes the outline stroke: about half a stroke (1.5 px) outside the geometry all round.
    assert mask.sum() == pytest.approx(expected_area(preset, stroke_px=3), rel=0.015)
    x, y = centre(lm, "chest_left", "chest_right")
    assert mask[y, x]
    # The neck opening is not garment: no back-neck line closes it.
    x, y = centre(lm, "hps_left", "hps_right")
    assert not mask[y + 2, x]
    assert not mask[0, 0] and not mask[-1, -1]
    # one piece, and no holes: everything outside it is one region touching the border
    assert cv2.connectedComponents(mask.astype(np.uint8))[0] == 2
    assert cv2.connectedComponents((~mask).astype(np.uint8), connectivity=4)[0] == 2


def test_filled_flat_mask_matches_the_geometry() -> None:
    img, lm = draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=PPC, style="filled", fill="#F4A261", outline=False)
    mask = garment_mask(img)
    assert mask.sum() == pytest.approx(expected_area("boxy-tee"), rel=0.01)
    # width at the chest line, on the body (the sleeves may reach down past it)
    x, y = centre(lm, "chest_left", "chest_right")
    row = mask[y]
    left = x - np.argmin(row[x::-1])
    right = x + np.argmin(row[x:])
    assert right - left == pytest.approx(PRESETS["boxy-tee"].chest_width * PPC, abs=2)


def test_interior_lines_do_not_change_the_mask() -> None:
    with_details, _ = draw_tee_flat(PRESETS["raglan-tee"], px_per_cm=PPC, with_details=True)
    without, _ = draw_tee_flat(PRESETS["raglan-tee"], px_per_cm=PPC, with_details=False)
    a, b = garment_mask(with_details), garment_mask(without)
    assert np.logical_xor(a, b).sum() < 0.002 * a.sum()


def test_a_small_gap_in_the_outline_is_closed() -> None:
    img, lm = draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=PPC, line_px=3)
    whole = garment_mask(img)
    arr = np.asarray(img).copy()
    x, y = (round(v) for v in lm["chest_right"])
    arr[y - 1 : y + 2, x - 4 : x + 5] = 255  # a 3 px break in the side seam
    broken = garment_mask(arr)
    assert np.logical_xor(whole, broken).sum() < 0.01 * whole.sum()


def test_rotated_flat_keeps_its_area_and_inputs_can_be_arrays() -> None:
    img, _ = draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=PPC, rotation_deg=23)
    gray = np.asarray(img.convert("L"))
    mask = garment_mask(gray)
    assert mask.sum() == pytest.approx(expected_area("boxy-tee", stroke_px=3), rel=0.015)
    rgba = img.convert("RGBA")
    assert np.array_equal(garment_mask(rgba), mask)
    assert np.array_equal(garment_mask(img), mask)


def test_blank_and_tiny_images_have_no_garment() -> None:
    with pytest.raises(UserError, match="no garment found"):
        garment_mask(Image.new("RGB", (300, 200), "white"))
    with pytest.raises(UserError, match="no garment found"):
        garment_mask(np.full((64, 64, 3), 30, np.uint8))
    small, _ = draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=1.0, margin_cm=0)
    canvas = Image.new("RGB", (800, 800), "white")
    canvas.paste(small, (10, 10))
    with pytest.raises(UserError, match="no garment found"):
        garment_mask(canvas)


@pytest.mark.parametrize("line_px", [1, 2])
def test_thin_outlines_give_a_mask_without_holes(line_px: int) -> None:
    """Closing gaps must not leak the background through a thin stroke into the garment."""
    img, _ = draw_tee_flat(PRESETS["raglan-tee"], px_per_cm=PPC, line_px=line_px)
    mask = garment_mask(img)
    assert cv2.connectedComponents((~mask).astype(np.uint8), connectivity=4)[0] == 2
    assert mask.sum() == pytest.approx(expected_area("raglan-tee", stroke_px=line_px), rel=0.015)
