"""Fixtures for the sign-in tests: one sandbox per module and clients pointed at it."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sandboxed import TODAY

import procore_nb
from procore_nb import Client
from procore_nb.sandbox import Sandbox


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    """A small sandbox on 127.0.0.1 shared by the tests of one module."""
    procore_nb.set_testing(True)
    with Sandbox(seed=0, projects=20, rate_limit_spike=10_000, today=TODAY) as sandbox:
        yield sandbox
    procore_nb.set_testing(False)


@pytest.fixture(autouse=True)
def _clean_sandbox(sb: Sandbox) -> Iterator[None]:
    """Every test starts with no injected faults and fresh counters."""
    sb.configure(error_rate=0.0, latency=0.0, fault_oauth=False)
    sb.reset_counters()
    yield
    sb.configure(error_rate=0.0, latency=0.0, fault_oauth=False)


@pytest.fixture
def make_client(sb: Sandbox) -> Callable[..., Client]:
    """Build a Client for the sandbox's demo app (keywords override the defaults)."""

    def make(**overrides: Any) -> Client:
        options: dict[str, Any] = {
            "api_url": sb.url,
            "client_id": sb.client_id,
            "client_secret": sb.client_secret,
        }
        options.update(overrides)
        return Client(**options)

    return make


@pytest.fixture
def token_files(tmp_path: Path) -> Callable[[], list[Path]]:
    """List the token cache files written under this test's config directory."""
    return lambda: sorted((tmp_path / "config").rglob("tokens/*.json"))


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
