"""Bad token caches: empty, truncated, garbage, another version, not a token, world-readable,
in a folder that cannot be written. Each test names one row of docs/bad-input.md.

A cache that cannot be read is ignored with a warning: the client is simply not signed in
(NotSignedInError says how to sign in), never a crash. A cache that cannot be written fails
before Procore spends the single-use code.
"""

from __future__ import annotations

import json
import logging
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
