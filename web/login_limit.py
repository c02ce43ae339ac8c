"""Login throttling: a client that keeps giving wrong operator passwords is refused for a while.

After MAX_FAILURES wrong passwords from one client address within WINDOW_S seconds, its next attempts are answered
429 (with Retry-After) without the password being checked, until its oldest failure in the window has aged out; a
right password clears its record. At five tries per quarter hour, guessing even a weak password takes years. Behind
a reverse proxy every client has the proxy's address: they then share one budget (the operator is never locked
out for longer than the window).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

MAX_FAILURES = 5
WINDOW_S = 15 * 60.0
MAX_CLIENTS = 10_000  # clients remembered at most (the least recently failed are forgotten first)


class LoginThrottle:
    """Failed logins per client address in a sliding window; ``clock`` is injectable for tests."""

    def __init__(self, max_failures: int = MAX_FAILURES, window_s: float = WINDOW_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, client: str) -> float:
        """Seconds until ``client`` may try again (0: now)."""
        with self._lock:
            failures = self._recent(client)
            if len(failures) < self.max_failures:
                return 0.0
            return max(0.0, failures[0] + self.window_s - self.clock())

    def failed(self, client: str) -> None:
        with self._lock:
            self._recent(client).append(self.clock())
            self._failures.move_to_end(client)
            while len(self._failures) > MAX_CLIENTS:
                self._failures.popitem(last=False)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)

    def _recent(self, client: str) -> deque[float]:
        failures = self._failures.setdefault(client, deque())
        while failures and failures[0] <= self.clock() - self.window_s:
            failures.popleft()
        return failures
