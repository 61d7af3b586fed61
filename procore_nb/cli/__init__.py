"""The command line (``procore-nb``) and the demo that runs the example notebooks.

``_main`` dispatches subcommands to the rooms that implement them; ``_demo`` starts a
sandbox and executes the notebooks against it (its ``use_sandbox_unless_configured`` is
public as ``procore_nb.use_sandbox_unless_configured``).

May import: every room; nothing imports this one but the facade modules.
"""
