"""The example notebooks against the sandbox (the code lives in :mod:`procore_nb.cli._demo`).

``procore_nb.demo`` *is* that module (the same object), so every name and attribute of it,
private ones included, works through either path.
"""

from __future__ import annotations

import sys

import procore_nb.cli._demo as _moved

sys.modules[__name__] = _moved
