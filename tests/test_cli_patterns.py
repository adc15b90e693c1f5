"""`seamline pattern extract` and `seamline marker nest` as a pattern maker runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from test_cli import seamline

from design_ai.garments.tops.flat import PRESETS, draw_tee_flat


@pytest.fixture(scope="module")
def flat(tmp_path_factory: pytest.TempPathFactory) -> Path:
    img, _ = draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=8.0, style="line")
    path = tmp_path_factory.mktemp("flat") / "boxy.png"
    img.save(path)
    return path


def test_extract_writes_the_contract(flat: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = seamline("pattern", "extract", str(flat), "--garment", "tshirt", "--px-per-cm", "8", "--out", str(out),
                   "--ratio", "S=1,M=2,L=1", "--seconds", "1", "--json")  # fmt: skip
    assert res.returncode == 0, res.stderr
    data = json.loads((out / "pattern.json").read_text())
    assert data["garment"] == "tshirt"
    truth = PRESETS["boxy-tee"]
    for pom in ("body_length", "chest_width", "hem_width", "shoulder_width", "sleeve_length", "sleeve_opening",
                "neck_width", "front_neck_drop"):  # fmt: skip
        assert abs(data["measurements_cm"][pom] - getattr(truth, pom)) <= 1.0, pom
    names = [p["name"] for p in data["pieces"]]
    assert {"front", "back", "sleeve", "neckband"} <= set(names)
    for piece in data["pieces"]:
        assert {"name", "cut", "area_cm2", "polygon_cm", "seam_allowance_cm"} <= set(piece)
    assert data["marker"]["efficiency"] > 0.5
    for name in ("pattern.json", "pattern.dxf", "pattern.svg", "graded-nest.png", "marker.png"):
        assert (out / name).stat().st_size > 100, name
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".pattern-")]  # no staging left


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--garment", "tshirt", "--px-per-cm", "0"), "px_per_cm must be a positive number"),
        (("--garment", "tshirt", "--px-per-cm", "8", "--body-length", "72"), "exactly one of"),
        (("--garment", "poncho", "--px-per-cm", "8"), "poncho"),
        (("--garment", "tshirt", "--body-length", "15"), "15"),
        (("--garment", "tshirt", "--body-length", "250"), "250"),
        (("--garment", "tshirt", "--px-per-cm", "8", "--ratio", "M=x"), "--ratio"),
        (("--garment", "tshirt", "--px-per-cm", "8", "--ratio", "M=1", "--fabric-width", "40"), "wider than"),
    ],
)
def test_bad_input_exit_2_nothing_written(flat: Path, tmp_path: Path, args: tuple[str, ...], needle: str) -> None:
    out = tmp_path / "out"
    res = seamline("pattern", "extract", str(flat), *args, "--out", str(out), "--seconds", "1")
    assert res.returncode == 2, (res.returncode, res.stderr)
    assert needle in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert not out.exists()


def test_no_garment_exit_2(tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("RGB", (400, 400), "white").save(blank)
    res = seamline("pattern", "extract", str(blank), "--garment", "tshirt", "--px-per-cm", "5",
                   "--out", str(tmp_path / "out"))  # fmt: skip
    assert res.returncode == 2 and "no garment" in res.stderr
    assert not (tmp_path / "out").exists()


def test_marker_nest_benchmark_format(tmp_path: Path) -> None:
    instance = {
        "Name": "tiny",
        "Items": [
            {"Demand": 2, "AllowedOrientations": [0.0, 180.0],
             "Shape": {"Type": "SimplePolygon", "Data": [[0, 0], [40, 0], [40, 30], [0, 30]]}},
            {"Demand": 3, "AllowedOrientations": [0.0, 180.0],
             "Shape": {"Type": "SimplePolygon", "Data": [[0, 0], [30, 0], [15, 25]]}},
        ],
        "Strip": {"Height": 100},
    }  # fmt: skip
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(instance))
    res = seamline("marker", "nest", str(path), "--width", "60", "--seconds", "1", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert set(data) >= {"length", "width", "efficiency", "placements"}
    assert data["width"] == 60 and len(data["placements"]) == 5 and 0 < data["efficiency"] <= 1
    assert {p["rotation"] for p in data["placements"]} <= {0.0, 180.0}
    narrow = seamline("marker", "nest", str(path), "--width", "20", "--seconds", "1")
    assert narrow.returncode == 2 and "across the strip" in narrow.stderr
    path.write_text("{not json")
    bad = seamline("marker", "nest", str(path), "--seconds", "1")
    assert bad.returncode == 2 and "tiny.json" in bad.stderr


def test_a_band_without_its_seam_is_extracted_and_said_to_be_assumed(tmp_path: Path) -> None:
    """A one-colour filled sweatshirt flat (FreeSewing's Sven) draws its rib band and cuffs without seams: the
    pattern is still made, with the block's standard band, and both the listing and pattern.json say so."""
    picture = Path(__file__).parent / "patterns/freesewing/images/073_sweatshirt_cutout_filled_sven-cisMaleAdult38.png"
    out = tmp_path / "out"
    res = seamline("pattern", "extract", str(picture), "--garment", "sweatshirt", "--px-per-cm", "11.491",
                   "--out", str(out), "--sizes", "M", "--seconds", "1")  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "hem_band_height      6.0 cm  (assumed: no hem band seam drawn" in res.stdout, res.stdout
    data = json.loads((out / "pattern.json").read_text())
    assert set(data["assumed"]) == {"hem_band_height", "cuff_height"}
    assert data["measurements_cm"]["cuff_height"] == 6.0
    assert {"hem_band", "cuff"} <= {p["name"] for p in data["pieces"]}
