"""The store against what users, disks and servers do to it: hostile SQL, damaged files,
read-only and full disks, case-distinct columns, bad arguments, failed and interrupted syncs."""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from store_memory import MemorySource

import procore_nb
from procore_nb import ConfigurationError, Store, StoreError
from procore_nb.store._source import _skipped

PROJECTS = [11, 12]


def _synced(store: Store) -> Store:
    store.sync("rfis", projects=PROJECTS)
    return store


# --- sql() reads the store and nothing else -----------------------------------------------


@pytest.mark.parametrize(
    ("query", "refused"),
    [
        ("select * from read_csv('/etc/passwd')", "file"),
        ("select * from read_text('/etc/hostname')", "file"),
        ("select * from 'https://example.com/rows.csv'", "file"),
        ("install httpfs", "file"),
        ("load httpfs", "extensions"),
        ("attach '{folder}/other.duckdb' as other", "file"),
        ("copy rfis to '{folder}/leak.csv'", "file"),
        ("export database '{folder}/dump'", "file"),
        ("drop table rfis", "read-only"),
        ("delete from _procore_sync", "read-only"),
        ("update rfis set title = 'x'", "read-only"),
        ("insert into rfis (id) values (1)", "read-only"),
        ("create table mine as select 1", "read-only"),
        ("alter table rfis add column x int", "read-only"),
        ("set enable_external_access = true", "locked"),
        ("pragma enable_profiling", "locked"),
    ],
    ids=[
        "read_csv",
        "read_text",
        "https",
        "install",
        "load",
        "attach",
        "copy-to",
        "export",
        "drop",
        "delete",
        "update",
        "insert",
        "create",
        "alter",
        "set",
        "pragma",
    ],
)
def test_sql_refuses_files_network_extensions_and_writes(
    store: Store, tmp_path: Path, query: str, refused: str
) -> None:
    """Each is a StoreError saying what sql() is for and how to get a writable connection."""
    _synced(store)
    before = store.frame("rfis", projects=PROJECTS, max_age=None)
    with pytest.raises(StoreError) as caught:
        store.sql(query.format(folder=tmp_path))
    message = str(caught.value)
    assert refused in message.lower()
    assert "store.sql() reads the store's tables and nothing else" in message
    assert "ATTACH the store file READ_ONLY" in message
    assert not {"leak.csv", "other.duckdb", "dump"} & {p.name for p in tmp_path.iterdir()}
    pd.testing.assert_frame_equal(store.frame("rfis", projects=PROJECTS, max_age=None), before)


def test_sql_still_reads_with_parameters(store: Store) -> None:
    """A plain query with parameters answers as before."""
    _synced(store)
    counted = store.sql("select count(*) as n from rfis where _scope = ?", [11])
    assert counted["n"].tolist() == [3]


def test_sql_takes_text_only(store: Store) -> None:
    """A query that is not text is a ConfigurationError."""
    with pytest.raises(ConfigurationError, match=r"query as text"):
        store.sql(42)  # type: ignore[arg-type]


# --- the file's permissions ------------------------------------------------------------------


def test_default_file_is_private_in_a_private_folder(source: MemorySource) -> None:
    """The default folder is 0700 and the file 0600, like the token cache."""
    store = _synced(Store(source))
    assert store.path.stat().st_mode & 0o777 == 0o600
    assert store.path.parent.stat().st_mode & 0o777 == 0o700
    assert Path(str(store.path) + ".lock").stat().st_mode & 0o077 == 0


def test_a_world_readable_default_folder_is_made_private(source: MemorySource) -> None:
    """An existing default folder left 0755 is made 0700 when the store opens."""
    store = Store(source)
    store.path.parent.chmod(0o755)
    Store(source)
    assert store.path.parent.stat().st_mode & 0o777 == 0o700


# --- names the server sends ------------------------------------------------------------------


def test_columns_differing_only_in_case_are_kept_apart(tmp_path: Path) -> None:
    """`extra` and `Extra` sync (the second stored as `Extra~2`) and read back as sent."""
    source = MemorySource({"rfis": procore_nb.store._plan.Resource("rfis", per_page=2)})
    source.extra = {"extra": "lower", "Extra": "upper", "EXTRA": "shout"}
    for project in PROJECTS:
        source.create("rfis", project)
    store = Store(source, tmp_path / "s.duckdb")
    report = store.sync("rfis", projects=PROJECTS)
    assert report.added == 2
    frame = store.frame("rfis", projects=PROJECTS, max_age=None)
    assert frame["extra"].tolist() == ["lower", "lower"]
    assert frame["Extra"].tolist() == ["upper", "upper"]
    assert frame["EXTRA"].tolist() == ["shout", "shout"]
    stored = store.sql('select "Extra~2", "EXTRA~3" from rfis limit 1')
    assert stored.iloc[0].tolist() == ["upper", "shout"]
    source.update("rfis", 1001, Extra="changed")
    source.advance()
    store.sync("rfis", projects=PROJECTS)  # a second sync finds the same stored names
    again = store.frame("rfis", projects=PROJECTS, max_age=None)
    assert again.loc[again["id"] == 1001, "Extra"].tolist() == ["changed"]
    assert list(again.columns) == list(frame.columns)


# --- damaged files -----------------------------------------------------------------------------


def _damage(path: Path, how: str) -> None:
    if how == "empty":
        path.write_bytes(b"")
    elif how == "text":
        path.write_text("this is not a database\n" * 500, encoding="utf-8")
    else:
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])


@pytest.mark.parametrize("how", ["empty", "text", "truncated"])
def test_a_damaged_file_names_itself_and_the_fix(
    source: MemorySource, tmp_path: Path, how: str
) -> None:
    """Empty, overwritten or truncated: StoreError naming the file, delete or rebuild=True."""
    path = tmp_path / "s.duckdb"
    _synced(Store(source, path))
    _damage(path, how)
    with pytest.raises(StoreError) as caught:
        Store(source, path).frame("rfis", projects=PROJECTS, max_age=None)
    message = str(caught.value)
    assert str(path) in message
    assert "delete the file and sync again" in message
    assert "rebuild=True" in message


def test_rebuild_starts_a_damaged_file_afresh(source: MemorySource, tmp_path: Path) -> None:
    """Store(..., rebuild=True) replaces a damaged file and the next sync fills it again."""
    path = tmp_path / "s.duckdb"
    _synced(Store(source, path))
    _damage(path, "text")
    store = Store(source, path, rebuild=True)
    assert store.tables() == []
    assert _synced(store).frame("rfis", projects=PROJECTS, max_age=None)["id"].size == 5


# --- read-only and full disks ------------------------------------------------------------------


@contextlib.contextmanager
def _mounted(folder: Path, options: str) -> Iterator[None]:
    """A tmpfs at ``folder`` (needs root), unmounted afterwards."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    folder.mkdir(exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@contextlib.contextmanager
def _read_only(folder: Path) -> Iterator[None]:
    """``folder`` made read-only: by permissions for a user, by a read-only remount for root."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_read_only_disk_still_reads_and_refuses_writes_clearly(
    source: MemorySource, tmp_path: Path
) -> None:
    """Reads need no lock file; sync says the store is read-only and how to write it."""
    if os.geteuid() == 0 and shutil.which("mount") is None:
        pytest.skip("no mount command")
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "s.duckdb"
    _synced(Store(source, path))
    Path(str(path) + ".lock").unlink()
    expected = Store(source, path).frame("rfis", projects=PROJECTS, max_age=None)
    Path(str(path) + ".lock").unlink()
    with _read_only(folder):
        store = Store(source, path)
        pd.testing.assert_frame_equal(
            store.frame("rfis", projects=PROJECTS, max_age=None), expected
        )
        assert store.sql("select count(*) as n from rfis")["n"].tolist() == [5]
        assert len(store.info()) == 2
        with pytest.raises(StoreError, match=r"read-only here.*copy the file"):
            store.sync("rfis", projects=PROJECTS)
        with pytest.warns(UserWarning, match="cannot be synced here"):
            stale = store.frame("rfis", projects=PROJECTS, max_age=0)
        assert len(stale) == 5
        assert not Path(str(path) + ".lock").exists()


def test_a_new_store_on_a_read_only_disk_is_refused(source: MemorySource, tmp_path: Path) -> None:
    """No file and a folder nobody can write: StoreError naming the folder and what to do."""
    folder = tmp_path / "ro"
    folder.mkdir()
    with _read_only(folder), pytest.raises(StoreError, match=r"PROCORE_STORE_DIR"):
        Store(source, folder / "s.duckdb")


def test_a_full_disk_loses_nothing_and_says_so(tmp_path: Path) -> None:
    """A sync that fills the disk is rolled back, says so, and the rows held stay readable."""
    folder = tmp_path / "small"
    source = MemorySource({"rfis": procore_nb.store._plan.Resource("rfis", per_page=1000)})
    for project in PROJECTS:
        source.create("rfis", project)
    with _mounted(folder, "size=2m"):
        store = Store(source, folder / "s.duckdb")
        store.sync("rfis", projects=PROJECTS)
        before = store.frame("rfis", projects=PROJECTS, max_age=None)
        source.extra = {"blob": "x" * 20_000}
        for _ in range(300):
            source.create("rfis", 11)
        source.advance()
        with pytest.raises(StoreError, match=r"is full.*rolled back.*Free some space"):
            store.sync("rfis", projects=PROJECTS)
        after = Store(source, folder / "s.duckdb").frame("rfis", projects=PROJECTS, max_age=None)
        # The new column may stay (empty); every row held before is there, unchanged.
        pd.testing.assert_frame_equal(after[list(before.columns)], before)
        assert after["blob"].isna().all()


# --- values entering the store ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda s: s.sync("rfis", projects=[5000000001.7]), "not rounded"),
        (lambda s: s.sync("rfis", projects=[11.0]), "projects="),
        (lambda s: s.sync("rfis", projects=[math.nan]), "projects="),
        (lambda s: s.sync("rfis", projects=True), "projects="),
        (lambda s: s.sync("rfis", projects=[-3]), "positive whole number"),
        (lambda s: s.sync("rfis", projects=[None]), "projects="),
        (lambda s: s.sync("rfis", projects=pd.DataFrame({"x": [1]})), "'id' column"),
        (lambda s: s.sync("rfis", projects="some"), "projects must be"),
        (lambda s: s.frame("rfis", projects=PROJECTS, max_age=math.inf), "max_age"),
        (lambda s: s.frame("rfis", projects=PROJECTS, max_age=math.nan), "max_age"),
        (lambda s: s.frame("rfis", projects=PROJECTS, max_age=-1), "max_age"),
        (lambda s: s.frame("rfis", projects=PROJECTS, max_age=pd.NaT), "max_age"),
        (lambda s: s.frame("rfis", projects=PROJECTS, max_age=True), "max_age"),
        (lambda s: s.frame("rfis", projects=PROJECTS, max_age=timedelta(-1)), "max_age"),
        (lambda s: s.frame("rfis", projects=PROJECTS, max_age="9" * 40 + "d"), "max_age"),
        (lambda s: s.sync("rfis", projects=PROJECTS, progress="yes"), "progress="),
    ],
    ids=[
        "float-id",
        "whole-float-id",
        "nan-id",
        "bool-projects",
        "negative-id",
        "none-id",
        "frame-without-id",
        "unknown-word",
        "max_age-inf",
        "max_age-nan",
        "max_age-negative",
        "max_age-nat",
        "max_age-bool",
        "max_age-negative-timedelta",
        "max_age-overflow",
        "progress-text",
    ],
)
def test_bad_values_are_refused_by_name(store: Store, call: object, named: str) -> None:
    """Each is a ConfigurationError naming the argument, before anything is pulled."""
    with pytest.raises(ConfigurationError, match=named):
        call(store)  # type: ignore[operator]
    assert store.source.pulls == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"overlap": math.nan}, r"Store\(overlap=...\)"),
        ({"overlap": math.inf}, r"Store\(overlap=...\)"),
        ({"wait": "x"}, r"Store\(wait=...\)"),
        ({"wait": None}, r"Store\(wait=...\)"),
        ({"deletions_every": math.inf}, r"Store\(deletions_every=...\)"),
        ({"rebuild": "yes"}, r"Store\(rebuild=...\)"),
    ],
    ids=["overlap-nan", "overlap-inf", "wait-text", "wait-none", "deletions-inf", "rebuild-text"],
)
def test_bad_store_options_are_refused_by_name(
    source: MemorySource, tmp_path: Path, options: dict[str, object], named: str
) -> None:
    """Store(...) options are checked before the file is touched."""
    with pytest.raises(ConfigurationError, match=named):
        Store(source, tmp_path / "s.duckdb", **options)  # type: ignore[arg-type]
    assert not (tmp_path / "s.duckdb").exists()


def test_numpy_numbers_are_accepted(source: MemorySource, tmp_path: Path) -> None:
    """Ids and seconds taken from a frame (numpy types) work as Python's do."""
    store = Store(source, tmp_path / "s.duckdb", overlap=np.float64(30), wait=np.int64(5))
    report = store.sync("rfis", projects=[np.int64(11), np.int32(12)])
    assert report.scopes == 2
    assert len(store.frame("rfis", projects=np.array(PROJECTS), max_age=np.int64(60))) == 5


# --- failed and interrupted syncs -------------------------------------------------------------


def test_a_failing_project_keeps_its_last_good_rows_and_shows_as_failed(
    store: Store, source: MemorySource
) -> None:
    """A 5xx after the retries: the others are written, it keeps its rows, info says failed."""
    _synced(store)
    held = store.frame("rfis", projects=[12], max_age=None)
    source.create("rfis", 11)
    source.create("rfis", 12)
    source.fail = {12}
    source.advance()
    report = store.sync("rfis", projects=PROJECTS)
    assert report.failed == {12}
    assert "1 scope(s) failed (12)" in str(report)
    info = store.info().set_index("scope")
    assert info.loc[12, "last_mode"] == "failed"
    assert info.loc[11, "last_mode"] == "whole"
    pd.testing.assert_frame_equal(store.frame("rfis", projects=[12], max_age=None), held)
    assert len(store.frame("rfis", projects=[11], max_age=None)) == 4
    source.fail = set()
    source.pulls.clear()
    fresh = store.frame("rfis", projects=PROJECTS, max_age="1h")  # a failure is not fresh
    assert source.pulls
    assert len(fresh) == 7


def test_the_servers_skipped_records_tell_failures_from_refusals() -> None:
    """df.attrs["skipped"] statuses: 403/404 are refusals, 5xx and no status are failures."""
    reported = [
        {"project_id": 1, "status": 403, "reason": "no access"},
        {"project_id": 2, "status": 404, "reason": "gone"},
        {"project_id": 3, "status": 503, "reason": "server error"},
        {"project_id": 4, "status": None, "reason": "timeout"},
    ]
    skipped, failed = _skipped(reported)
    assert set(skipped) == {1, 2, 3, 4}
    assert failed == {3, 4}


def test_an_interrupted_sync_says_what_it_kept(store: Store, source: MemorySource) -> None:
    """Ctrl-C mid-sync: the exception's note says how many scopes were written; the file holds
    each scope whole (the interrupted batch is not half-written)."""
    source.fail_on = (1, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt) as caught:
        store.sync("rfis", projects=PROJECTS)
    notes = " ".join(getattr(caught.value, "__notes__", []))
    assert "interrupted: 0 of 2 scope(s) were written" in notes
    assert "next sync carries on" in notes
    assert store.info().empty
    assert store.sync("rfis", projects=PROJECTS).added == 5


def test_an_interrupted_sync_keeps_the_projects_read_whole(
    store: Store, source: MemorySource
) -> None:
    """Ctrl-C after project 11 was read whole (the client's .partial): 11 is written, 12 not."""
    source.interrupt_after = 1
    with pytest.raises(KeyboardInterrupt) as caught:
        store.sync("rfis", projects=PROJECTS)
    assert "1 of 2 scope(s) were written" in " ".join(caught.value.__notes__)
    assert caught.value.report.scopes == 1  # type: ignore[attr-defined]
    assert store.info()["scope"].tolist() == [11]
    assert len(store.frame("rfis", projects=[11], max_age=None)) == 3
    source.pulls.clear()
    store.sync("rfis", projects=PROJECTS)  # the next sync carries on
    assert len(store.frame("rfis", projects=PROJECTS, max_age=None)) == 5


# --- a store without a client ------------------------------------------------------------------


def test_a_file_reads_without_a_client(source: MemorySource, tmp_path: Path) -> None:
    """Store(None, path) reads what the file holds; syncing says it needs a client."""
    path = tmp_path / "s.duckdb"
    expected = _synced(Store(source, path)).frame("rfis", projects=PROJECTS, max_age=None)
    offline = Store(None, path)
    pd.testing.assert_frame_equal(offline.frame("rfis", projects=PROJECTS, max_age=None), expected)
    assert len(offline.info()) == 2
    with pytest.raises(StoreError, match=r"opened without a client.*Store\(client, path=...\)"):
        offline.sync("rfis", projects=PROJECTS)


def test_a_store_without_client_or_path_is_refused() -> None:
    """Store(None) cannot know which file: ConfigurationError saying what it needs."""
    with pytest.raises(ConfigurationError, match=r"needs the file's path"):
        Store(None)


def test_a_file_from_before_stored_names_and_identities_still_reads(
    source: MemorySource, tmp_path: Path
) -> None:
    """A store written before `stored` names and `_procore_store`: read as it is, then upgraded."""
    import duckdb

    path = tmp_path / "s.duckdb"
    expected = _synced(Store(source, path)).frame("rfis", projects=PROJECTS, max_age=None)
    with duckdb.connect(str(path)) as old:
        old.execute("ALTER TABLE _procore_columns DROP COLUMN stored")
        old.execute("DROP TABLE IF EXISTS _procore_store")
    offline = Store(None, path)  # no client: no identity recorded
    pd.testing.assert_frame_equal(offline.frame("rfis", projects=PROJECTS, max_age=None), expected)
    store = Store(source, path)
    pd.testing.assert_frame_equal(store.frame("rfis", projects=PROJECTS, max_age=None), expected)
    assert store.sync("rfis", projects=PROJECTS).changed == 0


def test_a_store_attached_elsewhere_in_this_process_says_so(
    source: MemorySource, tmp_path: Path
) -> None:
    """A writable DuckDB connection holding the file (ATTACH): StoreError saying to DETACH."""
    import duckdb

    path = tmp_path / "s.duckdb"
    store = _synced(Store(source, path))
    with duckdb.connect(str(tmp_path / "mine.duckdb")) as mine:
        mine.execute(f"ATTACH '{path}' AS procore")
        with pytest.raises(StoreError, match=r"another DuckDB connection.*DETACH"):
            store.sync("rfis", projects=PROJECTS)
        mine.execute("DETACH procore")
    assert store.sync("rfis", projects=PROJECTS).changed == 0


def test_a_store_held_by_another_program_is_busy(source: MemorySource, tmp_path: Path) -> None:
    """Another process holding the file open in DuckDB: StoreBusyError naming the file."""
    import sys

    path = tmp_path / "s.duckdb"
    store = _synced(Store(source, path))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys, time; c = duckdb.connect({str(path)!r}); "
            "print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(procore_nb.StoreBusyError, match=str(path)):
            store.sync("rfis", projects=PROJECTS)
    finally:
        holder.kill()
        holder.wait()


def test_a_folder_named_by_procore_store_dir_keeps_its_mode(
    source: MemorySource, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PROCORE_STORE_DIR is the user's folder: its mode is left alone, the file is still 0600."""
    shared = tmp_path / "team"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    monkeypatch.setenv("PROCORE_STORE_DIR", str(shared))
    store = _synced(Store(source))
    assert store.path.parent == shared
    assert shared.stat().st_mode & 0o777 == 0o755
    assert store.path.stat().st_mode & 0o777 == 0o600
