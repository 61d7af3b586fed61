"""``procore-nb``'s arguments: --version, bad ports and folders, --help, logout twice, --all.

Every bad argument ends with a message and an exit code, never a traceback.
"""

from __future__ import annotations

import importlib.metadata
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile import Raw, hostile_server

import procore_nb
from procore_nb import Client
from procore_nb.cli._demo import demo_main, lab_main, sandbox_environment
from procore_nb.cli._main import main
from procore_nb.sandbox import Sandbox


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    """A small sandbox for the sign-in commands."""
    with Sandbox(seed=0, projects=10) as sandbox:
        yield sandbox


@pytest.fixture
def sandbox_env(sb: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    """PROCORE_* naming the sandbox's demo app, as a user's shell would."""
    monkeypatch.setenv("PROCORE_API_URL", sb.url)
    monkeypatch.setenv("PROCORE_CLIENT_ID", sb.client_id)
    monkeypatch.setenv("PROCORE_CLIENT_SECRET", sb.client_secret)
    return sb


def _exit_code(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse's errors exit
        return int(exc.code or 0)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """procore-nb --version and procore_nb.__version__ both give the installed version."""
    assert main(["--version"]) == 0
    installed = importlib.metadata.version("procore_nb")
    assert capsys.readouterr().out.strip() == f"procore-nb {installed}"
    assert procore_nb.__version__ == installed


def test_version_is_not_read_at_import() -> None:
    """import procore_nb does not read package metadata (it is read on first use)."""
    code = "import sys, procore_nb; print('__version__' in vars(procore_nb))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["sandbox", "--port", "99999"], "port must be between 0 and 65535"),
        (["sandbox", "--port", "-1"], "port must not be negative"),
        (["sandbox", "--port", "eighty"], "invalid int value"),
        (["sandbox", "--projects", "0"], "projects must be at least 1"),
        (["sandbox", "--host", "8.8.8.8"], "not a loopback address"),
        (["nonsense"], "unknown command"),
    ],
    ids=["port-too-big", "port-negative", "port-word", "no-projects", "remote-host", "unknown"],
)
def test_bad_arguments_exit_2_with_a_message(
    capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    """Arguments that cannot work exit 2 naming the problem, without a traceback."""
    assert _exit_code(argv) == 2
    err = capsys.readouterr().err
    assert said in err
    assert "Traceback" not in err


def test_sandbox_on_a_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    """A port another program listens on exits 2 saying so and what to do."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert _exit_code(["sandbox", "--port", str(port), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"127.0.0.1:{port}" in err
    assert "--port 0" in err


def test_sandbox_state_dir_naming_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--state-dir naming a file exits 2 before anything binds."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert _exit_code(["sandbox", "--state-dir", str(blocker)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_sandbox_ready_file_in_a_missing_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--ready-file in a folder that does not exist exits 2 before the server starts."""
    assert _exit_code(["sandbox", "--ready-file", str(tmp_path / "no" / "ready.json")]) == 2
    assert "name a file in a folder that exists" in capsys.readouterr().err


def test_demo_out_naming_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """demo --out naming a file exits 2 before starting anything."""
    blocker = tmp_path / "reports"
    blocker.write_text("")
    with pytest.raises(SystemExit) as info:
        demo_main(["--out", str(blocker)])
    assert info.value.code == 2
    assert "is a file: name a folder" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["demo", "lab", "login", "logout", "whoami", "sandbox"])
def test_help_is_plain_text_with_defaults(command: str) -> None:
    """--help has no reStructuredText backticks; demo, lab and sign-in options show defaults."""
    out = subprocess.run(
        [sys.executable, "-m", "procore_nb.cli._main", command, "--help"],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ | {"COLUMNS": "200"},
    ).stdout
    assert "``" not in out
    if command in {"demo", "lab"}:
        assert "(default: " in out
    if command == "lab":
        assert "--allow-root" in out


def test_lab_passes_allow_root_to_jupyter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """lab --allow-root reaches jupyter lab (run here with --version, which exits at once)."""
    assert lab_main(["--allow-root", "--version", "--notebooks", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Sandbox at http://127.0.0.1:" in out


def test_lab_keeps_sandbox_tokens_out_of_the_user_cache(sb: Sandbox, tmp_path: Path) -> None:
    """The environment lab and the demo give their kernels names a token folder of their own."""
    env = sandbox_environment(sb, service_account=True, token_dir=str(tmp_path))
    assert env["PROCORE_TOKEN_DIR"] == str(tmp_path)


def test_embedded_sandbox_does_not_write_the_user_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """A notebook's embedded sandbox keeps its tokens and store in a throwaway folder."""
    from procore_nb.cli import _demo

    monkeypatch.setattr(_demo, "_embedded", [])
    _demo.use_sandbox_unless_configured()
    sandbox = _demo._embedded[0]
    try:
        tokens = Path(os.environ["PROCORE_TOKEN_DIR"])
        client = Client()
        client.exchange_code(sandbox.authorize())
        assert list(tokens.glob("*.json"))
        assert not (procore_nb.config_file().parent / "tokens").exists()
        client.company_id = sandbox.company_id
        store_file = client.store().path
        assert store_file.parent == Path(os.environ["PROCORE_STORE_DIR"])
        assert store_file.parent.parent == tokens.parent  # one throwaway folder for both
    finally:
        sandbox.stop()
        for name in list(os.environ):
            if name.startswith("PROCORE_"):
                del os.environ[name]


def test_logout_twice(sandbox_env: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    """A second logout says there was nothing to revoke, not that a token was revoked."""
    Client().exchange_code(sandbox_env.authorize())
    assert main(["logout"]) == 0
    assert "the token was revoked" in capsys.readouterr().out
    assert main(["logout"]) == 0
    out = capsys.readouterr().out
    assert "no cached token to revoke" in out
    assert "revoked at Procore" not in out


def test_logout_all_clears_the_cache(
    sandbox_env: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    """logout --all deletes every token and lock file, whatever environment they belong to."""
    Client().exchange_code(sandbox_env.authorize())
    other = Client(api_url=sandbox_env.url, client_id="other-app", client_secret="x")
    other._auth.cache.save("custom-elsewhere-other", procore_nb.Token("t"))
    tokens = procore_nb.config_file().parent / "tokens"
    assert len(list(tokens.glob("*.json"))) == 2
    assert main(["logout", "--all"]) == 0
    assert "Removed 2 cached sign-ins" in capsys.readouterr().out
    assert [p.name for p in tokens.iterdir()] == []
    assert main(["logout", "--all"]) == 0
    assert "Removed 0 cached sign-ins" in capsys.readouterr().out


def test_login_in_a_script_with_stdin_closed(sandbox_env: Sandbox) -> None:
    """pnb.login() with no terminal and stdin closed says so: no bare, empty EOFError."""
    script = "import procore_nb as pnb\npnb.login()\n"
    done = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
    )
    assert done.returncode == 1
    assert "ConfigurationError: Could not read the code: standard input is closed" in done.stderr
    assert "EOFError" not in done.stderr


def test_ctrl_c_while_a_command_waits(tmp_path: Path) -> None:
    """Ctrl-C while whoami waits on a server that never answers: exit 130, no traceback."""
    with hostile_server() as server:
        server.routes["GET", "/oauth/token/info"] = lambda r: Raw(delay=30, body={})
        server.routes["GET", "/rest/v1.0/me"] = lambda r: Raw(body={"id": 1, "login": "x"})
        env = os.environ | {
            "PROCORE_API_URL": server.url,
            "PROCORE_CLIENT_ID": "hostile-app",
            "PROCORE_CLIENT_SECRET": "hostile-secret",
            "PROCORE_GRANT": "client_credentials",
        }
        child = subprocess.Popen(
            [sys.executable, "-m", "procore_nb.cli._main", "whoami"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(300):  # until the command waits on the token info
            if server.gets("/oauth/token/info"):
                break
            time.sleep(0.1)
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert "interrupted" in err
    assert "Traceback" not in err
