"""OAuth 2.0 as Procore (Doorkeeper) serves it: authorize pages, token, token info, revoke."""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from typing import Any
from urllib.parse import unquote, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from procore_nb._constants import OOB_REDIRECT_URI

from . import _pages
from ._faults import DroppedResponse
from ._state import State
from ._tokens import Code, GrantError, challenge

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
INVALID_REQUEST = (
    "The request is missing a required parameter, includes an unsupported parameter value, "
    "or is otherwise malformed."
)
INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication included, "
    "or unsupported authentication method."
)
UNSUPPORTED_GRANT = "The authorization grant type is not supported by the authorization server."
UNAUTHORIZED_CLIENT = "The client is not authorized to perform this request using this method."
BAD_REDIRECT = "The requested redirect uri is malformed or doesn't match client redirect URI."
GRANTS = ("authorization_code", "refresh_token", "client_credentials")


def _state(request: Request) -> State:
    state: State = request.app.state.sandbox
    return state


# --- authorize -------------------------------------------------------------------------------


def _authorize_params(request: Request, form: dict[str, str]) -> dict[str, str]:
    # The form posts back to the same query string; hidden fields work too.
    params = {k: v for k, v in form.items() if k not in ("login", "password", "decision")}
    return params | dict(request.query_params)


def _check_client(state: State, params: dict[str, str]) -> Response | None:
    options = state.options
    if params.get("client_id") != options.client_id:
        return HTMLResponse(_pages.error("invalid_client", INVALID_CLIENT), status_code=401)
    if params.get("redirect_uri") not in options.redirect_uri:
        return HTMLResponse(_pages.error("invalid_redirect_uri", BAD_REDIRECT), status_code=400)
    if params.get("response_type") != "code":
        description = "The authorization server does not support this response type."
        return HTMLResponse(_pages.error("unsupported_response_type", description), status_code=400)
    return None


def _demo_accounts(state: State) -> list[tuple[str, str]]:
    options = state.options
    return [(options.login, options.password), (options.other_login, options.other_password)]


async def authorize_form(request: Request) -> Response:
    state = _state(request)
    params = _authorize_params(request, {})
    problem = _check_client(state, params)
    if problem is not None:
        return problem
    action = f"/oauth/authorize?{urlencode(params)}"
    page = _pages.sign_in(
        app_name="procore_nb sandbox app", action=action, accounts=_demo_accounts(state)
    )
    return HTMLResponse(page)


async def authorize_submit(request: Request) -> Response:
    state = _state(request)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    params = _authorize_params(request, form)
    problem = _check_client(state, params)
    if problem is not None:
        return problem
    redirect_uri = params["redirect_uri"]
    action = f"/oauth/authorize?{urlencode(params)}"
    decision = form.get("decision", "")
    if decision not in ("allow", "deny"):
        return HTMLResponse(_pages.error("invalid_request", INVALID_REQUEST), status_code=400)
    user = state.world.user_by_login(form.get("login", ""))
    password = form.get("password", "")
    if user is None or user.password is None or not secrets.compare_digest(password, user.password):
        page = _pages.sign_in(
            app_name="procore_nb sandbox app",
            action=action,
            login=form.get("login", ""),
            error="Invalid email or password.",
            accounts=_demo_accounts(state),
        )
        return HTMLResponse(page, status_code=401)
    extra = {"state": params["state"]} if "state" in params else {}
    if decision == "deny":
        return _denied(redirect_uri, extra)
    code = state.tokens.issue_code(
        Code(
            owner_id=user.id,
            client_id=state.options.client_id,
            redirect_uri=redirect_uri,
            created_at=state.clock.now(),
            challenge=params.get("code_challenge"),
            challenge_method=params.get("code_challenge_method", "plain"),
        )
    )
    if redirect_uri == OOB_REDIRECT_URI:
        return HTMLResponse(_pages.show_code(code), headers=_NO_STORE)
    return RedirectResponse(
        _join(redirect_uri, {"code": code} | extra), status_code=302, headers=_NO_STORE
    )


def _denied(redirect_uri: str, extra: dict[str, str]) -> Response:
    description = "The resource owner or authorization server denied the request."
    if redirect_uri == OOB_REDIRECT_URI:
        return HTMLResponse(_pages.error("access_denied", description), status_code=403)
    query = {"error": "access_denied", "error_description": description} | extra
    return RedirectResponse(_join(redirect_uri, query), status_code=302)


def _join(uri: str, query: dict[str, str]) -> str:
    return f"{uri}{'&' if '?' in uri else '?'}{urlencode(query)}"


# --- token -----------------------------------------------------------------------------------


async def _body(request: Request) -> dict[str, str]:
    """The parameters of a token or revoke request: multipart, urlencoded or JSON."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if kind in ("multipart/form-data", "application/x-www-form-urlencoded"):
            form = await request.form()
            return {k: v for k, v in form.items() if isinstance(v, str)}
        if kind == "application/json" or (kind == "" and (await request.body()).startswith(b"{")):
            data = json.loads(await request.body())
            if isinstance(data, dict):
                return {k: str(v) for k, v in data.items() if isinstance(v, str | int)}
    except Exception as exc:  # any failure to parse a client body is invalid_request
        raise GrantError("invalid_request", INVALID_REQUEST) from exc
    raise GrantError("invalid_request", INVALID_REQUEST)


def _client(request: Request, body: dict[str, str]) -> tuple[str, str] | None:
    """Client id and secret from HTTP Basic or the body."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        client_id, sep, secret = decoded.partition(":")
        return (unquote(client_id), unquote(secret)) if sep else None
    if "client_id" in body and "client_secret" in body:
        return body["client_id"], body["client_secret"]
    return None


def _authenticate_client(state: State, credentials: tuple[str, str] | None) -> str:
    """The authenticated client id, or invalid_client."""
    options = state.options
    known = {
        options.client_id: options.client_secret,
        options.service_client_id: options.service_client_secret,
    }
    if credentials is None or credentials[0] not in known:
        raise GrantError("invalid_client", INVALID_CLIENT, 401)
    if not secrets.compare_digest(credentials[1], known[credentials[0]]):
        raise GrantError("invalid_client", INVALID_CLIENT, 401)
    return credentials[0]


async def token(request: Request) -> Response:
    state = _state(request)
    options = state.options
    fault = state.faults.draw(options) if options.fault_oauth else None
    if fault in ("error", "throttle"):
        state.counters.injected[fault] += 1
        if fault == "error":
            return state.faults.error(options)
        return JSONResponse(
            {"error": "slow_down"},
            status_code=429,
            headers={"Retry-After": str(options.throttle_wait)},
        )
    grant = "unknown"
    try:
        body = await _body(request)
        grant = body.get("grant_type", "")
        if not grant:
            raise GrantError("invalid_request", INVALID_REQUEST)
        if grant not in GRANTS:
            grant = "unsupported"
            raise GrantError("unsupported_grant_type", UNSUPPORTED_GRANT)
        client_id = _authenticate_client(state, _client(request, body))
        answer = _grant(state, grant, client_id, body)
    except GrantError as error:
        state.counters.grant_failures[grant or "missing"] += 1
        if error.reused:
            state.counters.refresh_reuse += 1
        headers = _NO_STORE.copy()
        if error.status == 401:
            headers["WWW-Authenticate"] = f'Basic realm="Doorkeeper", error="{error.error}"'
        return JSONResponse(
            {"error": error.error, "error_description": error.description},
            status_code=error.status,
            headers=headers,
        )
    state.counters.grants[grant] += 1
    if fault == "drop":
        state.counters.injected["drop"] += 1
        payload = json.dumps(answer).encode()
        return DroppedResponse(payload, headers=_NO_STORE, media_type="application/json")
    return JSONResponse(answer, headers=_NO_STORE)


def _grant(state: State, grant: str, client_id: str, body: dict[str, str]) -> dict[str, Any]:
    options = state.options
    service = client_id == options.service_client_id
    if (grant == "client_credentials") != service:
        raise GrantError("unauthorized_client", UNAUTHORIZED_CLIENT)
    lifetime = options.token_lifetime
    if grant == "client_credentials":
        owner = next(u for u in state.world.users.values() if u.password is None)
        return state.tokens.issue(owner.id, client_id, lifetime=lifetime, refresh=False)
    if grant == "authorization_code":
        if not body.get("code"):
            raise GrantError("invalid_request", INVALID_REQUEST)
        code = state.tokens.redeem_code(
            body["code"],
            client_id=client_id,
            redirect_uri=body.get("redirect_uri"),
            verifier=body.get("code_verifier"),
        )
        return state.tokens.issue(code.owner_id, client_id, lifetime=lifetime, refresh=True)
    if not body.get("refresh_token"):
        raise GrantError("invalid_request", INVALID_REQUEST)
    old = state.tokens.use_refresh(body["refresh_token"], client_id=client_id)
    return state.tokens.issue(old.owner_id, client_id, lifetime=lifetime, refresh=True)


async def token_info(request: Request) -> Response:
    state = _state(request)
    access, reason = state.tokens.from_header(request.headers.get("authorization", ""))
    if access is None:
        return JSONResponse(
            {"error": "invalid_token", "error_description": reason},
            status_code=401,
            headers={"WWW-Authenticate": challenge(reason)},
        )
    return JSONResponse(
        {
            "resource_owner_id": access.owner_id,
            "scopes": [],
            "expires_in_seconds": max(0, int(access.expires_at() - state.clock.now())),
            "application": {"uid": access.client_id},
            "created_at": access.created_at,
        }
    )


async def revoke(request: Request) -> Response:
    """Always 200. Revokes when the caller sent no client credentials or the token's own."""
    state = _state(request)
    try:
        body = await _body(request)
    except GrantError:
        return JSONResponse({})
    credentials = _client(request, body)
    client_id: str | None = None
    if credentials is not None or "client_id" in body:
        try:
            client_id = _authenticate_client(state, credentials)
        except GrantError:
            return JSONResponse({})
    if body.get("token"):
        state.tokens.revoke(body["token"], client_id=client_id)
    return JSONResponse({})


def routes() -> list[Route]:
    return [
        Route("/oauth/authorize", authorize_form, methods=["GET"]),
        Route("/oauth/authorize", authorize_submit, methods=["POST"]),
        Route("/oauth/token", token, methods=["POST"]),
        Route("/oauth/token/", token, methods=["POST"]),
        Route("/oauth/token/info", token_info, methods=["GET"]),
        Route("/oauth/revoke", revoke, methods=["POST"]),
    ]
