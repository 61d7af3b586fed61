"""Stage summaries of a company's projects, as DataFrames and as charts.

An optional module (``import procore_nb`` does not load it); the charts need matplotlib.
Tables and charts share the stage order and colours of :mod:`procore_nb.maps`: the
company's stage list when given, else Procore's default stages, then any others.

Examples
--------
>>> from procore_nb.reports import summaries
>>> stages = client.project_stages()["name"]  # doctest: +SKIP
>>> summaries.stage_summary(projects, stages)  # doctest: +SKIP
>>> summaries.plot_stages(projects, stages=stages)  # doctest: +SKIP
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from procore_nb.plotting._figures import new_figure
from procore_nb.plotting._stages import Stages, require_columns, stage_colours, stage_order
from procore_nb.reports._kinds import Kind, declare

__all__ = [
    "plot_stages",
    "plot_state_by_stage",
    "plot_timeline",
    "stage_summary",
    "starts_per_quarter",
    "state_by_stage",
]

NO_STATE = "(no state)"
_DAY_SECONDS = 86_400.0
_GRID = "#e3e3e3"


def _naive_utc(projects: pd.DataFrame, column: str) -> pd.Series:
    """A date column as timezone-naive UTC datetimes (NaT where missing or unreadable)."""
    if column not in projects.columns:
        return pd.Series(pd.NaT, index=projects.index, dtype="datetime64[ns]")
    values = projects[column]
    if not pd.api.types.is_datetime64_any_dtype(values):
        values = pd.to_datetime(values, errors="coerce", utc=True)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values.astype("datetime64[ns]")


def _as_of(as_of: datetime | str | None) -> pd.Timestamp:
    stamp = pd.Timestamp.now(tz="UTC") if as_of is None else pd.Timestamp(as_of)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp


def stage_summary(
    projects: pd.DataFrame,
    stages: Stages = None,
    *,
    as_of: datetime | str | None = None,
) -> pd.DataFrame:
    """Projects per stage: counts, shares, active and inactive, values, age and duration.

    Parameters
    ----------
    projects:
        Projects as ``client.projects()`` returns them (``project_stage.name`` or
        ``stage`` is needed; other columns are used when present, else the figures
        that need them are missing).
    stages:
        Stage names in the company's order, e.g. ``client.project_stages()["name"]`` (or
        that DataFrame itself). Listed stages with no project get a row of zeros.
    as_of:
        The date ages are measured to (default: now).

    Returns
    -------
    pandas.DataFrame
        One row per stage (index ``stage``), with ``projects``, ``share`` (of all
        projects, 0 to 1), ``active``, ``inactive``, ``total_value``, ``estimated_value``
        (sums), ``median_age_days`` (days since ``start_date``, or since ``created_at``
        for projects without a start date or whose start is still to come) and
        ``median_duration_days`` (``start_date`` to ``completion_date``).

    Examples
    --------
    >>> stage_summary(projects, ["Bidding", "Course of Construction"])  # doctest: +SKIP
    """
    values, order = stage_order(projects, stages=stages, purpose="stage_summary")
    frame = pd.DataFrame({"stage": values.to_numpy(dtype=object)}, index=projects.index)
    if "active" in projects.columns:
        active = projects["active"].astype("boolean")
        frame["active"] = active.fillna(False).astype("int64")
        frame["inactive"] = (~active).fillna(False).astype("int64")
    for column in ("total_value", "estimated_value"):
        if column in projects.columns:
            frame[column] = pd.to_numeric(projects[column], errors="coerce")
    start = _naive_utc(projects, "start_date")
    day = _as_of(as_of)
    # A start still to come says nothing of age: such a project has waited since it was made.
    since = start.where(start <= day).fillna(_naive_utc(projects, "created_at"))
    frame["age"] = (day - since).dt.total_seconds() / _DAY_SECONDS
    completion = _naive_utc(projects, "completion_date")
    frame["duration"] = (completion - start).dt.total_seconds() / _DAY_SECONDS
    grouped = frame.groupby("stage", sort=False)
    table = pd.DataFrame(index=pd.Index(order, name="stage", dtype=object))
    table["projects"] = grouped.size().reindex(order, fill_value=0).astype("Int64")
    total = int(table["projects"].sum())
    table["share"] = (table["projects"] / total if total else table["projects"] * 0.0).astype(
        "Float64"
    )
    for column in ("active", "inactive"):
        if column in frame:
            table[column] = grouped[column].sum().reindex(order, fill_value=0).astype("Int64")
        else:  # no 'active' column: unknown, not zero
            table[column] = pd.Series(pd.NA, index=table.index, dtype="Int64")
    for column in ("total_value", "estimated_value"):
        if column in frame:
            table[column] = grouped[column].sum(min_count=1).reindex(order).astype("Float64")
        else:
            table[column] = pd.Series(pd.NA, index=table.index, dtype="Float64")
    table["median_age_days"] = grouped["age"].median().reindex(order).astype("Float64")
    table["median_duration_days"] = grouped["duration"].median().reindex(order).astype("Float64")
    return declare(table, _SUMMARY_KINDS)


_SUMMARY_KINDS: dict[str, Kind] = {
    "projects": "count",
    "share": "share",
    "active": "count",
    "inactive": "count",
    "total_value": "money",
    "estimated_value": "money",
    "median_age_days": "days",
    "median_duration_days": "days",
}


def _regions(projects: pd.DataFrame) -> pd.Series:
    """``state_code``, prefixed with the country outside the U.S. (``CA`` vs ``AU-WA``)."""
    state = projects["state_code"].astype("string").str.strip().str.upper()
    state = state.mask(state == "")
    if "country_code" not in projects.columns:
        return state.fillna(NO_STATE)
    country = projects["country_code"].astype("string").str.strip().str.upper()
    foreign = country.notna() & ~country.isin(["US", "USA", ""])
    labelled = state.where(~foreign, country + "-" + state)
    labelled = labelled.fillna(country.where(foreign))
    return labelled.fillna(NO_STATE)


def state_by_stage(projects: pd.DataFrame, stages: Stages = None) -> pd.DataFrame:
    """Projects per state (rows, most projects first) and stage (columns, in stage order).

    States outside the U.S. are prefixed with their country (``"AU-WA"``), and projects
    without a state are counted under ``"(no state)"``.

    Examples
    --------
    >>> state_by_stage(projects).head()  # doctest: +SKIP
    """
    require_columns(projects, ["state_code"], purpose="state_by_stage")
    values, order = stage_order(projects, stages=stages, purpose="state_by_stage")
    regions = _regions(projects)
    table = pd.crosstab(regions.to_numpy(dtype=object), values.to_numpy(dtype=object))
    table = table.reindex(columns=order, fill_value=0).astype("int64")
    totals = table.sum(axis=1)
    ranked = sorted(table.index, key=lambda r: (r == NO_STATE, -totals[r], str(r)))
    table = table.loc[ranked]
    table.index.name, table.columns.name = "state", "stage"
    return table


def starts_per_quarter(projects: pd.DataFrame, stages: Stages = None) -> pd.DataFrame:
    """Projects started per quarter (rows, every quarter in the range) by stage (columns).

    Projects without a ``start_date`` are not counted; how many there were is in
    ``table.attrs["without_start_date"]``.

    Examples
    --------
    >>> starts_per_quarter(projects).tail(4)  # doctest: +SKIP
    """
    require_columns(projects, ["start_date"], purpose="starts_per_quarter")
    values, order = stage_order(projects, stages=stages, purpose="starts_per_quarter")
    start = _naive_utc(projects, "start_date")
    known = start.notna().to_numpy()
    quarters = start[known].dt.to_period("Q")
    if len(quarters):
        index = pd.period_range(quarters.min(), quarters.max(), freq="Q", name="quarter")
    else:
        index = pd.PeriodIndex([], freq="Q", name="quarter")
    table = pd.crosstab(quarters.to_numpy(), values[known].to_numpy(dtype=object))
    table = table.reindex(index=index, columns=order, fill_value=0).astype("int64")
    table.index.name, table.columns.name = "quarter", "stage"
    table.attrs["without_start_date"] = int((~known).sum())
    return table


# --- charts -----------------------------------------------------------------------------


def _style(ax: Axes, *, title: str, value_axis: Literal["x", "y"]) -> None:
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis=value_axis, color=_GRID, linewidth=0.8)
    ax.set_axisbelow(True)


def plot_stages(
    projects: pd.DataFrame,
    *,
    stages: Stages = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """A horizontal bar per stage (stage order top to bottom), labelled with count and share.

    Returns the figure; its bars are ``ax.patches`` in stage order.

    Examples
    --------
    >>> plot_stages(projects, stages=client.project_stages()["name"])  # doctest: +SKIP
    """
    table = stage_summary(projects, stages)
    order = list(table.index)
    colours = stage_colours(order)
    fig, ax, _ = new_figure(ax, size=(8.0, 1.2 + 0.42 * max(len(order), 1)))
    counts = table["projects"].to_numpy(dtype=float)
    positions = np.arange(len(order))
    ax.barh(positions, counts, color=[colours[s] for s in order], height=0.7)
    ax.set_yticks(positions, order)
    ax.invert_yaxis()  # first stage on top
    top = counts.max() if len(counts) else 0.0
    for y, (count, share) in enumerate(zip(counts, table["share"].fillna(0.0), strict=True)):
        ax.text(count + top * 0.01, y, f"{int(count):,} ({share:.0%})", va="center", fontsize=9)
    ax.set_xlim(0, max(top * 1.18, 1.0))
    ax.set_xlabel("Projects")
    _style(ax, title=title or f"Projects by stage ({int(counts.sum()):,})", value_axis="x")
    return fig


def plot_state_by_stage(
    projects: pd.DataFrame,
    *,
    stages: Stages = None,
    top: int = 15,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Stacked bars of projects per state by stage: the ``top`` states, then the rest.

    Returns the figure; ``ax.containers`` holds one bar container per stage, labelled
    with the stage.

    Examples
    --------
    >>> plot_state_by_stage(projects, top=10)  # doctest: +SKIP
    """
    table = state_by_stage(projects, stages)
    if len(table) > top:
        rest = table.iloc[top:]
        other = rest.sum().to_frame(f"Other ({len(rest)})").T
        table = pd.concat([table.iloc[:top], other])
    fig, ax, _ = new_figure(ax, size=(11.0, 5.0))
    _stacked(ax, table, stage_colours(list(table.columns)))
    ax.set_ylabel("Projects")
    _style(ax, title=title or "Projects by state and stage", value_axis="y")
    return fig


def plot_timeline(
    projects: pd.DataFrame,
    *,
    stages: Stages = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Stacked bars of projects started per quarter, by the stage each project is in now.

    Returns the figure; ``ax.containers`` holds one bar container per stage.

    Examples
    --------
    >>> plot_timeline(projects)  # doctest: +SKIP
    """
    table = starts_per_quarter(projects, stages)
    labels = [f"{p.year} Q{p.quarter}" for p in table.index]
    fig, ax, _ = new_figure(ax, size=(11.0, 4.5))
    _stacked(ax, table.set_axis(labels), stage_colours(list(table.columns)))
    step = max(1, int(np.ceil(len(labels) / 16)))  # at most ~16 readable tick labels
    ax.set_xticks(np.arange(len(labels))[::step], labels[::step], rotation=45, ha="right")
    ax.set_ylabel("Projects started")
    missing = table.attrs.get("without_start_date", 0)
    if missing:
        ax.annotate(
            f"{missing:,} projects without a start date are not shown.",
            (0, -0.3),
            xycoords="axes fraction",
            fontsize=8,
            color="#4d4d4d",
        )
    _style(ax, title=title or "Projects started per quarter, by current stage", value_axis="y")
    return fig


def _stacked(ax: Axes, table: pd.DataFrame, colours: dict[str, str]) -> None:
    positions = np.arange(len(table))
    bottom = np.zeros(len(table))
    for stage in table.columns:
        heights = table[stage].to_numpy(dtype=float)
        if not heights.any():
            continue  # a stage with no project would only add an empty legend entry
        ax.bar(positions, heights, bottom=bottom, color=colours[stage], label=stage, width=0.8)
        bottom += heights
    ax.set_xticks(positions, [str(label) for label in table.index], rotation=45, ha="right")
    ax.set_xlim(-0.6, max(len(table), 1) - 0.4)
    if ax.containers:
        ax.legend(
            title="Stage",
            frameon=False,
            fontsize=8,
            title_fontsize=9,
            loc="upper left",
            bbox_to_anchor=(1.0, 1.0),
        )
