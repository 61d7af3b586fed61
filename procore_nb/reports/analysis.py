"""The sums the example notebooks 04-07 report: open and overdue items, ageing, cost, health.

Each function takes DataFrames as :meth:`procore_nb.Client.frame` returns them (RFIs,
submittals, punch items, observations, inspections, budget rows, contracts, change orders,
manpower logs) and returns a small table with plain numbers, ready for
:func:`procore_nb.tables.readable` and :func:`procore_nb.export.to_excel`.

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

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from procore_nb._exceptions import ConfigurationError

__all__ = [
    "AGE_BUCKETS",
    "HEALTH_BANDS",
    "HEALTH_COLOURS",
    "age_days",
    "ageing",
    "as_of",
    "change_order_exposure",
    "cost_by_project",
    "health",
    "health_band",
    "inspection_outcomes",
    "is_open",
    "is_overdue",
    "open_and_overdue",
    "overdue_over_time",
    "per_week",
    "turnaround",
]

#: Upper bounds (days, inclusive) of the ageing buckets; older items fall in the last one.
AGE_BUCKETS: tuple[int, ...] = (7, 14, 30, 60)

#: Status words of items that are finished (compared in lower case).
_CLOSED = frozenset({"closed", "void", "approved", "approved as noted", "rejected", "completed"})
#: Columns that hold an item's status, in order of preference.
_STATUS = ("status.status", "status")
#: Columns that hold when an item was closed or answered, in order of preference.
_CLOSED_AT = ("closed_at", "time_resolved")


def _require(frame: pd.DataFrame, columns: Iterable[str], purpose: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ConfigurationError(
            f"{purpose} needs the column(s) {', '.join(missing)}; the frame has "
            f"{', '.join(map(str, frame.columns[:12]))}{'...' if len(frame.columns) > 12 else ''}."
        )


def _first(frame: pd.DataFrame, candidates: Sequence[str], purpose: str) -> str:
    for column in candidates:
        if column in frame.columns:
            return column
    raise ConfigurationError(f"{purpose} needs one of the columns {', '.join(candidates)}.")


def _keys(values: pd.Series) -> pd.Series:
    """Group keys: numbers (such as project ids) as they are, text with ``(none)`` for missing."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not values.isna().any():
        return values
    return values.astype("string").fillna("(none)")


def _naive(values: pd.Series) -> pd.Series:
    """Dates as naive days (UTC dates for timestamps with a zone)."""
    values = pd.to_datetime(values)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values.dt.normalize()


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
    """True for items not closed: status not in (closed, void, approved, ...), no close time.

    Draft items count as open: they are still someone's work. Uses ``status.status``
    (submittals) or ``status``, and ``closed_at`` or ``time_resolved`` when present.
    """
    status = _first(items, _STATUS, "is_open")
    words = items[status].astype("string").str.strip().str.lower()
    still = ~words.isin(_CLOSED).fillna(False)
    for column in _CLOSED_AT:
        if column in items.columns:
            still &= items[column].isna()
            break
    return still.astype(bool).rename("open")


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
    keys = _keys(chosen[by])
    table = pd.crosstab(keys, bucket, dropna=False).reindex(columns=labels, fill_value=0)
    table.columns = pd.Index(labels, name=None)
    table.index.name = by
    table["total"] = table.sum(axis=1)
    return table.sort_values("total", ascending=False).astype("int64")


def open_and_overdue(
    items: pd.DataFrame, *, as_of: pd.Timestamp, by: str = "project_name", due: str = "due_date"
) -> pd.DataFrame:
    """Per ``by`` value: ``items``, ``open``, ``overdue`` counts and the ``overdue_share`` of open.

    Sorted by overdue, then open, largest first.
    """
    _require(items, [by], "open_and_overdue")
    flags = pd.DataFrame(
        {
            "key": _keys(items[by]).to_numpy(),
            "open": is_open(items).to_numpy(),
            "overdue": is_overdue(items, as_of=as_of, due=due).to_numpy(),
        }
    )
    table = flags.groupby("key").agg(
        items=("open", "size"), open=("open", "sum"), overdue=("overdue", "sum")
    )
    table.index.name = by
    table = table.astype("int64")
    share = table["overdue"] / table["open"].where(table["open"] > 0)
    table["overdue_share"] = share.astype("float64")
    return table.sort_values(["overdue", "open"], ascending=False)


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
    return table.sort_values("median_days", ascending=False)


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
    and it was not yet closed then (``closed_at`` or ``time_resolved``).
    """
    end = _first(items, _CLOSED_AT, "overdue_over_time")
    _require(items, [due, start], "overdue_over_time")
    days = pd.date_range(end=pd.Timestamp(as_of).normalize(), periods=periods, freq=freq)
    created, due_day = _naive(items[start]), _naive(items[due])
    closed = _naive(items[end])
    counts = [
        int(((created <= day) & (due_day < day) & (closed.isna() | (closed > day))).sum())
        for day in days
    ]
    return pd.Series(counts, index=pd.DatetimeIndex(days, name="date"), name="overdue")


def _money_sum(frame: pd.DataFrame, column: str, by: str) -> pd.Series:
    return frame.groupby(by)[column].sum(min_count=1).astype("float64")


def cost_by_project(
    budget: pd.DataFrame,
    commitments: pd.DataFrame,
    *,
    by: str = "project_name",
) -> pd.DataFrame:
    """Budget against committed cost and change orders per ``by`` value (project or cost code).

    ``budget`` is ``budget_detail_rows`` (``original_budget_amount`` plus
    ``budget_modifications`` is the revised budget); ``commitments`` the work order and
    purchase order contracts together (``grand_total``, ``approved_change_orders``,
    ``pending_change_orders``). Columns: ``budget``, ``committed``, ``approved_cos``,
    ``pending_cos``, ``revised_committed`` (committed plus approved), ``exposure``
    (revised plus pending) and ``variance`` (budget minus exposure; negative is over budget),
    ``variance_share`` (variance over budget). Sorted by variance, worst first.
    """
    _require(budget, [by, "original_budget_amount"], "cost_by_project (budget)")
    _require(
        commitments,
        [by, "grand_total", "approved_change_orders", "pending_change_orders"],
        "cost_by_project (commitments)",
    )
    revised = budget["original_budget_amount"].fillna(0.0)
    if "budget_modifications" in budget.columns:
        revised = revised + budget["budget_modifications"].fillna(0.0)
    table = pd.DataFrame(
        {"budget": budget.assign(_revised=revised).groupby(by)["_revised"].sum()}
    ).join(
        pd.DataFrame(
            {
                "committed": _money_sum(commitments, "grand_total", by),
                "approved_cos": _money_sum(commitments, "approved_change_orders", by),
                "pending_cos": _money_sum(commitments, "pending_change_orders", by),
            }
        ),
        how="outer",
    )
    table = table.fillna(0.0).astype("float64")
    table["revised_committed"] = table["committed"] + table["approved_cos"]
    table["exposure"] = table["revised_committed"] + table["pending_cos"]
    table["variance"] = table["budget"] - table["exposure"]
    table["variance_share"] = table["variance"] / table["budget"].where(table["budget"] != 0)
    table.index.name = by
    return table.sort_values("variance")


def change_order_exposure(
    change_orders: pd.DataFrame, *, by: str = "project_name", amount: str = "grand_total"
) -> pd.DataFrame:
    """Change orders per ``by`` value and status: counts and sums of ``amount``.

    Columns ``<status>_count`` and ``<status>_amount`` for each status present
    (approved, pending, draft, rejected, ...) and ``open_amount`` (pending plus draft: what
    may still be added). Sorted by ``open_amount``, largest first.
    """
    _require(change_orders, [by, "status", amount], "change_order_exposure")
    status = change_orders["status"].astype("string").str.lower().fillna("unknown")
    frame = pd.DataFrame(
        {
            "key": change_orders[by].astype("string").fillna("(none)"),
            "status": status,
            "amount": change_orders[amount].astype("float64"),
        }
    )
    counts = frame.pivot_table(index="key", columns="status", values="amount", aggfunc="size")
    sums = frame.pivot_table(index="key", columns="status", values="amount", aggfunc="sum")
    counts = counts.fillna(0).astype("int64").add_suffix("_count")
    sums = sums.fillna(0.0).astype("float64").add_suffix("_amount")
    table = counts.join(sums)
    table["open_amount"] = sum(
        (sums[f"{s}_amount"] for s in ("pending", "draft") if f"{s}_amount" in sums.columns),
        start=pd.Series(0.0, index=table.index),
    )
    table.index.name = by
    table.columns.name = None
    return table.sort_values("open_amount", ascending=False)


def inspection_outcomes(checklists: pd.DataFrame, *, by: str = "trade.name") -> pd.DataFrame:
    """Inspections per ``by`` value: count, items inspected, conforming, deficient, N/A, rates.

    ``deficient_rate`` is deficient over inspected items (conforming plus deficient).
    """
    counts = [
        "conforming_item_count",
        "deficient_item_count",
        "not_applicable_item_count",
    ]
    _require(checklists, [by, *counts], "inspection_outcomes")
    frame = checklists[counts].fillna(0).astype("float64")
    frame["key"] = checklists[by].astype("string").fillna("(none)")
    table = frame.groupby("key").agg(
        inspections=("conforming_item_count", "size"),
        conforming=("conforming_item_count", "sum"),
        deficient=("deficient_item_count", "sum"),
        not_applicable=("not_applicable_item_count", "sum"),
    )
    table = table.astype("int64")
    judged = table["conforming"] + table["deficient"]
    table["deficient_rate"] = (table["deficient"] / judged.where(judged > 0)).astype("float64")
    table.index.name = by
    return table.sort_values("deficient_rate", ascending=False)


def per_week(
    logs: pd.DataFrame, *, by: str = "vendor.name", value: str = "man_hours", date: str = "date"
) -> pd.DataFrame:
    """``value`` summed per ``by`` value (rows) and week starting Monday (columns)."""
    _require(logs, [by, value, date], "per_week")
    week = _naive(logs[date]).dt.to_period("W-SUN").dt.start_time
    frame = pd.DataFrame(
        {"key": logs[by].astype("string").fillna("(none)"), "week": week, "value": logs[value]}
    )
    table = frame.pivot_table(
        index="key", columns="week", values="value", aggfunc="sum", fill_value=0.0
    )
    table.index.name = by
    table.columns = pd.DatetimeIndex(table.columns, name="week")
    return table.loc[table.sum(axis=1).sort_values(ascending=False).index].astype("float64")


def health(
    projects: pd.DataFrame,
    *,
    overdue: pd.Series | None = None,
    variance_share: pd.Series | None = None,
) -> pd.DataFrame:
    """A health measure per project from its overdue items and its cost variance.

    ``overdue`` and ``variance_share`` are indexed by project id (as
    ``open_and_overdue(..., by="project_id")["overdue"]`` and
    ``cost_by_project(..., by="project_id")["variance_share"]`` give them). The score is
    0 (healthy) to 100: half from overdue items (10 or more count fully), half from the
    cost overrun (10% over budget or worse counts fully). Returns ``projects`` with the
    columns ``overdue_items``, ``cost_variance``, ``health_score`` and ``health`` (the
    band, see :func:`health_band`).
    """
    _require(projects, ["id"], "health")
    ids = projects["id"]
    late = (overdue if overdue is not None else pd.Series(dtype="float64")).astype("float64")
    share = (variance_share if variance_share is not None else pd.Series(dtype="float64")).astype(
        "float64"
    )
    late_here = ids.map(late).astype("float64").fillna(0.0)
    share_here = ids.map(share).astype("float64")
    overrun = (-share_here).clip(lower=0.0).fillna(0.0)
    score = 50.0 * (late_here / 10.0).clip(upper=1.0) + 50.0 * (overrun / 0.10).clip(upper=1.0)
    out = projects.copy()
    out["overdue_items"] = late_here.astype("int64").to_numpy()
    out["cost_variance"] = share_here.to_numpy()
    out["health_score"] = score.round(1).to_numpy()
    out["health"] = health_band(out["health_score"]).to_numpy()
    return out


#: The health bands, best first, with the score each starts above.
HEALTH_BANDS: tuple[tuple[str, float], ...] = (
    ("Healthy", -1.0),
    ("Watch", 25.0),
    ("At risk", 50.0),
)
#: A colour per health band, for ``maps.project_map(..., colour_by=("health", HEALTH_COLOURS))``.
HEALTH_COLOURS: dict[str, str] = {"At risk": "#c62828", "Watch": "#f9a825", "Healthy": "#2e7d32"}


def health_band(score: pd.Series) -> pd.Series:
    """``Healthy`` (score up to 25), ``Watch`` (to 50) or ``At risk`` (over 50)."""
    bins = [low for _, low in HEALTH_BANDS] + [np.inf]
    labels = [name for name, _ in HEALTH_BANDS]
    bands = pd.cut(score.astype("float64"), bins=bins, labels=labels)
    return bands.astype("string").rename("health")
