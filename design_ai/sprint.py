"""The design sprint's steps, one function each: register a brief, make a look's control map, make its
drafts, queue it for review, and report what was made.

Each step takes ids and settings, opens its own transaction and is idempotent, so a Prefect task can retry
it and a repeated sprint finds what the last one made instead of adding rows. Images go to the store before
the rows that point to them are committed: a crash leaves at worst an unreferenced file, never a row
pointing at nothing.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from design_ai.brief import LoadedBrief
from design_ai.config import Settings
from design_ai.db.models import Brief, Draft, Look, LookStatus
from design_ai.db.session import session_scope
from design_ai.errors import UserError
from design_ai.generate.base import (
    ControlMap,
    DraftPlan,
    DraftRequest,
    Engine,
    GeneratedDraft,
    GenerationParams,
    Swatch,
    plan_drafts,
)
from design_ai.images import decode_image, encode_png
from design_ai.store import Store
from design_ai.sustain.library import get_material

__all__ = [
    "DraftEdits",
    "RegisteredBrief",
    "contact_sheet",
    "draft_look",
    "draft_open_round",
    "make_control",
    "make_drafts",
    "preflight",
    "queue_for_review",
    "register_brief",
    "round_edits",
    "sprint_result",
]


@dataclass(frozen=True)
class RegisteredBrief:
    brief_id: int
    look_ids: tuple[int, ...]
    created: bool  # False when the same brief was registered before


@dataclass(frozen=True)
class DraftEdits:
    """What a round may change from the brief: a designer's send-back, or the CLI's --drafts."""

    prompt: str | None = None
    seed: int | None = None
    controlnet_scale: float | None = None
    drafts: int | None = None


def preflight(loaded: LoadedBrief, settings: Settings, engine_name: str) -> None:
    """Everything that can fail for a user's reason, checked before anything is written."""
    from design_ai.generate.availability import check_engine
    from design_ai.generate.control import check_control
    from design_ai.patterns.silhouette import garment_mask

    for i, look in enumerate(loaded.spec.looks):
        try:
            check_control(look.control, settings.annotators_path)
        except UserError as exc:
            raise UserError(str(exc), where=f"{loaded.path}: looks[{i}].control") from None
        try:
            garment_mask(loaded.sketches[i])  # a sketch with no garment would fail half-way through the sprint
        except UserError as exc:
            raise UserError(str(exc), where=f"{loaded.path}: looks[{i}].sketch") from None
    ok, reasons = check_engine(engine_name, settings, sorted({look.control for look in loaded.spec.looks}))
    if not ok:
        raise UserError(f"engine {engine_name!r} cannot run here: {'; '.join(reasons)}", where="--engine")
    # A wrong bucket, key or endpoint: one line now, not a task's traceback inside the flow.
    Store.from_settings(settings).check()
    _check_author(loaded, settings)  # last: the only check that opens the database


def _check_author(loaded: LoadedBrief, settings: Settings) -> None:
    """Under the four-eyes rule a brief's author must be an account, or its looks could never be decided."""
    from design_ai.review.four_eyes import check_author_names_account, four_eyes_in_force

    with session_scope(settings.resolved_database_url, readonly=True) as session:
        if four_eyes_in_force(session, settings.four_eyes):
            try:
                check_author_names_account(session, loaded.spec.author)
            except UserError as exc:
                raise UserError(str(exc), where=f"{loaded.path}") from None


def register_brief(loaded: LoadedBrief, *, settings: Settings, store: Store) -> RegisteredBrief:
    """Store the sketches and record the brief and its looks, or find them if this brief was seen before."""
    sketch_keys = [store.put(blob, _ext_of(loaded, i)) for i, blob in enumerate(loaded.sketch_bytes)]
    url = settings.resolved_database_url
    for attempt in range(2):
        try:
            with session_scope(url) as session:
                brief = session.exec(select(Brief).where(Brief.content_hash == loaded.content_hash)).first()
                if brief is not None:
                    looks = session.exec(select(Look).where(Look.brief_id == brief.id).order_by(Look.position)).all()
                    return RegisteredBrief(brief.id, tuple(lk.id for lk in looks), created=False)  # type: ignore[misc]
                spec = loaded.spec
                brief = Brief(
                    content_hash=loaded.content_hash,
                    collection=spec.collection,
                    season=spec.season,
                    author=spec.author,
                    source_path=str(loaded.path),
                    spec=spec.model_dump(mode="json"),
                )
                session.add(brief)
                session.flush()
                looks = []
                for i, (look, key) in enumerate(zip(spec.looks, sketch_keys, strict=True)):
                    row = Look(
                        brief_id=brief.id,  # type: ignore[arg-type]
                        position=i,
                        name=look.name,
                        garment=look.garment,
                        prompt=look.prompt,
                        negative_prompt=look.negative_prompt,
                        material=look.material,
                        control_type=look.control,
                        drafts_requested=look.drafts,
                        seed=look.seed,
                        sketch_key=key,
                        spec=look.model_dump(mode="json"),
                    )
                    session.add(row)
                    looks.append(row)
                session.flush()
                return RegisteredBrief(brief.id, tuple(lk.id for lk in looks), created=True)  # type: ignore[arg-type]
        except IntegrityError:
            if attempt:  # someone else registered the same brief between our read and our write
                raise
    raise AssertionError("unreachable")


def _ext_of(loaded: LoadedBrief, i: int) -> str:
    suffix = loaded.spec.looks[i].sketch.suffix.lower().lstrip(".")
    return {"jpeg": "jpg"}.get(suffix, suffix) or "png"


def _get_look(session: Session, look_id: int) -> Look:
    look = session.get(Look, look_id)
    if look is None:
        raise UserError(f"no look with id {look_id}")
    return look


def make_control(look_id: int, *, settings: Settings, store: Store) -> tuple[str, str]:
    """The look's control map, made once: returns (store key, detector)."""
    from design_ai.generate.control import make_control_map

    url = settings.resolved_database_url
    with session_scope(url) as session:
        look = _get_look(session, look_id)
        if look.control_key and look.control_detector:
            return look.control_key, look.control_detector
        sketch = decode_image(store.get(look.sketch_key), where=f"look {look_id} sketch")
        control_type = look.control_type
    control = make_control_map(sketch, control_type, annotators_path=settings.annotators_path)
    key = store.put(encode_png(control.image), "png")
    with session_scope(url) as session:
        look = _get_look(session, look_id)
        look.control_key, look.control_detector = key, control.detector
        if look.status == LookStatus.NEW:
            look.status = LookStatus.DRAFTING.value
        session.add(look)
    return key, control.detector


def look_request(look: Look, sketch: Any, settings: Settings, edits: DraftEdits | None = None) -> DraftRequest:
    """The engine's view of a look: the brief's values, then settings' defaults, then a round's edits."""
    spec = look.spec
    gen = spec.get("generation") or {}
    material = get_material(look.material)
    params = GenerationParams(
        width=gen.get("width") or settings.image_size,
        height=gen.get("height") or settings.image_size,
        steps=gen.get("steps") or settings.steps,
        guidance=gen["guidance"] if gen.get("guidance") is not None else settings.guidance,
        controlnet_scale=(
            edits.controlnet_scale
            if edits and edits.controlnet_scale is not None
            else gen["controlnet_scale"]
            if gen.get("controlnet_scale") is not None
            else settings.controlnet_scale
        ),
        scheduler=gen.get("scheduler") or settings.scheduler,
    )
    return DraftRequest(
        garment=look.garment,
        prompt=(edits.prompt if edits and edits.prompt else look.prompt),
        negative_prompt=look.negative_prompt,
        colorways=tuple(Swatch(c["name"], c["hex"], c.get("label")) for c in spec["colorways"]),
        material=look.material,
        texture=material.texture if material else "jersey",
        sketch=sketch,
        params=params,
    )


def _draft_params(
    engine: str, model_ids: dict[str, str], request: DraftRequest, plan: DraftPlan, control: ControlMap, key: str
) -> dict[str, Any]:
    p = request.params
    return {
        "engine": engine,
        "model_ids": model_ids,
        "prompt": plan.prompt,
        "negative_prompt": request.negative_prompt,
        "seed": plan.seed,
        "steps": p.steps,
        "guidance": p.guidance,
        "controlnet_scale": p.controlnet_scale,
        "scheduler": p.scheduler,
        "width": p.width,
        "height": p.height,
        "control_type": control.control_type,
        "control_detector": control.detector,
        "control_key": key,
        "colorway": plan.colorway.hex if plan.colorway else None,
        "texture": request.texture,
    }


def params_hash(params: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def make_drafts(
    look_id: int,
    engine_name: str,
    *,
    settings: Settings,
    store: Store,
    round: int = 1,
    edits: DraftEdits | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[int]:
    """The look's drafts for a round, generated only if any is missing; returns draft ids in plan order.

    Each new draft is compared with the look's sketch (the fidelity guard, `draft_fidelity`) before its row is
    written, and the figures go into that row in the same transaction; drafts found from an earlier run are
    neither generated nor measured again.
    """
    from design_ai.generate.engines import get_engine

    url = settings.resolved_database_url
    with session_scope(url) as session:
        look = _get_look(session, look_id)
        if not look.control_key or not look.control_detector:
            raise RuntimeError(f"look {look_id} has no control map yet: run make_control first")
        sketch = decode_image(store.get(look.sketch_key), where=f"look {look_id} sketch")
        control_img = decode_image(store.get(look.control_key), where=f"look {look_id} control map")
        control = ControlMap(control_img, look.control_type, look.control_detector)
        control_key = look.control_key
        request = look_request(look, sketch, settings, edits)
        n = edits.drafts if edits and edits.drafts else look.drafts_requested
        seed = edits.seed if edits and edits.seed is not None else look.seed
        scale = _look_scale(look.spec)

    engine = get_engine(engine_name, settings)
    model_ids = engine.model_ids(control.control_type)
    plans = plan_drafts(request, n, seed)
    all_params = [_draft_params(engine.name, model_ids, request, plan, control, control_key) for plan in plans]
    hashes = [params_hash(p) for p in all_params]

    def existing(session: Session) -> dict[str, int]:
        rows = session.exec(
            select(Draft).where(Draft.look_id == look_id, Draft.round == round, col(Draft.params_hash).in_(hashes))
        ).all()
        return {d.params_hash: d.id for d in rows}  # type: ignore[misc]

    with session_scope(url) as session:
        found = existing(session)
    if len(found) == len(hashes):
        if progress:
            progress(n)
        return [found[h] for h in hashes]

    kwargs: dict[str, Any] = {}
    if progress is not None and "progress" in inspect.signature(engine.generate).parameters:
        kwargs["progress"] = progress
    drafts = engine.generate(request, control, n, seed, **kwargs)
    if progress is not None and "progress" not in kwargs:
        progress(n)
    if len(drafts) != n:
        raise RuntimeError(f"engine {engine.name} returned {len(drafts)} drafts, {n} were asked for")
    keys = [store.put(encode_png(d.image), "png") for d in drafts]
    wanted = [h not in found for h in hashes]
    figures = draft_fidelity(drafts, wanted, engine=engine, request=request, scale=scale, settings=settings)

    for attempt in range(2):
        try:
            with session_scope(url) as session:
                found = existing(session)
                for draft, key, params, h, fidelity in zip(drafts, keys, all_params, hashes, figures, strict=True):
                    if h in found:
                        continue
                    plan = draft.plan
                    row = Draft(
                        look_id=look_id,
                        round=round,
                        position=plan.index,
                        engine=engine.name,
                        model_ids=model_ids,
                        prompt=plan.prompt,
                        negative_prompt=request.negative_prompt,
                        seed=plan.seed,
                        steps=request.params.steps,
                        guidance=request.params.guidance,
                        controlnet_scale=request.params.controlnet_scale,
                        scheduler=request.params.scheduler,
                        width=request.params.width,
                        height=request.params.height,
                        control_type=control.control_type,
                        control_detector=control.detector,
                        control_key=control_key,
                        colorway_name=plan.colorway.name if plan.colorway else None,
                        colorway_hex=plan.colorway.hex if plan.colorway else None,
                        image_key=key,
                        params_hash=h,
                        params={**params, **draft.params},
                        seconds=round_seconds(draft.seconds),
                        note=draft.note,
                        fidelity=fidelity,
                    )
                    session.add(row)
                session.flush()
                found = existing(session)
                return [found[h] for h in hashes]
        except IntegrityError:
            if attempt:  # a concurrent run inserted the same drafts first: theirs stand
                raise
    raise AssertionError("unreachable")


def draft_fidelity(
    drafts: list[GeneratedDraft],
    wanted: list[bool],
    *,
    engine: Engine,
    request: DraftRequest,
    scale: dict[str, float],
    settings: Settings,
) -> list[dict[str, Any] | None]:
    """The fidelity guard's figures for each wanted draft (None for the others), the sketch measured once.

    Never raises for a draft or a sketch the guard cannot read: a draft-making run must not fail on its own
    check; what could not be done is recorded as the draft's `error`, and the draft is flagged.
    """
    from design_ai.patterns.fidelity import compare_draft, reference_for

    if not any(wanted):
        return [None] * len(drafts)
    limits = settings.fidelity_limits
    placement = engine.placement(request.sketch.size, request.params.width, request.params.height)
    try:
        reference = reference_for(request.sketch, request.garment, **scale)
    except Exception as exc:  # preflight checked the sketch; anything else is recorded, not raised
        failed = _fidelity_failed(f"sketch not segmented: {exc}")
        return [failed if w else None for w in wanted]
    out: list[dict[str, Any] | None] = []
    for draft, want in zip(drafts, wanted, strict=True):
        try:
            out.append(compare_draft(draft.image, reference, placement, limits).as_json() if want else None)
        except Exception as exc:  # a bug in measuring must not lose the drafts: record it, flag the draft
            out.append(_fidelity_failed(f"fidelity not measured: {type(exc).__name__}: {exc}"))
    return out


def _fidelity_failed(message: str) -> dict[str, Any]:
    return {"iou": None, "pom_delta_cm": {}, "error": message, "flagged": True, "reasons": [message]}


def _look_scale(spec: dict[str, Any]) -> dict[str, float]:
    """The brief's scale of the look's sketch, as `measure_garment` takes it (empty when it gives none)."""
    if spec.get("px_per_cm"):
        return {"px_per_cm": float(spec["px_per_cm"])}
    if spec.get("body_length_cm"):
        return {"body_length_cm": float(spec["body_length_cm"])}
    return {}


def round_seconds(seconds: float) -> float:
    return float(f"{seconds:.4f}")


def queue_for_review(look_id: int, *, settings: Settings, engine: str) -> int:
    """Open the look's review round (round 1, or the one a send-back opened) and put it in the queue.

    Returns the round number. Idempotent: the open round is found, not duplicated.
    """
    from design_ai.db.models import ReviewRound
    from design_ai.review.state import open_round

    with session_scope(settings.resolved_database_url) as session:
        look = _get_look(session, look_id)
        if look.status in (LookStatus.APPROVED, LookStatus.REJECTED, LookStatus.EXPIRED):
            # Decided (or expired) already: a repeated sprint must not reopen it.
            last = session.exec(
                select(ReviewRound.number)
                .where(ReviewRound.look_id == look_id)
                .order_by(col(ReviewRound.number).desc())
            ).first()
            return last or 1
        rnd = open_round(session, look_id, engine=engine)
        if look.status in (LookStatus.NEW, LookStatus.DRAFTING):
            look.status = LookStatus.IN_REVIEW.value
            session.add(look)
        return rnd.number


def round_edits(look_id: int, number: int, *, settings: Settings) -> DraftEdits:
    """The edits a send-back asked for in round `number` (empty for round 1)."""
    from design_ai.db.models import ReviewRound

    with session_scope(settings.resolved_database_url) as session:
        rnd = session.exec(
            select(ReviewRound).where(ReviewRound.look_id == look_id, ReviewRound.number == number)
        ).first()
        e = rnd.edits if rnd is not None else {}
        return DraftEdits(
            prompt=e.get("prompt"), seed=e.get("seed"), controlnet_scale=e.get("strength"), drafts=e.get("drafts")
        )


def draft_open_round(
    look_id: int, *, settings: Settings, store: Store, progress: Callable[[int], None] | None = None
) -> tuple[int, list[int]]:
    """Make the drafts of the look's open round (after a send-back) and queue it again.

    Uses the round's own engine and the edits the reviewer asked for; idempotent like `make_drafts`, so the
    review app and a waiting sprint may both call it for the same round. Returns (round, draft ids).
    """
    number, engine, ids = _draft_round(look_id, settings=settings, store=store, progress=progress)
    queue_for_review(look_id, settings=settings, engine=engine)
    return number, ids


def _draft_round(
    look_id: int, *, settings: Settings, store: Store, progress: Callable[[int], None] | None
) -> tuple[int, str, list[int]]:
    """The drafts of the look's open round with that round's engine and edits: (round, engine, draft ids)."""
    from design_ai.db.models import ReviewRound, RoundStatus

    with session_scope(settings.resolved_database_url) as session:
        rnd = session.exec(
            select(ReviewRound).where(ReviewRound.look_id == look_id, ReviewRound.status == RoundStatus.OPEN)
        ).first()
        if rnd is None:
            raise UserError(f"look {look_id} has no open review round to draft")
        number, engine = rnd.number, rnd.engine
    edits = round_edits(look_id, number, settings=settings)
    ids = make_drafts(look_id, engine, settings=settings, store=store, round=number, edits=edits, progress=progress)
    return number, engine, ids


def draft_look(
    look_id: int,
    engine_name: str,
    *,
    settings: Settings,
    store: Store,
    edits: DraftEdits | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[int]:
    """A sprint's drafting step for one look: its round 1, or the round a send-back opened and nobody drafted.

    A review server killed while drafting a send-back leaves the look `drafting` with an empty open round; a
    re-run sprint must fill that round, not queue it empty. It is drafted as `draft_open_round` drafts it (the
    round's engine and the reviewer's edits, not this run's), so the keys match and nothing is made twice.
    """
    from design_ai.review.state import open_round_number

    number = open_round_number(settings.resolved_database_url, look_id)
    if number is None or number == 1:
        return make_drafts(look_id, engine_name, settings=settings, store=store, edits=edits, progress=progress)
    return _draft_round(look_id, settings=settings, store=store, progress=progress)[2]


def sprint_result(brief_id: int, *, settings: Settings, store: Store, round: int | None = None) -> dict[str, Any]:
    """The `seamline sprint --json` contract: brief, looks and their drafts with image paths."""
    with session_scope(settings.resolved_database_url, readonly=True) as session:
        brief = session.get(Brief, brief_id)
        if brief is None:
            raise UserError(f"no brief with id {brief_id}")
        looks = session.exec(select(Look).where(Look.brief_id == brief_id).order_by(Look.position)).all()
        out_looks = []
        for look in looks:
            query = select(Draft).where(Draft.look_id == look.id)
            if round is not None:
                query = query.where(Draft.round == round)
            drafts = session.exec(query.order_by(Draft.round, Draft.position, Draft.id)).all()
            out_looks.append(
                {
                    "look_id": look.id,
                    "name": look.name,
                    "status": look.status,
                    "control": {
                        "type": look.control_type,
                        "detector": look.control_detector,
                        "image": store.locate(look.control_key) if look.control_key else None,
                    },
                    "drafts": [
                        {
                            "draft_id": d.id,
                            "image": store.locate(d.image_key),
                            "seed": d.seed,
                            "engine": d.engine,
                            "round": d.round,
                            "colorway": d.colorway_name,
                            "note": d.note,
                        }
                        for d in drafts
                    ],
                }
            )
        return {"brief_id": brief.id, "collection": brief.collection, "season": brief.season, "looks": out_looks}


def contact_sheet(brief_id: int, *, settings: Settings, store: Store, round: int | None = None) -> str:
    """Render the brief's contact sheet (sketch, control map and drafts per look), store it, return its key."""
    from design_ai.generate.contact_sheet import SheetRow, Tile, render_contact_sheet

    with session_scope(settings.resolved_database_url, readonly=True) as session:
        brief = session.get(Brief, brief_id)
        if brief is None:
            raise UserError(f"no brief with id {brief_id}")
        looks = session.exec(select(Look).where(Look.brief_id == brief_id).order_by(Look.position)).all()
        rows = []
        for look in looks:
            query = select(Draft).where(Draft.look_id == look.id)
            if round is not None:
                query = query.where(Draft.round == round)
            drafts = session.exec(query.order_by(Draft.round, Draft.position)).all()
            tiles = [Tile(decode_image(store.get(look.sketch_key), where="sketch"), "sketch", look.garment)]
            if look.control_key:
                tiles.append(
                    Tile(
                        decode_image(store.get(look.control_key), where="control map"),
                        f"control: {look.control_type}",
                        look.control_detector or "",
                    )
                )
            for d in drafts:
                sub = f"{d.engine} · seed {d.seed}"
                if d.note:
                    sub += " · NOISE (random weights)" if d.engine == "tiny" else f" · {d.note}"
                tiles.append(
                    Tile(
                        decode_image(store.get(d.image_key), where="draft"),
                        f"#{d.id} r{d.round} {d.colorway_name or ''}",
                        sub,
                    )
                )
            rows.append(SheetRow(f"Look {look.id}: {look.name} · {look.material}", tuple(tiles)))
        title = f"{brief.collection} · {brief.season} · brief {brief.id}"
    sheet = render_contact_sheet(title, rows)
    return store.put(encode_png(sheet), "png")
