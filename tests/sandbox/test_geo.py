"""Where the sandbox places projects: on land, inside their city's state, near the city.

The sandbox does not read the state outlines; these tests check its city areas against the
outlines the maps draw (U.S. Census cartographic boundaries).
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from matplotlib.path import Path as Outline

from procore_nb.maps import _boundaries
from procore_nb.sandbox import Options
from procore_nb.sandbox._data import World
from procore_nb.sandbox._geo import ABROAD, US_METROS, Place, area, coordinates

KM_PER_DEGREE = 111.195
STATES = {state.code: state for state in _boundaries.states()}


def _inside(state: str, longitude: float, latitude: float) -> bool:
    return any(Outline(ring).contains_point((longitude, latitude)) for ring in STATES[state].rings)


def _clearance_km(state: str, latitude: float, longitude: float) -> float:
    """Distance from the point to its state's outline (negative outside the state)."""
    scale = math.cos(math.radians(latitude))
    nearest = math.inf
    for ring in STATES[state].rings:
        x0 = (ring[:, 0] - longitude) * KM_PER_DEGREE * scale
        y0 = (ring[:, 1] - latitude) * KM_PER_DEGREE
        dx, dy = np.roll(x0, -1) - x0, np.roll(y0, -1) - y0
        length = np.where(dx * dx + dy * dy == 0, 1.0, dx * dx + dy * dy)
        t = np.clip(-(x0 * dx + y0 * dy) / length, 0.0, 1.0)
        nearest = min(nearest, float(np.hypot(x0 + t * dx, y0 + t * dy).min()))
    return nearest if _inside(state, longitude, latitude) else -nearest


@pytest.mark.parametrize("place", US_METROS, ids=lambda p: f"{p.city}, {p.state_code}")
def test_city_area_lies_inside_its_state(place: Place) -> None:
    """Each city's disc is on land in its state, and starts within 16 km of the city."""
    latitude, longitude, reach = area(place)
    assert place.state_code is not None
    assert _clearance_km(place.state_code, latitude, longitude) > reach
    moved = math.hypot(
        (latitude - place.latitude) * KM_PER_DEGREE,
        (longitude - place.longitude) * KM_PER_DEGREE * math.cos(math.radians(latitude)),
    )
    assert moved <= 16.0
    assert reach >= 4.0


@pytest.mark.parametrize("place", [*US_METROS[:5], ABROAD[0]], ids=lambda p: p.city)
def test_points_never_leave_their_area(place: Place) -> None:
    """Thousands of draws all fall within the city's reach, and spread over it."""
    rng = random.Random(7)  # noqa: S311 (seeded demo data, not secrets)
    latitude, longitude, reach = area(place)
    distances = []
    for _ in range(5000):
        point = coordinates(place, rng)
        assert point["latitude"] is not None
        assert point["longitude"] is not None
        distances.append(
            math.hypot(
                (point["latitude"] - latitude) * KM_PER_DEGREE,
                (point["longitude"] - longitude) * KM_PER_DEGREE * math.cos(math.radians(latitude)),
            )
        )
    assert max(distances) <= reach + 0.01
    assert np.median(distances) > reach / 4  # a spread, not a pile on the centre


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_us_project_is_in_its_state(seed: int) -> None:
    """No generated U.S. project lies outside its state (or in a lake or the sea)."""
    world = World(Options(seed=seed, projects=3000))
    placed = [
        project
        for company in world.companies.values()
        for project in company.projects
        if project["country_code"] == "US" and project["latitude"] is not None
    ]
    assert len(placed) > 2500
    outside = [
        (project["city"], project["state_code"], project["latitude"], project["longitude"])
        for project in placed
        if not _inside(project["state_code"], project["longitude"], project["latitude"])
    ]
    assert outside == []
