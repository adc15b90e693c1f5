"""`seamline demo`: the whole path on the bundled example, end to end, as a new user runs it."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent


def test_demo_runs_the_whole_path_and_is_repeatable(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SEAMLINE_", "PREFECT_API"))}
    env |= {"SEAMLINE_HOME": str(tmp_path / "home"), "PREFECT_HOME": str(tmp_path / "prefect")}

    def demo() -> dict:  # type: ignore[type-arg]
        out = subprocess.run([sys.executable, "-m", "flows.cli", "demo", "--json"], capture_output=True,
                             text=True, env=env, cwd=ROOT, timeout=280)  # fmt: skip
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    first = demo()
    assert set(first) >= {"look_id", "revision", "files", "sha256"}
    assert first["revision"] == "A" and set(first["files"]) == {"pdf", "dxf", "svg", "json"}
    for kind, path in first["files"].items():
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == first["sha256"][kind]
    pdf = PdfReader(first["files"]["pdf"])
    assert len(pdf.pages) >= 8
    text = "\n".join(p.extract_text() for p in pdf.pages)
    for needle in ("Points of measure", "Bill of materials", "Pattern pieces", "Carbon", "Review history",
                   "Rev A", "approved by `seamline demo`"):  # fmt: skip
        assert needle in text, needle
    manifest = json.loads(Path(first["files"]["json"]).read_text())
    assert manifest["revision"] == "A" and manifest["files_sha256"]["pdf"] == first["sha256"]["pdf"]
    assert 1.4 <= manifest["carbon"]["total_kg_co2e"] <= 9.0  # a cotton tee, cradle to gate (DESIGN.md)
    assert demo() == first  # run again: same revision, same files
