"""The sandbox's options: one dataclass, shared by the Python API, the CLI and ``/_sandbox/config``.

Every option is a keyword argument of :class:`~procore_nb.sandbox.Sandbox` and a flag of
``procore-nb sandbox`` (underscores become dashes), so the three stay in step by construction.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import ipaddress
import os
from collections.abc import Mapping
from typing import Any

from procore_nb._constants import DEFAULT_TOKEN_LIFETIME, OOB_REDIRECT_URI

#: Registered redirect URIs of the demo app unless told otherwise.
DEFAULT_REDIRECT_URIS = (OOB_REDIRECT_URI, "http://127.0.0.1/callback")

_HELP: dict[str, str] = {
    "host": "address to bind (loopback only unless --allow-remote)",
    "port": "port to bind; 0 picks a free one",
    "allow_remote": "allow binding a non-loopback address",
    "tls": "serve HTTPS with a freshly generated local CA (its path is printed)",
    "state_dir": "directory for ca.pem and the certificate (default: a fresh temporary one)",
    "client_id": "the demo app's client id",
    "client_secret": "the demo app's client secret",
    "redirect_uri": "a registered redirect URI of the demo app (repeat for several)",
    "login": "the demo user's login (a company admin)",
    "password": "the demo user's password",
    "other_login": "a second, non-admin demo user's login",
    "other_password": "the second demo user's password",
    "service_client_id": "the service account's client id (client_credentials grant)",
    "service_client_secret": "the service account's client secret",
    "seed": "seed of the generated data and of injected faults",
    "companies": "number of companies",
    "projects": "number of projects in the main company",
    "today": "the day the data is as of and the sandbox clock starts on (default: today, UTC)",
    "token_lifetime": "access-token lifetime in seconds (expires_in)",
    "rate_limit_hourly": "requests per hour per app and user",
    "rate_limit_spike": "requests per spike window per app and user",
    "spike_window": "length of the spike window in seconds",
    "latency": "seconds added to every REST answer",
    "latency_per_record": "seconds added per record returned",
    "error_rate": "fraction of REST requests answered 500, 502 or 503",
    "throttle_rate": "fraction of REST requests answered 429",
    "throttle_wait": "seconds announced in Retry-After on injected 429 and 503",
    "drop_rate": "fraction of REST requests whose connection drops mid-response",
    "fault_oauth": "also inject faults into POST /oauth/token",
}


@dataclasses.dataclass
class Options:
    """Everything that shapes one sandbox. See ``docs/sandbox.md`` for the meaning of each.

    Secrets are demo values for a local server; ``repr`` leaves them out all the same.
    """

    host: str = "127.0.0.1"
    port: int = 0
    allow_remote: bool = False
    tls: bool = False
    state_dir: str | None = None
    client_id: str = "sandbox-app"
    client_secret: str = dataclasses.field(default="sandbox-secret", repr=False)
    redirect_uri: tuple[str, ...] = DEFAULT_REDIRECT_URIS
    login: str = "joe.builder@acme.com"
    password: str = dataclasses.field(default="sandbox-password", repr=False)
    other_login: str = "pat.foreman@acme.com"
    other_password: str = dataclasses.field(default="sandbox-password-2", repr=False)
    service_client_id: str = "sandbox-service"
    service_client_secret: str = dataclasses.field(default="sandbox-service-secret", repr=False)
    seed: int = 0
    companies: int = 4
    projects: int = 400
    today: str | dt.date | None = None  # kept as "YYYY-MM-DD"; None: the real date
    token_lifetime: int = DEFAULT_TOKEN_LIFETIME
    rate_limit_hourly: int = 3600
    rate_limit_spike: int = 25
    spike_window: float = 10.0
    latency: float = 0.0
    latency_per_record: float = 0.0
    error_rate: float = 0.0
    throttle_rate: float = 0.0
    throttle_wait: int = 1
    drop_rate: float = 0.0
    fault_oauth: bool = False

    def __post_init__(self) -> None:
        self.redirect_uri = tuple(self.redirect_uri)
        if isinstance(self.today, dt.date):
            if isinstance(self.today, dt.datetime):
                raise ValueError(
                    f"today must be a date, not a datetime ({self.today!r}): pass .date() of it"
                )
            self.today = self.today.isoformat()
        check(self)

    def public(self) -> dict[str, Any]:
        """The options as JSON-able data (secrets included: they are local demo values)."""
        return dataclasses.asdict(self)


#: Options ``/_sandbox/config`` may change while the server runs.
RUNTIME = frozenset(
    {
        "token_lifetime",
        "rate_limit_hourly",
        "rate_limit_spike",
        "spike_window",
        "latency",
        "latency_per_record",
        "error_rate",
        "throttle_rate",
        "throttle_wait",
        "drop_rate",
        "fault_oauth",
    }
)

_FIELDS = {f.name: f for f in dataclasses.fields(Options)}


def check(options: Options) -> None:
    """Raise ``ValueError`` naming the first option whose value cannot work."""
    for name in ("error_rate", "throttle_rate", "drop_rate"):
        if not 0.0 <= getattr(options, name) <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1")
    if options.error_rate + options.throttle_rate + options.drop_rate > 1.0:
        raise ValueError("error_rate + throttle_rate + drop_rate must not exceed 1")
    for name in ("latency", "latency_per_record", "port", "throttle_wait"):
        if getattr(options, name) < 0:
            raise ValueError(f"{name} must not be negative")
    for name in ("token_lifetime", "rate_limit_hourly", "rate_limit_spike", "spike_window"):
        if getattr(options, name) <= 0:
            raise ValueError(f"{name} must be positive")
    _check_place(options)
    if options.companies < 2:
        raise ValueError("companies must be at least 2 (one of them is hidden from the demo user)")
    if options.projects < 1:
        raise ValueError("projects must be at least 1")
    if options.today is not None:
        day_of(options.today)
    if not options.allow_remote and not is_loopback(options.host):
        raise ValueError(
            f"host {options.host!r} is not a loopback address: pass allow_remote=True "
            "(--allow-remote) to serve other machines"
        )


def _check_place(options: Options) -> None:
    """The port and the state folder: checked before anything binds or writes."""
    if options.port > 65535:
        raise ValueError(
            f"port must be between 0 and 65535 (0 picks a free one), not {options.port}"
        )
    state = options.state_dir
    if state is not None and os.path.exists(state) and not os.path.isdir(state):
        raise ValueError(
            f"state_dir {state!r} is a file, not a folder: name a folder (it is created if missing)"
        )


#: The days ``today`` may name: the data reaches ten years before it, and 2000 is day 0.
EARLIEST_TODAY, LATEST_TODAY = dt.date(2010, 1, 1), dt.date(2059, 12, 31)


def day_of(value: object) -> dt.date:
    """The date an option ``today`` names (``"YYYY-MM-DD"``), or ``ValueError`` saying why not."""
    text = value.isoformat() if isinstance(value, dt.date) else value
    try:
        if not isinstance(text, str) or len(text) != 10:
            raise ValueError(text)
        found = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"today must be a date as YYYY-MM-DD (for example 2025-12-31), not {value!r}"
        ) from None
    if not EARLIEST_TODAY <= found <= LATEST_TODAY:
        raise ValueError(f"today must be between {EARLIEST_TODAY} and {LATEST_TODAY}, not {found}")
    return found


def today_of(options: Options) -> dt.date:
    """The sandbox's today: the pinned ``today``, else the real date (UTC)."""
    if options.today is None:
        return dt.datetime.now(dt.UTC).date()
    return day_of(options.today)


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def coerce(name: str, value: Any) -> Any:
    """``value`` converted to the type of option ``name`` (``ValueError`` when it cannot be)."""
    field = _FIELDS.get(name)
    if field is None:
        raise ValueError(f"unknown option {name!r}")
    kind: Any = type(field.default)
    if kind is bool:
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be true or false")
        return value
    if kind in (int, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{name} must be a number")
        if kind is int and value != int(value):
            raise ValueError(f"{name} must be a whole number")
        return kind(value)
    return value


def updated(options: Options, changes: Mapping[str, Any]) -> Options:
    """A copy of ``options`` with runtime ``changes`` applied and checked."""
    unknown = set(changes) - set(_FIELDS)
    if unknown:
        raise ValueError(f"unknown option(s) {', '.join(sorted(unknown))}")
    fixed = set(changes) - RUNTIME
    if fixed:
        raise ValueError(
            f"cannot change {', '.join(sorted(fixed))} while running; "
            f"runtime options are {', '.join(sorted(RUNTIME))}"
        )
    values = {name: coerce(name, value) for name, value in changes.items()}
    return dataclasses.replace(options, **values)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add one flag per option to ``parser`` (``--name-with-dashes``)."""
    for field in dataclasses.fields(Options):
        flag = "--" + field.name.replace("_", "-")
        help_ = _HELP[field.name]
        default = field.default
        if isinstance(default, bool):
            parser.add_argument(flag, action="store_true", help=help_)
        elif isinstance(default, tuple):
            parser.add_argument(
                flag,
                action="append",
                metavar="URI",
                help=f"{help_} (default: {', '.join(default)})",
            )
        elif default is None:
            metavar = "YYYY-MM-DD" if field.name == "today" else "PATH"
            parser.add_argument(flag, metavar=metavar, help=help_)
        else:
            parser.add_argument(
                flag, type=type(default), default=default, help=f"{help_} (default: {default})"
            )


def from_namespace(namespace: argparse.Namespace) -> Options:
    """Options from parsed flags (unset repeatable flags keep their defaults)."""
    values = {f.name: getattr(namespace, f.name) for f in dataclasses.fields(Options)}
    if values["redirect_uri"] is None:
        values["redirect_uri"] = DEFAULT_REDIRECT_URIS
    return Options(**values)


def to_argv(options: Options) -> list[str]:
    """Flags that rebuild ``options`` in another process."""
    argv: list[str] = []
    for field in dataclasses.fields(Options):
        value = getattr(options, field.name)
        flag = "--" + field.name.replace("_", "-")
        if isinstance(value, bool):
            argv += [flag] if value else []
        elif isinstance(value, tuple):
            for item in value:
                argv += [flag, item]
        elif value is not None:
            argv += [flag, str(value)]
    return argv
