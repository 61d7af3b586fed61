"""The REST resources: ``/vapid/*``, ``/rest/v1.0/*`` and ``/rest/v1.1/projects``.

:class:`RestApp` serves them straight from ASGI (see ``_incoming.py`` for why). Resources
return a :class:`Reply` and raise :class:`RestError` for Procore's error answers.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from procore_nb._constants import (
    COMPANY_HEADER,
    MAX_PER_PAGE,
    RATE_LIMIT_HEADER,
    RATE_RESET_HEADER,
)
from procore_nb._registry import registry

from ._aliases import GET, aliases
from ._calls import Call, Reply, RestError, company_param, not_found, to_int, to_json, visible
from ._data import COMPACT_FIELDS, Company, User
from ._faults import DroppedResponse, throttled
from ._incoming import Incoming
from ._meetings import routes as meeting_routes
from ._paging import Page, ParamError, paginate, parse_page
from ._query import parse
from ._resources import handler, patterns
from ._state import State
from ._tokens import AccessToken, challenge

_JSON = "application/json; charset=utf-8"
_JSON_BYTES = _JSON.encode()


def _largest(name: str) -> int:
    """The largest ``per_page`` of a resource, from the registry (Procore allows 2,000)."""
    return registry()[name].max_per_page


def _page(items: Sequence[bytes], call: Call, page: Page) -> Reply:
    chunk, headers = paginate(items, page, call.request.link_base)
    return Reply(b"[" + b",".join(chunk) + b"]", headers, len(chunk))


# --- resources -------------------------------------------------------------------------------


def me(call: Call) -> Reply:
    return Reply(to_json(call.user.me()))


def companies(call: Call) -> Reply:
    world = call.state.world
    records = [to_json(world.companies[cid].record) for cid in call.user.companies]
    return _page(records, call, parse_page(call.request.params, maximum=_largest("companies")))


def project_stages(call: Call) -> Reply:
    company = visible(
        call.state, call.user, to_int(call.request.path_params["company_id"], "company_id")
    )
    if call.company is not None and call.company.id != company.id:
        raise ParamError("company_id", f"does not match the {COMPANY_HEADER} header")
    records = [to_json(stage) for stage in company.stages]
    return _page(records, call, parse_page(call.request.params, maximum=_largest("project_stages")))


def projects(call: Call) -> Reply:
    params = call.request.params
    company = company_param(call)
    largest = MAX_PER_PAGE["v1.1"] if call.version == "v1.1" else _largest("projects")
    page = parse_page(params, maximum=largest)
    query = parse(params, version=call.version)
    view = _view(call)
    found = call.state.queries.run(company, call.user, query)
    chunk, headers = paginate(found, page, call.request.link_base)
    encode = call.state.world.encoded
    if view == "compact":
        body = [to_json({key: record[key] for key in COMPACT_FIELDS}) for record in chunk]
    elif view == "extended":
        body = [to_json(extended(record)) for record in chunk]
    else:
        body = [encode(record) for record in chunk]
    return Reply(b"[" + b",".join(body) + b"]", headers, len(chunk))


def _view(call: Call) -> str:
    params = call.request.params
    if call.version == "v1.1":
        view = params.get("view") or "normal"
        if view not in ("compact", "normal", "extended"):
            raise ParamError("view", "does not have a valid value (compact, normal, extended)", 422)
        return view
    return "compact" if params.get("serializer_view") == "compact" else "normal"


def project(call: Call) -> Reply:
    company = company_param(call)
    found = call.state.world.project(to_int(call.request.path_params["project_id"], "id"))
    if found is None or found[0].id != company.id:
        raise not_found()
    record = found[1]
    if not call.user.admin and record["id"] not in call.user.projects:
        raise not_found()
    return Reply(to_json(extended(record)))


def extended(record: dict[str, Any]) -> dict[str, Any]:
    """A project with the detail fields of the show endpoint and ``view=extended``."""
    rng = random.Random(record["id"])
    start = record["start_date"]
    stage = record["project_stage"]
    kind = _PROJECT_TYPES[record["id"] % len(_PROJECT_TYPES)]
    return record | {
        "description": f"{record['name']} for a private owner.",
        "square_feet": rng.randrange(5_000, 400_000, 500),
        "flag": rng.choice(("Green", "Green", "Yellow", "Red", None)),
        "public_notes": None,
        "actual_start_date": start,
        "estimated_start_date": start,
        "estimated_completion_date": record["completion_date"],
        "projected_finish_date": record["completion_date"],
        "warranty_start_date": None,
        "warranty_end_date": None,
        "inbound_email": f"project-{record['id']}@inbound.example.com",
        "inbound_email_address": f"project-{record['id']}@inbound.example.com",
        "dictionary_type": "construction",
        "tz_name": record["time_zone"],
        "locale": "en",
        "code": record["project_number"],
        "standard_cost_code_list_id": 60001,
        "office": {
            "id": 70001,
            "name": "Main Office",
            "address": "100 Main Street",
            "city": "Austin",
            "state_code": "TX",
            "zip": "78701",
            "country_code": "US",
            "logo": None,
        },
        "program": None,
        "departments": [],
        "project_type": kind,
        "project_region": None,
        "project_bid_type": None,
        "project_owner_type": {"id": 60101, "name": "Private"},
        "persistent_message": None,
        "logo_url": None,
        "logo_id": None,
        "photo_url": None,
        "project_stage_id": stage["id"],
        "from_project_template_id": (record["project_template"] or {}).get("id"),
        "template": False,
        "is_erp_integrated": record["origin_id"] is not None,
    }


_PROJECT_TYPES = (
    {"id": 60201, "name": "Commercial"},
    {"id": 60202, "name": "Healthcare"},
    {"id": 60203, "name": "Education"},
    {"id": 60204, "name": "Residential"},
    {"id": 60205, "name": "Industrial"},
    {"id": 60206, "name": "Infrastructure"},
)


# --- the pipeline ----------------------------------------------------------------------------

Resource = Callable[[Call], Reply]


@dataclass(frozen=True)
class _Route:
    resource: Resource
    version: str
    header: str  # how Procore-Company-Id is treated: "required", "users-exempt" or "optional"
    methods: tuple[str, ...] = GET


_STATIC: dict[str, _Route] = {
    "/rest/v1.0/projects": _Route(projects, "v1.0", "required"),
    "/rest/v1.1/projects": _Route(projects, "v1.1", "required"),
    "/rest/v1.0/me": _Route(me, "v1.0", "users-exempt"),
    "/rest/v1.0/companies": _Route(companies, "v1.0", "users-exempt"),
    "/vapid/me": _Route(me, "vapid", "optional"),
    "/vapid/companies": _Route(companies, "vapid", "optional"),
    "/vapid/projects": _Route(projects, "vapid", "optional"),
}
_PATTERNS: tuple[tuple[re.Pattern[str], _Route], ...] = (
    (
        re.compile(r"^/rest/v1\.0/projects/(?P<project_id>[^/]+)$"),
        _Route(project, "v1.0", "required"),
    ),
    (re.compile(r"^/vapid/projects/(?P<project_id>[^/]+)$"), _Route(project, "vapid", "optional")),
    (
        re.compile(r"^/rest/v1\.0/companies/(?P<company_id>[^/]+)/project_stages$"),
        _Route(project_stages, "v1.0", "required"),
    ),
    *(
        (pattern, _Route(serve, version, "required"))
        for pattern, serve, version in meeting_routes()
    ),
)

#: Every other registry resource, served by ``_resources.serve`` from its entry.
_REGISTERED: tuple[tuple[re.Pattern[str], _Route], ...] = tuple(
    (pattern, _Route(handler(entry), entry.version, "required")) for pattern, entry in patterns()
) + tuple(
    (
        alias.pattern,
        _Route(handler(alias.entry, alias.shape), alias.entry.version, "required", alias.methods),
    )
    for alias in aliases()
)


class RestApp:
    """Serves the REST resources straight from ASGI; everything else goes to ``fallback``.

    Each call runs Procore's checks in order: bearer token (401), rate limits (429), company
    header and parameters (404/403/400), injected faults, the resource, then latency.
    ``/me`` and ``/companies`` accept a missing header from users but not from service
    accounts; the vapid API predates the header and never requires it.
    """

    def __init__(self, state: State, fallback: ASGIApp) -> None:
        self.state = state
        self.fallback = fallback

    @staticmethod
    def match(path: str) -> tuple[_Route, dict[str, str]] | None:
        route = _STATIC.get(path)
        if route is not None:
            return route, {}
        for pattern, route in _PATTERNS:
            found = pattern.match(path)
            if found:
                return route, found.groupdict()
        for pattern, route in _REGISTERED:
            found = pattern.match(path)
            if found:
                return route, found.groupdict()
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        matched = self.match(scope["path"]) if scope["type"] == "http" else None
        if matched is None:
            await self.fallback(scope, receive, send)
            return
        if scope["method"] not in matched[0].methods:
            refusal = JSONResponse({"errors": "405 Method Not Allowed"}, status_code=405)
            await refusal(scope, receive, send)
            return
        route, path_params = matched
        incoming = Incoming.from_scope(scope, path_params)
        answer = await self._answer(incoming, route)
        if isinstance(answer, Response):
            await answer(scope, receive, send)
            return
        status, body, headers = answer
        raw = [(b"content-type", _JSON_BYTES), (b"content-length", str(len(body)).encode())]
        raw += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})

    async def _answer(
        self, request: Incoming, route: _Route
    ) -> Response | tuple[int, bytes, dict[str, str]]:
        state = self.state
        options = state.options
        limits: dict[str, str] = {}
        try:
            user, token = _authenticate(request, state)
            limits = _count_against_limits(state, token, user)
            company = _company(request, state, user, route.header)
            call = Call(request, state, user, token, route.version, company)
            drop = _inject(state)
            reply = route.resource(call)
        except ParamError as error:
            return error.status, to_json({"errors": {error.name: [error.message]}}), limits
        except RestError as refusal:
            if refusal.response is not None:
                return refusal.response
            return refusal.status, to_json(refusal.body), limits | refusal.headers
        delay = options.latency + options.latency_per_record * reply.records
        if delay > 0:
            await asyncio.sleep(delay)
        headers = limits | reply.headers
        if drop:
            return DroppedResponse(reply.body, headers=headers, media_type=_JSON)
        return 200, reply.body, headers


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


def _authenticate(request: Incoming, state: State) -> tuple[User, AccessToken]:
    token, reason = state.tokens.from_header(request.headers.get("authorization", ""))
    if token is None:
        raise RestError(401, {"errors": reason}, {"WWW-Authenticate": challenge(reason)})
    return state.world.users[token.owner_id], token


def _company(request: Incoming, state: State, user: User, rule: str) -> Company | None:
    raw = request.headers.get(COMPANY_HEADER.lower())
    if raw is None:
        service = user.password is None
        if rule == "required" or (rule == "users-exempt" and service):
            # Procore answers a missing header with a 404; say why, for people reading it.
            raise RestError(404, {"errors": f"404 Not Found: send the {COMPANY_HEADER} header"})
        return None
    return visible(state, user, to_int(raw.strip(), COMPANY_HEADER))
