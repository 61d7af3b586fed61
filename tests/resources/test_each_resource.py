"""Every registry resource against the sandbox: all rows, the registry's dtypes, a unique key."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from resource_counts import WIDE, server_count

from procore_nb import Client
from procore_nb._registry import registry
from procore_nb.frames._schema import Kind, dtype_of
from procore_nb.sandbox import Sandbox

NAMES = sorted(registry())


def _projects(client: Client) -> list[int]:
    return [int(i) for i in client.projects()["id"].iloc[:4]]


@pytest.mark.parametrize("name", NAMES)
def test_rows_dtypes_and_key(client: Client, sb: Sandbox, name: str) -> None:
    """The frame holds the server's Total (summed over projects) in the registry's dtypes."""
    entry = registry()[name]
    projects = _projects(client) if entry.project_scoped else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # projects whose tool is disabled
        df = client.frame(name, projects=projects, **WIDE.get(name, {}))
    if projects is None:
        expected = server_count(sb, client, entry, None)
    else:
        counts = {p: server_count(sb, client, entry, p) for p in projects}
        expected = sum(n or 0 for n in counts.values())
        skipped = {item["project_id"] for item in df.attrs["skipped"]}
        assert skipped == {p for p, n in counts.items() if n is None}
        assert set(df["project_id"].dropna()) <= set(projects)
        assert list(df.columns[:2]) == ["project_id", "project_name"]
        assert str(df["project_id"].dtype) == "Int64"
    assert len(df) == expected
    for column, kind in entry.columns.items():
        if column in ("project_id",) and entry.project_scoped:
            continue  # the pull's own project_id column
        stages = name == "projects"  # the client reads the company's stage order for projects
        assert str(df[column].dtype) == dtype_of(Kind(kind), stages_known=stages), column
    # The key is unique per project: one user or vendor belongs to several projects.
    scope = ["project_id"] if entry.project_scoped else []
    keys = df[[*scope, entry.key]].dropna()
    assert not keys.duplicated().any(), f"{name}: {entry.key} repeats"
    assert df.attrs["resource"] == name
    assert df.attrs["rows"] == len(df)


@pytest.mark.parametrize("name", NAMES)
def test_limit_is_a_row_count(client: Client, name: str) -> None:
    """limit= returns at most that many rows on every resource, never a filter."""
    entry = registry()[name]
    projects = "active" if entry.project_scoped else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        full = client.frame(name, projects=projects, **WIDE.get(name, {}))
        some = client.frame(name, projects=projects, limit=3, **WIDE.get(name, {}))
    assert len(some) == min(3, len(full))
    known = [*(["project_id", "project_name"] if entry.project_scoped else []), *entry.columns]
    known = list(dict.fromkeys(known))
    pd.testing.assert_frame_equal(some[known], full.head(len(some))[known])


def test_projects_limit_and_unknown_filter(client: Client) -> None:
    """client.projects(limit=5) gives five rows (it used to return every project)."""
    assert len(client.projects(limit=5)) == 5
    assert len(client.projects(status="all", limit=500)) == len(client.projects(status="all"))


def test_raw_path_of_a_registry_resource_is_typed(client: Client, sb: Sandbox) -> None:
    """A raw /rest/... path that fills a registry template gets that resource's dtypes."""
    project = _projects(client)[0]
    df = client.frame(f"/rest/v1.0/projects/{project}/rfis")
    assert len(df) == server_count(sb, client, registry()["rfis"], project)
    assert str(df["due_date"].dtype) == dtype_of(Kind.DATE)
    assert "project_id" not in df.columns[:1]


def test_raw_filters_pass_through(client: Client) -> None:
    """Raw filters[...] parameters are sent unchecked beside checked keywords."""
    everything = client.projects(status="all")
    raw = client.frame("projects", {"filters[by_status]": "All"})
    assert len(raw) == len(everything)


def test_filters_reach_the_server(client: Client) -> None:
    """A checked filter narrows the answer as Procore would (open RFIs only)."""
    projects = _projects(client)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        everything = client.frame("rfis", projects=projects)
        open_only = client.r.rfis(projects, status="open")
    assert set(open_only["status"]) <= {"open"}
    assert len(open_only) == (everything["status"] == "open").sum()


def test_resources_frame_and_namespace(client: Client) -> None:
    """client.resources() lists the registry; client.r completes and documents each call."""
    df = client.resources()
    assert list(df["name"]) == list(registry())
    assert df.loc[df["name"] == "rfis", "incremental"].item() == "updated_at, created_at"
    assert set(dir(client.r)) == set(registry())
    doc = client.r.rfis.__doc__ or ""
    assert "status : enum: open, closed, draft" in doc
    assert "ball_in_court.id : id" in doc
    with pytest.raises(AttributeError, match=r"client\.resources"):
        _ = client.r.rfi
