"""The flat engine: requested size, same bytes per seed, the colorway on the garment, a light studio."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from design_ai.config import Settings
from design_ai.errors import UserError
from design_ai.garments.tops.flat import PRESETS, draw_tee_flat
from design_ai.generate.base import ControlMap, DraftRequest, Engine, GenerationParams, Swatch
from design_ai.generate.engines.flat import RENDERER_ID, FlatEngine, draft_garment_mask
from design_ai.images import encode_png

SUNRISE = Swatch("Sunrise", "#F4A261")
INK = Swatch("Ink", "#1D3557")
CHALK = Swatch("Chalk", "#F2F0EB")


@pytest.fixture(scope="module")
def sketch() -> Image.Image:
    img, _ = draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=5.0)
    return img


@pytest.fixture(scope="module")
def engine() -> FlatEngine:
    return FlatEngine(Settings())


def request(
    sketch: Image.Image,
    colorways: tuple[Swatch, ...] = (SUNRISE, INK),
    *,
    width: int = 256,
    height: int = 256,
    texture: str = "jersey",
) -> DraftRequest:
    return DraftRequest(
        garment="tshirt",
        prompt="flat lay of a boxy tee",
        negative_prompt="",
        colorways=colorways,
        material="organic-cotton-jersey-180",
        texture=texture,
        sketch=sketch,
        params=GenerationParams(width=width, height=height),
    )


def control(sketch: Image.Image) -> ControlMap:
    return ControlMap(sketch, "lineart", "opencv.lineart")  # the flat engine does not read it


def test_follows_the_engine_protocol(engine: FlatEngine, sketch: Image.Image) -> None:
    assert isinstance(engine, Engine)
    assert engine.name == "flat"
    assert engine.model_ids("canny") == {"renderer": RENDERER_ID}
    (draft,) = engine.generate(request(sketch), control(sketch), 1, 7)
    assert draft.engine == "flat"
    assert draft.model_ids == {"renderer": RENDERER_ID}
    assert draft.params == {"width": 256, "height": 256, "texture": "jersey", "colorway": "#F4A261"}
    assert draft.plan.seed == 7 and draft.seconds >= 0 and draft.note is None


@pytest.mark.parametrize(("width", "height"), [(256, 256), (320, 192), (192, 288)])
def test_drafts_have_the_requested_size(engine: FlatEngine, sketch: Image.Image, width: int, height: int) -> None:
    drafts = engine.generate(request(sketch, width=width, height=height), control(sketch), 3, 1)
    assert len(drafts) == 3
    assert [d.plan.index for d in drafts] == [0, 1, 2]
    for d in drafts:
        assert d.image.size == (width, height) and d.image.mode == "RGB"


def test_same_seed_same_bytes_and_seeds_differ(engine: FlatEngine, sketch: Image.Image) -> None:
    one = request(sketch, (SUNRISE,), texture="twill")
    a = engine.generate(one, control(sketch), 2, 1234)
    b = engine.generate(one, control(sketch), 2, 1234)
    assert [encode_png(d.image) for d in a] == [encode_png(d.image) for d in b]
    # draft 1 is seed 1235 in both batch sizes: reproducible whatever n is
    (single,) = engine.generate(one, control(sketch), 1, 1235)
    assert encode_png(single.image) == encode_png(a[1].image)
    # same colorway, next seed: a different render
    diff = np.abs(np.asarray(a[0].image, np.int16) - np.asarray(a[1].image, np.int16))
    assert diff.mean() > 1.0


@pytest.mark.parametrize("texture", ["jersey", "rib", "fleece", "woven", "twill", "knit"])
def test_colorway_dominates_the_garment_and_the_background_stays_light(
    engine: FlatEngine, sketch: Image.Image, texture: str
) -> None:
    width, height = 288, 256
    drafts = engine.generate(
        request(sketch, (SUNRISE, INK, CHALK), width=width, height=height, texture=texture),
        control(sketch),
        3,
        5,
    )
    mask = draft_garment_mask(sketch, width, height)
    assert 0.2 < mask.mean() < 0.8
    inner = cv2.erode(mask.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    outside = ~cv2.dilate(mask.astype(np.uint8), np.ones((15, 15), np.uint8)).astype(bool)
    medians = []
    for draft, swatch in zip(drafts, (SUNRISE, INK, CHALK), strict=True):
        rgb = np.asarray(draft.image)
        median = np.median(rgb[inner], axis=0)
        assert np.abs(median - np.array(swatch.rgb)).max() < 28, (swatch.name, median)
        medians.append(median)
        luminance = np.asarray(draft.image.convert("L"))
        assert luminance[outside].min() > 150  # shadowed, but still a light studio background
        assert np.median(luminance[outside]) > 195
    assert np.abs(medians[0] - medians[1]).sum() > 150


def test_unknown_texture_renders_as_jersey_and_says_so(engine: FlatEngine, sketch: Image.Image) -> None:
    (draft,) = engine.generate(request(sketch, texture="sequins"), control(sketch), 1, 3)
    (jersey,) = engine.generate(request(sketch, texture="jersey"), control(sketch), 1, 3)
    assert draft.params["texture"] == "jersey"
    assert draft.note and "sequins" in draft.note
    assert encode_png(draft.image) == encode_png(jersey.image)


def test_no_colorway_renders_a_neutral(engine: FlatEngine, sketch: Image.Image) -> None:
    (draft,) = engine.generate(request(sketch, ()), control(sketch), 1, 3)
    assert draft.params["colorway"].startswith("#")


def test_a_blank_sketch_is_a_user_error(engine: FlatEngine) -> None:
    blank = Image.new("RGB", (200, 200), "white")
    with pytest.raises(UserError, match="no garment found"):
        engine.generate(request(blank), control(blank), 1, 0)


def test_importing_the_engine_does_not_import_torch() -> None:
    code = "import sys, design_ai.generate.engines.flat; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])
