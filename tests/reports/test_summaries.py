"""Stage summaries as tables, and the charts drawn from them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from mapdata import make_projects
from matplotlib.figure import Figure

from procore_nb import ConfigurationError, summaries


@pytest.fixture
def small() -> pd.DataFrame:
    """Five hand-made projects whose summary can be worked out by hand."""
    utc = "datetime64[ns, UTC]"
    return pd.DataFrame(
        {
            "project_stage.name": pd.array(
                ["Bidding", "Bidding", "Completed", None, "Mystery"], dtype="string"
            ),
            "stage": pd.array([None, None, None, "Completed", None], dtype="string"),
            "active": pd.array([True, False, None, True, True], dtype="boolean"),
            "total_value": [100.0, 300.0, np.nan, 50.0, 10.0],
            "estimated_value": [np.nan, np.nan, np.nan, np.nan, 5.0],
            "start_date": pd.to_datetime(
                ["2024-01-01", "2024-03-01", None, "2023-07-01", "2024-12-31"]
            ).as_unit("ns"),
            "completion_date": pd.to_datetime(
                ["2024-01-11", "2024-03-31", None, None, None]
            ).as_unit("ns"),
            "created_at": pd.to_datetime(
                ["2023-12-01", "2023-12-01", "2024-05-01", "2023-01-01", "2024-01-01"], utc=True
            ).astype(utc),
            "state_code": pd.array(["TX", "TX", "CA", None, "WA"], dtype="string"),
            "country_code": pd.array(["US", "US", "US", "US", "AU"], dtype="string"),
        }
    )


def test_stage_summary_counts_shares_values_age_and_duration(small: pd.DataFrame) -> None:
    """Counts, shares, active split, sums and medians match a hand calculation."""
    table = summaries.stage_summary(small, as_of="2025-01-01")
    assert list(table.index) == ["Bidding", "Completed", "Mystery"]
    assert table["projects"].tolist() == [2, 2, 1]
    assert table["share"].tolist() == pytest.approx([0.4, 0.4, 0.2])
    assert table["active"].tolist() == [1, 1, 1]
    assert table["inactive"].tolist() == [1, 0, 0]
    assert table["total_value"].tolist() == [400.0, 50.0, 10.0]
    assert table.loc["Bidding", "estimated_value"] is pd.NA
    # Bidding: 366 and 306 days since start; Completed: 550 since its start (2023-07-01) and
    # 245 since created (2024-05-01; no start date); Mystery: started the day before
    assert table["median_age_days"].tolist() == pytest.approx([336.0, 397.5, 1.0])
    assert table.loc["Bidding", "median_duration_days"] == pytest.approx(20.0)
    assert table.loc["Completed", "median_duration_days"] is pd.NA


def test_a_start_still_to_come_counts_age_since_creation(small: pd.DataFrame) -> None:
    """A project starting after the day measured is as old as its record, never negative."""
    table = summaries.stage_summary(small, as_of="2024-02-01")
    # Bidding: one started 31 days before (2024-01-01), one starts 2024-03-01: 62 days since
    # it was created (2023-12-01); the median of 31 and 62
    assert table.loc["Bidding", "median_age_days"] == pytest.approx(46.5)
    assert (table["median_age_days"].dropna() >= 0).all()


def test_stage_summary_keeps_listed_stages_without_projects(small: pd.DataFrame) -> None:
    """Stages from the company's list appear in its order, with zeros when empty."""
    table = summaries.stage_summary(small, ["Completed", "Warranty", "Bidding"])
    assert list(table.index) == ["Completed", "Warranty", "Bidding", "Mystery"]
    assert table.loc["Warranty", "projects"] == 0
    assert table.loc["Warranty", "share"] == 0.0
    assert table.loc["Warranty", "total_value"] is pd.NA


def test_stage_summary_without_optional_columns_reports_unknowns() -> None:
    """Only a stage column: counts and shares, the rest unknown (NA), not zero."""
    projects = pd.DataFrame({"stage": ["Bidding", "Completed", "Bidding"]})
    table = summaries.stage_summary(projects)
    assert table["projects"].tolist() == [2, 1]
    assert table["active"].isna().all()
    assert table["median_age_days"].isna().all()


def test_stage_summary_uses_categorical_order() -> None:
    """An ordered categorical stage column sets the row order."""
    order = ["Warranty", "Bidding", "Completed"]
    projects = pd.DataFrame(
        {"project_stage.name": pd.Categorical(["Bidding", "Warranty"], categories=order)}
    )
    table = summaries.stage_summary(projects)
    assert list(table.index) == order
    assert table["projects"].tolist() == [1, 1, 0]


def test_stage_summary_needs_a_stage_column() -> None:
    """Without any stage column the error says which column is needed."""
    with pytest.raises(ConfigurationError, match=r"project_stage\.name"):
        summaries.stage_summary(pd.DataFrame({"name": ["x"]}))


def test_state_by_stage_labels_foreign_states_and_missing_ones(small: pd.DataFrame) -> None:
    """Rows are states by count, foreign ones prefixed with the country, blanks last."""
    table = summaries.state_by_stage(small)
    assert list(table.index) == ["TX", "AU-WA", "CA", "(no state)"]
    assert list(table.columns) == ["Bidding", "Completed", "Mystery"]
    assert table.loc["TX", "Bidding"] == 2
    assert table.loc["(no state)", "Completed"] == 1
    assert int(table.to_numpy().sum()) == len(small)


def test_starts_per_quarter_fills_every_quarter_in_range(small: pd.DataFrame) -> None:
    """Quarters run without gaps from the first start to the last, by stage."""
    table = summaries.starts_per_quarter(small)
    assert [str(q) for q in table.index] == [
        "2023Q3",
        "2023Q4",
        "2024Q1",
        "2024Q2",
        "2024Q3",
        "2024Q4",
    ]
    assert table.loc[pd.Period("2024Q1"), "Bidding"] == 2
    assert table.loc[pd.Period("2023Q4")].sum() == 0
    assert table.attrs["without_start_date"] == 1
    assert int(table.to_numpy().sum()) == 4


def test_plot_stages_draws_a_bar_per_stage_with_its_count() -> None:
    """Horizontal bars in stage order, as long as the stage's project count."""
    projects = make_projects(120)
    table = summaries.stage_summary(projects)
    ax = summaries.plot_stages(projects).axes[0]
    widths = [bar.get_width() for bar in ax.patches]
    assert widths == table["projects"].astype(float).tolist()
    assert [t.get_text() for t in ax.get_yticklabels()] == list(table.index)
    labels = [t.get_text() for t in ax.texts]
    share = table["share"].iloc[0]
    assert labels[0] == f"{table['projects'].iloc[0]:,} ({share:.0%})"


def test_plot_state_by_stage_stacks_stages_and_groups_the_rest() -> None:
    """Stacked bars per state; beyond the top states the rest are one 'Other' bar."""
    projects = make_projects(300)
    table = summaries.state_by_stage(projects)
    ax = summaries.plot_state_by_stage(projects, top=5).axes[0]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[:5] == list(table.index[:5])
    assert ticks[5] == f"Other ({len(table) - 5})"
    totals = np.sum([[bar.get_height() for bar in c] for c in ax.containers], axis=0)
    assert totals[:5].tolist() == table.sum(axis=1).iloc[:5].astype(float).tolist()
    assert totals[5] == table.sum(axis=1).iloc[5:].sum()
    assert [c.get_label() for c in ax.containers] == [
        s for s in table.columns if table[s].sum() > 0
    ]


def test_plot_timeline_draws_every_quarter_stacked_by_stage(small: pd.DataFrame) -> None:
    """A bar per quarter whose stacked heights are the starts, and a note of the undated."""
    ax = summaries.plot_timeline(small).axes[0]
    heights = np.sum([[bar.get_height() for bar in c] for c in ax.containers], axis=0)
    assert heights.tolist() == [1.0, 0.0, 2.0, 0.0, 0.0, 1.0]
    assert "1 projects without a start date are not shown." in [t.get_text() for t in ax.texts]


def test_charts_draw_into_given_axes(small: pd.DataFrame) -> None:
    """Each chart draws into the axes it is given and returns their figure."""
    figure = Figure()
    axes = figure.subplots(1, 3)
    assert summaries.plot_stages(small, ax=axes[0]) is figure
    assert summaries.plot_state_by_stage(small, ax=axes[1]) is figure
    assert summaries.plot_timeline(small, ax=axes[2]) is figure
    assert all(ax.patches for ax in axes)


def test_no_projects_give_empty_tables_and_empty_charts(small: pd.DataFrame) -> None:
    """An empty projects table gives empty summaries and charts with nothing drawn."""
    empty = small.iloc[:0]
    assert summaries.stage_summary(empty).empty
    assert summaries.state_by_stage(empty).empty
    assert summaries.starts_per_quarter(empty).empty
    assert len(summaries.plot_stages(empty).axes[0].patches) == 0
    assert len(summaries.plot_state_by_stage(empty).axes[0].containers) == 0
    assert len(summaries.plot_timeline(empty).axes[0].containers) == 0


def test_stage_chart_counts_every_project(small: pd.DataFrame) -> None:
    """The chart's total is every project, those without a stage included (in their own bar)."""
    ax = summaries.plot_stages(small).axes[0]
    assert sum(bar.get_width() for bar in ax.patches) == len(small)
    assert ax.get_title(loc="left") == f"Projects by stage ({len(small)})"
    assert "(no stage)" not in [t.get_text() for t in ax.get_yticklabels()]  # all have one here
    unknown = small.assign(**{"project_stage.name": pd.NA, "stage": pd.NA})
    ax = summaries.plot_stages(unknown).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "(no stage)"
    assert sum(bar.get_width() for bar in ax.patches) == len(small)
