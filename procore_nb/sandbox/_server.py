"""Running the sandbox: uvicorn in a thread, in a child process, or in the foreground (CLI)."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn

from ._app import build
from ._data import MAIN_COMPANY_ID
from ._faults import DROP_LOG_MESSAGE
from ._options import Options
from ._state import State
from ._tls import make_tls_files


class _QuietDrops(logging.Filter):
    """Hide uvicorn's complaint about responses the sandbox cuts short on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != DROP_LOG_MESSAGE


_quiet_drops = _QuietDrops()


class _Server(uvicorn.Server):
    """A uvicorn server that says when it listens."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if not self.should_exit:
            self._on_ready()


class Running:
    """A bound socket, the state it serves and the uvicorn server, not yet serving."""

    def __init__(self, options: Options, on_ready: Callable[[], None]) -> None:
        logging.getLogger("uvicorn.error").addFilter(_quiet_drops)
        self.options = options
        self.state = State(options)
        self.owns_dir = options.state_dir is None
        self.directory = Path(options.state_dir or tempfile.mkdtemp(prefix="procore-nb-sandbox-"))
        self.directory.mkdir(parents=True, exist_ok=True)
        family = socket.AF_INET6 if ":" in options.host else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind((options.host, options.port))
        port = self.socket.getsockname()[1]
        tls = make_tls_files(self.directory) if options.tls else None
        self.ca_file = tls.ca_file if tls else None
        host = f"[{options.host}]" if ":" in options.host else options.host
        self.url = f"{'https' if tls else 'http'}://{host}:{port}"
        config = uvicorn.Config(
            build(self.state),
            log_config=None,  # leave the host's logging alone (pytest, notebooks)
            access_log=False,  # ours logs paths without query strings
            date_header=False,  # Observe sets Date from the sandbox clock
            lifespan="off",
            timeout_graceful_shutdown=2,
            ssl_certfile=tls.cert_file if tls else None,
            ssl_keyfile=tls.key_file if tls else None,
        )
        self.server = _Server(config, on_ready)

    def serve(self) -> None:
        """Serve until :meth:`stop` (or a signal, in the main thread)."""
        try:
            self.server.run(sockets=[self.socket])
        finally:
            self.socket.close()

    def stop(self) -> None:
        self.server.should_exit = True

    def cleanup(self) -> None:
        if self.owns_dir:
            shutil.rmtree(self.directory, ignore_errors=True)

    def description(self) -> dict[str, Any]:
        """What a client needs: URL, CA file, demo credentials and the main company."""
        options = self.options
        return {
            "url": self.url,
            "ca_file": self.ca_file,
            "client_id": options.client_id,
            "client_secret": options.client_secret,
            "redirect_uris": list(options.redirect_uri),
            "login": options.login,
            "password": options.password,
            "other_login": options.other_login,
            "other_password": options.other_password,
            "service_client_id": options.service_client_id,
            "service_client_secret": options.service_client_secret,
            "company_id": MAIN_COMPANY_ID,
            "today": self.state.clock.today.isoformat(),
            "pid": os.getpid(),
        }


def write_ready_file(path: str, description: dict[str, Any]) -> None:
    """Write ``description`` as JSON, atomically and readable by the owner only."""
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(description, handle)
    partial.replace(target)


class InProcess:
    """uvicorn in a daemon thread of this process."""

    def __init__(self, options: Options) -> None:
        self._ready = threading.Event()
        self.running = Running(options, self._ready.set)
        self._thread = threading.Thread(
            target=self.running.serve, name="procore-nb-sandbox", daemon=True
        )

    def start(self, timeout: float) -> dict[str, Any]:
        self._thread.start()
        if not self._ready.wait(timeout):
            self.stop()
            raise RuntimeError(f"the sandbox did not start within {timeout:g} s")
        return self.running.description()

    def stop(self) -> None:
        self.running.stop()
        self._thread.join(timeout=10)
        self.running.cleanup()


class ChildProcess:
    """``python -m procore_nb.sandbox`` in a child process, found through its ready file."""

    def __init__(self, argv: list[str]) -> None:
        self._directory = Path(tempfile.mkdtemp(prefix="procore-nb-sandbox-run-"))
        self._ready = self._directory / "ready.json"
        self._log = self._directory / "server.log"
        self._argv = [
            sys.executable,
            "-m",
            "procore_nb.sandbox",
            *argv,
            "--ready-file",
            str(self._ready),
        ]
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float) -> dict[str, Any]:
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                self._argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log
            )
        deadline = time.monotonic() + timeout
        while not self._ready.exists():
            if self._process.poll() is not None or time.monotonic() > deadline:
                tail = self._log.read_text(errors="replace")[-2000:]
                self.stop()
                raise RuntimeError(f"the sandbox process did not start:\n{tail}")
            time.sleep(0.02)
        description: dict[str, Any] = json.loads(self._ready.read_text())
        return description

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        with contextlib.suppress(OSError):
            shutil.rmtree(self._directory)
