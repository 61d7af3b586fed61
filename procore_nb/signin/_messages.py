"""What to tell a person about signing in: the texts every sign-in flow shows alike.

The widget, the terminal prompt and the cascade share these, so that each outcome reads
the same everywhere. None of them ever contains a token, code, secret or password.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from procore_nb._exceptions import (
    AuthenticationError,
    ConfigurationError,
    ProcoreError,
    ResponseError,
    ServerError,
    TransportError,
)
from procore_nb.api._client import Client
from procore_nb.api._config import config_file
from procore_nb.signin._notebook import in_notebook

#: Appended by the client to ``NotSignedInError`` while the login widget waits for a code.
SIGN_IN_HINT = "finish signing in in the cell above"

EMPTY_CODE = (
    "The code box is empty: paste the code Procore showed after you pressed Allow, "
    "then press Sign in."
)
CODE_REJECTED = (
    "Procore did not accept that code (invalid_grant): "
    "codes are single-use and expire after 10 minutes: open the link again."
)
_CLIENT_REJECTED = (
    "Procore did not accept this app's client id or client secret (invalid_client) for {env}. "
    "Credentials only work in the environment they were created for: an app from the "
    "developer sandbox needs env='sandbox', a production app env='production'. Check "
    "PROCORE_ENV, PROCORE_CLIENT_ID and PROCORE_CLIENT_SECRET."
)
_UNREACHABLE = (
    "Could not reach Procore at {url} ({reason}). Check the network connection, VPN or "
    "proxy. Nothing was signed in, so it is safe to retry: {retry}."
)
_SERVER_FAILED = (
    "Procore had a server error ({status}{request}). This is on Procore's side: wait a "
    "minute and retry ({retry}); if Procore then rejects the code, open the link again."
)
#: Transport failures that name their cause better than "could not reach".
_TLS_MARKS = ("does not speak HTTPS", "TLS certificate")
_UNEXPECTED = "Signing in failed unexpectedly with {kind}: {text}"

# ``name=value`` (URLs, forms), ``"name": "value"`` (JSON, reprs) and bearer headers; a bare
# ``name: value`` is left alone so that "status code: 502" survives.
_SECRET_FIELD = re.compile(
    r"""\b(?P<name>access_token|refresh_token|client_secret|password|code|token|secret)"""
    r"""(?P<sep>\s*=\s*["']?|["']\s*:\s*["']?)[^\s&"',;}]+"""
    r"""|\b(?P<bearer>Bearer\s+)[^\s"',;}]+""",
    re.IGNORECASE,
)


class _Once(logging.Filter):
    """Lets each distinct warning through once per process (a rerun says nothing new)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[tuple[str, int, str]] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.levelno, record.getMessage())
        if key in self.seen:
            return False
        self.seen.add(key)
        return True


_ONCE = _Once()
#: The loggers whose warnings a person sees while signing in: the token cache's.
_SIGN_IN_LOGGERS = ("procore_nb.api._tokens",)


def warn_once() -> None:
    """Show each warning about the token cache once per process, however many times the
    cache is read (a restore, then a call that restores again, or a rerun login cell)."""
    for name in _SIGN_IN_LOGGERS:
        logger = logging.getLogger(name)
        if _ONCE not in logger.filters:
            logger.addFilter(_ONCE)


def env_label(client: Client) -> str:
    """Name the environment for people: ``"sandbox"``, or ``"custom (URL)"`` for other hosts."""
    return client.env if client.env != "custom" else f"custom ({client.api_url})"


def signed_in_text(client: Client, *, how: str | None = None) -> str:
    """Ask Procore who the token belongs to: ``"Signed in as NAME (LOGIN) · ENV"``.

    ``how`` (``"service account"``, ``"cached sign-in"``) goes between the two.
    """
    me = client.me()
    name = me.get("name") or "an unnamed user"
    who = f"{name} ({me['login']})" if me.get("login") else name
    parts = [f"Signed in as {who}", *([how] if how else []), env_label(client)]
    return " · ".join(parts)


def no_unattended_sign_in(client: Client) -> str:
    """Say that nobody can paste a code in an unattended run, and what works instead."""
    problem = missing_credentials(client, terminal=True)
    return (
        f"No sign-in that works without a person for {env_label(client)}: an unattended run "
        "cannot wait for someone to paste a code. Either use a service account (set "
        "PROCORE_GRANT=client_credentials with the app's PROCORE_CLIENT_ID and "
        "PROCORE_CLIENT_SECRET), or sign in once with 'procore-nb login' in a terminal (the "
        "token is cached and refreshed on its own), then run again."
        + (f" Also: {problem}" if problem else "")
    )


def missing_credentials(client: Client, *, terminal: bool | None = None) -> str | None:
    """Say how to set the client id or secret when one is missing, else return None.

    ``terminal`` words it for a shell (``export``, "run the command again") rather than a
    notebook ("before starting Jupyter", "run this cell again"); by default, for wherever
    this process is.
    """
    missing = [
        name
        for name, present in (
            ("PROCORE_CLIENT_ID", bool(client.client_id)),
            ("PROCORE_CLIENT_SECRET", client.has_client_secret),
        )
        if not present
    ]
    if not missing:
        return None
    what = " and ".join(missing)
    section = client.env if client.env != "custom" else "custom"
    lacking = what.replace("PROCORE_", "").replace("_", " ").lower()
    where = f"under [{section}] in {config_file()}"
    if terminal if terminal is not None else not in_notebook():
        exports = " ".join(f"{name}=..." for name in missing)
        return (
            f"No {lacking} for {env_label(client)}: set {what} in the environment (export "
            f"{exports} in this shell), or put client_id and client_secret {where}; then run "
            "the command again. Both come from your app on developers.procore.com; never "
            "give the secret on a command line."
        )
    return (
        f"No {lacking} for {env_label(client)}: "
        f"set {what} in the environment before starting Jupyter, or put client_id and "
        f"client_secret {where}; then run this cell again. "
        "Both come from your app on developers.procore.com; never paste the secret into a notebook."
    )


def explain(
    exc: BaseException,
    client: Client,
    *,
    retry: str = "try again",
    hide: Iterable[str] = (),
    terminal: bool | None = None,
) -> str:
    """Turn a sign-in failure into one line that says what happened and what to do next.

    ``retry`` says how to retry where that is safe; every string in ``hide`` (and anything
    that looks like a token, code or secret field) is blanked out of the text; ``terminal``
    words advice for a shell rather than a notebook (default: wherever this process is).
    """
    if isinstance(exc, ConfigurationError):
        text = missing_credentials(client, terminal=terminal) or str(exc)
    elif isinstance(exc, AuthenticationError) and _oauth_error(exc) == "invalid_grant":
        text = CODE_REJECTED
    elif isinstance(exc, AuthenticationError) and _oauth_error(exc) == "invalid_client":
        text = _CLIENT_REJECTED.format(env=env_label(client))
    elif isinstance(exc, TransportError) and any(m in str(exc) for m in _TLS_MARKS):
        text = str(exc)  # the port or the certificate: retrying the same will not help
    elif isinstance(exc, TransportError | ConnectionError | TimeoutError):
        reason = "no answer in time" if isinstance(exc, TimeoutError) else "connection failed"
        text = _UNREACHABLE.format(url=client.login_url, reason=reason, retry=retry)
    elif isinstance(exc, ServerError):
        request = f", request id {exc.request_id}" if exc.request_id else ""
        text = _SERVER_FAILED.format(status=exc.status or "5xx", request=request, retry=retry)
    elif isinstance(exc, ProcoreError):
        text = str(exc)
    else:
        text = _UNEXPECTED.format(kind=type(exc).__name__, text=str(exc) or "(no message)")
    return redact(text, hide)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Blank out each of ``secrets`` and every ``token=…``-like field in ``text``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return _SECRET_FIELD.sub(_blank_field, text)


def _blank_field(match: re.Match[str]) -> str:
    if match["bearer"]:
        return f"{match['bearer']}***"
    return f"{match['name']}{match['sep']}***"


def _oauth_error(exc: AuthenticationError | ResponseError) -> str | None:
    """The Doorkeeper error name (``invalid_grant``...) on an exception, if Procore sent one."""
    error = getattr(exc, "error", None)
    if isinstance(error, str):
        return error
    body = exc.body
    return body.get("error") if isinstance(body, dict) else None
