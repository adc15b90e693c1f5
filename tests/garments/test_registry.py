"""The garment library's registry: every stage asks it, and it answers the same everywhere."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from design_ai import garments
from design_ai.errors import UserError
from design_ai.garments.base import Garment
from design_ai.patterns.grading import load_grade_rules
from design_ai.techpack.from_garment import construction_steps, pom_rows

ROOT = Path(__file__).resolve().parents[2]


def test_registered_tops() -> None:
    assert garments.names()[:3] == ("tshirt", "longsleeve", "tank")
    for name in garments.names():
        g = garments.get(name)
        assert isinstance(g, Garment) and g.name == name
        assert g is garments.get(name)  # imported once


@pytest.mark.parametrize("name", ["poncho", "", "TSHIRT", "x" * 500])
def test_unknown_garment_is_refused_naming_the_registered_ones(name: str) -> None:
    with pytest.raises(UserError) as err:
        garments.get(name)
    message = str(err.value)
    assert "not in the garment library" in message and "tshirt, longsleeve, tank" in message
    assert len(message) < 200 and "\n" not in message  # user input is never echoed unbounded


def test_unhashable_input_is_a_user_error() -> None:
    with pytest.raises(UserError):
        garments.get(["tshirt"])  # type: ignore[arg-type]


@pytest.mark.parametrize("name", garments.names())
def test_every_pom_is_defined_once_with_a_tolerance_and_graded(name: str) -> None:
    g = garments.get(name)
    assert len(set(g.pom_names)) == len(g.pom_names) > 3
    for pom in g.poms:
        assert pom.definition and 0 < pom.tolerance_cm <= 2.0
    rules = load_grade_rules()
    assert set(g.pom_names) <= set(rules.increments[name])  # every POM has a grade rule
    assert "Aldrich" in rules.source_for(name)  # and the rules say what they rest on


@pytest.mark.parametrize("name", garments.names())
def test_construction_names_iso_classes(name: str) -> None:
    steps = construction_steps(name)
    assert steps and all(s.seam_class and s.stitch_type and s.stitches_per_cm > 0 for s in steps)
    assert any("514" in s.stitch_type for s in steps)  # overlock joins the body


def test_tank_has_no_sleeve_poms_and_the_pom_table_follows_the_garment() -> None:
    tank = garments.get("tank")
    assert tank.pom("sleeve_length") is None and tank.pom("front_neck_drop") is not None
    measurements = {"M": {p: 10.0 for p in tank.pom_names}, "L": {p: 11.0 for p in tank.pom_names}}
    rows = pom_rows("tank", measurements, ["M", "L"])
    assert [r.name for r in rows] == list(tank.pom_names)
    assert [r.code for r in rows] == [chr(65 + i) for i in range(len(rows))]
    assert all(r.description == tank.pom(r.name).definition for r in rows)


def test_reading_the_registry_imports_nothing_heavy() -> None:
    probe = subprocess.run(
        [sys.executable, "-c",
         "import sys, design_ai.garments as g, design_ai.brief; g.names();"
         "print(any(m in sys.modules for m in ('cv2', 'torch', 'design_ai.garments.tops.landmarks')))"],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    assert probe.stdout.strip() == "False"


@pytest.mark.parametrize("name", garments.names())
def test_every_garment_has_its_carbon_rows(name: str) -> None:
    from design_ai.sustain.library import load_factors

    f = load_factors()
    assert f["cmt"]["minutes"]["by_garment"][name]["value"] > 0  # making minutes, cited in factors.yaml
    assert f["trims"]["thread"]["seam_length_m"][name] > 0
    garments.get(name).trims()  # its BOM trims parse
