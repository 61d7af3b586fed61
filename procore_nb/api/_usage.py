"""What a client has spent: requests sent, bytes received, and the server's clock.

Procore's rate limits count requests, so whatever promises to save them (the local store's
incremental sync) must be able to measure them. :class:`Usage` is a thread-safe tally the
transport updates on every answer, retried ones included; callers read it before and after
a piece of work and subtract.
"""

from __future__ import annotations

import email.utils
import threading
import time
from dataclasses import dataclass

__all__ = ["Spent", "Usage"]


@dataclass(frozen=True)
class Spent:
    """Requests answered and body bytes received, as of a moment or between two."""

    requests: int = 0
    bytes: int = 0

    def __sub__(self, other: Spent) -> Spent:
        return Spent(self.requests - other.requests, self.bytes - other.bytes)


class Usage:
    """Counts every answered request and its body size, and learns the server's clock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests = 0
        self._bytes = 0
        #: Seconds the server's ``Date`` is ahead of our clock (0 until an answer tells).
        self.server_offset = 0.0

    def answered(self, size: int, date: str | None = None) -> None:
        """Count one answer of ``size`` body bytes; ``date`` is its ``Date`` header."""
        with self._lock:
            self._requests += 1
            self._bytes += size
        if date:
            try:
                server = email.utils.parsedate_to_datetime(date).timestamp()
            except (TypeError, ValueError):
                return
            # Date has a resolution of one second: keep the offset only when it says more.
            offset = server - time.time()
            self.server_offset = offset if abs(offset) > 1.0 else 0.0

    def retried(self) -> None:
        """Count an answer that was retried (a 429, a 5xx) without being read."""
        with self._lock:
            self._requests += 1

    def snapshot(self) -> Spent:
        """The totals so far."""
        with self._lock:
            return Spent(self._requests, self._bytes)

    def server_time(self) -> float:
        """The server's clock now, as unix seconds (ours, corrected by its ``Date``)."""
        return time.time() + self.server_offset
