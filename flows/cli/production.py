"""`seamline release` and `seamline techpack export`: what a production manager runs.

A released file found writable is frozen again with one warning line on stderr (exit 0); one found missing or
altered is one error line and exit 1: a damaged store is a fault to repair, not a typo the user can fix.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from design_ai.limits import MAX_ID

techpack_app = typer.Typer(help="Tech packs: export a released revision's bundle.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]


def _warn(message: str) -> None:
    typer.echo(f"seamline: warning: {message}", err=True)


@contextmanager
def _damage_is_fatal() -> Iterator[None]:
    """A damaged release: one line on stderr and exit 1, nothing printed as good (no traceback either)."""
    from design_ai.techpack.release import DamagedRelease

    try:
        yield
    except DamagedRelease as exc:
        typer.echo(f"seamline: error: {exc}", err=True)
        raise typer.Exit(1) from None


def release_as(look: int, account: Any) -> tuple[dict[str, Any], bool]:
    """Release the look's approved design as `account`; returns (the release JSON, whether it is new)."""
    from design_ai.config import get_settings
    from design_ai.store import Store
    from design_ai.techpack.assemble import build_bundle
    from design_ai.techpack.release import release_look, release_result

    settings = get_settings()
    store = Store.from_settings(settings)

    def build(draft: int, **kw: Any) -> Any:
        return build_bundle(draft, settings=settings, store=store, **kw)

    tp, created = release_look(look, account=account, settings=settings, store=store, build=build, warn=_warn)
    # An S3 store's objects are no files a production manager can open: copy them (checked) under the home.
    return release_result(tp, store, export_dir=settings.home / "releases", warn=_warn), created


def release(
    look: Annotated[int, typer.Argument(help="The look whose approved draft is released.", min=1, max=MAX_ID)],
    user: Annotated[
        str, typer.Option("--as", help="A production or admin account (password asked or SEAMLINE_PASSWORD).")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Freeze the look's approved design as the next revision (A, B, ...): PDF, DXF, SVG and JSON with SHA-256."""
    from flows.cli.review import _login

    account = _login(user)
    with _damage_is_fatal():
        result, created = release_as(look, account)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    what = "released" if created else "unchanged since"
    typer.echo(f"look {look}: {what} revision {result['revision']}")
    for kind, path in result["files"].items():
        typer.echo(f"  {kind:<4} {result['sha256'][kind][:16]}…  {path}")


@techpack_app.command("export")
def techpack_export(
    look: Annotated[int, typer.Argument(help="Look id.", min=1, max=MAX_ID)],
    rev: Annotated[str, typer.Option("--rev", help="The released revision, e.g. A.")],
    out: Annotated[Path, typer.Option(help="Folder to write the bundle into.")],
    as_json: JsonOpt = False,
) -> None:
    """Copy a released revision's bundle (PDF, DXF, SVG, JSON) out of the store, each checked by its SHA-256."""
    from design_ai.config import get_settings
    from design_ai.store import Store
    from design_ai.techpack.release import export_revision

    settings = get_settings()
    with _damage_is_fatal():
        files = export_revision(
            look, rev.upper(), out, settings=settings, store=Store.from_settings(settings), warn=_warn
        )
    if as_json:
        typer.echo(json.dumps({k: str(v) for k, v in files.items()}, indent=2))
        return
    for kind, path in files.items():
        typer.echo(f"{kind:<4} {path}")
