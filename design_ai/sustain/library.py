"""The material library: fabrics a brief may name, their emission factors by stage, and where each number comes from.

Three bundled YAML files, read once per process:

- `materials.yaml`: fabrics as bought (composition, construction, gsm, usable width, texture for the flat engine,
  and the processes the carbon model needs: fabric formation, yarn count, wet-processing route).
- `factors.yaml`: fibre factors (kg CO2e per kg fibre), process energy (kWh and MJ per kg), electricity and heat
  factors, cut-make-trim, transport and trims, each with `value`, `low`, `high`, `sources`, `confidence`, `note`.
- `sources.yaml`: the bibliography the factors cite (title, authors or organisation, year, where in the document).

`fabric_stage_factors` turns a material into kg CO2e per kg of *finished fabric bought* for the four fabric stages
(fibre, spinning, fabric formation, wet processing). Upstream masses are the fabric divided by the yields of the
steps after them, so 1 kg of jersey needs 1/(1 - 3.4 %) kg of yarn and that yarn 1/(1 - 12 %) kg of cotton fibre.
Every number is carried as a `Band` (central, low, high); bands combine element-wise (lows with lows), which gives
an outer envelope: the low total is every stage at its low end at once, and likewise the high.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, model_validator

__all__ = [
    "FABRIC_STAGES",
    "STAGES",
    "Band",
    "Factor",
    "Material",
    "Source",
    "StageFactor",
    "cite",
    "electricity_band",
    "fabric_stage_factors",
    "fibre_factor",
    "fibre_kg_per_kg_fabric",
    "get_material",
    "heat_band",
    "iter_factors",
    "load_factors",
    "load_materials",
    "load_sources",
    "yarn_factor",
]

# Stage names as the estimate, the tech pack and the chart show them, in life-cycle order.
FABRIC_STAGES = ("fibre", "spinning", "fabric formation", "wet processing")
STAGES = (*FABRIC_STAGES, "cut-make-trim", "transport", "trims")

FabricProcess = Literal["knit", "weave"]
WetRoute = Literal["natural-cellulose", "manmade-cellulose", "synthetic", "animal"]
SpinningRoute = Literal["ring", "filament"]


class Material(BaseModel):
    """A fabric as bought: composition by fibre (% by weight), construction, weight and width, and its processes.

    `gsm` is the finished fabric's weight (g/m²) and `width_cm` its usable width, which is the marker width.
    `fabric`, `yarn_nm`, `wet` and `spinning` choose the process data in factors.yaml (see materials.yaml).
    """

    key: str
    name: str
    fibre: dict[str, float]
    construction: str
    gsm: float = Field(gt=0)
    width_cm: float = Field(gt=0)
    texture: str
    fabric: FabricProcess = "knit"
    yarn_nm: float = Field(default=50.0, gt=0, description="yarn count, metres per gram")
    wet: WetRoute = "natural-cellulose"
    spinning: SpinningRoute | None = None
    supplier: str | None = Field(default=None, description="Nominated mill; the BOM says 'to be nominated' without")

    @model_validator(mode="after")
    def _composition(self) -> Material:
        if not self.fibre or any(not (v > 0) for v in self.fibre.values()):
            raise ValueError(f"{self.key}: fibre shares must be positive percentages")
        total = sum(self.fibre.values())
        if abs(total - 100.0) > 0.01:
            raise ValueError(f"{self.key}: fibre composition sums to {total:g} %, not 100 %")
        return self


class Source(BaseModel):
    """One publication (or a Seamline assumption) that a factor cites."""

    key: str
    cite: str  # short in-text citation, e.g. "Textile Exchange (2014)"
    title: str
    authors: str
    year: int = Field(ge=1900, le=2100)
    publisher: str = ""
    kind: Literal["peer-reviewed", "report", "method", "database", "secondary", "assumption"]
    note: str = ""

    def reference(self) -> str:
        """A one-line reference: authors (year). Title. Publisher."""
        tail = f" {self.publisher}." if self.publisher else ""
        return f"{self.authors} ({self.year}). {self.title}.{tail}"


class Factor(BaseModel):
    """One cited number with its range: `low <= value <= high`, in `unit`."""

    value: float
    low: float
    high: float
    unit: str = ""
    sources: list[str]
    location: str = ""
    confidence: Literal["high", "medium", "low"] = "medium"
    note: str = ""
    verify_against: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ordered(self) -> Factor:
        if not (self.low <= self.value <= self.high):
            raise ValueError(f"need low <= value <= high, got {self.low} / {self.value} / {self.high}")
        if not self.sources:
            raise ValueError("a factor needs at least one source")
        return self

    @property
    def band(self) -> Band:
        return Band(self.value, self.low, self.high)


@dataclass(frozen=True)
class Band:
    """A central value with its low and high bound. Arithmetic is element-wise (for non-negative quantities)."""

    value: float
    low: float
    high: float

    @classmethod
    def of(cls, x: float) -> Band:
        return cls(x, x, x)

    def __add__(self, other: Band) -> Band:
        return Band(self.value + other.value, self.low + other.low, self.high + other.high)

    def __mul__(self, other: Band | float) -> Band:
        if isinstance(other, Band):
            return Band(self.value * other.value, self.low * other.low, self.high * other.high)
        return Band(self.value * other, self.low * other, self.high * other)

    __rmul__ = __mul__

    def inverse_yield(self) -> Band:
        """1 / (1 - loss) for a loss band: the input needed per unit of output (low loss gives the low input)."""
        return Band(1 / (1 - self.value), 1 / (1 - self.low), 1 / (1 - self.high))

    @staticmethod
    def total(bands: Iterable[Band]) -> Band:
        out = Band.of(0.0)
        for b in bands:
            out = out + b
        return out


@dataclass(frozen=True)
class StageFactor:
    """kg CO2e per kg of finished fabric bought, for one fabric stage, with the source keys behind it."""

    stage: str
    band: Band
    sources: tuple[str, ...]
    detail: str = ""  # how it was built, e.g. "1.176 kg fibre x 1.808"


@dataclass(frozen=True)
class _Yarn:
    """Per kg of yarn: fibre input and the spinning route's numbers."""

    route: str
    fibre_in: Band  # kg fibre per kg yarn
    kwh: Band  # kWh per kg yarn at this count
    sources: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------------------------------------------------------
# loading


def _read_yaml(name: str) -> Any:
    text = resources.files("design_ai.sustain").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@lru_cache(maxsize=1)
def load_materials() -> dict[str, Material]:
    """All materials in the bundled library, by key (read once per process)."""
    raw = _read_yaml("materials.yaml")
    return {key: Material(key=key, **value) for key, value in raw.items()}


def get_material(key: str) -> Material | None:
    """The material with this key, or None."""
    return load_materials().get(key)


@lru_cache(maxsize=1)
def load_sources() -> dict[str, Source]:
    """The bibliography, by key."""
    raw = _read_yaml("sources.yaml")
    return {key: Source(key=key, **value) for key, value in raw.items()}


@lru_cache(maxsize=1)
def load_factors() -> dict[str, Any]:
    """factors.yaml as parsed YAML (read once). Use the helpers below rather than indexing it by hand."""
    return _read_yaml("factors.yaml")


def cite(keys: Iterable[str]) -> list[str]:
    """Short citations for source keys, in order, without repeats."""
    sources = load_sources()
    out: list[str] = []
    for k in keys:
        c = sources[k].cite
        if c not in out:
            out.append(c)
    return out


def iter_factors() -> Iterator[tuple[str, Factor]]:
    """Every cited number of factors.yaml that has a `value`, as (dotted path, Factor) - for audits and tests."""

    def walk(node: Any, path: str, inherited: list[str]) -> Iterator[tuple[str, Factor]]:
        if isinstance(node, dict):
            sources = node.get("sources", inherited)
            if "value" in node and isinstance(node["value"], int | float):
                data = {
                    k: node[k] for k in ("value", "low", "high", "unit", "location", "confidence", "note") if k in node
                }
                data.setdefault("low", node["value"])
                data.setdefault("high", node["value"])
                yield path, Factor(sources=list(sources), **data)
            for k, v in node.items():
                if k != "sources":
                    yield from walk(v, f"{path}.{k}" if path else str(k), list(sources))

    yield from walk(load_factors(), "", [])


# ---------------------------------------------------------------------------------------------------------------
# factors


def _factor(node: dict[str, Any]) -> Factor:
    keys = ("value", "low", "high", "unit", "sources", "location", "confidence", "note", "verify_against")
    return Factor(**{k: node[k] for k in keys if k in node})


def fibre_factor(name: str) -> Factor:
    """kg CO2e per kg of fibre `name` (a key under `fibres:`), following `proxy:` entries."""
    fibres = load_factors()["fibres"]
    if name not in fibres:
        raise KeyError(f"no emission factor for fibre {name!r} (known: {', '.join(sorted(fibres))})")
    node = fibres[name]
    if "proxy" in node:
        base = fibre_factor(node["proxy"])
        return base.model_copy(
            update={
                "sources": [*base.sources, *node.get("sources", [])],
                "confidence": node.get("confidence", base.confidence),
                "note": node.get("note", base.note),
            }
        )
    return _factor(node)


def _fibre_node(name: str) -> dict[str, Any]:
    return load_factors()["fibres"][name]


def electricity_band(grid: str | None = None) -> tuple[Band, tuple[str, ...]]:
    """kg CO2e/kWh and its sources.

    With no `grid`: the default scenario (central grid, with the low and high grids of factors.yaml as bounds), for
    a design whose mills are not known yet. With a grid key (e.g. "EU27"): that grid's factor, with no range.
    """
    el = load_factors()["energy"]["electricity"]
    grids = el["grids"]
    if grid is not None:
        if grid not in grids:
            raise KeyError(f"unknown electricity grid {grid!r} (known: {', '.join(sorted(grids))})")
        return Band.of(grids[grid]["value"]), tuple(grids[grid]["sources"])
    central, low, high = grids[el["default"]], grids[el["low"]], grids[el["high"]]
    band = Band(central["value"], low["value"], high["value"])
    keys = tuple(dict.fromkeys(central["sources"] + low["sources"] + high["sources"]))
    return band, keys


def heat_band() -> tuple[Band, tuple[str, ...]]:
    """kg CO2e per MJ of process heat delivered, and its sources."""
    f = _factor(load_factors()["energy"]["heat"])
    return f.band, tuple(f.sources)


def _yarn(route: str, yarn_nm: float) -> _Yarn:
    node = load_factors()["spinning"][route]
    kwh = _factor(node["kwh_per_kg"])
    loss = _factor(node["loss"])
    return _Yarn(route, loss.band.inverse_yield(), kwh.band * (yarn_nm / 50.0), tuple(kwh.sources + loss.sources))


def _spinning_route(material: Material, fibre: str) -> str:
    return material.spinning or _fibre_node(fibre)["spinning"]


def _fabric_formation(material: Material) -> tuple[Band, Band, tuple[str, ...], str]:
    """(kWh per kg greige fabric, yarn input per kg fabric, sources, detail) for the material's process."""
    node = load_factors()["fabric"][material.fabric]
    loss = _factor(node["loss"])
    if material.fabric == "knit":
        kwh = _factor(node["kwh_per_kg"])
        return kwh.band, loss.band.inverse_yield(), tuple(kwh.sources + loss.sources), "circular knitting"
    per_pick = _factor(node["kwh_per_pick_m"])
    # picks per cm = gsm x Nm / 100 / 2 / 1.08, so per kg of fabric: Nm / (2 x 1.08) x 1000 g x kWh per pick-metre
    kwh = per_pick.band * (material.yarn_nm / (2 * 1.08) * 1000.0)
    return kwh, loss.band.inverse_yield(), tuple(per_pick.sources + loss.sources), f"weaving at Nm {material.yarn_nm:g}"


def _wet(route: str) -> tuple[Band, Band, tuple[str, ...]]:
    """(kWh, MJ) per kg of finished fabric for a wet-processing route, and sources."""
    wet = load_factors()["wet"]
    steps = wet["routes"][route]
    kwh = sum(wet["steps"][s]["electricity_kwh"] for s in steps)
    mj = sum(wet["steps"][s]["heat_mj"] for s in steps)
    mult = _factor(wet["energy"])
    return mult.band * kwh, mult.band * mj, tuple(dict.fromkeys([*wet["sources"], *mult.sources]))


def fibre_kg_per_kg_fabric(material: Material) -> Band:
    """kg of fibre that 1 kg of finished fabric needs (spinning and fabric-formation losses)."""
    _, yarn_in, _, _ = _fabric_formation(material)
    total = Band.of(0.0)
    for fibre, pct in material.fibre.items():
        y = _yarn(_spinning_route(material, fibre), material.yarn_nm)
        total = total + yarn_in * y.fibre_in * (pct / 100.0)
    return total


def fabric_stage_factors(material: Material | str, *, grid: str | None = None) -> dict[str, StageFactor]:
    """kg CO2e per kg of finished fabric bought, for each fabric stage (fibre, spinning, fabric formation, wet).

    Masses per kg of fabric: greige fabric = 1 (no loss counted in finishing, as in Ecobalyse); yarn = 1/(1 - fabric
    loss); fibre = yarn share / (1 - spinning loss) for each fibre with its own spinning route. Energy stages use the
    electricity band (central grid, low grid, high grid; or one named `grid`) and the heat band.
    """
    m = load_materials()[material] if isinstance(material, str) else material
    elec, elec_src = electricity_band(grid)
    heat, heat_src = heat_band()
    fab_kwh, yarn_in, fab_src, fab_detail = _fabric_formation(m)

    fibre_total, spin_total = Band.of(0.0), Band.of(0.0)
    fibre_src: list[str] = []
    spin_src: list[str] = list(elec_src)
    fibre_detail, spin_detail = [], []
    for fibre, pct in m.fibre.items():
        share = pct / 100.0
        y = _yarn(_spinning_route(m, fibre), m.yarn_nm)
        f = fibre_factor(fibre)
        yarn_kg = yarn_in * share
        fibre_kg = yarn_kg * y.fibre_in
        fibre_total = fibre_total + fibre_kg * f.band
        spin_total = spin_total + yarn_kg * y.kwh * elec
        fibre_src += f.sources
        spin_src += y.sources
        fibre_detail.append(f"{fibre_kg.value:.3f} kg {fibre} x {f.value:g}")
        spin_detail.append(f"{yarn_kg.value:.3f} kg {y.route} yarn x {y.kwh.value:.2f} kWh")

    wet_kwh, wet_mj, wet_src = _wet(m.wet)
    return {
        "fibre": StageFactor("fibre", fibre_total, tuple(dict.fromkeys(fibre_src)), " + ".join(fibre_detail)),
        "spinning": StageFactor(
            "spinning",
            spin_total,
            tuple(dict.fromkeys(spin_src)),
            " + ".join(spin_detail) + f" x {elec.value:g} kg/kWh",
        ),
        "fabric formation": StageFactor(
            "fabric formation",
            fab_kwh * elec,
            tuple(dict.fromkeys([*fab_src, *elec_src])),
            f"{fab_detail}: {fab_kwh.value:.2f} kWh x {elec.value:g} kg/kWh",
        ),
        "wet processing": StageFactor(
            "wet processing",
            wet_kwh * elec + wet_mj * heat,
            tuple(dict.fromkeys([*wet_src, *elec_src, *heat_src])),
            f"{m.wet}: {wet_kwh.value:.2f} kWh x {elec.value:g} + {wet_mj.value:.1f} MJ x {heat.value:g}",
        ),
    }


def yarn_factor(
    fibre: str, route: str, yarn_nm: float, wet_route: str, *, grid: str | None = None
) -> tuple[Band, tuple[str, ...]]:
    """kg CO2e per kg of dyed yarn (fibre + spinning + yarn dyeing), e.g. sewing thread; and its sources."""
    elec, elec_src = electricity_band(grid)
    heat, heat_src = heat_band()
    y = _yarn(route, yarn_nm)
    f = fibre_factor(fibre)
    wet_kwh, wet_mj, wet_src = _wet(wet_route)
    band = y.fibre_in * f.band + y.kwh * elec + wet_kwh * elec + wet_mj * heat
    return band, tuple(dict.fromkeys([*f.sources, *y.sources, *elec_src, *wet_src, *heat_src]))
