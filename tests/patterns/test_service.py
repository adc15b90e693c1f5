"""The pattern of an approved draft, made from the flat engine's draft image and kept in the store."""

from __future__ import annotations

from pathlib import Path

import ezdxf
from factories import seed_looks
from sqlmodel import select

from design_ai.db.models import Draft, PatternSetRow
from design_ai.db.session import session_scope
from design_ai.garments.tops.flat import PRESETS, draw_tee_flat
from design_ai.patterns.service import pattern_for_draft
from design_ai.store import Store


def test_pattern_for_a_flat_draft_is_made_once(tmp_path: Path, db_url: str, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SEAMLINE_MARKER_SECONDS", "1")
    from design_ai.config import get_settings

    settings = get_settings()
    flat, _ = draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=6.0, style="line")
    [look] = seed_looks(tmp_path / "b", settings, sketch=flat, generation={"width": 512, "height": 512})
    store = Store.from_settings(settings)
    with session_scope(db_url) as s:
        draft = s.exec(select(Draft).where(Draft.look_id == look)).first()
    pid = pattern_for_draft(draft.id, settings=settings, store=store)
    assert pattern_for_draft(draft.id, settings=settings, store=store) == pid
    with session_scope(db_url) as s:
        rows = s.exec(select(PatternSetRow)).all()
    assert len(rows) == 1
    row = rows[0]
    m = row.measurements["M"]
    assert m["body_length"] == 72.0  # the brief's known measurement sets the scale
    truth = PRESETS["boxy-tee"]
    for pom in ("chest_width", "shoulder_width", "sleeve_length", "neck_width"):
        assert abs(m[pom] - getattr(truth, pom)) <= 1.5, pom  # measured off a 512 px colorway render
    assert set(row.measurements) == {"S", "M", "L"}
    assert row.marker and row.marker["consumption"]["garments"] == 4
    for kind in ("json", "dxf", "svg", "nest_png", "marker_png"):
        assert store.verify(row.files[kind]), kind
    doc = ezdxf.readfile(store.locate(row.files["dxf"]))
    assert {b.name for b in doc.blocks if not b.name.startswith("*")} >= {"FRONT_M", "BACK_S", "SLEEVE_L"}


def test_a_sketch_scale_carries_over_to_the_draft(tmp_path: Path, db_url: str, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A brief with px_per_cm (the sketch's scale) and no body length: the flat engine shrinks the sketch into
    the draft, and the pattern still comes out at the drawn size."""
    monkeypatch.setenv("SEAMLINE_MARKER_SECONDS", "1")
    from design_ai.config import get_settings

    settings = get_settings()
    flat, _ = draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=6.0, style="line")
    [look] = seed_looks(tmp_path / "b", settings, sketch=flat, body_length_cm=None, px_per_cm=6.0,
                        generation={"width": 512, "height": 512})  # fmt: skip
    with session_scope(db_url) as s:
        draft = s.exec(select(Draft).where(Draft.look_id == look)).first()
    pid = pattern_for_draft(draft.id, settings=settings, store=Store.from_settings(settings))
    with session_scope(db_url) as s:
        m = s.get(PatternSetRow, pid).measurements["M"]
    assert abs(m["body_length"] - 72.0) <= 1.0 and abs(m["chest_width"] - 56.0) <= 1.5
