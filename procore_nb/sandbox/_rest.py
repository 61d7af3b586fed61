"""The REST resources: ``/vapid/*``, ``/rest/v1.0/*`` and ``/rest/v1.1/projects``.

Every call goes through :func:`endpoint`: bearer token, rate limit, company checks, injected
faults, then the resource itself, then latency. Resources return a :class:`Reply` and raise
:class:`RestError` for Procore's error answers.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from procore_nb._constants import (
    COMPANY_HEADER,
    MAX_PER_PAGE,
    RATE_LIMIT_HEADER,
    RATE_RESET_HEADER,
)

from ._data import COMPACT_FIELDS, Company, User
from ._faults import DroppedResponse, throttled
from ._paging import Page, ParamError, paginate, parse_page
from ._query import parse
from ._state import State
from ._tokens import AccessToken

_JSON = "application/json; charset=utf-8"
NOT_CONNECTED = "App is not connected to this company."


class RestError(Exception):
    """An error answer: ``status`` and a JSON ``body``."""

    def __init__(
        self,
        status: int,
        body: Any,
        headers: dict[str, str] | None = None,
        *,
        response: Response | None = None,
    ) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.response = response  # a ready answer (429, injected faults) sent as it is


@dataclass
class Reply:
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    records: int = 1


@dataclass
class Call:
    """One authenticated call: who, through which app, and for which company (header)."""

    request: Request
    state: State
    user: User
    token: AccessToken
    version: str
    company: Company | None


def _json(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


def _not_found() -> RestError:
    return RestError(404, {"errors": "404 Not Found"})


def _visible(state: State, user: User, company_id: int) -> Company:
    if company_id not in user.companies:
        raise RestError(403, {"errors": [NOT_CONNECTED]})
    return state.world.companies[company_id]


def _int(raw: str, name: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ParamError(name, "is invalid") from None


def _company_param(call: Call) -> Company:
    """The company named by ``company_id``; it must agree with the header when both are sent."""
    raw = call.request.query_params.get("company_id")
    if not raw:
        raise ParamError("company_id", "is missing")
    company = _visible(call.state, call.user, _int(raw, "company_id"))
    if call.company is not None and call.company.id != company.id:
        raise ParamError("company_id", f"does not match the {COMPANY_HEADER} header")
    return company


def _page(items: Sequence[bytes], call: Call, page: Page) -> Reply:
    chunk, headers = paginate(items, page, call.request.url)
    return Reply(b"[" + b",".join(chunk) + b"]", headers, len(chunk))


# --- resources -------------------------------------------------------------------------------


def me(call: Call) -> Reply:
    return Reply(_json(call.user.me()))


def companies(call: Call) -> Reply:
    world = call.state.world
    records = [_json(world.companies[cid].record) for cid in call.user.companies]
    return _page(records, call, parse_page(call.request.query_params, maximum=MAX_PER_PAGE["v1.0"]))


def project_stages(call: Call) -> Reply:
    company = _visible(
        call.state, call.user, _int(call.request.path_params["company_id"], "company_id")
    )
    if call.company is not None and call.company.id != company.id:
        raise ParamError("company_id", f"does not match the {COMPANY_HEADER} header")
    records = [_json(stage) for stage in company.stages]
    return _page(records, call, parse_page(call.request.query_params, maximum=MAX_PER_PAGE["v1.0"]))


def projects(call: Call) -> Reply:
    params = call.request.query_params
    company = _company_param(call)
    page = parse_page(params, maximum=MAX_PER_PAGE[call.version])
    query = parse(params, version=call.version)
    view = _view(call)
    found = call.state.queries.run(company, call.user, query)
    chunk, headers = paginate(found, page, call.request.url)
    encode = call.state.world.encoded
    if view == "compact":
        body = [_json({key: record[key] for key in COMPACT_FIELDS}) for record in chunk]
    elif view == "extended":
        body = [_json(extended(record)) for record in chunk]
    else:
        body = [encode(record) for record in chunk]
    return Reply(b"[" + b",".join(body) + b"]", headers, len(chunk))


def _view(call: Call) -> str:
    params = call.request.query_params
    if call.version == "v1.1":
        view = params.get("view", "normal")
        if view not in ("compact", "normal", "extended"):
            raise ParamError("view", "does not have a valid value (compact, normal, extended)", 422)
        return view
    return "compact" if params.get("serializer_view") == "compact" else "normal"


def project(call: Call) -> Reply:
    company = _company_param(call)
    found = call.state.world.project(_int(call.request.path_params["project_id"], "id"))
    if found is None or found[0].id != company.id:
        raise _not_found()
    record = found[1]
    if not call.user.admin and record["id"] not in call.user.projects:
        raise _not_found()
    return Reply(_json(extended(record)))


def extended(record: dict[str, Any]) -> dict[str, Any]:
    """A project with the detail fields of the show endpoint and ``view=extended``."""
    rng = random.Random(record["id"])
    start = record["start_date"]
    return record | {
        "description": f"{record['name']} for a private owner.",
        "square_feet": rng.randrange(5_000, 400_000, 500),
        "flag": None,
        "public_notes": None,
        "actual_start_date": start,
        "projected_finish_date": record["completion_date"],
        "warranty_start_date": None,
        "warranty_end_date": None,
        "office": {"id": 70001, "name": "Main Office"},
        "program": None,
        "departments": [],
        "project_type": None,
        "logo_url": None,
    }


# --- the pipeline ----------------------------------------------------------------------------

Resource = Callable[[Call], Reply]


def endpoint(
    resource: Resource, *, version: str, header: str
) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint running ``resource`` behind Procore's checks.

    ``header`` says how ``Procore-Company-Id`` is treated: ``"required"``, ``"users-exempt"``
    (``/me`` and ``/companies``: users may omit it, service accounts may not) or ``"optional"``
    (the vapid API, which predates the header).
    """

    async def run(request: Request) -> Response:
        state: State = request.app.state.sandbox
        options = state.options
        limits: dict[str, str] = {}
        try:
            user, token = _authenticate(request, state)
            limits = _count_against_limits(state, token, user)
            call = Call(
                request, state, user, token, version, _company(request, state, user, header)
            )
            drop = _inject(state)
            reply = resource(call)
        except ParamError as error:
            body = {"errors": {error.name: [error.message]}}
            return _refusal(RestError(error.status, body), limits)
        except RestError as refusal:
            return _refusal(refusal, limits)
        delay = options.latency + options.latency_per_record * reply.records
        if delay > 0:
            await asyncio.sleep(delay)
        headers = limits | reply.headers
        if drop:
            return DroppedResponse(reply.body, headers=headers, media_type=_JSON)
        return Response(reply.body, headers=headers, media_type=_JSON)

    return run


def _count_against_limits(state: State, token: AccessToken, user: User) -> dict[str, str]:
    """The rate-limit headers for this call, or a 429 when a window is exhausted."""
    options = state.options
    verdict = state.limiter.check(
        (token.client_id, user.id),
        hourly=options.rate_limit_hourly,
        spike=options.rate_limit_spike,
        spike_window=options.spike_window,
    )
    if not verdict.allowed:
        state.counters.rate_limited += 1
        limit = int(verdict.headers[RATE_LIMIT_HEADER])
        reset = float(verdict.headers[RATE_RESET_HEADER])
        raise RestError(429, None, response=throttled(limit, verdict.retry_after, reset))
    return verdict.headers


def _inject(state: State) -> bool:
    """Raise an injected 5xx or 429, or say whether to drop the connection."""
    options = state.options
    fault = state.faults.draw(options)
    if fault is None:
        return False
    state.counters.injected[fault] += 1
    if fault == "error":
        raise RestError(500, None, response=state.faults.error(options))
    if fault == "throttle":
        wait = options.throttle_wait
        reset = state.clock.now() + wait
        raise RestError(429, None, response=throttled(options.rate_limit_spike, wait, reset))
    return True


def _refusal(refusal: RestError, headers: dict[str, str]) -> Response:
    if refusal.response is not None:
        return refusal.response
    return JSONResponse(refusal.body, status_code=refusal.status, headers=headers | refusal.headers)


def _authenticate(request: Request, state: State) -> tuple[User, AccessToken]:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    token, reason = (None, "The access token is invalid")
    if scheme.lower() == "bearer" and value.strip():
        token, reason = state.tokens.bearer(value.strip())
    if token is None:
        challenge = (
            f'Bearer realm="Doorkeeper", error="invalid_token", error_description="{reason}"'
        )
        raise RestError(401, {"errors": reason}, {"WWW-Authenticate": challenge})
    return state.world.users[token.owner_id], token


def _company(request: Request, state: State, user: User, rule: str) -> Company | None:
    raw = request.headers.get(COMPANY_HEADER)
    if raw is None:
        service = user.password is None
        if rule == "required" or (rule == "users-exempt" and service):
            # Procore answers a missing header with a 404; say why, for people reading it.
            raise RestError(404, {"errors": f"404 Not Found: send the {COMPANY_HEADER} header"})
        return None
    return _visible(state, user, _int(raw.strip(), COMPANY_HEADER))


def routes() -> list[Route]:
    """The REST routes, vapid and versioned."""
    table: list[tuple[str, Resource, str, str]] = [
        ("/vapid/me", me, "vapid", "optional"),
        ("/vapid/companies", companies, "vapid", "optional"),
        ("/vapid/projects", projects, "vapid", "optional"),
        ("/vapid/projects/{project_id}", project, "vapid", "optional"),
        ("/rest/v1.0/me", me, "v1.0", "users-exempt"),
        ("/rest/v1.0/companies", companies, "v1.0", "users-exempt"),
        ("/rest/v1.0/projects", projects, "v1.0", "required"),
        ("/rest/v1.0/projects/{project_id}", project, "v1.0", "required"),
        ("/rest/v1.1/projects", projects, "v1.1", "required"),
        ("/rest/v1.0/companies/{company_id}/project_stages", project_stages, "v1.0", "required"),
    ]
    return [
        Route(path, endpoint(resource, version=version, header=header), methods=["GET"])
        for path, resource, version, header in table
    ]
