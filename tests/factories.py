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

    `sketch` replaces the rough test outline (e.g. an exact flat from design_ai.garments.tops.flat); `look_fields`
    are merged into every look."""
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


def squash(image: Image.Image, sx: float = 1.0, sy: float = 0.8) -> Image.Image:
    """The image scaled about its centre by (sx, sy), edges replicated: a garment that drifted from its sketch."""
    import cv2
    import numpy as np

    arr = np.asarray(image.convert("RGB"))
    h, w = arr.shape[:2]
    m = np.float32([[sx, 0, (1 - sx) * w / 2], [0, sy, (1 - sy) * h / 2]])
    return Image.fromarray(cv2.warpAffine(arr, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))


def add_drifted_draft(settings: Settings, look_id: int) -> int:
    """A draft of the look's latest round whose garment is squashed to 80 % height, measured by the real
    fidelity guard (so it is flagged: IoU about 0.79); returns its id."""
    import hashlib

    from sqlmodel import col, select

    from design_ai.db.models import Draft, Look
    from design_ai.generate.placement import letterbox
    from design_ai.images import decode_image, encode_png
    from design_ai.patterns.fidelity import compare_draft, reference_for

    store = Store.from_settings(settings)
    with session_scope(settings.resolved_database_url) as session:
        look = session.get(Look, look_id)
        assert look is not None
        last = session.exec(
            select(Draft).where(Draft.look_id == look_id).order_by(col(Draft.round).desc(), col(Draft.position).desc())
        ).first()
        assert last is not None
        sketch = decode_image(store.get(look.sketch_key), where="sketch")
        drifted = squash(decode_image(store.get(last.image_key), where="draft"))
        key = store.put(encode_png(drifted), "png")
        scale = {"body_length_cm": look.spec["body_length_cm"]} if look.spec.get("body_length_cm") else {}
        reference = reference_for(sketch, look.garment, **scale)
        placement = letterbox(sketch.size, last.width, last.height)
        fidelity = compare_draft(drifted, reference, placement, settings.fidelity_limits).as_json()
        assert fidelity["flagged"], fidelity
        fields = last.model_dump(exclude={"id", "created_at"})
        row = Draft(**{**fields, "position": last.position + 1, "seed": last.seed + 1000, "image_key": key,
                       "params_hash": hashlib.sha256(key.encode()).hexdigest(), "fidelity": fidelity,
                       "note": "squashed to 80 % height (a drifted draft for tests)"})  # fmt: skip
        session.add(row)
        session.flush()
        return row.id  # type: ignore[return-value]


def add_user(settings: Settings, name: str, role: str) -> None:
    with session_scope(settings.resolved_database_url) as session:
        add_account(session, name=name, role=role, password=PASSWORD)
