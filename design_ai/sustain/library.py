"""The fabric library: which materials a brief may name, and their mill defaults."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml
from pydantic import BaseModel, Field

__all__ = ["Material", "get_material", "load_materials"]


class Material(BaseModel):
    """A fabric as bought: composition by fibre (% by weight), construction, weight and width."""

    key: str
    name: str
    fibre: dict[str, float]
    construction: str
    gsm: float = Field(gt=0)
    width_cm: float = Field(gt=0)
    texture: str


@lru_cache(maxsize=1)
def load_materials() -> dict[str, Material]:
    """All materials in the bundled library, by key (read once per process)."""
    text = resources.files("design_ai.sustain").joinpath("materials.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    return {key: Material(key=key, **value) for key, value in raw.items()}


def get_material(key: str) -> Material | None:
    return load_materials().get(key)
