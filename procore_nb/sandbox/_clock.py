"""The sandbox's clock: real time plus an offset that tests move forward."""

from __future__ import annotations

import time


class Clock:
    """Unix time as the sandbox sees it; :meth:`advance` expires codes, tokens and windows."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        """Seconds since the epoch, shifted by every :meth:`advance` so far."""
        return time.time() + self.offset

    def advance(self, seconds: float) -> float:
        """Move the clock ``seconds`` forward and return the new time."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        self.offset += seconds
        return self.now()
