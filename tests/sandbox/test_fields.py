"""Every registry resource answers with the fields, JSON types and enums Procore's reference lists.

The expected fields are ``reference_shapes.REFERENCE`` (written by hand from the reference);
the answers are real sandbox answers over HTTP, from a few projects well into construction.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
from reference_shapes import (
    BUDGET_DETAIL_COLUMNS,
    PUNCH_ITEMS_V10,
    REFERENCE,
    SUBMITTALS,
    SUBMITTALS_V10,
    USERS,
    USERS_EXTENDED,
    Spec,
)
from sandbox_http import Get

from procore_nb._registry import Resource, registry
from procore_nb.sandbox import Sandbox

Record = dict[str, Any]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WIDE = {"start_date": "2000-01-01", "end_date": "2100-12-31"}  # daily logs: every day


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_decimal(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        Decimal(value)
    except InvalidOperation:
        return False
    return True


def _is_datetime(value: Any) -> bool:
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return moment.tzinfo is not None


_TYPES = {
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "str": lambda v: isinstance(v, str),
    "bool": lambda v: isinstance(v, bool),
    "float": _is_number,
    "num": _is_decimal,
    "num|float": lambda v: _is_decimal(v) or _is_number(v),
    "date": lambda v: isinstance(v, str) and bool(_DATE.match(v)),
    "datetime": _is_datetime,
    "obj": lambda v: isinstance(v, dict),
    "list": lambda v: isinstance(v, list),
    "any": lambda v: True,
}


def problems(value: Any, spec: Spec, where: str) -> list[str]:  # noqa: PLR0911 - one per spec kind
    """What in ``value`` departs from ``spec`` (empty when it conforms); null always conforms."""
    if value is None:
        return []
    if isinstance(spec, str):
        return [] if _TYPES[spec](value) else [f"{where}: {value!r} is not {spec}"]
    if isinstance(spec, frozenset):
        return [] if value in spec else [f"{where}: {value!r} not in {sorted(spec)}"]
    if isinstance(spec, list):
        if not isinstance(value, list):
            return [f"{where}: {value!r} is not a list"]
        return [p for i, item in enumerate(value) for p in problems(item, spec[0], f"{where}[{i}]")]
    if not isinstance(value, dict):
        return [f"{where}: {value!r} is not an object"]
    found = [f"{where}.{name}: missing" for name in spec if name not in value]
    if "id" in spec and "id" in value and value["id"] is None:
        found.append(f"{where}.id: null")
    for name, inner in spec.items():
        if name in value:
            found += problems(value[name], inner, f"{where}.{name}")
    return found


def check(records: list[Record], spec: dict[str, Spec], name: str) -> None:
    """Every record has every field of ``spec`` with its type (a short report otherwise)."""
    assert records, f"{name}: no records to check"
    found: dict[str, str] = {}
    for record in records:
        for problem in problems(record, spec, name):
            found.setdefault(re.sub(r"\[\d+\]", "[]", problem.split(":")[0]), problem)
    assert not found, "\n".join(sorted(found.values())[:40])


# --- the answers ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def projects(shared: Sandbox, admin: Get) -> list[int]:
    """Projects under way and done, with a value: every resource has records, open and closed."""
    answer = admin(
        "/rest/v1.0/projects",
        company_id=shared.company_id,
        per_page=400,
        **{"filters[by_status]": "All"},
    )
    valued = [p for p in answer.json() if p["total_value"]]
    building = [p["id"] for p in valued if p["stage"] == "Course of Construction"]
    done = [p["id"] for p in valued if p["stage"] in ("Completed", "Post-Construction")]
    # under way first (open items), then done ones (closed items)
    return [i for pair in zip(building[:4], done[:4], strict=True) for i in pair]


def listed(get: Get, sb: Sandbox, entry: Resource, project: int | None, path: str = "") -> Any:
    """One answer of ``entry`` (at ``path``, default its own) with every record on one page."""
    fill: dict[str, Any] = {"company_id": sb.company_id, "project_id": project}
    params: dict[str, Any] = {}
    if entry.scope == "company_query":
        params["company_id"] = sb.company_id
    if entry.scope == "project_query" or entry.parent:
        params["project_id"] = project
    if "log_date" in entry.filters:
        params |= _WIDE
    if entry.paged:
        params["per_page"] = entry.max_per_page
    if entry.parent:
        parent = registry()[entry.parent]
        views = get(parent.path.format(**fill), project_id=project).json()
        if not views:
            return []
        fill[entry.parent_param] = views[0]["id"]
    answer = get((path or entry.path).format(**fill), **params)
    if answer.status_code == 403:  # the project has this tool switched off
        return []
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return body["data"] if entry.envelope else body


def records_of(get: Get, sb: Sandbox, entry: Resource, projects: list[int]) -> list[Record]:
    """The records of ``entry`` in the company, or in the first few projects that have some."""
    if not entry.project_scoped:
        return list(listed(get, sb, entry, None))
    found: list[Record] = []
    with_records = 0
    for project in projects:
        page = listed(get, sb, entry, project)
        found += page
        with_records += bool(page)
        if with_records == 4:
            break
    return found


def test_every_table_names_a_registry_resource() -> None:
    """Each table of the reference names a registry resource (a renamed one is not skipped)."""
    assert set(REFERENCE) <= set(registry()), sorted(set(REFERENCE) - set(registry()))


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_fields_types_and_enums(
    shared: Sandbox, admin: Get, projects: list[int], name: str
) -> None:
    """Every field the reference lists is present, of its JSON type and enum, on every record."""
    entry = registry()[name]
    check(records_of(admin, shared, entry, projects), REFERENCE[name], name)


# --- views and alternate paths ----------------------------------------------------------------


def test_company_users_extended_view(shared: Sandbox, admin: Get) -> None:
    """v1.3 view=extended adds role and verified_employee; the normal view is the plain shape."""
    path = f"/rest/v1.3/companies/{shared.company_id}/users"
    normal = admin(path, per_page=50).json()
    extended = admin(path, per_page=50, view="extended").json()
    check(extended, USERS_EXTENDED, "company_users?view=extended")
    assert [u["id"] for u in extended] == [u["id"] for u in normal]
    assert "role" not in normal[0]
    assert {u["permission_template"]["type"] for u in normal} >= {"global"}


def test_project_vendor_views(shared: Sandbox, admin: Get, projects: list[int]) -> None:
    """Project vendors' normal view leaves out the directory details that extended adds back."""
    path = f"/rest/v1.1/projects/{projects[0]}/vendors"
    normal = admin(path).json()
    extended = admin(path, view="extended").json()
    check(normal, REFERENCE["project_vendors"], "project_vendors")
    assert not {"legal_name", "trades", "bidding", "contact_count"} & set(normal[0])
    assert {"legal_name", "trades", "bidding", "parent"} <= set(extended[0])
    assert not {"contact_count", "standard_cost_codes"} & set(extended[0])
    assert [v["id"] for v in normal] == [v["id"] for v in extended]
    traded = admin(path, **{"filters[trade_id][]": extended[0]["trades"][0]["id"]}).json()
    assert [v["id"] for v in traded] == [extended[0]["id"]]


@pytest.mark.parametrize("version", ["v1.0", "v1.1"])
def test_older_company_users_paths(shared: Sandbox, admin: Get, version: str) -> None:
    """v1.0 and v1.1 company users answer the same people in the section 4 shape."""
    path = f"/rest/{version}/companies/{shared.company_id}/users"
    answer = admin(path, per_page=100)
    assert answer.status_code == 200, answer.text
    newest = admin(f"/rest/v1.3/companies/{shared.company_id}/users", per_page=100).json()
    check(answer.json(), USERS, path)
    assert [u["id"] for u in answer.json()] == [u["id"] for u in newest]
    assert "role" not in answer.json()[0]
    assert admin(path, view="extended").json()[0].keys() == answer.json()[0].keys()


def test_v10_punch_items(shared: Sandbox, admin: Get, projects: list[int]) -> None:
    """/rest/v1.0/punch_items answers the v1.1 items plus their coordinates, same filters."""
    entry = registry()["punch_items"]
    project = projects[0]
    newer = listed(admin, shared, entry, project)
    older = listed(admin, shared, entry, project, "/rest/v1.0/punch_items")
    check(older, PUNCH_ITEMS_V10, "v1.0 punch_items")
    assert [r["id"] for r in older] == [r["id"] for r in newer]
    closed = admin("/rest/v1.0/punch_items", project_id=project, **{"filters[status]": "closed"})
    assert {r["status"] for r in closed.json()} == {"Closed"}


def test_v10_submittals(shared: Sandbox, admin: Get, projects: list[int]) -> None:
    """/rest/v1.0/projects/{id}/submittals answers the same submittals in v1.0's own shape."""
    entry = registry()["submittals"]
    project = projects[0]
    newer = listed(admin, shared, entry, project)
    older = listed(admin, shared, entry, project, "/rest/v1.0/projects/{project_id}/submittals")
    check(older, SUBMITTALS_V10, "v1.0 submittals")
    check(newer, SUBMITTALS, "v1.1 submittals")
    assert [r["id"] for r in older] == [r["id"] for r in newer]


def test_v10_direct_costs(shared: Sandbox, admin: Get, projects: list[int]) -> None:
    """/rest/v1.0/projects/{id}/direct_costs answers the same items as v1.1."""
    entry = registry()["direct_costs"]
    project = projects[0]
    newer = listed(admin, shared, entry, project)
    older = listed(admin, shared, entry, project, "/rest/v1.0/projects/{project_id}/direct_costs")
    check(older, REFERENCE["direct_costs"], "v1.0 direct_costs")
    assert older == newer


def test_budget_detail_columns_and_details(
    shared: Sandbox, admin: Get, projects: list[int]
) -> None:
    """A budget view's columns (not paged) and its budget details answer their documented shapes."""
    project = projects[0]
    view = admin("/rest/v1.0/budget_views", project_id=project).json()[0]["id"]
    columns = admin(f"/rest/v1.0/budget_views/{view}/budget_detail_columns", project_id=project)
    assert columns.status_code == 200, columns.text
    check(columns.json(), BUDGET_DETAIL_COLUMNS, "budget_detail_columns")
    assert {c["type"] for c in columns.json()} == {"standard", "source"}
    rows = admin(f"/rest/v1.0/budget_views/{view}/detail_rows", project_id=project, per_page=2000)
    details = admin(f"/rest/v1.0/budget_views/{view}/budget_details", project_id=project)
    assert details.status_code == 200, details.text
    shape = {"id": "str", "description": "str", "item": "str", "link": "str"} | {
        name: {"id": "int", "name": "str"}
        for name in ("biller", "cost_code", "root_cost_code", "cost_type", "vendor", "contract")
    }
    check(details.json(), shape | {"detail_type": {"id": "str", "name": "str"}}, "budget_details")
    coded = {r["cost_code_id"] for r in rows.json()}
    assert {d["cost_code"]["id"] for d in details.json()} <= coded
    wrong = admin("/rest/v1.0/budget_views/1/budget_detail_columns", project_id=project)
    assert wrong.status_code == 404


def test_company_people(shared: Sandbox, admin: Get) -> None:
    """/rest/v1.0/companies/{id}/people lists the directory's people, paged and filterable."""
    path = f"/rest/v1.0/companies/{shared.company_id}/people"
    answer = admin(path, per_page=2000)
    assert answer.status_code == 200, answer.text
    shape = {"id": "int", "user_id": "int", "work_classification_id": "int", "is_employee": "bool"}
    shape |= {k: "str" for k in ("first_name", "last_name", "employee_id", "origin_id")}
    shape |= {"contact": {"is_active": "bool", "email": "str"}}
    check(answer.json(), shape, "people")
    users = admin(f"/rest/v1.3/companies/{shared.company_id}/users", per_page=2000).json()
    assert len(answer.json()) == len(users)
    employees = admin(path, per_page=2000, **{"filters[is_employee]": "true"}).json()
    assert employees
    assert all(p["is_employee"] for p in employees)
    assert len(employees) < len(answer.json())


@pytest.mark.parametrize("param", ["filters[status]", "filters[status][]"])
def test_observation_status_filter_spellings(shared: Sandbox, admin: Get, param: str) -> None:
    """filters[status]=0 (as generated clients send it) filters like filters[status][]=0."""
    path = "/rest/v1.0/observations/items"
    listed = admin("/rest/v1.0/projects", company_id=shared.company_id, per_page=400).json()
    building = [p["id"] for p in listed if p["stage"] == "Course of Construction"]
    for project in building:
        everything = admin(path, project_id=project, per_page=2000)
        if len({o["status"] for o in everything.json()}) > 2:
            break
    else:
        pytest.fail("no project with observations in several statuses")
    for code, status in enumerate(("initiated", "ready_for_review", "not_accepted", "closed")):
        found = admin(path, project_id=project, per_page=2000, **{param: code})
        assert found.status_code == 200, found.text
        assert {o["status"] for o in found.json()} <= {status}
        assert len(found.json()) == sum(o["status"] == status for o in everything.json())
    both = admin(path, project_id=project, **{param: "0,3"})
    assert {o["status"] for o in both.json()} <= {"initiated", "closed"}


def test_observation_status_bogus_is_400(shared: Sandbox, admin: Get, projects: list[int]) -> None:
    """An unknown status code answers 400 naming the parameter, never every record."""
    found = admin(
        "/rest/v1.0/observations/items", project_id=projects[0], **{"filters[status]": "bogus"}
    )
    assert found.status_code == 400
    assert "filters[status][]" in found.json()["errors"]
