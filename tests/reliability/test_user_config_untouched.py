"""The suite never touches the user's config: every token, store and config write goes to the
test's temporary folder, and the session's check would notice if one did not."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import platformdirs
import pytest
from userfolders import snapshot, user_folders

import procore_nb
from procore_nb import Client, Store
from procore_nb.api._config import config_file, token_dir
from procore_nb.sandbox import Sandbox

#: The plugins a tiny inner suite runs without (its own order, cache and workers).
PLUGINS_OFF = ["-p", "no:randomly", "-p", "no:cacheprovider", "-p", "no:xdist"]


def test_every_folder_a_test_writes_is_inside_its_tmp_path(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Home, config (tokens, config.toml), data (stores) and cache are the test's own."""
    assert Path.home().is_relative_to(tmp_path_factory.getbasetemp())  # a folder of its own
    for folder in [
        Path(platformdirs.user_config_dir("procore_nb", appauthor=False)),
        Path(platformdirs.user_data_dir("procore_nb", appauthor=False)),
        Path(platformdirs.user_cache_dir("procore_nb", appauthor=False)),
        token_dir(),
        config_file().parent,
        *user_folders(),
    ]:
        assert folder.is_relative_to(tmp_path), folder
    assert not [name for name in os.environ if name.startswith("PROCORE_")]


def test_a_signed_in_client_and_its_store_write_only_to_tmp_path(
    fresh: Sandbox, tmp_path: Path
) -> None:
    """Signing in with the token cache on and syncing the default store stay in tmp_path."""
    client = Client(
        api_url=fresh.url,
        client_id=fresh.client_id,
        client_secret=fresh.client_secret,
        company_id=fresh.company_id,
        progress=False,
    )
    client.exchange_code(fresh.authorize())
    store = Store(client)
    store.sync("projects")
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".json" for p in written)  # the cached token
    assert store.path in written
    assert store.path.is_relative_to(tmp_path)


def test_the_snapshot_sees_a_new_changed_or_removed_file(tmp_path: Path) -> None:
    """The session check's snapshot differs after a file is added, rewritten or removed."""
    folder = tmp_path / "procore_nb"
    (folder / "tokens").mkdir(parents=True)
    token = folder / "tokens" / "a.json"
    token.write_text("{}", encoding="utf-8")
    first = snapshot(folder)
    assert snapshot(folder) == first
    (folder / "store.duckdb").write_bytes(b"x")
    second = snapshot(folder)
    assert second != first
    token.write_text('{"changed": true}', encoding="utf-8")
    assert snapshot(folder) != second
    token.unlink()
    assert "tokens/a.json" not in snapshot(folder)
    assert snapshot(tmp_path / "missing") == {}


def test_a_run_that_writes_the_users_config_fails(tmp_path: Path) -> None:
    """A tiny suite whose test writes to the real config folder fails at the session check."""
    suite = tmp_path / "suite"
    suite.mkdir()
    tests = Path(procore_nb.__file__).parents[1] / "tests"
    for name in ("conftest.py", "userfolders.py"):
        (suite / name).write_text((tests / name).read_text(encoding="utf-8"), encoding="utf-8")
    (suite / "test_leak.py").write_text(
        textwrap.dedent(
            """
            import os
            from pathlib import Path

            def test_writes_the_real_config() -> None:
                '''Writes where the user's config is.'''
                real = Path(os.environ["REAL_CONFIG"]) / "procore_nb"
                real.mkdir(parents=True, exist_ok=True)
                (real / "config.toml").write_text("env = 'sandbox'")
            """
        ),
        encoding="utf-8",
    )
    person = tmp_path / "person"  # stands for the user's own folders
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROCORE_")}
    env |= {"XDG_CONFIG_HOME": str(person / "config"), "REAL_CONFIG": str(person / "config")}
    env |= {"XDG_DATA_HOME": str(person / "data"), "XDG_CACHE_HOME": str(person / "cache")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", str(suite), *PLUGINS_OFF],
        capture_output=True,
        text=True,
        env=env,
        cwd=suite,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0, done.stdout
    assert "the tests changed the user's folders" in done.stdout
