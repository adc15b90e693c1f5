"""Briefs: the YAML a design lead writes, validated field by field before anything is stored.

A brief is checked whole (schema, materials, sketches decoded, control detectors available) before the
sprint writes a row or a file, so a mistake in the third look never leaves the first two half-stored. Every
error names the file and the field path (`looks[1].colorways[0].hex`) as the user wrote it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from PIL import Image
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from design_ai import garments
from design_ai.errors import UserError, escaped, quoted
from design_ai.images import DEFAULT_MAX_PIXELS, decode_image, read_image_file
from design_ai.limits import (
    MAX_BRIEF_BYTES,
    MAX_MARKER_GARMENTS,
    MAX_RATIO_COUNT,
    MAX_SIZES,
    SIZE_LABEL,
    control_character,
    read_bounded,
)
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
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,39}$")
MAX_YAML_DEPTH = 16  # a brief nests 5 deep (looks[0].colorways[0].hex); deeper is an attack on the parser
MAX_YAML_NODES = 100_000  # values once aliases are expanded: a 1 MiB brief of 500 looks has some 40,000


def _without_controls(allow: str = "") -> Callable[[str], str]:
    """A validator refusing control characters other than those in `allow`."""

    def check(value: str) -> str:
        ch = control_character(value, allow=allow)
        if ch is not None:
            raise ValueError(f"control character {ch!r} is not allowed")
        return value

    return check


# Names and labels end up in terminal output, PDFs and HTML: no control characters, not even newlines.
_one_line = _without_controls()
# Prompts may span lines; still no NUL, ESC or other controls.
_prose = _without_controls(allow="\n\t")


Line = Annotated[str, AfterValidator(_one_line)]
Prose = Annotated[str, AfterValidator(_prose)]


class Colorway(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Line = Field(min_length=1, max_length=60)
    hex: str = Field(description="sRGB colour as #RRGGBB")
    label: Line | None = Field(default=None, max_length=60, description="Pantone-like label, e.g. 'Sunrise 15-1247'")

    @field_validator("hex")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not _HEX.match(value):
            raise ValueError(f"not a #RRGGBB colour: {quoted(value, 20)}")
        return value.upper()


class GenerationOverrides(BaseModel):
    """Per-look sampler settings; anything left out comes from Seamline's settings."""

    model_config = ConfigDict(extra="forbid")

    steps: int | None = Field(default=None, ge=1, le=200)
    guidance: float | None = Field(default=None, ge=0.0, le=50.0)
    controlnet_scale: float | None = Field(default=None, ge=0.0, le=2.0)
    scheduler: Line | None = Field(default=None, min_length=1, max_length=80)
    width: int | None = Field(default=None, ge=64, le=2048, multiple_of=8)
    height: int | None = Field(default=None, ge=64, le=2048, multiple_of=8)


class LookSpec(BaseModel):
    """One look of a brief (DESIGN.md, "Contracts")."""

    model_config = ConfigDict(extra="forbid")

    name: Line = Field(min_length=1, max_length=120)
    garment: str = Field(min_length=1, max_length=40, description="a garment of the library (design_ai.garments)")
    prompt: Prose = Field(min_length=1, max_length=2000)
    negative_prompt: Prose = Field(default="", max_length=2000)
    sketch: Path = Field(description="relative to the brief's folder, inside it")
    control: ControlType = "lineart"
    colorways: list[Colorway] = Field(min_length=1, max_length=24)
    base_size: str = Field(default="M", max_length=12)
    body_length_cm: float | None = Field(default=None, ge=20, le=200)
    px_per_cm: float | None = Field(default=None, gt=0, le=1000)
    sizes: list[str] = Field(
        default_factory=lambda: ["XS", "S", "M", "L", "XL", "XXL"], min_length=1, max_length=MAX_SIZES
    )
    size_ratio: dict[str, Annotated[int, Field(ge=0, le=MAX_RATIO_COUNT)]] | None = Field(
        default=None, max_length=MAX_SIZES, description="garments of each size in one marker lay"
    )
    units: int | None = Field(default=None, ge=1, le=10_000_000)
    material: str = Field(max_length=80)
    baseline_material: str | None = Field(
        default=None, max_length=80, description="What the carbon estimate compares against"
    )
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
            look = f"look {quoted(name)}: " if isinstance(name, str) else ""
            raise ValueError(look + garments.unknown_garment(data["garment"]))
        return data

    @field_validator("sketch", mode="before")
    @classmethod
    def _sketch_text(cls, value: Any) -> Any:
        """Checked as text first: a NUL would make every later file call raise, a long path only echo."""
        if isinstance(value, str):
            if len(value) > 500:
                raise ValueError(f"a path of {len(value)} characters is too long (500 at most)")
            _one_line(value)
        return value

    @field_validator("sizes")
    @classmethod
    def _sizes(cls, value: list[str]) -> list[str]:
        for size in value:
            if not SIZE_LABEL.match(size):
                raise ValueError(f"not a size label: {quoted(size, 20)}")
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
            raise ValueError(f"unknown material {quoted(value)} (known: {', '.join(sorted(known))})")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> LookSpec:
        if self.base_size not in self.sizes:
            raise ValueError(f"base_size {quoted(self.base_size, 20)} is not in sizes {self.sizes}")
        if self.body_length_cm is not None and self.px_per_cm is not None:
            raise ValueError("give body_length_cm or px_per_cm, not both")
        if self.size_ratio is not None:
            unknown = sorted(set(self.size_ratio) - set(self.sizes))
            if unknown:
                raise ValueError(f"size_ratio names sizes not in sizes: {quoted(unknown)}")
            if sum(self.size_ratio.values()) == 0:
                raise ValueError("size_ratio needs non-negative counts that are not all zero")
            if sum(self.size_ratio.values()) > MAX_MARKER_GARMENTS:
                raise ValueError(f"size_ratio lays more than {MAX_MARKER_GARMENTS} garments in one marker")
            if self.units is None:
                raise ValueError("size_ratio needs units: how many garments the order has")
        return self


class BriefSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    collection: Line = Field(min_length=1, max_length=200)
    season: Line = Field(min_length=1, max_length=40)
    author: Line | None = Field(default=None, max_length=80)
    looks: list[LookSpec] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _unique_names(self) -> BriefSpec:
        seen: set[str] = set()
        for look in self.looks:
            if look.name in seen:
                raise ValueError(f"two looks are named {quoted(look.name)}")
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
    """`looks[1].colorways[0].hex`; a key the user made up (an unknown field, a size_ratio key) is quoted."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = part if _FIELD.match(part) else quoted(part, 40)
            out += f".{name}" if out else name
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


class _BriefLoader(yaml.SafeLoader):
    """YAML whose aliases cannot blow up, and without deep nesting.

    Anchors and aliases (`&defaults`, `<<: *defaults`) are how people share settings between looks, so they
    stay; but the document is composed first (an alias is only a reference there) and refused when it would
    expand to more than MAX_YAML_NODES nodes, before anything walks it: a "billion laughs" of a few hundred
    bytes aliases into billions of nodes once a validator or an error message expands it. Deep nesting would
    exhaust the composer's recursion instead.
    """

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(None, None, f"nested deeper than {MAX_YAML_DEPTH} levels", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, {}, set()) > MAX_YAML_NODES:
            raise yaml.composer.ComposerError(
                None, None, f"its aliases expand to more than {MAX_YAML_NODES:,} values", node.start_mark
            )
        return self.construct_document(node)


def _expanded_size(node: yaml.Node, sizes: dict[int, int], open_: set[int]) -> int:
    """How many nodes `node` becomes once every alias is expanded (counted once per distinct node, so a
    billion laughs costs its few dozen nodes to count); a cycle counts as too many."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_:
        return MAX_YAML_NODES + 1  # an alias to an enclosing node: expands without end
    open_.add(key)
    total = 1
    if isinstance(node, yaml.SequenceNode):
        children: list[yaml.Node] = list(node.value)
    elif isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    else:
        children = []
    for child in children:
        total += _expanded_size(child, sizes, open_)
        if total > MAX_YAML_NODES:
            break
    open_.discard(key)
    sizes[key] = total
    return total


def _read_brief_text(path: Path, where: str) -> str:
    """The brief's text, its size checked before a byte is read."""
    try:
        return read_bounded(path, where=where, max_bytes=MAX_BRIEF_BYTES, what="the brief").decode("utf-8")
    except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
        raise UserError(f"cannot read the brief ({exc.__class__.__name__})", where=where) from None


def _parse_yaml(text: str, where: str) -> object:
    try:
        return yaml.load(text, Loader=_BriefLoader)  # a SafeLoader, its aliases' expansion bounded
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        pos = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise UserError(f"malformed YAML: {escaped(problem, 120)}", where=f"{where}{pos}") from None
    except ValueError:  # an integer of more than 4300 digits, which Python refuses to parse
        raise UserError("malformed YAML: a number too long to read", where=where) from None


def _sketch_path(base: Path, sketch: Path, field: str) -> Path:
    """The sketch's path inside the brief's folder: relative, no `..`, no symlink on the way.

    A brief is often written by someone else than the person running the sprint; a sketch path reaching
    outside the brief's folder would copy any image the runner can read into the store, for every
    reviewer to see.
    """
    shown = quoted(str(sketch), 120)
    if sketch.is_absolute() or sketch.anchor:
        raise UserError(f"{shown} is an absolute path; give it relative to the brief's folder", where=field)
    if ".." in sketch.parts:
        raise UserError(f"{shown} climbs out with '..'; keep sketches inside the brief's folder", where=field)
    current = base
    for part in sketch.parts:
        current = current / part
        if current.is_symlink():
            raise UserError(f"{shown} goes through a symlink ({escaped(part, 40)}), which is not allowed", where=field)
    return current


def load_brief(path: Path | str, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> LoadedBrief:
    """Read, validate and decode a brief and its sketches (paths relative to the brief file, inside its folder).

    Everything is checked before anything is returned, so the caller stores all of it or none of it; each
    sketch is read once, and those very bytes are both decoded and stored.
    """
    path = Path(path)
    where = escaped(str(path), 200)
    if not path.is_file():
        raise UserError("brief file not found", where=where)
    data = _parse_yaml(_read_brief_text(path, where), where)
    spec = parse_brief(data, where=where)

    base = path.parent.resolve()
    images: list[Image.Image] = []
    raw: list[bytes] = []
    for i, look in enumerate(spec.looks):
        field = f"{where}: looks[{i}].sketch"
        sketch_path = _sketch_path(base, look.sketch, field)
        blob = read_image_file(sketch_path, where=field, follow_symlinks=False)
        images.append(decode_image(blob, where=f"{field} ({escaped(sketch_path.name, 40)})", max_pixels=max_pixels))
        raw.append(blob)

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
