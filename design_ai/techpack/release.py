"""Tech-pack revisions: a draft while production prepares it, then released revisions A, B, ... for good.

A release is an immutable bundle (PDF, DXF, SVG, techpack.json) in the content-addressed store, with the
SHA-256 of each file in the `techpack` row; database triggers refuse any change to a released row, and the
store's files are frozen read-only. Releasing a design that has not changed since the last revision (same
content hash of its spec) returns that revision instead of making a new one.

A release is all or nothing: every check that can refuse it runs before anything is written, and its files
are stored, frozen and read back before the row that marks them released is committed, so a crash leaves at
worst unreferenced frozen files. Every later read (a re-run, the JSON output, an export) checks each file
again: a writable one is frozen again and reported, a missing or altered one raises `DamagedRelease`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from design_ai import garments
from design_ai.config import Settings
from design_ai.db.models import (
    Account,
    Draft,
    Look,
    ReviewDecision,
    ReviewRound,
    Role,
    TechPack,
    Verdict,
    utcnow,
)
from design_ai.db.session import session_scope
from design_ai.errors import UserError, quoted
from design_ai.review.accounts import require_role
from design_ai.review.state import NotFound
from design_ai.store import Store
from design_ai.sustain.library import get_material

__all__ = [
    "RELEASERS",
    "DamagedRelease",
    "approved_draft",
    "check_releasable",
    "export_revision",
    "next_revision",
    "release_look",
    "release_result",
    "verify_revision",
]

log = logging.getLogger(__name__)

RELEASERS = frozenset({Role.PRODUCTION.value, Role.ADMIN.value})
BUNDLE = ("pdf", "dxf", "svg", "json")

Warn = Callable[[str], None]
"""Where a healed problem is reported (the CLI: one line on stderr); by default the log."""


class DamagedRelease(RuntimeError):
    """A released file is missing from the store or no longer matches its SHA-256.

    Not a user's mistake (the CLI exits 1, not 2): the store was damaged under Seamline, and the revision must
    not be shown, exported or replaced by a new one until someone restores the file.
    """


def next_revision(existing: list[str]) -> str:
    """A, B, ..., Z, AA, AB, ... after the highest of `existing`."""

    def to_int(rev: str) -> int:
        n = 0
        for ch in rev:
            n = n * 26 + (ord(ch) - 64)
        return n

    n = max((to_int(r) for r in existing), default=0) + 1
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def approved_draft(url: str, look_id: int) -> int:
    """The draft a reviewer approved for the look, or a UserError saying why there is none."""
    with session_scope(url, readonly=True) as session:
        look = session.get(Look, look_id)
        if look is None:
            raise NotFound(f"no look with id {look_id}", where="LOOK")
        decision = session.exec(
            select(ReviewDecision)
            .join(ReviewRound, ReviewRound.id == ReviewDecision.round_id)  # type: ignore[arg-type]
            .where(ReviewDecision.look_id == look_id, ReviewDecision.verdict == Verdict.APPROVE)
            .order_by(col(ReviewRound.number).desc())
        ).first()
        if decision is None or decision.draft_id is None:
            raise UserError(f"look {look_id} has no approved draft (status: {look.status})", where="LOOK")
        return decision.draft_id


def check_releasable(url: str, look_id: int) -> int:
    """Everything that can refuse a release, checked before anything is written; returns the approved draft.

    The pattern and estimate a release makes on its way would otherwise be written (rows, store files) before
    a look with no size ratio, no scale or an unknown garment or material was refused half-way.
    """
    draft_id = approved_draft(url, look_id)
    with session_scope(url, readonly=True) as session:
        look = session.get(Look, look_id)
        assert look is not None  # approved_draft found it
        garment, material, spec = look.garment, look.material, dict(look.spec)
    garments.get(garment)  # a UserError naming the garment and the registered ones
    where = f"look {look_id}"
    if not (spec.get("body_length_cm") or spec.get("px_per_cm")):
        raise UserError(f"{where} gives neither body_length_cm nor px_per_cm: the pattern has no scale",
                        where="body_length_cm")  # fmt: skip
    sizes = spec.get("sizes") or []
    if sizes and spec.get("base_size", "M") not in sizes:
        raise UserError(f"{where}: base size {quoted(str(spec.get('base_size')), 20)} is not in its sizes",
                        where="base_size")  # fmt: skip
    ratio = spec.get("size_ratio")
    if not isinstance(ratio, dict) or not ratio:
        raise UserError(f"{where} has no size ratio, so no marker to take the fabric from: add size_ratio to "
                        "the look in its brief", where="size_ratio")  # fmt: skip
    counts = list(ratio.values())
    if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in counts) or sum(counts) <= 0:
        raise UserError(f"{where}: the size ratio needs whole counts >= 0, not all 0", where="size_ratio")
    if sizes and set(ratio) - set(sizes):
        raise UserError(f"{where}: the size ratio names sizes not in its sizes", where="size_ratio")
    if get_material(material) is None:
        raise UserError(f"{where}: material {quoted(material, 40)} is not in the material library", where="material")
    return draft_id


@dataclass(frozen=True)
class Bundle:
    """The files of one tech pack, in memory, with the spec that defines the design."""

    spec: dict[str, Any]  # techpack.json without revision, status and file hashes: what "unchanged" compares
    pdf: bytes
    dxf: bytes
    svg: bytes


def content_hash(spec: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def _store_bundle(
    store: Store, bundle: Bundle, manifest: dict[str, Any], *, freeze: bool = False, warn: Warn = log.warning
) -> tuple[dict[str, str], dict[str, str]]:
    """Put the bundle's files in the store; with `freeze`, also make each read-only and read it back.

    A file already under a key is left as `put` found it, so a released bundle checks it holds the bytes the
    key names (a damaged copy is written back from the bytes in hand) before it is frozen and recorded.
    """
    blobs = {"pdf": bundle.pdf, "dxf": bundle.dxf, "svg": bundle.svg}
    sha = {kind: hashlib.sha256(data).hexdigest() for kind, data in blobs.items()}
    doc = {**manifest, "files_sha256": sha}
    blobs["json"] = json.dumps(doc, indent=2, sort_keys=True, default=str).encode()
    sha["json"] = hashlib.sha256(blobs["json"]).hexdigest()
    keys = {kind: store.put(data, kind) for kind, data in blobs.items()}
    if freeze:
        for kind, key in keys.items():
            if hashlib.sha256(store.get(key)).hexdigest() != sha[kind]:
                store.repair(key, blobs[kind])
                warn(f"{kind} {store.locate(key)} was altered in the store: written back from the new release")
            store.freeze(key)
            if not store.is_frozen(key):
                raise DamagedRelease(f"{kind} {store.locate(key)} stays writable after freezing it")
    return keys, sha


def verify_revision(tp: TechPack, store: Store, *, warn: Warn = log.warning) -> dict[str, bytes]:
    """Check each file of a released revision before anyone is shown it: present, its SHA-256 the recorded
    one, and frozen; returns the files' bytes as checked (empty for a draft, which is not checked), so a copy
    writes out exactly what was checked.

    A writable file that still matches (a release that crashed before its freeze, or a chmod) is frozen again
    and reported through `warn`; a missing or altered one raises `DamagedRelease`, never passes as good.
    """
    if tp.status != "released":
        return {}
    blobs = {}
    for kind in BUNDLE:
        key = tp.files.get(kind, "")
        where = f"{kind} of look {tp.look_id} rev {tp.revision}"
        if not store.exists(key):
            raise DamagedRelease(f"{where} is missing from the store ({key[:80]}): store damaged, restore it")
        blobs[kind] = store.get(key)
        if hashlib.sha256(blobs[kind]).hexdigest() != tp.sha256.get(kind):
            raise DamagedRelease(
                f"{where} ({store.locate(key)}) does not match its recorded SHA-256: store damaged, restore it"
            )
        if not store.is_frozen(key):
            store.freeze(key)
            warn(f"{where} ({store.locate(key)}) was writable: frozen again, its SHA-256 checked")
    return blobs


def release_result(
    tp: TechPack, store: Store, *, export_dir: Path | None = None, warn: Warn = log.warning
) -> dict[str, Any]:
    """The `seamline release --json` contract: look, revision, files on disk and their SHA-256, each file
    checked first (`verify_revision`): a damaged one raises instead of being listed as good.

    A local store's files are on disk already (frozen in place), so `files` are the store's own paths. An
    object store's (S3, MinIO) are not files anyone can open, so with `export_dir` they are copied there, each
    checked against its recorded SHA-256, and `files` are those copies; without it, `files` are the objects'
    URLs. `in_store` always says where the originals are (paths, or s3:// URLs).
    """
    blobs = verify_revision(tp, store, warn=warn)
    in_store = {kind: store.locate(tp.files[kind]) for kind in BUNDLE}
    files = in_store
    if not store.is_local and export_dir is not None:
        copied = _copy_out(tp, blobs or _checked_blobs(tp, store), export_dir, where="SEAMLINE_HOME")
        files = {kind: str(path) for kind, path in copied.items()}
    return {
        "look_id": tp.look_id,
        "revision": tp.revision,
        "status": tp.status,
        "files": files,
        "in_store": in_store,
        "sha256": dict(tp.sha256),
        "released_by": tp.released_by,
        "released_at": tp.released_at.isoformat() if tp.released_at else None,
    }


def release_look(
    look_id: int,
    *,
    account: Account,
    settings: Settings,
    store: Store,
    build: Any,
    warn: Warn = log.warning,
) -> tuple[TechPack, bool]:
    """Release the look's current design as the next revision; returns (row, created).

    `build(draft_id, revision, status, released_by, released_at) -> Bundle` renders the bundle (the assembler
    passes it in, so this module holds only the revision rules). Refused without writing: a role other than
    production or admin, a look with no approved draft, or one its pattern or estimate would refuse
    (`check_releasable`). An unchanged design returns its revision once `verify_revision` passed it: a damaged
    revision raises `DamagedRelease` rather than being returned, or replaced by a new letter.
    """
    require_role(account, RELEASERS, "release tech packs")
    url = settings.resolved_database_url
    draft_id = check_releasable(url, look_id)
    candidate: Bundle = build(draft_id, revision=None, status="released", released_by=account.name, released_at=None)
    chash = content_hash(candidate.spec)
    for _attempt in range(3):
        with session_scope(url, readonly=True) as session:
            released = session.exec(
                select(TechPack).where(TechPack.look_id == look_id, TechPack.status == "released")
            ).all()
        same = [tp for tp in released if tp.content_hash == chash]
        if same:
            verify_revision(same[0], store, warn=warn)
            return same[0], False
        revision = next_revision([tp.revision for tp in released if tp.revision])
        when = utcnow()
        bundle: Bundle = build(draft_id, revision=revision, status="released", released_by=account.name,
                               released_at=when)  # fmt: skip
        manifest = {**bundle.spec, "revision": revision, "status": "released", "released_by": account.name,
                    "released_at": when.isoformat()}  # fmt: skip
        # Frozen and read back before the commit: once the row says "released", its files already are.
        keys, sha = _store_bundle(store, bundle, manifest, freeze=True, warn=warn)
        try:
            with session_scope(url) as session:
                draft = session.get(Draft, draft_id)
                tp = TechPack(
                    look_id=look_id, draft_id=draft_id, pattern_id=bundle.spec["pattern_id"],
                    estimate_id=bundle.spec["estimate_id"], revision=revision, status="released",
                    content_hash=chash, files=keys, sha256=sha, released_by=account.name, released_at=when,
                )  # fmt: skip
                assert draft is not None
                session.add(tp)
                session.flush()
            return tp, True
        except IntegrityError:
            continue  # another release took this letter first: look again
    raise RuntimeError(f"could not release look {look_id}: concurrent releases kept taking the next revision")


def export_revision(
    look_id: int, revision: str, out_dir: Path, *, settings: Settings, store: Store, warn: Warn = log.warning
) -> dict[str, Path]:
    """Copy a released revision's bundle out of the store, checking every file as `verify_revision` does."""
    with session_scope(settings.resolved_database_url, readonly=True) as session:
        if session.get(Look, look_id) is None:
            raise NotFound(f"no look with id {look_id}", where="LOOK")
        tp = session.exec(
            select(TechPack).where(
                TechPack.look_id == look_id, TechPack.revision == revision, TechPack.status == "released"
            )
        ).first()
        if tp is None:
            revs = session.exec(
                select(TechPack.revision).where(TechPack.look_id == look_id, TechPack.status == "released")
            ).all()
            known = ", ".join(sorted(r for r in revs if r)) or "none"
            raise UserError(f"look {look_id} has no released revision {revision!r} (released: {known})", where="--rev")
    return _copy_out(tp, verify_revision(tp, store, warn=warn) or _checked_blobs(tp, store), out_dir, where="--out")


def _checked_blobs(tp: TechPack, store: Store) -> dict[str, bytes]:
    """A revision's files, each checked by its SHA-256 (a draft's, which `verify_revision` leaves alone)."""
    blobs = {}
    for kind in BUNDLE:
        data = store.get(tp.files[kind])
        if hashlib.sha256(data).hexdigest() != tp.sha256[kind]:
            raise DamagedRelease(
                f"{kind} of look {tp.look_id} rev {tp.revision} does not match its SHA-256: store damaged"
            )
        blobs[kind] = data
    return blobs


def _copy_out(tp: TechPack, blobs: dict[str, bytes], out_dir: Path, *, where: str) -> dict[str, Path]:
    """Write a revision's checked files into `out_dir` under readable names."""
    look_id, revision = tp.look_id, tp.revision
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"not a folder: {out_dir}", where=where)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"look{look_id}-rev{revision}"
    names = {"pdf": f"{stem}-techpack.pdf", "dxf": f"{stem}-pattern.dxf", "svg": f"{stem}-pattern.svg",
             "json": f"{stem}-techpack.json"}  # fmt: skip
    written = {}
    for kind, data in blobs.items():
        tmp = out_dir / f".{names[kind]}.tmp"
        tmp.write_bytes(data)
        tmp.replace(out_dir / names[kind])
        written[kind] = out_dir / names[kind]
    return written


def prepare_draft(draft_id: int, *, settings: Settings, store: Store, build: Any) -> TechPack:
    """The draft tech pack production works from before release (marked DRAFT); one per distinct design."""
    bundle: Bundle = build(draft_id, revision=None, status="draft", released_by=None, released_at=None)
    chash = content_hash(bundle.spec)
    url = settings.resolved_database_url
    with session_scope(url, readonly=True) as session:
        found = session.exec(
            select(TechPack).where(
                TechPack.look_id == bundle.spec["look_id"], TechPack.status == "draft", TechPack.content_hash == chash
            )
        ).first()
        if found is not None:
            return found
    keys, sha = _store_bundle(store, bundle, {**bundle.spec, "revision": None, "status": "draft"})
    with session_scope(url) as session:
        tp = TechPack(
            look_id=bundle.spec["look_id"], draft_id=draft_id, pattern_id=bundle.spec["pattern_id"],
            estimate_id=bundle.spec["estimate_id"], revision=None, status="draft", content_hash=chash,
            files=keys, sha256=sha,
        )  # fmt: skip
        session.add(tp)
        session.flush()
        return tp
