"""Fixtures for the store's tests: a store over rows held in memory, and stores of a sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_memory import RESOURCES, MemorySource

from procore_nb import Store


@pytest.fixture
def source() -> MemorySource:
    """Two projects with five rows of each resource."""
    memory = MemorySource(dict(RESOURCES))
    for name in RESOURCES:
        for project in (11, 12, 11, 12, 11):
            memory.create(name, project)
    memory.advance()
    return memory


@pytest.fixture
def store(source: MemorySource, tmp_path: Path) -> Store:
    """A store of ``source`` in a fresh file."""
    return Store(source, tmp_path / "store.duckdb", overlap=30)
