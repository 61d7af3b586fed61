"""Pacing by Procore's ``X-Rate-Limit-*`` headers, so that a large pull meets no 429.

Every REST response says how many requests are left in the window closest to running out
(``X-Rate-Limit-Remaining``) and when it resets (``X-Rate-Limit-Reset``, unix seconds in
the server's clock). :class:`RateGate` keeps the latest of these and lets a request start
only while the budget, less the requests already in flight, is positive; otherwise it
waits for the reset. A ``Retry-After`` seen on a 429 or 503 pauses every thread.

Every wait is said once, however many threads sit it out: an INFO log record (nothing is
printed unless logging is set up to show it) and :meth:`RateGate.status`, which the
progress bars show as their postfix, with the time the requests left will take by the
window Procore announced (:meth:`RateGate.eta`). A pull's :class:`~procore_nb.api._cancel.Stop`
wakes a thread waiting here at once, and the thread sends nothing.
"""

from __future__ import annotations

import email.utils
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from procore_nb._constants import RATE_LIMIT_HEADER, RATE_REMAINING_HEADER, RATE_RESET_HEADER
from procore_nb._exceptions import RateLimitError
from procore_nb.api._cancel import Stop, StoppedError, current_stop

__all__ = [
    "PROBE_EVERY",
    "RateGate",
    "clock_time",
    "format_reset",
    "longest_wait",
    "seconds_until_reset",
    "waits_at_most",
]

log = logging.getLogger(__name__)

#: After Procore refused a probe, requests fail without asking again for this long (seconds).
PROBE_EVERY = 10.0


#: The longest wait of the requests made inside :func:`waits_at_most` (None: the client's).
_MOST_WAIT: ContextVar[float | None] = ContextVar("procore_nb_most_wait", default=None)


@contextmanager
def waits_at_most(seconds: float) -> Iterator[None]:
    """Requests of this thread made inside sit out rate-limit waits of ``seconds`` at most.

    For a request whose answer is a nicety (who signed in, for a sentence): with the hour's
    budget spent, it fails at once with :class:`~procore_nb.RateLimitError` instead of
    holding a scheduled run for the next window.
    """
    token = _MOST_WAIT.set(seconds)
    try:
        yield
    finally:
        _MOST_WAIT.reset(token)


def longest_wait(configured: float) -> float:
    """``configured`` (the client's max_wait), or less inside :func:`waits_at_most`."""
    most = _MOST_WAIT.get()
    return configured if most is None else min(configured, most)


#: Waits longer than this (a year) are nonsense from a broken header, not a rate limit.
_LONGEST = 365 * 24 * 3600.0


def _number(headers: Mapping[str, str], name: str) -> float | None:
    """A header's finite, non-negative number; ``None`` when absent or not one."""
    value = headers.get(name)
    try:
        number = float(value) if value is not None else None
    except (ValueError, OverflowError):
        return None
    if number is None or not math.isfinite(number) or number < 0:
        return None
    return number


def _server_now(headers: Mapping[str, str]) -> float:
    """The server's clock: ours, unless its ``Date`` header shows a real skew.

    ``Date`` has a resolution of one second, so it only corrects clocks that differ by
    more than that; otherwise our finer clock measures the wait better.
    """
    now = time.time()
    date = headers.get("Date")
    if date:
        try:
            server = email.utils.parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError, OverflowError, IndexError):
            return now
        if abs(server - now) > 2.0:
            return server
    return now


def seconds_until_reset(headers: Mapping[str, str]) -> float | None:
    """Seconds until ``X-Rate-Limit-Reset``, measured against the server's own clock."""
    reset = _number(headers, RATE_RESET_HEADER)
    if reset is None:
        return None
    return min(_LONGEST, max(0.0, reset - _server_now(headers)))


def format_reset(seconds: float) -> str:
    """``'14:05:03 UTC (in 35 s)'`` for a wait of ``seconds`` from now.

    Waits past today's end (UTC) carry the date; long ones read in minutes.
    """
    return f"{clock_time(seconds)} (in {_duration(seconds)})"


def clock_time(seconds: float) -> str:
    """``'14:05:03 UTC'``: the time ``seconds`` from now (with the date if not today, UTC)."""
    now = datetime.now(tz=UTC)
    seconds = min(max(seconds, 0.0), _LONGEST) if math.isfinite(seconds) else _LONGEST
    at = datetime.fromtimestamp(now.timestamp() + seconds, tz=UTC)
    return f"{at:%H:%M:%S} UTC" if at.date() == now.date() else f"{at:%Y-%m-%d %H:%M:%S} UTC"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h {minutes % 60} min"


class RateGate:
    """Admit requests while Procore's announced budget lasts; wait for the reset otherwise.

    Parameters
    ----------
    max_wait:
        Longest wait, in seconds, sat out before asking Procore with a probe request.
    clock:
        A monotonic clock (seconds); replaceable in tests.
    """

    def __init__(self, *, max_wait: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_wait = max_wait
        self._clock = clock
        self._cond = threading.Condition()
        self._limit: int | None = None
        self._remaining: int | None = None
        self._reset_at: float | None = None  # monotonic time the current window ends
        self._paused_until = 0.0
        self._in_flight = 0
        self._probing = False
        self._said_until = 0.0  # the end of the last wait announced
        self._waiting_until = 0.0  # the end of the wait some thread is sitting out
        self._refused_at: float | None = None  # when a probe last met a reset beyond max_wait
        self._span = 0.0  # the longest window seen: seconds from a window's start to its reset

    def acquire(self, *, method: str = "", url: str = "") -> bool:
        """Block until a request may start, count it as in flight, and say if it is a probe.

        When the announced reset is further away than ``max_wait`` (or the server's reset
        time cannot be trusted: clocks differ), one request goes ahead as a probe: Procore
        then either answers it (the window renewed) or says how long to wait with a 429's
        ``Retry-After``, which the retry policy honours or turns into a
        :class:`~procore_nb.RateLimitError`. Requests that waited for a probe Procore
        refused, or come within :data:`PROBE_EVERY` seconds of it, get the same answer, a
        :class:`~procore_nb.RateLimitError`, without asking again. Pass the result to
        :meth:`release`. A stopped pull's thread (:mod:`procore_nb.api._cancel`) gets
        :class:`~procore_nb.api._cancel.StoppedError` instead, at once.
        """
        stop = current_stop()
        if isinstance(stop, Stop):
            stop.on_set(self._wake)
        # A stop that cannot wake the gate is looked at often; one that can, on waking.
        most = 1.0 if stop is None or isinstance(stop, Stop) else 0.1
        with self._cond:
            while True:
                if stop is not None and stop.is_set():
                    raise StoppedError
                now = self._clock()
                wait = self._wait_needed(now)
                if wait <= 0:
                    self._in_flight += 1
                    return False
                if wait > longest_wait(self.max_wait):
                    if self._refused_at is not None and now - self._refused_at < PROBE_EVERY:
                        raise self._refused(wait, method=method, url=url)
                    if not self._probing:
                        self._probing = True
                        self._in_flight += 1
                        log.debug(
                            "Pacing: reset %.0f s away; sending %s %s as a probe.",
                            wait,
                            method,
                            url,
                        )
                        return True
                else:
                    self._announce(now + wait, "Procore's rate limit for this window is used up")
                self._cond.wait(min(wait, most))

    def _wake(self) -> None:
        """Wake every waiting thread (a pull was stopped: its threads give up)."""
        with self._cond:
            self._cond.notify_all()

    def _refused(self, wait: float, *, method: str, url: str) -> RateLimitError:
        return RateLimitError(
            f"{method} {url} was not sent: Procore refused a request moments ago because its "
            f"rate limit is used up until {format_reset(wait)}. Wait until then and try "
            "again; procore_nb sits out waits of up to ClientConfig.max_wait "
            f"({self.max_wait:g} s) by itself, so a larger max_wait waits instead of failing.",
            method=method,
            url=url,
            retry_after=wait,
            reset_at=time.time() + wait,
        )

    def _wait_needed(self, now: float) -> float:
        if now < self._paused_until:
            return self._paused_until - now
        if self._remaining is None or self._remaining - self._in_flight > 0:
            return 0.0
        if self._in_flight:
            # The budget is spent by requests still running: their answers will say more
            # (a new window, or how long to wait) without a probe spending a request.
            return 0.05
        if self._reset_at is not None and now < self._reset_at:
            return self._reset_at - now
        # The window has reset since we last heard: start afresh.
        self._remaining, self._reset_at = self._limit, None
        return 0.0

    def release(
        self, headers: Mapping[str, str] | None, *, probe: bool = False, refused: bool = False
    ) -> None:
        """Count a request as finished and learn from its response ``headers``, if any.

        ``refused`` says that the answer was a 429.
        """
        with self._cond:
            self._in_flight -= 1
            if probe:
                self._probing = False
                # A probe's answer starts the bookkeeping afresh, whatever came before.
                self._reset_at = None
            if headers is not None:
                self._learn(headers)
            if probe and refused and self._wait_needed(self._clock()) > self.max_wait:
                # Procore refused the probe until long after max_wait: the requests waiting on
                # it, and those that come within PROBE_EVERY, fail with the same answer.
                self._refused_at = self._clock()
            self._cond.notify_all()

    def _learn(self, headers: Mapping[str, str]) -> None:
        remaining = _number(headers, RATE_REMAINING_HEADER)
        wait = seconds_until_reset(headers)
        if remaining is None or wait is None:
            return
        limit = _number(headers, RATE_LIMIT_HEADER)
        if limit is not None:
            self._limit = int(limit)
        reset_at = self._clock() + wait
        # Answers arrive out of order: within one window the lowest count is the latest;
        # a reset more than a second later means a new window.
        same_window = self._reset_at is not None and abs(reset_at - self._reset_at) <= 1.0
        if same_window and self._remaining is not None:
            self._remaining = min(self._remaining, int(remaining))
        elif self._reset_at is None or reset_at > self._reset_at:
            self._remaining = int(remaining)
            self._reset_at = reset_at
            self._span = max(self._span, wait)
        elif self._remaining is None or (int(remaining) < self._remaining and wait > 1.0):
            # The headers now report another window, nearer its reset and with fewer requests
            # left (the hourly window gave way to the 10-second spike window): it binds. An
            # answer from a window that has just ended (reset within a second) is stale.
            self._remaining = int(remaining)
            self._reset_at = reset_at

    def pause(self, seconds: float, *, reason: str = "Procore asked to wait") -> None:
        """Hold every new request for ``seconds`` (a ``Retry-After`` was announced)."""
        with self._cond:
            self._paused_until = max(self._paused_until, self._clock() + seconds)
            self._announce(self._paused_until, reason)
            self._cond.notify_all()

    def _announce(self, until: float, reason: str) -> None:
        """Say once that requests wait until ``until`` (monotonic), and why. Lock held."""
        self._waiting_until = max(self._waiting_until, until)
        seconds = until - self._clock()
        if seconds < 0.5 or until <= self._said_until + 1.0:
            return  # a blink (answers in flight), or the same wait met by another thread
        self._said_until = until
        log.info(
            "Waiting %.0f s (until %s) before the next request to Procore, because %s.",
            seconds,
            clock_time(seconds),
            reason,
        )

    def window(self) -> int | None:
        """Requests the current window allows (``X-Rate-Limit-Limit``); None before any answer."""
        with self._cond:
            return self._limit

    def eta(self, left: int) -> float | None:
        """Seconds that ``left`` more requests take by the announced window; None if unknown.

        The requests left in this window go at once; each further window allows
        ``X-Rate-Limit-Limit`` requests and lasts as long as the longest window seen.
        """
        with self._cond:
            now = self._clock()
            limit, remaining, reset_at = self._limit, self._remaining, self._reset_at
            paused = max(0.0, self._paused_until - now)
            span = self._span
            in_flight = self._in_flight
        if limit is None or limit < 1 or remaining is None or reset_at is None:
            return None
        here = max(0, remaining - in_flight)
        if left <= here:
            return paused
        windows = math.ceil((left - here) / limit)
        return max(paused, reset_at - now) + (windows - 1) * span

    def status(self, left: int | None = None) -> str:
        """What the requests wait for right now, for a progress bar; ``""`` when nothing.

        With ``left`` (the requests the pull still needs), the wait is followed by the
        time they take by the rate window: ``'waiting 7 s for Procore (until 14:05:03 UTC);
        60 requests left: about 30 s'``.
        """
        with self._cond:
            seconds = self._waiting_until - self._clock()
        if seconds < 0.5:
            return ""
        text = f"waiting {seconds:.0f} s for Procore (until {clock_time(seconds)})"
        eta = self.eta(left) if left else None
        if eta is not None and left:
            text += f"; {left:,} request{'s' if left != 1 else ''} left: about {_duration(eta)}"
        return text
