"""Excel, CSV and Parquet exports, read back to check what was written."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from mapdata import make_projects

from procore_nb import ConfigurationError
from procore_nb.reports import export, summaries


@pytest.fixture
def projects() -> pd.DataFrame:
    """Projects with nested custom fields, as the client returns them."""
    frame = make_projects(6)
    frame["custom_fields"] = [
        {"custom_field_5001": {"value": "Union"}},
        {},
        {"custom_field_5002": {"value": ["a", "b"]}},
        None,
        {"custom_field_5001": {"value": "Open Shop"}},
        {"note": "ünïcode"},
    ]
    return frame


def test_excel_has_one_sheet_per_table_read_back_intact(
    projects: pd.DataFrame, tmp_path: Path
) -> None:
    """Each table is a sheet; values, UTC times and JSON text survive the round trip."""
    path = export.to_excel(
        {"Projects": projects, "By stage": summaries.stage_summary(projects)},
        tmp_path / "report.xlsx",
    )
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets) == ["Projects", "By stage"]
    back = sheets["Projects"]
    assert back.shape == projects.shape
    assert back["Name"].tolist() == projects["name"].tolist()  # headers for readers
    # Excel has no time zones: the UTC wall time is written without its zone
    expected = projects["created_at"].dt.tz_convert("UTC").dt.tz_localize(None)
    assert back["Created at"].tolist() == expected.tolist()
    assert json.loads(back.loc[0, "Custom fields"]) == {"custom_field_5001": {"value": "Union"}}
    assert json.loads(back.loc[5, "Custom fields"]) == {"note": "ünïcode"}
    assert pd.isna(back.loc[3, "Custom fields"])
    by_stage = sheets["By stage"]
    assert by_stage.columns[0] == "Stage"  # the stage index is written as a column
    assert by_stage["Projects"].sum() == len(projects)


def test_excel_sheet_names_are_made_valid_and_distinct(tmp_path: Path) -> None:
    """Forbidden characters, long names, blanks, clashes and 'History' are fixed."""
    table = pd.DataFrame({"a": [1]})
    names = ["a/b:c", "x" * 40, "", "Stages", "STAGES", "History"]
    path = export.to_excel(dict.fromkeys(names, table), tmp_path / "names.xlsx")
    # a dict cannot hold duplicate keys, so check the names function on the full list too
    assert export.excel_sheet_names(names) == [
        "a_b_c",
        "x" * 31,
        "Sheet",
        "Stages",
        "STAGES (2)",
        "History_",
    ]
    assert openpyxl.load_workbook(path).sheetnames == export.excel_sheet_names(names)


def test_excel_writes_period_index_and_strips_illegal_characters(tmp_path: Path) -> None:
    """Quarters become text and control characters Excel cannot store are removed."""
    quarters = summaries.starts_per_quarter(make_projects(50))
    notes = pd.DataFrame({"note": pd.array(["bell\x07 here", None], dtype="string")})
    path = export.to_excel({"Quarters": quarters, "Notes": notes}, tmp_path / "q.xlsx")
    back = pd.read_excel(path, sheet_name=None)
    assert back["Quarters"]["Quarter"].tolist() == [str(q) for q in quarters.index]
    assert back["Notes"]["Note"].tolist()[0] == "bell here"
    sheet = openpyxl.load_workbook(path)["Quarters"]
    assert sheet.freeze_panes == "A2"


def test_excel_refuses_empty_and_oversized_input(tmp_path: Path) -> None:
    """No tables, or more rows than a sheet holds, fail with what to do instead."""
    with pytest.raises(ConfigurationError, match="at least one table"):
        export.to_excel({}, tmp_path / "empty.xlsx")
    huge = pd.DataFrame({"n": range(export.EXCEL_MAX_ROWS)})
    with pytest.raises(ConfigurationError, match="use to_csv or to_parquet"):
        export.to_excel({"Huge": huge}, tmp_path / "huge.xlsx")
    assert not (tmp_path / "huge.xlsx").exists()


def test_excel_takes_a_single_dataframe(tmp_path: Path) -> None:
    """One DataFrame is written to one sheet named Sheet."""
    path = export.to_excel(pd.DataFrame({"a": [1, 2]}), tmp_path / "one.xlsx")
    assert openpyxl.load_workbook(path).sheetnames == ["Sheet"]


def test_csv_keeps_time_zones_and_writes_json_text(projects: pd.DataFrame, tmp_path: Path) -> None:
    """CSV: ISO times with their zone, nested values as JSON, one row per project."""
    path = export.to_csv(projects, tmp_path / "projects.csv")
    back = pd.read_csv(path)
    assert len(back) == len(projects)
    assert back["created_at"].iloc[0] == str(projects["created_at"].iloc[0])
    assert back["created_at"].iloc[0].endswith("+00:00")
    assert json.loads(back.loc[2, "custom_fields"]) == {"custom_field_5002": {"value": ["a", "b"]}}


def test_csv_writes_a_meaningful_index(tmp_path: Path) -> None:
    """A summary's stage index becomes the first CSV column."""
    table = summaries.state_by_stage(make_projects(30))
    back = pd.read_csv(export.to_csv(table, tmp_path / "states.csv"))
    assert back.columns[0] == "state"
    assert back["state"].tolist() == list(table.index)


def test_parquet_keeps_dtypes_and_time_zones(projects: pd.DataFrame, tmp_path: Path) -> None:
    """Parquet: nullable ints, strings and UTC times come back; nested values as JSON."""
    back = pd.read_parquet(export.to_parquet(projects, tmp_path / "projects.parquet"))
    assert str(back["id"].dtype) == "Int64"
    assert back["id"].tolist() == projects["id"].tolist()
    assert str(back["created_at"].dtype).endswith("UTC]")
    assert back["created_at"].tolist() == projects["created_at"].tolist()
    assert back["active"].tolist() == projects["active"].tolist()
    assert json.loads(back.loc[4, "custom_fields"]) == {"custom_field_5001": {"value": "Open Shop"}}


def test_parquet_writes_quarters_as_text(tmp_path: Path) -> None:
    """A quarterly table's Period index comes back as text in a 'quarter' column."""
    table = summaries.starts_per_quarter(make_projects(40))
    back = pd.read_parquet(export.to_parquet(table, tmp_path / "q.parquet"))
    assert back["quarter"].tolist() == [str(q) for q in table.index]
    assert back.drop(columns="quarter").to_numpy().sum() == table.to_numpy().sum()


def test_exports_refuse_what_is_not_a_dataframe(tmp_path: Path) -> None:
    """Passing a list instead of a DataFrame fails with a clear message."""
    with pytest.raises(ConfigurationError, match="expected a pandas DataFrame"):
        export.to_csv([1, 2, 3], tmp_path / "x.csv")  # type: ignore[arg-type]


FORMULAS = ["=1+1", "=cmd|' /C calc'!A0", "+SUM(A1)", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"]


def test_excel_writes_formula_text_as_text(tmp_path: Path) -> None:
    """Project names such as =1+1 are text cells in Excel, shown as typed, never formulas."""
    frame = pd.DataFrame({"name": pd.array(FORMULAS, dtype="string"), "=header": range(7)})
    path = export.to_excel({"Projects": frame}, tmp_path / "safe.xlsx")
    sheet = openpyxl.load_workbook(path)["Projects"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert [cell.value for cell in sheet["A"]][1:3] == ["=1+1", "=cmd|' /C calc'!A0"]
    assert sheet["B1"].value == "=header"


def test_excel_formulas_on_request(tmp_path: Path) -> None:
    """escape_formulas=False writes text starting with = as a formula, as asked."""
    frame = pd.DataFrame({"total": ["=1+1"]})
    path = export.to_excel(frame, tmp_path / "live.xlsx", escape_formulas=False)
    assert openpyxl.load_workbook(path)["Sheet"]["A2"].data_type == "f"


def test_csv_prefixes_formula_text(tmp_path: Path) -> None:
    """In CSV, text a spreadsheet would run gets a leading apostrophe; numbers are untouched."""
    frame = pd.DataFrame({"name": FORMULAS, "value": [-1.5] * 7, "=x": ["ok"] * 7})
    path = export.to_csv(frame, tmp_path / "safe.csv")
    back = pd.read_csv(path, keep_default_na=False)
    assert back["name"].tolist() == ["'" + text for text in FORMULAS[:5]] + ["'\tTab", "'\rReturn"]
    assert back["value"].tolist() == [-1.5] * 7
    assert list(back.columns) == ["name", "value", "'=x"]


def test_csv_keeps_line_breaks_inside_cells(tmp_path: Path) -> None:
    """A description holding a bare carriage return or a newline stays one row."""
    frame = pd.DataFrame({"id": [1, 2], "description": ["line one\rline two", "a\nb\r\nc"]})
    back = pd.read_csv(export.to_csv(frame, tmp_path / "breaks.csv"))
    assert back["id"].tolist() == [1, 2]
    assert back["description"].tolist() == ["line one\rline two", "a\nb\r\nc"]


def test_csv_unchanged_on_request(tmp_path: Path) -> None:
    """escape_formulas=False writes the text exactly as it is."""
    frame = pd.DataFrame({"name": ["=1+1", "plain"]})
    path = export.to_csv(frame, tmp_path / "raw.csv", escape_formulas=False)
    assert pd.read_csv(path)["name"].tolist() == ["=1+1", "plain"]
