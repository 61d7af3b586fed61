"""HTTP to Procore: one ``requests`` session, retries, pacing, and answers turned into errors.

- :class:`ProcoreRetry` is urllib3's ``Retry`` taught Procore's rules: 5xx, dropped
  connections and timeouts on idempotent requests retry with exponential backoff and
  jitter; 429 and 503 wait ``Retry-After``, else until ``X-Rate-Limit-Reset``; an
  announced wait longer than ``max_wait`` is not sat out but answered with
  :class:`~procore_nb.RateLimitError`.
- :class:`Transport` sends requests through it, paced by :class:`~procore_nb.api._pacing.RateGate`,
  and reads each body inside the retry policy, so that a connection dropped mid-body is
  retried like one dropped before the headers. The bearer token is asked for after the
  pacing wait, right before sending, so that a long wait never sends an expired token.
- :func:`translate_errors` turns ``requests``' connection failures into the error tree
  (answers are turned into errors by :mod:`procore_nb.api._responses`).

Nothing here logs or formats a header or a token: log lines and messages carry the
method, the URL (with secret-looking query values redacted), the status and Procore's
request id.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import logging
import platform
import re
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Self

import requests
import requests.adapters
from urllib3.exceptions import MaxRetryError, ProtocolError, ReadTimeoutError
from urllib3.exceptions import ResponseError as UrllibResponseError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from procore_nb._constants import REQUEST_ID_HEADER
from procore_nb._exceptions import (
    ProcoreTimeout,
    TransportError,
)
from procore_nb.api._config import is_testing
from procore_nb.api._pacing import RateGate, seconds_until_reset
from procore_nb.api._redaction import redact_url
from procore_nb.api._responses import Reply, malformed_response
from procore_nb.api._usage import Usage

__all__ = ["ProcoreRetry", "Transport", "translate_errors", "user_agent"]

log = logging.getLogger(__name__)


def user_agent() -> str:
    """``procore_nb/<version> requests/<version> Python/<version>``."""
    try:
        version = importlib.metadata.version("procore_nb")
    except importlib.metadata.PackageNotFoundError:
        version = "0+unknown"
    return (
        f"procore_nb/{version} requests/{requests.__version__} Python/{platform.python_version()}"
    )


class ProcoreRetry(Retry):
    """urllib3's ``Retry`` with Procore's rate-limit rules and a testing switch.

    Parameters beyond ``Retry``'s
    -----------------------------
    max_wait:
        Longest announced wait to sit out; longer ones return the 429/503 to the caller.
    gate:
        Told of every announced wait, so that other threads pause too.
    """

    def __init__(
        self,
        *args: Any,
        max_wait: float = 120.0,
        gate: RateGate | None = None,
        usage: Usage | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.max_wait = max_wait
        self.gate = gate
        self.usage = usage

    def new(self, **kw: Any) -> Self:
        """Copy the policy, keeping ``max_wait`` and ``gate`` (``Retry.new`` drops them)."""
        retry = super().new(**kw)
        retry.max_wait = self.max_wait
        retry.gate = self.gate
        retry.usage = self.usage
        return retry

    def get_backoff_time(self) -> float:
        """Exponential backoff with jitter, or nothing under :func:`set_testing`."""
        return 0.0 if is_testing() else super().get_backoff_time()

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        """``Retry-After`` if present, else the time until ``X-Rate-Limit-Reset`` (429/503)."""
        seconds = super().get_retry_after(response)
        if seconds is None and response.status in {429, 503}:
            seconds = seconds_until_reset(response.headers)
        return seconds

    def sleep_for_retry(self, response: BaseHTTPResponse) -> bool:
        """Sit out the announced wait, pausing the other threads' requests as well."""
        seconds = self.get_retry_after(response)
        if not seconds:
            return False
        if self.gate is not None:
            kind = "rate limit" if response.status == 429 else "busy"
            reason = f"Procore answered {response.status} ({kind}) with Retry-After"
            self.gate.pause(seconds, reason=reason)
        time.sleep(seconds)
        return True

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Self:
        """Count a retry; give the response back when its announced wait is too long."""
        if response is not None and self.usage is not None:
            self.usage.retried()  # an answer Procore counted against the rate limit too
        if response is not None and response.status in {429, 503}:
            wait = self.get_retry_after(response)
            if wait is not None and wait > self.max_wait:
                # With raise_on_status=False, urllib3 hands this response to the caller.
                reason = UrllibResponseError(f"announced wait {wait:.0f} s > max_wait")
                raise MaxRetryError(_pool, url, reason)
        return super().increment(method, url, response, error, _pool, _stacktrace)


class _BodyError(Exception):
    """A body that broke off, or a 2xx body that is not JSON: retried like a read error."""

    def __init__(self, message: str, reply: Reply | None = None) -> None:
        super().__init__(message)
        self.reply = reply


class Transport:
    """A thread-safe HTTP sender for one client.

    Parameters
    ----------
    ca_file:
        PEM file of an extra certificate authority to trust (the sandbox's ``--tls`` CA);
        ``None`` trusts the usual ones.
    timeout:
        Seconds to wait for a connection and for each read.
    retries, backoff_factor, backoff_jitter, max_wait:
        The retry policy (see :class:`ProcoreRetry`).
    pool_size:
        Connections kept per host, at least the number of concurrent page fetches.
    """

    def __init__(
        self,
        *,
        ca_file: str | None = None,
        timeout: float = 30.0,
        retries: int = 5,
        backoff: tuple[float, float] = (0.5, 0.5),
        max_wait: float = 120.0,
        pool_size: int = 10,
    ) -> None:
        self.timeout = timeout
        self.gate = RateGate(max_wait=max_wait)
        #: Requests answered and bytes received, for callers that account for them.
        self.usage = Usage()
        self.retry = ProcoreRetry(
            total=retries,
            other=0,  # TLS verification failures and the like do not heal by retrying
            status_forcelist={429, 500, 502, 503, 504},
            backoff_factor=backoff[0],
            backoff_jitter=backoff[1],
            raise_on_status=False,
            max_wait=max_wait,
            gate=self.gate,
            usage=self.usage,
        )
        self.ca_file = ca_file
        self.session = requests.Session()
        self.prepare(self.session, pool_size=pool_size)

    def prepare(self, session: requests.Session, *, pool_size: int = 2) -> None:
        """Give ``session`` (such as an ``OAuth2Session``) this transport's TLS trust,
        User-Agent and retry policy (which never retries a POST that reached Procore)."""
        adapter = requests.adapters.HTTPAdapter(
            max_retries=self.retry, pool_connections=4, pool_maxsize=pool_size
        )
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        session.verify = self.verify
        session.headers["User-Agent"] = user_agent()
        session.headers["Accept"] = "application/json"

    @property
    def verify(self) -> str | bool:
        """What to give ``requests`` as ``verify=`` on every call.

        Passed per request because a session's ``verify`` loses to ``REQUESTS_CA_BUNDLE``
        whenever a request leaves it unset.
        """
        return self.ca_file or True

    def close(self) -> None:
        """Close pooled connections."""
        self.session.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        data: Mapping[str, Any] | None = None,
        bearer: str | Callable[[], str] | None = None,
    ) -> Reply:
        """Send one request (retried and paced) and return its reply, whatever the status.

        ``bearer`` is an access token, or a function returning one: it is called after the
        pacing wait, right before each attempt, so that it can renew a token that ran out
        while the request waited.

        Raises :class:`~procore_nb.TransportError` when nothing usable came back, and
        :class:`~procore_nb.RateLimitError` when pacing would wait longer than allowed.
        """
        all_headers = dict(headers or {})
        retry: Retry = self.retry
        shown = redact_url(url)
        attempts = 0
        while True:
            attempts += 1
            probe = self.gate.acquire(method=method, url=shown)
            response: requests.Response | None = None
            started = time.perf_counter()
            try:
                if bearer is not None:
                    token = bearer if isinstance(bearer, str) else bearer()
                    all_headers["Authorization"] = f"Bearer {token}"
                with translate_errors(method, shown):
                    response = self.session.request(
                        method,
                        url,
                        params=params,
                        headers=all_headers,
                        data=data,
                        timeout=self.timeout,
                        stream=True,  # the body is read below, inside this retry loop
                        verify=self.verify,
                    )
                return self._read(response, started)
            except _BodyError as exc:
                error = exc
            finally:
                self.gate.release(
                    response.headers if response is not None else None,
                    probe=probe,
                    refused=response is not None and response.status_code == 429,
                )
            try:
                retry = retry.increment(method, url, error=ProtocolError(str(error)))
            except (MaxRetryError, ProtocolError) as exc:
                if error.reply is not None:
                    raise malformed_response(error.reply, attempts=attempts) from exc
                raise TransportError(
                    f"{method} {shown}: the answer broke off or was not JSON, "
                    f"{attempts} times in a row ({error}). Procore or the network is "
                    "failing; try again in a minute.",
                    method=method,
                    url=shown,
                ) from exc
            log.debug("Retrying %s %s after a broken body: %s", method, shown, error)
            retry.sleep()

    def _read(self, response: requests.Response, started: float) -> Reply:
        method = response.request.method or "GET"
        try:
            body = response.content
        except (
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ConnectionError,
            requests.exceptions.ContentDecodingError,
        ) as exc:
            raise _BodyError(f"{type(exc).__name__} while reading the body") from exc
        self.usage.answered(len(body), response.headers.get("Date"))
        log.debug(
            "%s %s -> %s in %.0f ms (request id %s, rate limit remaining %s)",
            method,
            redact_url(response.url),
            response.status_code,
            (time.perf_counter() - started) * 1000,
            response.headers.get(REQUEST_ID_HEADER),
            response.headers.get("X-Rate-Limit-Remaining"),
        )
        if not body.strip():
            return Reply(response, None)
        try:
            return Reply(response, json.loads(body))
        except ValueError as exc:
            allowed = self.retry.allowed_methods
            if response.ok and (allowed is None or method in allowed):
                reply = Reply(response, response.text)
                raise _BodyError("a successful answer whose body is not JSON", reply) from exc
            return Reply(response, response.text)


class _TimedOutError(Exception):
    """A read timeout that requests reported as a connection error."""


@contextlib.contextmanager
def translate_errors(method: str, url: str) -> Iterator[None]:
    """Turn ``requests``' connection-level exceptions into :class:`TransportError`."""
    try:
        try:
            yield
        except requests.exceptions.ConnectionError as exc:
            # requests reports read timeouts that exhausted the retries as ConnectionError.
            if isinstance(
                getattr(exc.args[0] if exc.args else None, "reason", None), ReadTimeoutError
            ):
                raise _TimedOutError from exc
            raise
    except requests.exceptions.SSLError as exc:
        raise TransportError(
            f"{method} {url}: the TLS certificate could not be verified. For a server with "
            "its own certificate authority (the sandbox's --tls), pass ca_file= or set "
            "PROCORE_CA_FILE to its CA file.",
            method=method,
            url=url,
        ) from exc
    except (requests.exceptions.Timeout, _TimedOutError) as exc:
        raise ProcoreTimeout(
            f"{method} {url}: no answer in time (after retries). Procore may be slow or "
            "unreachable; try again, or allow longer with Client(timeout=...).",
            method=method,
            url=url,
        ) from exc
    except requests.exceptions.RetryError as exc:
        raise TransportError(
            f"{method} {url}: still failing after retries ({exc}). Try again later.",
            method=method,
            url=url,
        ) from exc
    except requests.exceptions.ConnectionError as exc:
        raise TransportError(
            f"{method} {url}: could not reach the server ({_root_cause(exc)}). Check the "
            "network and the URL; it is safe to try again.",
            method=method,
            url=url,
        ) from exc


def _root_cause(exc: BaseException) -> str:
    while exc.__cause__ is not None or exc.__context__ is not None:
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]  # loop ends at a non-None
    reason = getattr(exc, "reason", None)
    text = str(reason if reason is not None else exc)
    return re.sub(r"<[^>]*>", "", text).strip(" :") or type(exc).__name__
