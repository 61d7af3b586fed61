"""The default portfolio, measured at its today, reads as a live one an executive would believe.

The records are the ones the server serves (its store of generated records), turned into frames
as the client turns them, and measured with the report functions of :mod:`procore_nb.reports`.
An item is overdue when it is open, was sent (drafts never were) and its due day is past.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest
from sandboxed import TODAY

from procore_nb.frames._convert import to_frame
from procore_nb.reports import analysis
from procore_nb.sandbox import Options
from procore_nb.sandbox._data import MAIN_COMPANY_ID, World
from procore_nb.sandbox._store import Store

#: Stages of a project that is over.
FINISHED = {"Completed", "Warranty", "Canceled"}
#: Per item resource: its due column and how a draft (never sent) shows, if it has drafts.
ITEMS = {
    "rfis": ("due_date", ("status", "draft")),
    "submittals": ("due_date", ("status.status", "Draft")),
    "punch_items": ("due_date", ("status", "Pending")),
    "observations": ("due_date", None),
    "checklists": ("due_at", None),
}
DAY = pd.Timestamp(TODAY)


@dataclass
class Portfolio:
    """The main company's projects and the frames of its records."""

    store: Store
    projects: pd.DataFrame
    frames: dict[str, pd.DataFrame]

    def frame(self, name: str, ids: list[int]) -> pd.DataFrame:
        rows = [
            record | {"project_id": pid}
            for pid in ids
            for record in self.store.bucket(name, pid).records
        ]
        return to_frame(rows, name)


@pytest.fixture(scope="module")
def portfolio() -> Portfolio:
    """The default sandbox's data (seed 0, 400 projects) at the tests' pinned today."""
    world = World(Options(seed=0, today=TODAY))
    projects = to_frame(world.companies[MAIN_COMPANY_ID].projects, "projects")
    found = Portfolio(Store(world, 0), projects, {})
    ids = [int(i) for i in projects["id"]]
    found.frames = {name: found.frame(name, ids) for name in ITEMS}
    return found


def _stage_of(portfolio: Portfolio, items: pd.DataFrame) -> pd.Series:
    stages = dict(
        zip(portfolio.projects["id"], portfolio.projects["stage"].astype(str), strict=True)
    )
    return items["project_id"].map(stages)


def _sent_open(items: pd.DataFrame, name: str) -> pd.Series:
    draft = ITEMS[name][1]
    still = analysis.is_open(items)
    if draft is not None:
        still &= items[draft[0]].astype("string") != draft[1]
    return still


@pytest.mark.parametrize("name", list(ITEMS))
def test_a_minority_of_open_items_is_overdue(portfolio: Portfolio, name: str) -> None:
    """Between 15% and 45% of the open (sent) items are past their due day."""
    items = portfolio.frames[name]
    sent = _sent_open(items, name)
    late = sent & analysis.is_overdue(items, as_of=DAY, due=ITEMS[name][0])
    assert sent.sum() >= 100
    assert 0.15 <= late.sum() / sent.sum() <= 0.45


@pytest.mark.parametrize("name", list(ITEMS))
def test_open_items_are_recent(portfolio: Portfolio, name: str) -> None:
    """The median open item is at most 45 days old, and none is older than two years."""
    items = portfolio.frames[name]
    ages = analysis.age_days(items[analysis.is_open(items)], as_of=DAY)
    assert ages.median() <= 45
    assert ages.max() <= 730
    assert ages.min() >= 1  # made before today


@pytest.mark.parametrize("name", list(ITEMS))
def test_little_is_open_on_finished_projects(portfolio: Portfolio, name: str) -> None:
    """At most 2% of a finished project's items are open, and at most 2% of open items are on
    finished projects; at least 80% of open items are on active projects."""
    items = portfolio.frames[name]
    still = analysis.is_open(items)
    finished = _stage_of(portfolio, items).isin(FINISHED)
    assert finished.sum() > 0
    assert (still & finished).sum() <= 0.02 * finished.sum()
    assert (still & finished).sum() <= 0.02 * still.sum()
    active = set(portfolio.projects.loc[portfolio.projects["active"].astype(bool), "id"])
    assert items.loc[still, "project_id"].isin(active).mean() >= 0.8


def test_bids_are_months_old(portfolio: Portfolio) -> None:
    """The median Bidding project was created less than a year ago."""
    projects = portfolio.projects
    bids = projects[projects["stage"] == "Bidding"]
    ages = analysis.age_days(bids, as_of=DAY)
    assert len(bids) >= 5
    assert ages.median() < 365


def test_the_health_map_has_bands_an_executive_recognises(portfolio: Portfolio) -> None:
    """Scored as the portfolio report scores the active projects, no band holds more than half
    of them, each holds at least a tenth, and fewer are at risk than healthy."""
    projects = portfolio.projects
    active = [int(i) for i in projects.loc[projects["active"].astype(bool), "id"]]
    chosen = {
        name: frame[frame["project_id"].isin(active)]
        for name, frame in portfolio.frames.items()
        if name in ("rfis", "submittals", "punch_items")
    }
    budget = portfolio.frame("budget_detail_rows", active)
    commitments = pd.concat(
        [
            portfolio.frame(name, active)
            for name in ("work_order_contracts", "purchase_order_contracts")
        ],
        ignore_index=True,
    )
    overdue = (
        pd.concat(
            [
                analysis.open_and_overdue(f, as_of=DAY, by="project_id")["overdue"]
                for f in chosen.values()
            ],
            axis=1,
        )
        .fillna(0)
        .sum(axis=1)
    )
    cost = analysis.cost_by_project(budget, commitments, by="project_id")
    read = projects[
        projects["id"].isin(chosen["rfis"]["project_id"])
        | projects["id"].isin(budget["project_id"])
    ]
    bands = analysis.health(read, overdue=overdue, variance_share=cost["variance_share"])["health"]
    shares = bands.value_counts(normalize=True)
    assert len(read) >= 200
    assert set(shares.index) == set(analysis.HEALTH_COLOURS)
    assert shares.max() <= 0.5
    assert shares.min() >= 0.1
    assert shares["At risk"] < shares["Healthy"]
