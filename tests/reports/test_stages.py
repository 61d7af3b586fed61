"""Stage order and colours shared by the maps, summaries and charts."""

from __future__ import annotations

import pandas as pd
import pytest

from procore_nb import ConfigurationError
from procore_nb.plotting._stages import NO_STAGE, stage_colours, stage_order


def test_default_order_follows_procore_then_others_then_no_stage() -> None:
    """Without a list: Procore's default stages in order, then others A-Z, then no stage."""
    projects = pd.DataFrame(
        {"project_stage.name": ["Completed", "zeta", None, "Bidding", "Alpha", "  "]}
    )
    values, order = stage_order(projects, purpose="test")
    assert order == ["Bidding", "Completed", "Alpha", "zeta", NO_STAGE]
    assert values.tolist() == ["Completed", "zeta", NO_STAGE, "Bidding", "Alpha", NO_STAGE]


def test_company_list_sets_the_order_and_unlisted_stages_follow() -> None:
    """A stage list (even a Series) sets the order; stages it lacks come after it."""
    projects = pd.DataFrame({"project_stage.name": ["Design", "Build", "Closeout"]})
    stages = pd.Series(["Build", "Design", "Handover"], name="name")
    _, order = stage_order(projects, stages=stages, purpose="test")
    assert order == ["Build", "Design", "Handover", "Closeout"]


def test_legacy_stage_fills_rows_without_project_stage() -> None:
    """Rows without project_stage.name take the legacy stage field."""
    projects = pd.DataFrame(
        {"project_stage.name": [None, "Bidding"], "stage": ["Warranty", "Completed"]}
    )
    values, _ = stage_order(projects, purpose="test")
    assert values.tolist() == ["Warranty", "Bidding"]


def test_one_string_as_stages_is_refused() -> None:
    """stages='Bidding' is a mistake for ['Bidding'], and the message says so."""
    projects = pd.DataFrame({"stage": ["Bidding"]})
    with pytest.raises(ConfigurationError, match=r"stages=\['Bidding'\]"):
        stage_order(projects, stages="Bidding", purpose="test")


def test_colours_are_distinct_and_no_stage_is_grey() -> None:
    """Every stage gets its own colour by position; missing stages are grey."""
    order = [f"Stage {i}" for i in range(12)] + [NO_STAGE]
    colours = stage_colours(order)
    assert len(set(colours.values())) == len(order)
    assert colours[NO_STAGE] == "#9E9E9E"
    assert colours["Stage 0"] == "#0072B2"


def test_stage_list_dataframe_is_read_by_its_name_column() -> None:
    """Passing client.project_stages() itself uses its 'name' column, in order."""
    projects = pd.DataFrame({"stage": ["Completed", "Bidding"]})
    listed = pd.DataFrame({"id": [2, 1], "name": ["Completed", "Bidding"]})
    _, order = stage_order(projects, stages=listed, purpose="test")
    assert order == ["Completed", "Bidding"]
    with pytest.raises(ConfigurationError, match="no 'name' column"):
        stage_order(projects, stages=listed[["id"]], purpose="test")
