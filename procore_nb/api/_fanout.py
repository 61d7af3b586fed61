"""One list read across many projects at once: scheduled together, skipped where refused.

:func:`pull` runs ``read(target, stop)`` for every project in a bounded thread pool. The
requests of all projects go through the client's one transport, so they share its
:class:`~procore_nb.api._pacing.RateGate`: they start as fast as Procore's announced budget
(``X-Rate-Limit-*``, both the spike and the hourly window) allows and no faster, and one
``Retry-After`` pauses them all.

A partial pull is a result: a project that answers 403 (its tool is disabled, or no
permission) or 404, or still fails after the retries (5xx, no answer in time, a dropped
connection), is left out and listed (:func:`skip_entry`), while every project that answered
is kept. ``errors="raise"`` stops at the first such project with
:class:`~procore_nb.PartialPullError`, which carries what was read. One progress bar counts
projects, with the rows read so far and what the requests wait for beside it.

Ctrl-C stops the pull at once: the pull's :class:`~procore_nb.api._cancel.Stop` wakes every
worker waiting for the rate window or sitting out a backoff, and none sends another
request; the requests already on their way finish in the background. The caller gets
:class:`~procore_nb.Interrupted` (a ``KeyboardInterrupt``) carrying the projects read whole,
and the client can be used again at once.
"""

from __future__ import annotations

import concurrent.futures
import http
import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from procore_nb._exceptions import (
    ConfigurationError,
    Interrupted,
    MalformedResponseError,
    NotFoundError,
    PartialPullError,
    PermissionDeniedError,
    ProcoreError,
    ProcoreTimeout,
    ServerError,
    TransportError,
)
from procore_nb.api._cancel import Stop, StoppedError

__all__ = [
    "ERRORS",
    "Outcome",
    "SkippedProjectsWarning",
    "StoppedError",
    "Target",
    "pull",
    "skip_entry",
]

Record = dict[str, Any]
#: What to do when a project answers 403 or 404.
ERRORS = ("skip", "raise")
#: How often (seconds) the bar's status is looked at while requests are on their way.
_STATUS_EVERY = 0.5


class SkippedProjectsWarning(UserWarning):
    """Some projects were left out of a pull across projects; ``df.attrs["skipped"]`` says which.

    A project is left out when it answers 403 or 404, or still fails after the retries
    (5xx, no answer in time, a dropped connection). ``skipped`` holds the same entries as
    ``df.attrs["skipped"]`` and ``asked`` the number of projects the pull was asked for,
    so that a caller pulling in batches can count against its whole scope.
    """

    def __init__(
        self, message: str, skipped: Sequence[Mapping[str, Any]] = (), asked: int = 0
    ) -> None:
        super().__init__(message)
        self.skipped = [dict(item) for item in skipped]
        self.asked = asked


@dataclass(frozen=True)
class Target:
    """One project to read: its id and, when known, its name."""

    id: int
    name: str | None = None


@dataclass
class Outcome:
    """What a pull returned: each project's rows in the targets' order, and the skipped ones.

    ``answered`` lists every project read whole (in the targets' order), also those whose
    rows a ``limit`` left out; ``asked`` is how many projects the pull was asked for.
    """

    rows: list[tuple[Target, list[Record]]]
    skipped: list[dict[str, Any]]
    answered: list[Target]
    asked: int


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


@dataclass(frozen=True)
class BarSpec:
    """The progress bar of a pull: shown once the pull has lasted ``delay`` seconds.

    ``status(left)`` says what requests wait for, given the requests the pull still needs
    (see :meth:`~procore_nb.api._pacing.RateGate.status`); ``spent()`` counts the client's
    requests so far, from which the requests left are estimated.
    """

    show: bool = False
    label: str = ""
    status: Callable[[int | None], str] | None = None
    delay: float = 0.0
    spent: Callable[[], int] | None = None


class _ProjectsBar:
    """A ``tqdm.auto`` bar over projects, with the rows so far and any wait as its postfix.

    A wait for the rate window shows there, with how long the requests left take by the
    window: never as printed lines.
    """

    def __init__(self, *, total: int, spec: BarSpec) -> None:
        from tqdm.auto import tqdm  # may import ipywidgets: only when a bar is shown

        self._bar = tqdm(
            total=total, unit="projects", desc=spec.label or None, leave=True, delay=spec.delay
        )
        self._spec = spec
        self._total = total
        self._done = 0
        self._start = spec.spent() if spec.spent is not None else 0
        self._rows = 0
        self._said = ""

    def step(self, rows: int) -> None:
        self._rows += rows
        self._done += 1
        self._bar.update(1)
        self.tick()

    def _left(self) -> int:
        """Requests the projects left will need, by what the ones read so far needed."""
        spent = self._spec.spent() - self._start if self._spec.spent is not None else 0
        per = spent / self._done if self._done and spent else 1.0
        return math.ceil((self._total - self._done) * max(per, 1.0))

    def tick(self) -> None:
        status = self._spec.status
        waiting = status(self._left()) if status is not None else ""
        text = f"{self._rows:,} rows" + (f"; {waiting}" if waiting else "")
        if text != self._said:
            self._bar.set_postfix_str(text)
            self._said = text

    def close(self) -> None:
        self._bar.close()


#: Failures that leave one project out (after the retries) while the others are read.
_REFUSED = (PermissionDeniedError, NotFoundError)
_FAILED = (ServerError, TransportError, MalformedResponseError)


def skip_entry(target: Target, exc: ProcoreError) -> dict[str, Any]:
    """What ``df.attrs["skipped"]`` says about a project that failed with ``exc``.

    ``transient`` is True for a failure that may heal (5xx, timeout, dropped connection,
    an answer that was not JSON): the project's rows exist but were not read this time.
    """
    status = getattr(exc, "status", None)
    if isinstance(exc, PermissionDeniedError):
        status = status or 403
        reason = "403 Forbidden: the tool is disabled on this project, or the user may not see it"
    elif isinstance(exc, NotFoundError):
        status = status or 404
        reason = "404 Not Found: no such project for this company, or not visible to this user"
    elif isinstance(exc, ServerError):
        phrase = _phrase(status)
        reason = f"{status} {phrase}: Procore failed on this project after the retries"
    elif isinstance(exc, ProcoreTimeout):
        reason = "no answer in time, after the retries (the call's deadline passed)"
    elif isinstance(exc, MalformedResponseError):
        reason = f"{status}: the answer was not the JSON it should be, after the retries"
    else:
        reason = "the connection dropped or could not be made, after the retries"
    return {
        "project_id": target.id,
        "project_name": target.name,
        "status": int(status) if status is not None else None,
        "reason": reason,
        "request_id": getattr(exc, "request_id", None),
        "error": type(exc).__name__,
        "transient": not isinstance(exc, _REFUSED),
    }


def _phrase(status: Any) -> str:
    try:
        return http.HTTPStatus(int(status)).phrase
    except (TypeError, ValueError):
        return "Server Error"


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
    bar: BarSpec = BarSpec(),  # frozen: one shared default is safe
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
        ``"skip"`` leaves out projects answering 403 or 404, or still failing after the
        retries (5xx, timeout, dropped connection), and reports them; ``"raise"`` raises
        :class:`~procore_nb.PartialPullError` at the first one.
    bar:
        The progress bar (a quicker pull than its delay shows none).

    Raises
    ------
    Interrupted
        On Ctrl-C, at once: no request starts after it. ``partial`` is the
        :class:`Outcome` of the projects read whole so far (the caller makes it a frame).
    PartialPullError
        ``errors="raise"`` and a project failed; ``partial`` as above.
    ProcoreError
        A failure that is not one project's (401, a spent rate limit, a bad filter), with
        ``partial`` as above.
    """
    if errors not in ERRORS:
        raise ConfigurationError(f"errors must be 'skip' or 'raise', not {errors!r}.")
    progress: _Bar = (
        _ProjectsBar(total=len(targets), spec=bar) if bar.show and len(targets) > 1 else _NoBar()
    )
    state = _Progress(len(targets), limit)
    skipped: dict[int, dict[str, Any]] = {}
    stop = Stop()
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
            for future in sorted(done, key=futures.__getitem__):
                index = futures[future]
                try:
                    rows = future.result()
                except (*_REFUSED, *_FAILED) as exc:
                    entry = skip_entry(targets[index], exc)
                    if errors == "raise":
                        stop.set()
                        raise _failed(entry, _outcome(targets, state, skipped, limit)) from exc
                    skipped[index] = entry
                    state.done[index] = None
                    progress.step(0)
                    continue
                except ProcoreError as exc:
                    stop.set()
                    target = targets[index]
                    exc.add_note(f"while reading project {target.id} ({target.name})")
                    exc.partial = _outcome(targets, state, skipped, limit)
                    raise
                state.done[index] = rows
                progress.step(len(rows))
            progress.tick()
    except KeyboardInterrupt as exc:
        stop.set()  # first: the workers give up before anything else is done here
        outcome = _outcome(targets, state, skipped, limit)
        stopped = Interrupted(
            f"Interrupted after {len(outcome.answered)} of {len(targets)} projects were read "
            "whole; no request was sent after the interrupt. The rows read are on "
            "exc.partial (partial.attrs['answered'] lists their projects)."
        )
        stopped.partial = outcome
        raise stopped from exc
    finally:
        # On success nothing is pending; on an error or Ctrl-C nothing more may start.
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)
        progress.close()
    return _outcome(targets, state, skipped, limit)


def _failed(entry: Mapping[str, Any], partial: Outcome) -> PartialPullError:
    name = f" ({entry['project_name']})" if entry["project_name"] else ""
    request = f", request id {entry['request_id']}" if entry["request_id"] else ""
    error = PartialPullError(
        f"Project {entry['project_id']}{name} failed: {entry['reason']}{request}. "
        f"{len(partial.answered)} of {partial.asked} projects were read before the pull "
        "stopped: their rows are on exc.partial. Pass errors='skip' to read every other "
        "project and list the failed ones in df.attrs['skipped'].",
        project_id=entry["project_id"],
        project_name=entry["project_name"],
        status=entry["status"],
        request_id=entry["request_id"],
    )
    error.partial = partial
    return error


def _outcome(
    targets: Sequence[Target],
    state: _Progress,
    skipped: Mapping[int, dict[str, Any]],
    limit: int | None,
) -> Outcome:
    """The rows read so far, in the targets' order (at most ``limit``), and the skipped."""
    out: list[tuple[Target, list[Record]]] = []
    answered: list[Target] = []
    left = limit
    for index, target in enumerate(targets):
        read_rows = state.done.get(index)
        if read_rows is None:
            continue
        answered.append(target)
        if left is not None and left <= 0:
            continue
        rows = read_rows if left is None else read_rows[:left]
        if left is not None:
            left -= len(rows)
        out.append((target, rows))
    return Outcome(out, [skipped[i] for i in sorted(skipped)], answered, len(targets))
