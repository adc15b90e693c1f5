"""Markers: benchmark instances, nesting with spyrrow and the raster bottom-left fill, a tee's consumption."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from shapely import unary_union
from shapely.geometry import Polygon, box

from design_ai.errors import UserError
from design_ai.garments.tops.flat import PRESETS
from design_ai.patterns.accuracy import truth_cm
from design_ai.patterns.grading import graded_pattern
from design_ai.patterns.marker import (
    Instance,
    MarkerResult,
    check_placements,
    marker_for_pattern,
    marker_png,
    nest,
    pattern_instance,
    read_instance,
)
from design_ai.patterns.model import PatternSet

BOXY_M = truth_cm(PRESETS["boxy-tee"], "tshirt")  # size M of the bundled boxy tee, in cm
RATIO = {"XS": 1, "S": 2, "M": 3, "L": 3, "XL": 2, "XXL": 1}

SMALL = {
    "Name": "small",
    "Items": [
        {
            "Demand": 3,
            "AllowedOrientations": [0.0, 180.0],
            "Shape": {"Type": "SimplePolygon", "Data": [[0, 0], [10, 0], [10, 4], [0, 4]]},
        },
        {
            "Demand": 4,
            "AllowedOrientations": [0.0, 180.0],
            "Shape": {"Type": "SimplePolygon", "Data": [[0, 0], [8, 0], [4, 6], [0, 0]]},
        },
        {
            "Demand": 2,
            "AllowedOrientations": [0.0, 180.0],
            "Shape": {"Type": "SimplePolygon", "Data": [[0, 0], [6, 0], [6, 2], [2, 2], [2, 6], [0, 6]]},
        },
    ],
    "Strip": {"Height": 12.0},
}


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.json"
    path.write_text(json.dumps(SMALL))
    return path


@pytest.fixture(scope="module")
def tee() -> PatternSet:
    return graded_pattern("tshirt", "M", BOXY_M, list(RATIO))


def assert_sound(result: MarkerResult, instance: Instance, width: float) -> None:
    polys = [p.polygon(instance) for p in result.placements]
    assert len(polys) == sum(it.demand for it in instance.items)
    strip = box(0, 0, result.length, width).buffer(1e-3 * width)
    assert all(strip.contains(a) for a in polys)
    # no overlaps: the pieces' union covers as much as their areas add up to
    total = sum(a.area for a in polys)
    assert total - unary_union(polys).area <= 1e-4 * total
    assert {p.rotation for p in result.placements} <= {0.0, 180.0}
    assert 0 < result.efficiency <= 1
    assert check_placements(instance, width, result.placements) == []


def test_read_instance_in_the_benchmark_format(small_file: Path) -> None:
    inst = read_instance(small_file)
    assert inst.name == "small" and inst.strip_height == 12.0
    assert [it.demand for it in inst.items] == [3, 4, 2]
    assert inst.items[1].polygon == ((0.0, 0.0), (8.0, 0.0), (4.0, 6.0))  # closing point dropped
    assert inst.items[0].orientations == (0.0, 180.0)
    assert inst.as_json()["Items"][0]["Shape"]["Type"] == "SimplePolygon"


@pytest.mark.parametrize("engine", ["spyrrow", "blf"])
def test_nesting_a_small_instance_is_sound(small_file: Path, engine: str) -> None:
    inst = read_instance(small_file)
    result = nest(inst, seconds=2, engine=engine)
    assert result.engine == engine and result.width == 12.0
    assert_sound(result, inst, 12.0)
    total = sum(it.area * it.demand for it in inst.items)
    assert result.efficiency == pytest.approx(total / (result.length * 12.0))
    out = result.as_json()
    assert set(out) == {"length", "width", "efficiency", "placements"}
    assert set(out["placements"][0]) == {"item", "x", "y", "rotation"}


def test_width_overrides_the_strip_and_too_narrow_is_a_user_error(small_file: Path) -> None:
    inst = read_instance(small_file)
    with pytest.raises(UserError, match="across the strip"):
        nest(inst, 5.0, seconds=1)  # the L and the triangle need 6
    result = nest(inst, 20.0, engine="blf")
    assert result.width == 20.0
    assert_sound(result, inst, 20.0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json {", "not a JSON file"),
        ('{"Name": "x"}', "Items"),
        ('{"Items": [{"Demand": 0, "Shape": {"Type": "SimplePolygon", "Data": [[0,0],[1,0],[0,1]]}}]}', "Demand"),
        ('{"Items": [{"Demand": 1, "Shape": {"Type": "Circle", "Data": 3}}]}', "Circle"),
        ('{"Items": [{"Demand": 1, "Shape": {"Type": "SimplePolygon", "Data": [[0,0],[1,1],[1,0],[0,1]]}}]}', "simple"),
        ('{"Items": [{"Demand": 1, "Shape": {"Type": "SimplePolygon", "Data": [[0,0],[1,"a"],[0,1]]}}]}', "point 1"),
        (
            '{"Items": [{"Demand": 1, "Shape": {"Type": "SimplePolygon", "Data": [[0,0],[1,0],[0,1]]}}],'
            ' "Strip": {"Height": -2}}',
            "Strip",
        ),
        (
            '{"Items": [{"Demand": 1, "AllowedOrientations": "any",'
            ' "Shape": {"Type": "SimplePolygon", "Data": [[0,0],[1,0],[0,1]]}}]}',
            "AllowedOrientations",
        ),
    ],
)
def test_malformed_instances_are_user_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(UserError, match=message) as err:
        read_instance(path)
    assert str(path) in str(err.value)


def test_missing_file_and_missing_width_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        read_instance(tmp_path / "nope.json")
    path = tmp_path / "nowidth.json"
    path.write_text(json.dumps({"Items": SMALL["Items"]}))
    with pytest.raises(UserError, match="width"):
        nest(read_instance(path))


def test_rectangles_and_polygons_with_holes_are_read(tmp_path: Path) -> None:
    path = tmp_path / "shapes.json"
    path.write_text(
        json.dumps(
            {
                "Items": [
                    {"Demand": 2, "Shape": {"Type": "Rectangle", "Data": {"Width": 3, "Height": 2}}},
                    {
                        "Demand": 1,
                        "Shape": {
                            "Type": "Polygon",
                            "Data": {"Outer": [[0, 0], [4, 0], [4, 4], [0, 4]], "Inner": [[[1, 1], [2, 1], [2, 2]]]},
                        },
                    },
                ],
                "Strip": {"Height": 5},
            }
        )
    )
    inst = read_instance(path)
    assert inst.items[0].polygon == ((0.0, 0.0), (3.0, 0.0), (3.0, 2.0), (0.0, 2.0))
    assert inst.items[0].orientations is None  # absent: any rotation
    assert Polygon(inst.items[1].polygon).area == 16.0  # the outer boundary only
    result = nest(inst, engine="blf")
    assert check_placements(inst, 5.0, result.placements) == []


def test_pattern_instance_unfolds_keeps_grain_and_pairs_sleeves(tee: PatternSet) -> None:
    inst = pattern_instance(tee, {"M": 2}, 150.0)
    names = {it.name: it for it in inst.items}
    front_piece = next(p for p in tee.pieces["M"] if p.name == "front")
    front = Polygon(names["FRONT M"].polygon)
    half_width = max(x for x, _ in front_piece.cut_cm)
    # turned so the grain runs along x: the unfolded piece's full width lies across the fabric (y)
    assert front.bounds[3] - front.bounds[1] == pytest.approx(2 * half_width)
    assert front.area == pytest.approx(2 * front_piece.area_cm2)
    assert names["FRONT M"].demand == 2 and names["FRONT M"].orientations == (0.0, 180.0)
    if "SLEEVE M (mirrored)" in names:  # a left and a right sleeve per garment
        assert names["SLEEVE M"].demand == names["SLEEVE M (mirrored)"].demand == 2
    else:  # a symmetric sleeve: one item, both sleeves
        assert names["SLEEVE M"].demand == 4
    assert inst.units == "cm"
    with pytest.raises(UserError, match="3XL"):
        pattern_instance(tee, {"3XL": 1}, 150.0)
    assert [it.name for it in pattern_instance(tee, {"M": 1}, categories={"RIB"}).items] == ["NECKBAND M"]


def test_a_piece_wider_than_the_fabric_is_a_user_error(tee: PatternSet) -> None:
    with pytest.raises(UserError, match=r"piece FRONT \w+ is \d+\.\d cm wide, wider than the 50 cm fabric"):
        marker_for_pattern(tee, {"M": 1}, 50.0, seconds=1)


def test_tee_marker_consumption_is_plausible(tee: PatternSet, tmp_path: Path) -> None:
    result = marker_for_pattern(tee, RATIO, 150.0, seconds=3)
    inst = result.instance
    assert inst is not None
    assert_sound(result, inst, 150.0)
    c = result.consumption
    assert c is not None and c.garments == 12
    assert c.fabric_per_garment_m2 == pytest.approx(c.fabric_per_garment_m * 1.5)
    assert c.efficiency == pytest.approx(result.efficiency, rel=1e-6)
    assert 0.65 <= c.efficiency <= 0.95
    assert 0.9 <= c.fabric_per_garment_m2 <= 1.8
    # DESIGN.md's factory rule of thumb for the base size: (length + sleeve + allowances) x (chest + allowance) x 2,
    # plus 7-10 % waste; the nested marker should land near it (and never below the pieces' own area)
    m = BOXY_M
    rule = (m["body_length"] + m["sleeve_length"] + 10) * (m["chest_width"] + 6) * 2 / 1e4
    assert c.pieces_area_m2 / c.garments < c.fabric_per_garment_m2 < 1.25 * rule * 1.10
    out = result.as_json()
    assert out["consumption"]["garments"] == 12
    png = tmp_path / "marker.png"
    marker_png(result, inst, png)
    img = Image.open(png)
    assert img.width > img.height > 100
