"""One column of JSON values -> the pandas array of its kind, and the values that did not fit.

Each :class:`~procore_nb.frames._schema.Kind` has one conversion. Each tries one vectorised call
first, taken only when every value already has the expected JSON type, and otherwise walks
the values one by one with a ``_fit_*`` function that says what each value becomes, or that
it does not fit. What does not fit becomes NA and is returned, so that the caller can say
so; nothing here warns or raises for bad data.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, TypeAlias, cast

import numpy as np
import numpy.typing as npt
import pandas as pd
from pandas.api.types import infer_dtype

from procore_nb.frames._schema import NUMERIC_KINDS, Kind

__all__ = ["VECTOR_MIN", "Converted", "Objects", "convert", "is_missing"]

#: A column of JSON values, as cut from the records.
Objects: TypeAlias = npt.NDArray[np.object_]

#: Procore's form ("2024-03-04T05:06:07Z"). Spelled with %z, not a literal Z, because pandas
#: sends only formats it recognises as ISO 8601 to its C parser (some 30 times faster).
_TIMESTAMP_FORMAT: Final = "%Y-%m-%dT%H:%M:%S%z"
_DATE_FORMAT: Final = "%Y-%m-%d"
_INT64: Final = range(-(2**63), 2**63)
#: The span a nanosecond timestamp can hold, as naive UTC datetimes (whole microseconds).
_NS_SPAN: Final = (
    pd.Timestamp.min.ceil("us").to_pydatetime(),
    pd.Timestamp.max.floor("us").to_pydatetime(),
)
#: Columns at least this long go through pandas' vectorised timestamp parser.
VECTOR_MIN: Final = 500


class _Unfit:
    """The marker for a value that does not fit its column's kind."""


_UNFIT: Final = _Unfit()


@dataclass(frozen=True)
class Converted:
    """A converted column: its ``values``, what became NA, and the ids that kept it text.

    ``as_text`` is only ever filled for id columns: the ids that are not integers, because of
    which the column is ``string`` rather than ``Int64``.
    """

    values: Any
    unfit: list[Any] = field(default_factory=list)
    as_text: list[Any] = field(default_factory=list)


def is_missing(value: Any) -> bool:
    """Whether a JSON value stands for nothing: null, or a NaN (which ``json.loads`` accepts)."""
    return value is None or (type(value) is float and math.isnan(value))


def _each(column: Objects, fit: Callable[[Any], Any]) -> tuple[list[Any], list[Any]]:
    """``fit`` applied to each present value: the results (None for NA) and the misfits."""
    out: list[Any] = []
    unfit: list[Any] = []
    for value in column:
        if is_missing(value):
            out.append(None)
            continue
        fitted = fit(value)
        if fitted is _UNFIT:
            unfit.append(value)
            out.append(None)
        else:
            out.append(fitted)
    return out, unfit


def _fit_id(value: Any) -> Any:
    kind = type(value)
    if kind is int:
        return value if value in _INT64 else _UNFIT
    if kind is str:
        if not value.strip():
            return None
        try:
            number = int(value)
        except ValueError:
            return _UNFIT
        # Only the canonical spelling is the same id: "007" and "7" are not.
        return number if str(number) == value and number in _INT64 else _UNFIT
    if kind is float and value.is_integer() and int(value) in _INT64:
        return int(value)
    return _UNFIT


def _fit_id_text(value: Any) -> Any:
    """An id as text: integers in their canonical spelling (5.0 -> "5"), other text as sent."""
    number = _fit_id(value)
    if number is not _UNFIT:
        return None if number is None else str(number)
    return _fit_text(value) if type(value) in (str, int, float) else _UNFIT


def _fit_text(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return value
    if kind is bool:
        return "true" if value else "false"
    if kind in (int, float):
        try:
            return str(value)
        except ValueError:  # an int beyond Python's digit limit for str()
            return _UNFIT
    return _UNFIT


def _fit_flag(value: Any) -> Any:
    kind = type(value)
    if kind is bool:
        return value
    if kind in (int, float) and value in (0, 1):
        return bool(value)
    if kind is str:
        word = value.strip().lower()
        if not word:
            return None
        return {"true": True, "false": False}.get(word, _UNFIT)
    return _UNFIT


def _fit_number(value: Any) -> Any:
    kind = type(value)
    try:
        if kind in (int, float):
            return float(value)
        if kind is str:
            return float(value) if value.strip() else None
    except (ValueError, OverflowError):
        return _UNFIT
    return _UNFIT


def _fit_moment(value: Any, *, date: bool) -> Any:
    """An ISO 8601 string as a naive UTC datetime (for dates: midnight of the wall date)."""
    if type(value) is not str:
        return _UNFIT
    text = value.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
        if date:
            moment = datetime(moment.year, moment.month, moment.day)
        elif moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):
        return _UNFIT
    return moment if _NS_SPAN[0] <= moment <= _NS_SPAN[1] else _UNFIT


def _strings(values: Any) -> Any:
    """``values`` as a ``string`` array, in pure-Python storage when Arrow refuses them."""
    try:
        return pd.array(values, dtype="string")
    except UnicodeEncodeError:  # lone surrogates, which json.loads can produce, are not UTF-8
        return pd.array(values, dtype=pd.StringDtype("python"))


def _all_strings(column: Objects) -> Any:
    """A ``string`` array of ``column`` if it holds only strings and missing values, else None."""
    dtype = pd.StringDtype()
    if dtype.storage == "pyarrow":
        # Arrow storage means pyarrow is installed: pandas requires it for this storage.
        import pyarrow as pa

        # Arrow checks the types while it converts, in one pass; pandas' own path checks, then
        # converts, then copies into Arrow.
        try:
            strings = pa.array(column, type=pa.large_string(), from_pandas=True)
        except (TypeError, ValueError):  # a non-string value, or a lone surrogate
            return None
        return pd.array(cast("Any", strings), dtype=dtype)
    if infer_dtype(column, skipna=True) in {"string", "empty"}:
        return pd.array(cast("Any", column), dtype=dtype)
    return None


def _pyarrow() -> Any:
    """The pyarrow module, or None: it is an optional dependency, imported on first use."""
    try:
        import pyarrow
    except ImportError:
        return None
    return pyarrow


def _by_arrow(column: Objects, arrow_type: str, dtype: Any) -> Any:
    """``column`` as ``dtype`` in one C pass, or None when pyarrow is missing or refuses a value.

    Call only after ``infer_dtype`` found the column's values all of the one expected type:
    pyarrow would also take some values (integral floats for integers) that the rules treat
    differently.
    """
    pa = _pyarrow()
    if pa is None:
        return None
    try:
        values = pa.array(column, type=getattr(pa, arrow_type)(), from_pandas=True)
    except (OverflowError, pa.ArrowException):  # an int beyond 64 bits: the slow path decides
        return None
    return dtype.__from_arrow__(values)


def _masked(column: Objects, numpy_type: type[np.generic]) -> tuple[Any, Any]:
    """The column's values as ``numpy_type`` (0 where missing) and its missing mask."""
    missing = pd.isna(column)
    if missing.all():  # common: many of Procore's id and flag fields are always null
        return np.zeros(len(column), dtype=numpy_type), missing
    data = column.copy()
    data[missing] = 0
    return data.astype(numpy_type), missing


def _to_id(column: Objects) -> Converted:
    if infer_dtype(column, skipna=True) in {"integer", "empty"}:
        # One pass in Arrow instead of four (missing mask, copy, fill, cast) in NumPy.
        fast = _by_arrow(column, "int64", pd.Int64Dtype())
        if fast is not None:
            return Converted(fast)
        try:
            return Converted(pd.arrays.IntegerArray(*_masked(column, np.int64)))
        except OverflowError:
            pass  # an int beyond 64 bits: the careful path below decides
    values, unfit = _each(column, _fit_id)
    # Only ids that are text or numbers are worth a text column; objects, lists and booleans
    # are no id at all and become NA like any misfit.
    textual = [value for value in unfit if _fit_id_text(value) is not _UNFIT]
    if not textual:
        return Converted(pd.array(values, dtype="Int64"), unfit)
    texts, bad = _each(column, _fit_id_text)
    return Converted(_strings(texts), bad, textual)


def _to_text(column: Objects) -> Converted:
    strings = _all_strings(column)
    if strings is not None:
        return Converted(strings)
    values, unfit = _each(column, _fit_text)
    return Converted(_strings(values), unfit)


def _to_flag(column: Objects) -> Converted:
    if infer_dtype(column, skipna=True) in {"boolean", "empty"}:
        fast = _by_arrow(column, "bool_", pd.BooleanDtype())
        if fast is not None:
            return Converted(fast)
        return Converted(pd.arrays.BooleanArray(*_masked(column, np.bool_)))
    values, unfit = _each(column, _fit_flag)
    return Converted(pd.array(values, dtype="boolean"), unfit)


def _to_number(column: Objects) -> Converted:
    numeric = {"integer", "floating", "mixed-integer-float", "string", "empty"}
    if infer_dtype(column, skipna=True) in numeric:
        try:
            return Converted(column.astype(np.float64))
        except (ValueError, TypeError, OverflowError):
            pass  # a string that is not a number, or an int too large for a float
    values, unfit = _each(column, _fit_number)
    return Converted(np.array(values, dtype=np.float64), unfit)


def _to_moment(column: Objects, *, date: bool) -> Converted:
    parsed: pd.DatetimeIndex | None = None
    unfit: list[Any] = []
    # pandas' parser costs a couple of milliseconds per call before its first value: short
    # columns are parsed value by value, with the same rules.
    if len(column) >= VECTOR_MIN and infer_dtype(column, skipna=True) in {"string", "empty"}:
        try:
            parsed = pd.to_datetime(
                cast("Any", column),
                format=_DATE_FORMAT if date else _TIMESTAMP_FORMAT,
                utc=True,  # dates too: midnight UTC of the calendar day (docs/dtypes.md)
                cache=False,  # the ISO parser is faster than finding the unique strings first
            )
        except (ValueError, TypeError, OverflowError):
            parsed = None  # not all in Procore's one format: parse each value below
    if parsed is not None and parsed.unit != "ns" and parsed.notna().any():
        # pandas 3 parses to microseconds: keep what nanoseconds cannot hold out of the cast.
        low, high = (pd.Timestamp(t, tz=parsed.tz) for t in _NS_SPAN)
        outside = np.asarray((parsed < low) | (parsed > high))
        if outside.any():
            unfit = list(column[outside])
            parsed = pd.DatetimeIndex(parsed.where(~outside))
    if parsed is None:
        values, unfit = _each(column, lambda v: _fit_moment(v, date=date))
        parsed = pd.DatetimeIndex(np.array(values, dtype="datetime64[ns]")).tz_localize("UTC")
    return Converted(parsed.as_unit("ns").array, unfit)


def _to_object(column: Objects) -> Converted:
    """Free-form values untouched; absent, null and NaN all become None."""
    out = column.copy()
    out[pd.isna(column)] = None
    return Converted(out)


def convert(column: Objects, kind: Kind) -> Converted:
    """``column`` (JSON values; NaN or None where missing) in the pandas dtype of ``kind``.

    Stage columns come back as text: making them categorical needs every stage column and
    the company's list, which is :func:`procore_nb.frames._convert.to_frame`'s business.

    Examples
    --------
    >>> result = convert(np.array([1, "abc", None], dtype=object), Kind.NUMBER)
    >>> result.values.tolist()[0], result.unfit
    (1.0, ['abc'])
    """
    if kind is Kind.ID:
        return _to_id(column)
    if kind in (Kind.TEXT, Kind.STAGE):
        return _to_text(column)
    if kind is Kind.FLAG:
        return _to_flag(column)
    if kind in NUMERIC_KINDS:
        return _to_number(column)
    if kind in (Kind.TIMESTAMP, Kind.DATE):
        return _to_moment(column, date=kind is Kind.DATE)
    return _to_object(column)
