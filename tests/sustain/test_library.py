"""Integrity of the material library: every material resolves every stage, every number is cited and ordered."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest
import yaml

from design_ai.sustain.library import (
    FABRIC_STAGES,
    fabric_stage_factors,
    fibre_factor,
    get_material,
    iter_factors,
    load_factors,
    load_materials,
    load_sources,
)

REQUIRED_FABRICS = {
    # the list: conventional, organic and recycled cotton; virgin and recycled polyester; a cotton/polyester
    # blend; linen; lyocell; viscose; wool; nylon
    "cotton": "cotton-jersey-180",
    "organic cotton": "organic-cotton-jersey-180",
    "recycled cotton": "recycled-cotton-jersey-180",
    "polyester": "polyester-jersey-140",
    "recycled polyester": "recycled-polyester-jersey-140",
    "blend": "cotton-poly-jersey-160",
    "linen": "linen-woven-160",
    "lyocell": "lyocell-jersey-170",
    "viscose": "viscose-jersey-160",
    "wool": "merino-jersey-160",
    "nylon": "nylon-woven-120",
}


def _raw(name: str) -> Any:
    return yaml.safe_load(resources.files("design_ai.sustain").joinpath(name).read_text(encoding="utf-8"))


def test_existing_keys_and_fields_still_work() -> None:
    m = get_material("organic-cotton-jersey-180")
    assert m is not None
    assert (m.gsm, m.width_cm, m.texture, m.fibre) == (180, 180, "jersey", {"organic cotton": 100})
    assert get_material("no-such-fabric") is None


@pytest.mark.parametrize("kind", sorted(REQUIRED_FABRICS))
def test_the_required_fibres_and_fabrics_are_there(kind: str) -> None:
    m = get_material(REQUIRED_FABRICS[kind])
    assert m is not None and m.gsm > 0 and m.width_cm > 0


@pytest.mark.parametrize("key", sorted(load_materials()))
def test_every_material_has_all_fabric_stages_and_a_composition_of_100(key: str) -> None:
    m = load_materials()[key]
    assert sum(m.fibre.values()) == pytest.approx(100.0)
    stages = fabric_stage_factors(key)
    assert tuple(stages) == FABRIC_STAGES
    for s in stages.values():
        assert 0 < s.band.low <= s.band.value <= s.band.high, (key, s)
        assert s.sources, (key, s.stage)


@pytest.mark.parametrize("key", sorted(load_materials()))
def test_every_fibre_of_every_material_has_a_factor(key: str) -> None:
    for fibre in load_materials()[key].fibre:
        f = fibre_factor(fibre)
        assert 0 < f.low <= f.value <= f.high


def test_every_factor_is_ordered_and_cites_a_known_source_with_title_and_year() -> None:
    sources = load_sources()
    factors = list(iter_factors())
    assert len(factors) > 30
    for path, f in factors:
        assert f.low <= f.value <= f.high, path
        assert f.sources, path
        for key in f.sources:
            assert key in sources, f"{path}: unknown source {key!r}"
            assert sources[key].title and sources[key].year, path
        for key in f.verify_against:
            assert key in sources, path


def test_every_number_in_factors_yaml_is_under_a_source() -> None:
    """Walk the raw YAML: each numeric leaf must have `sources` on its own mapping or an enclosing one."""
    sources = load_sources()
    bare: list[str] = []

    def walk(node: Any, path: str, cited: bool) -> None:
        if isinstance(node, dict):
            here = cited or bool(node.get("sources"))
            for key in node.get("sources", []):
                assert key in sources, f"{path}: unknown source {key!r}"
            for k, v in node.items():
                if k not in ("sources", "verify_against", "version"):
                    walk(v, f"{path}.{k}", here)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]", cited)
        elif isinstance(node, int | float) and not isinstance(node, bool) and not cited:
            bare.append(path)

    walk(_raw("factors.yaml"), "", False)
    assert not bare, f"numbers without a source: {bare}"


def test_sources_have_title_authors_year_and_a_kind() -> None:
    for key, s in load_sources().items():
        assert s.title and s.authors and s.cite, key
        assert 1900 < s.year <= 2026, key


def test_low_confidence_guesses_say_what_to_verify_against() -> None:
    """A figure that rests on a Seamline assumption alone, with low confidence, names the study to check it with."""
    for name in ("linen", "nylon"):
        node = load_factors()["fibres"][name]
        assert node["confidence"] == "low"
        assert node["verify_against"], name


def test_the_organic_cotton_fibre_factor_is_46_percent_below_conventional() -> None:
    """Textile Exchange (2014): 978 vs 1,808 kg CO2e per tonne of fibre."""
    organic, conventional = fibre_factor("organic cotton"), fibre_factor("cotton")
    assert 1 - organic.value / conventional.value == pytest.approx(0.46, abs=0.005)


def test_recycled_fibres_are_below_their_virgin_counterparts() -> None:
    assert fibre_factor("recycled polyester").value < fibre_factor("polyester").value
    assert fibre_factor("recycled polyester").high < fibre_factor("polyester").low
    assert fibre_factor("recycled cotton").value < fibre_factor("cotton").value
