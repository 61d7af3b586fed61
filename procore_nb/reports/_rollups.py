"""Cost, inspections, manpower and health roll-ups (public through :mod:`.analysis`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from procore_nb.reports._columns import naive as _naive
from procore_nb.reports._columns import require as _require

__all__ = [
    "HEALTH_BANDS",
    "HEALTH_COLOURS",
    "change_order_exposure",
    "cost_by_project",
    "health",
    "health_band",
    "inspection_outcomes",
    "per_week",
]


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
    """``value`` summed per ``by`` value (rows) and week starting Monday (columns).

    Every week from the first to the last with a log is a column (0 where nobody logged).
    """
    _require(logs, [by, value, date], "per_week")
    week = _naive(logs[date]).dt.to_period("W-SUN").dt.start_time
    frame = pd.DataFrame(
        {"key": logs[by].astype("string").fillna("(none)"), "week": week, "value": logs[value]}
    )
    table = frame.pivot_table(
        index="key", columns="week", values="value", aggfunc="sum", fill_value=0.0
    )
    table.index.name = by
    if len(table.columns):  # weeks without a log are there too, with 0
        weeks = pd.date_range(table.columns.min(), table.columns.max(), freq="7D")
        table = table.reindex(columns=weeks, fill_value=0.0)
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
