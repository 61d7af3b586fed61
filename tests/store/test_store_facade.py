"""The store's place in the public API: light to import, reachable from the client."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import procore_nb
from procore_nb import ConfigurationError, Store


def test_import_does_not_load_the_store_engines() -> None:
    """`import procore_nb` loads neither DuckDB nor dlt nor the dlt source."""
    heavy = ["duckdb", "dlt", "procore_nb.store._dlt"]
    code = (
        "import json, sys, procore_nb\n"
        f"print(json.dumps([m for m in {heavy!r} if m in sys.modules]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(procore_nb.__file__).parents[1])}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert json.loads(out) == []


def test_client_store_needs_a_sign_in(tmp_path: Path) -> None:
    """client.store() asks whose rows it will hold, so a client not signed in is refused."""
    client = procore_nb.Client("sandbox", client_id="app", company_id=42, cache="none")
    with pytest.raises(procore_nb.NotSignedInError, match="sign in first"):
        client.store()
    assert not (tmp_path / "data").exists()  # nothing was created


def test_a_store_needs_a_company() -> None:
    """Without a company the store refuses, saying how to choose one."""
    client = procore_nb.Client("sandbox", client_id="app", cache="none")
    with pytest.raises(ConfigurationError, match="company_id"):
        client.store()


def test_negative_waits_are_refused(tmp_path: Path) -> None:
    """overlap and wait are seconds and cannot be negative."""
    client = procore_nb.Client("sandbox", client_id="app", company_id=1, cache="none")
    with pytest.raises(ConfigurationError, match=r"Store\(wait=...\).*zero or more"):
        Store(client, tmp_path / "s.duckdb", wait=-1)
