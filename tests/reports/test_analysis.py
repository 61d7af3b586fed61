"""The sums of notebooks 04-07 on small DataFrames: open, overdue, ageing, cost, health."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from procore_nb import ConfigurationError
from procore_nb.reports import analysis

DAY = pd.Timestamp("2025-06-30")


def _utc(text: str | None) -> pd.Timestamp:
    return pd.NaT if text is None else pd.Timestamp(text, tz="UTC")


@pytest.fixture
def rfis() -> pd.DataFrame:
    """Five RFIs in two projects: closed, open and late, open in time, draft and late, void."""
    return pd.DataFrame(
        {
            "project_id": pd.array([1, 1, 1, 2, 2], dtype="Int64"),
            "project_name": pd.array(["A", "A", "A", "B", "B"], dtype="string"),
            "status": pd.array(["closed", "open", "open", "draft", "void"], dtype="string"),
            "due_date": pd.to_datetime(
                ["2025-06-01", "2025-06-10", "2025-07-10", "2025-06-20", "2025-05-01"]
            ),
            "created_at": pd.Series(
                [
                    _utc("2025-05-20"),
                    _utc("2025-06-01"),
                    _utc("2025-06-25"),
                    _utc("2025-04-01"),
                    _utc("2025-04-20"),
                ]
            ),
            "time_resolved": pd.Series(
                [_utc("2025-05-30"), None, None, None, _utc("2025-05-02")],
                dtype="datetime64[ns, UTC]",
            ),
            "updated_at": pd.Series([_utc("2025-06-30")] * 5),
            "ball_in_court.name": pd.array(["Ann", "Bo", "Bo", None, "Ann"], dtype="string"),
            "responsible_contractor.name": pd.array(["X", "X", "Y", "Y", "Y"], dtype="string"),
        }
    )


def test_open_excludes_closed_void_and_drafts(rfis: pd.DataFrame) -> None:
    """Open: sent, and neither closed nor void nor resolved; a draft was never sent."""
    assert analysis.is_open(rfis).tolist() == [False, True, True, False, False]


def test_overdue_is_open_and_past_due(rfis: pd.DataFrame) -> None:
    """Overdue: open with a due date before the day; closed or draft late items are not."""
    assert analysis.is_overdue(rfis, as_of=DAY).tolist() == [False, True, False, False, False]


def test_open_and_overdue_counts_per_project(rfis: pd.DataFrame) -> None:
    """Per project: items, open, overdue, overdue share of open and days late, worst first."""
    table = analysis.open_and_overdue(rfis, as_of=DAY)
    assert list(table.index) == ["A", "B"]
    assert table.loc["A", ["items", "open", "overdue"]].tolist() == [3, 2, 1]
    assert table.loc["B", ["items", "open", "overdue"]].tolist() == [2, 0, 0]
    assert table.loc["A", "overdue_share"] == pytest.approx(0.5)
    assert table.loc["A", "days_late"] == pytest.approx(20.0)  # due 06-10, as of 06-30
    assert np.isnan(table.loc["B", "overdue_share"])  # nothing open
    assert np.isnan(table.loc["B", "days_late"])
    assert table.attrs["kinds"] == {
        "items": "count",
        "open": "count",
        "overdue": "count",
        "overdue_share": "share",
        "days_late": "days",
    }


def test_open_and_overdue_keeps_numeric_ids(rfis: pd.DataFrame) -> None:
    """Grouped by project id, the index holds the ids (to join with projects)."""
    table = analysis.open_and_overdue(rfis, as_of=DAY, by="project_id")
    assert sorted(table.index.tolist()) == [1, 2]


def test_ageing_buckets_open_items_by_ball_in_court(rfis: pd.DataFrame) -> None:
    """Open items only, in age buckets by days since created; missing names say (none)."""
    table = analysis.ageing(rfis, as_of=DAY, by="ball_in_court.name")
    assert list(table.columns) == [
        "0-7 days",
        "8-14 days",
        "15-30 days",
        "31-60 days",
        "over 60 days",
        "total",
    ]
    assert table.loc["Bo"].tolist() == [1, 0, 1, 0, 0, 2]  # 5 and 29 days old
    assert "(none)" not in table.index  # the draft: not open
    assert "Ann" not in table.index  # her RFIs are closed


def test_ageing_refuses_unsorted_buckets(rfis: pd.DataFrame) -> None:
    """Buckets must increase."""
    with pytest.raises(ConfigurationError, match="buckets"):
        analysis.ageing(rfis, as_of=DAY, buckets=(30, 7))


def test_turnaround_counts_closed_items_only(rfis: pd.DataFrame) -> None:
    """Days from created to resolved, per contractor, for resolved items only."""
    table = analysis.turnaround(rfis)
    assert table.loc["X"].tolist() == [1, 10.0, 10.0]
    assert table.loc["Y"].tolist() == [1, 12.0, 12.0]


def test_overdue_over_time_counts_on_each_day(rfis: pd.DataFrame) -> None:
    """Overdue on a day: created by then, past due then, and not yet resolved then."""
    series = analysis.overdue_over_time(rfis, as_of=DAY, freq="D", periods=1)
    assert series.tolist() == [1]  # the draft, late too, was never sent
    on = analysis.overdue_over_time(rfis, as_of=pd.Timestamp("2025-06-02"), freq="D", periods=1)
    # the closed one was resolved on 05-30 (before it was late), the void one on 05-02
    assert on.tolist() == [0]


def test_a_missing_column_is_named(rfis: pd.DataFrame) -> None:
    """A frame without the needed column gets a ConfigurationError naming it."""
    with pytest.raises(ConfigurationError, match="due_date"):
        analysis.is_overdue(rfis.drop(columns="due_date"), as_of=DAY)


def test_as_of_is_the_latest_update(rfis: pd.DataFrame) -> None:
    """The day of the data is its latest updated_at, as a naive day."""
    assert analysis.as_of(rfis) == DAY


def test_cost_by_project_adds_up() -> None:
    """Budget against commitments plus approved and pending change orders, worst first."""
    budget = pd.DataFrame(
        {
            "project_name": ["A", "A", "B"],
            "original_budget_amount": [100.0, 50.0, 200.0],
            "budget_modifications": [10.0, np.nan, 0.0],
        }
    )
    commitments = pd.DataFrame(
        {
            "project_name": ["A", "B", "B"],
            "grand_total": [120.0, 100.0, 50.0],
            "approved_change_orders": [30.0, 0.0, 10.0],
            "pending_change_orders": [20.0, 5.0, 0.0],
        }
    )
    table = analysis.cost_by_project(budget, commitments)
    assert list(table.index) == ["A", "B"]  # A is over budget
    assert table.loc["A"].to_dict() == pytest.approx(
        {
            "budget": 160.0,
            "committed": 120.0,
            "approved_cos": 30.0,
            "pending_cos": 20.0,
            "revised_committed": 150.0,
            "exposure": 170.0,
            "variance": -10.0,
            "variance_share": -10.0 / 160.0,
        }
    )
    assert table.loc["B", "variance"] == pytest.approx(200.0 - 165.0)
    assert table.attrs["without_budget"] == 0
    assert table.attrs["kinds"]["variance_share"] == "share"
    assert table.attrs["kinds"]["exposure"] == "money"


def test_projects_without_a_budget_are_left_out_of_variance() -> None:
    """No budget: no variance (missing, listed last), and counted in attrs."""
    budget = pd.DataFrame({"project_name": ["A", "B"], "original_budget_amount": [100.0, 0.0]})
    commitments = pd.DataFrame(
        {
            "project_name": ["A", "B", "C"],
            "grand_total": [90.0, 500.0, 800.0],
            "approved_change_orders": [0.0, 0.0, 0.0],
            "pending_change_orders": [0.0, 0.0, 0.0],
        }
    )
    table = analysis.cost_by_project(budget, commitments)
    assert next(iter(table.index)) == "A"
    assert table.loc[["B", "C"], "variance"].isna().all()
    assert table.loc[["B", "C"], "variance_share"].isna().all()
    assert table.attrs["without_budget"] == 2


def test_two_projects_of_one_name_are_not_summed_as_one() -> None:
    """A name two projects share carries each id, in every table, alike across frames."""
    budget = pd.DataFrame(
        {
            "project_id": [1, 3],
            "project_name": ["Tower", "Depot"],
            "original_budget_amount": [100.0, 50.0],
        }
    )
    commitments = pd.DataFrame(
        {
            "project_id": [1, 2, 3],
            "project_name": ["Tower", "Tower", "Depot"],
            "grand_total": [90.0, 500.0, 40.0],
            "approved_change_orders": [0.0, 0.0, 0.0],
            "pending_change_orders": [0.0, 0.0, 0.0],
        }
    )
    table = analysis.cost_by_project(budget, commitments)
    assert sorted(table.index) == ["Depot", "Tower (id 1)", "Tower (id 2)"]
    assert table.loc["Tower (id 1)", "variance"] == pytest.approx(10.0)
    assert pd.isna(table.loc["Tower (id 2)", "variance"])
    items = pd.DataFrame(
        {
            "project_id": [1, 2, 2],
            "project_name": ["Tower", "Tower", "Tower"],
            "status": ["open", "open", "closed"],
            "due_date": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-01"]),
            "created_at": pd.to_datetime(["2024-12-01"] * 3, utc=True),
        }
    )
    status = analysis.open_and_overdue(items, as_of=DAY)
    assert status["items"].to_dict() == {"Tower (id 1)": 1, "Tower (id 2)": 2}


def test_change_order_exposure_sums_by_status() -> None:
    """Counts and sums per status; open amount is pending plus draft."""
    orders = pd.DataFrame(
        {
            "project_name": ["A", "A", "A", "B"],
            "status": ["approved", "pending", "draft", "rejected"],
            "grand_total": [10.0, 20.0, 5.0, 7.0],
        }
    )
    table = analysis.change_order_exposure(orders)
    assert table.loc["A", "approved_count"] == 1
    assert table.loc["A", "open_amount"] == pytest.approx(25.0)
    assert table.loc["B", "open_amount"] == pytest.approx(0.0)
    assert table.loc["B", "rejected_amount"] == pytest.approx(7.0)


def test_inspection_outcomes_rate_deficient_items() -> None:
    """Deficient over conforming plus deficient, per trade."""
    checklists = pd.DataFrame(
        {
            "trade.name": ["Concrete", "Concrete", "Electrical"],
            "conforming_item_count": [8.0, 10.0, 5.0],
            "deficient_item_count": [2.0, 0.0, 5.0],
            "not_applicable_item_count": [1.0, np.nan, 0.0],
        }
    )
    table = analysis.inspection_outcomes(checklists)
    assert list(table.index) == ["Electrical", "Concrete"]
    assert table.loc[
        "Concrete", ["inspections", "conforming", "deficient", "not_applicable"]
    ].tolist() == [2, 18, 2, 1]
    assert table.loc["Concrete", "deficient_rate"] == pytest.approx(0.1)


def test_per_week_sums_by_monday_weeks() -> None:
    """Man-hours per vendor and week starting Monday, busiest vendor first, no week skipped."""
    logs = pd.DataFrame(
        {
            "vendor.name": ["V", "V", "W"],
            "man_hours": [8.0, 16.0, 40.0],
            "date": pd.to_datetime(["2025-06-02", "2025-06-08", "2025-06-23"]),
        }
    )
    table = analysis.per_week(logs)
    assert list(table.index) == ["W", "V"]
    assert [f"{w:%Y-%m-%d}" for w in table.columns] == [
        "2025-06-02",
        "2025-06-09",
        "2025-06-16",
        "2025-06-23",
    ]  # the weeks nobody logged are there
    assert table.loc["V"].tolist() == [24.0, 0.0, 0.0, 0.0]
    assert table.loc["W"].tolist() == [0.0, 0.0, 0.0, 40.0]


def _expected_score(overdue: float, days_late: float, overrun: float) -> float:
    """The health score by its documented sum of three smooth parts."""
    return round(
        30 * (1 - np.exp(-overdue / 10))
        + 20 * (1 - np.exp(-days_late / 30))
        + 50 * (1 - np.exp(-overrun / 0.10)),
        2,
    )


def test_health_scores_overdue_lateness_and_overrun() -> None:
    """30 points for overdue items, 20 for days late, 50 for overrun; bands at 20 and 40."""
    projects = pd.DataFrame({"id": [1, 2, 3, 4], "name": ["a", "b", "c", "d"]})
    overdue = pd.Series({1: 0, 2: 10, 3: 4})
    days_late = pd.Series({2: 30.0, 3: 5.0})
    share = pd.Series({1: 0.05, 2: -0.2, 3: -0.05})
    scored = analysis.health(projects, overdue=overdue, days_late=days_late, variance_share=share)
    assert scored["health_score"].tolist() == [
        0.0,
        _expected_score(10, 30, 0.2),
        _expected_score(4, 5, 0.05),
        0.0,
    ]
    assert scored["health"].tolist() == ["Healthy", "At risk", "Watch", "Healthy"]
    assert scored["overdue_items"].tolist() == [0, 10, 4, 0]
    assert np.isnan(scored["cost_variance"].iloc[3])  # no budget read: no variance
    assert scored.attrs["kinds"]["health_score"] == "score"


def test_health_separates_what_a_cap_would_tie() -> None:
    """Worse is always higher: 20 and 40 overdue items, 20% and 40% over, all differ."""
    projects = pd.DataFrame({"id": [1, 2, 3, 4]})
    overdue = pd.Series({1: 20, 2: 40, 3: 20, 4: 40})
    share = pd.Series({1: -0.2, 2: -0.2, 3: -0.4, 4: -0.4})
    scores = analysis.health(projects, overdue=overdue, variance_share=share)["health_score"]
    assert scores.is_unique
    assert scores.iloc[3] == scores.max()
    assert scores.max() < 100


def test_health_is_explained_in_one_sentence() -> None:
    """The report's sentence names the three parts and their points, which add up to 100."""
    assert sum(analysis.HEALTH_POINTS.values()) == 100
    text = analysis.HEALTH_EXPLAINED
    assert text.count(". ") == 0
    assert text.endswith(".")
    for points in analysis.HEALTH_POINTS.values():
        assert f"{points:.0f} points" in text or f"up to {points:.0f}" in text
