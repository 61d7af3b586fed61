"""Fixtures shared by the whole suite.

Everything that crosses HTTP runs against a real sandbox server on 127.0.0.1. Global state
is reset around every test: ``PROCORE_*`` variables are stripped, the user's config
directory (where tokens are cached) points into the test's own temporary directory, and
retries do not sleep between attempts (``procore_nb.set_testing``; a test that needs the
real backoff turns it off itself).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import procore_nb


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Strip PROCORE_* variables and keep config and caches inside tmp_path."""
    for name in list(os.environ):
        if name.startswith("PROCORE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.fixture(autouse=True)
def _no_backoff() -> Iterator[None]:
    """Turn retry backoff sleeping off (announced waits are still honoured)."""
    procore_nb.set_testing(True)
    yield
    procore_nb.set_testing(False)
