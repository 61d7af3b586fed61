"""The new resources (reference sections 23, 25-38) answer every listed field, typed as listed."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import requests
from reference_fields import FIELDS
from resource_counts import WIDE, flat

import procore_nb
from procore_nb._constants import COMPANY_HEADER
from procore_nb._registry import Resource, registry
from procore_nb.sandbox import Sandbox

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def fits(value: Any, kind: str) -> bool:
    """Whether a non-null JSON ``value`` has the reference's type ``kind``."""
    checks = {
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "str": lambda v: isinstance(v, str),
        "bool": lambda v: isinstance(v, bool),
        "float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "num": lambda v: isinstance(v, str) and re.fullmatch(r"-?\d+(\.\d+)?", v) is not None,
        "date": lambda v: isinstance(v, str) and _DATE.match(v) is not None,
        "datetime": lambda v: isinstance(v, str) and "T" in v and _instant(v),
        "obj": lambda v: isinstance(v, dict),
        "list": lambda v: isinstance(v, list),
    }
    if kind in checks:
        return bool(checks[kind](value))
    return value in kind.split("|")


def _instant(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _records(sb: Sandbox, client: procore_nb.Client, name: str) -> list[dict[str, Any]]:
    """The raw records of ``name`` in the first projects that have some (all of a company)."""
    entry = registry()[name]
    token = client.token
    assert token is not None
    headers = {"Authorization": f"Bearer {token.access_token}", COMPANY_HEADER: str(sb.company_id)}
    projects = [int(i) for i in client.projects()["id"]] if entry.project_scoped else [0]
    found: list[dict[str, Any]] = []
    for project in projects:
        params: dict[str, Any] = dict(WIDE.get(name, {}))
        if entry.scope == "project_query":
            params["project_id"] = project
        if entry.paged:
            params["per_page"] = 300
        fill = {"company_id": sb.company_id, "project_id": project}
        if entry.parent:  # every parent of the project (drawings: each drawing area)
            parent = registry()[entry.parent]
            above = requests.get(sb.url + parent.path.format(**fill), headers=headers, timeout=60)
            if above.status_code in (403, 404):
                continue
            for item in flat(parent, above.json())[:20]:
                path = entry.path.format(**fill, **{entry.parent_param: item[parent.key]})
                found += _get(sb.url + path, headers, params, entry)
            continue
        path = entry.path.format(**fill)
        found += _get(sb.url + path, headers, params, entry)
        if len(found) >= 50:
            break
    return found


def _get(
    path: str, headers: dict[str, str], params: dict[str, Any], entry: Resource
) -> list[dict[str, Any]]:
    """One answer's records ([] when the project's tool is off or the project is unknown):
    a grouped list's groups opened, a show's rows taken out of it."""
    answer = requests.get(path, headers=headers, params=params, timeout=60)
    if answer.status_code in (403, 404):
        return []
    answer.raise_for_status()
    if entry.show:
        level = [answer.json()]
        for key in entry.rows.split("."):
            level = [inner for holder in level for inner in holder[key]]
        return level
    return flat(entry, answer.json())


def test_the_table_covers_every_new_resource() -> None:
    """Every resource the reference's new sections add has a row in the field table."""
    assert set(FIELDS) <= set(registry())
    assert len(FIELDS) >= 27


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_fields_present_and_typed(client: procore_nb.Client, sb: Sandbox, name: str) -> None:
    """Each record has every listed field, each non-null value of the listed JSON type."""
    records = _records(sb, client, name)
    assert records, f"{name}: no records in any project"
    wanted = FIELDS[name]
    seen: set[str] = set()
    for record in records:
        missing = sorted(set(wanted) - set(record))
        assert not missing, f"{name} {record.get('id')}: missing {missing}"
        assert record["id"] is not None
        for field, kind in wanted.items():
            value = record[field]
            if value is None:
                continue
            seen.add(field)
            assert fits(value, kind), f"{name}.{field} = {value!r} is not {kind}"
    # A field that is null everywhere checks nothing; the core ones must carry values.
    assert {"id", *(f for f in ("created_at", "updated_at", "date") if f in wanted)} <= seen


@pytest.mark.parametrize(
    ("value", "kind", "ok"),
    [
        (1, "int", True),
        (True, "int", False),
        ("1250.00", "num", True),
        (1250.0, "num", False),
        ("2025-01-02", "date", True),
        ("2025-01-02T03:04:05Z", "date", False),
        ("2025-01-02T03:04:05Z", "datetime", True),
        ("open", "open|closed", True),
        ("Open", "open|closed", False),
    ],
)
def test_the_type_check_itself(value: Any, kind: str, ok: bool) -> None:
    """The checker tells a mistyped value from a good one."""
    assert fits(value, kind) is ok
