"""Render the login widget as JupyterLab shows it, for the README: two PNGs in docs/img/.

Runs everything on 127.0.0.1: the embedded sandbox, a throwaway JupyterLab, and headless
Chromium driven by Playwright. The notebook it opens signs in with a code fetched from the
sandbox, so the second picture is the real signed-in card.

    .venv/bin/python scripts/render_login_widget.py [--out docs/img] [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from procore_nb.sandbox import Sandbox  # noqa: E402  # after the checkout is on sys.path

# The form is drawn for the real developer sandbox (no request is made before Sign in);
# the card comes from signing in against the embedded sandbox.
CELLS = [
    "import os\n"
    "import procore_nb\n"
    "from procore_nb.widgets import LoginWidget\n\n"
    "secret = os.environ['PROCORE_CLIENT_SECRET']\n"
    "app = procore_nb.Client('sandbox', client_id='your-app-client-id', client_secret=secret)\n"
    "form = LoginWidget(app)\n"
    "form.restore_or_ask()\n"
    "form",
    "card = LoginWidget(procore_nb.Client())\n"
    "card.restore_or_ask()\n"
    "card.code_box.value = os.environ['PROCORE_NB_RENDER_CODE']\n"
    "card.sign_in_button.click()\n"
    "card",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310  # our own loopback server
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"JupyterLab did not answer at {url}")


def render(out: Path, chromium: str | None) -> None:
    work = Path(tempfile.mkdtemp(prefix="procore-nb-render-"))
    notebook = new_notebook(cells=[new_code_cell(source) for source in CELLS])
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nbformat.write(notebook, work / "login.ipynb")
    port, token = free_port(), secrets.token_hex(16)
    with Sandbox(projects=20) as sb:
        env = {
            **os.environ,
            "PROCORE_API_URL": sb.url,
            "PROCORE_CLIENT_ID": sb.client_id,
            "PROCORE_CLIENT_SECRET": sb.client_secret,
            "PROCORE_NB_RENDER_CODE": sb.authorize(),
            "PYTHONPATH": str(ROOT),
            "XDG_CONFIG_HOME": str(work / "config"),
            "JUPYTER_CONFIG_DIR": str(work / "jupyter-config"),
            "JUPYTER_RUNTIME_DIR": str(work / "jupyter-runtime"),
        }
        command = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={work}",
        ]
        with (work / "lab.log").open("w") as log:
            lab = subprocess.Popen(command, env=env, stdout=log, stderr=log)  # noqa: S603  # fixed argv
        try:
            wait_for(f"http://127.0.0.1:{port}/api?token={token}")
            shoot(
                f"http://127.0.0.1:{port}/lab/tree/login.ipynb?token={token}&reset", out, chromium
            )
        finally:
            lab.terminate()
            lab.wait(30)


def shoot(url: str, out: Path, chromium: str | None) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        page = browser.new_page(viewport={"width": 1100, "height": 1000}, device_scale_factor=2)
        page.goto(url)
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        page.wait_for_timeout(3000)  # the kernel session starts after the page shows
        for _ in range(2):
            page.get_by_role("menuitem", name="Run").click()
            page.get_by_text("Run All Cells", exact=True).click()
            page.wait_for_timeout(1000)
            # Lab asks for a kernel when the session is not up yet: accept python3, run again.
            select_kernel = page.get_by_role("button", name="Select", exact=True)
            if not select_kernel.is_visible():
                break
            select_kernel.click()
        out.mkdir(parents=True, exist_ok=True)
        try:
            page.wait_for_selector("text=Signed in as", timeout=60_000)
        except Exception:
            page.screenshot(path=str(out / "failed.png"))
            raise
        page.wait_for_timeout(1000)  # let the fonts and icons settle before the pictures
        outputs = page.locator(".jp-Cell .jp-OutputArea-output")
        outputs.nth(0).screenshot(path=str(out / "login-widget.png"))
        outputs.nth(1).screenshot(path=str(out / "login-signed-in.png"))
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument(
        "--chromium", default=None, help="Chromium to use (default: Playwright's own)"
    )
    args = parser.parse_args()
    render(args.out, args.chromium)
    print(f"wrote {args.out / 'login-widget.png'} and {args.out / 'login-signed-in.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
