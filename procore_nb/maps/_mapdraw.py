"""Drawing the static map: outlines, inset panels, points, labels and legends.

:func:`procore_nb.maps.project_map` decides what goes on the map (with
:mod:`procore_nb.maps._located`); this module puts it on a matplotlib ``Axes``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.transforms import Affine2D

from procore_nb._exceptions import ConfigurationError
from procore_nb.maps import _mapframes as frames
from procore_nb.maps._located import Located
from procore_nb.plotting._figures import format_value, root_figure
from procore_nb.plotting._stages import require_columns

__all__ = [
    "NOTE",
    "aspect",
    "draw_base",
    "draw_points",
    "label_states",
    "legends",
    "size_values",
    "sizes",
]

FloatArray = npt.NDArray[np.float64]

_WATER = "#dfe9f1"
_LAND = "#fbfaf7"
_FOREIGN_LAND = "#ecebe6"
_STATE_EDGE = "#b9b9b9"
_NATION_EDGE = "#6d6d6d"
_COUNTRY_EDGE = "#9d9d9d"
_FRAME_EDGE = "#8a8a8a"
#: The colour of notes and inset labels.
NOTE = "#4d4d4d"


def drawing_order(
    order: Sequence[str], counts: Mapping[str, int], severity: Sequence[str] = ()
) -> list[str]:
    """The groups in the order they are drawn, the last on top.

    With ``severity`` (values worst first, such as health bands) the worst is drawn last,
    on top, whatever its size, and values it does not list go under all of them; without
    it big groups go first, so that a small stage is never buried under a large one.

    Examples
    --------
    >>> drawing_order(["Healthy", "Watch", "At risk"], {"Healthy": 9, "Watch": 5, "At risk": 1},
    ...               severity=["At risk", "Watch", "Healthy"])
    ['Healthy', 'Watch', 'At risk']
    """
    if severity:
        rank = {value: i for i, value in enumerate(severity)}
        return sorted(order, key=lambda s: -rank.get(s, len(rank)))
    return sorted(order, key=lambda s: -counts[s])


def draw_points(
    ax: Axes,
    located: Located,
    colours: dict[str, str],
    sizes: FloatArray,
    *,
    severity: Sequence[str] = (),
) -> dict[str, int]:
    """One scatter per stage (label and gid name the stage); return the counts drawn.

    ``severity`` decides which group is on top (see :func:`drawing_order`).
    """
    counts = {stage: located.count(stage) for stage in located.order}
    style = _point_style(located.shown)
    for rank, stage in enumerate(drawing_order(located.order, counts, severity)):
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
                # a project at the map's edge is drawn whole, over the frame, not cut in half
                clip_on=False,
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


def sizes(
    projects: pd.DataFrame, located: Located, size_by: str | None
) -> tuple[FloatArray, list[tuple[str, float]]]:
    """Marker areas, and ``(label, area)`` for the size legend's reference values."""
    base = _base_size(located.shown)
    if size_by is None:
        return np.full(located.shown, base), []
    values = size_values(projects, size_by)[located.index]
    positive = values[np.isfinite(values) & (values > 0)]
    if len(positive) == 0:
        return np.full(located.shown, base), []
    top, largest, floor = float(positive.max()), base * 8.0, base * 0.8
    # proportional symbols: marker area proportional to value, with a floor to stay visible
    areas = np.maximum(largest * np.clip(np.nan_to_num(values, nan=0.0), 0.0, None) / top, floor)
    legend = []
    for fraction in (1.0, 0.25, 0.05):
        value = _round_nicely(top * fraction)
        legend.append((format_value(value), max(largest * value / top, floor)))
    return areas, legend


def size_values(projects: pd.DataFrame, size_by: str) -> FloatArray:
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


def aspect(ax: Axes) -> float:
    """Width over height of the axes' box on the page."""
    box = ax.get_position()
    width, height = root_figure(ax).get_size_inches()
    return float(box.width * width) / max(float(box.height * height), 1e-9)


def draw_base(ax: Axes, located: Located) -> None:
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
                color=NOTE,
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


def label_states(ax: Axes, located: Located) -> None:
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


def legends(
    main: Axes,
    plotted: dict[str, int],
    colours: dict[str, str],
    *,
    sizes_legend: list[tuple[str, float]],
    title: str = "Stage (on the map)",
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
            title=title,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            frameon=False,
            fontsize=9,
            title_fontsize=9,
            alignment="left",
        )
        if sizes_legend:  # a second legend replaces the first unless the first is kept
            main.add_artist(legend)
            # add_artist clips to the axes, and bbox_inches="tight" would then cut the
            # legend (it sits outside the axes, on the right)
            legend.set_clip_on(False)
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
