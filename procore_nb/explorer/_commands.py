"""The line of Python and the curl command that reproduce what the explorer shows.

Neither holds a secret: the curl command writes the access token as ``$PROCORE_TOKEN``
(print yours with ``procore-nb token`` or from ``client.token``, and export it).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from procore_nb._registry import Resource, registry
from procore_nb.api._filters import build_query

__all__ = ["Pick", "curl_command", "python_line"]

#: What stands for the access token in the curl command.
TOKEN_VARIABLE = "$PROCORE_TOKEN"  # noqa: S105 (a shell variable's name, not a token)
#: What stands for each project's id in the loop of the curl command, before quoting.
_PROJECT = "__PROJECT_ID__"
#: What stands for ``page=N`` in the paging loop, before quoting.
_PAGE = "__PAGE__"
#: The shell variable naming the file each page's response headers are written to.
HEADERS_VARIABLE = "$HEADERS"


@dataclass(frozen=True)
class Pick:
    """A resource, the projects to read it for, and its keyword filters.

    ``projects`` is ``"active"``, ``"all"``, one project id, or None for company-wide
    resources; ``project_ids`` lists the ids ``"active"`` or ``"all"`` stand for (the curl
    command loops over them).
    """

    resource: str
    projects: str | int | None = None
    filters: Mapping[str, Any] = field(default_factory=dict)
    project_ids: Sequence[int] = ()

    @property
    def entry(self) -> Resource:
        """The registry entry of the resource."""
        return registry()[self.resource]

    @property
    def project_scoped(self) -> bool:
        """Whether the resource is read per project."""
        return self.entry.scope in ("project_path", "project_query")


def _literal(value: Any) -> str:
    """``value`` as Python source, strings in double quotes."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(_literal(v) for v in value) + ")"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return repr(value)


def python_line(pick: Pick, *, client: str = "client") -> str:
    """``df = client.frame(...)``: the call that reads the same frame.

    Examples
    --------
    >>> python_line(Pick("rfis", "active", {"status": "open"}))
    'df = client.frame("rfis", projects="active", status="open")'
    """
    parts = [f'"{pick.resource}"']
    if pick.project_scoped and pick.projects is not None:
        parts.append(f"projects={_literal(pick.projects)}")
    for name, value in pick.filters.items():
        parts.append(f"{name}={_literal(value)}")
    return f"df = {client}.frame({', '.join(parts)})"


def _paged(command: str) -> str:
    """``command`` (one request) repeated for each page while Procore's ``Link`` names a next."""
    indented = command.replace("\n", "\n  ")
    return (
        "PAGE=1\n"
        "while :; do\n"
        f"  {indented} || break\n"
        "  echo\n"
        f'  grep -qi \'^link:.*rel="next"\' "{HEADERS_VARIABLE}" || break\n'
        "  PAGE=$((PAGE + 1))\n"
        "done"
    )


def curl_command(
    pick: Pick, *, api_url: str, company_id: int | None, per_page: int | None = None
) -> str:
    """The equivalent ``curl`` command: every page, and a loop over the projects when several.

    The token is ``$PROCORE_TOKEN``; the ``Procore-Company-Id`` header is the company's.
    Pages are as large as the resource allows (or ``per_page``); the command asks for page 1,
    2, ... for as long as Procore's ``Link`` header names a ``rel="next"`` page, printing
    each page's JSON array on a line of its own (``| jq -s add`` joins them into one array).
    The headers go to a temporary file, removed at the end.

    Examples
    --------
    >>> print(curl_command(Pick("trades"), api_url="https://p", company_id=8, per_page=50))
    HEADERS=$(mktemp)
    PAGE=1
    while :; do
      curl -sSg -D "$HEADERS" "https://p/rest/v1.0/companies/8/trades?per_page=50&page=${PAGE}" \\
        -H "Authorization: Bearer $PROCORE_TOKEN" \\
        -H 'Procore-Company-Id: 8' || break
      echo
      grep -qi '^link:.*rel="next"' "$HEADERS" || break
      PAGE=$((PAGE + 1))
    done
    rm -f "$HEADERS"
    """
    url, project, loop = _url(pick, api_url=api_url, company_id=company_id, per_page=per_page)
    paged = _PAGE in url
    if paged or project == _PROJECT:
        # in double quotes so that ${PROJECT_ID} and ${PAGE} expand: nothing else in the URL
        # can, since every other character that the shell reads inside them is percent-encoded
        url = url.replace(_PROJECT, "${PROJECT_ID}").replace(_PAGE, "page=${PAGE}")
        quoted = f'"{url}"'
    else:
        quoted = shlex.quote(url)
    # -g: the brackets of filters[...] are not curl's URL globbing
    first = f'curl -sSg -D "{HEADERS_VARIABLE}" {quoted}' if paged else f"curl -sSg {quoted}"
    lines = [first, f'-H "Authorization: Bearer {TOKEN_VARIABLE}"']
    if company_id is not None:
        lines.append("-H " + shlex.quote(f"Procore-Company-Id: {company_id}"))
    command = " \\\n  ".join(lines)
    if paged:
        command = _paged(command)
    if project == _PROJECT:
        ids = " ".join(str(i) for i in loop) or "PROJECT_IDS"
        indented = command.replace("\n", "\n  ")
        command = f"for PROJECT_ID in {ids}; do\n  {indented}\ndone"
    if paged:
        command = f'{HEADERS_VARIABLE[1:]}=$(mktemp)\n{command}\nrm -f "{HEADERS_VARIABLE}"'
    return command


def _url(
    pick: Pick, *, api_url: str, company_id: int | None, per_page: int | None
) -> tuple[str, str | None, list[int]]:
    """The URL (with placeholders for the project and page), the project, the projects' ids."""
    entry = pick.entry
    query: dict[str, Any] = {}
    if entry.scope == "company_query" and company_id is not None:
        query["company_id"] = company_id
    loop: list[int] = []
    project: str | None = None
    if pick.project_scoped:
        if isinstance(pick.projects, int):
            project = str(pick.projects)
        else:
            loop = list(pick.project_ids)
            project = _PROJECT
    if entry.scope == "project_query" and project is not None:
        query["project_id"] = project
    query |= build_query(entry, dict(pick.filters))
    size = per_page or entry.max_per_page
    paged = entry.paged and size > 0
    if paged:
        query["per_page"] = size
    fill = {"company_id": company_id, "project_id": project}
    path = entry.path.format(**{k: v for k, v in fill.items() if k in entry.path})
    text = urlencode(query, doseq=True, safe="[].,:")  # the rest percent-encoded
    if paged:
        text += ("&" if text else "") + _PAGE
    return api_url.rstrip("/") + path + (f"?{text}" if text else ""), project, loop
