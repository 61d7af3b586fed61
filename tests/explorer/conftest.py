"""The explorer's tests share one small sandbox per module and a client signed in to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sandboxed import TODAY, sandbox_client

import procore_nb
from procore_nb import Client
from procore_nb.sandbox import Sandbox


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    """A small sandbox without rate-limit waits, its data as of the tests' pinned today."""
    procore_nb.set_testing(True)
    with Sandbox(seed=11, projects=12, rate_limit_spike=100_000, today=TODAY) as sandbox:
        yield sandbox
    procore_nb.set_testing(False)


@pytest.fixture(scope="module")
def client(sb: Sandbox) -> Client:
    """A client signed in to the sandbox as its demo user."""
    return sandbox_client(sb)
