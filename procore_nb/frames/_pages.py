"""Response bytes -> Arrow columns, one page at a time, without a Python object per value.

Procore answers a list as a JSON array. :class:`PageParser` wraps each page's bytes as one
JSON object (``{"d": [...]}``) so that pyarrow's JSON reader, which reads objects, parses the
whole array natively; the records come out as one Arrow struct column, which becomes a
:class:`Piece` of top-level columns. Free-form values (``custom_fields``, lists) cannot go
through Arrow faithfully (it would add every other record's keys to each object), so those
fields alone are decoded to Python objects by msgspec, which skips every other field.
Given a list's first page (``first=True``), the parser learns the order and types of its
records' fields and reads the later pages with them, a third faster
(:mod:`~procore_nb.frames._learned`); a page they do not fit is read the ordinary way.

A page is parsed only when the result is certain to equal what ``json.loads`` followed by
:func:`~procore_nb.frames._convert.to_frame` would give; otherwise :meth:`PageParser.parse`
returns ``None`` and the caller decodes that page the ordinary way. Such pages: anything
that is not a JSON array of objects, a key given twice, a value whose JSON type differs
between records, a lone surrogate, strings of unknown fields that look like timestamps
(Arrow would parse them), and free-form values when msgspec is not installed.

Needs pyarrow (the ``fast`` extra); :func:`decoder_available` says whether msgspec is.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, Final

import pyarrow as pa
import pyarrow.json as pa_json

from procore_nb.frames._learned import Orders, learn, merged, orders
from procore_nb.frames._schema import SCHEMAS, Kind

__all__ = ["PageParser", "Piece", "collector_paused", "decoder_available"]

#: An escaped surrogate: a lone one fails in Arrow, where ``json.loads`` keeps it.
_SURROGATE: Final = re.compile(rb"\\u[dD][89a-fA-F]")
_ARRAY_START: Final = re.compile(rb"\s*\[")
_STRING_KINDS: Final = frozenset({Kind.TEXT, Kind.STAGE, Kind.TIMESTAMP, Kind.DATE})
#: How text fields are read: with 64-bit offsets, which pandas' Arrow-backed strings keep as
#: they are (32-bit ones it copies into 64-bit ones, a megabyte per column of 100,000).
_TEXT: Final = pa.large_string()
#: Where the columns of pages are allocated: the C library's allocator gives back what the
#: reader frees while it parses, where pyarrow's default (mimalloc) keeps it for later: that
#: kept memory was a tenth to a fifth of a 100,000-record conversion's peak.
_MEMORY: Final = pa.system_memory_pool()
#: Pages parsed at once, process-wide: one per core is as fast as more, and each parse holds
#: a wrapped copy of its page, so a wave of pages that arrive together is not copied at once.
_PARSING: Final = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


_PAUSES = threading.Lock()
_paused = 0  # conversions under way that paused the garbage collector
_resume = False  # whether the collector was on when the first of them paused it


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while the body runs (in any thread), then as before.

    A conversion makes some hundred thousand containers (the free-form values) and keeps
    them: each few hundred set off a collection that walks them again, a tenth of the
    conversion's time. They hold no cycles; the collector catches up once it is back on.
    """
    global _paused, _resume  # noqa: PLW0603  # one switch for the whole process
    with _PAUSES:
        if _paused == 0:
            _resume = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _PAUSES:
            _paused -= 1
            if _paused == 0 and _resume:
                gc.enable()


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


def _options(item: pa.StructType) -> dict[bool, pa_json.ParseOptions]:
    """How pages of records of type ``item`` are read (with newlines in values, or none)."""
    return {
        newlines: pa_json.ParseOptions(
            explicit_schema=pa.schema([pa.field("d", pa.list_(item))]),
            unexpected_field_behavior="infer",
            newlines_in_values=newlines,
        )
        for newlines in (False, True)
    }


def _read(body: bytes, options: pa_json.ParseOptions) -> pa.Table | None:
    """The records of the page ``body`` as a table (one column a field), or None.

    The page is wrapped as one object (``{"d": [...]}``), which Arrow's reader reads whole.
    """
    with _PARSING:
        wrapped = b"".join((b'{"d":', body, b"}"))  # one copy; "+" makes two
        try:
            table = pa_json.read_json(
                pa.py_buffer(wrapped),
                read_options=pa_json.ReadOptions(use_threads=False, block_size=len(wrapped) + 1),
                parse_options=options,
                memory_pool=_MEMORY,
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
        return pa.table({})
    if not pa.types.is_struct(items.type):
        return None  # records that are not objects: to_frame names them in its error
    return pa.Table.from_struct_array(items)


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
                children[parent].append(pa.field(child, _TEXT))
        elif kind in _STRING_KINDS:
            tops[name] = _TEXT
    for parent, fields in children.items():
        if fields:
            tops[parent] = pa.struct(fields)
    return tops


class PageParser:
    """Parses the pages of one resource into :class:`Piece` objects; safe across threads.

    Told which page is a list's first (:meth:`parse` with ``first=True``), it learns from
    it the order and types of the records' fields, and reads the later pages faster with
    them (:mod:`~procore_nb.frames._learned`); the pieces are the same either way.

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
        self._strings = {
            name: tuple(kind.field(i).name for i in range(kind.num_fields))
            if pa.types.is_struct(kind)
            else ()
            for name, kind in declared.items()
        }
        self._minimal = _options(pa.struct([pa.field(n, kind) for n, kind in declared.items()]))
        self._learned: tuple[pa.StructType, dict[bool, pa_json.ParseOptions]] | None = None
        self._free_form = frozenset(
            name for name, kind in self.schema.items() if kind is Kind.OBJECT and "." not in name
        )
        self._decoders: dict[tuple[str, ...], Any] = {}
        self._lock = threading.Lock()

    @property
    def learned(self) -> pa.StructType | None:
        """The record type learned from the list's first page (None until one is parsed)."""
        learned = self._learned
        return None if learned is None else learned[0]

    def parse(self, body: bytes, *, first: bool = False) -> Piece | None:
        """The page ``body`` (a JSON array of objects) as a :class:`Piece`, or None.

        None means that Arrow cannot be trusted with this page (see the module's
        docstring): decode it with ``json.loads`` instead. ``first``: ``body`` is the
        list's first page, whose fields the parser learns to read the others by (the
        pieces of a list must then come in page order to ``frame_from_pieces``).
        """
        # A search for the backslash alone is many times faster than for "\\ud", and most
        # pages have none.
        surrogates = b"\\" in body and _SURROGATE.search(body)
        if surrogates or not _ARRAY_START.match(body):
            return None
        newlines = b"\n" in body or b"\r" in body
        try:
            return self._parse(body, first=first, newlines=newlines)
        except RecursionError:  # values nested deeper than Python's stack: json.loads decides
            return None

    def _parse(self, body: bytes, *, first: bool, newlines: bool) -> Piece | None:
        learned = None if first else self._learned
        if learned is not None:
            records = _read(body, learned[1][newlines])
            piece = None if records is None else self._piece(body, records)
            if piece is not None:
                return piece
        records = _read(body, self._minimal[newlines])
        piece = None if records is None else self._piece(body, records)
        if piece is not None and piece.rows and records is not None:
            if first:
                self._learn(body, records)
            elif learned is not None:
                self._fill(records)
        return piece

    def _learn(self, body: bytes, records: pa.Table) -> None:
        """Learn the order and types of the fields of later pages from the first page."""
        parents = [name for name, children in self._strings.items() if children]
        found = orders(body, parents)
        if found is None:
            return
        item = learn(records, found, strings=self._strings, free_form=self._free_form)
        with self._lock:
            self._learned = (item, _options(item))

    def _fill(self, records: pa.Table) -> None:
        """Types for the learned fields that were all null so far, from a page that has them."""
        page = learn(records, Orders([], {}), strings=self._strings, free_form=self._free_form)
        with self._lock:
            if self._learned is None:
                return
            item = merged(self._learned[0], page)
            if item != self._learned[0]:
                self._learned = (item, _options(item))

    def _piece(self, body: bytes, table: pa.Table) -> Piece | None:
        rows = table.num_rows
        if rows == 0:
            return Piece(0, None)
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
                    # gc=False: the records are dropped at once, and the collector need not
                    # walk a thousand of them per page (a third of the decoding time).
                    record = msgspec.defstruct("Record", fields, rename=rename, gc=False)
                except ValueError:  # a key msgspec cannot name (a quote, a control character)
                    return None
                decoder = msgspec.json.Decoder(list[record])  # type: ignore[valid-type]
                self._decoders[key] = decoder
        try:
            with collector_paused():
                records = decoder.decode(body)
        except msgspec.DecodeError:
            return None
        if len(records) != rows:
            return None
        return {name: list(map(attrgetter(f"f{i}"), records)) for i, name in enumerate(names)}
