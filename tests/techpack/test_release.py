"""Releases: revisions A, B, ..., no new revision for an unchanged design, immutability in the database and
the store, who may release, and the export of a bundle."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from factories import add_user, seed_looks
from pypdf import PdfReader
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import select

from design_ai.db.models import Draft, TechPack
from design_ai.db.session import get_engine, session_scope
from design_ai.errors import UserError
from design_ai.garments.tops.flat import PRESETS, draw_tee_flat
from design_ai.review.accounts import get_account
from design_ai.review.state import Forbidden, decide
from design_ai.store import Store
from design_ai.techpack.assemble import build_bundle
from design_ai.techpack.release import export_revision, next_revision, release_look


def test_revision_letters() -> None:
    assert next_revision([]) == "A"
    assert next_revision(["A", "B"]) == "C"
    assert next_revision(["Z"]) == "AA"
    assert next_revision(["AZ", "B"]) == "BA"


@pytest.fixture
def approved(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SEAMLINE_MARKER_SECONDS", "1")
    from design_ai.config import get_settings

    settings = get_settings()
    flat, _ = draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=6.0, style="line")
    [look] = seed_looks(tmp_path / "b", settings, sketch=flat, generation={"width": 512, "height": 512}, author="mina")
    for name, role in (("ana", "reviewer"), ("pat", "production"), ("mina", "designer")):
        add_user(settings, name, role)
    with session_scope(db_url) as s:
        draft = s.exec(select(Draft).where(Draft.look_id == look)).first()
    decide(db_url, look_id=look, verdict="approve", reviewer="ana", draft_id=draft.id, comment="<b>go</b> & ship")
    return look


def _release(look: int, who: str):  # type: ignore[no-untyped-def]
    from design_ai.config import get_settings

    settings = get_settings()
    store = Store.from_settings(settings)
    with session_scope(settings.resolved_database_url) as s:
        account = get_account(s, who)

    def build(draft: int, **kw):  # type: ignore[no-untyped-def]
        return build_bundle(draft, settings=settings, store=store, **kw)

    return release_look(look, account=account, settings=settings, store=store, build=build)


def test_release_is_immutable_and_repeatable(approved: int, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from design_ai.config import get_settings

    tp, created = _release(approved, "pat")
    assert (tp.revision, tp.status, created) == ("A", "released", True)
    again, created = _release(approved, "pat")
    assert (again.id, created) == (tp.id, False)  # unchanged design: no new revision

    store = Store.from_settings(get_settings())
    for kind, key in tp.files.items():
        data = store.get(key)
        assert hashlib.sha256(data).hexdigest() == tp.sha256[kind]
        assert not os.access(store.locate(key), os.W_OK) or os.geteuid() == 0  # frozen (root ignores modes)
        assert oct(Path(store.locate(key)).stat().st_mode)[-3:] == "444"
    pdf = PdfReader(store.locate(tp.files["pdf"]))
    first = pdf.pages[0].extract_text()
    assert "Rev A" in first and "RELEASED" in first
    every = "\n".join(p.extract_text() for p in pdf.pages)
    assert "<b>go</b> & ship" in every  # the reviewer's comment, escaped, in the review history
    assert "pat" in every and "ana" in every and "mina" in every  # sign-offs

    # the database refuses any change to a released revision, whatever code tries
    with pytest.raises((IntegrityError, DBAPIError)), get_engine(db_url).begin() as conn:
        conn.execute(text("UPDATE techpack SET status = 'draft' WHERE id = :id"), {"id": tp.id})
    with pytest.raises((IntegrityError, DBAPIError)), get_engine(db_url).begin() as conn:
        conn.execute(text("DELETE FROM techpack WHERE id = :id"), {"id": tp.id})

    # a changed design (another seam allowance) is a new revision; A stays as it was
    monkeypatch.setenv("SEAMLINE_SEAM_ALLOWANCE_CM", "1.5")
    b, created = _release(approved, "pat")
    assert (b.revision, created) == ("B", True)
    with session_scope(db_url) as s:
        a = s.get(TechPack, tp.id)
    assert (a.revision, a.sha256, a.files) == ("A", tp.sha256, tp.files)


def test_who_may_release_and_what(approved: int, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden, match=r"ana \(reviewer\) may not release"):
        _release(approved, "ana")
    with pytest.raises(Forbidden, match="mina"):
        _release(approved, "mina")
    with pytest.raises(UserError, match="no look with id 99"):
        _release(99, "pat")
    with session_scope(settings.resolved_database_url) as s:
        assert s.exec(select(TechPack)).all() == []


def test_export_checks_hashes_and_refuses_unknown_revisions(approved: int, tmp_path: Path) -> None:
    from design_ai.config import get_settings

    settings = get_settings()
    store = Store.from_settings(settings)
    tp, _ = _release(approved, "pat")
    files = export_revision(approved, "A", tmp_path / "out", settings=settings, store=store)
    assert {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in files.items()} == tp.sha256
    with pytest.raises(UserError, match=r"no released revision 'C' \(released: A\)"):
        export_revision(approved, "C", tmp_path / "out2", settings=settings, store=store)
    assert not (tmp_path / "out2").exists()


def test_unapproved_look_cannot_be_released(tmp_path: Path, db_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    [look] = seed_looks(tmp_path / "b", settings)
    add_user(settings, "pat", "production")
    with pytest.raises(UserError, match=f"look {look} has no approved draft"):
        _release(look, "pat")
