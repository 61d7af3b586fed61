"""The vendored U.S. state and world country outlines the maps draw.

``data/boundaries.json.gz`` is built by ``scripts/build_boundaries.py`` from the Census
Bureau's cartographic boundary files (via the ``us-atlas`` npm package) and Natural Earth
1:110m countries (via ``world-atlas``), both public domain; ``data/SOURCES.md`` records
versions and digests. Nothing is downloaded at run time.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

__all__ = ["Outline", "as_geojson", "countries", "nation", "sources", "states"]

Layer = Literal["states", "nation", "countries"]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: it holds arrays
class Outline:
    """One state or country: its rings as ``(n, 2)`` arrays of longitude, latitude.

    ``code`` is the USPS code for states (``"CA"``) and the ISO 3166 numeric code for
    countries (``"840"``; empty for the few Natural Earth units without one).
    """

    code: str
    name: str
    rings: tuple[FloatArray, ...]

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(west, south, east, north)`` in degrees."""
        stacked = np.concatenate(self.rings)
        west, south = stacked.min(axis=0)
        east, north = stacked.max(axis=0)
        return float(west), float(south), float(east), float(north)


@cache
def _document() -> dict[str, Any]:
    raw = resources.files("procore_nb").joinpath("data/boundaries.json.gz").read_bytes()
    document: dict[str, Any] = json.loads(gzip.decompress(raw))
    return document


def _decode(flat: list[int], precision: int) -> FloatArray:
    # rings are stored as a start point then deltas, in 1/precision degree
    ring = np.cumsum(np.asarray(flat, dtype=np.int64).reshape(-1, 2), axis=0)
    return ring.astype(np.float64) / precision


@cache
def _layer(layer: Layer) -> tuple[Outline, ...]:
    document = _document()
    precision = int(document["precision"])
    return tuple(
        Outline(
            code=str(feature.get("usps") or feature.get("id") or ""),
            name=str(feature["name"]),
            rings=tuple(_decode(ring, precision) for ring in feature["rings"]),
        )
        for feature in document[layer]
    )


def states() -> tuple[Outline, ...]:
    """The U.S. states, D.C. and territories (Census cartographic boundaries, 2017)."""
    return _layer("states")


def nation() -> Outline:
    """The United States as one outline (the merged states): coasts and borders at 1:10m."""
    return _layer("nation")[0]


def countries() -> tuple[Outline, ...]:
    """The world's countries (Natural Earth 1:110m admin-0)."""
    return _layer("countries")


def sources() -> list[dict[str, str]]:
    """Where the outlines come from: package, version, file, licences and sha256."""
    keys = ("package", "version", "file", "file_sha256", "data", "data_licence")
    return [{key: str(source[key]) for key in keys} for source in _document()["sources"]]


def as_geojson(layer: Layer) -> dict[str, Any]:
    """A GeoJSON ``FeatureCollection`` of one layer (for ipyleaflet's ``GeoJSON``)."""
    features = []
    for outline in _layer(layer):
        # GeoJSON rings repeat their first point at the end
        rings = [np.vstack([ring, ring[:1]]).round(2).tolist() for ring in outline.rings]
        features.append(
            {
                "type": "Feature",
                "id": outline.code,
                "properties": {"name": outline.name, "code": outline.code},
                "geometry": {"type": "MultiPolygon", "coordinates": [[ring] for ring in rings]},
            }
        )
    return {"type": "FeatureCollection", "features": features}
