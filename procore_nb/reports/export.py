"""Save tables for people who do not use Python: Excel (a sheet per table), CSV, Parquet.

An optional module (``import procore_nb`` does not load it). What each format cannot
hold is converted, the same way every time:

- Nested values (``custom_fields``, lists, dicts) become JSON text.
- Excel has no time zones: timezone-aware times are written as UTC without the zone.
  CSV and Parquet keep the zone.
- Quarters and other periods become text such as ``2024Q3``.
- A meaningful index (named, or not integers: project names, weeks) is written as the
  first column(s); an unnamed integer index (row numbers, left over from filtering) is not.
- Text is never written as a live formula (CSV/formula injection, OWASP): in Excel, text
  that starts with ``=`` is stored as a text cell, shown exactly as it is; in CSV, text
  that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
  ``'`` so that a spreadsheet opening the file shows it as text. Pass
  ``escape_formulas=False`` to write such text unchanged (CSV) or as formulas (Excel).

A workbook is ready to forward: each column in the number format of its kind (money with
its currency and thousands separators, shares as percentages, dates as dates, counts whole;
kinds as :func:`procore_nb.reports.tables.column_kinds` reads them), headers for readers
(``overdue_share``: "Overdue share"), the header row frozen, a filter on it and columns
fitted to their text. CSV and Parquet keep the column names and values as they are.

Every file is written to a temporary file beside the target and renamed over it once
complete, so a failure (a full disk, a table Excel cannot hold) leaves nothing behind and
never half a file. Excel's limits (1,048,576 rows and 16,384 columns per sheet) are checked
before anything is written.

Examples
--------
>>> from procore_nb.reports import export, summaries
>>> tables = {"Projects": projects, "By stage": summaries.stage_summary(projects)}
>>> export.to_excel(tables, "projects.xlsx")  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from datetime import datetime
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from procore_nb._exceptions import ConfigurationError
from procore_nb.reports._kinds import Kind, kinds_of
from procore_nb.reports._sheets import finish_sheet, reader_headers

__all__ = ["excel_sheet_names", "to_csv", "to_excel", "to_parquet"]

#: Excel's limits: characters in a sheet name, rows in a sheet, characters in a cell.
SHEET_NAME_MAX = 31
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
EXCEL_CELL_MAX = 32_767
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
#: Control characters the XLSX format cannot store (tab, newline and return are fine).
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

PathArg = str | PathLike[str]


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return str(value)


def _to_json_text(value: Any) -> Any:
    if isinstance(value, (dict, list, tuple, set, frozenset)):
        return json.dumps(value, default=_json_default, ensure_ascii=False, sort_keys=True)
    return value


def _has_nested(column: pd.Series) -> bool:
    return bool(column.map(lambda v: isinstance(v, (dict, list, tuple, set, frozenset))).any())


def _flat_table(table: pd.DataFrame) -> pd.DataFrame:
    """Index into columns (when it means something), string column names, nested -> JSON."""
    if not isinstance(table, pd.DataFrame):
        raise ConfigurationError(
            f"expected a pandas DataFrame, got {type(table).__name__}; "
            "convert it with pandas.DataFrame(...) first"
        )
    out = table.copy()
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [" / ".join(map(str, parts)) for parts in out.columns]
    if _meaningful(out.index):
        if isinstance(out.index, pd.PeriodIndex):
            out.index = out.index.astype(str)
        out = out.reset_index()
    out.columns = [str(c) for c in out.columns]
    out.columns.name = None
    for name in out.columns:
        column = out[name]
        if isinstance(column.dtype, pd.PeriodDtype):
            out[name] = column.astype("string")
        elif column.dtype == object and _has_nested(column):
            out[name] = column.map(_to_json_text).astype("string")
    return out


def _meaningful(index: pd.Index) -> bool:
    """Whether an index says something (a name, or labels) rather than numbering rows."""
    if any(name is not None for name in index.names):
        return True
    return not (isinstance(index, pd.RangeIndex) or pd.api.types.is_integer_dtype(index.dtype))


def _for_excel(table: pd.DataFrame, sheet: str) -> pd.DataFrame:
    out = _flat_table(table)
    if len(out) >= EXCEL_MAX_ROWS:
        raise ConfigurationError(
            f"table {sheet!r} has {len(out):,} rows; an Excel sheet holds at most "
            f"{EXCEL_MAX_ROWS - 1:,} below its header: use to_csv or to_parquet instead, "
            "or split the table"
        )
    if len(out.columns) > EXCEL_MAX_COLUMNS:
        raise ConfigurationError(
            f"table {sheet!r} has {len(out.columns):,} columns; an Excel sheet holds at most "
            f"{EXCEL_MAX_COLUMNS:,}: choose the columns to keep (table[[...]]), or use "
            "to_csv or to_parquet instead"
        )
    for name in out.columns:
        column = out[name]
        if isinstance(column.dtype, pd.DatetimeTZDtype):
            out[name] = column.dt.tz_convert("UTC").dt.tz_localize(None)
        elif column.dtype == object:
            out[name] = column.map(_excel_object)
        elif pd.api.types.is_string_dtype(column):
            out[name] = column.map(_excel_text, na_action="ignore").astype(column.dtype)
    return out


def _excel_object(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return pd.Timestamp(value).tz_convert("UTC").tz_localize(None)
    return _excel_text(value) if isinstance(value, str) else value


def _excel_text(value: str) -> str:
    cleaned = _ILLEGAL_XML.sub("", value)
    if len(cleaned) > EXCEL_CELL_MAX:
        warnings.warn(
            f"a text cell of {len(cleaned):,} characters was cut to Excel's limit of "
            f"{EXCEL_CELL_MAX:,}; use to_csv or to_parquet to keep it whole",
            stacklevel=4,
        )
        cleaned = cleaned[:EXCEL_CELL_MAX]
    return cleaned


def excel_sheet_names(names: list[str]) -> list[str]:
    """Valid, distinct Excel sheet names for ``names``, in the same order.

    Characters Excel forbids (``[ ] : * ? / \\``) become ``_``, names are cut to 31
    characters, blank names become ``Sheet``, the reserved ``History`` gets a ``_``, and
    names that clash (Excel ignores case) get `` (2)``, `` (3)``, ...

    Examples
    --------
    >>> excel_sheet_names(["By stage / state", "by STAGE / state", ""])
    ['By stage _ state', 'by STAGE _ state (2)', 'Sheet']
    """
    taken: set[str] = set()
    out = []
    for name in names:
        clean = _SHEET_FORBIDDEN.sub("_", str(name)).strip().strip("'").strip()
        clean = clean[:SHEET_NAME_MAX] or "Sheet"
        if clean.casefold() == "history":
            clean += "_"
        candidate, n = clean, 1
        while candidate.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            candidate = clean[: SHEET_NAME_MAX - len(suffix)] + suffix
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


def to_excel(
    tables: Mapping[str, pd.DataFrame] | pd.DataFrame,
    path: PathArg,
    *,
    escape_formulas: bool = True,
    currency: str = "$",
) -> Path:
    """Write each table to its own sheet of an Excel workbook, and return the path.

    Parameters
    ----------
    tables:
        ``{sheet name: DataFrame}`` (names are made valid by :func:`excel_sheet_names`),
        or one DataFrame for a single sheet named ``Sheet``.
    path:
        Where to write the ``.xlsx`` file (replaced if it exists).
    escape_formulas:
        Store text that starts with ``=`` (a project named ``=1+1``) as text, not as a
        formula Excel would run (the default); ``False`` writes it as a formula.
    currency:
        The symbol of money columns' number format (Procore keeps one currency per company).

    Raises
    ------
    ConfigurationError
        ``openpyxl`` is not installed, there is no table, a table has more rows or columns
        than an Excel sheet holds, or the target's folder does not exist. Nothing is written.

    Examples
    --------
    >>> to_excel({"Projects": projects, "By stage": summary}, "report.xlsx")  # doctest: +SKIP
    PosixPath('report.xlsx')
    """
    if isinstance(tables, pd.DataFrame):
        tables = {"Sheet": tables}
    if not tables:
        raise ConfigurationError("to_excel needs at least one table: pass {'name': dataframe}")
    _require("openpyxl", "writing Excel files")
    target = Path(path)
    names = excel_sheet_names(list(tables))
    prepared = [
        (sheet, _for_excel(table, sheet), _flat_kinds(table))
        for sheet, table in zip(names, tables.values(), strict=True)
    ]
    with _atomic(target) as temporary, pd.ExcelWriter(temporary, engine="openpyxl") as writer:
        for sheet, table, kinds in prepared:
            shown = table.set_axis(reader_headers(list(table.columns)), axis=1)
            shown.to_excel(writer, sheet_name=sheet, index=False)
            finish_sheet(writer.sheets[sheet], table, kinds, currency=currency)
            if escape_formulas:
                _formulas_as_text(writer.sheets[sheet])
    return target


def _flat_kinds(table: pd.DataFrame) -> dict[str, Kind]:
    """The kinds of ``table``'s columns and named index levels, by their names as written."""
    if not isinstance(table, pd.DataFrame):
        return {}
    kinds = kinds_of(table)
    if isinstance(table.columns, pd.MultiIndex):
        return {k: v for k, v in kinds.items() if k in table.index.names}
    return kinds


@contextlib.contextmanager
def _atomic(target: Path) -> Iterator[Path]:
    """A temporary file beside ``target``, renamed over it when the block ends without error.

    On any error (or an interrupt) the temporary file is removed and ``target`` is left as
    it was. The file gets the mode a plain ``open()`` would give it (0666 less the umask).
    """
    folder = target.parent
    if not folder.is_dir():
        raise ConfigurationError(
            f"cannot write {target}: the folder {folder} does not exist; create it first"
        )
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        mask = os.umask(0o022)
        os.umask(mask)
        temporary.chmod(0o666 & ~mask)
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _require(module: str, purpose: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise ConfigurationError(
            f"{purpose} needs {module}, which is not installed: "
            f"pip install 'procore_nb[maps]' (or just {module})"
        )


def _formulas_as_text(sheet: Any) -> None:
    """Turn every cell openpyxl took for a formula (text starting with ``=``) into text."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


#: What makes a spreadsheet read a CSV cell as a formula (OWASP's list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _defused(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_safe(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    out.columns = [_defused(str(name)) for name in out.columns]
    for name in out.columns:
        column = out[name]
        if column.dtype == object or pd.api.types.is_string_dtype(column):
            out[name] = column.map(_defused, na_action="ignore").astype(column.dtype)
    return out


def to_csv(table: pd.DataFrame, path: PathArg, *, escape_formulas: bool = True) -> Path:
    """Write one table as UTF-8 CSV, and return the path.

    Times keep their zone (ISO 8601), nested values become JSON text, and a meaningful
    index is written as the first column(s). Rows end with CRLF (RFC 4180), and text
    holding a line break is quoted. Text that a spreadsheet would run as a
    formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a
    leading ``'`` unless ``escape_formulas=False``.

    Examples
    --------
    >>> to_csv(projects, "projects.csv")  # doctest: +SKIP
    PosixPath('projects.csv')
    """
    target = Path(path)
    flat = _flat_table(table)
    if escape_formulas:
        flat = _csv_safe(flat)
    # RFC 4180's CRLF: the csv module then quotes every field holding a \r or a \n, where
    # with "\n" alone a bare carriage return in a description split the row in two.
    with _atomic(target) as temporary:
        flat.to_csv(temporary, index=False, encoding="utf-8", lineterminator="\r\n")
    return target


def to_parquet(table: pd.DataFrame, path: PathArg) -> Path:
    """Write one table as Parquet (pyarrow), keeping dtypes and time zones; return the path.

    Nested values become JSON text, since their shapes differ from row to row.

    Raises
    ------
    ConfigurationError
        ``pyarrow`` is not installed.

    Examples
    --------
    >>> to_parquet(projects, "projects.parquet")  # doctest: +SKIP
    PosixPath('projects.parquet')
    """
    _require("pyarrow", "writing Parquet files")
    target = Path(path)
    flat = _flat_table(table)
    with _atomic(target) as temporary:
        flat.to_parquet(temporary, engine="pyarrow", index=False)
    return target
