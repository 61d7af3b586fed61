"""Which projects can be put on a map, where, and why the others cannot.

Both maps start here: coordinates are checked (missing, at (0, 0), out of range), the
view is chosen (U.S. with insets, or the world), and each drawable project gets a panel
and projected coordinates. What was left off, and why, becomes the map's footnote.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from procore_nb.maps import _mapframes as frames
from procore_nb.plotting._stages import Stages, require_columns, stage_order

__all__ = ["INSET_PLACES", "LEFT_OFF_LABELS", "Located", "locate"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
Box = tuple[float, float, float, float]

#: Reason -> how the footnote says it.
LEFT_OFF_LABELS = {
    "missing": "without coordinates",
    "zero": "at (0, 0)",
    "range": "with latitude or longitude out of range",
    "outside": "outside the U.S. map (view='world' shows them)",
}

#: The U.S. view is chosen when at least this share of located projects is in the U.S. ...
_US_SHARE = 0.5
#: ... and at least this share fits the U.S. panels (the rest are left off with a note).
_FRAMED_SHARE = 0.9
#: Projects spanning at most this share of the contiguous U.S. get a regional map.
_REGION_SHARE = 0.35
#: The narrowest regional and world maps, in metres.
_REGION_MIN_WIDTH = 600_000.0
_WORLD_MIN_WIDTH = 1_500_000.0
#: At most this many points decide the view.
_SAMPLE = 2000

#: Where each inset sits, in fractions of the main panel (left, bottom, width, height).
INSET_PLACES: dict[str, Box] = {
    "alaska": (0.005, 0.01, 0.25, 0.29),
    "hawaii": (0.262, 0.01, 0.14, 0.13),
    "puerto_rico": (0.83, 0.01, 0.13, 0.10),
}


@dataclass(frozen=True)
class Located:
    """The projects a map can draw, and where.

    ``reasons`` holds, for every input row, ``""`` or why it is not drawn (a key of
    :data:`LEFT_OFF_LABELS`). ``index`` holds the row positions of the drawn projects; ``lon``,
    ``lat``, ``stage_of`` and ``frame_of`` describe those rows in order, and ``x``, ``y``
    are where they go in the main panel's coordinates (inset points already moved into
    their inset's box). ``insets`` maps each drawn inset to its box ``(x0, x1, y0, y1)``
    and ``placements`` each panel to the ``(scale, dx, dy)`` taking its projected metres to
    the main panel's coordinates.
    """

    total: int
    view: Literal["us", "region", "world"]
    order: list[str]
    index: IntArray
    lon: FloatArray
    lat: FloatArray
    x: FloatArray
    y: FloatArray
    stage_of: npt.NDArray[np.object_]
    frame_of: npt.NDArray[np.object_]
    left_off: dict[str, int]
    reasons: npt.NDArray[np.object_]
    extent: frames.Extent
    insets: dict[str, frames.Extent]
    placements: dict[str, tuple[float, float, float]]

    @property
    def shown(self) -> int:
        """How many projects are drawn."""
        return len(self.index)

    @property
    def frame_list(self) -> list[frames.Frame]:
        """The panels drawn, main panel first."""
        if self.view == "world":
            return [frames.WORLD]
        if self.view == "region":
            return [frames.CONUS]
        return [f for f in frames.US_FRAMES if f.key == "conus" or f.key in self.insets]

    def count(self, stage: str) -> int:
        """How many drawn projects are in ``stage``."""
        return int(np.count_nonzero(self.stage_of == stage))

    def note(self) -> str:
        """The footnote: how many projects are on the map, and why the others are not."""
        if self.total == 0:
            return "No projects to show."
        if not self.left_off:
            if self.total == 1:
                return "The 1 project is on the map."
            return f"All {self.total:,} projects are on the map."
        reasons = ", ".join(
            f"{count:,} {LEFT_OFF_LABELS[reason]}" for reason, count in self.left_off.items()
        )
        return f"{self.shown:,} of {self.total:,} projects on the map. Left off: {reasons}."


def _coordinates(projects: pd.DataFrame) -> tuple[FloatArray, FloatArray]:
    def column(name: str) -> FloatArray:
        numbers = pd.to_numeric(projects[name], errors="coerce")
        return numbers.to_numpy(dtype=np.float64, na_value=np.nan)

    return column("longitude"), column("latitude")


def _reasons(lon: FloatArray, lat: FloatArray) -> npt.NDArray[np.object_]:
    """Per row: ``""`` when drawable, else the reason it is not."""
    reason = np.full(len(lon), "", dtype=object)
    missing = np.isnan(lon) | np.isnan(lat)
    with np.errstate(invalid="ignore"):
        out_of_range = ~missing & ~((np.abs(lat) <= 90) & (np.abs(lon) <= 180))
    zero = (lon == 0) & (lat == 0)
    reason[out_of_range] = "range"
    reason[zero] = "zero"
    reason[missing] = "missing"
    return reason


def _choose_view(lon: FloatArray, lat: FloatArray) -> Literal["us", "world"]:
    if len(lon) == 0:
        return "us"  # nothing to fit: Procore's home market is the least surprising map
    if len(lon) > _SAMPLE:
        # shares are all the choice needs: an even sample decides as well as every point
        pick = np.linspace(0, len(lon) - 1, _SAMPLE).astype(np.intp)
        lon, lat = lon[pick], lat[pick]
    framed, _, _ = frames.assign_us_frames(lon, lat)
    if (framed >= 0).mean() < _FRAMED_SHARE:
        return "world"
    return "us" if frames.in_us(lon, lat).mean() >= _US_SHARE else "world"


def _regional(lon: FloatArray, lat: FloatArray) -> bool:
    """Whether the projects sit in one part of the contiguous U.S. (a state or two)."""
    if len(lon) == 0:
        return False
    which, x, y = frames.assign_us_frames(lon, lat)
    if (which != 0).any():
        return False  # Alaska, Hawaii or abroad: the national map with insets shows them
    x0, x1, y0, y1 = frames.frame_extent(frames.CONUS)
    return bool(np.ptp(x) <= _REGION_SHARE * (x1 - x0) and np.ptp(y) <= _REGION_SHARE * (y1 - y0))


def _region_extent(
    lon: FloatArray, lat: FloatArray, x: FloatArray, y: FloatArray, *, aspect: float
) -> frames.Extent:
    """The states the projects are in, whole, with the projects: a state map, not a dot."""
    boxes = [frames.state_extent(frames.CONUS, code) for code in _states_of(lon, lat)]
    xs = np.concatenate([x, [b[0] for b in boxes], [b[1] for b in boxes]])
    ys = np.concatenate([y, [b[2] for b in boxes], [b[3] for b in boxes]])
    return frames.fit_extent(xs, ys, aspect=aspect, min_width=_REGION_MIN_WIDTH)


def _states_of(lon: FloatArray, lat: FloatArray) -> list[str]:
    if len(lon) > _SAMPLE:
        pick = np.linspace(0, len(lon) - 1, _SAMPLE).astype(np.intp)
        lon, lat = lon[pick], lat[pick]
    return frames.states_containing(lon, lat)


def _inset_box(main: frames.Extent, fraction: Box, inner: frames.Extent) -> frames.Extent:
    """The box an inset takes in the main panel, anchored at its lower-left corner."""
    x0, x1, y0, y1 = main
    left, bottom, width, height = fraction
    scale = min(
        width * (x1 - x0) / (inner[1] - inner[0]), height * (y1 - y0) / (inner[3] - inner[2])
    )
    bx0, by0 = x0 + left * (x1 - x0), y0 + bottom * (y1 - y0)
    return bx0, bx0 + scale * (inner[1] - inner[0]), by0, by0 + scale * (inner[3] - inner[2])


def _place_us(
    lon: FloatArray, lat: FloatArray
) -> tuple[
    npt.NDArray[np.object_],
    FloatArray,
    FloatArray,
    dict[str, frames.Extent],
    dict[str, tuple[float, float, float]],
]:
    which, x, y = frames.assign_us_frames(lon, lat)
    keys = np.array([f.key for f in frames.US_FRAMES] + [""], dtype=object)[which]
    main = frames.frame_extent(frames.CONUS)
    insets: dict[str, frames.Extent] = {}
    placements = {"conus": (1.0, 0.0, 0.0)}
    for i, frame in enumerate(frames.US_FRAMES[1:], start=1):
        if not frame.always and not (which == i).any():
            continue
        inner = frames.frame_extent(frame)
        box = _inset_box(main, INSET_PLACES[frame.key], inner)
        scale = (box[1] - box[0]) / (inner[1] - inner[0])
        dx, dy = box[0] - inner[0] * scale, box[2] - inner[2] * scale
        insets[frame.key], placements[frame.key] = box, (scale, dx, dy)
        chosen = which == i
        x[chosen], y[chosen] = x[chosen] * scale + dx, y[chosen] * scale + dy
    # a contiguous-U.S. point under an inset (Baja California, say) would be hidden by it
    for bx0, bx1, by0, by1 in insets.values():
        under = (which == 0) & (x >= bx0) & (x <= bx1) & (y >= by0) & (y <= by1)
        keys[under] = ""
    return keys, x, y, insets, placements


def locate(
    projects: pd.DataFrame,
    *,
    stages: Stages,
    purpose: str,
    view: Literal["auto", "us", "region", "world"],
    aspect: float = 1.5,
) -> Located:
    """Check coordinates, choose the view and place each drawable project.

    ``aspect`` is the main panel's width over height, to which a world extent is fitted.
    """
    require_columns(projects, ("latitude", "longitude"), purpose=purpose)
    stage_all, order = stage_order(projects, stages=stages, purpose=purpose)
    lon, lat = _coordinates(projects)
    reason = _reasons(lon, lat)
    ok = np.flatnonzero(reason == "")
    chosen = _choose_view(lon[ok], lat[ok]) if view == "auto" else view
    if chosen == "us" and view == "auto" and _regional(lon[ok], lat[ok]):
        chosen = "region"
    insets: dict[str, frames.Extent] = {}
    if chosen == "us":
        keys, x, y, insets, placements = _place_us(lon[ok], lat[ok])
        reason[ok[keys == ""]] = "outside"
        keep = keys != ""
        ok, keys, x, y = ok[keep], keys[keep], x[keep], y[keep]
        extent = frames.frame_extent(frames.CONUS)
    else:
        frame = frames.CONUS if chosen == "region" else frames.WORLD
        x, y = frames.project(frame, lon[ok], lat[ok])
        keys = np.full(len(ok), frame.key, dtype=object)
        if chosen == "region":
            extent = _region_extent(lon[ok], lat[ok], x, y, aspect=aspect)
        else:
            extent = frames.fit_extent(
                x, y, aspect=aspect, min_width=_WORLD_MIN_WIDTH, limits=frames.WORLD_LIMITS
            )
        placements = {frame.key: (1.0, 0.0, 0.0)}
    reasons, counts = np.unique(reason[reason != ""], return_counts=True)
    found = dict(zip(reasons.tolist(), counts.tolist(), strict=True))
    return Located(
        total=len(projects),
        view=chosen,
        order=order,
        index=ok,
        lon=lon[ok],
        lat=lat[ok],
        x=x,
        y=y,
        stage_of=stage_all.to_numpy(dtype=object, na_value="")[ok],
        frame_of=keys,
        left_off={key: int(found[key]) for key in LEFT_OFF_LABELS if key in found},
        reasons=reason,
        extent=extent,
        insets=insets,
        placements=placements,
    )
