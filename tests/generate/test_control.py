"""Control maps: the sketch's size, lines where the sketch has lines, and the detector that made them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from design_ai.errors import UserError
from design_ai.garments.tops.flat import PRESETS, draw_tee_flat
from design_ai.generate.control import (
    CONTROL_TYPES,
    annotator_status,
    check_control,
    detector_for,
    make_control_map,
)

RUNNABLE = ("canny", "lineart", "scribble")  # without annotator weights


@pytest.fixture(scope="module")
def sketch() -> Image.Image:
    # Not a multiple of 64 on either side (controlnet-aux resizes to those), blank bands left and right.
    img, _ = draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=5.0, canvas=(610, 470))
    return img


@pytest.fixture(scope="module")
def maps(sketch: Image.Image) -> dict[str, object]:
    """Every runnable map, made once (the first canny call imports controlnet_aux and torch)."""
    return {t: make_control_map(sketch, t, annotators_path=None) for t in RUNNABLE}


def white(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("L")) > 127


def dark(sketch: Image.Image) -> np.ndarray:
    return np.asarray(sketch.convert("L")) < 128


def grow(mask: np.ndarray, r: int) -> np.ndarray:
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    return cv2.dilate(mask.astype(np.uint8), k).astype(bool)


@pytest.mark.parametrize("control_type", RUNNABLE)
def test_map_has_the_sketch_size_and_is_white_on_black(control_type: str, sketch: Image.Image, maps: dict) -> None:
    cmap = maps[control_type]
    assert cmap.control_type == control_type
    assert cmap.image.mode == "RGB"
    assert cmap.image.size == sketch.size
    arr = np.asarray(cmap.image)
    assert (arr == 0).mean() > 0.8  # mostly black
    assert white(cmap.image).sum() > 1000  # and some lines


@pytest.mark.parametrize(("control_type", "reach"), [("canny", 3), ("lineart", 2), ("scribble", 6)])
def test_lines_where_the_sketch_has_lines_and_none_where_it_is_blank(
    control_type: str, reach: int, sketch: Image.Image, maps: dict
) -> None:
    lines, ink = white(maps[control_type].image), dark(sketch)
    # precision: map lines lie on the sketch's strokes
    assert (lines & grow(ink, reach)).sum() / lines.sum() > 0.97
    # recall: the sketch's strokes are in the map (scribble leaves out the short stitching dashes)
    recall = (ink & grow(lines, 3)).sum() / ink.sum()
    assert recall > (0.85 if control_type == "scribble" else 0.95)
    # blank: the margin left of the garment and a patch of the empty chest
    assert not lines[:, :40].any()
    h, w = lines.shape
    assert not lines[h // 2 - 20 : h // 2 + 20, w // 2 - 30 : w // 2 + 30].any()


def test_detectors_are_recorded(maps: dict, tmp_path: Path) -> None:
    assert maps["canny"].detector == "controlnet_aux.CannyDetector"
    assert maps["lineart"].detector == "opencv.lineart"
    assert maps["scribble"].detector == "opencv.scribble"
    # an annotators folder without the weights falls back the same way
    assert detector_for("lineart", tmp_path) == "opencv.lineart"
    assert detector_for("scribble", tmp_path) == "opencv.scribble"


def test_canny_is_controlnet_aux_at_full_resolution(sketch: Image.Image, maps: dict) -> None:
    """Same edges as cv2.Canny with the detector's default thresholds on the unresized sketch."""
    expected = cv2.Canny(np.asarray(sketch), 100, 200) > 127
    assert np.array_equal(white(maps["canny"].image), expected)


def test_scribble_strokes_are_thicker_than_lineart(maps: dict) -> None:
    def surviving(img: Image.Image, erosions: int) -> float:
        m = white(img).astype(np.uint8)
        return cv2.erode(m, np.ones((3, 3), np.uint8), iterations=erosions).sum() / m.sum()

    assert surviving(maps["lineart"].image, 1) < 0.05  # 1-2 px lines vanish under one erosion
    assert surviving(maps["scribble"].image, 1) > 0.4  # ~1 % of the image (5 px here) thick


@pytest.mark.parametrize(("control_type", "weights"), [("hed", "ControlNetHED.pth"), ("pidinet", "table5_pidinet.pth")])
def test_weight_only_detectors_name_the_missing_file(
    control_type: str, weights: str, sketch: Image.Image, tmp_path: Path
) -> None:
    for folder in (None, tmp_path):
        with pytest.raises(UserError, match=weights) as err:
            check_control(control_type, folder)
        assert "SEAMLINE_ANNOTATORS_PATH" in str(err.value)
        with pytest.raises(UserError, match=weights):
            make_control_map(sketch, control_type, annotators_path=folder)


def test_unknown_control_type_is_a_user_error() -> None:
    with pytest.raises(UserError, match="unknown control type 'softedge'"):
        check_control("softedge", None)


def test_weights_present_select_controlnet_aux_and_garbage_is_refused(sketch: Image.Image, tmp_path: Path) -> None:
    """Choosing the detector looks at file names only; a broken file is the user's error, not a crash."""
    for name in ("sk_model.pth", "sk_model2.pth", "ControlNetHED.pth"):
        (tmp_path / name).write_bytes(b"not a checkpoint")
    assert detector_for("lineart", tmp_path) == "controlnet_aux.LineartDetector"
    assert detector_for("scribble", tmp_path) == "controlnet_aux.HEDdetector(scribble)"
    assert detector_for("hed", tmp_path) == "controlnet_aux.HEDdetector"
    check_control("hed", tmp_path)
    with pytest.raises(UserError, match=r"cannot load ControlNetHED\.pth"):
        make_control_map(sketch, "hed", annotators_path=tmp_path)


def test_annotator_status_covers_every_control_type(tmp_path: Path) -> None:
    status = annotator_status(None)
    assert tuple(status) == CONTROL_TYPES
    assert status["canny"].startswith("controlnet_aux.CannyDetector")
    assert status["lineart"].startswith("opencv.lineart") and "sk_model.pth" in status["lineart"]
    assert status["hed"].startswith("unavailable") and "ControlNetHED.pth" in status["hed"]
    (tmp_path / "table5_pidinet.pth").write_bytes(b"")
    assert annotator_status(tmp_path)["pidinet"].startswith("controlnet_aux.PidiNetDetector")


def test_importing_the_module_does_not_import_torch() -> None:
    code = (
        "import sys, design_ai.generate.control\n"
        "assert 'torch' not in sys.modules and 'controlnet_aux' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])
