"""Releases that cannot be half-made or silently altered: every refusal before any write, files frozen before
the row that releases them is committed, and every re-run and read checking each file (present, SHA-256,
read-only) — a writable file frozen again and reported, a damaged one refused, never printed as good."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest
from factories import PASSWORD, add_user, seed_looks
from sqlmodel import func, select

from design_ai.db.models import Draft, EstimateRow, PatternSetRow, TechPack
from design_ai.db.session import session_scope
from design_ai.errors import UserError
from design_ai.garments.tops.flat import PRESETS, draw_tee_flat
from design_ai.review.accounts import get_account
from design_ai.review.state import decide
from design_ai.store import Store, key_for
from design_ai.techpack.assemble import build_bundle
from design_ai.techpack.release import DamagedRelease, export_revision, release_look, release_result


def _approved_look(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, **look_fields: object) -> int:
    monkeypatch.setenv("SEAMLINE_MARKER_SECONDS", "1")
    monkeypatch.setenv("SEAMLINE_PASSWORD", PASSWORD)
    from design_ai.config import get_settings

    settings = get_settings()
    flat, _ = draw_tee_flat(PRESETS["boxy-tee"], px_per_cm=6.0, style="line")
    [look] = seed_looks(tmp_path / "b", settings, sketch=flat, generation={"width": 512, "height": 512},
                        **look_fields)  # fmt: skip
    for name, role in (("ana", "reviewer"), ("pat", "production")):
        add_user(settings, name, role)
    with session_scope(db_url) as s:
        draft = s.exec(select(Draft).where(Draft.look_id == look)).first()
    decide(db_url, look_id=look, verdict="approve", reviewer="ana", draft_id=draft.id)
    return look


@pytest.fixture
def approved(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> int:
    return _approved_look(tmp_path, db_url, monkeypatch)


def _settings_store():  # type: ignore[no-untyped-def]
    from design_ai.config import get_settings

    settings = get_settings()
    return settings, Store.from_settings(settings)


def _release(look: int, warnings: list[str] | None = None) -> tuple[TechPack, bool]:
    settings, store = _settings_store()
    with session_scope(settings.resolved_database_url) as s:
        account = get_account(s, "pat")

    def build(draft: int, **kw):  # type: ignore[no-untyped-def]
        return build_bundle(draft, settings=settings, store=store, **kw)

    warn = warnings.append if warnings is not None else (lambda m: None)
    return release_look(look, account=account, settings=settings, store=store, build=build, warn=warn)


def _released(db_url: str) -> list[TechPack]:
    with session_scope(db_url, readonly=True) as s:
        return list(s.exec(select(TechPack).where(TechPack.status == "released").order_by(TechPack.id)).all())


def _mode(store: Store, key: str) -> str:
    return oct(Path(store.locate(key)).stat().st_mode)[-3:]


def _assert_sound(tp: TechPack, store: Store) -> None:
    """Every file present, matching its recorded SHA-256, and read-only."""
    for kind, key in tp.files.items():
        assert hashlib.sha256(store.get(key)).hexdigest() == tp.sha256[kind], kind
        assert _mode(store, key) == "444", (kind, _mode(store, key))


def _cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`seamline ARGS` through the real entry point (exit codes as a shell sees them)."""
    from flows.cli import main

    monkeypatch.setattr(sys, "argv", ["seamline", *args])
    capsys.readouterr()
    code = 0
    try:
        main()  # returns on success, exits otherwise
    except SystemExit as done:
        code = int(done.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def _store_files(store: Store) -> list[Path]:
    return sorted(p for p in Path(store.root).rglob("*") if p.is_file())


def test_a_crash_at_the_freeze_never_leaves_a_writable_release(
    approved: int, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _settings, store = _settings_store()

    def crash(self: Store, key: str) -> None:
        raise OSError("killed while freezing")

    with monkeypatch.context() as m:
        m.setattr(Store, "freeze", crash)
        with pytest.raises(OSError, match="killed while freezing"):
            _release(approved)
    # The crash came before the commit: no revision is marked released while its files are writable.
    for tp in _released(db_url):
        _assert_sound(tp, store)

    tp, _created = _release(approved)  # the re-run
    assert tp.revision == "A"
    _assert_sound(tp, store)
    assert [t.revision for t in _released(db_url)] == ["A"]


def test_a_writable_released_file_is_frozen_again_and_reported(
    approved: int, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _settings, store = _settings_store()
    tp, created = _release(approved)
    assert created and tp.revision == "A"
    pdf = Path(store.locate(tp.files["pdf"]))
    pdf.chmod(0o644)  # what a crash between commit and freeze left behind

    warnings: list[str] = []
    again, created = _release(approved, warnings)
    assert (again.id, created) == (tp.id, False)
    assert len(warnings) == 1 and "pdf of look" in warnings[0] and "frozen again" in warnings[0]
    _assert_sound(again, store)

    # the JSON output is a read too
    Path(store.locate(tp.files["svg"])).chmod(0o664)
    warnings.clear()
    result = release_result(again, store, warn=warnings.append)
    assert result["sha256"] == tp.sha256 and len(warnings) == 1 and "svg" in warnings[0]
    _assert_sound(again, store)

    # and the CLI: one warning line on stderr, exit 0, the files listed
    pdf.chmod(0o644)
    code, out, err = _cli(monkeypatch, capsys, "release", str(approved), "--as", "pat", "--json")
    assert code == 0, err
    assert json.loads(out)["revision"] == "A"
    assert err.count("\n") == 1 and err.startswith("seamline: warning: pdf of look") and "frozen again" in err
    _assert_sound(again, store)


def test_an_altered_released_file_is_refused_on_every_read(
    approved: int, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings, store = _settings_store()
    tp, _ = _release(approved)
    pdf = Path(store.locate(tp.files["pdf"]))
    original = pdf.read_bytes()
    pdf.chmod(0o644)
    pdf.write_bytes(original + b"%% altered after release\n")

    with pytest.raises(DamagedRelease, match=r"pdf of look \d+ rev A .* does not match its recorded SHA-256"):
        _release(approved)
    with pytest.raises(DamagedRelease, match="pdf"):
        release_result(tp, store)
    with pytest.raises(DamagedRelease, match="pdf"):
        export_revision(approved, "A", tmp_path / "out", settings=settings, store=store)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    assert [t.revision for t in _released(db_url)] == ["A"]  # no fresh revision cut over the damaged one

    code, out, err = _cli(monkeypatch, capsys, "release", str(approved), "--as", "pat")
    assert code == 1 and out == ""  # nothing printed as good
    assert err.count("\n") == 1 and "does not match its recorded SHA-256" in err and "Traceback" not in err
    code, out, err = _cli(monkeypatch, capsys, "techpack", "export", str(approved), "--rev", "A",
                          "--out", str(tmp_path / "out2"))  # fmt: skip
    assert code == 1 and out == "" and err.count("\n") == 1 and "pdf of look" in err
    assert [t.revision for t in _released(db_url)] == ["A"]

    # a missing file is damage too, not "no such file" as if the user had typed a wrong key
    store.repair(tp.files["pdf"], original)
    svg = Path(store.locate(tp.files["svg"]))
    svg.unlink()
    with pytest.raises(DamagedRelease, match=r"svg of look \d+ rev A is missing from the store"):
        release_result(tp, store)


def test_a_release_refused_for_no_size_ratio_writes_nothing(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    look = _approved_look(tmp_path, db_url, monkeypatch, size_ratio=None, units=None)
    _settings, store = _settings_store()

    def counts() -> tuple[int, ...]:
        with session_scope(db_url, readonly=True) as s:
            tables = (PatternSetRow, EstimateRow, TechPack)
            return tuple(s.exec(select(func.count()).select_from(t)).one() for t in tables)

    rows, files = counts(), _store_files(store)
    with pytest.raises(UserError, match=r"size_ratio: look \d+ has no size ratio"):
        _release(look)
    assert counts() == rows == (0, 0, 0)
    assert _store_files(store) == files

    code, out, err = _cli(monkeypatch, capsys, "release", str(look), "--as", "pat")
    assert code == 2 and out == "" and err.count("\n") == 1 and "size_ratio" in err
    assert counts() == rows and _store_files(store) == files


def test_store_repair_puts_back_only_the_bytes_a_key_names(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "store"))
    key = store.put(b"released bytes", "pdf")
    store.freeze(key)
    assert store.is_frozen(key)
    path = Path(store.locate(key))
    path.chmod(0o644)
    assert not store.is_frozen(key)
    path.write_bytes(b"altered")
    with pytest.raises(ValueError, match="do not belong"):
        store.repair(key, b"something else")
    store.repair(key, b"released bytes")
    assert store.verify(key) and key == key_for(b"released bytes", "pdf")
