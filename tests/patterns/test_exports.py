"""DXF (ASTM D6673 style) and SVG exports: re-read, layers, blocks, extents, scale; LibreCAD renders the DXF."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zlib
from collections import Counter
from pathlib import Path

import ezdxf
import numpy as np
import pytest
from ezdxf import bbox
from ezdxf.addons import gerber_D6673
from needs import missing
from PIL import Image
from shapely.geometry import box

from design_ai.errors import UserError
from design_ai.garments.tops.flat import PRESETS
from design_ai.patterns.accuracy import truth_cm
from design_ai.patterns.export_dxf import block_name, build_dxf, dxf_text, write_dxf
from design_ai.patterns.export_svg import SIZE_COLOURS, graded_nest_png, graded_nest_svg, svg_document, write_svg
from design_ai.patterns.grading import graded_pattern
from design_ai.patterns.model import PatternSet, Piece

BOXY_M = truth_cm(PRESETS["boxy-tee"], "tshirt")  # size M of the bundled boxy tee, in cm
SIZES = ["S", "M", "L"]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def pattern() -> PatternSet:
    return graded_pattern("tshirt", "M", BOXY_M, SIZES)


@pytest.fixture(scope="module")
def dxf_file(pattern: PatternSet, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dxf") / "pattern.dxf"
    write_dxf(pattern, path)
    return path


def rectangle_pattern() -> PatternSet:
    """One hand-made piece with numbers you can check: 20 x 30 cm, 1 cm allowance, a 10 cm grain line."""
    piece = Piece(
        name="panel",
        size="M",
        cut=2,
        on_fold=False,
        sew_cm=[(0.0, 0.0), (20.0, 0.0), (20.0, 30.0), (0.0, 30.0)],
        cut_cm=[(-1.0, -1.0), (21.0, -1.0), (21.0, 31.0), (-1.0, 31.0)],
        seam_allowance_cm=[1.0] * 4,
        grain_cm=((10.0, 10.0), (10.0, 20.0)),
        notches_cm=[(21.0, 15.0)],
    )
    return PatternSet("tshirt", "M", ["M"], {"M": {}}, {"M": [piece]})


# ---------------------------------------------------------------------------------------------------------------
# DXF


def test_dxf_rereads_with_a_block_per_piece_and_size(pattern: PatternSet, dxf_file: Path) -> None:
    doc = ezdxf.readfile(dxf_file)
    names = {b.name for b in doc.blocks if not b.name.startswith("*")}
    expected = {f"{n}_{s}" for n in ("FRONT", "BACK", "SLEEVE", "NECKBAND") for s in SIZES}
    assert names == expected
    assert {block_name(p) for s in SIZES for p in pattern.pieces[s]} == expected
    inserts = doc.modelspace().query("INSERT")
    assert sorted(i.dxf.name for i in inserts) == sorted(expected)


def test_dxf_layers_hold_what_astm_puts_there(pattern: PatternSet, dxf_file: Path) -> None:
    doc = ezdxf.readfile(dxf_file)
    for size in SIZES:
        for piece in pattern.pieces[size]:
            blk = doc.blocks[block_name(piece)]
            layers = Counter((e.dxftype(), e.dxf.layer) for e in blk)
            assert layers[("POLYLINE", "1")] == 1, piece.name  # cutting line
            assert layers[("POLYLINE", "14")] == 1, piece.name  # sewing line
            assert layers[("LINE", "7")] == 1, piece.name  # grain line
            assert layers[("LINE", "4")] == len(piece.notches_cm) > 0, piece.name
            assert layers[("POLYLINE", "8")] >= 1, piece.name  # hem stitch / band fold line
            assert layers[("TEXT", "15")] >= 3, piece.name
            assert layers[("LINE", "6")] == (1 if piece.on_fold else 0), piece.name  # mirror (fold) line
            texts = {e.dxf.text for e in blk.query("TEXT[layer=='1']")}
            assert {
                f"Piece Name: {piece.name.upper()}",
                f"Size: {size}",
                f"Quantity: {piece.cut}",
            } <= texts
            assert any(t.startswith("Category: ") for t in texts)
            notes = " ".join(e.dxf.text for e in blk.query("TEXT[layer=='15']"))
            assert ("ON FOLD" in notes) == piece.on_fold


def test_dxf_geometry_is_in_millimetres(pattern: PatternSet, dxf_file: Path) -> None:
    doc = ezdxf.readfile(dxf_file)
    piece = next(p for p in pattern.pieces["M"] if p.name == "front")
    boundary = doc.blocks["FRONT_M"].query("POLYLINE[layer=='1']").first
    pts = np.array([(v.dxf.location.x, v.dxf.location.y) for v in boundary.vertices])
    assert boundary.is_closed
    assert pts == pytest.approx(np.array(piece.cut_cm) * 10.0)
    grain = doc.blocks["FRONT_M"].query("LINE[layer=='7']").first
    assert (grain.dxf.start.x, grain.dxf.start.y) == pytest.approx(np.array(piece.grain_cm[0]) * 10)


def test_dxf_passes_audit_and_has_no_layout_blocks(dxf_file: Path) -> None:
    doc = ezdxf.readfile(dxf_file)
    auditor = doc.audit()
    assert not auditor.has_errors, [str(e) for e in auditor.errors]
    raw = dxf_file.read_text("ascii")
    assert "$MODEL_SPACE" not in raw.upper() and "*MODEL_SPACE" not in raw.upper()
    assert "\nTABLES\n" not in raw  # the ASTM exporter writes no TABLES section
    assert raw.startswith("  0\nSECTION\n  2\nHEADER\n") and raw.rstrip().endswith("EOF")


def test_dxf_header_extents_are_real_and_cover_the_drawing(dxf_file: Path) -> None:
    doc = ezdxf.readfile(dxf_file)
    lo, hi = doc.header["$EXTMIN"], doc.header["$EXTMAX"]
    assert all(abs(v) < 1e6 for v in (*lo, *hi))
    assert lo[0] > 0 and lo[1] > 0  # not a drawing cornered at (0, 0)
    ext = bbox.extents(doc.modelspace())
    assert lo[0] <= ext.extmin.x + 1e-6 and lo[1] <= ext.extmin.y + 1e-6
    assert hi[0] >= ext.extmax.x - 1e-6 and hi[1] >= ext.extmax.y - 1e-6
    assert hi[0] - lo[0] < 1.2 * ext.size.x and hi[1] - lo[1] < 1.2 * ext.size.y


def test_dxf_pieces_do_not_overlap_on_the_sheet(pattern: PatternSet) -> None:
    doc = build_dxf(pattern)
    boxes = []
    for insert in doc.modelspace().query("INSERT"):
        e = bbox.extents([insert])
        boxes.append(box(e.extmin.x, e.extmin.y, e.extmax.x, e.extmax.y))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a.intersection(b).area == 0


def test_dxf_without_header_is_the_exporters_own(pattern: PatternSet, tmp_path: Path) -> None:
    path = tmp_path / "plain.dxf"
    write_dxf(pattern, path, header=False, points=True)
    raw = path.read_text("ascii")
    assert raw.startswith("  0\nSECTION\n  2\nHEADER\n  0\nENDSEC\n")
    doc = ezdxf.readfile(path)
    layers = Counter(e.dxf.layer for e in doc.blocks["FRONT_M"])
    assert layers["2"] > 0 and layers["3"] > 0  # turn and curve points
    assert not doc.audit().has_errors


@pytest.mark.parametrize("garment", ["tshirt", "hoodie"])
@pytest.mark.parametrize("points", [False, True])
def test_dxf_text_is_tag_for_tag_what_ezdxfs_astm_exporter_writes(garment: str, points: bool) -> None:
    """`write_dxf` writes the entities itself (ezdxf's generic export took half the extraction chain's time);
    what it writes must stay exactly what ezdxf's ASTM-D6673 exporter writes for the same drawing."""
    measured = BOXY_M | {"hood_height": 35.0, "hood_width": 25.0, "hem_band_height": 6.0, "cuff_height": 6.0}
    pattern = graded_pattern(garment, "M", measured, ["S", "M", "XL"])
    stream = io.StringIO()
    gerber_D6673.export_stream(build_dxf(pattern, points=points), stream)
    assert dxf_text(pattern, header=False, points=points) == stream.getvalue()


def _pdf_path_ops(pdf: bytes) -> int:
    """Count the line-drawing operators in a PDF's (Flate-compressed or plain) content streams."""
    count = 0
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        data = m.group(1)
        with contextlib.suppress(zlib.error):
            data = zlib.decompress(data)
        count += len(re.findall(rb"[\d.\-]+ [\d.\-]+ l\b", data))
    return count


def test_librecad_renders_the_dxf(dxf_file: Path, tmp_path: Path) -> None:
    """An independent reader (LibreCAD, libdxfrw) draws the file: a PDF with the pieces' lines in it."""
    if shutil.which("librecad") is None:
        missing("SEAMLINE_REQUIRE_LIBRECAD", "librecad is not installed (Debian package librecad)")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(tmp_path))
    subprocess.run(
        ["timeout", "60", "librecad", "dxf2pdf", "-a", "-t", str(tmp_path), str(dxf_file)],
        env=env,
        capture_output=True,
        timeout=90,
        check=False,  # it exits 0 even when it fails: the PDF is the proof
    )
    pdf = tmp_path / (dxf_file.stem + ".pdf")
    assert pdf.exists(), "LibreCAD wrote no PDF"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1024
    assert _pdf_path_ops(data) > 500  # the outlines and texts of 12 pieces, not an empty page
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "30", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
        page = np.asarray(Image.open(tmp_path / "page.png").convert("L"))
        assert (page < 128).mean() > 0.001  # ink on the page


# ---------------------------------------------------------------------------------------------------------------
# SVG


def _root(text: str) -> ET.Element:
    return ET.fromstring(text.encode("utf-8"))


def test_svg_is_one_to_one_in_millimetres() -> None:
    root = _root(svg_document(rectangle_pattern()))
    w, h = root.get("width"), root.get("height")
    assert w.endswith("mm") and h.endswith("mm")
    vb = [float(v) for v in root.get("viewBox").split()]
    assert vb[:2] == [0.0, 0.0] and vb[2] == float(w[:-2]) and vb[3] == float(h[:-2])
    grain = root.find(f".//{SVG}line[@class='grain']")
    x1, y1, x2, y2 = (float(grain.get(k)) for k in ("x1", "y1", "x2", "y2"))
    assert x1 == x2 and abs(y2 - y1) == 100.0  # the 10 cm grain line is exactly 100 user units (mm)
    assert y2 < y1  # +y up the garment is up the page
    cut = root.find(f".//{SVG}polygon[@class='cut']")
    xs = [float(p.split(",")[0]) for p in cut.get("points").split()]
    ys = [float(p.split(",")[1]) for p in cut.get("points").split()]
    assert max(xs) - min(xs) == 220.0 and max(ys) - min(ys) == 320.0
    assert vb[2] == 220.0 + 2 * 15.0 and vb[3] == 320.0 + 2 * 15.0  # margins of 15 mm


def test_svg_of_a_size_has_every_piece_with_lines_and_labels(pattern: PatternSet, tmp_path: Path) -> None:
    path = tmp_path / "pattern.svg"
    write_svg(pattern, path, size="L")
    root = ET.parse(path).getroot()
    groups = root.findall(f"{SVG}g[@class='piece']")
    assert [g.get("data-piece") for g in groups] == ["front", "back", "sleeve", "neckband"]
    assert {g.get("data-size") for g in groups} == {"L"}
    for g in groups:
        classes = Counter(e.get("class") for e in g)
        assert classes["cut"] == 1 and classes["sew"] == 1 and classes["grain"] == 1
        assert classes["notch"] >= 1 and classes["label"] >= 2
    assert len(root.findall(f".//{SVG}line[@class='fold']")) == 2
    everything = _root(svg_document(pattern, "all"))
    assert len(everything.findall(f"{SVG}g[@class='piece']")) == 4 * len(SIZES)
    with pytest.raises(UserError, match="XXL"):
        svg_document(pattern, "XXL")


def test_graded_nest_png_and_svg(pattern: PatternSet, tmp_path: Path) -> None:
    png = tmp_path / "nest.png"
    graded_nest_png(pattern, png)
    img = Image.open(png).convert("RGB")
    assert img.width > 600 and img.height > 300
    arr = np.asarray(img).reshape(-1, 3)
    for i in range(len(SIZES)):  # every size's colour is drawn
        colour = np.array([int(SIZE_COLOURS[i][k : k + 2], 16) for k in (1, 3, 5)])
        assert (np.abs(arr - colour).sum(axis=1) < 10).sum() > 200
    svg = tmp_path / "nest.svg"
    graded_nest_svg(pattern, svg)
    root = ET.parse(svg).getroot()
    outlines = root.findall(f".//{SVG}polygon[@class='outline']")
    assert len(outlines) == 4 * len(SIZES)
    assert root.get("width").endswith("mm")
