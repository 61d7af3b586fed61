"""Typed rows in DuckDB tables, and back to the DataFrames the client returns.

A resource's rows live in a table named after it, with the client's columns plus ``_scope``
(the project, or the company, whose list the row came from). The pandas dtype of each column
as the client returned it is kept in ``_procore_columns``, so that :func:`read_frame` gives
back the same columns, in the same order, with the same dtypes: nullable integers, booleans
and text, UTC timestamps, ordered stage categories (their categories included), and Python
objects (``custom_fields``, lists) that DuckDB keeps as JSON text.

A column Procore starts sending is added to the table; a column whose type changes is widened
(to ``DOUBLE``, else to text) rather than refused.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

__all__ = [
    "COLUMNS_TABLE",
    "DELETED",
    "SCOPE",
    "SYNC_TABLE",
    "Counts",
    "ensure_catalog",
    "prepare",
    "quote",
    "read_frame",
    "register",
    "stamp",
    "table_exists",
    "unregister",
    "write_scope",
]

SCOPE: Final = "_scope"
SYNC_TABLE: Final = "_procore_sync"
COLUMNS_TABLE: Final = "_procore_columns"
_INCOMING: Final = "_procore_incoming"
_FRAME: Final = "_procore_frame"
DELETED: Final = "_deleted"
_NUMERIC: Final = frozenset({"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT"})


def quote(name: str) -> str:
    """``name`` as a DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


def ensure_catalog(connection: duckdb.DuckDBPyConnection) -> None:
    """Create the sync-state and column-type tables when missing."""
    connection.execute(
        f"""CREATE TABLE IF NOT EXISTS {SYNC_TABLE} (
            resource VARCHAR, scope BIGINT, scope_name VARCHAR, mode VARCHAR,
            since TIMESTAMPTZ, exact_since TIMESTAMPTZ, synced_at TIMESTAMPTZ, rows BIGINT,
            added BIGINT,
            changed BIGINT, deleted BIGINT, requests BIGINT, bytes BIGINT)"""
    )
    connection.execute(
        f"""CREATE TABLE IF NOT EXISTS {COLUMNS_TABLE} (
            resource VARCHAR, position INTEGER, name VARCHAR, dtype VARCHAR,
            categories VARCHAR)"""
    )


def table_exists(connection: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the table ``name`` exists in the main schema."""
    found = connection.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_name = ?",
        [name],
    ).fetchone()
    return bool(found and found[0])


# --- pandas -> DuckDB -------------------------------------------------------------------


#: One encoder for every value: json.dumps with options builds a new one per call.
_ENCODE: Final = json.JSONEncoder(default=str, ensure_ascii=False).encode


def _json_text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return _ENCODE(value)


def prepare(
    frame: pd.DataFrame, scope_column: Sequence[int], deleted: Sequence[bool] | None = None
) -> pd.DataFrame:
    """``frame`` as DuckDB stores it, with the ``_scope`` of each row and whether the row
    reports a deletion (``_deleted``, never stored).

    Categories become their text and object columns (``custom_fields``, lists, free-form
    values) their JSON text; every other dtype maps onto a DuckDB type as it is.
    """
    import pandas as pd
    from pandas.api.types import is_object_dtype

    out = pd.DataFrame(index=range(len(frame)))
    for name in frame.columns:
        column = frame[name]
        dtype = column.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            text = [None if pd.isna(v) else str(v) for v in column.tolist()]
            out[name] = pd.array(text, dtype="string")
        elif is_object_dtype(dtype):
            out[name] = pd.array([_json_text(v) for v in column.tolist()], dtype="string")
        else:
            out[name] = column.to_numpy() if dtype.kind in "biuf" else column.array
    out[SCOPE] = pd.array(list(scope_column), dtype="Int64")
    out[DELETED] = [False] * len(frame) if deleted is None else list(deleted)
    return out


def _dtype_rows(resource: str, frame: pd.DataFrame) -> list[tuple[str, str, str | None]]:
    import pandas as pd

    rows: list[tuple[str, str, str | None]] = []
    for name in frame.columns:
        dtype = frame[name].dtype
        categories = None
        if isinstance(dtype, pd.CategoricalDtype):
            categories = json.dumps(
                {"categories": [str(c) for c in dtype.categories], "ordered": bool(dtype.ordered)}
            )
        rows.append((str(name), str(dtype), categories))
    return rows


def _remember_dtypes(
    connection: duckdb.DuckDBPyConnection, resource: str, frame: pd.DataFrame
) -> None:
    known = {
        str(name): (int(position), str(dtype), categories)
        for name, position, dtype, categories in connection.execute(
            f"SELECT name, position, dtype, categories FROM {COLUMNS_TABLE} WHERE resource = ?",
            [resource],
        ).fetchall()
    }
    following = max((p for p, _, _ in known.values()), default=-1) + 1
    changed: list[tuple[str, int, str, str, str | None]] = []
    for name, dtype, categories in _dtype_rows(resource, frame):
        held = known.get(name)
        if held is not None and held[1:] == (dtype, categories):
            continue
        position = held[0] if held is not None else following
        following += held is None
        changed.append((resource, position, name, dtype, categories))
    if changed:
        connection.execute(
            f"DELETE FROM {COLUMNS_TABLE} WHERE resource = ? AND name IN (SELECT unnest(?))",
            [resource, [row[2] for row in changed]],
        )
        connection.executemany(f"INSERT INTO {COLUMNS_TABLE} VALUES (?, ?, ?, ?, ?)", changed)


def _column_types(connection: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    described = connection.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    return {str(row[0]): str(row[1]) for row in described}


def _evolve(connection: duckdb.DuckDBPyConnection, table: str) -> None:
    """Create ``table`` from the incoming rows, or add and widen its columns to fit them."""
    incoming = f"(SELECT * EXCLUDE ({DELETED}) FROM {_INCOMING})"
    if not table_exists(connection, table):
        connection.execute(f"CREATE TABLE {quote(table)} AS SELECT * FROM {incoming} LIMIT 0")
        return
    have = _column_types(connection, quote(table))
    for name, kind in _column_types(connection, incoming).items():
        old = have.get(name)
        if old is None:
            connection.execute(f"ALTER TABLE {quote(table)} ADD COLUMN {quote(name)} {kind}")
        elif kind not in (old, '"NULL"'):
            wider = "DOUBLE" if {old, kind} <= _NUMERIC | {"DOUBLE"} else "VARCHAR"
            if old != wider:
                connection.execute(
                    f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(name)} TYPE {wider}"
                )


@dataclass(frozen=True)
class Counts:
    """What one write did to a scope: rows now held, and rows added, changed, deleted."""

    rows: int = 0
    added: int = 0
    changed: int = 0
    deleted: int = 0


def _ids(connection: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> set[Any]:
    return {row[0] for row in connection.execute(sql, params).fetchall()}


def register(
    connection: duckdb.DuckDBPyConnection,
    *,
    resource: str,
    rows: pd.DataFrame,
    prepared: pd.DataFrame,
) -> list[str] | None:
    """Make a batch of :func:`prepare`d rows available to :func:`write_scope`, creating the
    table or adding its new columns (in the caller's transaction); ``rows`` lends its dtypes
    to ``_procore_columns``. Returns the batch's stored columns, or None when it has none
    (an empty answer without columns)."""
    columns = [str(c) for c in prepared.columns if c != DELETED]
    if columns == [SCOPE]:
        return None
    # Copied into DuckDB once, so that each scope's statements scan a native table.
    connection.register(_FRAME, prepared)
    try:
        connection.execute(f"CREATE OR REPLACE TEMP TABLE {_INCOMING} AS SELECT * FROM {_FRAME}")
    finally:
        connection.unregister(_FRAME)
    _evolve(connection, resource)
    _remember_dtypes(connection, resource, rows)
    return columns


def unregister(connection: duckdb.DuckDBPyConnection) -> None:
    """Forget the batch :func:`register` made available."""
    connection.execute(f"DROP TABLE IF EXISTS {_INCOMING}")


def write_scope(
    connection: duckdb.DuckDBPyConnection,
    *,
    resource: str,
    key: str,
    scope: int,
    columns: Sequence[str] | None,
    replace: bool,
    keep: Iterable[Any] | None = None,
) -> Counts:
    """Write one scope's rows of the :func:`register`ed batch (in the caller's transaction).

    ``columns`` is what :func:`register` returned. ``replace`` makes the rows the scope's
    whole content; otherwise they are upserted by ``key``, rows marked ``_deleted`` are
    removed, and when ``keep`` is given (every id the scope still has) any other id is
    removed too.
    """
    table = quote(resource)
    if columns is None or key not in columns:
        return _empty_scope(connection, resource, key=key, scope=scope, replace=replace)
    k = quote(key)
    live = f"{SCOPE} = ? AND NOT {DELETED}"
    before = _ids(connection, f"SELECT {k} FROM {table} WHERE {SCOPE} = ?", [scope])
    incoming = _ids(connection, f"SELECT {k} FROM {_INCOMING} WHERE {live}", [scope])
    names = ", ".join(quote(c) for c in columns)
    differing = connection.execute(
        f"SELECT count(*) FROM (SELECT {names} FROM {_INCOMING} WHERE {live} EXCEPT "
        f"SELECT {names} FROM {table} WHERE {SCOPE} = ?)",
        [scope, scope],
    ).fetchone()
    added = len(incoming - before)
    changed = (differing[0] if differing else 0) - added
    if replace:
        gone = before - incoming
    else:
        reported = _ids(
            connection, f"SELECT {k} FROM {_INCOMING} WHERE {SCOPE} = ? AND {DELETED}", [scope]
        )
        gone = (reported & before) - incoming
        if keep is not None:
            gone |= before - set(keep) - incoming
    remove = (before & incoming) | gone
    if remove:
        connection.execute(
            f"DELETE FROM {table} WHERE {SCOPE} = ? AND {k} IN (SELECT unnest(?))",
            [scope, sorted(remove)],
        )
    if incoming:
        connection.execute(
            f"INSERT INTO {table} BY NAME SELECT * EXCLUDE ({DELETED}) FROM {_INCOMING} "
            f"WHERE {live}",
            [scope],
        )
    return Counts(len(before) - len(gone) + added, added, max(changed, 0), len(gone))


def _empty_scope(
    connection: duckdb.DuckDBPyConnection, resource: str, *, key: str, scope: int, replace: bool
) -> Counts:
    if not table_exists(connection, resource):
        return Counts()
    table = quote(resource)
    held = _ids(connection, f"SELECT {quote(key)} FROM {table} WHERE {SCOPE} = ?", [scope])
    if not replace:
        return Counts(len(held))
    connection.execute(f"DELETE FROM {table} WHERE {SCOPE} = ?", [scope])
    return Counts(0, 0, 0, len(held))


# --- DuckDB -> pandas -------------------------------------------------------------------


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


def read_frame(
    connection: duckdb.DuckDBPyConnection, resource: str, *, key: str, scopes: Sequence[int]
) -> pd.DataFrame:
    """The stored rows of ``scopes`` in the client's columns and dtypes, ordered by scope
    (in the order given) and then by ``key``."""
    import pandas as pd

    if not table_exists(connection, resource):
        return pd.DataFrame()
    meta = connection.execute(
        f"SELECT name, dtype, categories FROM {COLUMNS_TABLE} WHERE resource = ? ORDER BY position",
        [resource],
    ).fetchall()
    frame = connection.execute(
        f"SELECT * EXCLUDE ({SCOPE}) FROM {quote(resource)} "
        f"WHERE {SCOPE} IN (SELECT unnest(?)) "
        f"ORDER BY list_position(?, {SCOPE}), {quote(key)}",
        [list(scopes), list(scopes)],
    ).df()
    frame = frame.reset_index(drop=True)
    order = [str(name) for name, _, _ in meta if name in frame.columns]
    order += [c for c in frame.columns if c not in order]
    restored = {
        name: _restore(frame[name], dtype, categories)
        for name, dtype, categories in meta
        if name in frame.columns
    }
    return pd.DataFrame({name: restored.get(name, frame[name]) for name in order})
