"""Procore records -> typed pandas DataFrames.

:func:`to_frame` turns the JSON objects of a list endpoint into a DataFrame an analyst can use
at once: nested objects flattened to dotted columns, each known column in the dtype that
:mod:`procore_nb.frames._schema` names for it, and nothing lost on the way.

The rules, in short (``docs/dtypes.md`` has the tables):

- Every record becomes one row, in order, whatever its values hold.
- Known nested objects (``company``, ``project_stage``, ``ball_in_court``...) become dotted
  columns; free-form fields (``custom_fields``, ``origin_data``) stay Python objects in one
  column. Unknown fields pass through with pandas' inference: objects are flattened the same
  way (recursively), lists are kept.
- A known resource always has all of its schema's columns with their dtypes, even when empty.
  Columns come in schema order, then unknown fields in the order they were first seen.
- A value that does not fit its column's kind becomes NA and a :class:`CoercionWarning` names
  the column, the count and an example. Ids are the exception: one id that is not an integer
  keeps the whole id column as ``string``, so that no id is ever lost. Empty strings count as
  missing in non-text columns.

The conversion is column-wise: records are cut into columns in one C-level pass, then
:mod:`procore_nb.frames._kinds` converts each column with one vectorised call, walking the
values one by one only in columns whose values do not all have the expected JSON type.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import chain
from typing import Any, Final, TypeAlias

import numpy as np
import pandas as pd
from pandas._libs import lib as _pandas_lib
from pandas.api.types import is_object_dtype

from procore_nb._exceptions import CoercionWarning, ConfigurationError, MalformedResponseError
from procore_nb.frames._kinds import Converted, Objects, convert, is_missing
from procore_nb.frames._schema import SCHEMAS, Kind, declare

__all__ = ["CoercionWarning", "to_frame"]

_Record: TypeAlias = dict[Any, Any]

#: pandas' own C loop from list-of-dicts to a 2-D object array (what ``DataFrame(records)``
#: uses). Private, hence looked up softly, with a pure-Python fallback of the same meaning.
_DICTS_TO_ARRAY: Final[Callable[[list[_Record], list[Any]], Objects] | None] = getattr(
    _pandas_lib, "dicts_to_array", None
)
#: What ``dicts_to_array`` puts where a key is missing; told apart from data by identity.
_ABSENT: Final = np.nan
_EMPTY: Final[_Record] = {}
_NONE_TYPE: Final = type(None)
_EXAMPLE_WIDTH: Final = 40


class _Notes:
    """What conversion had to give up on, per column, reported as one warning at the end."""

    def __init__(self) -> None:
        self.unfit: dict[str, list[Any]] = {}
        self.as_text: dict[str, list[Any]] = {}

    def add_unfit(self, column: str, values: list[Any]) -> None:
        if values:
            self.unfit.setdefault(column, []).extend(values)

    def add(self, column: str, converted: Converted) -> None:
        self.add_unfit(column, converted.unfit)
        if converted.as_text:
            self.as_text[column] = converted.as_text

    def warn(self) -> None:
        if not (self.unfit or self.as_text):
            return
        parts = [
            f"{col!r} kept as text: {len(vals)} id(s) are not integers (e.g. {_example(vals)})"
            for col, vals in self.as_text.items()
        ]
        parts += [
            f"{col!r}: {len(vals)} value(s) became NA (e.g. {_example(vals)})"
            for col, vals in self.unfit.items()
        ]
        counts: dict[str, int] = {}
        for col, vals in chain(self.as_text.items(), self.unfit.items()):
            counts[col] = counts.get(col, 0) + len(vals)
        message = (
            "some values did not fit their column's type; every record is kept. "
            + "; ".join(parts)
            + ". See docs/dtypes.md for what each column accepts."
        )
        # stacklevel 3: the caller of to_frame, not this helper.
        warnings.warn(CoercionWarning(message, counts), stacklevel=3)


def _example(values: list[Any]) -> str:
    text = repr(values[0])
    return text if len(text) <= _EXAMPLE_WIDTH else text[: _EXAMPLE_WIDTH - 3] + "..."


# --- records in, columns out ---------------------------------------------------------------


def _checked(records: object) -> list[_Record]:
    """``records`` as a list of dicts, or :class:`MalformedResponseError` naming the culprit."""
    if isinstance(records, Mapping | str | bytes | bytearray) or not isinstance(records, Iterable):
        raise MalformedResponseError(
            f"expected a list of records (JSON objects), got a {type(records).__name__}: "
            "check that the path names a list endpoint (a v2 body is unwrapped from 'data')"
        )
    rows: list[Any] = records if type(records) is list else list(records)
    if set(map(type, rows)) <= {dict}:
        return rows
    checked: list[_Record] = []
    for index, row in enumerate(rows):
        if isinstance(row, dict):
            checked.append(row)
        elif isinstance(row, Mapping):
            checked.append(dict(row))
        else:
            raise MalformedResponseError(
                f"record {index} of {len(rows)} is a {type(row).__name__}, not a JSON object: "
                "a list endpoint answers with a list of objects; check the path, and report "
                "the response if it is right"
            )
    return checked


def _keys_in_order(dicts: list[_Record]) -> list[Any]:
    """Every key of ``dicts``, in first-seen order."""
    reference = next((d for d in dicts if d), _EMPTY).keys()
    # Most records share one set of keys: a set union (in C) shows whether any differ, and
    # only the records holding other keys are walked for their order.
    extra = set().union(*dicts).difference(reference)
    if not extra:
        return list(reference)
    holders = (d for d in dicts if not extra.isdisjoint(d))
    return list(dict.fromkeys(chain(reference, chain.from_iterable(holders))))


def _columns(dicts: list[_Record], keys: list[Any]) -> list[Objects]:
    """One object array per key (``_ABSENT`` where a dict lacks the key)."""
    if not keys:
        return []
    if _DICTS_TO_ARRAY is not None:
        table = _DICTS_TO_ARRAY(dicts, keys)
        return [table[:, j] for j in range(len(keys))]
    return [_object_array([d.get(key, _ABSENT) for d in dicts]) for key in keys]


def _object_array(values: Sequence[Any]) -> Objects:
    """A 1-D object array of ``values`` (never a 2-D one, even when they are lists)."""
    # fromiter stores each value as it is, where np.array would read lists as a dimension.
    return np.fromiter(values, dtype=object, count=len(values))


def _split_objects(column: Objects) -> tuple[list[_Record], list[int]]:
    """The column's values as dicts (``{}`` where not one) and the positions of non-dicts."""
    types = set(map(type, column))
    if types == {dict}:
        return column.tolist(), []
    if types <= {dict, _NONE_TYPE, float}:  # the usual case: objects, nulls, absent keys
        filled = column.copy()
        filled[pd.isna(column)] = [_EMPTY]
        if float not in types or set(map(type, filled)) <= {dict}:
            return filled.tolist(), []
    dicts = [v if type(v) is dict else _EMPTY for v in column]
    others: list[int] = []
    for i, value in enumerate(column):
        if type(value) is dict:
            continue
        if isinstance(value, Mapping):
            dicts[i] = dict(value)
        elif not is_missing(value):
            others.append(i)
    return dicts, others


def _inferred(column: Objects) -> Any:
    """An unknown field's column, typed by pandas' inference as ``DataFrame(records)`` would."""
    values = [None if value is _ABSENT else value for value in column]
    try:
        return pd.Series(values).array
    except UnicodeEncodeError:  # lone surrogates refused by Arrow strings: keep as objects
        return pd.Series(values, dtype=object).array


# --- assembly -------------------------------------------------------------------------------


class _Frame:
    """Columns collected in order under unique names."""

    def __init__(self) -> None:
        self.columns: dict[Any, Any] = {}

    def put(self, name: Any, values: Any) -> None:
        # A literal key can clash with a flattened name ("a.b" beside {"a": {"b": ...}}):
        # like pandas' read_csv, suffix the later one rather than drop either.
        unique, n = name, 0
        while unique in self.columns:
            n += 1
            unique = f"{name}.{n}"
        self.columns[unique] = values

    def build(self, length: int) -> pd.DataFrame:
        """The DataFrame of the collected columns, ``length`` rows even when there are none."""
        index = pd.RangeIndex(length)
        columns = {
            # pandas 3 re-infers bare object arrays as strings; a Series with an explicit object
            # dtype keeps free-form values (and text Arrow refuses) exactly as they are.
            name: pd.Series(values, index=index, dtype=object, copy=False)
            if is_object_dtype(values.dtype)
            else values
            for name, values in self.columns.items()
        }
        return pd.DataFrame(columns, index=index, copy=False)

    def flatten(self, name: Any, column: Objects) -> None:
        """An unknown field: objects become dotted columns, everything else is kept."""
        if not any(issubclass(kind, Mapping) for kind in set(map(type, column))):
            self.put(name, _inferred(column))
            return
        dicts, others = _split_objects(column)
        if others:
            scalars = column.copy()
            scalars[[i for i, d in enumerate(column) if isinstance(d, Mapping)]] = None
            self.put(name, _inferred(scalars))
        keys = _keys_in_order(dicts)
        for key, sub in zip(keys, _columns(dicts, keys), strict=True):
            self.flatten(f"{name}.{key}", sub)


def _cut(
    rows: list[_Record], schema: Mapping[str, Kind], notes: _Notes
) -> tuple[dict[str, Objects], list[tuple[Any, Objects]]]:
    """The schema's columns by name, and the other columns in first-seen order."""
    nested: dict[str, list[str]] = {}
    for name in schema:
        parent, dot, child = name.partition(".")
        if dot:
            nested.setdefault(parent, []).append(child)
    tops = dict.fromkeys(name.partition(".")[0] for name in schema)
    top_keys = _keys_in_order(rows)
    others = [key for key in top_keys if key not in tops]
    wanted = [*tops, *others]
    column_of = dict(zip(wanted, _columns(rows, wanted), strict=True))
    known = {name: column_of[name] for name in schema if name in column_of}
    rest: dict[Any, list[tuple[Any, Objects]]] = {key: [(key, column_of[key])] for key in others}
    for parent, children in nested.items():
        dicts, misfits = _split_objects(column_of[parent])
        # A known object that is something else (a string, a list) cannot fill its columns.
        notes.add_unfit(parent, [column_of[parent][i] for i in misfits])
        keys = list(dict.fromkeys(children + _keys_in_order(dicts)))
        for key, sub in zip(keys, _columns(dicts, keys), strict=True):
            if key in children:
                known[f"{parent}.{key}"] = sub
            else:
                rest.setdefault(parent, []).append((f"{parent}.{key}", sub))
    return known, [item for key in top_keys for item in rest.get(key, [])]


def _stage_names(stages: Sequence[str] | None) -> list[str] | None:
    if stages is None:
        return None
    if isinstance(stages, str):
        raise ConfigurationError(
            "stages must be a list of stage names in order, not one string: "
            "pass e.g. client.project_stages()['name']"
        )
    return list(dict.fromkeys(str(s) for s in stages if not is_missing(s)))


def _order_stages(frame: _Frame, columns: list[str], stages: list[str]) -> None:
    """Stage columns as one ordered categorical: the company's order, then unknown names."""
    seen: set[str] = set()
    for name in columns:
        seen.update(frame.columns[name].dropna())
    dtype = pd.CategoricalDtype([*stages, *sorted(seen.difference(stages))], ordered=True)
    for name in columns:
        frame.columns[name] = pd.Categorical(frame.columns[name], dtype=dtype)


def to_frame(
    records: Sequence[Mapping[str, Any]],
    resource: str | None = None,
    *,
    stages: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Turn the records of a Procore list into a typed DataFrame, one row per record.

    Parameters
    ----------
    records:
        The JSON objects of a list endpoint, as decoded (a v2 body already unwrapped from
        ``data``).
    resource:
        A registry resource (``"projects"``, ``"rfis"``, ...; see ``docs/resources.md``) or
        ``"me"`` to apply that resource's dtype map (see ``docs/dtypes.md``); None, or any
        other name, lets pandas infer every column.
    stages:
        The company's stage names in order. When given, the stage columns are an ordered
        categorical in that order, with any other stage names appended after them (sorted).

    Returns
    -------
    pandas.DataFrame
        Schema columns first, in schema order, then unknown fields in first-seen order.

    Raises
    ------
    MalformedResponseError
        ``records`` is not a list of JSON objects; the message names the first bad index.
    ConfigurationError
        ``stages`` is a single string rather than a list of names.

    Warns
    -----
    CoercionWarning
        Values that do not fit their column's type became NA (ids: the column stayed text).

    Examples
    --------
    >>> df = to_frame(
    ...     [{"id": 5000000001, "name": "Tower", "company": {"id": 8, "name": "Acme"}}],
    ...     "projects",
    ... )
    >>> df[["id", "name", "company.id"]].dtypes.astype(str).tolist()
    ['Int64', 'string', 'Int64']
    >>> int(df.loc[0, "id"])
    5000000001
    """
    rows = _checked(records)
    order = _stage_names(stages)
    schema = SCHEMAS.get(resource, {}) if resource is not None else {}
    notes = _Notes()
    frame = _Frame()
    known, rest = _cut(rows, schema, notes)
    for name, kind in schema.items():
        converted = convert(known[name], kind)
        notes.add(name, converted)
        frame.put(name, converted.values)
    for name, column in rest:
        frame.flatten(name, column)
    if order is not None:
        stage_columns = [name for name, kind in schema.items() if kind is Kind.STAGE]
        _order_stages(frame, stage_columns, order)
    notes.warn()
    return declare(frame.build(len(rows)), schema)
