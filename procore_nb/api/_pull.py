"""A whole list as a typed DataFrame, with each page parsed to Arrow columns as it arrives.

:func:`pull_frame` is the fast way from a list endpoint to a frame: the same frame as
:func:`~procore_nb.api._paging.fetch_all` then ``to_frame``, with the waiting spent on work.

- While page 1 is on its way, pandas and pyarrow are imported in the background and the
  company's stage list (for projects) is fetched alongside, not after the last page.
- Page 1 tells ``Total``: the rest go out in one wave sized by the pages left and the rate
  window Procore announced (``X-Rate-Limit-Limit``), not by a fixed number of workers; the
  pacing gate still admits only what the window allows, so no request meets a 429.
- Each page's body is parsed to Arrow as soon as it arrives (page 1 by the calling thread,
  the rest by one parsing thread per core) and its bytes let go: pages already in hand are
  converted while others wait for the window, and memory holds columns, not response
  bodies and Python dicts. A body is read only once a parse slot is free (one per core),
  so a wave that arrives at once waits in the network.

It answers ``None`` when the fast route cannot give the certain result (pyarrow missing,
no ``Total``, rows that repeat or fall short of ``Total``, more rows than announced): the
caller then reads the list the ordinary way, which repairs and warns as it always did.
"""

from __future__ import annotations

import concurrent.futures
import json
import math
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from procore_nb.api._cancel import Stop, under
from procore_nb.api._paging import Page, Status, _Bar, _progress_bar, fetch_all
from procore_nb.api._paths import Endpoint
from procore_nb.api._responses import Reply
from procore_nb.api._session import Session, page_of
from procore_nb.api._transport import body_slot
from procore_nb.api._warm import Background, fast_route, frames_imported, warm_up

if TYPE_CHECKING:
    import pandas as pd

    from procore_nb.frames._pages import PageParser, Piece

__all__ = ["MAX_WAVE", "Pull", "fast_route", "pull_frame", "read_frame", "warm_up"]

#: Most pages in flight at once, whatever the window allows.
MAX_WAVE: Final = 32
#: Pages in flight when Procore announces no rate window.
DEFAULT_WAVE: Final = 8


@dataclass(frozen=True)
class Pull:
    """What :func:`pull_frame` needs to know about one list call.

    ``fetch(number, size, decode)`` answers one page; ``window()`` says how many requests
    a rate window allows, if known; ``status()`` what requests wait for (for the bar).
    """

    fetch: Callable[[int, int, bool], Reply]
    where: Endpoint
    per_page: int
    resource: str | None
    window: Callable[[], int | None]
    workers: int | None
    status: Status | None
    #: Seconds a pull must last before its progress bar appears.
    delay: float = 0.0

    @classmethod
    def of(
        cls,
        session: Session,
        call: tuple[Endpoint, Mapping[str, Any], int | None],
        per_page: int,
        resource: str | None,
    ) -> Pull:
        """The pull of the list ``call`` (endpoint, query, company) through ``session``."""
        where, params, company = call

        def fetch(number: int, size: int, decode: bool) -> Reply:
            return session.page_reply(where, params, company, (number, size), decode=decode)

        gate = session.transport.gate
        conf = session.config
        return cls(
            fetch,
            where,
            per_page,
            resource,
            gate.window,
            conf.max_workers,
            gate.status,
            conf.progress_delay,
        )


@dataclass
class _Got:
    """A page as kept: its Arrow piece, or its records when Arrow could not be trusted."""

    page: Page
    piece: Piece | None
    reader: _Reader


class _Reader:
    """Fetches pages and parses each as it arrives, switching to records on doubt."""

    def __init__(self, pull: Pull, conversion: Background) -> None:
        self.pull = pull
        self._conversion = conversion
        self._parser: PageParser | None = None
        self._lock = threading.Lock()
        self.records_only = False  # set once a page could not go through Arrow
        # Bodies read at once: one per core, the pages parsed at once; the rest of a wave
        # waits in the network, so that memory holds a few bodies, not the whole wave.
        self._slots = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))

    @property
    def parser(self) -> PageParser | None:
        """The page parser once the background import is done (None: pyarrow is missing)."""
        with self._lock:
            if self._parser is None and not self.records_only:
                make = self._conversion.result()
                if make is None:
                    self.records_only = True
                else:
                    self._parser = make(self.pull.resource)
            return self._parser

    def take(self, reply: Reply, number: int) -> _Got:
        """The page in ``reply``: parsed to Arrow, or decoded when Arrow is not certain."""
        body = reply.data
        if not isinstance(body, bytes):  # the transport decoded what did not look like a list
            return _Got(page_of(self.pull.where, reply, number), None, self)
        parser = self.parser
        # Page 1 teaches the parser the records' field order and types (read faster by them).
        first = number == 1
        piece = None if self.records_only or parser is None else parser.parse(body, first=first)
        if piece is None:
            self.records_only = True
            try:
                rows = self.pull.where.unwrap(json.loads(body)) if body.strip() else None
            except ValueError:
                # Not JSON after all: the ordinary read retries and explains such answers.
                page = page_of(self.pull.where, self.fetch(number, decode=True), number)
                return _Got(page, None, self)
            return _Got(page_of(self.pull.where, _decoded(reply, rows), number), None, self)
        empty: list[dict[str, Any]] = []
        return _Got(page_of(self.pull.where, reply, number, rows=empty), piece, self)

    def fetch(self, number: int, *, decode: bool = False) -> Reply:
        return self.pull.fetch(number, self.pull.per_page, decode)

    def page(self, number: int, parsers: concurrent.futures.Executor) -> _Got:
        """Page ``number``, fetched in this thread and parsed by one of ``parsers``."""
        with body_slot(self._slots):  # held from reading the body to the end of its parse
            reply = self.fetch(number)
            return parsers.submit(self.take, reply, number).result()


def _decoded(reply: Reply, rows: Any) -> Reply:
    return Reply(reply.response, rows)


def _wave(pull: Pull, left: int) -> int:
    """Pages to request at once: all that are left, as far as the rate window allows."""
    if pull.workers is not None:
        return max(1, min(left, pull.workers))
    window = pull.window()
    return max(1, min(left, window if window is not None else DEFAULT_WAVE, MAX_WAVE))


def _all_pages(
    reader: _Reader, first: Reply, numbers: range, *, wave: int, bar: _Bar
) -> dict[int, _Got]:
    """Page 1 from ``first`` and pages ``numbers`` fetched by ``wave`` threads, all parsed.

    Page 1 is parsed here while the others are on their way; the first error is raised.
    """
    got: dict[int, _Got] = {}
    # A few parsing threads, so that Arrow's buffers come from a few allocator arenas, not
    # one kept per fetching thread. The fetching threads wait for their parses: they end
    # first, then the parsers.
    parsers = concurrent.futures.ThreadPoolExecutor(
        max(1, os.cpu_count() or 1), thread_name_prefix="procore_nb-parse"
    )
    # On an error or Ctrl-C, the pages still waiting (for the rate window, a backoff) give
    # up at once and send nothing: the pool's end then waits only for answers on their way.
    stop = Stop()
    with parsers, concurrent.futures.ThreadPoolExecutor(wave, "procore_nb-pull") as pool:
        futures = {pool.submit(under, stop, reader.page, n, parsers): n for n in numbers}
        try:
            got[1] = reader.take(first, 1)
            del first
            bar.update(_rows(got[1]))
            pending = set(futures)
            while pending:
                done, pending = concurrent.futures.wait(
                    pending, timeout=0.5, return_when=concurrent.futures.FIRST_COMPLETED
                )
                for future in done:
                    got[futures[future]] = item = future.result()
                    bar.update(_rows(item))
                bar.tick()
        finally:
            stop.set()
            for future in futures:
                future.cancel()
    return got


def read_frame(
    pull: Pull,
    *,
    limit: int | None = None,
    stages: Callable[[], Sequence[str] | None] | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """The list as a typed DataFrame: the fast route when it can, else the ordinary one.

    The ordinary route reads every page's records (:func:`fetch_all`, which repairs lists
    that moved while paging) and converts them with ``to_frame``; it also serves samples
    (``limit``) and installs without pyarrow.
    """
    label = pull.where.resource or pull.where.path.rsplit("/", 1)[-1]
    if limit is None and fast_route() and not pull.where.groups:  # groups: records of records
        df = pull_frame(pull, stages=stages, progress=progress, label=label)
        if df is not None:
            return df
    records = fetch_all(
        lambda number, size: page_of(pull.where, pull.fetch(number, size, True), number),
        per_page=pull.per_page,
        limit=limit,
        workers=pull.workers or DEFAULT_WAVE,
        progress_delay=pull.delay,
        progress=progress,
        label=label,
        status=pull.status,
    )
    from procore_nb.frames._convert import to_frame  # pandas: only once a frame is made

    return to_frame(records, pull.resource, stages=stages() if stages is not None else None)


def pull_frame(
    pull: Pull,
    *,
    stages: Callable[[], Sequence[str] | None] | None = None,
    progress: bool = False,
    label: str = "",
) -> pd.DataFrame | None:
    """Every row of the list as a typed DataFrame, or None where the ordinary read must run.

    ``stages`` fetches the company's stage names (alongside page 1); ``progress`` shows a
    bar labelled ``label`` for lists of several pages.
    """
    conversion = warm_up()
    # The stage list runs under a stop of its own: when the pull fails (or Ctrl-C), it gives
    # up at once, even inside an announced wait, instead of holding the failure back.
    halt = threading.Event()
    names = (
        Background(lambda: under(halt, stages), "procore_nb-stages") if stages is not None else None
    )
    try:
        got, total = _pages(pull, conversion, progress=progress, label=label)
    except BaseException:
        if names is not None:
            halt.set()
            names.wait()  # no request of this call outlives it, even when it fails
        raise
    if got is None or total is None:
        return None
    return _frame(got, total, stages=names.result() if names is not None else None)


def _pages(
    pull: Pull, conversion: Background, *, progress: bool, label: str
) -> tuple[dict[int, _Got] | None, int | None]:
    """Every page up to ``Total``, parsed (None without a ``Total``), and ``Total``."""
    first = pull.fetch(1, pull.per_page, False)
    head = page_of(pull.where, first, 1, rows=[])  # Total and Per-Page, before any parsing
    total, size = head.total, head.per_page or pull.per_page
    if total is None:
        return None, None
    count = max(1, math.ceil(total / size))
    bar = _progress_bar(
        progress and count > 1,
        total=total,
        label=label,
        status=pull.status,
        delay=pull.delay,
        per_page=size,
    )
    try:
        reader = _Reader(pull, conversion)
        wave = _wave(pull, count - 1)
        return _all_pages(reader, first, range(2, count + 1), wave=wave, bar=bar), total
    finally:
        bar.close()


def _rows(got: _Got) -> int:
    return got.piece.rows if got.piece is not None else len(got.page.rows)


def _frame(
    got: dict[int, _Got], total: int, *, stages: Sequence[str] | None
) -> pd.DataFrame | None:
    frames_imported()  # not a second import of pandas racing the background one
    from procore_nb.frames._arrow import frame_from_pieces
    from procore_nb.frames._convert import to_frame

    numbers = sorted(got)
    reader = got[1].reader
    last = got[numbers[-1]]
    # A full last page may have more behind it (Link says so, or no Link says otherwise).
    more = last.page.has_next is not False and _rows(last) >= (last.page.per_page or 1)
    if more or sum(_rows(got[n]) for n in numbers) != total:
        return None  # the data moved while paging, or more rows than Total: read it anew
    if any(got[n].piece is None for n in numbers):
        # Some pages were records: fetch the Arrow ones again as records, to join them.
        for n in numbers:
            if got[n].piece is not None:
                again = reader.fetch(n, decode=True)
                got[n] = _Got(page_of(reader.pull.where, again, n), None, reader)
        rows = [row for n in numbers for row in got[n].page.rows]
        if _repeats([row.get("id") for row in rows]) or len(rows) != total:
            return None
        return to_frame(rows, reader.pull.resource, stages=stages)
    pieces = [piece for n in numbers if (piece := got[n].piece) is not None]
    if _repeats(_piece_ids(pieces)):
        return None
    return frame_from_pieces(pieces, reader.pull.resource, stages=stages)


def _piece_ids(pieces: Sequence[Piece]) -> list[Any]:
    ids: list[Any] = []
    for piece in pieces:
        if piece.table is not None and "id" in piece.table.column_names:
            ids.extend(piece.table.column("id").to_pylist())
        else:
            ids.extend([None] * piece.rows)
    return ids


def _repeats(ids: list[Any]) -> bool:
    """Whether an id occurs twice (records without an id are never repeats)."""
    present = [i for i in ids if isinstance(i, int | str)]
    return len(set(present)) != len(present)
