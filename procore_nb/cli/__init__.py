"""The command line (``procore-nb``) and the demo that runs the example notebooks.

``_main`` dispatches subcommands to the rooms that implement them; ``_demo`` starts a
sandbox and executes the notebooks against it (its ``use_sandbox_unless_configured`` is
public as ``procore_nb.use_sandbox_unless_configured``). ``_run`` and ``_demo`` share
``_runner``: ``_kernel`` runs a notebook and stops a cell that falls silent, ``_report``
writes it as a document for a reader, ``_identity`` checks the sign-in first.

May import: every room; nothing imports this one but the facade modules.
"""
