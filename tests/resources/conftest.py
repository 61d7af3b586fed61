"""Fixtures for the resource tests: one sandbox per module, a signed-in client, server counts.

The server's own answer is the reference: ``resource_counts.server_count`` asks the sandbox
directly over HTTP (not through the client) how many records a resource has in one project.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sandboxed import TODAY, sandbox_client

import procore_nb
from procore_nb.sandbox import Sandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """A small company (12 projects) with a spike limit high enough not to matter."""
    with Sandbox(seed=0, projects=12, rate_limit_spike=100_000, today=TODAY) as sb:
        yield sb


@pytest.fixture
def sb(sandbox: Sandbox) -> Iterator[Sandbox]:
    """The module's sandbox with fresh counters; options changed by the test are undone."""
    sandbox.reset_counters()
    yield sandbox
    sandbox.configure(latency=0.0, rate_limit_spike=100_000, spike_window=10.0)


@pytest.fixture
def client(sb: Sandbox) -> procore_nb.Client:
    """A client signed in as the demo admin, with the main company chosen."""
    return sandbox_client(sb)
