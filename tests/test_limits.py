"""Limits at the boundaries (issue #17): briefs, sketches, CLI numbers and ids are refused before any work,
with one short line and exit 2, never a hang, a crash deep inside, or a half-written database or store."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from factories import write_brief

from design_ai.brief import load_brief
from design_ai.errors import UserError, quoted

ROOT = Path(__file__).resolve().parent.parent
MEMORY_CAP = 2 << 30  # a regression runs out of memory in the child instead of hanging the suite


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def seamline(*args: str, home: Path, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """The CLI in a child with its address space capped at 2 GiB."""
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        capture_output=True,
        text=True,
        # one BLAS/OpenMP thread: each would reserve its own buffers in the capped address space on a many-core box
        env={**os.environ, "SEAMLINE_HOME": str(home), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
        timeout=timeout,
        cwd=ROOT,
        preexec_fn=_capped,
    )


def one_line_exit_2(out: subprocess.CompletedProcess[str], needle: str, *, max_len: int = 300) -> str:
    assert out.returncode == 2, (out.returncode, out.stderr[-2000:])
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], out.stderr[-2000:]
    assert len(lines[0]) <= max_len and "Traceback" not in out.stderr, out.stderr[:2000]
    return lines[0]


def _billion_laughs(brief: Path, field: str) -> None:
    """Nine levels of nine aliases: 9**9 (387 million) strings once expanded, in `field` of the first look."""
    levels = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
    text = brief.read_text()
    assert f"  {field}: " in text
    lines = [f"  {field}: *l9" if line.startswith(f"  {field}: ") else line for line in text.splitlines()]
    brief.write_text("\n".join(levels + lines) + "\n")


# --- the brief ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["garment", "material", "prompt"])
def test_billion_laughs_is_refused_fast_and_short(tmp_path: Path, field: str) -> None:
    brief = write_brief(tmp_path / "b")
    _billion_laughs(brief, field)
    home = tmp_path / "home"
    line = one_line_exit_2(seamline("sprint", str(brief), home=home), "its aliases expand to more than 100,000")
    assert str(brief) in line
    assert not home.exists()


def test_anchors_share_settings_between_looks(tmp_path: Path) -> None:
    """What aliases are for stays: looks sharing one colorway list and a `<<:` merge of another look's fields
    (PyYAML itself writes shared objects as anchors and aliases)."""
    colorways = [{"name": "Ink", "hex": "#1D3557"}, {"name": "Sage", "hex": "#8FA98A"}]
    brief = write_brief(tmp_path / "b", looks=[{"name": "One", "colorways": colorways, "units": 600},
                                               {"name": "Two", "colorways": colorways}])  # fmt: skip
    text = brief.read_text()
    assert "&id001" in text and "*id001" in text
    text = text.replace("- name: One", "- &one\n  name: One", 1).replace("- name: Two", "- <<: *one\n  name: Two", 1)
    brief.write_text(text)
    spec = load_brief(brief).spec
    # the merge fills what look Two does not say; what it says wins
    assert [c.name for c in spec.looks[1].colorways] == ["Ink", "Sage"] and spec.looks[1].units == 100


def test_a_brief_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    brief = write_brief(tmp_path / "b")
    with brief.open("a") as fh:
        fh.truncate(3 << 30)  # sparse: 3 GB of NULs that cost no disk, and would cost memory if read
    with pytest.raises(UserError, match=r"over the 1024 KiB limit"):
        load_brief(brief)


@pytest.mark.parametrize(
    ("look", "needle"),
    [
        ({"size_ratio": {"S": 1, "M": 10**30, "L": 1}}, "looks[0].size_ratio.M: Input should be less than or equal"),
        ({"size_ratio": {"S": 1, "M": "1e30", "L": 1}}, "looks[0].size_ratio.M"),
        ({"size_ratio": {"S": 100, "M": 100, "L": 100}}, "size_ratio lays more than 200 garments"),
        ({"size_ratio": {"S": -1, "M": 1, "L": 1}}, "looks[0].size_ratio.S: Input should be greater than or equal"),
        ({"units": 10**12}, "looks[0].units"),
        ({"seed": 2**64}, "looks[0].seed"),
        ({"drafts": 10**20}, "looks[0].drafts"),
        ({"sizes": [f"S{i}" for i in range(31)], "base_size": "S1"}, "looks[0].sizes: List should have at most 30"),
        ({"name": "Boxy\x00tee"}, "looks[0].name: control character '\\x00' is not allowed"),
        ({"name": "Boxy \x1b[2J tee"}, "looks[0].name: control character '\\x1b' is not allowed"),
        ({"name": "Boxy \u202e tee"}, "looks[0].name: control character '\\u202e' is not allowed"),
        ({"prompt": "a tee\x07"}, "looks[0].prompt: control character '\\x07' is not allowed"),
        ({"colorways": [{"name": "In\x85k", "hex": "#000000"}]}, "looks[0].colorways[0].name: control character"),
        ({"colorways": [{"name": "Ink", "hex": "#" + "0" * 100_000}]}, "looks[0].colorways[0].hex: not a #RRGGBB"),
        ({"material": "m" * 100_000}, "looks[0].material: String should have at most 80 characters"),
        ({"base_size": "\x1b" * 100_000}, "looks[0].base_size: String should have at most 12 characters"),
        ({"x" * 100_000 + "\x1b": 1}, "looks[0].'xxxxxxxx"),
        ({"sketch": "s" * 100_000}, "looks[0].sketch: a path of 100000 characters is too long"),
        ({"sketch": "sketches/te\x00e.png"}, "looks[0].sketch: control character '\\x00'"),
    ],
)
def test_brief_bounds_name_the_field_in_one_short_line(tmp_path: Path, look: dict, needle: str) -> None:
    path = write_brief(tmp_path, looks=[look])
    with pytest.raises(UserError) as err:
        load_brief(path)
    message = str(err.value)
    assert needle in message, message
    assert "\n" not in message and "\x1b" not in message and "\x00" not in message
    assert len(message) < len(str(path)) + 200, message


def test_prompts_keep_newlines_and_tabs(tmp_path: Path) -> None:
    loaded = load_brief(write_brief(tmp_path, looks=[{"prompt": "a boxy tee,\n\tflat lay"}]))
    assert loaded.spec.looks[0].prompt == "a boxy tee,\n\tflat lay"


def test_deep_nesting_and_huge_integers_are_user_errors(tmp_path: Path) -> None:
    path = write_brief(tmp_path)
    text = path.read_text()
    path.write_text(text + "extra: " + "[" * 100_000 + "\n")
    with pytest.raises(UserError, match="nested deeper than"):
        load_brief(path)
    path.write_text(text + "extra: " + "9" * 5000 + "\n")
    with pytest.raises(UserError, match="a number too long to read"):
        load_brief(path)


def test_quoted_is_short_and_escaped() -> None:
    assert quoted("a\x00b\x1b[31m") == "'a\\x00b\\x1b[31m'"
    assert quoted("x" * 1000) == repr("x" * 60 + "…")
    assert len(quoted([[["y" * 10_000] * 1000] * 1000])) < 80
    assert quoted(10**5000) == "<a 16610-bit integer>"


# --- sketches -------------------------------------------------------------------------------------------------


def _outside_image(tmp_path: Path) -> Path:
    from factories import draw_sketch

    return draw_sketch(tmp_path / "elsewhere" / "secret.png")


@pytest.mark.parametrize("kind", ["absolute", "dotdot", "symlink", "symlinked folder"])
def test_sketch_outside_the_brief_folder_is_refused_and_nothing_written(tmp_path: Path, kind: str) -> None:
    secret = _outside_image(tmp_path)
    folder = tmp_path / "b"
    sketch = {
        "absolute": str(secret),
        "dotdot": "../elsewhere/secret.png",
        "symlink": "sketches/link.png",
        "symlinked folder": "linked/secret.png",
    }[kind]
    brief = write_brief(folder, looks=[{"sketch": sketch}])
    if kind == "symlink":
        (folder / "sketches" / "link.png").symlink_to(secret)
    if kind == "symlinked folder":
        (folder / "linked").symlink_to(secret.parent, target_is_directory=True)
    home = tmp_path / "home"
    line = one_line_exit_2(seamline("sprint", str(brief), home=home), "looks[0].sketch: ")
    assert {"absolute": "absolute path", "dotdot": "'..'"}.get(kind, "symlink") in line
    assert not home.exists()  # no database, no store


def test_a_sketch_inside_a_subfolder_still_loads(tmp_path: Path) -> None:
    loaded = load_brief(write_brief(tmp_path, looks=[{"sketch": "./sketches/tee.png"}]))
    assert loaded.sketches[0].size == (512, 512)


def test_huge_non_image_sketch_is_refused_unread(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    brief = write_brief(folder, looks=[{"sketch": "sketches/huge.png"}])
    with (folder / "sketches" / "huge.png").open("wb") as fh:
        fh.truncate(1_500_000_000)  # sparse: no disk, but 1.5 GB of memory if it were read
    home = tmp_path / "home"
    one_line_exit_2(seamline("sprint", str(brief), home=home), "over the 128 MiB limit")
    assert not home.exists()


def test_a_fifo_sketch_is_refused_without_blocking(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    brief = write_brief(folder, looks=[{"sketch": "sketches/pipe.png"}])
    os.mkfifo(folder / "sketches" / "pipe.png")
    with pytest.raises(UserError, match=r"looks\[0\]\.sketch: not a file"):
        load_brief(brief)


# --- the CLI: numbers, ids and usage mistakes -----------------------------------------------------------------


def _instance(path: Path, demand: object, points: int = 4, height: object = 100) -> Path:
    import json

    square = [[0, 0], [10, 0], [10, 10], [0, 10]] if points == 4 else [[i, (i * 7) % 13] for i in range(points)]
    item = {"Demand": demand, "Shape": {"Type": "SimplePolygon", "Data": square}}
    path.write_text(json.dumps({"Name": "t", "Items": [item], "Strip": {"Height": height}}))
    return path


@pytest.mark.parametrize(
    ("demand", "extra", "needle"),
    [
        (10**12, (), '"Demand" must be a whole number 1-10000, got 1000000000000'),
        (10**30, (), '"Demand" must be a whole number 1-10000'),
        (5, ("--width", "1e300"), "--width: must be in (0, 1e+07]"),
        (5, ("--seconds", "1e30"), "--seconds: must be in (0, 3600]"),
        (5, ("--seconds", "nan"), "--seconds: must be in (0, 3600]"),
    ],
)
def test_marker_nest_bounds_exit_2_one_line(tmp_path: Path, demand: int, extra: tuple[str, ...], needle: str) -> None:
    path = _instance(tmp_path / "inst.json", demand)
    out = seamline("marker", "nest", str(path), *extra, home=tmp_path / "home", timeout=60)
    one_line_exit_2(out, needle)


def test_marker_instance_bounds(tmp_path: Path) -> None:
    from design_ai.patterns.marker import parse_instance, read_instance

    big = {"Demand": 6000, "Shape": {"Type": "Rectangle", "Data": {"Width": 1, "Height": 1}}}
    with pytest.raises(UserError, match="more than 10000 pieces to place"):
        parse_instance({"Items": [big, big]})
    with pytest.raises(UserError, match="a polygon of 10001 points"):
        read_instance(_instance(tmp_path / "many.json", 1, points=10_001))
    with pytest.raises(UserError, match=r'"Strip" must be'):
        read_instance(_instance(tmp_path / "wide.json", 1, height=1e300))
    with pytest.raises(UserError, match="within ±1e"):
        far = {"Type": "SimplePolygon", "Data": [[0, 0], [1e300, 0], [0, 1]]}
        parse_instance({"Items": [{"Demand": 1, "Shape": far}]})
    huge = tmp_path / "huge.json"
    with huge.open("wb") as fh:
        fh.truncate(1 << 30)  # sparse
    with pytest.raises(UserError, match="over the 32 MiB limit"):
        read_instance(huge)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (("--ratio", "M=1000000000000"), "--ratio: expected SIZE=COUNT pairs"),
        (("--ratio", "M=101"), "--ratio: M=101: at most 100 of a size"),
        (("--ratio", "S=100,M=100,L=100"), "--ratio: more than 200 garments in one marker"),
        (("--ratio", "M\x1b[2J=1"), "--ratio: expected SIZE=COUNT pairs like XS=1,S=2, got 'M\\x1b[2J=1'"),
        (("--sizes", ",".join(f"S{i}" for i in range(31))), "--sizes: give 1-30 comma-separated sizes"),
        (("--base-size", "Q" * 10_000), "--base-size: base size 'QQQQQQQQQQQQQQQQQQQQ…' is not in the size range"),
        (("--seconds", "1e30"), "--seconds: must be in (0, 3600]"),
    ],
)
def test_pattern_extract_bounds_exit_2_before_any_work(tmp_path: Path, extra: tuple[str, ...], needle: str) -> None:
    missing_image = tmp_path / "not-read.png"  # the bounds are checked before the image is opened
    out = seamline(
        "pattern", "extract", str(missing_image), "--garment", "tshirt", "--px-per-cm", "8",
        "--out", str(tmp_path / "out"), *extra, home=tmp_path / "home", timeout=60,
    )  # fmt: skip
    one_line_exit_2(out, needle)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("review", "show", "99999999999999999999"), "Invalid value for 'look'"),
        (("review", "show", str(2**63)), "less than or equal to 9223372036854775807"),
        (("review", "show", "0"), "greater than or equal to 1"),
        (("review", "approve"), "Missing argument 'look'"),
        (("review", "approve", "abc", "--draft", "1", "--as", "x"), "Invalid value for 'look'"),
        (("review", "approve", "1", "--as", "x"), "Missing option '--draft'"),
        (("review", "approve", "1", "--draft", str(2**70), "--as", "x"), "Invalid value for '--draft'"),
        (("review", "list", "--bogus"), "No such option: --bogus"),
        (("drafts", "list", "--look", str(2**63)), "Invalid value for '--look'"),
        (("release", str(2**63), "--as", "x"), "Invalid value for 'look'"),
        (("techpack", "export", str(2**63), "--rev", "A", "--out", "x"), "Invalid value for 'look'"),
    ],
)
def test_usage_mistakes_and_ids_out_of_range_exit_2(tmp_path: Path, args: tuple[str, ...], needle: str) -> None:
    home = tmp_path / "home"
    out = seamline(*args, home=home, timeout=60)
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert "internal error" not in out.stderr and "Traceback" not in out.stderr, out.stderr
    assert needle in out.stderr and out.stderr.strip().splitlines()[-1].startswith("Error: "), out.stderr
    assert not home.exists()
