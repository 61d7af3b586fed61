"""Tables to Excel, CSV and Parquet (the code lives in :mod:`procore_nb.reports.export`).

``procore_nb.export`` *is* that module (the same object), so every name and attribute of it,
private ones included, works through either path.
"""

from __future__ import annotations

import sys

import procore_nb.reports.export as _moved

sys.modules[__name__] = _moved
