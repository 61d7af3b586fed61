"""Fixtures for the sandbox's own tests: real servers on 127.0.0.1, driven with requests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sandbox_http import Get, getter, sign_in
from sandboxed import TODAY

from procore_nb.sandbox import Sandbox


@pytest.fixture(scope="module")
def shared() -> Iterator[Sandbox]:
    """One sandbox per module, for tests that only read (no clock, config or limit changes)."""
    with Sandbox(
        seed=0,
        projects=400,
        rate_limit_spike=1_000_000,
        rate_limit_hourly=1_000_000,
        today=TODAY,
    ) as sb:
        yield sb


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    """A fresh sandbox for tests that change its clock, options or counters."""
    with Sandbox(seed=0, projects=60, today=TODAY) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def admin(shared: Sandbox) -> Get:
    """GET as the demo user (a company admin) on the shared sandbox."""
    return getter(shared, sign_in(shared)["access_token"])
