"""to_frame's key discovery: every key of every record becomes a column, in first-seen order."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from procore_nb import _frames
from procore_nb._frames import to_frame


def test_same_length_record_with_another_key_keeps_it() -> None:
    """A record as long as the first but with one key swapped still adds that key's column."""
    records = [{"a": 1, "b": 2}, {"a": 3, "c": 4}, {"a": 5, "b": 6}]
    df = to_frame(records)
    assert list(df.columns) == ["a", "b", "c"]
    assert df["c"].tolist()[1] == 4
    assert pd.isna(df["b"].tolist()[1])


def test_value_identical_to_the_absent_marker_is_kept() -> None:
    """A value that is NumPy's own NaN object, and a later extra key, both survive."""
    records: list[dict[str, Any]] = [{"a": np.nan, "b": 1}, {"a": 2.0, "b": 3, "z": "x"}]
    df = to_frame(records)
    assert list(df.columns) == ["a", "b", "z"]
    assert df["z"].tolist()[1] == "x"
    assert df["b"].tolist() == [1, 3]


def test_known_parent_seen_late_orders_its_unknown_children_by_first_sight() -> None:
    """A schema object absent from the first record still places its unknown keys where seen."""
    records = [
        {"id": 1, "mystery": 1},
        {"id": 2, "company": {"id": 8, "name": "Acme", "tier": "gold"}, "mystery": 2},
    ]
    df = to_frame(records, "projects")
    tail = [name for name in df.columns if name in {"mystery", "company.tier"}]
    assert tail == ["mystery", "company.tier"]
    assert df["company.tier"].tolist()[1] == "gold"


def test_table_matches_a_full_union_on_mixed_records() -> None:
    """_table's keys and columns equal those of the plain union, fast path or not."""
    rows: list[dict[Any, Any]] = [
        {},
        {"b": 1, "a": 2},
        {"a": None, "b": {"x": 1}},
        {"a": 1, "b": 2, "c": 3},
        {"d": [1, 2]},
    ]
    for dicts in (rows, rows[:3], rows[1:2] * 4, []):
        order, columns = _frames._table(dicts, ["a", "q"])
        assert order == _frames._keys_in_order(dicts)
        assert set(columns) == {"a", "q", *order}
        for key, column in columns.items():
            expected = [d.get(key, _frames._ABSENT) for d in dicts]
            assert all(x is y for x, y in zip(column.tolist(), expected, strict=True))
