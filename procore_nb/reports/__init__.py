"""Reports: stage summaries and charts (:mod:`.summaries`), tables to files (:mod:`.export`),
tables formatted for reading (:mod:`.tables`).

All three are public modules, also reachable as ``procore_nb.summaries``,
``procore_nb.export`` and ``procore_nb.tables``.

May import: :mod:`procore_nb.plotting`, :mod:`procore_nb.frames` and the shared modules.
"""
