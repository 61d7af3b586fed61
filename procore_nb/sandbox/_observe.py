"""Per-request bookkeeping around the whole app: request ids, ``Date``, counters and the access log.

Plain ASGI rather than Starlette's ``BaseHTTPMiddleware``: it runs on every request and the
sandbox must answer thousands of them a second. The access log shows the path only, never the
query string or a header, so no code, token or secret can reach it.
"""

from __future__ import annotations

import email.utils
import itertools
import logging
import os

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._clock import Clock
from ._counters import Counters
from ._faults import DROPPED

log = logging.getLogger("procore_nb.sandbox.access")


class Observe:
    """Adds ``X-Request-Id`` and ``Date`` to every answer; counts requests outside ``/_sandbox/``.

    ``Date`` comes from the sandbox clock (uvicorn's own is turned off), so that after
    ``sb.advance`` it agrees with ``X-Rate-Limit-Reset`` and ``created_at``, as a real
    server's would.
    """

    def __init__(self, app: ASGIApp, counters: Counters, clock: Clock) -> None:
        self.app = app
        self.counters = counters
        self.clock = clock
        self._date: tuple[int, bytes] = (-1, b"")  # (second, header): one format per second
        # A random prefix per server and a counter: unique ids without a syscall per request.
        self._prefix = os.urandom(8).hex()
        self._ids = itertools.count(1)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = f"{self._prefix}{next(self._ids):016x}"
        status: int | None = None

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", ()),
                    (b"date", self._date_header()),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            path: str = scope["path"]
            if scope.get(DROPPED):
                status = None
            if not path.startswith("/_sandbox/"):
                self.counters.request(scope["method"], path, status)
            if log.isEnabledFor(logging.INFO):
                client = scope.get("client") or ("-", 0)
                log.info(
                    '%s:%s "%s %s" %s %s',
                    client[0],
                    client[1],
                    scope["method"],
                    path,
                    status or "dropped",
                    request_id,
                )

    def _date_header(self) -> bytes:
        """The sandbox clock's time in RFC 7231 form (``Sun, 29 Nov 2026 00:05:00 GMT``)."""
        second = int(self.clock.now())
        if self._date[0] != second:
            self._date = (second, email.utils.formatdate(second, usegmt=True).encode())
        return self._date[1]
