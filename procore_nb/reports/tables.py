"""Tables formatted for reading: money with its currency, shares as percentages, whole days.

An optional module (``import procore_nb`` does not load it). :func:`readable` returns a
pandas ``Styler`` that shows a table the way a report reader expects while the DataFrame
keeps its numbers (for Excel, for further work). Each column is shown by its declared kind
(:func:`column_kinds`: ``df.attrs["kinds"]``, which the client's frames and the tables of
:mod:`procore_nb.reports.analysis` carry), never by a guess at its name:

- ``money``: ``$1,647,776,124``, with cents only under a thousand (``$512.30``);
- ``share`` (0 to 1): ``4.8%``; ``percent`` (0 to 100, as Procore sends them): ``4.8%``;
- ``days``, ``count``: whole numbers, ``2,366``;
- ``score``: two decimals, ``87.25`` (scores tell projects apart: whole numbers would tie them);
- ``number``: at most two decimals (none when every value is whole);
- ``date``: ``Mar 4, 2025``; ``timestamp``: ``Mar 4, 2025 14:05 UTC``;
- ``id`` and ``text``: as they are.

Missing values show as an en dash. Headers are written for readers (``overdue_share``:
"Overdue share", ``ball_in_court.name``: "Ball in court"). The HTML needs nothing from
the network (no fonts, no scripts): reports open offline. (great_tables was weighed: its
default styles load a web font, and a Styler's table reads the same in nbconvert's HTML.)

Examples
--------
>>> from procore_nb.reports import summaries, tables
>>> tables.readable(summaries.stage_summary(projects, stages))  # doctest: +SKIP
>>> tables.money(1_647_776_123.76), tables.percent(0.0475), tables.days(2366.3)
('$1,647,776,124', '4.8%', '2,366')
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Hashable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

import pandas as pd

from procore_nb._exceptions import ConfigurationError
from procore_nb.reports._kinds import KINDS, Kind, declare, header, kinds_of

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

__all__ = [
    "KINDS",
    "Kind",
    "column_kinds",
    "count",
    "date",
    "days",
    "declare",
    "formatter",
    "header",
    "money",
    "number",
    "percent",
    "readable",
    "score",
    "timestamp",
]

#: What a missing value looks like.
MISSING = "\u2013"
#: Sums of money at least this large are shown without cents.
NO_CENTS_FROM = 1_000

#: Light rules and right-aligned numbers; nothing loaded from anywhere.
_STYLES = [
    {"selector": "", "props": "border-collapse: collapse; font-variant-numeric: tabular-nums;"},
    {
        "selector": "th",
        "props": "text-align: left; padding: 4px 10px; border-bottom: 1px solid #999;",
    },
    {"selector": "td", "props": "padding: 3px 10px; border-bottom: 1px solid #e3e3e3;"},
    {
        "selector": "caption",
        "props": "caption-side: top; text-align: left; font-weight: 600; padding: 6px 0;",
    },
]
_RIGHT = frozenset({"money", "share", "percent", "days", "count", "score", "number"})


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
    ``-2500`` -> ``"-$2,500"``, ``0`` -> ``"$0"``.
    """
    if _missing(value):
        return MISSING
    number = float(value)
    sign = "-" if number < 0 else ""
    size = abs(number)
    if size < 0.005:  # nothing left once rounded to cents: no "-$0.00"
        sign, size = "", 0.0
    whole = round(size) >= NO_CENTS_FROM or size == 0
    text = f"{size:,.0f}" if whole else f"{size:,.2f}"
    return f"{sign}{currency}{text}"


def days(value: Any) -> str:
    """An age or duration in whole days (a number of days, or a timedelta): ``"2,366"``."""
    if _missing(value):
        return MISSING
    number = value / pd.Timedelta(days=1) if isinstance(value, pd.Timedelta) else float(value)
    return f"{math.floor(number + 0.5):,}"  # half up, also for negative ages


def count(value: Any) -> str:
    """A whole number with thousands separators: ``1234`` -> ``"1,234"`` (``2.6`` -> ``"3"``)."""
    if _missing(value):
        return MISSING
    return f"{math.floor(float(value) + 0.5):,}"


def number(value: Any) -> str:
    """A number with thousands separators and at most two decimals: ``"1,234.57"``."""
    if _missing(value):
        return MISSING
    figure = float(value)
    return f"{figure:,.0f}" if figure.is_integer() else f"{figure:,.2f}"


def date(value: Any) -> str:
    """A day as a reader writes it: ``"Mar 4, 2025"`` (a timestamp's UTC day)."""
    if _missing(value):
        return MISSING
    day = _utc(value)
    return f"{day:%b} {day.day}, {day:%Y}"


def timestamp(value: Any) -> str:
    """A moment in UTC to the minute: ``"Mar 4, 2025 14:05 UTC"``."""
    if _missing(value):
        return MISSING
    moment = _utc(value)
    return f"{date(moment)} {moment:%H:%M} UTC"


def _utc(value: Any) -> pd.Timestamp:
    moment = pd.Timestamp(value)
    return moment.tz_convert("UTC") if moment.tzinfo is not None else moment


def score(value: Any) -> str:
    """A score to two decimals: ``87.254`` -> ``"87.25"``."""
    return MISSING if _missing(value) else f"{float(value):,.2f}"


def _percent_of_100(value: Any) -> str:
    return MISSING if _missing(value) else percent(float(value) / 100)


def _plain(value: Any) -> str:
    return MISSING if _missing(value) else str(value)


_FORMATTERS: Mapping[Kind, Callable[[Any], str]] = {
    "money": money,
    "share": percent,
    "percent": _percent_of_100,
    "days": days,
    "count": count,
    "score": score,
    "number": number,
    "date": date,
    "timestamp": timestamp,
    "id": _plain,
    "text": _plain,
}


def column_kinds(frame: pd.DataFrame) -> dict[str, Kind]:
    """The kind :func:`readable` shows each column (and named index level) of ``frame`` as.

    Declared kinds (``frame.attrs["kinds"]``, see :func:`declare`) first, then the
    registry's for its column names, then the dtype's: integers ``count``, floats
    ``number``, timedeltas ``days``, datetimes ``date`` (all at midnight) or ``timestamp``.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"projects": [3], "share": [0.5], "grand_total": [9.0]})
    >>> column_kinds(declare(frame, {"share": "share"}))
    {'projects': 'count', 'share': 'share', 'grand_total': 'money'}
    """
    return kinds_of(frame)


def formatter(kind: Kind, currency: str = "$") -> Callable[[Any], str]:
    """The function that writes a value of ``kind`` for readers (``money`` with ``currency``)."""
    return partial(money, currency=currency) if kind == "money" else _FORMATTERS[kind]


def readable(
    frame: pd.DataFrame,
    *,
    kinds: Mapping[str, Kind] | None = None,
    currency: str = "$",
    headers: bool = True,
    caption: str | None = None,
) -> Styler:
    """``frame`` formatted for a report; the data itself is not changed.

    Parameters
    ----------
    frame:
        Any table, such as :func:`procore_nb.reports.summaries.stage_summary`'s.
    kinds:
        ``{column: kind}`` for columns to show otherwise than :func:`column_kinds` says
        (a kind of :data:`KINDS`).
    currency:
        Put before sums of money (Procore keeps one currency per company).
    headers:
        Write column names for readers (``overdue_share`` -> ``Overdue share``).
    caption:
        A title shown above the table (what it lists, when the heading above does not say).

    Returns
    -------
    pandas.io.formats.style.Styler
        Shows as an HTML table in notebooks and their reports.

    Raises
    ------
    ConfigurationError
        A named column is not in ``frame``, or a kind is not one of :data:`KINDS`.

    Examples
    --------
    >>> tables.readable(by_stage, kinds={"budget": "money"}, currency="€")  # doctest: +SKIP
    """
    named = dict(kinds or {})
    for column in named:
        if column not in frame.columns and column not in frame.index.names:
            known = ", ".join(map(str, frame.columns))
            raise ConfigurationError(
                f"readable(..., kinds={{{column!r}: ...}}): no such column; "
                f"the columns are {known}."
            )
    shown = declare(frame.copy(deep=False), named)
    resolved = kinds_of(shown)
    if headers:
        names: list[Any] = [None if n is None else header(n) for n in shown.index.names]
        shown = shown.rename_axis(index=names)
        if shown.columns.name is not None:  # a crosstab's "status" above its columns
            shown = shown.rename_axis(columns=header(shown.columns.name))
    formatters = {
        column: formatter(resolved[str(column)], currency)
        for column in shown.columns
        if str(column) in resolved
    }
    styler = shown.style.format(formatters, na_rep=MISSING)  # type: ignore[arg-type]
    levels = [i for i, name in enumerate(frame.index.names) if str(name) in resolved]
    for level in levels:
        kind = resolved[str(frame.index.names[level])]
        styler = styler.format_index(formatter(kind, currency), axis=0, level=level)
    if isinstance(frame.index, pd.DatetimeIndex) and frame.index.name is None:
        styler = styler.format_index(formatter(_date_kind(frame.index), currency), axis=0)
    if isinstance(frame.index, pd.RangeIndex) and frame.index.name is None:
        styler = styler.hide(axis="index")
    if headers:
        styler = styler.format_index(header, axis=1)
    if caption is not None:
        styler = styler.set_caption(html.escape(str(caption)))
    right: list[Hashable] = [c for c in shown.columns if resolved.get(str(c)) in _RIGHT]
    left: list[Hashable] = [c for c in shown.columns if c not in right]
    styler = styler.set_table_styles(_STYLES)  # type: ignore[arg-type]
    styler = styler.set_properties(subset=right, **{"text-align": "right"})
    return styler.set_properties(subset=left, **{"text-align": "left"})


def _date_kind(index: pd.DatetimeIndex) -> Kind:
    return "date" if (index.dropna() == index.dropna().normalize()).all() else "timestamp"
