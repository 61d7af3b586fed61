"""Child Python processes for the reliability tests: kernels, killed writers, interrupted pulls.

A child runs this interpreter on a small script, with the package on ``PYTHONPATH`` and the
test's own ``XDG_CONFIG_HOME`` (set by the suite's autouse fixture), so that it shares the
token cache with the test and with other children, as two kernels of one user do.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import procore_nb

ROOT = Path(procore_nb.__file__).resolve().parents[1]


def child_env(**extra: str) -> dict[str, str]:
    """This process's environment with the package importable, plus ``extra``."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "PYTHONUNBUFFERED": "1", **extra}


def spawn(script: str, *args: str, **extra: str) -> subprocess.Popen[str]:
    """Run this interpreter on ``script`` (dedented) with ``args``; pipes for stdin and output.

    ``extra`` adds environment variables.
    """
    return subprocess.Popen(  # runs this interpreter on a fixed script
        [sys.executable, "-c", textwrap.dedent(script), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(**extra),
    )
