"""Access tokens and where they are kept between sessions.

A :class:`Token` is what Procore's token endpoint answered, with its expiry in the
client's clock. Caching is a strategy object, as in pydata-google-auth's ``cache.py``:

- :data:`READ_WRITE` restores a previous sign-in and saves new ones (the default);
- :data:`REAUTH` never restores a previous sign-in, but saves the new one;
- :data:`NOOP` keeps nothing on disk.

The file caches keep one JSON file per (environment, client id) under
``<user config dir>/tokens/``: the directory is ``0700``, each file ``0600``, written
atomically (temporary file, ``fsync``, ``os.replace``) and guarded by a file lock, so
that two kernels sharing a sign-in never refresh the same single-use refresh token. Each
file names its format (``"version": 1``); a file that is empty, truncated, not a token or
of another version is ignored with a warning (sign in again), never a crash.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import filelock

from procore_nb._exceptions import ConfigurationError, TokenCacheError
from procore_nb.api._cachefiles import fsync_directory, probe_writable, read_private_json, unsafe
from procore_nb.api._config import token_dir
from procore_nb.api._token import Token

__all__ = [
    "NOOP",
    "READ_WRITE",
    "REAUTH",
    "FileTokenCache",
    "NoopTokenCache",
    "ReauthTokenCache",
    "Token",
    "TokenCache",
    "cache_from_name",
]

log = logging.getLogger(__name__)

_DIR_MODE = 0o700
_FILE_MODE = 0o600
#: The format of the cache files this version writes and reads.
CACHE_VERSION = 1


class TokenCache:
    """Base class of the cache strategies: keeps nothing and restores nothing.

    Subclasses override :meth:`load`, :meth:`save`, :meth:`clear` and :meth:`lock`.
    ``key`` names one sign-in slot, one per (environment, client id).
    """

    #: Whether :meth:`procore_nb.Client.restore` may use what this cache holds.
    restores: ClassVar[bool] = False

    def load(self, key: str) -> Token | None:
        """Return the saved token for ``key``, or ``None``."""
        del key
        return None

    def save(self, key: str, token: Token) -> None:
        """Keep ``token`` for ``key``."""
        del key, token

    def clear(self, key: str) -> None:
        """Forget the token of ``key``."""
        del key

    def check_writable(self, key: str) -> None:
        """Raise :class:`~procore_nb.TokenCacheError` if a token of ``key`` could not be saved."""
        del key

    def lock(self, key: str) -> contextlib.AbstractContextManager[None]:
        """A lock held while a token of ``key`` is read, refreshed and saved."""
        del key
        return contextlib.nullcontext()

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class NoopTokenCache(TokenCache):
    """Keep tokens in memory only: every new client signs in again."""


class FileTokenCache(TokenCache):
    """Keep tokens in private files under ``directory`` (default: the user config dir).

    Parameters
    ----------
    directory:
        Where the ``tokens/`` folder lives. ``None`` means
        ``platformdirs.user_config_dir("procore_nb")``, looked up at each use.
    lock_timeout:
        Longest wait (seconds) for another process that holds the lock.

    Examples
    --------
    >>> import tempfile
    >>> cache = FileTokenCache(tempfile.mkdtemp())
    >>> cache.save("sandbox-app", Token("a", refresh_token="r"))
    >>> cache.load("sandbox-app").refresh_token == "r"
    True
    """

    restores: ClassVar[bool] = True

    def __init__(
        self, directory: str | os.PathLike[str] | None = None, *, lock_timeout: float = 60.0
    ) -> None:
        self._directory = Path(directory) if directory is not None else None
        self.lock_timeout = lock_timeout

    @property
    def directory(self) -> Path:
        """The folder holding the token files (see :func:`procore_nb.api._config.token_dir`)."""
        return self._directory / "tokens" if self._directory is not None else token_dir()

    def path(self, key: str) -> Path:
        """The file of ``key``: a readable slug plus a short hash against collisions."""
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", key)[:80]
        digest = hashlib.sha256(key.encode()).hexdigest()[:10]
        return self.directory / f"{slug}-{digest}.json"

    def _private_directory(self) -> Path:
        """The token folder, made if missing, after the checks ssh makes of ``~/.ssh``.

        Refused (never chmodded) when it is a symlink, not a folder, owned by another
        user, or writable by group or others; narrowed to ``0700`` when it is ours and
        merely readable by others.
        """
        directory = self.directory
        try:
            directory.mkdir(mode=_DIR_MODE, parents=True, exist_ok=True)
            info = directory.lstat()
        except OSError as exc:
            raise TokenCacheError(
                f"Cannot create the private token directory {directory}: {exc.strerror}. "
                "Fix its permissions, or pass cache='none' to keep tokens in memory only."
            ) from exc
        problem = unsafe(info, folder=True)
        if problem:
            raise TokenCacheError(
                f"Refusing the token directory {directory}: {problem}. Tokens are secrets: "
                f"change it to a private folder of yours (mode 700), or pass cache='none' to "
                "keep tokens in memory only."
            )
        if stat.S_IMODE(info.st_mode) != _DIR_MODE:
            try:
                directory.chmod(_DIR_MODE)
            except OSError as exc:
                raise TokenCacheError(
                    f"Cannot make the token directory {directory} private: {exc.strerror}. "
                    "Fix its permissions, or pass cache='none' to keep tokens in memory only."
                ) from exc
        return directory

    def check_writable(self, key: str) -> None:
        """Raise :class:`TokenCacheError` now if a token for ``key`` could not be saved.

        Called before a grant, so that an authorization code is never spent on a sign-in
        that cannot be kept.
        """
        directory = self._private_directory()
        target = self.path(key)
        try:
            info = target.lstat()
        except FileNotFoundError:
            info = None
        except OSError as exc:
            raise TokenCacheError(
                f"Cannot use the token cache file {target}: {exc.strerror}. Fix it, or pass "
                "cache='none' to keep tokens in memory only."
            ) from exc
        problem = unsafe(info, folder=False) if info is not None else ""
        if problem:
            raise TokenCacheError(
                f"Cannot save the token in {target}: {problem}. Remove it, or pass "
                "cache='none' to keep tokens in memory only."
            )
        try:
            probe_writable(directory)
        except OSError as exc:
            raise TokenCacheError(
                f"Cannot save tokens in {directory}: {exc.strerror}. Fix the folder's "
                "permissions, or pass cache='none' to keep tokens in memory only."
            ) from exc

    def load(self, key: str) -> Token | None:  # noqa: PLR0911  # one return per unusable state
        """Return the saved token, or ``None`` when there is none or it is unreadable.

        A file that is a symlink, not a regular file, or owned by another user is refused
        with :class:`TokenCacheError` (never read through, never chmodded); one of ours
        that others may read is narrowed to ``0600`` first.
        """
        path = self.path(key)
        try:
            info = path.lstat()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("Ignoring the token cache file %s (%s).", path, exc.strerror)
            return None
        problem = unsafe(info, folder=False)
        if problem:
            raise TokenCacheError(
                f"Refusing the token cache file {path}: {problem}. Remove it and sign in "
                "again, or pass cache='none' to keep tokens in memory only."
            )
        try:
            data = read_private_json(path, mode=_FILE_MODE)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, RecursionError) as exc:
            log.warning(
                "Ignoring the unreadable token cache file %s (%s); sign in again to replace it.",
                path,
                type(exc).__name__,
            )
            return None
        if not isinstance(data, dict):
            log.warning(
                "Ignoring the token cache file %s: it holds a JSON %s, not a token; sign in "
                "again to replace it.",
                path,
                type(data).__name__,
            )
            return None
        version = data.get("version")
        if version != CACHE_VERSION:
            log.warning(
                "Ignoring the token cache file %s: its format (version %r) is not the one this "
                "procore_nb reads (%d); sign in again to replace it.",
                path,
                version,
                CACHE_VERSION,
            )
            return None
        try:
            return Token.from_json(data)
        except ValueError as exc:
            log.warning(
                "Ignoring the token cache file %s: it does not hold a token (%s); sign in again "
                "to replace it.",
                path,
                exc,
            )
            return None

    def save(self, key: str, token: Token) -> None:
        """Write ``token`` atomically into a ``0600`` file."""
        directory = self._private_directory()
        target = self.path(key)
        if target.is_dir() and not target.is_symlink():
            raise TokenCacheError(
                f"Cannot save the token in {target}: it is a folder. Remove it, or pass "
                "cache='none' to keep tokens in memory only."
            )
        fd, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"version": CACHE_VERSION, **token.to_json()}, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(temporary, _FILE_MODE)
            os.replace(temporary, target)
            fsync_directory(directory)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise TokenCacheError(
                f"Cannot save the token in {directory}: {exc.strerror}. Fix the folder's "
                "permissions, or pass cache='none' to keep tokens in memory only."
            ) from exc

    def clear(self, key: str) -> None:
        """Delete the file of ``key`` if it exists."""
        with contextlib.suppress(FileNotFoundError):
            self.path(key).unlink()

    def clear_all(self) -> int:
        """Delete every token, lock and leftover temporary file here; return how many tokens.

        Only files of ours are removed (never what a symlink points at); the folder stays.
        """
        directory = self.directory
        try:
            entries = list(os.scandir(directory))
        except FileNotFoundError:
            return 0
        except OSError as exc:
            raise TokenCacheError(f"Cannot list {directory}: {exc.strerror}.") from exc
        tokens = 0
        for entry in entries:
            if not entry.name.endswith((".json", ".lock")) or entry.is_dir(follow_symlinks=False):
                continue
            try:
                os.unlink(entry.path)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise TokenCacheError(f"Cannot delete {entry.path}: {exc.strerror}.") from exc
            tokens += entry.name.endswith(".json") and not entry.name.startswith(".")
        return tokens

    @contextlib.contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """Hold an exclusive lock on ``key`` across threads and processes."""
        self._private_directory()
        path = Path(str(self.path(key)) + ".lock")
        with contextlib.suppress(FileNotFoundError):
            problem = unsafe(path.lstat(), folder=False)
            if problem:
                # filelock opens with O_TRUNC: through a symlink it would empty the target.
                raise TokenCacheError(
                    f"Refusing the token cache lock {path}: {problem}. Remove it, or pass "
                    "cache='none' to keep tokens in memory only."
                )
        lock = filelock.FileLock(str(path), timeout=self.lock_timeout, mode=_FILE_MODE)
        try:
            with lock:
                yield
        except filelock.Timeout as exc:
            raise TokenCacheError(
                f"Another process held the token cache lock {lock.lock_file} for more than "
                f"{self.lock_timeout:g} s. Close other kernels refreshing this sign-in, or "
                "delete the .lock file if none is running."
            ) from exc

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.directory)!r})"


class ReauthTokenCache(FileTokenCache):
    """Ignore any previous sign-in (sign in afresh), then save the new one like READ_WRITE."""

    restores: ClassVar[bool] = False


#: Keep nothing on disk.
NOOP: TokenCache = NoopTokenCache()
#: Restore and save sign-ins in the user config directory (the default).
READ_WRITE: TokenCache = FileTokenCache()
#: Sign in afresh, then save.
REAUTH: TokenCache = ReauthTokenCache()

_NAMES: dict[str, TokenCache] = {"none": NOOP, "read_write": READ_WRITE, "reauth": REAUTH}


def cache_from_name(cache: str | TokenCache) -> TokenCache:
    """Turn ``"read_write"``, ``"none"``, ``"reauth"`` or a :class:`TokenCache` into a cache."""
    if isinstance(cache, TokenCache):
        return cache
    try:
        return _NAMES[str(cache).strip().lower()]
    except KeyError:
        raise ConfigurationError(
            f"Unknown token cache {cache!r}; use 'read_write', 'none', 'reauth' or a TokenCache."
        ) from None
