"""Tables formatted for reading: percentages, money without cents, whole days."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from procore_nb import ConfigurationError, summaries, tables


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1_647_776_123.76, "$1,647,776,124"),
        (999.5, "$1,000"),
        (512.3, "$512.30"),
        (0, "$0.00"),
        (-2_500, "-$2,500"),
        (np.nan, "\u2013"),
        (pd.NA, "\u2013"),
    ],
)
def test_money_has_separators_and_no_cents_on_large_sums(value: object, expected: str) -> None:
    """Sums from a thousand up lose their cents; smaller ones keep two decimals."""
    assert tables.money(value) == expected


def test_money_takes_the_company_currency() -> None:
    """The currency symbol is the caller's (Procore keeps one currency per company)."""
    assert tables.money(12_345.6, currency="€") == "€12,346"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.0475, "4.8%"), (0.445, "44.5%"), (1, "100.0%"), (0, "0.0%"), (None, "\u2013")],
)
def test_percent_reads_shares_from_zero_to_one(value: object, expected: str) -> None:
    """A share of 0.0475 reads 4.8%."""
    assert tables.percent(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2366.303229, "2,366"),
        (519.5, "520"),
        (-12.2, "-12"),
        (pd.Timedelta(hours=36), "2"),
        (pd.NaT, "\u2013"),
    ],
)
def test_days_are_whole(value: object, expected: str) -> None:
    """Ages and durations round to whole days, from numbers or timedeltas."""
    assert tables.days(value) == expected


def test_kinds_are_guessed_from_names_and_dtypes() -> None:
    """Shares, money, days and counts are recognised; ids, text and coordinates are not."""
    frame = pd.DataFrame(
        {
            "id": pd.array([5_000_000_001], dtype="Int64"),
            "project_stage.id": pd.array([7], dtype="Int64"),
            "name": ["Tower"],
            "projects": pd.array([3], dtype="Int64"),
            "share": [0.5],
            "total_value": [9.0],
            "approved_change_order_amount": [1.0],
            "median_age_days": [3.2],
            "turnaround": pd.to_timedelta(["3 days"]),
            "latitude": [40.7],
            "percent_complete": [45.0],  # 0-100 in Procore: not taken for a share
            "active": [True],
        }
    )
    assert tables.column_kinds(frame) == {
        "projects": "count",
        "share": "percent",
        "total_value": "money",
        "approved_change_order_amount": "money",
        "median_age_days": "days",
        "turnaround": "days",
    }


def test_readable_formats_the_stage_summary_and_keeps_the_numbers() -> None:
    """The stage summary's HTML reads as a report; the DataFrame itself is untouched."""
    projects = pd.DataFrame(
        {
            "project_stage.name": ["Bidding", "Bidding", "Completed"],
            "active": [True, False, True],
            "total_value": [1_250_000.4, 512.25, np.nan],
            "start_date": pd.to_datetime(["2024-01-01", "2024-02-01", None]),
            "completion_date": pd.to_datetime(["2024-03-01", "2024-05-01", None]),
            "created_at": pd.to_datetime(["2023-12-01"] * 3, utc=True),
        }
    )
    by_stage = summaries.stage_summary(projects, as_of="2024-06-01")
    before = by_stage.copy()
    html = tables.readable(by_stage).to_html()
    for cell in ("66.7%", "33.3%", "$1,250,513", "137", ">2<"):
        assert cell in html, cell
    assert ">Median age (days)</th>" in html
    assert ">Total value</th>" in html
    assert "0.666" not in html
    pd.testing.assert_frame_equal(by_stage, before)


def test_columns_can_be_named_and_headers_kept() -> None:
    """Named columns take that kind whatever their names; headers=False keeps the names."""
    frame = pd.DataFrame({"budget_2025": [1_000_000.0], "x": [0.25]})
    html = tables.readable(frame, money=["budget_2025"], percent=["x"], headers=False).to_html()
    assert "$1,000,000" in html
    assert "25.0%" in html
    assert ">budget_2025</th>" in html


def test_unknown_column_is_refused() -> None:
    """Naming a column the table does not have says which columns it has."""
    with pytest.raises(ConfigurationError, match="no such column; the columns are a, b"):
        tables.readable(pd.DataFrame({"a": [1], "b": [2]}), money=["c"])


def test_headers_read_as_words() -> None:
    """Column names become capitalised words, with the unit in brackets."""
    assert tables.header("median_duration_days") == "Median duration (days)"
    assert tables.header("project_stage.name") == "Project stage name"
    assert tables.header("open_pct") == "Open (%)"
