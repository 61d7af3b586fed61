"""The store's sync, apart from HTTP: plans, writes, deletions, schema changes, interruptions."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from store_memory import MemorySource

from procore_nb import ConfigurationError, Store, StoreBusyError
from procore_nb.store._arguments import parse_age
from procore_nb.store._plan import Mode, Resource, Step, plan_scope

PROJECTS = [11, 12]


def _same_as_full(store: Store, source: MemorySource, name: str) -> None:
    got = store.frame(name, projects=PROJECTS, max_age=None)
    pd.testing.assert_frame_equal(got, source.full(name, PROJECTS))


def test_first_sync_is_whole(store: Store, source: MemorySource) -> None:
    """The first sync pulls each scope whole and frame() equals a fresh pull, dtypes too."""
    report = store.sync("rfis", projects=PROJECTS)
    assert report.modes == {"whole": 2}
    assert (report.added, report.changed, report.deleted, report.rows) == (5, 0, 0, 5)
    assert report.requests == 3  # 3 rows at 2 per page (2 pages), then 2 rows (1 page)
    _same_as_full(store, source, "rfis")


def test_changes_with_deletions_in_one_answer(store: Store, source: MemorySource) -> None:
    """With include_deleted, a sync pulls only the window and removes the deleted rows."""
    store.sync("events", projects=PROJECTS)
    ids = source.live("events")
    source.update("events", ids[0])
    source.delete("events", ids[1])
    source.create("events", 12)
    source.advance()
    report = store.sync("events", projects=PROJECTS)
    assert report.modes == {"changes": 2}
    assert (report.added, report.changed, report.deleted) == (1, 1, 1)
    assert report.requests == 2  # one page of changes per project
    _same_as_full(store, source, "events")


def test_window_reaches_back_by_the_overlap(store: Store, source: MemorySource) -> None:
    """The changes window starts at the previous sync's start minus the overlap."""
    started = source.now
    store.sync("events", projects=PROJECTS)
    source.advance(600)
    store.sync("events", projects=PROJECTS)
    window = source.pulls[-1][1]
    assert window is not None
    # The start is the server's clock when the pull began (less the time the pull took).
    assert started - timedelta(seconds=40) <= window[0] <= started - timedelta(seconds=30)
    assert window[1] > source.now


def test_overlap_catches_a_row_written_while_the_last_sync_ran(
    store: Store, source: MemorySource
) -> None:
    """A row stamped just before the previous sync's start (as its pull ran) is pulled next."""
    store.sync("events", projects=PROJECTS)
    key = source.live("events")[0]
    # Written as the previous sync began, but missing from what it read.
    source.rows["events"][key].update(title="late", updated_at=source.now - timedelta(seconds=5))
    source.advance()
    store.sync("events", projects=PROJECTS)
    assert "late" in store.frame("events", projects=PROJECTS, max_age=None)["title"].tolist()


def test_without_include_deleted_one_page_scopes_are_pulled_whole(
    store: Store, source: MemorySource
) -> None:
    """Without include_deleted or an ids view, pulling whole is cheapest and finds deletions."""
    store.sync("rfis", projects=PROJECTS)
    source.delete("rfis", source.live("rfis")[0])
    source.advance()
    report = store.sync("rfis", projects=PROJECTS)
    assert report.modes == {"whole": 2}
    assert report.deleted == 1
    _same_as_full(store, source, "rfis")


def test_ids_view_finds_deletions_when_cheaper(store: Store, source: MemorySource) -> None:
    """With a cheap ids view, a multi-page scope syncs as changes plus ids, for fewer requests."""
    for _ in range(4):
        source.create("items", 11)  # 7 rows: 4 pages whole, 1 + 1 as changes and ids
    source.advance()
    store.sync("items", projects=PROJECTS)
    keys = source.live("items")
    source.delete("items", keys[0])
    source.update("items", keys[2])
    source.advance()
    before = source.requests
    report = store.sync("items", projects=PROJECTS)
    assert report.modes == {"changes+ids": 1, "whole": 1}  # project 12 fits one page
    assert report.deleted == 1
    assert report.changed == 1
    assert source.requests - before == 3  # a whole pull costs 4 + 1
    _same_as_full(store, source, "items")


def test_no_incremental_support_replaces_the_scope(store: Store, source: MemorySource) -> None:
    """A resource without filters[updated_at] is pulled whole and replaced every time."""
    store.sync("logs", projects=PROJECTS)
    source.delete("logs", source.live("logs")[0])
    source.update("logs", source.live("logs")[0])
    report = store.sync("logs", projects=PROJECTS)
    assert report.modes == {"whole": 2}
    assert (report.changed, report.deleted) == (1, 1)
    _same_as_full(store, source, "logs")


def test_a_new_column_is_added_not_refused(store: Store, source: MemorySource) -> None:
    """A column Procore starts sending becomes a table column; older rows hold NULL."""
    store.sync("events", projects=PROJECTS)
    source.extra = {"priority": "high"}
    source.update("events", source.live("events")[0])
    source.advance()
    store.sync("events", projects=PROJECTS)
    frame = store.frame("events", projects=PROJECTS, max_age=None)
    assert frame["priority"].notna().sum() == 1
    assert store.sql("select count(priority) as n from events")["n"].iloc[0] == 1


def test_interrupted_sync_keeps_the_previous_state(tmp_path: Path, source: MemorySource) -> None:
    """Ctrl-C during a pull writes nothing of it; the next sync is correct."""
    store = Store(source, tmp_path / "s.duckdb")
    store.sync("events", projects=PROJECTS)
    before = store.frame("events", projects=PROJECTS, max_age=None)
    info = store.info()
    source.delete("events", source.live("events")[0])
    source.advance()
    source.fail_on = (1, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        store.sync("events", projects=PROJECTS)
    pd.testing.assert_frame_equal(store.frame("events", projects=PROJECTS, max_age=None), before)
    pd.testing.assert_frame_equal(store.info(), info)
    store.sync("events", projects=PROJECTS)
    _same_as_full(store, source, "events")


def test_frame_within_max_age_pulls_nothing(store: Store, source: MemorySource) -> None:
    """A rerun within max_age makes no request; max_age=None never syncs; older copies do."""
    store.frame("rfis", projects=PROJECTS, max_age="1h")
    pulls = len(source.pulls)
    store.frame("rfis", projects=PROJECTS, max_age="1h")
    store.frame("rfis", projects=PROJECTS, max_age=None)
    assert len(source.pulls) == pulls
    store.frame("rfis", projects=PROJECTS, max_age=0)
    assert len(source.pulls) == pulls + 1


def test_info_lists_each_scope(store: Store) -> None:
    """info() has a row per resource and scope with rows, time, mode and requests."""
    store.sync("rfis", projects=PROJECTS)
    info = store.info()
    assert info["scope"].tolist() == PROJECTS
    assert info["rows"].tolist() == [3, 2]
    assert info["requests"].tolist() == [2, 1]
    assert set(info["last_mode"]) == {"whole"}


def test_parquet_has_one_dataset_per_resource(store: Store, tmp_path: Path) -> None:
    """to_parquet writes each resource's rows, without the internal scope column."""
    store.sync("rfis", projects=PROJECTS)
    store.sync("logs", projects=PROJECTS)
    paths = store.to_parquet(tmp_path / "out")
    assert sorted(p.name for p in paths) == ["logs.parquet", "rfis.parquet"]
    table = pd.read_parquet(paths[1])
    assert len(table) == 5
    assert "_scope" not in table.columns


@pytest.mark.parametrize("bad", ["soon", "1x", -5, [1]])
def test_bad_max_age_says_what_is_accepted(bad: object) -> None:
    """A max_age that is not a duration raises a ConfigurationError with examples."""
    with pytest.raises(ConfigurationError, match="'1h'"):
        parse_age(bad)  # type: ignore[arg-type]


def test_bad_projects_argument(store: Store) -> None:
    """projects= of the wrong kind raises a ConfigurationError naming what it takes."""
    with pytest.raises(ConfigurationError, match="'active', 'all'"):
        store.sync("rfis", projects="some")
    with pytest.raises(ConfigurationError, match="not a project id"):
        store.sync("rfis", projects=["x"])


def test_plan_never_costs_more_than_a_whole_pull() -> None:
    """For every size, the chosen plan's requests are at most the whole pull's."""
    since = parse_age("1h")
    assert since is not None
    for rows in range(0, 5000, 37):
        for spec in (
            Resource("a", incremental=True, per_page=100, id_page=1000),
            Resource("b", incremental=True, per_page=100),
            Resource("c", incremental=True, include_deleted=True, per_page=100),
        ):
            last = Step(pd.Timestamp("2025-01-01", tz="UTC").to_pydatetime(), rows)
            plan = plan_scope(spec, 1, last, overlap=since)
            whole = max(1, -(-rows // 100))
            assert plan.requests <= whole
            if spec.id_page and plan.mode is Mode.WHOLE:
                assert 1 + max(1, -(-rows // 1000)) >= whole


def test_deletions_may_wait_for_a_whole_pull(source: MemorySource, tmp_path: Path) -> None:
    """With deletions_every, one-page scopes pull only changes until the next whole pull."""
    store = Store(source, tmp_path / "s.duckdb", overlap=30, deletions_every="1h")
    store.sync("rfis", projects=PROJECTS)
    gone = source.live("rfis")[0]
    source.delete("rfis", gone)
    source.update("rfis", source.live("rfis")[0])
    source.advance(600)
    report = store.sync("rfis", projects=PROJECTS)
    assert report.modes == {"changes": 2}
    assert report.changed == 1
    assert gone in store.frame("rfis", projects=PROJECTS, max_age=None)["id"].tolist()
    source.advance(3600)
    report = store.sync("rfis", projects=PROJECTS)
    assert report.modes == {"whole": 2}
    assert report.deleted == 1
    _same_as_full(store, source, "rfis")


def test_rerun_gives_a_fresh_copy_and_sees_new_syncs(store: Store, source: MemorySource) -> None:
    """A rerun's frame is the caller's own copy; a sync in between is seen at once."""
    first = store.frame("rfis", projects=PROJECTS, max_age="1h")
    first.loc[0, "title"] = "edited in the notebook"
    second = store.frame("rfis", projects=PROJECTS, max_age="1h")
    assert second.loc[0, "title"] != "edited in the notebook"
    source.update("rfis", source.live("rfis")[0], title="changed in Procore")
    source.advance()
    store.sync("rfis", projects=PROJECTS)
    third = store.frame("rfis", projects=PROJECTS, max_age="1h")
    assert "changed in Procore" in third["title"].tolist()


def _hold(lock: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding ``lock`` for ``seconds`` (it says 'held' once it does)."""
    code = (
        "import sys, time, filelock\n"
        f"with filelock.FileLock({str(lock)!r}):\n"
        "    print('held', flush=True)\n"
        f"    time.sleep({seconds})\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_busy_store_waits_a_bounded_time(source: MemorySource, tmp_path: Path) -> None:
    """While another process holds the file, an operation waits `wait` seconds, then says so."""
    store = Store(source, tmp_path / "s.duckdb", wait=0.5)
    store.sync("rfis", projects=PROJECTS)
    holder = _hold(tmp_path / "s.duckdb.lock", 30)
    try:
        with pytest.raises(StoreBusyError, match=r"busy for 0\.5 s"):
            store.info()
    finally:
        holder.kill()
        holder.wait()
    assert len(store.info()) == 2  # usable again once the other process is done


def test_frame_reads_the_stored_copy_while_another_kernel_syncs(
    source: MemorySource, tmp_path: Path
) -> None:
    """A stale frame() waits `wait` for another kernel's sync, then reads what is stored."""
    store = Store(source, tmp_path / "s.duckdb", wait=0.5)
    store.sync("rfis", projects=PROJECTS)
    source.advance(7200)
    pulls = len(source.pulls)
    holder = _hold(tmp_path / "s.duckdb.sync.lock", 30)
    try:
        with pytest.warns(UserWarning, match="reading the stored copy"):
            frame = store.frame("rfis", projects=PROJECTS, max_age=0)
    finally:
        holder.kill()
        holder.wait()
    assert len(source.pulls) == pulls
    assert len(frame) == 5


def test_a_refused_project_keeps_its_rows_and_counts_as_fresh(
    store: Store, source: MemorySource
) -> None:
    """A project answering 403 keeps its rows, is reported, and is not asked again within
    max_age; once it answers again, the changes since its last good sync arrive."""
    store.sync("events", projects=PROJECTS)
    source.refuse = {11}
    key = next(k for k in source.live("events") if source.rows["events"][k]["project_id"] == 11)
    source.update("events", key, title="while refused")
    source.advance()
    report = store.sync("events", projects=PROJECTS)
    assert report.skipped == {11: "403: the tool is disabled"}
    assert store.info().set_index("scope").loc[11, "last_mode"] == "refused"
    held = store.frame("events", projects=[11], max_age=None)
    assert "while refused" not in held["title"].tolist()
    pulls = len(source.pulls)
    store.frame("events", projects=PROJECTS, max_age="1h")
    assert len(source.pulls) == pulls  # asked within max_age, even though refused
    source.refuse = set()
    source.advance()
    store.sync("events", projects=PROJECTS)
    _same_as_full(store, source, "events")
