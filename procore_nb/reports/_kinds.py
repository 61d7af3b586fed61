"""What each column of a report table holds (its kind), and its header for readers.

A column's kind is declared, never guessed from its name: ``df.attrs["kinds"]`` holds
``{column: kind}`` (the frames of :meth:`procore_nb.Client.frame` declare the registry's
kinds, the tables of :mod:`procore_nb.reports.analysis` their own); a column a frame does
not declare but the registry does (a store's frame, a concatenation) takes the registry's
kind when every resource gives that name the same one; any other column is shown by its
dtype alone (integers as counts, timedeltas as days, datetimes as dates or timestamps,
floats with at most two decimals).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, Literal, cast, get_args

import pandas as pd

from procore_nb._exceptions import ConfigurationError
from procore_nb.frames._schema import KINDS_ATTR, SCHEMAS

__all__ = ["KINDS", "Kind", "declare", "header", "kinds_of"]

Kind = Literal[
    "money",
    "share",
    "percent",
    "days",
    "count",
    "score",
    "number",
    "date",
    "timestamp",
    "text",
    "id",
]
#: The kinds a report column can have: ``share`` is 0 to 1, ``percent`` 0 to 100 (Procore's).
KINDS: tuple[Kind, ...] = get_args(Kind)

#: The registry's kinds as a report shows them (flags, stages, lists: as text).
_FROM_REGISTRY: Mapping[str, Kind] = {
    "id": "id",
    "flag": "text",
    "text": "text",
    "timestamp": "timestamp",
    "date": "date",
    "number": "number",
    "money": "money",
    "percent": "percent",
    "count": "count",
    "days": "days",
    "stage": "text",
    "object": "text",
}

#: Headers that the general rule (below) would not write well.
_HEADERS: Mapping[str, str] = {
    "approved_cos": "Approved change orders",
    "pending_cos": "Pending change orders",
    "revised_committed": "Revised committed",
    "project_stage.name": "Stage",
    "state_code": "State",
    "country_code": "Country",
    "vendor.company": "Vendor",
    "type.category": "Type",
    "project_id": "Project ID",
    "project_name": "Project",
    "id": "ID",
}
#: Trailing parts of a dotted name that add nothing for a reader (``trade.name``: "Trade").
_QUIET_TAILS = (".name", ".company", ".login")


def declare(frame: pd.DataFrame, kinds: Mapping[str, Kind]) -> pd.DataFrame:
    """``frame`` with ``kinds`` added to its declared kinds (``attrs["kinds"]``); returned."""
    unknown = set(kinds.values()) - set(KINDS)
    if unknown:
        raise ConfigurationError(
            f"unknown column kind(s) {', '.join(sorted(unknown))}: use one of {', '.join(KINDS)}"
        )
    frame.attrs[KINDS_ATTR] = {**frame.attrs.get(KINDS_ATTR, {}), **kinds}
    return frame


@functools.cache
def _registry_kinds() -> Mapping[str, Kind]:
    """Column -> kind for every column name the registry gives one kind wherever it appears."""
    seen: dict[str, set[Kind]] = {}
    for schema in SCHEMAS.values():
        for name, kind in schema.items():
            seen.setdefault(name, set()).add(_FROM_REGISTRY[str(kind)])
    return {name: next(iter(kinds)) for name, kinds in seen.items() if len(kinds) == 1}


def _by_dtype(values: pd.Series | pd.Index) -> Kind | None:
    dtype = values.dtype
    if pd.api.types.is_timedelta64_dtype(dtype):
        return "days"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        moments = pd.DatetimeIndex(values.dropna())
        if isinstance(moments.dtype, pd.DatetimeTZDtype):
            moments = moments.tz_convert("UTC")
        return "date" if (moments == moments.normalize()).all() else "timestamp"
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        return None
    return "count" if pd.api.types.is_integer_dtype(dtype) else "number"


def _declared_kind(name: object, declared: Mapping[Any, Any]) -> Kind | None:
    kind = declared.get(name)
    if kind is None:
        return None
    kind = _FROM_REGISTRY.get(str(kind), str(kind))
    return cast("Kind", kind) if kind in KINDS else None


def kinds_of(frame: pd.DataFrame) -> dict[str, Kind]:
    """The kind of each column of ``frame`` (index levels with a name included).

    Declared kinds first (``frame.attrs["kinds"]``), then the registry's for its column
    names, then the dtype's (integers: ``count``, floats: ``number``, ...); text and
    flag columns that nothing declares are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"projects": [3], "share": [0.5], "grand_total": [9.0]})
    >>> kinds_of(declare(frame, {"share": "share"}))
    {'projects': 'count', 'share': 'share', 'grand_total': 'money'}
    """
    declared: Mapping[Any, Any] = frame.attrs.get(KINDS_ATTR, {})
    registry = _registry_kinds()
    kinds: dict[str, Kind] = {}
    named_levels = [
        (name, frame.index.get_level_values(i))
        for i, name in enumerate(frame.index.names)
        if name is not None
    ]
    columns: list[tuple[Any, pd.Series | pd.Index]] = [*named_levels, *frame.items()]
    for name, values in columns:
        kind = _declared_kind(name, declared) or registry.get(str(name)) or _by_dtype(values)
        if kind is not None:
            kinds[str(name)] = kind
    return kinds


def header(name: object, *, short: bool = True) -> str:
    """A column name as a reader's header: ``"ball_in_court.name"`` -> ``"Ball in court"``.

    ``short=False`` keeps every word (``"Ball in court name"``), for a table where the
    short headers of two columns would be the same.

    Examples
    --------
    >>> header("overdue_share"), header("median_age_days"), header("vendor.company")
    ('Overdue share', 'Median age (days)', 'Vendor')
    """
    text = str(name)
    if not short:
        return _spelled(text, "")
    if text in _HEADERS:
        return _HEADERS[text]
    for tail in _QUIET_TAILS:
        if text.endswith(tail) and len(text) > len(tail):
            text = text[: -len(tail)]
            break
    unit = ""
    for suffix, words in (("_days", " (days)"), ("_pct", " (%)")):
        if text.endswith(suffix) and len(text) > len(suffix) and text != "overdue_days":
            text, unit = text[: -len(suffix)], words
    return _spelled(text, unit) or str(name)


def _spelled(text: str, unit: str) -> str:
    spaced = text.replace("_", " ").replace(".", " ").strip()
    spaced = " ".join("ID" if word == "id" else word for word in spaced.split(" "))
    return (spaced[:1].upper() + spaced[1:] + unit) if spaced else ""
