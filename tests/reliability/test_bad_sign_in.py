"""Bad input when signing in: codes, app credentials, refresh tokens, URLs, environments.

Each test names one row of docs/bad-input.md. Every expected exception and every DEBUG log
record is also searched for the session's secrets (the ``watch`` fixture).
"""

from __future__ import annotations

import pytest
import requests
from leaks import Watch
from sandboxed import MakeClient

from procore_nb import (
    AuthenticationError,
    Client,
    ConfigurationError,
    InsecureURLError,
    ReauthenticationRequired,
)
from procore_nb.sandbox import Sandbox

SINGLE_USE = "codes are single-use and expire after 10 minutes"


def _token_posts(sb: Sandbox) -> int:
    return int(sb.counters()["by_path"].get("/oauth/token", 0))


@pytest.mark.parametrize("code", ["", "   \n"], ids=["empty", "blank"])
def test_empty_code(make_client: MakeClient, fresh: Sandbox, watch: Watch, code: str) -> None:
    """An empty or blank code is refused before anything is sent."""
    client = make_client(signed_in=False)
    with watch.raises(ConfigurationError, match="The authorization code is empty"):
        client.exchange_code(code)
    assert _token_posts(fresh) == 0


def test_mistyped_code(make_client: MakeClient, fresh: Sandbox, watch: Watch) -> None:
    """A code with a typo is invalid_grant, with the single-use advice."""
    code = fresh.authorize()
    mistyped = code[:-1] + ("0" if code[-1] != "0" else "1")
    watch.secret("mistyped code", mistyped)
    with watch.raises(AuthenticationError, match=SINGLE_USE) as info:
        make_client(signed_in=False).exchange_code(mistyped)
    assert info.value.error == "invalid_grant"
    assert info.value.status == 400


def test_expired_code(make_client: MakeClient, fresh: Sandbox, watch: Watch) -> None:
    """A code older than ten minutes is invalid_grant."""
    code = fresh.authorize()
    fresh.advance(601)
    with watch.raises(AuthenticationError, match=SINGLE_USE) as info:
        make_client(signed_in=False).exchange_code(code)
    assert info.value.error == "invalid_grant"


def test_reused_code(make_client: MakeClient, fresh: Sandbox, watch: Watch) -> None:
    """A code already exchanged is invalid_grant."""
    code = fresh.authorize()
    make_client(signed_in=False).exchange_code(code)
    with watch.raises(AuthenticationError, match=SINGLE_USE) as info:
        make_client(signed_in=False).exchange_code(code)
    assert info.value.error == "invalid_grant"


def test_code_from_another_environment(
    make_client: MakeClient, fresh: Sandbox, watch: Watch
) -> None:
    """A code issued by another server (environment) is invalid_grant here."""
    with Sandbox(seed=1, projects=5) as elsewhere:
        watch.sandbox(elsewhere)
        code = elsewhere.authorize()
        with watch.raises(AuthenticationError, match=SINGLE_USE) as info:
            make_client(signed_in=False).exchange_code(code)
        assert info.value.error == "invalid_grant"


@pytest.mark.parametrize("wrong", ["client_id", "client_secret"])
def test_wrong_client_credentials(fresh: Sandbox, watch: Watch, wrong: str) -> None:
    """A wrong client id or secret is invalid_client naming both environments; the code survives."""
    credentials = {"client_id": fresh.client_id, "client_secret": fresh.client_secret}
    credentials[wrong] = "wrong-" + credentials[wrong]
    watch.secret("wrong secret", credentials["client_secret"])
    code = fresh.authorize()
    client = Client(api_url=fresh.url, progress=False, cache="none", **credentials)
    with watch.raises(AuthenticationError, match="invalid_client") as info:
        client.exchange_code(code)
    assert info.value.error == "invalid_client"
    assert info.value.status == 401
    assert "production credentials do not work on the sandbox" in str(info.value)
    # Procore authenticates the app before it looks at the code: the code is still good.
    right = Client(
        api_url=fresh.url,
        client_id=fresh.client_id,
        client_secret=fresh.client_secret,
        progress=False,
        cache="none",
    )
    right.exchange_code(code)
    assert right.signed_in


def test_revoked_refresh_token(client: Client, fresh: Sandbox, watch: Watch) -> None:
    """A token revoked elsewhere: the next call says to sign in again and forgets it."""
    token = client.token
    assert token is not None
    assert token.refresh_token is not None
    revoked = requests.post(
        f"{fresh.url}/oauth/revoke", data={"token": token.refresh_token}, timeout=10
    )
    assert revoked.status_code == 200
    with watch.raises(ReauthenticationRequired, match="sign in again") as info:
        client.me()
    assert info.value.error == "invalid_grant"
    assert not client.signed_in


def test_reused_refresh_token(client: Client, fresh: Sandbox, watch: Watch) -> None:
    """A refresh token another program already used: sign in again; presented once only."""
    token = client.token
    assert token is not None
    used = requests.post(
        f"{fresh.url}/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": token.refresh_token,
            "client_id": fresh.client_id,
            "client_secret": fresh.client_secret,
        },
        timeout=10,
    )
    assert used.status_code == 200
    fresh.advance(5401)
    with watch.raises(ReauthenticationRequired, match="sign in again") as info:
        client.me()
    assert info.value.error == "invalid_grant"
    assert fresh.counters()["refresh_reuse"] == 1


@pytest.mark.parametrize(
    "urls",
    [
        {"api_url": "http://api.procore.com"},
        {"api_url": "https://api.procore.com", "login_url": "http://login.procore.com"},
        {"api_url": "http://10.0.0.5:8000"},
    ],
    ids=["api", "login", "private-address"],
)
def test_plain_http_to_a_remote_host(urls: dict[str, str], watch: Watch) -> None:
    """An http:// URL whose host is not loopback is refused, citing Procore's HTTPS rule."""
    with watch.raises(InsecureURLError, match="Procore requires HTTPS"):
        Client(**urls, client_id="app", client_secret="secret")


@pytest.mark.parametrize("env", ["staging", "prod", ""])
def test_unknown_environment(env: str, watch: Watch) -> None:
    """An unknown environment name is refused, listing the known ones."""
    with watch.raises(ConfigurationError, match="use one of: production, sandbox, monthly"):
        Client(env)


def test_missing_app_credentials(make_client: MakeClient, watch: Watch) -> None:
    """No client id: the error says every way to provide it, before anything is sent."""
    client = Client(api_url="http://127.0.0.1:9", progress=False, cache="none")
    with watch.raises(ConfigurationError, match="PROCORE_CLIENT_ID"):
        client.authorization_url()
    del make_client
