"""The registry file: every entry is valid, the loader refuses mistakes, docs stay generated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from procore_nb import ConfigurationError
from procore_nb._registry import KINDS, SCOPES, match, parse, registry, resource
from procore_nb.api import _docs
from procore_nb.frames._schema import Kind

DOC = Path(__file__).resolve().parents[2] / "docs" / "resources.md"

#: The resources issue #12 asks for, by Procore's path names.
REQUIRED = [
    "companies",
    "projects",
    "company_projects",
    "project_stages",
    "company_users",
    "project_users",
    "vendors",
    "project_vendors",
    "trades",
    "cost_codes",
    "rfis",
    "submittals",
    "punch_items",
    "observations",
    "checklists",
    "tasks",
    "manpower_logs",
    "notes_logs",
    "budget_views",
    "budget_detail_rows",
    "prime_contracts",
    "work_order_contracts",
    "purchase_order_contracts",
    "change_events",
    "commitment_change_orders",
    "prime_change_orders",
    "direct_costs",
]

GOOD = """
[things]
title = "Things"
path = "/rest/v1.0/projects/{project_id}/things"
scope = "project_path"
paged = true
max_per_page = 100
default_per_page = 10

[things.columns]
id = "id"
"""


def test_every_required_resource_is_there() -> None:
    """The registry holds every resource the issue names, under Procore's path names."""
    assert set(REQUIRED) <= set(registry())


def test_kinds_are_the_frames_kinds() -> None:
    """The registry's column kinds are exactly frames._schema.Kind's values."""
    assert set(KINDS) == {kind.value for kind in Kind}


@pytest.mark.parametrize("name", sorted(registry()))
def test_entry_is_consistent(name: str) -> None:
    """Each entry's scope fits its path, its key is a column, and its path matches back."""
    entry = registry()[name]
    assert entry.scope in SCOPES
    assert entry.key in entry.columns
    assert entry.version in {"v1.0", "v1.1", "v1.3", "v2.0"}
    assert ("{project_id}" in entry.path) == (entry.scope == "project_path")
    filled = entry.path.format(**{hole: 42 for hole in entry.placeholders})
    assert match(filled) is entry
    for spec in entry.filters.values():
        assert spec.param.startswith("filters[") or spec.plain or spec.param.endswith("[]")
        assert len(spec.values) == len(spec.codes)


def test_good_text_parses() -> None:
    """A minimal entry reads back with its defaults."""
    entry = parse(GOOD)["things"]
    assert entry.project_scoped
    assert entry.key == "id"
    assert entry.filters == {}
    assert entry.incremental == ()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('scope = "project_path"', 'scope = "project"'), "scope = 'project' is not one of"),
        (('scope = "project_path"', 'scope = "company_path"'), "needs {company_id}"),
        (('scope = "project_path"', 'scope = "project_query"'), "use project_path"),
        (('path = "/rest/v1.0/', 'path = "/v1.0/'), "must start with /rest/vN.N/"),
        (("paged = true", "paged = true\ncolour = 1"), "unknown key(s) colour"),
        (('id = "id"', 'id = "integer"'), "kind 'integer' is not one of"),
        (('id = "id"', 'id = "id"\n"a.b.c" = "id"'), "nest one level only"),
        (('id = "id"', 'id = "id"\na = "object"\n"a.b" = "id"'), "'a' is a column too"),
        (("default_per_page = 10", "default_per_page = 1000"), "default_per_page <= max"),
        (("max_per_page = 100", 'max_per_page = "100"'), "max_per_page must be a int"),
        (('id = "id"', 'name = "text"'), "key 'id' is not a column"),
        (("/things", "/{thing_id}/things"), "need parent and parent_param"),
        (("paged = true", "paged = true\nupdated_at = 1"), "updated_at must be a bool"),
        (("paged = true", 'paged = true\nrows = "a.b"'), "is for a parent's show"),
        (("paged = true", 'paged = true\nouter = "thing"'), "is for a parent's show"),
        (("paged = true", 'paged = true\njoined = { n = "people" }'), "is for a parent's show"),
    ],
    ids=[
        "scope",
        "company-scope-without-company",
        "query-scope-with-project",
        "version",
        "stray-key",
        "kind",
        "deep-nesting",
        "parent-and-child",
        "per-page",
        "per-page-type",
        "key",
        "placeholder",
        "flag-type",
        "rows-on-a-list",
        "outer-without-rows",
        "joined-without-rows",
    ],
)
def test_mistakes_are_named(change: tuple[str, str], message: str) -> None:
    """Each kind of mistake in the file raises ConfigurationError naming the entry and key."""
    old, new = change
    assert old in GOOD
    with pytest.raises(ConfigurationError, match=r"\[things\]") as info:
        parse(GOOD.replace(old, new, 1), source="x.toml")
    assert message in str(info.value)
    assert "x.toml" in str(info.value)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ('a = { type = "integer" }', "type 'integer' is not one of"),
        ('a = { type = "enum" }', "values are needed by enum types"),
        ('a = { type = "int", values = ["x"] }', "values are needed by enum types and only"),
        ('a = { type = "int", spelling = "x" }', "unknown key(s) spelling"),
        ('a = { type = "int", param = "" }', "param must be a non-empty string"),
        ('A = { type = "int" }', "is not a keyword name"),
        ('updated_at = { type = "int" }', "named twice"),
        ('a = "int"', "must be a table"),
    ],
    ids=["type", "enum-values", "values-elsewhere", "stray", "param", "name", "twice", "form"],
)
def test_filter_mistakes_are_named(spec: str, message: str) -> None:
    """A malformed filter raises ConfigurationError naming it."""
    text = GOOD.replace("paged = true", "paged = true\nupdated_at = true") + (
        f"\n[things.filters]\n{spec}\n"
    )
    with pytest.raises(ConfigurationError, match=r"\[things\]") as info:
        parse(text)
    assert message in str(info.value)


def test_not_toml_and_unknown_parent() -> None:
    """Text that is not TOML, and a parent that is no resource, are named too."""
    with pytest.raises(ConfigurationError, match="not valid TOML"):
        parse("[things", source="x.toml")
    text = GOOD.replace("/things", "/{thing_id}/things").replace(
        "paged = true", 'paged = true\nparent = "nowhere"\nparent_param = "thing_id"'
    )
    with pytest.raises(ConfigurationError, match="parent 'nowhere' is not a resource"):
        parse(text)


def test_unknown_resource_names_the_known_ones() -> None:
    """resource() of an unknown name lists the known ones."""
    with pytest.raises(ConfigurationError, match="rfis") as info:
        resource("rfi")
    assert "no Procore resource is called 'rfi'" in str(info.value)


def test_enum_codes_follow_the_file() -> None:
    """A table of values maps what people pass to the codes Procore wants."""
    status = registry()["observations"].filters["status"]
    assert dict(zip(status.values, status.codes, strict=True))["closed"] == "3"


def test_import_does_not_read_the_registry() -> None:
    """import procore_nb leaves the registry file unread (it is read at first use)."""
    code = (
        "import procore_nb\n"
        "from procore_nb import _registry\n"
        "print(_registry.registry.cache_info().currsize)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["0"]


def test_docs_are_generated_from_the_registry() -> None:
    """docs/resources.md holds exactly what the registry renders (regenerate if this fails)."""
    text = DOC.read_text(encoding="utf-8")
    assert _docs.render_markdown() in text
    assert _docs._with_table(text) == text


def test_stale_docs_are_caught(tmp_path: Path) -> None:
    """--check exits 1 on a stale file, and a rewrite makes it pass."""
    stale = tmp_path / "resources.md"
    stale.write_text(f"intro\n{_docs.BEGIN_MARK}\nold\n{_docs.END_MARK}\nend\n")
    assert _docs.main(["--check", str(stale)]) == 1
    assert _docs.main([str(stale)]) == 0
    assert _docs.main(["--check", str(stale)]) == 0
    assert stale.read_text().endswith("end\n")


def test_a_show_entry_reads_and_its_joined_columns_are_text() -> None:
    """rows, outer and joined read back on a parent's show; joined must name text columns."""
    show = """
[parents]
title = "Parents"
path = "/rest/v1.0/projects/{project_id}/parents"
scope = "project_path"
groups = "parents"
paged = true
max_per_page = 100
default_per_page = 10

[parents.columns]
id = "id"

[kids]
title = "Kids"
path = "/rest/v1.0/projects/{project_id}/parents/{parent_id}"
scope = "project_path"
parent = "parents"
parent_param = "parent_id"
rows = "rooms.kids"
outer = "parent"
joined = { carer_names = "carers" }
paged = false

[kids.columns]
id = "id"
carer_names = "text"
"""
    entries = parse(show)
    assert entries["parents"].groups == "parents"
    kids = entries["kids"]
    assert (kids.show, kids.rows, kids.outer) == (True, "rooms.kids", "parent")
    assert kids.joined == {"carer_names": "carers"}
    with pytest.raises(ConfigurationError, match=r"\[kids\]: joined maps text columns"):
        parse(show.replace('carer_names = "text"', 'carer_names = "id"'))
