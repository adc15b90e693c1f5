"""The pattern of an approved draft, made once and kept: what the production hand-off calls.

The look's brief gives the garment, scale, sizes, size ratio and material (whose width is the marker's); the
files go to the content-addressed store and one `patternset` row records them, keyed by the draft and the
settings that shaped the pattern, so a retried task returns the same row.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from sqlmodel import select

from design_ai.config import Settings
from design_ai.db.models import Draft, Look, PatternSetRow
from design_ai.db.session import session_scope
from design_ai.errors import UserError
from design_ai.images import decode_image
from design_ai.patterns.extract import extract_pattern, pattern_json, piece_options, write_bundle
from design_ai.patterns.measure import measure_garment
from design_ai.store import Store
from design_ai.sustain.library import get_material

__all__ = ["PatternSummary", "pattern_for_draft", "pattern_summary"]


def _read_sketch(look: Look, sketch: Image.Image) -> tuple[float, dict[str, str]]:
    """The body length (cm) that scales the draft image, and what the sketch shows of the design beyond its
    POMs (a raglan seam, which a generated draft need not show: the draft is measured knowing it).

    A brief gives the length, or gives the sketch's scale (px/cm): then the sketch's own reading gives it.
    Engines resize the sketch their own way (the flat engine leaves a margin, diffusion stretches the control
    map to the draft's size), so a known length carries over to the draft where a pixel scale would not.
    """
    spec = look.spec
    scale = ({"body_length_cm": float(spec["body_length_cm"])} if spec.get("body_length_cm")
             else {"px_per_cm": float(spec["px_per_cm"])} if spec.get("px_per_cm") else None)  # fmt: skip
    if scale is None:
        raise UserError(f"look {look.id} gives neither body_length_cm nor px_per_cm: the pattern has no scale")
    try:
        measured = measure_garment(sketch, look.garment, **scale)
    except UserError:
        if "px_per_cm" in scale:
            raise
        return scale["body_length_cm"], {}  # a rough sketch: the draft alone is read
    return measured.measurements_cm["body_length"], dict(measured.features)


def _markers(doc: dict) -> dict | None:
    """The shell marker as the row keeps it, with the rib pieces' own marker under "rib" when there is one."""
    marker = doc.get("marker")
    if marker is not None and doc.get("rib_marker") is not None:
        marker = {**marker, "rib": doc["rib_marker"]}
    return marker


def pattern_for_draft(draft_id: int, *, settings: Settings, store: Store) -> int:
    """Make (or find) the pattern set of a draft; returns its id."""
    url = settings.resolved_database_url
    with session_scope(url, readonly=True) as session:
        draft = session.get(Draft, draft_id)
        if draft is None:
            raise UserError(f"no draft with id {draft_id}")
        look = session.get(Look, draft.look_id)
        assert look is not None
        spec = dict(look.spec)
        material = get_material(look.material)
        width = material.width_cm if material else settings.fabric_width_cm
        params = {
            "garment": look.garment,
            "base_size": spec.get("base_size", "M"),
            "sizes": spec.get("sizes"),
            "size_ratio": spec.get("size_ratio"),
            "fabric_width_cm": width,
            "marker_seconds": settings.marker_seconds,
            "image_key": draft.image_key,
            **piece_options(settings),
        }
        params_hash = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()
        found = session.exec(
            select(PatternSetRow).where(PatternSetRow.draft_id == draft_id, PatternSetRow.params_hash == params_hash)
        ).first()
        if found is not None:
            return found.id  # type: ignore[return-value]
        image = decode_image(store.get(draft.image_key), where=f"draft {draft_id} image")
        sketch = decode_image(store.get(look.sketch_key), where=f"look {look.id} sketch")
        body_length, features = _read_sketch(look, sketch)
        look_id = look.id

    bundle = extract_pattern(
        image, params["garment"], settings=settings, body_length_cm=body_length, features=features,
        base_size=params["base_size"], sizes=params["sizes"], size_ratio=params["size_ratio"],
        fabric_width_cm=width, marker_seconds=settings.marker_seconds,
    )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="seamline-pattern-") as tmp:
        files = write_bundle(bundle, Path(tmp) / "out")
        ext = {"json": "json", "dxf": "dxf", "svg": "svg", "nest_png": "png", "nest_svg": "svg", "marker_png": "png"}
        keys = {kind: store.put(path.read_bytes(), ext[kind]) for kind, path in files.items()}
    doc = pattern_json(bundle)
    with session_scope(url) as session:
        found = session.exec(
            select(PatternSetRow).where(PatternSetRow.draft_id == draft_id, PatternSetRow.params_hash == params_hash)
        ).first()
        if found is not None:  # a concurrent retry got there first
            return found.id  # type: ignore[return-value]
        row = PatternSetRow(
            draft_id=draft_id, look_id=look_id, garment=bundle.pattern.garment, base_size=bundle.pattern.base_size,
            params_hash=params_hash, params=params, measurements=doc["graded_measurements_cm"],
            pieces=doc["graded_pieces"], marker=_markers(doc), files=keys,
        )  # fmt: skip
        session.add(row)
        session.flush()
        return row.id  # type: ignore[return-value]


@dataclass(frozen=True)
class PatternSummary:
    """What a pattern's report shows (the hand-off flow's artifact): its files, base size, POMs and marker."""

    files: dict[str, str]
    base_size: str
    measurements_cm: dict[str, float]
    marker: dict | None


def pattern_summary(pattern_id: int, *, settings: Settings) -> PatternSummary:
    """The stored pattern set's summary, read in one short transaction (flows ask this, not the database)."""
    with session_scope(settings.resolved_database_url, readonly=True) as session:
        row = session.get(PatternSetRow, pattern_id)
        if row is None:
            raise UserError(f"no pattern set with id {pattern_id}", where="pattern")
        return PatternSummary(dict(row.files), row.base_size, dict(row.measurements[row.base_size]), row.marker)
