"""Property tests: arbitrary JSON records never break to_frame and never lose a record."""

from __future__ import annotations

import warnings
from datetime import date, datetime
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procore_nb._exceptions import MalformedResponseError
from procore_nb.frames._convert import CoercionWarning, to_frame
from procore_nb.frames._schema import SCHEMAS, Kind, dtype_of

# Bounded so that the file runs in seconds: the main property gets 200 examples, the
# simpler ones 100.
BOUNDED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SMALLER = settings(BOUNDED, max_examples=100)
INT64 = range(-(2**63), 2**63)
PROJECT = SCHEMAS["projects"]
TOP_LEVEL = sorted({name.partition(".")[0] for name in PROJECT})
NESTED = {
    parent: sorted(n.partition(".")[2] for n in PROJECT if n.startswith(parent + "."))
    for parent in sorted({n.partition(".")[0] for n in PROJECT if "." in n})
}

# Any value json.loads can produce (it accepts NaN and Infinity, and lone surrogates in text),
# kept small: drawing deep values costs more than converting them.
scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=4), inner, max_size=2)
    ),
    max_leaves=4,
)
# Values of the right JSON type for each kind, so that conversions succeed as often as they fail.
well_typed = {
    Kind.ID: st.integers(min_value=-(2**63), max_value=2**63 - 1) | st.integers().map(str),
    Kind.FLAG: st.booleans(),
    Kind.TEXT: st.text(max_size=8),
    Kind.TIMESTAMP: st.datetimes(datetime(1990, 1, 1), datetime(2100, 1, 1)).map(
        lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")
    ),
    Kind.DATE: st.dates(date(1990, 1, 1), date(2100, 1, 1)).map(date.isoformat),
    Kind.NUMBER: st.floats(allow_nan=False) | st.floats(allow_nan=False).map(repr),
    **dict.fromkeys(
        (Kind.MONEY, Kind.PERCENT, Kind.COUNT, Kind.DAYS),
        st.floats(allow_nan=False) | st.floats(allow_nan=False).map(repr),
    ),
    Kind.STAGE: st.sampled_from(["Bidding", "Completed", "Warranty", "Elsewhere"]),
    Kind.OBJECT: json_values,
}


def _field(name: str) -> st.SearchStrategy[tuple[str, Any]]:
    """(name, value) for one top-level project field: right type, wrong type, or null."""
    if name in NESTED:
        inner = {child: well_typed[PROJECT[f"{name}.{child}"]] | scalars for child in NESTED[name]}
        value = st.fixed_dictionaries({}, optional=inner) | json_values
    else:
        value = well_typed[PROJECT[name]] | json_values
    return st.tuples(st.just(name), value)


# A few fields per record, any of them; the id half of the time, to check it survives.
project_like = st.tuples(
    st.lists(
        st.one_of([_field(name) for name in TOP_LEVEL]), max_size=10, unique_by=lambda kv: kv[0]
    ),
    st.fixed_dictionaries({}, optional={"id": well_typed[Kind.ID] | scalars}),
).map(lambda pair: {**dict(pair[0]), **pair[1]})
unknown = st.dictionaries(st.text(max_size=6), json_values, max_size=2)
records = st.lists(
    st.tuples(project_like, unknown).map(lambda pair: {**pair[1], **pair[0]}), max_size=6
)


def _convert(rows: Any, resource: str | None, **kw: Any) -> pd.DataFrame:
    """to_frame, checking that the only warnings it gives are CoercionWarnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = to_frame(rows, resource, **kw)
    assert [type(w.message) for w in caught if w.category is not CoercionWarning] == []
    return df


def _id_of(record: dict[str, Any]) -> int | None:
    value = record.get("id")
    return value if type(value) is int and value in INT64 else None


@BOUNDED
@given(records, st.booleans())
def test_project_like_records_keep_every_row_id_and_dtype(
    rows: list[dict[str, Any]], staged: bool
) -> None:
    """Any mix of right and wrong types keeps every record, every integer id, every dtype."""
    df = _convert(rows, "projects", stages=["Bidding", "Completed"] if staged else None)
    assert len(df) == len(rows)
    assert list(df.columns)[: len(PROJECT)] == list(PROJECT)
    for record, got in zip(rows, df["id"].tolist(), strict=True):
        expected = _id_of(record)
        if expected is not None:
            assert got == (expected if df["id"].dtype == "Int64" else str(expected))
    if all(_id_of(r) is not None or r.get("id") is None for r in rows):
        assert df["id"].dtype == "Int64"
    for name, kind in PROJECT.items():
        dtype = str(df[name].dtype)
        if kind is Kind.ID:
            assert dtype in {"Int64", "string"}
        else:
            assert dtype == dtype_of(kind, stages_known=staged)


@SMALLER
@given(
    st.lists(st.dictionaries(st.text(max_size=8), json_values, max_size=4), max_size=8),
    st.sampled_from([None, "companies", "me"]),
)
def test_arbitrary_objects_keep_every_row(rows: list[dict[str, Any]], resource: str | None) -> None:
    """Arbitrary JSON objects, with a small schema or none, keep one row per record."""
    assert len(_convert(rows, resource)) == len(rows)


@SMALLER
@given(st.lists(json_values, max_size=6))
def test_non_objects_raise_only_the_documented_error(items: list[Any]) -> None:
    """A list holding non-objects raises MalformedResponseError naming the first one's index."""
    bad = [i for i, item in enumerate(items) if not isinstance(item, dict)]
    if not bad:
        assert len(_convert(items, None)) == len(items)
        return
    with pytest.raises(MalformedResponseError) as caught:
        to_frame(items, "projects")
    assert f"record {bad[0]} of {len(items)}" in str(caught.value)
