"""Every page of a Procore list, fast, in order, and with nothing lost.

The pager knows nothing of HTTP: it calls ``fetch(page_number, per_page) -> Page``. A
list is read by asking for the largest page the endpoint allows; page 1 tells ``Total``
and the effective ``Per-Page``; the remaining pages are fetched concurrently in a
bounded thread pool and assembled in page order. The result is checked against
``Total``: when ids repeat or rows are missing because the data moved while paging,
every page is read once more and the two passes are merged by id, with a
:class:`DataIntegrityWarning` saying what happened. Rows are never dropped silently. A
server that answers pages it should not have (rows already read, again and again: a
``Link`` header that loops, a ``page`` parameter ignored) is stopped with a
:class:`~procore_nb.DataIntegrityError` instead of being read forever.
"""

from __future__ import annotations

import concurrent.futures
import functools
import math
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from procore_nb._exceptions import DataIntegrityError
from procore_nb.api._cancel import Stop, under

__all__ = ["DataIntegrityWarning", "Page", "fetch_all", "iter_pages"]

Record = dict[str, Any]


class DataIntegrityWarning(UserWarning):
    """The pages of a list disagreed with ``Total`` or repeated ids; the result was repaired."""


@dataclass(frozen=True)
class Page:
    """One page of a list as the pager needs it.

    ``total`` and ``per_page`` come from the ``Total`` and ``Per-Page`` headers (``None``
    when absent); ``has_next`` from ``Link`` (``None`` when there is no ``Link`` header).
    """

    number: int
    rows: list[Record]
    total: int | None = None
    per_page: int | None = None
    has_next: bool | None = None


FetchPage = Callable[[int, int], Page]


#: What the requests are waiting for (``""`` when nothing), shown beside the bar, given the
#: requests still needed (``None``: unknown), so that it can say how long they take.
Status = Callable[[int | None], str]
#: How often (seconds) the bar's status is looked at while pages are on their way.
_STATUS_EVERY = 0.5


class _Bar(Protocol):
    def update(self, n: int) -> Any: ...
    def tick(self) -> Any: ...
    def close(self) -> Any: ...


class _NoBar:
    def update(self, n: int) -> None:
        del n

    def tick(self) -> None:
        pass

    def close(self) -> None:
        pass


class _ShownBar:
    """A ``tqdm.auto`` bar counting rows, with what the requests wait for as its postfix.

    ``per_page`` (rows a page holds) turns the rows left into the requests left, for the
    time a wait for the rate window says they take.
    """

    def __init__(
        self, *, total: int, label: str, status: Status | None, delay: float, per_page: int = 0
    ) -> None:
        from tqdm.auto import tqdm  # tqdm.auto may import ipywidgets: only when shown

        # ``delay``: a pull that ends sooner shows nothing at all (tqdm's own delay).
        self._bar = tqdm(total=total, unit="rows", desc=label or None, leave=True, delay=delay)
        self._status = status
        self._said = ""
        self._total = total
        self._rows = 0
        self._per_page = per_page

    def update(self, n: int) -> None:
        self._rows += n
        self._bar.update(n)
        self.tick()

    def tick(self) -> None:
        left = (
            math.ceil(max(0, self._total - self._rows) / self._per_page)
            if self._per_page > 0
            else None
        )
        text = self._status(left) if self._status is not None else ""
        if text != self._said:
            self._bar.set_postfix_str(text)
            self._said = text

    def close(self) -> None:
        self._bar.close()


def _progress_bar(
    show: bool, *, total: int, label: str, status: Status | None, delay: float, per_page: int = 0
) -> _Bar:
    if not show:
        return _NoBar()
    return _ShownBar(total=total, label=label, status=status, delay=delay, per_page=per_page)


def _more_after(page: Page, size: int) -> bool:
    if not page.rows:
        return False
    if page.has_next is not None:
        return page.has_next
    return len(page.rows) >= size


class _Repeats:
    """Notice a page made only of rows already read: the list would never end."""

    def __init__(self, label: str = "") -> None:
        self.label = label
        self._ids: set[int | str] = set()
        self._last: list[Record] | None = None

    def remember(self, page: Page) -> None:
        """Note ``page``'s rows as read."""
        self._ids.update(i for row in page.rows if isinstance(i := row.get("id"), int | str))
        self._last = page.rows

    def check(self, page: Page) -> None:
        """Raise if ``page``'s rows were all read before; else remember them."""
        ids = [row.get("id") for row in page.rows]
        repeated = page.rows == self._last or all(_hashable_id(i) and i in self._ids for i in ids)
        if page.rows and repeated:
            name = f"{self.label}: " if self.label else ""
            raise DataIntegrityError(
                f"{name}page {page.number} holds only rows already read on earlier pages: "
                "the server ignores the page parameter or its Link header loops. Stopped "
                "instead of reading forever; check that the URL points at Procore's API."
            )
        self.remember(page)


def _hashable_id(value: object) -> bool:
    return isinstance(value, int | str)


def iter_pages(
    fetch: FetchPage, *, per_page: int, limit: int | None = None
) -> Iterator[list[Record]]:
    """Yield the rows of each page in turn, following pages until the list ends.

    Examples
    --------
    >>> def fetch(number, size):
    ...     rows = [{"id": i} for i in range(5)][(number - 1) * size : number * size]
    ...     return Page(number, rows, total=5)
    >>> [len(rows) for rows in iter_pages(fetch, per_page=2)]
    [2, 2, 1]
    """
    number, seen = 1, 0
    size = per_page
    repeats = _Repeats()
    while True:
        page = fetch(number, size)
        repeats.check(page)
        size = page.per_page or size
        rows = page.rows
        if limit is not None:
            rows = rows[: max(0, limit - seen)]
        if rows:
            yield rows
        seen += len(rows)
        if limit is not None and seen >= limit:
            return
        done = page.total is not None and seen >= page.total
        if done or not _more_after(page, size):
            return
        number += 1


def _fetch_pages(
    fetch: FetchPage, numbers: Sequence[int], size: int, *, workers: int, bar: _Bar
) -> dict[int, Page]:
    """Fetch ``numbers`` concurrently; the first failure cancels the rest and is raised."""
    if not numbers:
        return {}
    pages: dict[int, Page] = {}
    pool = concurrent.futures.ThreadPoolExecutor(
        max_workers=min(workers, len(numbers)), thread_name_prefix="procore_nb-page"
    )
    stop = Stop()  # set on an error or Ctrl-C: the pages still waiting send nothing
    try:
        futures = {pool.submit(under, stop, fetch, n, size): n for n in numbers}
        pending = set(futures)
        while pending:
            # Wake up now and then, so that the bar says when the pages wait for Procore.
            done, pending = concurrent.futures.wait(
                pending, timeout=_STATUS_EVERY, return_when=concurrent.futures.FIRST_COMPLETED
            )
            for future in done:
                page = future.result()
                pages[futures[future]] = page
                bar.update(len(page.rows))
            bar.tick()
    finally:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
    return pages


@dataclass
class _Pass:
    rows: list[Record]
    total: int | None


def _read_all(
    fetch: FetchPage,
    *,
    per_page: int,
    limit: int | None,
    workers: int,
    new_bar: Callable[[int], _Bar],
    label: str,
) -> _Pass:
    first = fetch(1, per_page)
    size = first.per_page or per_page
    if first.total is None:
        # Without Total the page count is unknown: walk the pages one after another.
        rows = list(first.rows)
        left = None if limit is None else limit - len(rows)
        if _more_after(first, size) and (left is None or left > 0):
            for more in iter_pages(lambda n, s: fetch(n + 1, s), per_page=size, limit=left):
                rows.extend(more)
        return _Pass(rows[:limit] if limit is not None else rows, None)
    want = first.total if limit is None else min(first.total, limit)
    count = max(1, math.ceil(want / size))
    bar = new_bar(want) if count > 1 else _NoBar()
    try:
        bar.update(len(first.rows))
        pages = {
            1: first,
            **_fetch_pages(fetch, range(2, count + 1), size, workers=workers, bar=bar),
        }
        last = pages[count]
        # More rows than Total announced (added while paging): follow the list to its end.
        repeats = _Repeats(label)
        for number in sorted(pages):
            # Pages up to Total are a bounded read (the second pass repairs them); only the
            # pages followed beyond it could go on forever.
            repeats.remember(pages[number])
        while limit is None and len(last.rows) >= size and _more_after(last, size):
            last = fetch(last.number + 1, size)
            repeats.check(last)
            pages[last.number] = last
            bar.update(len(last.rows))
    finally:
        bar.close()
    rows = [row for n in sorted(pages) for row in pages[n].rows]
    return _Pass(rows[:limit] if limit is not None else rows, first.total)


def _dedupe(rows: Sequence[Record]) -> tuple[list[Record], int]:
    """Rows with repeated ids removed (first one kept), and how many were removed."""
    seen: set[Any] = set()
    unique: list[Record] = []
    for row in rows:
        key = row.get("id")
        if _hashable_id(key):  # an id that is a list or an object cannot be compared: kept
            if key in seen:
                continue
            seen.add(key)
        unique.append(row)
    return unique, len(rows) - len(unique)


def fetch_all(
    fetch: FetchPage,
    *,
    per_page: int,
    limit: int | None = None,
    workers: int = 8,
    progress: bool = False,
    progress_delay: float = 0.0,
    label: str = "",
    status: Status | None = None,
) -> list[Record]:
    """Every row of a list (or the first ``limit``), in order, checked against ``Total``.

    Parameters
    ----------
    fetch:
        ``fetch(page_number, per_page) -> Page``; called from worker threads.
    per_page:
        The page size to ask for (the endpoint's largest).
    limit:
        Stop after this many rows (a sample); ``None`` reads everything.
    workers:
        Pages fetched at the same time.
    progress, progress_delay:
        Show a ``tqdm.auto`` bar sized by ``Total`` when the list spans several pages,
        once the pull has lasted ``progress_delay`` seconds (a quicker pull shows none).
    label:
        Names the list in the bar and in warnings.
    status:
        Says what the requests are waiting for (a rate limit...), shown beside the bar.

    Examples
    --------
    >>> data = [{"id": i} for i in range(10)]
    >>> def fetch(number, size):
    ...     return Page(number, data[(number - 1) * size : number * size], total=10)
    >>> len(fetch_all(fetch, per_page=3))
    10
    """
    read = functools.partial(
        _read_all,
        fetch,
        per_page=per_page,
        limit=limit,
        workers=workers,
        label=label,
    )
    first = read(
        new_bar=lambda total: _progress_bar(
            progress,
            total=total,
            label=label,
            status=status,
            delay=progress_delay,
            per_page=per_page,
        )
    )
    unique, repeated = _dedupe(first.rows)
    if first.total is None:
        return unique
    expected = first.total if limit is None else min(first.total, limit)
    if not repeated and len(unique) == expected:
        return unique
    # The data moved while paging: read again and merge by id, so nothing is lost.
    second = read(new_bar=lambda total: _NoBar())
    merged, _ = _dedupe([*second.rows, *unique])
    if limit is not None:
        merged = merged[:limit]
    total_now = second.total if second.total is not None else first.total
    name = f"{label}: " if label else ""
    fixed = len(merged) == (total_now if limit is None else min(total_now, limit))
    warnings.warn(
        f"{name}Procore's Total announced {first.total} rows, but the pages held "
        f"{len(first.rows)} with {repeated} repeated ids: the data changed while paging. "
        f"Every page was read again and merged by id: {len(merged)} rows (Total is now "
        f"{total_now}). "
        + (
            "The result now matches Total."
            if fixed
            else "Rows deleted in the meantime may "
            "still be included and rows added may be missing; run again for a clean snapshot."
        ),
        DataIntegrityWarning,
        stacklevel=3,
    )
    return merged
