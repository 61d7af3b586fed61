"""Injected faults: 5xx, 429 bursts and dropped connections, all counted."""

from __future__ import annotations

import pytest
import requests
from sandbox_http import getter, sign_in

from procore_nb._constants import RATE_LIMIT_BODY
from procore_nb.sandbox import Sandbox, SandboxError


def test_error_rate_one_answers_every_kind_of_5xx(sb: Sandbox) -> None:
    """error_rate=1 yields 500 JSON, 502 HTML and 503 with Retry-After, and counts them."""
    get = getter(sb, sign_in(sb)["access_token"])
    sb.configure(error_rate=1.0, throttle_wait=7)
    answers = [get("/rest/v1.0/me") for _ in range(20)]
    kinds = {r.status_code for r in answers}
    assert kinds == {500, 502, 503}
    assert all(r.headers["Retry-After"] == "7" for r in answers if r.status_code == 503)
    assert all("html" in r.headers["content-type"] for r in answers if r.status_code == 502)
    assert all("errors" in r.json() for r in answers if r.status_code == 500)
    assert sb.counters()["injected"]["error"] == 20


def test_throttle_rate_answers_429_with_the_announced_wait(sb: Sandbox) -> None:
    """throttle_rate=1 answers Procore's 429 with Retry-After = throttle_wait."""
    get = getter(sb, sign_in(sb)["access_token"])
    sb.configure(throttle_rate=1.0, throttle_wait=3)
    response = get("/rest/v1.0/me")
    assert response.status_code == 429
    assert response.text == RATE_LIMIT_BODY
    assert response.headers["Retry-After"] == "3"
    assert "X-Rate-Limit-Reset" in response.headers
    assert sb.counters()["injected"]["throttle"] == 1


def test_drop_rate_cuts_the_connection_mid_response(sb: Sandbox) -> None:
    """drop_rate=1 sends half a body and hangs up; the client sees a broken read."""
    get = getter(sb, sign_in(sb)["access_token"])
    sb.configure(drop_rate=1.0)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        get("/rest/v1.0/projects", company_id=sb.company_id)
    sb.configure(drop_rate=0.0)
    assert get("/rest/v1.0/me").status_code == 200
    counters = sb.counters()
    assert counters["injected"]["drop"] == 1
    assert counters["by_path"]["/rest/v1.0/projects"] == 1
    assert "GET /rest/v1.0/projects 200" not in counters["by_path_status"]


def test_faults_follow_the_rates_and_the_seed(sb: Sandbox) -> None:
    """A 30% error rate fails some requests and not others, the same way on every run."""
    get = getter(sb, sign_in(sb)["access_token"])
    sb.configure(error_rate=0.3, rate_limit_spike=1000)
    statuses = [get("/rest/v1.0/me").status_code for _ in range(60)]
    failed = sum(s >= 500 for s in statuses)
    assert 5 <= failed <= 35
    with Sandbox(seed=0, projects=5, error_rate=0.3, rate_limit_spike=1000) as twin:
        twin_get = getter(twin, sign_in(twin)["access_token"])
        assert [twin_get("/rest/v1.0/me").status_code for _ in range(60)] == statuses


def test_faults_spare_oauth_unless_asked(sb: Sandbox) -> None:
    """error_rate does not touch /oauth/token unless fault_oauth is set."""
    sb.configure(error_rate=1.0)
    assert len(sign_in(sb)["access_token"]) == 64
    sb.configure(fault_oauth=True)
    code = sb.authorize()
    response = requests.post(
        f"{sb.url}/oauth/token",
        data={"grant_type": "authorization_code", "code": code},
        auth=(sb.client_id, sb.client_secret),
        timeout=10,
    )
    assert response.status_code >= 500


def test_configure_checks_names_and_values(sb: Sandbox) -> None:
    """Unknown options, fixed options and impossible values are refused."""
    assert sb.configure(latency=0.01)["latency"] == 0.01
    with pytest.raises(SandboxError, match="unknown option"):
        sb.configure(colour="red")
    with pytest.raises(SandboxError, match="cannot change"):
        sb.configure(seed=3)
    with pytest.raises(SandboxError, match="between 0 and 1"):
        sb.configure(error_rate=2)
    with pytest.raises(SandboxError, match="number"):
        sb.configure(latency="slow")
    assert sb.configure()["error_rate"] == 0.0


def test_latency_options_are_applied(sb: Sandbox) -> None:
    """Answers still arrive, complete, with latency per request and per record set."""
    get = getter(sb, sign_in(sb)["access_token"])
    sb.configure(latency=0.01, latency_per_record=0.0001)
    response = get("/rest/v1.0/projects", company_id=sb.company_id)
    assert response.status_code == 200
    assert len(response.json()) == int(response.headers["Total"])
