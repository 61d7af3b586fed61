"""The Arrow route from page bytes: always the very frame and warnings to_frame gives."""

from __future__ import annotations

import gc
import json
import threading
import warnings
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_frames_properties import json_values, records  # type: ignore[import-not-found]

from procore_nb._exceptions import MalformedResponseError
from procore_nb.frames._arrow import frame_from_pages, frame_from_pieces
from procore_nb.frames._convert import to_frame
from procore_nb.frames._pages import PageParser, collector_paused

BOUNDED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _pages(rows: list[dict[str, Any]], size: int, *, ascii_only: bool) -> list[bytes]:
    """``rows`` as JSON array bodies of ``size`` records each, as a server would send them."""
    bodies = []
    for start in range(0, max(len(rows), 1), size):
        page = rows[start : start + size]
        try:
            bodies.append(json.dumps(page, ensure_ascii=ascii_only).encode())
        except UnicodeEncodeError:  # a lone surrogate: only its escaped form is JSON text
            bodies.append(json.dumps(page).encode())
    return bodies


def _outcome(convert: Any) -> tuple[pd.DataFrame | None, list[str], str | None]:
    """The frame, the warnings' messages and the error a conversion gives."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame, error = convert(), None
        except Exception as exc:  # the error itself is what is compared
            frame, error = None, f"{type(exc).__name__}: {exc}"
    return frame, [str(w.message) for w in caught], error


def _same(rows: list[Any], bodies: list[bytes], resource: str | None, **kw: Any) -> None:
    """frame_from_pages(bodies) and to_frame(rows) agree on frame, warnings and errors."""
    ours = _outcome(lambda: frame_from_pages(bodies, resource, **kw))
    theirs = _outcome(lambda: to_frame(rows, resource, **kw))
    assert ours[1:] == theirs[1:]
    if theirs[0] is not None:
        assert ours[0] is not None
        pd.testing.assert_frame_equal(ours[0], theirs[0])


@BOUNDED
@given(records, st.integers(1, 4), st.booleans(), st.booleans())
def test_project_pages_give_to_frames_result(
    rows: list[dict[str, Any]], size: int, ascii_only: bool, staged: bool
) -> None:
    """Arbitrary project-like records, paged: the same frame, dtypes, order and warnings."""
    stages = ["Bidding", "Completed"] if staged else None
    _same(rows, _pages(rows, size, ascii_only=ascii_only), "projects", stages=stages)


@BOUNDED
@given(
    st.lists(st.dictionaries(st.text(max_size=5), json_values, max_size=4), max_size=8),
    st.sampled_from([None, "companies", "me", "project_stages"]),
    st.integers(1, 3),
)
def test_arbitrary_pages_give_to_frames_result(
    rows: list[dict[str, Any]], resource: str | None, size: int
) -> None:
    """Arbitrary objects, with a small schema or none: the same frame as to_frame."""
    _same(rows, _pages(rows, size, ascii_only=False), resource)


def _project(i: int, **fields: Any) -> dict[str, Any]:
    base = {
        "id": 10 + i,
        "name": f"P{i}",
        "total_value": f"{i}.5",
        "created_at": "2024-03-04T05:06:07Z",
        "start_date": "2024-03-04",
        "active": True,
        "company": {"id": 8, "name": "Acme"},
        "custom_fields": {"custom_field_1": {"value": i}},
    }
    return base | fields


def test_clean_pages_take_the_arrow_route() -> None:
    """Procore-shaped pages parse in Arrow, with free-form fields decoded by msgspec."""
    pytest.importorskip("msgspec")
    rows = [_project(i) for i in range(6)]
    parser = PageParser("projects")
    pieces = [parser.parse(body) for body in _pages(rows, 4, ascii_only=True)]
    assert all(piece is not None for piece in pieces)
    frame = frame_from_pieces([p for p in pieces if p is not None], "projects")
    assert frame is not None
    pd.testing.assert_frame_equal(frame, to_frame(rows, "projects"))
    assert frame["custom_fields"].tolist()[5] == {"custom_field_1": {"value": 5}}


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b'{"data": []}', "not an array"),
        (b'[{"id": 1, "id": 2}]', "a key twice"),
        (b'[{"x": "\\ud800"}]', "a lone surrogate"),
        (b'[{"x": "2024-01-01"}]', "text Arrow would read as a timestamp"),
        (b'[{"name": 5}]', "a number where text is declared"),
        (b"[1, 2]", "records that are not objects"),
        (b'[{"x": ' + b"[" * 3000 + b"]" * 3000 + b"}]", "nested deeper than Python's stack"),
    ],
)
def test_pages_arrow_would_misread_are_left_to_json(body: bytes, why: str) -> None:
    """Pages Arrow could read differently from json.loads are refused, not misread."""
    assert PageParser("projects").parse(body) is None, why


def test_pages_disagreeing_in_type_fall_back_to_to_frame() -> None:
    """A field that is a number on one page and text on another still converts, warning once."""
    rows = [_project(0, zip=78701), _project(1, zip="02108")]
    _same(rows, _pages(rows, 1, ascii_only=True), "projects")
    assert frame_from_pages(_pages(rows, 1, ascii_only=True), "projects")["zip"].tolist() == [
        "78701",
        "02108",
    ]


def test_impossible_dates_are_not_rolled_over() -> None:
    """February 30th becomes NA with a warning, as in to_frame, never March 1st."""
    rows = [_project(0, start_date="2024-02-30"), _project(1)]
    _same(rows, _pages(rows, 2, ascii_only=True), "projects")


# Values a field may take from page to page: a learned type meets each of the others.
drifting = (
    st.sampled_from(
        [None, 0, 7, -3, 1.5, 2e300, "", "text", "2024-03-04T05:06:07Z", "2024-03-04", True]
    )
    | st.lists(st.integers(0, 3), max_size=2)
    | st.dictionaries(
        st.sampled_from(["a", "b"]), st.none() | st.integers(0, 3) | st.text(max_size=3), max_size=2
    )
)
DRIFTING_FIELDS = ["id", "name", "zip", "created_at", "company", "custom_fields", "x", "y"]


@st.composite
def drifting_pages(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Records whose fields keep their order and type for a while, then change them."""
    rows = []
    base = {name: draw(drifting) for name in draw(st.permutations(DRIFTING_FIELDS))}
    for _ in range(draw(st.integers(1, 12))):
        record = dict(base)
        change = draw(st.sampled_from(["none", "none", "none", "value", "drop", "order"]))
        if change == "value":  # a new value (and perhaps type) for one field
            record[draw(st.sampled_from(DRIFTING_FIELDS))] = draw(drifting)
        elif change == "drop":  # a field this record lacks
            record.pop(draw(st.sampled_from(DRIFTING_FIELDS)), None)
        elif change == "order":  # the same fields in another order
            record = {name: record[name] for name in draw(st.permutations(list(record)))}
        if draw(st.booleans()):
            base = record  # the change stays for the records after it
        rows.append(record)
    return rows


@BOUNDED
@given(drifting_pages(), st.integers(1, 4), st.sampled_from(["projects", None]))
def test_pages_unlike_the_first_give_to_frames_result(
    rows: list[dict[str, Any]], size: int, resource: str | None
) -> None:
    """Later pages whose fields change type, order or presence: still to_frame's frame."""
    _same(rows, _pages(rows, size, ascii_only=True), resource)


def test_first_page_teaches_the_order_of_the_records() -> None:
    """The learned record type lists the first record's fields in their order, text as text."""
    rows = [{"zip": "78701", "id": 1, "name": "P", "x": None, "company": {"name": "A", "id": 8}}]
    parser = PageParser("projects")
    assert parser.parse(json.dumps(rows).encode(), first=True) is not None
    learned = parser.learned
    assert learned is not None
    assert [learned.field(i).name for i in range(learned.num_fields)] == list(rows[0])
    assert str(learned.field("name").type) == "large_string"
    assert str(learned.field("company").type) == "struct<name: large_string, id: int64>"


def test_a_page_unlike_the_first_is_read_again_and_fills_the_learned_types() -> None:
    """A value where the first page had only nulls: the page is read anew, its type learned."""
    parser = PageParser("projects")
    first = [_project(0, photo_id=None), _project(1, photo_id=None)]
    head = parser.parse(json.dumps(first).encode(), first=True)
    assert head is not None
    learned = parser.learned
    assert learned is not None
    assert str(learned.field("photo_id").type) == "null"
    later = [_project(2, photo_id=5), _project(3, photo_id=None)]
    piece = parser.parse(json.dumps(later).encode())
    assert piece is not None
    assert piece.table is not None
    assert piece.table.column("photo_id").to_pylist() == [5, None]
    learned = parser.learned
    assert learned is not None
    assert str(learned.field("photo_id").type) == "int64"
    frame = frame_from_pieces([head, piece], "projects")
    assert frame is not None
    pd.testing.assert_frame_equal(frame, to_frame(first + later, "projects"))


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_left_as_it_was(enabled: bool) -> None:
    """frame_from_pages pauses the garbage collector and leaves it on or off as it found it."""
    pages = [json.dumps([_project(i)]).encode() for i in range(3)] + [b"[1]"]
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        frame_from_pages(pages[:3], "projects")
        assert gc.isenabled() is enabled
        with pytest.raises(MalformedResponseError):
            frame_from_pages(pages, "projects")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_the_collector_is_back_once_every_thread_is_done() -> None:
    """Pauses in two threads: the collector is off until the later of them ends."""
    assert gc.isenabled()
    entered, leave = threading.Event(), threading.Event()

    def other() -> None:
        with collector_paused():
            entered.set()
            leave.wait(10)

    thread = threading.Thread(target=other)
    with collector_paused():
        thread.start()
        entered.wait(10)
    assert not gc.isenabled()  # the other thread's pause is still on
    leave.set()
    thread.join(10)
    assert gc.isenabled()
