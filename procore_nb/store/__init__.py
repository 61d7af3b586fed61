"""The local store: Procore lists kept in an embedded DuckDB file, synced incrementally.

``_store`` holds :class:`Store` (the public face: ``sync``, ``frame``, ``sql``, ``info``,
``to_parquet``); ``_arguments`` checks its arguments where they enter; ``_identity`` keys the
default file by API server, company and signed-in identity and refuses another's file;
``_sync`` runs a sync (which scopes, pulled how, written when) and ``_report`` says what it
did; ``_plan`` decides per scope between a whole pull, an incremental one and a window of
days (daily logs) by what each costs in requests; ``_state`` reads and writes each scope's
sync state; ``_tables`` writes typed rows and column types, and
``_reading`` reads them back as the client's frames; ``_database`` opens short-lived DuckDB
connections under a file lock shared by processes (read-only for ``sql()`` and on disks
nobody can write, with damaged files and full disks said in the store's words);
``_source`` is the one module that asks the client (and the resource registry) for rows;
``_dlt`` is the ``procore_nb[dlt]`` source for dlt pipelines.

May import: :mod:`procore_nb.api`, :mod:`procore_nb.frames` and the shared modules
(``_constants``, ``_exceptions``). Nothing imports this room but the facade
(``procore_nb/__init__.py``) and the command line (``cli``). DuckDB and pandas are imported
only when a store is opened, so that ``import procore_nb`` loads neither.
"""
