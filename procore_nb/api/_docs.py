"""``docs/resources.md``: the registry rendered as Markdown, kept equal by a test::

python -m procore_nb.api._docs docs/resources.md           # rewrite the generated part
python -m procore_nb.api._docs --check docs/resources.md   # exit 1 when it is stale
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Final

from procore_nb._registry import Resource, registry
from procore_nb.api._catalog import SCOPES
from procore_nb.frames._generated import END_MARK, begin_mark, rewrite, run

__all__ = ["BEGIN_MARK", "END_MARK", "main", "render_markdown"]

#: The command that writes the generated part (named in its opening marker).
COMMAND: Final = "python -m procore_nb.api._docs docs/resources.md"
BEGIN_MARK: Final = begin_mark(COMMAND)


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
        ("scope", SCOPES[entry.scope]),
        ("paging", paging),
        ("incremental", ", ".join(f"`{n}`" for n in entry.incremental) or "none"),
        ("key", f"`{entry.key}`"),
        ("tool", f"`{entry.tool}` (403 where it is disabled)" if entry.tool else "none"),
    ]
    if entry.parent:
        facts.append(("parent", f"`{entry.parent}` (`{{{entry.parent_param}}}` in the path)"))
    if entry.groups:
        body = f"grouped: `[{{group_title, {entry.groups}: [...]}}]`, a row per record"
        facts.append(("body", body + " with its `group_title`; a page counts records"))
    if entry.show:
        facts.append(
            (
                "body",
                f"the show of one `{entry.parent}` record per request, for each of the project "
                f"or those `{entry.parent_param}=` names; rows: "
                f"`{entry.rows}`",
            )
        )
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
    """``text`` with the part between the markers replaced by :func:`render_markdown`."""
    return rewrite(text, COMMAND, render_markdown())


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite (or with ``--check`` verify) the generated table in a Markdown file."""
    return run(argv, module="procore_nb.api._docs", doc=__doc__, fresh=_with_table)


if __name__ == "__main__":
    sys.exit(main())
