"""Injected faults: 5xx answers, 429 bursts, latency and connections dropped mid-response.

Draws come from a ``random.Random`` seeded with the sandbox's seed, so a run with the same
options and the same sequence of requests meets the same faults.
"""

from __future__ import annotations

import asyncio
import random

from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from procore_nb._constants import (
    RATE_LIMIT_BODY,
    RATE_LIMIT_HEADER,
    RATE_REMAINING_HEADER,
    RATE_RESET_HEADER,
)

from ._options import Options

_BAD_GATEWAY_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    "<body><h1>502 Bad Gateway</h1><p>The server received an invalid response from an upstream "
    "server. Please try again.</p></body></html>\n"
)


class Faults:
    """Decides, request by request, whether to inject a fault."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"faults-{seed}")

    def draw(self, options: Options) -> str | None:
        """``"error"``, ``"throttle"``, ``"drop"`` or ``None`` for this request."""
        if not (options.error_rate or options.throttle_rate or options.drop_rate):
            return None
        roll = self._rng.random()
        for kind, rate in (
            ("error", options.error_rate),
            ("throttle", options.throttle_rate),
            ("drop", options.drop_rate),
        ):
            if roll < rate:
                return kind
            roll -= rate
        return None

    def error(self, options: Options) -> Response:
        """One of Procore's failure answers: 500 JSON, a 502 HTML page or 503 with Retry-After."""
        kind = self._rng.randrange(3)
        if kind == 0:
            return JSONResponse({"errors": "Internal Server Error"}, status_code=500)
        if kind == 1:
            return Response(_BAD_GATEWAY_PAGE, status_code=502, media_type="text/html")
        return PlainTextResponse(
            "Service Unavailable",
            status_code=503,
            headers={"Retry-After": str(options.throttle_wait)},
        )


def throttled(limit: int, wait: int, reset: float) -> Response:
    """Procore's 429: plain-text body, ``Retry-After`` and the rate-limit headers."""
    return PlainTextResponse(
        RATE_LIMIT_BODY,
        status_code=429,
        headers={
            "Retry-After": str(wait),
            RATE_LIMIT_HEADER: str(limit),
            RATE_REMAINING_HEADER: "0",
            RATE_RESET_HEADER: str(int(reset + 0.999)),
        },
    )


class DroppedResponse(Response):
    """Announces the whole body, sends half of it and hangs up."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[DROPPED] = True
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        await send(
            {
                "type": "http.response.body",
                "body": self.body[: len(self.body) // 2],
                "more_body": True,
            }
        )
        # Returning now leaves the response incomplete: uvicorn closes the connection.
        await asyncio.sleep(0)


#: Scope key set when a response drops the connection on purpose (read by the counters).
DROPPED = "procore_nb.dropped"
#: Message uvicorn logs for a response left incomplete on purpose (filtered from its log).
DROP_LOG_MESSAGE = "ASGI callable returned without completing response."
