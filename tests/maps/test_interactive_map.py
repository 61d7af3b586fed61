"""The interactive ipyleaflet map: the layers, controls and texts it builds."""

from __future__ import annotations

import io

import ipyleaflet
import numpy as np
import pandas as pd
import pytest
from mapdata import WORLD_CITIES, make_projects

from procore_nb import maps
from procore_nb._constants import UNATTENDED_VARIABLE


def _stage_layers(m: ipyleaflet.Map) -> list[ipyleaflet.GeoJSON]:
    return [layer for layer in m.layers if not layer.base]


def test_offline_map_uses_vendored_outlines_and_no_tiles(projects: pd.DataFrame) -> None:
    """tiles=False: the base layer is the outlines as GeoJSON and no tile layer exists."""
    m = maps.interactive_map(projects, tiles=False)
    assert not any(isinstance(layer, ipyleaflet.TileLayer) for layer in m.layers)
    base = [layer for layer in m.layers if layer.base]
    assert len(base) == 1
    assert isinstance(base[0], ipyleaflet.GeoJSON)
    names = {f["properties"]["name"] for f in base[0].data["features"]}
    assert {"Texas", "Alaska", "Canada", "Mexico", "France"} <= names
    assert "United States of America" not in names  # the states draw the U.S. instead


def test_online_map_has_a_tile_base_layer(projects: pd.DataFrame) -> None:
    """tiles=True: a tile layer is the base, under the stage layers."""
    m = maps.interactive_map(projects, tiles=True)
    assert isinstance(m.layers[0], ipyleaflet.TileLayer)
    assert m.layers[0].base


def test_one_layer_per_stage_with_every_project(projects: pd.DataFrame) -> None:
    """Each stage is a GeoJSON layer named with its count, holding its projects' points."""
    m = maps.interactive_map(projects, tiles=False)
    counts = projects["project_stage.name"].value_counts()
    layers = _stage_layers(m)
    assert [layer.name for layer in layers] == [
        f"{stage} ({counts[stage]:,})"
        for stage in (
            "Bidding",
            "Pre-Construction",
            "Course of Construction",
            "Post-Construction",
            "Warranty",
            "Completed",
        )
        if stage in counts
    ]
    assert sum(len(layer.data["features"]) for layer in layers) == len(projects)
    first = layers[0].data["features"][0]
    assert first["geometry"]["type"] == "Point"
    row = projects[projects["name"] == first["properties"]["name"]].iloc[0]
    assert first["geometry"]["coordinates"] == [row["longitude"], row["latitude"]]
    assert first["properties"]["project_number"] == row["project_number"]
    assert first["properties"]["city"] == row["city"]
    assert first["properties"]["stage"] == row["project_stage.name"]
    assert layers[0].point_style["radius"] > 0
    fills = [layer.data["features"][0]["properties"]["style"]["fillColor"] for layer in layers]
    assert len(set(fills)) == len(fills)  # a colour per stage


def test_legend_and_controls(projects: pd.DataFrame) -> None:
    """The map has a legend of stages with counts, a layers switch, an info box and a scale."""
    m = maps.interactive_map(projects, tiles=False)
    kinds = {type(c).__name__ for c in m.controls}
    assert {"LegendControl", "LayersControl", "WidgetControl", "ScaleControl"} <= kinds
    legend = next(c for c in m.controls if isinstance(c, ipyleaflet.LegendControl))
    assert list(legend.legend) == [layer.name for layer in _stage_layers(m)]


def test_hover_and_click_show_escaped_project_details(projects: pd.DataFrame) -> None:
    """Hovering fills the info box and clicking the popup, with HTML escaped."""
    m = maps.interactive_map(projects, tiles=False)
    layer = _stage_layers(m)[0]
    info = next(c for c in m.controls if isinstance(c, ipyleaflet.WidgetControl)).widget
    properties = {
        "name": "<script>x</script> & Co",
        "project_number": "A-1",
        "stage": "Bidding",
        "city": "Austin",
    }
    layer._hover_callbacks(event="mouseover", properties=properties)
    assert "&lt;script&gt;x&lt;/script&gt; &amp; Co" in info.value
    assert "<script>" not in info.value
    assert "A-1" in info.value
    assert "Austin" in info.value
    layer._click_callbacks(event="click", properties=properties)
    assert layer.popup.value == info.value


def test_projects_without_coordinates_are_noted_and_not_drawn() -> None:
    """No coordinates: no stage layers, and the info box says why nothing is drawn."""
    projects = make_projects(4)
    projects.loc[:, ["latitude", "longitude"]] = np.nan
    m = maps.interactive_map(projects, tiles=False)
    assert _stage_layers(m) == []
    info = next(c for c in m.controls if isinstance(c, ipyleaflet.WidgetControl)).widget
    assert "0 of 4 projects on the map. Left off: 4 without coordinates." in info.value
    assert m.center == [39.5, -98.35]


def test_view_fits_the_projects() -> None:
    """The map centres on the projects: Europe for European projects, zoomed in."""
    m = maps.interactive_map(make_projects(20, cities=WORLD_CITIES), tiles=False)
    lat, lon = m.center
    assert 40 < lat < 56
    assert -10 < lon < 15
    assert m.zoom >= 3


def test_display_without_widgets_says_what_the_map_holds(projects: pd.DataFrame) -> None:
    """Where widgets cannot be drawn, the map displays as a line of HTML, not its repr."""
    bundle = maps.interactive_map(projects, tiles=False)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"] == (
        "<p><i>An interactive map of the projects. All 200 projects are on the map. "
        "Run the notebook to explore it.</i></p>"
    )
    assert "image/png" not in bundle


def test_unattended_display_carries_a_picture(
    projects: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In an unattended run the display holds a PNG of the same projects for the report."""
    monkeypatch.setenv(UNATTENDED_VARIABLE, "1")
    bundle = maps.interactive_map(projects, tiles=False)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "text/html" not in bundle  # HTML would win over the picture in a report
    from matplotlib import image

    picture = image.imread(io.BytesIO(bundle["image/png"]), format="png")
    assert picture.shape[1] > 800
    assert picture.reshape(-1, picture.shape[-1]).std(axis=0).max() > 0.05
