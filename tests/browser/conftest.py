"""Fixtures for the JupyterLab test: a sandbox, a JupyterLab server and headless Chromium.

Everything runs on 127.0.0.1 and keeps its state in temporary directories: the notebooks are
a copy (saving never touches the repository), and Jupyter's and procore_nb's configuration,
data and runtime folders point into the same temporary tree, so no user state is read or
written. Without Chromium at ``/usr/bin/chromium`` the test is skipped, unless
``PROCORE_NB_REQUIRE_BROWSER=1`` (as in CI), which turns the skip into a failure.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sandboxed import TODAY

from procore_nb.demo import sandbox_environment
from procore_nb.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_VARIABLE = "PROCORE_NB_REQUIRE_BROWSER"
# What Chromium needs to start in a container and to stay off the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAB_START_TIMEOUT = 90.0

# JupyterLab user settings: save widget state into the notebook (so the secret check covers
# it), keep every cell in the DOM, and never reach for the internet (news, updates, PyPI).
LAB_SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyter-widgets/jupyterlab-manager/plugin": {"saveState": True},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/extensionmanager-extension/plugin": {"enabled": False},
}


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab server: where it listens and where it keeps its files."""

    url: str
    token: str
    notebooks: Path
    config_home: Path

    def link(self, path: str) -> str:
        """The URL of ``path`` under JupyterLab's root (e.g. ``/lab/tree/x.ipynb``)."""
        return f"{self.url}{path}?token={self.token}"


def _missing_browser(reason: str) -> None:
    """Skip with ``reason``, or fail with it when CI requires the browser test."""
    if os.environ.get(REQUIRE_VARIABLE) == "1":
        pytest.fail(f"{reason}, and {REQUIRE_VARIABLE}=1 requires the browser test to run.")
    pytest.skip(f"{reason}: install Debian's chromium to run it (CI sets {REQUIRE_VARIABLE}=1).")


@pytest.fixture(scope="module")
def chromium_path() -> Path:
    """Debian's Chromium, or a skip (a failure in CI) saying why the test cannot run."""
    if not CHROMIUM.is_file():
        _missing_browser(f"the JupyterLab test needs Chromium at {CHROMIUM}, which is missing")
    try:
        import playwright.sync_api  # noqa: F401  # only to know whether it is installed
    except ImportError:
        _missing_browser(
            "the JupyterLab test needs the playwright package (pip install -e '.[dev]')"
        )
    return CHROMIUM


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """A sandbox whose client secret and password are unique, so finding one means a leak."""
    with Sandbox(
        seed=0,
        projects=60,
        client_secret=f"client-secret-{secrets.token_hex(8)}",
        password=f"password-{secrets.token_hex(8)}",
        rate_limit_spike=10_000,
        today=TODAY,
    ) as sb:
        yield sb


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _lab_environment(sb: Sandbox, home: Path) -> dict[str, str]:
    """The server's environment: the sandbox's app, and every config folder under ``home``."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PROCORE_", "JUPYTER", "XDG_", "MPLBACKEND"))
    }
    env |= sandbox_environment(sb, service_account=False)
    folders = {
        "XDG_CONFIG_HOME": "config",
        "XDG_CACHE_HOME": "cache",
        "XDG_DATA_HOME": "data",
        "JUPYTER_CONFIG_DIR": "jupyter/config",
        "JUPYTER_DATA_DIR": "jupyter/data",
        "JUPYTER_RUNTIME_DIR": "jupyter/runtime",
        "JUPYTERLAB_SETTINGS_DIR": "jupyter/lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "jupyter/workspaces",
        "IPYTHONDIR": "ipython",
        "PROCORE_NB_REPORTS": "reports",
    }
    env |= {name: str(home / folder) for name, folder in folders.items()}
    return env


def _write_settings(folder: Path) -> None:
    for plugin, values in LAB_SETTINGS.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


def _wait_for_status(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + LAB_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.25)
    pytest.fail(f"JupyterLab did not answer {LAB_START_TIMEOUT:.0f} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def lab(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 serving a temporary copy of notebooks/, signed in to nothing."""
    home = tmp_path_factory.mktemp("lab")
    notebooks = home / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks)
    env = _lab_environment(sandbox, home)
    _write_settings(Path(env["JUPYTERLAB_SETTINGS_DIR"]))
    token, port = secrets.token_hex(16), _free_port()
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        f"--ServerApp.token={token}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.root_dir={notebooks}",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")  # containers and CI run as root
    log = home / "jupyterlab.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env=env, cwd=notebooks, stdout=output, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_status(process, f"{url}/api/status?token={token}", log)
        yield Lab(url, token, notebooks, Path(env["XDG_CONFIG_HOME"]))
    finally:
        process.terminate()  # the server shuts its kernels down on SIGTERM
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(chromium_path: Path) -> Iterator[Any]:
    """Headless Chromium driven by Playwright (Debian's build: no Playwright download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember each phase's report on the test, so fixtures can tell whether it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def context(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser profile; on failure, a screenshot of every tab goes to reports/."""
    reports = ROOT / "reports"
    for stale in reports.glob("browser-failure-*.png"):
        stale.unlink()
    browser_context = browser.new_context(viewport={"width": 1280, "height": 900})
    browser_context.set_default_timeout(30_000)
    try:
        yield browser_context
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            reports.mkdir(exist_ok=True)
            for number, page in enumerate(browser_context.pages):
                page.screenshot(path=str(reports / f"browser-failure-{number}.png"))
        browser_context.close()
