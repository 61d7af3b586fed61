"""Registry resources in the sandbox: routes, scopes, paging, filters, views and permissions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import requests
from sandbox_http import Get, getter, opened, sign_in

from procore_nb._registry import parse, registry
from procore_nb.sandbox import Sandbox
from procore_nb.sandbox._resources import source


def _project(admin: Get, sb: Sandbox, stage: str = "Course of Construction") -> dict[str, Any]:
    params = {"company_id": sb.company_id, "per_page": 1000}
    projects = admin("/rest/v1.0/projects", **params).json()
    disabled = {d["project_id"] for d in sb.disabled_tools()}
    found = (p for p in projects if p["stage"] == stage and p["start_date"])
    return next(p for p in found if p["id"] not in disabled)


def _path(entry: Any, sb: Sandbox, project_id: int, admin: Get) -> str:
    fill = {"company_id": sb.company_id, "project_id": project_id}
    if entry.parent:  # the first of the project's parents (a budget view, a drawing area)
        parent = registry()[entry.parent]
        first = opened(parent, admin(parent.path.format(**fill), project_id=project_id).json())[0]
        fill[entry.parent_param] = first[parent.key]
    return str(entry.path.format(**fill))


def _all(admin: Get, path: str, **params: Any) -> list[dict[str, Any]]:
    response = admin(path, per_page=2000, **params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()
    assert len(items) == int(response.headers["Total"])
    return items


@pytest.mark.parametrize("name", sorted(registry()))
def test_every_registry_resource_answers(shared: Sandbox, admin: Get, name: str) -> None:
    """Each resource answers 200 at its registry path with Total and unique ids."""
    entry = registry()[name]
    project = _project(admin, shared)
    path = _path(entry, shared, project["id"], admin)
    params: dict[str, Any] = {"company_id": shared.company_id, "project_id": project["id"]}
    if "log_date" in entry.filters:
        params |= {"start_date": "2016-01-01", "end_date": "2026-12-31"}
    response = admin(path, company=entry.scope != "none", **params)
    assert response.status_code == 200, response.text
    items = opened(entry, response.json())
    assert entry.show or int(response.headers["Total"]) >= len(items)  # a show has no Total
    ids = [item[entry.key] for item in items]
    assert len(ids) == len(set(ids))


def test_project_scope_rules(shared: Sandbox, admin: Get) -> None:
    """A missing project_id is 400, an unknown project 404, no company header 404."""
    project = _project(admin, shared)
    assert admin("/rest/v1.0/prime_contracts").status_code == 400
    assert admin("/rest/v1.0/projects/1/rfis").status_code == 404
    response = admin(f"/rest/v1.0/projects/{project['id']}/rfis", company=False)
    assert response.status_code == 404


def test_rfis_filters_sort_and_ranges(shared: Sandbox, admin: Get) -> None:
    """Status, int list, search, updated_at range and sort[attribute] narrow and order RFIs."""
    path = f"/rest/v1.0/projects/{_project(admin, shared)['id']}/rfis"
    rfis = _all(admin, path)
    assert {r["status"] for r in rfis} >= {"open", "closed"}
    open_ = _all(admin, path, **{"filters[status]": "open"})
    assert open_
    assert all(r["status"] == "open" for r in open_)
    wanted = [rfis[0]["location"]["id"]]
    by_place = _all(admin, path, **{"filters[location_id]": wanted})
    assert by_place
    assert all(r["location"]["id"] in wanted for r in by_place)
    low, high = "2000-01-01T00:00:00Z", rfis[len(rfis) // 2]["updated_at"]
    ranged = _all(admin, path, **{"filters[updated_at]": f"{low}...{high}"})
    assert len(ranged) == sum(r["updated_at"] <= high for r in rfis)
    subjects = [r["subject"] for r in _all(admin, path, **{"sort[attribute]": "subject"})]
    assert subjects == sorted(subjects)
    due = _all(admin, path, **{"sort[attribute]": "due_date", "sort[direction]": "desc"})
    assert [r["due_date"] for r in due] == sorted((r["due_date"] for r in due), reverse=True)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("filters[updated_at]", "2024-01-01"),
        ("filters[updated_at]", "yesterday...today"),
        ("filters[updated_at]", "2024-02-01...2024-01-01"),
        ("filters[status]", "sleeping"),
        ("filters[location_id]", "x"),
        ("sort[attribute]", "colour"),
    ],
)
def test_malformed_filters_are_400(shared: Sandbox, admin: Get, name: str, value: str) -> None:
    """A malformed range, enum, id or sort answers 400 naming the parameter and the form."""
    path = f"/rest/v1.0/projects/{_project(admin, shared)['id']}/rfis"
    response = admin(path, **{name: value})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [name]
    if "updated_at" in name and "..." not in value:
        assert "START...END" in errors[name][0]


def test_enum_codes_bool_and_date_ranges(shared: Sandbox, admin: Get) -> None:
    """Observation status codes, a bool filter and a date range filter keep what they say."""
    project = _project(admin, shared)
    items = _all(admin, "/rest/v1.0/observations/items", project_id=project["id"])
    closed = _all(
        admin,
        "/rest/v1.0/observations/items",
        project_id=project["id"],
        **{"filters[status][]": "3"},
    )
    assert closed
    assert len(closed) == sum(o["status"] == "closed" for o in items)
    users = f"/rest/v1.0/projects/{project['id']}/users"
    employees = _all(admin, users, **{"filters[employee]": "true"})
    assert employees
    assert all(u["is_employee"] for u in employees)
    costs = f"/rest/v1.1/projects/{project['id']}/direct_costs"
    every = _all(admin, costs)
    middle = sorted(c["received_date"] for c in every)[len(every) // 2]
    dated = _all(admin, costs, **{"filters[received_date]": f"2016-01-01...{middle}"})
    assert dated
    assert all(c["received_date"] <= middle for c in dated)
    assert len(dated) < len(every)


def test_views_and_per_page_up_to_2000(shared: Sandbox, admin: Get) -> None:
    """A compact view trims fields, an unknown view is 400, per_page goes to 2,000."""
    project = _project(admin, shared)
    compact = _all(admin, f"/rest/v1.0/projects/{project['id']}/users", view="compact")
    assert set(compact[0]) == {"id", "name", "first_name", "last_name", "initials", "vendor"}
    bad = admin(f"/rest/v1.0/projects/{project['id']}/users", view="huge")
    assert bad.status_code == 400
    big = admin(f"/rest/v1.3/companies/{shared.company_id}/users", per_page=5000)
    assert big.headers["Per-Page"] == "2000"


def test_daily_logs_default_to_today_and_take_a_range(shared: Sandbox, admin: Get) -> None:
    """Manpower logs without dates are today's (none), with a range every day's approved ones."""
    project = _project(admin, shared)
    path = f"/rest/v1.0/projects/{project['id']}/manpower_logs"
    assert admin(path).json() == []
    start = dt.date.fromisoformat(project["start_date"])
    span = {"start_date": str(start), "end_date": str(start + dt.timedelta(days=90))}
    logs = _all(admin, path, **span)
    assert logs
    assert all(log["status"] == "approved" for log in logs)
    both = _all(admin, path, **span, **{"filters[status]": "all"})
    assert len(both) >= len(logs)
    assert admin(path, start_date="2020-01-01").status_code == 400


def test_disabled_tool_is_403_for_everyone(shared: Sandbox, admin: Get) -> None:
    """On a project with a disabled tool, that tool's resources answer 403 in Procore's shape."""
    disabled = shared.disabled_tools()
    assert len(disabled) >= 3
    first = disabled[0]
    entry = registry()[first["resources"][0]]
    path = _path(entry, shared, first["project_id"], admin)
    response = admin(path, project_id=first["project_id"])
    assert response.status_code == 403
    assert isinstance(response.json()["errors"], list)


def test_set_tool_switches_a_tool_off_and_on(sb: Sandbox) -> None:
    """set_tool(enabled=False) makes RFIs 403; enabling it again makes them 200."""
    admin = getter(sb, sign_in(sb)["access_token"])
    project = _project(admin, sb)
    path = f"/rest/v1.0/projects/{project['id']}/rfis"
    sb.set_tool(project["id"], "rfi", enabled=False)
    assert admin(path).status_code == 403
    sb.set_tool(project["id"], "rfi", enabled=True)
    assert admin(path).status_code == 200


def test_non_admin_sees_only_their_projects(shared: Sandbox, admin: Get) -> None:
    """Pat Foreman gets 403 on another project's RFIs and sees only her company projects."""
    token = sign_in(shared, login=shared.other_login, password=shared.other_password)
    other = getter(shared, token["access_token"])
    listed = f"/rest/v1.0/companies/{shared.company_id}/projects"
    everyone = {p["id"] for p in admin(listed).json()}
    theirs = {p["id"] for p in other(listed).json()}
    assert theirs < everyone
    stranger = min(everyone - theirs)
    assert other(f"/rest/v1.0/projects/{stranger}/rfis").status_code == 403
    mine = min(theirs)
    assert other(f"/rest/v1.0/projects/{mine}/users").status_code in (200, 403)


def test_company_projects_shape(shared: Sandbox, admin: Get) -> None:
    """/companies/{id}/projects has its own shape: stage_name, status_name, address{...}."""
    items = admin(f"/rest/v1.0/companies/{shared.company_id}/projects").json()
    keys = {"id", "name", "stage_name", "status_name", "type_name", "address", "open_items"}
    assert set(items[0]) == keys | {"created_by"}
    assert set(items[0]["address"]) == {"street", "city", "state_code", "zip", "country_code"}


def test_mutate_changes_what_incremental_filters_return(sb: Sandbox) -> None:
    """After mutate, updated_at from the old clock finds exactly the changes; deleted vanish."""
    admin = getter(sb, sign_in(sb)["access_token"])
    project = _project(admin, sb)
    path = "/rest/v1.0/work_order_contracts"
    before = _all(admin, path, project_id=project["id"])
    done = sb.mutate("work_order_contracts", project_id=project["id"], create=1, update=2, delete=1)
    assert done["now"] > max(c["updated_at"] for c in before)
    window = {"filters[updated_at]": f"{done['now']}...{done['now']}"}
    changed = _all(admin, path, project_id=project["id"], **window)
    assert {c["id"] for c in changed} == set(done["created"]) | set(done["updated"])
    after = _all(admin, path, project_id=project["id"])
    assert len(after) == len(before)  # one created, one deleted
    assert done["deleted"][0] not in {c["id"] for c in after}
    only = _all(admin, path, project_id=project["id"], **{"filters[include_deleted]": "only"})
    assert [c["id"] for c in only] == done["deleted"]
    assert only[0]["deleted_at"] == done["now"]
    both = _all(admin, path, project_id=project["id"], **{"filters[include_deleted]": "with"})
    assert len(both) == len(after) + 1


def test_mutate_creates_new_rfis_that_incremental_pulls_find(sb: Sandbox) -> None:
    """New RFIs are open or draft, numbered next, created now, and found by updated_at."""
    admin = getter(sb, sign_in(sb)["access_token"])
    path = f"/rest/v1.0/projects/{_project(admin, sb)['id']}/rfis"
    before = _all(admin, path)
    last = before[-1]["updated_at"]
    done = sb.mutate("rfis", project_id=_project(admin, sb)["id"], create=3, update=1, advance=600)
    since = _all(admin, path, **{"filters[updated_at]": f"{last}...{done['now']}"})
    assert {r["id"] for r in since} >= set(done["created"]) | set(done["updated"])
    new = [r for r in since if r["id"] in done["created"]]
    assert [int(r["number"]) for r in new] == [len(before) + n for n in (1, 2, 3)]
    assert all(r["status"] in ("open", "draft") and r["created_at"] == done["now"] for r in new)
    assert len(_all(admin, path)) == len(before) + 3


def test_mutate_refuses_bad_requests(sb: Sandbox) -> None:
    """An unknown resource, a missing project or a negative count answer 400 saying so."""
    for body in (
        {"resource": "nothing"},
        {"resource": "rfis"},
        {"resource": "rfis", "project_id": 1},
        {"resource": "rfis", "project_id": 5_000_000_002, "update": -1},
    ):
        response = requests.post(f"{sb.url}/_sandbox/mutate", json=body, timeout=10)
        assert response.status_code == 400
        assert response.json()["errors"]


def test_v2_answers_an_envelope_with_string_ids(shared: Sandbox, admin: Get) -> None:
    """v2.0 submittals: {"data": [...]}, flat string ids, 10 a page and 100 at most."""
    project = _project(admin, shared)
    path = f"/rest/v2.0/companies/{shared.company_id}/projects/{project['id']}/submittals"
    response = admin(path)
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["data"]
    assert len(body["data"]) == 10
    item = body["data"][0]
    assert isinstance(item["id"], str)
    assert isinstance(item["status_id"], str)
    assert isinstance(item["specification_section_id"], str)
    assert "status" not in item
    assert response.headers["Per-Page"] == "10"
    assert admin(path, per_page=500).headers["Per-Page"] == "100"
    v11 = admin(f"/rest/v1.1/projects/{project['id']}/submittals", per_page=10).json()
    assert [int(i["id"]) for i in body["data"]] == [i["id"] for i in v11]
    other = admin("/rest/v1.0/companies", company=False).json()[1]["id"]
    elsewhere = f"/rest/v2.0/companies/{other}/projects/{project['id']}/submittals"
    assert admin(elsewhere).status_code == 404


def test_another_version_of_a_resource_uses_its_generator() -> None:
    """An entry without a generator of its own is served by the one its path ends with."""
    entry = parse(_NEXT)["submittals_next"]
    assert source(entry) == "submittals"


_NEXT = """
[submittals_next]
title = "Submittals (a later version)"
path = "/rest/v9.0/companies/{company_id}/projects/{project_id}/submittals"
scope = "project_path"
paged = true
max_per_page = 100
default_per_page = 10

[submittals_next.columns]
id = "id"
"""


def test_string_list_and_code_filters(shared: Sandbox, admin: Get) -> None:
    """search (str), division and type (str lists) and an int status code keep their matches."""
    project = _project(admin, shared)
    rfis = f"/rest/v1.0/projects/{project['id']}/rfis"
    word = _all(admin, rfis)[0]["subject"].split()[0]
    found = _all(admin, rfis, search=word.upper())
    assert found
    assert all(word.lower() in r["subject"].lower() for r in found)
    submittals = f"/rest/v1.1/projects/{project['id']}/submittals"
    everything = _all(admin, submittals)
    concrete = _all(admin, submittals, **{"filters[division]": "03,05"})
    assert concrete
    assert len(concrete) == sum(
        s["specification_section"]["number"][:2] in ("03", "05") for s in everything
    )
    samples = _all(admin, submittals, **{"filters[type]": "Sample"})
    assert {s["type"]["name"] for s in samples} == {"Sample"}
    checklists = f"/rest/v1.0/projects/{project['id']}/checklist/lists"
    closed = _all(admin, checklists, **{"filters[status]": "2"})
    assert closed
    assert {c["status"] for c in closed} == {"Closed"}


def test_documented_project_fields(shared: Sandbox, admin: Get) -> None:
    """Money as strings, custom_fields with data_type, show and extended with their fields."""
    projects = _all(admin, "/rest/v1.0/projects", company_id=shared.company_id)
    valued = next(p for p in projects if p["total_value"])
    assert isinstance(valued["total_value"], str)
    assert float(valued["total_value"]) > 0
    custom = [p["custom_fields"] for p in projects if p["custom_fields"]]
    assert custom
    assert all(v["data_type"] for fields in custom for v in fields.values())
    shown = admin(f"/rest/v1.0/projects/{valued['id']}", company_id=shared.company_id).json()
    for field in ("estimated_start_date", "tz_name", "project_stage_id", "inbound_email", "flag"):
        assert field in shown, field
    assert shown["project_stage_id"] == valued["project_stage"]["id"]
    assert "address" in shown["office"]
    extended = admin(
        "/rest/v1.1/projects",
        company_id=shared.company_id,
        view="extended",
        **{"filters[id][]": valued["id"]},
    ).json()
    assert extended[0].items() >= {k: shown[k] for k in ("tz_name", "project_type")}.items()
