"""A written Excel sheet made ready to forward: number formats by kind, headers, filter, widths."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from procore_nb.reports import tables
from procore_nb.reports._kinds import Kind, header

__all__ = ["excel_format", "finish_sheet", "reader_headers"]

#: The widest a column is sized to, in characters.
WIDTH_MAX = 60
_WHOLE = "#,##0"
#: Numbers with decimals: at least two, up to four (a rate, hours, a coordinate).
_DECIMALS = "#,##0.00##"
_FORMATS: Mapping[Kind, str] = {
    "share": "0.0%",
    "percent": '0.0"%"',
    "days": _WHOLE,
    "count": _WHOLE,
    "score": "0.00",
    "date": "mmm d, yyyy",
    "timestamp": "mmm d, yyyy hh:mm",
    "id": "0",
}


def excel_format(kind: Kind, values: pd.Series, *, currency: str = "$") -> str | None:
    """Excel's number format for a column of ``kind`` (None: leave Excel's General).

    Money is whole from a thousand up, as in :func:`procore_nb.reports.tables.money`: a
    column whose largest sum reaches a thousand shows no cents, others show them.

    Examples
    --------
    >>> import pandas as pd
    >>> excel_format("money", pd.Series([1500.25, -20.0]))
    '"$"#,##0;-"$"#,##0'
    >>> excel_format("share", pd.Series([0.25]))
    '0.0%'
    """
    if kind == "money":
        big = bool((values.abs() >= tables.NO_CENTS_FROM).any())
        unit = f'"{currency}"' if currency else ""
        figure = "#,##0" if big else "#,##0.00"
        return f"{unit}{figure};-{unit}{figure}"
    if kind == "number":  # hours, rates, coordinates: separators, and 2 to 4 decimals if any
        numbers = pd.to_numeric(values, errors="coerce").dropna()
        return _WHOLE if bool((numbers == numbers.round()).all()) else _DECIMALS
    return _FORMATS.get(kind)


def reader_headers(columns: list[str]) -> list[str]:
    """:func:`~procore_nb.reports._kinds.header` of each column, made distinct.

    Columns whose short headers clash get every word of their names (``stage`` and
    ``project_stage.name``: "Stage", "Project stage name"), then `` (2)``, `` (3)``, ...
    """
    short = [header(name).casefold() for name in columns]
    out: list[str] = []
    taken: set[str] = set()
    for name in columns:
        clash = short.count(header(name).casefold()) > 1
        text, n = header(name, short=not clash or name == _first_of(columns, name)), 1
        candidate = text
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{text} ({n})"
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


def _first_of(columns: list[str], name: str) -> str:
    """The first column whose short header is ``name``'s (it keeps the short one)."""
    return next(c for c in columns if header(c).casefold() == header(name).casefold())


def _shown(kind: Kind | None, value: Any, currency: str) -> str:
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return ""
    if kind is None or kind in ("text", "id"):
        return str(value)
    return tables.formatter(kind, currency)(value)


def finish_sheet(
    sheet: Any, table: pd.DataFrame, kinds: Mapping[str, Kind], *, currency: str = "$"
) -> None:
    """Number formats by kind, frozen header row, autofilter, columns fitted to their text.

    ``table`` is what was written (its column names, before the headers were rewritten);
    ``kinds`` its columns' kinds.
    """
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"
    if len(table.columns):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table) + 1}"
    sample = table.head(200)
    for i, name in enumerate(table.columns, start=1):
        kind = kinds.get(str(name))
        letter = get_column_letter(i)
        number_format = None if kind is None else excel_format(kind, table[name], currency=currency)
        if number_format is not None:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = number_format
        texts = [_shown(kind, v, currency) for v in sample[name].tolist()]
        heading = str(sheet.cell(row=1, column=i).value or "")
        width = max([len(heading) + 2, *(len(t) for t in texts)])  # +2: the filter's button
        sheet.column_dimensions[letter].width = min(max(width + 2, 8), WIDTH_MAX)
