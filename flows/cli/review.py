"""`seamline user ...` and `seamline review ...`: accounts, the review queue and decisions from a terminal.

Decisions go through the same state machine as the review app (and the same database record); afterwards a
sprint run waiting on the look is resumed with the decision, and a send-back with nobody waiting is drafted
here, with a progress bar.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Annotated, Any

import typer

from design_ai.errors import UserError
from design_ai.limits import MAX_ID

user_app = typer.Typer(help="Seamline accounts: designer, reviewer, production, admin.", no_args_is_help=True)
review_app = typer.Typer(help="The designer review queue: list, show and decide looks.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]
# Ids past the database's integer range are a usage error (exit 2), not an overflow in the driver.
LookArg = Annotated[int, typer.Argument(help="Look id.", min=1, max=MAX_ID)]
AsOpt = Annotated[
    str, typer.Option("--as", help="Your account; its password is asked, or read from SEAMLINE_PASSWORD.")
]
CommentOpt = Annotated[str, typer.Option(help="Why (shown in the look's history).")]


def _settings():  # type: ignore[no-untyped-def]
    from design_ai.config import get_settings

    return get_settings()


def _password(name: str, *, confirm: bool = False) -> str:
    password = os.environ.get("SEAMLINE_PASSWORD")
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise UserError("no password: set SEAMLINE_PASSWORD or run in a terminal", where="--as" if not confirm else "")
    return typer.prompt(f"password for {name}", hide_input=True, confirmation_prompt=confirm)


def _login(name: str):  # type: ignore[no-untyped-def]
    from design_ai.db.session import session_scope
    from design_ai.review.accounts import authenticate

    password = _password(name)
    with session_scope(_settings().resolved_database_url) as session:
        account = authenticate(session, name, password)
        if account is None:
            raise UserError(f"wrong account name or password for {name!r}", where="--as")
        return account


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Account name: a-z, 0-9, '.', '_', '-'.")],
    role: Annotated[str, typer.Option(help="designer | reviewer | production | admin")],
) -> None:
    """Create an account; the password is asked twice (or read from SEAMLINE_PASSWORD) and stored as argon2."""
    from design_ai.db.session import session_scope
    from design_ai.review.accounts import add_account

    password = _password(name, confirm=True)
    with session_scope(_settings().resolved_database_url) as session:
        account = add_account(session, name=name, role=role, password=password)
        typer.echo(f"account {account.name} ({account.role}) created")


@user_app.command("passwd")
def user_passwd(name: Annotated[str, typer.Argument(help="The account.")]) -> None:
    """Set a new password (asked twice, or read from SEAMLINE_PASSWORD); every open session of the account ends."""
    from design_ai.db.session import session_scope
    from design_ai.review.accounts import find_account, set_password

    url = _settings().resolved_database_url
    with session_scope(url, readonly=True) as session:
        find_account(session, name)  # an unknown name fails before the password is asked
    password = _password(name, confirm=True)
    with session_scope(url) as session:
        ended = set_password(session, name=name, password=password)
    typer.echo(f"password of {name} changed; {_sessions(ended)} ended")


@user_app.command("disable")
def user_disable(name: Annotated[str, typer.Argument(help="The account.")]) -> None:
    """Disable the account: it can no longer log in, and every open session ends at once."""
    from design_ai.db.session import session_scope
    from design_ai.review.accounts import set_active

    with session_scope(_settings().resolved_database_url) as session:
        ended = set_active(session, name=name, active=False)
    typer.echo(f"account {name} disabled; {_sessions(ended)} ended")


@user_app.command("enable")
def user_enable(name: Annotated[str, typer.Argument(help="The account.")]) -> None:
    """Enable a disabled account: it may log in again (its old sessions stay ended)."""
    from design_ai.db.session import session_scope
    from design_ai.review.accounts import set_active

    with session_scope(_settings().resolved_database_url) as session:
        set_active(session, name=name, active=True)
    typer.echo(f"account {name} enabled")


def _sessions(n: int) -> str:
    return f"{n} session{'' if n == 1 else 's'}"


@user_app.command("list")
def user_list(as_json: JsonOpt = False) -> None:
    """Every account, its role, whether it is active, and its open review-app sessions."""
    from sqlmodel import select

    from design_ai.db.models import Account
    from design_ai.db.session import session_scope
    from design_ai.review.sessions import open_sessions_count

    with session_scope(_settings().resolved_database_url, readonly=True) as session:
        open_by_id = open_sessions_count(session)
        rows = [
            {"name": a.name, "role": a.role, "active": a.active, "sessions": open_by_id.get(a.id, 0),  # type: ignore[arg-type]
             "created_at": a.created_at.isoformat()}
            for a in session.exec(select(Account).order_by(Account.name)).all()
        ]  # fmt: skip
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
    else:
        for r in rows:
            state = "active" if r["active"] else "disabled"
            typer.echo(f"{r['name']:<20} {r['role']:<11} {state:<9} {_sessions(r['sessions'])}")


@review_app.command("list")
def review_list(
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 100,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Looks waiting for a decision, oldest first."""
    from design_ai.db.session import session_scope
    from design_ai.review.state import review_queue

    settings = _settings()
    with session_scope(settings.resolved_database_url, readonly=True) as session:
        queue = review_queue(session, limit=limit, offset=offset, limits=settings.fidelity_limits)
    if as_json:
        typer.echo(json.dumps(queue, indent=2))
        return
    if not queue:
        typer.echo("the review queue is empty")
    for item in queue:
        drafts = ", ".join(
            f"{d['draft_id']} ({d['colorway'] or '-'}{', DRIFTS' if (d['fidelity'] or {}).get('flagged') else ''})"
            for d in item["drafts"]
        )
        typer.echo(
            f"look {item['look_id']:<5} round {item['round']}  {item['name']}  [{item['collection']}]  "
            f"waiting {_age(item['age_s'])}  drafts: {drafts}"
        )


def _age(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


@review_app.command("show")
def review_show(look: LookArg, as_json: JsonOpt = False) -> None:
    """A look with its sketch, control map, every round's drafts and decisions."""
    from design_ai.db.session import session_scope
    from design_ai.review.state import look_history
    from design_ai.store import Store

    settings = _settings()
    store = Store.from_settings(settings)
    with session_scope(settings.resolved_database_url, readonly=True) as session:
        data = look_history(session, look, limits=settings.fidelity_limits)
    data["sketch"] = store.locate(data["sketch_key"])
    data["control"]["image"] = store.locate(data["control"]["image_key"]) if data["control"]["image_key"] else None
    for rnd in data["rounds"]:
        for d in rnd["drafts"]:
            d["image"] = store.locate(d["image_key"])
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    typer.echo(f"look {data['look_id']}: {data['name']} ({data['garment']}, {data['material']}) — {data['status']}")
    typer.echo(f"  sketch: {data['sketch']}")
    typer.echo(f"  control map ({data['control']['detector']}): {data['control']['image']}")
    for rnd in data["rounds"]:
        typer.echo(f"  round {rnd['round']} [{rnd['status']}] engine {rnd['engine']} {rnd['edits'] or ''}")
        for d in rnd["drafts"]:
            typer.echo(f"    draft {d['draft_id']}: {d['colorway'] or '-'}, seed {d['seed']}  {d['image']}")
            for line in _fidelity_lines(d["fidelity"]):
                typer.echo(f"      {line}")
        dec = rnd["decision"]
        if dec:
            typer.echo(
                f"    → {dec['verdict']} by {dec['reviewer']} at {dec['decided_at']} ({dec['source']}): "
                f"{dec['comment']}"
            )
            if dec.get("drift_confirmed"):
                typer.echo(f"      drift confirmed: {'; '.join(dec['drift_confirmed'])}")


def _fidelity_lines(f: dict[str, Any] | None) -> list[str]:
    """A draft's fidelity figures as a few aligned lines: verdict and IoU, then one row per POM."""
    if not f:
        return ["fidelity: not checked (made before the fidelity guard)"]
    iou = f"{f['iou']:.3f}" if f["iou"] is not None else "-"
    head = f"fidelity: {'DRIFTS' if f['flagged'] else 'ok'}  IoU {iou}"
    if f["max_abs_delta_cm"] is not None:
        head += f"  max |Δ| {f['max_abs_delta_cm']:.1f} cm"
    lines = [head]
    lines += [f"  ! {reason}" for reason in f["reasons"]]
    if f["pom_delta_cm"]:
        lines.append(f"  {'POM':<16} {'sketch':>7} {'draft':>7} {'Δ cm':>6}")
        for pom, delta in f["pom_delta_cm"].items():
            off = " *" if abs(delta) > f["limits"]["max_pom_cm"] else ""
            sketch, draft = f["sketch_cm"].get(pom), f["draft_cm"].get(pom)
            lines.append(f"  {pom:<16} {sketch or 0:>7.1f} {draft or 0:>7.1f} {delta:>+6.1f}{off}")
    if f["note"]:
        lines.append(f"  ({f['note']})")
    return lines


def _decide(look: int, verdict: str, user: str, *, as_json: bool, **kwargs: Any) -> None:
    from design_ai.review.state import DriftNotConfirmed, decide
    from design_ai.store import Store

    settings = _settings()
    account = _login(user)
    common = {"look_id": look, "verdict": verdict, "reviewer": account.name, "source": "cli",
              "four_eyes": settings.four_eyes, "limits": settings.fidelity_limits, **kwargs}  # fmt: skip
    try:
        record = decide(settings.resolved_database_url, **common)
    except DriftNotConfirmed as exc:
        # Asked in a terminal (as `--confirm-drift` would have said yes); refused with the reason otherwise.
        if as_json or not sys.stdin.isatty() or not _ask_drift(str(exc)):
            raise
        record = decide(settings.resolved_database_url, **{**common, "confirm_drift": True})
    resumed = False
    drafted: list[int] = []
    if record.waiting_run_id:
        os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        from flows.review import resume_waiting

        resumed = resume_waiting(record)
    if record.verdict == "send_back" and not resumed:
        from tqdm.auto import tqdm

        from design_ai.sprint import draft_open_round

        with tqdm(desc=f"look {look} round {record.next_round}", unit="draft", disable=None) as bar:
            _number, drafted = draft_open_round(
                look, settings=settings, store=Store.from_settings(settings), progress=bar.update
            )
    out = {
        "decision_id": record.decision_id, "look_id": record.look_id, "round": record.round,
        "verdict": record.verdict, "draft_id": record.draft_id, "reviewer": record.reviewer,
        "comment": record.comment, "edits": record.edits, "decided_at": record.decided_at.isoformat(),
        "next_round": record.next_round, "resumed_run": record.waiting_run_id if resumed else None,
        "new_drafts": drafted, "drift_confirmed": record.drift_confirmed,
    }  # fmt: skip
    if as_json:
        typer.echo(json.dumps(out, indent=2))
        return
    typer.echo(f"look {look} round {record.round}: {record.verdict} by {record.reviewer}")
    if resumed:
        typer.echo(f"resumed the waiting sprint run {record.waiting_run_id}")
    if drafted:
        typer.echo(f"round {record.next_round} drafted: {', '.join(map(str, drafted))}")


def _ask_drift(refusal: str) -> bool:
    """Ask the reviewer at a terminal to confirm a flagged draft's drift."""
    # "draft 7 drifts from its sketch (IoU 0.78 < 0.85): confirm ..." -> "Draft 7 drifts from its sketch (...)."
    what = refusal.split("): confirm", 1)[0] + ")"
    return typer.confirm(f"{what[:1].upper()}{what[1:]}. Approve anyway?", default=False, err=True)


@review_app.command("approve")
def review_approve(
    look: LookArg,
    draft: Annotated[int, typer.Option(help="The draft to approve.", min=1, max=MAX_ID)],
    user: AsOpt,
    comment: CommentOpt = "",
    confirm_drift: Annotated[
        bool,
        typer.Option(
            "--confirm-drift",
            help="Approve even if the draft drifts from its sketch (the fidelity guard flags it); "
            "asked in a terminal, refused (exit 2) elsewhere.",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Approve one draft of the look's open round (it goes on to production)."""
    _decide(look, "approve", user, as_json=as_json, draft_id=draft, comment=comment, confirm_drift=confirm_drift)


@review_app.command("reject")
def review_reject(
    look: LookArg,
    user: AsOpt,
    comment: CommentOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Reject the look: it leaves the sprint."""
    _decide(look, "reject", user, as_json=as_json, comment=comment)


@review_app.command("send-back")
def review_send_back(
    look: LookArg,
    user: AsOpt,
    prompt: Annotated[str | None, typer.Option(help="A new prompt for the next round.")] = None,
    seed: Annotated[int | None, typer.Option(help="A new first seed.")] = None,
    strength: Annotated[float | None, typer.Option(help="ControlNet conditioning strength, 0-2.")] = None,
    drafts: Annotated[int | None, typer.Option(help="How many drafts, 1-64.")] = None,
    comment: CommentOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Send the look back for a new round of drafts with these edits."""
    edits = {"prompt": prompt, "seed": seed, "strength": strength, "drafts": drafts}
    _decide(look, "send_back", user, as_json=as_json, comment=comment, edits=edits)


@review_app.command("four-eyes")
def review_four_eyes(
    state: Annotated[str | None, typer.Argument(help="on | off; leave out to show the rule's state.")] = None,
    user: Annotated[
        str | None, typer.Option("--as", help="An admin account, to switch the rule (password as for decisions).")
    ] = None,
) -> None:
    """The four-eyes rule (nobody decides on a brief they wrote), kept in the database for every entry point."""
    from design_ai.db.models import ReviewPolicy, Role
    from design_ai.db.session import session_scope
    from design_ai.review.accounts import require_role
    from design_ai.review.four_eyes import FOUR_EYES, four_eyes_in_force, set_four_eyes

    settings = _settings()
    if state is not None:
        if state not in ("on", "off"):
            raise UserError(f"choose on or off, not {state[:20]!r}", where="STATE")
        if not user:
            raise UserError("switching the rule needs an admin account", where="--as")
        account = _login(user)
        require_role(account, frozenset({Role.ADMIN.value}), "switch the four-eyes rule")
        with session_scope(settings.resolved_database_url) as session:
            set_four_eyes(session, enabled=state == "on", by=account.name)
    with session_scope(settings.resolved_database_url, readonly=True) as session:
        row = session.get(ReviewPolicy, FOUR_EYES)
        on = four_eyes_in_force(session, settings.four_eyes)
        recorded = f"set {'on' if row.enabled else 'off'} by {row.set_by} at {row.set_at:%Y-%m-%d %H:%M}" if row \
            else "never set"
    env = "; SEAMLINE_FOUR_EYES=1 here keeps it on" if settings.four_eyes else ""
    typer.echo(f"four-eyes rule: {'on' if on else 'off'} (database: {recorded}{env})")


@review_app.command("serve")
def review_serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.", min=1, max=65535)] = 8088,
) -> None:
    """Serve the review web app (decisions resume waiting sprint runs; send-backs are drafted)."""
    import uvicorn

    from flows.serve import review_app_for

    typer.echo(f"review app: http://{host}:{port}/", err=True)
    uvicorn.run(review_app_for(_settings()), host=host, port=port, log_level="warning")
