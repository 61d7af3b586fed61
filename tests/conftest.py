"""Fixtures shared by the whole suite.

Everything that crosses HTTP runs against a real sandbox server on 127.0.0.1. Global state
is reset around every test: ``PROCORE_*`` variables are stripped, the home, config, data and
cache folders (where tokens, stores and Jupyter's files go) point into the test's own
temporary directory, and retries do not sleep between attempts (``procore_nb.set_testing``;
a test that needs the real backoff turns it off itself).

The user's own procore_nb folders are snapshotted when the session starts and compared when
it ends (:func:`_user_folders_untouched`): a run that wrote a token, a store or a config file
of the person running it fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from userfolders import snapshot, user_folders

import procore_nb

#: Taken when this module is imported, before any test changes the environment.
_USER_FOLDERS = user_folders()


@pytest.fixture(scope="session", autouse=True)
def _user_folders_untouched() -> Iterator[None]:
    """Fail the run if it changed the user's own procore_nb config, data or cache folders."""
    before = {folder: snapshot(folder) for folder in _USER_FOLDERS}
    yield
    changed = {
        str(folder): sorted(
            name
            for name in set(before[folder]) | set(now)
            if before[folder].get(name) != now.get(name)
        )
        for folder in _USER_FOLDERS
        if (now := snapshot(folder)) != before[folder]
    }
    # Another program of the same user (a sign-in in a terminal) writing meanwhile shows
    # here too: the entries named say which files changed.
    assert changed == {}, f"the tests changed the user's folders: {changed}"


@pytest.fixture(autouse=True)
def _isolated_environment(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Strip PROCORE_* variables and keep home, config, data and caches in temporary folders.

    Home is a folder of its own, beside ``tmp_path``, so that a test may expect ``tmp_path``
    to hold only what it wrote there.
    """
    for name in list(os.environ):
        if name.startswith("PROCORE_"):
            monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.fixture(autouse=True)
def _no_backoff() -> Iterator[None]:
    """Turn retry backoff sleeping off (announced waits are still honoured)."""
    procore_nb.set_testing(True)
    yield
    procore_nb.set_testing(False)
