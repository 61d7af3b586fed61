"""Fixtures for the client's tests: a module-scoped sandbox and signed-in clients.

Everything that crosses HTTP runs against the real sandbox server on 127.0.0.1. The
sandbox is shared by the tests of a module (starting one takes a fraction of a second);
tests that change its options put them back, and each test signs in a client of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sandboxed import TODAY

import procore_nb
from procore_nb.sandbox import Sandbox

MakeClient = Callable[..., procore_nb.Client]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """A sandbox with 400 projects and a spike limit high enough not to matter."""
    with Sandbox(seed=0, projects=400, rate_limit_spike=100_000, today=TODAY) as sb:
        yield sb


@pytest.fixture
def sb(sandbox: Sandbox) -> Iterator[Sandbox]:
    """The module's sandbox with fresh counters; options changed by the test are undone."""
    sandbox.reset_counters()
    yield sandbox
    sandbox.configure(
        error_rate=0.0,
        throttle_rate=0.0,
        drop_rate=0.0,
        latency=0.0,
        rate_limit_spike=100_000,
        spike_window=10.0,
        token_lifetime=5400,
    )


@pytest.fixture
def make_client(sb: Sandbox) -> MakeClient:
    """Build a client for the sandbox; ``signed_in=True`` also signs it in as Joe Builder."""

    def make(*, signed_in: bool = True, **options: Any) -> procore_nb.Client:
        options.setdefault("progress", False)
        client = procore_nb.Client(
            api_url=sb.url, client_id=sb.client_id, client_secret=sb.client_secret, **options
        )
        if signed_in:
            client.exchange_code(sb.authorize())
        return client

    return make


@pytest.fixture
def client(make_client: MakeClient, sb: Sandbox) -> procore_nb.Client:
    """A client signed in as the demo admin, with the main company chosen."""
    return make_client(company_id=sb.company_id)
