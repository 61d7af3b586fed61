"""Bad input in requests: companies, paths, page sizes, filters, limits, settings.

Each test names one row of docs/bad-input.md. Misuse is refused before anything is sent,
which the sandbox's request counters prove; what only Procore can judge gets Procore's
answer as the right error class.
"""

from __future__ import annotations

from typing import Any

import pytest
from leaks import Watch
from sandboxed import MakeClient

from procore_nb import (
    Client,
    ClientConfig,
    CompanyRequiredError,
    ConfigurationError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
)
from procore_nb.sandbox import Sandbox


def _sent(sb: Sandbox) -> int:
    return int(sb.counters()["requests"])


def test_company_that_does_not_exist(client: Client, watch: Watch) -> None:
    """An id no company has is 403 from Procore: PermissionDeniedError with the next step."""
    with watch.raises(PermissionDeniedError, match="App is not connected") as info:
        client.projects(company_id=999_999)
    assert info.value.status == 403
    assert "company admin" in str(info.value)


@pytest.mark.parametrize(
    "company",
    ["acme", "12x", 1.5, True, -3, 0, ""],
    ids=["word", "digits-and-text", "fraction", "bool", "negative", "zero", "empty"],
)
def test_company_id_not_a_number(
    client: Client, fresh: Sandbox, watch: Watch, company: object
) -> None:
    """A company id that is not a positive whole number is refused before sending."""
    fresh.reset_counters()
    with watch.raises(ConfigurationError, match="company_id must be a positive integer"):
        client.projects(company_id=company)  # type: ignore[arg-type]
    with watch.raises(ConfigurationError, match="company_id must be a positive integer"):
        client.company_id = company  # type: ignore[assignment]
    assert _sent(fresh) == 0


def test_company_id_picked_from_a_dataframe(client: Client, fresh: Sandbox, watch: Watch) -> None:
    """A company id taken from companies() (a numpy or pandas integer) is accepted."""
    ids = client.companies()["id"]
    client.company_id = ids[ids == fresh.company_id].iloc[0]
    assert client.company_id == fresh.company_id
    assert len(client.projects(company_id=ids.to_numpy()[0])) > 0
    del watch


def test_company_the_user_may_not_see(
    make_client: MakeClient, fresh: Sandbox, watch: Watch
) -> None:
    """A real company the signed-in user does not belong to is PermissionDeniedError."""
    admin = make_client()
    other = set(admin.companies()["id"]) - {fresh.company_id}
    assert other  # the admin sees more companies than the main one
    pat = make_client(signed_in=False)
    pat.exchange_code(fresh.authorize(login=fresh.other_login, password=fresh.other_password))
    company = min(other)
    assert company not in set(pat.companies()["id"])
    with watch.raises(PermissionDeniedError, match="App is not connected"):
        pat.projects(company_id=company)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.projects(),
        lambda c: c.project_stages(),
        lambda c: c.frame("/rest/v1.1/projects"),
        lambda c: c.get("projects/5000000001"),
    ],
    ids=["projects", "project_stages", "frame", "get"],
)
def test_missing_company(make_client: MakeClient, fresh: Sandbox, watch: Watch, call: Any) -> None:
    """No company where the endpoint needs one: CompanyRequiredError, nothing sent."""
    client = make_client()
    fresh.reset_counters()
    with watch.raises(CompanyRequiredError, match="company_id=") as info:
        call(client)
    assert "PROCORE_COMPANY_ID" in str(info.value)
    assert _sent(fresh) == 0


@pytest.mark.parametrize("path", ["/rest/v1.0/nonsense", "nonsense", "/rest/v9.9/projects"])
def test_unknown_path(client: Client, watch: Watch, path: str) -> None:
    """A path Procore does not have is NotFoundError with the company and environment hint."""
    with watch.raises(NotFoundError) as info:
        client.frame(path)
    assert info.value.status == 404
    assert f"Procore-Company-Id: {client.company_id}" in str(info.value)
    assert "environment (custom" in str(info.value)


@pytest.mark.parametrize(
    "per_page", [0, -5, "0", "-1"], ids=["zero", "negative", "zero-text", "negative-text"]
)
def test_per_page_zero_or_negative(
    client: Client, fresh: Sandbox, watch: Watch, per_page: object
) -> None:
    """per_page of 0 or less is refused before sending (it used to mean one row a request)."""
    fresh.reset_counters()
    with watch.raises(ConfigurationError, match="per_page must be a positive number of rows"):
        client.projects(per_page=per_page)
    with watch.raises(ConfigurationError, match="per_page must be a positive number of rows"):
        list(client.pages("projects", {"per_page": per_page}))
    assert _sent(fresh) == 0


@pytest.mark.parametrize(
    "per_page", ["abc", 2.5, True, object], ids=["text", "fraction", "bool", "object"]
)
def test_per_page_not_a_number(
    client: Client, fresh: Sandbox, watch: Watch, per_page: object
) -> None:
    """per_page that is not a whole number is refused before sending."""
    fresh.reset_counters()
    with watch.raises(ConfigurationError, match="per_page must be a number"):
        client.frame("projects", {"per_page": per_page})
    assert _sent(fresh) == 0


def test_per_page_huge(client: Client, fresh: Sandbox, watch: Watch) -> None:
    """A huge per_page is clamped to the endpoint's largest page: every row, one request."""
    fresh.reset_counters()
    df = client.projects(status="all", per_page=10**9)
    assert len(df) == 30
    counts = fresh.counters()["by_path_status"]
    assert counts["GET /rest/v1.0/projects 200"] == 1
    del watch


@pytest.mark.parametrize(
    ("filters", "match"),
    [
        ({"name": {"a": 1}}, "the name filter takes text, not {'a': 1}"),
        ({"id": [1, {"a": 1}]}, "the id filter takes an integer id, not {'a': 1}"),
        ({"created_at": ("2024-01-01", "2024-02-01", "2024-03-01")}, "takes a \\(start, end\\)"),
        ({"updated_at": (object(), "2024-02-01")}, "the updated_at filter takes a \\(start"),
        ({"created_at": "junk"}, "the created_at filter takes a \\(start, end\\) pair"),
        ({"id": ["x", "y"]}, "the id filter takes an integer id, not 'x'"),
        ({"state_code": "TX"}, "projects has no filter 'state_code'"),
        ({"status": 5}, "status must be 'active', 'inactive' or 'all'"),
        ({"status": "archived"}, "status must be 'active', 'inactive' or 'all'"),
    ],
    ids=[
        "dict",
        "dict-in-list",
        "triple",
        "object",
        "range-text",
        "ids-text",
        "unknown-name",
        "status-number",
        "status-word",
    ],
)
def test_filter_of_the_wrong_type(
    client: Client, fresh: Sandbox, watch: Watch, filters: dict[str, Any], match: str
) -> None:
    """A filter value of the wrong type or an unknown filter is refused before sending."""
    fresh.reset_counters()
    with watch.raises(ConfigurationError, match=match):
        client.projects(**filters)
    assert _sent(fresh) == 0


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"filters[created_at]": "junk"}, 422, "filters[created_at]"),
        ({"filters[id][]": ["x", "y"]}, 400, "filters[id]"),
    ],
    ids=["range-text", "ids-text"],
)
def test_filter_values_procore_refuses(
    client: Client, watch: Watch, params: dict[str, Any], status: int, field: str
) -> None:
    """A raw filter Procore refuses (sent unchecked): InvalidRequestError, fields named."""
    with watch.raises(InvalidRequestError) as info:
        client.frame("projects", params)
    assert info.value.status == status
    assert field in info.value.field_errors
    assert field in str(info.value)


@pytest.mark.parametrize("limit", [0, -1])
def test_limit_not_positive(client: Client, fresh: Sandbox, watch: Watch, limit: int) -> None:
    """A row limit of zero or less is refused before sending."""
    fresh.reset_counters()
    with watch.raises(ConfigurationError, match="limit must be a positive number of rows"):
        client.frame("projects", limit=limit)
    assert _sent(fresh) == 0


def test_absolute_url_on_another_host(client: Client, fresh: Sandbox, watch: Watch) -> None:
    """A full URL off the API host is refused: the token is never sent elsewhere."""
    fresh.reset_counters()
    with watch.raises(ConfigurationError, match="Refusing to send the token"):
        client.get("https://evil.example.com/rest/v1.0/me")
    assert _sent(fresh) == 0


@pytest.mark.parametrize(
    "settings",
    [{"max_workers": 0}, {"retries": -1}, {"max_wait": -5}],
    ids=["workers", "retries", "max_wait"],
)
def test_impossible_client_config(settings: dict[str, Any], watch: Watch) -> None:
    """ClientConfig values that cannot work are refused when it is made."""
    with watch.raises(ConfigurationError, match="ClientConfig"):
        ClientConfig(**settings)
