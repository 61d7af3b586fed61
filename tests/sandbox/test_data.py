"""The generated world: deterministic, realistic and complete, at any size."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sandboxed import TODAY

from procore_nb._constants import DEFAULT_STAGES
from procore_nb.sandbox import Options
from procore_nb.sandbox._data import PROJECT_FIELDS, World
from procore_nb.sandbox._geo import ABROAD, US_METROS

_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


@pytest.fixture(scope="module")
def world() -> World:
    """The default world: four companies, 400 projects in the main one."""
    return World(Options(seed=0, today=TODAY))


def _main(world: World) -> list[dict[str, object]]:
    return next(iter(world.companies.values())).projects


def test_same_seed_same_data_other_seed_other_data(world: World) -> None:
    """Generation depends on the seed and today, and nothing else."""
    again = World(Options(seed=0, today=TODAY))
    other = World(Options(seed=1, today=TODAY))
    assert [world.encoded(p) for p in _main(world)] == [again.encoded(p) for p in _main(again)]
    assert [p["name"] for p in _main(world)] != [p["name"] for p in _main(other)]


def test_every_list_field_is_present_with_procores_formats(world: World) -> None:
    """Each project has every v1.0 list field; timestamps and dates have Procore's formats."""
    for project in _main(world):
        assert tuple(project) == PROJECT_FIELDS
        assert _STAMP.match(str(project["created_at"]))
        assert str(project["created_at"]) <= str(project["updated_at"])
        for field in ("start_date", "completion_date"):
            assert project[field] is None or _DATE.match(str(project[field]))
        assert project["total_value"] is None or float(str(project["total_value"])) > 0
        assert isinstance(project["total_value"], str | type(None))  # money as Procore sends it


def test_projects_spread_over_real_metros_and_abroad(world: World) -> None:
    """40-60 US metros, a few foreign projects, ~5% without coordinates, jitter near the city."""
    projects = _main(world)
    cities = {p["city"] for p in projects if p["country_code"] == "US"}
    assert 40 <= len(cities) <= 60
    assert 0 < sum(p["country_code"] != "US" for p in projects) < 30
    missing = sum(p["latitude"] is None for p in projects)
    assert 5 <= missing <= 40
    assert not any(p["latitude"] == 0 and p["longitude"] == 0 for p in projects)
    places = {place.city: place for place in US_METROS + ABROAD}
    for p in projects:
        place = places[str(p["city"])]
        assert p["state_code"] == place.state_code
        if p["latitude"] is not None:
            assert abs(float(p["latitude"]) - place.latitude) < 0.5  # type: ignore[arg-type]
            assert abs(float(p["longitude"]) - place.longitude) < 0.5  # type: ignore[arg-type]
        if p["country_code"] == "US":
            assert re.fullmatch(r"\d{5}", str(p["zip"]))


def test_stage_mix_and_activity_look_real(world: World) -> None:
    """Most projects are in Course of Construction, few Canceled; about 80% active."""
    projects = _main(world)
    stages = Counter(str(p["stage"]) for p in projects)
    assert set(stages) <= set(DEFAULT_STAGES)
    assert stages.most_common(1)[0][0] == "Course of Construction"
    assert stages["Canceled"] < len(projects) * 0.08
    active = sum(bool(p["active"]) for p in projects) / len(projects)
    assert 0.7 <= active <= 0.9
    assert all(p["project_stage"]["name"] == p["stage"] for p in projects)  # type: ignore[index]


def test_ids_exceed_32_bits_and_are_unique(world: World) -> None:
    """The main company's id and its project ids do not fit in 32 bits; ids are unique."""
    main = next(iter(world.companies.values()))
    assert main.id > 2**32
    ids = [int(p["id"]) for company in world.companies.values() for p in company.projects]  # type: ignore[call-overload]
    assert len(ids) == len(set(ids))
    assert min(int(p["id"]) for p in main.projects) > 2**32  # type: ignore[call-overload]


def test_sizes_follow_the_options() -> None:
    """projects sets the main company's size and companies the number of companies."""
    world = World(Options(seed=3, projects=2_000, companies=6, today=TODAY))
    assert len(world.companies) == 6
    assert len(_main(world)) == 2_000
