"""The store on the resources of the reference's sections 23 and 25-38, against the sandbox.

Each is synced across projects and read back equal to the client's fan-out; a second sync takes
the cheapest exact plan its filters allow (changes with deletions where ``include_deleted`` is
served, else a whole pull of one page per project); changes made in the sandbox arrive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sandboxed import TODAY, sandbox_client

import procore_nb
from procore_nb import Store
from procore_nb._registry import registry
from procore_nb.sandbox import Sandbox

#: The resources issue 21 adds (the registry's entries after the first 28).
NEW = tuple(list(registry())[28:])

#: Those answering only today's records unless given dates: synced by days.
DATED = frozenset(
    n
    for n in NEW
    if not registry()[n].updated_at and {"start_date", "end_date"} <= set(registry()[n].filters)
)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """A sandbox of 24 projects with a spike limit high enough not to matter."""
    with Sandbox(seed=7, projects=24, rate_limit_spike=100_000, today=TODAY) as sb:
        yield sb


def _working(sb: Sandbox, client: procore_nb.Client, count: int = 3) -> list[int]:
    """Active projects under construction whose tools are all on."""
    projects = client.projects()
    disabled = {d["project_id"] for d in sb.disabled_tools()}
    building = projects[projects["stage"].astype(str) == "Course of Construction"]
    return [int(i) for i in building["id"] if int(i) not in disabled][:count]


def _fresh(client: procore_nb.Client, name: str, ids: list[int], **days: Any) -> pd.DataFrame:
    """The client's own pull (of ``start_date`` to ``end_date`` when given), in the store's
    order (by project as asked, then by key)."""
    entry = registry()[name]
    if not entry.project_scoped:
        frame = client.frame(name, progress=False)
        frame = frame.sort_values(entry.key, kind="stable").reset_index(drop=True)
    else:
        frame = client.frame(name, projects=ids, progress=False, **days)
        rank = {p: i for i, p in enumerate(ids)}
        order = sorted(
            range(len(frame)),
            key=lambda i: (rank[int(frame["project_id"].iloc[i])], int(frame[entry.key].iloc[i])),
        )
        frame = frame.iloc[order].reset_index(drop=True)
    frame.attrs = {}
    return frame


def test_the_registry_lists_at_least_forty(sandbox: Sandbox) -> None:
    """client.resources() lists 40 resources or more, the new ones among them."""
    listed = sandbox_client(sandbox).resources()
    assert len(listed) >= 40
    assert set(NEW) <= set(listed["name"])
    assert len(NEW) >= 12


@pytest.mark.parametrize("name", NEW)
def test_sync_equals_the_fan_out_then_resyncs_by_plan(
    sandbox: Sandbox, tmp_path: Path, name: str
) -> None:
    """A first sync pulls each project whole (a daily log: its last 90 days); frame() equals
    client.frame; a resync plans."""
    client = sandbox_client(sandbox)
    entry = registry()[name]
    ids = _working(sandbox, client)
    store = Store(client, tmp_path / "s.duckdb")
    first = store.sync(name, projects=ids)
    scopes = len(ids) if entry.project_scoped else 1
    by_days = name in DATED
    assert first.modes == {("days" if by_days else "whole"): scopes}
    got = store.frame(name, projects=ids, max_age=None)
    got.attrs = {}
    days = {"start_date": TODAY - dt.timedelta(days=90), "end_date": TODAY} if by_days else {}
    pd.testing.assert_frame_equal(got, _fresh(client, name, ids, **days))
    again = store.sync(name, projects=ids)
    plan = "days" if by_days else "changes" if entry.include_deleted else "whole"
    assert again.modes == {plan: scopes}


@pytest.mark.parametrize("name", ["incidents", "requisitions", "change_order_packages", "meetings"])
def test_changes_in_the_sandbox_reach_the_store(
    sandbox: Sandbox, tmp_path: Path, name: str
) -> None:
    """Records created, updated and deleted in the sandbox are in the store after a resync."""
    client = sandbox_client(sandbox)
    ids = _working(sandbox, client)
    store = Store(client, tmp_path / "s.duckdb")
    store.sync(name, projects=ids)
    done = sandbox.mutate(name, project_id=ids[0], create=1, update=1, delete=1)
    report = store.sync(name, projects=ids)
    assert report.deleted == len(done["deleted"])
    got = store.frame(name, projects=ids, max_age=None)
    got.attrs = {}
    pd.testing.assert_frame_equal(got, _fresh(client, name, ids))
    assert set(done["created"]) <= set(got["id"])
