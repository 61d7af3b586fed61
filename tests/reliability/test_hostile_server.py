"""A hostile server answering arbitrary statuses, headers and bodies: only ProcoreError comes out.

The property test (hypothesis) lets a server on 127.0.0.1 answer each client call with
whatever it draws; every exception any call raises must be a ``ProcoreError`` (or a
``KeyboardInterrupt``, which nobody presses here). The example tests below pin the cases
the property test found or that the issue named, each with its message.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterator
from typing import Any

import pytest
from hostile import TOKEN, HostileServer, Raw, Request, hostile_server, json_answer
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from leaks import Watch

import procore_nb
from procore_nb import (
    Client,
    ClientConfig,
    MalformedResponseError,
    ProcoreError,
    RateLimitError,
    ResponseError,
    ServerError,
    TransportError,
)

HEADER_NAMES = [
    "Retry-After",
    "X-Rate-Limit-Limit",
    "X-Rate-Limit-Remaining",
    "X-Rate-Limit-Reset",
    "Link",
    "Total",
    "Per-Page",
    "Content-Type",
    "Content-Encoding",
    "Transfer-Encoding",
    "Location",
    "Date",
    "X-Request-Id",
    "Content-Length",
]
HEADER_VALUE = st.one_of(
    st.text(string.printable.strip("\r\n\x0b\x0c"), max_size=40),
    st.sampled_from(
        ["garbage", "-5", "1e400", "nan", "inf", "0", "99999999999999999999", "", " ", "\u00e9"]
    ),
    st.integers(-(10**12), 10**12).map(str),
    st.floats(allow_nan=True).map(str),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
BODY = st.one_of(
    st.binary(max_size=300),
    JSON.map(lambda v: json.dumps(v).encode()),
    st.lists(st.dictionaries(st.sampled_from(["id", "name", "created_at"]), JSON), max_size=4).map(
        lambda v: json.dumps(v).encode()
    ),
    st.just(b'{"access_token": 5, "expires_in": "soon", "refresh_token": []}'),
)
ANSWER = st.builds(
    Raw,
    status=st.integers(200, 599),
    headers=st.lists(st.tuples(st.sampled_from(HEADER_NAMES), HEADER_VALUE), max_size=5),
    body=BODY,
)
CALLS = [
    "get",
    "frame",
    "pages",
    "projects",
    "token_info",
    "exchange",
    "refresh",
    "service_account",
    "logout",
]


@pytest.fixture(scope="module")
def shared_server() -> Iterator[HostileServer]:
    """One hostile server for the module (hypothesis runs many examples on it)."""
    with hostile_server() as server:
        yield server


@pytest.fixture
def hostile(shared_server: HostileServer) -> HostileServer:
    """The module's server with its default routes and no requests recorded."""
    _reset(shared_server)
    return shared_server


def _reset(server: HostileServer) -> None:
    server.requests.clear()
    for path in [key for key in server.routes if key[1].startswith("/rest/")]:
        del server.routes[path]
    server.routes["POST", "/oauth/token"] = lambda r: json_answer(TOKEN)
    server.routes["POST", "/oauth/revoke"] = lambda r: json_answer({})
    server.fallback = lambda r: json_answer({"errors": "no such path"}, 404)


def _client(server: HostileServer, **config: Any) -> Client:
    config = {"retries": 1, "max_wait": 0.2, "deadline": 3.0} | config
    return procore_nb.Client(
        api_url=server.url,
        client_id="hostile-app",
        client_secret="hostile-secret",
        company_id=1,
        progress=False,
        cache="none",
        timeout=2,
        config=ClientConfig(**config),
    )


def _call(client: Client, call: str) -> None:
    if call == "get":
        client.get("projects/1")
    elif call == "frame":
        client.frame("projects")
    elif call == "pages":
        for _ in client.pages("projects"):
            pass
    elif call == "projects":
        client.projects(status="all")
    elif call == "token_info":
        client.token_info()
    elif call == "logout":
        client.logout()
    else:
        client.get("me")  # exchange and refresh: the token endpoint's answer matters


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(answer=ANSWER, call=st.sampled_from(CALLS))
# A 3xx is not "ok" for a list page: its JSON body once reached the error path as bytes.
@example(answer=Raw(300, [], b'{"access_token": 5, "expires_in": "soon"}'), call="frame")
def test_every_exception_is_a_procore_error(
    shared_server: HostileServer, answer: Raw, call: str
) -> None:
    """Whatever the server answers, a client call raises nothing but ProcoreError."""
    hostile = shared_server
    _reset(hostile)
    hostile.fallback = lambda r: answer
    hostile.routes["POST", "/oauth/token"] = lambda r: json_answer(TOKEN)
    hostile.routes["POST", "/oauth/revoke"] = lambda r: answer
    hostile.routes["GET", "/oauth/token/info"] = lambda r: answer
    client = _client(hostile)
    try:
        if call in {"exchange", "service_account"}:
            hostile.routes["POST", "/oauth/token"] = lambda r: answer
        if call == "service_account":
            client.login_service_account()
            return
        client.exchange_code("any-code")
        if call == "refresh":
            hostile.routes["POST", "/oauth/token"] = lambda r: answer
            hostile.fallback = lambda r: json_answer({}, 401)
        _call(client, call)
    except ProcoreError:
        pass
    finally:
        client.close()


# -- header values ------------------------------------------------------------------------


def _serve_me(server: HostileServer, *answers: Raw) -> None:
    """Answer GET /rest/v1.0/me with ``answers`` in turn (the last one from then on)."""
    queue = list(answers)

    def route(request: Request) -> Raw:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    server.routes["GET", "/rest/v1.0/me"] = route


@pytest.mark.parametrize(
    "value",
    ["garbage", "-5", "1e400", "Wed, 99 Foo 2026 00:00:00 GMT", "", "99999999999999999999999"],
    ids=["garbage", "negative", "huge-float", "bad-date", "empty", "huge-int"],
)
def test_retry_after_that_is_not_a_wait(hostile: HostileServer, watch: Watch, value: str) -> None:
    """A 429 or 503 whose Retry-After is junk is retried, then its error: never InvalidHeader."""
    _serve_me(hostile, json_answer({"errors": "slow down"}, 429, Retry_After=value))
    client = _client(hostile, retries=2)
    client.exchange_code("code")
    with watch.raises(RateLimitError):
        client.get("me")


def test_retry_after_far_in_the_future_as_a_date(hostile: HostileServer, watch: Watch) -> None:
    """A Retry-After date next century is longer than max_wait: RateLimitError at once."""
    _serve_me(
        hostile,
        json_answer({}, 503, Retry_After="Fri, 01 Jan 2100 00:00:00 GMT"),
        json_answer({"id": 1}),
    )
    client = _client(hostile)
    client.exchange_code("code")
    with watch.raises(ServerError):
        client.get("me")
    assert len(hostile.gets("/rest/v1.0/me")) >= 1


@pytest.mark.parametrize(
    "headers",
    [
        [("X-Rate-Limit-Remaining", "-1"), ("X-Rate-Limit-Reset", "nan")],
        [("X-Rate-Limit-Remaining", "0"), ("X-Rate-Limit-Reset", "1e30")],
        [("X-Rate-Limit-Remaining", "abc"), ("X-Rate-Limit-Limit", "-3")],
        [("Date", "not a date"), ("X-Rate-Limit-Remaining", "0"), ("X-Rate-Limit-Reset", "0")],
    ],
    ids=["negative-nan", "reset-in-the-far-future", "words", "bad-date"],
)
def test_rate_limit_headers_that_make_no_sense(
    hostile: HostileServer, headers: list[tuple[str, str]]
) -> None:
    """Nonsense X-Rate-Limit-* values never crash, and never make a call wait for ever."""
    answer = Raw(headers=[("Content-Type", "application/json"), *headers], body={"id": 1})
    _serve_me(hostile, answer)
    client = _client(hostile)
    client.exchange_code("code")
    outcomes: list[object] = []
    for _ in range(3):
        try:
            outcomes.append(client.get("me"))
        except RateLimitError as exc:  # a reset far away is said, not sat out
            outcomes.append(str(exc))
    assert all(o == {"id": 1} or "rate limit" in str(o) for o in outcomes), outcomes


def test_repeated_and_odd_headers(hostile: HostileServer) -> None:
    """Two Total headers, a Link with no URL and a Content-Type with junk parameters still read."""
    rows = [{"id": i, "name": f"p{i}"} for i in range(3)]
    hostile.routes["GET", "/rest/v1.0/projects"] = lambda r: Raw(
        headers=[
            ("Content-Type", "application/json; charset=nonsense; x"),
            ("Total", "3"),
            ("Total", "7"),
            ("Link", "<>; rel=next, garbage"),
        ],
        body=rows,
    )
    client = _client(hostile)
    client.exchange_code("code")
    assert client.frame("projects")["id"].tolist() == [0, 1, 2]


# -- status lines and bodies --------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("999 Whatever", ResponseError),
        ("200", None),
        ("abc Broken", TransportError),
        ("600 Beyond", ResponseError),
    ],
    ids=["999", "no-reason", "not-a-number", "600"],
)
def test_status_lines_out_of_range(
    hostile: HostileServer, watch: Watch, status: str, expected: Any
) -> None:
    """A status line that is not HTTP's is a ProcoreError naming the URL; a bare 200 is read."""
    _serve_me(hostile, Raw(status=status, headers=[("Content-Type", "application/json")], body={}))
    client = _client(hostile)
    client.exchange_code("code")
    if expected is None:
        assert client.get("me") == {}
        return
    with watch.raises(expected, match="/rest/v1.0/me"):
        client.get("me")


def test_502_from_the_token_endpoint_says_it_was_sent_once(
    hostile: HostileServer, watch: Watch
) -> None:
    """A 502 to POST /oauth/token says the POST was sent once, not "already retried"."""
    hostile.routes["POST", "/oauth/token"] = lambda r: json_answer("Bad Gateway", 502)
    with watch.raises(ServerError, match="sent once") as info:
        _client(hostile).exchange_code("code")
    assert "already retried" not in str(info.value)
    assert len(hostile.posts()) == 1


def test_5xx_on_a_get_says_how_often_it_was_sent(hostile: HostileServer, watch: Watch) -> None:
    """A GET failing with 503 every time says how many times it was sent."""
    _serve_me(hostile, json_answer({"errors": "down"}, 500))
    client = _client(hostile, retries=2)
    client.exchange_code("code")
    with watch.raises(ServerError, match="sent 3 times"):
        client.get("me")
    assert len(hostile.gets("/rest/v1.0/me")) == 3


@pytest.mark.parametrize(
    ("body", "length", "expected"),
    [
        (b'{"id": 1', None, MalformedResponseError),
        (b'{"id": 1}', 50, TransportError),
        (b"\x1f\x8b garbage", None, MalformedResponseError),
        (b"[" * 100_000 + b"]" * 100_000, None, MalformedResponseError),
        ('{"name": "\\ud800"}', None, None),
    ],
    ids=["truncated-json", "length-longer-than-body", "binary", "deeply-nested", "lone-surrogate"],
)
def test_bodies_that_do_not_parse(
    hostile: HostileServer, watch: Watch, body: bytes | str, length: int | None, expected: Any
) -> None:
    """Broken, lying, binary or absurdly nested bodies are a ProcoreError (or read, if JSON)."""
    _serve_me(
        hostile, Raw(headers=[("Content-Type", "application/json")], body=body, length=length)
    )
    client = _client(hostile)
    client.exchange_code("code")
    if expected is None:
        assert client.get("me") == {"name": "\ud800"}
        return
    with watch.raises(expected):
        client.get("me")


def test_gzip_body_that_does_not_decompress(hostile: HostileServer, watch: Watch) -> None:
    """Content-Encoding: gzip on a body that is not gzip: TransportError after the retries."""
    _serve_me(
        hostile,
        Raw(
            headers=[("Content-Type", "application/json"), ("Content-Encoding", "gzip")], body=b"{}"
        ),
    )
    client = _client(hostile)
    client.exchange_code("code")
    with watch.raises(TransportError, match="DecodeError|ContentDecodingError|broke off"):
        client.get("me")


def test_token_answer_with_fields_of_the_wrong_type(hostile: HostileServer, watch: Watch) -> None:
    """A token whose expires_in is text is MalformedResponseError; one with a number signs in."""
    token = {"access_token": "t", "token_type": "bearer", "expires_in": "soon", "refresh_token": 5}
    hostile.routes["POST", "/oauth/token"] = lambda r: json_answer(token)
    with watch.raises(MalformedResponseError, match="without the fields OAuth requires"):
        _client(hostile).exchange_code("code")
    token["expires_in"] = 1e300  # absurd, but a number: kept, expiry read as unknown
    client = _client(hostile)
    client.exchange_code("code")
    assert client.token is not None
    assert client.token.refresh_token == "5"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ([(f"X-Junk-{i}", "x") for i in range(150)], TransportError),
        ([("X-Long", "x" * 70_000)], TransportError),
        ([("X-Request-Id", "caf\u00e9-\u2603")], None),
        ([("Content-Type", "")], None),
    ],
    ids=["many-headers", "long-header-line", "utf8-request-id", "empty-content-type"],
)
def test_headers_http_itself_chokes_on(
    hostile: HostileServer, watch: Watch, headers: list[tuple[str, str]], expected: Any
) -> None:
    """150 headers or a 70 kB header line: TransportError saying so; odd legal values are read."""
    _serve_me(
        hostile, Raw(headers=[("Content-Type", "application/json"), *headers], body={"id": 1})
    )
    client = _client(hostile)
    client.exchange_code("code")
    if expected is None:
        assert client.get("me") == {"id": 1}
        return
    with watch.raises(expected, match="status line or headers that are not HTTP"):
        client.get("me")
