"""The `seamline` CLI as a user meets it: --help, the JSON contract, exit codes and nothing half-written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from factories import write_brief

ROOT = Path(__file__).resolve().parent.parent


def seamline(*args: str, env: dict[str, str] | None = None, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        cwd=ROOT,
    )


def test_help_is_fast_and_lists_commands() -> None:
    out = seamline("--help")
    assert out.returncode == 0, out.stderr
    for command in ("sprint", "demo", "drafts", "models"):
        assert command in out.stdout
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, flows.cli; print('torch' in sys.modules, 'prefect' in sys.modules)"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert probe.stdout.split() == ["False", "False"]  # the CLI's import path stays light


def test_the_domain_library_imports_nothing_of_the_flows() -> None:
    """design_ai runs without Prefect and without flows: the CLI, which needs both, sits above them."""
    import ast

    offenders = []
    for path in sorted((ROOT / "design_ai").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n == "flows" or n.startswith("flows.")]
    assert offenders == []


def test_flows_ask_the_domain_library_not_the_database() -> None:
    """A task is one call into design_ai plus its Prefect wiring: no flow module opens a database session."""
    import ast

    offenders = []
    for path in sorted((ROOT / "flows").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("design_ai.db", "sqlmodel")):
                offenders.append(f"{path.name}: {node.module}")
    assert offenders == []


@pytest.mark.parametrize(
    ("look", "needle"),
    [
        ({"garment": "poncho"}, "looks[0]: look 'Boxy tee': garment 'poncho' is not in the garment library"),
        ({"garment": "dress"}, "registered garments: tshirt, longsleeve, tank"),
        ({"colorways": [{"name": "X", "hex": "orange"}]}, "looks[0].colorways[0].hex"),
        ({"material": "unobtainium"}, "looks[0].material"),
        ({"drafts": 0}, "looks[0].drafts"),
        ({"sketch": "sketches/none.png"}, "looks[0].sketch"),
        ({"control": "pidinet"}, "table5_pidinet.pth"),
    ],
)
def test_bad_brief_exit_2_one_line_nothing_written(tmp_path: Path, look: dict, needle: str) -> None:
    brief = write_brief(tmp_path / "b", looks=[look])
    home = tmp_path / "home"
    out = seamline("sprint", str(brief), env={"SEAMLINE_HOME": str(home)})
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and str(brief) in lines[0], out.stderr
    assert "Traceback" not in out.stderr
    assert not home.exists()  # no database, no store


def test_bad_options_exit_2(tmp_path: Path) -> None:
    brief = write_brief(tmp_path / "b")
    env = {"SEAMLINE_HOME": str(tmp_path / "home")}
    for args, needle in [
        (("sprint", str(brief), "--engine", "dalle"), "--engine: unknown engine 'dalle'"),
        (("sprint", str(brief), "--drafts", "65"), "--drafts: must be between 1 and 64"),
        (("sprint", str(tmp_path / "missing.yaml")), "brief file not found"),
    ]:
        out = seamline(*args, env=env)
        assert out.returncode == 2 and needle in out.stderr, (args, out.stderr)
    assert not (tmp_path / "home").exists()


def test_sprint_json_contract_with_an_ephemeral_prefect(tmp_path: Path) -> None:
    """No PREFECT_API_URL: the flow starts its own temporary server, as a user's first run does."""
    brief = write_brief(tmp_path / "b")
    env = {"SEAMLINE_HOME": str(tmp_path / "home"), "PREFECT_HOME": str(tmp_path / "prefect")}
    env_clean = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    out = subprocess.run(
        [sys.executable, "-m", "flows.cli", "sprint", str(brief), "--no-wait", "--json"],
        capture_output=True, text=True, env={**env_clean, **env}, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) >= {"brief_id", "looks"}
    [look] = data["looks"]
    assert set(look) >= {"look_id", "name", "drafts"}
    for draft in look["drafts"]:
        assert set(draft) >= {"draft_id", "image", "seed", "engine"}
        assert Path(draft["image"]).is_file() and draft["engine"] == "flat"

    listed = seamline("drafts", "list", "--look", str(look["look_id"]), "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert sorted(d["draft_id"] for d in json.loads(listed.stdout)) == sorted(d["draft_id"] for d in look["drafts"])
    missing = seamline("drafts", "list", "--look", "999", env=env)
    assert missing.returncode == 2 and "--look: no look with id 999" in missing.stderr


def test_models_check_reports_why(tmp_path: Path) -> None:
    out = seamline("models", "check", "--json", env={"SEAMLINE_HOME": str(tmp_path / "home")})
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    engines = {e["name"]: e for e in report["engines"]}
    assert engines["flat"]["ok"] and engines["tiny"]["ok"]
    assert not engines["controlnet"]["ok"]
    assert any("SEAMLINE_BASE_MODEL" in r for r in engines["controlnet"]["reasons"])
    assert "opencv" in report["controls"]["lineart"]
