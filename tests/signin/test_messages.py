"""What the widget and the terminal say for each kind of failure, and the redaction behind it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import procore_nb
from procore_nb import (
    AuthenticationError,
    Client,
    ConfigurationError,
    ServerError,
    TransportError,
)
from procore_nb.signin._messages import CODE_REJECTED, explain, redact
from procore_nb.signin._notebook import in_notebook

URL = "http://127.0.0.1:9"


def client(**options: str) -> Client:
    return Client(api_url=URL, client_id="app", client_secret="s3cret", **options)


def test_invalid_grant_message() -> None:
    """invalid_grant reads as the single-use, ten-minute rule."""
    exc = AuthenticationError("rejected", status=400, body={"error": "invalid_grant"})

    assert explain(exc, client()) == CODE_REJECTED


def test_invalid_client_message_names_both_environments() -> None:
    """invalid_client says credentials belong to one environment."""
    exc = AuthenticationError("rejected", status=401, body={"error": "invalid_client"})

    text = explain(exc, client())

    assert "env='sandbox'" in text
    assert "env='production'" in text


def test_transport_message_offers_the_retry() -> None:
    """A transport failure names the host and the caller's way to retry."""
    text = explain(TransportError("refused"), client(), retry="run it again")

    assert text.startswith(f"Could not reach Procore at {URL}")
    assert text.endswith("safe to retry: run it again.")


def test_server_error_message_quotes_status_and_request_id() -> None:
    """A 5xx quotes the status and Procore's request id for support."""
    exc = ServerError("boom", status=503, request_id="req-42")

    assert explain(exc, client()).startswith("Procore had a server error (503, request id req-42)")


def test_missing_secret_message_wins_over_the_raw_error() -> None:
    """A ConfigurationError on a client without a secret says how to set it."""
    bare = Client(api_url=URL, client_id="app")

    text = explain(ConfigurationError("whatever"), bare)

    assert "PROCORE_CLIENT_SECRET" in text
    assert "config.toml" in text


def test_unexpected_error_is_named_and_scrubbed() -> None:
    """Anything else shows its type and text, with secrets and secret-like fields blanked."""
    exc = ValueError('bad body {"access_token": "tok-1"} code=abc the-code-itself')

    text = explain(exc, client(), hide=["the-code-itself"])

    assert text.startswith("Signing in failed unexpectedly with ValueError: bad body")
    for secret in ("tok-1", "abc", "the-code-itself"):
        assert secret not in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("status code: 502", "status code: 502"),
        ("the token was revoked", "the token was revoked"),
        ("code=abc&state=x", "code=***&state=x"),
        ("{'refresh_token': 'r1'}", "{'refresh_token': '***'}"),
        ("Authorization: Bearer abc.def", "Authorization: Bearer ***"),
        ("client_secret = xyz", "client_secret = ***"),
    ],
)
def test_redact(text: str, expected: str) -> None:
    """Secret-looking fields are blanked, ordinary words about tokens and codes are not."""
    assert redact(text) == expected


def test_not_a_notebook_here() -> None:
    """The test process is not a notebook kernel, so login() uses the terminal flow."""
    assert not in_notebook()


def test_import_stays_free_of_widgets() -> None:
    """import procore_nb loads neither ipywidgets nor IPython (the login cell loads them)."""
    code = "import sys, procore_nb; print(sorted({'ipywidgets', 'IPython'} & set(sys.modules)))"
    root = str(Path(procore_nb.__file__).parent.parent)
    env = {**os.environ, "PYTHONPATH": root}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout

    assert out.strip() == "[]"
