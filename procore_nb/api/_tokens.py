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
import math
import os
import re
import stat
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, ClassVar

import filelock

from procore_nb._exceptions import ConfigurationError, TokenCacheError
from procore_nb.api._config import config_dir

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
_GRANTS = ("authorization_code", "client_credentials")


@dataclass(frozen=True, repr=False)
class Token:
    """An OAuth token pair from Procore; its repr and str never show the secrets.

    Attributes
    ----------
    access_token, refresh_token:
        The secrets. ``refresh_token`` is ``None`` for service accounts.
    expires_at:
        Unix time (client clock) at which the access token stops working.
    lifetime:
        ``expires_in`` as Procore announced it, in seconds.
    grant:
        ``"authorization_code"`` or ``"client_credentials"``: how to renew it.

    Examples
    --------
    >>> token = Token("secret-access", refresh_token="secret-refresh", expires_at=0.0)
    >>> "secret" in repr(token)
    False
    """

    access_token: str
    refresh_token: str | None = None
    expires_at: float | None = None
    lifetime: float | None = None
    created_at: float | None = None
    token_type: str = "bearer"  # noqa: S105  # the OAuth token type's name, not a secret
    scope: str | None = None
    grant: str = "authorization_code"

    @classmethod
    def from_response(cls, payload: Mapping[str, Any], *, grant: str, now: float) -> Token:
        """Build a token from the token endpoint's JSON, received at ``now``."""
        lifetime = _seconds(payload.get("expires_in"))
        created = payload.get("created_at")
        scope = payload.get("scope")
        refresh = payload.get("refresh_token")
        return cls(
            access_token=str(payload["access_token"]),
            refresh_token=str(refresh) if refresh else None,
            expires_at=now + lifetime if lifetime is not None else None,
            lifetime=lifetime,
            created_at=_seconds(created) if not isinstance(created, str) else None,
            token_type=str(payload.get("token_type") or "bearer"),
            scope=" ".join(map(str, scope)) if isinstance(scope, list) else _text(scope),
            grant=grant,
        )

    def expires_in(self, now: float) -> float | None:
        """Seconds left before expiry at ``now`` (negative once expired), if known."""
        return None if self.expires_at is None else self.expires_at - now

    def is_expiring(self, now: float, *, margin: float) -> bool:
        """Whether the token expires within ``margin`` seconds (capped at a quarter of its life)."""
        if self.expires_at is None:
            return False
        if self.lifetime:
            margin = min(margin, self.lifetime / 4)
        return now >= self.expires_at - margin

    def to_json(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict (it holds the secrets: store it privately)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: object) -> Token:
        """Inverse of :meth:`to_json`; raises ``ValueError`` for anything that is not a token."""
        if not isinstance(data, Mapping):
            raise ValueError(f"a token is a JSON object, not {type(data).__name__}")
        fields = cls.__dataclass_fields__
        values = {k: v for k, v in data.items() if k in fields}
        if not isinstance(values.get("access_token"), str) or not values["access_token"]:
            raise ValueError("no access_token text")
        for name in ("refresh_token", "scope", "token_type"):
            if not isinstance(values.get(name, ""), str | None):
                raise ValueError(f"{name} is not text")
        for name in ("expires_at", "lifetime", "created_at"):
            number = values.get(name)
            if isinstance(number, bool) or not isinstance(number, int | float | None):
                raise ValueError(f"{name} is not a number")
        if values.get("grant", _GRANTS[0]) not in _GRANTS:
            raise ValueError("unknown grant")
        return cls(**values)

    def __repr__(self) -> str:
        refresh = "yes" if self.refresh_token else "no"
        return (
            f"Token(grant={self.grant!r}, expires_at={self.expires_at!r}, "
            f"refresh_token={refresh}, access_token=<hidden>)"
        )

    __str__ = __repr__


def _seconds(value: object) -> float | None:
    """A finite, non-negative number of seconds from a token answer, else ``None``."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        seconds = float(value)
    except (ValueError, OverflowError):
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


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
        """The folder holding the token files."""
        return (self._directory or config_dir()) / "tokens"

    def path(self, key: str) -> Path:
        """The file of ``key``: a readable slug plus a short hash against collisions."""
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", key)[:80]
        digest = hashlib.sha256(key.encode()).hexdigest()[:10]
        return self.directory / f"{slug}-{digest}.json"

    def _private_directory(self) -> Path:
        directory = self.directory
        try:
            directory.mkdir(mode=_DIR_MODE, parents=True, exist_ok=True)
            if stat.S_IMODE(directory.stat().st_mode) != _DIR_MODE:
                directory.chmod(_DIR_MODE)
        except OSError as exc:
            raise TokenCacheError(
                f"Cannot create the private token directory {directory}: {exc.strerror}. "
                "Fix its permissions, or pass cache='none' to keep tokens in memory only."
            ) from exc
        return directory

    def load(self, key: str) -> Token | None:
        """Return the saved token, or ``None`` when there is none or it is unreadable."""
        path = self.path(key)
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                # Someone widened it; narrow it before reading the secrets in it.
                log.warning("Token cache file %s had mode %o; setting it to 600.", path, mode)
                path.chmod(_FILE_MODE)
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
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
        fd, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"version": CACHE_VERSION, **token.to_json()}, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(temporary, _FILE_MODE)
            os.replace(temporary, target)
            _fsync_directory(directory)
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

    @contextlib.contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """Hold an exclusive lock on ``key`` across threads and processes."""
        self._private_directory()
        lock = filelock.FileLock(
            str(self.path(key)) + ".lock", timeout=self.lock_timeout, mode=_FILE_MODE
        )
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


def _fsync_directory(directory: Path) -> None:
    # Makes the rename durable; not every platform can open a directory.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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
