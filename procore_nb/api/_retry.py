"""The retry policy and the deadline of one call.

- :class:`ProcoreRetry` is urllib3's ``Retry`` taught Procore's rules: 5xx, dropped
  connections and timeouts on idempotent requests retry with exponential backoff and
  jitter; 429 and 503 wait ``Retry-After``, else until ``X-Rate-Limit-Reset``; an
  announced wait longer than ``max_wait`` is not sat out but answered with
  :class:`~procore_nb.RateLimitError`. A ``Retry-After`` that is not a number or a date
  (or is negative) is ignored, never raised.
- :class:`Deadline` is the one overall limit of a call: every attempt, every backoff and
  every body read comes out of it, so that ``retries`` times ``timeout`` never adds up to
  minutes. Waits the client chooses to sit out (an announced ``Retry-After`` or a paced
  rate-limit window, each at most ``max_wait``) do not count against it: they are Procore
  saying when to come back, not a server failing to answer.

The deadline of the call running in a thread is kept in a thread-local, because urllib3
retries inside ``requests`` where no argument reaches.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Self

import requests
from urllib3.exceptions import InvalidHeader, MaxRetryError
from urllib3.exceptions import ResponseError as UrllibResponseError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry
from urllib3.util.timeout import Timeout

from procore_nb._exceptions import ProcoreTimeout
from procore_nb.api._cancel import check_stop, pause
from procore_nb.api._config import is_testing
from procore_nb.api._pacing import RateGate, longest_wait, seconds_until_reset
from procore_nb.api._usage import Usage

__all__ = [
    "Deadline",
    "DeadlineReachedError",
    "DeadlineTimeout",
    "ProcoreRetry",
    "current_deadline",
    "deadline_error",
    "read_body",
    "running",
]

_local = threading.local()


class DeadlineReachedError(UrllibResponseError):
    """urllib3's reason for giving up: the call's deadline would pass before the next try."""


class Deadline:
    """The overall time one call may take, and what it spent it on.

    Parameters
    ----------
    seconds:
        The limit; ``None`` means no limit (each attempt still has its ``timeout``).
    clock:
        A monotonic clock.
    """

    def __init__(
        self, seconds: float | None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self._clock = clock
        self.started = clock()
        self.paused = 0.0  # seconds sat out on purpose (Retry-After, pacing): not counted
        self.attempts = 1  # the first one; every retry adds one

    def elapsed(self) -> float:
        """Seconds since the call started, wall clock (waits included)."""
        return self._clock() - self.started

    def remaining(self) -> float:
        """Seconds left (``inf`` without a limit); may be negative once passed."""
        if self.seconds is None:
            return float("inf")
        return self.seconds - (self.elapsed() - self.paused)

    def expired(self) -> bool:
        """Whether the deadline has passed."""
        return self.remaining() <= 0

    def timeout(self, per_attempt: float) -> DeadlineTimeout:
        """The timeout of each attempt: ``per_attempt``, or what is left if less."""
        return DeadlineTimeout(per_attempt, self)

    def describe(self) -> str:
        """``'waited 12 s over 3 attempts'`` (with the limit when there is one)."""
        attempts = f"{self.attempts} attempt{'s' if self.attempts != 1 else ''}"
        limit = f" (deadline {self.seconds:g} s)" if self.seconds is not None else ""
        paused = (
            f", of which {self.paused:.0f} s sitting out rate limits" if self.paused >= 0.5 else ""
        )
        elapsed = self.elapsed()
        shown = f"{elapsed:.1f}" if elapsed < 10 else f"{elapsed:.0f}"
        return f"waited {shown} s over {attempts}{paused}{limit}"


class DeadlineTimeout(Timeout):
    """urllib3's ``Timeout`` that never waits past the call's deadline.

    urllib3 retries inside one ``requests`` call with the same timeout object (cloned per
    attempt): this one caps every connect and read wait at what the deadline has left, so
    that the last attempt does not run a whole ``timeout`` beyond it.
    """

    def __init__(self, seconds: float, deadline: Deadline) -> None:
        super().__init__(connect=seconds, read=seconds)
        self.seconds = seconds
        self.deadline = deadline

    def clone(self) -> DeadlineTimeout:
        return DeadlineTimeout(self.seconds, self.deadline)

    def _cap(self, value: Any) -> Any:
        if not isinstance(value, int | float):
            return value
        return max(0.001, min(float(value), self.deadline.remaining()))

    @property
    def connect_timeout(self) -> Any:
        return self._cap(super().connect_timeout)

    @property
    def read_timeout(self) -> Any:
        return self._cap(super().read_timeout)


def current_deadline() -> Deadline | None:
    """The deadline of the call running in this thread, if any."""
    return getattr(_local, "deadline", None)


@contextlib.contextmanager
def running(deadline: Deadline) -> Iterator[Deadline]:
    """Make ``deadline`` the current one in this thread while the block runs."""
    previous = current_deadline()
    _local.deadline = deadline
    try:
        yield deadline
    finally:
        _local.deadline = previous


class ProcoreRetry(Retry):
    """urllib3's ``Retry`` with Procore's rate-limit rules, the deadline and a testing switch.

    Parameters beyond ``Retry``'s
    -----------------------------
    max_wait:
        Longest announced wait to sit out; longer ones return the 429/503 to the caller.
    gate:
        Told of every announced wait, so that other threads pause too.
    """

    def __init__(
        self,
        *args: Any,
        max_wait: float = 120.0,
        gate: RateGate | None = None,
        usage: Usage | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.max_wait = max_wait
        self.gate = gate
        self.usage = usage

    def new(self, **kw: Any) -> Self:
        """Copy the policy, keeping ``max_wait`` and ``gate`` (``Retry.new`` drops them)."""
        retry = super().new(**kw)
        retry.max_wait = self.max_wait
        retry.gate = self.gate
        retry.usage = self.usage
        return retry

    def get_backoff_time(self) -> float:
        """Exponential backoff with jitter (never past the deadline), or none under testing."""
        if is_testing():
            return 0.0
        backoff = super().get_backoff_time()
        deadline = current_deadline()
        return max(0.0, min(backoff, deadline.remaining())) if deadline else backoff

    def parse_retry_after(self, retry_after: str) -> float:
        """Seconds of a ``Retry-After`` value; raises ``InvalidHeader`` for junk (caught below)."""
        seconds = super().parse_retry_after(retry_after)
        if not math.isfinite(seconds):  # a date so far off that it overflows
            raise InvalidHeader(f"Invalid Retry-After header: {retry_after}")
        return seconds

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        """``Retry-After`` if usable, else the time until ``X-Rate-Limit-Reset`` (429/503).

        A ``Retry-After`` that is neither seconds nor an HTTP date (``garbage``, ``-5``)
        counts as absent: a broken header must not turn into an exception.
        """
        try:
            seconds = super().get_retry_after(response)
        except (InvalidHeader, ValueError, OverflowError):
            seconds = None
        if seconds is None and response.status in {429, 503}:
            seconds = seconds_until_reset(response.headers)
        return seconds

    def sleep_for_retry(self, response: BaseHTTPResponse) -> bool:
        """Sit out the announced wait, pausing the other threads' requests as well."""
        seconds = self.get_retry_after(response)
        if not seconds:
            return False
        if self.gate is not None:
            kind = "rate limit" if response.status == 429 else "busy"
            reason = f"Procore answered {response.status} ({kind}) with Retry-After"
            self.gate.pause(seconds, reason=reason)
        pause(seconds)  # a stopped pull gives up at once
        deadline = current_deadline()
        if deadline is not None:
            deadline.paused += seconds
        return True

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        """Sit out the announced wait or the backoff; a stopped pull gives up at once.

        The wait is on the pull's stop signal (:func:`~procore_nb.api._cancel.pause`), not
        ``time.sleep``, so that no retry leaves after Ctrl-C.
        """
        check_stop()
        retry_after = self.respect_retry_after_header and response is not None
        if retry_after and self.sleep_for_retry(response):  # type: ignore[arg-type]  # not None when retry_after
            return
        pause(self.get_backoff_time())
        check_stop()

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Self:
        """Count a retry; give up when the announced wait is too long or the deadline passed."""
        if response is not None and self.usage is not None:
            self.usage.retried()  # an answer Procore counted against the rate limit too
        deadline = current_deadline()
        wait = None
        if response is not None and response.status in {429, 503}:
            wait = self.get_retry_after(response)
            if wait is not None and wait > longest_wait(self.max_wait):
                # With raise_on_status=False, urllib3 hands this response to the caller.
                reason = UrllibResponseError(f"announced wait {wait:.0f} s > max_wait")
                raise MaxRetryError(_pool, url, reason)
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        if deadline is not None:
            if wait is None and deadline.expired():
                raise MaxRetryError(_pool, url, DeadlineReachedError(deadline.describe()))
            deadline.attempts += 1  # another attempt follows
        return retry


#: Most bytes read at a time (a read answers what has arrived); the deadline is checked
#: between reads. Large, so that a page of megabytes takes a few reads, not dozens, each of
#: which waits for the GIL while another thread (an import, a parse) holds it.
_CHUNK = 1024 * 1024
#: The largest body accepted (Procore's largest pages are a few megabytes).
MAX_BODY = 256 * 1024 * 1024


class _DeadlinePassedError(OSError):
    """The call's deadline passed while the body was still arriving."""


def read_body(response: requests.Response, deadline: Deadline) -> bytes:
    """The whole body, read a chunk at a time so that a trickling server meets the deadline."""
    raw = response.raw
    parts: list[bytes] = []
    size = 0
    while True:
        if deadline.expired():
            raise _DeadlinePassedError("the deadline passed while the body was arriving")
        chunk = (
            raw.read1(_CHUNK, decode_content=True) if hasattr(raw, "read1") else raw.read(_CHUNK)
        )
        if not chunk:
            break
        size += len(chunk)
        if size > MAX_BODY:
            raise _DeadlinePassedError(f"the body is larger than {MAX_BODY // 2**20} MiB")
        parts.append(chunk)
    body = b"".join(parts)
    response._content = body  # so that response.text and .json() see it
    response._content_consumed = True  # type: ignore[attr-defined]  # requests' own flag
    return body


def deadline_error(method: str, url: str, deadline: Deadline, last: str) -> ProcoreTimeout:
    return ProcoreTimeout(
        f"{method} {url}: no complete answer within the deadline: {deadline.describe()}; "
        f"the last attempt failed with {last}. Procore may be slow or unreachable; try "
        "again, or allow longer with ClientConfig(deadline=...) and Client(timeout=...).",
        method=method,
        url=url,
    )
