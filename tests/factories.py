"""Briefs and sketches the tests write for themselves."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageDraw

from design_ai.brief import load_brief
from design_ai.config import Settings
from design_ai.db.session import session_scope
from design_ai.review.accounts import add_account
from design_ai.sprint import make_control, make_drafts, preflight, queue_for_review, register_brief
from design_ai.store import Store

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


PASSWORD = "correct horse battery"


def seed_looks(
    folder: Path,
    settings: Settings,
    *,
    looks: int = 1,
    author: str | None = None,
    sketch: Image.Image | None = None,
    **look_fields: Any,
) -> list[int]:
    """Sprint a brief of `looks` looks (2 flat drafts each) and queue them; returns look ids.

    `sketch` replaces the rough test outline (e.g. an exact flat from design_ai.flats); `look_fields` are merged
    into every look."""
    store = Store.from_settings(settings)
    path = write_brief(folder, looks=[{"name": f"Look {i}", **look_fields} for i in range(looks)], author=author)
    if sketch is not None:
        sketch.save(folder / "sketches" / "tee.png")
    loaded = load_brief(path)
    preflight(loaded, settings, "flat")
    reg = register_brief(loaded, settings=settings, store=store)
    for look_id in reg.look_ids:
        make_control(look_id, settings=settings, store=store)
        make_drafts(look_id, "flat", settings=settings, store=store)
        queue_for_review(look_id, settings=settings, engine="flat")
    return list(reg.look_ids)


def add_user(settings: Settings, name: str, role: str) -> None:
    with session_scope(settings.resolved_database_url) as session:
        add_account(session, name=name, role=role, password=PASSWORD)
