"""Tables formatted for reading: shares as percentages, money without cents, whole days.

An optional module (``import procore_nb`` does not load it). :func:`readable` returns a
pandas ``Styler`` that shows a table the way a report reader expects while the DataFrame
keeps its numbers (for Excel, for further work). Each column's kind is guessed from its
name and dtype (see :func:`column_kinds`) and can be named instead:

- ``percent``: shares from 0 to 1 (``share``, ``*_share``, ``*_ratio``): ``4.8%``;
- ``money``: sums of money (``*_value``, ``*amount*``, ``*cost*``, ``*budget*``...):
  ``$1,647,776,124``, with cents only under a thousand (``$512.30``);
- ``days``: ages and durations (``*_days``, ``age``, ``duration``, ``turnaround``, and
  timedeltas): ``2,366`` (whole days, rounded);
- ``count``: integers (but ids): ``1,234``.

Missing values show as an en dash.

Examples
--------
>>> from procore_nb import summaries, tables
>>> tables.readable(summaries.stage_summary(projects, stages))  # doctest: +SKIP
>>> tables.money(1_647_776_123.76), tables.percent(0.0475), tables.days(2366.3)
('$1,647,776,124', '4.8%', '2,366')
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from procore_nb._exceptions import ConfigurationError

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

__all__ = ["column_kinds", "count", "days", "header", "money", "percent", "readable"]

Kind = Literal["percent", "money", "days", "count"]
KINDS: tuple[Kind, ...] = ("percent", "money", "days", "count")

#: What a missing value looks like.
MISSING = "\u2013"
#: Sums of money at least this large are shown without cents.
NO_CENTS_FROM = 1_000

# Shares from 0 to 1 only: "percent" columns may hold 0-100 (Procore's percent_complete), so
# they are formatted only when named (readable(..., percent=[...]) after dividing by 100).
_PERCENT_WORDS = frozenset({"share", "ratio", "fraction"})
_MONEY_WORDS = frozenset(
    {"value", "amount", "cost", "costs", "budget", "price", "revenue", "exposure", "spend"}
    | {"committed", "commitment", "commitments", "variance", "invoiced", "paid"}
)
_DAYS_WORDS = frozenset({"days", "age", "duration", "turnaround", "overdue_days"})
_ID_WORDS = frozenset({"id", "ids", "number", "code", "year"})
# "total_value" -> {"total", "value"}; "project_stage.id" -> {"project", "stage", "id"}
_WORD = re.compile(r"[a-z]+")


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def percent(value: Any, *, digits: int = 1) -> str:
    """A share from 0 to 1 as a percentage: ``0.0475`` -> ``"4.8%"``."""
    if _missing(value):
        return MISSING
    return f"{float(value):.{digits}%}"


def money(value: Any, *, currency: str = "$") -> str:
    """A sum of money with thousands separators, without cents from a thousand up.

    ``1647776123.76`` -> ``"$1,647,776,124"``, ``512.3`` -> ``"$512.30"``,
    ``-2500`` -> ``"-$2,500"``.
    """
    if _missing(value):
        return MISSING
    number = float(value)
    sign = "-" if number < 0 else ""
    size = abs(number)
    text = f"{size:,.0f}" if round(size) >= NO_CENTS_FROM else f"{size:,.2f}"
    return f"{sign}{currency}{text}"


def days(value: Any) -> str:
    """An age or duration in whole days (a number of days, or a timedelta): ``"2,366"``."""
    if _missing(value):
        return MISSING
    number = value / pd.Timedelta(days=1) if isinstance(value, pd.Timedelta) else float(value)
    return f"{math.floor(number + 0.5):,}"  # half up, also for negative ages


def count(value: Any) -> str:
    """An integer with thousands separators: ``1234`` -> ``"1,234"``."""
    if _missing(value):
        return MISSING
    return f"{int(value):,}"


_FORMATTERS: dict[Kind, Callable[[Any], str]] = {
    "percent": percent,
    "money": money,
    "days": days,
    "count": count,
}


#: The words of a numeric column's name that decide its kind, first match wins.
_BY_WORDS: tuple[tuple[frozenset[str], Kind | None], ...] = (
    (_ID_WORDS, None),
    (_PERCENT_WORDS, "percent"),
    (_DAYS_WORDS, "days"),
    (_MONEY_WORDS, "money"),
)


def _kind_of(name: object, dtype: Any) -> Kind | None:
    if pd.api.types.is_timedelta64_dtype(dtype):
        return "days"
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        return None
    words = set(_WORD.findall(str(name).lower()))
    for vocabulary, kind in _BY_WORDS:
        if words & vocabulary:
            return kind
    return "count" if pd.api.types.is_integer_dtype(dtype) else None


def column_kinds(frame: pd.DataFrame) -> dict[str, Kind]:
    """The kind :func:`readable` guesses for each column it formats (others are left as is).

    Examples
    --------
    >>> import pandas as pd
    >>> column_kinds(pd.DataFrame({"projects": [3], "share": [0.5], "total_value": [9.0]}))
    {'projects': 'count', 'share': 'percent', 'total_value': 'money'}
    """
    kinds: dict[str, Kind] = {}
    for name, dtype in frame.dtypes.items():
        kind = _kind_of(name, dtype)
        if kind is not None:
            kinds[str(name)] = kind
    return kinds


def header(name: object) -> str:
    """A column name as a reader's header: ``"median_age_days"`` -> ``"Median age (days)"``."""
    text = str(name)
    unit = ""
    for suffix in ("_days", "_pct"):
        if text.endswith(suffix) and len(text) > len(suffix):
            text, unit = text[: -len(suffix)], " (days)" if suffix == "_days" else " (%)"
    words = text.replace("_", " ").replace(".", " ").strip()
    return (words[:1].upper() + words[1:] + unit) if words else text


def readable(
    frame: pd.DataFrame,
    *,
    percent: Iterable[str] = (),
    money: Iterable[str] = (),
    days: Iterable[str] = (),
    count: Iterable[str] = (),
    currency: str = "$",
    headers: bool = True,
) -> Styler:
    """``frame`` formatted for a report; the data itself is not changed.

    Parameters
    ----------
    frame:
        Any table, such as :func:`procore_nb.summaries.stage_summary`'s.
    percent, money, days, count:
        Columns to format as that kind, whatever their names say; the other columns'
        kinds are guessed (:func:`column_kinds`).
    currency:
        Put before sums of money (Procore keeps one currency per company).
    headers:
        Write column names for readers (``total_value`` -> ``Total value``).

    Returns
    -------
    pandas.io.formats.style.Styler
        Shows as an HTML table in notebooks and their reports.

    Raises
    ------
    ConfigurationError
        A named column is not in ``frame``.

    Examples
    --------
    >>> tables.readable(by_stage, money=["budget"], currency="€")  # doctest: +SKIP
    """
    kinds: dict[str, Kind] = column_kinds(frame)
    named = {"percent": percent, "money": money, "days": days, "count": count}
    for kind in KINDS:
        for column in named[kind]:
            if column not in frame.columns:
                known = ", ".join(map(str, frame.columns))
                raise ConfigurationError(
                    f"readable(..., {kind}=[{column!r}]): no such column; the columns are {known}."
                )
            kinds[column] = kind
    formatters: dict[str, Callable[[Any], str]] = {
        column: partial(_money, currency=currency) if kind == "money" else _FORMATTERS[kind]
        for column, kind in kinds.items()
    }
    styler = frame.style.format(formatters, na_rep=MISSING)  # type: ignore[arg-type]
    if headers:
        styler = styler.format_index(header, axis=1)
    return styler


_money = money  # the parameter of readable() shadows the function inside it
