from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from design_ai.errors import UserError
from design_ai.store import Store, is_valid_key


def test_put_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "store"))
    key = store.put(b"hello", "png")
    digest = hashlib.sha256(b"hello").hexdigest()
    assert key == f"sha256/{digest[:2]}/{digest}.png"
    assert store.put(b"hello", "png") == key
    assert store.get(key) == b"hello"
    assert store.verify(key)
    assert Path(store.locate(key)).read_bytes() == b"hello"
    files = [p for p in (tmp_path / "store").rglob("*") if p.is_file()]
    assert len(files) == 1  # no temporary files left behind


@pytest.mark.parametrize(
    "key",
    ["../etc/passwd", "sha256/../../x.png", "sha256/aa/" + "b" * 64 + ".png", "sha256/ab/ab.png", "/abs/path"],
)
def test_bad_keys_never_reach_the_filesystem(tmp_path: Path, key: str) -> None:
    store = Store(str(tmp_path / "store"))
    assert not is_valid_key(key)
    with pytest.raises(UserError, match="not a store key"):
        store.get(key)
    assert not store.exists(key)


def test_tampering_is_detected(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "store"))
    key = store.put(b"original", "pdf")
    Path(store.locate(key)).write_bytes(b"changed")
    assert not store.verify(key)
