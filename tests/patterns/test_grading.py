"""Grading: the grade table, monotonic sizes, the base size reproduced, graded patterns, bad sizes."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon

from design_ai.errors import UserError
from design_ai.garments.tops.flat import PRESETS
from design_ai.patterns.accuracy import truth_cm
from design_ai.patterns.grading import grade, graded_pattern, load_grade_rules, size_index

BOXY_M = truth_cm(PRESETS["boxy-tee"], "tshirt")  # size M of the bundled boxy tee, in cm
RANGE = ["XS", "S", "M", "L", "XL", "XXL"]


def test_the_table_names_its_source_and_never_shrinks() -> None:
    rules = load_grade_rules()
    assert "Aldrich" in rules.source and "Metric Pattern Cutting for Menswear" in rules.source
    assert rules.sizes[:8] == ("XXS", "XS", "S", "M", "L", "XL", "XXL", "3XL")
    for garment in ("tshirt", "longsleeve", "tank"):
        incs = rules.increments[garment]
        assert all(v >= 0 for v in incs.values())
        assert incs["chest_width"] == 2.0  # 4 cm of girth per size, flat


def test_base_size_reproduces_the_base_measurements_exactly() -> None:
    graded = grade("tshirt", "M", BOXY_M, RANGE)
    assert list(graded) == RANGE
    assert graded["M"] == BOXY_M
    assert graded["L"]["chest_width"] == 58.0 and graded["XS"]["chest_width"] == 52.0
    assert graded["XXL"]["body_length"] == pytest.approx(72.0 + 3 * 1.5)


def test_sizes_come_back_smallest_first_and_aliases_work() -> None:
    graded = grade("tshirt", "m", BOXY_M, ["2XL", "S", "L", "S"])
    assert list(graded) == ["S", "L", "2XL"]
    assert graded["2XL"] == grade("tshirt", "M", BOXY_M, ["XXL"])["XXL"]
    assert size_index("xxl") == size_index("2XL")


@given(
    base=st.sampled_from(["XS", "S", "M", "L", "XL"]),
    sizes=st.lists(st.sampled_from(["XXS", "XS", "S", "M", "L", "XL", "XXL", "3XL"]), min_size=1, max_size=8),
    chest=st.floats(45.0, 75.0),
    length=st.floats(55.0, 90.0),
    sleeve=st.floats(15.0, 70.0),
    garment=st.sampled_from(["tshirt", "longsleeve", "tank"]),
)
@settings(max_examples=60, deadline=None)
def test_grading_is_monotonic_over_sizes(
    base: str, sizes: list[str], chest: float, length: float, sleeve: float, garment: str
) -> None:
    m = dict(BOXY_M, chest_width=chest, hem_width=chest, body_length=length, sleeve_length=sleeve)
    graded = grade(garment, base, m, sizes)
    order = list(graded)
    assert [size_index(s) for s in order] == sorted(size_index(s) for s in order)
    for a, b in itertools.pairwise(order):
        for pom in m:
            assert graded[a][pom] <= graded[b][pom], (pom, a, b)


@pytest.mark.parametrize(("base", "sizes"), [("M", ["S", "XM"]), ("MM", ["S", "M"])])
def test_an_unknown_size_is_a_user_error_naming_it(base: str, sizes: list[str]) -> None:
    bad = "XM" if "XM" in sizes else "MM"
    with pytest.raises(UserError, match=bad):
        grade("tshirt", base, BOXY_M, sizes)


def test_other_bad_input_is_a_user_error() -> None:
    with pytest.raises(UserError, match="poncho"):
        grade("poncho", "M", BOXY_M, RANGE)
    with pytest.raises(UserError, match="no sizes"):
        grade("tshirt", "M", BOXY_M, [])
    with pytest.raises(UserError, match="chest_width"):
        grade("tshirt", "3XL", dict(BOXY_M, chest_width=8.0), ["XXS"])


def test_graded_pattern_drafts_every_size_and_pieces_grow() -> None:
    pattern = graded_pattern("tshirt", "M", BOXY_M, RANGE, seam_allowance_cm=1.0)
    assert pattern.sizes == RANGE and pattern.base_size == "M"
    assert "Aldrich" in pattern.grade_source
    assert pattern.measurements_cm["M"] == BOXY_M
    for name in ("front", "back", "sleeve", "neckband"):
        areas = [next(p for p in pattern.pieces[s] if p.name == name).area_cm2 for s in RANGE]
        assert areas == sorted(areas), name
        assert len(set(areas)) == len(areas), name
    # pieces keep their own size label; the larger front covers the smaller (graded nest from the fold and hem)
    small = next(p for p in pattern.pieces["XS"] if p.name == "front")
    large = next(p for p in pattern.pieces["XXL"] if p.name == "front")
    assert small.size == "XS" and large.size == "XXL"
    assert Polygon(large.cut_cm).buffer(1e-6).covers(Polygon(small.cut_cm))
