"""Daily logs in the store against the sandbox: read by days, a history first, then a trail.

Procore answers a daily log list (and project timecard entries) with today's records unless
given ``start_date`` and ``end_date``, and none takes ``filters[updated_at]``. The first sync
reads a history window ending on the server's today; later ones re-read the days since the
last sync minus a week, replacing the stored rows of those days and keeping the older ones.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sandboxed import TODAY, sandbox_client

import procore_nb
from procore_nb import ConfigurationError, Store
from procore_nb._registry import registry
from procore_nb.sandbox import Sandbox
from procore_nb.store._plan import TRAIL

DAY = dt.timedelta(days=1)


def _moment(day: dt.date) -> pd.Timestamp:
    """The start of ``day`` as the client's date columns hold it (UTC)."""
    return pd.Timestamp(day, tz="UTC")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """A sandbox of 24 projects with a spike limit high enough not to matter."""
    with Sandbox(seed=7, projects=24, rate_limit_spike=100_000, today=TODAY) as sb:
        yield sb


@pytest.fixture
def sb(sandbox: Sandbox) -> Sandbox:
    """The module's sandbox with fresh counters."""
    sandbox.reset_counters()
    return sandbox


def _working(sb: Sandbox, client: procore_nb.Client, count: int = 3) -> list[int]:
    """Active projects under construction whose tools are all on."""
    projects = client.projects()
    disabled = {d["project_id"] for d in sb.disabled_tools()}
    building = projects[projects["stage"].astype(str) == "Course of Construction"]
    return [int(i) for i in building["id"] if int(i) not in disabled][:count]


def _days(
    client: procore_nb.Client, name: str, ids: list[int], first: dt.date, last: dt.date
) -> pd.DataFrame:
    """The client's own pull of those days, in the store's order (project as asked, then id)."""
    frame = client.frame(name, projects=ids, start_date=first, end_date=last, progress=False)
    return _ordered(frame, ids)


def _ordered(frame: pd.DataFrame, ids: list[int]) -> pd.DataFrame:
    rank = {p: i for i, p in enumerate(ids)}
    order = sorted(
        range(len(frame)),
        key=lambda i: (rank[int(frame["project_id"].iloc[i])], int(frame["id"].iloc[i])),
    )
    frame = frame.iloc[order].reset_index(drop=True)
    frame.attrs = {}
    return frame


def _stored(store: Store, name: str, ids: list[int]) -> pd.DataFrame:
    got = store.frame(name, projects=ids, max_age=None)
    got.attrs = {}
    return got


def _requests(sb: Sandbox, name: str = "") -> int:
    """Requests to ``name``'s path (the sandbox counts paths without their queries), or to
    any REST path without ``name``."""
    tail = "/" + registry()[name].path.rsplit("/", 1)[1] if name else ""
    by_path = sb.counters()["by_path"].items()
    return sum(n for path, n in by_path if path.startswith("/rest/") and path.endswith(tail))


def _pages(frame: pd.DataFrame, ids: list[int], name: str) -> int:
    size = registry()[name].max_per_page or 100
    counts = frame["project_id"].value_counts()
    return sum(max(1, math.ceil(int(counts.get(p, 0)) / size)) for p in ids)


@pytest.mark.parametrize("name", ["manpower_logs", "timecard_entries", "weather_logs"])
def test_first_sync_stores_the_history_window(sb: Sandbox, tmp_path: Path, name: str) -> None:
    """The first sync stores the 90 days before today and today, one request per page."""
    client = sandbox_client(sb)
    ids = _working(sb, client)
    store = Store(client, tmp_path / "s.duckdb")
    sb.reset_counters()
    report = store.sync(name, projects=ids)
    spent, total = _requests(sb, name), _requests(sb)
    first = TODAY - dt.timedelta(days=90)
    assert report.modes == {"days": len(ids)}
    assert report.days == (first, TODAY)
    expected = _days(client, name, ids, first, TODAY)
    assert len(expected) > len(ids)  # more than today's logs: the days before are there
    assert expected["date"].min() < _moment(TODAY - dt.timedelta(days=30))
    pd.testing.assert_frame_equal(_stored(store, name, ids), expected)
    week = (TODAY - dt.timedelta(days=20), TODAY - dt.timedelta(days=14))
    picked = store.frame(name, projects=ids, max_age=None, start_date=week[0], end_date=week[1])
    picked.attrs = {}
    pd.testing.assert_frame_equal(picked, _days(client, name, ids, *week))
    assert spent == _pages(expected, ids, name)
    assert report.requests == total  # the log pages and the client's project list
    info = store.info().set_index("scope").loc[ids]
    assert set(info["last_mode"]) == {"days"}
    assert set(info["days_from"]) == {pd.Timestamp(first)}
    assert set(info["days_to"]) == {pd.Timestamp(TODAY)}


def test_a_shorter_history_reads_fewer_days(sb: Sandbox, tmp_path: Path) -> None:
    """Store(history="14d") stores the 14 days before today and today, no older log."""
    client = sandbox_client(sb)
    ids = _working(sb, client)
    store = Store(client, tmp_path / "s.duckdb", history="14d")
    first = TODAY - dt.timedelta(days=14)
    assert store.sync("notes_logs", projects=ids).days == (first, TODAY)
    got = _stored(store, "notes_logs", ids)
    assert len(got)
    assert got["date"].min() >= _moment(first)
    pd.testing.assert_frame_equal(got, _days(client, "notes_logs", ids, first, TODAY))


@pytest.mark.parametrize("history", ["36h", -1, "soon", None, True, dt.timedelta(hours=5)])
def test_history_must_be_whole_days(tmp_path: Path, history: object) -> None:
    """A history that is not whole days is refused, naming the argument."""
    with pytest.raises(ConfigurationError, match=r"history="):
        Store(None, tmp_path / "s.duckdb", history=history)  # type: ignore[arg-type]


def test_a_later_sync_replaces_the_trailing_days_and_keeps_older_ones(tmp_path: Path) -> None:
    """Five days on, the sync re-reads a week before the last sync to today: a log deleted
    there goes, one deleted earlier stays (Procore no longer says), older days are kept."""
    name = "manpower_logs"
    with Sandbox(seed=5, projects=12, rate_limit_spike=100_000, today=TODAY) as sb:
        client = sandbox_client(sb)
        ids = _working(sb, client, count=2)
        store = Store(client, tmp_path / "s.duckdb")
        store.sync(name, projects=ids)
        before = _stored(store, name, ids)
        start = TODAY - TRAIL
        dates = dict(zip(before["id"].tolist(), before["date"].dt.date.tolist(), strict=True))
        inside: list[int] = []
        outside: list[int] = []
        for _ in range(300):  # logs deleted one at a time until one falls within the trail
            gone = sb.mutate(name, project_id=ids[0], delete=1, advance=0)["deleted"]
            for log in gone:
                if log in dates:
                    (inside if dates[log] >= start else outside).append(log)
            if inside and outside:
                break
        assert inside
        assert outside
        sb.advance(5 * 86_400)
        today = TODAY + 5 * DAY
        client.projects()  # the client reads the server's clock from its Date headers
        sb.reset_counters()
        report = store.sync(name, projects=ids)
        spent = _requests(sb, name)
        assert report.requests == _requests(sb)  # nothing else: the project list is known
        assert report.modes == {"days": len(ids)}
        assert report.days == (start, today)
        window = _days(client, name, ids, start, today)
        assert spent == _pages(window, ids, name)
        assert report.deleted == len(inside)
        got = _stored(store, name, ids)
        old = before[before["date"] < _moment(start)]
        pd.testing.assert_frame_equal(got, _ordered(pd.concat([old, window]), ids))
        assert not set(inside) & set(got["id"])
        assert set(outside) <= set(got["id"])  # older than the trail: kept as stored
        info = store.info().set_index("scope").loc[ids]
        assert set(info["days_from"]) == {pd.Timestamp(TODAY - dt.timedelta(days=90))}
        assert set(info["days_to"]) == {pd.Timestamp(today)}


def test_a_refused_project_keeps_its_days(sb: Sandbox, tmp_path: Path) -> None:
    """A project whose daily log is switched off is skipped and keeps its rows and days."""
    name = "notes_logs"
    client = sandbox_client(sb)
    ids = _working(sb, client, count=2)
    store = Store(client, tmp_path / "s.duckdb")
    store.sync(name, projects=ids)
    before = _stored(store, name, ids)
    sb.set_tool(ids[1], "daily_log", enabled=False)
    try:
        with pytest.warns(UserWarning, match="skipped"):
            report = store.sync(name, projects=ids)
    finally:
        sb.set_tool(ids[1], "daily_log", enabled=True)
    assert set(report.skipped) == {ids[1]}
    assert report.modes == {"days": 1}
    # The same rows (compared on declared columns: an undeclared one that the last answer
    # sent empty, such as location.parent_id, takes that answer's dtype).
    declared = ["project_id", "id", "date", "comment", "status", "updated_at"]
    pd.testing.assert_frame_equal(_stored(store, name, ids)[declared], before[declared])
    info = store.info().set_index("scope")
    assert info.loc[ids[1], "last_mode"] == "refused"
    assert info.loc[ids[1], "days_from"] == pd.Timestamp(TODAY - dt.timedelta(days=90))
    assert info.loc[ids[1], "days_to"] == pd.Timestamp(TODAY)
