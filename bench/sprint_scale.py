"""A sprint of many looks through Prefect workers against the same work called directly: the orchestration cost.

    python bench/sprint_scale.py [--looks 50] [--drafts 4] [--size 128] [--steps 4] [--gpu-slots 1] [--runs 1]
                                 [--looks-per-run 1,8]

Both paths draft the same brief (one per run, renamed so nothing is reused) with the `tiny` engine on the CPU:

- direct: the domain library in this process, look after look: register, control map, drafts, review queue
  (one pipeline loaded once, no Prefect);
- worker: a `design-sprint` run created through the REST API of a local Prefect server (SQLite, or PostgreSQL
  with --prefect-db), picked up by a process worker on the `cpu` pool, fanned out to one `generate-drafts` run
  look batch on the `gpu` pool (--looks-per-run, each value timed), the GPU limit (--gpu-slots) held while
  each pipeline runs; timed from the API call to the run's COMPLETED state.

Printed per run and as medians: wall times, the ratio worker / direct, the share of the worker's wall time
that is orchestration ((worker - direct) / worker), and where that time goes (process start, waiting for a
slot, generating), read from the runs' own records on the server. Server start, bootstrap and worker start
are one-off costs, printed apart. The tiny engine's images are noise: it stands for a model whose own cost
is small, so the figures bound the overhead from above; a real SD pipeline's seconds per draft shrink it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing the project

import yaml  # noqa: E402

SKETCH = ROOT / "examples" / "briefs" / "sketches" / "boxy-tee.png"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--looks", type=int, default=50)
    parser.add_argument("--drafts", type=int, default=4, help="drafts per look")
    parser.add_argument("--size", type=int, default=128, help="draft side in pixels (tiny engine)")
    parser.add_argument("--steps", type=int, default=4, help="denoising steps (tiny engine)")
    parser.add_argument("--gpu-slots", type=int, default=1, help="size of the GPU limit (GPUs in the gpu pool)")
    parser.add_argument("--gpu-worker-limit", type=int, default=None, help="flow runs at once on the gpu worker")
    parser.add_argument("--runs", type=int, default=1, help="runs of each path; medians are reported")
    parser.add_argument(
        "--looks-per-run", default="1,8", help="comma-separated SEAMLINE_LOOKS_PER_RUN values for the worker path"
    )
    parser.add_argument("--prefect-db", default=None, help="postgresql+asyncpg://… for the Prefect server")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, database) afterwards")
    args = parser.parse_args(argv)
    for name in ("looks", "drafts", "size", "steps", "gpu_slots", "runs"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.size % 8:
        parser.error("--size must be a multiple of 8")
    try:
        args.batch_sizes = [int(x) for x in args.looks_per_run.split(",")]
    except ValueError:
        parser.error("--looks-per-run takes whole numbers separated by commas, e.g. 1,8")
    if not args.batch_sizes or min(args.batch_sizes) < 1:
        parser.error("--looks-per-run values must be at least 1")
    return args


def write_brief(folder: Path, name: str, looks: int, drafts: int) -> Path:
    """A brief of `looks` looks on the example sketch; `name` makes it (and so its looks) new."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SKETCH, folder / "tee.png")
    doc = {
        "collection": name,
        "season": "SS27",
        "looks": [
            {
                "name": f"Look {i + 1:02d}",
                "garment": "tshirt",
                "prompt": f"flat lay product photo of a cotton t-shirt, variation {i + 1}",
                "sketch": "tee.png",
                "control": "canny",
                "colorways": [{"name": "Ink", "hex": "#1D3557"}],
                "material": "organic-cotton-jersey-180",
                "drafts": drafts,
                "seed": 1000 + i,
            }
            for i in range(looks)
        ],
    }
    path = folder / f"{name.replace(' ', '-')}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def run_direct(brief: Path) -> float:
    """The sprint's work without Prefect: the same domain calls the flows make, in this process."""
    from design_ai import sprint
    from design_ai.brief import load_brief
    from design_ai.config import get_settings
    from design_ai.store import Store

    settings = get_settings()
    store = Store.from_settings(settings)
    began = time.perf_counter()
    loaded = load_brief(brief, max_pixels=settings.max_image_pixels)
    sprint.preflight(loaded, settings, "tiny")
    registered = sprint.register_brief(loaded, settings=settings, store=store)
    for look_id in registered.look_ids:
        sprint.make_control(look_id, settings=settings, store=store)
        sprint.make_drafts(look_id, "tiny", settings=settings, store=store)
    sprint.contact_sheet(registered.brief_id, settings=settings, store=store)
    for look_id in registered.look_ids:
        sprint.queue_for_review(look_id, settings=settings, engine="tiny")
    return time.perf_counter() - began


def _t(value: str | None) -> datetime:
    assert value is not None
    return datetime.fromisoformat(value)


def breakdown(cluster: Any, run: dict[str, Any]) -> dict[str, float]:
    """Seconds summed over the generation runs: queued before a worker started them, process start to first
    task, waiting for the GPU slot plus generating ("drafts" tasks), and the sprint run's own pickup delay."""
    children = [c for c in cluster.flow_runs("generate-drafts/generate-drafts") if c["parent_task_run_id"]]
    mine = {t["id"] for t in cluster.task_runs([run["id"]])}
    children = [c for c in children if c["parent_task_run_id"] in mine]
    tasks = cluster.task_runs([c["id"] for c in children]) if children else []
    first_task: dict[str, datetime] = {}
    drafts_s = 0.0
    for t in tasks:
        if t["start_time"]:
            at = _t(t["start_time"])
            first_task[t["flow_run_id"]] = min(first_task.get(t["flow_run_id"], at), at)
        if t["name"].startswith("drafts") and t["start_time"] and t["end_time"]:
            drafts_s += (_t(t["end_time"]) - _t(t["start_time"])).total_seconds()
    return {
        "sprint pickup": (_t(run["start_time"]) - _t(run["expected_start_time"])).total_seconds(),
        "child queued": sum((_t(c["start_time"]) - _t(c["expected_start_time"])).total_seconds() for c in children),
        "child start": sum((first_task[c["id"]] - _t(c["start_time"])).total_seconds() for c in children),
        "drafts tasks": drafts_s,
        "children": float(len(children)),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="seamline-scale-"))
    site = {
        "SEAMLINE_HOME": str(work / "home"),
        "SEAMLINE_IMAGE_SIZE": str(args.size),
        "SEAMLINE_STEPS": str(args.steps),
        "SEAMLINE_DEVICE": "cpu",
        "SEAMLINE_GENERATE_DEPLOYMENT": "generate-drafts/generate-drafts",
        "SEAMLINE_GPU_LIMIT": "gpu-generation",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    os.environ.update({k: v for k, v in site.items() if k.startswith("SEAMLINE_")})
    os.environ.pop("SEAMLINE_GENERATE_DEPLOYMENT")  # the direct path runs here, not on a pool
    from cluster import local_cluster

    from design_ai.config import get_settings
    from design_ai.db.session import upgrade
    from design_ai.generate.tiny_models import ensure_tiny_pipeline

    settings = get_settings()
    upgrade(settings.resolved_database_url)
    ensure_tiny_pipeline(settings.resolved_tiny_model_path)  # built once, for both paths
    print(
        f"sprint of {args.looks} looks x {args.drafts} drafts, tiny engine {args.size}x{args.size}, {args.steps} steps,"
        f" CPU ({os.cpu_count()} cores); GPU limit {args.gpu_slots}; Prefect DB "
        f"{'PostgreSQL' if args.prefect_db else 'SQLite'}; work in {work}",
        flush=True,
    )
    direct: list[float] = []
    worker: dict[int, list[float]] = {k: [] for k in args.batch_sizes}
    details: dict[int, list[dict[str, float]]] = {k: [] for k in args.batch_sizes}
    try:
        began = time.perf_counter()
        with local_cluster(work / "cluster", env=site, prefect_database_url=args.prefect_db) as cluster:
            server_s = time.perf_counter() - began
            t = time.perf_counter()
            cluster.bootstrap(gpus=args.gpu_slots)
            bootstrap_s = time.perf_counter() - t
            t = time.perf_counter()
            cluster.start_worker("cpu")
            cluster.start_worker("gpu", limit=args.gpu_worker_limit or args.gpu_slots + 1)
            workers_s = time.perf_counter() - t
            print(f"one-off: server {server_s:.1f} s, bootstrap {bootstrap_s:.1f} s, workers {workers_s:.1f} s")
            for i in range(args.runs):
                brief = write_brief(work / "briefs", f"Scale direct {i}", args.looks, args.drafts)
                direct.append(run_direct(brief))
                print(f"run {i + 1}: direct {direct[-1]:7.1f} s", flush=True)
                for k in args.batch_sizes:
                    brief = write_brief(work / "briefs", f"Scale worker {i} by {k}", args.looks, args.drafts)
                    t = time.perf_counter()
                    run_id = cluster.trigger(
                        "design-sprint/design-sprint",
                        {"brief": str(brief), "engine": "tiny", "drafts": args.drafts, "wait": False},
                        env={"SEAMLINE_LOOKS_PER_RUN": str(k)},
                    )
                    run = cluster.wait(run_id, timeout_s=3 * 3600, poll_s=0.25)
                    seconds = time.perf_counter() - t
                    if run["state"]["type"] != "COMPLETED":
                        print(f"run {i + 1}: worker path ended {run['state']['type']}: {run['state']['message']}")
                        return 1
                    worker[k].append(seconds)
                    details[k].append(breakdown(cluster, run))
                    print(
                        f"run {i + 1}: worker, {k:3d} looks per run {seconds:7.1f} s"
                        f"   ratio {seconds / direct[-1]:5.2f}x"
                        f"   orchestration {(seconds - direct[-1]) / seconds * 100:5.1f} % of its wall",
                        flush=True,
                    )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    drafts = args.looks * args.drafts
    d = statistics.median(direct)
    print(f"median of {args.runs}: direct {d:.1f} s ({drafts / d:.2f} drafts/s)")
    for k in args.batch_sizes:
        w = statistics.median(worker[k])
        med = {key: statistics.median(x[key] for x in details[k]) for key in details[k][0]}
        print(
            f"  worker, {k} looks per run: {w:.1f} s ({drafts / w:.2f} drafts/s); ratio worker / direct {w / d:.2f}x;"
            f" orchestration {(w - d) / w * 100:.1f} % of the worker's wall"
        )
        print(
            f"    {med['children']:.0f} generate-drafts runs; seconds summed over them: queued and starting "
            f"{med['child queued']:.1f}, drafts tasks {med['drafts tasks']:.1f};"
            f" sprint pickup {med['sprint pickup']:.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
