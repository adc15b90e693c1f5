"""The diffusion engines on tiny random-weight pipelines: sizes, seeds, batching, loading, errors, status.

The tiny pipelines are built once per session (SD 1.5 and SDXL) in a session folder and loaded through the same
`from_pretrained(..., local_files_only=True)` path that real weights take. Nothing here reaches the network.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from design_ai.config import Settings
from design_ai.errors import UserError
from design_ai.generate.base import ControlMap, DraftRequest, GenerationParams, Swatch
from design_ai.generate.engines.diffusion import (
    CONTROL_TYPES,
    ControlNetEngine,
    TinyEngine,
    clear_pipeline_cache,
    engine_status,
    optimize_pipeline,
    tiny_model_dir,
)
from design_ai.generate.tiny_models import ensure_tiny_pipeline
from design_ai.images import encode_png

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def tiny_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SD 1.5 tiny pipeline's folder for the whole session (the SDXL one is its `-sdxl` sibling)."""
    path = tmp_path_factory.mktemp("tiny-models") / "tiny-sd-controlnet"
    ensure_tiny_pipeline(path, "sd15")
    return path


@pytest.fixture(autouse=True)
def _no_seamline_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Settings here come from arguments only (SEAMLINE_DEVICE aside, which the GPU tests read)."""
    for key in list(os.environ):
        if key.startswith("SEAMLINE_") and key != "SEAMLINE_DEVICE":
            monkeypatch.delenv(key)
    yield


def make_settings(tiny_root: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {"tiny_model_path": tiny_root, "device": "cpu", "dtype": "auto", "batch_size": 4}
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def make_look(width: int = 64, height: int = 64, steps: int = 3, **params: object) -> DraftRequest:
    sketch = Image.new("RGB", (128, 128), "white")
    ImageDraw.Draw(sketch).polygon([(30, 20), (98, 20), (110, 50), (90, 60), (90, 110), (38, 110)], outline="black")
    return DraftRequest(
        garment="tshirt",
        prompt="flat lay product photo of a boxy cotton t-shirt",
        negative_prompt="person, text",
        colorways=(Swatch("Sunrise", "#F4A261"), Swatch("Ink", "#1D3557", "19-4052 TCX")),
        material="organic-cotton-jersey-180",
        texture="jersey",
        sketch=sketch,
        params=GenerationParams(width=width, height=height, steps=steps, **params),  # type: ignore[arg-type]
    )


def make_control(look: DraftRequest, control_type: str = "lineart") -> ControlMap:
    inverted = Image.eval(look.sketch, lambda v: 255 - v)  # white lines on black, as detectors give
    return ControlMap(image=inverted, control_type=control_type, detector="test.invert")


def pixels(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("RGB"), dtype=np.int16)


# --- The tiny folder ----------------------------------------------------------------------------------


def test_tiny_folder_is_a_model_folder_that_from_pretrained_loads(tiny_root: Path) -> None:
    import diffusers

    index = json.loads((tiny_root / "model_index.json").read_text())
    assert index["_class_name"] == "StableDiffusionControlNetPipeline"
    config = json.loads((tiny_root / "controlnet" / "config.json").read_text())
    assert len(config["conditioning_embedding_out_channels"]) == 4  # shrinks the control image by 8, like the VAE
    assert (tiny_root / "tokenizer" / "vocab.json").is_file()
    assert not list(tiny_root.parent.glob(f".{tiny_root.name}.tmp-*"))  # the temporary build folder is gone

    controlnet = diffusers.ControlNetModel.from_pretrained(tiny_root / "controlnet", local_files_only=True)
    pipe = diffusers.StableDiffusionControlNetPipeline.from_pretrained(
        tiny_root, controlnet=controlnet, local_files_only=True
    )
    assert pipe.vae_scale_factor == 8
    assert pipe.safety_checker is None


def test_ensure_builds_only_once_and_refuses_foreign_folders(tiny_root: Path, tmp_path: Path) -> None:
    before = (tiny_root / "model_index.json").stat().st_mtime_ns
    assert ensure_tiny_pipeline(tiny_root) == tiny_root
    assert (tiny_root / "model_index.json").stat().st_mtime_ns == before

    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("not a model")
    with pytest.raises(UserError, match=r"holds no model_index\.json"):
        ensure_tiny_pipeline(foreign)
    assert (foreign / "notes.txt").read_text() == "not a model"  # never overwritten
    with pytest.raises(UserError, match="not the tiny sdxl one"):
        ensure_tiny_pipeline(tiny_root, "sdxl")


def test_concurrent_builds_give_one_folder_with_the_same_weights(tiny_root: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "tiny"
    threads = [threading.Thread(target=ensure_tiny_pipeline, args=(fresh,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (fresh / "model_index.json").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["tiny"]  # no temporary folder left behind
    for part in ("unet", "controlnet", "vae", "text_encoder"):
        weights = next((fresh / part).glob("*.safetensors"))
        assert weights.read_bytes() == (tiny_root / part / weights.name).read_bytes(), part


# --- The tiny engine ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("width", "height"), [(64, 64), (96, 64), (64, 128)])
def test_drafts_have_the_requested_size(tiny_root: Path, width: int, height: int) -> None:
    look = make_look(width, height, steps=2)
    drafts = TinyEngine(make_settings(tiny_root)).generate(look, make_control(look), 2, seed=3)
    assert [d.image.size for d in drafts] == [(width, height)] * 2
    assert all(d.image.mode == "RGB" for d in drafts)


def test_same_seed_same_bytes_across_instances_and_cache_reloads(tiny_root: Path) -> None:
    look = make_look()
    control = make_control(look)
    first = TinyEngine(make_settings(tiny_root)).generate(look, control, 3, seed=11)
    clear_pipeline_cache()  # the second engine loads the folder again from disk
    second = TinyEngine(make_settings(tiny_root)).generate(look, control, 3, seed=11)
    assert [encode_png(d.image) for d in first] == [encode_png(d.image) for d in second]

    # Different seeds, different images: within one call (seeds 11, 12, 13) and for another base seed.
    assert len({encode_png(d.image) for d in first}) == 3
    other = TinyEngine(make_settings(tiny_root)).generate(look, control, 1, seed=99)
    assert encode_png(other[0].image) != encode_png(first[0].image)


def test_a_draft_does_not_depend_on_the_batch_size(tiny_root: Path) -> None:
    look = make_look()
    control = make_control(look)
    one = TinyEngine(make_settings(tiny_root, batch_size=1)).generate(look, control, 5, seed=20)
    four = TinyEngine(make_settings(tiny_root, batch_size=4)).generate(look, control, 5, seed=20)
    for a, b in zip(one, four, strict=True):
        assert a.plan == b.plan
        # One generator per image makes the noise identical; CPU matmuls blocked for another batch size may
        # still round differently (measured ~3e-6 in [0, 1]), which can flip a pixel by one level.
        assert np.abs(pixels(a.image) - pixels(b.image)).max() <= 1


def test_drafts_record_what_made_them(tiny_root: Path) -> None:
    look = make_look(steps=2, scheduler="DDIMScheduler", guidance=5.0, controlnet_scale=0.8)
    done: list[int] = []
    drafts = TinyEngine(make_settings(tiny_root, batch_size=2)).generate(
        look, make_control(look), 3, seed=7, progress=done.append
    )
    assert done == [2, 3]
    assert [(d.plan.index, d.plan.seed) for d in drafts] == [(0, 7), (1, 8), (2, 9)]
    assert "Ink colorway (19-4052 TCX)" in drafts[1].plan.prompt
    d = drafts[0]
    assert d.engine == "tiny"
    assert d.note is not None and "noise" in d.note
    assert d.model_ids == {
        "base": str(tiny_root),
        "controlnet": str(tiny_root / "controlnet"),
        "arch": "sd15-tiny",
    }
    assert d.params == {
        "steps": 2,
        "guidance": 5.0,
        "controlnet_scale": 0.8,
        "scheduler": "DDIMScheduler",
        "width": 64,
        "height": 64,
        "dtype": "float32",
        "device": "cpu",
    }
    assert d.seconds > 0


def test_scheduler_changes_the_image_and_swapping_back_restores_it(tiny_root: Path) -> None:
    engine = TinyEngine(make_settings(tiny_root))
    look = make_look()
    control = make_control(look)
    unipc = engine.generate(look, control, 1, seed=5)[0].image
    euler_look = replace(look, params=replace(look.params, scheduler="EulerDiscreteScheduler"))
    euler = engine.generate(euler_look, control, 1, seed=5)[0].image
    again = engine.generate(look, control, 1, seed=5)[0].image
    assert encode_png(unipc) != encode_png(euler)
    assert encode_png(unipc) == encode_png(again)


def test_threads_share_one_pipeline_safely(tiny_root: Path) -> None:
    engine = TinyEngine(make_settings(tiny_root, batch_size=1))
    look = make_look(steps=2)
    control = make_control(look)
    expected = [encode_png(engine.generate(look, control, 1, seed=s)[0].image) for s in (1, 2)]
    got: dict[int, bytes] = {}

    def run(seed: int) -> None:
        got[seed] = encode_png(engine.generate(look, control, 1, seed=seed)[0].image)

    threads = [threading.Thread(target=run, args=(s,)) for s in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [got[1], got[2]] == expected


def test_the_controlnet_engine_loads_the_tiny_folder_like_real_weights(tiny_root: Path) -> None:
    settings = make_settings(
        tiny_root, base_model=str(tiny_root), controlnet_models={"default": str(tiny_root / "controlnet")}
    )
    engine = ControlNetEngine(settings)
    assert engine.model_ids("scribble") == {
        "base": str(tiny_root),
        "controlnet": str(tiny_root / "controlnet"),
        "arch": "sd15",
    }
    look = make_look()
    real_path = engine.generate(look, make_control(look, "scribble"), 1, seed=4)[0]
    tiny = TinyEngine(settings).generate(look, make_control(look, "scribble"), 1, seed=4)[0]
    assert real_path.engine == "controlnet" and real_path.note is None
    assert encode_png(real_path.image) == encode_png(tiny.image)


# diffusers 0.42 passes the hub download helper an argument that huggingface_hub 2.x ignores with a warning.
@pytest.mark.filterwarnings("ignore:The `local_dir_use_symlinks` argument:UserWarning")
def test_repo_ids_resolve_from_the_local_hugging_face_cache(
    tiny_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A repo id is looked up in the HF cache and loaded from it offline, its snapshot recorded as the revision."""
    import huggingface_hub.constants

    revision = "0123456789abcdef0123456789abcdef01234567"
    for repo, source in (("seamline-test/tiny-sd15", tiny_root), ("seamline-test/tiny-cn", tiny_root / "controlnet")):
        entry = tmp_path / ("models--" + repo.replace("/", "--"))
        shutil.copytree(source, entry / "snapshots" / revision)
        (entry / "refs").mkdir()
        (entry / "refs" / "main").write_text(revision)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)  # a belt: nothing may reach the hub

    settings = make_settings(
        tiny_root, base_model="seamline-test/tiny-sd15", controlnet_models={"default": "seamline-test/tiny-cn"}
    )
    engine = ControlNetEngine(settings)
    assert engine.model_ids("canny") == {
        "base": "seamline-test/tiny-sd15",
        "controlnet": "seamline-test/tiny-cn",
        "arch": "sd15",
        "base_revision": revision,
        "controlnet_revision": revision,
    }
    look = make_look()
    from_cache = engine.generate(look, make_control(look, "canny"), 1, seed=4)[0]
    from_folder = TinyEngine(settings).generate(look, make_control(look, "canny"), 1, seed=4)[0]
    assert encode_png(from_cache.image) == encode_png(from_folder.image)


def test_sdxl_tiny_pipeline_builds_and_generates(tiny_root: Path) -> None:
    settings = make_settings(tiny_root)
    look = make_look(96, 64, steps=2)
    control = make_control(look, "canny")
    first = TinyEngine(settings, arch="sdxl").generate(look, control, 2, seed=1)
    index = json.loads((tiny_model_dir(settings, "sdxl") / "model_index.json").read_text())
    assert index["_class_name"] == "StableDiffusionXLControlNetPipeline"
    assert [d.image.size for d in first] == [(96, 64)] * 2
    assert first[0].model_ids["arch"] == "sdxl-tiny"
    clear_pipeline_cache()
    second = TinyEngine(settings, arch="sdxl").generate(look, control, 2, seed=1)
    assert [encode_png(d.image) for d in first] == [encode_png(d.image) for d in second]


def test_cuda_speed_settings_keep_the_image(tiny_root: Path) -> None:
    """optimize_pipeline (channels_last, fused QKV in UNet, ControlNet and VAE) changes speed, not pictures."""
    import diffusers
    import torch

    controlnet = diffusers.ControlNetModel.from_pretrained(tiny_root / "controlnet", local_files_only=True)
    pipe = diffusers.StableDiffusionControlNetPipeline.from_pretrained(
        tiny_root, controlnet=controlnet, local_files_only=True
    )
    pipe.set_progress_bar_config(disable=True)
    control = Image.new("RGB", (64, 64))

    def run() -> np.ndarray:
        generator = torch.Generator().manual_seed(0)
        return pipe("a tee", image=control, num_inference_steps=2, generator=generator, output_type="np").images

    before = run()
    # channels_last only under torch.compile (measured slower eager); asked for here to check it keeps the image
    assert optimize_pipeline(pipe) == ["tf32", "fused_qkv"]
    assert set(optimize_pipeline(pipe, channels_last=True, fused_qkv=False)) >= {"channels_last"}
    assert any(hasattr(m, "to_qkv") for m in pipe.controlnet.modules())  # the ControlNet really is fused
    np.testing.assert_allclose(run(), before, atol=1e-4)


def test_bench_runs_on_the_cpu(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    argv = [
        "--device",
        "cpu",
        "--engines",
        "tiny",
        "--runs",
        "1",
        "--warmup",
        "0",
        "--n",
        "2",
        "--size",
        "64",
        "--tiny-steps",
        "1",
    ]
    assert bench.main(argv) == 0
    assert re.search(r"tiny \(1 steps\)\s+cpu\s+64x64\s+n=2\s+[\d.]+ drafts/s", capsys.readouterr().out)


# --- Errors and status ----------------------------------------------------------------------------------


def test_controlnet_engine_without_a_base_model_names_the_setting(tiny_root: Path) -> None:
    engine = ControlNetEngine(make_settings(tiny_root))
    look = make_look()
    with pytest.raises(UserError, match="SEAMLINE_BASE_MODEL is not set"):
        engine.model_ids("canny")
    with pytest.raises(UserError, match="SEAMLINE_BASE_MODEL is not set"):
        engine.generate(look, make_control(look), 1, seed=0)


def test_missing_weights_are_user_errors_naming_path_and_setting(tiny_root: Path, tmp_path: Path) -> None:
    repo = ControlNetEngine(make_settings(tiny_root, base_model="someone/not-cached-sd15"))
    with pytest.raises(UserError, match=r"'someone/not-cached-sd15' not found locally.*SEAMLINE_ALLOW_DOWNLOADS"):
        repo.model_ids("canny")
    folder = ControlNetEngine(make_settings(tiny_root, base_model=str(tmp_path / "nowhere")))
    with pytest.raises(UserError, match=r"folder .*nowhere not found; check SEAMLINE_BASE_MODEL"):
        folder.model_ids("canny")
    no_controlnet = ControlNetEngine(make_settings(tiny_root, base_model=str(tiny_root)))
    with pytest.raises(UserError, match="SEAMLINE_CONTROLNET_MODELS__SOFTEDGE"):
        no_controlnet.model_ids("hed")
    mismatched = ControlNetEngine(
        make_settings(
            tiny_root,
            base_model=str(tiny_root),
            controlnet_models={"canny": str(ensure_tiny_pipeline(tmp_path / "xl", "sdxl") / "controlnet")},
        )
    )
    with pytest.raises(UserError, match=r"is an sdxl ControlNet but the base model .* is sd15"):
        mismatched.model_ids("canny")


@pytest.mark.parametrize(
    ("params", "control_type", "message"),
    [
        ({"width": 100}, "lineart", "width must be a multiple of 8"),
        ({"height": 32}, "lineart", "height must be a multiple of 8 and at least 64"),
        ({"scheduler": "NoSuchScheduler"}, "lineart", "unknown scheduler 'NoSuchScheduler'"),
        ({}, "depth", "unknown control type 'depth'"),
    ],
)
def test_bad_inputs_are_refused_before_loading(
    tiny_root: Path, params: dict[str, object], control_type: str, message: str
) -> None:
    look = make_look()
    look = replace(look, params=replace(look.params, **params))  # type: ignore[arg-type]
    with pytest.raises(UserError, match=message):
        TinyEngine(make_settings(tiny_root)).generate(look, make_control(look, control_type), 1, seed=0)


def test_engine_status_reports_what_is_missing(tiny_root: Path, tmp_path: Path) -> None:
    ok, problems = engine_status(make_settings(tiny_root), "controlnet")
    assert not ok
    assert any("SEAMLINE_BASE_MODEL is not set" in p for p in problems)
    for control_type in CONTROL_TYPES:
        assert any(f"control type {control_type!r}" in p for p in problems), control_type

    partial = make_settings(
        tiny_root,
        base_model=str(tiny_root),
        controlnet_models={"canny": str(tiny_root / "controlnet"), "lineart": str(tmp_path / "gone")},
    )
    assert engine_status(partial, "controlnet", ["canny"]) == (True, [])
    ok, problems = engine_status(partial, "controlnet", ["canny", "lineart"])
    assert not ok
    assert problems == [
        f"ControlNet for 'lineart': folder {tmp_path / 'gone'} not found; check SEAMLINE_CONTROLNET_MODELS__LINEART"
    ]

    assert engine_status(make_settings(tiny_root), "tiny") == (True, [])
    assert engine_status(make_settings(tmp_path / "not-built-yet"), "tiny") == (True, [])
    (tmp_path / "occupied").mkdir()
    (tmp_path / "occupied" / "x").write_text("x")
    ok, problems = engine_status(make_settings(tmp_path / "occupied"), "tiny")
    assert not ok and "holds no model_index.json" in problems[0]


def test_importing_the_engines_does_not_import_torch() -> None:
    code = (
        "import sys, design_ai.generate.engines.diffusion, design_ai.generate.tiny_models; "
        "assert 'torch' not in sys.modules and 'diffusers' not in sys.modules, 'heavy import'"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT, timeout=60)


# --- On a GPU (SEAMLINE_DEVICE=cuda, run through the device tool) -----------------------------------------


def _cuda_or_skip() -> None:
    if os.environ.get("SEAMLINE_DEVICE") != "cuda":
        pytest.skip("set SEAMLINE_DEVICE=cuda to run GPU tests")
    import torch

    if not torch.cuda.is_available():
        pytest.skip("SEAMLINE_DEVICE=cuda but torch sees no CUDA device")


@pytest.mark.gpu
@pytest.mark.parametrize("arch", ["sd15", "sdxl"])
def test_tiny_engine_on_cuda_in_fp16_is_reproducible(tiny_root: Path, arch: str) -> None:
    _cuda_or_skip()
    settings = make_settings(tiny_root, device="cuda")
    look = make_look(64, 96, steps=3)
    control = make_control(look)
    first = TinyEngine(settings, arch=arch).generate(look, control, 4, seed=2)  # type: ignore[arg-type]
    assert first[0].params["dtype"] == "float16" and first[0].params["device"] == "cuda"
    assert [d.image.size for d in first] == [(64, 96)] * 4
    assert all(pixels(d.image).std() > 0 for d in first)  # not black: SDXL's VAE decoded in fp32
    clear_pipeline_cache()
    again = TinyEngine(settings, arch=arch).generate(look, control, 4, seed=2)  # type: ignore[arg-type]
    assert [encode_png(d.image) for d in first] == [encode_png(d.image) for d in again]
    one_by_one = TinyEngine(make_settings(tiny_root, device="cuda", batch_size=1), arch=arch)  # type: ignore[arg-type]
    for a, b in zip(first, one_by_one.generate(look, control, 4, seed=2), strict=True):
        # Same noise per image; fp16 kernels chosen per batch size may round differently.
        assert np.abs(pixels(a.image) - pixels(b.image)).mean() < 2.0
