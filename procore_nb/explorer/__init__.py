"""The explorer cell: pick a resource, projects and filters; see the rows; copy the call.

:func:`procore_nb.explore` builds it (``procore_nb.explorer.Explorer``). ``_widgets``
turns the registry's filter types into widgets, ``_commands`` writes the one line of Python
and the curl command that reproduce a pick, ``_explorer`` lays the cell out.

An optional room: ``import procore_nb`` does not load it (it needs ipywidgets). It may import
:mod:`procore_nb.api`, :mod:`procore_nb.frames` and the shared modules.
"""

from __future__ import annotations

from procore_nb.explorer._commands import Pick, curl_command, python_line
from procore_nb.explorer._explorer import Explorer

__all__ = ["Explorer", "Pick", "curl_command", "python_line"]
