"""Sandbox-only endpoints under ``/_sandbox/``: health, counters, runtime config and the clock."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ._mutate import mutate
from ._options import RUNTIME, updated
from ._state import State


def _state(request: Request) -> State:
    state: State = request.app.state.sandbox
    return state


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        return {"__invalid__": True}
    return data if isinstance(data, dict) else {"__invalid__": True}


def _bad(message: str) -> Response:
    return JSONResponse({"errors": message}, status_code=400)


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def counters(request: Request) -> Response:
    state = _state(request)
    if request.method == "DELETE":
        state.counters.reset()
    return JSONResponse(state.counters.snapshot())


async def config(request: Request) -> Response:
    state = _state(request)
    if request.method == "POST":
        changes = await _json_body(request)
        if "__invalid__" in changes:
            return _bad("send a JSON object of option names and values")
        try:
            state.options = updated(state.options, changes)
        except ValueError as exc:
            return _bad(str(exc))
    return JSONResponse({name: getattr(state.options, name) for name in sorted(RUNTIME)})


async def clock(request: Request) -> Response:
    state = _state(request)
    if request.method == "POST":
        body = await _json_body(request)
        seconds = body.get("advance")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            return _bad('send {"advance": SECONDS} with a number of seconds >= 0')
        state.clock.advance(float(seconds))
    return JSONResponse({"now": state.clock.now(), "offset": state.clock.offset})


async def changes(request: Request) -> Response:
    state = _state(request)
    body = await _json_body(request)
    if "__invalid__" in body:
        return _bad(
            'send a JSON object such as {"resource": "rfis", "project_id": ID, "update": 3}'
        )
    try:
        return JSONResponse(mutate(state, body))
    except ValueError as exc:
        return _bad(str(exc))


async def tools(request: Request) -> Response:
    state = _state(request)
    if request.method == "POST":
        body = await _json_body(request)
        project, tool, enabled = body.get("project_id"), body.get("tool"), body.get("enabled")
        if not isinstance(project, int) or not isinstance(enabled, bool):
            return _bad('send {"project_id": ID, "tool": NAME, "enabled": true|false}')
        try:
            state.tools.set(project, str(tool), enabled=enabled)
        except ValueError as exc:
            return _bad(str(exc))
    return JSONResponse({"disabled": state.tools.listing()})


def routes() -> list[Route]:
    return [
        Route("/_sandbox/health", health, methods=["GET"]),
        Route("/_sandbox/counters", counters, methods=["GET", "DELETE"]),
        Route("/_sandbox/config", config, methods=["GET", "POST"]),
        Route("/_sandbox/clock", clock, methods=["GET", "POST"]),
        Route("/_sandbox/mutate", changes, methods=["POST"]),
        Route("/_sandbox/tools", tools, methods=["GET", "POST"]),
    ]
