"""Maps coloured by another column than the stage (such as a health band), with tooltips."""

from __future__ import annotations

import ipyleaflet
import matplotlib.colors
import pandas as pd
import pytest
from mapdata import make_projects

from procore_nb import ConfigurationError, maps

PALETTE = {"At risk": "#c62828", "Watch": "#f9a825", "Healthy": "#2e7d32"}


@pytest.fixture
def scored() -> pd.DataFrame:
    """Sixty U.S. projects, each in one of three health bands, with a score."""
    projects = make_projects(60)
    bands = ["At risk", "Watch", "Healthy"]
    projects["health"] = pd.array([bands[i % 3] for i in range(60)], dtype="string")
    projects["health_score"] = [float(i) for i in range(60)]
    return projects


def test_static_map_colours_by_the_column_in_the_given_colours(scored: pd.DataFrame) -> None:
    """Points are grouped by the column's values, in the palette's order and colours."""
    fig = maps.project_map(scored, colour_by=("health", PALETTE))
    info = fig.procore_nb_map
    assert list(info.plotted) == ["At risk", "Watch", "Healthy"]
    assert info.plotted == {"At risk": 20, "Watch": 20, "Healthy": 20}
    legend = info.ax.get_legend()
    assert legend.get_title().get_text() == "Health (on the map)"
    assert [t.get_text() for t in legend.get_texts()] == [
        "At risk (20)",
        "Watch (20)",
        "Healthy (20)",
    ]
    for band, colour in PALETTE.items():
        collection = next(
            c for c in info.ax.collections if (c.get_gid() or "") == f"procore_nb:stage:{band}"
        )
        face = matplotlib.colors.to_hex(collection.get_facecolor()[0])
        assert face == colour
    assert info.ax.get_title(loc="left") == "Projects by health"


def test_the_worst_band_is_drawn_on_top_however_many_are_healthy() -> None:
    """Many healthy projects never hide a few at risk: z-order follows the palette's order."""
    projects = make_projects(90)
    bands = ["Healthy"] * 80 + ["Watch"] * 7 + ["At risk"] * 3
    projects["health"] = pd.array(bands, dtype="string")
    info = maps.project_map(projects, colour_by=("health", PALETTE)).procore_nb_map
    zorder = {
        band: next(
            c.get_zorder()
            for c in info.ax.collections
            if (c.get_gid() or "") == f"procore_nb:stage:{band}"
        )
        for band in PALETTE
    }
    assert zorder["At risk"] > zorder["Watch"] > zorder["Healthy"]
    plain = maps.project_map(projects.drop(columns="health")).procore_nb_map
    assert plain.plotted  # without a severity, stages keep the small-on-top order


def test_unknown_colour_column_is_named(scored: pd.DataFrame) -> None:
    """A colour_by column the projects lack is a ConfigurationError naming it."""
    with pytest.raises(ConfigurationError, match="colour_by='risk'"):
        maps.project_map(scored, colour_by="risk")


def test_interactive_map_layers_and_tooltip_follow_the_column(scored: pd.DataFrame) -> None:
    """One layer per band with its colour; the info box shows the band and the extra fields."""
    m = maps.interactive_map(
        scored, colour_by=("health", PALETTE), tooltip={"health_score": "Score"}, tiles=False
    )
    layers = [layer for layer in m.layers if not layer.base][::-1]  # the last drawn on top
    assert [layer.name for layer in layers] == ["At risk (20)", "Watch (20)", "Healthy (20)"]
    feature = layers[0].data["features"][0]
    assert feature["properties"]["style"]["fillColor"] == PALETTE["At risk"]
    legend = next(c for c in m.controls if isinstance(c, ipyleaflet.LegendControl))
    assert legend.title == "Health (on the map)"
    assert list(legend.legend) == ["At risk (20)", "Watch (20)", "Healthy (20)"]  # worst first
    info = next(c for c in m.controls if isinstance(c, ipyleaflet.WidgetControl)).widget
    layers[0]._hover_callbacks(event="mouseover", properties=feature["properties"])
    row = scored[scored["name"] == feature["properties"]["name"]].iloc[0]
    assert "<td>Health</td><td>At risk</td>" in info.value
    assert f"<td>Score</td><td>{row['health_score']}</td>" in info.value
