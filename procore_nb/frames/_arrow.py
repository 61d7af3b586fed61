"""Arrow pieces of a list -> the typed DataFrame :func:`~procore_nb.frames._convert.to_frame` gives.

:func:`frame_from_pages` is the bytes-level entry point: the response bodies of a list's pages
in, the same DataFrame as ``to_frame`` of their decoded records out (same columns, order,
dtypes, values and :class:`~procore_nb.CoercionWarning`), at the speed of Arrow. Pages
become :class:`~procore_nb.frames._pages.Piece` objects (the pager parses them as they
arrive), and :func:`frame_from_pieces` joins them and gives each column its kind's dtype
with one Arrow call. A column whose values are not all of the expected JSON type is handed,
as Python values, to the same per-kind conversion ``to_frame`` uses, so the rules cannot
drift apart. Where Arrow's reading could differ from ``json.loads`` (see
:mod:`~procore_nb.frames._pages`), the result is None and the caller uses ``to_frame``.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import chain
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from procore_nb.frames._convert import (
    _Frame,
    _Notes,
    _object_array,
    _stage_names,
    to_frame,
)
from procore_nb.frames._kinds import Converted, convert
from procore_nb.frames._pages import PageParser, Piece, collector_paused
from procore_nb.frames._schema import NUMERIC_KINDS, SCHEMAS, Kind, declare

__all__ = ["frame_from_pages", "frame_from_pieces"]

#: Procore's spelling of each time kind ("2024-03-04T05:06:07Z", "2024-03-04"): its length
#: and the Arrow type its ISO parser reads it as.
_SPELLINGS: Final = {Kind.TIMESTAMP: (20, pa.timestamp("s", "UTC")), Kind.DATE: (10, pa.date32())}
_ARROW_ERRORS: Final = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError)


class _BailError(Exception):
    """Arrow's columns cannot give exactly what ``to_frame`` would: use ``to_frame``."""


def frame_from_pages(
    pages: Iterable[bytes], resource: str | None = None, *, stages: Sequence[str] | None = None
) -> pd.DataFrame:
    """The typed DataFrame of a list's pages, given as the response bodies (JSON arrays).

    The same result as ``to_frame`` of the pages' decoded records concatenated, with the
    same warnings and errors, by way of Arrow whenever that gives the identical frame.

    Examples
    --------
    >>> df = frame_from_pages([b'[{"id": 1, "name": "Tower"}]', b'[{"id": 2}]'], "projects")
    >>> df["id"].tolist(), str(df["name"].dtype)
    ([1, 2], 'string')
    """
    with collector_paused():
        return _frame_from_pages(list(pages), resource, stages)


def _frame_from_pages(
    bodies: list[bytes], resource: str | None, stages: Sequence[str] | None
) -> pd.DataFrame:
    parser = PageParser(resource)
    if len(bodies) > 1:  # Arrow parses without the GIL: pages in parallel, like its reader
        with ThreadPoolExecutor(min(len(bodies), os.cpu_count() or 1)) as pool:
            # The first page teaches the parser how to read the others faster (those that
            # start before it is done are read the slower way, to the same pieces).
            first = pool.submit(parser.parse, bodies[0], first=True)
            rest = list(pool.map(parser.parse, bodies[1:]))
        pieces = [first.result(), *rest]
    else:
        pieces = [parser.parse(body, first=True) for body in bodies]
    if all(piece is not None for piece in pieces):
        frame = frame_from_pieces([p for p in pieces if p is not None], resource, stages=stages)
        if frame is not None:
            return frame
    records = list(chain.from_iterable(_records(body) for body in bodies))
    return to_frame(records, resource, stages=stages)


def _records(body: bytes) -> Any:
    decoded = json.loads(body)
    return decoded if isinstance(decoded, list) else [decoded]


def frame_from_pieces(
    pieces: Sequence[Piece], resource: str | None, *, stages: Sequence[str] | None = None
) -> pd.DataFrame | None:
    """The typed DataFrame of ``pieces`` in order, or None where only ``to_frame`` is exact.

    The pieces are consumed: their Arrow tables are let go as soon as they are joined, and
    each column as soon as it is converted, so that the frame and all of Arrow's columns are
    never held at once (the caller keeps the page bytes or refetches if the answer is None).
    """
    order = _stage_names(stages)
    schema = SCHEMAS.get(resource, {}) if resource is not None else {}
    rows = sum(piece.rows for piece in pieces)
    tables = [piece.table for piece in pieces if piece.rows and piece.table is not None]
    if not tables:
        return to_frame([], resource, stages=stages) if rows == 0 else None
    try:
        table = pa.concat_tables(tables, promote_options="permissive")
        del tables
        python = _python_columns(pieces)
        keys = list(dict.fromkeys(chain.from_iterable(piece.order for piece in pieces)))
        for piece in pieces:
            piece.table = None  # the joined table holds the same buffers: one owner left
        columns = dict(zip(table.column_names, table.columns, strict=True))
        del table
        return _assemble(columns, rows, python, keys, (schema, order))
    except (_BailError, *_ARROW_ERRORS):
        return None


def _python_columns(pieces: Sequence[Piece]) -> dict[str, list[Any]]:
    """Each Python-decoded field over all pieces (None where a piece had it null or absent)."""
    names = list(dict.fromkeys(chain.from_iterable(piece.python for piece in pieces)))
    columns: dict[str, list[Any]] = {name: [] for name in names}
    for piece in pieces:
        for name in names:
            values = piece.python.get(name)
            if values is None:
                table = piece.table
                held = (
                    table.schema.field(name).type
                    if table is not None and name in table.column_names
                    else None
                )
                if held is not None and not pa.types.is_null(held):
                    raise _BailError(name)  # held in Arrow here but decoded elsewhere
                values = [None] * piece.rows
            columns[name].extend(values)
    return columns


def _child(column: pa.ChunkedArray | None, name: str) -> pa.ChunkedArray | None:
    """Field ``name`` of a struct column, null where the struct itself is null."""
    if column is None or pa.types.is_null(column.type):
        return None
    if not pa.types.is_struct(column.type):
        raise _BailError(name)  # a known object that is something else: to_frame says so
    index = column.type.get_field_index(name)
    if index < 0:
        return None
    return pc.struct_field(column, [index])


def _assemble(
    columns: dict[str, pa.ChunkedArray],
    rows: int,
    python: Mapping[str, list[Any]],
    keys: list[str],
    rules: tuple[Mapping[str, Kind], list[str] | None],
) -> pd.DataFrame:
    """The frame: the schema's columns by kind, then the other fields in first-seen order.

    ``columns`` is emptied of each top-level column once it is converted (Arrow's buffers
    go as the pandas ones arrive).
    """
    schema, stages = rules
    notes, frame = _Notes(), _Frame()
    parents = {name.partition(".")[0] for name in schema if "." in name}

    def one(item: tuple[str, Kind]) -> Converted:
        name, kind = item
        parent, dot, child = name.partition(".")
        if name in python:
            if kind is Kind.OBJECT:  # what convert gives: msgspec has None for null and absent
                return Converted(_object_array(python[name]))
            return convert(_object_array(python[name]), kind)
        if dot:
            return _convert(_child(columns.get(parent), child), kind, rows)
        # Popped, so that Arrow's buffers go as soon as the pandas ones are made.
        column = columns.get(name) if name in parents else columns.pop(name, None)
        return _convert(column, kind, rows)

    # Two at a time: Arrow's casts run without the GIL, beside pandas' share of the work.
    with ThreadPoolExecutor(2) as pool:
        for name, converted in zip(schema, pool.map(one, schema.items()), strict=True):
            notes.add(name, converted)
            frame.put(name, converted.values)
    tops = {name.partition(".")[0] for name in schema}
    unknown = [key for key in keys if key not in tops]
    extras = _unknown_children(columns, schema)
    if len(extras) > 1 or (extras and unknown):
        raise _BailError("unknown fields in known objects")  # their order is not in the pieces
    for key in unknown:
        values = python[key] if key in python else _as_python(columns.pop(key))
        frame.flatten(key, _object_array(values))
    for parent, children in extras.items():
        for child in children:
            column = _child(columns[parent], child)
            assert column is not None  # listed as a field of the parent's struct type
            frame.flatten(f"{parent}.{child}", _object_array(_as_python(column)))
    if stages is not None:
        _stage_categories(
            frame, [name for name, kind in schema.items() if kind is Kind.STAGE], stages
        )
    notes.warn()
    return declare(frame.build(rows), schema)


def _stage_categories(frame: _Frame, columns: list[str], stages: list[str]) -> None:
    """What ``to_frame`` does to stage columns (one ordered categorical), with Arrow's help."""
    arrays = [pa.array(frame.columns[name], type=pa.string()) for name in columns]
    seen: set[str] = set()
    for array in arrays:
        seen.update(pc.unique(array).drop_null().to_pylist())
    names = [*stages, *sorted(seen.difference(stages))]
    dtype = pd.CategoricalDtype(names, ordered=True)
    known = pa.array(names, type=pa.string())
    for name, array in zip(columns, arrays, strict=True):
        codes = pc.fill_null(pc.index_in(array, value_set=known), -1).to_numpy()
        frame.columns[name] = pd.Categorical.from_codes(codes, dtype=dtype)


def _unknown_children(
    columns: Mapping[str, pa.ChunkedArray], schema: Mapping[str, Kind]
) -> dict[str, list[str]]:
    """The fields of known objects (``company``...) that the schema does not name."""
    parents = dict.fromkeys(name.partition(".")[0] for name in schema if "." in name)
    extras: dict[str, list[str]] = {}
    for parent in parents:
        column = columns.get(parent)
        if column is None or not pa.types.is_struct(column.type):
            continue
        names = [column.type.field(i).name for i in range(column.type.num_fields)]
        unknown = [name for name in names if f"{parent}.{name}" not in schema]
        if unknown:
            extras[parent] = unknown
    return extras


#: From here on a JSON integer may have been read as a float by Arrow (json.loads: an int).
_INT_FLOATS: Final = float(2**63)


def _as_python(column: pa.ChunkedArray | pa.Array) -> list[Any]:
    """An unknown field's values as ``json.loads`` gives them, or :class:`_BailError`."""
    if _big_floats(column):
        raise _BailError("an integer beyond 64 bits may have become a float")
    return column.to_pylist()  # type: ignore[no-any-return]


def _big_floats(column: pa.ChunkedArray | pa.Array) -> bool:
    kind = column.type
    if pa.types.is_floating(kind):
        return bool(pc.any(pc.greater_equal(pc.abs(column), _INT_FLOATS)).as_py())
    if pa.types.is_struct(kind):
        chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
        return any(_big_floats(child) for chunk in chunks for child in chunk.flatten())
    return False


def _is_text(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _exact(column: pa.ChunkedArray) -> bool:
    """Whether ``column.to_pylist()`` gives back the JSON values exactly (no int -> float)."""
    kind = column.type
    return bool(_is_text(kind) or pa.types.is_boolean(kind) or pa.types.is_int64(kind))


def _by_python(column: pa.ChunkedArray, kind: Kind) -> Converted:
    """The conversion ``to_frame`` does, on the column's values as Python objects."""
    if not _exact(column):
        raise _BailError(str(column.type))
    return convert(_object_array(column.to_pylist()), kind)


def _convert(column: pa.ChunkedArray | None, kind: Kind, rows: int) -> Converted:  # noqa: PLR0911  # one return per kind reads plainest
    """``column`` in the dtype of ``kind``, by Arrow when its type allows it."""
    if column is None or column.null_count == len(column):
        return _missing(kind, rows)
    arrow_type = column.type
    if kind is Kind.ID and pa.types.is_int64(arrow_type):
        return Converted(_from_arrow(pd.Int64Dtype(), column))
    if kind in (Kind.TEXT, Kind.STAGE) and _is_text(arrow_type):
        return Converted(_from_arrow(pd.StringDtype(), column))
    if kind is Kind.FLAG and pa.types.is_boolean(arrow_type):
        return Converted(_from_arrow(pd.BooleanDtype(), column))
    if kind in NUMERIC_KINDS:
        return _number(column)
    if kind in _SPELLINGS and _is_text(arrow_type):
        return _moment(column, kind)
    return _by_python(column, kind)  # one branch per kind reads plainest


def _missing(kind: Kind, rows: int) -> Converted:
    """What ``convert`` gives for ``rows`` nulls, without converting each of them."""
    one = _one_missing(kind, pd.StringDtype())
    if isinstance(one, np.ndarray):  # NaN for numbers, None for free-form values
        return Converted(np.full(rows, one[0], dtype=one.dtype))
    return Converted(one.take(np.full(rows, -1), allow_fill=True))


@functools.lru_cache(maxsize=32)
def _one_missing(kind: Kind, text: Any) -> Any:
    """``convert`` of one null, in its dtype (text's as pandas' options now make it: ``text``)."""
    return convert(np.full(1, None, dtype=object), kind).values


def _from_arrow(dtype: Any, column: pa.ChunkedArray) -> Any:
    """``column`` as a pandas array of ``dtype`` (Arrow's buffers reused where they can be)."""
    return dtype.__from_arrow__(column)


def _number(column: pa.ChunkedArray) -> Converted:
    arrow_type = column.type
    if _is_text(arrow_type):
        try:
            numbers = column.cast(pa.float64())  # strict: "" and " 5" go to the careful path
        except _ARROW_ERRORS:
            return _by_python(column, Kind.NUMBER)
    elif pa.types.is_int64(arrow_type) or pa.types.is_float64(arrow_type):
        numbers = column.cast(pa.float64(), safe=False)  # rounds big ints as NumPy does
    else:
        return _by_python(column, Kind.NUMBER)
    return Converted(pc.fill_null(numbers, float("nan")).to_numpy())


def _moment(column: pa.ChunkedArray, kind: Kind) -> Converted:
    """Timestamps and dates in Procore's exact spelling by Arrow; others value by value."""
    width, arrow_type = _SPELLINGS[kind]
    # Only Procore's own spelling takes Arrow's ISO parser (which rejects Feb 30 and 24:00):
    # other ISO forms go where to_frame reads them, so that the rules are the one set.
    # Lengths in bytes (a spelling with other than ASCII fails the cast below), and the
    # "T" as a byte: both read the offsets and bytes as they are, without decoding UTF-8.
    lengths = pc.binary_length(column)
    if pc.min_max(lengths).as_py() != {"min": width, "max": width}:
        return _by_python(column, kind)
    if (
        kind is Kind.TIMESTAMP
        and not pc.all(
            pc.equal(pc.binary_slice(column.cast(pa.large_binary()), 10, 11), b"T")
        ).as_py()
    ):
        return _by_python(column, kind)
    try:
        parsed = column.cast(arrow_type)
        values = parsed.cast(pa.timestamp("ns")).to_numpy()  # beyond 1677-2262: ArrowInvalid
    except _ARROW_ERRORS:
        return _by_python(column, kind)
    index = pd.DatetimeIndex(values)
    return Converted(index.tz_localize("UTC").array)  # dates: midnight UTC (docs/dtypes.md)
