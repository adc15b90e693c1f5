"""Sanity checks of the FreeSewing flat generator itself (not of design_ai's measurement): files, coverage, truth."""

from __future__ import annotations

import ast
import collections
import importlib.util
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

HERE = Path(__file__).resolve().parent


def _load():
    name = "seamline_freesewing_make_flats"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / "make_flats.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


mf = _load()
TRUTH = json.loads((HERE / "truth.json").read_text())
SPECS = mf.plan()
GARMENTS = ["tshirt", "longsleeve", "tank", "sweatshirt", "hoodie"]


def test_the_generator_does_not_import_design_ai():
    tree = ast.parse((HERE / "make_flats.py").read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    allowed = {"__future__", "argparse", "itertools", "json", "math", "sys", "time", "dataclasses", "functools",
               "pathlib", "cv2", "numpy", "PIL"}
    assert imported <= allowed, imported - allowed


def test_the_geometry_comes_from_pinned_freesewing_packages():
    files = sorted((HERE / "geometry").glob("*.json"))
    assert len(files) >= 20
    assert sum(f.stat().st_size for f in files) < 600_000
    package = json.loads((HERE / "package.json").read_text())
    for dep, version in package["dependencies"].items():
        assert dep.startswith("@freesewing/") and version.startswith("4.10."), (dep, version)
    lock = json.loads((HERE / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/@freesewing/core"]["version"].startswith("4.10.")
    designs = collections.Counter()
    for f in files:
        g = json.loads(f.read_text())
        assert f.name == f"{g['key']}-{g['model']}.json"
        assert all(v.startswith("4.10.") for k, v in g["versions"].items() if k.startswith("@freesewing/"))
        assert "MIT" in g["licence"] and g["measurements"]["chest"] > 50  # cm
        for part in g["parts"].values():
            o = np.array(part["outline"])
            assert o.ndim == 2 and o.shape[1] == 2 and len(o) >= 4
            chords = np.linalg.norm(np.diff(o, axis=0), axis=1)
            assert chords.max() < 150  # cm: no stray jumps
        designs[g["design"]] += 1
    assert {d: n for d, n in designs.items() if n >= 4}.keys() == {"teagan", "aaron", "sven", "hugo"}


def test_truth_and_images_on_disk_match():
    files = {p.name for p in (HERE / "images").iterdir()}
    assert files == {e["file"] for e in TRUTH}
    assert len(TRUTH) == len(SPECS) == mf.N
    assert [e["file"] for e in TRUTH] == [mf.file_name(s) for s in SPECS]
    total = 0
    for e in TRUTH:
        path = HERE / "images" / e["file"]
        total += path.stat().st_size
        with Image.open(path) as im:
            assert list(im.size) == e["image_size"]
            assert 1.8e6 <= im.size[0] * im.size[1] <= 2.2e6
            assert im.format == ("PNG" if e["tags"]["jpeg_quality"] is None else "JPEG")
        w, h = e["image_size"]
        for name, (x, y) in e["landmarks_px"].items():
            assert 0.03 * w < x < 0.97 * w and 0.03 * h < y < 0.97 * h, (e["file"], name)
        assert list(e["truth_cm"]) == mf.poms_for(e["garment"]), e["file"]
        assert {"design", "model", "convention"} <= set(e["tags"])
    assert total < 25e6
    assert (HERE / "contact_sheet.png").stat().st_size > 10_000


def test_coverage_of_garments_conventions_and_styles():
    cells = collections.Counter((e["garment"], e["tags"]["convention"], e["tags"]["style"]) for e in TRUTH)
    for g in GARMENTS:
        for c in mf.CONVENTIONS:
            for s in mf.STYLES:
                assert cells[(g, c, s)] >= 2, (g, c, s)
    design = {"tshirt": "teagan", "longsleeve": "sven", "tank": "aaron", "sweatshirt": "sven", "hoodie": "hugo"}
    for e in TRUTH:
        assert e["tags"]["design"] == design[e["garment"]]
    models = collections.defaultdict(set)
    for e in TRUTH:
        models[e["garment"]].add(e["tags"]["model"])
    assert all(len(models[g]) >= 4 for g in GARMENTS)
    # sleeve angles from nearly level to hanging with a narrow slit, on every sleeved garment, XXL and fitted too
    narrow = [e for e in TRUTH if e["tags"]["angle_class"] == "narrow"]
    for g in ("tshirt", "longsleeve", "sweatshirt", "hoodie"):
        tags = [e["tags"] for e in TRUTH if e["garment"] == g]
        assert collections.Counter(t["angle_class"] for t in tags).keys() == {"level", "mid", "narrow"}
        assert min(t["sleeve_angle_deg"] for t in tags) < 20
    assert sum(e["tags"]["slit_widest_cm"] <= 1.0 for e in narrow) >= 20
    assert all(0 < e["tags"]["slit_narrowest_cm"] <= e["tags"]["slit_widest_cm"] <= 2.5 for e in narrow)
    assert any(e["tags"]["model"] == "cisMaleAdult50" for e in narrow)
    assert any(e["tags"]["sides"] == "fitted" for e in narrow)
    assert any(e["tags"]["sleeve_model"] == "hanging" for e in narrow)
    long_level = [e["tags"]["sleeve_angle_deg"] for e in TRUTH
                  if e["garment"] == "longsleeve" and e["tags"]["angle_class"] == "level"]
    assert min(long_level) < 10
    rot = np.array([e["rotation_deg"] for e in TRUTH])
    assert (rot < -3).sum() >= 10 and (rot > 3).sum() >= 10 and (rot == 0).sum() >= 30 and np.abs(rot).max() <= 10
    fmt = collections.Counter(e["tags"]["jpeg_quality"] is None for e in TRUTH)
    assert fmt[True] >= 10 and fmt[False] > fmt[True]


def test_truth_values_are_plausible():
    by_geometry = collections.defaultdict(list)
    for e in TRUTH:
        t, tags = e["truth_cm"], e["tags"]
        assert 40 < t["body_length"] < 95 and 30 < t["chest_width"] < 85 and 30 < t["hem_width"] < 85
        assert 12 < t["neck_width"] < 35
        if "shoulder_width" in t:
            assert t["neck_width"] + 5 < t["shoulder_width"] < t["chest_width"] + 2
        if "front_neck_drop" in t:
            # the front neckline is deeper than the back one, in either convention (the designer draws the back
            # one as the outline and the front one inside it)
            assert tags["back_neck_drop_cm"] + 1.5 < t["front_neck_drop"] < 16
        if e["garment"] == "tshirt":
            assert 12 < t["sleeve_length"] < 32 and t["sleeve_opening"] > 10
        if e["garment"] in ("longsleeve", "sweatshirt"):
            assert 50 < t["sleeve_length"] < 80 and 6 < t["sleeve_opening"] < 14
        if e["garment"] == "hoodie":  # raglan: from the HPS
            assert 65 < t["sleeve_length"] < 100 and 20 < t["hood_height"] < 40 and 20 < t["hood_width"] < 45
            assert t["hood_width"] > t["neck_width"] + 5
        if e["garment"] in mf.BANDED:
            assert 3 < t["hem_band_height"] < 9 and 3 < t["cuff_height"] < 9
            assert t["hem_band_height"] == t["cuff_height"]  # one ribbing height on both (Sven, Hugo)
        by_geometry[(tags["design"], tags["model"], json.dumps(tags["freesewing_options"]))].append(e)
    # the garment does not change with the convention, the style or the sleeve angle: only the drawing does
    for entries in by_geometry.values():
        for key in ("body_length", "hem_width", "neck_width", "front_neck_drop", "hood_height", "sleeve_opening"):
            vals = [e["truth_cm"].get(key, 0.0) for e in entries]
            assert max(vals) - min(vals) <= 0.011, (key, entries[0]["file"], vals)


def test_landmarks_agree_with_the_truth_in_cm():
    """Distances between the landmarks (in px, over px_per_cm) are the points of measure they define."""
    for e in TRUTH:
        lm = {k: np.array(v) for k, v in e["landmarks_px"].items()}
        t, s, tags = e["truth_cm"], e["px_per_cm"], e["tags"]
        a = math.radians(e["rotation_deg"])
        down = np.array([math.sin(a), math.cos(a)])  # the garment's +y on screen

        def d(p, q, lm=lm, s=s):
            return float(np.linalg.norm(lm[p] - lm[q])) / s

        def dy(p, q, lm=lm, s=s, down=down):
            return float((lm[q] - lm[p]) @ down) / s

        assert d("hps_left", "hps_right") == pytest.approx(t["neck_width"], abs=0.02)
        assert d("hem_left", "hem_right") == pytest.approx(t["hem_width"], abs=0.02)
        assert dy("hps_right", "hem_right") == pytest.approx(t["body_length"], abs=0.02)
        assert dy("hps_left", "hps_right") == pytest.approx(0, abs=0.02)
        if "shoulder_width" in t:
            assert d("shoulder_left", "shoulder_right") == pytest.approx(t["shoulder_width"], abs=0.02)
        if "front_neck_drop" in t:
            assert dy("hps_right", "front_neck") == pytest.approx(t["front_neck_drop"], abs=0.02)
        if "sleeve_length" in t:
            for side in ("left", "right"):
                assert d(f"sleeve_top_{side}", f"sleeve_bottom_{side}") == pytest.approx(t["sleeve_opening"], abs=0.02)
                if tags["sleeve_style"] == "set_in" and tags["sleeve_model"] == "straight":  # a straight top edge
                    assert d(f"shoulder_{side}", f"sleeve_top_{side}") == pytest.approx(t["sleeve_length"], abs=0.02)
                else:  # along a bent top edge: longer than the chord
                    start = "shoulder" if tags["sleeve_style"] == "set_in" else "hps"
                    assert d(f"{start}_{side}", f"sleeve_top_{side}") < t["sleeve_length"]
                if "cuff_height" in t and tags["sleeve_model"] == "straight":
                    assert d(f"cuff_seam_{side}", f"sleeve_top_{side}") == pytest.approx(t["cuff_height"], abs=0.02)
        if "hem_band_height" in t:
            assert dy("band_seam_right", "hem_right") == pytest.approx(t["hem_band_height"], abs=0.02)
        if "hood_height" in t:
            assert -dy("hps_right", "hood_top") == pytest.approx(t["hood_height"], abs=0.02)
            assert d("hood_left", "hood_right") == pytest.approx(t["hood_width"], abs=0.02)
        # chest: 2.5 cm below the underarm; both underarms on one level
        assert dy("underarm_left", "underarm_right") == pytest.approx(0, abs=0.02)


def _sample() -> list[int]:
    """One entry per garment and convention (sleeves not hanging: quick to rebuild), and one hanging sleeve."""
    picked, seen = [], set()
    for i, s in enumerate(SPECS):
        key = (s["garment"], s["convention"])
        if key not in seen and s["angle_class"] != "narrow":
            seen.add(key)
            picked.append(i)
    picked.append(next(i for i, e in enumerate(TRUTH) if e["tags"].get("sleeve_model") == "hanging"
                       and e["garment"] == "sweatshirt"))
    return picked


@pytest.mark.parametrize("index", _sample())
def test_landmarks_lie_on_the_drawn_outline(index):
    """Rebuilt in cm: every landmark but a drawn-inside front neck is on the outline; the truth matches."""
    flat = mf.build_flat(SPECS[index])
    e = TRUTH[index]
    assert {k: round(float(v), 2) for k, v in flat.truth.items()} == e["truth_cm"]
    assert set(flat.landmarks) == set(e["landmarks_px"])
    assert not mf.segments_self_intersect(flat.outline)
    for name, p in flat.landmarks.items():
        dist = float(mf.poly_dist(flat.outline, p[None])[0])
        if name == "front_neck" and e["tags"]["convention"] == "designer":
            line = mf.resample(flat.front_neck_line, 0.02)
            assert np.linalg.norm(line - p, axis=1).min() < 0.02
            assert dist > 1.0  # inside the silhouette, below the back neckline
        else:
            assert abs(dist) < 0.01, (e["file"], name, dist)
    # the designer's silhouette follows the back neckline, higher than the front one
    top = flat.outline[np.abs(flat.outline[:, 0]) < 0.01, 1].min()
    if e["garment"] == "hoodie":
        assert top == pytest.approx(-e["truth_cm"]["hood_height"], abs=0.01)
    elif e["tags"]["convention"] == "designer":
        assert top == pytest.approx(e["tags"]["back_neck_drop_cm"], abs=0.01)
    else:
        assert top == pytest.approx(e["truth_cm"]["front_neck_drop"], abs=0.01)
    # interior lines lie inside the garment
    for line, _dashed in flat.interior:
        assert mf.poly_dist(flat.outline, line[len(line) // 2][None])[0] > -0.05


@pytest.mark.parametrize("style", ["line", "draft"])
def test_regenerating_one_entry_gives_the_stored_truth(style):
    index = next(i for i, (s, e) in enumerate(zip(SPECS, TRUTH, strict=True))
                 if s["style"] == style and s["angle_class"] != "narrow"
                 and (style == "draft" or e["tags"]["jpeg_quality"] is None))
    img, entry = mf.make_entry(index, SPECS)
    assert json.loads(json.dumps(entry)) == TRUTH[index]
    if TRUTH[index]["tags"]["jpeg_quality"] is None:  # a PNG is stored losslessly: the very same pixels
        stored = np.asarray(Image.open(HERE / "images" / TRUTH[index]["file"]).convert("RGB"))
        assert np.array_equal(np.asarray(img), stored)


def test_a_filled_flat_drawn_without_seams_names_the_band_poms_it_leaves_out():
    """`not_drawn` comes from the rendering itself: regenerating a seamless filled sweatshirt gives the stored
    entry, pixels included, and every entry's list is exactly the band POMs of a banded flat drawn without seams."""
    index = next(i for i, e in enumerate(TRUTH) if e["not_drawn"] and e["tags"]["jpeg_quality"] is None)
    img, entry = mf.make_entry(index, SPECS)
    assert json.loads(json.dumps(entry)) == TRUTH[index]
    stored = np.asarray(Image.open(HERE / "images" / TRUTH[index]["file"]).convert("RGB"))
    assert np.array_equal(np.asarray(img), stored)
    for e in TRUTH:
        banded = "hem_band_height" in e["truth_cm"]
        expected = ["hem_band_height", "cuff_height"] if banded and e["look"].get("seams") is False else []
        assert e["not_drawn"] == expected, e["file"]


def test_landmarks_lie_on_the_garment_edge_in_the_pixels():
    """Around each outline landmark of a few line/filled PNGs there is both background and garment (or ink)."""
    picked = [e for e in TRUTH if e["tags"]["jpeg_quality"] is None and e["tags"]["style"] in ("line", "filled")
              and not e["tags"]["light_on_light"]]
    picked = [next(e for e in picked if e["garment"] == g) for g in GARMENTS if any(x["garment"] == g for x in picked)]
    assert len(picked) >= 4
    for e in picked:
        im = np.asarray(Image.open(HERE / "images" / e["file"]).convert("RGB")).astype(float)
        border = np.concatenate([im[:8].reshape(-1, 3), im[-8:].reshape(-1, 3)])
        bg = np.median(border, axis=0)
        diff = np.abs(im - bg).max(axis=2)
        for name, (x, y) in e["landmarks_px"].items():
            if name == "front_neck" and e["tags"]["convention"] == "designer":
                continue
            c, r = round(x), round(y)
            near = diff[r - 12: r + 13, c - 12: c + 13]
            assert near.min() <= 8, (e["file"], name, "no background next to the landmark")
            assert diff[r - 4: r + 5, c - 4: c + 5].max() >= 15, (e["file"], name, "no garment at the landmark")
