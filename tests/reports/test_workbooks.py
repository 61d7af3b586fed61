"""Workbooks ready to forward, and exports that are atomic and bounded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from openpyxl.styles.numbers import is_date_format

from procore_nb import ConfigurationError
from procore_nb.frames._convert import to_frame
from procore_nb.reports import analysis, export, tables


def _cost() -> pd.DataFrame:
    """A cost table as analysis gives it: money and a share per project."""
    budget = pd.DataFrame(
        {"project_name": ["Tower", "Depot"], "original_budget_amount": [2_500_000.0, 800.0]}
    )
    commitments = pd.DataFrame(
        {
            "project_name": ["Tower", "Depot"],
            "grand_total": [2_700_000.0, 500.0],
            "approved_change_orders": [50_000.0, 0.0],
            "pending_change_orders": [0.0, 0.0],
        }
    )
    return analysis.cost_by_project(budget, commitments)


def _sheet(path: Path, name: str) -> Any:
    return openpyxl.load_workbook(path)[name]


def _column(sheet: Any, title: str) -> list[Any]:
    heads = [cell.value for cell in sheet[1]]
    return [row[heads.index(title)] for row in sheet.iter_rows(min_row=2)]


def test_money_share_and_date_columns_have_number_formats(tmp_path: Path) -> None:
    """Money is currency without cents from $1,000 up, shares are percent, dates are dates."""
    rfis = to_frame(
        [{"id": 1, "number": "7", "due_date": "2025-03-04", "created_at": "2025-02-01T10:00:00Z"}],
        "rfis",
    )
    path = export.to_excel({"Cost": _cost(), "RFIs": rfis}, tmp_path / "cost.xlsx")
    cost = _sheet(path, "Cost")
    assert [cell.value for cell in cost[1]][:3] == ["Project", "Budget", "Committed"]
    for cell in _column(cost, "Budget"):
        assert cell.number_format == '"$"#,##0;-"$"#,##0'
    for cell in _column(cost, "Variance share"):
        assert cell.number_format == "0.0%"
    assert _column(cost, "Variance share")[0].value == pytest.approx(-250_000 / 2_500_000)
    sheet = _sheet(path, "RFIs")
    (due,) = _column(sheet, "Due date")
    assert is_date_format(due.number_format)
    assert due.number_format == "mmm d, yyyy"
    assert due.value.date().isoformat() == "2025-03-04"
    (created,) = _column(sheet, "Created at")
    assert is_date_format(created.number_format)
    assert "hh:mm" in created.number_format
    (ident,) = _column(sheet, "ID")
    assert ident.number_format == "0"


def test_small_sums_keep_their_cents(tmp_path: Path) -> None:
    """A money column whose sums stay under $1,000 shows cents."""
    frame = tables.declare(pd.DataFrame({"fee": [12.5, 900.0]}), {"fee": "money"})
    sheet = _sheet(export.to_excel(frame, tmp_path / "fees.xlsx"), "Sheet")
    assert sheet["A2"].number_format == '"$"#,##0.00;-"$"#,##0.00'


def test_sheets_have_a_frozen_filtered_header_and_fitted_widths(tmp_path: Path) -> None:
    """The header row is frozen and filtered; columns are as wide as their text."""
    path = export.to_excel({"Cost": _cost()}, tmp_path / "cost.xlsx")
    sheet = _sheet(path, "Cost")
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}3"
    widths = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
    assert widths["Project"] >= len("Project") + 2
    assert widths["Budget"] >= len("$2,500,000")
    assert widths["Variance share"] >= len("Variance share") + 2


def test_no_stray_index_column(tmp_path: Path) -> None:
    """A filtered frame's leftover row numbers are not written; a named index is."""
    frame = pd.DataFrame({"name": ["a", "b", "c"], "n": [1, 2, 3]}).iloc[[2, 0]]
    path = export.to_excel({"Rows": frame, "Cost": _cost()}, tmp_path / "rows.xlsx")
    assert [cell.value for cell in _sheet(path, "Rows")[1]] == ["Name", "N"]
    assert _sheet(path, "Cost")["A1"].value == "Project"
    assert pd.read_csv(export.to_csv(frame, tmp_path / "rows.csv")).columns.tolist() == [
        "name",
        "n",
    ]


def test_too_many_columns_for_excel_is_refused_before_writing(tmp_path: Path) -> None:
    """More than 16,384 columns: a ConfigurationError naming the limit, and no file."""
    wide = pd.DataFrame([range(export.EXCEL_MAX_COLUMNS + 1)])
    with pytest.raises(ConfigurationError, match=r"at most 16,384: choose the columns"):
        export.to_excel({"Wide": wide}, tmp_path / "wide.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_too_many_rows_for_excel_is_refused_before_writing(tmp_path: Path) -> None:
    """1,048,576 rows with the header do not fit: refused, naming the limit, and no file."""
    tall = pd.DataFrame({"n": range(export.EXCEL_MAX_ROWS)})
    with pytest.raises(ConfigurationError, match=r"at most 1,048,575 below its header"):
        export.to_excel({"Tall": tall}, tmp_path / "tall.xlsx")
    assert list(tmp_path.iterdir()) == []


class _Unwritable:
    """A value every writer fails on."""

    def __str__(self) -> str:
        raise RuntimeError("cannot be written")


@pytest.mark.parametrize("kind", ["xlsx", "csv", "parquet"])
def test_a_failed_export_leaves_nothing_behind(tmp_path: Path, kind: str) -> None:
    """A write that fails part-way removes its temporary file and keeps the old file."""
    target = tmp_path / f"report.{kind}"
    target.write_bytes(b"the last good copy")
    bad = pd.DataFrame({"a": [1, 2], "b": pd.Series([_Unwritable(), {1, 2}], dtype=object)})
    writer = {"xlsx": export.to_excel, "csv": export.to_csv, "parquet": export.to_parquet}[kind]
    with pytest.raises(Exception):  # noqa: B017, PT011  # each writer fails its own way
        writer(bad, target)
    assert target.read_bytes() == b"the last good copy"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


@pytest.mark.parametrize("kind", ["xlsx", "csv", "parquet"])
def test_an_export_replaces_the_file_whole(tmp_path: Path, kind: str) -> None:
    """A good export replaces the old file and leaves no temporary file, readable as usual."""
    target = tmp_path / f"report.{kind}"
    target.write_bytes(b"old")
    writer = {"xlsx": export.to_excel, "csv": export.to_csv, "parquet": export.to_parquet}[kind]
    writer(pd.DataFrame({"a": [1, 2]}), target)
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()
    assert target.read_bytes() != b"old"


def _umask() -> int:
    import os

    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    """Writing into a folder that does not exist says so, and what to do."""
    with pytest.raises(ConfigurationError, match="does not exist; create it first"):
        export.to_csv(pd.DataFrame({"a": [1]}), tmp_path / "nowhere" / "a.csv")


def test_clashing_headers_keep_every_word(tmp_path: Path) -> None:
    """Two columns with one short header get their full names, then numbers: all distinct."""
    frame = pd.DataFrame(
        {"stage": ["a"], "project_stage.name": ["a"], "parent_job_id": [1], "parent_job.id": [1]}
    )
    sheet = _sheet(export.to_excel(frame, tmp_path / "h.xlsx"), "Sheet")
    assert [cell.value for cell in sheet[1]] == [
        "Stage",
        "Project stage name",
        "Parent job ID",
        "Parent job ID (2)",
    ]


def test_numbers_with_decimals_show_two_to_four(tmp_path: Path) -> None:
    """A rate of 6.534239... reads 6.5342 in Excel, not General's fifteen digits; whole hours
    keep their separators."""
    table = tables.declare(
        pd.DataFrame({"hours": [1200.0, 30.0], "rate": [6.534239414532149, 0.0]}),
        {"hours": "number", "rate": "number"},
    )
    path = export.to_excel({"Rates": table}, tmp_path / "rates.xlsx")
    sheet = openpyxl.load_workbook(path)["Rates"]
    heads = [cell.value for cell in sheet[1]]
    assert sheet.cell(2, heads.index("Hours") + 1).number_format == "#,##0"
    assert sheet.cell(2, heads.index("Rate") + 1).number_format == "#,##0.00##"
