"""Bad token caches: empty, truncated, garbage, another version, not a token, world-readable,
in a folder that cannot be written. Each test names one row of docs/bad-input.md.

A cache that cannot be read is ignored with a warning: the client is simply not signed in
(NotSignedInError says how to sign in), never a crash. A cache that cannot be written fails
before Procore spends the single-use code.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from leaks import Watch

import procore_nb
from procore_nb import Client, NotSignedInError, TokenCacheError
from procore_nb.sandbox import Sandbox

MakeCached = Callable[[], Client]


@pytest.fixture
def cached(fresh: Sandbox) -> MakeCached:
    """Build clients of the sandbox's app that keep their sign-in in the default file cache."""

    def make() -> Client:
        return Client(
            api_url=fresh.url,
            client_id=fresh.client_id,
            client_secret=fresh.client_secret,
            progress=False,
        )

    return make


def _cache_file() -> Path:
    [path] = (procore_nb.config_file().parent / "tokens").glob("*.json")
    return path


def _signed_in_then_damaged(cached: MakeCached, sb: Sandbox, damage: Callable[[str], str]) -> None:
    cached().exchange_code(sb.authorize())
    path = _cache_file()
    path.write_text(damage(path.read_text()))


def _version(text: str, version: object) -> str:
    return json.dumps({**json.loads(text), "version": version})


@pytest.mark.parametrize(
    ("damage", "warning"),
    [
        (lambda text: "", "unreadable"),
        (lambda text: text[: len(text) // 2], "unreadable"),
        (lambda text: "\x00\xff garbage \ufffd", "unreadable"),
        (lambda text: _version(text, 2), "its format (version 2)"),
        (lambda text: _version(text, None), "its format (version None)"),
        (lambda text: json.dumps([json.loads(text)]), "holds a JSON list, not a token"),
        (lambda text: _version(json.dumps({"refresh_token": "r"}), 1), "does not hold a token"),
        (
            lambda text: _version(json.dumps({"access_token": "a", "expires_at": "soon"}), 1),
            "does not hold a token",
        ),
    ],
    ids=[
        "empty",
        "truncated",
        "garbage",
        "newer-version",
        "no-version",
        "list",
        "no-access-token",
        "wrong-types",
    ],
)
def test_unusable_cache_file(
    cached: MakeCached,
    fresh: Sandbox,
    watch: Watch,
    damage: Callable[[str], str],
    warning: str,
) -> None:
    """An unusable cache file is ignored with a warning; calls say to sign in, nothing crashes."""
    _signed_in_then_damaged(cached, fresh, damage)
    client = cached()
    start = len(watch.caplog.records)  # not clear(): the watch reads every record at the end
    assert not client.restore()
    records = watch.caplog.records[start:]
    warnings = [r.getMessage() for r in records if r.levelno == logging.WARNING]
    assert any(warning in message and "sign in again" in message for message in warnings)
    with watch.raises(NotSignedInError, match="sign in first"):
        client.me()
    # Signing in again replaces the damaged file with a good one.
    client.exchange_code(fresh.authorize())
    assert cached().restore()


def test_world_readable_cache_file(
    cached: MakeCached, fresh: Sandbox, watch: Watch, caplog: pytest.LogCaptureFixture
) -> None:
    """A cache file opened to others is narrowed to 0600 (with a warning) before it is read."""
    cached().exchange_code(fresh.authorize())
    path = _cache_file()
    path.chmod(0o644)
    client = cached()
    assert client.restore()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "had mode 644; setting it to 600" in caplog.text
    assert client.me()["id"] == 1234567
    del watch


def test_cache_in_a_folder_that_cannot_be_written(
    cached: MakeCached, fresh: Sandbox, watch: Watch
) -> None:
    """An unusable cache folder fails before the code is spent: fix it, and the code still works."""
    # A regular file where the tokens folder should be: nobody, root included, can write in it.
    blocked = procore_nb.config_file().parent / "tokens"
    blocked.parent.mkdir(parents=True)
    blocked.write_text("")
    code = fresh.authorize()
    with watch.raises(TokenCacheError, match="cache='none'") as info:
        cached().exchange_code(code)
    assert "Cannot create the private token directory" in str(info.value)
    assert fresh.counters()["by_path"].get("/oauth/token", 0) == 0
    blocked.unlink()
    client = cached()
    client.exchange_code(code)
    assert client.me()["id"] == 1234567


# -- filesystem states an attacker (or an accident) can leave ------------------------------


def _tokens_dir() -> Path:
    return procore_nb.config_file().parent / "tokens"


def test_token_file_that_is_a_symlink(cached: MakeCached, fresh: Sandbox, watch: Watch) -> None:
    """A token file that is a symlink is refused: its target is neither read nor chmodded."""
    cached().exchange_code(fresh.authorize())
    path = _cache_file()
    target = path.parent.parent / "elsewhere.json"
    target.write_text(path.read_text())
    target.chmod(0o644)
    path.unlink()
    path.symlink_to(target)
    with watch.raises(TokenCacheError, match="symbolic link") as info:
        cached().restore()
    assert "cache='none'" in str(info.value)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_token_folder_that_is_a_symlink(cached: MakeCached, fresh: Sandbox, watch: Watch) -> None:
    """A tokens folder that is a symlink elsewhere is refused before the code is spent."""
    real = _tokens_dir().parent / "real-tokens"
    real.mkdir(parents=True, mode=0o700)
    _tokens_dir().symlink_to(real)
    with watch.raises(TokenCacheError, match="symbolic link"):
        cached().exchange_code(fresh.authorize())
    assert fresh.counters()["by_path"].get("/oauth/token", 0) == 0
    assert list(real.iterdir()) == []


@pytest.mark.parametrize("mode", [0o770, 0o707, 0o777], ids=["group", "others", "everyone"])
def test_token_folder_others_may_write(
    cached: MakeCached, fresh: Sandbox, watch: Watch, mode: int
) -> None:
    """A tokens folder others may write to is refused (not chmodded), before the code is spent."""
    folder = _tokens_dir()
    folder.mkdir(parents=True)
    folder.chmod(mode)
    with watch.raises(TokenCacheError, match=f"mode {mode:o}"):
        cached().exchange_code(fresh.authorize())
    assert stat.S_IMODE(folder.stat().st_mode) == mode
    assert fresh.counters()["by_path"].get("/oauth/token", 0) == 0


def test_token_file_owned_by_another_user(cached: MakeCached, fresh: Sandbox, watch: Watch) -> None:
    """A token file another user owns is refused, never read or chmodded (needs root to set up)."""
    if os.geteuid() != 0:
        pytest.skip("making a file another user owns needs root")
    cached().exchange_code(fresh.authorize())
    path = _cache_file()
    os.chown(path, 65534, 65534)
    path.chmod(0o644)
    with watch.raises(TokenCacheError, match="another user"):
        cached().restore()
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_token_path_that_is_a_folder(cached: MakeCached, fresh: Sandbox, watch: Watch) -> None:
    """A folder where the token file goes fails before the code is spent; the code still works."""
    client = cached()
    path = procore_nb.FileTokenCache().path(client._auth.cache_key)
    path.mkdir(parents=True)
    code = fresh.authorize()
    with watch.raises(TokenCacheError, match="it is a folder"):
        client.exchange_code(code)
    assert fresh.counters()["by_path"].get("/oauth/token", 0) == 0
    path.rmdir()
    client.exchange_code(code)
    assert cached().restore()


def test_token_file_that_is_a_fifo(cached: MakeCached, fresh: Sandbox, watch: Watch) -> None:
    """A named pipe where the token file goes is refused at once (reading it would hang)."""
    client = cached()
    path = procore_nb.FileTokenCache().path(client._auth.cache_key)
    path.parent.mkdir(parents=True, mode=0o700)
    os.mkfifo(path)
    with watch.raises(TokenCacheError, match="not a regular file"):
        client.restore()


def test_lock_file_that_is_a_symlink(cached: MakeCached, fresh: Sandbox, watch: Watch) -> None:
    """A .lock that is a symlink is refused: filelock would truncate what it points at."""
    client = cached()
    path = procore_nb.FileTokenCache().path(client._auth.cache_key)
    path.parent.mkdir(parents=True, mode=0o700)
    victim = path.parent.parent / "precious.txt"
    victim.write_text("keep me")
    Path(f"{path}.lock").symlink_to(victim)
    with watch.raises(TokenCacheError, match="lock"):
        client.exchange_code(fresh.authorize())
    assert victim.read_text() == "keep me"


def test_huge_token_file(
    cached: MakeCached, fresh: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """A token file of 5 MB is not read whole: ignored with a warning, as unreadable."""
    cached().exchange_code(fresh.authorize())
    _cache_file().write_text('{"version": 1, "access_token": "' + "a" * 5_000_000 + '"}')
    assert not cached().restore()
    assert "unreadable token cache file" in caplog.text


def test_token_dir_variable_naming_a_file(
    fresh: Sandbox, watch: Watch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PROCORE_TOKEN_DIR naming a file is TokenCacheError before the code is spent."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("PROCORE_TOKEN_DIR", str(blocker))
    client = Client(api_url=fresh.url, client_id=fresh.client_id, client_secret=fresh.client_secret)
    with watch.raises(TokenCacheError, match="a-file"):
        client.exchange_code(fresh.authorize())
    assert fresh.counters()["by_path"].get("/oauth/token", 0) == 0


def test_leftovers_of_a_killed_writer(cached: MakeCached, fresh: Sandbox) -> None:
    """A half-written temporary file and a stale lock left by a killed process block nothing."""
    folder = _tokens_dir()
    folder.mkdir(parents=True, mode=0o700)
    (folder / ".tmp-killed.json").write_text('{"version": 1, "access_tok')
    client = cached()
    Path(f"{procore_nb.FileTokenCache().path(client._auth.cache_key)}.lock").write_text("")
    client.exchange_code(fresh.authorize())
    assert cached().restore()
