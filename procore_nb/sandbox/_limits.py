"""Procore's two rate-limit windows, kept per (app, resource owner) so a refresh resets nothing."""

from __future__ import annotations

import math
from dataclasses import dataclass

from procore_nb._constants import RATE_LIMIT_HEADER, RATE_REMAINING_HEADER, RATE_RESET_HEADER

from ._clock import Clock


@dataclass
class _Window:
    start: float = -math.inf
    count: int = 0


@dataclass
class Verdict:
    """The outcome for one request: allowed or not, the headers to send and the wait."""

    allowed: bool
    headers: dict[str, str]
    retry_after: int = 0


class RateLimiter:
    """Fixed windows that open at a key's first request: hourly, and a short spike window."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._windows: dict[tuple[str, int], tuple[_Window, _Window]] = {}

    def check(
        self, key: tuple[str, int], *, hourly: int, spike: int, spike_window: float
    ) -> Verdict:
        """Count a request for ``key`` unless a window is exhausted."""
        now = self.clock.now()
        hour, short = self._windows.setdefault(key, (_Window(), _Window()))
        for window, length in ((hour, 3600.0), (short, spike_window)):
            if now >= window.start + length:
                window.start, window.count = now, 0
        states = [
            (hourly - hour.count, hourly, hour.start + 3600.0),
            (spike - short.count, spike, short.start + spike_window),
        ]
        blocked = [state for state in states if state[0] <= 0]
        if blocked:
            _, limit, reset = max(blocked, key=lambda state: state[2])
            wait = max(1, math.ceil(reset - now))
            return Verdict(False, _headers(limit, 0, reset), wait)
        hour.count += 1
        short.count += 1
        # Report the window closest to running out (fewest requests left).
        remaining, limit, reset = min(
            (hourly - hour.count, hourly, hour.start + 3600.0),
            (spike - short.count, spike, short.start + spike_window),
        )
        return Verdict(True, _headers(limit, remaining, reset))


def _headers(limit: int, remaining: int, reset: float) -> dict[str, str]:
    return {
        RATE_LIMIT_HEADER: str(limit),
        RATE_REMAINING_HEADER: str(max(0, remaining)),
        RATE_RESET_HEADER: str(math.ceil(reset)),
    }
