"""The Arrow schema a list's later pages are read with, learned from its first page.

pyarrow's JSON reader finds each key's field by guessing that the keys of an object come in
the order its schema lists them; after one wrong guess it looks every key up by hash for the
rest of the page, a third slower. The declared schema (the resource's text fields as strings,
so that Arrow never reads them as timestamps) lists its fields in another order than
Procore sends them, so every page paid that. :func:`learn` builds, from the first page, a
schema naming every field of its records in the order they come, each with the type Arrow
inferred for it (text fields of the resource still as strings), to read the later pages with.

A learned type can make Arrow refuse a page it would have read with the declared schema (a
number where the first page had text, a value where it had only nulls), never read a value
otherwise: such a page is read again with the declared schema, and :func:`merged` fills the
learned nulls from it. Types that could read a value otherwise are not learned: timestamps
(a page that has one is not learned from), and free-form objects, whose contents msgspec
decodes anyway, are learned as objects of any fields.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Final

import pyarrow as pa

__all__ = ["Orders", "learn", "merged", "orders"]

#: Records looked at for the key order of objects that the first record has as null.
_SAMPLED: Final = 64


@dataclass(frozen=True)
class Orders:
    """The key order of the first record, and of the first object in each field that has one."""

    top: list[str]
    nested: dict[str, list[str]]


def orders(body: bytes, parents: Collection[str]) -> Orders | None:
    """The key orders of the page ``body``: its first record's, and its first ``parents`` objects'.

    None when the page does not start with a record (an empty page, or not objects).
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    decoder = json.JSONDecoder()
    index = _blank(text, text.index("[") + 1) if "[" in text else len(text)
    top: list[str] | None = None
    nested: dict[str, list[str]] = {}
    for _ in range(_SAMPLED):
        try:
            record, index = decoder.raw_decode(text, index)
        except (ValueError, RecursionError):  # nested deeper than Python's stack: no order
            break
        if not isinstance(record, dict):
            break
        if top is None:
            top = list(record)
        for parent in parents:
            value = record.get(parent)
            if parent not in nested and isinstance(value, dict) and value:
                nested[parent] = list(value)
        if len(nested) == len(parents):
            break
        index = _blank(text, index)
        if text.startswith(",", index):
            index = _blank(text, index + 1)
    return None if top is None else Orders(top, nested)


def _blank(text: str, index: int) -> int:
    """The index of the first character from ``index`` on that is not JSON whitespace."""
    while index < len(text) and text[index] in " \t\n\r":
        index += 1
    return index


def _ordered(names: list[str], order: list[str] | None) -> list[str]:
    """``names`` in ``order`` first, then the rest as they are."""
    if not order:
        return names
    listed = set(names)
    first = [name for name in order if name in listed]
    return first + [name for name in names if name not in set(first)]


def _present(column: Any) -> bool:
    """Whether a column holds any value (a field absent from every record holds none)."""
    return bool(column.null_count < len(column))


def _struct(
    column: pa.ChunkedArray | pa.Array, order: list[str] | None, strings: Collection[str]
) -> pa.DataType:
    """The learned type of an object column: its fields in ``order``, ``strings`` as text."""
    kind = column.type
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    children = {
        kind.field(i).name: pa.chunked_array([c.field(i) for c in chunks], kind.field(i).type)
        for i in range(kind.num_fields)
    }
    fields = []
    for name in _ordered(list(children), order):
        child = children[name]
        if name in strings:
            if (order and name in order) or _present(child):
                fields.append(pa.field(name, pa.large_string()))
            continue  # declared, and in no record: left out, as it would break the order
        fields.append(pa.field(name, _type(child)))
    return pa.struct(fields)


def _type(column: pa.ChunkedArray | pa.Array) -> pa.DataType:
    """A field's type as Arrow inferred it (objects: their fields in the order they came)."""
    if pa.types.is_struct(column.type):
        return _struct(column, None, ())
    return column.type


def learn(
    table: pa.Table,
    found: Orders,
    *,
    strings: Mapping[str, Collection[str]],
    free_form: Collection[str],
) -> pa.StructType:
    """The record type of later pages, from the first page's ``table`` and key ``found``.

    ``strings`` maps each field read as text to the empty tuple, and each object with
    fields read as text to their names: the declared schema. Declared fields that no
    record of the page holds are left out (where they come, Arrow infers them).
    """
    fields = []
    for name in _ordered(table.column_names, found.top):
        column = table.column(name)
        if name in found.top or _present(column):
            fields.append(pa.field(name, _learned(name, column, found, strings, free_form)))
    return pa.struct(fields)


def _learned(
    name: str,
    column: pa.ChunkedArray,
    found: Orders,
    strings: Mapping[str, Collection[str]],
    free_form: Collection[str],
) -> pa.DataType:
    if name in strings and not strings[name]:
        return pa.large_string()
    if not pa.types.is_struct(column.type):
        return column.type
    if name in free_form:
        return pa.struct([])  # any fields: msgspec decodes these values, not Arrow
    return _struct(column, found.nested.get(name), strings.get(name, ()))


def merged(learned: pa.StructType, page: pa.StructType) -> pa.StructType:
    """``learned`` with its null types (fields all null so far) filled from ``page``.

    Only types change: a field ``page`` has that ``learned`` lacks is not added, so that
    the fields keep the order of the first page.
    """
    types = {page.field(i).name: page.field(i).type for i in range(page.num_fields)}
    fields = []
    for i in range(learned.num_fields):
        field = learned.field(i)
        found = types.get(field.name)
        if found is not None:
            field = field.with_type(_merged_type(field.type, found))
        fields.append(field)
    return pa.struct(fields)


def _merged_type(learned: pa.DataType, page: pa.DataType) -> pa.DataType:
    if pa.types.is_null(learned):
        return _fixed(page)
    if pa.types.is_struct(learned) and pa.types.is_struct(page) and learned.num_fields:
        return merged(learned, page)
    if pa.types.is_list(learned) and pa.types.is_list(page):
        return pa.list_(_merged_type(learned.value_type, page.value_type))
    return learned


def _fixed(kind: pa.DataType) -> pa.DataType:
    """A type read from a page, fit to learn: never a timestamp (its spelling would go)."""
    if pa.types.is_timestamp(kind):
        return pa.null()
    if pa.types.is_struct(kind):
        fields = [kind.field(i) for i in range(kind.num_fields)]
        return pa.struct([field.with_type(_fixed(field.type)) for field in fields])
    if pa.types.is_list(kind):
        return pa.list_(_fixed(kind.value_type))
    return kind
