"""Maps of projects by stage: a static matplotlib map and an interactive ipyleaflet map.

An optional module: ``import procore_nb`` does not load it, and it needs the ``maps``
extra (matplotlib, pyproj, ipyleaflet). The outlines are vendored public-domain data
(U.S. Census Bureau states, Natural Earth countries); nothing is downloaded to draw.

Examples
--------
>>> from procore_nb import maps
>>> fig = maps.project_map(projects, stages=client.project_stages()["name"])  # doctest: +SKIP
>>> fig.savefig("project-map.png", dpi=150, bbox_inches="tight")  # doctest: +SKIP
>>> maps.interactive_map(projects, tiles=False)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.transforms import Affine2D

from . import _mapframes as frames
from ._exceptions import ConfigurationError
from ._figures import format_value, new_figure, root_figure
from ._located import Located, locate
from ._stages import require_columns, stage_colours

if TYPE_CHECKING:
    import ipyleaflet

__all__ = ["MapInfo", "interactive_map", "project_map"]

FloatArray = npt.NDArray[np.float64]
View = Literal["auto", "us", "region", "world"]

_WATER = "#dfe9f1"
_LAND = "#fbfaf7"
_FOREIGN_LAND = "#ecebe6"
_STATE_EDGE = "#b9b9b9"
_NATION_EDGE = "#6d6d6d"
_COUNTRY_EDGE = "#9d9d9d"
_FRAME_EDGE = "#8a8a8a"
_NOTE = "#4d4d4d"

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
    stages: Iterable[str] | None = None,
    size_by: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    view: View = "auto",
) -> Figure:
    """Draw the projects on a map, coloured by stage.

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
        Stage names in the company's order, such as ``client.project_stages()["name"]``;
        stages in the data but not in the list follow it.
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
    >>> fig.procore_nb_map.left_off  # doctest: +SKIP
    {'missing': 3}
    """
    if view not in ("auto", "us", "region", "world"):
        raise ConfigurationError(f"view must be 'auto', 'us', 'region' or 'world', not {view!r}")
    if size_by is not None:
        _size_values(projects, size_by)  # fail on a bad column before drawing anything
    fig, main, created = new_figure(ax, size=(11.0, 6.6))
    if created:
        main.set_position((0.01, 0.09, 0.77, 0.84))
    located = locate(
        projects, stages=stages, purpose="project_map", view=view, aspect=_aspect(main)
    )
    _draw_base(main, located)
    if located.view == "region":
        _label_states(main, located)
    colours = stage_colours(located.order)
    sizes, size_legend = _sizes(projects, located, size_by)
    plotted = _draw_points(main, located, colours, sizes)
    _legends(main, plotted, colours, sizes_legend=size_legend)
    note = located.note()
    main.set_title(title or "Projects by stage", loc="left", fontsize=13, fontweight="bold")
    main.annotate(
        note, (0.0, -0.012), xycoords="axes fraction", va="top", ha="left", fontsize=8, color=_NOTE
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


def _draw_points(
    ax: Axes, located: Located, colours: dict[str, str], sizes: FloatArray
) -> dict[str, int]:
    """One scatter per stage (label and gid name the stage); return the counts drawn."""
    counts = {stage: located.count(stage) for stage in located.order}
    style = _point_style(located.shown)
    # big groups first, so a small stage is never buried under a large one
    for rank, stage in enumerate(sorted(located.order, key=lambda s: -counts[s])):
        chosen = located.stage_of == stage
        if counts[stage]:
            ax.scatter(
                located.x[chosen],
                located.y[chosen],
                s=sizes[chosen],
                c=colours[stage],
                label=stage,
                gid=f"procore_nb:stage:{stage}",
                zorder=20 + rank,
                **style,
            )
    return {stage: count for stage, count in counts.items() if count}


def _point_style(n: int) -> dict[str, Any]:
    """Opacity and outline that keep 10 points crisp and 10,000 points readable."""
    crowd = np.log10(max(n, 10))  # 1 for ten points, 4 for ten thousand
    alpha = float(np.clip(1.05 - 0.15 * crowd, 0.45, 0.9))
    if n <= 400:
        return {"alpha": alpha, "edgecolors": "white", "linewidths": 0.6}
    return {"alpha": alpha, "linewidths": 0.0}


def _base_size(n: int) -> float:
    return float(np.clip(48.0 * (10.0 / max(n, 10)) ** 0.45, 3.0, 48.0))


def _sizes(
    projects: pd.DataFrame, located: Located, size_by: str | None
) -> tuple[FloatArray, list[tuple[str, float]]]:
    """Marker areas, and ``(label, area)`` for the size legend's reference values."""
    base = _base_size(located.shown)
    if size_by is None:
        return np.full(located.shown, base), []
    values = _size_values(projects, size_by)[located.index]
    positive = values[np.isfinite(values) & (values > 0)]
    if len(positive) == 0:
        return np.full(located.shown, base), []
    top, largest, floor = float(positive.max()), base * 7.0, base * 0.5
    # proportional symbols: marker area proportional to value, with a floor to stay visible
    areas = np.maximum(largest * np.clip(np.nan_to_num(values, nan=0.0), 0.0, None) / top, floor)
    legend = []
    for fraction in (1.0, 0.25, 0.05):
        value = _round_nicely(top * fraction)
        legend.append((format_value(value), max(largest * value / top, floor)))
    return areas, legend


def _size_values(projects: pd.DataFrame, size_by: str) -> FloatArray:
    require_columns(projects, [size_by], purpose="project_map(size_by=...)")
    column = projects[size_by]
    if not (pd.api.types.is_numeric_dtype(column) or column.isna().all()):
        raise ConfigurationError(
            f"size_by={size_by!r} must name a numeric column such as 'total_value'; "
            f"it holds {column.dtype} values"
        )
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _round_nicely(value: float) -> float:
    power = 10 ** np.floor(np.log10(value))
    return float(np.floor(value / power) * power)


def _aspect(ax: Axes) -> float:
    """Width over height of the axes' box on the page."""
    box = ax.get_position()
    width, height = root_figure(ax).get_size_inches()
    return float(box.width * width) / max(float(box.height * height), 1e-9)


def _draw_base(ax: Axes, located: Located) -> None:
    """Water, land, borders and the inset panels, under the points."""
    x0, x1, y0, y1 = located.extent
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    # equal scale in x and y: the panel shrinks to the map's shape, never the map
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor(_WATER)
    for spine in ax.spines.values():
        spine.set_edgecolor(_FRAME_EDGE)
        spine.set_linewidth(0.6)
    for frame in located.frame_list:
        scale, dx, dy = located.placements[frame.key]
        transform = Affine2D().scale(scale).translate(dx, dy) + ax.transData
        clip = None
        z = 0.0
        if frame.key in located.insets:
            bx0, bx1, by0, by1 = located.insets[frame.key]
            clip = Rectangle(
                (bx0, by0),
                bx1 - bx0,
                by1 - by0,
                facecolor=_WATER,
                edgecolor=_FRAME_EDGE,
                linewidth=0.6,
                zorder=10,
                gid=f"procore_nb:inset:{frame.key}",
            )
            ax.add_patch(clip)
            ax.text(
                bx1 - 0.03 * (bx1 - bx0),
                by1 - 0.05 * (by1 - by0),
                frame.label,
                fontsize=7,
                va="top",
                ha="right",
                color=_NOTE,
                zorder=14,
            )
            z = 10.0
        for layer, style in _layer_styles(located.view).items():
            collection = PolyCollection(
                frames.outlines(frame, layer),
                transform=transform,
                zorder=z + style.pop("z"),
                **style,
            )
            ax.add_collection(collection, autolim=False)
            if clip is not None:
                collection.set_clip_path(clip)


def _label_states(ax: Axes, located: Located) -> None:
    """USPS codes on the states of a regional map, for orientation."""
    x0, x1, y0, y1 = located.extent
    mx, my = 0.04 * (x1 - x0), 0.04 * (y1 - y0)  # no label cut by the frame
    for code, x, y in frames.state_labels(frames.CONUS):
        if x0 + mx < x < x1 - mx and y0 + my < y < y1 - my:
            ax.text(
                x,
                y,
                code,
                fontsize=8,
                color="#9a9a9a",
                ha="center",
                va="center",
                zorder=5,
                gid=f"procore_nb:label:{code}",
            )


def _layer_styles(view: str) -> dict[str, dict[str, Any]]:
    us_view = view in ("us", "region")
    return {
        "countries": {
            "facecolors": _FOREIGN_LAND if us_view else _LAND,
            "edgecolors": _COUNTRY_EDGE,
            "linewidths": 0.5,
            "z": 1,
        },
        "states": {"facecolors": _LAND, "edgecolors": _STATE_EDGE, "linewidths": 0.4, "z": 2},
        "nation": {
            "facecolors": "none",
            "edgecolors": _NATION_EDGE if us_view else _COUNTRY_EDGE,
            "linewidths": 0.6 if us_view else 0.5,
            "z": 3,
        },
    }


def _legends(
    main: Axes,
    plotted: dict[str, int],
    colours: dict[str, str],
    *,
    sizes_legend: list[tuple[str, float]],
) -> None:
    handles = [
        Line2D([], [], ls="", marker="o", ms=7, mfc=colours[stage], mec="white", mew=0.5)
        for stage in plotted
    ]
    labels = [f"{stage} ({count:,})" for stage, count in plotted.items()]
    if handles:
        legend = main.legend(
            handles,
            labels,
            title="Stage (projects)",
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            frameon=False,
            fontsize=9,
            title_fontsize=9,
            alignment="left",
        )
        if sizes_legend:  # a second legend replaces the first unless the first is kept
            main.add_artist(legend)
    if sizes_legend:
        size_handles = [
            Line2D([], [], ls="", marker="o", ms=float(np.sqrt(area)), mfc="none", mec="#555555")
            for _, area in sizes_legend
        ]
        main.legend(
            size_handles,
            [label for label, _ in sizes_legend],
            title="Value",
            loc="lower left",
            bbox_to_anchor=(1.01, 0.0),
            frameon=False,
            fontsize=9,
            title_fontsize=9,
            labelspacing=1.3,
            alignment="left",
        )


def interactive_map(
    projects: pd.DataFrame,
    *,
    stages: Iterable[str] | None = None,
    tiles: bool = True,
) -> ipyleaflet.Map:
    """An ipyleaflet map of the projects, one toggleable layer per stage.

    Hovering a point shows its name, number, stage and city in the box at the top right,
    and clicking opens the same in a popup. With ``tiles=False`` (offline) the vendored
    state and country outlines are the base layer and no tile server is contacted.

    Parameters
    ----------
    projects:
        Projects as ``client.projects()`` returns them.
    stages:
        Stage names in the company's order (legend and layer order).
    tiles:
        Use CARTO's light basemap tiles (needs internet) instead of the outlines.

    Returns
    -------
    ipyleaflet.Map

    Examples
    --------
    >>> m = interactive_map(projects, tiles=False)  # doctest: +SKIP
    >>> m  # doctest: +SKIP
    """
    # ipyleaflet and ipywidgets load only when an interactive map is asked for
    from ._leaflet import build_map

    located = locate(projects, stages=stages, purpose="interactive_map", view="world")
    return build_map(projects, located, tiles=tiles)
