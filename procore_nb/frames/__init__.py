"""Records to typed DataFrames: Procore's JSON, one conversion, one dtype rule.

``_schema`` says which kind (id, money, timestamp, ...) each column of each resource
is, from the registry's ``columns`` (``procore_nb/data/resources.toml``); ``_kinds`` turns
a column of one kind into its pandas dtype; ``_convert`` holds :func:`to_frame`, the one
conversion every list goes through. ``_pages`` and ``_arrow`` give the same frame from the
pages' bytes through Arrow, when pyarrow is installed, reading a list's later pages by the
field order and types ``_learned`` learns from its first. ``_generated`` writes the tables of
``docs/dtypes.md`` and ``docs/resources.md`` between their markers.

May import: the shared modules (``_constants``, ``_registry``, ``_exceptions``) only.
"""
