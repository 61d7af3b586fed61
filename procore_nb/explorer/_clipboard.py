"""Text put on the clipboard of the browser that shows the notebook.

The kernel cannot reach the clipboard of the person's computer; the browser can. A click on
**Copy** therefore displays, in an output widget, a few lines of JavaScript that call
``navigator.clipboard.writeText`` (JupyterLab runs them: output of a running notebook is
trusted). They copy only within :data:`FRESH_SECONDS` of being made, so that a saved
notebook reopened later does not copy anything again. The explorer's text box keeps the same
text as the fallback where the browser refuses (an untrusted notebook, a plain HTTP page on
another host than localhost).
"""

from __future__ import annotations

import json
import time
from typing import Any, Final

__all__ = ["FRESH_SECONDS", "copy_script", "display_copy"]

#: Seconds after which the script no longer copies (a reopened notebook replays outputs).
FRESH_SECONDS: Final = 30


def copy_script(text: str, *, now: float | None = None) -> str:
    """The JavaScript that puts ``text`` on the browser's clipboard, if run in time.

    Examples
    --------
    >>> "navigator.clipboard.writeText" in copy_script("df = client.frame('rfis')")
    True
    """
    made = int((time.time() if now is None else now) * 1000)
    quoted = json.dumps(text).replace("</", "<\\/")  # safe inside any HTML page
    return (
        f"if (Date.now() - {made} < {FRESH_SECONDS * 1000} && navigator.clipboard) {{\n"
        f"  navigator.clipboard.writeText({quoted}).catch(() => {{}});\n"
        "}\n"
    )


def display_copy(output: Any, text: str) -> None:
    """Show ``copy_script(text)`` in ``output`` (an ``ipywidgets.Output``), replacing the last."""
    script = {"output_type": "display_data", "data": {"application/javascript": copy_script(text)}}
    output.outputs = ({**script, "metadata": {}},)
