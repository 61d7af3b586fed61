"""Running the sandbox: TLS, child processes, the CLI, logs, the clock and the health check."""

from __future__ import annotations

import ast
import json
import logging
import os
import ssl
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import requests
from sandbox_http import getter, sign_in

import procore_nb.sandbox as sandbox_package
from procore_nb.sandbox import Sandbox, SandboxError


def test_tls_is_accepted_with_the_ca_and_refused_without() -> None:
    """--tls serves HTTPS that verifies with ca_file and fails verification without it."""
    with Sandbox(tls=True, projects=5) as sb:
        assert sb.url.startswith("https://127.0.0.1:")
        assert sb.ca_file is not None
        assert Path(sb.ca_file).read_text().startswith("-----BEGIN CERTIFICATE-----")
        ok = requests.get(f"{sb.url}/_sandbox/health", verify=sb.ca_file, timeout=10)
        assert ok.status_code == 200
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(f"{sb.url}/_sandbox/health", timeout=10)
        context = ssl.create_default_context()
        with pytest.raises(urllib.error.URLError):
            urllib.request.urlopen(f"{sb.url}/_sandbox/health", context=context, timeout=10)
        ca_file = sb.ca_file
    assert not Path(ca_file).exists()


def test_plain_http_has_no_ca_file(shared: Sandbox) -> None:
    """Without TLS the URL is http and ca_file is None."""
    assert shared.url.startswith("http://127.0.0.1:")
    assert not shared.url.endswith("/")
    assert shared.ca_file is None


def test_non_loopback_hosts_are_refused_unless_allowed() -> None:
    """Binding another address needs allow_remote=True."""
    with pytest.raises(ValueError, match="allow_remote"):
        Sandbox(host="0.0.0.0")  # noqa: S104 - the point of the test
    with pytest.raises(TypeError, match="unknown sandbox option"):
        Sandbox(colour="red")


def test_process_mode_serves_the_same_api() -> None:
    """process=True runs a child process with the same attributes and behaviour."""
    with Sandbox(process=True, projects=30, seed=4) as sb:
        get = getter(sb, sign_in(sb)["access_token"])
        assert get("/rest/v1.0/me").json()["id"] == 1234567
        assert sb.counters()["grants"]["authorization_code"] == 1
        url = sb.url
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"{url}/_sandbox/health", timeout=5)


def test_clock_and_health_endpoints(sb: Sandbox) -> None:
    """advance() moves the clock forward only; health answers ok; counters reset."""
    before = requests.get(f"{sb.url}/_sandbox/clock", timeout=10).json()["now"]
    assert sb.advance(3600) >= before + 3600
    with pytest.raises(SandboxError):
        sb.advance(-1)
    assert requests.get(f"{sb.url}/_sandbox/health", timeout=10).json() == {"status": "ok"}
    sb.authorize()
    assert sb.counters()["requests"] == 2
    sb.reset_counters()
    assert sb.counters()["requests"] == 0


def _cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "procore_nb.sandbox", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_cli_prints_url_and_credentials_and_writes_the_ready_file(tmp_path: Path) -> None:
    """The CLI announces URL, CA path and credentials, and writes --ready-file."""
    ready = tmp_path / "ready.json"
    process = _cli("--tls", "--projects", "5", "--client-id", "cli-app", "--ready-file", str(ready))
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(9)]
        description = json.loads(ready.read_text())
    finally:
        process.terminate()
        process.communicate(timeout=10)
    text = "".join(lines)
    assert description["url"] in lines[0]
    assert description["ca_file"] in text
    assert "client_id=cli-app" in text
    assert "sandbox-secret" in text
    assert "joe.builder@acme.com" in text
    assert str(description["company_id"]) in text
    assert oct(ready.stat().st_mode & 0o777) == "0o600"
    assert process.returncode == 0
    assert not Path(description["ca_file"]).exists()


def test_cli_rejects_impossible_options() -> None:
    """Bad flag values exit with status 2 and a message."""
    process = _cli("--error-rate", "3")
    _, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "error_rate" in err


def test_the_console_script_dispatches_to_the_sandbox() -> None:
    """`procore-nb sandbox --help` lists the options."""
    script = Path(sys.executable).with_name("procore-nb")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "procore_nb.cli._main"]
    done = subprocess.run(
        [*command, "sandbox", "--help"], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0
    for flag in ("--tls", "--seed", "--projects", "--ready-file", "--drop-rate"):
        assert flag in done.stdout


def test_logs_never_contain_codes_tokens_or_secrets(caplog: pytest.LogCaptureFixture) -> None:
    """The access log shows paths only: no code, token, secret or password anywhere."""
    caplog.set_level(logging.INFO, logger="procore_nb.sandbox")
    with Sandbox(projects=5) as sb:
        code = sb.authorize(redirect_uri="http://127.0.0.1/callback")
        tokens = requests.post(
            f"{sb.url}/oauth/token",
            params={"grant_type": "ignored"},
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": "http://127.0.0.1/callback",
            },
            auth=(sb.client_id, sb.client_secret),
            timeout=10,
        ).json()
        get = getter(sb, tokens["access_token"])
        get("/rest/v1.0/me")
        get("/rest/v1.0/projects", company_id=sb.company_id)
        secrets = [
            code,
            tokens["access_token"],
            tokens["refresh_token"],
            sb.client_secret,
            sb.password,
        ]
        assert repr(sb.options).count("secret") == 0
    assert "/oauth/token" in caplog.text
    assert "/rest/v1.0/projects" in caplog.text
    for secret in secrets:
        assert secret not in caplog.text


def test_sandbox_is_not_imported_by_the_package() -> None:
    """`import procore_nb` leaves the sandbox (and uvicorn, starlette) unloaded."""
    code = (
        "import sys, procore_nb; names = ('procore_nb.sandbox', 'uvicorn', 'starlette'); "
        "print(any(m.startswith(names) for m in sys.modules))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROCORE_")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        check=True,
    )
    assert done.stdout.strip() == "False"


def test_sandbox_modules_import_only_the_server_stack() -> None:
    """The sandbox imports the stdlib, starlette, uvicorn, trustme and plain facts, no more."""
    allowed = {"starlette", "uvicorn", "trustme"}
    facts = {"procore_nb._constants", "procore_nb._registry"}
    for source in sorted(Path(sandbox_package.__file__).parent.rglob("*.py")):
        tree = ast.parse(source.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top == "procore_nb":
                    assert name in facts, (source.name, name)
                else:
                    assert top in allowed or top in sys.stdlib_module_names, (source.name, name)


def test_rest_paths_refuse_other_methods(shared: Sandbox) -> None:
    """POST to a REST resource answers 405 JSON."""
    response = requests.post(f"{shared.url}/rest/v1.0/projects", timeout=10)
    assert response.status_code == 405
    assert "errors" in response.json()
