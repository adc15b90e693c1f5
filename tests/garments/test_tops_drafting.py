"""Drafting the tops: raglan lines matched, banded and hooded tops, grading, DXF, and the set-in block unchanged."""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from pathlib import Path

import ezdxf
import pytest
from shapely.geometry import LineString, Point, Polygon

from design_ai.errors import UserError
from design_ai.garments.tops import HOODIE, LONGSLEEVE, SWEATSHIRT, TANK, TSHIRT, Top
from design_ai.garments.tops.drafting_hood import HOOD_OPENING_TOP_CM
from design_ai.patterns.export_dxf import write_dxf
from design_ai.patterns.grading import GradeRules, grade
from design_ai.patterns.model import PatternSet, Piece
from design_ai.patterns.pieces import polyline_length, run_from_annotation
from design_ai.sustain.library import load_factors

# Size M of the bundled flats (design_ai.garments.tops.flat), written out so that these tests do not move with them.
TEE = {"body_length": 72.0, "chest_width": 56.0, "hem_width": 56.0, "shoulder_width": 52.0, "sleeve_length": 22.0,
       "sleeve_opening": 20.0, "neck_width": 19.0, "front_neck_drop": 9.0}  # fmt: skip
LONG = {"body_length": 70.0, "chest_width": 53.0, "hem_width": 52.0, "shoulder_width": 46.0, "sleeve_length": 62.0,
        "sleeve_opening": 10.0, "neck_width": 18.0, "front_neck_drop": 8.5}  # fmt: skip
TANK_M = {"body_length": 70.0, "chest_width": 52.0, "hem_width": 54.0, "shoulder_width": 38.0, "neck_width": 22.0,
          "front_neck_drop": 13.0}  # fmt: skip
SWEAT = {"body_length": 70.0, "chest_width": 57.0, "hem_width": 50.0, "shoulder_width": 48.0, "sleeve_length": 63.0,
         "sleeve_opening": 9.5, "neck_width": 19.0, "front_neck_drop": 9.0, "hem_band_height": 6.0,
         "cuff_height": 6.0}  # fmt: skip
# a raglan sweatshirt: no shoulder width, sleeve length from the HPS
SWEAT_RAGLAN = {k: v for k, v in SWEAT.items() if k != "shoulder_width"} | {"sleeve_length": 77.0}
HOOD = {"body_length": 70.0, "chest_width": 58.0, "hem_width": 50.0, "sleeve_length": 78.0, "sleeve_opening": 9.5,
        "neck_width": 20.0, "hem_band_height": 6.0, "cuff_height": 6.0, "hood_height": 34.0,
        "hood_width": 30.0}  # fmt: skip

RAGLAN_CASES = [
    (SWEATSHIRT, SWEAT_RAGLAN, {"sleeve_style": "raglan"}),
    (HOODIE, HOOD, {"sleeve_style": "raglan"}),
    (HOODIE, HOOD, {"sleeve_style": "raglan", "raglan_shoulder": "seam", "hood_centre_panel": True}),
    (TSHIRT, {k: v for k, v in TEE.items() if k != "shoulder_width"} | {"sleeve_length": 36.7},
     {"sleeve_style": "raglan"}),
    (LONGSLEEVE, {k: v for k, v in LONG.items() if k != "shoulder_width"} | {"sleeve_length": 76.0},
     {"sleeve_style": "raglan", "raglan_shoulder": "seam"}),
]  # fmt: skip
ALL_CASES = [
    (TSHIRT, TEE, {}),
    (LONGSLEEVE, LONG, {}),
    (TANK, TANK_M, {}),
    (SWEATSHIRT, SWEAT, {}),
    (HOODIE, HOOD | {"shoulder_width": 46.0, "sleeve_length": 64.0}, {}),  # a set-in hoodie
    (TSHIRT, TEE, {"kangaroo_pocket": True}),
    *RAGLAN_CASES,
]
IDS = [f"{g.name}-{'-'.join(f'{k}={v}' for k, v in o.items()) or 'default'}" for g, _, o in ALL_CASES]


def by_name(pieces: list[Piece]) -> dict[str, Piece]:
    return {p.name: p for p in pieces}


def run_length(piece: Piece, kind: str) -> float:
    return polyline_length(run_from_annotation(piece, kind))


def sleeves(pieces: dict[str, Piece]) -> list[Piece]:
    return [p for name, p in pieces.items() if name.startswith("sleeve")]


def sewn_length(rib: Piece) -> float:
    """A rib strip's sewn length: its sewing line's extent along x."""
    xs = [x for x, _ in rib.sew_cm]
    return max(xs) - min(xs)


def neckline(pieces: dict[str, Piece]) -> float:
    """The whole neckline: front and back necks (both halves) and, on a raglan, the sleeves' (both sleeves)."""
    out = 2 * (run_length(pieces["front"], "neck") + run_length(pieces["back"], "neck"))
    for s in sleeves(pieces):
        out += 2 * sum(run_length(s, k) for k in ("neck_front", "neck_back") if f"edges_{k}" in s.annotations)
    return out


# ---------------------------------------------------------------------------------------------------------------
# the set-in block is what it was


SET_IN = [
    (TSHIRT, TEE, {}),
    (TSHIRT, TEE, {"seam_allowance_cm": 1.2, "hem_allowance_cm": 3.0, "rib_ratio": 0.85}),
    (LONGSLEEVE, LONG, {"sleeve_ease_cm": 2.0, "back_neck_drop_cm": 2.5}),
    (TANK, TANK_M, {"neckband_width_cm": 1.5}),
]
SET_IN_DIGEST = "74a31427d8f1a9eea31ea21ec59cfe88c0b729a0439a898d916180d1fb87cbdc"


def test_set_in_tops_are_drafted_as_before() -> None:
    """The tee, long-sleeve and tank pieces' sewing lines, allowances, grain, internal lines and annotations are
    the ones drafted before raglan, banded and hooded tops were added (the cutting lines and notches come from
    design_ai.patterns.pieces and are not drafting's to freeze)."""

    def r(v: float) -> float:
        return round(float(v), 6) + 0.0

    rows = []
    for g, m, opts in SET_IN:
        for p in g.draft(m, size="M", **opts):
            rows.append(
                {
                    "name": p.name,
                    "cut": p.cut,
                    "on_fold": p.on_fold,
                    "sew": [[r(x), r(y)] for x, y in p.sew_cm],
                    "allowance": [r(a) for a in p.seam_allowance_cm],
                    "grain": [[r(x), r(y)] for x, y in p.grain_cm],
                    "internal": [[[r(x), r(y)] for x, y in line] for line in p.internal_cm],
                    "annotations": p.annotations,
                }
            )
    assert hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest() == SET_IN_DIGEST


def test_set_in_is_the_default_and_none_means_it() -> None:
    default = [p.as_json() for p in TSHIRT.draft(TEE, size="M")]
    assert [p.as_json() for p in TSHIRT.draft(TEE, size="M", sleeve_style="set-in")] == default
    assert [p.as_json() for p in TSHIRT.draft(TEE, size="M", sleeve_style=None)] == default


# ---------------------------------------------------------------------------------------------------------------
# every piece


@pytest.mark.parametrize(("garment", "m", "opts"), ALL_CASES, ids=IDS)
def test_every_piece_is_simple_cut_contains_sew_and_is_annotated(garment: Top, m: dict, opts: dict) -> None:
    pieces = garment.draft(m, size="M", **opts)
    assert len({p.name for p in pieces}) == len(pieces)
    for p in pieces:
        sew, cut = Polygon(p.sew_cm), Polygon(p.cut_cm)
        assert sew.is_valid and cut.is_valid and sew.exterior.is_simple and cut.exterior.is_simple, p.name
        assert sew.exterior.is_ccw and cut.exterior.is_ccw, p.name
        assert cut.buffer(1e-9).contains(sew), p.name
        assert len(p.seam_allowance_cm) == len(p.sew_cm), p.name
        assert p.cut >= 1 and p.size == "M", p.name
        assert p.annotations["category"] in ("SELF", "RIB"), p.name
        assert (p.annotations["category"] == "RIB") == (p.name in ("neckband", "armband", "hem_band", "cuff"))
        (x0, y0), (x1, y1) = p.grain_cm
        assert x0 == x1 and y1 > y0 and sew.contains(LineString(p.grain_cm)), p.name
        ring = LineString([*p.cut_cm, p.cut_cm[0]])
        assert all(ring.distance(Point(n)) < 1e-6 for n in p.notches_cm), p.name
        # every edge belongs to an annotated run; folds have no allowance and are the only edges without one
        kinds = [None] * len(p.sew_cm)
        for key, span in p.annotations.items():
            if key.startswith("edges_"):
                first, last = (int(v) for v in span.split(":"))
                for i in range(first, last + 1):
                    kinds[i] = key.removeprefix("edges_")
        assert None not in kinds, p.name
        for kind, allowance in zip(kinds, p.seam_allowance_cm, strict=True):
            assert (allowance == 0) == (kind == "fold"), (p.name, kind)
        assert p.on_fold == ("fold" in kinds), p.name


@pytest.mark.parametrize(("garment", "m", "opts"), ALL_CASES, ids=IDS)
def test_hems_get_hem_allowance_and_joins_seam_allowance(garment: Top, m: dict, opts: dict) -> None:
    pieces = garment.draft(m, size="M", seam_allowance_cm=1.1, hem_allowance_cm=2.7, hood_channel_cm=2.4, **opts)
    hems = {"hem": 2.7, "opening": 2.7, "face": 2.4 + 1.0}
    for p in pieces:
        for key, span in p.annotations.items():
            if not key.startswith("edges_"):
                continue
            kind = key.removeprefix("edges_")
            first, last = (int(v) for v in span.split(":"))
            expected = 0.0 if kind == "fold" else hems.get(kind, 1.1)
            assert p.seam_allowance_cm[first : last + 1] == pytest.approx([expected] * (last + 1 - first)), (
                p.name,
                kind,
            )


# ---------------------------------------------------------------------------------------------------------------
# raglan


@pytest.mark.parametrize(("garment", "m", "opts"), RAGLAN_CASES, ids=IDS[-len(RAGLAN_CASES) :])
@pytest.mark.parametrize("size", ["XS", "M", "4XL"])
def test_raglan_edges_of_the_sleeve_match_the_body(garment: Top, m: dict, opts: dict, size: str) -> None:
    graded = graded_measurements(garment, m, (size,))[size]
    pieces = by_name(garment.draft(graded, size=size, **opts))
    front, back = pieces["front"], pieces["back"]
    assert "edges_shoulder" not in front.annotations and "edges_armhole" not in front.annotations  # no shoulder seam
    body = {"front": run_length(front, "raglan"), "back": run_length(back, "raglan")}
    for sleeve in sleeves(pieces):
        for which in ("front", "back"):
            if f"edges_raglan_{which}" in sleeve.annotations:
                assert run_length(sleeve, f"raglan_{which}") == pytest.approx(body[which], abs=0.1)


def _notch_positions(piece: Piece, kind: str, from_end: bool = False) -> list[float]:
    """Where the notches of a piece lie along a run of its sewing line, as arc lengths from the run's start."""
    run = LineString(run_from_annotation(piece, kind))
    out = sorted(run.project(Point(n)) for n in piece.notches_cm if run.distance(Point(n)) < 1.5)
    return sorted(run.length - s for s in out) if from_end else out


@pytest.mark.parametrize(("garment", "m", "opts"), RAGLAN_CASES, ids=IDS[-len(RAGLAN_CASES) :])
def test_raglan_notches_single_front_double_back_at_matching_places(garment: Top, m: dict, opts: dict) -> None:
    pieces = by_name(garment.draft(m, size="M", **opts))
    body_f = _notch_positions(pieces["front"], "raglan")  # from the underarm
    body_b = _notch_positions(pieces["back"], "raglan")
    assert len(body_f) == 1 and len(body_b) == 2
    assert body_b[1] - body_b[0] == pytest.approx(1.0, abs=0.05)
    for sleeve in sleeves(pieces):
        if "edges_raglan_front" in sleeve.annotations:  # sleeve front run starts at the underarm
            assert _notch_positions(sleeve, "raglan_front") == pytest.approx(body_f, abs=0.1)
        if "edges_raglan_back" in sleeve.annotations:  # sleeve back run starts at the neckline
            assert _notch_positions(sleeve, "raglan_back", from_end=True) == pytest.approx(body_b, abs=0.1)


@pytest.mark.parametrize(("garment", "m", "opts"), RAGLAN_CASES, ids=IDS[-len(RAGLAN_CASES) :])
def test_raglan_sleeve_runs_over_the_shoulder_its_length_from_the_hps(garment: Top, m: dict, opts: dict) -> None:
    """DESIGN.md's raglan sleeve length runs from the HPS along the top edge to the sleeve's end: the dart's leg
    (or the overarm seam) down to the shoulder point, then the centre line to the end (less a cuff)."""
    pieces = by_name(garment.draft(m, size="M", **opts))
    cuff = m.get("cuff_height", 0.0) if garment.banded else 0.0
    if opts.get("raglan_shoulder") == "seam":
        for name in ("sleeve_front", "sleeve_back"):
            assert run_length(pieces[name], "overarm") == pytest.approx(m["sleeve_length"] - cuff, abs=1e-6)
        assert run_length(pieces["sleeve_front"], "overarm") == pytest.approx(
            run_length(pieces["sleeve_back"], "overarm")
        )
        return
    sleeve = pieces["sleeve"]
    assert sleeve.annotations["shoulder"] == "dart" and float(sleeve.annotations["dart_width_cm"]) > 1.0
    (hps_f, apex) = run_from_annotation(sleeve, "dart_front")
    (_, hps_b) = run_from_annotation(sleeve, "dart_back")
    assert math.dist(hps_f, apex) == pytest.approx(math.dist(hps_b, apex))  # both legs: the shoulder line
    assert apex[0] == pytest.approx(0.0) and apex[1] < min(hps_f[1], hps_b[1])
    assert math.dist(hps_f, apex) + apex[1] == pytest.approx(m["sleeve_length"] - cuff, abs=1e-6)


def test_a_sliver_of_a_dart_is_left_out_for_a_dartless_one_piece_sleeve(monkeypatch: pytest.MonkeyPatch) -> None:
    from design_ai.garments.tops import drafting_raglan

    monkeypatch.setattr(drafting_raglan, "MIN_DART_DEG", 90.0)  # every wedge is a sliver now
    pieces = by_name(HOODIE.draft(HOOD, size="M", sleeve_style="raglan"))
    sleeve = pieces["sleeve"]
    assert sleeve.annotations["shoulder"] == "none" and "edges_dart_front" not in sleeve.annotations
    assert Polygon(sleeve.sew_cm).is_valid and Polygon(sleeve.cut_cm).contains(Polygon(sleeve.sew_cm))
    for which in ("front", "back"):
        assert run_length(sleeve, f"raglan_{which}") == pytest.approx(run_length(pieces[which], "raglan"), abs=0.1)
    assert run_length(pieces["hood_side"], "neck") * 2 == pytest.approx(neckline(pieces), abs=0.1)


def test_raglan_needs_no_shoulder_width_but_uses_one_given() -> None:
    pieces = by_name(SWEATSHIRT.draft(SWEAT_RAGLAN, size="M", sleeve_style="raglan"))
    wider = by_name(SWEATSHIRT.draft(SWEAT_RAGLAN | {"shoulder_width": 52.0}, size="M", sleeve_style="raglan"))
    assert run_length(wider["front"], "raglan") != pytest.approx(run_length(pieces["front"], "raglan"))
    with pytest.raises(UserError, match="shoulder_width"):
        SWEATSHIRT.draft(SWEAT_RAGLAN, size="M")  # set-in needs it


# ---------------------------------------------------------------------------------------------------------------
# bands, cuffs, neckband


BANDED = [(c, i) for c, i in zip(ALL_CASES, IDS, strict=True) if c[0].banded]


@pytest.mark.parametrize(("garment", "m", "opts"), [c for c, _ in BANDED], ids=[i for _, i in BANDED])
@pytest.mark.parametrize(("band_r", "cuff_r"), [(0.9, 0.8), (0.85, 0.7)])
def test_hem_band_and_cuffs_are_the_rib_ratio_of_what_they_are_sewn_to(
    garment: Top, m: dict, opts: dict, band_r: float, cuff_r: float
) -> None:
    pieces = by_name(garment.draft(m, size="M", hem_band_ratio=band_r, cuff_ratio=cuff_r, **opts))
    band, cuff = pieces["hem_band"], pieces["cuff"]
    lower = 2 * (run_length(pieces["front"], "band") + run_length(pieces["back"], "band"))  # both halves, all round
    assert sewn_length(band) == pytest.approx(band_r * lower, abs=1e-6)
    assert band_r * lower == pytest.approx(2 * m["hem_width"])  # relaxed, the band measures hem_width
    end = sum(run_length(s, "cuff") for s in sleeves(pieces))
    assert sewn_length(cuff) == pytest.approx(cuff_r * end, abs=1e-6)
    assert cuff_r * end == pytest.approx(2 * m["sleeve_opening"])
    for rib, height, count in ((band, m["hem_band_height"], 1), (cuff, m["cuff_height"], 2)):
        ys = [y for _, y in rib.sew_cm]
        assert max(ys) - min(ys) == pytest.approx(2 * height)  # folded lengthwise
        assert rib.cut == count and rib.annotations["internal"] == "fold line"
    # the body and sleeve stop at the band and cuff: their lower edges are seams, not hems
    centre_back = max(y for x, y in pieces["back"].sew_cm if x == 0.0)
    assert centre_back == pytest.approx(m["body_length"] - m["hem_band_height"] - 2.0)  # back neck drop 2 cm
    for p in (pieces["front"], pieces["back"], *sleeves(pieces)):
        assert "edges_hem" not in p.annotations and "hem stitch line" not in p.annotations["internal"], p.name


NECKBANDED = [(c, i) for c, i in zip(ALL_CASES, IDS, strict=True) if not c[0].hooded]


@pytest.mark.parametrize(("garment", "m", "opts"), [c for c, _ in NECKBANDED], ids=[i for _, i in NECKBANDED])
def test_neckband_is_the_rib_ratio_of_the_whole_neckline(garment: Top, m: dict, opts: dict) -> None:
    pieces = by_name(garment.draft(m, size="M", rib_ratio=0.75, **opts))
    band = pieces["neckband"]
    assert sewn_length(band) == pytest.approx(0.75 * neckline(pieces), abs=1e-6)
    raglan = opts.get("sleeve_style") == "raglan"
    assert len(band.notches_cm) == (5 if raglan else 3)


# ---------------------------------------------------------------------------------------------------------------
# hood and pocket


@pytest.mark.parametrize("panel", [False, True])
@pytest.mark.parametrize("overlap", [0.0, 3.0])
@pytest.mark.parametrize("style", ["raglan", "set-in"])
def test_hood_neck_edge_is_the_neckline(panel: bool, overlap: float, style: str) -> None:
    m = HOOD if style == "raglan" else HOOD | {"shoulder_width": 46.0, "sleeve_length": 64.0}
    pieces = by_name(HOODIE.draft(m, size="M", sleeve_style=style, hood_centre_panel=panel, hood_overlap_cm=overlap))
    assert "neckband" not in pieces
    side = pieces["hood_side"]
    assert side.cut == 2 and not side.on_fold and side.annotations["category"] == "SELF"
    hood_neck = 2 * run_length(side, "neck")
    if panel:
        centre = pieces["hood_centre"]
        assert centre.cut == 1
        hood_neck += run_length(centre, "neck")
        assert run_length(centre, "panel_seam_right") == pytest.approx(run_length(side, "panel_seam"), abs=1e-6)
    else:
        assert "hood_centre" not in pieces
    assert hood_neck - overlap == pytest.approx(neckline(pieces), abs=0.1)
    # notches on the neck edge where the body's seams arrive (2 raglan seams or the HPS), and at the CF with an
    # overlap; one on the centre seam at the crown
    neck_notches = _notch_positions(side, "neck")
    assert len(neck_notches) == (2 if style == "raglan" else 1) + (overlap > 0)


def test_hood_height_depth_face_edge_and_eyelets() -> None:
    side = by_name(HOODIE.draft(HOOD, size="M", sleeve_style="raglan"))["hood_side"]
    xs, ys = zip(*side.sew_cm, strict=True)
    assert max(ys) == pytest.approx(HOOD["hood_height"])  # the crown, above the neck edge's back end (y = 0)
    assert max(xs) - min(xs) == pytest.approx(float(side.annotations["hood_depth_cm"]))
    assert float(side.annotations["hood_depth_cm"]) >= 0.85 * HOOD["hood_width"] - 1e-9
    face = run_from_annotation(side, "face")
    assert face[0][0] == pytest.approx(face[1][0])  # straight up
    assert face[1][1] == pytest.approx(HOOD["hood_height"] - HOOD_OPENING_TOP_CM)
    _channel, *eyelet = side.internal_cm
    inside = Polygon(side.sew_cm).buffer(1e-6)
    assert len(eyelet) == 2 and all(inside.contains(LineString(line)) for line in side.internal_cm)
    cord = float(side.annotations["drawcord_length_cm"])
    assert 2 * polyline_length(face) < cord < 2 * polyline_length(face) + 60
    deeper = by_name(HOODIE.draft(HOOD, size="M", sleeve_style="raglan", hood_depth_cm=30.0))["hood_side"]
    assert float(deeper.annotations["hood_depth_cm"]) == pytest.approx(30.0)


def test_kangaroo_pocket_on_the_fold_with_its_placement_on_the_front() -> None:
    pieces = by_name(HOODIE.draft(HOOD, size="M", sleeve_style="raglan"))
    pocket, front = pieces["pocket"], pieces["front"]
    assert pocket.cut == 1 and pocket.on_fold and min(x for x, _ in pocket.cut_cm) == 0.0
    assert "pocket placement" in front.annotations["internal"]
    placement = front.internal_cm[-1]
    assert Polygon(front.sew_cm).buffer(1e-6).contains(LineString(placement))
    assert Polygon(front.sew_cm).contains(Polygon(pocket.sew_cm).buffer(-1e-6))
    assert placement == pocket.sew_cm[1:]  # the pocket's sides, openings and top, on the band seam
    assert "pocket" not in by_name(HOODIE.draft(HOOD, size="M", sleeve_style="raglan", kangaroo_pocket=False))
    assert "pocket" not in by_name(SWEATSHIRT.draft(SWEAT, size="M"))
    tee = by_name(TSHIRT.draft(TEE, size="M", kangaroo_pocket=True))["pocket"]  # above the hem on a tee
    assert min(y for _, y in tee.sew_cm) == pytest.approx(3.0) and "edges_bottom" in tee.annotations


# ---------------------------------------------------------------------------------------------------------------
# grading, export


SIZES = ("XS", "S", "M", "L", "XL", "XXL", "3XL", "4XL")


def graded_measurements(garment: Top, m: dict, sizes: tuple[str, ...] = SIZES) -> dict[str, dict[str, float]]:
    """Every size from the garment's own grade rules (the registry does not list it yet), on a chart to 4XL."""
    increments, source = garment.grade_increments()
    rules = GradeRules(("XXS", *SIZES), {}, {garment.name: increments}, source)
    return grade(garment.name, "M", m, sizes, rules=rules)


@pytest.mark.parametrize("garment", [SWEATSHIRT, HOODIE])
def test_grade_rules_cover_every_pom_and_say_what_they_rest_on(garment: Top) -> None:
    increments, source = garment.grade_increments()
    assert set(garment.pom_names) <= set(increments)
    assert "Aldrich" in source and "estimate" in source
    assert increments["hem_band_height"] == increments["cuff_height"] == 0.0


@pytest.mark.parametrize(
    ("garment", "m", "opts"),
    [(SWEATSHIRT, SWEAT, {}), *RAGLAN_CASES[:3]],
    ids=["sweatshirt", "sweatshirt-raglan", "hoodie", "hoodie-seam-panel"],
)
def test_pieces_grade_monotonically_xs_to_4xl(garment: Top, m: dict, opts: dict) -> None:
    graded = graded_measurements(garment, m)
    drafted = {size: by_name(garment.draft(mm, size=size, **opts)) for size, mm in graded.items()}
    names = list(drafted["M"])
    for size in SIZES:
        assert list(drafted[size]) == names
    for name in names:
        areas = [drafted[s][name].area_cm2 for s in SIZES]
        assert all(b > a for a, b in itertools.pairwise(areas)), (name, areas)


def test_hoodie_pattern_exports_to_dxf_that_passes_audit(tmp_path: Path) -> None:
    graded = graded_measurements(HOODIE, HOOD, ("S", "M", "L"))
    pieces = {s: HOODIE.draft(mm, size=s, sleeve_style="raglan", hood_centre_panel=True) for s, mm in graded.items()}
    pattern = PatternSet("hoodie", "M", list(graded), graded, pieces, "test")
    path = tmp_path / "hoodie.dxf"
    write_dxf(pattern, path)
    doc = ezdxf.readfile(path)
    auditor = doc.audit()
    assert not auditor.has_errors, [str(e) for e in auditor.errors]
    blocks = {b.name for b in doc.blocks}
    for size, ps in pieces.items():
        for p in ps:
            assert f"{p.name.upper()}_{size}" in blocks


# ---------------------------------------------------------------------------------------------------------------
# bill of materials and construction


def test_hoodie_trims_are_costed_materials_and_the_sweatshirt_has_none() -> None:
    materials = load_factors()["trims"]["materials"]
    trims = {t.name.split(" ")[0]: t for t in HOODIE.trims()}
    assert set(trims) == {"Drawcord", "Eyelet"}
    assert trims["Eyelet"].quantity == 2 and trims["Drawcord"].unit == "m"
    for t in trims.values():
        assert t.material in materials and t.grams > 0
    side = by_name(HOODIE.draft(HOOD, size="M", sleeve_style="raglan"))["hood_side"]
    assert trims["Drawcord"].quantity == pytest.approx(float(side.annotations["drawcord_length_cm"]) / 100, abs=0.1)
    assert SWEATSHIRT.trims() == []


@pytest.mark.parametrize("garment", [SWEATSHIRT, HOODIE])
def test_construction_names_iso_seams_and_stitches(garment: Top) -> None:
    steps = garment.construction()
    assert steps and all(s.seam_class and s.stitch_type and s.stitches_per_cm > 0 for s in steps)
    stitches = " ".join(s.stitch_type for s in steps)
    assert "514" in stitches and "406" in stitches
    ops = " ".join(s.operation.lower() for s in steps)
    assert "cuff" in ops and "hem band" in ops
    if garment.hooded:
        assert "hood" in ops and "pocket" in ops and "drawcord" in ops and "301" in stitches
        assert "eyelet" in " ".join(s.notes.lower() for s in steps)


# ---------------------------------------------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize(
    ("garment", "m", "opts", "message"),
    [
        (HOODIE, {k: v for k, v in HOOD.items() if k != "hood_height"}, {"sleeve_style": "raglan"}, "hood_height"),
        (HOODIE, HOOD | {"hood_width": -2.0}, {"sleeve_style": "raglan"}, "hood_width"),
        (HOODIE, HOOD | {"hood_height": 12.0}, {"sleeve_style": "raglan"}, "hood_height"),
        (HOODIE, HOOD | {"hood_width": 18.0}, {"sleeve_style": "raglan"}, "hood_width"),
        (SWEATSHIRT, SWEAT | {"hem_band_height": 0.0}, {}, "hem_band_height"),
        (SWEATSHIRT, SWEAT | {"hem_band_height": 40.0}, {}, "hem_band_height"),
        (SWEATSHIRT, SWEAT | {"cuff_height": "six"}, {}, "cuff_height"),
        (SWEATSHIRT, SWEAT | {"cuff_height": 40.0}, {}, "cuff_height"),
        (SWEATSHIRT, SWEAT_RAGLAN | {"neck_width": 48.0}, {"sleeve_style": "raglan"}, "neck_width"),
        (SWEATSHIRT, SWEAT_RAGLAN | {"sleeve_length": 16.0}, {"sleeve_style": "raglan"}, "sleeve_length"),
        (HOODIE, HOOD, {}, "shoulder_width"),  # set-in by default: a raglan hoodie must say so
        (TANK, TANK_M, {"sleeve_style": "raglan"}, "sleeve_style"),
        (TSHIRT, TEE, {"sleeve_style": "dolman"}, "sleeve_style"),
        (SWEATSHIRT, SWEAT_RAGLAN, {"sleeve_style": "raglan", "raglan_shoulder": "saddle"}, "raglan_shoulder"),
        (SWEATSHIRT, SWEAT, {"hem_band_ratio": 1.3}, "hem_band_ratio"),
        (SWEATSHIRT, SWEAT, {"cuff_ratio": 0.2}, "cuff_ratio"),
        (HOODIE, HOOD, {"sleeve_style": "raglan", "hood_overlap_cm": -1.0}, "hood_overlap_cm"),
        (HOODIE, HOOD, {"sleeve_style": "raglan", "hood_depth_cm": 0.0}, "hood_depth_cm"),
        (HOODIE, HOOD, {"sleeve_style": "raglan", "hood_channel_cm": 9.0}, "hood_channel_cm"),
        (HOODIE, HOOD, {"sleeve_style": "raglan", "hood_centre_width_cm": 1.0}, "hood_centre_width_cm"),
        (HOODIE, HOOD | {"body_length": 36.0}, {"sleeve_style": "raglan"}, "hem_band_height"),
    ],
)
def test_errors_name_the_bad_measurement_or_option(garment: Top, m: dict, opts: dict, message: str) -> None:
    with pytest.raises(UserError, match=message) as err:
        garment.draft(m, size="M", **opts)
    assert "\n" not in str(err.value)
