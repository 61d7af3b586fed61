"""docs/bad-input.md: 25 bad inputs or more, each naming a test that exists; the issue's list."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import procore_nb

ROOT = Path(procore_nb.__file__).resolve().parents[1]
TABLE = ROOT / "docs" / "bad-input.md"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)(?:\[([^\]]*)\])?`")


def _rows() -> list[list[str]]:
    """The table's rows (cells stripped), header and rule left out."""
    lines = [
        line for line in TABLE.read_text(encoding="utf-8").splitlines() if line.startswith("|")
    ]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


@functools.cache
def _decorators(path: Path) -> dict[str, str]:
    """Test function name -> the source of its decorators (where parameter ids live)."""
    source = path.read_text(encoding="utf-8")
    return {
        node.name: "\n".join(ast.get_source_segment(source, d) or "" for d in node.decorator_list)
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef)
    }


def test_the_table_has_at_least_25_rows_each_with_a_class_and_a_test() -> None:
    """Every row names an input, what it gets, and at least one test."""
    rows = _rows()
    assert len(rows) >= 25
    for row in rows:
        assert len(row) == 5, row
        _, bad_input, error, _, tests = row
        assert bad_input, row
        assert error, row
        assert REFERENCE.search(tests), row


def test_every_test_named_exists() -> None:
    """Each `path::test[id]` names a test function in that file, with that parameter id."""
    missing = []
    for row in _rows():
        for path_text, name, param in REFERENCE.findall(row[4]):
            path = ROOT / path_text
            if not path.is_file() or name not in _decorators(path):
                missing.append(f"{path_text}::{name}")
                continue
            # A parameter id is given (ids=[...]) or made from the value: either way, it is
            # written in the test's decorators.
            if param and param not in _decorators(path)[name]:
                missing.append(f"{path_text}::{name}[{param}]")
    assert missing == []


def test_the_issue_list_is_covered() -> None:
    """Each bad input the issue lists has a row."""
    text = TABLE.read_text(encoding="utf-8").lower()
    for phrase in [
        "empty or blank authorization code",
        "mistyped code",
        "expired code",
        "reused code",
        "code from another environment",
        "wrong client id or client secret",
        "revoked refresh token",
        "refresh token already used",
        "`http://` url",
        "unknown environment",
        "company id that no company has",
        "not a positive whole number",
        "does not belong to",
        "no company where the endpoint needs one",
        "unknown path",
        "`per_page` of 0 or negative",
        "huge `per_page`",
        "filter of the wrong type",
        "html page",
        "cut off",
        "empty body",
        "json of the wrong shape",
        "`link` header that is malformed",
        "`link` header that loops",
        "`total` that disagrees",
        "arbitrary json record lists",
        "empty, truncated or garbage",
        "of another version",
        "world-readable",
        "folder that cannot be written",
    ]:
        assert phrase in text, phrase


def test_the_hardening_list_is_covered() -> None:
    """Each case of the hardening issue (#11) has a row."""
    text = TABLE.read_text(encoding="utf-8").lower()
    for phrase in [
        "to another host (another port stands in for it)",
        "refresh, revoke or token info answered with a redirect",
        "from https to http"
        if "from https to http" in text
        else "over https redirected to plain http",
        "token cache file that is a symlink",
        "group or others may write to",
        "owned by another user",
        "token path that is a folder",
        "formula injection",
        "`retry-after` that is not a wait",
        "hostile server",
        "`client(timeout=0)`",
        "not utf-8",
        "value of the wrong type",
        "a slow server",
        "a 502 from the token endpoint",
        "stdin closed",
        "`procore-nb --version`",
        "port in use",
        "`--allow-root`",
        "a second `procore-nb logout`",
        "the readme's sandbox example",
        "piling up in the user's cache",
        "progress bar for a quick or one-page pull",
    ]:
        assert phrase in text, phrase
