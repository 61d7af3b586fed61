"""Keyword filters are checked against the registry before anything is sent, then spelled right."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from procore_nb import Client, ConfigurationError
from procore_nb._registry import Filter, registry
from procore_nb.api._filters import build_query

#: A value of the wrong type (or outside the enum) for each filter type.
BAD: dict[str, Any] = {
    "int": "twelve",
    "int_list": ["x"],
    "str": 5,
    "str_list": [5],
    "bool": "yes",
    "enum": "nonsense",
    "enum_list": ["nonsense"],
    "date": "yesterday",
    "date_range": "2024-01-01",
    "datetime_range": ("junk", None),
}

CASES = [(name, spec.name) for name, entry in registry().items() for spec in entry.filters.values()]


@pytest.fixture(scope="module")
def offline() -> Client:
    """A client that has never signed in and points at a closed port: nothing can be sent."""
    return Client(api_url="http://127.0.0.1:9", client_id="app", company_id=8, cache="none")


def _call(client: Client, resource: str, **filters: Any) -> Any:
    entry = registry()[resource]
    projects = [1] if entry.project_scoped else None
    return client.frame(resource, projects=projects, **filters)


@pytest.mark.parametrize(("resource", "name"), CASES, ids=[f"{r}-{n}" for r, n in CASES])
def test_every_bad_filter_value_names_the_valid_filters(
    offline: Client, resource: str, name: str
) -> None:
    """A value of the wrong type raises ConfigurationError naming every valid filter."""
    spec: Filter = registry()[resource].filters[name]
    with pytest.raises(ConfigurationError, match=f"the {name} filter takes") as info:
        _call(offline, resource, **{name: BAD[spec.type]})
    for valid in registry()[resource].filters:
        assert valid in str(info.value)
    assert "Nothing was sent" in str(info.value)


@pytest.mark.parametrize("resource", sorted(registry()))
def test_unknown_filter_is_refused(offline: Client, resource: str) -> None:
    """A keyword the resource does not have raises before sending, naming the valid ones."""
    with pytest.raises(ConfigurationError, match=f"{resource} has no filter 'colour'"):
        _call(offline, resource, colour="red")


def test_unknown_filter_suggests_the_close_one(offline: Client) -> None:
    """A misspelt filter gets a suggestion."""
    with pytest.raises(ConfigurationError, match="Did you mean 'status'"):
        _call(offline, "rfis", statu="open")


def test_projects_refuses_unknown_keywords(offline: Client) -> None:
    """client.projects(state_code=...) no longer returns every project silently."""
    with pytest.raises(ConfigurationError, match="projects has no filter 'state_code'"):
        offline.projects(state_code="TX")


@pytest.mark.parametrize("limit", [0, -3, "5", 2.5, True])
def test_limit_must_be_a_row_count(offline: Client, limit: Any) -> None:
    """limit= is a positive number of rows on every call, refused otherwise."""
    with pytest.raises(ConfigurationError, match="limit must be a positive number of rows"):
        _call(offline, "rfis", limit=limit)
    with pytest.raises(ConfigurationError, match="limit must be a positive number of rows"):
        offline.projects(limit=limit)


def test_sort_and_view_are_checked(offline: Client) -> None:
    """sort and view take only the entry's fields and views; unsortable resources say so."""
    with pytest.raises(ConfigurationError, match="rfis sorts by one of number"):
        _call(offline, "rfis", sort="colour")
    with pytest.raises(ConfigurationError, match="cannot be sorted"):
        _call(offline, "trades", sort="name")
    with pytest.raises(ConfigurationError, match="its views are: normal, compact"):
        _call(offline, "project_users", view="huge")


def test_projects_argument_is_checked(offline: Client) -> None:
    """projects= is required for project resources and refused for company ones."""
    with pytest.raises(ConfigurationError, match="pass projects="):
        offline.frame("rfis")
    with pytest.raises(ConfigurationError, match="takes no projects="):
        offline.frame("vendors", projects=[1])
    for bad in ({"a": 1}, [1.5], ["x"], [True], 0):
        with pytest.raises(ConfigurationError, match="projects= takes"):
            offline.frame("rfis", projects=bad)


def test_keywords_need_a_registry_name(offline: Client) -> None:
    """Keyword filters on a raw path cannot be checked, so they are refused."""
    with pytest.raises(ConfigurationError, match="not a registry resource"):
        offline.frame("/rest/v1.0/projects/1/rfis", status="open")


def _query(resource: str, **keywords: Any) -> dict[str, Any]:
    return build_query(registry()[resource], keywords)


def test_lists_ranges_and_enums_are_spelled_as_the_registry_says() -> None:
    """Arrays, ranges, booleans, enum codes and sorts come out in Procore's spelling."""
    assert _query("vendors", id=[1, "2"]) == {"filters[id][]": ["1", "2"]}
    assert _query("rfis", id=[1, 2], location_id=3) == {
        "filters[id]": "1,2",
        "filters[location_id]": "3",
    }
    assert _query("observations", status=["closed", "initiated"]) == {
        "filters[status][]": ["3", "0"]
    }
    assert _query("rfis", status="OPEN") == {"filters[status]": "open"}
    assert _query("projects", synced=False) == {"filters[synced]": "false"}
    assert _query("rfis", search="door") == {"search": "door"}
    assert _query("rfis", sort="-due_date") == {
        "sort[attribute]": "due_date",
        "sort[direction]": "desc",
    }
    assert _query("projects", sort="-name", view="compact") == {
        "sort": "-name",
        "serializer_view": "compact",
    }
    assert _query("rfis", status=None) == {}
    assert _query("rfis", **{"filters[custom]": "x", "per_page": 5}) == {
        "filters[custom]": "x",
        "per_page": 5,
    }


def test_ranges() -> None:
    """Ranges take pairs of dates, datetimes (UTC) or text; an open end is a day past now."""
    start = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    got = _query("rfis", updated_at=(start, "2024-02-01T00:00:00+01:00"))
    assert got == {"filters[updated_at]": "2024-01-02T03:04:05Z...2024-01-31T23:00:00Z"}
    got = _query("rfis", created_at="2024-01-01...2024-02-01")
    assert got == {"filters[created_at]": "2024-01-01...2024-02-01"}
    got = _query("direct_costs", payment_date=(date(2024, 1, 1), None))
    tomorrow = date.today() + timedelta(days=1)
    assert got["filters[payment_date]"] == f"2024-01-01...{tomorrow.isoformat()}"
    open_end = _query("rfis", updated_at=("2024-01-01T00:00:00Z", None))["filters[updated_at]"]
    assert open_end.startswith("2024-01-01T00:00:00Z...20")
    with pytest.raises(ConfigurationError, match="start comes before its end"):
        _query("rfis", updated_at=("2024-02-01T00:00:00Z", "2024-01-01T00:00:00Z"))
    with pytest.raises(ConfigurationError, match="takes a \\(start, end\\) pair"):
        _query("rfis", updated_at=(None, "2024-01-01"))


def test_parent_id_and_errors_are_checked(offline: Client) -> None:
    """budget_view_id= must be an id, and errors= 'skip' or 'raise'."""
    with pytest.raises(ConfigurationError, match="budget_view_id= 'first' is not an id"):
        offline.frame("budget_detail_rows", projects=[1], budget_view_id="first")
    with pytest.raises(ConfigurationError, match="errors must be 'skip' or 'raise'"):
        offline.frame("rfis", projects=[1], errors="ignore")
