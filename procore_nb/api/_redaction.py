"""Keeping secrets out of URLs shown in messages and out of log records.

requests-oauthlib logs request and response bodies at DEBUG, tokens and secrets
included. :func:`guard_oauth_logs` puts a filter on its loggers (and oauthlib's) that
rewrites each record through :func:`redact_secrets` before any handler sees it.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["guard_oauth_logs", "redact_secrets", "redact_url"]

_SECRET_PARAMS = re.compile(r"(token|secret|password|code|assertion)", re.IGNORECASE)
_SECRET_VALUE = re.compile(
    r"""((?:access_token|refresh_token|client_secret|id_token|password|code|token)"""
    r"""['"]?\s*[:=]\s*['"]?)[^'"&\s,}]+""",
    re.IGNORECASE,
)
_CREDENTIAL_HEADER = re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE)


def redact_url(url: str) -> str:
    """``url`` with the values of secret-looking query parameters replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<a URL that does not parse>"
    if parts.username or parts.password:
        host = parts.hostname or ""
        host = f"[{host}]" if ":" in host else host
        port = f":{parts.port}" if _has_port(parts) else ""
        parts = parts._replace(netloc=f"***@{host}{port}")
    if not parts.query:
        return urlunsplit(parts)
    query = [
        (k, "***" if _SECRET_PARAMS.search(k) else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(query, safe="[]:,.")))


def _has_port(parts: SplitResult) -> bool:
    try:
        return parts.port is not None
    except ValueError:
        return False


def redact_secrets(text: str) -> str:
    """``text`` with token, code, secret and password values and auth headers replaced.

    Examples
    --------
    >>> redact_secrets("code=abc&client_secret=xyz")
    'code=***&client_secret=***'
    """
    text = _CREDENTIAL_HEADER.sub(r"\1 ***", text)
    return _SECRET_VALUE.sub(r"\1***", text)


class _RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact_secrets(record.getMessage()), ()
        return True


def guard_oauth_logs() -> None:
    """Redact the OAuth libraries' log records (idempotent)."""
    # A logger's filters apply only to records logged on that very logger, so attach
    # the filter to each of the OAuth libraries' module loggers (they exist once imported).
    guard = _RedactSecrets()
    names = [
        name
        for name in list(logging.root.manager.loggerDict)
        if name.split(".")[0] in {"requests_oauthlib", "oauthlib"}
    ]
    for name in [*names, "requests_oauthlib.oauth2_session", "oauthlib"]:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactSecrets) for f in logger.filters):
            logger.addFilter(guard)
