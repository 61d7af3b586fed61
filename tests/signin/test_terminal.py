"""Signing in without widgets: ``login()`` outside a notebook, ``procore-nb login|whoami|logout``.

``getpass`` needs a terminal the tests do not have, so it is replaced by a function that
returns the code (or fails the test when the flow must not ask).
"""

from __future__ import annotations

import getpass
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import procore_nb
from procore_nb.cli._main import main
from procore_nb.sandbox import Sandbox
from procore_nb.signin._messages import CODE_REJECTED, EMPTY_CODE


def answer_with(monkeypatch: pytest.MonkeyPatch, *answers: str) -> list[str]:
    """Make getpass return ``answers`` in turn; returns the prompts it was shown."""
    prompts: list[str] = []
    pending = list(answers)

    def fake_getpass(prompt: str = "Password: ", stream: object = None) -> str:
        prompts.append(prompt)
        if not pending:
            pytest.fail("getpass was called but no code was expected")
        return pending.pop(0)

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    return prompts


@pytest.fixture
def sandbox_env(sb: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point PROCORE_* at the sandbox's demo app, as a user's shell would."""
    monkeypatch.setenv("PROCORE_API_URL", sb.url)
    monkeypatch.setenv("PROCORE_CLIENT_ID", sb.client_id)
    monkeypatch.setenv("PROCORE_CLIENT_SECRET", sb.client_secret)


# --- the cascade: service account, then cached token, then a person ------------------------


def test_service_account_signs_in_without_asking(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """grant=client_credentials signs in with the app's credentials and asks nothing."""
    answer_with(monkeypatch)

    client = procore_nb.login(
        grant="client_credentials",
        api_url=sb.url,
        client_id=sb.service_client_id,
        client_secret=sb.service_client_secret,
    )

    assert client.signed_in
    assert sb.counters()["grants"].get("client_credentials", 0) == 1


@pytest.mark.usefixtures("sandbox_env")
def test_person_signs_in_with_a_code_read_by_getpass(
    sb: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    token_files: Callable[[], list[Path]],
) -> None:
    """Without a cached token, login() prints the authorize URL and reads the code with getpass."""
    code = sb.authorize()
    prompts = answer_with(monkeypatch, f"  {code}\n")

    client = procore_nb.login()

    out = capsys.readouterr().out
    assert prompts == ["Code: "]
    assert f"{sb.url}/oauth/authorize?" in out
    assert f"Signed in as Joe Builder (joe.builder@acme.com) · custom ({sb.url})" in out
    assert code not in out
    assert client.signed_in
    assert len(token_files()) == 1


@pytest.mark.usefixtures("sandbox_env")
def test_cached_token_is_used_before_asking(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second login() restores the cached token: no prompt, no new code exchange."""
    answer_with(monkeypatch, sb.authorize())
    procore_nb.login()
    answer_with(monkeypatch)

    client = procore_nb.login()

    assert client.signed_in
    assert capsys.readouterr().out.count("Signed in as Joe Builder") == 2
    assert sb.counters()["grants"].get("authorization_code", 0) == 1


@pytest.mark.usefixtures("sandbox_env")
def test_expired_cached_token_is_refreshed_before_asking(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An expired cached token is refreshed (once) instead of asking for a new code."""
    answer_with(monkeypatch, sb.authorize())
    procore_nb.login()
    sb.advance(6000)
    answer_with(monkeypatch)

    client = procore_nb.login(config=procore_nb.ClientConfig(clock=lambda: time.time() + 6000))

    assert sb.counters()["grants"].get("refresh_token", 0) == 1
    assert client.me()["login"] == sb.login


@pytest.mark.usefixtures("sandbox_env")
def test_reauth_cache_asks_again_despite_a_cached_token(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """cache='reauth' skips the cached token and asks for a new code."""
    answer_with(monkeypatch, sb.authorize())
    procore_nb.login()
    prompts = answer_with(
        monkeypatch, sb.authorize(login=sb.other_login, password=sb.other_password)
    )

    client = procore_nb.login(cache="reauth")

    assert prompts == ["Code: "]
    assert client.me()["login"] == sb.other_login


@pytest.mark.usefixtures("sandbox_env")
def test_login_raises_when_the_code_is_rejected(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside a notebook a rejected code raises AuthenticationError naming invalid_grant."""
    code = sb.authorize()
    answer_with(monkeypatch, code)
    procore_nb.login(cache="none")
    answer_with(monkeypatch, code)

    with pytest.raises(procore_nb.AuthenticationError) as caught:
        procore_nb.login(cache="none")

    assert code not in str(caught.value)


# --- procore-nb login / whoami / logout ---------------------------------------------------


@pytest.mark.usefixtures("sandbox_env")
def test_cli_login_whoami_logout(
    sb: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    token_files: Callable[[], list[Path]],
) -> None:
    """procore-nb login signs in, whoami names the user, logout revokes and forgets."""
    answer_with(monkeypatch, sb.authorize())

    assert main(["login"]) == 0
    assert "Signed in as Joe Builder" in capsys.readouterr().out
    assert main(["whoami"]) == 0
    assert "Signed in as Joe Builder (joe.builder@acme.com)" in capsys.readouterr().out
    assert main(["logout"]) == 0
    assert "Signed out of" in capsys.readouterr().out
    assert token_files() == []
    assert sb.counters()["by_path_status"].get("POST /oauth/revoke 200", 0) == 1
    assert main(["whoami"]) == 1
    assert "run 'procore-nb login'" in capsys.readouterr().err


def test_cli_flags_choose_the_host(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--api-url and --client-id work with the secret from the environment only."""
    monkeypatch.setenv("PROCORE_CLIENT_SECRET", sb.client_secret)
    answer_with(monkeypatch, sb.authorize())

    assert main(["login", "--api-url", sb.url, "--client-id", sb.client_id]) == 0
    assert "Signed in as Joe Builder" in capsys.readouterr().out


@pytest.mark.usefixtures("sandbox_env")
def test_cli_switch_signs_the_cached_account_out_first(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """procore-nb login --switch revokes the cached sign-in and asks for a new code."""
    answer_with(monkeypatch, sb.authorize())
    main(["login"])
    answer_with(monkeypatch, sb.authorize(login=sb.other_login, password=sb.other_password))

    assert main(["login", "--switch"]) == 0
    assert f"({sb.other_login})" in capsys.readouterr().out
    assert sb.counters()["by_path_status"].get("POST /oauth/revoke 200", 0) == 1


@pytest.mark.usefixtures("sandbox_env")
def test_cli_rejected_code(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A reused code exits 1 with the single-use message and never echoes the code."""
    code = sb.authorize()
    procore_nb.Client(cache="none").exchange_code(code)
    answer_with(monkeypatch, code)

    assert main(["login"]) == 1
    captured = capsys.readouterr()
    assert CODE_REJECTED in captured.err
    assert code not in captured.out + captured.err


@pytest.mark.usefixtures("sandbox_env")
def test_cli_empty_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty answer exits 1 saying the code is missing."""
    answer_with(monkeypatch, "")

    assert main(["login"]) == 1
    assert EMPTY_CODE in capsys.readouterr().err


def test_cli_missing_secret(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a client secret login exits 1 saying how to set it, and never prompts."""
    monkeypatch.setenv("PROCORE_API_URL", sb.url)
    monkeypatch.setenv("PROCORE_CLIENT_ID", sb.client_id)
    answer_with(monkeypatch)

    assert main(["login"]) == 1
    assert "PROCORE_CLIENT_SECRET" in capsys.readouterr().err


def test_cli_network_unreachable(
    closed_port: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """login against a host nobody listens on says the network failed."""
    monkeypatch.setenv("PROCORE_API_URL", f"http://127.0.0.1:{closed_port}")
    monkeypatch.setenv("PROCORE_CLIENT_ID", "app")
    monkeypatch.setenv("PROCORE_CLIENT_SECRET", "secret")
    answer_with(monkeypatch, "some-code")

    assert main(["login"]) == 1
    assert "Could not reach Procore" in capsys.readouterr().err


@pytest.mark.usefixtures("sandbox_env")
def test_cli_interrupted_prompt(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-D (or a closed stdin) at the prompt exits 1 saying why, without a traceback."""

    def end_of_input(prompt: str = "", stream: object = None) -> str:
        raise EOFError

    monkeypatch.setattr(getpass, "getpass", end_of_input)

    assert main(["login"]) == 1
    err = capsys.readouterr().err
    assert "standard input is closed" in err
    assert "Traceback" not in err
