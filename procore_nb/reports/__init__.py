"""Reports: stage summaries and charts (:mod:`.summaries`), tables to files (:mod:`.export`),
tables formatted for reading (:mod:`.tables`), and the open, overdue, ageing, cost and health
sums of notebooks 04-07 (:mod:`.analysis`, with ``_rollups`` and ``_columns`` behind it).

All four are public modules (``from procore_nb.reports import analysis, tables``); the
facade also gives them lazily (``from procore_nb import analysis``). ``_kinds`` says what each
column holds (money, share, days, ...) and how its header reads; ``_sheets`` gives a written
Excel sheet its number formats, filter and widths.

May import: :mod:`procore_nb.plotting`, :mod:`procore_nb.frames` and the shared modules.
"""
