"""The pager on its own: order, concurrency, Total checks, repairs, limits. No HTTP.

The pager only calls ``fetch(page_number, per_page)``; these tests give it in-memory lists
(including ones that change while being paged) so that every branch is reached exactly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from procore_nb import DataIntegrityWarning
from procore_nb.api._paging import Page, fetch_all, iter_pages


def _pager(
    rows: list[dict[str, int]], *, links: bool = False, total: bool = True
) -> Callable[[int, int], Page]:
    def fetch(number: int, size: int) -> Page:
        chunk = rows[(number - 1) * size : number * size]
        has_next = number * size < len(rows) if links else None
        return Page(
            number, chunk, total=len(rows) if total else None, per_page=size, has_next=has_next
        )

    return fetch


ROWS = [{"id": i} for i in range(1, 1001)]


def test_all_rows_in_order() -> None:
    """Every row comes back once, in page order, whatever order pages finish in."""

    def slow_early_pages(number: int, size: int) -> Page:
        time.sleep(0.002 * (12 - number))  # later pages finish first
        return _pager(ROWS)(number, size)

    assert fetch_all(slow_early_pages, per_page=90, workers=6) == ROWS


def test_concurrency_is_bounded_by_workers() -> None:
    """No more than `workers` pages are fetched at the same time."""
    lock = threading.Lock()
    running, peak = 0, 0

    def fetch(number: int, size: int) -> Page:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.01)
        with lock:
            running -= 1
        return _pager(ROWS)(number, size)

    assert len(fetch_all(fetch, per_page=50, workers=3)) == 1000
    assert 1 < peak <= 3


def test_server_clamped_page_size_is_used() -> None:
    """When Per-Page says less than asked, pages are counted with the effective size."""
    inner = _pager(ROWS)
    asked: list[int] = []

    def clamped(number: int, size: int) -> Page:
        asked.append(size)
        return inner(number, min(size, 300))

    assert fetch_all(clamped, per_page=1000) == ROWS
    assert sorted(asked) == [300, 300, 300, 1000]


def test_limit_fetches_only_the_pages_needed() -> None:
    """limit= returns the first rows and stops asking after the page that holds them."""
    numbers: list[int] = []
    inner = _pager(ROWS)

    def fetch(number: int, size: int) -> Page:
        numbers.append(number)
        return inner(number, size)

    assert fetch_all(fetch, per_page=100, limit=250) == ROWS[:250]
    assert sorted(numbers) == [1, 2, 3]


def test_single_page_and_empty_lists() -> None:
    """A one-page list and an empty list need one request each."""
    assert fetch_all(_pager(ROWS[:5]), per_page=100) == ROWS[:5]
    assert fetch_all(_pager([]), per_page=100) == []


def test_without_total_pages_are_followed_by_link() -> None:
    """Without Total, pages are read one after another until Link has no next."""
    assert fetch_all(_pager(ROWS, links=True, total=False), per_page=300) == ROWS


def test_without_total_or_link_a_short_page_ends_the_list() -> None:
    """Without Total or Link, a page shorter than asked is the last."""
    assert fetch_all(_pager(ROWS, total=False), per_page=300) == ROWS


def test_rows_added_while_paging_are_deduplicated_with_a_warning() -> None:
    """An insert that shifts rows onto the next page repeats ids: removed, and said so."""
    data = list(ROWS)
    inserted = threading.Event()

    def fetch(number: int, size: int) -> Page:
        if number == 2 and not inserted.is_set():
            data.insert(0, {"id": 5000})  # a new project sorts first, after page 1 was read
            inserted.set()
        return Page(
            number, data[(number - 1) * size : number * size], total=len(data), per_page=size
        )

    with pytest.warns(DataIntegrityWarning, match="repeated ids") as record:
        rows = fetch_all(fetch, per_page=100, workers=1)
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)) == 1001
    assert set(ids) == {r["id"] for r in data}
    assert "now matches Total" in str(record[0].message)


def test_rows_deleted_while_paging_are_not_lost() -> None:
    """A delete that shifts a row onto an already-read page is found by the second pass."""
    data = list(ROWS)
    deleted = threading.Event()

    def fetch(number: int, size: int) -> Page:
        if number == 2 and not deleted.is_set():
            del data[0]  # row 101 moves onto page 1, which was already read
            deleted.set()
        return Page(
            number, data[(number - 1) * size : number * size], total=len(data), per_page=size
        )

    with pytest.warns(DataIntegrityWarning, match="changed while paging"):
        rows = fetch_all(fetch, per_page=100, workers=1)
    ids = {row["id"] for row in rows}
    assert ids == {r["id"] for r in ROWS}  # the deleted row is kept, row 101 is not lost


def test_rows_beyond_total_are_followed() -> None:
    """Rows added after page 1 announced Total are still fetched (the last page was full)."""
    data = list(ROWS[:300])

    def fetch(number: int, size: int) -> Page:
        total = len(data)
        if number == 3 and len(data) == 300:
            data.extend({"id": 2000 + i} for i in range(40))
        return Page(
            number,
            data[(number - 1) * size : number * size],
            total=total,
            per_page=size,
            has_next=number * size < len(data),
        )

    with pytest.warns(DataIntegrityWarning):
        rows = fetch_all(fetch, per_page=100, workers=1)
    assert [r["id"] for r in rows] == [r["id"] for r in data]


def test_a_failing_page_raises_and_cancels_the_rest() -> None:
    """The first page error propagates; pages not started yet are not fetched."""
    started: list[int] = []

    def fetch(number: int, size: int) -> Page:
        started.append(number)
        if number == 2:
            raise RuntimeError("page 2 failed")
        time.sleep(0.01)
        return _pager(ROWS)(number, size)

    with pytest.raises(RuntimeError, match="page 2 failed"):
        fetch_all(fetch, per_page=10, workers=2)
    assert len(started) < 100


def test_progress_bar_is_sized_by_total(capsys: pytest.CaptureFixture[str]) -> None:
    """With progress on, a tqdm bar counts rows up to Total."""
    fetch_all(_pager(ROWS), per_page=100, progress=True, label="projects")
    assert "1000/1000" in capsys.readouterr().err


def test_no_progress_bar_for_a_single_page(capsys: pytest.CaptureFixture[str]) -> None:
    """A one-page list shows no bar even with progress on."""
    fetch_all(_pager(ROWS[:10]), per_page=100, progress=True)
    assert capsys.readouterr().err == ""


def test_iter_pages_streams_in_order() -> None:
    """iter_pages yields each page's rows in turn and stops at Total."""
    pages = list(iter_pages(_pager(ROWS), per_page=300))
    assert [len(p) for p in pages] == [300, 300, 300, 100]
    assert [r for p in pages for r in p] == ROWS


def test_iter_pages_honours_a_limit() -> None:
    """iter_pages stops after limit rows."""
    pages = list(iter_pages(_pager(ROWS), per_page=300, limit=350))
    assert [len(p) for p in pages] == [300, 50]


def test_limit_without_total_stops_early() -> None:
    """Without Total, limit= still stops asking once it has enough rows."""
    numbers: list[int] = []
    inner = _pager(ROWS, links=True, total=False)

    def fetch(number: int, size: int) -> Page:
        numbers.append(number)
        return inner(number, size)

    assert fetch_all(fetch, per_page=100, limit=150) == ROWS[:150]
    assert numbers == [1, 2]
