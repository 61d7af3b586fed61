"""Per-request bookkeeping around the whole app: request ids, counters and the access log.

Plain ASGI rather than Starlette's ``BaseHTTPMiddleware``: it runs on every request and the
sandbox must answer thousands of them a second. The access log shows the path only, never the
query string or a header, so no code, token or secret can reach it.
"""

from __future__ import annotations

import itertools
import logging
import os

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._counters import Counters
from ._faults import DROPPED

log = logging.getLogger("procore_nb.sandbox.access")


class Observe:
    """Adds ``X-Request-Id`` to every answer and counts every request outside ``/_sandbox/``."""

    def __init__(self, app: ASGIApp, counters: Counters) -> None:
        self.app = app
        self.counters = counters
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
