"""The static project map: what it draws on the edge cases analysts meet."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from mapdata import STAGES, WORLD_CITIES, make_projects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.patches import Rectangle

from procore_nb import ConfigurationError, maps


def _points(ax: Axes) -> dict[str, PathCollection]:
    """The per-stage point collections, keyed by stage."""
    prefix = "procore_nb:stage:"
    return {
        c.get_gid()[len(prefix) :]: c
        for c in ax.collections
        if isinstance(c, PathCollection) and (c.get_gid() or "").startswith(prefix)
    }


def _legend_labels(ax: Axes) -> list[str]:
    legends = [a for a in ax.artists if a.__class__.__name__ == "Legend"]
    if ax.get_legend() is not None:
        legends.append(ax.get_legend())
    stage_legend = next(lg for lg in legends if lg.get_title().get_text() == "Stage (on the map)")
    return [t.get_text() for t in stage_legend.get_texts()]


def _insets(ax: Axes) -> set[str]:
    prefix = "procore_nb:inset:"
    return {
        p.get_gid()[len(prefix) :]
        for p in ax.patches
        if isinstance(p, Rectangle) and (p.get_gid() or "").startswith(prefix)
    }


def test_us_projects_draw_every_point_with_legend_counts(projects: pd.DataFrame) -> None:
    """Two hundred U.S. projects: a U.S. map whose points and legend counts add up."""
    fig = maps.project_map(projects)
    info = fig.procore_nb_map
    assert info.view == "us"
    assert info.shown == 200
    assert info.left_off == {}
    points = _points(info.ax)
    assert {s: len(c.get_offsets()) for s, c in points.items()} == info.plotted
    expected = projects["project_stage.name"].value_counts()
    assert info.plotted == {s: int(expected[s]) for s in STAGES if s in expected}
    assert _legend_labels(info.ax) == [f"{s} ({n:,})" for s, n in info.plotted.items()]
    assert {"alaska", "hawaii"} <= _insets(info.ax)
    assert info.note == "All 200 projects are on the map."


def test_no_coordinates_at_all_draws_an_empty_us_map_with_a_note() -> None:
    """Projects without coordinates: no points, the U.S. outline, and a note saying why."""
    projects = make_projects(5)
    projects["latitude"] = np.nan
    projects["longitude"] = np.nan
    info = maps.project_map(projects).procore_nb_map
    assert info.view == "us"
    assert info.shown == 0
    assert _points(info.ax) == {}
    assert info.left_off == {"missing": 5}
    assert info.note == "0 of 5 projects on the map. Left off: 5 without coordinates."
    texts = [t.get_text() for t in info.ax.texts]
    assert info.note in texts
    assert len(info.ax.collections) >= 3  # countries, states and the nation's outline


def test_one_project_is_one_point_in_its_stage() -> None:
    """A single project is drawn as one point, and the legend says (1)."""
    projects = make_projects(1)
    stage = projects["project_stage.name"].iloc[0]
    info = maps.project_map(projects).procore_nb_map
    points = _points(info.ax)
    assert list(points) == [stage]
    assert len(points[stage].get_offsets()) == 1
    assert _legend_labels(info.ax) == [f"{stage} (1)"]


def test_all_in_one_state_zoom_to_that_region() -> None:
    """Projects all in Texas: a regional Albers map around them, without insets."""
    texas = [("Austin", "TX", "US", 30.27, -97.74, 1)]
    projects = make_projects(25, cities=texas, jitter=0.2)
    info = maps.project_map(projects).procore_nb_map
    assert info.view == "region"
    assert info.frames == {"conus": 25}
    assert _insets(info.ax) == set()
    (x0, x1), (y0, y1) = info.ax.get_xlim(), info.ax.get_ylim()
    offsets = np.concatenate([c.get_offsets() for c in _points(info.ax).values()])
    assert ((offsets[:, 0] > x0) & (offsets[:, 0] < x1)).all()
    assert ((offsets[:, 1] > y0) & (offsets[:, 1] < y1)).all()
    assert x1 - x0 < 2_500_000  # Texas and its neighbours, not the 4,600 km of the country
    labels = {t.get_text() for t in info.ax.texts if (t.get_gid() or "").startswith("procore_nb:")}
    assert "TX" in labels
    national = maps.project_map(projects, view="us").procore_nb_map
    assert national.view == "us"
    assert {"alaska", "hawaii"} <= _insets(national.ax)
    assert national.ax.get_xlim()[1] - national.ax.get_xlim()[0] > 4_000_000


def test_all_outside_the_us_fit_a_world_map_to_the_points() -> None:
    """European projects: a world view zoomed to them, with no U.S. insets."""
    info = maps.project_map(make_projects(30, cities=WORLD_CITIES)).procore_nb_map
    assert info.view == "world"
    assert info.frames == {"world": 30}
    assert info.insets == {}
    assert _insets(info.ax) == set()
    offsets = np.concatenate([c.get_offsets() for c in _points(info.ax).values()])
    (x0, x1), (y0, y1) = info.ax.get_xlim(), info.ax.get_ylim()
    assert ((offsets[:, 0] > x0) & (offsets[:, 0] < x1)).all()
    assert ((offsets[:, 1] > y0) & (offsets[:, 1] < y1)).all()
    # fitted: Europe spans a few thousand km, not the whole Equal Earth world (~34,000 km)
    assert x1 - x0 < 6_000_000
    assert "Equal Earth" in " ".join(t.get_text() for t in info.ax.texts)


def test_stage_missing_from_the_stage_list_follows_the_listed_stages() -> None:
    """A project whose stage the company's list lacks is drawn, after the listed stages."""
    projects = make_projects(40)
    projects.loc[0, "project_stage.name"] = "Punch List"
    listed = [
        "Completed",
        "Course of Construction",
        "Pre-Construction",
        "Bidding",
        "Post-Construction",
        "Warranty",
    ]
    info = maps.project_map(projects, stages=listed).procore_nb_map
    assert list(info.plotted)[-1] == "Punch List"
    assert info.plotted["Punch List"] == 1
    assert [s for s in info.plotted if s != "Punch List"] == [
        s for s in listed if s in info.plotted
    ]
    assert _legend_labels(info.ax)[-1] == "Punch List (1)"


def test_ten_thousand_projects_are_all_drawn_small_and_translucent() -> None:
    """Ten thousand projects: every point drawn, smaller and fainter than with ten."""
    many = maps.project_map(make_projects(10_000, seed=3)).procore_nb_map
    few = maps.project_map(make_projects(10, seed=3)).procore_nb_map
    assert many.shown == 10_000
    assert sum(len(c.get_offsets()) for c in _points(many.ax).values()) == 10_000
    many_c, few_c = next(iter(_points(many.ax).values())), next(iter(_points(few.ax).values()))
    assert many_c.get_sizes().max() < few_c.get_sizes().min()
    assert many_c.get_alpha() < few_c.get_alpha()


def test_alaska_and_hawaii_projects_go_to_their_insets() -> None:
    """Anchorage and Honolulu projects are drawn inside the Alaska and Hawaii inset boxes."""
    cities = [
        ("Anchorage", "AK", "US", 61.22, -149.90, 1),
        ("Honolulu", "HI", "US", 21.31, -157.86, 1),
        ("Denver", "CO", "US", 39.74, -104.99, 1),
    ]
    projects = make_projects(30, cities=cities, jitter=0.05)
    info = maps.project_map(projects).procore_nb_map
    expected = projects["state_code"].value_counts()
    assert info.frames["alaska"] == expected["AK"]
    assert info.frames["hawaii"] == expected["HI"]
    assert info.frames["conus"] == expected["CO"]
    offsets = np.concatenate([c.get_offsets() for c in _points(info.ax).values()])
    for key in ("alaska", "hawaii"):
        bx0, bx1, by0, by1 = info.insets[key]
        inside = (offsets[:, 0] >= bx0) & (offsets[:, 0] <= bx1)
        inside &= (offsets[:, 1] >= by0) & (offsets[:, 1] <= by1)
        assert inside.sum() == info.frames[key]


def test_puerto_rico_inset_appears_only_with_a_project_there() -> None:
    """The Puerto Rico inset is drawn when a project is in San Juan, and not otherwise."""
    cities = [("San Juan", "PR", "US", 18.47, -66.11, 1), ("Miami", "FL", "US", 25.76, -80.19, 3)]
    with_pr = maps.project_map(make_projects(12, cities=cities, jitter=0.02)).procore_nb_map
    assert "puerto_rico" in _insets(with_pr.ax)
    assert with_pr.frames["puerto_rico"] >= 1
    without = maps.project_map(make_projects(12)).procore_nb_map
    assert "puerto_rico" not in _insets(without.ax)


def test_bad_coordinates_are_left_off_with_reasons() -> None:
    """Missing, (0, 0) and out-of-range coordinates are counted separately in the note."""
    projects = make_projects(20)
    projects.loc[0:1, "latitude"] = np.nan
    projects.loc[2:4, ["latitude", "longitude"]] = 0.0
    projects.loc[5, "latitude"] = 123.0
    projects.loc[6, "longitude"] = -200.0
    info = maps.project_map(projects).procore_nb_map
    assert info.left_off == {"missing": 2, "zero": 3, "range": 2}
    assert info.shown == 13
    assert info.note == (
        "13 of 20 projects on the map. Left off: 2 without coordinates, 3 at (0, 0), "
        "2 with latitude or longitude out of range."
    )


def test_a_few_projects_abroad_are_left_off_the_us_map_and_counted() -> None:
    """Mostly U.S. with two in London: the U.S. map, and a note of the two outside it."""
    projects = make_projects(40)
    projects.loc[:1, ["latitude", "longitude"]] = [51.5, -0.12]
    info = maps.project_map(projects).procore_nb_map
    assert info.view == "us"
    assert info.left_off == {"outside": 2}
    assert "2 outside the U.S. map" in info.note
    world = maps.project_map(projects, view="world").procore_nb_map
    assert world.shown == 40


def test_size_by_value_gives_areas_proportional_to_value() -> None:
    """size_by='total_value': marker areas follow values, with a size legend."""
    projects = make_projects(12)
    projects["total_value"] = [float(v) for v in range(1, 13)]
    projects.loc[0, "total_value"] = np.nan
    info = maps.project_map(projects, size_by="total_value").procore_nb_map
    sizes = np.concatenate([c.get_sizes() for c in _points(info.ax).values()])
    assert sizes.max() / np.median(sizes) > 1.5
    collection = max(_points(info.ax).values(), key=lambda c: len(c.get_offsets()))
    legends = [a for a in info.ax.get_children() if a.__class__.__name__ == "Legend"]
    titles = {lg.get_title().get_text() for lg in legends}
    assert {"Stage (on the map)", "Value"} <= titles
    assert len(collection.get_sizes()) == len(collection.get_offsets())


def test_size_by_must_be_a_numeric_column(projects: pd.DataFrame) -> None:
    """A text or missing size_by column is refused with a message naming it."""
    with pytest.raises(ConfigurationError, match="'city' must name a numeric column"):
        maps.project_map(projects, size_by="city")
    with pytest.raises(ConfigurationError, match="needs the column"):
        maps.project_map(projects, size_by="no_such_column")


def test_missing_coordinate_columns_say_which_are_needed(projects: pd.DataFrame) -> None:
    """Without latitude/longitude columns the error names them."""
    with pytest.raises(ConfigurationError, match="latitude, longitude"):
        maps.project_map(projects.drop(columns=["latitude", "longitude"]))
    with pytest.raises(ConfigurationError, match=r"project_stage\.name"):
        maps.project_map(projects.drop(columns=["project_stage.name", "stage"]))


def test_unknown_view_is_refused(projects: pd.DataFrame) -> None:
    """view must be auto, us or world."""
    with pytest.raises(ConfigurationError, match="view must be"):
        maps.project_map(projects, view="europe")  # type: ignore[arg-type]


def test_draws_into_given_axes_and_returns_their_figure(projects: pd.DataFrame) -> None:
    """With ax=..., the map goes into those axes and their figure comes back."""
    figure = Figure(figsize=(12, 5))
    left, right = figure.subplots(1, 2)
    returned = maps.project_map(projects, ax=right, title="West and East")
    assert returned is figure
    assert returned.procore_nb_map.ax is right
    assert right.get_title(loc="left") == "West and East"
    assert _points(left) == {}


def test_figure_renders_to_png_for_notebooks(projects: pd.DataFrame) -> None:
    """The figure saves as PNG and shows itself in notebooks through _repr_png_."""
    fig = maps.project_map(projects)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=60)
    assert buffer.getvalue().startswith(b"\x89PNG")
    assert fig._repr_png_().startswith(b"\x89PNG")


def test_stage_falls_back_to_legacy_column() -> None:
    """Without project_stage.name the legacy stage column colours the points."""
    projects = make_projects(15).drop(columns=["project_stage.name"])
    info = maps.project_map(projects).procore_nb_map
    assert sum(info.plotted.values()) == 15
    assert set(info.plotted) <= set(STAGES)


def test_unplaced_lists_the_projects_left_off_with_their_reason() -> None:
    """unplaced() returns exactly the rows the map left off, each with its reason."""
    projects = make_projects(20)
    projects.loc[0, "latitude"] = np.nan
    projects.loc[1, ["latitude", "longitude"]] = 0.0
    projects.loc[2, ["latitude", "longitude"]] = [51.5, -0.12]
    table = maps.unplaced(projects)
    assert table.columns[0] == "reason"
    assert table["name"].tolist() == projects["name"].iloc[:3].tolist()
    assert table["reason"].tolist() == [
        "without coordinates",
        "at (0, 0)",
        "outside the U.S. map (view='world' shows them)",
    ]
    assert len(maps.unplaced(projects, view="world")) == 2


@pytest.mark.parametrize("size_by", [None, "total_value"])
def test_tight_saving_keeps_the_legends_whole(projects: pd.DataFrame, size_by: str | None) -> None:
    """bbox_inches='tight' (notebooks, reports) keeps every legend inside the image."""
    fig = maps.project_map(projects, size_by=size_by)
    tight = fig.get_tightbbox()
    legends = [a for a in fig.procore_nb_map.ax.get_children() if isinstance(a, Legend)]
    assert len(legends) == (2 if size_by else 1)
    for legend in legends:
        extent = legend.get_window_extent().transformed(fig.dpi_scale_trans.inverted())
        assert extent.x1 <= tight.x1 + 1e-6
        assert extent.y0 >= tight.y0 - 1e-6


def test_points_at_the_edge_are_drawn_whole() -> None:
    """A project right at the map's edge (Calgary on the U.S. map) is not cut by the frame."""
    projects = make_projects(40, jitter=0.0)
    edge = {"Calgary": (51.04, -114.07), "Vancouver": (49.28, -123.12), "Key West": (24.56, -81.8)}
    for row, (latitude, longitude) in enumerate(edge.values()):
        projects.loc[row, ["latitude", "longitude"]] = [latitude, longitude]
    fig = maps.project_map(projects, size_by="total_value")
    info = fig.procore_nb_map
    assert info.view == "us"
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    saved = fig.get_tightbbox(renderer)  # what savefig(bbox_inches="tight") keeps, in inches
    dpi = fig.dpi
    checked = 0
    for collection in _points(info.ax).values():
        # a clipped collection is cut at the axes; an unclipped one only at the saved image
        frame = collection.get_clip_box() if collection.get_clip_on() else None
        centres = collection.get_offset_transform().transform(collection.get_offsets())
        radii = np.sqrt(collection.get_sizes()) / 2 * dpi / 72  # marker area in points^2
        radii = np.broadcast_to(radii, (len(centres),))
        for (x, y), r in zip(centres, radii, strict=True):
            assert saved.x0 * dpi <= x - r
            assert x + r <= saved.x1 * dpi
            assert saved.y0 * dpi <= y - r
            assert y + r <= saved.y1 * dpi
            if frame is not None:
                assert frame.x0 <= x - r
                assert x + r <= frame.x1
                assert frame.y0 <= y - r
                assert y + r <= frame.y1
            checked += 1
    assert checked == info.shown
    top = max(c.get_offsets()[:, 1].max() for c in _points(info.ax).values())
    assert top > info.ax.get_ylim()[1] * 0.98  # Calgary sits at the very top of the frame
