"""Daily logs read by days, apart from HTTP: Ctrl-C, failed projects and the plan's window.

A :class:`MemorySource` answers a ``dated`` resource as Procore answers a daily log: today's
rows unless given days. The sandbox tests (``test_store_days.py``) check the same over HTTP.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from store_memory import MemorySource

from procore_nb import ConfigurationError, Store
from procore_nb.store._plan import TRAIL, Mode, Resource, Step, plan_scope

LOGS = Resource("dailies", per_page=2, dated="date")


def _dated(source: MemorySource, project: int, days_ago: int) -> int:
    day = source.now.date() - timedelta(days=days_ago)
    return source.create("dailies", project, date=pd.Timestamp(day, tz="UTC"))


@pytest.fixture
def logs() -> MemorySource:
    """Two projects with a log every third day of the last 60."""
    memory = MemorySource({"dailies": LOGS})
    for days_ago in range(0, 60, 3):
        for project in (11, 12):
            _dated(memory, project, days_ago)
    return memory


def _window(source: MemorySource, first: date, last: date) -> pd.DataFrame:
    full = source.full("dailies", [11, 12])
    days = full["date"].dt.date
    return full[(days >= first) & (days <= last)].reset_index(drop=True)


def _stored(store: Store) -> pd.DataFrame:
    got = store.frame("dailies", projects=[11, 12], max_age=None)
    got.attrs = {}
    return got


def test_the_plan_reads_history_first_then_the_trail() -> None:
    """A scope never synced reads `history` to today; a synced one from its day minus TRAIL."""
    now = datetime(2025, 3, 10, 9, tzinfo=UTC)
    first = plan_scope(LOGS, 1, None, overlap=timedelta(0), now=now, history=timedelta(days=30))
    assert (first.mode, first.days) == (Mode.DAYS, (date(2025, 2, 8), date(2025, 3, 10)))
    last = Step(datetime(2025, 3, 1, 23, tzinfo=UTC), rows=10)
    later = plan_scope(LOGS, 1, last, overlap=timedelta(0), now=now)
    assert later.days == (date(2025, 3, 1) - TRAIL, date(2025, 3, 10))


def test_ctrl_c_keeps_the_days_of_projects_read_whole(logs: MemorySource, tmp_path: Path) -> None:
    """Ctrl-C during a days sync writes the projects read whole; the others keep their days."""
    store = Store(logs, tmp_path / "s.duckdb", history="30d")
    start = logs.now.date() - timedelta(days=30)
    store.sync("dailies", projects=[11, 12])
    pd.testing.assert_frame_equal(_stored(store), _window(logs, start, logs.now.date()))
    logs.advance(2 * 86_400)
    gone = [_dated(logs, p, 3) for p in (11, 12)]  # logged late, within the trail
    for key in gone:
        logs.delete("dailies", key)
    logs.interrupt_after = 1
    with pytest.raises(KeyboardInterrupt) as caught:
        store.sync("dailies", projects=[11, 12])
    assert "1 of 2 scope(s) were written" in " ".join(caught.value.__notes__)
    info = store.info().set_index("scope")
    assert info.loc[11, "days_to"] == pd.Timestamp(logs.now.date())
    assert info.loc[12, "days_to"] == pd.Timestamp(logs.now.date() - timedelta(days=2))
    assert logs.days[-1] == (logs.now.date() - timedelta(days=2) - TRAIL, logs.now.date())
    report = store.sync("dailies", projects=[11, 12])  # project 12 carries on from its state
    assert report.modes == {"days": 2}
    pd.testing.assert_frame_equal(_stored(store), _window(logs, start, logs.now.date()))


def test_a_failed_project_keeps_its_days_and_is_asked_again(
    logs: MemorySource, tmp_path: Path
) -> None:
    """A project that fails keeps its rows and days; the next sync reads it from its last day."""
    store = Store(logs, tmp_path / "s.duckdb", history="30d")
    store.sync("dailies", projects=[11, 12])
    before = _stored(store)
    logs.advance(10 * 86_400)
    logs.fail = {12}
    report = store.sync("dailies", projects=[11, 12])
    assert report.failed == {12}
    held = _stored(store)
    pd.testing.assert_frame_equal(
        held[held["project_id"] == 12], before[before["project_id"] == 12]
    )
    logs.fail = set()
    store.sync("dailies", projects=[12])
    synced = logs.now.date() - timedelta(days=10)
    assert logs.days[-1] == (synced - TRAIL, logs.now.date())


def test_frame_selects_stored_days(logs: MemorySource, tmp_path: Path) -> None:
    """frame(start_date=..., end_date=...) gives the stored rows of those days, both included."""
    store = Store(logs, tmp_path / "s.duckdb")
    store.sync("dailies", projects=[11, 12])
    today = logs.now.date()
    first, last = today - timedelta(days=9), today - timedelta(days=3)
    picked = store.frame(
        "dailies", projects=[11, 12], max_age=None, start_date=first, end_date=last
    )
    assert picked.attrs["rows"] == len(picked) == 3 * 2
    picked.attrs = {}
    pd.testing.assert_frame_equal(picked, _window(logs, first, last))
    since = store.frame("dailies", projects=[11, 12], max_age=None, start_date=str(first))
    assert sorted(set(since["date"].dt.date)) == [first, today - timedelta(days=6), last, today]


@pytest.mark.parametrize(
    ("resource", "days", "wrong"),
    [
        ("dailies", {"start_date": "2025-02-30"}, "start_date= must be a date"),
        ("dailies", {"end_date": 20250301}, "end_date= must be a date"),
        ("dailies", {"start_date": "2025-03-02", "end_date": "2025-03-01"}, "is after"),
        ("plain", {"start_date": "2025-03-01"}, "plain is not read by days"),
    ],
)
def test_frame_refuses_days_it_cannot_select(
    tmp_path: Path, resource: str, days: dict[str, object], wrong: str
) -> None:
    """A bad day, a range ending before it starts, or days of a list not read by days."""
    source = MemorySource({"dailies": LOGS, "plain": Resource("plain")})
    store = Store(source, tmp_path / "s.duckdb")
    with pytest.raises(ConfigurationError, match=wrong):
        store.frame(resource, projects=[11], max_age=None, **days)
