"""Points of measure read back from flats and drafts drawn from known measurements (DESIGN.md definitions)."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from design_ai.errors import UserError
from design_ai.garments import get as get_garment
from design_ai.garments.tops.flat import PRESETS, draw_tee_flat
from design_ai.generate.engines.flat import draft_garment_mask, render_draft
from design_ai.patterns.accuracy import (
    CHALK,
    INK,
    PRESET_GARMENTS,
    DrawnCase,
    accuracy_table,
    draft_case,
    flat_case,
    truth_cm,
)
from design_ai.patterns.measure import measure_garment
from design_ai.patterns.silhouette import segment_garment

SUNRISE = (0xF4, 0xA2, 0x61)
HEATHER = (0xB9, 0xB7, 0xB2)
DRAFT = (900, 700)  # drafts in the tests: big enough to resolve an armpit, small enough to render fast


def jpeg(img: Image.Image, quality: int = 70) -> Image.Image:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def assert_accurate(case: DrawnCase, image: Image.Image | None = None) -> None:
    """Every POM within ±1.0 cm, the mean absolute error at most 0.5 cm, and no POM missing or extra."""
    image = case.image if image is None else image
    got = measure_garment(image, case.garment, px_per_cm=case.px_per_cm, features=case.features)
    assert set(got.measurements_cm) == set(case.truth_cm), case.name
    errors = {p: got.measurements_cm[p] - v for p, v in case.truth_cm.items()}
    assert max(abs(e) for e in errors.values()) <= 1.0, (case.name, errors)
    assert np.mean([abs(e) for e in errors.values()]) <= 0.5, (case.name, errors)


# -- flats ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("preset", sorted(PRESETS))
@pytest.mark.parametrize(
    ("ppc", "style", "rotation", "outline"),
    [(5.0, "line", 0.0, True), (8.0, "filled", 3.0, True), (12.0, "line", -5.0, True), (6.5, "filled", -2.0, False)],
)
def test_flats_measure_within_a_centimetre(preset: str, ppc: float, style: str, rotation: float, outline: bool) -> None:
    img, _ = draw_tee_flat(
        PRESETS[preset], px_per_cm=ppc, style=style, fill="#F4A261", rotation_deg=rotation, outline=outline
    )  # type: ignore[arg-type]
    garment = PRESET_GARMENTS[preset]
    case = DrawnCase(preset, img, truth_cm(PRESETS[preset], garment), ppc, garment)
    assert_accurate(case)
    assert_accurate(case, jpeg(img))


@pytest.mark.parametrize("fill", ["#FFFFFF", "#F4A261", "#1D3557"])
@pytest.mark.parametrize("line_px", [1, 3, 5])
def test_the_outline_stroke_is_taken_off(fill: str, line_px: int) -> None:
    """The mask holds the outline; its width is estimated from the ink and half of it comes off each side."""
    img, _ = draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=6.0, style="filled", fill=fill, line_px=line_px)
    sil = segment_garment(img)
    assert sil.kind == "flat" and sil.stroke_px == pytest.approx(line_px, abs=1.0)
    got = measure_garment(img, "tshirt", px_per_cm=6.0).measurements_cm
    assert got["body_length"] == pytest.approx(72.0, abs=0.25)
    assert got["chest_width"] == pytest.approx(56.0, abs=0.25)


def test_landmarks_land_on_the_drawing_and_the_deskew_is_reported() -> None:
    img, truth = draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=8.0, rotation_deg=3.0)
    got = measure_garment(img, "tshirt", px_per_cm=8.0)
    assert got.rotation_deg == pytest.approx(-3.0, abs=0.15)  # the deskew applied: clockwise, to undo +3°
    assert got.garment == "tshirt" and got.image_size == img.size and got.px_per_cm == 8.0
    names = {f"{k}_{s}" for k in ("hps", "shoulder", "underarm", "hem", "sleeve_top", "sleeve_bottom", "chest")
             for s in ("left", "right")} | {"front_neck"}  # fmt: skip
    assert set(got.landmarks_px) == names
    for name in names - {"underarm_left", "underarm_right"}:
        assert np.hypot(*np.subtract(got.landmarks_px[name], truth[name])) < 2.0, name
    for name in ("underarm_left", "underarm_right"):  # where two nearly parallel seams meet: a little looser
        assert np.hypot(*np.subtract(got.landmarks_px[name], truth[name])) < 4.0, name
    assert list(got.measurements_cm) == list(get_garment("tshirt").pom_names)


def test_variants_of_the_block() -> None:
    tank, _ = draw_tee_flat(PRESETS["tank"], px_per_cm=6.0)
    got = measure_garment(tank, "tank", px_per_cm=6.0)
    assert "sleeve_length" not in got.measurements_cm and "sleeve_opening" not in got.measurements_cm
    assert tuple(got.measurements_cm) == get_garment("tank").pom_names
    assert not any(k.startswith("sleeve") for k in got.landmarks_px)
    long, _ = draw_tee_flat(PRESETS["longsleeve"], px_per_cm=6.0)
    got = measure_garment(long, "longsleeve", px_per_cm=6.0)
    assert got.measurements_cm["sleeve_length"] == pytest.approx(62.0, abs=1.0)
    assert got.measurements_cm["sleeve_opening"] == pytest.approx(10.0, abs=1.0)
    # the wrong block for the picture is a clear error, not numbers
    with pytest.raises(UserError, match="sleeve"):
        measure_garment(tank, "tshirt", px_per_cm=6.0)
    with pytest.raises(UserError, match="tank"):
        measure_garment(long, "tank", px_per_cm=6.0)


# -- drafts ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "colour", "texture", "rotation"),
    [
        ("boxy-tee", CHALK, "jersey", 0.0),
        ("boxy-tee", INK, "twill", -4.0),
        ("raglan-tee", SUNRISE, "rib", 2.0),
        ("fitted-tee", INK, "knit", 0.0),
        ("longsleeve", HEATHER, "fleece", 3.0),
        ("tank", CHALK, "woven", -3.0),
    ],
)
def test_drafts_measure_within_a_centimetre(
    preset: str, colour: tuple[int, int, int], texture: str, rotation: float
) -> None:
    case = draft_case(preset, size=DRAFT, colour=colour, texture=texture, seed=7, rotation_deg=rotation)
    assert_accurate(case)
    assert_accurate(case, jpeg(case.image, 70))


def test_a_draft_mask_leaves_out_the_shadow() -> None:
    """The draft's silhouette is the sketch's, to within a pixel on average; the drop shadow is not in it."""
    sketch, _ = draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=10.0, line_px=1)
    truth = draft_garment_mask(sketch, 640, 500)
    perimeter = 2 * (truth.any(axis=0).sum() + truth.any(axis=1).sum())
    for colour in (CHALK, INK, HEATHER):
        draft = render_draft(sketch, colour=colour, texture="jersey", seed=3, width=640, height=500)
        sil = segment_garment(jpeg(draft, 60))
        assert sil.kind == "draft"
        assert (sil.mask ^ truth).sum() / perimeter < 1.5, colour
        assert (sil.mask & ~truth).sum() / perimeter < 1.0, colour  # no shadow halo


# -- properties -----------------------------------------------------------------------------------------------

_UPRIGHT = measure_garment(draw_tee_flat(PRESETS["raglan-tee"], px_per_cm=6.0)[0], "tshirt", px_per_cm=6.0)


@settings(max_examples=12, deadline=None)
@given(angle=st.floats(min_value=-10.0, max_value=10.0, allow_nan=False))
def test_a_turned_flat_gives_the_same_measurements(angle: float) -> None:
    img, _ = draw_tee_flat(PRESETS["raglan-tee"], px_per_cm=6.0, rotation_deg=angle)
    got = measure_garment(img, "tshirt", px_per_cm=6.0)
    for pom, value in _UPRIGHT.measurements_cm.items():
        assert got.measurements_cm[pom] == pytest.approx(value, abs=0.5), pom
    assert got.rotation_deg == pytest.approx(-angle, abs=0.2)


@pytest.mark.parametrize("preset", ["boxy-tee", "tank"])
def test_scale_from_one_known_length(preset: str) -> None:
    m = PRESETS[preset]
    img, _ = draw_tee_flat(m, px_per_cm=7.0, rotation_deg=2.0)
    got = measure_garment(img, PRESET_GARMENTS[preset], body_length_cm=m.body_length)
    assert got.px_per_cm == pytest.approx(7.0, rel=0.01)
    assert got.measurements_cm["body_length"] == pytest.approx(m.body_length, abs=0.01)
    assert got.measurements_cm["chest_width"] == pytest.approx(m.chest_width, abs=1.0)


# -- bad input ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tee() -> Image.Image:
    return draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=4.0)[0]


def test_a_blank_picture_has_no_garment() -> None:
    with pytest.raises(UserError, match="no garment found"):
        measure_garment(Image.new("RGB", (400, 300), "white"), "tshirt", px_per_cm=5.0)
    studio = np.full((300, 400, 3), (214, 211, 206), np.uint8)
    noise = np.random.default_rng(0).normal(0, 2.0, studio.shape)
    with pytest.raises(UserError, match="no garment found"):
        measure_garment(np.clip(studio + noise, 0, 255).astype(np.uint8), "tshirt", px_per_cm=5.0)


def test_two_garments_side_by_side(tee: Image.Image) -> None:
    pair = Image.new("RGB", (2 * tee.width, tee.height), "white")
    pair.paste(tee, (0, 0))
    pair.paste(tee, (tee.width, 0))
    with pytest.raises(UserError, match="more than one garment"):
        measure_garment(pair, "tshirt", px_per_cm=4.0)


def test_a_garment_cut_off_at_the_border(tee: Image.Image) -> None:
    cut = tee.crop((0, 0, tee.width, tee.height - 40))  # the hem is cut off
    with pytest.raises(UserError, match=r"touches the image border.*bottom"):
        measure_garment(cut, "tshirt", px_per_cm=4.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"px_per_cm": 0.0}, "px_per_cm must be a positive number"),
        ({"px_per_cm": -3.0}, "px_per_cm must be a positive number"),
        ({"body_length_cm": 0.0}, "body_length_cm must be a positive number"),
        ({}, "exactly one scale"),
        ({"px_per_cm": 4.0, "body_length_cm": 72.0}, "exactly one scale"),
        ({"body_length_cm": 15.0}, "not a plausible top"),
        ({"body_length_cm": 250.0}, "not a plausible top"),
        ({"px_per_cm": 4.0 * 72 / 15}, r"would be 1[45]\.\d cm long"),  # the tee would be 15 cm long
        ({"px_per_cm": 4.0 * 72 / 250}, r"would be 2[45]\d\.\d cm long"),
    ],
)
def test_bad_scales(tee: Image.Image, kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(UserError, match=message):
        measure_garment(tee, "tshirt", **kwargs)


def test_an_unknown_garment_names_the_known_ones(tee: Image.Image) -> None:
    registered = r"garment 'poncho' is not in the garment library; registered garments: tshirt, longsleeve, tank"
    with pytest.raises(UserError, match=registered):
        measure_garment(tee, "poncho", px_per_cm=4.0)


# -- the drawn set --------------------------------------------------------------------------------------------


def test_accuracy_table_over_a_small_drawn_set() -> None:
    cases = [
        flat_case("boxy-tee", size=(480, 400)),
        flat_case("tank", size=(480, 400), style="filled", rotation_deg=3.0, jpeg=70),
    ]
    table = accuracy_table(cases)
    assert set(table) == set(get_garment("tshirt").pom_names)
    for pom, row in table.items():
        assert set(row) == {"mae", "max"}
        assert 0 <= row["mae"] <= row["max"] <= 1.0, pom


# -- robustness (issue 12) ------------------------------------------------------------------------------------


@pytest.mark.parametrize("angle", [-10.0, 10.0])
def test_a_flat_turned_ten_degrees_is_measured(angle: float) -> None:
    img, _ = draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=7.0, rotation_deg=angle)
    case = DrawnCase("turned", img, truth_cm(PRESETS["boxy-tee"], "tshirt"), 7.0, "tshirt")
    assert_accurate(case)
    assert measure_garment(img, "tshirt", px_per_cm=7.0).rotation_deg == pytest.approx(-angle, abs=0.3)


@pytest.mark.parametrize("fill", ["#F2F2EE", "#ECE8E0"])
def test_a_light_fill_on_white_paper_without_outline(fill: str) -> None:
    """10-25 RGB units from the paper: under the default ink threshold, so the threshold follows the fill."""
    img, _ = draw_tee_flat(PRESETS["fitted-tee"], px_per_cm=8.0, style="filled", fill=fill, outline=False)
    assert_accurate(DrawnCase("light", img, truth_cm(PRESETS["fitted-tee"], "tshirt"), 8.0, "tshirt"))


@pytest.mark.parametrize("angle", [12.0, 55.0])
def test_sleeve_angles_from_shallow_to_steep(angle: float) -> None:
    """The angle below the shoulder line, which itself falls about 15° on this block."""
    m = replace(PRESETS["longsleeve"], sleeve_angle_deg=15.0 + angle)
    img, _ = draw_tee_flat(m, px_per_cm=6.0)
    assert_accurate(DrawnCase("sleeve", img, truth_cm(m, "longsleeve"), 6.0, "longsleeve"))


def test_one_damaged_side_gives_way_to_the_clean_one() -> None:
    """A bite out of one shoulder (a lost edge) moves that side's landmarks; the clean side is believed."""
    img, truth = draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=8.0, style="filled", fill="#1D3557")
    arr = np.asarray(img).copy()
    x, y = (np.array(truth["shoulder_right"]) + np.array(truth["hps_right"])) / 2
    arr[int(y) - 4 : int(y) + 40, int(x) - 40 : int(x) + 40] = 255  # the shoulder seam region of one side, gone
    damaged = Image.fromarray(arr)
    case = DrawnCase("bitten", damaged, truth_cm(PRESETS["boxy-tee"], "tshirt"), 8.0, "tshirt")
    assert_accurate(case)


def test_a_tiny_picture_is_refused_not_misread() -> None:
    img, _ = draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=1.8)
    with pytest.raises(UserError, match=r"px tall in this picture: measuring it to a centimetre needs 200 px"):
        measure_garment(img, "tshirt", px_per_cm=1.8)


def test_a_refusal_names_the_landmark() -> None:
    """A sleeve drawn lying against the body hides the armpit: one line that says so."""
    m = replace(PRESETS["raglan-tee"], sleeve_angle_deg=43.0)
    img, _ = draw_tee_flat(m, px_per_cm=7.0)
    with pytest.raises(UserError, match="could not find the underarms") as err:
        measure_garment(img, "tshirt", px_per_cm=7.0)
    assert "\n" not in str(err.value) and "against the body" in str(err.value)
