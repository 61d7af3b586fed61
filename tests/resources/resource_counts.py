"""What the sandbox itself says a resource holds, asked over plain HTTP (not via the client).

A module of its own, not the conftest: with several test folders in one run, ``conftest``
names whichever was imported first.
"""

from __future__ import annotations

from typing import Any

import requests

import procore_nb
from procore_nb._constants import COMPANY_HEADER, TOTAL_HEADER
from procore_nb._registry import Resource, registry
from procore_nb.sandbox import Sandbox

#: Keywords that make a resource return more than Procore's default (daily logs: today only).
#: Every resource under the daily-log date rule (a plain ``log_date`` parameter).
WIDE: dict[str, dict[str, Any]] = {
    name: {"start_date": "2000-01-01", "end_date": "2100-12-31"}
    for name, entry in registry().items()
    if "log_date" in entry.filters and entry.filters["log_date"].plain
}


def server_count(
    sb: Sandbox, client: procore_nb.Client, entry: Resource, project_id: int | None
) -> int | None:
    """How many records the server holds for ``entry`` (in one project); None on 403/404."""
    token = client.token
    assert token is not None
    headers = {"Authorization": f"Bearer {token.access_token}", COMPANY_HEADER: str(sb.company_id)}
    fill: dict[str, Any] = {"company_id": sb.company_id, "project_id": project_id}
    params: dict[str, Any] = dict(WIDE.get(entry.name, {}))
    if entry.scope == "company_query":
        params["company_id"] = sb.company_id
    if entry.scope == "project_query":
        params["project_id"] = project_id
    if entry.show:  # one show per parent record: count the rows inside each
        return _shown(sb, entry, fill, headers)
    if entry.parent:
        parent = registry()[entry.parent]
        views = _get(sb, parent.path.format(**fill), headers, {"project_id": project_id})
        if views is None or not views.json():
            return None if views is None else 0
        fill[entry.parent_param] = views.json()[0][parent.key]
    if entry.paged:
        params["per_page"] = 1
    answer = _get(sb, entry.path.format(**fill), headers, params)
    if answer is None:
        return None
    return int(answer.headers[TOTAL_HEADER]) if entry.paged else len(answer.json())


def flat(entry: Resource, body: Any) -> list[dict[str, Any]]:
    """The records of a list body: a grouped list's groups opened (meetings), else as is."""
    if entry.groups and isinstance(body, list):
        return [item for group in body for item in group[entry.groups]]
    return list(body)


def _shown(
    sb: Sandbox, entry: Resource, fill: dict[str, Any], headers: dict[str, str]
) -> int | None:
    """The rows inside every show of the project's parent records (meeting topics)."""
    parent = registry()[entry.parent]
    listed = _get(sb, parent.path.format(**fill), headers, {"per_page": parent.max_per_page})
    if listed is None:
        return None
    count = 0
    for item in flat(parent, listed.json()):
        shown = _get(sb, entry.path.format(**fill, **{entry.parent_param: item["id"]}), headers, {})
        assert shown is not None
        level = [shown.json()]
        for key in entry.rows.split("."):
            level = [inner for holder in level for inner in holder[key]]
        count += len(level)
    return count


def _get(
    sb: Sandbox, path: str, headers: dict[str, str], params: dict[str, Any]
) -> requests.Response | None:
    answer = requests.get(sb.url + path, headers=headers, params=params, timeout=30)
    if answer.status_code in (403, 404):
        return None
    answer.raise_for_status()
    return answer
