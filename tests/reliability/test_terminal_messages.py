"""Messages for people where they are: a terminal is not a notebook, blank variables are unset,
a warning is said once, and a plain-HTTP port is not blamed on a certificate."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

import procore_nb
from procore_nb import Client, TransportError
from procore_nb.api._tokens import FileTokenCache
from procore_nb.cli._main import main
from procore_nb.sandbox import Sandbox
from procore_nb.signin._login import sign_in, sign_in_unattended
from procore_nb.signin._messages import missing_credentials

NOTEBOOK_WORDS = ("cell", "jupyter", "notebook")


def _no_notebook_words(text: str) -> None:
    lowered = text.lower()
    assert not [w for w in NOTEBOOK_WORDS if w in lowered], text


def test_terminal_login_without_a_secret_speaks_of_the_shell(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`procore-nb login` with no client secret: export it and run the command again."""
    monkeypatch.setenv("PROCORE_ENV", "sandbox")
    monkeypatch.setenv("PROCORE_CLIENT_ID", "app")
    assert main(["login"]) == 1
    err = capsys.readouterr().err
    _no_notebook_words(err)
    assert "export PROCORE_CLIENT_SECRET=..." in err
    assert "run the command again" in err


def test_an_unattended_run_without_sign_in_speaks_of_the_shell(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`procore-nb run`'s kernels without a sign-in or a secret: no cells, no Jupyter."""
    monkeypatch.setenv("PROCORE_NB_UNATTENDED", "1")
    client = Client("sandbox", client_id="app", cache="none")
    with pytest.raises(procore_nb.NotSignedInError) as caught:
        sign_in_unattended(client)
    _no_notebook_words(str(caught.value))
    assert "export PROCORE_CLIENT_SECRET=..." in str(caught.value)


def test_the_widget_still_speaks_of_cells() -> None:
    """Asked for a notebook's words, the same advice names Jupyter and the cell."""
    client = Client("sandbox", client_id="app", cache="none")
    text = missing_credentials(client, terminal=False) or ""
    assert "before starting Jupyter" in text
    assert "run this cell again" in text


def test_login_from_a_pipe_has_no_getpass_warning(sb: Sandbox) -> None:
    """`procore-nb login < /dev/null`: no GetPassWarning, one clear line about stdin."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROCORE_")}
    env |= {"PROCORE_API_URL": sb.url, "PROCORE_CLIENT_ID": sb.client_id}
    env |= {"PROCORE_CLIENT_SECRET": sb.client_secret}
    done = subprocess.run(
        [sys.executable, "-m", "procore_nb.cli._main", "login"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "GetPassWarning" not in done.stderr
    assert "getpass.py" not in done.stderr
    assert "standard input is closed" in done.stderr
    _no_notebook_words(done.stderr)


@pytest.mark.parametrize("variable", ["PROCORE_ENV", "PROCORE_API_URL"])
def test_blank_environment_names_count_as_unset(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    """PROCORE_ENV=" " (or PROCORE_API_URL=" ") is unset, as docs/bad-input.md says."""
    monkeypatch.setenv(variable, " ")
    assert Client(client_id="app", cache="none").env == "production"
    monkeypatch.setenv("PROCORE_ENV", "sandbox")
    assert Client(client_id="app", cache="none").env == "sandbox"


def test_whoami_with_a_blank_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`PROCORE_ENV=" " procore-nb whoami`: not signed in to the default, not "Unknown ''"."""
    monkeypatch.setenv("PROCORE_ENV", "   ")
    assert main(["whoami"]) == 1
    err = capsys.readouterr().err
    assert "Unknown Procore environment" not in err
    assert "Not signed in to production" in err


def _corrupt_cache(client: Client) -> Path:
    path = FileTokenCache().path(client._cache_key())
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_text("{not json", encoding="utf-8")
    path.chmod(0o600)
    return path


def test_a_corrupt_token_cache_is_reported_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Two sign-ins (a rerun login cell) and a restore: the unreadable cache is said once."""
    monkeypatch.setenv("PROCORE_NB_UNATTENDED", "1")
    client = Client("sandbox", client_id="app", client_secret="s")
    _corrupt_cache(client)
    caplog.set_level(logging.WARNING)
    for _ in range(2):
        with pytest.raises(procore_nb.NotSignedInError):
            sign_in(client)
    client.restore()
    said = [r for r in caplog.records if "unreadable token cache" in r.getMessage()]
    assert len(said) == 1


def test_https_to_a_plain_http_port_says_so(sb: Sandbox) -> None:
    """https:// to the sandbox's plain-HTTP port: "this port does not speak HTTPS"."""
    plain = sb.url.replace("http://", "https://")
    client = Client(api_url=plain, client_id=sb.client_id, client_secret="x", cache="none")
    with pytest.raises(TransportError) as caught:
        client.exchange_code("code")
    message = str(caught.value)
    assert "this port does not speak HTTPS" in message
    assert "certificate" not in message


def test_terminal_login_to_a_plain_port_says_so(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`procore-nb login --api-url https://<plain port>`: the port, not the certificate."""
    monkeypatch.setenv("PROCORE_CLIENT_SECRET", "x")
    monkeypatch.setattr("getpass.getpass", lambda prompt="", stream=None: "some-code")
    monkeypatch.setattr("sys.stdin", io.StringIO("some-code\n"))
    plain = sb.url.replace("http://", "https://")
    assert main(["login", "--api-url", plain, "--client-id", sb.client_id]) == 1
    err = capsys.readouterr().err
    assert "this port does not speak HTTPS" in err
    assert "certificate" not in err
