"""A bounded load on the review app over loopback: queue-page and decision latency, and no decision lost or doubled.

    python bench/review_load.py [--looks 10000] [--clients 50] [--seconds 30] [--drafts 4] [--decide-share 0.5]

1. Seeds --looks waiting looks (round 1 open, --drafts drafts each) straight into a fresh SQLite database with bulk
   inserts: no images are generated, every draft points at one small PNG stored once.
2. Makes one reviewer account per client and starts the app (`create_app`) under uvicorn in a subprocess on a free
   loopback port (its own interpreter, so the load generator does not share its GIL).
3. --clients asyncio httpx clients, each logged in with its own session, loop for --seconds: GET the queue page
   (`/`, one of its first pages), and with probability --decide-share take a look from the head of the queue
   (`GET /api/queue`) and approve one of its drafts (`POST /api/looks/{id}/decision`). Clients race for the same
   looks on purpose: a 409 is the expected answer to the loser.
4. Prints p50/p99 latency per kind of request, requests/s, the count of 201 / 409 / other answers, and checks the
   database: decisions == 201 answers, at most one decision per round, every 201's decision id present, every
   decided look approved and out of the queue.

Only loopback traffic; every loop is bounded by time and by count. Exits 1 when the consistency check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing the project

PASSWORD = "bench-password-1"
MAX_REQUESTS_PER_CLIENT = 100_000  # a second bound besides --seconds
KINDS = ("queue page", "queue api", "decision")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--looks", type=int, default=10_000, help="waiting looks to seed")
    parser.add_argument("--drafts", type=int, default=4, help="drafts per look")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients, one reviewer account each")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the load runs")
    parser.add_argument("--decide-share", type=float, default=0.5, help="share of iterations that also decide")
    parser.add_argument("--pages", type=int, default=3, help="queue pages the clients spread their GETs over")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes serving the app")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the clients' choices")
    parser.add_argument("--rate", type=float, default=None,
                        help="open loop: requests per second offered at fixed arrival times, whatever the answers' "
                             "pace (latency counted from each request's due time); then a closed-loop run of "
                             "--saturation-seconds gives the saturation throughput")
    parser.add_argument("--saturation-seconds", type=float, default=10.0,
                        help="with --rate: the closed-loop run that measures the saturation throughput")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    parser.add_argument("--keep", action="store_true", help="keep the temporary home (database, server log)")
    args = parser.parse_args(argv)
    for name in ("looks", "drafts", "clients", "pages", "workers"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if not 0 < args.seconds <= 600:
        parser.error("--seconds must be in (0, 600]")
    if not 0 <= args.decide_share <= 1:
        parser.error("--decide-share must be between 0 and 1")
    return args


# --- seeding -----------------------------------------------------------------------------------------------------


def _png() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (128, 128), "#f4a261")
    ImageDraw.Draw(img).rectangle((32, 24, 96, 112), outline="#1d3557", width=3)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def seed(url: str, store_url: str, looks: int, drafts: int) -> None:
    """Bulk-insert briefs, looks, open rounds and drafts (ids assigned here: the database is fresh)."""
    from sqlalchemy import insert

    from design_ai.db.models import Brief, Draft, Look, ReviewRound
    from design_ai.db.session import get_engine
    from design_ai.store import Store

    engine = get_engine(url)
    key = Store(store_url).put(_png(), "png")
    now = datetime.now(UTC)
    per_brief = 100
    briefs, look_rows, rounds, draft_rows = [], [], [], []
    for b in range((looks + per_brief - 1) // per_brief):
        briefs.append(
            {
                "id": b + 1,
                "content_hash": f"{b:064x}",
                "collection": f"Bench collection {b + 1}",
                "season": "SS27",
                "author": "bench-author",
                "source_path": "bench",
                "spec": {},
                "created_at": now,
            }
        )
    for i in range(looks):
        look_id = i + 1
        opened = now - timedelta(seconds=looks - i)  # look 1 waits longest
        look_rows.append(
            {
                "id": look_id,
                "brief_id": i // per_brief + 1,
                "position": i % per_brief,
                "name": f"Bench tee {look_id}",
                "garment": "tshirt",
                "prompt": "flat lay product photo of a boxy cotton t-shirt",
                "negative_prompt": "",
                "material": "organic-cotton-jersey-180",
                "control_type": "canny",
                "drafts_requested": drafts,
                "seed": look_id,
                "sketch_key": key,
                "control_key": key,
                "control_detector": "opencv.canny",
                "status": "in_review",
                "spec": {},
                "created_at": opened,
                "updated_at": opened,
            }
        )
        rounds.append(
            {
                "id": look_id,
                "look_id": look_id,
                "number": 1,
                "status": "open",
                "engine": "flat",
                "edits": {},
                "waiting_run_id": None,
                "waiting_api_url": None,
                "opened_at": opened,
                "closed_at": None,
            }
        )
        for p in range(drafts):
            draft_rows.append(
                {
                    "look_id": look_id,
                    "round": 1,
                    "position": p,
                    "engine": "flat",
                    "model_ids": {"engine": "flat"},
                    "prompt": "flat lay product photo of a boxy cotton t-shirt",
                    "negative_prompt": "",
                    "seed": look_id + p,
                    "steps": 1,
                    "guidance": 0.0,
                    "controlnet_scale": 1.0,
                    "scheduler": "none",
                    "width": 128,
                    "height": 128,
                    "control_type": "canny",
                    "control_detector": "opencv.canny",
                    "control_key": key,
                    "colorway_name": ["Sunrise", "Ink", "Sage", "Chalk"][p % 4],
                    "colorway_hex": ["#F4A261", "#1D3557", "#8FA98A", "#EDE6DA"][p % 4],
                    "image_key": key,
                    "params_hash": f"{look_id:032x}{p:032x}",
                    "params": {},
                    "seconds": 0.0,
                    "note": None,
                    "created_at": opened,
                }
            )
    with engine.begin() as conn:
        for table, rows in (
            (Brief.__table__, briefs),
            (Look.__table__, look_rows),
            (ReviewRound.__table__, rounds),
            (Draft.__table__, draft_rows),
        ):
            for start in range(0, len(rows), 5000):
                conn.execute(insert(table), rows[start : start + 5000])  # type: ignore[arg-type]


def make_reviewers(url: str, n: int) -> list[str]:
    """One reviewer per client, inserted in bulk like the looks.

    The argon2 hashes (the same default parameters as `accounts.add_account`, ~0.15 s each) are computed in
    threads, which argon2 allows as it releases the GIL; one `add_account` per reviewer would serialise them.
    """
    from argon2 import PasswordHasher
    from sqlalchemy import insert

    from design_ai.db.models import Account
    from design_ai.db.session import get_engine

    names = [f"bench-rev-{i:03d}" for i in range(n)]
    hasher = PasswordHasher()
    with ThreadPoolExecutor(max_workers=8) as pool:
        hashes = list(pool.map(lambda _: hasher.hash(PASSWORD), names))
    now = datetime.now(UTC)
    rows = [
        {"name": name, "role": "reviewer", "password_hash": h, "active": True, "created_at": now}
        for name, h in zip(names, hashes, strict=True)
    ]
    with get_engine(url).begin() as conn:
        conn.execute(insert(Account.__table__), rows)  # type: ignore[arg-type]
    return names


# --- the server ----------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(home: Path, url: str, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEAMLINE_")}
    env |= {"SEAMLINE_HOME": str(home), "SEAMLINE_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "design_ai.review.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        "--workers",
        str(workers),
    ]
    with log.open("wb") as fh:
        return subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT, cwd=home)


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the review app exited with code {proc.returncode}")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the review app did not answer /healthz in time")


# --- the load ------------------------------------------------------------------------------------------------------


class Tally:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, Counter[int]] = defaultdict(Counter)
        self.decision_ids: list[int] = []
        self.approved_looks: list[int] = []
        self.errors: Counter[str] = Counter()
        self.lag: list[float] = []  # open loop: how late each request started against its due time
        self.unknown_decisions = 0  # decision POSTs without an answer (timeout): committed or not, we can't tell

    def add(self, kind: str, seconds: float, status: int) -> None:
        self.latency[kind].append(seconds)
        self.status[kind][status] += 1


async def login(client: Any, name: str) -> str:
    """Log in, waiting as told when the app is busy checking other passwords (503 + Retry-After)."""
    for _ in range(30):
        r = await client.post("/api/login", json={"name": name, "password": PASSWORD})
        if r.status_code != 503:
            break
        await asyncio.sleep(float(r.headers.get("retry-after", "1")))
    r.raise_for_status()
    return str(r.json()["csrf_token"])


async def approve(
    client: Any, csrf: str, look: dict[str, Any], draft_id: int, comment: str, since: float, tally: Tally
) -> None:
    """Approve one draft of `look` (a 409 is the answer to the loser of a race); latency counted from `since`."""
    import httpx

    body = {"verdict": "approve", "draft_id": draft_id, "round": look["round"], "comment": comment}
    try:
        r = await client.post(f"/api/looks/{look['look_id']}/decision", json=body, headers={"X-CSRF-Token": csrf})
    except httpx.HTTPError:
        tally.unknown_decisions += 1  # committed or not, we can't tell
        raise
    tally.add("decision", time.perf_counter() - since, r.status_code)
    if r.status_code == 201:
        tally.decision_ids.append(r.json()["decision_id"])
        tally.approved_looks.append(look["look_id"])


async def client_loop(
    client: Any, csrf: str, name: str, deadline: float, args: argparse.Namespace, rng: random.Random, tally: Tally
) -> None:
    """One reviewer's session: queue pages, and now and then a decision on a look from the queue's head."""
    import httpx

    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= deadline:
            break
        try:
            page = 1 if rng.random() < 0.6 else rng.randint(1, args.pages)
            t = time.perf_counter()
            r = await client.get("/", params={"page": page})
            tally.add("queue page", time.perf_counter() - t, r.status_code)
            if rng.random() >= args.decide_share or time.monotonic() >= deadline:
                continue
            t = time.perf_counter()
            r = await client.get("/api/queue", params={"limit": 10})
            tally.add("queue api", time.perf_counter() - t, r.status_code)
            items = r.json() if r.status_code == 200 else []
            if not items:
                continue
            look = rng.choice(items)  # the head of the queue: clients collide on purpose
            draft_id = rng.choice(look["drafts"])["draft_id"]
            await approve(client, csrf, look, draft_id, name, time.perf_counter(), tally)
        except httpx.HTTPError as exc:
            tally.errors[type(exc).__name__] += 1


@asynccontextmanager
async def signed_in(base: str, names: list[str], connections: int) -> AsyncIterator[tuple[list[Any], list[str]]]:
    """One client per reviewer, each logged in (untimed: argon2 checks), with its CSRF token; closed after."""
    import httpx

    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    clients = [httpx.AsyncClient(base_url=base, timeout=30.0, limits=limits) for _ in names]
    try:
        yield clients, list(await asyncio.gather(*(login(c, n) for c, n in zip(clients, names, strict=True))))
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


async def closed_loop(
    clients: list[Any], tokens: list[str], names: list[str], args: argparse.Namespace, seconds: float, tally: Tally
) -> float:
    """Every client loops (`client_loop`) for `seconds`; returns the time it took."""
    start = time.monotonic()
    deadline = start + seconds
    await asyncio.gather(
        *(
            client_loop(c, csrf, name, deadline, args, random.Random(args.seed * 1000 + i), tally)
            for i, (c, csrf, name) in enumerate(zip(clients, tokens, names, strict=True))
        )
    )
    return time.monotonic() - start


async def run_load(base: str, names: list[str], args: argparse.Namespace) -> tuple[Tally, float]:
    """The closed loop of --clients clients for --seconds."""
    tally = Tally()
    async with signed_in(base, names, connections=2) as (clients, tokens):
        return tally, await closed_loop(clients, tokens, names, args, args.seconds, tally)


async def open_loop(
    clients: list[Any], tokens: list[str], names: list[str], args: argparse.Namespace, tally: Tally
) -> float:
    """Requests at fixed arrival times (--rate per second), each on its own task, so a slow answer does not
    slow the load (a closed loop would wait, and under-report the latency a real arrival would see).

    Each arrival is one request of one reviewer (round robin over the sessions): a queue page, or with
    probability --decide-share an approval of a look from the head of the queue as last seen (a queue API read,
    every tenth decision or when none is known, refreshes it). Latency runs from the arrival's due time.
    """
    import httpx

    rng = random.Random(args.seed)
    heads: list[dict[str, Any]] = []
    pending: set[asyncio.Task[None]] = set()
    n = int(args.rate * args.seconds)

    async def queue_page(i: int, due: float) -> None:
        page = 1 if rng.random() < 0.6 else rng.randint(1, args.pages)
        r = await clients[i].get("/", params={"page": page})
        tally.add("queue page", time.perf_counter() - due, r.status_code)

    async def refresh(i: int, due: float) -> None:
        r = await clients[i].get("/api/queue", params={"limit": 20})
        tally.add("queue api", time.perf_counter() - due, r.status_code)
        if r.status_code == 200:
            heads[:] = r.json()

    async def decision(i: int, due: float) -> None:
        look = rng.choice(heads)
        await approve(clients[i], tokens[i], look, rng.choice(look["drafts"])["draft_id"], names[i], due, tally)

    async def one(k: int, due: float) -> None:
        i = k % len(clients)
        tally.lag.append(time.perf_counter() - due)  # the generator's own delay: part of every latency
        try:
            if rng.random() >= args.decide_share:
                await queue_page(i, due)
            elif not heads or rng.random() < 0.1:
                await refresh(i, due)
            else:
                await decision(i, due)
        except httpx.HTTPError as exc:
            tally.errors[type(exc).__name__] += 1

    start = time.perf_counter()
    for k in range(n):
        due = start + k / args.rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(k, due))
        pending.add(task)
        task.add_done_callback(pending.discard)
    if pending:
        await asyncio.wait(pending)
    return time.perf_counter() - start


async def run_open_then_saturate(
    base: str, names: list[str], args: argparse.Namespace
) -> tuple[Tally, float, Tally, float]:
    """The open-loop run at --rate, then a closed loop of all clients for --saturation-seconds."""
    tally, sat = Tally(), Tally()
    async with signed_in(base, names, connections=20) as (clients, tokens):
        elapsed = await open_loop(clients, tokens, names, args, tally)
        return tally, elapsed, sat, await closed_loop(clients, tokens, names, args, args.saturation_seconds, sat)


# --- report ----------------------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) in milliseconds."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1] * 1000


def check_database(url: str, tally: Tally, looks: int) -> dict[str, Any]:
    from sqlalchemy import text

    from design_ai.db.session import get_engine

    with get_engine(url).connect() as conn:
        n_decisions = conn.execute(text("SELECT count(*) FROM reviewdecision")).scalar_one()
        doubled = conn.execute(
            text("SELECT count(*) FROM (SELECT round_id FROM reviewdecision GROUP BY round_id HAVING count(*) > 1) d")
        ).scalar_one()
        ids = {row[0] for row in conn.execute(text("SELECT id FROM reviewdecision"))}
        approved = conn.execute(text("SELECT count(*) FROM look WHERE status = 'approved'")).scalar_one()
        waiting = conn.execute(
            text(
                "SELECT count(*) FROM look JOIN reviewround r ON r.look_id = look.id "
                "WHERE look.status = 'in_review' AND r.status = 'open'"
            )
        ).scalar_one()
    created = tally.status["decision"][201]
    lost = [i for i in tally.decision_ids if i not in ids]
    unknown = tally.unknown_decisions
    checks = {
        # a request that timed out may still have been recorded: it is the only slack allowed
        f"decision rows == 201 answers (+ up to {unknown} unanswered)": created <= n_decisions <= created + unknown,
        "no round with two decisions": doubled == 0,
        "every 201's decision id exists": not lost,
        "no look approved twice by the clients": len(set(tally.approved_looks)) == len(tally.approved_looks),
        "approved looks == decision rows": approved == n_decisions,
        "queue shrank by the decision rows": waiting == looks - n_decisions,
    }
    return {
        "decision_rows": n_decisions,
        "rounds_with_two_decisions": doubled,
        "lost_decision_ids": lost[:10],
        "approved_looks": approved,
        "still_waiting": waiting,
        "checks": checks,
        "ok": all(checks.values()),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="seamline-review-load-"))
    url = f"sqlite:///{home / 'seamline.db'}"
    proc: subprocess.Popen[bytes] | None = None
    try:
        t = time.perf_counter()
        seed(url, str(home / "store"), args.looks, args.drafts)
        seed_s = time.perf_counter() - t
        t = time.perf_counter()
        names = make_reviewers(url, args.clients)
        accounts_s = time.perf_counter() - t
        from design_ai.db.session import dispose_all

        dispose_all()  # the server process opens its own connections
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_server(home, url, port, args.workers, home / "server.log")
        wait_ready(base, proc)
        print(
            f"seeded {args.looks:,} looks x {args.drafts} drafts in {seed_s:.1f} s, {args.clients} reviewers in "
            f"{accounts_s:.1f} s; app on {base} ({args.workers} worker(s), {os.cpu_count()} CPUs); "
            f"load: {args.clients} clients for {args.seconds:g} s"
            + (f" at {args.rate:g} requests/s" if args.rate else ""),
            flush=True,
        )
        saturation: dict[str, Any] | None = None
        if args.rate:
            tally, elapsed, sat, sat_s = asyncio.run(run_open_then_saturate(base, names, args))
            sat_total = sum(len(v) for v in sat.latency.values())
            saturation = {"seconds": round(sat_s, 2), "requests": sat_total,
                          "requests_per_s": round(sat_total / sat_s, 1), "clients": args.clients}  # fmt: skip
            for kind, values in sat.latency.items():  # its decisions count in the consistency check
                tally.latency.setdefault(f"saturation {kind}", []).extend(values)
            tally.decision_ids += sat.decision_ids
            tally.approved_looks += sat.approved_looks
            tally.unknown_decisions += sat.unknown_decisions
            tally.status["decision"].update(sat.status["decision"])
            tally.errors.update(sat.errors)
        else:
            tally, elapsed = asyncio.run(run_load(base, names, args))
        total = sum(len(v) for k, v in tally.latency.items() if not k.startswith("saturation"))
        result: dict[str, Any] = {
            "looks": args.looks,
            "clients": args.clients,
            "workers": args.workers,
            "seconds": round(elapsed, 2),
            "requests": total,
            "requests_per_s": round(total / elapsed, 1),
            "latency_ms": {
                kind: {
                    "n": len(tally.latency[kind]),
                    "p50": round(percentile(tally.latency[kind], 50), 1),
                    "p99": round(percentile(tally.latency[kind], 99), 1),
                    "max": round(max(tally.latency[kind], default=0) * 1000, 1),
                }
                for kind in KINDS
            },
            "status": {kind: dict(sorted(tally.status[kind].items())) for kind in KINDS},
            "transport_errors": dict(tally.errors),
            "mode": (f"open loop at {args.rate:g} requests/s offered" if args.rate
                     else f"closed loop, {args.clients} clients"),
            "saturation": saturation,
        }
        decisions = tally.status["decision"]
        other = sum(n for code, n in decisions.items() if code not in (201, 409))
        other += sum(n for kind in ("queue page", "queue api") for code, n in tally.status[kind].items() if code != 200)
        result["decisions"] = {"201": decisions[201], "409": decisions[409], "other": other}
        proc.terminate()
        proc.wait(30)
        result["consistency"] = check_database(url, tally, args.looks)

        print(f"{'request':<12} {'n':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
        for kind, lat in result["latency_ms"].items():
            print(f"{kind:<12} {lat['n']:>7} {lat['p50']:>8} {lat['p99']:>8} {lat['max']:>8}")
        print(f"{result['mode']}: {total:,} requests in {elapsed:.1f} s = {result['requests_per_s']} requests/s")
        if tally.lag:
            result["generator_lag_ms"] = {"p50": round(percentile(tally.lag, 50), 1),
                                          "p99": round(percentile(tally.lag, 99), 1)}  # fmt: skip
            print(f"load generator's own lag before sending: p50 {result['generator_lag_ms']['p50']} ms, "
                  f"p99 {result['generator_lag_ms']['p99']} ms (included in the latencies above)")
        if saturation:
            print(f"saturation throughput (closed loop, {args.clients} clients, {saturation['seconds']:g} s): "
                  f"{saturation['requests_per_s']} requests/s")
        print(
            f"decisions: {decisions[201]} x 201, {decisions[409]} x 409, {other} other answers; "
            f"transport errors: {dict(tally.errors) or 0}"
        )
        cons = result["consistency"]
        for check, ok in cons["checks"].items():
            print(f"  [{'ok' if ok else 'FAILED'}] {check}")
        print(
            f"database: {cons['decision_rows']} decisions, {cons['rounds_with_two_decisions']} doubled rounds, "
            f"{len(cons['lost_decision_ids'])} lost, {cons['still_waiting']:,} looks still waiting"
        )
        if args.json:
            print(json.dumps(result, indent=2))
        if other or tally.errors:
            log_tail = (home / "server.log").read_text(errors="replace").splitlines()[-40:]
            print("server log (last lines):", *log_tail, sep="\n", file=sys.stderr)
        return 0 if cons["ok"] else 1
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(10)
        if args.keep:
            print(f"kept {home}", file=sys.stderr)
        else:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
