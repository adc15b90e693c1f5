"""The sprint's domain steps without Prefect: register, control map, drafts, review queue, idempotency."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import write_brief
from PIL import Image
from sqlmodel import func, select

from design_ai.brief import load_brief
from design_ai.db.models import Brief, Draft, Look, LookStatus
from design_ai.db.session import session_scope
from design_ai.errors import UserError
from design_ai.sprint import (
    DraftEdits,
    contact_sheet,
    make_control,
    make_drafts,
    preflight,
    queue_for_review,
    register_brief,
    sprint_result,
)
from design_ai.store import Store


def _counts(url: str) -> tuple[int, int, int]:
    with session_scope(url) as s:
        return tuple(s.exec(select(func.count()).select_from(t)).one() for t in (Brief, Look, Draft))  # type: ignore[return-value]


def _run(path: Path, settings, store: Store, engine: str = "flat") -> list[list[int]]:  # type: ignore[no-untyped-def]
    loaded = load_brief(path)
    preflight(loaded, settings, engine)
    reg = register_brief(loaded, settings=settings, store=store)
    out = []
    for look_id in reg.look_ids:
        make_control(look_id, settings=settings, store=store)
        out.append(make_drafts(look_id, engine, settings=settings, store=store))
        queue_for_review(look_id, settings=settings, engine=engine)
    return out


def test_sprint_steps_are_idempotent(tmp_path: Path, db_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    store = Store.from_settings(settings)
    path = write_brief(tmp_path / "b", looks=[{}, {"name": "Second", "control": "canny", "drafts": 3}])
    first = _run(path, settings, store)
    assert [len(ids) for ids in first] == [2, 3]
    counts = _counts(db_url)
    assert counts == (1, 2, 5)
    files = sorted(p for p in Path(settings.resolved_store_url).rglob("*") if p.is_file())

    assert _run(path, settings, store) == first  # the same rows, found again
    assert _counts(db_url) == counts
    assert sorted(p for p in Path(settings.resolved_store_url).rglob("*") if p.is_file()) == files

    with session_scope(db_url) as s:
        drafts = s.exec(select(Draft).order_by(Draft.id)).all()
        looks = s.exec(select(Look).order_by(Look.id)).all()
    assert all(look.status == LookStatus.IN_REVIEW for look in looks)
    assert [d.seed for d in drafts] == [7, 8, 7, 8, 9]
    assert [d.colorway_name for d in drafts[:2]] == ["Sunrise", "Ink"]
    assert drafts[0].engine == "flat" and drafts[0].model_ids
    assert drafts[0].control_detector and "Sunrise" in drafts[0].prompt
    for d in drafts:
        img = Image.open(store.locate(d.image_key))
        assert img.size == (128, 128)


def test_new_round_with_edits_adds_drafts(tmp_path: Path, db_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    store = Store.from_settings(settings)
    [[a, b]] = _run(write_brief(tmp_path / "b"), settings, store)
    with session_scope(db_url) as s:
        look_id = s.get(Draft, a).look_id
    ids = make_drafts(look_id, "flat", settings=settings, store=store, round=2, edits=DraftEdits(seed=100, drafts=3))
    assert len(ids) == 3 and not {a, b} & set(ids)
    with session_scope(db_url) as s:
        seeds = [s.get(Draft, i).seed for i in ids]
    assert seeds == [100, 101, 102]


def test_result_and_contact_sheet(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    store = Store.from_settings(settings)
    _run(write_brief(tmp_path / "b"), settings, store)
    result = sprint_result(1, settings=settings, store=store)
    assert result["brief_id"] == 1
    [look] = result["looks"]
    assert {"look_id", "name", "drafts"} <= set(look)
    assert [set(d) >= {"draft_id", "image", "seed", "engine"} for d in look["drafts"]] == [True, True]
    assert all(Path(d["image"]).is_file() for d in look["drafts"])
    sheet = Image.open(store.locate(contact_sheet(1, settings=settings, store=store)))
    assert sheet.width >= 4 * 256 and sheet.height > 256  # sketch, control map and two drafts in a row


def test_weight_needing_detector_fails_before_anything_is_written(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    path = write_brief(tmp_path / "b", looks=[{"control": "hed"}])
    with pytest.raises(UserError, match=r"looks\[0\]\.control: .*ControlNetHED\.pth"):
        preflight(load_brief(path), settings, "flat")
    assert not Path(settings.home).exists()


def test_blank_sketch_fails_before_anything_is_written(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    path = write_brief(tmp_path / "b")
    Image.new("RGB", (256, 256), "white").save(tmp_path / "b" / "sketches" / "tee.png")
    with pytest.raises(UserError, match=r"looks\[0\]\.sketch: no garment found"):
        preflight(load_brief(path), settings, "flat")
    assert not Path(settings.home).exists()


def test_drafts_carry_their_fidelity_and_a_rerun_measures_nothing(  # type: ignore[no-untyped-def]
    tmp_path: Path, db_url: str, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import design_ai.patterns.fidelity as fidelity
    from design_ai.garments.tops.flat import PRESETS, draw_tee_flat

    calls = {"reference_for": 0, "compare_draft": 0}
    for name in calls:
        real = getattr(fidelity, name)

        def counted(*args, _real=real, _name=name, **kwargs):  # type: ignore[no-untyped-def]
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(fidelity, name, counted)
    store = Store.from_settings(settings)
    look = {"drafts": 3, "body_length_cm": None, "px_per_cm": 6.0, "generation": {"width": 512, "height": 512}}
    path = write_brief(tmp_path / "b", looks=[look])
    draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=6.0, style="line")[0].save(tmp_path / "b" / "sketches" / "tee.png")
    [first] = _run(path, settings, store)
    assert calls == {"reference_for": 1, "compare_draft": 3}  # the sketch measured once for the look's drafts
    with session_scope(db_url) as s:
        drafts = s.exec(select(Draft).order_by(Draft.position)).all()
    for d in drafts:
        f = d.fidelity
        assert f is not None and f["error"] is None and not f["flagged"], f
        assert f["iou"] > 0.95 and set(f["pom_delta_cm"]) >= {"body_length", "chest_width", "sleeve_length"}
        assert f["max_abs_delta_cm"] < 2.0 and f["limits"] == {"min_iou": 0.85, "max_pom_cm": 2.0}
        assert f["draft_px_per_cm"] == pytest.approx(6.0 * 0.94 * 512 / 614, abs=0.02)  # the letterbox's scale

    assert _run(path, settings, store) == [first]  # found, not generated: nothing measured again
    assert calls == {"reference_for": 1, "compare_draft": 3}
    look_id = drafts[0].look_id
    more = make_drafts(look_id, "flat", settings=settings, store=store, edits=DraftEdits(drafts=4))
    assert more[:3] == first and calls == {"reference_for": 2, "compare_draft": 4}  # only the new draft
