"""Briefs and sketches the tests write for themselves."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageDraw

TEE_OUTLINE = [
    (200, 60), (240, 80), (272, 80), (312, 60),  # neckline between the two HPS
    (420, 110), (470, 220), (400, 250), (380, 200),  # right shoulder, sleeve, underarm
    (380, 470), (132, 470), (132, 200),  # right side, hem, left side
    (112, 250), (42, 220), (92, 110),  # left sleeve
]  # fmt: skip


def draw_sketch(path: Path, size: tuple[int, int] = (512, 512)) -> Path:
    """A closed tee outline with a stitch line inside, black on white."""
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    sx, sy = size[0] / 512, size[1] / 512
    pts = [(x * sx, y * sy) for x, y in TEE_OUTLINE]
    draw.line([*pts, pts[0]], fill="black", width=3)
    draw.line([(132 * sx, 455 * sy), (380 * sx, 455 * sy)], fill="black", width=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)
    return path


BASE_LOOK: dict[str, Any] = {
    "name": "Boxy tee",
    "garment": "tshirt",
    "prompt": "flat lay product photo of a boxy cotton t-shirt",
    "negative_prompt": "person, text",
    "sketch": "sketches/tee.png",
    "control": "lineart",
    "colorways": [{"name": "Sunrise", "hex": "#F4A261"}, {"name": "Ink", "hex": "#1D3557"}],
    "base_size": "M",
    "body_length_cm": 72,
    "sizes": ["S", "M", "L"],
    "size_ratio": {"S": 1, "M": 2, "L": 1},
    "units": 100,
    "material": "organic-cotton-jersey-180",
    "drafts": 2,
    "seed": 7,
    "generation": {"width": 128, "height": 128},
}


def write_brief(folder: Path, looks: list[dict[str, Any]] | None = None, **top: Any) -> Path:
    """A brief YAML with its sketch in `folder`; `looks` entries are merged over BASE_LOOK."""
    folder.mkdir(parents=True, exist_ok=True)
    draw_sketch(folder / "sketches" / "tee.png")
    merged = [{**copy.deepcopy(BASE_LOOK), **look} for look in (looks or [{}])]
    doc = {"collection": "Test capsule", "season": "SS27", "looks": merged, **top}
    path = folder / "brief.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path
