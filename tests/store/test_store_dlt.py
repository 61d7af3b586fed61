"""The dlt source: loads into dlt's duckdb destination, and a second run agrees with a fresh one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from sandboxed import TODAY, sandbox_client

from procore_nb.sandbox import Sandbox


@pytest.fixture(autouse=True)
def _no_telemetry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep dlt offline (no telemetry) and its state inside tmp_path."""
    monkeypatch.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt"))


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    """A small sandbox."""
    with Sandbox(seed=5, projects=30, rate_limit_spike=100_000, today=TODAY) as sandbox:
        yield sandbox


def _load(sb: Sandbox, folder: Path, name: str, runs: int, *, exact: bool) -> pd.DataFrame:
    import dlt

    from procore_nb.dlt_source import procore_source

    client = sandbox_client(sb)
    pipeline = dlt.pipeline(
        pipeline_name=name,
        pipelines_dir=str(folder / "pipelines"),
        destination=dlt.destinations.duckdb(str(folder / f"{name}.duckdb")),
        dataset_name="procore",
    )
    for _ in range(runs):
        pipeline.run(procore_source(client, ["projects", "project_stages"], exact=exact))
    with duckdb.connect(str(folder / f"{name}.duckdb")) as connection:
        frame = connection.execute("select * from procore.projects order by id").df()
    return frame.drop(columns=[c for c in frame.columns if c.startswith("_dlt")])


@pytest.mark.parametrize("exact", [True, False])
def test_two_runs_equal_a_fresh_full_pull(sb: Sandbox, tmp_path: Path, exact: bool) -> None:
    """Loading twice (incremental with exact=False) gives the table one fresh load gives."""
    twice = _load(sb, tmp_path, "twice", runs=2, exact=exact)
    fresh = _load(sb, tmp_path, "fresh", runs=1, exact=exact)
    pd.testing.assert_frame_equal(twice, fresh)
    client = sandbox_client(sb)
    assert twice["id"].tolist() == sorted(client.projects(status="all")["id"].tolist())


def test_records_are_plain_values() -> None:
    """records() turns NA into None and timestamps into datetimes, and keeps lists."""
    from procore_nb.dlt_source import records

    frame = pd.DataFrame(
        {
            "id": pd.array([1, None], dtype="Int64"),
            "at": pd.to_datetime(["2025-01-01T00:00:00Z", None], utc=True),
            "tags": pd.Series([["a"], None], dtype=object),
        }
    )
    rows: list[dict[str, Any]] = list(records(frame))
    assert rows[1] == {"id": None, "at": None, "tags": None}
    assert rows[0]["tags"] == ["a"]
    assert rows[0]["at"].year == 2025
