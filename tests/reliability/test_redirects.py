"""Redirects: OAuth never follows one; a REST GET follows one only on its own origin.

Another port, or another 127.x address, stands in for another host; every server here
listens on 127.0.0.0/8 only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hostile import HostileServer, Raw, hostile_server, json_answer, tls_context
from leaks import Watch

import procore_nb
from procore_nb import Client, ClientConfig, RedirectRefusedError

SECRET = "hostile-client-secret-5f1e"
CODE = "hostile-code-77ab"


def _client(server: HostileServer, **options: Any) -> Client:
    options.setdefault("company_id", 1)
    options.setdefault("config", ClientConfig(retries=1, deadline=20))
    return procore_nb.Client(
        api_url=server.url,
        client_id="hostile-app",
        client_secret=SECRET,
        progress=False,
        cache="none",
        **options,
    )


def _redirect(status: int, location: str) -> Raw:
    return Raw(status=status, headers=[("Location", location)])


@pytest.fixture
def servers() -> Iterator[tuple[HostileServer, HostileServer]]:
    """The server the client talks to, and another host (another port) to redirect to."""
    with hostile_server() as here, hostile_server() as there:
        yield here, there


def _no_secret_reached(server: HostileServer) -> None:
    for request in server.requests:
        text = repr(request)
        assert SECRET not in text
        assert CODE not in text
        assert "hostile-access-token" not in text


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_token_request_never_follows_a_redirect(
    servers: tuple[HostileServer, HostileServer], watch: Watch, status: int
) -> None:
    """A token endpoint redirecting elsewhere gets RedirectRefusedError; nothing reaches there."""
    here, there = servers
    here.routes["POST", "/oauth/token"] = lambda r: _redirect(status, f"{there.url}/oauth/token")
    client = _client(here)
    with watch.raises(RedirectRefusedError, match="OAuth requests never follow") as info:
        client.exchange_code(CODE)
    assert info.value.location == f"{there.url}/oauth/token"
    assert info.value.status == status
    assert there.requests == []
    assert SECRET not in str(info.value)
    assert CODE not in str(info.value)
    assert not client.signed_in


def test_token_request_redirect_on_the_same_host_is_refused_too(
    servers: tuple[HostileServer, HostileServer], watch: Watch
) -> None:
    """Even a same-origin 307 on POST /oauth/token is not followed: the form is sent once."""
    here, _ = servers
    here.routes["POST", "/oauth/token"] = lambda r: _redirect(307, "/oauth/token2")
    with watch.raises(RedirectRefusedError):
        _client(here).exchange_code(CODE)
    assert len(here.posts()) == 1
    assert here.posts("/oauth/token2") == []


def test_refresh_never_follows_a_redirect(
    servers: tuple[HostileServer, HostileServer], watch: Watch
) -> None:
    """A refresh (after a 401) answered with a 308 elsewhere does not re-send the refresh token."""
    here, there = servers
    client = _client(here)
    client.exchange_code(CODE)
    here.routes["GET", "/rest/v1.0/me"] = lambda r: json_answer({"error": "expired"}, 401)
    here.routes["POST", "/oauth/token"] = lambda r: _redirect(308, f"{there.url}/oauth/token")
    with watch.raises(RedirectRefusedError):
        client.get("me")
    assert there.requests == []


def test_revoke_never_follows_a_redirect(
    servers: tuple[HostileServer, HostileServer], caplog: pytest.LogCaptureFixture
) -> None:
    """Logging out against a revoke endpoint that redirects forgets the token, sends nothing on."""
    here, there = servers
    client = _client(here)
    client.exchange_code(CODE)
    here.routes["POST", "/oauth/revoke"] = lambda r: _redirect(307, f"{there.url}/oauth/revoke")
    assert client.logout() is True
    assert not client.signed_in
    assert there.requests == []
    assert "RedirectRefusedError" in caplog.text


def test_token_info_never_follows_a_redirect(
    servers: tuple[HostileServer, HostileServer], watch: Watch
) -> None:
    """GET /oauth/token/info carries the bearer token: a redirect is refused, even same-host."""
    here, there = servers
    client = _client(here)
    client.exchange_code(CODE)
    here.routes["GET", "/oauth/token/info"] = lambda r: _redirect(302, f"{there.url}/info")
    with watch.raises(RedirectRefusedError):
        client.token_info()
    assert there.requests == []


@pytest.mark.parametrize("host", ["port", "address"], ids=["other-port", "other-address"])
def test_rest_get_does_not_follow_a_redirect_to_another_host(
    servers: tuple[HostileServer, HostileServer], watch: Watch, host: str
) -> None:
    """A GET redirected to another port or 127.x address is refused; the bearer never goes there."""
    here, there = servers
    with hostile_server(host="127.0.0.2") as other_address:
        target = there if host == "port" else other_address
        here.routes["GET", "/rest/v1.0/me"] = lambda r: _redirect(302, f"{target.url}/rest/v1.0/me")
        client = _client(here)
        client.exchange_code(CODE)
        with watch.raises(RedirectRefusedError, match="another host") as info:
            client.get("me")
        assert target.requests == []
    assert "bearer" not in str(info.value).lower().replace("the bearer token is not sent", "")


def test_rest_get_follows_a_redirect_on_its_own_host(
    servers: tuple[HostileServer, HostileServer],
) -> None:
    """A same-origin redirect (a moved path) is followed, with the bearer token and company."""
    here, _ = servers
    here.routes["GET", "/rest/v1.0/me"] = lambda r: _redirect(301, "/rest/v1.0/me2?x=1")
    here.routes["GET", "/rest/v1.0/me2"] = lambda r: json_answer({"id": 7})
    client = _client(here)
    client.exchange_code(CODE)
    assert client.get("me") == {"id": 7}
    followed = here.gets("/rest/v1.0/me2")[0]
    assert followed.headers["authorization"] == "Bearer hostile-access-token"
    assert followed.query == {"x": "1"}


def test_redirect_loop_on_the_same_host_stops(
    servers: tuple[HostileServer, HostileServer], watch: Watch
) -> None:
    """A same-origin redirect that loops stops after a few hops with RedirectRefusedError."""
    here, _ = servers
    here.routes["GET", "/rest/v1.0/me"] = lambda r: _redirect(302, "/rest/v1.0/me")
    client = _client(here)
    client.exchange_code(CODE)
    with watch.raises(RedirectRefusedError, match="redirects in a row"):
        client.get("me")
    assert len(here.gets("/rest/v1.0/me")) == 6


@pytest.mark.parametrize(
    "location",
    ["", "http://[::1", "ftp://127.0.0.1/x", "//127.0.0.1:1/x"],
    ids=["empty", "unparsable", "other-scheme", "scheme-relative-other-port"],
)
def test_redirect_with_a_bad_location(
    servers: tuple[HostileServer, HostileServer], watch: Watch, location: str
) -> None:
    """A redirect whose Location is empty, unparsable or elsewhere is RedirectRefusedError."""
    here, _ = servers
    here.routes["GET", "/rest/v1.0/me"] = lambda r: _redirect(302, location)
    client = _client(here)
    client.exchange_code(CODE)
    with watch.raises(RedirectRefusedError):
        client.get("me")


def test_https_get_does_not_follow_a_redirect_to_http(tmp_path: Path, watch: Watch) -> None:
    """A GET over HTTPS redirected to plain HTTP (same host) is refused: no downgrade."""
    context, ca_file = tls_context(tmp_path)
    with hostile_server(tls=context) as secure, hostile_server() as plain:
        downgrade = plain.url.replace("http://", "http://") + "/rest/v1.0/me"
        secure.routes["GET", "/rest/v1.0/me"] = lambda r: _redirect(302, downgrade)
        client = _client(secure, ca_file=ca_file)
        client.exchange_code(CODE)
        with watch.raises(RedirectRefusedError, match="leaves HTTPS"):
            client.get("me")
        assert plain.requests == []
