"""Stopping a pull at once: the stop signal that every wait of its requests listens to.

A pull across projects (and a list's wave of pages) runs its requests in worker threads.
On Ctrl-C, or when ``errors="raise"`` meets a failed project, it sets its :class:`Stop`:
from then on no request of the pull leaves the process. A worker learns of the stop

- before each request (:func:`check_stop`, called by the transport after the pacing gate
  let it through, right before sending),
- while it waits for the rate window (:class:`~procore_nb.api._pacing.RateGate` is woken by
  :meth:`Stop.set`), and
- while it sits out a retry's backoff or a ``Retry-After`` (:func:`pause` waits on the
  stop instead of sleeping),

and raises :class:`StoppedError`, which the pull drops. The stop of the call running in a
thread is kept in a thread-local (:func:`stopping`), because the waits happen deep inside
``requests`` and urllib3 where no argument reaches.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_T = TypeVar("_T")

__all__ = [
    "Stop",
    "StoppedError",
    "check_stop",
    "current_stop",
    "pause",
    "stopping",
    "under",
]

_local = threading.local()


class StoppedError(Exception):
    """Raised inside a read after its pull was stopped: no further request starts."""


class Stop(threading.Event):
    """A pull's stop signal: an ``Event`` that also wakes the waits registered with it."""

    def __init__(self) -> None:
        super().__init__()
        self._wakers: set[Callable[[], None]] = set()
        self._lock = threading.Lock()

    def on_set(self, wake: Callable[[], None]) -> None:
        """Call ``wake`` when the stop is set (at once if it already is)."""
        with self._lock:
            self._wakers.add(wake)
        if self.is_set():
            wake()

    def set(self) -> None:
        """Stop: every wait registered with :meth:`on_set` is woken."""
        super().set()
        with self._lock:
            wakers = list(self._wakers)
        for wake in wakers:
            wake()


def current_stop() -> threading.Event | None:
    """The stop of the call running in this thread, if any."""
    return getattr(_local, "stop", None)


@contextlib.contextmanager
def stopping(stop: threading.Event | None) -> Iterator[None]:
    """Make ``stop`` the current one in this thread while the block runs."""
    previous = current_stop()
    _local.stop = stop
    try:
        yield
    finally:
        _local.stop = previous


def under(stop: threading.Event, call: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
    """``call(*args, **kwargs)`` with ``stop`` current in this thread (for a pool's worker).

    A read across projects sets its own pull's stop around each of its pages again, inside
    ``call``: there, the pull's stop governs.
    """
    with stopping(stop):
        return call(*args, **kwargs)


def check_stop() -> None:
    """Raise :class:`StoppedError` if this thread's pull was stopped."""
    stop = current_stop()
    if stop is not None and stop.is_set():
        raise StoppedError


def pause(seconds: float) -> None:
    """Sleep ``seconds``, or raise :class:`StoppedError` as soon as the pull is stopped."""
    stop = current_stop()
    if stop is None:
        if seconds > 0:
            time.sleep(seconds)
        return
    if stop.is_set() or (seconds > 0 and stop.wait(seconds)):
        raise StoppedError
