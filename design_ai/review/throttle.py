"""Login throttling: failures per account name and per client address, and a cap on password hashes at once.

Why these counters live in memory, not in the database: under a flood every failed login would become a
database write, and on SQLite a write takes the one write lock that reviewers' decisions need, so the flood
would slow everyone exactly as the hashes did. Memory costs nothing per attempt. The price: a restart forgets
the counters (an attacker gains one fresh window per restart, which an operator sees), and with several
server processes each counts on its own (the limits multiply by the number of workers, still bounded). The
CLI's `--as USER` is not throttled: it runs as a local process that can read the database file itself.

Unknown names are counted exactly like known ones, so the throttle does not tell which accounts exist. A
success resets the account's counter but not the address's: one valid account must not let an address wipe
its own record of guesses at the others.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import anyio.to_thread

__all__ = ["ACCOUNT_POLICY", "ADDRESS_POLICY", "Busy", "HashGate", "LoginThrottle", "Policy"]

T = TypeVar("T")


@dataclass(frozen=True)
class Policy:
    """`limit` failures within `window_s` lock the key for `lock_s`, doubling with each lock up to `max_lock_s`.

    The doubling is forgotten only after `window_s` with no failure and no lock."""

    limit: int
    window_s: float = 900.0
    lock_s: float = 60.0
    max_lock_s: float = 3600.0


ACCOUNT_POLICY = Policy(limit=5)  # a person mistypes a few times; a guesser needs thousands
ADDRESS_POLICY = Policy(limit=20)  # an office behind one address shares it, so more room than one account


@dataclass
class _Record:
    failures: deque[float] = field(default_factory=deque)
    strikes: int = 0
    locked_until: float = 0.0
    last_event: float = 0.0


class _Counter:
    """Failures per key in a sliding window; at most `max_keys` keys (least recently failed dropped first)."""

    def __init__(self, policy: Policy, max_keys: int) -> None:
        self.policy = policy
        self._records: OrderedDict[str, _Record] = OrderedDict()
        self._max_keys = max_keys

    def retry_after(self, key: str, now: float) -> float:
        rec = self._records.get(key)
        return max(0.0, rec.locked_until - now) if rec else 0.0

    def fail(self, key: str, now: float) -> None:
        rec = self._records.pop(key, None) or _Record()
        self._records[key] = rec  # most recent last
        if now - max(rec.last_event, rec.locked_until) > self.policy.window_s:
            rec.strikes = 0
        while rec.failures and rec.failures[0] <= now - self.policy.window_s:
            rec.failures.popleft()
        rec.failures.append(now)
        rec.last_event = now
        if len(rec.failures) >= self.policy.limit:
            lock = min(self.policy.lock_s * 2**rec.strikes, self.policy.max_lock_s)
            rec.locked_until = now + lock
            rec.strikes += 1
            rec.failures.clear()
        while len(self._records) > self._max_keys:
            self._records.popitem(last=False)

    def reset(self, key: str) -> None:
        self._records.pop(key, None)


class LoginThrottle:
    """Decides whether a login attempt may run its password check at all; counts the ones that fail.

    `clock` is injectable (monotonic seconds) so tests drive time instead of sleeping.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        account: Policy = ACCOUNT_POLICY,
        address: Policy = ADDRESS_POLICY,
        max_keys: int = 100_000,
    ) -> None:
        self._clock = clock
        self._accounts = _Counter(account, max_keys)
        self._addresses = _Counter(address, max_keys)
        self._lock = threading.Lock()

    @staticmethod
    def _name_key(name: str) -> str:
        return name.strip().lower()[:64]

    @staticmethod
    def _addr_key(addr: str | None) -> str:
        return (addr or "unknown")[:64]

    def retry_after(self, name: str, addr: str | None) -> int:
        """Whole seconds to wait before this name or address may try again; 0 when it may try now."""
        now = self._clock()
        with self._lock:
            wait = max(
                self._accounts.retry_after(self._name_key(name), now),
                self._addresses.retry_after(self._addr_key(addr), now),
            )
        return math.ceil(wait) if wait > 0 else 0

    def failed(self, name: str, addr: str | None) -> None:
        now = self._clock()
        with self._lock:
            self._accounts.fail(self._name_key(name), now)
            self._addresses.fail(self._addr_key(addr), now)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._accounts.reset(self._name_key(name))


class Busy(Exception):
    """Too many password checks are running or waiting: answer 503 with Retry-After at once."""

    retry_after = 1


class HashGate:
    """At most `slots` password hashes at once, and at most `max_waiting` logins waiting up to `wait_s` for one.

    Argon2 is slow on purpose; unbounded, a flood of logins fills the thread pool and the CPU, and every other
    request waits behind it. Waiters wait on the event loop (no thread held), so the queue API keeps its
    threads; beyond the bounds a login is refused at once rather than queued.
    """

    def __init__(self, slots: int = 2, *, max_waiting: int = 64, wait_s: float = 10.0) -> None:
        self._slots = slots
        self._max_waiting = max_waiting
        self._wait_s = wait_s
        self._waiting = 0
        self._sem: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _semaphore(self) -> asyncio.Semaphore:
        """One semaphore per event loop (a test client runs its own loop; a server has one)."""
        loop = asyncio.get_running_loop()
        if self._sem is None or self._loop is not loop:
            self._sem, self._loop, self._waiting = asyncio.Semaphore(self._slots), loop, 0
        return self._sem

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """`fn(*args)` on a worker thread once a slot is free; Busy when none frees in time."""
        sem = self._semaphore()
        if self._waiting >= self._max_waiting:
            raise Busy
        self._waiting += 1
        try:
            async with asyncio.timeout(self._wait_s):
                await sem.acquire()
        except TimeoutError:
            raise Busy from None
        finally:
            self._waiting -= 1
        try:
            return await anyio.to_thread.run_sync(fn, *args)
        finally:
            sem.release()
