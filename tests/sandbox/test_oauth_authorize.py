"""The sign-in and consent pages of GET/POST /oauth/authorize."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from procore_nb._constants import OOB_REDIRECT_URI
from procore_nb.sandbox import Sandbox, SandboxError

CALLBACK = "http://127.0.0.1/callback"


def _query(sb: Sandbox, **extra: str) -> str:
    params = {"response_type": "code", "client_id": sb.client_id, "redirect_uri": OOB_REDIRECT_URI}
    return urlencode(params | extra)


def _submit(sb: Sandbox, query: str, **form: str) -> requests.Response:
    fields = {"login": sb.login, "password": sb.password, "decision": "allow"} | form
    return requests.post(
        f"{sb.url}/oauth/authorize?{query}", data=fields, allow_redirects=False, timeout=10
    )


def test_get_renders_a_form_posting_login_password_and_decision(shared: Sandbox) -> None:
    """The authorize page is an HTML form with login, password and allow/deny buttons."""
    page = requests.get(f"{shared.url}/oauth/authorize?{_query(shared)}", timeout=10)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'method="post"' in page.text
    for name in ('name="login"', 'name="password"', 'value="allow"', 'value="deny"'):
        assert name in page.text


def test_sign_in_page_lists_the_demo_accounts(shared: Sandbox) -> None:
    """Someone trying the sandbox in a browser sees which demo accounts to sign in with."""
    page = requests.get(f"{shared.url}/oauth/authorize?{_query(shared)}", timeout=10)
    hint = page.text.split('id="demo_accounts"', 1)[1]
    for value in (shared.login, shared.password, shared.other_login, shared.other_password):
        assert f"<code>{value}</code>" in hint


def test_oob_allow_shows_the_code_in_authorization_code(shared: Sandbox) -> None:
    """With the OOB redirect URI the code appears inside id="authorization_code"."""
    response = _submit(shared, _query(shared))
    assert response.status_code == 200
    found = re.search(r'id="authorization_code">([0-9a-f]{64})<', response.text)
    assert found is not None


def test_registered_redirect_gets_302_with_code_and_state(shared: Sandbox) -> None:
    """A registered http redirect URI receives the code and the state."""
    response = _submit(shared, _query(shared, redirect_uri=CALLBACK, state="xyz"))
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    params = parse_qs(location.query)
    assert params["state"] == ["xyz"]
    assert len(params["code"][0]) == 64


def test_unregistered_redirect_uri_is_an_error_page_never_a_redirect(shared: Sandbox) -> None:
    """An unregistered redirect_uri yields an error page, on GET and on POST."""
    query = _query(shared, redirect_uri="http://evil.example/cb")
    page = requests.get(f"{shared.url}/oauth/authorize?{query}", allow_redirects=False, timeout=10)
    assert page.status_code == 400
    assert "location" not in page.headers
    assert "invalid_redirect_uri" in page.text
    posted = _submit(shared, query)
    assert posted.status_code == 400
    assert "location" not in posted.headers


def test_unknown_client_is_an_error_page(shared: Sandbox) -> None:
    """An unknown client_id gets invalid_client on the page."""
    page = requests.get(
        f"{shared.url}/oauth/authorize?{_query(shared, client_id='nobody')}", timeout=10
    )
    assert page.status_code == 401
    assert "invalid_client" in page.text


def test_wrong_password_shows_the_form_again(shared: Sandbox) -> None:
    """A wrong password answers 401 with the form and no code."""
    response = _submit(shared, _query(shared), password="wrong")
    assert response.status_code == 401
    assert "Invalid email or password" in response.text
    assert "authorization_code" not in response.text


def test_deny_redirects_with_access_denied_and_state(shared: Sandbox) -> None:
    """Deny on a redirect flow returns error=access_denied with the state, and no code."""
    response = _submit(shared, _query(shared, redirect_uri=CALLBACK, state="s1"), decision="deny")
    assert response.status_code == 302
    params = parse_qs(urlsplit(response.headers["location"]).query)
    assert params["error"] == ["access_denied"]
    assert params["state"] == ["s1"]
    assert "code" not in params


def test_deny_out_of_band_is_an_error_page(shared: Sandbox) -> None:
    """Deny with OOB shows access_denied; the helper raises SandboxError."""
    assert _submit(shared, _query(shared), decision="deny").status_code == 403
    with pytest.raises(SandboxError, match="denied"):
        shared.authorize(decision="deny")


def test_helper_authorize_returns_codes_for_both_users(shared: Sandbox) -> None:
    """Sandbox.authorize signs in the demo user and the other user."""
    first = shared.authorize()
    second = shared.authorize(login=shared.other_login, password=shared.other_password)
    assert first != second
    assert len(first) == len(second) == 64


def test_helper_authorize_reads_the_redirect(shared: Sandbox) -> None:
    """Sandbox.authorize parses the code from the Location of a redirect flow."""
    assert len(shared.authorize(redirect_uri=CALLBACK, state="abc")) == 64


def test_service_account_cannot_sign_in_on_the_form(shared: Sandbox) -> None:
    """The service account has no password: the form refuses it."""
    response = _submit(shared, _query(shared), login="sandbox-service@acme.com", password="")
    assert response.status_code == 401
