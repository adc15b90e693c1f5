"""The flats are ground truth for pattern extraction: their landmarks must be exactly the measurements."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from design_ai.garments.tops.flat import CHEST_BELOW_UNDERARM_CM, PRESETS, TeeMeasurements, draw_tee_flat, tee_geometry

PPC = 5.0
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def dist(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


@pytest.mark.parametrize("rotation", [0.0, 17.0, -90.0])
@pytest.mark.parametrize("preset", ["boxy-tee", "raglan-tee", "longsleeve"])
def test_landmarks_are_the_measurements(preset: str, rotation: float) -> None:
    m = PRESETS[preset]
    _, lm = draw_tee_flat(m, px_per_cm=PPC, rotation_deg=rotation)
    close = {"abs": 1e-6}
    assert dist(lm["shoulder_left"], lm["shoulder_right"]) == pytest.approx(m.shoulder_width * PPC, **close)
    assert dist(lm["hps_left"], lm["hps_right"]) == pytest.approx(m.neck_width * PPC, **close)
    assert dist(lm["chest_left"], lm["chest_right"]) == pytest.approx(m.chest_width * PPC, **close)
    assert dist(lm["hem_left"], lm["hem_right"]) == pytest.approx(m.hem_width * PPC, **close)
    for side in ("left", "right"):
        top, bottom = lm[f"sleeve_top_{side}"], lm[f"sleeve_bottom_{side}"]
        assert dist(lm[f"shoulder_{side}"], top) == pytest.approx(m.sleeve_length * PPC, **close)
        assert dist(top, bottom) == pytest.approx(m.sleeve_opening * PPC, **close)
        # the chest point lies on the side seam, CHEST_BELOW_UNDERARM_CM below the underarm
        ua, chest, hem = (np.array(lm[f"{k}_{side}"]) for k in ("underarm", "chest", "hem"))
        cross = np.cross(chest - ua, hem - ua)
        assert abs(cross) < 1e-6 * np.linalg.norm(hem - ua) ** 2
    # Vertical measurements along the garment's own axis (the HPS line's normal), whatever the rotation.
    hps_mid = (np.array(lm["hps_left"]) + np.array(lm["hps_right"])) / 2
    across = np.array(lm["hps_right"]) - np.array(lm["hps_left"])
    across /= np.linalg.norm(across)
    down = np.array([-across[1], across[0]])
    hem_mid = (np.array(lm["hem_left"]) + np.array(lm["hem_right"])) / 2
    assert float((hem_mid - hps_mid) @ down) == pytest.approx(m.body_length * PPC, **close)
    assert float((np.array(lm["front_neck"]) - hps_mid) @ down) == pytest.approx(m.front_neck_drop * PPC, **close)
    chest_mid = (np.array(lm["chest_left"]) + np.array(lm["chest_right"])) / 2
    ua_mid = (np.array(lm["underarm_left"]) + np.array(lm["underarm_right"])) / 2
    assert float((chest_mid - ua_mid) @ down) == pytest.approx(CHEST_BELOW_UNDERARM_CM * PPC, **close)


def test_sleeve_angle_and_symmetry() -> None:
    m = PRESETS["boxy-tee"]
    _, lm = draw_tee_flat(m, px_per_cm=PPC)
    sp, top = lm["shoulder_right"], lm["sleeve_top_right"]
    angle = math.degrees(math.atan2(top[1] - sp[1], top[0] - sp[0]))  # y down: positive is below horizontal
    assert angle == pytest.approx(m.sleeve_angle_deg)
    centre_x = lm["front_neck"][0]
    for name in ("hps", "shoulder", "underarm", "chest", "hem", "sleeve_top", "sleeve_bottom"):
        left, right = lm[f"{name}_left"], lm[f"{name}_right"]
        assert left[0] + right[0] == pytest.approx(2 * centre_x)
        assert left[1] == pytest.approx(right[1])


def test_outline_passes_through_the_landmarks_and_is_drawn_there() -> None:
    m = PRESETS["boxy-tee"]
    img, lm = draw_tee_flat(m, px_per_cm=PPC, line_px=3)
    gray = np.asarray(img.convert("L"))
    for name in ("hps_left", "shoulder_right", "underarm_left", "hem_right", "sleeve_top_left", "front_neck"):
        x, y = (round(v) for v in lm[name])
        assert gray[y, x] < 100, name
    # the interior is white, the background is white
    chest_mid = [round((a + b) / 2) for a, b in zip(lm["chest_left"], lm["chest_right"], strict=True)]
    assert gray[chest_mid[1], chest_mid[0]] == 255
    assert gray[2, 2] == 255


def test_filled_style_uses_the_fill_colour() -> None:
    img, lm = draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=PPC, style="filled", fill="#1D3557", outline=False)
    chest_mid = [round((a + b) / 2) for a, b in zip(lm["chest_left"], lm["chest_right"], strict=True)]
    assert img.getpixel((chest_mid[0], chest_mid[1])) == (0x1D, 0x35, 0x57)
    assert img.getpixel((1, 1)) == (255, 255, 255)


def test_geometry_is_a_simple_clockwise_outline_with_the_right_area() -> None:
    geom = tee_geometry(TeeMeasurements())
    x, y = geom.outline[:, 0], geom.outline[:, 1]
    signed = (np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2
    assert signed > 0  # positive shoelace in y-down coordinates = clockwise on screen
    # the body alone (a trapezoid-ish block) is a lower bound; body plus sleeves' bounding boxes an upper one
    assert 56 * 60 < geom.area < 90 * 72


def test_tank_has_no_sleeve_landmarks() -> None:
    _, lm = draw_tee_flat(PRESETS["tank"], px_per_cm=PPC)
    assert "sleeve_top_left" not in lm
    assert dist(lm["chest_left"], lm["chest_right"]) == pytest.approx(PRESETS["tank"].chest_width * PPC)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"neck_width": 60.0}, "neck_width"),
        ({"body_length": -1.0}, "body_length"),
        ({"armhole_depth": 80.0}, "armhole_depth"),
        ({"sleeve_angle_deg": 95.0}, "sleeve_angle_deg"),
    ],
)
def test_impossible_measurements_are_refused(change: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        tee_geometry(TeeMeasurements(**change))


def test_canvas_too_small_is_refused_and_drawing_is_deterministic() -> None:
    with pytest.raises(ValueError, match="canvas"):
        draw_tee_flat(TeeMeasurements(), px_per_cm=PPC, canvas=(100, 100))
    a, _ = draw_tee_flat(TeeMeasurements(), px_per_cm=PPC, rotation_deg=5)
    b, _ = draw_tee_flat(TeeMeasurements(), px_per_cm=PPC, rotation_deg=5)
    assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize(("filename", "preset"), [("boxy-tee.png", "boxy-tee"), ("raglan-tee.png", "raglan-tee")])
def test_bundled_sketches_are_what_draw_sketches_draws(filename: str, preset: str) -> None:
    """examples/draw_sketches.py draws them at 7.5 px/cm on 768x768: the files must be up to date."""
    path = EXAMPLES / "briefs" / "sketches" / filename
    assert path.stat().st_size < 60_000
    expected, _ = draw_tee_flat(PRESETS[preset], px_per_cm=7.5, style="line", line_px=3, canvas=(768, 768))
    with Image.open(path) as bundled:
        assert bundled.size == (768, 768)
        assert np.array_equal(np.asarray(bundled.convert("L")), np.asarray(expected.convert("L")))
