"""Typed rows in DuckDB tables, and back to the DataFrames the client returns.

A resource's rows live in a table named after it, with the client's columns plus ``_scope``
(the project, or the company, whose list the row came from). The pandas dtype of each column
as the client returned it is kept in ``_procore_columns``, so that :func:`read_frame` gives
back the same columns, in the same order, with the same dtypes: nullable integers, booleans
and text, UTC timestamps, ordered stage categories (their categories included), and Python
objects (``custom_fields``, lists) that DuckDB keeps as JSON text.

A column Procore starts sending is added to the table; a column whose type changes is widened
(to ``DOUBLE``, else to text) rather than refused. DuckDB's names ignore case, so a column
whose name differs from a stored one only in case (``Extra`` beside ``extra``) is stored under
its name with ``~2`` (``~3``...) appended; ``_procore_columns`` remembers the stored name of
each column and :func:`read_frame` gives the server's names back.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
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
    "register",
    "stored_names",
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


def _catalog_ready(connection: duckdb.DuckDBPyConnection) -> bool:
    found = connection.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'main' AND "
        "((table_name = ? AND column_name = 'days_to') OR "
        "(table_name = ? AND column_name = 'stored'))",
        [SYNC_TABLE, COLUMNS_TABLE],
    ).fetchone()
    return bool(found and found[0] == 2)


def ensure_catalog(connection: duckdb.DuckDBPyConnection, *, write: bool = True) -> bool:
    """Create the sync-state and column-type tables when missing (only with ``write``);
    return whether they exist."""
    if _catalog_ready(connection):
        return True
    if not write:
        return table_exists(connection, SYNC_TABLE)
    connection.execute(
        f"""CREATE TABLE IF NOT EXISTS {SYNC_TABLE} (
            resource VARCHAR, scope BIGINT, scope_name VARCHAR, mode VARCHAR,
            since TIMESTAMPTZ, exact_since TIMESTAMPTZ, synced_at TIMESTAMPTZ, rows BIGINT,
            added BIGINT, changed BIGINT, deleted BIGINT, requests BIGINT, bytes BIGINT,
            days_from DATE, days_to DATE)"""
    )
    # Stores written before daily logs were read by days hold no days.
    for column in ("days_from", "days_to"):
        connection.execute(f"ALTER TABLE {SYNC_TABLE} ADD COLUMN IF NOT EXISTS {column} DATE")
    connection.execute(
        f"""CREATE TABLE IF NOT EXISTS {COLUMNS_TABLE} (
            resource VARCHAR, position INTEGER, name VARCHAR, dtype VARCHAR,
            categories VARCHAR, stored VARCHAR)"""
    )
    # Stores written before case-distinct names kept every column under its own name.
    connection.execute(f"ALTER TABLE {COLUMNS_TABLE} ADD COLUMN IF NOT EXISTS stored VARCHAR")
    return True


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


def stored_names(
    connection: duckdb.DuckDBPyConnection, resource: str, names: Sequence[str]
) -> dict[str, str]:
    """Each of ``names`` -> the column that holds it in DuckDB (see the module's docstring)."""
    known = {
        str(name): str(stored or name)
        for name, stored in connection.execute(
            f"SELECT name, stored FROM {COLUMNS_TABLE} WHERE resource = ?", [resource]
        ).fetchall()
    }
    taken = {stored.lower() for stored in known.values()} | {SCOPE.lower(), DELETED.lower()}
    mapping: dict[str, str] = {}
    for name in names:
        stored = known.get(name)
        if stored is None:
            stored, n = name, 1
            while stored.lower() in taken:
                n += 1
                stored = f"{name}~{n}"
            taken.add(stored.lower())
        mapping[name] = stored
    return mapping


def _remember_dtypes(
    connection: duckdb.DuckDBPyConnection,
    resource: str,
    frame: pd.DataFrame,
    mapping: Mapping[str, str],
) -> None:
    known = {
        str(name): (int(position), str(dtype), categories, stored)
        for name, position, dtype, categories, stored in connection.execute(
            f"SELECT name, position, dtype, categories, stored FROM {COLUMNS_TABLE} "
            "WHERE resource = ?",
            [resource],
        ).fetchall()
    }
    following = max((p for p, _, _, _ in known.values()), default=-1) + 1
    changed: list[tuple[str, int, str, str, str | None, str]] = []
    for name, dtype, categories in _dtype_rows(resource, frame):
        held = known.get(name)
        stored = mapping.get(name, name)
        if held is not None and held[1:] == (dtype, categories, stored):
            continue
        position = held[0] if held is not None else following
        following += held is None
        changed.append((resource, position, name, dtype, categories, stored))
    if changed:
        connection.execute(
            f"DELETE FROM {COLUMNS_TABLE} WHERE resource = ? AND name IN (SELECT unnest(?))",
            [resource, [row[2] for row in changed]],
        )
        connection.executemany(
            f"INSERT INTO {COLUMNS_TABLE} (resource, position, name, dtype, categories, stored) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            changed,
        )


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
    names = [str(c) for c in prepared.columns if c not in (DELETED, SCOPE)]
    if not names:
        return None
    mapping = stored_names(connection, resource, names)
    prepared = prepared.set_axis([mapping.get(str(c), str(c)) for c in prepared.columns], axis=1)
    columns = [str(c) for c in prepared.columns if c != DELETED]
    # Copied into DuckDB once, so that each scope's statements scan a native table.
    connection.register(_FRAME, prepared)
    try:
        connection.execute(f"CREATE OR REPLACE TEMP TABLE {_INCOMING} AS SELECT * FROM {_FRAME}")
    finally:
        connection.unregister(_FRAME)
    _evolve(connection, resource)
    _remember_dtypes(connection, resource, rows, mapping)
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
    within: tuple[str, date, date] | None = None,
) -> Counts:
    """Write one scope's rows of the :func:`register`ed batch (in the caller's transaction).

    ``columns`` is what :func:`register` returned. ``replace`` makes the rows the scope's
    whole content; otherwise they are upserted by ``key``, rows marked ``_deleted`` are
    removed, and when ``keep`` is given (every id the scope still has) any other id is
    removed too. ``within`` (a column and its first and last day) narrows ``replace`` to
    the scope's rows dated in those days: older and newer rows stay.
    """
    table = quote(resource)
    held = f"{SCOPE} = ?"
    if within is not None:
        held += f" AND TRY_CAST({quote(within[0])} AS DATE) BETWEEN ?::DATE AND ?::DATE"
    if columns is None or key not in columns:
        bounds = [within[1], within[2]] if within is not None else []
        return _empty_scope(
            connection, resource, key=key, scope=scope, replace=replace, where=(held, bounds)
        )
    k = quote(key)
    live = f"{SCOPE} = ? AND NOT {DELETED}"
    everywhere = _ids(connection, f"SELECT {k} FROM {table} WHERE {SCOPE} = ?", [scope])
    before = everywhere
    if within is not None:
        before = _ids(connection, f"SELECT {k} FROM {table} WHERE {held}", [scope, *within[1:]])
    incoming = _ids(connection, f"SELECT {k} FROM {_INCOMING} WHERE {live}", [scope])
    names = ", ".join(quote(c) for c in columns)
    differing = connection.execute(
        f"SELECT count(*) FROM (SELECT {names} FROM {_INCOMING} WHERE {live} EXCEPT "
        f"SELECT {names} FROM {table} WHERE {SCOPE} = ?)",
        [scope, scope],
    ).fetchone()
    added = len(incoming - everywhere)
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
    remove = (everywhere & incoming) | gone  # a row whose day moved is replaced too
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
    return Counts(len(everywhere) - len(gone) + added, added, max(changed, 0), len(gone))


def _empty_scope(
    connection: duckdb.DuckDBPyConnection,
    resource: str,
    *,
    key: str,
    scope: int,
    replace: bool,
    where: tuple[str, list[Any]],
) -> Counts:
    """An answer without rows: the scope (or its rows ``where`` says) emptied on ``replace``."""
    if not table_exists(connection, resource):
        return Counts()
    table, k = quote(resource), quote(key)
    everywhere = _ids(connection, f"SELECT {k} FROM {table} WHERE {SCOPE} = ?", [scope])
    if not replace:
        return Counts(len(everywhere))
    gone = _ids(connection, f"SELECT {k} FROM {table} WHERE {where[0]}", [scope, *where[1]])
    connection.execute(f"DELETE FROM {table} WHERE {where[0]}", [scope, *where[1]])
    return Counts(len(everywhere) - len(gone), 0, 0, len(gone))
