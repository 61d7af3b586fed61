"""Tokens and the cache strategies: repr, modes, atomic private files, locking. No HTTP."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import procore_nb
from procore_nb import (
    NOOP,
    READ_WRITE,
    REAUTH,
    FileTokenCache,
    Token,
    TokenCacheError,
)
from procore_nb.api._tokens import cache_from_name

SECRETS = ("acc-SECRET-1", "ref-SECRET-2")


def _token(n: int = 0) -> Token:
    return Token(f"acc-SECRET-{n}", refresh_token=f"ref-SECRET-{n}", expires_at=1e10, lifetime=5400)


def test_token_repr_and_str_hide_the_secrets() -> None:
    """Neither repr nor str of a token shows the access or refresh token."""
    token = Token(SECRETS[0], refresh_token=SECRETS[1], expires_at=10.0)
    for text in (repr(token), str(token), f"{token}", repr([token])):
        assert SECRETS[0] not in text
        assert SECRETS[1] not in text
    assert "hidden" in repr(token)


def test_token_from_response_honours_expires_in() -> None:
    """expires_in from Procore sets the expiry; it is never assumed."""
    token = Token.from_response(
        {"access_token": "a", "refresh_token": "r", "expires_in": 7200, "created_at": 5},
        grant="authorization_code",
        now=1000.0,
    )
    assert token.expires_at == 8200.0
    assert token.lifetime == 7200
    assert token.expires_in(1200.0) == 7000.0


def test_expiring_margin_is_capped_at_a_quarter_of_the_lifetime() -> None:
    """A short-lived token is not considered expiring the moment it is issued."""
    token = Token("a", expires_at=100.0, lifetime=100.0)
    assert not token.is_expiring(0.0, margin=120)
    assert not token.is_expiring(74.0, margin=120)
    assert token.is_expiring(76.0, margin=120)


def test_read_write_round_trip(tmp_path: Path) -> None:
    """READ_WRITE saves a token and loads it back equal."""
    token = _token()
    READ_WRITE.save("production-app", token)
    assert READ_WRITE.load("production-app") == token
    READ_WRITE.clear("production-app")
    assert READ_WRITE.load("production-app") is None


def test_default_cache_lives_in_the_user_config_dir() -> None:
    """The file cache sits under platformdirs.user_config_dir('procore_nb')/tokens."""
    READ_WRITE.save("sandbox-app", _token())
    path = READ_WRITE.path("sandbox-app")  # type: ignore[attr-defined]
    assert path.parent == procore_nb.config_file().parent / "tokens"
    assert path.is_file()


def test_cache_file_is_0600_in_a_0700_directory() -> None:
    """Token files are private to the user, and so is their folder."""
    cache = FileTokenCache()
    cache.save("sandbox-app", _token())
    path = cache.path("sandbox-app")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_widened_directory_is_narrowed_again(tmp_path: Path) -> None:
    """A token folder opened to others is set back to 0700 before writing."""
    cache = FileTokenCache(tmp_path)
    cache.directory.mkdir(parents=True)
    cache.directory.chmod(0o755)
    cache.save("k", _token())
    assert stat.S_IMODE(cache.directory.stat().st_mode) == 0o700


def test_widened_file_is_narrowed_before_reading(tmp_path: Path) -> None:
    """A token file made world-readable is set back to 0600 when read."""
    cache = FileTokenCache(tmp_path)
    cache.save("k", _token())
    cache.path("k").chmod(0o644)
    assert cache.load("k") == _token()
    assert stat.S_IMODE(cache.path("k").stat().st_mode) == 0o600


def test_write_is_atomic_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    """Many concurrent writers leave one whole, valid file and no temporary files."""
    cache = FileTokenCache(tmp_path)

    def write(n: int) -> None:
        for i in range(20):
            cache.save("k", _token(n * 100 + i))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [p.name for p in cache.directory.iterdir() if p.suffix == ".json"] == [
        cache.path("k").name
    ]
    data = json.loads(cache.path("k").read_text())
    assert data["access_token"].startswith("acc-SECRET-")


def test_failed_replace_keeps_the_previous_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the final rename fails (a crash, a full disk), the old file stays intact."""
    cache = FileTokenCache(tmp_path)
    cache.save("k", _token(1))

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)  # the disk, which cannot be real here
    with pytest.raises(TokenCacheError, match="cache='none'"):
        cache.save("k", _token(2))
    monkeypatch.undo()
    assert cache.load("k") == _token(1)
    assert len(list(cache.directory.glob(".tmp-*"))) == 0


def test_corrupt_cache_file_is_ignored(tmp_path: Path) -> None:
    """A cache file that is not a token reads as no token (sign in again), not a crash."""
    cache = FileTokenCache(tmp_path)
    cache.save("k", _token())
    cache.path("k").write_text("{not json")
    assert cache.load("k") is None


def test_keys_get_separate_files(tmp_path: Path) -> None:
    """Each (environment, client id) slot has its own file, even when slugs collide."""
    cache = FileTokenCache(tmp_path)
    cache.save("sandbox-a/b", _token(1))
    cache.save("sandbox-a_b", _token(2))
    assert cache.load("sandbox-a/b") == _token(1)
    assert cache.load("sandbox-a_b") == _token(2)


def test_noop_keeps_nothing() -> None:
    """NOOP neither writes nor restores."""
    NOOP.save("k", _token())
    assert NOOP.load("k") is None
    assert not (procore_nb.config_file().parent / "tokens").exists()
    assert not NOOP.restores


def test_reauth_writes_but_does_not_restore() -> None:
    """REAUTH saves new sign-ins but never offers the previous one for restoring."""
    REAUTH.save("k", _token())
    assert REAUTH.load("k") == _token()  # readable under the refresh lock
    assert not REAUTH.restores
    assert READ_WRITE.restores


@pytest.mark.parametrize(
    ("name", "cache"), [("read_write", READ_WRITE), ("none", NOOP), ("reauth", REAUTH)]
)
def test_cache_names(name: str, cache: object) -> None:
    """The cache= names map to the strategy objects."""
    assert cache_from_name(name) is cache
    assert cache_from_name(cache) is cache  # type: ignore[arg-type]


def test_lock_excludes_other_processes(tmp_path: Path) -> None:
    """While one process holds a key's lock, another times out with a clear error."""
    child = subprocess.Popen(  # runs this interpreter on a fixed script
        [
            sys.executable,
            "-c",
            "import sys, procore_nb\n"
            f"cache = procore_nb.FileTokenCache({str(tmp_path)!r})\n"
            "with cache.lock('k'):\n"
            "    print('locked', flush=True)\n"
            "    sys.stdin.readline()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(procore_nb.__file__).parents[1])},
    )
    try:
        assert child.stdout is not None
        assert child.stdin is not None
        assert child.stdout.readline().strip() == "locked"
        impatient = FileTokenCache(tmp_path, lock_timeout=0.2)
        with pytest.raises(TokenCacheError, match="lock"), impatient.lock("k"):
            pass
        child.stdin.write("\n")
        child.stdin.flush()
        assert child.wait(timeout=30) == 0
        with impatient.lock("k"):
            pass  # free again once the other process let go
    finally:
        child.kill()
        child.wait()
