"""Faults, rate limits and TLS against the sandbox: nothing lost, no 429 provoked."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import requests
from sandboxed import sandbox_client

from procore_nb import Client, ClientConfig, TransportError
from procore_nb.sandbox import Sandbox

MakeClient = Callable[..., Client]


_sign_in = sandbox_client


@pytest.fixture
def patient(make_client: MakeClient, sb: Sandbox) -> Client:
    """A signed-in client retrying up to 20 times, so that heavy fault rates never exhaust it."""
    return make_client(company_id=sb.company_id, config=ClientConfig(retries=20))


def test_injected_server_errors_lose_no_rows(patient: Client, sb: Sandbox) -> None:
    """5xx answers (JSON 500, HTML 502, 503) are retried: every row, once."""
    sb.configure(error_rate=0.5, throttle_wait=0)
    df = patient.projects(status="all", per_page=25)
    assert len(df) == 400
    assert df["id"].is_unique
    assert sb.counters()["injected"]["error"] > 0


def test_dropped_connections_lose_no_rows(patient: Client, sb: Sandbox) -> None:
    """Connections dropped mid-body are retried: every row, once."""
    sb.configure(drop_rate=0.5)
    df = patient.projects(status="all", per_page=25)
    assert len(df) == 400
    assert df["id"].is_unique
    assert sb.counters()["injected"]["drop"] > 0


def test_dropped_connections_on_a_stream(patient: Client, sb: Sandbox) -> None:
    """pages() retries dropped pages too, keeping page order."""
    sb.configure(drop_rate=0.5)
    pages = list(patient.pages("projects", {"filters[by_status]": "All", "per_page": 25}))
    ids = [r["id"] for p in pages for r in p]
    assert len(ids) == len(set(ids)) == 400
    assert sb.counters()["injected"]["drop"] > 0


def test_429_waits_the_announced_time(client: Client, sb: Sandbox) -> None:
    """With the spike window used up elsewhere, a 429's Retry-After is waited out, once."""
    sb.configure(rate_limit_spike=3, spike_window=1.0)
    sb.advance(1.5)  # close the window earlier tests opened: this one starts empty
    token = client.token
    assert token is not None
    for _ in range(3):  # another kernel with the same sign-in spends the window
        requests.get(
            f"{sb.url}/rest/v1.0/me",
            headers={"Authorization": f"Bearer {token.access_token}"},
            timeout=10,
        ).raise_for_status()
    assert client.me()["id"] == 1234567
    counts = sb.counters()
    # Retrying early would have met another 429: exactly one means the wait was honoured.
    assert counts["rate_limited"] == 1
    assert counts["by_path_status"]["GET /rest/v1.0/me 429"] == 1
    assert counts["by_path_status"]["GET /rest/v1.0/me 200"] == 4


def test_throttling_is_retried(patient: Client, sb: Sandbox) -> None:
    """Injected 429s are retried and the pull completes."""
    sb.configure(throttle_rate=0.5, throttle_wait=0)
    df = patient.projects(status="all", per_page=25)
    assert len(df) == 400
    assert sb.counters()["injected"]["throttle"] > 0


@pytest.fixture
def tight_sandbox() -> Iterator[Sandbox]:
    """A sandbox with a small spike window (5 requests a second)."""
    with Sandbox(seed=0, projects=400, rate_limit_spike=5, spike_window=1.0) as sb:
        yield sb


def test_pacing_avoids_429s(tight_sandbox: Sandbox) -> None:
    """A pull of more pages than the spike window allows is paced: no 429 at all."""
    client = _sign_in(tight_sandbox)
    tight_sandbox.reset_counters()
    df = client.projects(status="all", per_page=40)  # 10 pages against 5 per second
    counts = tight_sandbox.counters()
    assert len(df) == 400
    assert counts["by_path_status"]["GET /rest/v1.0/projects 200"] == 10
    assert counts["rate_limited"] == 0
    assert counts["by_status"].get("429", 0) == 0


@pytest.fixture(scope="module")
def tls_sandbox() -> Iterator[Sandbox]:
    """A sandbox serving HTTPS with a certificate from its own CA."""
    with Sandbox(seed=0, projects=30, tls=True) as sb:
        yield sb


def test_tls_sandbox_accepted_with_its_ca(tls_sandbox: Sandbox) -> None:
    """With ca_file, sign-in and requests over HTTPS work."""
    assert tls_sandbox.url.startswith("https://")
    client = _sign_in(tls_sandbox, ca_file=tls_sandbox.ca_file)
    assert client.me()["id"] == 1234567
    assert len(client.projects(status="all")) == 30


def test_tls_sandbox_refused_without_its_ca(tls_sandbox: Sandbox) -> None:
    """Without the CA, the certificate is not trusted, and the error says to pass ca_file."""
    client = Client(
        api_url=tls_sandbox.url,
        client_id=tls_sandbox.client_id,
        client_secret=tls_sandbox.client_secret,
        progress=False,
        cache="none",
    )
    with pytest.raises(TransportError, match="ca_file"):
        client.exchange_code(tls_sandbox.authorize())


def test_ca_file_from_the_environment(
    tls_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PROCORE_CA_FILE trusts the sandbox's CA like ca_file= does."""
    assert tls_sandbox.ca_file is not None
    monkeypatch.setenv("PROCORE_CA_FILE", tls_sandbox.ca_file)
    client = _sign_in(tls_sandbox)
    assert client.me()["login"] == tls_sandbox.login
