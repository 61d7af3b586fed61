"""Failures to talk to Procore, from requests' and urllib3's exceptions into the error tree.

:func:`translate_errors` wraps every request: a TLS failure, a timeout, retries that ran
out (or the call's deadline), a connection that could not be made and an answer that is
not HTTP each become a :class:`~procore_nb.TransportError` (or
:class:`~procore_nb.ProcoreTimeout`) saying what happened and what to do.
"""

from __future__ import annotations

import contextlib
import http.client
import re
from collections.abc import Iterator

import requests
from urllib3.exceptions import HTTPError, ReadTimeoutError

from procore_nb._exceptions import ProcoreTimeout, TransportError
from procore_nb.api._retry import Deadline, DeadlineReachedError, current_deadline, deadline_error

__all__ = ["translate_errors"]


class _TimedOutError(Exception):
    """A read timeout that requests reported as a connection error."""


@contextlib.contextmanager
def translate_errors(method: str, url: str) -> Iterator[None]:
    """Turn ``requests``' and urllib3's exceptions into :class:`TransportError` (and its kin)."""
    try:
        try:
            yield
        except requests.exceptions.ConnectionError as exc:
            # requests reports read timeouts that exhausted the retries as ConnectionError.
            reason = getattr(exc.args[0] if exc.args else None, "reason", None)
            if isinstance(reason, DeadlineReachedError):
                raise deadline_error(method, url, _deadline(), _root_cause(exc)) from exc
            if isinstance(reason, ReadTimeoutError):
                raise _TimedOutError from exc
            raise
    except requests.exceptions.SSLError as exc:
        if _plain_port(exc):
            raise TransportError(
                f"{method} {url}: this port does not speak HTTPS (it answered the TLS "
                "handshake in plain text, as an http:// server does). Use the http:// URL for "
                "a local server such as the sandbox without --tls, or the port that serves "
                "HTTPS.",
                method=method,
                url=url,
            ) from exc
        raise TransportError(
            f"{method} {url}: the TLS certificate could not be verified. For a server with "
            "its own certificate authority (the sandbox's --tls), pass ca_file= or set "
            "PROCORE_CA_FILE to its CA file.",
            method=method,
            url=url,
        ) from exc
    except (requests.exceptions.Timeout, _TimedOutError) as exc:
        deadline = _deadline()
        if deadline.expired():
            raise deadline_error(method, url, deadline, "a timeout") from exc
        raise ProcoreTimeout(
            f"{method} {url}: no answer in time ({deadline.describe()}). Procore may be slow "
            "or unreachable; try again, or allow longer with Client(timeout=...).",
            method=method,
            url=url,
        ) from exc
    except requests.exceptions.RetryError as exc:
        reason = getattr(exc.args[0] if exc.args else None, "reason", None)
        if isinstance(reason, DeadlineReachedError):
            raise deadline_error(method, url, _deadline(), _root_cause(exc)) from exc
        raise TransportError(
            f"{method} {url}: still failing after retries ({_deadline().describe()}: "
            f"{_root_cause(exc)}). Try again later.",
            method=method,
            url=url,
        ) from exc
    except requests.exceptions.ConnectionError as exc:
        if _unreadable_http(exc):
            raise TransportError(
                f"{method} {url}: the server answered with a status line or headers that are "
                f"not HTTP ({_root_cause(exc)}). Check that the URL points at Procore's API.",
                method=method,
                url=url,
            ) from exc
        raise TransportError(
            f"{method} {url}: could not reach the server ({_root_cause(exc)}). Check the "
            "network and the URL; it is safe to try again.",
            method=method,
            url=url,
        ) from exc
    except (requests.exceptions.RequestException, HTTPError, http.client.HTTPException) as exc:
        # Whatever else requests or urllib3 could not make sense of: a header or status
        # line that does not parse, a URL a redirect made up, a body that cannot decode.
        raise TransportError(
            f"{method} {url}: the server's answer could not be read ({type(exc).__name__}: "
            f"{_root_cause(exc)}). Check that the URL points at Procore's API.",
            method=method,
            url=url,
        ) from exc


#: What OpenSSL says when the other end answers the handshake with something not TLS.
_NOT_TLS = ("wrong version number", "record layer failure", "unknown protocol", "http request")


def _plain_port(exc: BaseException) -> bool:
    """Whether a TLS failure is a plain (non-TLS) server on the other end, not a certificate."""
    text = str(exc).lower()
    return "certificate" not in text and any(mark in text for mark in _NOT_TLS)


def _deadline() -> Deadline:
    return current_deadline() or Deadline(None)


def _unreadable_http(exc: BaseException) -> bool:
    """Whether ``exc`` wraps http.client refusing what the server sent (not a lost connection)."""
    seen: list[BaseException] = [exc]
    for item in seen:
        seen += [a for a in getattr(item, "args", ()) if isinstance(a, BaseException)]
        seen += [e for e in (item.__cause__, item.__context__) if e is not None and e not in seen]
        if len(seen) > 20:
            break
    return any(
        isinstance(e, http.client.HTTPException) and not isinstance(e, ConnectionError)
        for e in seen
    )


def _root_cause(exc: BaseException) -> str:
    while exc.__cause__ is not None or exc.__context__ is not None:
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]  # loop ends at a non-None
    reason = getattr(exc, "reason", None)
    text = str(reason if reason is not None else exc)
    return re.sub(r"<[^>]*>", "", text).strip(" :") or type(exc).__name__
