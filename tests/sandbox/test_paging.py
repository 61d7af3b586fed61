"""Pagination: page and per_page, Total, Per-Page and absolute Link headers."""

from __future__ import annotations

import re

import requests
from sandbox_http import Get

from procore_nb._constants import DEFAULT_PER_PAGE, MAX_PER_PAGE
from procore_nb.sandbox import Sandbox

_LINK = re.compile(r'<([^>]+)>; rel="(\w+)"')


def _links(response: requests.Response) -> dict[str, str]:
    return {rel: url for url, rel in _LINK.findall(response.headers.get("Link", ""))}


def test_headers_describe_the_page(shared: Sandbox, admin: Get) -> None:
    """Total counts every match, Per-Page the effective size; the default size is 100."""
    response = admin("/rest/v1.0/projects", company_id=shared.company_id)
    total = int(response.headers["Total"])
    assert total > DEFAULT_PER_PAGE
    assert response.headers["Per-Page"] == str(DEFAULT_PER_PAGE)
    assert len(response.json()) == DEFAULT_PER_PAGE


def test_links_are_absolute_keep_parameters_and_have_the_right_rels(
    shared: Sandbox, admin: Get
) -> None:
    """First page: next and last; middle: all four; last: first and prev only."""
    params = {"company_id": shared.company_id, "per_page": 50, "filters[name]": "a"}
    first = admin("/rest/v1.0/projects", **params)
    links = _links(first)
    assert set(links) == {"next", "last"}
    assert links["next"].startswith(f"{shared.url}/rest/v1.0/projects?")
    assert "filters%5Bname%5D=a" in links["next"]
    assert "per_page=50" in links["next"]
    middle = admin("/rest/v1.0/projects", **params, page=2)
    assert set(_links(middle)) == {"first", "prev", "next", "last"}
    last_page = int(re.search(r"page=(\d+)$", links["last"]).group(1))  # type: ignore[union-attr]
    last = admin("/rest/v1.0/projects", **params, page=last_page)
    assert set(_links(last)) == {"first", "prev"}


def test_following_next_visits_every_project_once(shared: Sandbox, admin: Get) -> None:
    """Walking rel=next from page 1 yields exactly Total distinct ids."""
    response = admin("/rest/v1.0/projects", company_id=shared.company_id, per_page=37)
    total = int(response.headers["Total"])
    ids = [p["id"] for p in response.json()]
    sent = response.request.headers
    headers = {k: sent[k] for k in ("Authorization", "Procore-Company-Id")}
    while "next" in _links(response):
        response = requests.get(_links(response)["next"], headers=headers, timeout=10)
        assert response.status_code == 200
        ids += [p["id"] for p in response.json()]
    assert len(ids) == len(set(ids)) == total
    assert ids == sorted(ids)


def test_per_page_over_the_maximum_is_clamped(shared: Sandbox, admin: Get) -> None:
    """per_page above the endpoint's maximum is clamped and Per-Page says so."""
    v11 = admin("/rest/v1.1/projects", company_id=shared.company_id, per_page=5000)
    assert v11.status_code == 200
    assert v11.headers["Per-Page"] == str(MAX_PER_PAGE["v1.1"])
    assert len(v11.json()) == MAX_PER_PAGE["v1.1"]
    v10 = admin("/rest/v1.0/projects", company_id=shared.company_id, per_page=5000)
    assert v10.headers["Per-Page"] == "2000"  # Procore's pagination guide allows 2,000
    assert len(v10.json()) == int(v10.headers["Total"])


def test_a_page_past_the_end_is_200_empty(shared: Sandbox, admin: Get) -> None:
    """Past the last page: 200 [] with Total still set and a link back to the last page."""
    response = admin("/rest/v1.0/projects", company_id=shared.company_id, page=999)
    assert response.status_code == 200
    assert response.json() == []
    assert int(response.headers["Total"]) > 0
    assert "last" in _links(response)


def test_bad_page_parameters_are_400_with_field_errors(shared: Sandbox, admin: Get) -> None:
    """Non-integer or non-positive page and per_page answer 400 naming the parameter."""
    for name, value in (("page", "two"), ("per_page", "x"), ("page", "0"), ("per_page", "0")):
        response = admin("/rest/v1.0/projects", company_id=shared.company_id, **{name: value})
        assert response.status_code == 400, (name, value)
        assert list(response.json()["errors"]) == [name]


def test_an_empty_result_has_total_zero_and_no_link(shared: Sandbox, admin: Get) -> None:
    """No match: 200 [], Total 0 and no Link header."""
    response = admin(
        "/rest/v1.0/projects", company_id=shared.company_id, **{"filters[name]": "zzzz-none"}
    )
    assert response.json() == []
    assert response.headers["Total"] == "0"
    assert "Link" not in response.headers
