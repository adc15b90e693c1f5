"""The `seamline` command line: one sub-app per area; heavy imports (Prefect, torch) only inside commands.

It sits above both packages: its commands start flows (a sprint, the hand-off, `serve`) and call the domain
library directly, so it lives here and `design_ai` imports nothing of `flows` (it once held the CLI, and the two
packages depended on each other).

Exit codes follow DESIGN.md: 0 success, 2 a user's mistake (one line on stderr, no traceback), 1 our fault.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from design_ai.errors import UserError
from design_ai.limits import MAX_ID

app = typer.Typer(
    name="seamline",
    help="Seamline: from a designer's sketch and prompt to a production-ready tech pack.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
drafts_app = typer.Typer(help="Drafts made by sprints.", no_args_is_help=True)
models_app = typer.Typer(help="Which draft engines and control detectors can run here.", no_args_is_help=True)
db_app = typer.Typer(help="The Seamline database (migrations).", no_args_is_help=True)
app.add_typer(drafts_app, name="drafts")
app.add_typer(models_app, name="models")
app.add_typer(db_app, name="db")


def _add_review_apps() -> None:
    from flows.cli.review import review_app, user_app

    app.add_typer(user_app, name="user")
    app.add_typer(review_app, name="review")

    from flows.cli.patterns import marker_app, pattern_app

    app.add_typer(pattern_app, name="pattern")
    app.add_typer(marker_app, name="marker")

    from flows.cli.production import release, techpack_app

    app.command()(release)
    app.add_typer(techpack_app, name="techpack")


_add_review_apps()

EXAMPLE_BRIEF = Path(__file__).resolve().parents[2] / "examples" / "briefs" / "tee-capsule.yaml"

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]


def _prefect_env() -> None:
    """Defaults for Prefect before it is imported: no analytics (no network here), quiet unless asked."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # The temporary server Prefect starts with no PREFECT_API_URL needs 6-13 s here, more on a busy machine.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_LOG_PRINTS", "true")


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def _settings():  # type: ignore[no-untyped-def]
    from design_ai.config import get_settings

    return get_settings()


def run_sprint(brief: Path, engine: str | None, drafts: int | None, *, wait: bool = True) -> dict[str, Any]:
    """Validate everything a user gave, then run the design_sprint flow (Prefect) on it."""
    from design_ai.brief import load_brief
    from design_ai.generate.engines import ENGINES
    from design_ai.sprint import preflight

    settings = _settings()
    engine_name = engine or settings.engine
    if engine_name not in ENGINES:
        raise UserError(f"unknown engine {engine_name!r} (choose one of {', '.join(ENGINES)})", where="--engine")
    if drafts is not None and not 1 <= drafts <= 64:
        raise UserError(f"must be between 1 and 64, got {drafts}", where="--drafts")
    loaded = load_brief(brief, max_pixels=settings.max_image_pixels)
    preflight(loaded, settings, engine_name)

    with prefect_api(settings):
        from flows.sprint import design_sprint

        if wait:
            sys.stderr.write(
                f"drafting, then waiting for the designers' decisions: {settings.review_url}/ or "
                "`seamline review list` (Ctrl-C stops waiting; decisions are kept)\n"
            )
        return design_sprint(brief=str(brief.resolve()), engine=engine_name, drafts=drafts, wait=wait)


@contextmanager
def prefect_api(settings: Any) -> Iterator[str]:
    """Prefect's API for the block: `PREFECT_API_URL`, or a temporary server that stops cleanly with the command
    (events flushed first) and dies with it if the command is killed (see flows/temporary_server.py)."""
    _prefect_env()
    from flows.temporary_server import temporary_prefect_server

    with temporary_prefect_server(Path(settings.home) / "prefect-temporary-server.log") as api:
        yield api


def _print_sprint(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"{result['collection']} · {result['season']} · brief {result['brief_id']}")
    for column in ("look", "status", "control map", "drafts (id: colorway, seed)", "engine"):
        table.add_column(column)
    for look in result["looks"]:
        drafts = look["drafts"]
        engines = sorted({d["engine"] for d in drafts})
        table.add_row(
            f"{look['look_id']} {look['name']}",
            look["status"],
            look["control"]["detector"] or "",
            "\n".join(f"{d['draft_id']}: {d['colorway'] or '-'}, {d['seed']}" for d in drafts),
            ", ".join(engines) + (" (noise)" if engines == ["tiny"] else ""),
        )
    console.print(table)
    if result.get("contact_sheet"):
        console.print(f"contact sheet: {result['contact_sheet']}", soft_wrap=True)
    console.print("images: seamline drafts list --json", soft_wrap=True)


@app.command()
def sprint(
    brief: Annotated[Path, typer.Argument(help="Brief YAML (sketch paths relative to it).")],
    engine: Annotated[str | None, typer.Option(help="flat | tiny | controlnet (default: SEAMLINE_ENGINE).")] = None,
    drafts: Annotated[int | None, typer.Option(help="Drafts per look, overriding the brief (1-64).")] = None,
    wait: Annotated[bool, typer.Option("--wait/--no-wait", help="Wait for the review decisions.")] = True,
    as_json: JsonOpt = False,
) -> None:
    """Draft every look of a brief, queue them for review and wait for the decisions (--no-wait: return once queued)."""
    result = run_sprint(brief, engine, drafts, wait=wait)
    if as_json:
        _print_json(result)
    else:
        _print_sprint(result)


@app.command()
def demo(as_json: JsonOpt = False) -> None:
    """The whole path on the bundled example: sprint (flat engine) → approval by the demo → pattern → carbon →
    tech pack → release. Prints where the files are."""
    if not EXAMPLE_BRIEF.exists():
        raise UserError(f"the bundled example is missing: {EXAMPLE_BRIEF} (run from a checkout)")
    from flows.cli.production import release_as

    with prefect_api(_settings()):  # one temporary server for both flows
        result = run_sprint(EXAMPLE_BRIEF, "flat", None, wait=False)
        look = result["looks"][0]
        account = _demo_account()
        _demo_approve(look["look_id"], look["drafts"][0]["draft_id"], account.name)
        from flows.production import production_handoff

        production_handoff(draft_id=_approved(look["look_id"]))
    released, _created = release_as(look["look_id"], account)
    out = {
        "look_id": released["look_id"], "revision": released["revision"], "files": released["files"],
        "sha256": released["sha256"], "contact_sheet": result.get("contact_sheet"),
    }  # fmt: skip
    if as_json:
        _print_json(out)
        return
    _print_sprint(result)
    sys.stdout.write(f"approved draft {look['drafts'][0]['draft_id']} of look {look['look_id']} as {account.name}\n")
    sys.stdout.write(f"released revision {out['revision']}:\n")
    for kind, path in out["files"].items():
        sys.stdout.write(f"  {kind:<4} {path}\n")


def _demo_account():  # type: ignore[no-untyped-def]
    """The account the demo decides and releases as: an admin with a random password nobody is told."""
    import secrets

    from design_ai.db.session import session_scope
    from design_ai.review.accounts import add_account, get_account

    with session_scope(_settings().resolved_database_url) as session:
        return get_account(session, "demo") or add_account(
            session, name="demo", role="admin", password=secrets.token_urlsafe(24)
        )


def _demo_approve(look_id: int, draft_id: int, reviewer: str) -> None:
    from design_ai.db.models import Look, LookStatus
    from design_ai.db.session import session_scope
    from design_ai.review.state import decide

    settings = _settings()
    with session_scope(settings.resolved_database_url, readonly=True) as session:
        waiting = session.get(Look, look_id).status == LookStatus.IN_REVIEW  # type: ignore[union-attr]
    if waiting:  # a repeated demo finds its look approved already
        decide(settings.resolved_database_url, look_id=look_id, verdict="approve", reviewer=reviewer,
               draft_id=draft_id, comment="approved by `seamline demo`", source="demo",
               limits=settings.fidelity_limits)  # fmt: skip


def _approved(look_id: int) -> int:
    from design_ai.techpack.release import approved_draft

    return approved_draft(_settings().resolved_database_url, look_id)


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Loopback by default; the review app and Prefect listen here.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Review app port.", min=1, max=65535)] = 8088,
    prefect_port: Annotated[int, typer.Option(help="Prefect server port.", min=1, max=65535)] = 4200,
    brief: Annotated[
        Path | None,
        typer.Option(help="Brief of the scheduled sprint (default SEAMLINE_SPRINT_BRIEF, else the bundled example)."),
    ] = None,
    cron: Annotated[str | None, typer.Option(help="Schedule (default SEAMLINE_SPRINT_CRON, Mondays 09:00).")] = None,
) -> None:
    """Run locally for real: Prefect server, the scheduled design-sprint deployment, the review app (Ctrl-C stops)."""
    from design_ai.brief import load_brief

    settings = _settings()
    brief_path = brief or settings.sprint_brief or EXAMPLE_BRIEF
    load_brief(brief_path, max_pixels=settings.max_image_pixels)  # a bad brief fails now, not on Monday
    schedule = cron or settings.sprint_cron
    from cronsim import CronSim, CronSimError  # Prefect's own cron parser

    try:
        CronSim(schedule, datetime.now())
    except CronSimError:
        raise UserError(f"not a cron schedule: {schedule!r}", where="--cron") from None
    _prefect_env()
    os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"
    from flows.serve import serve_all

    serve_all(settings, host=host, port=port, prefect_port=prefect_port, brief=brief_path, cron=schedule)


@drafts_app.command("list")
def drafts_list(
    look: Annotated[int | None, typer.Option(help="Only this look's drafts.", min=1, max=MAX_ID)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Every draft recorded (newest first), with the engine, seed and parameters that made it."""
    from sqlmodel import select

    from design_ai.db.models import Draft, Look
    from design_ai.db.session import session_scope
    from design_ai.store import Store

    settings = _settings()
    store = Store.from_settings(settings)
    with session_scope(settings.resolved_database_url, readonly=True) as session:
        if look is not None and session.get(Look, look) is None:
            raise UserError(f"no look with id {look}", where="--look")
        query = select(Draft, Look).join(Look, Draft.look_id == Look.id)  # type: ignore[arg-type]
        if look is not None:
            query = query.where(Draft.look_id == look)
        rows = session.exec(query.order_by(Draft.id.desc())).all()  # type: ignore[union-attr]
        data = [
            {
                "draft_id": d.id,
                "look_id": d.look_id,
                "look": lk.name,
                "round": d.round,
                "engine": d.engine,
                "model_ids": d.model_ids,
                "seed": d.seed,
                "steps": d.steps,
                "guidance": d.guidance,
                "controlnet_scale": d.controlnet_scale,
                "control": d.control_detector,
                "colorway": d.colorway_name,
                "prompt": d.prompt,
                "image": store.locate(d.image_key),
                "note": d.note,
                "created_at": d.created_at.isoformat(),
            }
            for d, lk in rows
        ]
    if as_json:
        _print_json(data)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(data)} drafts")
    for column in ("draft", "look", "round", "engine", "seed", "colorway", "control", "image"):
        table.add_column(column)
    for d in data:
        table.add_row(
            str(d["draft_id"]),
            f"{d['look_id']} {d['look']}",
            str(d["round"]),
            d["engine"],
            str(d["seed"]),
            d["colorway"] or "",
            d["control"],
            d["image"],
        )
    Console().print(table)


@models_app.command("check")
def models_check(as_json: JsonOpt = False) -> None:
    """Which engines and control detectors can run here and, for each that cannot, why."""
    from design_ai.generate.availability import check_all

    report = check_all(_settings())
    if as_json:
        _print_json(report)
        return
    from rich.console import Console

    console = Console()
    for engine in report["engines"]:
        mark = "[green]ready[/green]" if engine["ok"] else "[red]cannot run[/red]"
        console.print(f"engine {engine['name']:<11} {mark}  {engine['detail']}")
        for reason in engine["reasons"]:
            console.print(f"    - {reason}")
    for control, info in report["controls"].items():
        console.print(f"control {control:<10} {info}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the database schema to the newest migration."""
    from design_ai.db.session import upgrade

    url = _settings().resolved_database_url
    upgrade(url)
    typer.echo(f"database at {_redact(url)} is up to date")


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    """Entry point: user errors become one line on stderr and exit 2; faults exit 1."""
    try:
        code = app(standalone_mode=False)  # a command's `raise typer.Exit(n)` comes back as n here, not raised
    except UserError as exc:
        sys.stderr.write(f"seamline: error: {exc}\n")
        sys.exit(2)
    except (typer.Exit, SystemExit) as exc:
        code = getattr(exc, "exit_code", None)
        sys.exit(code if code is not None else exc.code if isinstance(exc, SystemExit) else 0)
    except typer.Abort:
        sys.stderr.write("seamline: aborted\n")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.stderr.write("seamline: interrupted\n")
        sys.exit(130)
    except typer.TyperException as exc:  # typer 0.29 vendors click: its usage errors derive from this, not click's
        show = getattr(exc, "show", None)
        if show is not None:
            show()  # Click's usage line, then "Error: ..." (a missing option, a bad integer, an unknown option)
        else:
            sys.stderr.write(f"seamline: error: {exc.format_message()}\n")
        sys.exit(exc.exit_code)
    except Exception as exc:
        if os.environ.get("SEAMLINE_DEBUG"):
            raise
        sys.stderr.write(f"seamline: internal error: {exc.__class__.__name__}: {exc} (SEAMLINE_DEBUG=1 for details)\n")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) and not isinstance(code, bool) else 0)


if __name__ == "__main__":
    main()
