"""Procore's answers turned into the error tree: the one table from status to class.

A :class:`Reply` is a response with its decoded body. :func:`error_for_response` picks the
class by status, reads Procore's explanation whatever shape it has (``errors`` as a string,
a list or a field map; v2's ``error.message``; Doorkeeper's ``error_description``; an HTML
page) and writes a message with the method, the URL, the status, the request id and what
to do next.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

from procore_nb._constants import RATE_RESET_HEADER, REQUEST_ID_HEADER
from procore_nb._exceptions import (
    AuthenticationError,
    InvalidRequestError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseError,
    ServerError,
)
from procore_nb.api._pacing import format_reset, seconds_until_reset
from procore_nb.api._redaction import redact_url

__all__ = [
    "STATUS_ERRORS",
    "Reply",
    "error_for_response",
    "malformed_response",
    "not_records",
    "procore_detail",
]


@dataclass(frozen=True)
class Reply:
    """A response and its decoded body (JSON, or text when it was not JSON)."""

    response: requests.Response
    data: Any

    @property
    def status(self) -> int:
        """The HTTP status code."""
        return self.response.status_code


#: Status code -> exception class; 5xx map to ServerError.
STATUS_ERRORS: dict[int, type[ResponseError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: InvalidRequestError,
    429: RateLimitError,
}

_NEXT_STEP: dict[type[ResponseError], str] = {
    InvalidRequestError: "Check the parameters named above and try again.",
    AuthenticationError: "Sign in again (client.authorization_url() and exchange_code(), "
    "or procore_nb.login()).",
    PermissionDeniedError: "Ask a company admin to connect the app to this company or to "
    "grant your user access to this tool.",
    NotFoundError: "Check the path, the company id (Procore-Company-Id header) and the "
    "environment: ids of one company or environment do not exist in another.",
    RateLimitError: "Wait until the limit resets, then try again.",
    ServerError: "Procore failed; try again in a few minutes.",
    ResponseError: "See Procore's answer above.",
}


def malformed_response(reply: Reply, *, attempts: object) -> MalformedResponseError:
    """The error for a 2xx answer whose body stayed non-JSON over ``attempts`` tries."""
    response = reply.response
    kind = response.headers.get("Content-Type", "no content type").split(";")[0]
    request_id = response.headers.get(REQUEST_ID_HEADER)
    where = f" (request id {request_id})" if request_id else ""
    return MalformedResponseError(
        f"{response.request.method} {redact_url(response.url)} answered {response.status_code} "
        f"with a body that is not JSON ({kind}, {len(response.content)} bytes), {attempts} "
        f"times in a row{where}. Check that the URL points at Procore's API; if it does, "
        "Procore or a proxy is failing: try again later.",
        method=response.request.method or "GET",
        url=redact_url(response.url),
        status=response.status_code,
        request_id=request_id,
        body=procore_detail(reply.data)[0],
    )


def not_records(reply: Reply, data: Any) -> MalformedResponseError:
    """The error for a list endpoint whose JSON ``data`` is not a list of records."""
    response = reply.response
    if data is None:
        what = "an empty body" if not response.content.strip() else "JSON null"
    elif isinstance(data, dict):
        keys = ", ".join(map(str, list(data)[:5]))
        what = f"a JSON object (keys: {keys})" if keys else "an empty JSON object"
    elif isinstance(data, list):
        index = next(i for i, item in enumerate(data) if not isinstance(item, dict))
        what = f"a list whose item {index} is a JSON {_json_kind(data[index])}"
    else:
        what = f"a JSON {_json_kind(data)}"
    request_id = response.headers.get(REQUEST_ID_HEADER)
    where = f" (request id {request_id})" if request_id else ""
    url = redact_url(response.url)
    method = response.request.method or "GET"
    return MalformedResponseError(
        f"{method} {url} answered {response.status_code} with {what} where a list of records "
        f"(JSON objects) was expected{where}. Is this a list endpoint? If it is, Procore or a "
        "proxy is failing: try again later.",
        method=method,
        url=url,
        status=response.status_code,
        request_id=request_id,
    )


def _json_kind(value: Any) -> str:
    kinds = {bool: "boolean", int: "number", float: "number", str: "string", list: "list"}
    return "null" if value is None else kinds.get(type(value), type(value).__name__)


def procore_detail(body: Any) -> tuple[str, dict[str, list[str]]]:
    """Procore's explanation in an error ``body`` and its field errors, whatever its shape.

    ``errors`` may be a string, a list or a field map; v2 nests ``error.message`` and
    ``error.details``; Doorkeeper sends ``error`` and ``error_description``; a body that
    is not JSON is summarised, never quoted at length.
    """
    fields: dict[str, list[str]] = {}
    if isinstance(body, str):
        text = re.sub(r"<[^>]*>", " ", body)
        text = re.sub(r"\s+", " ", text).strip()
        return (text[:200] + ("…" if len(text) > 200 else "")), fields
    if not isinstance(body, dict):
        return ("" if body is None else json.dumps(body)[:200]), fields
    parts: list[str] = []
    errors = body.get("errors")
    if isinstance(errors, dict):
        for name, messages in errors.items():
            items = messages if isinstance(messages, list) else [messages]
            fields[str(name)] = [str(m) for m in items]
            parts.append(f"{name}: {'; '.join(fields[str(name)])}")
    elif isinstance(errors, list):
        parts.extend(str(e) for e in errors)
    elif errors:
        parts.append(str(errors))
    error = body.get("error")
    if isinstance(error, dict):
        parts.append(str(error.get("message") or error.get("code") or ""))
        for detail in error.get("details") or []:
            if isinstance(detail, dict) and detail.get("field"):
                fields.setdefault(str(detail["field"]), []).append(str(detail.get("message", "")))
            parts.append(json.dumps(detail) if not isinstance(detail, str) else detail)
    elif error:
        parts.append(str(error))
    for key in ("error_description", "message"):
        if body.get(key):
            parts.append(str(body[key]))
    return "; ".join(p for p in parts if p), fields


def error_for_response(reply: Reply, *, hint: str | None = None) -> ResponseError:
    """The exception for an error ``reply``: class by status, message with what to do next."""
    response = reply.response
    status = response.status_code
    cls = STATUS_ERRORS.get(status, ServerError if 500 <= status < 600 else ResponseError)
    method = response.request.method or "GET"
    url = redact_url(response.url)
    request_id = response.headers.get(REQUEST_ID_HEADER)
    detail, fields = procore_detail(reply.data)
    said = f": {detail}" if detail else ""
    where = f" (request id {request_id})" if request_id else ""
    message = f"{method} {url} answered {status} {response.reason or ''}".rstrip() + said + where
    common: dict[str, Any] = {
        "method": method,
        "url": url,
        "status": status,
        "request_id": request_id,
        "body": reply.data,
    }
    next_step = hint or _NEXT_STEP[cls]
    if cls is ServerError and hint is None:
        next_step = f"{next_step} {_attempts_note(response)}"
    if cls is RateLimitError:
        wait = _retry_after(response.headers)
        reset = _reset_at(response.headers)
        when = format_reset(wait) if wait is not None else "the time in X-Rate-Limit-Reset"
        return RateLimitError(
            f"{message}. Procore's rate limit is used up until {when}. {next_step}",
            retry_after=wait,
            reset_at=reset,
            **common,
        )
    if cls is InvalidRequestError:
        return InvalidRequestError(f"{message}. {next_step}", field_errors=fields, **common)
    return cls(f"{message}. {next_step}", **common)


def _attempts_note(response: requests.Response) -> str:
    """How often the request was sent, as urllib3's retry history tells."""
    retries = getattr(response.raw, "retries", None)
    history = getattr(retries, "history", None) or ()
    sent = len(history) + 1
    if sent > 1:
        return f"(The request was sent {sent} times.)"
    method = response.request.method or "GET"
    if method == "POST":
        return "(The request was sent once: a POST that reached Procore is never re-sent.)"
    return "(The request was sent once.)"


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = (headers.get("Retry-After") or "").strip()
    if value.isascii() and value.isdigit():
        return min(float(value), 365 * 24 * 3600.0)  # a year: beyond it, a broken header
    return seconds_until_reset(headers)


def _reset_at(headers: Mapping[str, str]) -> float | None:
    wait = seconds_until_reset(headers)
    if wait is None or headers.get(RATE_RESET_HEADER) is None:
        return None
    return time.time() + wait
