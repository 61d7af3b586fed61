"""Property: after any creates, updates and deletes with the clock moving, sync + frame equals
a fresh whole pull (ids, values, dtypes and order), for every kind of resource."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_memory import RESOURCES, MemorySource

from procore_nb import Store

PROJECTS = [11, 12]
_STEP = st.tuples(
    st.sampled_from(["create", "update", "delete", "sync"]),
    st.sampled_from(PROJECTS),
    st.integers(min_value=0, max_value=50),
    st.integers(min_value=0, max_value=400),  # seconds the clock moves after the step
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(RESOURCES)),
    steps=st.lists(_STEP, min_size=1, max_size=14),
)
def test_sync_then_frame_equals_a_fresh_pull(
    name: str, steps: list[tuple[str, int, int, int]]
) -> None:
    """Whatever changed between syncs, the store's frame equals what a whole pull returns."""
    source = MemorySource(dict(RESOURCES))
    for project in (11, 12, 11):
        source.create(name, project)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(source, Path(folder) / "s.duckdb", overlap=30)
        store.sync(name, projects=PROJECTS)
        for action, project, pick, seconds in steps:
            live = source.live(name)
            if action == "create":
                source.create(name, project)
            elif action == "update" and live:
                source.update(name, live[pick % len(live)])
            elif action == "delete" and live:
                source.delete(name, live[pick % len(live)])
            elif action == "sync":
                store.sync(name, projects=PROJECTS)
            source.advance(seconds)
        store.sync(name, projects=PROJECTS)
        got = store.frame(name, projects=PROJECTS, max_age=None)
        pd.testing.assert_frame_equal(got, source.full(name, PROJECTS))
