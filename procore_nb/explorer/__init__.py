"""The explorer cell: pick a resource, projects and filters; see the rows; copy the call.

:func:`procore_nb.explore` builds it (``procore_nb.explorer.Explorer``). ``_widgets``
turns the registry's filter types into widgets (pickers of names for id filters), labelled
in Procore's words (``_labels``); ``_sources`` says which resource lists an id filter's
values and reads those names once per session; ``_commands`` writes the one line of Python
and the curl command (every page) that reproduce a pick; ``_clipboard`` puts them on the
browser's clipboard; ``_explorer`` lays the cell out.

An optional room: ``import procore_nb`` does not load it (it needs ipywidgets). It may import
:mod:`procore_nb.api`, :mod:`procore_nb.frames` and the shared modules.
"""

from __future__ import annotations

from procore_nb.explorer._commands import Pick, curl_command, python_line
from procore_nb.explorer._explorer import Explorer
from procore_nb.explorer._sources import forget, source_of

__all__ = ["Explorer", "Pick", "curl_command", "forget", "python_line", "source_of"]
