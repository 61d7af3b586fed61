"""Meetings: Procore's grouped list, its deleted meetings, the deprecated v1.0 list, and a show.

- ``GET /rest/v1.1/projects/{project_id}/meetings`` answers groups, not records:
  ``[{group_title, meetings: [item]}]``, one group per series. Procore does not say whether a
  page counts groups or meetings; here **a page counts meetings**: ``Total`` is the number of
  meetings, ``per_page`` meetings are cut from the list (ordered by group, then position) and
  grouped again, so a group cut by a page boundary appears on both pages under its title.
- ``deleted_only=true`` answers one object ``{meetings: [item]}`` of the deleted meetings,
  ungrouped (paged the same way).
- ``GET /rest/v1.0/meetings?project_id=`` (deprecated) answers the same groups, each item with
  ``meeting_date`` instead of ``starts_at`` and ``ends_at``.
- ``GET /rest/v1.1/projects/{project_id}/meetings/{id}`` answers one meeting with the show's
  fields: attendees, and categories holding their topics (which have no list of their own).

``serializer_view=extended`` adds the meeting's template (``meeting_template: {id, name}``),
the sandbox's choice where the reference lists no fields. Filters: ``filters[id]`` and
``filters[assignee_id]`` (meetings with a topic assigned to that person).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from procore_nb._registry import registry

from ._calls import Call, Reply, not_found, to_int
from ._filters import tests
from ._paging import ParamError, paginate, parse_page
from ._resources import scope_of
from ._store import Bucket

Record = dict[str, Any]

#: The list item's fields (reference section 26), in order.
ITEM = (
    *("id", "meeting_template_id", "position", "created_by_id", "parent_id"),
    *("meeting_topics_count", "title", "description", "location", "mode", "occurred"),
    *("is_private", "starts_at", "ends_at", "created_at", "updated_at"),
)
#: The deprecated v1.0 item: one meeting date instead of the start and end.
ITEM_V10 = (*(f for f in ITEM if f not in ("starts_at", "ends_at")), "meeting_date")
#: What the show adds to the item.
SHOW = (
    *("time_zone", "conclusion", "remote_meeting_url", "is_draft", "attachments"),
    *("attendees", "meeting_categories"),
)
_EXTENDED = ("meeting_template",)
_BOOLS = {"true": True, "false": False}


def _deleted(bucket: Bucket, record: Record) -> bool:
    return record["id"] in bucket.deleted or bool(record.get("deleted_at"))


def _view(call: Call) -> tuple[str, ...]:
    entry = registry()["meetings"]
    view = call.request.params.get(entry.view_param) or entry.default_view
    if view not in entry.views:
        raise ParamError(entry.view_param, f"must be one of {', '.join(entry.views)}")
    return _EXTENDED if view == "extended" else ()


def _listed(call: Call, fields: tuple[str, ...]) -> Reply:
    """The grouped list of one project's meetings (or its deleted ones), one page of it."""
    entry = registry()["meetings"]
    project = scope_of(entry, call)
    params = call.request.params
    page = parse_page(params, maximum=entry.max_per_page, default=entry.default_per_page)
    fields += _view(call)
    raw = (params.get("deleted_only") or "false").lower()
    if raw not in _BOOLS:
        raise ParamError("deleted_only", "must be true or false")
    bucket = call.state.store.bucket("meetings", project)
    found = [r for r in bucket.records if _deleted(bucket, r) == _BOOLS[raw]]
    checks = tests(entry, params, found[0] if found else None)
    found = [r for r in found if all(check(r) for check in checks)]
    order = {title: k for k, title in enumerate(sorted({r["group_title"] for r in found}))}
    found.sort(key=lambda r: (order[r["group_title"]], r["position"], r["id"]))
    chunk, headers = paginate(found, page, call.request.link_base)
    items = [{k: r.get(k) for k in fields} for r in chunk]
    if _BOOLS[raw]:
        return Reply(_dump({"meetings": items}), headers, len(chunk))
    groups: list[Record] = []
    for record, item in zip(chunk, items, strict=True):
        if not groups or groups[-1]["group_title"] != record["group_title"]:
            groups.append({"group_title": record["group_title"], "meetings": []})
        groups[-1]["meetings"].append(item)
    return Reply(_dump(groups), headers, len(chunk))


def meetings(call: Call) -> Reply:
    """``GET /rest/v1.1/projects/{project_id}/meetings``."""
    return _listed(call, ITEM)


def meetings_v10(call: Call) -> Reply:
    """``GET /rest/v1.0/meetings?project_id=`` (deprecated): ``meeting_date`` items."""
    return _listed(call, ITEM_V10)


def meeting(call: Call) -> Reply:
    """``GET /rest/v1.1/projects/{project_id}/meetings/{id}``: one meeting, its topics inside."""
    entry = registry()["meeting_topics"]
    project = scope_of(entry, call)
    wanted = to_int(call.request.path_params[entry.parent_param], entry.parent_param)
    bucket = call.state.store.bucket("meetings", project)
    for record in bucket.records:
        if record["id"] == wanted and not _deleted(bucket, record):
            fields = (*ITEM, *SHOW, *_view(call))
            return Reply(_dump({k: record.get(k) for k in fields}), {}, 1)
    raise not_found()


def _dump(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


def routes() -> list[tuple[re.Pattern[str], Callable[[Call], Reply], str]]:
    """(path pattern, handler, version) of the three meeting paths."""
    project = r"^/rest/v1\.1/projects/(?P<project_id>[^/]+)/meetings"
    return [
        (re.compile(project + "$"), meetings, "v1.1"),
        (re.compile(project + r"/(?P<meeting_id>[^/]+)$"), meeting, "v1.1"),
        (re.compile(r"^/rest/v1\.0/meetings$"), meetings_v10, "v1.0"),
    ]
