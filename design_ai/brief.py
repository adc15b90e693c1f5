"""Briefs: the YAML a design lead writes, validated field by field before anything is stored.

A brief is checked whole (schema, materials, sketches decoded, control detectors available) before the
sprint writes a row or a file, so a mistake in the third look never leaves the first two half-stored. Every
error names the file and the field path (`looks[1].colorways[0].hex`) as the user wrote it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from design_ai import garments
from design_ai.errors import UserError
from design_ai.images import DEFAULT_MAX_PIXELS, load_image
from design_ai.sustain.library import load_materials

__all__ = [
    "BriefSpec",
    "Colorway",
    "GenerationOverrides",
    "LoadedBrief",
    "LookSpec",
    "load_brief",
    "parse_brief",
]

ControlType = Literal["canny", "lineart", "scribble", "hed", "pidinet"]
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
_SIZE = re.compile(r"^[A-Za-z0-9/.+-]{1,12}$")


class Colorway(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=60)
    hex: str = Field(description="sRGB colour as #RRGGBB")
    label: str | None = Field(default=None, max_length=60, description="Pantone-like label, e.g. 'Sunrise 15-1247'")

    @field_validator("hex")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not _HEX.match(value):
            raise ValueError(f"not a #RRGGBB colour: {value!r}")
        return value.upper()


class GenerationOverrides(BaseModel):
    """Per-look sampler settings; anything left out comes from Seamline's settings."""

    model_config = ConfigDict(extra="forbid")

    steps: int | None = Field(default=None, ge=1, le=200)
    guidance: float | None = Field(default=None, ge=0.0, le=50.0)
    controlnet_scale: float | None = Field(default=None, ge=0.0, le=2.0)
    scheduler: str | None = Field(default=None, min_length=1, max_length=80)
    width: int | None = Field(default=None, ge=64, le=2048, multiple_of=8)
    height: int | None = Field(default=None, ge=64, le=2048, multiple_of=8)


class LookSpec(BaseModel):
    """One look of a brief (DESIGN.md, "Contracts")."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    garment: str = Field(min_length=1, max_length=40, description="a garment of the library (design_ai.garments)")
    prompt: str = Field(min_length=1, max_length=2000)
    negative_prompt: str = Field(default="", max_length=2000)
    sketch: Path
    control: ControlType = "lineart"
    colorways: list[Colorway] = Field(min_length=1, max_length=24)
    base_size: str = "M"
    body_length_cm: float | None = Field(default=None, ge=20, le=200)
    px_per_cm: float | None = Field(default=None, gt=0, le=1000)
    sizes: list[str] = Field(default_factory=lambda: ["XS", "S", "M", "L", "XL", "XXL"], min_length=1)
    size_ratio: dict[str, int] | None = None
    units: int | None = Field(default=None, ge=1, le=10_000_000)
    material: str
    baseline_material: str | None = Field(default=None, description="What the carbon estimate compares against")
    drafts: int = Field(default=4, ge=1, le=64)
    seed: int = Field(default=0, ge=0, lt=2**32)
    generation: GenerationOverrides = Field(default_factory=GenerationOverrides)

    @model_validator(mode="before")
    @classmethod
    def _registered_garment(cls, data: Any) -> Any:
        """A garment the library cannot measure, draft or cost is refused here, before anything is written,
        naming the look (the sprint would otherwise draft and review it, and only its release would fail)."""
        if isinstance(data, dict) and isinstance(data.get("garment"), str) and data["garment"] not in garments.names():
            name = data.get("name")
            look = f"look {name[:60]!r}: " if isinstance(name, str) else ""
            raise ValueError(look + garments.unknown_garment(data["garment"]))
        return data

    @field_validator("sizes")
    @classmethod
    def _sizes(cls, value: list[str]) -> list[str]:
        for size in value:
            if not _SIZE.match(size):
                raise ValueError(f"not a size label: {size!r}")
        if len(set(value)) != len(value):
            raise ValueError("a size is listed twice")
        return value

    @field_validator("material", "baseline_material")
    @classmethod
    def _material(cls, value: str | None) -> str | None:
        if value is None:
            return None
        known = load_materials()
        if value not in known:
            raise ValueError(f"unknown material {value!r} (known: {', '.join(sorted(known))})")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> LookSpec:
        if self.base_size not in self.sizes:
            raise ValueError(f"base_size {self.base_size!r} is not in sizes {self.sizes}")
        if self.body_length_cm is not None and self.px_per_cm is not None:
            raise ValueError("give body_length_cm or px_per_cm, not both")
        if self.size_ratio is not None:
            unknown = sorted(set(self.size_ratio) - set(self.sizes))
            if unknown:
                raise ValueError(f"size_ratio names sizes not in sizes: {unknown}")
            if any(v < 0 for v in self.size_ratio.values()) or sum(self.size_ratio.values()) == 0:
                raise ValueError("size_ratio needs non-negative counts that are not all zero")
            if self.units is None:
                raise ValueError("size_ratio needs units: how many garments the order has")
        return self


class BriefSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    collection: str = Field(min_length=1, max_length=200)
    season: str = Field(min_length=1, max_length=40)
    author: str | None = Field(default=None, max_length=80)
    looks: list[LookSpec] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _unique_names(self) -> BriefSpec:
        seen: set[str] = set()
        for look in self.looks:
            if look.name in seen:
                raise ValueError(f"two looks are named {look.name!r}")
            seen.add(look.name)
        return self


@dataclass(frozen=True)
class LoadedBrief:
    """A validated brief with its sketches decoded and hashed: ready to store, nothing stored yet."""

    path: Path
    spec: BriefSpec
    sketches: tuple[Image.Image, ...]  # one per look, RGB
    sketch_bytes: tuple[bytes, ...]  # the files as given, stored as they are
    content_hash: str  # of the spec and the sketches' bytes: the same brief gives the same hash

    @property
    def base_dir(self) -> Path:
        return self.path.parent


def _field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def parse_brief(data: object, *, where: str) -> BriefSpec:
    """Validate parsed YAML; the first error becomes one UserError naming the field."""
    if not isinstance(data, dict):
        raise UserError("a brief must be a mapping with collection, season and looks", where=where)
    try:
        return BriefSpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = _field_path(tuple(p for p in err["loc"] if p not in ("function-after",)))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise UserError(f"{field}: {msg}{more}" if field else f"{msg}{more}", where=where) from None


def load_brief(path: Path | str, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> LoadedBrief:
    """Read, validate and decode a brief and its sketches (paths relative to the brief file)."""
    path = Path(path)
    where = str(path)
    if not path.is_file():
        raise UserError("brief file not found", where=where)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the brief ({exc.__class__.__name__})", where=where) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        pos = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise UserError(f"malformed YAML: {problem}", where=f"{where}{pos}") from None
    spec = parse_brief(data, where=where)

    images: list[Image.Image] = []
    raw: list[bytes] = []
    for i, look in enumerate(spec.looks):
        sketch_path = look.sketch if look.sketch.is_absolute() else path.parent / look.sketch
        field = f"{where}: looks[{i}].sketch"
        img = load_image(sketch_path, where=field, max_pixels=max_pixels)
        images.append(img)
        raw.append(sketch_path.read_bytes())

    digest = hashlib.sha256()
    digest.update(
        json.dumps(spec.model_dump(mode="json", exclude={"looks": {"__all__": {"sketch"}}}), sort_keys=True).encode()
    )
    for blob in raw:
        digest.update(hashlib.sha256(blob).digest())
    return LoadedBrief(
        path=path.resolve(),
        spec=spec,
        sketches=tuple(images),
        sketch_bytes=tuple(raw),
        content_hash=digest.hexdigest(),
    )
