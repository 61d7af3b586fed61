"""What maps and reports draw with alike: stage order and colours, and notebook figures.

``_stages`` decides each project's stage, the order stages are listed in and their
colours; ``_figures`` makes matplotlib figures that notebooks show once.

May import: :mod:`procore_nb.frames` and the shared modules.
"""
