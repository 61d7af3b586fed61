"""Fixtures for the reliability suite: faults, bad input and secrets, against real servers.

Each test here is bounded (well under a minute) and talks to a real sandbox (or, for answers
the sandbox never gives, a misbehaving server of ``badserver.py``) on 127.0.0.1.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from leaks import Watch
from sandboxed import TODAY

from procore_nb import Client
from procore_nb.sandbox import Sandbox


@pytest.fixture
def watch(caplog: pytest.LogCaptureFixture) -> Iterator[Watch]:
    """Check, after the test, that no secret reached an expected exception or a DEBUG log."""
    w = Watch(caplog)
    yield w
    w.verify()


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    """A small sandbox whose secrets are unique strings, so that finding one means a leak."""
    with Sandbox(
        seed=0,
        projects=30,
        client_secret=f"client-secret-{secrets.token_hex(8)}",
        password=f"password-{secrets.token_hex(8)}",
        other_password=f"other-password-{secrets.token_hex(8)}",
        service_client_secret=f"service-secret-{secrets.token_hex(8)}",
        rate_limit_spike=100_000,
        today=TODAY,
    ) as sandbox:
        yield sandbox


@pytest.fixture
def fresh(sb: Sandbox, watch: Watch) -> Iterator[Sandbox]:
    """The module's sandbox, watched for leaks, with fresh counters and no faults afterwards."""
    watch.sandbox(sb)
    sb.reset_counters()
    yield sb
    sb.configure(error_rate=0.0, throttle_rate=0.0, drop_rate=0.0, latency=0.0, token_lifetime=5400)


MakeClient = Callable[..., Client]


@pytest.fixture
def make_client(fresh: Sandbox) -> MakeClient:
    """Build a client of the sandbox's demo app; ``signed_in=True`` signs in as the admin."""

    def make(*, signed_in: bool = True, **options: Any) -> Client:
        options.setdefault("progress", False)
        options.setdefault("cache", "none")
        client = Client(
            api_url=fresh.url,
            client_id=fresh.client_id,
            client_secret=fresh.client_secret,
            **options,
        )
        if signed_in:
            client.exchange_code(fresh.authorize())
        return client

    return make


@pytest.fixture
def client(make_client: MakeClient, fresh: Sandbox) -> Client:
    """A client signed in as the demo admin, with the main company chosen."""
    return make_client(company_id=fresh.company_id)
