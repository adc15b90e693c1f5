"""The fidelity guard (design_ai.patterns.fidelity and .drift): a faithful draft passes, drifted ones are flagged.

Lives beside the other top-level tests because tests/patterns/ belongs to the pattern pipeline's own suite.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from factories import squash
from PIL import Image

from design_ai.generate.engines.flat import render_draft
from design_ai.generate.placement import letterbox, stretch
from design_ai.patterns.drift import FidelityLimits, drift_reasons, judge, review_figures
from design_ai.patterns.fidelity import compare_draft, reference_for

ROOT = Path(__file__).resolve().parents[1]
BOXY = ROOT / "examples" / "briefs" / "sketches" / "boxy-tee.png"
LIMITS = FidelityLimits()


@pytest.fixture(scope="module")
def boxy() -> tuple[Image.Image, object]:
    sketch = Image.open(BOXY).convert("RGB")
    return sketch, reference_for(sketch, "tshirt", body_length_cm=72)  # the example brief's scale


@pytest.fixture(scope="module")
def boxy_draft(boxy) -> Image.Image:  # type: ignore[no-untyped-def]
    sketch, _ = boxy
    return render_draft(sketch, colour=(0x1D, 0x35, 0x57), texture="jersey", seed=1234, width=512, height=512)


def test_a_flat_draft_of_the_example_sketch_is_faithful(boxy, boxy_draft) -> None:  # type: ignore[no-untyped-def]
    sketch, ref = boxy
    f = compare_draft(boxy_draft, ref, letterbox(sketch.size, 512, 512), LIMITS)
    assert f.error is None and f.note is None
    assert f.iou is not None and f.iou > 0.9
    assert set(f.pom_delta_cm) == set(ref.measurements_cm)  # every POM of a T-shirt compared
    assert all(abs(d) < 1.0 for d in f.pom_delta_cm.values()), f.pom_delta_cm
    assert not f.flagged and f.reasons == []
    assert f.as_json()["flagged"] is False


def test_a_draft_stretched_wider_and_shorter_is_flagged_with_iou_and_poms(boxy, boxy_draft) -> None:  # type: ignore[no-untyped-def]
    sketch, ref = boxy
    f = compare_draft(squash(boxy_draft, sx=1.15, sy=0.9), ref, letterbox(sketch.size, 512, 512), LIMITS)
    assert f.flagged and f.error is None
    assert f.iou is not None and f.iou < 0.85
    assert f.reasons[0].startswith("IoU 0.") and f.reasons[0].endswith("< 0.85")
    assert f.pom_delta_cm["chest_width"] > 5 and f.pom_delta_cm["body_length"] < -4  # 15 % wider, 10 % shorter
    assert any(r.startswith("chest_width +") and r.endswith(" cm") for r in f.reasons), f.reasons
    assert f.max_abs_delta_cm == max(abs(d) for d in f.pom_delta_cm.values())


def test_a_draft_of_another_garment_is_flagged(boxy) -> None:  # type: ignore[no-untyped-def]
    sketch, ref = boxy
    other = Image.open(ROOT / "examples" / "briefs" / "sketches" / "raglan-tee.png")
    draft = render_draft(other, colour=(0xF4, 0xA2, 0x61), texture="jersey", seed=1, width=512, height=512)
    f = compare_draft(draft, ref, letterbox(sketch.size, 512, 512), LIMITS)
    assert f.flagged and f.reasons


def test_noise_is_flagged_with_an_error_not_raised(boxy) -> None:  # type: ignore[no-untyped-def]
    sketch, ref = boxy
    noise = np.random.default_rng(0).integers(0, 256, (128, 128, 3), dtype=np.uint8)  # what the tiny engine draws
    f = compare_draft(noise, ref, letterbox(sketch.size, 128, 128), LIMITS)
    assert f.flagged and f.iou is None and f.pom_delta_cm == {}
    assert f.error is not None and f.error.startswith("draft not segmented: ") and f.reasons == [f.error]


def test_a_stretched_placement_is_measured_at_square_pixels(boxy) -> None:  # type: ignore[no-untyped-def]
    """Diffusion engines stretch the sketch-sized control map over a 512x384 draft: x and y scale apart."""
    sketch, ref = boxy
    placement = stretch(sketch.size, 512, 384)
    assert not placement.uniform
    as_placed = sketch.resize((512, 384), Image.Resampling.LANCZOS)  # a draft that follows its control map exactly
    f = compare_draft(as_placed, ref, placement, LIMITS)
    assert f.iou is not None and f.iou > 0.95
    assert not f.flagged and all(abs(d) < 1.0 for d in f.pom_delta_cm.values()), f.pom_delta_cm


def test_pom_scale_comes_from_the_sketch_not_the_draft(boxy) -> None:  # type: ignore[no-untyped-def]
    """No scale in the look: the IoU still decides, POMs are not compared (and that is said)."""
    sketch, _ = boxy
    ref = reference_for(sketch, "tshirt")
    draft = squash(render_draft(sketch, colour=(200, 60, 60), texture="rib", seed=3, width=256, height=256), 1.0, 0.8)
    f = compare_draft(draft, ref, letterbox(sketch.size, 256, 256), LIMITS)
    assert f.pom_delta_cm == {} and f.note == "POMs not compared: the look gives no scale"
    assert f.flagged and f.reasons == [f"IoU {f.iou:.2f} < 0.85"]


def test_a_draft_too_coarse_for_its_poms_is_judged_by_iou_alone(boxy) -> None:  # type: ignore[no-untyped-def]
    sketch, ref = boxy
    draft = render_draft(sketch, colour=(0x1D, 0x35, 0x57), texture="jersey", seed=1, width=128, height=128)
    f = compare_draft(draft, ref, letterbox(sketch.size, 128, 128), LIMITS)
    assert f.draft_px_per_cm is not None and f.draft_px_per_cm < LIMITS.min_px_per_cm == 3.0  # about 1.2 px/cm
    assert not f.flagged and f.iou is not None and f.iou > 0.95
    shown = review_figures(f.as_json(), LIMITS)
    assert shown is not None and not shown["flagged"]
    if f.pom_delta_cm:  # measured, however roughly: kept, not judged
        assert shown["note"].startswith("POMs not judged: the draft's 1.")
    else:
        assert f.note is not None and f.note.startswith("POMs not compared")


def test_judging_stored_figures_follows_the_limits_given() -> None:
    stored = {"iou": 0.849, "pom_delta_cm": {"chest_width": 3.14, "neck_width": -0.4}, "error": None, "flagged": True}
    assert judge(0.849, stored["pom_delta_cm"], None, LIMITS) == (True, ["IoU 0.849 < 0.85", "chest_width +3.1 cm"])
    assert drift_reasons(stored, FidelityLimits(min_iou=0.8, max_pom_cm=4.0)) == []
    shown = review_figures(stored, FidelityLimits(min_iou=0.8, max_pom_cm=3.0))
    assert shown is not None and shown["reasons"] == ["chest_width +3.1 cm"] and shown["flagged_when_made"] is True
    assert review_figures(None, LIMITS) is None and drift_reasons(None, LIMITS) == []  # drafts made before the guard
    coarse = {**stored, "iou": 0.95, "draft_px_per_cm": 1.3, "pom_error": "POMs not measured: no sleeve hems"}
    assert drift_reasons(coarse, LIMITS) == [] and drift_reasons({**coarse, "draft_px_per_cm": 3.5}, LIMITS) == [
        "POMs not measured: no sleeve hems",
        "chest_width +3.1 cm",
    ]
    with pytest.raises(ValueError, match="min_iou"):
        FidelityLimits(min_iou=1.5)
