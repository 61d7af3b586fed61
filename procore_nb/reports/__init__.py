"""Reports: stage summaries and charts (:mod:`.summaries`), tables to files (:mod:`.export`),
tables formatted for reading (:mod:`.tables`), and the open, overdue, ageing, cost and health
sums of notebooks 04-07 (:mod:`.analysis`, with ``_rollups`` and ``_columns`` behind it).

All four are public modules, also reachable as ``procore_nb.summaries``,
``procore_nb.export``, ``procore_nb.tables`` and ``procore_nb.analysis``.

May import: :mod:`procore_nb.plotting`, :mod:`procore_nb.frames` and the shared modules.
"""
