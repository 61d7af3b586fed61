"""The vendored outlines: small, sourced, decoded right, and placed right on the map."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from matplotlib.path import Path as MplPath

from procore_nb.maps import _boundaries, _mapframes

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "procore_nb" / "data"


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_boundaries", ROOT / "scripts" / "build_boundaries.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_vendored_file_is_small_and_its_sources_are_recorded() -> None:
    """At most 100 KiB compressed, with packages, versions, licences and digests recorded."""
    assert (DATA / "boundaries.json.gz").stat().st_size <= 100 * 1024
    sources = {s["package"]: s for s in _boundaries.sources()}
    assert set(sources) == {"us-atlas", "world-atlas"}
    assert sources["us-atlas"]["file"] == "states-10m.json"
    assert sources["world-atlas"]["file"] == "countries-110m.json"
    assert all(len(s["file_sha256"]) == 64 for s in sources.values())
    assert all("public domain" in s["data_licence"] for s in sources.values())
    text = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    for source in sources.values():
        assert source["version"] in text
        assert source["file_sha256"] in text


def test_states_and_countries_are_complete() -> None:
    """All 50 states, D.C. and Puerto Rico by USPS code; countries of every continent."""
    codes = {s.code for s in _boundaries.states()}
    assert len(codes - {"AS", "GU", "MP", "VI"}) == 52
    assert {"AK", "HI", "DC", "PR", "TX"} <= codes
    names = {c.name for c in _boundaries.countries()}
    assert {"Canada", "Mexico", "France", "Australia", "Brazil", "China", "Nigeria"} <= names
    assert _boundaries.nation().code == "840"


@pytest.mark.parametrize(
    ("code", "lon", "lat"),
    [
        ("CO", -104.99, 39.74),
        ("TX", -97.74, 30.27),
        ("AK", -149.9, 61.22),
        ("HI", -157.86, 21.31),
        ("ME", -69.78, 44.31),
        ("FL", -81.38, 28.54),
        ("WA", -122.33, 47.61),
    ],
)
def test_cities_fall_inside_their_state(code: str, lon: float, lat: float) -> None:
    """Decoded outlines put state capitals and big cities inside the right state."""
    containing = {
        s.code
        for s in _boundaries.states()
        if any(MplPath(ring).contains_point((lon, lat)) for ring in s.rings)
    }
    assert containing == {code}


def test_in_us_separates_us_from_neighbours() -> None:
    """U.S. cities (also on the coast) are in the U.S.; Toronto, Vancouver and Tijuana are not."""
    lon = np.array([-122.42, -74.01, -80.13, -79.38, -123.12, -117.02, 2.35])
    lat = np.array([37.77, 40.71, 25.79, 43.65, 49.28, 32.53, 48.86])
    assert _mapframes.in_us(lon, lat).tolist() == [True, True, True, False, False, False, False]


def test_geojson_rings_are_closed_lon_lat() -> None:
    """The GeoJSON for ipyleaflet has closed rings of (lon, lat) in range."""
    collection = _boundaries.as_geojson("states")
    texas = next(f for f in collection["features"] if f["id"] == "TX")
    ring = texas["geometry"]["coordinates"][0][0]
    assert ring[0] == ring[-1]
    assert all(-107 < lon < -93 and 25 < lat < 37 for lon, lat in ring)


def test_build_script_decoding_round_trips() -> None:
    """The build script's decoding, simplification and encoding agree with the loader."""
    build = _build_script()
    topology = {
        "transform": {"scale": [0.01, 0.01], "translate": [-100.0, 30.0]},
        "arcs": [[[0, 0], [100, 0], [0, 100], [-100, 0], [0, -100]]],
    }
    (arc,) = build._decode_arcs(topology)
    assert arc == [(-100.0, 30.0), (-99.0, 30.0), (-99.0, 31.0), (-100.0, 31.0), (-100.0, 30.0)]
    straight = [(0.0, 0.0), (1.0, 0.001), (2.0, 0.0)]
    assert build._simplify(straight, 0.01) == [(0.0, 0.0), (2.0, 0.0)]
    ring = build._quantise(arc)[:-1]
    decoded = _boundaries._decode(build._delta(ring), build.PRECISION)
    assert decoded.tolist() == [[-100.0, 30.0], [-99.0, 30.0], [-99.0, 31.0], [-100.0, 31.0]]


def test_importing_the_package_loads_no_map_modules() -> None:
    """`import procore_nb` loads no map module, nor matplotlib, pyproj or ipyleaflet."""
    code = (
        "import sys, procore_nb\n"
        "heavy = ['procore_nb.maps', 'procore_nb.reports.summaries', 'procore_nb.reports.export',\n"
        "         'procore_nb.maps._boundaries', 'matplotlib', 'pyproj', 'ipyleaflet']\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == ""
