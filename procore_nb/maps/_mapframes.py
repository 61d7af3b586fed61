"""Where projects land on the static map: projections, frames and projected outlines.

A *frame* is one map panel with its own projection: the contiguous U.S. in an Albers
equal-area conic (EPSG:5070's parameters), Alaska (EPSG:3338), Hawaii (ESRI:102007) and
Puerto Rico as insets, or the world in Equal Earth (EPSG:8857) with an extent fitted to
the points. This module only computes (no drawing), so that it can be tested on numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
from matplotlib.path import Path
from matplotlib.transforms import Bbox
from pyproj import Transformer

from procore_nb.maps import _boundaries

__all__ = [
    "CONUS",
    "US_FRAMES",
    "WORLD",
    "WORLD_LIMITS",
    "Frame",
    "assign_us_frames",
    "fit_extent",
    "in_us",
    "outlines",
    "project",
    "state_extent",
    "state_labels",
    "states_containing",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]
Extent = tuple[float, float, float, float]  # x0, x1, y0, y1 in projected metres
Box = tuple[float, float, float, float]  # west, south, east, north in degrees

_GRS80 = "+ellps=GRS80 +towgs84=0,0,0 +units=m +no_defs"


@dataclass(frozen=True)
class Frame:
    """One map panel: a projection, the points it takes and the outlines it frames.

    ``box`` selects the points for an inset (``west > east`` crosses the antimeridian);
    the main frame takes every point no inset took. ``states`` are the USPS codes whose
    outlines set the extent, and ``windows`` the lon/lat boxes outlines are clipped to
    before projecting (so far-away shapes never wrap across a conic projection).
    """

    key: str
    label: str
    crs: str
    crs_name: str
    states: tuple[str, ...]
    windows: tuple[Box, ...]
    box: Box | None = None
    always: bool = True


_INSET_STATES = ("AK", "HI", "PR", "VI", "GU", "AS", "MP")

CONUS = Frame(
    key="conus",
    label="Contiguous U.S.",
    crs=f"+proj=aea +lat_0=23 +lon_0=-96 +lat_1=29.5 +lat_2=45.5 {_GRS80}",
    crs_name="Albers equal-area conic (EPSG:5070)",
    states=(),  # every state that is not in an inset
    windows=((-140.0, 5.0, -45.0, 62.0),),
)
ALASKA = Frame(
    key="alaska",
    label="Alaska",
    crs=f"+proj=aea +lat_0=50 +lon_0=-154 +lat_1=55 +lat_2=65 {_GRS80}",
    crs_name="Alaska Albers (EPSG:3338)",
    states=("AK",),
    windows=((160.0, 45.0, 180.0, 75.0), (-180.0, 45.0, -120.0, 75.0)),
    box=(170.0, 51.0, -129.5, 72.0),
)
HAWAII = Frame(
    key="hawaii",
    label="Hawaii",
    crs=f"+proj=aea +lat_0=3 +lon_0=-157 +lat_1=8 +lat_2=18 {_GRS80}",
    crs_name="Hawaii Albers (ESRI:102007)",
    states=("HI",),
    windows=((-162.5, 17.0, -153.0, 24.0),),
    box=(-161.0, 18.5, -154.5, 22.6),
)
PUERTO_RICO = Frame(
    key="puerto_rico",
    label="Puerto Rico & U.S.V.I.",
    crs=f"+proj=aea +lat_0=17 +lon_0=-66 +lat_1=17.5 +lat_2=19 {_GRS80}",
    crs_name="Albers equal-area conic",
    states=("PR", "VI"),
    windows=((-68.5, 16.5, -63.5, 19.5),),
    box=(-67.6, 17.5, -64.4, 18.9),
    always=False,  # drawn only when a project is there
)
#: The main frame first, then the insets.
US_FRAMES = (CONUS, ALASKA, HAWAII, PUERTO_RICO)

WORLD = Frame(
    key="world",
    label="World",
    crs="+proj=eqearth +lon_0=0 +ellps=WGS84 +units=m +no_defs",
    crs_name="Equal Earth (EPSG:8857)",
    states=(),
    windows=((-180.0, -90.0, 180.0, 90.0),),
)

#: The whole Equal Earth world in metres, for bounding fitted extents.
WORLD_LIMITS: Extent = (-17_243_959.0, 17_243_959.0, -8_392_928.0, 8_392_928.0)


@cache
def _transformer(crs: str) -> Transformer:
    return Transformer.from_crs("+proj=longlat +datum=WGS84 +no_defs", crs, always_xy=True)


def project(frame: Frame, lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Longitudes and latitudes in degrees to ``frame``'s projected metres."""
    x, y = _transformer(frame.crs).transform(lon, lat)
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def _in_box(lon: FloatArray, lat: FloatArray, box: Box) -> BoolArray:
    west, south, east, north = box
    in_lat = (lat >= south) & (lat <= north)
    if west <= east:
        return in_lat & (lon >= west) & (lon <= east)
    return in_lat & ((lon >= west) | (lon <= east))


def _intersects(bounds: Box, window: Box) -> bool:
    return not (
        bounds[2] < window[0]
        or bounds[0] > window[2]
        or bounds[3] < window[1]
        or bounds[1] > window[3]
    )


def _ring_bounds(ring: FloatArray) -> Box:
    low, high = ring.min(axis=0), ring.max(axis=0)
    return float(low[0]), float(low[1]), float(high[0]), float(high[1])


def _clipped(rings: tuple[FloatArray, ...], windows: tuple[Box, ...]) -> list[FloatArray]:
    out: list[FloatArray] = []
    for ring in rings:
        bounds = _ring_bounds(ring)
        for window in windows:
            if not _intersects(bounds, window):
                continue
            inside = (
                bounds[0] >= window[0]
                and bounds[1] >= window[1]
                and bounds[2] <= window[2]
                and bounds[3] <= window[3]
            )
            if inside:
                out.append(ring)
                continue
            path = Path(np.vstack([ring, ring[:1]]), closed=True)
            box = Bbox([[window[0], window[1]], [window[2], window[3]]])
            pieces = path.clip_to_bbox(box).to_polygons(closed_only=False)
            arrays = (np.asarray(piece, dtype=np.float64) for piece in pieces)
            out += [piece for piece in arrays if piece.size]
    return out


@cache
def outlines(frame: Frame, layer: str) -> tuple[FloatArray, ...]:
    """``layer``'s rings in ``frame``'s projection, clipped to the frame's windows.

    ``layer`` is ``"states"``, ``"nation"`` or ``"countries"`` (without the United States,
    which ``"nation"`` draws at a finer scale). Results are cached per frame.
    """
    if layer == "states":
        shapes = _boundaries.states()
    elif layer == "nation":
        shapes = (_boundaries.nation(),)
    else:
        shapes = tuple(c for c in _boundaries.countries() if c.code != "840")
    rings = [ring for shape in shapes for ring in _clipped(shape.rings, frame.windows)]
    if not rings:
        return ()
    stacked = np.concatenate(rings)
    x, y = project(frame, stacked[:, 0], stacked[:, 1])
    xy = np.column_stack([x, y])
    finite = np.isfinite(xy).all(axis=1)
    xy[~finite] = np.nan
    splits = np.cumsum([len(ring) for ring in rings])[:-1]
    return tuple(part for part in np.split(xy, splits) if np.isfinite(part).all())


@cache
def frame_extent(frame: Frame) -> Extent:
    """The projected extent of ``frame``'s states, padded (the main frame: room for insets)."""
    codes = frame.states or tuple(
        s.code for s in _boundaries.states() if s.code not in _INSET_STATES
    )
    rings = [ring for s in _boundaries.states() if s.code in codes for ring in s.rings]
    stacked = np.concatenate(rings)
    x, y = project(frame, stacked[:, 0], stacked[:, 1])
    x0, x1, y0, y1 = float(x.min()), float(x.max()), float(y.min()), float(y.max())
    pad_x, pad_y = 0.03 * (x1 - x0), 0.03 * (y1 - y0)
    if frame is CONUS:
        # the insets sit in the lower left, over the Pacific and Mexico: make room below
        return x0 - pad_x, x1 + pad_x, y0 - 0.16 * (y1 - y0), y1 + pad_y
    return x0 - pad_x, x1 + pad_x, y0 - pad_y, y1 + pad_y


def _inside(extent: Extent, x: FloatArray, y: FloatArray) -> BoolArray:
    x0, x1, y0, y1 = extent
    return (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)


def assign_us_frames(lon: FloatArray, lat: FloatArray) -> tuple[IntArray, FloatArray, FloatArray]:
    """Put each point in a U.S. frame: ``(index into US_FRAMES or -1, x, y)``.

    Points in an inset's box go to that inset, the rest to the contiguous U.S.; a point
    outside its frame's extent (Europe, Mexico City, Guam) gets ``-1``.
    """
    which = np.zeros(len(lon), dtype=np.intp)
    for i, frame in enumerate(US_FRAMES[1:], start=1):
        assert frame.box is not None  # every inset has a box
        which[_in_box(lon, lat, frame.box) & (which == 0)] = i
    x = np.full(len(lon), np.nan)
    y = np.full(len(lon), np.nan)
    for i, frame in enumerate(US_FRAMES):
        chosen = which == i
        if chosen.any():
            x[chosen], y[chosen] = project(frame, lon[chosen], lat[chosen])
    for i, frame in enumerate(US_FRAMES):
        chosen = which == i
        which[chosen & ~_inside(frame_extent(frame), x, y)] = -1
    return which, x, y


def _contains(outline: _boundaries.Outline, lon: FloatArray, lat: FloatArray) -> BoolArray:
    hit = np.zeros(len(lon), dtype=np.bool_)
    for ring, (west, south, east, north) in zip(outline.rings, _bounds_of(outline), strict=True):
        # a cheap box test first: most points are nowhere near most rings
        candidates = np.flatnonzero(
            (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north) & ~hit
        )
        if len(candidates):
            points = np.column_stack([lon[candidates], lat[candidates]])
            hit[candidates] = Path(ring).contains_points(points)
    return hit


@cache
def _bounds_of(outline: _boundaries.Outline) -> tuple[Box, ...]:
    return tuple(_ring_bounds(ring) for ring in outline.rings)


def in_us(lon: FloatArray, lat: FloatArray) -> BoolArray:
    """Whether each point is in the United States (states, D.C. and territories).

    Points just off a simplified coast (a pier, an island too small to keep) count as in
    the U.S. when they fall in a U.S. frame and in no other country.
    """
    inside = np.zeros(len(lon), dtype=np.bool_)
    for state in _boundaries.states():  # states' rings are small: cheaper than the nation's
        inside |= _contains(state, lon, lat)
    rest = np.flatnonzero(~inside)
    if len(rest):
        near = _in_any_frame(lon[rest], lat[rest])
        foreign = np.zeros(len(rest), dtype=np.bool_)
        for country in _boundaries.countries():
            if country.code != "840":
                foreign |= _contains(country, lon[rest], lat[rest])
        inside[rest] = near & ~foreign
    return inside


def states_containing(lon: FloatArray, lat: FloatArray) -> list[str]:
    """USPS codes of the states holding at least one of the points.

    A point just off a simplified coast (in the bay, on a pier) counts for the states
    whose bounding box holds it.
    """
    codes: list[str] = []
    matched = np.zeros(len(lon), dtype=np.bool_)
    for state in _boundaries.states():
        inside = _contains(state, lon, lat)
        if inside.any():
            codes.append(state.code)
            matched |= inside
    if not matched.all():
        rest_lon, rest_lat = lon[~matched], lat[~matched]
        for state in _boundaries.states():
            west, south, east, north = state.bounds
            near = (rest_lon >= west) & (rest_lon <= east) & (rest_lat >= south)
            if state.code not in codes and (near & (rest_lat <= north)).any():
                codes.append(state.code)
    return codes


@cache
def state_extent(frame: Frame, code: str) -> Extent:
    """The projected bounding box of one state in ``frame``'s projection."""
    state = next(s for s in _boundaries.states() if s.code == code)
    stacked = np.concatenate(state.rings)
    x, y = project(frame, stacked[:, 0], stacked[:, 1])
    return float(x.min()), float(x.max()), float(y.min()), float(y.max())


@cache
def state_labels(frame: Frame) -> tuple[tuple[str, float, float], ...]:
    """``(USPS code, x, y)`` at the area centroid of each state's largest ring, projected."""
    labels = []
    for state in _boundaries.states():
        ring = max(state.rings, key=len)
        x, y = project(frame, ring[:, 0], ring[:, 1])
        x, y = x - x.mean(), y - y.mean()  # centred, for precision in the products below
        cross = x * np.roll(y, -1) - np.roll(x, -1) * y
        area = cross.sum() / 2
        cx = ((x + np.roll(x, -1)) * cross).sum() / (6 * area)
        cy = ((y + np.roll(y, -1)) * cross).sum() / (6 * area)
        mx, my = project(frame, ring[:, 0], ring[:, 1])
        labels.append((state.code, float(cx + mx.mean()), float(cy + my.mean())))
    return tuple(labels)


def _in_any_frame(lon: FloatArray, lat: FloatArray) -> BoolArray:
    which, _, _ = assign_us_frames(lon, lat)
    return which >= 0


def fit_extent(
    x: FloatArray, y: FloatArray, *, aspect: float, min_width: float, limits: Extent | None = None
) -> Extent:
    """An extent around projected points, at least ``min_width`` wide, shaped ``aspect`` (w/h).

    ``limits`` (the whole map) bounds the result; with no points the result is ``limits``.
    """
    if len(x) == 0:
        if limits is None:
            raise ValueError("fit_extent needs points or limits")
        return limits
    x0, x1, y0, y1 = float(x.min()), float(x.max()), float(y.min()), float(y.max())
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w = max((x1 - x0) * 0.56, min_width / 2)
    half_h = max((y1 - y0) * 0.56, min_width / 2 / aspect)
    # widen whichever side is short so the equal-aspect map fills the panel
    if half_w / half_h < aspect:
        half_w = half_h * aspect
    else:
        half_h = half_w / aspect
    if limits is not None:
        lx0, lx1, ly0, ly1 = limits
        half_w, half_h = min(half_w, (lx1 - lx0) / 2), min(half_h, (ly1 - ly0) / 2)
        cx = float(np.clip(cx, lx0 + half_w, lx1 - half_w))
        cy = float(np.clip(cy, ly0 + half_h, ly1 - half_h))
    return cx - half_w, cx + half_w, cy - half_h, cy + half_h
