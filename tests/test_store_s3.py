"""The store on S3, against a real server (SeaweedFS on loopback, tests/s3.py): the same contract as a folder,
plus the failures only a remote store has (credentials, bucket, endpoint), each one line naming its setting."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from design_ai.config import Settings, get_settings
from design_ai.errors import UserError
from design_ai.store import Store

if TYPE_CHECKING:
    from s3 import S3Server

ROOT = Path(__file__).resolve().parent.parent
SEAMLINE = Path(sys.executable).parent / "seamline"


def _bucket(url: str) -> str:
    return url.removeprefix("s3://").split("/", 1)[0]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again on return: nothing listens there


def _forget_s3_clients() -> None:
    """fsspec reuses an S3 filesystem made with the same arguments, and credentials from the environment are not
    among them: drop the cached ones so a test's changed AWS_* variables are what the next store signs with."""
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()


def test_put_get_exists_verify_locate_link(s3_store_url: str, s3_server: S3Server, home: Path) -> None:
    store = Store.from_settings(get_settings())
    assert store.is_s3 and not store.is_local and store.endpoint_url == s3_server.endpoint
    key = store.put(b"hello", "png")
    digest = hashlib.sha256(b"hello").hexdigest()
    assert key == f"sha256/{digest[:2]}/{digest}.png"
    assert store.put(b"hello", "png") == key  # the same content twice: one object
    assert store.get(key) == b"hello"
    assert store.exists(key) and store.verify(key)
    assert not store.exists(f"sha256/{'0' * 2}/{'0' * 64}.png")
    with pytest.raises(UserError, match="no such file in the store"):
        store.get(f"sha256/{'0' * 2}/{'0' * 64}.png")
    store.freeze(key)  # a no-op on S3, and no error
    bucket = _bucket(s3_store_url)
    assert store.locate(key) == f"{s3_store_url}/{key}"
    assert store.link(key) == f"{s3_server.endpoint}/{bucket}/seamline/{key}"
    objects = s3_server.fs().find(bucket)
    assert objects == [f"{bucket}/seamline/{key}"]  # no temporary or folder objects beside it
    assert not (home / "store").exists()  # nothing went to the local default store


def test_tampered_object_fails_verify(s3_store_url: str, s3_server: S3Server) -> None:
    store = Store.from_settings(get_settings())
    key = store.put(b"original", "pdf")
    s3_server.fs().pipe_file(f"{_bucket(s3_store_url)}/seamline/{key}", b"changed")
    assert not store.verify(key)


def test_wrong_credentials_are_refused_in_one_line(
    s3_store_url: str, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(PermissionError):  # the server itself checks signatures (moto would not)
        s3_server.fs(secret="not-the-secret").ls(_bucket(s3_store_url))
    for key_id, secret in ((s3_server.access_key, "not-the-secret"), ("nobody", s3_server.secret_key)):
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", key_id)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
        _forget_s3_clients()
        store = Store.from_settings(get_settings())
        with pytest.raises(UserError, match="refused the credentials") as err:
            store.put(b"x", "png")
        message = str(err.value)
        assert message.startswith("SEAMLINE_STORE_URL: ") and "AWS_SECRET_ACCESS_KEY" in message
        assert s3_store_url in message and "\n" not in message
    _forget_s3_clients()


def test_missing_bucket_is_reported_not_created(
    s3_store_url: str, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEAMLINE_STORE_URL", "s3://seamline-no-such-bucket/prefix")
    store = Store.from_settings(get_settings())
    with pytest.raises(UserError, match=r"SEAMLINE_STORE_URL: no such bucket: s3://seamline-no-such-bucket/prefix"):
        store.put(b"x", "png")
    with pytest.raises(UserError, match="no such bucket"):
        store.exists(f"sha256/{'0' * 2}/{'0' * 64}.png")  # exists() alone would say False, hiding the mistake
    assert not s3_server.fs().exists("seamline-no-such-bucket")


@pytest.mark.parametrize(
    "key",
    ["../etc/passwd", "sha256/../../x.png", "sha256/aa/" + "b" * 64 + ".png", "sha256/ab/ab.png", "/abs/path"],
)
def test_bad_keys_are_refused_before_reaching_s3(key: str) -> None:
    # An endpoint where nothing listens: a key that reached the network would fail slowly, and differently.
    store = Store("s3://seamline-any/prefix", {"client_kwargs": {"endpoint_url": f"http://127.0.0.1:{_closed_port()}"}})
    started = time.monotonic()
    with pytest.raises(UserError, match="not a store key"):
        store.get(key)
    with pytest.raises(UserError, match="not a store key"):
        store.locate(key)
    assert not store.exists(key)
    assert time.monotonic() - started < 0.5


def test_unreachable_endpoint_names_the_setting(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("SEAMLINE_STORE_URL", "s3://seamline-any/prefix")
    monkeypatch.setenv("SEAMLINE_STORE_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "k")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    # SEAMLINE_STORE_OPTIONS reaches s3fs: one attempt, so this test does not wait for botocore's retries.
    monkeypatch.setenv("SEAMLINE_STORE_OPTIONS", json.dumps({"config_kwargs": {"retries": {"max_attempts": 1}}}))
    store = Store.from_settings(get_settings())
    assert store.options["config_kwargs"] == {"retries": {"max_attempts": 1}}
    with pytest.raises(UserError, match=r"^SEAMLINE_STORE_ENDPOINT_URL: .* does not answer") as err:
        store.check()
    assert endpoint in str(err.value) and "s3://seamline-any/prefix" in str(err.value)


def test_missing_s3fs_is_a_user_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    known = importlib.import_module("fsspec.registry")._registry  # `fsspec.registry` is also a mapping's name
    monkeypatch.delitem(known, "s3", raising=False)
    monkeypatch.setitem(sys.modules, "s3fs", None)  # `import s3fs` now raises ImportError
    with pytest.raises(UserError, match=r"^SEAMLINE_STORE_URL: the store s3://bucket/p needs .*s3fs"):
        Store("s3://bucket/p")


def test_local_store_from_settings_is_the_embedded_default(settings: Settings, home: Path) -> None:
    store = Store.from_settings(settings)
    assert store.is_local and not store.is_s3 and store.options == {} and store.url == str(home / "store")
    assert store.endpoint_url is None


def _cli_env(home: Path, tmp_path: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SEAMLINE_", "PREFECT_API", "AWS_"))}
    return env | {"SEAMLINE_HOME": str(home), "PREFECT_HOME": str(tmp_path / "prefect")} | extra


def test_demo_on_s3_releases_into_the_bucket(s3_store_url: str, s3_server: S3Server, tmp_path: Path) -> None:
    home = tmp_path / "cli-home"
    env = _cli_env(home, tmp_path, {**s3_server.env(), "SEAMLINE_STORE_URL": s3_store_url})
    out = subprocess.run([str(SEAMLINE), "demo", "--json"], capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=240)  # fmt: skip
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["revision"] == "A" and set(result["files"]) == {"pdf", "dxf", "svg", "json"}
    store = Store(s3_store_url, {"client_kwargs": {"endpoint_url": s3_server.endpoint}, "key": s3_server.access_key,
                                 "secret": s3_server.secret_key})  # fmt: skip
    for kind, path in result["files"].items():
        digest = result["sha256"][kind]
        key = f"sha256/{digest[:2]}/{digest}.{kind}"
        assert store.exists(key) and store.verify(key), kind
        # the production manager's copy: a file on disk under the home, the same bytes
        assert Path(path).is_relative_to(home / "releases"), path
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == digest
    assert len(s3_server.fs().find(_bucket(s3_store_url))) > 4  # sketches, control map, drafts, pattern ... too
    # `techpack export` reads the bucket too: the production manager's other way to get the files
    cmd = [str(SEAMLINE), "techpack", "export", str(result["look_id"]), "--rev", "A", "--out", str(tmp_path / "out")]
    export = subprocess.run([*cmd, "--json"], capture_output=True, text=True, env=env, timeout=60)
    assert export.returncode == 0, export.stderr
    for kind, path in json.loads(export.stdout).items():
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == result["sha256"][kind]
    local = home / "store"
    assert not local.exists() or not any(p.is_file() for p in local.rglob("*")), "wrote to the local store"


def test_cli_with_an_unreachable_endpoint_exits_2_in_one_line(tmp_path: Path) -> None:
    home = tmp_path / "cli-home"
    env = _cli_env(home, tmp_path, {"AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"})
    upgrade = subprocess.run([str(SEAMLINE), "db", "upgrade"], capture_output=True, text=True, env=env, timeout=60)
    assert upgrade.returncode == 0, upgrade.stderr
    db = home / "seamline.db"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    env |= {"SEAMLINE_STORE_URL": "s3://seamline-any/prefix", "SEAMLINE_STORE_ENDPOINT_URL": endpoint}
    brief = ROOT / "examples" / "briefs" / "tee-capsule.yaml"
    out = subprocess.run([str(SEAMLINE), "sprint", str(brief), "--no-wait", "--json"], capture_output=True,
                         text=True, env=env, cwd=tmp_path, timeout=120)  # fmt: skip
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    assert "SEAMLINE_STORE_ENDPOINT_URL" in lines[0] and endpoint in lines[0]
    assert out.stdout == ""
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before  # nothing recorded
    assert not (home / "store").exists()
