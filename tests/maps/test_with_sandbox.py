"""The maps, summaries and exports on projects fetched from the sandbox by the client.

These tests guard the contract between the client's DataFrames and this module's
functions: whatever dtypes the client returns (categorical stages, nullable integers,
nested custom fields, tz-aware times), the map, the tables and the exports take them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sandboxed import TODAY

import procore_nb
from procore_nb import maps
from procore_nb.reports import export, summaries
from procore_nb.sandbox import Sandbox


@pytest.fixture(scope="module")
def fetched() -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """All projects and the stage list of the sandbox's main company."""
    with Sandbox(seed=0, projects=150, rate_limit_spike=100_000, today=TODAY) as sb:
        client = procore_nb.Client(
            api_url=sb.url,
            client_id=sb.client_id,
            client_secret=sb.client_secret,
            company_id=sb.company_id,
            progress=False,
            cache="none",  # a module fixture runs before the autouse isolation of each test
        )
        client.exchange_code(sb.authorize())
        yield client.projects(status="all"), client.project_stages()
        client.close()


def test_map_of_sandbox_projects_accounts_for_every_project(
    fetched: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    """Every fetched project is either drawn or counted in the note, in the company's order."""
    projects, stages = fetched
    info = maps.project_map(projects, stages=stages["name"], size_by="total_value").procore_nb_map
    assert info.total == len(projects)
    assert info.shown + sum(info.left_off.values()) == len(projects)
    listed = list(stages["name"])
    assert list(info.plotted) == [s for s in listed if s in info.plotted]
    located = projects["latitude"].notna() & projects["longitude"].notna()
    assert info.left_off.get("missing", 0) == int((~located).sum())


def test_summary_and_interactive_map_of_sandbox_projects(
    fetched: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    """The stage summary counts every project; the interactive map holds every located one."""
    projects, stages = fetched
    table = summaries.stage_summary(projects, stages["name"])
    assert list(table.index[: len(stages)]) == list(stages["name"])
    assert int(table["projects"].sum()) == len(projects)
    assert table["share"].sum() == pytest.approx(1.0)
    m = maps.interactive_map(projects, stages=stages["name"], tiles=False)
    drawn = sum(len(layer.data["features"]) for layer in m.layers if not layer.base)
    assert drawn == int((projects["latitude"].notna() & projects["longitude"].notna()).sum())


def test_export_of_sandbox_projects_reads_back(
    fetched: tuple[pd.DataFrame, pd.DataFrame], tmp_path: Path
) -> None:
    """The projects and their summaries go to Excel and Parquet and come back whole."""
    projects, stages = fetched
    tables = {
        "Projects": projects,
        "By stage": summaries.stage_summary(projects, stages["name"]),
        "By state": summaries.state_by_stage(projects, stages["name"]),
        "Starts per quarter": summaries.starts_per_quarter(projects, stages["name"]),
    }
    sheets = pd.read_excel(export.to_excel(tables, tmp_path / "report.xlsx"), sheet_name=None)
    assert list(sheets) == list(tables)
    assert sheets["Projects"]["ID"].tolist() == projects["id"].tolist()
    back = pd.read_parquet(export.to_parquet(projects, tmp_path / "projects.parquet"))
    assert back["id"].tolist() == projects["id"].tolist()
    assert back["created_at"].tolist() == projects["created_at"].tolist()
