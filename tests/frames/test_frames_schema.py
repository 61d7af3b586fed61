"""The dtype map: each resource's frame has exactly the schema's columns and dtypes; docs agree."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

from procore_nb.frames import _schema
from procore_nb.frames._convert import to_frame
from procore_nb.frames._generated import END_MARK
from procore_nb.frames._schema import DTYPES, SCHEMAS, Kind, dtype_of

DOC = Path(__file__).resolve().parents[2] / "docs" / "dtypes.md"


def _expected(resource: str, *, stages_known: bool = False) -> dict[str, str]:
    return {
        name: dtype_of(kind, stages_known=stages_known) for name, kind in SCHEMAS[resource].items()
    }


@pytest.mark.parametrize("resource", sorted(SCHEMAS))
def test_full_records_get_the_schema_dtypes(resource: str, make_record) -> None:
    """A record with every field well-formed yields each schema column in its dtype, in order."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # well-formed data must convert without a warning
        df = to_frame([make_record(resource, i) for i in range(3)], resource)
    assert {c: str(t) for c, t in df.dtypes.items()} == _expected(resource)
    assert list(df.columns) == list(SCHEMAS[resource])


@pytest.mark.parametrize("resource", sorted(SCHEMAS))
def test_empty_list_has_the_same_columns_and_dtypes(resource: str, make_record) -> None:
    """An empty list gives the same columns and dtypes as a full one."""
    empty = to_frame([], resource)
    full = to_frame([make_record(resource)], resource)
    assert len(empty) == 0
    assert list(empty.columns) == list(full.columns)
    assert empty.dtypes.to_dict() == full.dtypes.to_dict()


def test_empty_projects_with_stages_are_categorical() -> None:
    """An empty projects list with a stage list still has ordered categorical stage columns."""
    df = to_frame([], "projects", stages=["Bidding", "Completed"])
    assert {c: str(t) for c, t in df.dtypes.items()} == _expected("projects", stages_known=True)
    assert list(df["stage"].cat.categories) == ["Bidding", "Completed"]
    assert df["stage"].cat.ordered


def test_compact_records_still_have_every_column() -> None:
    """Records with only a few fields (serializer_view=compact) still get every schema column."""
    df = to_frame([{"id": 1, "name": "A", "display_name": "1 - A"}], "projects")
    assert list(df.columns) == list(SCHEMAS["projects"])
    assert df["company.id"].isna().all()
    assert str(df["created_at"].dtype) == "datetime64[ns, UTC]"


def test_every_kind_has_a_dtype_and_documented_rules() -> None:
    """Each kind maps to one pandas dtype that pandas understands, and to documented rules."""
    for kind in Kind:
        assert pd.api.types.pandas_dtype(DTYPES[kind]) is not None
        accepted, unfit = _schema.KIND_RULES[kind]
        assert accepted
        assert unfit


def test_docs_table_matches_the_code() -> None:
    """docs/dtypes.md holds exactly the table _schema renders (regenerate it if this fails)."""
    text = DOC.read_text(encoding="utf-8")
    assert _schema.render_markdown() in text
    assert _schema._with_table(text) == text


def test_docs_check_command_reports_a_stale_table(tmp_path: Path) -> None:
    """The --check command exits 1 on a stale table, and rewriting fixes it."""
    stale = tmp_path / "dtypes.md"
    stale.write_text(f"intro\n{_schema.BEGIN_MARK}\nold\n{END_MARK}\nend\n")
    assert _schema.main(["--check", str(stale)]) == 1
    assert _schema.main([str(stale)]) == 0
    assert _schema.main(["--check", str(stale)]) == 0
    assert stale.read_text().startswith("intro\n")
    assert stale.read_text().endswith("\nend\n")


def test_import_stays_light() -> None:
    """Importing the conversion loads pandas but no plotting, widget or server package."""
    code = (
        "import sys, procore_nb.frames._convert; "
        "heavy = {'matplotlib', 'ipywidgets', 'starlette', 'uvicorn', 'ipyleaflet'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=DOC.parents[1]
    )
    assert out.stdout.strip() == "[]"
