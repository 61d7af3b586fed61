"""Rate limits: the hourly and spike windows, their headers and the 429 answer."""

from __future__ import annotations

from sandbox_http import getter, sign_in

from procore_nb._constants import RATE_LIMIT_BODY
from procore_nb.sandbox import Sandbox


def test_headers_report_the_window_closest_to_running_out(sb: Sandbox) -> None:
    """X-Rate-Limit-* describe the spike window while it has fewer requests left."""
    get = getter(sb, sign_in(sb)["access_token"])
    response = get("/rest/v1.0/me")
    assert response.headers["X-Rate-Limit-Limit"] == "25"
    assert response.headers["X-Rate-Limit-Remaining"] == "24"
    assert int(response.headers["X-Rate-Limit-Reset"]) > 0
    sb.configure(rate_limit_spike=1000, rate_limit_hourly=10)
    response = get("/rest/v1.0/me")
    assert response.headers["X-Rate-Limit-Limit"] == "10"
    assert response.headers["X-Rate-Limit-Remaining"] == "8"


def test_an_exhausted_spike_window_is_429_until_it_resets(sb: Sandbox) -> None:
    """The request after the spike limit gets 429, Procore's body and both waits."""
    sb.configure(rate_limit_spike=3, spike_window=10.0)
    get = getter(sb, sign_in(sb)["access_token"])
    assert [get("/rest/v1.0/me").status_code for _ in range(3)] == [200, 200, 200]
    limited = get("/rest/v1.0/me")
    assert limited.status_code == 429
    assert limited.text == RATE_LIMIT_BODY
    assert limited.headers["content-type"].startswith("text/plain")
    assert 1 <= int(limited.headers["Retry-After"]) <= 10
    assert limited.headers["X-Rate-Limit-Remaining"] == "0"
    assert int(limited.headers["X-Rate-Limit-Reset"]) > 0
    assert sb.counters()["rate_limited"] == 1
    sb.advance(10)
    assert get("/rest/v1.0/me").status_code == 200


def test_the_hourly_window(sb: Sandbox) -> None:
    """The hourly limit answers 429 with a wait of up to an hour."""
    sb.configure(rate_limit_hourly=2, rate_limit_spike=100)
    get = getter(sb, sign_in(sb)["access_token"])
    assert [get("/rest/v1.0/me").status_code for _ in range(3)] == [200, 200, 429]
    assert 3500 <= int(get("/rest/v1.0/me").headers["Retry-After"]) <= 3600


def test_a_refresh_does_not_reset_the_limit(sb: Sandbox) -> None:
    """Windows belong to (app, user): a new token of the same user shares them."""
    sb.configure(rate_limit_spike=2)
    first = sign_in(sb)
    get = getter(sb, first["access_token"])
    assert [get("/rest/v1.0/me").status_code for _ in range(2)] == [200, 200]
    again = getter(sb, sign_in(sb)["access_token"])
    assert again("/rest/v1.0/me").status_code == 429
    other = sign_in(sb, login=sb.other_login, password=sb.other_password)
    assert getter(sb, other["access_token"])("/rest/v1.0/me").status_code == 200
