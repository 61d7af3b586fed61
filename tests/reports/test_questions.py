"""The one-line questions of analysis (hours, drawings, incident rate, invoices, meeting items)
on sandbox data."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pandas as pd
import pytest
from sandboxed import TODAY, sandbox_client

import procore_nb
from procore_nb import ConfigurationError, analysis
from procore_nb.sandbox import Sandbox

_ALL_DAYS = {"start_date": "2000-01-01", "end_date": "2100-12-31"}


@pytest.fixture(scope="module")
def client() -> Iterator[procore_nb.Client]:
    """A client of a 12-project sandbox, signed in as the demo admin."""
    with Sandbox(seed=3, projects=12, rate_limit_spike=100_000, today=TODAY) as sb:
        yield sandbox_client(sb)


@pytest.fixture(scope="module")
def projects(client: procore_nb.Client) -> list[int]:
    """Three projects under construction."""
    listed = client.projects()
    building = listed[listed["stage"].astype(str) == "Course of Construction"]
    return [int(i) for i in building["id"].iloc[:3]]


def _frame(client: procore_nb.Client, name: str, projects: list[int], **kw: str) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a project whose tool is disabled
        return client.frame(name, projects=projects, progress=False, **kw)


def test_hours_by_vendor_and_cost_code(client: procore_nb.Client, projects: list[int]) -> None:
    """Every timecard hour lands on its person's vendor and its cost code."""
    cards = _frame(client, "timecard_entries", projects, **_ALL_DAYS)
    users = _frame(client, "project_users", projects)
    table = analysis.hours_by_vendor(cards, users)
    assert table["hours"].sum() == pytest.approx(cards["hours"].sum())
    assert table["entries"].sum() == len(cards)
    vendors = set(table.index.get_level_values("vendor"))
    assert vendors <= {*users["vendor.name"].dropna(), "(none)"}
    assert len(vendors) > 3
    assert (table["people"] <= table["entries"]).all()
    assert table["hours"].is_monotonic_decreasing


def test_drawings_revised_in_the_last_30_days(
    client: procore_nb.Client, projects: list[int]
) -> None:
    """Only revisions after the first issue, received in the window, one row per drawing."""
    revisions = _frame(client, "drawing_revisions", projects)
    end = pd.Timestamp(revisions["received_date"].max())
    table = analysis.drawings_revised(revisions, days=365, as_of=end)
    window = revisions[
        (revisions["received_date"] > end - pd.Timedelta(days=365))
        & (revisions["order_in_drawing"] > 1)
    ]
    assert set(table["drawing_id"]) == set(window["drawing_id"])
    assert table["drawing_id"].is_unique
    assert list(table.columns[:2]) == ["project_id", "project_name"]
    assert (table["received_date"] > end - pd.Timedelta(days=365)).all()
    assert (
        len(analysis.drawings_revised(revisions, days=1, as_of=end - pd.Timedelta(days=5000))) == 0
    )


def test_incident_rate_per_200000_hours(client: procore_nb.Client, projects: list[int]) -> None:
    """The OSHA rate is recordable incidents x 200,000 / manpower hours, per project and all."""
    incidents = _frame(client, "incidents", projects)
    manpower = _frame(client, "manpower_logs", projects, status="all", **_ALL_DAYS)
    table = analysis.incident_rate(incidents, manpower)
    whole = table.loc["(all)"]
    assert whole["incidents"] == len(incidents)
    assert whole["recordable"] == incidents["recordable"].sum()
    assert whole["hours"] == pytest.approx(manpower["man_hours"].sum())
    assert whole["rate"] == pytest.approx(whole["recordable"] * 200_000 / whole["hours"])
    assert 0 < whole["rate"] < 30
    with pytest.raises(ConfigurationError, match="man_hours"):
        analysis.incident_rate(incidents, incidents)


def test_invoiced_against_committed(client: procore_nb.Client, projects: list[int]) -> None:
    """Each subcontract's invoices (drafts aside) add up, and never pass its revised value."""
    contracts = _frame(client, "work_order_contracts", projects)
    invoices = _frame(client, "requisitions", projects)
    table = analysis.invoiced_vs_committed(contracts, invoices)
    assert len(table) == len(contracts)
    billed = invoices[invoices["status"] != "draft"]["total_claimed_amount"].sum()
    assert table["invoiced"].sum() == pytest.approx(billed)
    assert (table["invoiced"] <= table["committed"] + 0.01).all()
    assert (table["approved"] <= table["invoiced"] + 0.01).all()
    assert table["invoiced_share"].dropna().is_monotonic_decreasing


def test_open_meeting_items_per_project(client: procore_nb.Client, projects: list[int]) -> None:
    """Open and on-hold topics per project, the overdue among them, the oldest one's age."""
    listed = client.projects(status="all")
    done = [int(i) for i in listed.loc[listed["stage"].astype(str) == "Completed", "id"]]
    topics = _frame(client, "meeting_topics", [*projects, *done[:1]])
    day = pd.Timestamp(TODAY, tz="UTC")
    table = analysis.open_meeting_items(topics, as_of=day)
    status = topics["status"]
    unresolved = topics[status.isin(["Open", "On Hold"])]
    assert table["items"].sum() == len(topics)
    assert table["open"].sum() == (status == "Open").sum() > 0
    assert table["on_hold"].sum() == (status == "On Hold").sum() > 0
    assert table["overdue"].sum() == (unresolved["due_date"] < day).sum() > 0
    oldest = unresolved.groupby("project_name")["created_on"].min()
    assert dict(table["oldest_open_days"].dropna()) == {
        name: float((day - when).days) for name, when in oldest.items()
    }
    finished = listed.loc[listed["id"] == done[0], "name"].iloc[0]
    assert table.loc[finished, ["open", "on_hold", "overdue"]].tolist() == [0, 0, 0]
    assert pd.isna(table.loc[finished, "oldest_open_days"])
    assert table["open"].is_monotonic_decreasing
    assert table.attrs["kinds"] == {
        "items": "count",
        "open": "count",
        "on_hold": "count",
        "overdue": "count",
        "oldest_open_days": "days",
    }
    latest = analysis.open_meeting_items(topics)  # as of the latest topic raised
    assert latest["open"].sum() == table["open"].sum()


def test_a_missing_column_is_named() -> None:
    """A frame without the needed columns raises, naming them."""
    with pytest.raises(ConfigurationError, match=r"party\.id"):
        analysis.hours_by_vendor(pd.DataFrame({"hours": [1.0]}), pd.DataFrame())


def test_invoiced_to_the_cent_is_neither_over_nor_short() -> None:
    """Invoices that add up to the contract in floats leave nothing remaining and 100% billed."""
    contracts = pd.DataFrame(
        {"id": [7], "title": ["Roofing"], "grand_total": [0.3], "approved_change_orders": [0.0]}
    )
    invoices = pd.DataFrame(
        {"commitment_id": [7, 7, 7], "total_claimed_amount": [0.1] * 3, "status": ["approved"] * 3}
    )
    row = analysis.invoiced_vs_committed(contracts, invoices).iloc[0]
    assert row["remaining"] == 0
    assert row["invoiced_share"] == 1
    assert row["invoiced"] == row["committed"]
    with pytest.raises(ConfigurationError, match="due_date"):
        analysis.open_meeting_items(pd.DataFrame({"project_name": ["A"], "status": ["Open"]}))
