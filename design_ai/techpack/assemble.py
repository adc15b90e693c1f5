"""Assemble a tech pack from the database: the approved draft, its pattern and estimate, the review record.

`build_bundle` is what the release rules call: it returns the PDF, DXF and SVG in memory with the spec that
defines the design (what "unchanged" compares). Pattern and estimate are made on the way if missing, so the
hand-off flow and a release of a look made with `--no-wait` take the same path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, select

from design_ai import garments
from design_ai.config import Settings
from design_ai.db.models import (
    Brief,
    Draft,
    EstimateRow,
    Look,
    PatternSetRow,
    ReviewDecision,
    ReviewRound,
    TechPack,
    Verdict,
)
from design_ai.db.session import session_scope
from design_ai.patterns.service import pattern_for_draft
from design_ai.store import Store
from design_ai.sustain.library import get_material
from design_ai.sustain.service import estimate_for_pattern, is_rib_piece
from design_ai.techpack.from_garment import construction_spec, construction_steps, pom_rows
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
from design_ai.techpack.release import Bundle

__all__ = ["build_bundle", "style_number"]


def style_number(brief: Brief, look: Look) -> str:
    return f"{brief.season}-{brief.id:03d}-{look.position + 1:02d}"


def _pieces(pieces: list[dict[str, Any]]) -> list[PieceDrawing]:
    def pts(raw: list[list[float]]) -> list[tuple[float, float]]:
        return [(float(x), float(y)) for x, y in raw]

    return [
        PieceDrawing(
            name=p["name"],
            size=p["size"],
            cut=p["cut"],
            on_fold=p["on_fold"],
            cut_cm=pts(p["polygon_cm"]),
            sew_cm=pts(p["sew_polygon_cm"]),
            grain_cm=tuple(pts(p["grain_line_cm"])),  # type: ignore[arg-type]
            notches_cm=pts(p["notches_cm"]),
            area_cm2=p["area_cm2"],
        )
        for p in pieces
    ]


def _names(pieces: list[dict[str, Any]]) -> str:
    return ", ".join(dict.fromkeys(p["name"].replace("_", " ") for p in pieces)).capitalize()


def _bom(est: dict[str, Any], material_key: str, garment: str, pieces: list[dict[str, Any]]) -> list[BomLine]:
    """Shell fabric and rib (each with the pieces cut from it), then the trims the estimate costed, placed
    where the garment library says."""
    material = get_material(material_key)
    rib = get_material(est.get("rib_material_key") or "") if est.get("rib_material_key") else None
    supplier = material.supplier if material and material.supplier else "to be nominated by production"
    lines = [
        BomLine(
            "Shell fabric",
            material.name if material else material_key,
            supplier,
            round(est["fabric_m2"], 3),
            "m²",
            _names([p for p in pieces if not is_rib_piece(p)]),
            f"{est['fabric_kg']:.3f} kg bought, cutting waste {est['cutting_waste_pct']:.1f} %"
            if est.get("cutting_waste_pct") is not None
            else "",
        ),
    ]
    if rib is not None and est.get("rib_m2"):
        lines.append(BomLine("Rib", rib.name, rib.supplier or "to be nominated by production",
                             round(est["rib_m2"], 3), "m²", _names([p for p in pieces if is_rib_piece(p)]),
                             f"{est['rib_kg']:.3f} kg"))  # fmt: skip
    placement = {t.name: t.placement for t in garments.get(garment).trims()}
    for trim in est.get("trims", []):
        lines.append(BomLine(trim["name"], trim["name"], "to be nominated by production", trim["quantity"],
                             trim["unit"], placement.get(trim["name"], ""), f"{trim['kg'] * 1000:.1f} g"))  # fmt: skip
    return lines


def build_bundle(
    draft_id: int,
    *,
    settings: Settings,
    store: Store,
    revision: str | None,
    status: str,
    released_by: str | None,
    released_at: datetime | None,
) -> Bundle:
    """The tech pack of an approved draft, rendered: PDF (with this revision and status), DXF, SVG, spec."""
    from design_ai.techpack.pdf import render_pdf

    pattern_id = pattern_for_draft(draft_id, settings=settings, store=store)
    estimate_id = estimate_for_pattern(pattern_id, settings=settings)
    with session_scope(settings.resolved_database_url, readonly=True) as s:
        draft = s.get(Draft, draft_id)
        assert draft is not None
        look = s.get(Look, draft.look_id)
        assert look is not None
        brief = s.get(Brief, look.brief_id)
        assert brief is not None
        pattern = s.get(PatternSetRow, pattern_id)
        est_row = s.get(EstimateRow, estimate_id)
        assert pattern is not None and est_row is not None
        decisions = s.exec(
            select(ReviewDecision, ReviewRound)
            .join(ReviewRound, ReviewRound.id == ReviewDecision.round_id)  # type: ignore[arg-type]
            .where(ReviewDecision.look_id == look.id)
            .order_by(ReviewRound.number)
        ).all()
        released = s.exec(
            select(TechPack)
            .where(TechPack.look_id == look.id, TechPack.status == "released")
            .order_by(col(TechPack.released_at))
        ).all()
        spec_look = dict(look.spec)
        est = dict(est_row.data)
        sizes = list(pattern.measurements)
        approval = next((d for d, _ in reversed(decisions) if d.verdict == Verdict.APPROVE), None)
        review = [
            ReviewEntry(r.number, d.verdict, d.reviewer, d.decided_at, d.comment, d.draft_id) for d, r in decisions
        ]
        revisions = [
            RevisionEntry(tp.revision or "", tp.status, tp.released_at or tp.created_at, tp.released_by or "", "")
            for tp in released
        ]
        material = get_material(look.material)
        doc_values = {
            "style": style_number(brief, look),
            "brief": brief,
            "look_name": look.name,
            "garment": look.garment,
            "material_key": look.material,
            "draft_image": draft.image_key,
            "sketch": look.sketch_key,
            "colorway": draft.colorway_name,
            "pattern": pattern,
            "created": brief.created_at,
        }
    if revision is not None:
        revisions.append(RevisionEntry(revision, status, released_at or datetime.now(), released_by or "", "released"))
    spec = {
        "style_number": doc_values["style"],
        "look_id": look.id,
        "look": spec_look,
        "draft_id": draft_id,
        "draft_image_sha256": draft.image_key.rsplit("/", 1)[-1].split(".")[0],
        "pattern_id": pattern_id,
        "estimate_id": estimate_id,
        "pattern_files": {k: v for k, v in pattern.files.items() if k in ("json", "dxf", "svg")},
        "measurements_cm": pattern.measurements,
        "marker": (pattern.marker or {}).get("consumption"),
        "carbon": {k: est[k] for k in ("total_kg_co2e", "total_low", "total_high", "comparison", "stages")},
        "construction": construction_spec(look.garment),
    }
    marker = (pattern.marker or {}).get("consumption", {})
    doc = TechPackDoc(
        style_number=doc_values["style"],
        collection=brief.collection,
        season=brief.season,
        look_name=look.name,
        garment=look.garment,
        revision=revision or "DRAFT",
        status=status if revision else "draft",
        created_at=released_at or doc_values["created"],
        design_png=store.get(draft.image_key),
        flat_png=store.get(look.sketch_key),
        material_name=material.name if material else look.material,
        colorways=[Swatch(c["name"], c["hex"], c.get("label")) for c in spec_look["colorways"]],
        approved_colorway=draft.colorway_name,
        bom=_bom(est, look.material, look.garment, pattern.pieces[pattern.base_size]),
        sizes=sizes,
        base_size=pattern.base_size,
        poms=pom_rows(look.garment, pattern.measurements, sizes),
        grade_source=str(pattern.params.get("grade_source", ""))
        or f"design_ai/garments/{garments.get(look.garment).family}/grade_rules.yaml",
        pieces=_pieces(pattern.pieces[pattern.base_size]),
        marker={
            "length_m": marker.get("marker_length_m", 0.0),
            "width_m": marker.get("fabric_width_m", 0.0),
            "efficiency": marker.get("efficiency", 0.0),
            "per_garment_m": marker.get("fabric_per_garment_m", 0.0),
            "per_garment_m2": marker.get("fabric_per_garment_m2", 0.0),
            "garments": marker.get("garments", 0),
        },
        marker_png=store.get(pattern.files["marker_png"]) if "marker_png" in pattern.files else None,
        construction=construction_steps(look.garment),
        carbon=[
            CarbonStage(st["stage"], st["kg_co2e"], st["low"], st["high"], "; ".join(st.get("sources", [])[:2]))
            for st in est["stages"]
        ],
        carbon_total=(est["total_kg_co2e"], est["total_low"], est["total_high"]),
        carbon_order=(est["order_kg_co2e"], est["order_low"], est["order_high"]),
        units=est["order_garments"],
        fabric_per_garment={
            "m2": est["fabric_m2"],
            "kg": est["fabric_kg"],
            "m_at_width": marker.get("fabric_per_garment_m", 0.0),
            "waste_pct": est.get("cutting_waste_pct") or 0.0,
        },
        comparison=est.get("comparison") or "",
        review=review,
        signoffs=[
            SignOff("Designer", brief.author or "—", brief.created_at),
            SignOff("Reviewer", approval.reviewer if approval else "—", approval.decided_at if approval else None),
            SignOff("Production", released_by or "—", released_at),
        ],
        revisions=revisions,
        notes=[
            "Carbon: cradle to factory gate plus sea freight, per garment; low/high add every stage at its bound.",
            f"Grade rules: {pattern.params.get('grade_source') or 'Seamline grade table (see pattern.json)'}",
        ],
    )
    return Bundle(
        spec=spec,
        pdf=render_pdf(doc),
        dxf=store.get(pattern.files["dxf"]),
        svg=store.get(pattern.files["svg"]),
    )
