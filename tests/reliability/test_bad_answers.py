"""Bad answers: bodies that are HTML, truncated, empty or the wrong JSON; Link and Total lies.

The sandbox answers as Procore documents, so the answers Procore should never give come from
the misbehaving server in ``badserver.py`` (truncated bodies come from the sandbox's own
dropped connections). Each test names one row of docs/bad-input.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from badserver import Answer, BadServer, bad_server, paged
from leaks import Watch
from sandboxed import MakeClient

from procore_nb import (
    Client,
    ClientConfig,
    DataIntegrityError,
    DataIntegrityWarning,
    MalformedResponseError,
    TransportError,
)
from procore_nb.sandbox import Sandbox

PATH = "/rest/v1.0/projects"
ROWS = [{"id": 5_000_000_000 + i, "name": f"Project {i}"} for i in range(1, 251)]


@pytest.fixture(scope="module")
def server() -> Iterator[BadServer]:
    """One misbehaving server for the module; each test scripts its routes."""
    with bad_server() as bad:
        yield bad


@pytest.fixture
def bad(server: BadServer, watch: Watch) -> Client:
    """A client signed in to the misbehaving server, retrying twice."""
    server.routes.clear()
    server.hits.clear()
    watch.secret("bad server access token", "bad-server-access-token")
    watch.secret("bad server refresh token", "bad-server-refresh-token")
    watch.secret("bad server client secret", "bad-server-secret")
    watch.secret("bad server code", "bad-server-code")
    return server.client(config=ClientConfig(retries=2))


def test_html_body_with_200(bad: Client, server: BadServer, watch: Watch) -> None:
    """An HTML page answered with 200 is MalformedResponseError naming the content type."""
    page = "<!DOCTYPE html><html><body><h1>Sign in to the proxy</h1></body></html>"
    server.routes[PATH] = lambda q, u: Answer(page, headers={"Content-Type": "text/html"})
    with watch.raises(MalformedResponseError, match=r"not JSON \(text/html") as info:
        bad.projects()
    assert info.value.status == 200
    assert "<html" not in str(info.value)
    assert server.hits[PATH] == 3  # the first try and two retries
    assert "3 times in a row" in str(info.value)


def test_truncated_body(make_client: MakeClient, fresh: Sandbox, watch: Watch) -> None:
    """A body cut off mid-way every time is TransportError after the retries, not a JSON error."""
    client = make_client(company_id=fresh.company_id, config=ClientConfig(retries=2))
    fresh.configure(drop_rate=1.0)
    with watch.raises(TransportError, match="broke off") as info:
        client.projects()
    assert "try again" in str(info.value)
    # The first try and two retries, of page 1 and of the stage list fetched alongside it.
    assert fresh.counters()["injected"]["drop"] == 6
    assert "3 times in a row" in str(info.value)


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b"", "an empty body"),
        (b"null", "JSON null"),
        ({"projects": ROWS[:2]}, r"a JSON object \(keys: projects\)"),
        ({}, "an empty JSON object"),
        ([1, 2, 3], "a list whose item 0 is a JSON number"),
        ([{"id": 1}, "two"], "a list whose item 1 is a JSON string"),
        ("42", "a JSON number"),
    ],
    ids=["empty", "null", "object", "empty-object", "numbers", "mixed", "number"],
)
def test_body_of_the_wrong_shape(
    bad: Client, server: BadServer, watch: Watch, body: Any, said: str
) -> None:
    """A list endpoint answering anything but a list of records says what it got instead."""
    server.routes[PATH] = lambda q, u: Answer(body)
    with watch.raises(MalformedResponseError, match=said) as info:
        bad.projects()
    assert "where a list of records (JSON objects) was expected" in str(info.value)
    assert info.value.url.startswith(f"{server.url}{PATH}")


@pytest.mark.parametrize(
    "link",
    ["garbage;;; <<>>", "<not a url>; rel=next", '<>; rel="next"; <', ""],
    ids=["garbage", "bad-url", "unclosed", "empty"],
)
def test_malformed_link_header(bad: Client, server: BadServer, watch: Watch, link: str) -> None:
    """A Link header that does not parse is ignored: short pages end the list, nothing is lost."""
    server.routes[PATH] = paged(ROWS, total="", link=lambda page, url: link)
    df = bad.frame("projects", {"per_page": 100})
    assert df["id"].tolist() == [r["id"] for r in ROWS]
    del watch


def _looping(query: dict[str, str], url: str) -> Answer:
    """Page 1 again for every page, with a Link that always says there is a next page."""
    return Answer(ROWS[:100], headers={"Link": f'<{url}>; rel="next"'})


@pytest.mark.parametrize("total", [None, "250"], ids=["no-total", "total"])
def test_link_header_that_loops(
    bad: Client, server: BadServer, watch: Watch, total: str | None
) -> None:
    """A server repeating page 1 with rel="next" forever: DataIntegrityError, not a hang."""

    def route(query: dict[str, str], url: str) -> Answer:
        answer = _looping(query, url)
        if total is not None:
            answer.headers["Total"] = total
        return answer

    server.routes[PATH] = route
    with watch.raises(DataIntegrityError, match="Link header loops") as info:
        bad.frame("projects", {"per_page": 100})
    assert "reading forever" in str(info.value)
    assert server.hits[PATH] < 10


def test_link_header_that_loops_while_streaming(
    bad: Client, server: BadServer, watch: Watch
) -> None:
    """pages() over a looping list stops with DataIntegrityError after the first page."""
    server.routes[PATH] = _looping
    streamed = []
    with watch.raises(DataIntegrityError, match="page 2 holds only rows already read"):
        for rows in bad.pages("projects", {"per_page": 100}):
            streamed.append(rows)
    assert len(streamed) == 1


@pytest.mark.parametrize("total", ["300", "200"], ids=["more", "fewer"])
def test_total_that_disagrees_with_the_pages(
    bad: Client, server: BadServer, watch: Watch, total: str
) -> None:
    """Total above or below the rows served: a DataIntegrityWarning with counts, no row lost."""
    server.routes[PATH] = paged(ROWS, total=total)
    with pytest.warns(DataIntegrityWarning, match=f"Total announced {total} rows") as caught:
        df = bad.frame("projects", {"per_page": 100})
    assert df["id"].tolist() == [r["id"] for r in ROWS]
    assert "250 rows" in str(caught[0].message)
    del watch


@pytest.mark.parametrize("total", ["many", "-3", "1e3"])
def test_total_that_is_not_a_count(
    bad: Client, server: BadServer, watch: Watch, total: str
) -> None:
    """A Total that is not a whole number is ignored: the pages are walked to the end."""
    server.routes[PATH] = paged(ROWS, total=total)
    df = bad.frame("projects", {"per_page": 100})
    assert df["id"].tolist() == [r["id"] for r in ROWS]
    del watch
