"""The login widget for notebooks (the code lives in :mod:`procore_nb.signin`)."""

from __future__ import annotations

from procore_nb.signin._widget import LoginWidget

__all__ = ["LoginWidget"]
