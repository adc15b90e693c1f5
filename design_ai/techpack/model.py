"""Everything a tech-pack PDF shows, as plain values: the renderer reads only this, never the database.

The assembler (`design_ai.techpack.assemble`) fills it from the brief, the approved draft, the pattern set,
the estimate and the review record; the renderer (`design_ai.techpack.pdf`) lays it out. Units: cm for
measurements and pattern geometry, metres and m² for fabric, kg CO2e for carbon.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = [
    "BomLine",
    "CarbonStage",
    "ConstructionStep",
    "PieceDrawing",
    "PomRow",
    "ReviewEntry",
    "RevisionEntry",
    "SignOff",
    "Swatch",
    "TechPackDoc",
]


@dataclass(frozen=True)
class Swatch:
    name: str
    hex: str  # "#RRGGBB"
    label: str | None = None


@dataclass(frozen=True)
class BomLine:
    component: str  # "Shell fabric", "Neck rib", "Sewing thread", "Main label", "Care label", "Polybag", ...
    description: str
    supplier: str
    quantity: float  # per garment
    unit: str  # "m²", "m", "kg", "pcs", ...
    placement: str = ""
    notes: str = ""


@dataclass(frozen=True)
class PomRow:
    code: str  # e.g. "A"
    name: str  # e.g. "body_length"
    description: str  # how it is measured
    tolerance_cm: float  # ±
    values_cm: dict[str, float]  # size -> value


@dataclass(frozen=True)
class PieceDrawing:
    name: str
    size: str
    cut: int
    on_fold: bool
    cut_cm: list[tuple[float, float]]
    sew_cm: list[tuple[float, float]]
    grain_cm: tuple[tuple[float, float], tuple[float, float]]
    notches_cm: list[tuple[float, float]]
    area_cm2: float


@dataclass(frozen=True)
class ConstructionStep:
    operation: str  # "Join shoulders", "Attach neckband", ...
    seam_class: str  # ISO 4916, e.g. "1.01.01 (SSa)"
    stitch_type: str  # ISO 4915, e.g. "514 (4-thread overlock)"
    stitches_per_cm: float
    notes: str = ""


@dataclass(frozen=True)
class CarbonStage:
    stage: str  # fibre, spinning, fabric formation, wet processing, cut-make-trim, transport, trims
    kg_co2e: float  # per garment
    low: float
    high: float
    source: str  # short citation


@dataclass(frozen=True)
class ReviewEntry:
    round: int
    verdict: str
    reviewer: str
    when: datetime
    comment: str
    draft_id: int | None = None


@dataclass(frozen=True)
class SignOff:
    role: str  # "Designer", "Reviewer", "Production"
    name: str
    when: datetime | None


@dataclass(frozen=True)
class RevisionEntry:
    revision: str  # "A", "B", ...
    status: str  # draft | released
    when: datetime
    by: str
    note: str = ""


@dataclass
class TechPackDoc:
    style_number: str
    collection: str
    season: str
    look_name: str
    garment: str
    revision: str  # "A" ... or "DRAFT"
    status: str  # draft | released
    created_at: datetime
    design_png: bytes  # the approved draft
    flat_png: bytes  # the designer's front flat (sketch)
    material_name: str
    colorways: list[Swatch]
    approved_colorway: str | None
    bom: list[BomLine]
    sizes: list[str]
    base_size: str
    poms: list[PomRow]
    grade_source: str
    pieces: list[PieceDrawing]  # the base size
    marker: dict[str, float]  # length_m, width_m, efficiency, per_garment_m, per_garment_m2, garments
    marker_png: bytes | None
    construction: list[ConstructionStep]
    carbon: list[CarbonStage]  # per garment
    carbon_total: tuple[float, float, float]  # kg CO2e per garment: central, low, high
    carbon_order: tuple[float, float, float]  # the whole order (size ratio x units)
    units: int
    fabric_per_garment: dict[str, float]  # m2, kg, m_at_width, waste_pct
    comparison: str  # e.g. "-31 % against conventional cotton jersey (same pattern and marker)"
    review: list[ReviewEntry] = field(default_factory=list)
    signoffs: list[SignOff] = field(default_factory=list)
    revisions: list[RevisionEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
