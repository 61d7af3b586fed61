"""Project filters, views and sort orders of v1.0 and v1.1."""

from __future__ import annotations

from typing import Any

import pytest
from sandbox_http import Get

from procore_nb.sandbox import Sandbox


def _all(admin: Get, sb: Sandbox, path: str = "/rest/v1.0/projects", **params: Any) -> list[Any]:
    response = admin(path, company_id=sb.company_id, per_page=1000, **params)
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()
    assert len(items) == int(response.headers["Total"])
    return items


def test_status_defaults_to_active(shared: Sandbox, admin: Get) -> None:
    """Without filters[by_status] only active projects come back; All is Active plus Inactive."""
    default = _all(admin, shared)
    inactive = _all(admin, shared, **{"filters[by_status]": "Inactive"})
    everything = _all(admin, shared, **{"filters[by_status]": "All"})
    assert all(p["active"] for p in default)
    assert not any(p["active"] for p in inactive)
    assert len(default) + len(inactive) == len(everything)
    assert _all(admin, shared, **{"filters[by_status]": "Active"}) == default


def test_name_filter_is_a_case_insensitive_substring(shared: Sandbox, admin: Get) -> None:
    """filters[name] matches any part of the name, ignoring case."""
    found = _all(admin, shared, **{"filters[name]": "SCHOOL"})
    assert found
    assert all("school" in p["name"].lower() for p in found)


def test_id_filter_takes_an_array(shared: Sandbox, admin: Get) -> None:
    """filters[id][]=a&filters[id][]=b returns exactly those projects."""
    wanted = [p["id"] for p in _all(admin, shared)[3:6]]
    found = _all(admin, shared, **{"filters[id][]": wanted})
    assert [p["id"] for p in found] == wanted
    bad = admin("/rest/v1.0/projects", company_id=shared.company_id, **{"filters[id][]": "x"})
    assert bad.status_code == 400


@pytest.mark.parametrize("field", ["created_at", "updated_at"])
def test_time_range_filters(shared: Sandbox, admin: Get, field: str) -> None:
    """filters[created_at]/[updated_at]=A...B keep projects whose time is within the range."""
    low, high = "2019-01-01T00:00:00Z", "2020-12-31T23:59:59Z"
    found = _all(admin, shared, **{f"filters[{field}]": f"{low}...{high}"})
    assert found
    assert all(low <= p[field] <= high for p in found)
    everything = _all(admin, shared)
    assert len(found) == sum(low <= p[field] <= high for p in everything)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("filters[created_at]", "2020-01-01"),
        ("filters[created_at]", "yesterday...today"),
        ("filters[updated_at]", "2021-01-01...2020-01-01"),
        ("filters[by_status]", "Sleeping"),
        ("sort", "colour"),
    ],
)
def test_bad_filter_values_are_422(shared: Sandbox, admin: Get, name: str, value: str) -> None:
    """Unreadable ranges, unknown statuses and unknown sort fields answer 422 naming the field."""
    response = admin("/rest/v1.0/projects", company_id=shared.company_id, **{name: value})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [name]


def test_origin_id_filter(shared: Sandbox, admin: Get) -> None:
    """filters[origin_id] matches exactly."""
    origin = next(p["origin_id"] for p in _all(admin, shared) if p["origin_id"])
    found = _all(admin, shared, **{"filters[origin_id]": origin})
    assert [p["origin_id"] for p in found] == [origin]


def test_stage_filter_on_v11(shared: Sandbox, admin: Get) -> None:
    """filters[by_stage][] on v1.1 keeps projects in the given stage ids."""
    stages = admin(f"/rest/v1.0/companies/{shared.company_id}/project_stages").json()
    wanted = {s["id"] for s in stages if s["name"] in ("Bidding", "Warranty")}
    found = _all(admin, shared, "/rest/v1.1/projects", **{"filters[by_stage][]": sorted(wanted)})
    assert found
    assert {p["project_stage"]["id"] for p in found} == wanted


def test_compact_views(shared: Sandbox, admin: Get) -> None:
    """serializer_view=compact (v1.0) and view=compact (v1.1) return id, name, display_name."""
    few = {"filters[by_status]": "Inactive"}  # under v1.1's 300 per page
    v10 = _all(admin, shared, serializer_view="compact", **few)
    v11 = _all(admin, shared, "/rest/v1.1/projects", view="compact", **few)
    assert set(v10[0]) == set(v11[0]) == {"id", "name", "display_name"}
    assert v10 == v11


def test_v11_views_normal_and_extended(shared: Sandbox, admin: Get) -> None:
    """view=normal matches v1.0's list item; extended adds detail fields; others are 422."""
    few = {"filters[by_status]": "Inactive"}  # under v1.1's 300 per page
    normal = _all(admin, shared, "/rest/v1.1/projects", **few)
    extended = _all(admin, shared, "/rest/v1.1/projects", view="extended", **few)
    assert normal == _all(admin, shared, **few)
    assert extended[0].items() >= normal[0].items()
    assert "square_feet" in extended[0]
    bad = admin("/rest/v1.1/projects", company_id=shared.company_id, view="huge")
    assert bad.status_code == 422


def test_sort_ascending_and_descending_with_nulls_last(shared: Sandbox, admin: Get) -> None:
    """sort=name sorts ascending; sort=-total_value descending with nulls at the end."""
    names = [p["name"] for p in _all(admin, shared, sort="name")]
    assert names == sorted(names)
    values = [p["total_value"] for p in _all(admin, shared, sort="-total_value")]
    present = [float(v) for v in values if v is not None]
    assert present == sorted(present, reverse=True)
    assert values[len(present) :] == [None] * (len(values) - len(present))
    assert len(present) < len(values)


def test_default_order_is_by_id(shared: Sandbox, admin: Get) -> None:
    """Without sort, projects come in ascending id order."""
    ids = [p["id"] for p in _all(admin, shared, **{"filters[by_status]": "All"})]
    assert ids == sorted(ids)
