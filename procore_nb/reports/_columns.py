"""Column checks and conversions the analysis functions share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from procore_nb._exceptions import ConfigurationError

__all__ = ["first", "group_keys", "keys", "naive", "require"]


def require(frame: pd.DataFrame, columns: Iterable[str], purpose: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ConfigurationError(
            f"{purpose} needs the column(s) {', '.join(missing)}; the frame has "
            f"{', '.join(map(str, frame.columns[:12]))}{'...' if len(frame.columns) > 12 else ''}."
        )


def first(frame: pd.DataFrame, candidates: Sequence[str], purpose: str) -> str:
    for column in candidates:
        if column in frame.columns:
            return column
    raise ConfigurationError(f"{purpose} needs one of the columns {', '.join(candidates)}.")


def keys(values: pd.Series) -> pd.Series:
    """Group keys: numbers (such as project ids) as they are, text with ``(none)`` for missing."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not values.isna().any():
        return values
    return values.astype("string").fillna("(none)")


def group_keys(frame: pd.DataFrame, by: str, *others: pd.DataFrame) -> pd.Series:
    """:func:`keys` of ``frame[by]``, where a project name two projects share carries the id.

    Procore lets two projects have one name; grouped by the name alone, their rows would
    be summed as one project's: ``"Liberty Student Housing (id 5000000889)"``. ``others``
    are frames grouped beside ``frame`` (joined after), so that each names a project alike.
    """
    values = keys(frame[by])
    if by != "project_name":
        return values
    pairs = [
        f[[by, "project_id"]] for f in (frame, *others) if {by, "project_id"} <= set(f.columns)
    ]
    if not pairs or "project_id" not in frame.columns:
        return values
    both = pd.concat(pairs, ignore_index=True).dropna()
    counts = both.drop_duplicates().groupby(by)["project_id"].nunique()
    shared = values.isin(set(counts.index[counts > 1]))
    if not shared.any():
        return values
    ids = frame["project_id"].astype("string")
    return values.where(~shared, values + " (id " + ids + ")")


def naive(values: pd.Series) -> pd.Series:
    """Dates as naive days (UTC dates for timestamps with a zone)."""
    values = pd.to_datetime(values)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values.dt.normalize()
