"""Mending an outline bitten by stripes of the backdrop's own tone (`design_ai.patterns.stripes`)."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from design_ai.patterns.stripes import bridge_stripes, find_stripes, mend_stripes

H, W = 700, 800
BACKDROP = 215.0
# A torso with a sloped shoulder on each side and a sleeve-like slant: edges at many angles to the stripes.
GARMENT = np.array([[220, 120], [330, 100], [470, 100], [580, 120], [690, 300], [600, 340], [560, 300],
                    [570, 620], [230, 620], [240, 300], [200, 340], [110, 300]], np.float64)


def _turned(points: np.ndarray, deg: float) -> np.ndarray:
    a = math.radians(deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    centre = np.array([W / 2, H / 2])
    return (points - centre) @ rot.T + centre


def _picture(deg: float, grey: float, period: float = 24.0) -> tuple[np.ndarray, np.ndarray]:
    """(RGB picture, true mask) of a white-and-`grey` striped garment on the grey backdrop, turned `deg`."""
    outline = _turned(GARMENT, deg)
    truth = np.zeros((H, W), np.uint8)
    cv2.fillPoly(truth, [np.rint(outline).astype(np.int32)], 1)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float64)
    a = math.radians(deg)
    across = -xx * math.sin(a) + yy * math.cos(a)  # the stripes run along the garment's own rows
    stripe = np.clip((np.sin(2 * math.pi * across / period) * 2 + 0.5), 0, 1)
    tone = 245.0 - (245.0 - grey) * (1 - stripe)
    lum = np.where(truth > 0, tone, BACKDROP)
    lum = cv2.GaussianBlur(lum.astype(np.float32), (0, 0), 1.0)
    lum += np.random.default_rng(3).normal(0, 1.5, lum.shape).astype(np.float32)
    rgb = np.repeat(np.clip(lum, 0, 255).astype(np.uint8)[..., None], 3, axis=2)
    return rgb, truth > 0


def _bitten(rgb: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """What a segmentation sees: the truth less every near-backdrop pixel within 8 px of the edge."""
    near_edge = cv2.distanceTransform(truth.astype(np.uint8), cv2.DIST_L2, 5) <= 8
    like_backdrop = np.abs(rgb[..., 0].astype(np.float32) - BACKDROP) < 12
    return truth & ~(near_edge & like_backdrop)


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / (a | b).sum())


@pytest.mark.parametrize("deg", [0.0, 7.0, -9.5])
def test_stripes_are_found_with_their_period_and_direction(deg: float) -> None:
    rgb, truth = _picture(deg, grey=BACKDROP)
    stripes = find_stripes(rgb[..., 0].astype(np.float32), truth)
    assert stripes is not None
    assert stripes.period_px == pytest.approx(24.0, rel=0.08)
    across_deg = math.degrees(stripes.across_rad) % 180.0
    assert across_deg == pytest.approx(90.0 + deg, abs=0.5)


def test_a_plain_garment_has_no_stripes() -> None:
    rgb, truth = _picture(0.0, grey=245.0)  # both "stripes" white: a plain fill
    assert find_stripes(rgb[..., 0].astype(np.float32), truth) is None


@pytest.mark.parametrize("deg", [0.0, 7.0, -9.5])
def test_a_bitten_outline_is_mended_from_the_light_stripes(deg: float) -> None:
    rgb, truth = _picture(deg, grey=BACKDROP)
    bitten = _bitten(rgb, truth)
    mended = mend_stripes(rgb, bitten)
    assert (mended | bitten).sum() == mended.sum()  # it only adds
    lost_before, lost_after = (truth & ~bitten).sum(), (truth & ~mended).sum()
    assert _iou(bitten, truth) < 0.97 < 0.975 < _iou(mended, truth)
    # Most of what the bites took is back; what stays lost is where the garment ends inside a grey stripe
    # (a corner there is anywhere in it).
    assert lost_after < 0.45 * lost_before
    # What it adds is garment: beyond 2 px outside the true outline (its blur spreads 1-2 px), less than a
    # quarter of a pixel on average along the outline (a corner carried on into a grey stripe overshoots).
    outside = mended & ~cv2.dilate(truth.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    contours, _ = cv2.findContours(truth.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    assert outside.sum() < 0.25 * cv2.arcLength(contours[0], True)


def test_stripes_that_stand_out_from_the_backdrop_leave_the_mask_alone() -> None:
    rgb, truth = _picture(5.0, grey=170.0)  # a darker stripe well clear of the backdrop's tone
    bitten = _bitten(rgb, truth)  # nothing near the backdrop's tone to lose: the truth itself
    assert np.array_equal(mend_stripes(rgb, bitten), bitten)


def test_a_comb_of_light_stripes_is_bridged_into_the_garment() -> None:
    """Where the flood ran along every grey stripe, the light stripes alone are left: bridged across the
    stripes, they make the garment again, and its armpits stay open."""
    rgb, truth = _picture(4.0, grey=BACKDROP, period=40.0)
    lum = rgb[..., 0]
    comb = (truth & (lum > 232)).astype(np.uint8)
    bridged = bridge_stripes(lum, comb, comb > 0)
    assert bridged is not None
    solid = bridged > 0
    assert (solid & truth).sum() > 0.93 * truth.sum() > 1.3 * comb.sum()
    grown = cv2.dilate(truth.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    assert (solid & ~grown).sum() < 0.01 * truth.sum()
    armpit = _turned(np.array([[215.0, 330.0], [585.0, 330.0]]), 4.0)  # just under each underarm
    for x, y in np.rint(armpit).astype(int):
        assert not solid[y, x]


def test_no_bridging_without_stripes() -> None:
    rgb, truth = _picture(0.0, grey=245.0)
    assert bridge_stripes(rgb[..., 0], truth.astype(np.uint8), truth) is None
