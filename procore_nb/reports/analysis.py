"""The sums the example notebooks 04-07 report: open and overdue items, ageing, cost, health.

Each function takes DataFrames as :meth:`procore_nb.Client.frame` returns them (RFIs,
submittals, punch items, observations, inspections, budget rows, contracts, change orders,
manpower logs) and returns a small table with plain numbers, ready for
:func:`procore_nb.reports.tables.readable` and :func:`procore_nb.reports.export.to_excel`; each
declares its columns' kinds (``df.attrs["kinds"]``: counts, shares, money, days, scores),
which those two show them by.

Dates are measured against an ``as_of`` day: pass one, or let :func:`as_of` take the latest
update in the data (so that a report of last month's data does not count everything as
overdue).

Examples
--------
>>> from procore_nb.reports import analysis
>>> rfis = client.frame("rfis", projects="active")  # doctest: +SKIP
>>> day = analysis.as_of(rfis)  # doctest: +SKIP
>>> analysis.open_and_overdue(rfis, as_of=day)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from procore_nb._exceptions import ConfigurationError
from procore_nb.reports._columns import first as _first
from procore_nb.reports._columns import group_keys
from procore_nb.reports._columns import naive as _naive
from procore_nb.reports._columns import require as _require
from procore_nb.reports._kinds import Kind, declare
from procore_nb.reports._questions import (
    OSHA_HOURS,
    drawings_revised,
    hours_by_vendor,
    incident_rate,
    invoiced_vs_committed,
    open_meeting_items,
)
from procore_nb.reports._rollups import (
    HEALTH_BANDS,
    HEALTH_COLOURS,
    HEALTH_EXPLAINED,
    HEALTH_POINTS,
    HEALTH_SCALES,
    change_order_exposure,
    cost_by_project,
    health,
    health_band,
    inspection_outcomes,
    per_week,
)

__all__ = [
    "AGE_BUCKETS",
    "HEALTH_BANDS",
    "HEALTH_COLOURS",
    "HEALTH_EXPLAINED",
    "HEALTH_POINTS",
    "HEALTH_SCALES",
    "OSHA_HOURS",
    "age_days",
    "ageing",
    "as_of",
    "change_order_exposure",
    "cost_by_project",
    "drawings_revised",
    "health",
    "health_band",
    "hours_by_vendor",
    "incident_rate",
    "inspection_outcomes",
    "invoiced_vs_committed",
    "is_open",
    "is_overdue",
    "open_and_overdue",
    "open_meeting_items",
    "overdue_over_time",
    "per_week",
    "turnaround",
]

#: Upper bounds (days, inclusive) of the ageing buckets; older items fall in the last one.
AGE_BUCKETS: tuple[int, ...] = (7, 14, 30, 60)

#: Status words of items that are not open (compared in lower case): finished, or drafts
#: never sent (nobody's to answer yet, so never overdue: Procore's logs count them apart).
_NOT_OPEN = frozenset(
    {"closed", "void", "approved", "approved as noted", "rejected", "completed", "draft"}
)
#: Columns that hold an item's status, in order of preference.
_STATUS = ("status.status", "status")
#: Columns that hold when an item was closed or answered, in order of preference.
_CLOSED_AT = ("closed_at", "time_resolved")


def as_of(*frames: pd.DataFrame, column: str = "updated_at") -> pd.Timestamp:
    """The day the data is as of: the latest ``column`` of the frames (today when none has one).

    Examples
    --------
    >>> as_of(rfis, submittals)  # doctest: +SKIP
    Timestamp('2025-12-31 00:00:00')
    """
    latest = [
        _naive(f[column]).max() for f in frames if column in f.columns and f[column].notna().any()
    ]
    if not latest:
        return pd.Timestamp.now().normalize()
    return pd.Timestamp(max(latest))


def is_open(items: pd.DataFrame) -> pd.Series:
    """True for open items: sent and not finished (status not draft, closed, void, approved,
    ...), and no close time.

    Drafts are not open: never sent, they are nobody's to answer yet and are never overdue.
    Uses ``status.status`` (submittals) or ``status``, and ``closed_at`` or
    ``time_resolved`` when present.
    """
    still = ~_status_words(items).isin(_NOT_OPEN).fillna(False)
    for column in _CLOSED_AT:
        if column in items.columns:
            still &= items[column].isna()
            break
    return still.astype(bool).rename("open")


def _status_words(items: pd.DataFrame) -> pd.Series:
    status = _first(items, _STATUS, "is_open")
    return items[status].astype("string").str.strip().str.lower()


def is_overdue(items: pd.DataFrame, *, as_of: pd.Timestamp, due: str = "due_date") -> pd.Series:
    """True for open items whose ``due`` day is before ``as_of``."""
    _require(items, [due], "is_overdue")
    late = (_naive(items[due]) < pd.Timestamp(as_of).normalize()).fillna(False)
    return (is_open(items) & late).astype(bool).rename("overdue")


def age_days(items: pd.DataFrame, *, as_of: pd.Timestamp, since: str = "created_at") -> pd.Series:
    """Whole days from ``since`` to ``as_of`` (never negative)."""
    _require(items, [since], "age_days")
    days: pd.Series = (pd.Timestamp(as_of).normalize() - _naive(items[since])).dt.days
    return days.clip(lower=0).astype("Int64").rename("age_days")


def _bucket_labels(buckets: Sequence[int]) -> list[str]:
    labels, low = [], 0
    for high in buckets:
        labels.append(f"{low}-{high} days")
        low = high + 1
    labels.append(f"over {buckets[-1]} days")
    return labels


def ageing(
    items: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    by: str = "project_name",
    since: str = "created_at",
    buckets: Sequence[int] = AGE_BUCKETS,
) -> pd.DataFrame:
    """Open items per ``by`` value and age bucket (columns), with a ``total`` column.

    Ages are whole days from ``since`` to ``as_of``. Rows are sorted by total, largest first.
    For ball-in-court ageing pass ``by="ball_in_court.name"`` (RFIs) or a column you derived.

    Examples
    --------
    >>> ageing(rfis, as_of=day, by="ball_in_court.name").head()  # doctest: +SKIP
    """
    if list(buckets) != sorted(set(buckets)) or not buckets or buckets[0] < 0:
        raise ConfigurationError(f"buckets must be increasing day counts, not {list(buckets)}")
    _require(items, [by], "ageing")
    chosen = items[is_open(items).to_numpy()]
    labels = _bucket_labels(buckets)
    ages = age_days(chosen, as_of=as_of, since=since).astype("float64")
    bins = [-np.inf, *buckets, np.inf]
    bucket = pd.cut(ages, bins=bins, labels=labels)
    keys = group_keys(chosen, by)
    table = pd.crosstab(keys, bucket, dropna=False).reindex(columns=labels, fill_value=0)
    table.columns = pd.Index(labels, name=None)
    table.index.name = by
    table["total"] = table.sum(axis=1)
    table = table.sort_values("total", ascending=False).astype("int64")
    return declare(table, dict.fromkeys(map(str, table.columns), "count"))


def open_and_overdue(
    items: pd.DataFrame, *, as_of: pd.Timestamp, by: str = "project_name", due: str = "due_date"
) -> pd.DataFrame:
    """Per ``by`` value: ``items``, ``open``, ``overdue``, the ``overdue_share`` of open items and
    ``days_late``, the mean days the overdue items are past due.

    Sorted by overdue, then open, largest first.
    """
    _require(items, [by], "open_and_overdue")
    overdue = is_overdue(items, as_of=as_of, due=due).to_numpy()
    late = (pd.Timestamp(as_of).normalize() - _naive(items[due])).dt.days.astype("float64")
    flags = pd.DataFrame(
        {
            "key": group_keys(items, by).to_numpy(),
            "open": is_open(items).to_numpy(),
            "overdue": overdue,
            "late": late.where(overdue).to_numpy(),
        }
    )
    table = flags.groupby("key").agg(
        items=("open", "size"), open=("open", "sum"), overdue=("overdue", "sum")
    )
    table.index.name = by
    table = table.astype("int64")
    share = table["overdue"] / table["open"].where(table["open"] > 0)
    table["overdue_share"] = share.astype("float64")
    table["days_late"] = flags.groupby("key")["late"].mean().astype("float64")
    table = table.sort_values(["overdue", "open"], ascending=False)
    counts: dict[str, Kind] = dict.fromkeys(["items", "open", "overdue"], "count")
    return declare(table, {**counts, "overdue_share": "share", "days_late": "days"})


def turnaround(
    items: pd.DataFrame,
    *,
    by: str = "responsible_contractor.name",
    start: str = "created_at",
    end: str | None = None,
) -> pd.DataFrame:
    """Closed items per ``by`` value with their median and mean days from ``start`` to closing.

    ``end`` defaults to ``closed_at`` or ``time_resolved``. Sorted by the median, slowest first.
    """
    end = end or _first(items, _CLOSED_AT, "turnaround")
    _require(items, [by, start, end], "turnaround")
    done = items[items[end].notna()]
    days = (_naive(done[end]) - _naive(done[start])).dt.days.clip(lower=0)
    frame = pd.DataFrame({"key": done[by].astype("string").fillna("(none)"), "days": days})
    table = frame.groupby("key")["days"].agg(["size", "median", "mean"])
    table.columns = pd.Index(["closed", "median_days", "mean_days"])
    table.index.name = by
    table["closed"] = table["closed"].astype("int64")
    table = table.sort_values("median_days", ascending=False)
    return declare(table, {"closed": "count", "median_days": "days", "mean_days": "days"})


def overdue_over_time(
    items: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    freq: str = "MS",
    periods: int = 12,
    due: str = "due_date",
    start: str = "created_at",
) -> pd.Series:
    """How many items were overdue at each period start (``freq``) of the last ``periods``.

    An item is overdue on a day when it was created on or before it, its due day has passed
    and it was not yet closed then (``closed_at`` or ``time_resolved``); drafts never are.
    """
    end = _first(items, _CLOSED_AT, "overdue_over_time")
    _require(items, [due, start], "overdue_over_time")
    days = pd.date_range(end=pd.Timestamp(as_of).normalize(), periods=periods, freq=freq)
    created, due_day = _naive(items[start]), _naive(items[due])
    closed = _naive(items[end])
    sent = (_status_words(items) != "draft").fillna(True)
    counts = [
        int((sent & (created <= day) & (due_day < day) & (closed.isna() | (closed > day))).sum())
        for day in days
    ]
    return pd.Series(counts, index=pd.DatetimeIndex(days, name="date"), name="overdue")
