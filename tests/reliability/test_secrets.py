"""Secrets: every secret a session handles, searched for wherever a person or a file could see it.

The secrets are the app's client secret (and the service account's), the users' passwords,
and every authorization code, access token and refresh token the sandbox issued, read from
the sandbox's own books (``leaks.harvest``). They are searched for in: an executed notebook
(outputs and widget state), log records at DEBUG of every logger (procore_nb,
requests_oauthlib, oauthlib, urllib3, and the sandbox's and uvicorn's own), every exception
raised, with its chain and traceback, and the output of ``procore-nb login|whoami|logout``
with the code typed at a real terminal. The bad-input tests search their own exceptions and
logs the same way (the ``watch`` fixture). Zero hits.
"""

from __future__ import annotations

import json
import logging
import os
import pty
import re
import secrets
import select
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
import requests
from leaks import books, exception_texts, harvest, leaks
from processes import child_env
from sandboxed import execute_and_save

from procore_nb import (
    AuthenticationError,
    Client,
    ClientConfig,
    ProcoreError,
    ReauthenticationRequired,
)
from procore_nb.sandbox import Sandbox


def _secret_sandbox(**options: object) -> Sandbox:
    """A sandbox whose credentials are unique strings, so finding one anywhere means a leak."""
    return Sandbox(
        seed=0,
        projects=60,
        client_secret=f"client-secret-{secrets.token_hex(8)}",
        password=f"password-{secrets.token_hex(8)}",
        other_password=f"other-password-{secrets.token_hex(8)}",
        service_client_secret=f"service-secret-{secrets.token_hex(8)}",
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    """A sandbox with unique credentials and a spike limit that never binds."""
    with _secret_sandbox(rate_limit_spike=100_000) as sandbox:
        yield sandbox


@pytest.fixture
def clean(sb: Sandbox) -> Iterator[Sandbox]:
    """The module's sandbox with no faults and a loose spike limit afterwards."""
    yield sb
    sb.configure(
        error_rate=0.0,
        throttle_rate=0.0,
        drop_rate=0.0,
        rate_limit_spike=100_000,
        spike_window=10.0,
    )


def test_the_search_finds_what_it_looks_for(sb: Sandbox) -> None:
    """A secret hidden in a chained exception's message or attributes is found."""
    code = sb.authorize()
    secret = harvest(books(sb))
    assert code in secret.values()
    outer = ProcoreError("outer")
    outer.__cause__ = ValueError(f"code={code}")  # as `raise ... from` chains it
    assert leaks(exception_texts(outer), secret) != []
    error = ProcoreError("clean")
    error.note = sb.client_secret  # type: ignore[attr-defined]
    assert leaks(exception_texts(error), secret) == ["client secret"]


def test_a_whole_session_logs_and_raises_no_secret(
    clean: Sandbox, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """Sign-ins, faulty pulls, refreshes, refusals and sign-out at DEBUG: no secret anywhere."""
    sb = clean
    caplog.set_level(logging.DEBUG)  # every logger: ours, OAuth, urllib3, sandbox, uvicorn
    raised: list[BaseException] = []

    def expect(error: type[BaseException], call: object) -> None:
        with pytest.raises(error) as info:
            call()  # type: ignore[operator]
        raised.append(info.value)

    options: dict[str, object] = {"api_url": sb.url, "company_id": sb.company_id}
    client = Client(client_id=sb.client_id, client_secret=sb.client_secret, **options)
    code = sb.authorize()
    client.exchange_code(code)
    expect(AuthenticationError, lambda: client.exchange_code(code))  # reused code
    wrong = Client(client_id=sb.client_id, client_secret="wrong", cache="none", **options)
    expect(AuthenticationError, lambda: wrong.exchange_code(sb.authorize()))
    sb.configure(error_rate=0.2, drop_rate=0.1, throttle_rate=0.1, throttle_wait=0)
    patient = ClientConfig(retries=20)
    faulty = Client(
        client_id=sb.client_id, client_secret=sb.client_secret, config=patient, **options
    )
    assert faulty.restore()
    sb.advance(5401)  # the cached token expires: the next call refreshes it
    assert len(faulty.projects(status="all", per_page=10)) == 60
    sb.configure(error_rate=0.0, drop_rate=0.0, throttle_rate=0.0)
    print(repr(faulty), repr(faulty.token), faulty.token_info())
    service = Client(
        client_id=sb.service_client_id,
        client_secret=sb.service_client_secret,
        grant="client_credentials",
        **options,
    )
    assert len(service.companies()) > 0
    stale = faulty.token
    assert stale is not None
    requests.post(f"{sb.url}/oauth/revoke", data={"token": stale.access_token}, timeout=10)
    expect(ReauthenticationRequired, faulty.me)  # revoked: the refresh is refused
    client.logout()
    for error in raised:
        assert leaks(exception_texts(error), harvest(books(sb))) == [], error
    out, err = capsys.readouterr()
    found = leaks([caplog.text, out, err], harvest(books(sb)))
    assert found == []
    assert "uvicorn" in caplog.text or "procore_nb.sandbox.access" in caplog.text


def _run_at_a_terminal(argv: list[str], env: dict[str, str], answer: str | None) -> str:
    """Run ``argv`` with a pseudo-terminal as its controlling terminal; type ``answer``."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes the command, the pty is its terminal
        os.execve(sys.executable, [sys.executable, *argv], env)  # noqa: S606  # our interpreter
    output = b""
    deadline = time.monotonic() + 60
    typed = answer is None
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
            if not typed and b"Code:" in output:
                os.write(fd, f"{answer}\n".encode())  # typed at the prompt, as a person would
                typed = True
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    return output.decode(errors="replace") + f"\n[exit {os.waitstatus_to_exitcode(status)}]"


def test_the_command_line_shows_no_secret(sb: Sandbox, tmp_path: Path) -> None:
    """procore-nb login (code typed at a terminal), whoami, logout and a rejected code."""
    env = child_env(
        PROCORE_API_URL=sb.url,
        PROCORE_CLIENT_ID=sb.client_id,
        PROCORE_CLIENT_SECRET=sb.client_secret,
        XDG_CONFIG_HOME=str(tmp_path / "cli-config"),
        TERM="dumb",
    )
    cli = ["-c", "import sys; from procore_nb.cli._main import main; sys.exit(main())"]
    code = sb.authorize()
    transcript = [
        _run_at_a_terminal([*cli, "login"], env, code),
        _run_at_a_terminal([*cli, "whoami"], env, None),
        _run_at_a_terminal([*cli, "logout"], env, None),
        _run_at_a_terminal([*cli, "login"], env, code),  # the same code again: rejected
    ]
    assert "Signed in as Joe Builder" in transcript[0]
    assert transcript[0].endswith("[exit 0]")
    assert "valid for" in transcript[1]
    assert "Signed out of" in transcript[2]
    assert "invalid_grant" in transcript[3]
    assert transcript[3].endswith("[exit 1]")
    assert leaks(transcript, harvest(books(sb))) == []


NOTEBOOK_CELLS = [
    # The login cell, as procore_nb.login() shows it.
    """import json, logging, os, urllib.request
import procore_nb
from procore_nb import LoginWidget

client = procore_nb.Client(progress=True)
widget = LoginWidget(client)
widget.restore_or_ask()
widget""",
    # What a person does: paste the code and press Sign in.
    """widget.code_box.value = os.environ["PROCORE_NB_TEST_CODE"]
widget.sign_in_button.click()
print(widget.status_text)""",
    # A pull that meets the spike limit: the wait must be visible in the notebook.
    """projects = client.projects(status="all", per_page=10)
len(projects)""",
    """client, client.token, client.token_info()""",
    # DEBUG logging on, then the token expires on the server and is refreshed.
    """logging.basicConfig(level=logging.DEBUG, force=True)
request = urllib.request.Request(
    os.environ["PROCORE_API_URL"] + "/_sandbox/clock", data=json.dumps({"advance": 5401}).encode(),
    headers={"Content-Type": "application/json"}, method="POST")
urllib.request.urlopen(request).read()
client.me()["name"]""",
    # An error as a notebook shows it: the code again, already used.
    """client.exchange_code(os.environ["PROCORE_NB_TEST_CODE"])""",
    """widget.sign_out_button.click()
print(widget.status_text)""",
]


@pytest.fixture
def tight() -> Iterator[Sandbox]:
    """A sandbox of its own allowing 5 requests per 3 s window."""
    with _secret_sandbox(rate_limit_spike=5, spike_window=3.0) as sandbox:
        yield sandbox


@pytest.mark.slow
def test_an_executed_notebook_shows_no_secret_and_shows_waits(
    tight: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kernel signs in, pulls, refreshes, fails and signs out: no secret in the saved notebook."""
    sb = tight
    code = sb.authorize()
    for name, value in child_env(
        PROCORE_API_URL=sb.url,
        PROCORE_CLIENT_ID=sb.client_id,
        PROCORE_CLIENT_SECRET=sb.client_secret,
        PROCORE_COMPANY_ID=str(sb.company_id),
        PROCORE_NB_TEST_CODE=code,
    ).items():
        monkeypatch.setenv(name, value)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in NOTEBOOK_CELLS]
    notebook.cells[5].metadata["tags"] = ["raises-exception"]
    text = execute_and_save(notebook, tmp_path / "session.ipynb")

    outputs = [json.dumps(cell.get("outputs", []), ensure_ascii=False) for cell in notebook.cells]
    assert "Signed in as Joe Builder" in outputs[1]
    assert '"60"' in outputs[2]
    # The rate-limit wait reached the person inside the progress bar, not as a printed line.
    assert re.search(r"waiting \d+ s for Procore \(until", outputs[2]), outputs[2]
    assert "before the next request to Procore" not in outputs[2], outputs[2]
    assert "requests_oauthlib" in outputs[4]  # DEBUG logs of the refresh are in the notebook
    assert "AuthenticationError" in outputs[5]  # the traceback is shown
    assert "Signed out" in outputs[6]
    assert "widgets" in notebook.metadata
    assert leaks([text], harvest(books(sb))) == []
