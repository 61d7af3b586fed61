"""The command line (``procore-nb``) and the demo that runs the example notebooks.

``_main`` dispatches subcommands to the rooms that implement them; ``_demo`` (public as
``procore_nb.demo``) starts a sandbox and executes the notebooks against it.

May import: every room; nothing imports this one but the facade modules.
"""
