"""A short-lived cache of the review queue's pages, so fifty reviewers refreshing it do not each pay for it.

The queue page was the app's costliest answer (with 10,000 looks waiting: a count, a join over rounds, looks and
briefs, the drafts of fifty looks, and fifty items rendered), and every reviewer asks for the same few pages.
Its content does not depend on who asks (the per-viewer parts, header and CSRF token, are rendered around it),
so one rendering serves everyone for `ttl_s` seconds. A decision made through this process hides its look from
every cached page at once, so a reviewer never sees the look they just decided, and a round queued through it
clears the cache; a change made by another process (a second server worker, the CLI, a flow) shows within
`ttl_s`. A decision is
judged by the state machine on the record, never on this cache: a stale page can only lead to a clear 409.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

__all__ = ["QueueCache"]


class QueueCache:
    """Values by key for `ttl_s` seconds, and the looks decided since each was made; thread-safe.

    A decision hides its look (`drop`) from every cached page made before it, instead of throwing the pages
    away: with reviewers deciding many times a second, clearing would leave nothing cached. A round added to
    the queue (`invalidate`) clears everything, since a page cannot be patched to show a look it lacks.
    """

    def __init__(self, ttl_s: float = 1.0, *, clock: Callable[[], float] = time.monotonic, max_entries: int = 256):
        self.ttl_s = ttl_s
        self._clock = clock
        self._max = max_entries
        self._lock = threading.Lock()
        self._entries: dict[Hashable, tuple[float, float, Any]] = {}  # key -> (expires, made, value)
        self._dropped: dict[int, float] = {}  # look id -> when it was decided
        self._generation = 0

    def invalidate(self) -> None:
        """Forget every page (after a new round or an expiry through this process)."""
        with self._lock:
            self._generation += 1
            self._entries.clear()
            self._dropped.clear()

    def drop(self, look_id: int) -> None:
        """Hide a decided look from every page cached before now."""
        with self._lock:
            now = self._clock()
            # a decision older than the TTL is in every live page's own reading already
            self._dropped = {k: t for k, t in self._dropped.items() if t > now - self.ttl_s}
            self._dropped[look_id] = now

    def get(self, key: Hashable, make: Callable[[], Any]) -> tuple[Any, frozenset[int]]:
        """The cached value for `key` (else `make()`'s, computed outside the lock), and the looks decided since it
        was made, which the caller leaves out."""
        if self.ttl_s <= 0:
            return make(), frozenset()
        now = self._clock()
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and hit[0] > now:
                return hit[2], self._decided_since(hit[1])
            generation = self._generation
        value = make()
        with self._lock:
            if generation == self._generation:  # not invalidated while it was made
                if len(self._entries) >= self._max:
                    self._entries.clear()  # bounded: pages are few; a flood of odd keys cannot grow it
                self._entries[key] = (now + self.ttl_s, now, value)
            # a look decided while this was being read may be in it still
            return value, self._decided_since(now)

    def _decided_since(self, made: float) -> frozenset[int]:
        """The looks dropped at or after `made` (call with the lock held)."""
        return frozenset(k for k, t in self._dropped.items() if t >= made)
