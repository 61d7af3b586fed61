"""Signing in unattended (``PROCORE_NB_UNATTENDED=1``): never ask for a code, say who signed in.

``getpass`` is replaced by a function that fails the test: an unattended run has nobody to
type a code, so the cascade must never reach the prompt.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable

import pytest

import procore_nb
from procore_nb import Client, NotSignedInError
from procore_nb._constants import UNATTENDED_VARIABLE
from procore_nb.api._config import unattended
from procore_nb.sandbox import Sandbox
from procore_nb.signin._login import sign_in, sign_in_unattended


@pytest.fixture(autouse=True)
def _nobody_there(monkeypatch: pytest.MonkeyPatch) -> None:
    """Mark the process unattended and make any prompt fail the test."""
    monkeypatch.setenv(UNATTENDED_VARIABLE, "1")

    def no_prompt(prompt: str = "Password: ", stream: object = None) -> str:
        pytest.fail("an unattended sign-in asked for a code")

    monkeypatch.setattr(getpass, "getpass", no_prompt)


@pytest.mark.parametrize(
    ("value", "expected"), [("1", True), ("yes", True), ("0", False), ("", False)]
)
def test_unattended_reads_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    """PROCORE_NB_UNATTENDED switches unattended mode on; empty or 0 leaves it off."""
    monkeypatch.setenv(UNATTENDED_VARIABLE, value)
    assert unattended() is expected


def test_no_cached_sign_in_raises_at_once(
    make_client: Callable[..., Client], capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a service account or a cached token, login() raises instead of asking."""
    client = make_client()
    with pytest.raises(NotSignedInError) as caught:
        sign_in(client)
    message = str(caught.value)
    assert "cannot wait for someone to paste a code" in message
    assert "PROCORE_GRANT=client_credentials" in message
    assert "procore-nb login" in message
    assert "Sign in to Procore" not in capsys.readouterr().out  # no authorize link either


def test_no_credentials_at_all_says_what_to_set(sb: Sandbox) -> None:
    """With no client id either, the error also names the missing settings."""
    with pytest.raises(NotSignedInError, match="PROCORE_CLIENT_ID"):
        procore_nb.login(api_url=sb.url)


def test_service_account_says_who_and_how(sb: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    """A service account signs in and the cell prints who signed in, how, and where."""
    client = procore_nb.login(
        grant="client_credentials",
        api_url=sb.url,
        client_id=sb.service_client_id,
        client_secret=sb.service_client_secret,
        company_id=sb.company_id,
    )
    assert client.signed_in
    assert capsys.readouterr().out == (
        "Signed in as Sandbox Service Account (sandbox-service@acme.com) · service account · "
        f"custom ({sb.url})\n"
    )


def test_service_account_without_company_still_says_how(sb: Sandbox) -> None:
    """Without a company Procore will not say who a service account is; the line says how."""
    client = Client(
        grant="client_credentials",
        api_url=sb.url,
        client_id=sb.service_client_id,
        client_secret=sb.service_client_secret,
    )
    assert sign_in_unattended(client) == (
        f"Signed in · service account · custom ({sb.url}) (set a company to see as whom)"
    )


def test_cached_sign_in_is_used(sb: Sandbox, make_client: Callable[..., Client]) -> None:
    """A token cached by an earlier interactive sign-in signs the unattended run in."""
    earlier = make_client()
    earlier.exchange_code(sb.authorize())
    later = make_client()
    assert sign_in_unattended(later) == (
        f"Signed in as Joe Builder (joe.builder@acme.com) · cached sign-in · custom ({sb.url})"
    )
    assert later.me()["login"] == "joe.builder@acme.com"


def test_service_account_without_secret_names_it(sb: Sandbox) -> None:
    """A service account missing its secret is a configuration error naming the variable."""
    client = Client(grant="client_credentials", api_url=sb.url, client_id=sb.service_client_id)
    with pytest.raises(procore_nb.ConfigurationError, match="PROCORE_CLIENT_SECRET"):
        sign_in_unattended(client)
