"""The store on registry resources (RFIs, change events) with the sandbox changing over time.

These tests need the resource registry, client.frame(name, projects=...) and Sandbox.mutate.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sandboxed import TODAY, sandbox_client

import procore_nb
from procore_nb import Store
from procore_nb.sandbox import Sandbox

#: Without include_deleted (deletions found by a whole pull), and with it.
RESOURCES = ("rfis", "change_events")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """A sandbox of 24 projects with a spike limit high enough not to matter."""
    with Sandbox(seed=7, projects=24, rate_limit_spike=100_000, today=TODAY) as sb:
        yield sb


@pytest.fixture
def sb(sandbox: Sandbox) -> Iterator[Sandbox]:
    """The module's sandbox with fresh counters."""
    sandbox.reset_counters()
    yield sandbox
    sandbox.configure(throttle_rate=0.0, token_lifetime=5400)


def _working(sb: Sandbox, client: procore_nb.Client, count: int = 3) -> list[int]:
    """Active projects under construction for months (with change events), tools all on."""
    projects = client.projects()
    disabled = {d["project_id"] for d in sb.disabled_tools()}
    months = pd.to_datetime(projects["start_date"]) <= pd.Timestamp(TODAY) - pd.Timedelta(days=120)
    building = projects[(projects["stage"].astype(str) == "Course of Construction") & months]
    return [int(i) for i in building["id"] if int(i) not in disabled][:count]


def _ordered(frame: pd.DataFrame, projects: list[int]) -> pd.DataFrame:
    """``frame`` in the store's order: by project as asked, then by primary key."""
    rank = {p: i for i, p in enumerate(projects)}
    order = sorted(
        range(len(frame)),
        key=lambda i: (rank[int(frame["project_id"].iloc[i])], int(frame["id"].iloc[i])),
    )
    out = frame.iloc[order].reset_index(drop=True)
    out.attrs = {}
    return out


def _equal_to_fresh(store: Store, client: procore_nb.Client, name: str, ids: list[int]) -> None:
    got = store.frame(name, projects=ids, max_age=None)
    got.attrs = {}
    fresh = _ordered(client.frame(name, projects=ids), ids)
    pd.testing.assert_frame_equal(got, fresh)


@pytest.mark.parametrize("name", RESOURCES)
def test_sync_equals_the_clients_fan_out(sb: Sandbox, tmp_path: Path, name: str) -> None:
    """After a sync, frame() has the rows, values and dtypes of client.frame(projects=...)."""
    client = sandbox_client(sb)
    ids = _working(sb, client)
    store = Store(client, tmp_path / "s.duckdb")
    report = store.sync(name, projects=ids)
    assert report.modes == {"whole": len(ids)}
    _equal_to_fresh(store, client, name, ids)


def test_changes_and_deletions_in_one_request_per_project(sb: Sandbox, tmp_path: Path) -> None:
    """change_events (include_deleted) resync as one changes request per project."""
    client = sandbox_client(sb)
    ids = _working(sb, client)
    store = Store(client, tmp_path / "s.duckdb")
    store.sync("change_events", projects=ids)
    done = sb.mutate("change_events", project_id=ids[0], create=1, update=2, delete=1)
    sb.reset_counters()
    report = store.sync("change_events", projects=ids)
    assert report.modes == {"changes": len(ids)}
    assert report.requests == len(ids)
    assert (report.added, report.deleted) == (len(done["created"]), len(done["deleted"]))
    assert report.changed == len(done["updated"])
    _equal_to_fresh(store, client, "change_events", ids)


def test_rfis_deleted_in_procore_leave_the_store(sb: Sandbox, tmp_path: Path) -> None:
    """RFIs (no include_deleted) find deletions by a whole pull, never more requests."""
    client = sandbox_client(sb)
    ids = _working(sb, client)
    store = Store(client, tmp_path / "s.duckdb")
    first = store.sync("rfis", projects=ids)
    done = sb.mutate("rfis", project_id=ids[1], update=1, delete=2)
    report = store.sync("rfis", projects=ids)
    assert report.requests <= first.requests
    assert report.deleted == len(done["deleted"])
    _equal_to_fresh(store, client, "rfis", ids)


def test_overlap_catches_a_record_updated_during_the_previous_sync(
    sb: Sandbox, tmp_path: Path
) -> None:
    """A record changed with the clock still at the last sync's start is pulled next time."""
    client = sandbox_client(sb)
    ids = _working(sb, client)
    store = Store(client, tmp_path / "s.duckdb", overlap=120)
    store.sync("change_events", projects=ids)
    sb.mutate("change_events", project_id=ids[0], update=1, advance=0)  # as the sync ran
    store.sync("change_events", projects=ids)
    _equal_to_fresh(store, client, "change_events", ids)


def test_a_disabled_tool_is_skipped_and_keeps_its_rows(sb: Sandbox, tmp_path: Path) -> None:
    """A project answering 403 is reported as skipped and its stored rows stay."""
    client = sandbox_client(sb)
    ids = _working(sb, client)
    store = Store(client, tmp_path / "s.duckdb")
    store.sync("rfis", projects=ids)
    held = store.frame("rfis", projects=ids[:1], max_age=None)
    sb.set_tool(ids[0], "rfi", enabled=False)
    try:
        with pytest.warns(UserWarning, match="skipped"):
            report = store.sync("rfis", projects=ids)
    finally:
        sb.set_tool(ids[0], "rfi", enabled=True)
    assert list(report.skipped) == [ids[0]]
    pd.testing.assert_frame_equal(store.frame("rfis", projects=ids[:1], max_age=None), held)


def test_token_expiry_and_429s_mid_sync(sb: Sandbox, tmp_path: Path) -> None:
    """Tokens that run out and a storm of 429s while syncing RFIs leave the store exact."""
    client = sandbox_client(sb)
    ids = _working(sb, client, count=6)
    store = Store(client, tmp_path / "s.duckdb")
    store.sync("rfis", projects=ids)
    sb.mutate("rfis", project_id=ids[2], create=2, update=2, delete=1)
    sb.configure(token_lifetime=1, throttle_rate=0.4, throttle_wait=0)
    sb.advance(6000)
    store.sync("rfis", projects=ids)
    sb.configure(throttle_rate=0.0, token_lifetime=5400)
    assert sb.counters()["grants"]["refresh_token"] >= 1
    _equal_to_fresh(store, client, "rfis", ids)


_CHANGE = st.tuples(
    st.sampled_from(RESOURCES),
    st.integers(min_value=0, max_value=2),  # which project
    st.integers(min_value=0, max_value=2),  # creates
    st.integers(min_value=0, max_value=2),  # updates
    st.integers(min_value=0, max_value=1),  # deletes
    st.integers(min_value=0, max_value=900),  # seconds the clock moves first
    st.booleans(),  # sync after this change
)


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(changes=st.lists(_CHANGE, min_size=1, max_size=6))
def test_any_changes_then_sync_equal_a_fresh_pull(
    sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory, changes: list[Any]
) -> None:
    """Property: after creates, updates and deletes via mutate, sync + frame == a fresh pull."""
    client = sandbox_client(sandbox)
    ids = _working(sandbox, client)
    store = Store(client, tmp_path_factory.mktemp("prop") / "s.duckdb")
    for name in RESOURCES:
        store.sync(name, projects=ids)
    for name, which, create, update, delete, seconds, then_sync in changes:
        sandbox.mutate(
            name,
            project_id=ids[which],
            create=create,
            update=update,
            delete=delete,
            advance=seconds,
        )
        if then_sync:
            store.sync(name, projects=ids)
    for name in RESOURCES:
        store.sync(name, projects=ids)
        _equal_to_fresh(store, client, name, ids)


def test_dlt_two_runs_with_changes_equal_a_fresh_run(
    sb: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dlt: a load, changes, a second (incremental) load == one fresh load, per resource."""
    import dlt
    import duckdb

    from procore_nb.dlt_source import procore_source

    monkeypatch.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")
    client = sandbox_client(sb)
    ids = _working(sb, client)

    def load(name: str) -> dlt.Pipeline:
        return dlt.pipeline(
            pipeline_name=name,
            pipelines_dir=str(tmp_path / "pipelines"),
            destination=dlt.destinations.duckdb(str(tmp_path / f"{name}.duckdb")),
            dataset_name="procore",
        )

    twice = load("twice")
    twice.run(procore_source(client, list(RESOURCES), projects=ids))
    for name in RESOURCES:
        sb.mutate(name, project_id=ids[0], create=1, update=1, delete=1)
    twice.run(procore_source(client, list(RESOURCES), projects=ids))
    load("fresh").run(procore_source(client, list(RESOURCES), projects=ids))
    for name in RESOURCES:
        tables = []
        for pipeline in ("twice", "fresh"):
            with duckdb.connect(str(tmp_path / f"{pipeline}.duckdb")) as connection:
                query = f"select * from procore.{name} order by id"  # noqa: S608 - our names
                frame = connection.execute(query).df()
            tables.append(frame.drop(columns=[c for c in frame if c.startswith("_dlt")]))
        pd.testing.assert_frame_equal(*tables)
