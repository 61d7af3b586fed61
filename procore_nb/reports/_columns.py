"""Column checks and conversions the analysis functions share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from procore_nb._exceptions import ConfigurationError

__all__ = ["first", "keys", "naive", "require"]


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


def naive(values: pd.Series) -> pd.Series:
    """Dates as naive days (UTC dates for timestamps with a zone)."""
    values = pd.to_datetime(values)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values.dt.normalize()
