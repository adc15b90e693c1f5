"""Fabric and carbon per garment and per order, by stage, from a pattern's marker and the material library.

The model (all pure arithmetic over the bundled factors; no I/O beyond reading the YAML once):

1. Fabric bought per garment = the marker area per garment (m²), which includes the cutting waste between pieces;
   kg = m² x gsm / 1000. Cutting waste % = 1 - pieces' area / marker area.
2. Fibre, spinning, fabric formation and wet processing scale with the kg of fabric bought (main fabric plus rib),
   through kg CO2e per kg of finished fabric from `library.fabric_stage_factors` (which already carries the
   spinning and knitting/weaving losses upstream).
3. Cut-make-trim: minutes of making x kWh per minute x electricity factor, per garment.
4. Transport: the fibre bought travels to the mills and between them (t.km by sea and road), the packed garment
   travels to a European warehouse; per garment.
5. Trims: sewing thread (seam length x thread per metre of seam x tex), woven main label, printed care label, hang
   tag, polybag; per garment.

Every stage has a central value and a low and high bound; totals add the bounds stage by stage (an outer
envelope). The boundary is cradle to factory gate plus transport to distribution: no retail, use or end of life.

A comparison against a baseline material runs the same model with the same marker, rib, seams and trims, so the
difference is the material alone. Seamline reports only savings it computes this way, never a quoted figure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from design_ai import garments
from design_ai.errors import UserError
from design_ai.garments.base import Trim
from design_ai.sustain.library import (
    FABRIC_STAGES,
    Band,
    Material,
    cite,
    electricity_band,
    fabric_stage_factors,
    fibre_kg_per_kg_fabric,
    load_factors,
    load_materials,
    yarn_factor,
)

__all__ = [
    "DEFAULT_BASELINE_MATERIAL",
    "Estimate",
    "RuleOfThumb",
    "SizeResult",
    "StageResult",
    "TrimResult",
    "estimate",
    "rule_of_thumb_kg",
]

DEFAULT_BASELINE_MATERIAL = "cotton-jersey-180"  # conventional cotton jersey: the usual "compared with" for a tee
MINUS = "\u2212"  # typographic minus for human strings


@dataclass(frozen=True)
class StageResult:
    """kg CO2e per garment for one life-cycle stage, its low and high bound, and short citations."""

    stage: str
    kg_co2e: float
    low: float
    high: float
    sources: list[str]
    detail: str = ""  # how it was computed, in words and numbers

    def as_json(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "kg_co2e": round(self.kg_co2e, 4),
            "low": round(self.low, 4),
            "high": round(self.high, 4),
            "sources": list(self.sources),
            "detail": self.detail,
        }


@dataclass(frozen=True)
class TrimResult:
    """One trim per garment: quantity, mass and carbon (for the bill of materials)."""

    name: str
    quantity: float
    unit: str  # "m" for thread, "pc" for the rest
    kg: float
    kg_co2e: float
    low: float
    high: float


@dataclass(frozen=True)
class SizeResult:
    """One size of the order: garments, fabric per garment and carbon per garment."""

    size: str
    garments: int
    fabric_m2: float | None  # None when the pieces' area per size was not given (then the marker average applies)
    kg_co2e: float
    low: float
    high: float


@dataclass(frozen=True)
class Estimate:
    """Fabric and carbon of one garment in one material, and of the order; with a comparison when asked."""

    material_key: str
    material_name: str
    garment: str
    fabric_m2: float  # marker area per garment (m²), cutting waste included
    pieces_m2: float | None  # area of the cut pieces per garment (m²)
    cutting_waste_pct: float | None  # 100 x (1 - pieces / marker)
    fabric_kg: float  # main fabric bought per garment (kg)
    rib_material_key: str | None
    rib_m2: float
    rib_kg: float
    fibre_kg: float  # fibre behind the fabric and rib bought, spinning and knitting losses included
    garment_kg: float  # the sewn garment with its trims (no packaging)
    stages: list[StageResult]
    trims: list[TrimResult]
    total_kg_co2e: float  # per garment
    total_low: float
    total_high: float
    order_garments: int
    order_kg_co2e: float
    order_low: float
    order_high: float
    sizes: list[SizeResult] = field(default_factory=list)
    baseline_key: str | None = None
    baseline_name: str | None = None
    baseline_kg_co2e: float | None = None
    comparison_pct: float | None = None  # negative = less carbon than the baseline
    comparison: str | None = None  # e.g. "−7 % against Conventional cotton single jersey, 180 g/m² (...)"
    assumptions: dict[str, Any] = field(default_factory=dict)

    @property
    def kg_co2e_per_kg_fabric(self) -> float:
        """Cradle-to-gate intensity of the fabric stages per kg of fabric bought (main + rib)."""
        fabric = sum(s.kg_co2e for s in self.stages if s.stage in FABRIC_STAGES)
        return fabric / (self.fabric_kg + self.rib_kg)

    def stage(self, name: str) -> StageResult:
        """The result of one stage by name (see `library.STAGES`)."""
        for s in self.stages:
            if s.stage == name:
                return s
        raise KeyError(name)

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (floats rounded to 4 decimals)."""

        def r(v: Any) -> Any:
            return round(v, 4) if isinstance(v, float) else v

        out: dict[str, Any] = {}
        for k, v in asdict(self).items():
            if k == "stages":
                out[k] = [s.as_json() for s in self.stages]
            elif k in ("trims", "sizes"):
                out[k] = [{kk: r(vv) for kk, vv in item.items()} for item in v]
            else:
                out[k] = r(v)
        out["kg_co2e_per_kg_fabric"] = r(self.kg_co2e_per_kg_fabric)
        return out


class RuleOfThumb(NamedTuple):
    """The factory rule of thumb for fabric per garment (kg): net, and with 7 % and 10 % waste."""

    net_kg: float
    low_kg: float
    high_kg: float


def rule_of_thumb_kg(
    body_length_cm: float,
    sleeve_length_cm: float,
    chest_width_cm: float,
    gsm: float,
    *,
    length_allowance_cm: float = 10.0,
    width_allowance_cm: float = 5.0,
) -> RuleOfThumb:
    """Fabric per garment by the cutting-room rule, to cross-check a marker.

    (body length + sleeve length + allowances) x (flat chest width + allowance) x 2 x gsm / 10⁷ kg, plus 7-10 %
    waste (DESIGN.md). Lengths in cm, gsm in g/m²; cm x cm x g/m² / 10⁷ is kg. The allowances (hems and seams)
    default to 10 cm in length and 5 cm in width; the factor 2 is front and back.
    """
    for name, v in (
        ("body length", body_length_cm),
        ("sleeve length", sleeve_length_cm),
        ("chest width", chest_width_cm),
        ("gsm", gsm),
    ):
        if not (isinstance(v, int | float) and math.isfinite(v) and v > 0):
            raise UserError(f"{name} must be a positive number, got {v!r}")
    net = (body_length_cm + sleeve_length_cm + length_allowance_cm) * (chest_width_cm + width_allowance_cm)
    net_kg = net * 2 * gsm / 1e7
    return RuleOfThumb(net_kg, net_kg * 1.07, net_kg * 1.10)


# ---------------------------------------------------------------------------------------------------------------
# checks


def _material(key: str, what: str) -> Material:
    materials = load_materials()
    if key not in materials:
        raise UserError(f"unknown {what} {key!r} (known: {', '.join(sorted(materials))})")
    return materials[key]


def _positive(name: str, v: Any, *, zero_ok: bool = False) -> float:
    ok = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and (v >= 0 if zero_ok else v > 0)
    if not ok:
        raise UserError(f"{name} must be a {'non-negative' if zero_ok else 'positive'} number, got {v!r}")
    return float(v)


def _check_ratio(sizes_ratio: dict[str, int]) -> None:
    if not sizes_ratio or any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in sizes_ratio.values()):
        raise UserError(f"the size ratio must map sizes to whole numbers >= 0, got {sizes_ratio!r}")
    if sum(sizes_ratio.values()) == 0:
        raise UserError("the size ratio has no garments (all counts are 0)")


def _split(units: int, ratio: dict[str, int]) -> dict[str, int]:
    """Split `units` garments over sizes in proportion to `ratio` (largest remainder, so the parts sum to units)."""
    total = sum(ratio.values())
    exact = {s: units * n / total for s, n in ratio.items()}
    out = {s: math.floor(x) for s, x in exact.items()}
    rest = units - sum(out.values())
    for s in sorted(exact, key=lambda s: exact[s] - out[s], reverse=True)[:rest]:
        out[s] += 1
    return out


# ---------------------------------------------------------------------------------------------------------------
# the model


@dataclass(frozen=True)
class _Garment:
    stages: list[StageResult]
    trims: list[TrimResult]
    total: Band
    fabric_kg: float
    rib_kg: float
    fibre_kg: float
    garment_kg: float


def _trim_factor(mat_key: str, elec: Band, elec_src: tuple[str, ...], grid: str | None) -> tuple[Band, list[str]]:
    """kg CO2e per kg of a trim material (factors.yaml trims.materials) and the sources it rests on: a textile
    one built from the fabric stages, the others from their own factor (film blowing's electricity added)."""
    mats = load_factors()["trims"]["materials"]
    if mat_key not in mats:
        raise ValueError(f"factors.yaml has no trim material {mat_key!r}")
    mat = mats[mat_key]
    if "textile" in mat:
        spec = mat["textile"]
        label = Material(key=mat_key, name=mat_key, fibre={spec["fibre"]: 100}, construction="trim", gsm=1,
                         width_cm=1, texture="woven", fabric=spec["fabric"], yarn_nm=spec["yarn_nm"],
                         wet=spec["wet"], spinning=spec["spinning"])  # fmt: skip
        sf = fabric_stage_factors(label, grid=grid)
        return Band.total(s.band for s in sf.values()), [k for s in sf.values() for k in s.sources]
    factor = Band(mat["value"], mat["low"], mat["high"])
    keys = list(mat["sources"])
    if mat_key == "ldpe-film":
        blow = mats["ldpe-film-blowing"]
        factor = factor + Band(blow["value"], blow["low"], blow["high"]) * elec
        keys += [*blow["sources"], *elec_src]
    return factor, keys


def _trims(
    seam_length_m: float, elec: Band, elec_src: tuple[str, ...], grid: str | None, garment_trims: Sequence[Trim] = ()
) -> tuple[list[TrimResult], Band, list[str]]:
    t = load_factors()["trims"]
    thread = t["thread"]
    ratio = Band(thread["m_per_m_seam"]["value"], thread["m_per_m_seam"]["low"], thread["m_per_m_seam"]["high"])
    tex = thread["tex"]["value"]  # g per 1000 m
    thread_m = ratio * seam_length_m
    thread_kg = thread_m * (tex / 1e6)
    thread_f, thread_src = yarn_factor(thread["fibre"], thread["spinning"], 1000.0 / tex, "synthetic", grid=grid)
    thread_co2 = thread_kg * thread_f
    results = [
        TrimResult(
            "Sewing thread (spun polyester, tex 27)",
            thread_m.value,
            "m",
            thread_kg.value,
            thread_co2.value,
            thread_co2.low,
            thread_co2.high,
        )
    ]
    total = thread_co2
    keys: list[str] = [*thread["m_per_m_seam"]["sources"], *thread_src]

    common = [(t["items"][k]["name"], t["items"][k]["material"], 1.0, "pc",
               Band(t["items"][k]["grams"]["value"], t["items"][k]["grams"]["low"], t["items"][k]["grams"]["high"]))
              for k in ("main_label", "care_label", "hang_tag", "polybag")]  # fmt: skip
    # The garment's own trims (a hoodie's drawcord and eyelets), from its module in the garment library.
    own = [(tr.name, tr.material, tr.quantity, tr.unit, Band.of(tr.grams * tr.quantity)) for tr in garment_trims]
    for name, mat_key, quantity, unit, grams in [*common, *own]:
        factor, factor_keys = _trim_factor(mat_key, elec, elec_src, grid)
        keys += factor_keys
        co2 = grams * (1 / 1000) * factor
        results.append(TrimResult(name, quantity, unit, grams.value / 1000, co2.value, co2.low, co2.high))
        total = total + co2
    keys += t["items"]["sources"]
    return results, total, keys


def _model(
    material: Material,
    consumption_m2: float,
    pieces_m2: float | None,
    rib: Material | None,
    rib_m2: float,
    seam_length_m: float,
    garment: str,
    grid: str | None,
) -> _Garment:
    """Per-garment stages for one material; inputs already checked."""
    f = load_factors()
    elec, elec_src = electricity_band(grid)

    fabric_kg = consumption_m2 * material.gsm / 1000.0
    rib_kg = rib_m2 * rib.gsm / 1000.0 if rib is not None else 0.0
    main = fabric_stage_factors(material, grid=grid)
    ribf = fabric_stage_factors(rib, grid=grid) if rib is not None and rib_kg > 0 else None

    stages: list[StageResult] = []
    for name in FABRIC_STAGES:
        band = main[name].band * fabric_kg
        keys = list(main[name].sources)
        detail = f"{fabric_kg:.4f} kg fabric x {main[name].band.value:.3f} kg CO2e/kg ({main[name].detail})"
        if ribf is not None:
            band = band + ribf[name].band * rib_kg
            keys += ribf[name].sources
            detail += f" + {rib_kg:.4f} kg rib x {ribf[name].band.value:.3f}"
        stages.append(StageResult(name, band.value, band.low, band.high, cite(keys), detail))

    # cut-make-trim: making minutes x kWh/min x grid
    cmt = f["cmt"]
    minutes_node = cmt["minutes"]["by_garment"][garment]
    minutes = Band(minutes_node["value"], minutes_node["low"], minutes_node["high"])
    kwh_min = Band(cmt["kwh_per_minute"]["value"], cmt["kwh_per_minute"]["low"], cmt["kwh_per_minute"]["high"])
    cmt_band = minutes * kwh_min * elec
    stages.append(
        StageResult(
            "cut-make-trim",
            cmt_band.value,
            cmt_band.low,
            cmt_band.high,
            cite([*cmt["kwh_per_minute"]["sources"], *cmt["minutes"]["sources"], *elec_src]),
            f"{minutes.value:g} min x {kwh_min.value:g} kWh/min x {elec.value:g} kg CO2e/kWh",
        )
    )

    # trims (thread from the seam length), then the shipped garment's mass for transport
    trims, trims_band, trim_keys = _trims(seam_length_m, elec, elec_src, grid, garments.get(garment).trims())
    fibre_kg = fibre_kg_per_kg_fabric(material) * fabric_kg
    if rib is not None and rib_kg > 0:
        fibre_kg = fibre_kg + fibre_kg_per_kg_fabric(rib) * rib_kg
    sewn_fabric_kg = (pieces_m2 if pieces_m2 is not None else consumption_m2) * material.gsm / 1000.0 + rib_kg
    trims_kg = sum(t.kg for t in trims)
    packaging_kg = next(t.kg for t in trims if t.name.startswith("Polybag")) + next(
        t.kg for t in trims if t.name.startswith("Hang tag")
    )
    garment_kg = sewn_fabric_kg + trims_kg - packaging_kg

    tr = f["transport"]
    sea = tr["modes"]["sea"]["value"]
    road = tr["modes"]["road"]["value"]
    legs = tr["legs"]
    route = Band(tr["route"]["value"], tr["route"]["low"], tr["route"]["high"])
    up = (legs["upstream"]["sea_km"] * sea + legs["upstream"]["road_km"] * road) / 1000.0  # kg CO2e per kg
    out = (legs["outbound"]["sea_km"] * sea + legs["outbound"]["road_km"] * road) / 1000.0
    shipped_kg = sewn_fabric_kg + trims_kg
    transport = (fibre_kg * up + Band.of(shipped_kg * out)) * route
    stages.append(
        StageResult(
            "transport",
            transport.value,
            transport.low,
            transport.high,
            cite([*tr["modes"]["sea"]["sources"], *tr["modes"]["road"]["sources"], *tr["route"]["sources"]]),
            f"{fibre_kg.value:.4f} kg fibre x {up:.3f} + {shipped_kg:.4f} kg packed garment x {out:.3f} kg CO2e/kg",
        )
    )
    stages.append(
        StageResult(
            "trims",
            trims_band.value,
            trims_band.low,
            trims_band.high,
            cite(trim_keys),
            f"thread for {seam_length_m:g} m of seams, 2 labels, hang tag, polybag"
            + "".join(f", {t.name.split(' (')[0].lower()}" for t in trims[5:]),
        )
    )
    total = Band.total(Band(s.kg_co2e, s.low, s.high) for s in stages)
    return _Garment(stages, trims, total, fabric_kg, rib_kg, fibre_kg.value, garment_kg)


def estimate(
    material_key: str,
    *,
    consumption_m2_per_garment: float,
    pieces_area_m2_per_garment: float | None = None,
    sizes_ratio: dict[str, int] | None = None,
    units: int | None = None,
    rib_material_key: str | None = "cotton-rib-220",
    rib_m2_per_garment: float = 0.0,
    seam_length_m: float | None = None,
    baseline_material_key: str | None = None,
    garment: str = "tshirt",
    size_pieces_area_m2: dict[str, float] | None = None,
    grid: str | None = None,
) -> Estimate:
    """Fabric and CO2e per garment by stage (with low/high), per order, and against a baseline material.

    - `consumption_m2_per_garment`: marker area / garments in the marker (`Consumption.fabric_per_garment_m2`),
      cutting waste included. `pieces_area_m2_per_garment`: the pieces' area per garment
      (`Consumption.pieces_area_m2 / garments`), for the cutting-waste % and the sewn garment's weight.
    - `rib_material_key` / `rib_m2_per_garment`: the neckband or cuffs cut from a second fabric (0 m² = none).
    - `seam_length_m`: stitched length per garment for the thread; default from factors.yaml by garment type.
    - `units`: garments in the order. Without units the order is one lay of the marker: the size ratio's sum (or 1).
      With a size ratio, the units are split over the sizes in proportion.
    - `size_pieces_area_m2`: pieces' area per garment of each size; gives carbon per size at the marker's efficiency.
    - `baseline_material_key`: the same model with the same marker, rib, seams and trims in another material.
    - `grid`: the electricity grid of the mills when known ("CN", "IN", "EU27", "WORLD"); None = not chosen yet
      (China's grid, with the world average and India's grid as the bounds).

    Raises UserError (one line) for an unknown material, a non-positive consumption, units <= 0, or pieces larger
    than the marker area.
    """
    # 1. check inputs, before any work
    material = _material(material_key, "material")
    consumption = _positive("fabric consumption per garment (m²)", consumption_m2_per_garment)
    pieces = None
    if pieces_area_m2_per_garment is not None:
        pieces = _positive("pieces' area per garment (m²)", pieces_area_m2_per_garment)
        if pieces > consumption * (1 + 1e-9):
            raise UserError(
                f"the pieces' area per garment ({pieces:.4f} m²) exceeds the marker area per garment "
                f"({consumption:.4f} m²)"
            )
    rib_m2 = _positive("rib area per garment (m²)", rib_m2_per_garment, zero_ok=True)
    rib = _material(rib_material_key, "rib material") if rib_material_key is not None else None
    if rib is None and rib_m2 > 0:
        raise UserError(f"a rib area of {rib_m2} m² needs a rib material")
    if units is not None and (isinstance(units, bool) or not isinstance(units, int) or units <= 0):
        raise UserError(f"units must be a whole number of garments > 0, got {units!r}")
    if sizes_ratio is not None:
        _check_ratio(sizes_ratio)
    minutes = load_factors()["cmt"]["minutes"]["by_garment"]
    if garment not in minutes:
        raise UserError(f"unknown garment {garment!r} (known: {', '.join(sorted(minutes))})")
    if seam_length_m is None:
        seam_length_m = float(load_factors()["trims"]["thread"]["seam_length_m"][garment])
    seams = _positive("seam length per garment (m)", seam_length_m, zero_ok=True)
    grids = load_factors()["energy"]["electricity"]["grids"]
    if grid is not None and grid not in grids:
        raise UserError(f"unknown electricity grid {grid!r} (known: {', '.join(sorted(grids))})")
    baseline = _material(baseline_material_key, "baseline material") if baseline_material_key is not None else None
    if size_pieces_area_m2 is not None:
        if pieces is None:
            raise UserError("carbon per size needs the pieces' area per garment (for the marker efficiency)")
        for size, area in size_pieces_area_m2.items():
            _positive(f"pieces' area of size {size} (m²)", area)

    # 2. this garment in this material
    g = _model(material, consumption, pieces, rib, rib_m2, seams, garment, grid)

    # 3. the order
    if units is not None:
        order_garments = units
    elif sizes_ratio is not None:
        order_garments = sum(sizes_ratio.values())
    else:
        order_garments = 1
    sizes: list[SizeResult] = []
    if sizes_ratio is not None:
        per_size = _split(order_garments, sizes_ratio) if units is not None else dict(sizes_ratio)
        efficiency = pieces / consumption if pieces is not None else None
        for size, n in per_size.items():
            if size_pieces_area_m2 is not None and size in size_pieces_area_m2 and efficiency:
                m2 = size_pieces_area_m2[size] / efficiency
                gs = _model(material, m2, size_pieces_area_m2[size], rib, rib_m2, seams, garment, grid)
                sizes.append(SizeResult(size, n, m2, gs.total.value, gs.total.low, gs.total.high))
            else:
                sizes.append(SizeResult(size, n, None, g.total.value, g.total.low, g.total.high))

    # 4. the baseline: same marker, rib, seams and trims
    base_total = comparison_pct = comparison = None
    if baseline is not None:
        b = _model(baseline, consumption, pieces, rib, rib_m2, seams, garment, grid)
        base_total = b.total.value
        comparison_pct = 100.0 * (g.total.value - base_total) / base_total
        comparison = _comparison_text(comparison_pct, baseline.name)

    elec, _ = electricity_band(grid)
    f = load_factors()
    return Estimate(
        material_key=material.key,
        material_name=material.name,
        garment=garment,
        fabric_m2=consumption,
        pieces_m2=pieces,
        cutting_waste_pct=100.0 * (1 - pieces / consumption) if pieces is not None else None,
        fabric_kg=g.fabric_kg,
        rib_material_key=rib.key if rib is not None and rib_m2 > 0 else None,
        rib_m2=rib_m2,
        rib_kg=g.rib_kg,
        fibre_kg=g.fibre_kg,
        garment_kg=g.garment_kg,
        stages=g.stages,
        trims=g.trims,
        total_kg_co2e=g.total.value,
        total_low=g.total.low,
        total_high=g.total.high,
        order_garments=order_garments,
        order_kg_co2e=g.total.value * order_garments,
        order_low=g.total.low * order_garments,
        order_high=g.total.high * order_garments,
        sizes=sizes,
        baseline_key=baseline.key if baseline is not None else None,
        baseline_name=baseline.name if baseline is not None else None,
        baseline_kg_co2e=base_total,
        comparison_pct=comparison_pct,
        comparison=comparison,
        assumptions={
            "boundary": "cradle to factory gate, plus transport to a European warehouse; no use or end of life",
            "electricity_kg_per_kwh": {
                "central": elec.value,
                "low": elec.low,
                "high": elec.high,
                "grids": {k: f["energy"]["electricity"][k] for k in ("default", "low", "high")}
                if grid is None
                else {"central": grid, "low": grid, "high": grid},
            },
            "heat_kg_per_mj": {k: f["energy"]["heat"][k] for k in ("value", "low", "high")},
            "cmt_minutes": f["cmt"]["minutes"]["by_garment"][garment],
            "seam_length_m": seams,
            "bounds": "low and high add every stage at its own bound (an outer envelope)",
        },
    )


def _comparison_text(pct: float, baseline_name: str) -> str:
    """The human line, e.g. "−7 % against Conventional cotton single jersey, 180 g/m² (same pattern and marker)"."""
    rounded = round(pct)
    if rounded == 0:
        head = "±0 %"
    elif rounded < 0:
        head = f"{MINUS}{-rounded} %"
    else:
        head = f"+{rounded} %"
    return f"{head} against {baseline_name} (same pattern and marker)"
