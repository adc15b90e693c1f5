"""Points of measure on flats assembled from FreeSewing's drafted patterns (tests/patterns/freesewing): geometry
this project did not write, in both neckline conventions designers use, with bands, cuffs and hoods as drawn.

Issue 16's bar, per garment and convention: no refusal, every POM within ±1.0 cm, MAE at most 0.5 cm. A POM
the picture does not draw (a filled flat without seams shows no band seam: truth.json's `not_drawn`) cannot be
read: it must be reported assumed (the block's standard, said so), and any other POM must be read. Every
picture meets the bar; `SHORT` would list one that does not as a strict expected failure (a fix shows up as an
unexpected pass and must take the picture off the list), and the corpus as a whole is held at the figures
reached, so nothing slips back. `bench/pattern_accuracy.py` prints the figures per garment and
convention.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from design_ai.patterns.accuracy import CaseResult, corpus_cases, measure_case, summarise

CORPUS = Path(__file__).parent / "freesewing"
CASES = corpus_cases(CORPUS)

SHORT: set[str] = set()
"""Pictures with a POM more than 1 cm off, or refused (see the closing note of issue 16 for why, by kind)."""


@pytest.fixture(scope="module")
def results() -> dict[str, CaseResult]:
    return {c.name: measure_case(c) for c in CASES}


@pytest.mark.parametrize(
    "name",
    [pytest.param(c.name, marks=pytest.mark.xfail(strict=True, reason="short of the bar")) if c.name in SHORT
     else c.name for c in CASES],
)  # fmt: skip
def test_every_point_of_measure_within_a_centimetre(name: str, results: dict[str, CaseResult]) -> None:
    r = results[name]
    assert r.refusal is None, r.refusal
    worst = max(r.errors_cm, key=lambda p: abs(r.errors_cm[p]))
    assert abs(r.errors_cm[worst]) <= 1.0, (worst, r.errors_cm)
    assert set(r.assumed) == set(r.case.not_drawn), (r.assumed, r.case.not_drawn)
    assert set(r.errors_cm) == set(r.case.truth_cm) - set(r.case.not_drawn)


def test_the_corpus_holds_what_was_reached(results: dict[str, CaseResult]) -> None:
    overall = summarise(results.values())
    assert overall["refused"] == 0 and overall["within_1cm"] == 1.0 and overall["mae_cm"] <= 0.13, overall
    assert overall["misassumed"] == 0, overall
    for garment, least, mae in (("tshirt", 1.0, 0.09), ("tank", 1.0, 0.05), ("longsleeve", 1.0, 0.20),
                                ("sweatshirt", 1.0, 0.15), ("hoodie", 1.0, 0.18)):  # fmt: skip
        part = summarise(r for r in results.values() if r.case.garment == garment)
        assert part["within_1cm"] >= least and part["mae_cm"] <= mae, (garment, part)


def test_sleeves_hanging_past_the_hem_band_are_read_from_their_slits(results: dict[str, CaseResult]) -> None:
    """Hoodies whose sleeves hang down past the hem band beside them: the outline runs from the cuff's end up
    its inner side into the hem, and the body's side shows only as the slit's line (two strokes side by side
    closing to the underarm). They were refused ("the outline never turns back towards the body"); now the
    slit is read from the band's top up, and the chest between the slits' lines."""
    for name in ("090_hoodie_cutout_draft_hugo-cisMaleAdult40.jpg", "094_hoodie_cutout_line_hugo-cisMaleAdult40.png",
                 "097_hoodie_designer_line_hugo-cisMaleAdult50.jpg"):  # fmt: skip
        r = results[name]
        assert r.refusal is None, (name, r.refusal)
        assert abs(r.errors_cm["chest_width"]) <= 1.0, (name, r.errors_cm)
        assert max(abs(e) for e in r.errors_cm.values()) <= 1.0, (name, r.errors_cm)


def test_long_sleeves_whose_ends_meet_the_body_are_bounded_by_their_slits(results: dict[str, CaseResult]) -> None:
    """Long sleeves hanging down, their ends against the body (Sven without ribbing): the shoulder line and the
    sleeve's outer edge meet at about 90° too, and were once taken for the sleeve's end (033 was refused as too
    ragged); and the chest is bounded by the slit's line, not by the body's side below the sleeve's end produced
    30 cm up a curved side (035 read 6.7 cm short). 041's slit, on a filled flat with no outline stroke, shows
    backdrop specks that the ridge map once eroded into holes wiping out the slit's line (refused), and its dark
    fill shades the inside of the back lighter (the neckband's lower seam was read as the neckline)."""
    for name in ("033_longsleeve_cutout_draft_sven_noribbing-cisMaleAdult36.jpg",
                 "035_longsleeve_cutout_draft_sven_noribbing-cisMaleAdult48.jpg",
                 "041_longsleeve_designer_filled_sven_noribbing-cisMaleAdult48.jpg"):  # fmt: skip
        r = results[name]
        assert r.refusal is None, (name, r.refusal)
        assert max(abs(e) for e in r.errors_cm.values()) <= 1.0, (name, r.errors_cm)


def test_a_hood_narrowing_to_the_neck_meets_the_shoulders_where_they_head_out(results: dict[str, CaseResult]) -> None:
    """A hood whose side turns in a little above the shoulders and runs on straight down: its first inward turn
    is no junction (099's HPS was read 1.2 cm high: hood height -2.1, body length +1.3 cm); the junction is where
    the outline then heads out along the shoulder."""
    r = results["099_hoodie_cutout_filled_hugo-cisMaleAdult50.jpg"]
    assert r.refusal is None and max(abs(e) for e in r.errors_cm.values()) <= 1.0, r.errors_cm


def test_a_faint_slit_beside_a_sleeve_tip_lost_to_shadow_bounds_the_chest(results: dict[str, CaseResult]) -> None:
    """016, a fitted tee in a soft light-on-light draft: the drop shadow eats one sleeve's lower tip, so the
    outline closes the slit with a short level edge whose corner lies 1.65 cm from the body, and the slit's faint
    line rises from that edge, not from the outline's underarm. The chest was read 2.16 cm short, on the fitted
    side below; now the slit is found along that edge (on both sides: a flat is drawn symmetric) and bounds it."""
    r = results["016_tshirt_designer_draft_teagan_fitted-cisFemaleAdult34.jpg"]
    assert r.refusal is None and abs(r.errors_cm["chest_width"]) <= 1.0, r.errors_cm


def test_a_band_drawn_without_its_seam_is_assumed_not_refused(results: dict[str, CaseResult]) -> None:
    """A filled flat in one colour draws its rib band and cuffs without their seams: DESIGN.md reads a band
    "where drawn", so the top is measured, and the band's POMs are the block's standard, said so, never compared.
    All five such flats (sweatshirts and hoodies, both conventions), and no other picture, have them assumed."""
    seamless = [r for r in results.values() if r.case.not_drawn]
    assert len(seamless) == 5 and {r.case.garment for r in seamless} == {"sweatshirt", "hoodie"}
    for r in seamless:
        assert r.refusal is None, (r.case.name, r.refusal)
        assert r.assumed == ("cuff_height", "hem_band_height"), r.case.name
        assert set(r.errors_cm) == set(r.case.truth_cm) - set(r.assumed)
        assert all(abs(e) <= 1.0 for e in r.errors_cm.values()), (r.case.name, r.errors_cm)
    assert not [r.case.name for r in results.values() if r.assumed and not r.case.not_drawn]
