"""Fixtures for the reliability suite: sandboxes under faults, and child Python processes.

Each test here is bounded (well under a minute) and talks to a real sandbox on 127.0.0.1.
Child processes run this interpreter on a small script, with the package on ``PYTHONPATH``
and the test's own ``XDG_CONFIG_HOME`` (set by the suite's autouse fixture), so that they
share the token cache with the test and with each other, as two kernels of one user do.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import procore_nb

ROOT = Path(procore_nb.__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _no_backoff() -> Iterator[None]:
    """Turn retry backoff sleeping off (announced waits are still honoured)."""
    procore_nb.set_testing(True)
    yield
    procore_nb.set_testing(False)


def child_env(**extra: str) -> dict[str, str]:
    """This process's environment with the package importable, plus ``extra``."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "PYTHONUNBUFFERED": "1", **extra}


def spawn(script: str, **extra: str) -> subprocess.Popen[str]:
    """Start this interpreter on ``script`` (dedented) with pipes for stdin, stdout, stderr."""
    return subprocess.Popen(  # runs this interpreter on a fixed script
        [sys.executable, "-c", textwrap.dedent(script)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(**extra),
    )
