"""Sanity checks of the corpus generator itself (not of design_ai's measurement): files, coverage, truth."""

from __future__ import annotations

import ast
import collections
import importlib.util
import json
import math
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

HERE = Path(__file__).resolve().parent


def _load():
    name = "seamline_corpus_make_corpus"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / "make_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


mc = _load()
TRUTH = json.loads((HERE / "truth.json").read_text())


def test_the_generator_does_not_import_design_ai():
    tree = ast.parse((HERE / "make_corpus.py").read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    allowed = {"__future__", "argparse", "itertools", "json", "math", "sys", "time", "dataclasses", "pathlib"}
    allowed |= {"cv2", "numpy", "PIL"}
    assert imported <= allowed, imported - allowed


def test_truth_and_images_on_disk_match():
    files = {p.name for p in (HERE / "images").iterdir()}
    assert files == {e["file"] for e in TRUTH}
    assert len(TRUTH) == mc.N
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
            assert 0.04 * w < x < 0.96 * w and 0.04 * h < y < 0.96 * h, (e["file"], name)
        poms = set(mc.POMS if e["garment"] != "tank" else mc.POMS[:4] + mc.POMS[6:])
        if e["tags"]["sleeve_style"] == "raglan":
            poms.discard("shoulder_width")  # a raglan has no shoulder seam (DESIGN.md)
        assert set(e["truth_cm"]) == poms
    assert total < 25e6


def test_every_variation_value_appears_at_least_five_times():
    tags = [e["tags"] for e in TRUTH]
    for key, values in (("style", mc.STYLES), ("sides", mc.SIDES), ("neck", mc.NECKS), ("size", mc.SIZES),
                        ("sleeve_style", ["set_in", "raglan"]), ("light_on_light", [True, False])):
        counts = collections.Counter(t[key] for t in tags)
        for v in values:
            assert counts[v] >= 5, (key, v, counts)
    garments = collections.Counter(e["garment"] for e in TRUTH)
    assert min(garments[g] for g in ("tshirt", "longsleeve", "tank")) >= 5
    fmt = collections.Counter(t["jpeg_quality"] is None for t in tags)
    assert fmt[True] >= 5 and fmt[False] > fmt[True]
    angles = np.array([t["sleeve_angle_deg"] for t in tags if t["sleeve_angle_deg"] is not None])
    hist, _ = np.histogram(angles, bins=[10, 20, 30, 40, 50])
    assert hist.min() >= 5 and angles.min() >= 10 and angles.max() <= 60
    rot = np.array([e["rotation_deg"] for e in TRUTH])
    assert (rot < -5).sum() >= 5 and (rot > 5).sum() >= 5 and np.abs(rot).max() <= 10


def test_landmarks_agree_with_the_truth_in_cm():
    """Distances between the landmarks (in px, over px_per_cm) are the points of measure they define."""
    for e in TRUTH:
        lm = {k: np.array(v) for k, v in e["landmarks_px"].items()}
        t, s = e["truth_cm"], e["px_per_cm"]

        def d(a, b, lm=lm, s=s):
            return float(np.linalg.norm(lm[a] - lm[b])) / s

        assert d("hps_left", "hps_right") == pytest.approx(t["neck_width"], abs=0.02)
        raglan = e["tags"]["sleeve_style"] == "raglan"
        assert ("shoulder_width" in t) != raglan  # a raglan has no shoulder seam (DESIGN.md)
        if not raglan:
            assert d("shoulder_left", "shoulder_right") == pytest.approx(t["shoulder_width"], abs=0.02)
        assert d("hem_left", "hem_right") == pytest.approx(t["hem_width"], abs=0.02)
        if "sleeve_length" in t:
            for side in ("left", "right"):
                # a raglan's from the HPS, over the shoulder's bend, along the top edge
                over = d(f"hps_{side}", f"shoulder_{side}") if raglan else 0.0
                along = over + d(f"shoulder_{side}", f"sleeve_top_{side}")
                assert along == pytest.approx(t["sleeve_length"], abs=0.02)
                assert d(f"sleeve_top_{side}", f"sleeve_bottom_{side}") == pytest.approx(t["sleeve_opening"], abs=0.02)
        # body length and front neck drop: perpendicular to the HPS line, in the rotated frame
        a = math.radians(e["rotation_deg"])
        down = np.array([math.sin(a), math.cos(a)])  # the garment's +y on screen
        assert (lm["hem_right"] - lm["hps_right"]) @ down / s == pytest.approx(t["body_length"], abs=0.02)
        assert (lm["front_neck"] - lm["hps_right"]) @ down / s == pytest.approx(t["front_neck_drop"], abs=0.02)
        assert t["chest_width"] > 0 and t["hem_width"] > 0


@pytest.mark.parametrize("style", ["line", "draft"])
def test_regenerating_one_entry_gives_the_stored_truth(style):
    e = next(x for x in TRUTH
             if x["tags"]["style"] == style and (style == "draft" or x["tags"]["jpeg_quality"] is None))
    index = TRUTH.index(e)
    img, entry = mc.make_entry(index)
    assert json.loads(json.dumps(entry)) == e
    if e["tags"]["jpeg_quality"] is None:  # a PNG is stored losslessly: the very same pixels
        assert np.array_equal(np.asarray(img), np.asarray(Image.open(HERE / "images" / e["file"]).convert("RGB")))


def test_landmarks_lie_on_the_garment_edge():
    """Around each landmark of a few line/filled PNGs there is both background and garment (or ink)."""
    picked = [e for e in TRUTH if e["tags"]["jpeg_quality"] is None and e["tags"]["style"] in ("line", "filled")]
    picked = picked[:4] + [e for e in picked if e["tags"]["light_on_light"]][:2]
    assert len(picked) >= 5
    for e in picked:
        im = np.asarray(Image.open(HERE / "images" / e["file"]).convert("RGB")).astype(float)
        border = np.concatenate([im[:8].reshape(-1, 3), im[-8:].reshape(-1, 3)])
        bg = np.median(border, axis=0)
        diff = np.abs(im - bg).max(axis=2)
        far = 6.0 if e["tags"]["light_on_light"] else 15.0
        for name, (x, y) in e["landmarks_px"].items():
            c, r = round(x), round(y)
            near = diff[r - 12: r + 13, c - 12: c + 13]  # room for a thick stroke in a narrow underarm wedge
            assert near.min() <= 5, (e["file"], name, "no background next to the landmark")
            assert diff[r - 4: r + 5, c - 4: c + 5].max() >= far, (e["file"], name, "no garment at the landmark")
            assert diff[r - 1: r + 2, c - 1: c + 2].max() >= far / 2, (e["file"], name)
        # and far from the garment there is only background
        assert np.percentile(diff[: int(0.03 * im.shape[0])], 99.9) <= 8


def _profile(gray: np.ndarray, p: np.ndarray, d: np.ndarray, ts: np.ndarray) -> np.ndarray:
    pts = p[None] + ts[:, None] * d[None]
    mx, my = pts[:, 0].astype(np.float32)[None], pts[:, 1].astype(np.float32)[None]
    return cv2.remap(gray, mx, my, cv2.INTER_LINEAR)[0]


def test_the_hem_is_drawn_where_the_truth_puts_it_to_a_fraction_of_a_pixel():
    """Across the middle of the hem: a fill's half-way point, or a line's ink centroid, lies on the hem line."""
    checked = collections.Counter()
    ts = np.linspace(-8, 8, 161)
    for e in TRUTH:
        look, tags = e["look"], e["tags"]
        if tags["jpeg_quality"] is not None or tags["style"] == "draft" or look.get("outlined"):
            continue
        if checked[tags["style"]] >= 3:
            continue
        im = np.asarray(Image.open(HERE / "images" / e["file"]).convert("RGB")).astype(np.float32)
        bg = np.median(im[:8].reshape(-1, 3), axis=0)
        gray = np.abs(im - bg).max(axis=2).astype(np.float32)
        a = math.radians(e["rotation_deg"])
        down = np.array([math.sin(a), math.cos(a)])
        lm = e["landmarks_px"]
        for f in (0.3, 0.5, 0.7):
            p = np.array(lm["hem_left"]) * (1 - f) + np.array(lm["hem_right"]) * f
            prof = _profile(gray, p, down, ts)
            if tags["style"] == "filled":
                lo, hi = np.median(prof[-20:]), np.median(prof[:20])  # background below, garment above
                half = (lo + hi) / 2
                k = np.nonzero((prof[:-1] >= half) & (prof[1:] < half))[0][-1]
                t = ts[k] + (prof[k] - half) / (prof[k] - prof[k + 1]) * (ts[1] - ts[0])
            else:
                w = np.clip(prof - 20, 0, None)
                w[ts < -5] = 0  # keep the hem stitch dashes out
                t = float((w * ts).sum() / w.sum())
            assert abs(t) < 0.35, (e["file"], f, t)
        checked[tags["style"]] += 1
    assert checked["filled"] >= 2 and checked["line"] >= 2
