"""The sandbox's clock: real time plus an offset that tests move forward.

A sandbox whose ``today`` is pinned starts its clock on that day, at the real time of day:
the offset is a whole number of days, so the generated records (all made before today, see
``generators/_base.py``) are never in the future of the time it serves.
"""

from __future__ import annotations

import datetime as dt
import time

_DAY = 86_400


class Clock:
    """Unix time as the sandbox sees it; :meth:`advance` expires codes, tokens and windows."""

    def __init__(self, today: dt.date | None = None) -> None:
        real = dt.datetime.now(dt.UTC).date()
        #: The day the data is as of (fixed at start, while the clock moves on).
        self.today = today or real
        self.offset = float((self.today - real).days * _DAY)

    def now(self) -> float:
        """Seconds since the epoch, shifted by every :meth:`advance` so far."""
        return time.time() + self.offset

    def advance(self, seconds: float) -> float:
        """Move the clock ``seconds`` forward and return the new time."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        self.offset += seconds
        return self.now()
