"""One notebook executed in a fresh kernel, stopped when it falls silent, never when busy.

A rate-bound pull can take many minutes and is not a hung cell: what tells them apart is
activity. Every message a cell sends (output, a progress bar moving, a wait shown in it)
counts; a cell that sends nothing for ``timeout`` seconds is interrupted (as Ctrl-C would),
and its kernel killed if it does not stop within :data:`GRACE` seconds. After the cells,
:data:`procore_nb.cli._report.FACTS_SOURCE` runs in the same kernel (even after a failure)
to learn the report's header.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["GRACE", "Outcome", "execute"]

#: Seconds an interrupted cell has to stop before its kernel is killed.
GRACE = 20.0
#: Seconds the facts cell may take (it reads only what the kernel holds).
_FACTS_TIMEOUT = 60

logger = logging.getLogger("procore_nb.run")
#: What Jupyter's client says about the kernel ("Kernel died ..."): shown only with --debug.
_kernel_log = logging.getLogger("procore_nb.run.kernel")
_kernel_log.addHandler(logging.NullHandler())


@dataclass
class Outcome:
    """How a notebook's execution ended: ``error`` is None when every cell ran."""

    error: str | None = None
    silent: bool = False


class _Watchdog(threading.Thread):
    """Interrupt the kernel when the running cell has been silent for ``timeout`` seconds."""

    def __init__(self, client: Any, timeout: float) -> None:
        super().__init__(name="procore-nb-watchdog", daemon=True)
        self.client = client
        self.timeout = timeout
        self.fired_at: float | None = None
        self.busy = False
        self._stop = threading.Event()

    def run(self) -> None:
        while not self._stop.wait(min(1.0, self.timeout / 4)):
            if not self.busy:
                continue
            now = time.monotonic()
            if self.fired_at is None and now - self.client.last_activity > self.timeout:
                self.fired_at = now
                self._signal(signal.SIGINT)
            elif self.fired_at is not None and now - self.fired_at > GRACE:
                self._signal(signal.SIGKILL)
                return

    def _signal(self, number: int) -> None:
        provisioner = getattr(self.client.km, "provisioner", None)
        pid = getattr(provisioner, "pid", None)
        if pid:
            try:
                os.kill(pid, number)
            except OSError:  # already gone
                logger.debug("kernel %s is gone", pid)

    def stop(self) -> None:
        self._stop.set()


def _client_class() -> Any:
    from nbclient import NotebookClient

    class SilenceClient(NotebookClient):
        """Notes when the running cell last said anything (output, a widget update)."""

        last_activity: float = 0.0

        def process_message(self, msg: Any, cell: Any, cell_index: int) -> Any:
            self.last_activity = time.monotonic()
            return super().process_message(msg, cell, cell_index)

    return SilenceClient


def _error_text(exc: BaseException) -> str:
    ename = getattr(exc, "ename", None)
    if ename:
        return f"{ename}: {getattr(exc, 'evalue', '')}".strip().rstrip(":")
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def execute(
    notebook: Any, *, folder: Path, private: Path, timeout: float, facts: str, quiet: bool = True
) -> Outcome:
    """Run ``notebook`` in a fresh kernel (in place); then ``facts`` in the same kernel.

    A cell silent for ``timeout`` seconds is interrupted; the error says so. A kernel that
    dies or cannot start is an error too, never an exception.
    """
    from jupyter_client.manager import AsyncKernelManager
    from nbclient.exceptions import CellExecutionError, DeadKernelError
    from nbformat.v4 import new_code_cell

    class LocalKernel(AsyncKernelManager):
        """A kernel reached over Unix sockets in a private folder, not over TCP."""

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(transport="ipc", ip=f"{private}/kernel", **kwargs)

    client = _client_class()(
        notebook,
        timeout=None,  # the watchdog times out on silence instead
        kernel_name="python3",
        kernel_manager_class=LocalKernel,
        resources={"metadata": {"path": str(folder)}},
        store_widget_state=False,
        log=_kernel_log,
    )
    _kernel_log.propagate = not quiet
    outcome = Outcome()
    watchdog = _Watchdog(client, timeout)
    start = {"stderr": subprocess.DEVNULL} if quiet else {}
    position = 0
    try:
        with client.setup_kernel(**start):
            watchdog.start()
            try:
                for position, cell in enumerate(notebook.cells):
                    client.last_activity = time.monotonic()
                    watchdog.busy = True
                    client.execute_cell(cell, position)
                    watchdog.busy = False
            except (CellExecutionError, DeadKernelError) as exc:
                outcome.error = _describe(exc, watchdog, timeout=timeout, position=position)
                outcome.silent = watchdog.fired_at is not None
            finally:
                watchdog.busy = False
                watchdog.stop()
            facts_cell = new_code_cell(facts)  # type: ignore[no-untyped-call]
            _run_facts(client, notebook, facts_cell, timeout=_FACTS_TIMEOUT)
    except Exception as exc:  # a kernel that cannot start is a report, not a crash
        logger.debug("the kernel failed", exc_info=True)
        outcome.error = (
            outcome.error or f"the kernel could not run the notebook ({_error_text(exc)})"
        )
    return outcome


def _describe(exc: BaseException, watchdog: _Watchdog, *, timeout: float, position: int) -> str:
    from nbclient.exceptions import DeadKernelError

    where = f"cell {position + 1}"
    if watchdog.fired_at is not None:
        return (
            f"{where} showed nothing (no output, no progress) for {timeout:g} s and was "
            "stopped; raise --timeout if a step may stay silent that long"
        )
    if isinstance(exc, DeadKernelError):
        return f"the kernel died in {where} (out of memory, or the process was killed)"
    return f"{where} failed: {_error_text(exc)}"


def _run_facts(client: Any, notebook: Any, cell: Any, *, timeout: float) -> None:
    """Run the facts cell at the end of ``notebook``; a failure leaves the header shorter."""
    client.timeout = timeout
    notebook.cells.append(cell)
    try:
        client.execute_cell(cell, len(notebook.cells) - 1)
    except Exception:  # the header then says less, the report is still written
        logger.debug("the facts cell failed", exc_info=True)
