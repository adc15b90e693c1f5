"""What every request of the review app shares: settings, store, templates, and the decision service.

Pages and the JSON API record a decision the same way (`AppContext.record_decision`): the state machine writes
the decision first (it is the record), and only then are the follow-ups started — resuming the Prefect run that
waits on the round, or drafting the next round when nobody waits. Follow-ups run on a small thread pool of the
app's own, so a slow or failing orchestrator never delays or fails the reviewer's response.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from sqlmodel import Session, col, func, or_, select
from starlette.responses import Response

from design_ai.config import Settings
from design_ai.db.models import Draft, Look, LookStatus, Verdict, utcnow
from design_ai.db.session import session_scope
from design_ai.errors import UserError
from design_ai.review.accounts import Forbidden
from design_ai.review.queue_cache import QueueCache
from design_ai.review.state import Conflict, DecisionRecord, NotFound, Resumer, decide, stalled_send_backs
from design_ai.store import Store

__all__ = [
    "QUEUE_SPARE",
    "AppContext",
    "BackgroundRunner",
    "KnownKeys",
    "Redraft",
    "count_waiting",
    "flash",
    "status_for",
]

log = logging.getLogger(__name__)

Redraft = Callable[[int], None]


def status_for(exc: UserError) -> int:
    """The HTTP status of a state-machine error."""
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Forbidden):
        return 403
    if isinstance(exc, Conflict):
        return 409
    return 422


def flash(request: Request, kind: str, text: str) -> None:
    """A one-time message for the next page this browser shows (kept in the signed session)."""
    request.session["flash"] = [*request.session.get("flash", []), {"kind": kind, "text": text}][-5:]


QUEUE_SPARE = 32
"""Looks a cached queue page reads beyond what it shows, to stand in for the looks decided while it is cached."""


def count_waiting(session: Session) -> int:
    """How many looks wait in the queue, for pagination: the looks in review, counted on their status index
    alone. A look is in review exactly while its open round waits (`queue_for_review` sets the status in the
    transaction that opens the round; a decision or an expiry closes both), so `review_queue`'s join with the
    rounds would count the same, at 15 times the cost with 10,000 looks waiting."""
    return int(session.exec(select(func.count()).select_from(Look).where(Look.status == LookStatus.IN_REVIEW)).one())


class BackgroundRunner:
    """Runs follow-ups off the request path; failures are logged, never raised into a response."""

    def __init__(self, workers: int = 4) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="seamline-review-bg")
        self._pending: set[Future[Any]] = set()
        self._lock = threading.Lock()

    def submit(self, what: str, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        def run() -> Any:
            try:
                result = fn(*args)
            except Exception:
                log.exception("review follow-up failed: %s", what)
                return None
            if result is False:
                log.warning("review follow-up reported failure: %s", what)
            return result

        future = self._pool.submit(run)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: Future[Any]) -> None:
        with self._lock:
            self._pending.discard(future)

    def drain(self, timeout: float | None = None) -> bool:
        """Wait for every follow-up started so far; True when all finished (tests, orderly shutdown)."""
        with self._lock:
            pending = set(self._pending)
        _, not_done = wait_futures(pending, timeout=timeout)
        return not not_done

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class KnownKeys:
    """Store keys already found referenced by a look or draft.

    Keys are content hashes and references are never rewritten, so a positive answer stays true; caching it
    spares a table scan per thumbnail. Negative answers are not cached (a draft may appear a second later).
    """

    def __init__(self, size: int = 20_000) -> None:
        self._keys: OrderedDict[str, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def __contains__(self, key: object) -> bool:
        with self._lock:
            if key in self._keys:
                self._keys.move_to_end(key)  # type: ignore[arg-type]
                return True
            return False

    def add(self, key: str) -> None:
        with self._lock:
            self._keys[key] = None
            self._keys.move_to_end(key)
            while len(self._keys) > self._size:
                self._keys.popitem(last=False)


@dataclass
class AppContext:
    """The review app's shared parts, kept on `app.state.ctx`."""

    settings: Settings
    db_url: str
    store: Store
    templates: Jinja2Templates
    https_only: bool
    resumer: Resumer | None = None
    redraft: Redraft | None = None
    runner: BackgroundRunner = field(default_factory=BackgroundRunner)
    known_keys: KnownKeys = field(default_factory=KnownKeys)
    queue_cache: QueueCache = field(default_factory=QueueCache)
    # A send-back round opened this long ago and still undrafted has lost its job; checked every sweep_every_s.
    stalled_after: timedelta = timedelta(minutes=10)
    sweep_every_s: float = 300.0
    static_versions: dict[str, str] = field(default_factory=dict)
    _drafting: set[int] = field(default_factory=set, init=False, repr=False)  # looks this process drafts now
    _drafting_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def render(
        self,
        request: Request,
        name: str,
        context: dict[str, Any] | None = None,
        *,
        viewer: Any = None,
        status_code: int = 200,
    ) -> Response:
        """A page from `templates/review/`, with the viewer, the CSRF token and the pending flash messages."""
        flashes = request.session.pop("flash", []) if "flash" in request.session else []
        page = {
            "viewer": viewer,
            "csrf_token": request.session.get("csrf", ""),
            "flashes": flashes,
            **(context or {}),
        }
        return self.templates.TemplateResponse(request, f"review/{name}", page, status_code=status_code)

    def key_is_referenced(self, key: str) -> bool:
        """True when a look (sketch, control map) or a draft (image) points at `key`: the only files served."""
        if key in self.known_keys:
            return True
        with session_scope(self.db_url, readonly=True) as session:
            found = session.exec(
                select(Look.id).where(or_(Look.sketch_key == key, col(Look.control_key) == key)).limit(1)
            ).first()
            if found is None:
                found = session.exec(select(Draft.id).where(Draft.image_key == key).limit(1)).first()
        if found is None:
            return False
        self.known_keys.add(key)
        return True

    def record_decision(
        self,
        *,
        reviewer: str,
        look_id: int,
        verdict: str,
        draft_id: int | None,
        comment: str,
        edits: dict[str, Any] | None,
        source: str,
        expected_round: int | None = None,
        confirm_drift: bool = False,
    ) -> DecisionRecord:
        """Record the decision (raising UserError subclasses without writing), then start its follow-ups.

        Approving a draft the fidelity guard flags needs `confirm_drift` (judged with the settings' limits)."""
        record = decide(
            self.db_url,
            look_id=look_id,
            verdict=verdict,
            reviewer=reviewer,
            draft_id=draft_id,
            comment=comment,
            edits=edits,
            source=source,
            four_eyes=self.settings.four_eyes,
            expected_round=expected_round,
            confirm_drift=confirm_drift,
            limits=self.settings.fidelity_limits,
        )
        self.queue_cache.drop(record.look_id)  # the decided look leaves the queue now, for every reviewer here
        log.info(
            "look %s round %s: %s by %s (decision %s, source %s)",
            record.look_id,
            record.round,
            record.verdict,
            record.reviewer,
            record.decision_id,
            record.source,
        )
        self._follow_up(record)
        return record

    def _follow_up(self, record: DecisionRecord) -> None:
        if record.waiting_run_id:
            if self.resumer is None:
                log.warning(
                    "flow run %s waits on look %s round %s but this app has no resumer; the run must find the "
                    "decision itself",
                    record.waiting_run_id,
                    record.look_id,
                    record.round,
                )
                return
            self.runner.submit(
                f"resume flow run {record.waiting_run_id} (look {record.look_id} round {record.round})",
                self.resumer,
                record.waiting_run_id,
                record.as_input(),
                record.waiting_api_url,
            )
        elif record.verdict == Verdict.SEND_BACK:
            self.start_redraft(record.look_id, f"draft look {record.look_id} round {record.next_round}")

    def start_redraft(self, look_id: int, what: str) -> bool:
        """Draft the look's open round on the runner, unless this process is drafting it already."""
        redraft = self.redraft
        if redraft is None:
            return False
        with self._drafting_lock:
            if look_id in self._drafting:
                return False
            self._drafting.add(look_id)

        def run() -> None:
            try:
                redraft(look_id)
            finally:
                with self._drafting_lock:
                    self._drafting.discard(look_id)
                self.queue_cache.invalidate()  # its new round is in the queue

        self.runner.submit(what, run)
        return True

    def resume_stalled_send_backs(self, stalled_for: timedelta | None = None) -> list[int]:
        """Draft every send-back round that a killed server (or a lost or failed job) left undrafted: at start-up
        all of them, and then, every `sweep_every_s` (`sweep_stalled_send_backs`), those opened more than
        `stalled_for` ago (a redraft that failed while this server ran, or whose process died elsewhere).

        Without this a look stays `drafting` for good: nothing else ever drafts a round nobody waits on.
        Returns the looks whose drafting was started again.
        """
        if self.redraft is None:
            return []
        before = None if stalled_for is None else utcnow() - stalled_for
        started = [
            look_id
            for look_id in stalled_send_backs(self.db_url, opened_before=before)
            if self.start_redraft(look_id, f"resume drafting look {look_id} (left drafting by an earlier run)")
        ]
        if started:
            log.warning("resuming the drafts of %d sent-back look(s) left drafting: %s", len(started), started)
        return started

    async def sweep_stalled_send_backs(self) -> None:
        """Resume stalled send-backs every `sweep_every_s` for as long as the app runs (a task of its lifespan)."""
        while True:
            await asyncio.sleep(self.sweep_every_s)
            try:
                await asyncio.to_thread(self.resume_stalled_send_backs, self.stalled_after)
            except Exception:  # a database hiccup: log it, try again next time
                log.exception("sweeping stalled send-backs failed")
