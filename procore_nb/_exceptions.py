"""The exceptions procore_nb raises, all rooted at :class:`ProcoreError`.

::

    ProcoreError
    ├── ConfigurationError            misuse: bad settings, before any request is sent
    │   ├── InsecureURLError          http:// to a host that is not loopback
    │   ├── CompanyRequiredError      the endpoint needs Procore-Company-Id and none is known
    │   └── NotSignedInError          a call before sign-in finished
    ├── TokenCacheError               the token cache cannot be read or written safely
    ├── TransportError                could not talk to Procore (nothing was answered)
    │   └── ProcoreTimeout            no answer in time
    ├── ResponseError                 Procore answered, and the answer is an error
    │   ├── AuthenticationError       401, invalid_grant, invalid_client, expired or reused code
    │   │   └── ReauthenticationRequired  the cached sign-in is gone: sign in again
    │   ├── PermissionDeniedError     403
    │   ├── NotFoundError             404
    │   ├── InvalidRequestError       400 and 422, with Procore's field errors
    │   ├── RateLimitError            429 (or a wait longer than allowed), with the wait
    │   ├── ServerError               5xx
    │   ├── MalformedResponseError    a 2xx body that is not the JSON it should be
    │   └── RedirectRefusedError      a redirect not followed (OAuth, another host, to http)
    ├── DataIntegrityError            pages disagree with Total, or ids moved while paging
    ├── PartialPullError              errors="raise": a project failed; .partial has the rest
    └── StoreError                    the local store's file cannot be used as asked
        └── StoreBusyError            another process held the local store longer than `wait`

    KeyboardInterrupt
    └── Interrupted                   Ctrl-C stopped a pull at once; .partial has the rows read

    UserWarning
    └── CoercionWarning               values that did not fit their column became NA (rows kept)

An error that ends a pull across projects early (``errors="raise"``, a 401, a spent rate
limit) carries the rows of the projects read before it as ``.partial`` (a DataFrame, or
``None`` when nothing was read).

Every message says what happened and what to do next. Messages carry the method, the URL
(query strings are kept; credentials never travel in URLs), the status and Procore's
request id, and never a token, code or secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "AuthenticationError",
    "CoercionWarning",
    "CompanyRequiredError",
    "ConfigurationError",
    "DataIntegrityError",
    "InsecureURLError",
    "Interrupted",
    "InvalidRequestError",
    "MalformedResponseError",
    "NotFoundError",
    "NotSignedInError",
    "PartialPullError",
    "PermissionDeniedError",
    "ProcoreError",
    "ProcoreTimeout",
    "RateLimitError",
    "ReauthenticationRequired",
    "RedirectRefusedError",
    "ResponseError",
    "ServerError",
    "StoreBusyError",
    "StoreError",
    "TokenCacheError",
    "TransportError",
]


class ProcoreError(Exception):
    """Base class of every error procore_nb raises on purpose.

    ``partial`` is set on an error that ended a pull across projects early: the frame of
    the projects that answered before it (``None`` otherwise).
    """

    partial: Any = None


class ConfigurationError(ProcoreError, ValueError):
    """The settings or arguments cannot work; nothing was sent."""


class InsecureURLError(ConfigurationError):
    """An ``http://`` URL whose host is not loopback: Procore requires HTTPS."""


class CompanyRequiredError(ConfigurationError):
    """The endpoint needs the ``Procore-Company-Id`` header and no company is known."""


class NotSignedInError(ConfigurationError):
    """The client was used before signing in finished."""


class TokenCacheError(ProcoreError):
    """The token cache cannot be read or written safely."""


class TransportError(ProcoreError):
    """Could not talk to Procore: connection refused, reset, DNS, TLS. Safe to retry."""

    def __init__(self, message: str, *, method: str = "", url: str = "") -> None:
        super().__init__(message)
        self.method = method
        self.url = url


class ProcoreTimeout(TransportError):
    """Procore did not answer in time."""


class ResponseError(ProcoreError):
    """Procore answered with an error.

    Attributes
    ----------
    method, url, status:
        The request and the status of its answer.
    request_id:
        Procore's request id (``X-Request-Id``), to quote to Procore support.
    body:
        The decoded JSON body, or the text when it was not JSON (never contains secrets
        for REST calls; OAuth error bodies hold only Doorkeeper's error fields).
    """

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        url: str = "",
        status: int | None = None,
        request_id: str | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.method = method
        self.url = url
        self.status = status
        self.request_id = request_id
        self.body = body


class AuthenticationError(ResponseError):
    """Procore did not accept the credentials: 401, ``invalid_grant`` or ``invalid_client``.

    ``error`` is the OAuth (Doorkeeper) error name when the token endpoint gave one, such
    as ``"invalid_grant"`` or ``"invalid_client"``; ``None`` for a 401 from the REST API.
    """

    def __init__(self, message: str, *, error: str | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.error = error


class ReauthenticationRequired(AuthenticationError):
    """The cached sign-in cannot be renewed (its refresh token was rejected): sign in again."""


class PermissionDeniedError(ResponseError):
    """403: signed in, but not allowed (app not connected to the company, no permission)."""


class NotFoundError(ResponseError):
    """404: no such resource, or not visible to this user or company."""


class InvalidRequestError(ResponseError):
    """400 or 422: Procore rejected the request's parameters.

    ``field_errors`` maps a field to its messages when Procore named them.
    """

    def __init__(
        self, message: str, *, field_errors: dict[str, list[str]] | None = None, **kw: Any
    ) -> None:
        super().__init__(message, **kw)
        self.field_errors = field_errors or {}


class RateLimitError(ResponseError):
    """429, or a rate-limit wait longer than the client may wait.

    ``retry_after`` is the announced wait in seconds and ``reset_at`` the unix time at
    which the limit resets, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        reset_at: float | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after
        self.reset_at = reset_at


class ServerError(ResponseError):
    """5xx: Procore failed. Retried already for safe requests; try again later."""


class MalformedResponseError(ResponseError):
    """A successful status with a body that is not the JSON it should be."""


class RedirectRefusedError(ResponseError):
    """A redirect procore_nb does not follow, so that no secret travels where it should not.

    OAuth requests (token, revoke, token info) never follow a redirect; a REST GET follows
    one only to the same scheme, host and port. ``location`` is where it pointed.
    """

    def __init__(self, message: str, *, location: str = "", **kw: Any) -> None:
        super().__init__(message, **kw)
        self.location = location


class DataIntegrityError(ProcoreError):
    """The pages of a list disagree with each other or with ``Total`` beyond repair."""


class StoreError(ProcoreError):
    """The local store's file cannot be used as asked: damaged, another identity's, on a
    read-only or full disk, or a ``store.sql()`` query that tries to write or reach outside."""


class PartialPullError(ProcoreError):
    """A project of a pull across projects failed, and ``errors="raise"`` asked to stop.

    The failure itself is the ``__cause__`` (a 403, a 5xx after the retries, a timeout).

    Attributes
    ----------
    project_id, project_name:
        The project that failed.
    status:
        Its answer's HTTP status (``None`` for a timeout or a dropped connection).
    request_id:
        Procore's request id of the failed answer, when there was one.
    partial:
        The frame of the projects that answered before the pull stopped (``None`` when
        none had), with ``partial.attrs["answered"]`` listing their ids.
    """

    def __init__(
        self,
        message: str,
        *,
        project_id: int,
        project_name: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.project_id = project_id
        self.project_name = project_name
        self.status = status
        self.request_id = request_id


class Interrupted(KeyboardInterrupt):
    """Ctrl-C stopped a pull across projects: no request was sent after it.

    A ``KeyboardInterrupt``, so that ``except KeyboardInterrupt`` still stops a loop.
    ``partial`` is the frame of the projects read whole before the interrupt (``None``
    when none was), with ``partial.attrs["answered"]`` listing their ids.
    """

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.partial: Any = None


class StoreBusyError(StoreError):
    """Another process (or kernel) held the local store's file longer than ``wait`` seconds."""


# Warnings: the data is all there, but something about it deserves a look.


class CoercionWarning(UserWarning):
    """Some values did not fit their column's type; every record is still in the frame.

    ``counts`` maps each column to the number of values that became NA (or, for id columns
    kept as text, the number of ids that are not integers).
    """

    def __init__(self, message: str, counts: Mapping[str, int]) -> None:
        super().__init__(message)
        self.counts = dict(counts)
