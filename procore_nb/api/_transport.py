"""HTTP to Procore: one ``requests`` session, retries, pacing, and answers turned into errors.

- :class:`~procore_nb.api._retry.ProcoreRetry` (in :mod:`procore_nb.api._retry`) is the
  retry policy, and :class:`~procore_nb.api._retry.Deadline` the one overall limit of a
  call, covering every attempt, backoff and body read.
- :class:`Transport` sends requests through it, paced by :class:`~procore_nb.api._pacing.RateGate`,
  and reads each body inside the retry policy, so that a connection dropped mid-body is
  retried like one dropped before the headers. The bearer token is asked for after the
  pacing wait, right before sending, so that a long wait never sends an expired token.
- Redirects are never followed blindly: a POST (the token endpoint, revoking) and every
  OAuth call never follow one; a GET follows one only to the same scheme, host and port.
  Anything else is refused with :class:`~procore_nb.RedirectRefusedError`, so that a
  secret or a bearer token never travels to a host it was not meant for.
- :func:`translate_errors` turns ``requests``' connection failures into the error tree
  (answers are turned into errors by :mod:`procore_nb.api._responses`).

Nothing here logs or formats a header or a token: log lines and messages carry the
method, the URL (with secret-looking query values redacted), the status and Procore's
request id.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import platform
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import requests
import requests.adapters
from urllib3.exceptions import (
    DecodeError,
    MaxRetryError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.util.retry import Retry

from procore_nb._constants import REQUEST_ID_HEADER
from procore_nb._exceptions import (
    TransportError,
)
from procore_nb.api._cancel import check_stop
from procore_nb.api._failures import translate_errors
from procore_nb.api._pacing import RateGate
from procore_nb.api._redaction import redact_url
from procore_nb.api._redirects import MAX_REDIRECTS, redirect_target, refused_redirect
from procore_nb.api._responses import Reply, malformed_response
from procore_nb.api._retry import (
    Deadline,
    ProcoreRetry,
    current_deadline,
    deadline_error,
    read_body,
    running,
)
from procore_nb.api._usage import Usage

__all__ = [
    "BodySlot",
    "NoRedirectSession",
    "ProcoreRetry",
    "Transport",
    "body_slot",
    "translate_errors",
    "user_agent",
]

log = logging.getLogger(__name__)

#: How a JSON array or object begins: bodies left undecoded must at least look like one.
_JSON_START = re.compile(rb"\s*[\[{]")


class BodySlot:
    """One thread's claim on a slot of a shared semaphore, taken before a body is read.

    Taken at most once however many bodies the thread reads (a renewed token's second
    answer, a retry), and given back when :func:`body_slot`'s block ends or a body breaks off.
    """

    def __init__(self, slots: threading.Semaphore) -> None:
        self._slots = slots
        self.held = False

    def take(self) -> float:
        """Wait for a slot unless one is held; answer the seconds waited."""
        if self.held:
            return 0.0
        started = time.monotonic()
        self._slots.acquire()
        self.held = True
        return time.monotonic() - started

    def give_back(self) -> None:
        """Give the slot back, if one is held."""
        if self.held:
            self.held = False
            self._slots.release()


#: The slot this thread's body reads wait for (see :func:`body_slot`); None: read at once.
_BODY_SLOT: ContextVar[BodySlot | None] = ContextVar("procore_nb_body_slot", default=None)


@contextmanager
def body_slot(slots: threading.Semaphore) -> Iterator[BodySlot]:
    """Within the block, this thread reads a response body only once it holds a slot of ``slots``.

    The slot is held from the first body read to the end of the block, so that a pull
    whose wave of answers arrives at once holds only as many bodies as it has slots (the
    rest stay in the network until a slot is free). Time spent waiting for a slot does
    not count against the call's deadline.
    """
    slot = BodySlot(slots)
    token = _BODY_SLOT.set(slot)
    try:
        yield slot
    finally:
        _BODY_SLOT.reset(token)
        slot.give_back()


def user_agent() -> str:
    """``procore_nb/<version> requests/<version> Python/<version>``."""
    try:
        version = importlib.metadata.version("procore_nb")
    except importlib.metadata.PackageNotFoundError:
        version = "0+unknown"
    return (
        f"procore_nb/{version} requests/{requests.__version__} Python/{platform.python_version()}"
    )


class _BodyError(Exception):
    """A body that broke off, or a 2xx body that is not JSON: retried like a read error."""

    def __init__(self, message: str, reply: Reply | None = None) -> None:
        super().__init__(message)
        self.reply = reply


class NoRedirectSession(requests.Session):
    """A ``requests`` session that never looks where a redirect points.

    Even with ``allow_redirects=False``, requests parses a redirect's ``Location`` (an
    unparsable one raises ``ValueError``) and reads its body outside any deadline; this
    session leaves both to :func:`~procore_nb.api._redirects.redirect_target`.
    """

    def get_redirect_target(self, resp: requests.Response) -> None:
        del resp


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
        The retry policy (see :class:`~procore_nb.api._retry.ProcoreRetry`).
    deadline:
        Longest time one call may take, retries, backoff and body reads included
        (``None``: no overall limit). Rate-limit waits sat out on purpose do not count.
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
        deadline: float | None = 120.0,
        pool_size: int = 10,
    ) -> None:
        self.timeout = timeout
        self.deadline = deadline
        self.gate = RateGate(max_wait=max_wait)
        #: Requests answered and bytes received, for callers that account for them.
        self.usage = Usage()
        self.retry = ProcoreRetry(
            total=retries,
            other=0,  # TLS verification failures and the like do not heal by retrying
            redirect=0,  # redirects are judged in send(), never followed by urllib3
            status_forcelist={429, 500, 502, 503, 504},
            backoff_factor=backoff[0],
            backoff_jitter=backoff[1],
            raise_on_status=False,
            max_wait=max_wait,
            gate=self.gate,
            usage=self.usage,
        )
        self.ca_file = ca_file
        self.session = NoRedirectSession()
        self.session.max_redirects = MAX_REDIRECTS
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

    def new_deadline(self) -> Deadline:
        """A fresh deadline for one call."""
        return Deadline(self.deadline)

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
        follow: bool = True,
        decode: bool = True,
    ) -> Reply:
        """Send one request (retried and paced) and return its reply, whatever the status.

        ``bearer`` is an access token, or a function returning one: it is called after the
        pacing wait, right before each attempt, so that it can renew a token that ran out
        while the request waited. ``follow=False`` refuses every redirect (OAuth calls);
        otherwise a GET follows redirects on the same scheme, host and port only.
        while the request waited. ``decode=False`` leaves a successful answer's body as
        bytes (for a reader that parses JSON itself); error answers are always decoded.

        Raises :class:`~procore_nb.TransportError` when nothing usable came back (a
        :class:`~procore_nb.ProcoreTimeout` once the call's deadline passed),
        :class:`~procore_nb.RateLimitError` when pacing would wait longer than allowed, and
        :class:`~procore_nb.RedirectRefusedError` for a redirect it does not follow.
        """
        deadline = self.new_deadline()
        with running(deadline):
            for _ in range(MAX_REDIRECTS + 1):
                reply = self._send_once(
                    method,
                    url,
                    params=params,
                    headers=headers,
                    data=data,
                    bearer=bearer,
                    decode=decode,
                )
                if not reply.response.is_redirect:
                    return reply
                url = redirect_target(reply, follow=follow)
                params = None  # the Location holds the query it wants
                log.debug("Following a redirect to %s", redact_url(url))
            raise refused_redirect(reply, url, f"more than {MAX_REDIRECTS} redirects in a row")

    def _send_once(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        data: Mapping[str, Any] | None,
        bearer: str | Callable[[], str] | None,
        decode: bool,
    ) -> Reply:
        deadline = current_deadline() or self.new_deadline()
        all_headers = dict(headers or {})
        retry: Retry = self.retry
        shown = redact_url(url)
        while True:
            waited = time.monotonic()
            probe = self.gate.acquire(method=method, url=shown)
            deadline.paused += time.monotonic() - waited  # pacing waits are sat out on purpose
            response: requests.Response | None = None
            released = False
            started = time.perf_counter()
            try:
                check_stop()  # a pull stopped while this thread waited sends nothing
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
                        timeout=deadline.timeout(self.timeout),  # type: ignore[arg-type]  # urllib3 Timeout: requests passes it on
                        stream=True,  # the body is read below, inside this retry loop
                        verify=self.verify,
                        allow_redirects=False,
                    )
                # The headers hold all the pacing learns: the next request need not wait
                # for this body, which may wait for a slot (body_slot) before it is read.
                self.gate.release(
                    response.headers, probe=probe, refused=response.status_code == 429
                )
                released = True
                return self._read(response, started, deadline, decode=decode)
            except _BodyError as exc:
                error = exc
            finally:
                if not released:
                    self.gate.release(None, probe=probe)
            try:
                retry = retry.increment(method, url, error=ProtocolError(str(error)))
            except (MaxRetryError, ProtocolError) as exc:
                if error.reply is not None and not deadline.expired():
                    raise malformed_response(error.reply, attempts=deadline.attempts) from exc
                if deadline.expired():
                    raise deadline_error(method, shown, deadline, str(error)) from exc
                raise TransportError(
                    f"{method} {shown}: the answer broke off or was not JSON, "
                    f"{deadline.attempts} times in a row ({error}). Procore or the network is "
                    "failing; try again in a minute.",
                    method=method,
                    url=shown,
                ) from exc
            log.debug("Retrying %s %s after a broken body: %s", method, shown, error)
            retry.sleep()

    def _read(
        self, response: requests.Response, started: float, deadline: Deadline, *, decode: bool
    ) -> Reply:
        method = response.request.method or "GET"
        slot = _BODY_SLOT.get()
        if slot is not None:
            deadline.paused += slot.take()  # a wait of ours, not the server's
        try:
            body = read_body(response, deadline)
        except (
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ConnectionError,
            requests.exceptions.ContentDecodingError,
            requests.exceptions.Timeout,
            ProtocolError,
            ReadTimeoutError,
            DecodeError,
            OSError,
        ) as exc:
            response.close()
            if slot is not None:
                slot.give_back()  # a retry waits for a slot anew, not holding one meanwhile
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
        if (
            not decode
            and 200 <= response.status_code < 300
            and _JSON_START.match(body)
            and body[-64:].strip()[-1:] in b"]}"
        ):
            return Reply(response, body)  # whole JSON, as far as its ends show: the reader parses
        if not body.strip():
            return Reply(response, None)
        try:
            return Reply(response, json.loads(body))
        except (ValueError, RecursionError) as exc:
            allowed = self.retry.allowed_methods
            if 200 <= response.status_code < 300 and (allowed is None or method in allowed):
                reply = Reply(response, response.text)
                raise _BodyError("a successful answer whose body is not JSON", reply) from exc
            return Reply(response, response.text)
