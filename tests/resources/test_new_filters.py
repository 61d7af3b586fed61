"""Filters of the new resources narrow the sandbox's answers as Procore's would."""

from __future__ import annotations

import warnings
from typing import Any

import pandas as pd
import pytest

from procore_nb import Client, ConfigurationError
from procore_nb.sandbox import Sandbox

_ALL_DAYS = {"start_date": "2000-01-01", "end_date": "2100-12-31"}


def _busy(client: Client) -> list[int]:
    """Two projects under construction."""
    projects = client.projects()
    building = projects[projects["stage"].astype(str) == "Course of Construction"]
    return [int(i) for i in building["id"].iloc[:2]]


def _frame(client: Client, name: str, projects: list[int], **filters: Any) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a project whose tool is disabled
        return client.frame(name, projects=projects, **filters)


def test_drawing_revisions_by_area_and_current(client: Client, sb: Sandbox) -> None:
    """drawing_area_id= keeps that area's revisions; each sheet has one current revision."""
    projects = _busy(client)[:1]
    everything = _frame(client, "drawing_revisions", projects)
    area = int(everything["drawing_area.id"].iloc[-1])
    one = _frame(client, "drawing_revisions", projects, drawing_area_id=area)
    assert 0 < len(one) < len(everything)
    assert set(one["drawing_area.id"]) == {area}
    current = everything[everything["current"]]
    assert current["drawing_id"].is_unique
    assert set(current["drawing_id"]) == set(everything["drawing_id"])


def test_images_by_album_and_album_counts(client: Client, sb: Sandbox) -> None:
    """image_category_id= keeps one album, whose count equals its photos."""
    projects = _busy(client)[:1]
    albums = _frame(client, "image_categories", projects)
    album = albums.iloc[0]
    photos = _frame(client, "images", projects, image_category_id=int(album["id"]))
    assert set(photos["image_category_id"]) <= {album["id"]}
    assert len(photos) == album["count"]


def test_incidents_recordable_and_status(client: Client, sb: Sandbox) -> None:
    """recordable= and status= narrow incidents; a bad status names the allowed ones."""
    projects = _busy(client)
    everything = _frame(client, "incidents", projects)
    recordable = _frame(client, "incidents", projects, recordable=True)
    assert len(recordable) == everything["recordable"].sum()
    closed = _frame(client, "incidents", projects, status=["closed"])
    assert len(closed) == (everything["status"] == "closed").sum()
    with pytest.raises(ConfigurationError, match="open, closed"):
        client.frame("incidents", projects=projects, status=["shut"])


def test_delivery_logs_approved_unless_asked(client: Client, sb: Sandbox) -> None:
    """Delivery logs answer approved ones by default, pending ones with status=all."""
    projects = _busy(client)
    approved = _frame(client, "delivery_logs", projects, **_ALL_DAYS)
    every = _frame(client, "delivery_logs", projects, status="all", **_ALL_DAYS)
    assert set(approved["status"]) == {"approved"}
    assert len(every) >= len(approved)
    assert set(every["status"]) <= {"approved", "pending"}


def test_timecards_one_day_by_default(client: Client, sb: Sandbox) -> None:
    """Timecard entries answer one day (log_date) or a range, as daily logs do."""
    projects = _busy(client)[:1]
    week = _frame(client, "timecard_entries", projects, **_ALL_DAYS)
    last = week["date"].max()
    one = _frame(client, "timecard_entries", projects, log_date=last.date())
    assert len(one) == (week["date"] == last).sum() > 0


def test_packages_by_contract_and_deleted(client: Client, sb: Sandbox) -> None:
    """contract_id= keeps one contract's packages; include_deleted finds a deleted one."""
    projects = _busy(client)[:1]
    everything = _frame(client, "change_order_packages", projects)
    contract = int(everything["contract_id"].iloc[0])
    one = _frame(client, "change_order_packages", projects, contract_id=contract)
    assert set(one["contract_id"]) == {contract}
    done = sb.mutate("change_order_packages", project_id=projects[0], delete=1)
    gone = _frame(client, "change_order_packages", projects, include_deleted="only")
    assert set(gone["id"]) == set(done["deleted"])


def test_drawings_of_an_area_are_its_current_sheets(client: Client, sb: Sandbox) -> None:
    """drawing_area_id= picks an area's drawings: the current revisions of that area."""
    projects = _busy(client)[:1]
    areas = _frame(client, "drawing_areas", projects)
    revisions = _frame(client, "drawing_revisions", projects)
    for area in areas["id"]:
        sheets = _frame(client, "drawings", projects, drawing_area_id=int(area))
        current = revisions[revisions["current"] & (revisions["drawing_area.id"] == area)]
        assert set(sheets["id"]) == set(current["drawing_id"])
        assert set(sheets["current_revision.id"]) == set(current["id"])
        assert len(sheets) == areas.loc[areas["id"] == area, "drawings_count"].item()


@pytest.mark.parametrize(
    "name", ["timecard_entries", "weather_logs", "work_logs", "delivery_logs", "equipment_logs"]
)
def test_logs_fall_on_working_days(client: Client, sb: Sandbox, name: str) -> None:
    """Timecards and daily logs are dated Monday to Friday, none today or later."""
    frame = _frame(client, name, _busy(client), **_ALL_DAYS)
    assert set(frame["date"].dt.day_of_week) == {0, 1, 2, 3, 4}
    assert frame["created_at"].max() < pd.Timestamp(sb.today, tz="UTC")
