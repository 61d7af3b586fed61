"""Maps of projects by stage: a static matplotlib map and an interactive ipyleaflet map.

An optional module: ``import procore_nb`` does not load it, and it needs the ``maps``
extra (matplotlib, pyproj, ipyleaflet). The outlines are vendored public-domain data
(U.S. Census Bureau states, Natural Earth countries); nothing is downloaded to draw.

This package is the maps room: ``_located`` places projects, ``_mapframes`` projects
them (Albers U.S. with insets, Equal Earth), ``_mapdraw`` draws the static map,
``_leaflet`` the interactive one, ``_boundaries`` reads the outlines. It may import
:mod:`procore_nb.plotting`, :mod:`procore_nb.frames` and the shared modules.

Examples
--------
>>> import procore_nb.maps as maps
>>> fig = maps.project_map(projects, stages=client.project_stages()["name"])  # doctest: +SKIP
>>> fig.savefig("project-map.png", dpi=150, bbox_inches="tight")  # doctest: +SKIP
>>> maps.interactive_map(projects, tiles=False)  # doctest: +SKIP
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from procore_nb._exceptions import ConfigurationError
from procore_nb.maps import _mapdraw as draw
from procore_nb.maps._located import LEFT_OFF_LABELS, locate
from procore_nb.plotting._figures import new_figure
from procore_nb.plotting._stages import Stages, stage_colours

if TYPE_CHECKING:
    import ipyleaflet

__all__ = ["MapInfo", "interactive_map", "project_map", "unplaced"]

View = Literal["auto", "us", "region", "world"]

_CREDIT = "Boundaries: U.S. Census Bureau (2017), Natural Earth"


@dataclass(frozen=True)
class MapInfo:
    """What :func:`project_map` drew, attached to the figure as ``fig.procore_nb_map``.

    Attributes
    ----------
    view:
        ``"us"`` (contiguous U.S. with insets), ``"region"`` (part of the U.S., fitted to
        the points) or ``"world"`` (Equal Earth, fitted to the points).
    total:
        Projects in the input.
    plotted:
        Projects drawn, per stage in legend order.
    frames:
        Projects drawn per panel: ``"conus"``, ``"alaska"``, ``"hawaii"`` and
        ``"puerto_rico"`` on the U.S. and regional maps, ``"world"`` otherwise.
    left_off:
        Projects not drawn, per reason: ``"missing"`` (no coordinates), ``"zero"`` (at
        (0, 0)), ``"range"`` (latitude or longitude out of range) and ``"outside"``
        (outside the U.S. map).
    note:
        The footnote printed under the map.
    insets:
        Each inset drawn and its box ``(x0, x1, y0, y1)`` in the axes' data coordinates.
    ax:
        The axes the map is drawn in.
    """

    view: Literal["us", "region", "world"]
    total: int
    plotted: dict[str, int]
    frames: dict[str, int]
    left_off: dict[str, int]
    note: str
    insets: dict[str, tuple[float, float, float, float]]
    ax: Axes = field(repr=False)

    @property
    def shown(self) -> int:
        """How many projects were drawn."""
        return sum(self.plotted.values())


def project_map(
    projects: pd.DataFrame,
    *,
    stages: Stages = None,
    size_by: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    view: View = "auto",
    colour_by: ColourBy = None,
) -> Figure:
    """Draw the projects on a map, coloured by stage (or by another column's values).

    When most projects are in the United States the map is the contiguous U.S. in an
    Albers equal-area projection, with Alaska and Hawaii insets (and Puerto Rico when a
    project is there), zoomed to the projects when they all sit in one region (a state or
    two); otherwise it is an Equal Earth world map zoomed to the projects.
    A footnote says how many projects were left off and why (no coordinates, at (0, 0),
    out of range, outside the U.S. map).

    Parameters
    ----------
    projects:
        Projects as ``client.projects()`` returns them; needs ``latitude``, ``longitude``
        and ``project_stage.name`` (or the legacy ``stage``).
    stages:
        Stage names in the company's order, such as ``client.project_stages()["name"]``
        (or that DataFrame itself); stages in the data but not in the list follow it.
    size_by:
        A numeric column (such as ``"total_value"``) to size points by, area proportional
        to value; missing or non-positive values get the smallest size.
    ax:
        Axes to draw in; a new figure (not registered with pyplot) by default.
    title:
        The map's title (default: "Projects by stage").
    view:
        ``"auto"`` (default) guesses; ``"us"`` (the whole U.S. with insets), ``"region"``
        (the U.S. projection zoomed to the projects) or ``"world"`` choose.
    colour_by:
        Colour by this column's values instead of the stage (such as a health band), or
        ``(column, {value: colour})`` to choose the colours, listing the values worst first
        (as :data:`procore_nb.reports.analysis.HEALTH_COLOURS` does): the worst are drawn
        on top of the others, whatever their number. ``stages`` then orders the values, and
        the legend is titled with the column's name.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; ``fig.procore_nb_map`` is a :class:`MapInfo` saying what was drawn.

    Raises
    ------
    ConfigurationError
        A needed column is missing, ``size_by`` is not numeric, or ``view`` is unknown.

    Examples
    --------
    >>> fig = project_map(projects, size_by="total_value")  # doctest: +SKIP
    >>> fig = project_map(scored, colour_by=("health", {"At risk": "#c62828"}))  # doctest: +SKIP
    >>> fig.procore_nb_map.left_off  # doctest: +SKIP
    {'missing': 3}
    """
    if view not in ("auto", "us", "region", "world"):
        raise ConfigurationError(f"view must be 'auto', 'us', 'region' or 'world', not {view!r}")
    if size_by is not None:
        draw.size_values(projects, size_by)  # fail on a bad column before drawing anything
    projects, stages, palette, group = _grouped(projects, stages, colour_by)
    fig, main, created = new_figure(ax, size=(11.0, 6.6))
    if created:
        main.set_position((0.01, 0.09, 0.77, 0.84))
    located = locate(
        projects, stages=stages, purpose="project_map", view=view, aspect=draw.aspect(main)
    )
    draw.draw_base(main, located)
    if located.view == "region":
        draw.label_states(main, located)
    colours = stage_colours(located.order) | palette
    sizes, size_legend = draw.sizes(projects, located, size_by)
    plotted = draw.draw_points(main, located, colours, sizes, severity=list(palette))
    draw.legends(main, plotted, colours, sizes_legend=size_legend, title=f"{group} (on the map)")
    note = located.note()
    main.set_title(
        title or f"Projects by {group.lower()}", loc="left", fontsize=13, fontweight="bold"
    )
    main.annotate(
        note,
        (0.0, -0.012),
        xycoords="axes fraction",
        va="top",
        ha="left",
        fontsize=8,
        color=draw.NOTE,
    )
    credit = f"{located.frame_list[0].crs_name} · {_CREDIT}"
    main.annotate(
        credit,
        (0.0, -0.045),
        xycoords="axes fraction",
        va="top",
        ha="left",
        fontsize=7,
        color="#7a7a7a",
    )
    frame_counts = dict(zip(*np.unique(located.frame_of, return_counts=True), strict=True))
    info = MapInfo(
        view=located.view,
        total=located.total,
        plotted=plotted,
        frames={f.key: int(frame_counts.get(f.key, 0)) for f in located.frame_list},
        left_off=located.left_off,
        note=note,
        insets=dict(located.insets),
        ax=main,
    )
    # matplotlib figures take attributes; MapInfo is how callers and tests see what was drawn
    fig.procore_nb_map = info  # type: ignore[attr-defined]
    return fig


#: What to colour a map by: a column, or a column and the colour of each of its values.
ColourBy = str | tuple[str, Mapping[str, str]] | None


def _grouped(
    projects: pd.DataFrame, stages: Stages, colour_by: ColourBy
) -> tuple[pd.DataFrame, Stages, dict[str, str], str]:
    """The projects with ``colour_by``'s values in the stage's place, its colours and name."""
    if colour_by is None:
        return projects, stages, {}, "Stage"
    column, palette = (colour_by, {}) if isinstance(colour_by, str) else colour_by
    if column not in projects.columns:
        raise ConfigurationError(
            f"colour_by={column!r}: no such column; name one of the projects' columns "
            f"(such as the 'health' column of procore_nb.reports.analysis.health)."
        )
    values = projects[column].astype("string")
    grouped = projects.drop(columns=["stage"], errors="ignore").assign(
        **{"project_stage.name": values}
    )
    order = stages if stages is not None else (list(palette) or None)
    name = column.replace("_", " ").replace(".", " ").strip().capitalize()
    return grouped, order, dict(palette), name


def unplaced(projects: pd.DataFrame, *, view: View = "auto") -> pd.DataFrame:
    """The projects :func:`project_map` leaves off, with a ``reason`` column first.

    Reasons read as in the map's footnote: "without coordinates", "at (0, 0)", "with
    latitude or longitude out of range", "outside the U.S. map (...)". Use it to find
    the projects whose addresses need fixing in Procore.

    Examples
    --------
    >>> unplaced(projects)[["reason", "name", "city", "latitude", "longitude"]]  # doctest: +SKIP
    """
    located = locate(projects, stages=None, purpose="unplaced", view=view)
    rows = located.reasons != ""
    table = projects.iloc[np.flatnonzero(rows)].copy()
    labels = [LEFT_OFF_LABELS[reason] for reason in located.reasons[rows]]
    table.insert(0, "reason", pd.Series(labels, index=table.index, dtype="string"))
    return table


def interactive_map(
    projects: pd.DataFrame,
    *,
    stages: Stages = None,
    tiles: bool = True,
    colour_by: ColourBy = None,
    tooltip: Mapping[str, str] | None = None,
) -> ipyleaflet.Map:
    """An ipyleaflet map of the projects, one toggleable layer per stage (or ``colour_by`` value).

    Hovering a point shows its name, number, stage and city in the box at the top right,
    and clicking opens the same in a popup. With ``tiles=False`` (offline) the vendored
    state and country outlines are the base layer and no tile server is contacted.
    In an unattended run (``procore-nb run``) the map also displays as a static picture
    of the same projects, which the HTML report shows in the widget's place.

    Parameters
    ----------
    projects:
        Projects as ``client.projects()`` returns them.
    stages:
        Stage names in the company's order (legend and layer order).
    tiles:
        Use CARTO's light basemap tiles (needs internet) instead of the outlines.
    colour_by:
        As for :func:`project_map`: a column, or ``(column, {value: colour})``.
    tooltip:
        More columns for the info box and popup, each with its label
        (``{"health_score": "Health score"}``).

    Returns
    -------
    ipyleaflet.Map

    Examples
    --------
    >>> m = interactive_map(projects, tiles=False)  # doctest: +SKIP
    >>> m  # doctest: +SKIP
    """
    # ipyleaflet and ipywidgets load only when an interactive map is asked for
    from procore_nb.maps._leaflet import build_map

    original = projects
    grouped, order, palette, group = _grouped(projects, stages, colour_by)
    located = locate(grouped, stages=order, purpose="interactive_map", view="world")
    leaflet_map = build_map(
        grouped,
        located,
        tiles=tiles,
        colours=palette,
        legend_title=group,
        tooltip=tooltip,
        severity=list(palette),
    )

    def snapshot() -> bytes:
        # what an unattended report shows in the widget's place: the same projects, static
        title = f"Projects by {group.lower()} · a picture of the interactive map"
        fig = project_map(original, stages=stages, view="world", title=title, colour_by=colour_by)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
        return buffer.getvalue()

    leaflet_map.snapshot = snapshot
    return leaflet_map
