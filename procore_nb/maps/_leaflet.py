"""The interactive map's layers and controls (ipyleaflet is imported only here).

Each stage is one ``GeoJSON`` layer of circle markers rather than one widget per project:
ten thousand ``CircleMarker`` widgets take seconds to build and swamp the browser, while a
GeoJSON layer is one widget whatever its size. Hover and click events carry the feature's
properties back to Python, which fills the info box and the popup.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any

import ipyleaflet
import ipywidgets
import pandas as pd

from procore_nb._constants import UNATTENDED_VARIABLE
from procore_nb.maps import _boundaries
from procore_nb.maps._located import Located
from procore_nb.maps._mapdraw import drawing_order
from procore_nb.plotting._stages import stage_colours

__all__ = ["ProjectsMap", "build_map", "project_html"]

#: Fields shown for a project, in order: (property, label).
_FIELDS = (("project_number", "Number"), ("stage", "Stage"), ("city", "City"))
#: The assumed size of the map in pixels, to choose a zoom that fits the projects.
_VIEWPORT = (900.0, 450.0)
_BASEMAP = "Esri.WorldGrayCanvas"


def project_html(properties: dict[str, Any]) -> str:
    """The info-box and popup text of one project, HTML-escaped."""
    name = html.escape(str(properties.get("name") or "(unnamed project)"))
    group = str(properties.get("group_label") or "Stage")
    fields = [(key, group if key == "stage" else label) for key, label in _FIELDS]
    fields += [(f"extra.{label}", label) for label in properties.get("extra_labels") or ()]
    rows = [
        f"<tr><td>{html.escape(label)}</td>"
        f"<td>{html.escape(str(properties.get(key) or '-'))}</td></tr>"
        for key, label in fields
    ]
    return f"<b>{name}</b><table>{''.join(rows)}</table>"


def _texts(rows: pd.DataFrame, column: str) -> list[str]:
    """A column as plain strings, ``""`` where missing or absent."""
    if column not in rows.columns:
        return [""] * len(rows)
    values = rows[column].astype("string")
    return [str(v) for v in values.fillna("").tolist()]


def _features(
    projects: pd.DataFrame,
    located: Located,
    stage: str,
    style: dict[str, Any],
    labels: tuple[str, Mapping[str, str]],
) -> dict[str, Any]:
    group, tooltip = labels
    chosen = located.stage_of == stage
    rows = projects.iloc[located.index[chosen]]
    keys = ("id", "name", "project_number", "city", "state_code")
    columns = [_texts(rows, key) for key in keys]
    extras = {label: _texts(rows, column) for column, label in tooltip.items()}
    features = []
    lons, lats = located.lon[chosen].tolist(), located.lat[chosen].tolist()
    for i, (lon, lat) in enumerate(zip(lons, lats, strict=True)):
        properties: dict[str, Any] = {
            key: column[i] for key, column in zip(keys, columns, strict=True)
        }
        properties["stage"] = stage
        properties["group_label"] = group
        properties["extra_labels"] = list(extras)
        for label, texts in extras.items():
            properties[f"extra.{label}"] = texts[i]
        properties["style"] = style  # per feature: see _outline_layer
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}


@cache
def _outline_data() -> dict[str, Any]:
    """Countries (but the U.S.) and states, styled per feature, built once per process."""
    style = {"color": "#8f8f8f", "weight": 0.7, "fillColor": "#fbfaf7", "fillOpacity": 1.0}
    countries = _boundaries.as_geojson("countries")["features"]
    states = _boundaries.as_geojson("states")["features"]
    features = [f for f in countries if f["id"] != "840"] + states
    for feature in features:
        feature["properties"]["style"] = style
    return {"type": "FeatureCollection", "features": features}


def _outline_layer() -> ipyleaflet.GeoJSON:
    # the style travels in each feature: a layer-wide style would make ipyleaflet deep-copy
    # the whole outline data on every map
    return ipyleaflet.GeoJSON(data=_outline_data(), name="Outlines (offline)")


def _view(located: Located) -> tuple[tuple[float, float], int]:
    """A centre and zoom that fit the projects in the assumed viewport."""
    if located.shown == 0:
        return (39.5, -98.35), 4  # the contiguous U.S.
    west, east = float(located.lon.min()), float(located.lon.max())
    south, north = float(located.lat.min()), float(located.lat.max())

    def mercator(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span_x = max(east - west, 1e-6) / 360.0
    span_y = max(mercator(north) - mercator(south), 1e-6) / (2 * math.pi)
    zoom = min(math.log2(_VIEWPORT[0] / 256 / span_x), math.log2(_VIEWPORT[1] / 256 / span_y))
    middle_y = (mercator(north) + mercator(south)) / 2
    centre_lat = math.degrees(2 * math.atan(math.exp(middle_y)) - math.pi / 2)
    return (centre_lat, (west + east) / 2), int(max(1, min(math.floor(zoom), 11)))


def _unattended() -> bool:
    # the sign-in room reads the same variable; rooms share the name, not the code
    return os.environ.get(UNATTENDED_VARIABLE, "").strip().lower() not in {"", "0", "false", "no"}


class ProjectsMap(ipyleaflet.Map):  # type: ignore[misc]  # ipyleaflet ships no type hints
    """The interactive project map, with a stand-in for pages that cannot draw widgets.

    A notebook saved without widget state, or its HTML export, cannot show a widget and
    would show its text (``Map(center=[...], ...)``) instead. In unattended runs
    (``procore-nb run``) the display also carries a PNG drawn by ``snapshot``, which the
    HTML report shows in the widget's place; elsewhere it carries a line of HTML saying what
    the map holds (drawing a picture on every display would slow the notebook down).
    """

    snapshot: Callable[[], bytes] | None = None
    note: str = ""

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        bundle: dict[str, Any] | None = super()._repr_mimebundle_(**kwargs)
        if bundle is None:  # a closed widget
            return None
        if self.snapshot is not None and _unattended():
            bundle["image/png"] = self.snapshot()
        else:
            what = html.escape(self.note)
            bundle["text/html"] = (
                f"<p><i>An interactive map of the projects. {what} Run the notebook to explore it."
                "</i></p>"
            )
        return bundle


def build_map(
    projects: pd.DataFrame,
    located: Located,
    *,
    tiles: bool,
    colours: Mapping[str, str] | None = None,
    legend_title: str = "Stage",
    tooltip: Mapping[str, str] | None = None,
    severity: Sequence[str] = (),
) -> ProjectsMap:
    """Build the map: a base layer, a layer per stage, a legend and an info box.

    ``colours`` overrides the stage colours by name; ``legend_title`` names what the
    layers are (the info box's "Stage" row says the same); ``tooltip`` maps more columns
    to the labels the info box shows them under; ``severity`` (values worst first) puts
    the worst layer on top (:func:`~procore_nb.maps._mapdraw.drawing_order`).
    """
    colours = stage_colours(located.order) | dict(colours or {})
    info = ipywidgets.HTML(value=f"Hover over a project for details.<br><i>{located.note()}</i>")
    popup = ipywidgets.HTML()

    def on_hover(**event: Any) -> None:
        info.value = project_html(event.get("properties") or {})

    def on_click(**event: Any) -> None:
        popup.value = project_html(event.get("properties") or {})

    if tiles:
        base: ipyleaflet.Layer = ipyleaflet.basemap_to_tiles(
            ipyleaflet.basemaps.query_name(_BASEMAP)
        )
    else:
        base = _outline_layer()
    base.base = True
    radius = 6 if located.shown <= 500 else 4 if located.shown <= 3000 else 3
    layers = []
    legend = {
        f"{stage} ({located.count(stage):,})": colours[stage]
        for stage in located.order
        if located.count(stage)
    }
    counts = {stage: located.count(stage) for stage in located.order}
    # the last layer added is drawn on top: without severity, the order stages are listed in
    for stage in drawing_order(located.order, counts, severity) if severity else located.order:
        count = counts[stage]
        if count == 0:
            continue
        label = f"{stage} ({count:,})"
        style = {
            "color": "#ffffff",
            "weight": 1,
            "opacity": 0.9,
            "fillColor": colours[stage],
            "fillOpacity": 0.85,
        }
        layer = ipyleaflet.GeoJSON(
            data=_features(projects, located, stage, style, (legend_title, dict(tooltip or {}))),
            name=label,
            point_style={"radius": radius},
            hover_style={"color": "#222222", "weight": 2, "fillOpacity": 1.0},
            popup=popup,
        )
        layer.on_hover(on_hover)
        layer.on_click(on_click)
        layers.append(layer)
    centre, zoom = _view(located)
    leaflet_map = ProjectsMap(
        center=centre,
        zoom=zoom,
        layers=(base, *layers),
        scroll_wheel_zoom=True,
        attribution_control=tiles,
        layout=ipywidgets.Layout(height="520px"),
    )
    leaflet_map.add(ipyleaflet.LayersControl(position="topright"))
    leaflet_map.add(ipyleaflet.WidgetControl(widget=info, position="topright"))
    if legend:
        leaflet_map.add(
            ipyleaflet.LegendControl(
                legend, title=f"{legend_title} (on the map)", position="bottomright"
            )
        )
    leaflet_map.add(ipyleaflet.ScaleControl(position="bottomleft", imperial=True))
    leaflet_map.note = located.note()
    return leaflet_map
