"""Pattern pieces: seam allowance, sleeve cap, neckband, notches, grain, folds and bad input."""

from __future__ import annotations

import math
from dataclasses import asdict

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, Polygon

from design_ai.errors import UserError
from design_ai.garments.tops.drafting import solve_cap_height
from design_ai.garments.tops.flat import PRESETS
from design_ai.patterns.accuracy import truth_cm
from design_ai.patterns.model import Piece
from design_ai.patterns.pieces import (
    armhole_length_cm,
    cut_polygon,
    draft_pieces,
    polyline_length,
)

BOXY_M = truth_cm(PRESETS["boxy-tee"], "tshirt")  # size M of the bundled boxy tee, in cm


def by_name(pieces: list[Piece]) -> dict[str, Piece]:
    return {p.name: p for p in pieces}


def run(piece: Piece, kind: str) -> list[tuple[float, float]]:
    """The sewing points of one kind of edge (armhole, neck, cap, ...), in order."""
    first, last = (int(v) for v in piece.annotations[f"edges_{kind}"].split(":"))
    return [piece.sew_cm[i % len(piece.sew_cm)] for i in range(first, last + 2)]


def preset_measurements(name: str) -> tuple[str, dict[str, float]]:
    m = asdict(PRESETS[name])
    garment = "tank" if m["sleeve_length"] == 0 else ("longsleeve" if name == "longsleeve" else "tshirt")
    keys = [
        "body_length",
        "chest_width",
        "hem_width",
        "shoulder_width",
        "neck_width",
        "front_neck_drop",
        "shoulder_drop",
        "armhole_depth",
    ]
    if garment != "tank":
        keys += ["sleeve_length", "sleeve_opening"]
    return garment, {k: float(m[k]) for k in keys}


def test_tshirt_has_its_pieces_with_cut_counts_and_folds() -> None:
    pieces = draft_pieces("tshirt", BOXY_M, size="M")
    assert [(p.name, p.cut, p.on_fold) for p in pieces] == [
        ("front", 1, True),
        ("back", 1, True),
        ("sleeve", 2, False),
        ("neckband", 1, False),
    ]
    assert all(p.size == "M" for p in pieces)


@pytest.mark.parametrize("preset", ["boxy-tee", "fitted-tee", "longsleeve", "tank"])
def test_every_piece_is_valid_and_its_cut_line_contains_the_sew_line(preset: str) -> None:
    garment, m = preset_measurements(preset)
    for p in draft_pieces(garment, m, size="M"):
        sew, cut = Polygon(p.sew_cm), Polygon(p.cut_cm)
        assert sew.is_valid and cut.is_valid, p.name
        assert sew.exterior.is_ccw and cut.exterior.is_ccw, p.name
        assert cut.buffer(1e-9).contains(sew), p.name
        assert len(p.seam_allowance_cm) == len(p.sew_cm)
        assert p.area_cm2 == pytest.approx(cut.area)
        assert p.as_json()["area_cm2"] == round(cut.area, 2)


def test_variants_tank_has_no_sleeve_and_longsleeve_tapers_to_the_cuff() -> None:
    garment, m = preset_measurements("tank")
    tank = by_name(draft_pieces(garment, m, size="M"))
    assert "sleeve" not in tank and {"front", "back", "neckband", "armband"} <= set(tank)
    assert tank["armband"].cut == 2
    garment, m = preset_measurements("longsleeve")
    sleeve = by_name(draft_pieces(garment, m, size="M"))["sleeve"]
    xs_hem = [x for x, y in sleeve.sew_cm if y == 0.0]
    hem_width = max(xs_hem) - min(xs_hem)
    bicep = 2 * float(sleeve.annotations["bicep_width_cm"])
    assert hem_width == pytest.approx(2 * m["sleeve_opening"])
    assert hem_width < 0.6 * bicep  # a cuff, not a short-sleeve hem
    assert max(y for _, y in sleeve.sew_cm) == pytest.approx(m["sleeve_length"])


def test_seam_allowance_of_a_rectangle_adds_perimeter_times_allowance() -> None:
    # the neckband is a rectangle with one allowance all round: mitred corners add exactly 4 a²
    for a in (0.6, 1.0, 1.5):
        band = by_name(draft_pieces("tshirt", BOXY_M, size="M", seam_allowance_cm=a))["neckband"]
        sew = Polygon(band.sew_cm)
        added = band.area_cm2 - sew.area
        assert added == pytest.approx(sew.length * a + 4 * a * a, rel=1e-9)


def test_seam_allowance_of_a_body_piece_adds_about_each_edge_times_its_allowance() -> None:
    for p in draft_pieces("tshirt", BOXY_M, size="M"):
        pts = p.sew_cm
        edges = sum(math.dist(pts[i], pts[(i + 1) % len(pts)]) * a for i, a in enumerate(p.seam_allowance_cm))
        added = p.area_cm2 - Polygon(pts).area
        # convex corners add a little, concave curves take a little: within 5 % of the edge sum
        assert added == pytest.approx(edges, rel=0.05), p.name


def test_allowances_per_edge_kind() -> None:
    front = by_name(draft_pieces("tshirt", BOXY_M, size="M", seam_allowance_cm=1.2, hem_allowance_cm=3.0))["front"]
    kinds = {}
    for kind in ("hem", "side", "armhole", "shoulder", "neck", "fold"):
        first, last = (int(v) for v in front.annotations[f"edges_{kind}"].split(":"))
        kinds[kind] = set(front.seam_allowance_cm[first : last + 1])
    assert kinds == {
        "hem": {3.0},
        "side": {1.2},
        "armhole": {1.2},
        "shoulder": {1.2},
        "neck": {1.2},
        "fold": {0.0},
    }
    # the hem's cut line is 3 cm below the hem, the side seam's 1.2 cm out
    xs, ys = zip(*front.cut_cm, strict=True)
    assert min(ys) == pytest.approx(-3.0)
    assert max(xs) == pytest.approx(BOXY_M["hem_width"] / 2 + 1.2)


def test_pieces_on_the_fold_end_exactly_on_the_fold() -> None:
    for p in draft_pieces("tshirt", BOXY_M, size="M"):
        if not p.on_fold:
            continue
        assert min(x for x, _ in p.cut_cm) == 0.0
        on_fold = sorted(y for x, y in p.cut_cm if x == 0.0)
        assert on_fold[0] == pytest.approx(-2.5) and len(on_fold) >= 2
        assert p.annotations["fold"] == "x=0"


@given(
    sa=st.floats(0.0, 2.5),
    dsa=st.floats(0.0, 1.5),
    hem=st.floats(0.0, 4.0),
    dhem=st.floats(0.0, 2.0),
)
@example(sa=0.0, dsa=0.0, hem=0.7737561153792465, dhem=1.0)  # a tapered sleeve's hem beside a 0 cm underseam
@example(sa=0.125, dsa=0.0, hem=1.0, dhem=2.0)  # a deep hem's mitre falls back inside its band on a taper
@example(sa=1e-05, dsa=0.0, hem=1e-05, dhem=1.0)  # a hair's allowance: the offset ring, then the union of bands
@example(sa=1.5119325110060347, dsa=0.29405003667515994, hem=5e-324, dhem=1.2380706121105634)  # a subnormal hem
@settings(max_examples=25, deadline=None)
def test_more_allowance_never_decreases_area_and_cut_contains_sew(
    sa: float, dsa: float, hem: float, dhem: float
) -> None:
    small = draft_pieces("tshirt", BOXY_M, size="M", seam_allowance_cm=sa, hem_allowance_cm=hem)
    large = draft_pieces("tshirt", BOXY_M, size="M", seam_allowance_cm=sa + dsa, hem_allowance_cm=hem + dhem)
    for a, b in zip(small, large, strict=True):
        cut_a, cut_b = Polygon(a.cut_cm), Polygon(b.cut_cm)
        assert cut_a.is_valid and cut_b.is_valid
        assert b.area_cm2 >= a.area_cm2 - 1e-9, a.name
        assert cut_b.buffer(1e-7).covers(cut_a), a.name
        assert cut_a.buffer(1e-9).contains(Polygon(a.sew_cm)), a.name


@pytest.mark.parametrize("ease", [0.0, 1.0, 2.5])
@pytest.mark.parametrize("preset", ["boxy-tee", "fitted-tee", "longsleeve"])
def test_sleeve_cap_length_matches_the_armhole_plus_ease(preset: str, ease: float) -> None:
    garment, m = preset_measurements(preset)
    pieces = draft_pieces(garment, m, size="M", sleeve_ease_cm=ease)
    sleeve = by_name(pieces)["sleeve"]
    armhole = armhole_length_cm(pieces, "front") + armhole_length_cm(pieces, "back")
    cap = polyline_length(run(sleeve, "cap"))
    assert abs(cap - (armhole + ease)) <= 0.3
    assert 3.0 < float(sleeve.annotations["cap_height_cm"]) < 18.0  # a cap, not a flat line or a spike


def test_cap_height_solver_hits_its_target() -> None:
    h = solve_cap_height(20.0, 46.0)
    from design_ai.garments.tops.drafting import _cap_length

    assert sum(_cap_length(20.0, 0.0, h)) == pytest.approx(46.0, abs=1e-3)
    with pytest.raises(ValueError, match="too wide"):
        solve_cap_height(30.0, 40.0)


@pytest.mark.parametrize("ratio", [0.7, 0.8, 0.9])
def test_neckband_length_is_the_neckline_times_the_rib_ratio(ratio: float) -> None:
    pieces = by_name(draft_pieces("tshirt", BOXY_M, size="M", rib_ratio=ratio, neckband_width_cm=2.5))
    neckline = 2 * (polyline_length(run(pieces["front"], "neck")) + polyline_length(run(pieces["back"], "neck")))
    band = pieces["neckband"]
    xs, ys = zip(*band.sew_cm, strict=True)
    assert max(xs) - min(xs) == pytest.approx(neckline * ratio, rel=1e-9)
    assert max(ys) - min(ys) == pytest.approx(2 * 2.5)
    _, cys = zip(*band.cut_cm, strict=True)
    assert max(cys) - min(cys) == pytest.approx(2 * 2.5 + 2 * 1.0)  # 2 x finished width + seam allowances
    assert band.internal_cm == [[(0.0, 2.5), (max(xs), 2.5)]]  # the fold line


def test_notches_sit_on_the_cut_line_single_front_double_back() -> None:
    pieces = by_name(draft_pieces("tshirt", BOXY_M, size="M"))
    assert len(pieces["front"].notches_cm) == 1
    assert len(pieces["back"].notches_cm) == 2
    assert math.dist(*pieces["back"].notches_cm) == pytest.approx(1.0, abs=0.05)
    assert len(pieces["sleeve"].notches_cm) == 4  # front, shoulder (cap top), back pair
    top = pieces["sleeve"].notches_cm[1]
    assert top[0] == pytest.approx(0.0, abs=0.1) and top[1] == pytest.approx(BOXY_M["sleeve_length"] + 1.0, abs=1e-3)
    for p in pieces.values():
        ring = LineString([*p.cut_cm, p.cut_cm[0]])
        for n in p.notches_cm:
            assert ring.distance(Point(n)) < 1e-6, p.name
    # front armhole notch at half the armhole: the sleeve's front notch at half the front cap
    front_arm = run(pieces["front"], "armhole")
    assert polyline_length(front_arm) / 2 == pytest.approx(armhole_length_cm(list(pieces.values()), "front") / 2)


def test_grain_lines_run_up_the_piece_inside_it() -> None:
    for p in draft_pieces("tshirt", BOXY_M, size="M"):
        (x0, y0), (x1, y1) = p.grain_cm
        assert x0 == x1 and y1 > y0, p.name
        assert Polygon(p.sew_cm).contains(LineString(p.grain_cm)), p.name


def test_back_neck_drop_follows_the_setting() -> None:
    for drop in (1.0, 2.0, 3.5):
        back = by_name(draft_pieces("tshirt", BOXY_M, size="M", back_neck_drop_cm=drop))["back"]
        centre = max(y for x, y in back.sew_cm if x == 0.0)
        assert centre == pytest.approx(BOXY_M["body_length"] - drop)


def test_optional_measurements_are_used_when_given() -> None:
    m = dict(BOXY_M, armhole_depth=24.0, shoulder_drop=5.0, bicep_width=19.0)
    front = by_name(draft_pieces("tshirt", m, size="M"))["front"]
    arm = run(front, "armhole")
    assert arm[0][1] == pytest.approx(72.0 - 24.0)  # underarm
    assert arm[-1] == pytest.approx((26.0, 72.0 - 5.0))  # shoulder point


@pytest.mark.parametrize(
    ("garment", "change", "message"),
    [
        ("poncho", {}, "not in the garment library"),
        ("tshirt", {"chest_width": None}, "chest_width"),
        ("tshirt", {"body_length": -3.0}, "body_length"),
        ("tshirt", {"neck_width": 60.0}, "neck_width"),
        ("tshirt", {"sleeve_length": 4.0}, "sleeve_length"),
        ("tshirt", {"body_length": 25.0}, "body_length"),
    ],
)
def test_bad_measurements_are_user_errors(garment: str, change: dict, message: str) -> None:
    m = {k: v for k, v in {**BOXY_M, **change}.items() if v is not None}
    with pytest.raises(UserError, match=message):
        draft_pieces(garment, m, size="M")


@pytest.mark.parametrize(
    ("option", "value"),
    [("seam_allowance_cm", -1.0), ("rib_ratio", 1.4), ("neckband_width_cm", 0.0), ("back_neck_drop_cm", 40.0)],
)
def test_bad_options_are_user_errors(option: str, value: float) -> None:
    with pytest.raises(UserError):
        draft_pieces("tshirt", BOXY_M, size="M", **{option: value})


def test_cut_polygon_mitres_and_bevels() -> None:
    square = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]
    cut = Polygon(cut_polygon(square, [2.0, 1.0, 1.0, 1.0]))
    assert cut.bounds == pytest.approx((-1.0, -2.0, 11.0, 11.0))
    assert cut.area == pytest.approx(12 * 13)
    # a fold edge (allowance 0) clipped to x >= 0
    folded = Polygon(cut_polygon(square, [2.0, 1.0, 1.0, 0.0], fold_x0=True))
    assert folded.bounds == pytest.approx((0.0, -2.0, 11.0, 11.0))
    with pytest.raises(ValueError, match="one allowance per edge"):
        cut_polygon(square, [1.0])
