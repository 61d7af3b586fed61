"""Signing in and staying signed in, against the sandbox over real HTTP."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

import procore_nb
from procore_nb import (
    AuthenticationError,
    Client,
    ClientConfig,
    NotSignedInError,
    ReauthenticationRequired,
)
from procore_nb._constants import OOB_REDIRECT_URI
from procore_nb.sandbox import Sandbox

MakeClient = Callable[..., Client]


def _grants(sb: Sandbox, grant: str = "refresh_token") -> int:
    return int(sb.counters()["grants"].get(grant, 0))


def test_authorization_url_is_oob_with_state(make_client: MakeClient, sb: Sandbox) -> None:
    """The authorize URL is on the login host, out-of-band, with the app's id and a state."""
    client = make_client(signed_in=False)
    url = client.authorization_url(state="xyz")
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{sb.url}/oauth/authorize"
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [sb.client_id]
    assert query["redirect_uri"] == [OOB_REDIRECT_URI]
    assert query["state"] == ["xyz"]
    generated = parse_qs(urlsplit(client.authorization_url()).query)["state"][0]
    assert len(generated) >= 20


def test_code_exchange_signs_in_and_caches(make_client: MakeClient, sb: Sandbox) -> None:
    """A fresh code signs the client in, and the token lands in a 0600 cache file."""
    client = make_client(signed_in=False)
    assert not client.signed_in
    client.exchange_code("  " + sb.authorize() + "\n")  # pasted codes carry whitespace
    assert client.signed_in
    assert client.me()["login"] == sb.login
    files = list((procore_nb.config_file().parent / "tokens").glob("*.json"))
    assert len(files) == 1
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600


def test_reused_code_says_codes_are_single_use(make_client: MakeClient, sb: Sandbox) -> None:
    """A code used twice is invalid_grant, and the message says to open the link again."""
    code = sb.authorize()
    make_client(signed_in=False).exchange_code(code)
    with pytest.raises(AuthenticationError) as info:
        make_client(signed_in=False).exchange_code(code)
    assert info.value.error == "invalid_grant"
    assert info.value.status == 400
    assert "codes are single-use and expire after 10 minutes: open the link again" in str(
        info.value
    )
    assert code not in str(info.value)


def test_expired_code_is_invalid_grant(make_client: MakeClient, sb: Sandbox) -> None:
    """A code older than 10 minutes is refused with the same advice."""
    code = sb.authorize()
    sb.advance(601)
    with pytest.raises(AuthenticationError, match="open the link again") as info:
        make_client(signed_in=False).exchange_code(code)
    assert info.value.error == "invalid_grant"


def test_wrong_secret_mentions_production_versus_sandbox(sb: Sandbox) -> None:
    """invalid_client explains that credentials belong to one environment."""
    client = Client(api_url=sb.url, client_id=sb.client_id, client_secret="wrong", progress=False)
    with pytest.raises(AuthenticationError) as info:
        client.exchange_code(sb.authorize())
    assert info.value.error == "invalid_client"
    assert "production" in str(info.value)
    assert "sandbox" in str(info.value)
    assert "wrong" not in str(info.value)


def test_not_signed_in_error_carries_the_hint(make_client: MakeClient) -> None:
    """A call before sign-in raises NotSignedInError ending with client.sign_in_hint."""
    client = make_client(signed_in=False)
    client.sign_in_hint = "finish signing in in the cell above"
    with pytest.raises(NotSignedInError, match="finish signing in in the cell above"):
        client.me()


def test_restore_uses_the_cached_sign_in(make_client: MakeClient, sb: Sandbox) -> None:
    """A new client (a new kernel) restores the cached token without signing in."""
    make_client()
    sb.reset_counters()
    again = make_client(signed_in=False)
    assert again.restore()
    assert again.me()["id"] == 1234567
    assert _grants(sb, "authorization_code") == 0


def test_requests_restore_the_cache_by_themselves(make_client: MakeClient) -> None:
    """A request on a fresh client uses the cached sign-in if there is one."""
    make_client()
    assert make_client(signed_in=False).me()["name"] == "Joe Builder"


def test_restore_without_a_cache_is_false(make_client: MakeClient) -> None:
    """Nothing cached: restore() is False and sends nothing."""
    assert not make_client(signed_in=False).restore()


def test_noop_cache_writes_nothing(make_client: MakeClient) -> None:
    """cache='none' keeps the token in memory only."""
    client = make_client(cache="none")
    assert client.me()["id"] == 1234567
    assert not (procore_nb.config_file().parent / "tokens").exists()
    assert not make_client(signed_in=False).restore()


def test_reauth_cache_ignores_the_previous_sign_in(make_client: MakeClient) -> None:
    """cache='reauth' does not restore, but saves the new sign-in for others."""
    make_client()
    assert not make_client(signed_in=False, cache="reauth").restore()
    make_client(cache="reauth")
    assert make_client(signed_in=False).restore()


def test_expired_token_is_refreshed_once_on_401(client: Client, sb: Sandbox) -> None:
    """A token the server considers expired costs one refresh and the call succeeds."""
    sb.advance(5401)
    assert client.me()["id"] == 1234567
    assert _grants(sb) == 1
    assert sb.counters()["refresh_reuse"] == 0


def test_token_is_refreshed_before_it_expires(make_client: MakeClient, sb: Sandbox) -> None:
    """Shortly before expiry (client clock), the token is refreshed with no 401 first."""
    now = [1_000_000.0]
    client = make_client(config=ClientConfig(clock=lambda: now[0]))
    old = client.token
    now[0] += 5400 - 60
    client.me()
    assert client.token is not old
    counts = sb.counters()
    assert _grants(sb) == 1
    assert counts["by_status"].get("401", 0) == 0


def test_refresh_is_saved_to_the_cache(
    client: Client, sb: Sandbox, make_client: MakeClient
) -> None:
    """After a refresh the rotated pair is cached: a new client restores the new token."""
    sb.advance(5401)
    client.me()
    restored = make_client(signed_in=False)
    assert restored.restore()
    assert restored.token == client.token


def test_concurrent_401s_cost_exactly_one_refresh(client: Client, sb: Sandbox) -> None:
    """Many threads hitting an expired token at once share a single refresh."""
    sb.advance(5401)
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def call() -> None:
        barrier.wait()
        try:
            client.me()
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _grants(sb) == 1
    assert sb.counters()["refresh_reuse"] == 0


def test_token_expiring_mid_pull_costs_one_refresh(client: Client, sb: Sandbox) -> None:
    """The sandbox clock jumps past expiry during a concurrent pull: one refresh, all rows."""
    sb.configure(latency=0.05)
    # 40 pages, 8 at a time: at least 0.3 s of requests, so the jump lands mid-pull.
    timer = threading.Timer(0.1, sb.advance, args=(5401,))
    timer.start()
    try:
        df = client.projects(status="all", per_page=10)
    finally:
        timer.join()
    assert len(df) == 400
    assert df["id"].is_unique
    counts = sb.counters()
    assert _grants(sb) == 1
    assert counts["refresh_reuse"] == 0


def _cached_files() -> list[Path]:
    return list((procore_nb.config_file().parent / "tokens").glob("*.json"))


def _refresh_elsewhere(sb: Sandbox, token: procore_nb.Token | None) -> None:
    """Use the refresh token from outside the client (another app), killing it."""
    assert token is not None
    assert token.refresh_token
    answer = requests.post(
        f"{sb.url}/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": token.refresh_token,
            "client_id": sb.client_id,
            "client_secret": sb.client_secret,
        },
        timeout=10,
    )
    assert answer.status_code == 200


def test_rejected_refresh_clears_the_cache(client: Client, sb: Sandbox) -> None:
    """A dead refresh token: the request says sign in again, and the cache is emptied."""
    _refresh_elsewhere(sb, client.token)
    sb.advance(5401)
    with pytest.raises(ReauthenticationRequired, match="sign in again") as info:
        client.me()
    assert info.value.error == "invalid_grant"
    assert isinstance(info.value, AuthenticationError)
    assert not client.signed_in
    assert _cached_files() == []


def test_restore_with_a_dead_refresh_token_is_false(make_client: MakeClient, sb: Sandbox) -> None:
    """restore() of an expired token whose refresh is refused is False, and clears it."""
    _refresh_elsewhere(sb, make_client().token)
    later = ClientConfig(clock=lambda: time.time() + 6000)  # the cached token has expired
    fresh = make_client(signed_in=False, config=later)
    assert not fresh.restore()
    assert not fresh.signed_in
    assert _cached_files() == []


def test_logout_revokes_and_forgets(make_client: MakeClient, sb: Sandbox) -> None:
    """Sign-out revokes the token at Procore and removes it from memory and the cache."""
    client = make_client()
    token = client.token
    assert token is not None
    client.logout()
    assert not client.signed_in
    assert _cached_files() == []
    assert not make_client(signed_in=False).restore()
    assert sb.counters()["by_path"].get("/oauth/revoke") == 1
    answer = requests.get(
        f"{sb.url}/rest/v1.0/me",
        headers={"Authorization": f"Bearer {token.access_token}"},
        timeout=10,
    )
    assert answer.status_code == 401


def test_logout_when_procore_is_unreachable_still_forgets(make_client: MakeClient) -> None:
    """Revoking is best effort: with the server gone, sign-out still clears everything."""
    client = make_client()
    offline = Client(
        api_url="http://127.0.0.1:9",
        client_id=client.client_id,
        client_secret="x",
        progress=False,
    )
    offline._auth.cache_key = client._auth.cache_key  # the same sign-in, seen offline
    assert offline.restore()
    offline.logout()
    assert not offline.signed_in
    assert _cached_files() == []


def test_token_info(client: Client, sb: Sandbox) -> None:
    """token_info() answers Procore's description of the token."""
    info = client.token_info()
    assert info["resource_owner_id"] == 1234567
    assert info["application"]["uid"] == sb.client_id
    assert 0 < info["expires_in_seconds"] <= 5400


def test_service_account_signs_in_and_renews(sb: Sandbox) -> None:
    """client_credentials signs in without a person, and renews with the credentials."""
    client = Client(
        api_url=sb.url,
        client_id=sb.service_client_id,
        client_secret=sb.service_client_secret,
        grant="client_credentials",
        company_id=sb.company_id,
        progress=False,
    )
    assert len(client.projects()) > 0  # signs in by itself: no person is needed
    assert client.grant == "client_credentials"
    assert client.token is not None
    assert client.token.refresh_token is None
    sb.advance(5401)
    client.companies()
    assert _grants(sb, "client_credentials") == 2
    assert _grants(sb) == 0


def test_login_service_account_explicitly(sb: Sandbox) -> None:
    """login_service_account() uses the client-credentials grant."""
    client = Client(
        api_url=sb.url,
        client_id=sb.service_client_id,
        client_secret=sb.service_client_secret,
        progress=False,
    )
    client.login_service_account()
    assert client.signed_in
    assert client.grant == "client_credentials"


def test_debug_logs_never_show_secrets(
    make_client: MakeClient, sb: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """Sign-in, refresh, requests and sign-out at DEBUG log no token, code or secret."""
    caplog.set_level(logging.DEBUG)
    code = sb.authorize()
    client = make_client(signed_in=False, company_id=sb.company_id)
    client.exchange_code(code)
    first = client.token
    sb.advance(5401)
    client.projects()
    second = client.token
    client.logout()
    assert first is not None
    assert second is not None
    text = caplog.text
    assert "oauth" in text.lower()  # the OAuth libraries did log at DEBUG
    secrets = [code, sb.client_secret, first.access_token, second.access_token]
    secrets += [t for t in (first.refresh_token, second.refresh_token) if t]
    for secret in secrets:
        assert secret not in text


def test_two_processes_refreshing_one_cached_token_both_stay_signed_in(
    make_client: MakeClient, sb: Sandbox, tmp_path: Path
) -> None:
    """Two kernels sharing the cache refresh the single-use token once; both keep working."""
    make_client()  # signs in and caches the token both children restore
    sb.advance(5401)
    sb.reset_counters()
    script = (
        "import sys, procore_nb\n"
        "procore_nb.set_testing(True)\n"
        f"client = procore_nb.Client(api_url={sb.url!r}, client_id={sb.client_id!r}, "
        f"client_secret={sb.client_secret!r}, progress=False)\n"
        "assert client.restore()\n"
        "print('ready', flush=True)\n"
        "sys.stdin.readline()\n"
        "print(client.me()['id'], flush=True)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(procore_nb.__file__).parents[1])}
    children = [
        subprocess.Popen(  # runs this interpreter on a fixed script
            [sys.executable, "-c", script],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    try:
        for child in children:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "ready"
        for child in children:  # both go at once
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        outputs = [child.communicate(timeout=60) for child in children]
    finally:
        for child in children:
            child.kill()
    assert [out.strip() for out, _ in outputs] == ["1234567", "1234567"], outputs
    assert _grants(sb) == 1
    assert sb.counters()["refresh_reuse"] == 0


def test_user_id_asks_me_once_per_sign_in(
    make_client: Callable[..., procore_nb.Client], sb: Sandbox
) -> None:
    """``user_id()`` asks ``/me`` once; the cached sign-in and its renewals keep the answer."""
    first = make_client(company_id=sb.company_id)
    sb.reset_counters()
    user = first.user_id()
    assert user == first.me()["id"]
    assert first.user_id() == user
    assert sb.counters()["requests"] == 2  # the first user_id() and the explicit me()
    second = make_client(signed_in=False, company_id=sb.company_id)
    assert second.restore()
    sb.reset_counters()
    assert second.user_id() == user
    assert sb.counters()["requests"] == 0  # kept with the cached token
    sb.configure(token_lifetime=60)
    try:
        renewed = make_client(signed_in=False, company_id=sb.company_id)
        assert renewed.restore()
        renewed._auth.renew(renewed.token)  # a renewal: a new token of the same person
        sb.reset_counters()
        assert renewed.user_id() == user
        assert sb.counters()["requests"] == 0
    finally:
        sb.configure(token_lifetime=5400)
