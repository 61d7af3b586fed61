"""Each error answer has its class and a message with method, URL, status, request id, advice."""

from __future__ import annotations

import json

import pytest

from procore_nb import (
    AuthenticationError,
    Client,
    ClientConfig,
    InvalidRequestError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    ProcoreError,
    ProcoreTimeout,
    RateLimitError,
    ResponseError,
    ServerError,
    TransportError,
)
from procore_nb._constants import OOB_REDIRECT_URI
from procore_nb.sandbox import Sandbox

_AUTHORIZE = {"response_type": "code", "redirect_uri": OOB_REDIRECT_URI}


def _assert_described(error: ResponseError, status: int) -> None:
    message = str(error)
    assert error.status == status
    assert error.method == "GET"
    assert error.url in message
    assert str(status) in message
    assert error.request_id
    assert error.request_id in message


def test_not_found_hints_at_company_and_environment(client: Client) -> None:
    """404 is NotFoundError naming the company header and the environment."""
    with pytest.raises(NotFoundError) as info:
        client.get("projects/1")
    _assert_described(info.value, 404)
    message = str(info.value)
    assert f"Procore-Company-Id: {client.company_id}" in message
    assert "custom" in message


def test_forbidden_company_is_permission_denied(client: Client) -> None:
    """403 for a company the app is not connected to: PermissionDeniedError with the reason."""
    with pytest.raises(PermissionDeniedError, match="App is not connected") as info:
        client.projects(company_id=1)
    _assert_described(info.value, 403)
    assert "company admin" in str(info.value)


def test_unprocessable_filter_has_field_errors(client: Client) -> None:
    """422 is InvalidRequestError carrying Procore's field errors."""
    with pytest.raises(InvalidRequestError) as info:
        client.frame("projects", {"filters[created_at]": "junk"})  # raw: sent unchecked
    _assert_described(info.value, 422)
    assert "filters[created_at]" in info.value.field_errors
    assert "ISO 8601" in str(info.value)


def test_bad_parameter_is_invalid_request(client: Client) -> None:
    """400 is InvalidRequestError too."""
    with pytest.raises(InvalidRequestError) as info:
        client.get("projects", {"page": "x"})
    _assert_described(info.value, 400)
    assert info.value.field_errors == {"page": ["is invalid"]}


def test_refused_token_is_authentication_error(sb: Sandbox) -> None:
    """A 401 that survives one renewal is an AuthenticationError (never a token in it)."""
    with Sandbox(seed=1, projects=10) as elsewhere:  # an API that knows none of sb's tokens
        client = Client(
            api_url=elsewhere.url,
            login_url=sb.url,
            client_id=sb.client_id,
            client_secret=sb.client_secret,
            progress=False,
            cache="none",
        )
        client.exchange_code(sb.authorize())
        first = client.token
        with pytest.raises(AuthenticationError) as info:
            client.me()
    assert info.value.status == 401
    assert info.value.error is None
    assert "Sign in again" in str(info.value)
    assert sb.counters()["grants"]["refresh_token"] == 1  # renewed once, then gave up
    for token in (first, client.token):
        assert token is not None
        assert token.access_token not in str(info.value)


def test_server_errors_after_retries(make_client: object, sb: Sandbox) -> None:
    """Persistent 5xx (JSON 500, HTML 502, 503) end as ServerError, not a JSON error."""
    client = make_client(company_id=sb.company_id, config=ClientConfig(retries=2))  # type: ignore[operator]
    sb.configure(error_rate=1.0, throttle_wait=0)
    with pytest.raises(ServerError) as info:
        client.projects()
    assert 500 <= info.value.status < 600  # type: ignore[operator]
    assert "try again" in str(info.value)
    assert not isinstance(info.value, json.JSONDecodeError)
    # The first try and two retries, of page 1 and of the stage list fetched alongside it.
    assert sb.counters()["injected"]["error"] == 6


def test_html_error_page_is_summarised(client: Client, sb: Sandbox) -> None:
    """An HTML 502 page becomes a short text summary in the message, not markup."""
    sb.configure(error_rate=1.0, throttle_wait=0)
    with pytest.raises(ServerError) as info:
        client.get("me")
    assert "<html" not in str(info.value).lower()


def test_successful_non_json_answer_is_malformed(client: Client, sb: Sandbox) -> None:
    """A 200 whose body is HTML is MalformedResponseError (after retrying), not JSONDecodeError."""
    with pytest.raises(MalformedResponseError) as info:
        client.get(f"{sb.url}/oauth/authorize", {"client_id": sb.client_id, **_AUTHORIZE})
    assert info.value.status == 200
    assert "not JSON" in str(info.value)
    assert "text/html" in str(info.value)


def test_rate_limit_longer_than_max_wait_names_the_reset(make_client: object, sb: Sandbox) -> None:
    """A 429 announcing a wait beyond max_wait is RateLimitError with the wait and reset."""
    client = make_client(config=ClientConfig(max_wait=1.0))  # type: ignore[operator]
    sb.configure(throttle_rate=1.0, throttle_wait=30)
    with pytest.raises(RateLimitError) as info:
        client.me()
    assert info.value.status == 429
    assert info.value.retry_after == 30
    assert info.value.reset_at is not None
    assert "UTC" in str(info.value)
    assert sb.counters()["injected"]["throttle"] == 1  # not retried: the wait is too long


def test_unreachable_server_is_transport_error() -> None:
    """Nothing listening: TransportError saying it is safe to try again."""
    client = Client(
        api_url="http://127.0.0.1:9",
        client_id="a",
        client_secret="b",
        config=ClientConfig(retries=1),
    )
    with pytest.raises(TransportError, match="safe to try again") as info:
        client.exchange_code("abc")
    assert not isinstance(info.value, ResponseError)
    assert "abc" not in str(info.value)


def test_slow_answer_is_a_timeout(make_client: object, sb: Sandbox) -> None:
    """No answer within the timeout (after retries) is ProcoreTimeout."""
    client = make_client(timeout=0.3, config=ClientConfig(retries=1))  # type: ignore[operator]
    sb.configure(latency=1.0)
    with pytest.raises(ProcoreTimeout, match="no answer in time"):
        client.me()


def test_every_error_is_a_procore_error() -> None:
    """The tree has one root, and transport failures stand apart from answers."""
    for cls in (NotFoundError, TransportError, RateLimitError, MalformedResponseError):
        assert issubclass(cls, ProcoreError)
    assert not issubclass(TransportError, ResponseError)
