"""The estimate of an approved design: its marker's fabric, carbon by stage, and the comparison, kept once."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlmodel import select

from design_ai.config import Settings
from design_ai.db.models import EstimateRow, Look, PatternSetRow
from design_ai.db.session import session_scope
from design_ai.errors import UserError
from design_ai.sustain.estimate import estimate

__all__ = ["RIB_CUTTING_EFFICIENCY", "estimate_data", "estimate_for_pattern", "garment_area_m2", "is_rib_piece"]

RIB_PIECES = frozenset({"neckband", "armband", "cuff", "waistband"})  # patterns kept before pieces had a category
RIB_CUTTING_EFFICIENCY = 0.85  # rib bands are strips: an assumed 85 % of a rib marker is used, when none was nested


def is_rib_piece(piece: dict[str, Any]) -> bool:
    """Whether a stored piece is cut from the rib (its category; by name for patterns kept before categories)."""
    return piece.get("category", "RIB" if piece["name"] in RIB_PIECES else "SELF") == "RIB"


def garment_area_m2(pieces: list[dict[str, Any]], *, rib: bool) -> float:
    """Fabric area of one garment's pieces (cut count, and both halves of a piece cut on the fold)."""
    total = 0.0
    for p in pieces:
        if is_rib_piece(p) != rib:
            continue
        total += p["area_cm2"] * p["cut"] * (2 if p["on_fold"] else 1)
    return total / 1e4


def _rib_m2(marker: dict[str, Any], base_pieces: list[dict[str, Any]]) -> float:
    """Rib bought per garment: from the rib pieces' own marker (cutting waste included) when it was nested,
    else their area over an assumed cutting efficiency."""
    rib = (marker.get("rib") or {}).get("consumption")
    if rib:
        return float(rib["fabric_per_garment_m2"])
    return garment_area_m2(base_pieces, rib=True) / RIB_CUTTING_EFFICIENCY


def estimate_for_pattern(pattern_id: int, *, settings: Settings) -> int:
    """Estimate (or find) the carbon of a pattern in its look's material; returns the estimate id."""
    url = settings.resolved_database_url
    with session_scope(url, readonly=True) as session:
        row = session.get(PatternSetRow, pattern_id)
        if row is None:
            raise UserError(f"no pattern set with id {pattern_id}")
        look = session.get(Look, row.look_id)
        assert look is not None
        spec = look.spec
        marker = (row.marker or {}).get("consumption")
        if not marker:
            raise UserError(
                f"look {look.id} has no size ratio, so no marker to take the fabric from", where="size_ratio"
            )
        base = row.pieces[row.base_size]
        args: dict[str, Any] = {
            "material_key": look.material,
            "consumption_m2_per_garment": marker["fabric_per_garment_m2"],
            "pieces_area_m2_per_garment": marker["pieces_area_m2"] / marker["garments"],
            "sizes_ratio": spec.get("size_ratio"),
            "units": spec.get("units"),
            "rib_material_key": "cotton-rib-220",
            "rib_m2_per_garment": _rib_m2(row.marker or {}, base),
            "baseline_material_key": spec.get("baseline_material") or settings.baseline_material,
            "garment": look.garment,
            "size_pieces_area_m2": {s: garment_area_m2(ps, rib=False) for s, ps in row.pieces.items()},
        }
        if args["baseline_material_key"] == look.material:
            args["baseline_material_key"] = None
        params_hash = hashlib.sha256(json.dumps(args, sort_keys=True).encode()).hexdigest()
        found = session.exec(
            select(EstimateRow).where(EstimateRow.pattern_id == pattern_id, EstimateRow.params_hash == params_hash)
        ).first()
        if found is not None:
            return found.id  # type: ignore[return-value]
        look_id = look.id
    result = estimate(**args)
    with session_scope(url) as session:
        found = session.exec(
            select(EstimateRow).where(EstimateRow.pattern_id == pattern_id, EstimateRow.params_hash == params_hash)
        ).first()
        if found is not None:
            return found.id  # type: ignore[return-value]
        est = EstimateRow(
            pattern_id=pattern_id, look_id=look_id, material=args["material_key"],
            baseline=args["baseline_material_key"], params_hash=params_hash,
            kg_co2e_per_garment=result.total_kg_co2e, data={"inputs": args, **result.as_json()},
        )  # fmt: skip
        session.add(est)
        session.flush()
        return est.id  # type: ignore[return-value]


def estimate_data(estimate_id: int, *, settings: Settings) -> dict[str, Any]:
    """A stored estimate's figures (stages, totals, sources), as the hand-off flow's carbon table shows them."""
    with session_scope(settings.resolved_database_url, readonly=True) as session:
        row = session.get(EstimateRow, estimate_id)
        if row is None:
            raise UserError(f"no estimate with id {estimate_id}", where="estimate")
        return dict(row.data)
