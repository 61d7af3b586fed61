"""Figures for the map and chart functions: created without pyplot, shown once in notebooks.

A figure made with ``pyplot`` is shown by the notebook at the end of the cell *and* again
when the cell returns it; it also stays in pyplot's registry until closed, which leaks
memory when a loop draws many maps. These figures are plain :class:`Figure` objects with
a ``_repr_png_``, so the notebook shows each exactly once, and nothing holds on to them.
"""

from __future__ import annotations

import io
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure

__all__ = ["NotebookFigure", "format_value", "new_figure", "root_figure"]


class NotebookFigure(Figure):
    """A :class:`Figure` that notebooks display as a PNG (``_repr_png_``)."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
        return buffer.getvalue()


def root_figure(ax: Axes) -> Figure:
    """The top-level figure ``ax`` is drawn in (also when it sits in a subfigure)."""
    figure: Any = ax.figure
    while isinstance(figure, SubFigure):
        figure = figure.figure
    if not isinstance(figure, Figure):  # pragma: no cover - an Axes always has a figure
        raise TypeError("the axes belong to no figure")
    return figure


def new_figure(ax: Axes | None, *, size: tuple[float, float]) -> tuple[Figure, Axes, bool]:
    """Return ``(figure, axes, created)``: ``ax``'s own figure, or a new one of ``size`` inches."""
    if ax is not None:
        return root_figure(ax), ax, False
    figure = NotebookFigure(figsize=size, facecolor="white")
    return figure, figure.add_subplot(), True


def format_value(value: float) -> str:
    """A compact money-like number: ``950``, ``12.5K``, ``3.2M``, ``1.05B``."""
    magnitude = abs(value)
    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if magnitude >= threshold:
            scaled = value / threshold
            digits = 0 if abs(scaled) >= 100 else 1 if abs(scaled) >= 10 else 2
            text = f"{scaled:.{digits}f}"
            return (text.rstrip("0").rstrip(".") if "." in text else text) + suffix
    return f"{value:,.0f}"
