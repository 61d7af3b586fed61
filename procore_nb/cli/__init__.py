"""The command line (``procore-nb``) and the demo that runs the example notebooks.

``_main`` dispatches subcommands to the rooms that implement them; ``_demo`` (public as
``procore_nb.demo``) starts a sandbox and executes the notebooks against it. ``_run`` and
``_demo`` share ``_runner``: ``_kernel`` runs a notebook and stops a cell that falls silent,
``_report`` writes it as a document for a reader, ``_identity`` checks the sign-in first.

May import: every room; nothing imports this one but the facade modules.
"""
