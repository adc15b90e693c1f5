"""A realistic sample tech pack (a boxy tee in six sizes) for the renderer's tests and the tech-pack bench.

It is built from the project's own machinery so it looks like what the production hand-off makes: the bundled
boxy-tee flat (`design_ai.garments.tops.flat`), a `flat`-engine render of it in the approved colorway, the base
measurements graded with the bundled grade rules, the base size's pieces from `draft_pieces`, and a bottom-left-fill
marker of a 1-2-1 size ratio (the raster nester: deterministic and quick). Suppliers, carbon figures and people are
illustrative, not sourced; construction uses real ISO 4915 stitch types and ISO 4916 seam classes as a
technologist would write them for a jersey tee. Text in Korean, Japanese and Chinese, and a comment with
markup in it, exercise the renderer's scripts and escaping.
"""

from __future__ import annotations

import io
import tempfile
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from PIL import Image

from design_ai.garments.tops.flat import PRESETS
from design_ai.patterns.accuracy import truth_cm
from design_ai.techpack.from_garment import construction_steps, pom_rows
from design_ai.techpack.model import (
    BomLine,
    CarbonStage,
    PieceDrawing,
    ReviewEntry,
    RevisionEntry,
    SignOff,
    Swatch,
    TechPackDoc,
)

__all__ = ["SAMPLE_BASE_MEASUREMENTS", "SAMPLE_SIZES", "sample_doc"]

SAMPLE_SIZES = ["XS", "S", "M", "L", "XL", "XXL"]
SAMPLE_BASE_MEASUREMENTS: dict[str, float] = truth_cm(PRESETS["boxy-tee"], "tshirt")
"""Size M of the bundled boxy tee (`design_ai.garments.tops.flat.PRESETS["boxy-tee"]`), finished, flat, in cm."""

_COLORWAYS = [
    Swatch("Ink Navy", "#233A5E", "navy 19-4024 (Pantone-like)"),
    Swatch("Oat Heather", "#D8CDBB", "oat 13-1008 (Pantone-like)"),
    Swatch("Forest", "#2F4F3A", "green 19-5918 (Pantone-like)"),
    Swatch("서울 Red", "#B3282D", "red 19-1662 (Pantone-like)"),
]
_APPROVED = "Ink Navy"
_GSM = 180.0
_UNITS = 1200
_RATIO = {"S": 1, "M": 2, "L": 1}
_WIDTH_CM = 180.0


def _png(img: Image.Image) -> bytes:
    """PNG bytes with no timestamp or other varying chunk: the same picture always gives the same bytes."""
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


@lru_cache(maxsize=1)
def _generated() -> tuple[
    bytes, bytes, tuple[PieceDrawing, ...], dict[str, dict[str, float]], str, dict[str, float], bytes
]:
    """The expensive parts, made once per process: flat, draft, pieces, graded POMs, marker."""
    from design_ai.garments.tops.flat import PRESETS, draw_tee_flat
    from design_ai.generate.engines.flat import render_draft
    from design_ai.patterns.grading import graded_pattern
    from design_ai.patterns.marker import marker_for_pattern, marker_png

    flat, _ = draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=7)
    navy = next(s for s in _COLORWAYS if s.name == _APPROVED).hex
    rgb = (int(navy[1:3], 16), int(navy[3:5], 16), int(navy[5:7], 16))
    draft = render_draft(flat, colour=rgb, texture="jersey", seed=14, width=600, height=720)
    pattern = graded_pattern("tshirt", "M", SAMPLE_BASE_MEASUREMENTS, SAMPLE_SIZES)
    pieces = tuple(
        PieceDrawing(
            name=p.name,
            size=p.size,
            cut=p.cut,
            on_fold=p.on_fold,
            cut_cm=list(p.cut_cm),
            sew_cm=list(p.sew_cm),
            grain_cm=p.grain_cm,
            notches_cm=list(p.notches_cm),
            area_cm2=p.area_cm2,
        )
        for p in pattern.pieces["M"]
    )
    result = marker_for_pattern(pattern, _RATIO, _WIDTH_CM, engine="blf")
    cons = result.consumption
    marker = {
        "length_m": round(cons.marker_length_m, 4),
        "width_m": cons.fabric_width_m,
        "efficiency": round(cons.efficiency, 4),
        "per_garment_m": round(cons.fabric_per_garment_m, 4),
        "per_garment_m2": round(cons.fabric_per_garment_m2, 4),
        "garments": float(cons.garments),
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "marker.png"
        marker_png(result, None, path, max_px=1600)
        marker_bytes = path.read_bytes()
    return _png(flat), _png(draft), pieces, pattern.measurements_cm, pattern.grade_source, marker, marker_bytes


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def sample_doc(*, released: bool = False) -> TechPackDoc:
    """The sample tech pack: a draft by default, or with `released=True` revision A as released.

    Each call returns a new document (the images and geometry behind it are made once per process).
    """
    flat_png, design_png, pieces, graded, grade_source, marker, marker_bytes = _generated()
    rounded = {s: {k: round(v, 2) for k, v in graded[s].items()} for s in SAMPLE_SIZES}
    poms = pom_rows("tshirt", rounded, SAMPLE_SIZES)
    m2 = marker["per_garment_m2"]
    fabric = {
        "m2": round(m2, 4),
        "kg": round(m2 * _GSM / 1000, 4),
        "m_at_width": marker["per_garment_m"],
        "waste_pct": round(100 * (1 - marker["efficiency"]), 2),
    }
    carbon = [
        CarbonStage("Fibre", 0.34, 0.22, 0.55, "Textile Exchange (2014), LCA of organic cotton fiber"),
        CarbonStage("Spinning", 0.62, 0.40, 0.95, "Quantis (2018), Measuring Fashion: yarn preparation"),
        CarbonStage("Fabric formation", 0.28, 0.18, 0.42, "Quantis (2018), Measuring Fashion: fabric preparation"),
        CarbonStage("Wet processing", 0.95, 0.60, 1.50, "Quantis (2018), Measuring Fashion: dyeing and finishing"),
        CarbonStage("Cut-make-trim", 0.30, 0.18, 0.45, "Quantis (2018), Measuring Fashion: assembly"),
        CarbonStage("Transport", 0.10, 0.04, 0.25, "GLEC Framework v2.0 (2019), sea and road freight"),
        CarbonStage("Trims", 0.05, 0.03, 0.09, "Illustrative: labels, thread and polybag"),
    ]
    c, lo, hi = (round(sum(getattr(s, k) for s in carbon), 4) for k in ("kg_co2e", "low", "high"))
    total = (c, lo, hi)
    order = (round(c * _UNITS, 2), round(lo * _UNITS, 2), round(hi * _UNITS, 2))
    bom = [
        BomLine(
            "Shell fabric",
            "Organic cotton single jersey, 180 g/m², 180 cm open width, GOTS certified",
            "Anatolia Organic Knits (sample)",
            fabric["m2"],
            "m²",
            "Front, back, sleeves",
            "Pre-shrunk; max 5 % shrinkage after 3 washes at 40 °C",
        ),
        BomLine(
            "Neck rib",
            "Cotton/elastane 95/5 1x1 rib, 220 g/m², tubular",
            "Anatolia Organic Knits (sample)",
            0.024,
            "m²",
            "Neckband",
            "Dyed to match the body",
        ),
        BomLine(
            "Sewing thread",
            "Core-spun polyester, Tex 27, colour matched",
            "宁波 线业 (sample)",
            150,
            "m",
            "All seams and hems",
            "Overlock loopers Tex 18 textured",
        ),
        BomLine("Shoulder tape", "Cotton twill tape, 10 mm", "Anatolia Trims (sample)", 0.36, "m", "Shoulder seams"),
        BomLine(
            "Main label",
            "Woven damask label 50 x 20 mm, folded",
            "Label Co. (sample)",
            1,
            "pcs",
            "Centre back neck, in the neck seam",
        ),
        BomLine(
            "Care label",
            "Printed satin, ISO 3758 care symbols, fibre content",
            "Label Co. (sample)",
            1,
            "pcs",
            "Left side seam, 10 cm above the hem",
        ),
        BomLine("Hang tag", "FSC recycled board with cotton string", "Label Co. (sample)", 1, "pcs", "Left sleeve"),
        BomLine(
            "Polybag",
            "Recycled LDPE polybag 30 x 40 cm, 40 µm, with suffocation warning",
            "PackRight (sample)",
            1,
            "pcs",
            "Folded garment",
        ),
    ]
    construction = construction_steps("tshirt")
    review = [
        ReviewEntry(
            1,
            "sent back",
            "Mina Park",
            _at(12, 10, 5),
            "Neckline reads too wide: try a <b>narrower</b> rib & lower the drop by 1 cm.",
            draft_id=7,
        ),
        ReviewEntry(
            2, "approved", "山田 花子", _at(14, 16, 40), "Approved in Ink Navy. 좋습니다 — go to patterns.", 14
        ),
    ]
    signoffs = [
        SignOff("Designer", "이재원 (Jae-won Lee)", _at(14, 17)),
        SignOff("Reviewer", "山田 花子", _at(14, 16, 40)),
        SignOff("Production", "Tomás Ferreira", _at(20, 9, 30) if released else None),
    ]
    revisions = [RevisionEntry("DRAFT", "draft", _at(18, 11), "seamline", "Built from approved draft 14")]
    if released:
        revisions.append(RevisionEntry("A", "released", _at(20, 9, 30), "Tomás Ferreira", "First release"))
    return TechPackDoc(
        style_number="SL-SS27-014",
        collection="SS27 서울 Everyday 東京",
        season="Spring/Summer 2027",
        look_name="Everyday Boxy Tee",
        garment="tshirt",
        revision="A" if released else "DRAFT",
        status="released" if released else "draft",
        created_at=_at(20 if released else 18, 9, 30),
        design_png=design_png,
        flat_png=flat_png,
        material_name="Organic cotton single jersey, 180 g/m²",
        colorways=list(_COLORWAYS),
        approved_colorway=_APPROVED,
        bom=bom,
        sizes=list(SAMPLE_SIZES),
        base_size="M",
        poms=poms,
        grade_source=grade_source,
        pieces=list(pieces),
        marker=dict(marker),
        marker_png=marker_bytes,
        construction=construction,
        carbon=carbon,
        carbon_total=total,
        carbon_order=order,
        units=_UNITS,
        fabric_per_garment=fabric,
        comparison="−24 % against conventional cotton jersey (same pattern and marker)",
        review=review,
        signoffs=signoffs,
        revisions=revisions,
        notes=[
            "Sample data for tests and benchmarks: suppliers, people and carbon figures are illustrative.",
            "Pre-production sample in size M, in Ink Navy, before bulk cutting; wash test to ISO 6330 6N.",
            "工場へ: サイズMのサンプルを先に縫製してください。",
        ],
    )
