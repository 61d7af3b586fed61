"""One list read across many projects at once: scheduled together, skipped where refused.

:func:`pull` runs ``read(target, stop)`` for every project in a bounded thread pool. The
requests of all projects go through the client's one transport, so they share its
:class:`~procore_nb.api._pacing.RateGate`: they start as fast as Procore's announced budget
(``X-Rate-Limit-*``, both the spike and the hourly window) allows and no faster, and one
``Retry-After`` pauses them all. A project that answers 403 (its tool is disabled, or no
permission) or 404 is skipped and reported, unless ``errors="raise"``. One progress bar
counts projects, with the rows read so far and what the requests wait for beside it.

Ctrl-C (``KeyboardInterrupt``) stops the pull: no request starts after it, the requests on
their way finish in the background, and the error propagates with nothing half-built, so
the client can be used again at once.
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from procore_nb._exceptions import ConfigurationError, NotFoundError, PermissionDeniedError

__all__ = ["ERRORS", "Outcome", "SkippedProjectsWarning", "StoppedError", "Target", "pull"]

Record = dict[str, Any]
#: What to do when a project answers 403 or 404.
ERRORS = ("skip", "raise")
#: How often (seconds) the bar's status is looked at while requests are on their way.
_STATUS_EVERY = 0.5


class SkippedProjectsWarning(UserWarning):
    """Some projects answered 403 or 404 and were left out; ``df.attrs["skipped"]`` says which."""


class StoppedError(Exception):
    """Raised inside a read after the pull was interrupted: no further request starts."""


@dataclass(frozen=True)
class Target:
    """One project to read: its id and, when known, its name."""

    id: int
    name: str | None = None


@dataclass
class Outcome:
    """What a pull returned: each project's rows in the targets' order, and the skipped ones."""

    rows: list[tuple[Target, list[Record]]]
    skipped: list[dict[str, Any]]


#: ``read(target, stop, limit)``: the rows of one project (at most ``limit``), raising
#: :class:`StoppedError` if ``stop`` is set before a request.
Read = Callable[[Target, threading.Event, int | None], list[Record]]


class _Bar(Protocol):
    def step(self, rows: int) -> None: ...
    def tick(self) -> None: ...
    def close(self) -> None: ...


class _NoBar:
    def step(self, rows: int) -> None:
        del rows

    def tick(self) -> None:
        pass

    def close(self) -> None:
        pass


class _ProjectsBar:
    """A ``tqdm.auto`` bar over projects, with the rows so far and any wait as its postfix."""

    def __init__(
        self, *, total: int, label: str, status: Callable[[], str] | None, delay: float
    ) -> None:
        from tqdm.auto import tqdm  # may import ipywidgets: only when a bar is shown

        self._bar = tqdm(total=total, unit="projects", desc=label or None, leave=True, delay=delay)
        self._status = status
        self._rows = 0
        self._said = ""

    def step(self, rows: int) -> None:
        self._rows += rows
        self._bar.update(1)
        self.tick()

    def tick(self) -> None:
        waiting = self._status() if self._status is not None else ""
        text = f"{self._rows:,} rows" + (f"; {waiting}" if waiting else "")
        if text != self._said:
            self._bar.set_postfix_str(text)
            self._said = text

    def close(self) -> None:
        self._bar.close()


def _skip_reason(exc: Exception) -> tuple[int, str]:
    fallback = 403 if isinstance(exc, PermissionDeniedError) else 404
    status = getattr(exc, "status", None) or fallback
    reason = (
        "403 Forbidden: the tool is disabled on this project, or the user may not see it"
        if status == 403
        else "404 Not Found: no such project for this company, or not visible to this user"
    )
    return int(status), reason


class _Progress:
    """Rows collected so far, and whether a ``limit`` is already met by the first projects."""

    def __init__(self, count: int, limit: int | None) -> None:
        self.limit = limit
        self.done: dict[int, list[Record] | None] = {}  # index -> rows (None: skipped)
        self.count = count

    def enough(self) -> bool:
        """Whether the projects read so far, in order, already give ``limit`` rows."""
        if self.limit is None:
            return False
        total = 0
        for index in range(self.count):
            if index not in self.done:
                return False
            total += len(self.done[index] or [])
            if total >= self.limit:
                return True
        return False


def pull(
    read: Read,
    targets: Sequence[Target],
    *,
    workers: int,
    limit: int | None = None,
    errors: str = "skip",
    bar: tuple[bool, str, Callable[[], str] | None, float] = (False, "", None, 0.0),
) -> Outcome:
    """Read every target concurrently; rows come back in the targets' order.

    Parameters
    ----------
    read:
        ``read(target, stop, limit)`` returns one project's rows.
    targets:
        The projects, in the order their rows should appear.
    workers:
        Projects read at the same time (the rate gate decides how fast requests start).
    limit:
        At most this many rows in all (the first projects' rows first).
    errors:
        ``"skip"`` leaves out projects answering 403 or 404 and reports them; ``"raise"``
        raises the first such error.
    bar:
        ``(show, label, status, delay)`` for the progress bar: it appears once the pull
        has lasted ``delay`` seconds (a quicker pull shows none).
    """
    if errors not in ERRORS:
        raise ConfigurationError(f"errors must be 'skip' or 'raise', not {errors!r}.")
    show, label, status, delay = bar
    progress: _Bar = (
        _ProjectsBar(total=len(targets), label=label, status=status, delay=delay)
        if show and len(targets) > 1
        else _NoBar()
    )
    state = _Progress(len(targets), limit)
    skipped: dict[int, dict[str, Any]] = {}
    stop = threading.Event()
    pool = concurrent.futures.ThreadPoolExecutor(
        max_workers=max(1, min(workers, len(targets))), thread_name_prefix="procore_nb-project"
    )
    try:
        futures = {pool.submit(read, t, stop, limit): i for i, t in enumerate(targets)}
        pending = set(futures)
        while pending and not state.enough():
            done, pending = concurrent.futures.wait(
                pending, timeout=_STATUS_EVERY, return_when=concurrent.futures.FIRST_COMPLETED
            )
            for future in done:
                index = futures[future]
                try:
                    rows = future.result()
                except (PermissionDeniedError, NotFoundError) as exc:
                    target = targets[index]
                    if errors == "raise":
                        exc.add_note(f"while reading project {target.id} ({target.name})")
                        raise
                    code, reason = _skip_reason(exc)
                    skipped[index] = {
                        "project_id": target.id,
                        "project_name": target.name,
                        "status": code,
                        "reason": reason,
                    }
                    state.done[index] = None
                    progress.step(0)
                    continue
                state.done[index] = rows
                progress.step(len(rows))
            progress.tick()
    finally:
        # On success nothing is pending; on an error or Ctrl-C nothing more may start.
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)
        progress.close()
    out: list[tuple[Target, list[Record]]] = []
    left = limit
    for index, target in enumerate(targets):
        read_rows = state.done.get(index)
        if read_rows is None:
            continue
        rows = read_rows
        if left is not None:
            rows = rows[:left]
            left -= len(rows)
        out.append((target, rows))
        if left is not None and left <= 0:
            break
    return Outcome(out, [skipped[i] for i in sorted(skipped)])
