"""Are we running inside a Jupyter kernel, and can we draw widgets there?

Like pandas-gbq's check, this never imports IPython itself: a process that has not loaded
IPython is not a notebook kernel, and ``import procore_nb`` must stay fast.
"""

from __future__ import annotations

import importlib.util
import sys

__all__ = ["in_notebook", "widgets_available"]


def in_notebook() -> bool:
    """Return True inside a Jupyter kernel (JupyterLab, classic Notebook, VS Code, Colab).

    A terminal IPython shell is not a notebook: it cannot show widgets.
    """
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    # Kernel shells (ipykernel's ZMQInteractiveShell) carry the kernel they talk through.
    return shell is not None and getattr(shell, "kernel", None) is not None


def widgets_available() -> bool:
    """Return True when ipywidgets can be imported (without importing it)."""
    return importlib.util.find_spec("ipywidgets") is not None
