"""Records shaped like Procore's, built from the schema so that every known field is covered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from procore_nb.frames._schema import SCHEMAS, Kind

#: One well-formed JSON value per kind, as Procore sends it.
SAMPLE: dict[Kind, Any] = {
    Kind.ID: 562949953421312,
    Kind.FLAG: True,
    Kind.TEXT: "Harbor View Tower",
    Kind.TIMESTAMP: "2024-03-04T05:06:07Z",
    Kind.DATE: "2024-05-01",
    Kind.NUMBER: "1234567.0",
    Kind.MONEY: "1234567.0",
    Kind.PERCENT: 12.5,
    Kind.COUNT: 7,
    Kind.DAYS: 3,
    Kind.STAGE: "Course of Construction",
    Kind.OBJECT: {"custom_field_123": {"value": "Union"}},
}


def full_record(resource: str, index: int = 0) -> dict[str, Any]:
    """A record of ``resource`` with every schema field filled, nested where dotted."""
    record: dict[str, Any] = {}
    for name, kind in SCHEMAS[resource].items():
        value = SAMPLE[kind] + index if kind is Kind.ID else SAMPLE[kind]
        parent, dot, child = name.partition(".")
        if dot:
            record.setdefault(parent, {})[child] = value
        else:
            record[name] = value
    return record


@pytest.fixture
def make_record() -> Callable[..., dict[str, Any]]:
    """Build a full record of a resource (``make_record("projects", 3)``)."""
    return full_record
