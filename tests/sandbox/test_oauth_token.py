"""POST /oauth/token: grants, body encodings, client authentication and Doorkeeper errors."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
import requests
from sandbox_http import exchange, sign_in

from procore_nb._constants import CODE_LIFETIME, OOB_REDIRECT_URI
from procore_nb.sandbox import Sandbox


def _form(sb: Sandbox, code: str) -> dict[str, str]:
    return {
        "grant_type": "authorization_code",
        "client_id": sb.client_id,
        "client_secret": sb.client_secret,
        "code": code,
        "redirect_uri": OOB_REDIRECT_URI,
    }


def _refresh(sb: Sandbox, refresh_token: str, **extra: str) -> requests.Response:
    data = {
        "grant_type": "refresh_token",
        "client_id": sb.client_id,
        "client_secret": sb.client_secret,
        "refresh_token": refresh_token,
    } | extra
    return requests.post(f"{sb.url}/oauth/token", data=data, timeout=10)


def _me(sb: Sandbox, token: str) -> requests.Response:
    return requests.get(
        f"{sb.url}/rest/v1.0/me", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def test_success_body_is_shaped_like_procores(sb: Sandbox) -> None:
    """The token answer has Procore's five fields, expires_in from the options, created_at now."""
    before = sb.now()
    body = sign_in(sb)
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token", "created_at"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 5400
    assert before - 2 <= body["created_at"] <= sb.now() + 2
    assert sb.counters()["grants"]["authorization_code"] == 1


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded", "json", "basic", "slash"])
def test_every_body_encoding_and_client_auth_works(shared: Sandbox, encoding: str) -> None:
    """Multipart, urlencoded and JSON bodies, HTTP Basic, and the /oauth/token/ spelling."""
    form = _form(shared, shared.authorize())
    url = f"{shared.url}/oauth/token"
    if encoding == "multipart":
        response = requests.post(url, files={k: (None, v) for k, v in form.items()}, timeout=10)
    elif encoding == "urlencoded":
        response = requests.post(url, data=form, timeout=10)
    elif encoding == "json":
        response = requests.post(url, json=form, timeout=10)
    elif encoding == "basic":
        secretless = {k: v for k, v in form.items() if k not in ("client_id", "client_secret")}
        auth = (shared.client_id, shared.client_secret)
        response = requests.post(url, data=secretless, auth=auth, timeout=10)
    else:
        response = requests.post(url + "/", data=form, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert _me(shared, response.json()["access_token"]).status_code == 200


def test_a_code_is_single_use(shared: Sandbox) -> None:
    """The second exchange of the same code is invalid_grant (400)."""
    code = shared.authorize()
    assert exchange(shared, code).status_code == 200
    again = exchange(shared, code)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert "error_description" in again.json()


def test_a_code_expires_after_ten_minutes_of_sandbox_time(sb: Sandbox) -> None:
    """A code older than ten minutes on the sandbox clock is invalid_grant."""
    fresh, stale = sb.authorize(), sb.authorize()
    sb.advance(CODE_LIFETIME - 5)
    assert exchange(sb, fresh).status_code == 200
    sb.advance(10)
    expired = exchange(sb, stale)
    assert expired.status_code == 400
    assert expired.json()["error"] == "invalid_grant"
    assert sb.counters()["grant_failures"]["authorization_code"] == 1


def test_redirect_uri_must_match_the_authorize_request(shared: Sandbox) -> None:
    """A code issued for OOB cannot be redeemed with another redirect_uri."""
    response = exchange(shared, shared.authorize(), redirect_uri="http://127.0.0.1/callback")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    ("client_id", "secret"), [("sandbox-app", "wrong"), ("nobody", "sandbox-secret")]
)
def test_wrong_secret_or_unknown_client_is_invalid_client(
    shared: Sandbox, client_id: str, secret: str
) -> None:
    """A bad secret or an unknown client answers 401 invalid_client."""
    response = exchange(shared, shared.authorize(), client_id=client_id, client_secret=secret)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert "www-authenticate" in response.headers


def test_missing_client_credentials_is_invalid_client(shared: Sandbox) -> None:
    """No client authentication at all answers 401 invalid_client."""
    data = {"grant_type": "authorization_code", "code": shared.authorize()}
    response = requests.post(f"{shared.url}/oauth/token", data=data, timeout=10)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_unknown_grant_is_unsupported_grant_type(shared: Sandbox) -> None:
    """An unknown grant_type answers 400 unsupported_grant_type."""
    data = {"grant_type": "password", "client_id": "sandbox-app", "client_secret": "sandbox-secret"}
    response = requests.post(f"{shared.url}/oauth/token", data=data, timeout=10)
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b"grant_type=authorization_code", "text/plain"),
        (b"", "application/x-www-form-urlencoded"),
        (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
    ],
)
def test_malformed_body_is_invalid_request(shared: Sandbox, body: bytes, content_type: str) -> None:
    """Bodies that cannot be read, or lack grant_type, answer 400 invalid_request."""
    response = requests.post(
        f"{shared.url}/oauth/token",
        data=body,
        headers={"Content-Type": content_type},
        auth=(shared.client_id, shared.client_secret),
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_missing_code_is_invalid_request(shared: Sandbox) -> None:
    """authorization_code without a code is invalid_request."""
    form = _form(shared, "")
    del form["code"]
    response = requests.post(f"{shared.url}/oauth/token", data=form, timeout=10)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_refresh_rotates_and_keeps_the_old_access_token_valid(sb: Sandbox) -> None:
    """A refresh returns new tokens; the previous access token works until it expires."""
    first = sign_in(sb)
    second = _refresh(sb, first["refresh_token"])
    assert second.status_code == 200
    body = second.json()
    assert body["refresh_token"] != first["refresh_token"]
    assert body["access_token"] != first["access_token"]
    assert _me(sb, first["access_token"]).status_code == 200
    assert _me(sb, body["access_token"]).status_code == 200
    assert sb.counters()["grants"]["refresh_token"] == 1


def test_a_reused_refresh_token_is_invalid_grant_and_counted(sb: Sandbox) -> None:
    """Presenting a used refresh token again answers invalid_grant and counts refresh_reuse."""
    first = sign_in(sb)
    assert _refresh(sb, first["refresh_token"]).status_code == 200
    reused = _refresh(sb, first["refresh_token"])
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"
    counters = sb.counters()
    assert counters["refresh_reuse"] == 1
    assert counters["grant_failures"]["refresh_token"] == 1


def test_a_failed_refresh_still_kills_the_token(sb: Sandbox) -> None:
    """A refresh presented by another client fails and kills the token for its owner too."""
    first = sign_in(sb)
    wrong = requests.post(
        f"{sb.url}/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
        auth=(sb.service_client_id, sb.service_client_secret),
        timeout=10,
    )
    assert wrong.status_code == 400
    # The service client may not use refresh tokens at all; the token survives that refusal.
    assert _refresh(sb, first["refresh_token"]).status_code == 200


def test_a_refresh_whose_answer_was_lost_kills_the_old_token(sb: Sandbox) -> None:
    """With the token answer dropped, the refresh token is spent anyway (retry fails)."""
    first = sign_in(sb)
    sb.configure(drop_rate=1.0, fault_oauth=True)
    with pytest.raises(requests.exceptions.RequestException):
        _refresh(sb, first["refresh_token"])
    sb.configure(drop_rate=0.0, fault_oauth=False)
    retry = _refresh(sb, first["refresh_token"])
    assert retry.status_code == 400
    assert retry.json()["error"] == "invalid_grant"
    counters = sb.counters()
    assert counters["grants"]["refresh_token"] == 1
    assert counters["refresh_reuse"] == 1
    assert counters["injected"]["drop"] == 1


def test_client_credentials_returns_no_refresh_token(sb: Sandbox) -> None:
    """The service account's grant has an access token and no refresh token."""
    response = requests.post(
        f"{sb.url}/oauth/token",
        json={
            "grant_type": "client_credentials",
            "client_id": sb.service_client_id,
            "client_secret": sb.service_client_secret,
        },
        timeout=10,
    )
    assert response.status_code == 200
    body = response.json()
    assert "refresh_token" not in body
    assert body["expires_in"] == 5400
    assert sb.counters()["grants"]["client_credentials"] == 1


def test_the_demo_app_cannot_use_client_credentials(shared: Sandbox) -> None:
    """client_credentials with the user app is unauthorized_client."""
    response = requests.post(
        f"{shared.url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(shared.client_id, shared.client_secret),
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unauthorized_client"


def test_access_tokens_expire_on_the_sandbox_clock(sb: Sandbox) -> None:
    """After token_lifetime seconds the access token answers 401 'expired'."""
    sb.configure(token_lifetime=60)
    body = sign_in(sb)
    assert body["expires_in"] == 60
    sb.advance(61)
    response = _me(sb, body["access_token"])
    assert response.status_code == 401
    assert "expired" in response.json()["errors"]
    assert _refresh(sb, body["refresh_token"]).status_code == 200


def test_pkce_is_accepted_and_checked_when_sent(shared: Sandbox) -> None:
    """A code bound to an S256 challenge needs the matching verifier."""
    verifier = "v" * 64
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query = {
        "response_type": "code",
        "client_id": shared.client_id,
        "redirect_uri": OOB_REDIRECT_URI,
        "code_challenge": challenge.rstrip(b"=").decode(),
        "code_challenge_method": "S256",
    }
    login = {"login": shared.login, "password": shared.password, "decision": "allow"}

    def code() -> str:
        page = requests.post(f"{shared.url}/oauth/authorize", params=query, data=login, timeout=10)
        return page.text.split('id="authorization_code">')[1].split("<")[0]

    assert exchange(shared, code(), code_verifier="w" * 64).status_code == 400
    assert exchange(shared, code()).status_code == 400
    assert exchange(shared, code(), code_verifier=verifier).status_code == 200


def test_token_info_describes_the_token(sb: Sandbox) -> None:
    """GET /oauth/token/info gives owner, application and remaining lifetime."""
    token = sign_in(sb)["access_token"]
    info = requests.get(
        f"{sb.url}/oauth/token/info", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert info.status_code == 200
    body = info.json()
    assert body["resource_owner_id"] == 1234567
    assert body["application"] == {"uid": sb.client_id}
    assert 5390 <= body["expires_in_seconds"] <= 5400
    bad = requests.get(
        f"{sb.url}/oauth/token/info", headers={"Authorization": "Bearer nope"}, timeout=10
    )
    assert bad.status_code == 401
    assert bad.json()["error"] == "invalid_token"


def test_revoke_always_answers_200_and_kills_both_tokens(sb: Sandbox) -> None:
    """Revoking the access token also kills its refresh token; unknown tokens still get 200."""
    body = sign_in(sb)
    creds = {"client_id": sb.client_id, "client_secret": sb.client_secret}
    revoke = requests.post(
        f"{sb.url}/oauth/revoke", data={"token": body["access_token"]} | creds, timeout=10
    )
    assert revoke.status_code == 200
    assert _me(sb, body["access_token"]).status_code == 401
    assert _refresh(sb, body["refresh_token"]).status_code == 400
    unknown = requests.post(f"{sb.url}/oauth/revoke", data={"token": "nope"} | creds, timeout=10)
    assert unknown.status_code == 200
    assert json.loads(unknown.text) == {}


def test_revoking_a_refresh_token_kills_its_access_token(sb: Sandbox) -> None:
    """Revoking by refresh token also revokes the access token issued with it."""
    body = sign_in(sb)
    requests.post(
        f"{sb.url}/oauth/revoke",
        json={"token": body["refresh_token"]},
        auth=(sb.client_id, sb.client_secret),
        timeout=10,
    )
    assert _me(sb, body["access_token"]).status_code == 401


def test_revoke_with_a_wrong_secret_revokes_nothing(sb: Sandbox) -> None:
    """Revoke answers 200 to a wrong secret but leaves the token alone."""
    body = sign_in(sb)
    data = {"token": body["access_token"], "client_id": sb.client_id, "client_secret": "wrong"}
    assert requests.post(f"{sb.url}/oauth/revoke", data=data, timeout=10).status_code == 200
    assert _me(sb, body["access_token"]).status_code == 200
