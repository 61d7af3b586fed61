"""The sandbox as one ASGI application.

``Observe`` (request ids, counters, access log) wraps ``RestApp`` (the REST resources, served
straight from ASGI for speed), which hands every other path to the Starlette application
(OAuth pages and endpoints, ``/_sandbox/*``).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp

from . import _control, _oauth, _rest
from ._observe import Observe
from ._state import State


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    message = (
        "404 Not Found"
        if status == 404
        else (exc.detail if isinstance(exc, HTTPException) else "error")
    )
    return JSONResponse({"errors": message}, status_code=status)


def build(state: State) -> ASGIApp:
    """The application serving ``state``."""
    app = Starlette(
        routes=[*_oauth.routes(), *_control.routes()],
        exception_handlers={HTTPException: _http_error},
    )
    app.state.sandbox = state
    return Observe(_rest.RestApp(state, app), state.counters, state.clock)
