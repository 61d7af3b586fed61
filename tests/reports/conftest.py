"""Fixtures for the map, summary and export tests; figures use matplotlib's Agg backend."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest
from mapdata import make_projects

matplotlib.use("Agg")


@pytest.fixture
def projects() -> pd.DataFrame:
    """Two hundred U.S. projects in six stages."""
    return make_projects(200)
