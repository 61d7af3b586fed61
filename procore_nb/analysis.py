"""Open and overdue items, ageing, cost and health (in :mod:`procore_nb.reports.analysis`).

``procore_nb.analysis`` *is* that module (the same object), so every name and attribute of it
works through either path, as for ``procore_nb.summaries`` and ``procore_nb.tables``.
"""

from __future__ import annotations

import sys

import procore_nb.reports.analysis as _moved

sys.modules[__name__] = _moved
