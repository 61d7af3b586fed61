"""The reports room's public paths: one name per module, and the facade's lazy names."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

import procore_nb
from procore_nb.reports import analysis, export, summaries, tables


@pytest.mark.parametrize(
    "old", ["analysis", "summaries", "tables", "export", "demo", "widgets", "dlt_source"]
)
def test_the_alias_modules_are_gone(old: str) -> None:
    """No top-level module re-exports another: procore_nb.<old> is not a module."""
    assert importlib.util.find_spec(f"procore_nb.{old}") is None


def test_the_facade_gives_the_reports_modules_lazily() -> None:
    """`from procore_nb import analysis, tables` gives the reports room's own modules."""
    from procore_nb import analysis as a
    from procore_nb import export as e
    from procore_nb import summaries as s
    from procore_nb import tables as t

    assert (a, e, s, t) == (analysis, export, summaries, tables)
    assert procore_nb.LoginWidget.__module__ == "procore_nb.signin._widget"


def test_lazy_names_load_nothing_until_asked() -> None:
    """`import procore_nb` loads no reports module; asking for `tables` loads it."""
    code = (
        "import sys, procore_nb\n"
        "print('procore_nb.reports.tables' in sys.modules)\n"
        "procore_nb.tables\n"
        "print('procore_nb.reports.tables' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "True"]


def test_an_unknown_name_is_an_attribute_error() -> None:
    """A name the facade does not have is an AttributeError naming it."""
    with pytest.raises(AttributeError, match="no attribute 'widgets'"):
        procore_nb.widgets  # noqa: B018  # the access is the test
