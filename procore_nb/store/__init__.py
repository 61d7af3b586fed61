"""The local store: Procore lists kept in an embedded DuckDB file, synced incrementally.

``_store`` holds :class:`Store` (the public face: ``sync``, ``frame``, ``sql``, ``info``,
``to_parquet``); ``_sync`` runs a sync (which scopes, pulled how, written when); ``_plan``
decides per scope between a whole pull and an incremental one by what each costs in
requests; ``_tables`` writes and reads typed rows, sync state and column types;
``_database`` opens short-lived DuckDB connections under a file lock shared by processes;
``_source`` is the one module that asks the client (and the resource registry) for rows;
``_dlt`` is the ``procore_nb[dlt]`` source for dlt pipelines.

May import: :mod:`procore_nb.api`, :mod:`procore_nb.frames` and the shared modules
(``_constants``, ``_exceptions``). Nothing imports this room but the facade
(``procore_nb/__init__.py``) and the command line (``cli``). DuckDB and pandas are imported
only when a store is opened, so that ``import procore_nb`` loads neither.
"""
