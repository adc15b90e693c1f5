"""Grading: a garment's measurements over a size range, from one base size and a table of grade rules.

The size chart (`size_chart.yaml` beside this module: the sizes in order and their aliases) is shared; each
garment's increments (cm per size step, per point of measure) and their source come from its module in the
garment library (`design_ai/garments/<family>/grade_rules.yaml`, whose header says what the numbers rest on).
A size's value is the base size's value plus (size index - base index) x increment, so with non-negative
increments every POM is non-decreasing from a smaller size to a larger one. POMs the table does not grade
for that garment keep the base value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from design_ai import garments
from design_ai.errors import UserError
from design_ai.patterns.model import PatternSet
from design_ai.patterns.pieces import draft_pieces

__all__ = ["SIZE_CHART_PATH", "GradeRules", "grade", "graded_pattern", "load_grade_rules", "size_index"]

SIZE_CHART_PATH = Path(__file__).with_name("size_chart.yaml")


@dataclass(frozen=True)
class GradeRules:
    """The grade table: size order, size aliases, increments (cm per size step) per garment and POM."""

    sizes: tuple[str, ...]
    aliases: dict[str, str]
    increments: dict[str, dict[str, float]]
    source: str  # every source the table rests on, one per line
    sources: dict[str, str] = field(default_factory=dict)  # garment -> the source of its increments

    def source_for(self, garment: str) -> str:
        return self.sources.get(garment, self.source)

    def canonical(self, label: str) -> str:
        """The size chart's spelling of a size label (case-insensitive, aliases resolved); UserError if unknown."""
        key = str(label).strip().upper()
        key = self.aliases.get(key, key)
        if key not in self.sizes:
            raise UserError(f"unknown size {label!r}; the grade table knows {', '.join(self.sizes)}")
        return key


def _parse_rules(data: Any, where: str) -> GradeRules:
    if not isinstance(data, dict):
        raise ValueError(f"{where}: the grade table must be a mapping")
    sizes = data.get("sizes")
    if not isinstance(sizes, list) or not sizes or len(set(sizes)) != len(sizes):
        raise ValueError(f"{where}: 'sizes' must be a list of distinct size labels")
    aliases = {str(k).upper(): str(v).upper() for k, v in (data.get("aliases") or {}).items()}
    for alias, target in aliases.items():
        if target not in sizes:
            raise ValueError(f"{where}: alias {alias} points at unknown size {target}")
    garments = data.get("garments")
    if not isinstance(garments, dict) or not garments:
        raise ValueError(f"{where}: 'garments' must map garment -> POM -> increment")
    increments: dict[str, dict[str, float]] = {}
    for garment, poms in garments.items():
        increments[garment] = {}
        for pom, inc in poms.items():
            if not isinstance(inc, int | float) or inc < 0:
                raise ValueError(f"{where}: {garment}.{pom} must be a number >= 0 (cm per size), got {inc!r}")
            increments[garment][pom] = float(inc)
    source = str(data.get("source") or "").strip()
    if not source:
        raise ValueError(f"{where}: the grade table must name its source")
    return GradeRules(tuple(str(s).upper() for s in sizes), aliases, increments, source)


@lru_cache(maxsize=4)
def load_grade_rules(path: Path | None = None) -> GradeRules:
    """The grade table: by default the size chart with every registered garment's rules; or one whole table
    (sizes, aliases, garments, source) read from `path`, e.g. a brand's own. Cached per path."""
    if path is not None:
        with open(path, encoding="utf-8") as fh:
            return _parse_rules(yaml.safe_load(fh), str(path))
    with open(SIZE_CHART_PATH, encoding="utf-8") as fh:
        chart = yaml.safe_load(fh)
    increments, sources = {}, {}
    for name in garments.names():
        increments[name], sources[name] = garments.get(name).grade_increments()
    table = {**chart, "garments": increments, "source": "\n".join(dict.fromkeys(sources.values()))}
    return replace(_parse_rules(table, str(SIZE_CHART_PATH)), sources=sources)


def size_index(label: str, rules: GradeRules | None = None) -> int:
    """Position of a size in the chart (XXS = 0, ...); UserError naming an unknown label."""
    rules = rules or load_grade_rules()
    return rules.sizes.index(rules.canonical(label))


def grade(
    garment: str,
    base_size: str,
    base_measurements_cm: dict[str, float],
    sizes: Iterable[str],
    *,
    rules: GradeRules | None = None,
) -> dict[str, dict[str, float]]:
    """Measurements (POM -> cm) of every size in `sizes`, graded from those of `base_size`.

    The result is ordered from the smallest to the largest size and keyed by the labels as given (duplicates
    dropped); the base size's own entry equals `base_measurements_cm` exactly. Raises UserError for an unknown
    garment or size label (named in the message), no sizes, or a measurement graded down to <= 0 cm.
    """
    rules = rules or load_grade_rules()
    if garment not in rules.increments:
        raise UserError(f"no grade rules for garment {garment!r}; the table has {', '.join(sorted(rules.increments))}")
    labels = list(dict.fromkeys(str(s).strip() for s in sizes))
    if not labels:
        raise UserError("no sizes to grade")
    base = size_index(base_size, rules)
    indexed = sorted(((size_index(s, rules), s) for s in labels), key=lambda t: t[0])
    inc = rules.increments[garment]
    out: dict[str, dict[str, float]] = {}
    for idx, label in indexed:
        steps = idx - base
        graded: dict[str, float] = {}
        for pom, value in base_measurements_cm.items():
            v = float(value) + steps * inc.get(pom, 0.0)  # not rounded: rounding could break monotonicity
            if v <= 0 < float(value):
                raise UserError(f"size {label}: {pom} grades down to {v:.2f} cm from {value} cm at {base_size}")
            graded[pom] = v
        out[label] = graded
    return out


def graded_pattern(
    garment: str,
    base_size: str,
    measurements_cm: dict[str, float],
    sizes: Iterable[str],
    *,
    rules: GradeRules | None = None,
    features: Mapping[str, str] | None = None,
    **piece_options: Any,
) -> PatternSet:
    """Grade the base measurements over `sizes` and draft every size's pieces (`draft_pieces` options pass on;
    `features`, what the picture showed beyond its POMs, e.g. a raglan sleeve, too)."""
    rules = rules or load_grade_rules()
    graded = grade(garment, base_size, measurements_cm, sizes, rules=rules)
    pieces = {
        size: draft_pieces(garment, m, size=size, features=features, **piece_options) for size, m in graded.items()
    }
    return PatternSet(
        garment=garment,
        base_size=base_size,
        sizes=list(graded),
        measurements_cm=graded,
        pieces=pieces,
        grade_source=rules.source_for(garment),
    )
