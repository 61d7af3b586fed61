"""One deadline per call: slow, stalling and trickling servers cannot hold a call for minutes.

Nothing here asserts on time: the tests count the attempts that reached the server and
read what the error says (how long it waited, over how many attempts).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from hostile import HostileServer, Raw, hostile_server, json_answer
from leaks import Watch

import procore_nb
from procore_nb import Client, ClientConfig, ConfigurationError, ProcoreTimeout

ME = ("GET", "/rest/v1.0/me")


@pytest.fixture
def server() -> Iterator[HostileServer]:
    """A hostile server on 127.0.0.1."""
    with hostile_server() as hostile:
        yield hostile


def _client(server: HostileServer, *, timeout: float = 0.5, **config: Any) -> Client:
    client = procore_nb.Client(
        api_url=server.url,
        client_id="hostile-app",
        client_secret="hostile-secret",
        company_id=1,
        progress=False,
        cache="none",
        timeout=timeout,
        config=ClientConfig(**({"retries": 5} | config)),
    )
    client.exchange_code("code")
    return client


def _attempts(message: str) -> int:
    found = re.search(r"over (\d+) attempts?", message)
    assert found, message
    return int(found.group(1))


def test_a_server_that_never_answers_meets_the_deadline(
    server: HostileServer, watch: Watch
) -> None:
    """5 retries of a 0.5 s timeout stop at a 1.2 s deadline: fewer tries, said in the error."""
    server.routes[ME] = lambda r: Raw(delay=3, body={"id": 1})
    client = _client(server, deadline=1.2)
    with watch.raises(ProcoreTimeout, match=r"deadline 1\.2 s") as info:
        client.get("me")
    sent = len(server.gets("/rest/v1.0/me"))
    assert 2 <= sent < 6  # without the deadline: all 6
    assert _attempts(str(info.value)) == sent
    assert "ClientConfig(deadline=" in str(info.value)


def test_a_body_that_stalls_half_way_meets_the_deadline(
    server: HostileServer, watch: Watch
) -> None:
    """Half a body, then silence: retried within the deadline, then ProcoreTimeout."""
    server.routes[ME] = lambda r: Raw(stall=3, body={"id": 1, "name": "x" * 100})
    client = _client(server, deadline=1.2)
    with watch.raises(ProcoreTimeout, match="deadline") as info:
        client.get("me")
    assert len(server.gets("/rest/v1.0/me")) < 6
    assert _attempts(str(info.value)) >= 1


def test_a_body_that_trickles_meets_the_deadline(server: HostileServer, watch: Watch) -> None:
    """A byte every 50 ms never trips the read timeout, but the deadline ends the call."""
    server.routes[ME] = lambda r: Raw(trickle=0.05, body={"name": "x" * 400})
    client = _client(server, timeout=2, deadline=1.0)
    with watch.raises(ProcoreTimeout, match="deadline"):
        client.get("me")
    assert len(server.gets("/rest/v1.0/me")) <= 2


def test_a_token_endpoint_that_never_answers(server: HostileServer, watch: Watch) -> None:
    """A stalled POST /oauth/token is one attempt (never re-sent) ending in ProcoreTimeout."""
    server.routes["POST", "/oauth/token"] = lambda r: Raw(delay=3, body={})
    client = procore_nb.Client(
        api_url=server.url,
        client_id="hostile-app",
        client_secret="hostile-secret",
        cache="none",
        timeout=0.5,
    )
    with watch.raises(ProcoreTimeout, match="over 1 attempt"):
        client.exchange_code("code")
    assert len(server.posts()) == 1


def test_rate_limit_waits_do_not_count_against_the_deadline(server: HostileServer) -> None:
    """A Retry-After of 1 s is sat out although the deadline is 0.5 s: Procore said when."""
    answers = [json_answer({}, 429, Retry_After="1"), json_answer({"id": 1})]
    server.routes[ME] = lambda r: answers.pop(0) if len(answers) > 1 else answers[0]
    client = _client(server, deadline=0.5, max_wait=5)
    procore_nb.set_testing(False)  # the announced wait is honoured either way; be exact
    try:
        assert client.get("me") == {"id": 1}
    finally:
        procore_nb.set_testing(True)
    assert len(server.gets("/rest/v1.0/me")) == 2


def test_no_deadline_when_none(server: HostileServer) -> None:
    """deadline=None leaves only the per-attempt timeout: a slow answer still arrives."""
    server.routes[ME] = lambda r: Raw(
        delay=0.3, headers=[("Content-Type", "application/json")], body={"id": 1}
    )
    assert _client(server, timeout=5, deadline=None).get("me") == {"id": 1}


@pytest.mark.parametrize(
    "deadline",
    [0, -1, float("nan"), float("inf"), "60", True],
    ids=["zero", "negative", "nan", "inf", "text", "bool"],
)
def test_deadline_that_cannot_work(deadline: object) -> None:
    """A deadline that is not a finite number of seconds above zero is refused at once."""
    with pytest.raises(ConfigurationError, match=r"ClientConfig\.deadline"):
        ClientConfig(deadline=deadline)  # type: ignore[arg-type]
