"""Where the client's settings come from: arguments, ``PROCORE_*`` variables, a config file.

Precedence, highest first: explicit arguments to :class:`~procore_nb.Client`, then the
``PROCORE_*`` environment variables, then the table of the chosen environment in
``<user config dir>/config.toml``, then Procore's published hosts. For example::

    env = "sandbox"                 # optional: the default environment

    [sandbox]
    client_id = "..."
    client_secret = "..."
    company_id = 1234

    [custom]
    api_url = "http://127.0.0.1:8000"

This module also holds the checks every URL passes (HTTPS, or plain HTTP to loopback
only) and the testing switch that turns retry backoff off.
"""

from __future__ import annotations

import os
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import platformdirs

from procore_nb._constants import ENVIRONMENTS, OOB_REDIRECT_URI, UNATTENDED_VARIABLE
from procore_nb._exceptions import ConfigurationError
from procore_nb.api._checks import (
    check_ca_file,
    check_seconds,
    check_url,
    is_loopback_http,
    parse_company_id,
    whole,
)

__all__ = [
    "ATTENDED_MAX_WAIT",
    "GRANTS",
    "UNATTENDED_MAX_WAIT",
    "ClientConfig",
    "Settings",
    "check_seconds",
    "check_url",
    "config_dir",
    "config_file",
    "default_max_wait",
    "is_loopback_http",
    "is_testing",
    "parse_company_id",
    "resolve_settings",
    "set_testing",
    "token_dir",
    "unattended",
]

#: The environment used when nothing names one.
DEFAULT_ENV: Final = "production"
CUSTOM_ENV: Final = "custom"
GRANTS: Final = ("authorization_code", "client_credentials")

_testing = False


def set_testing(on: bool) -> None:
    """Turn retry backoff sleeping off (``True``) or back on (``False``), for test suites.

    Waits that Procore announces (``Retry-After`` on a 429 or 503) are still honoured,
    so that tests of rate limiting observe real behaviour; only the exponential backoff
    between retries of failed requests is skipped.

    Examples
    --------
    >>> import procore_nb
    >>> procore_nb.set_testing(True)
    >>> procore_nb.set_testing(False)
    """
    global _testing  # noqa: PLW0603  # one process-wide switch, like stamina.set_testing
    _testing = bool(on)


def is_testing() -> bool:
    """Whether :func:`set_testing` turned backoff sleeping off."""
    return _testing


def config_dir() -> Path:
    """The user's procore_nb configuration directory (token cache and ``config.toml``)."""
    return Path(platformdirs.user_config_dir("procore_nb"))


def token_dir() -> Path:
    """Where the token cache files live: ``PROCORE_TOKEN_DIR``, else ``<config dir>/tokens``.

    The demo and ``procore-nb lab`` point ``PROCORE_TOKEN_DIR`` at a folder of their own, so
    that sign-ins to a throwaway sandbox never land in the user's cache.
    """
    override = os.environ.get("PROCORE_TOKEN_DIR", "").strip()
    return Path(override).expanduser() if override else config_dir() / "tokens"


def config_file() -> Path:
    """The path of the optional ``config.toml``."""
    return config_dir() / "config.toml"


#: Longest rate-limit wait sat out when somebody is watching (seconds).
ATTENDED_MAX_WAIT: Final = 120.0
#: Longest rate-limit wait sat out in an unattended run: Procore's hourly window and a
#: minute, so that a scheduled job whose pull needs more than the hour's budget waits for
#: the next window instead of failing.
UNATTENDED_MAX_WAIT: Final = 3660.0


def unattended() -> bool:
    """Return True when nobody is there to watch (``PROCORE_NB_UNATTENDED`` is set).

    ``procore-nb run`` and ``procore-nb demo`` set it in the kernels they start; set it
    yourself (``PROCORE_NB_UNATTENDED=1``) when a scheduler runs notebooks another way
    (papermill, ``jupyter nbconvert --execute``).
    """
    return os.environ.get(UNATTENDED_VARIABLE, "").strip().lower() not in {"", "0", "false", "no"}


def default_max_wait() -> float:
    """:data:`UNATTENDED_MAX_WAIT` in an unattended run, else :data:`ATTENDED_MAX_WAIT`."""
    return UNATTENDED_MAX_WAIT if unattended() else ATTENDED_MAX_WAIT


@dataclass(frozen=True)
class ClientConfig:
    """Settings most people never change, grouped so that ``Client()`` stays short.

    Parameters
    ----------
    max_workers:
        Pages fetched at the same time by one list call. ``None`` (the default) sizes the
        wave after the first page from ``Total`` and the rate window Procore announces, so
        that a pull uses the whole window (at most 32 at once; 8 where Procore sends no
        rate-limit headers).
    max_wait:
        Longest rate-limit wait (seconds) the client sits out; a longer announced wait
        raises :class:`~procore_nb.RateLimitError` naming the reset time instead. The
        default is 120 s, or 3,660 s (the hourly window and a minute) in an unattended run
        (``PROCORE_NB_UNATTENDED=1``, set by ``procore-nb run``) and in ``procore-nb
        sync``: a scheduled job that needs more than the hour's requests waits for the
        next window, the wait shown in its progress bar, instead of failing.
    retries:
        Retries of a failed idempotent request (5xx, dropped connection, timeout, 429).
    backoff_factor, backoff_jitter:
        Exponential backoff between retries, plus up to ``backoff_jitter`` random seconds.
    refresh_margin:
        Refresh an access token this many seconds before it expires (at most a quarter
        of its lifetime).
    redirect_uri:
        The registered redirect URI of the app; the default is Procore's out-of-band one.
    clock:
        Returns the current unix time; replaceable in tests.
    lock_timeout:
        Longest wait (seconds) for another process holding the token cache lock.
    deadline:
        Longest time (seconds) one call may take in all: every attempt, the backoff
        between them and reading the body. ``None`` sets no overall limit (each attempt
        still has the client's ``timeout``). Rate-limit waits the client sits out on
        purpose (a ``Retry-After`` or a used-up window, each at most ``max_wait``) do not
        count: Procore said when to come back. When the deadline passes the call raises
        :class:`~procore_nb.ProcoreTimeout` saying how long it waited over how many attempts.
    progress_delay:
        Seconds a pull of several pages runs before its progress bar appears: quick
        pulls show none (``0`` shows it at once).

    Examples
    --------
    >>> from procore_nb import Client, ClientConfig
    >>> client = Client("sandbox", config=ClientConfig(max_workers=4))
    """

    max_workers: int | None = None
    max_wait: float = field(default_factory=default_max_wait)
    retries: int = 5
    backoff_factor: float = 0.5
    backoff_jitter: float = 0.5
    refresh_margin: float = 120.0
    redirect_uri: str = OOB_REDIRECT_URI
    clock: Callable[[], float] = field(default=time.time, repr=False)
    lock_timeout: float = 60.0
    deadline: float | None = 120.0
    progress_delay: float = 1.0

    def __post_init__(self) -> None:
        if self.max_workers is not None:
            whole("ClientConfig.max_workers", self.max_workers, least=1)
        whole("ClientConfig.retries", self.retries, least=0)
        for name in ("max_wait", "backoff_factor", "backoff_jitter", "refresh_margin"):
            check_seconds(f"ClientConfig.{name}", getattr(self, name), zero=True)
        check_seconds("ClientConfig.lock_timeout", self.lock_timeout, zero=True)
        check_seconds("ClientConfig.progress_delay", self.progress_delay, zero=True)
        if self.deadline is not None:
            check_seconds("ClientConfig.deadline", self.deadline)
        if not isinstance(self.redirect_uri, str) or not self.redirect_uri.strip():
            raise ConfigurationError(
                f"ClientConfig.redirect_uri must be the app's redirect URI as text, not "
                f"{self.redirect_uri!r}."
            )
        if not callable(self.clock):
            raise ConfigurationError("ClientConfig.clock must be a function returning unix time.")


@dataclass(frozen=True)
class Settings:
    """Where to connect and as which app: the resolved result of every source."""

    env: str
    api_url: str
    login_url: str
    client_id: str | None
    client_secret: str | None = field(repr=False)
    company_id: int | None
    grant: str
    ca_file: str | None


def _read_config_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except IsADirectoryError:
        raise ConfigurationError(
            f"Cannot read {path}: it is a folder, not a file. Remove it, or put a TOML file there."
        ) from None
    except UnicodeDecodeError as exc:
        raise ConfigurationError(
            f"Cannot read {path}: it is not UTF-8 text (byte {exc.start} is "
            f"0x{exc.object[exc.start]:02x}). Save it as UTF-8, or remove it."
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"Cannot read {path}: {exc}. Fix or remove the file.") from None
    except OSError as exc:
        raise ConfigurationError(
            f"Cannot read {path}: {exc.strerror or exc}. Fix its permissions or remove it."
        ) from None


_KEYS = ("api_url", "login_url", "client_id", "client_secret", "company_id", "grant", "ca_file")


def _checked_type(key: str, value: object, source: str) -> object:
    """``value`` if it has the type setting ``key`` takes, else a ConfigurationError."""
    if key == "company_id":
        try:
            return parse_company_id(value)
        except ConfigurationError as exc:
            raise ConfigurationError(f"{exc} (from {_source_name(key, source)})") from None
    if isinstance(value, str):
        if "\x00" in value:
            raise ConfigurationError(
                f"{key} from {_source_name(key, source)} holds a NUL character: give it as "
                "plain text."
            )
        return value.strip()
    if isinstance(value, os.PathLike) and key == "ca_file":
        return os.fspath(value)
    kinds = {
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a table",
    }
    kind = kinds.get(type(value), type(value).__name__)
    quotes = " (put it in quotes in config.toml)" if " in " in source else ""
    raise ConfigurationError(
        f"{key} from {_source_name(key, source)} must be text, not {kind}{quotes}."
    )


def _source_name(key: str, source: str) -> str:
    if source == "environment variable":
        return f"PROCORE_{key.upper()}"
    if source == "argument":
        return f"the {key}= argument"
    return source


def _first(*values: object) -> Any:
    for value in values:
        if value is not None and value != "":
            return value
    return None


def _resolve_env(env: str | None, api_url: str | None, file_env: object) -> str:
    # A blank variable counts as unset (docs/bad-input.md), like every other PROCORE_*.
    named = os.environ.get("PROCORE_ENV", "").strip()
    url = os.environ.get("PROCORE_API_URL", "").strip()
    if env is not None:
        name = env
    elif api_url is not None:
        name = CUSTOM_ENV
    elif named:
        name = named
        if url and name.lower() != CUSTOM_ENV:
            raise ConfigurationError(
                f"Both PROCORE_ENV={name!r} and PROCORE_API_URL are set: unset one of them "
                "(or set PROCORE_ENV=custom to use PROCORE_API_URL)."
            )
    elif url:
        name = CUSTOM_ENV
    else:
        if file_env is not None and not isinstance(file_env, str):
            raise ConfigurationError(
                f'env in {config_file()} must be text such as "sandbox", not '
                f"{type(file_env).__name__}."
            )
        name = file_env or DEFAULT_ENV
    if not isinstance(name, str):
        raise ConfigurationError(
            f"env must be the name of an environment as text, not {type(name).__name__}."
        )
    name = name.strip().lower()
    if name not in ENVIRONMENTS and name != CUSTOM_ENV:
        known = ", ".join([*ENVIRONMENTS, CUSTOM_ENV])
        raise ConfigurationError(f"Unknown Procore environment {name!r}; use one of: {known}.")
    return name


def resolve_settings(
    env: str | None = None,
    *,
    explicit: Mapping[str, Any],
) -> Settings:
    """Combine ``explicit`` arguments, ``PROCORE_*`` variables and ``config.toml``.

    ``explicit`` maps the names ``api_url``, ``login_url``, ``client_id``,
    ``client_secret``, ``company_id``, ``grant`` and ``ca_file`` to the values given to
    the client (``None`` for not given). No network I/O happens here.
    """
    path = config_file()
    file = _read_config_file(path)
    name = _resolve_env(env, explicit.get("api_url"), file.get("env"))
    table = file.get(name, {})
    if not isinstance(table, dict):
        raise ConfigurationError(f"[{name}] in {path} must be a table of settings.")

    sources = {
        "argument": explicit,
        "environment variable": {k: os.environ.get(f"PROCORE_{k.upper()}") for k in _KEYS},
        f"[{name}] in {path}": table,
    }

    def pick(key: str) -> Any:
        for source, values in sources.items():
            value = values.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            return _checked_type(key, value, source)
        return None

    if name == CUSTOM_ENV:
        api_url = pick("api_url")
        if api_url is None:
            raise ConfigurationError(
                "The custom environment needs an API URL: pass api_url=..., set "
                f"PROCORE_API_URL, or put api_url under [custom] in {path}."
            )
        default_login = api_url
    elif explicit.get("api_url") is not None:
        raise ConfigurationError(
            f"Give either env={name!r} or api_url=..., not both (use env='custom' "
            "with api_url for a server of your own)."
        )
    else:
        # PROCORE_API_URL never reaches a named environment (see _resolve_env).
        api_url = table.get("api_url") or ENVIRONMENTS[name][1]
        default_login = api_url if table.get("api_url") else ENVIRONMENTS[name][0]
    if not isinstance(api_url, str):
        raise ConfigurationError(
            f"api_url in [{name}] of {path} must be text, not {type(api_url).__name__}."
        )
    api_url = check_url(str(api_url), what="API URL")
    login_url = check_url(str(_first(pick("login_url"), default_login)), what="login URL")

    grant = str(_first(pick("grant"), "authorization_code")).strip().lower()
    if grant not in GRANTS:
        raise ConfigurationError(f"Unknown grant {grant!r}; use one of: {', '.join(GRANTS)}.")
    ca_file = pick("ca_file")
    if ca_file is not None:
        check_ca_file(str(ca_file))
    client_id = pick("client_id")
    secret = pick("client_secret")
    return Settings(
        env=name,
        api_url=api_url,
        login_url=login_url,
        client_id=str(client_id).strip() if client_id is not None else None,
        client_secret=str(secret).strip() if secret is not None else None,
        company_id=pick("company_id"),
        grant=grant,
        ca_file=str(ca_file) if ca_file is not None else None,
    )


def missing_credentials_message(settings: Settings, *, need_secret: bool) -> str:
    """Say which app credential is missing and every way to provide it."""
    what = "client id and secret" if need_secret else "client id"
    return (
        f"No Procore {what} for the {settings.env} environment. Set PROCORE_CLIENT_ID "
        "and PROCORE_CLIENT_SECRET, pass client_id=... and client_secret=... to Client(), "
        f"or put them under [{settings.env}] in {config_file()}. They come from your app's "
        "page on the Procore Developer Portal (sandbox and production credentials differ)."
    )
