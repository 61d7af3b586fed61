"""Fixtures shared by the whole suite.

Everything that crosses HTTP runs against a real sandbox server on 127.0.0.1. Global state
is reset around every test: ``PROCORE_*`` variables are stripped and the user's config
directory (where tokens are cached) points into the test's own temporary directory.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Strip PROCORE_* variables and keep config and caches inside tmp_path."""
    for name in list(os.environ):
        if name.startswith("PROCORE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
