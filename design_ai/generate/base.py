"""The one protocol every draft engine follows, and the plain data that crosses it.

Engines get everything they need as values (images, strings, numbers), never a database session or a path to
look up, so the same call works in a CLI, a Prefect task or a GPU worker. Draft `i` of a look always uses seed
`seed + i` and colorway `i mod len(colorways)`: a draft is reproducible whatever the batch size, and the
sprint can tell which drafts already exist before it generates anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from PIL import Image

if TYPE_CHECKING:
    from design_ai.generate.placement import Placement

__all__ = [
    "ControlMap",
    "DraftPlan",
    "DraftRequest",
    "Engine",
    "GeneratedDraft",
    "GenerationParams",
    "Swatch",
    "plan_drafts",
]


@dataclass(frozen=True)
class Swatch:
    """A colorway as an engine sees it: a name, an sRGB hex and an optional Pantone-like label."""

    name: str
    hex: str
    label: str | None = None

    @property
    def rgb(self) -> tuple[int, int, int]:
        h = self.hex.lstrip("#")
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


@dataclass(frozen=True)
class GenerationParams:
    """Sampler knobs; diffusion engines use them all, `flat` only the size."""

    width: int = 512
    height: int = 512
    steps: int = 20
    guidance: float = 7.5
    controlnet_scale: float = 1.0
    scheduler: str = "UniPCMultistepScheduler"


@dataclass(frozen=True)
class DraftRequest:
    """One look, resolved: what an engine needs to draw its drafts."""

    garment: str
    prompt: str
    negative_prompt: str
    colorways: tuple[Swatch, ...]
    material: str
    texture: str  # jersey | rib | fleece | woven | twill | knit: how the fabric looks in a flat render
    sketch: Image.Image  # RGB, the designer's sketch as loaded
    params: GenerationParams = field(default_factory=GenerationParams)


@dataclass(frozen=True)
class ControlMap:
    """A ControlNet conditioning image (RGB, white lines on black) and what made it."""

    image: Image.Image
    control_type: str  # canny | lineart | scribble | hed | pidinet
    detector: str  # e.g. "controlnet_aux.CannyDetector" or "opencv.lineart"


@dataclass(frozen=True)
class DraftPlan:
    """Draft `index` of a look: its seed, colorway and the prompt the engine will use."""

    index: int
    seed: int
    colorway: Swatch | None
    prompt: str


@dataclass
class GeneratedDraft:
    """An image an engine made, with every parameter that made it (recorded on the Draft row)."""

    image: Image.Image
    plan: DraftPlan
    engine: str
    model_ids: dict[str, str]
    params: dict[str, Any]
    seconds: float
    note: str | None = None  # e.g. "random weights: the image is noise"


def plan_drafts(request: DraftRequest, n: int, seed: int) -> list[DraftPlan]:
    """Seeds `seed .. seed+n-1`, colorways in turn, and the prompt with the colorway named in it."""
    if n <= 0:
        raise ValueError(f"n must be positive, got {n}")
    plans = []
    for i in range(n):
        swatch = request.colorways[i % len(request.colorways)] if request.colorways else None
        prompt = request.prompt
        if swatch is not None:
            colour = swatch.label or swatch.hex
            prompt = f"{prompt}, {swatch.name} colorway ({colour})"
        plans.append(DraftPlan(index=i, seed=seed + i, colorway=swatch, prompt=prompt))
    return plans


@runtime_checkable
class Engine(Protocol):
    """Turns a look and its control map into `n` drafts, seeds `seed .. seed+n-1`."""

    name: str

    def model_ids(self, control_type: str) -> dict[str, str]:
        """What will make the drafts (base model, ControlNet, ...), known before generating."""
        ...

    def generate(self, look: DraftRequest, control: ControlMap, n: int, seed: int) -> list[GeneratedDraft]:
        """Exactly `n` drafts in plan order, each `look.params.width` x `look.params.height`."""
        ...

    def placement(self, sketch_size: tuple[int, int], width: int, height: int) -> Placement:
        """Where the sketch lands on a `width` x `height` draft (the fidelity guard maps it the same way)."""
        ...
