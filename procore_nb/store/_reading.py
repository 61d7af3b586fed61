"""Stored rows back to the DataFrames the client returns: columns, order and dtypes.

``_procore_columns`` holds each column's pandas dtype as the client returned it (and the name
DuckDB stores it under), so that :func:`read_frame` gives back the same columns, in the same
order, with the same dtypes: nullable integers, booleans and text, UTC timestamps, ordered
stage categories (their categories included), and Python objects kept as JSON text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from procore_nb.store._tables import (
    COLUMNS_TABLE,
    SCOPE,
    SYNC_TABLE,
    ensure_catalog,
    quote,
    table_exists,
)

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

__all__ = ["read_frame", "read_info", "stamp", "within_days"]


def _decoded(texts: list[Any]) -> list[Any]:
    """JSON texts (None for missing) decoded in one parse rather than one call each."""
    present = [i for i, v in enumerate(texts) if isinstance(v, str)]
    values: list[Any] = [None] * len(texts)
    parsed = json.loads("[" + ",".join(texts[i] for i in present) + "]")
    for i, value in zip(present, parsed, strict=True):
        values[i] = value
    return values


def _restore(column: pd.Series, dtype: str, categories: str | None) -> pd.Series:
    import pandas as pd

    try:
        if dtype == "category":
            spec: Mapping[str, Any] = json.loads(categories or "{}")
            kind = pd.CategoricalDtype(spec.get("categories") or None, bool(spec.get("ordered")))
            return column.astype(object).where(column.notna(), None).astype(kind)
        if dtype == "object":
            return pd.Series(
                _decoded(column.tolist()), index=column.index, dtype=object, name=column.name
            )
        restored: pd.Series = column.astype(pd.api.types.pandas_dtype(dtype))
        return restored
    except (TypeError, ValueError):
        return column  # a column widened since: keep what DuckDB gives


def stamp(
    connection: duckdb.DuckDBPyConnection, resource: str, scopes: Sequence[int]
) -> tuple[Any, ...]:
    """What changes whenever the stored rows of ``scopes`` may have: their sync states."""
    rows = connection.execute(
        f"SELECT scope, synced_at, rows FROM {SYNC_TABLE} "
        "WHERE resource = ? AND scope IN (SELECT unnest(?)) ORDER BY scope",
        [resource, list(scopes)],
    ).fetchall()
    return tuple(rows)


def _has(connection: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    found = connection.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'main' "
        "AND table_name = ? AND column_name = ?",
        [table, column],
    ).fetchone()
    return bool(found and found[0])


_NO_DAYS = "NULL::DATE AS days_from, NULL::DATE AS days_to"


def read_frame(
    connection: duckdb.DuckDBPyConnection, resource: str, *, key: str, scopes: Sequence[int]
) -> pd.DataFrame:
    """The stored rows of ``scopes`` in the client's columns and dtypes, ordered by scope
    (in the order given) and then by ``key``."""
    import pandas as pd

    if not table_exists(connection, resource):
        return pd.DataFrame()
    # A file written before stored names (and read-only here, so never upgraded) has none.
    stored = "coalesce(stored, name)" if _has(connection, COLUMNS_TABLE, "stored") else "name"
    meta = connection.execute(
        f"SELECT name, dtype, categories, {stored} FROM {COLUMNS_TABLE} "
        "WHERE resource = ? ORDER BY position",
        [resource],
    ).fetchall()
    frame = connection.execute(
        f"SELECT * EXCLUDE ({SCOPE}) FROM {quote(resource)} "
        f"WHERE {SCOPE} IN (SELECT unnest(?)) "
        f"ORDER BY list_position(?, {SCOPE}), {quote(key)}",
        [list(scopes), list(scopes)],
    ).df()
    frame = frame.reset_index(drop=True)
    held = {str(stored): str(name) for name, _, _, stored in meta if stored in frame.columns}
    order = [str(stored) for _, _, _, stored in meta if stored in frame.columns]
    order += [c for c in frame.columns if c not in order]
    restored = {
        stored: _restore(frame[stored], dtype, categories)
        for _, dtype, categories, stored in meta
        if stored in frame.columns
    }
    return pd.DataFrame(
        {held.get(stored, stored): restored.get(stored, frame[stored]) for stored in order}
    )


def within_days(frame: pd.DataFrame, column: str, days: tuple[date, date]) -> pd.DataFrame:
    """The rows of ``frame`` whose ``column`` falls on ``days`` (first and last included)."""
    if column not in frame.columns:
        return frame
    held = frame[column].dt.date
    picked: pd.DataFrame = frame[(held >= days[0]) & (held <= days[1])].reset_index(drop=True)
    picked.attrs = {**frame.attrs, "rows": len(picked)}
    return picked


_INFO = (
    "resource VARCHAR, scope BIGINT, scope_name VARCHAR, rows BIGINT, synced_at TIMESTAMPTZ, "
    "last_mode VARCHAR, added BIGINT, changed BIGINT, deleted BIGINT, requests BIGINT, "
    "bytes BIGINT, days_from DATE, days_to DATE"
)


def read_info(connection: duckdb.DuckDBPyConnection, *, write: bool) -> pd.DataFrame:
    """Each resource and scope: rows held, last sync, how it was pulled (``refused``: Procore
    said 403 or 404; ``failed``: no answer, the last good rows kept; ``days``: a daily
    log read by dates), what it cost, and for daily logs the days held."""
    if not ensure_catalog(connection, write=write):  # a file never synced, read-only here
        columns = ", ".join(f"NULL::{kind} AS {name}" for name, kind in _pairs(_INFO))
        empty: pd.DataFrame = connection.execute(f"SELECT {columns} LIMIT 0").df()
        return empty
    # A file written before daily logs were read by days (and read-only here) has none.
    days = "days_from, days_to" if _has(connection, SYNC_TABLE, "days_to") else _NO_DAYS
    info: pd.DataFrame = connection.execute(
        "SELECT resource, scope, scope_name, rows, synced_at, mode AS last_mode, "
        f"added, changed, deleted, requests, bytes, {days} FROM {SYNC_TABLE} "
        "ORDER BY resource, scope"
    ).df()
    return info


def _pairs(spec: str) -> list[tuple[str, str]]:
    return [tuple(part.split()) for part in spec.split(", ")]  # type: ignore[misc]
