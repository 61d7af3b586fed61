"""Cost, inspections, manpower and health roll-ups (public through :mod:`.analysis`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from procore_nb.reports._columns import group_keys
from procore_nb.reports._columns import naive as _naive
from procore_nb.reports._columns import require as _require
from procore_nb.reports._kinds import Kind, declare

__all__ = [
    "HEALTH_BANDS",
    "HEALTH_COLOURS",
    "HEALTH_EXPLAINED",
    "HEALTH_POINTS",
    "HEALTH_SCALES",
    "change_order_exposure",
    "cost_by_project",
    "health",
    "health_band",
    "inspection_outcomes",
    "per_week",
]


def _money_sum(frame: pd.DataFrame, column: str, groups: pd.Series) -> pd.Series:
    return frame.groupby(groups)[column].sum(min_count=1).astype("float64")


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

    Rows without a budget (commitments but no budget lines, or a budget of zero) have no
    variance to compare: their ``variance`` and ``variance_share`` are missing and they come
    last; how many there are is in ``table.attrs["without_budget"]``.
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
    lines, bought = group_keys(budget, by, commitments), group_keys(commitments, by, budget)
    table = pd.DataFrame({"budget": revised.groupby(lines).sum()}).join(
        pd.DataFrame(
            {
                "committed": _money_sum(commitments, "grand_total", bought),
                "approved_cos": _money_sum(commitments, "approved_change_orders", bought),
                "pending_cos": _money_sum(commitments, "pending_change_orders", bought),
            }
        ),
        how="outer",
    )
    table = table.fillna(0.0).astype("float64")
    table["revised_committed"] = table["committed"] + table["approved_cos"]
    table["exposure"] = table["revised_committed"] + table["pending_cos"]
    budgeted = table["budget"] != 0
    table["variance"] = (table["budget"] - table["exposure"]).where(budgeted)
    table["variance_share"] = table["variance"] / table["budget"].where(budgeted)
    table.index.name = by
    table = table.sort_values("variance", na_position="last")
    table.attrs["without_budget"] = int((~budgeted).sum())
    money = ["budget", "committed", "approved_cos", "pending_cos", "revised_committed"]
    return declare(
        table,
        {**dict.fromkeys([*money, "exposure", "variance"], "money"), "variance_share": "share"},
    )


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
            "key": group_keys(change_orders, by).astype("string"),
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
    table = table.sort_values("open_amount", ascending=False)
    return declare(
        table,
        {str(c): "count" if str(c).endswith("_count") else "money" for c in table.columns},
    )


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
    table = table.sort_values("deficient_rate", ascending=False)
    counts_out = ["inspections", "conforming", "deficient", "not_applicable"]
    return declare(table, {**dict.fromkeys(counts_out, "count"), "deficient_rate": "share"})


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


#: What counts as a lot, for each part of the health score: the overdue items, the mean
#: days they are past due and the cost overrun at which a part reaches 63% of its points
#: (1 - 1/e); each part nears its full points smoothly, so that worse is always higher.
HEALTH_SCALES: dict[str, float] = {"overdue": 10.0, "days_late": 30.0, "overrun": 0.10}
#: The points of each part of the health score (they add up to 100).
HEALTH_POINTS: dict[str, float] = {"overdue": 30.0, "days_late": 20.0, "overrun": 50.0}
#: The health score in one sentence, for reports.
HEALTH_EXPLAINED = (
    "The health score runs from 0 (healthy) to 100: up to 30 points for overdue RFIs, "
    "submittals and punch items (10 earn about 19), up to 20 for how many days they are past "
    "due on average (a month earns about 13), and up to 50 for the cost overrun against "
    "the budget (10% over earns about 32); each part grows smoothly, so a worse project "
    "always scores higher."
)


def _part(values: pd.Series, name: str) -> pd.Series:
    scale, points = HEALTH_SCALES[name], HEALTH_POINTS[name]
    part: pd.Series = points * (1.0 - np.exp(-values.clip(lower=0.0) / scale))
    return part


def health(
    projects: pd.DataFrame,
    *,
    overdue: pd.Series | None = None,
    days_late: pd.Series | None = None,
    variance_share: pd.Series | None = None,
) -> pd.DataFrame:
    """A health score per project from its overdue items, how late they are, and its cost.

    ``overdue``, ``days_late`` and ``variance_share`` are indexed by project id (as
    ``open_and_overdue(..., by="project_id")`` gives ``overdue`` and ``days_late`` and
    ``cost_by_project(..., by="project_id")`` gives ``variance_share``). The score is 0
    (healthy) to 100, to two decimals (:data:`HEALTH_EXPLAINED` says it in a sentence): 30
    points for overdue items, 20 for their mean days past due, 50 for the cost overrun,
    each part rising smoothly towards its points (:data:`HEALTH_SCALES`), so that projects
    are told apart rather than tied at a cap. A project without a budget has no cost part.
    Returns ``projects`` with the columns ``overdue_items``, ``days_late``,
    ``cost_variance``, ``health_score`` and ``health`` (the band, see :func:`health_band`).
    """
    _require(projects, ["id"], "health")
    ids = projects["id"]

    def here(values: pd.Series | None) -> pd.Series:
        known = (values if values is not None else pd.Series(dtype="float64")).astype("float64")
        return ids.map(known).astype("float64")

    late_here, days_here, share_here = here(overdue), here(days_late), here(variance_share)
    score = (
        _part(late_here.fillna(0.0), "overdue")
        + _part(days_here.where(late_here > 0).fillna(0.0), "days_late")
        + _part((-share_here).fillna(0.0), "overrun")
    )
    out = projects.copy()
    out["overdue_items"] = late_here.fillna(0.0).astype("int64").to_numpy()
    out["days_late"] = days_here.to_numpy()
    out["cost_variance"] = share_here.to_numpy()
    out["health_score"] = score.round(2).to_numpy()
    out["health"] = health_band(out["health_score"]).to_numpy()
    kinds: dict[str, Kind] = {
        "overdue_items": "count",
        "days_late": "days",
        "cost_variance": "share",
    }
    return declare(out, {**kinds, "health_score": "score", "health": "text"})


#: The health bands, best first, with the score each starts above.
HEALTH_BANDS: tuple[tuple[str, float], ...] = (
    ("Healthy", -1.0),
    ("Watch", 20.0),
    ("At risk", 40.0),
)
#: A colour per health band, for ``maps.project_map(..., colour_by=("health", HEALTH_COLOURS))``.
HEALTH_COLOURS: dict[str, str] = {"At risk": "#c62828", "Watch": "#f9a825", "Healthy": "#2e7d32"}


def health_band(score: pd.Series) -> pd.Series:
    """``Healthy`` (score up to 20), ``Watch`` (to 40) or ``At risk`` (over 40)."""
    bins = [low for _, low in HEALTH_BANDS] + [np.inf]
    labels = [name for name, _ in HEALTH_BANDS]
    bands = pd.cut(score.astype("float64"), bins=bins, labels=labels)
    return bands.astype("string").rename("health")
