"""Reports: stage summaries and charts (:mod:`.summaries`), tables to files (:mod:`.export`).

Both are public modules, also reachable as ``procore_nb.summaries`` and
``procore_nb.export``.

May import: :mod:`procore_nb.plotting`, :mod:`procore_nb.frames` and the shared modules.
"""
