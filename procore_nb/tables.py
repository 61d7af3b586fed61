"""Tables formatted for reading (the code lives in :mod:`procore_nb.reports.tables`).

``procore_nb.tables`` *is* that module (the same object), so every name and attribute of it
works through either path, as for ``procore_nb.summaries`` and ``procore_nb.export``.
"""

from __future__ import annotations

import sys

import procore_nb.reports.tables as _moved

sys.modules[__name__] = _moved
