"""Tables formatted for reading from declared column kinds: money, shares, whole days, dates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from procore_nb import ConfigurationError
from procore_nb.frames._convert import to_frame
from procore_nb.reports import analysis, summaries, tables


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1_647_776_123.76, "$1,647,776,124"),
        (999.5, "$1,000"),
        (512.3, "$512.30"),
        (0, "$0"),
        (-1e-9, "$0"),
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


def test_kinds_are_declared_not_guessed_from_names() -> None:
    """Undeclared columns take their dtype's kind; names such as total_value decide nothing."""
    frame = pd.DataFrame(
        {
            "id": pd.array([5_000_000_001], dtype="Int64"),
            "name": ["Tower"],
            "projects": pd.array([3], dtype="Int64"),
            "share": [0.5],
            "my_total_value": [9.0],
            "median_age_days": [3.2],
            "turnaround": pd.to_timedelta(["3 days"]),
            "when": pd.to_datetime(["2024-05-01"], utc=True),
            "at": pd.to_datetime(["2024-05-01 10:30"], utc=True),
            "active": [True],
        }
    )
    assert tables.column_kinds(frame) == {
        "id": "id",  # a registry column: every resource declares id an id
        "name": "text",
        "projects": "count",
        "share": "number",
        "my_total_value": "number",
        "median_age_days": "number",
        "turnaround": "days",
        "when": "date",
        "at": "timestamp",
        "active": "text",  # a flag of the registry
    }
    declared = tables.declare(frame.copy(), {"share": "share", "my_total_value": "money"})
    assert tables.column_kinds(declared)["share"] == "share"
    assert tables.column_kinds(declared)["my_total_value"] == "money"


def test_registry_frames_carry_their_kinds() -> None:
    """A resource's frame declares the registry's kinds in attrs, and readable shows them."""
    frame = to_frame(
        [{"id": 1, "grand_total": "1250000.5", "retainage_percent": "10.0", "executed": True}],
        "work_order_contracts",
    )
    assert frame.attrs["kinds"]["grand_total"] == "money"
    assert frame.attrs["kinds"]["retainage_percent"] == "percent"
    html = tables.readable(frame[["id", "grand_total", "retainage_percent"]]).to_html()
    assert "$1,250,000" in html
    assert "10.0%" in html
    assert ">1<" in html
    assert ">Grand total</th>" in html
    assert ">Retainage percent</th>" in html


def test_analysis_tables_read_without_naming_kinds() -> None:
    """Tables of the analysis module declare counts, shares and days themselves."""
    rfis = pd.DataFrame(
        {
            "project_name": ["A", "A", "B"],
            "status": ["open", "draft", "open"],
            "due_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2025-01-01"], utc=True),
        }
    )
    table = analysis.open_and_overdue(rfis, as_of=pd.Timestamp("2024-06-01"))
    html = tables.readable(table).to_html()
    assert ">Overdue share</th>" in html
    assert ">Days late</th>" in html
    assert "100.0%" in html
    assert ">152<" in html
    assert ">Project</th>" in html


def test_no_float_shows_more_than_two_decimals() -> None:
    """Any float column, declared or not, shows at most two decimals."""
    frame = pd.DataFrame({"ratio": [1 / 3, 2.0], "n": [1, 2]}, index=pd.Index(["a", "b"]))
    html = tables.readable(frame).to_html()
    assert "0.33" in html
    assert "0.333" not in html
    assert ">2<" in html


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
    kinds: dict[str, tables.Kind] = {"budget_2025": "money", "x": "share"}
    html = tables.readable(frame, kinds=kinds, headers=False).to_html()
    assert "$1,000,000" in html
    assert "25.0%" in html
    assert ">budget_2025</th>" in html


def test_unknown_column_is_refused() -> None:
    """Naming a column the table does not have says which columns it has."""
    with pytest.raises(ConfigurationError, match="no such column; the columns are a, b"):
        tables.readable(pd.DataFrame({"a": [1], "b": [2]}), kinds={"c": "money"})


def test_unknown_kind_is_refused() -> None:
    """A kind that is not one of KINDS is refused, naming the kinds there are."""
    with pytest.raises(ConfigurationError, match="unknown column kind"):
        tables.readable(pd.DataFrame({"a": [1]}), kinds={"a": "dollars"})  # type: ignore[dict-item]


def test_headers_read_as_words() -> None:
    """Column names become capitalised words, with the unit in brackets."""
    assert tables.header("median_duration_days") == "Median duration (days)"
    assert tables.header("project_stage.name") == "Stage"
    assert tables.header("ball_in_court.name") == "Ball in court"
    assert tables.header("overdue_share") == "Overdue share"
    assert tables.header("project_id") == "Project ID"
    assert tables.header("open_pct") == "Open (%)"


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("date", pd.Timestamp("2025-03-04", tz="UTC"), "Mar 4, 2025"),
        ("timestamp", pd.Timestamp("2025-03-04 14:05:09", tz="UTC"), "Mar 4, 2025 14:05 UTC"),
        ("percent", 12.5, "12.5%"),
        ("score", 87.254, "87.25"),
        ("number", 1234.5678, "1,234.57"),
        ("number", 3.0, "3"),
        ("count", 2.6, "3"),
        ("id", 562949953421312, "562949953421312"),
    ],
)
def test_each_kind_has_its_form(kind: tables.Kind, value: object, expected: str) -> None:
    """Dates read as dates, percentages of 100 as percentages, numbers with two decimals."""
    assert tables.formatter(kind)(value) == expected
