"""Response bytes -> Arrow columns, one page at a time, without a Python object per value.

Procore answers a list as a JSON array. :class:`PageParser` wraps each page's bytes as one
JSON object (``{"d": [...]}``) so that pyarrow's JSON reader, which reads objects, parses the
whole array natively; the records come out as one Arrow struct column, which becomes a
:class:`Piece` of top-level columns. Free-form values (``custom_fields``, lists) cannot go
through Arrow faithfully (it would add every other record's keys to each object), so those
fields alone are decoded to Python objects by msgspec, which skips every other field.

A page is parsed only when the result is certain to equal what ``json.loads`` followed by
:func:`~procore_nb.frames._convert.to_frame` would give; otherwise :meth:`PageParser.parse`
returns ``None`` and the caller decodes that page the ordinary way. Such pages: anything
that is not a JSON array of objects, a key given twice, a value whose JSON type differs
between records, a lone surrogate, strings of unknown fields that look like timestamps
(Arrow would parse them), and free-form values when msgspec is not installed.

Needs pyarrow (the ``fast`` extra); :func:`available` says whether it is installed.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import pyarrow as pa
import pyarrow.json as pa_json

from procore_nb.frames._schema import SCHEMAS, Kind

__all__ = ["PageParser", "Piece", "decoder_available"]

#: An escaped surrogate: a lone one fails in Arrow, where ``json.loads`` keeps it.
_SURROGATE: Final = re.compile(rb"\\u[dD][89a-fA-F]")
_ARRAY_START: Final = re.compile(rb"\s*\[")
_STRING_KINDS: Final = frozenset({Kind.TEXT, Kind.STAGE, Kind.TIMESTAMP, Kind.DATE})
#: Pages parsed at once, process-wide: one per core is as fast as more, and each parse holds
#: a wrapped copy of its page, so a wave of pages that arrive together is not copied at once.
_PARSING: Final = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


def decoder_available() -> bool:
    """Whether msgspec, which decodes the free-form fields of a page, is installed."""
    try:
        import msgspec  # noqa: F401  # only whether it imports
    except ImportError:
        return False
    return True


@dataclass
class Piece:
    """One page as columns: Arrow columns, Python values of free-form fields, key order.

    ``order`` lists the top-level keys that were not declared to Arrow, in first-seen
    order (declared ones are the schema's text and timestamp fields and their parents).
    ``python`` maps a field to one Python value per record (None where absent).
    """

    rows: int
    table: pa.Table | None
    order: list[str] = field(default_factory=list)
    python: dict[str, list[Any]] = field(default_factory=dict)


def _contains(kind: pa.DataType, test: Any) -> bool:
    """Whether ``kind`` or any type nested in it passes ``test``."""
    if test(kind):
        return True
    return any(_contains(kind.field(i).type, test) for i in range(kind.num_fields))


def _is_list(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind)
    )


def _declared(schema: Mapping[str, Kind]) -> dict[str, pa.DataType]:
    """The schema's string fields as Arrow must read them: as strings, never as timestamps."""
    tops: dict[str, pa.DataType] = {}
    children: dict[str, list[pa.Field]] = {}
    for name, kind in schema.items():
        parent, dot, child = name.partition(".")
        if dot:
            children.setdefault(parent, [])
            if kind in _STRING_KINDS:
                children[parent].append(pa.field(child, pa.string()))
        elif kind in _STRING_KINDS:
            tops[name] = pa.string()
    for parent, fields in children.items():
        if fields:
            tops[parent] = pa.struct(fields)
    return tops


class PageParser:
    """Parses the pages of one resource into :class:`Piece` objects; safe across threads.

    Parameters
    ----------
    resource:
        The resource whose schema (:data:`~procore_nb.frames._schema.SCHEMAS`) says which
        fields are text and which are free-form; None or an unknown name: no schema.
    """

    def __init__(self, resource: str | None) -> None:
        self.schema: Mapping[str, Kind] = SCHEMAS.get(resource, {}) if resource else {}
        declared = _declared(self.schema)
        self.declared = frozenset(declared)
        item = pa.struct([pa.field(name, kind) for name, kind in declared.items()])
        self._options = {
            newlines: pa_json.ParseOptions(
                explicit_schema=pa.schema([pa.field("d", pa.list_(item))]),
                unexpected_field_behavior="infer",
                newlines_in_values=newlines,
            )
            for newlines in (False, True)
        }
        self._free_form = frozenset(
            name for name, kind in self.schema.items() if kind is Kind.OBJECT and "." not in name
        )
        self._decoders: dict[tuple[str, ...], Any] = {}
        self._lock = threading.Lock()

    def parse(self, body: bytes) -> Piece | None:
        """The page ``body`` (a JSON array of objects) as a :class:`Piece`, or None.

        None means that Arrow cannot be trusted with this page (see the module's
        docstring): decode it with ``json.loads`` instead.
        """
        surrogates = (b"\\ud" in body or b"\\uD" in body) and _SURROGATE.search(body)
        if surrogates or not _ARRAY_START.match(body):
            return None
        newlines = b"\n" in body or b"\r" in body
        with _PARSING:
            wrapped = b'{"d":' + body + b"}"
            try:
                table = pa_json.read_json(
                    pa.py_buffer(wrapped),
                    read_options=pa_json.ReadOptions(
                        use_threads=False, block_size=len(wrapped) + 1
                    ),
                    parse_options=self._options[newlines],
                )
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                return None
            finally:
                del wrapped
        lists = table.column("d")
        if lists.num_chunks != 1 or len(lists) != 1 or not lists.chunk(0).is_valid().to_pylist()[0]:
            return None
        items = lists.chunk(0).flatten()
        if len(items) == 0:
            return Piece(0, None)
        if not pa.types.is_struct(items.type):
            return None  # records that are not objects: to_frame names them in its error
        columns = pa.Table.from_struct_array(items)
        return self._piece(body, columns, len(items))

    def _piece(self, body: bytes, table: pa.Table, rows: int) -> Piece | None:
        order = [name for name in table.column_names if name not in self.declared]
        python: list[str] = []
        for name in table.column_names:
            kind = table.schema.field(name).type
            if _contains(kind, pa.types.is_timestamp):
                return None  # Arrow read text as a timestamp: its spelling is lost
            if name in self.declared:
                if self._nested_unknown_list(name, kind):
                    return None
                continue
            if name in self._free_form:
                if not pa.types.is_null(kind):
                    python.append(name)
            elif name not in self.schema and _contains(kind, _is_list):
                python.append(name)
        values = self._decode(body, python, rows) if python else {}
        if values is None:
            return None
        return Piece(rows, table.drop_columns(python), order, values)

    def _nested_unknown_list(self, name: str, kind: pa.DataType) -> bool:
        """Whether the declared object ``name`` holds an unknown field with a list in it."""
        if not pa.types.is_struct(kind):
            return False
        return any(
            f"{name}.{kind.field(i).name}" not in self.schema
            and _contains(kind.field(i).type, _is_list)
            for i in range(kind.num_fields)
        )

    def _decode(self, body: bytes, names: list[str], rows: int) -> dict[str, list[Any]] | None:
        """The values of the top-level fields ``names``, one per record, decoded by msgspec."""
        try:
            import msgspec
        except ImportError:
            return None
        key = tuple(names)
        with self._lock:
            decoder = self._decoders.get(key)
            if decoder is None:
                fields = [(f"f{i}", Any, None) for i in range(len(names))]
                rename = {f"f{i}": name for i, name in enumerate(names)}
                try:
                    record = msgspec.defstruct("Record", fields, rename=rename)
                except ValueError:  # a key msgspec cannot name (a quote, a control character)
                    return None
                decoder = msgspec.json.Decoder(list[record])  # type: ignore[valid-type]
                self._decoders[key] = decoder
        try:
            records = decoder.decode(body)
        except msgspec.DecodeError:
            return None
        if len(records) != rows:
            return None
        return {name: [getattr(r, f"f{i}") for r in records] for i, name in enumerate(names)}
