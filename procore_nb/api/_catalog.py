"""The registry as people see it: ``client.resources()``, ``client.r.<name>``, and the docs.

Everything here is generated from the registry (``procore_nb/data/resources.toml``): the
table of ``client.resources()``, one call per resource under ``client.r`` (tab completion
through ``__dir__``, a docstring listing the resource's filters and columns; no class per
resource), and the generated part of ``docs/resources.md``, which a test keeps equal::

    python -m procore_nb.api._catalog docs/resources.md           # rewrite the generated part
    python -m procore_nb.api._catalog --check docs/resources.md   # exit 1 when it is stale
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from procore_nb._registry import Resource, registry

if TYPE_CHECKING:
    import pandas as pd


__all__ = ["ResourceCalls", "docstring", "render_markdown", "resources_frame"]

_SCOPES: Final = {
    "none": "none (every company the user sees)",
    "company_path": "company in the path",
    "company_query": "company_id in the query",
    "project_path": "project in the path",
    "project_query": "project_id in the query",
}


def resources_frame() -> pd.DataFrame:
    """The registry as a DataFrame, one row per resource."""
    import pandas as pd

    rows = [
        {
            "name": e.name,
            "title": e.title,
            "path": e.path,
            "scope": e.scope,
            "paged": e.paged,
            "incremental": ", ".join(e.incremental),
            "key": e.key,
            "tool": e.tool,
            "filters": ", ".join(e.filters),
        }
        for e in registry().values()
    ]
    df = pd.DataFrame(rows)
    text = [c for c in df.columns if c != "paged"]
    return df.astype(dict.fromkeys(text, "string") | {"paged": "boolean"})


# --- one call per resource ------------------------------------------------------------


def _filter_lines(entry: Resource) -> list[str]:
    lines = [f"    {f.name} : {f.describe()}  (sent as {f.param})" for f in entry.filters.values()]
    if entry.sort is not None:
        lines.append(f"    sort : one of {', '.join(entry.sort.fields)}; prefix '-' for descending")
    if entry.views:
        default = f" (default {entry.default_view})" if entry.default_view else ""
        lines.append(f"    view : one of {', '.join(entry.views)}{default}")
    if entry.parent:
        lines.append(
            f"    {entry.parent_param} : int; the {entry.parent} record to read "
            f"(default: each project's first {entry.parent})"
        )
    return lines or ["    (none)"]


def docstring(entry: Resource) -> str:
    """The docstring of ``client.r.<name>``: what it reads, its filters and its columns."""
    scope = _SCOPES[entry.scope]
    lines = [
        f"{entry.title}: ``GET {entry.path}`` ({scope}).",
        "",
        "Returns every row as a typed DataFrame (docs/resources.md, docs/dtypes.md).",
        "",
        "Parameters",
        "----------",
    ]
    if entry.project_scoped:
        lines += [
            "projects : int, list of int, DataFrame of projects, 'active' or 'all'",
            "    The projects to read, all at once; adds project_id and project_name.",
            "errors : 'skip' or 'raise'",
            "    What a project answering 403 or 404 does (skip: df.attrs['skipped']).",
        ]
    lines += [
        "limit : int, optional",
        "    At most this many rows.",
        "params : dict, optional",
        "    Raw query parameters, sent unchecked.",
        "**filters",
        *_filter_lines(entry),
        "",
        "Columns",
        "-------",
        *(f"    {name} : {kind}" for name, kind in entry.columns.items()),
    ]
    return "\n".join(lines)


#: ``client.frame``: what every call runs.
Frame = Callable[..., "pd.DataFrame"]


def _call(frame: Frame, entry: Resource) -> Callable[..., pd.DataFrame]:
    if entry.project_scoped:

        def call(
            projects: Any = None,
            *,
            limit: int | None = None,
            errors: str = "skip",
            params: dict[str, Any] | None = None,
            **filters: Any,
        ) -> pd.DataFrame:
            return frame(
                entry.name, params, projects=projects, limit=limit, errors=errors, **filters
            )

    else:

        def call(  # type: ignore[misc]  # the same call without projects
            *, limit: int | None = None, params: dict[str, Any] | None = None, **filters: Any
        ) -> pd.DataFrame:
            return frame(entry.name, params, limit=limit, **filters)

    call.__name__ = call.__qualname__ = entry.name
    call.__doc__ = docstring(entry)
    return call


class ResourceCalls:
    """Every registry resource as a call: ``client.r.rfis("active", status="open")``.

    ``dir()`` (and so tab completion) lists the names; each call's docstring lists the
    resource's filters and columns.
    """

    def __init__(self, frame: Frame) -> None:
        self._frame = frame

    def __dir__(self) -> list[str]:
        return sorted(registry())

    def __getattr__(self, name: str) -> Callable[..., pd.DataFrame]:
        entry = registry().get(name)
        if entry is None or name.startswith("_"):
            raise AttributeError(
                f"no Procore resource is called {name!r}; client.resources() lists them"
            )
        return _call(self._frame, entry)

    def __repr__(self) -> str:
        return f"<Procore resources: {', '.join(registry())}>"


# --- the generated documentation --------------------------------------------------------

BEGIN_MARK: Final = "<!-- BEGIN GENERATED: python -m procore_nb.api._catalog docs/resources.md -->"
END_MARK: Final = "<!-- END GENERATED -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _section(entry: Resource) -> list[str]:
    paging = (
        f"paged, per_page up to {entry.max_per_page:,} (default {entry.default_per_page})"
        if entry.paged
        else "not paged (one answer)"
    )
    facts = [
        ("path", f"`GET {entry.path}` ({entry.version})"),
        ("scope", _SCOPES[entry.scope]),
        ("paging", paging),
        ("incremental", ", ".join(f"`{n}`" for n in entry.incremental) or "none"),
        ("key", f"`{entry.key}`"),
        ("tool", f"`{entry.tool}` (403 where it is disabled)" if entry.tool else "none"),
    ]
    if entry.parent:
        facts.append(("parent", f"`{entry.parent}` (`{{{entry.parent_param}}}` in the path)"))
    if entry.sort is not None:
        how = (
            "`sort[attribute]`/`sort[direction]`"
            if entry.sort.style == "attribute"
            else "`sort=field` / `sort=-field`"
        )
        facts.append(("sort", f"{how}: " + ", ".join(f"`{f}`" for f in entry.sort.fields)))
    if entry.views:
        default = f" (default `{entry.default_view}`)" if entry.default_view else ""
        facts.append(
            (f"views (`{entry.view_param}`)", ", ".join(f"`{v}`" for v in entry.views) + default)
        )
    lines = [f"### `{entry.name}`: {entry.title}", "", "| | |", "|---|---|"]
    lines += [f"| {key} | {_cell(value)} |" for key, value in facts]
    if entry.filters:
        lines += ["", "| keyword | type | sent as |", "|---|---|---|"]
        lines += [
            f"| `{f.name}` | {_cell(f.describe())} | `{_cell(f.param)}` |"
            for f in entry.filters.values()
        ]
    lines += ["", f"Columns ({len(entry.columns)}; dtypes in docs/dtypes.md): "]
    lines[-1] += ", ".join(f"`{name}`" for name in entry.columns)
    return lines


def render_markdown() -> str:
    """The generated part of ``docs/resources.md``: an index, then one section per resource."""
    lines = ["| name | title | scope | paged | incremental | key |", "|---|---|---|---|---|---|"]
    lines += [
        f"| `{e.name}` | {e.title} | "
        f"{e.scope} | {'yes' if e.paged else 'no'} | {', '.join(e.incremental) or '-'} | "
        f"`{e.key}` |"
        for e in registry().values()
    ]
    for entry in registry().values():
        lines += ["", *_section(entry)]
    return "\n".join(lines) + "\n"


def _with_table(text: str) -> str:
    head, sep, rest = text.partition(BEGIN_MARK)
    _, sep2, tail = rest.partition(END_MARK)
    if not (sep and sep2):
        raise ValueError(f"the markers {BEGIN_MARK!r} and {END_MARK!r} are missing")
    return f"{head}{BEGIN_MARK}\n{render_markdown()}{END_MARK}{tail}"


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite (or with ``--check`` verify) the generated part of a Markdown file."""
    parser = argparse.ArgumentParser(prog="python -m procore_nb.api._catalog", description=__doc__)
    parser.add_argument("path", type=Path, help="the Markdown file holding the markers")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(argv)
    text = args.path.read_text(encoding="utf-8")
    fresh = _with_table(text)
    if args.check:
        if fresh != text:
            print(f"{args.path} is stale: run python -m procore_nb.api._catalog {args.path}")
            return 1
        return 0
    args.path.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
