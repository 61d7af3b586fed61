"""Every registry resource beyond the hand-made ones, served by one handler driven by its entry.

The entry gives the path (and so the route), the scope (company or project, in the path or
the query), the tool (a disabled tool answers 403), paging limits, filters with their types,
sort syntax and views, and whether deleted records can be asked for. The records come from the
resource's generator through the :class:`~._store.Store`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from procore_nb._constants import COMPANY_HEADER, TOTAL_HEADER
from procore_nb._registry import Resource, registry

from ._aliases import Shape
from ._calls import Call, Reply, RestError, company_param, not_found, to_int, visible
from ._filters import ID_VIEWS, VIEWS, sort, sort_order, tests
from ._paging import ParamError, paginate, parse_page
from ._store import Bucket
from ._tools import message
from .generators import GENERATORS

#: Served by their own handlers: in ``_rest.py`` (they predate the registry) and in
#: ``_meetings.py`` (grouped lists and a show).
HANDMADE = frozenset({"companies", "projects", "project_stages", "meetings", "meeting_topics"})
#: Lists of a company's projects: a non-admin sees only the projects they belong to.
PROJECT_LISTS = frozenset({"company_projects"})
NO_ACCESS = "You do not have access to this project."
#: (resource, view) -> fields its records hold that this view leaves out ("" is no view):
#: v1.3 company users' role and verification are extended only, and project users (sharing
#: those records) have no extended view; project vendors' normal view is the company vendor
#: without its directory details, which extended adds back except two.
_USERS_EXTRA = ("role", "verified_employee")
_VENDOR_DETAILS = ("contact_count", "standard_cost_codes")
HIDDEN: dict[tuple[str, str], tuple[str, ...]] = {
    ("company_users", ""): _USERS_EXTRA,
    ("company_users", "normal"): _USERS_EXTRA,
    ("project_users", "normal"): _USERS_EXTRA,
    ("project_vendors", "normal"): (
        *_VENDOR_DETAILS,
        "legal_name",
        "children_count",
        "parent",
        "bidding",
        "bidding_distribution",
        "trades",
        "company_vendor",
    ),
    ("project_vendors", "extended"): _VENDOR_DETAILS,
}
#: Children whose records do not name their parent: (a sibling resource, its field naming the
#: child, its field naming the parent). Drawings: their revisions name the drawing area.
LINKS: dict[str, tuple[str, str, str]] = {
    "drawings": ("drawing_revisions", "drawing_id", "drawing_area"),
}

Record = dict[str, Any]


def source(entry: Resource) -> str | None:
    """The generator of ``entry``: its own, or (another version of a resource, such as a v2.0
    path) the generator named by the path's last segment."""
    if entry.name in GENERATORS:
        return entry.name
    last = entry.path.rstrip("/").rsplit("/", 1)[-1]
    return last if last in GENERATORS else None


def patterns() -> list[tuple[re.Pattern[str], Resource]]:
    """A path pattern per served resource, from its registry path."""
    found = []
    for entry in registry().values():
        if entry.name in HANDMADE or source(entry) is None:
            continue
        regex = re.sub(r"\\\{([a-z_]+)\\\}", r"(?P<\1>[^/]+)", re.escape(entry.path))
        found.append((re.compile(f"^{regex}$"), entry))
    return found


def handler(entry: Resource, shape: Shape | None = None) -> Callable[[Call], Reply]:
    """The REST resource serving ``entry`` (its records in ``shape``, when given)."""
    return lambda call: serve(entry, call, shape)


def scope_of(entry: Resource, call: Call) -> int:
    """The company or project id of this call, after Procore's checks (400, 403, 404)."""
    params, path = call.request.params, call.request.path_params
    if entry.scope == "company_query":
        return company_param(call).id
    if entry.scope == "company_path":
        company = visible(call.state, call.user, to_int(path["company_id"], "company_id"))
        if call.company is not None and call.company.id != company.id:
            raise ParamError("company_id", f"does not match the {COMPANY_HEADER} header")
        return company.id
    raw = path.get("project_id") or params.get("project_id")
    if not raw:
        raise ParamError("project_id", "is missing")
    project_id = to_int(raw, "project_id")
    found = call.state.world.project(project_id)
    if found is None or (call.company is not None and found[0].id != call.company.id):
        raise not_found()
    if "company_id" in path and to_int(path["company_id"], "company_id") != found[0].id:
        raise not_found()  # v2 paths name the company too
    if not call.user.admin and project_id not in call.user.projects:
        raise RestError(403, {"errors": [NO_ACCESS]})
    if entry.tool and not call.state.tools.allows(project_id, entry.tool):
        raise RestError(403, {"errors": [message(entry.tool)]})
    return project_id


def serve(entry: Resource, call: Call, shape: Shape | None = None) -> Reply:
    """Answer one list call of ``entry``."""
    params, state = call.request.params, call.state
    scope_id = scope_of(entry, call)
    if entry.parent:
        wanted = to_int(call.request.path_params[entry.parent_param], entry.parent_param)
        if wanted not in {r["id"] for r in state.store.bucket(entry.parent, scope_id).live()}:
            raise not_found()
    page = None
    if entry.paged:
        page = parse_page(params, maximum=entry.max_per_page, default=entry.default_per_page)
    view = (params.get(entry.view_param) if entry.view_param else None) or entry.default_view
    if view and view not in entry.views:
        raise ParamError(entry.view_param, f"must be one of {', '.join(entry.views)}")
    bucket = state.store.bucket(source(entry) or entry.name, scope_id)
    member = None
    if entry.name in PROJECT_LISTS and not call.user.admin:
        member = call.user.id
    query = tuple(
        (k, v) for k, v in params.pairs if k not in ("page", "per_page", entry.view_param)
    )
    day = state.clock.now() // 86_400
    parent = call.request.path_params.get(entry.parent_param) if entry.parent else None
    key = (entry.name, scope_id, bucket.version, member, query, day, parent)
    found = state.results.get(key, lambda: _select(entry, call, bucket))
    if entry.name in LINKS and parent is not None:
        found = _linked(entry, call, scope_id, found)
    headers: dict[str, str] = {}
    if page is not None:
        chunk, headers = paginate(found, page, call.request.link_base)
    else:
        chunk = found
        headers = {TOTAL_HEADER: str(len(found))}
    look = shape(call, scope_id) if shape else None
    return Reply(_body(entry, view, chunk, bucket, look), headers, len(chunk))


def _body(
    entry: Resource,
    view: str,
    chunk: Sequence[Record],
    bucket: Bucket,
    look: Callable[[Record], Record] | None,
) -> bytes:
    """The JSON of one page: in the entry's envelope, view or alias shape."""
    hidden = HIDDEN.get((entry.name, view), ())
    if view in ID_VIEWS:
        return json.dumps([r["id"] for r in chunk]).encode()
    if entry.envelope:
        return _dump({"data": [_v2(_view(entry, view, r)) for r in chunk]})
    if (entry.name, view) in VIEWS:
        return _dump([_view(entry, view, r) for r in chunk])
    if look is not None:
        return _dump([_shaped(r, look, hidden) for r in chunk])
    if hidden:
        return b"[" + b",".join(bucket.encode_without(r, hidden) for r in chunk) + b"]"
    return b"[" + b",".join(bucket.encode(r) for r in chunk) + b"]"


def _select(entry: Resource, call: Call, bucket: Bucket) -> list[Record]:
    params = call.request.params
    records = _deleted(entry, params.get("filters[include_deleted]"), bucket)
    if entry.name in PROJECT_LISTS and not call.user.admin:
        records = [r for r in records if r["id"] in call.user.projects]
    if params.get("budget_row_type") == "unbudgeted":
        records = []  # every cost code of the sandbox's budgets is budgeted
    checks = tests(entry, params, bucket.records[0] if bucket.records else None)
    day_rule = entry.filters.get("log_date")
    if day_rule is not None and day_rule.plain:  # not photos' filters[log_date]
        checks.append(_days(call))
    if checks:
        records = [r for r in records if all(check(r) for check in checks)]
    order = sort_order(entry, params)
    return sort(records, order) if order else list(records)


def _linked(entry: Resource, call: Call, scope_id: int, records: list[Record]) -> list[Record]:
    """The children of the path's parent, found through the sibling resource that links them."""
    sibling, child, parent = LINKS[entry.name]
    wanted = to_int(call.request.path_params[entry.parent_param], entry.parent_param)
    linked = call.state.store.bucket(sibling, scope_id).live()
    keep = {r[child] for r in linked if (r.get(parent) or {}).get("id") == wanted}
    return [r for r in records if r["id"] in keep]


def _deleted(entry: Resource, raw: str | None, bucket: Bucket) -> list[Record]:
    if not entry.include_deleted or not raw:
        return bucket.live()
    if raw == "only":
        return [r for r in bucket.records if r["id"] in bucket.deleted]
    if raw == "with":
        return list(bucket.records)
    raise ParamError("filters[include_deleted]", "must be only or with")


def _days(call: Call) -> Callable[[Record], bool]:
    """Daily logs: ``log_date``, or ``start_date`` and ``end_date``; today without either."""
    params = call.request.params
    today = dt.datetime.fromtimestamp(call.state.clock.now(), dt.UTC).strftime("%Y-%m-%d")
    one, start, end = params.get("log_date"), params.get("start_date"), params.get("end_date")
    if one:
        low = high = _date(one, "log_date")
    elif start or end:
        if not (start and end):
            raise ParamError("end_date" if start else "start_date", "is missing: send both")
        low, high = _date(start, "start_date"), _date(end, "end_date")
    else:
        low = high = today
    return lambda r: low <= r["date"] <= high


def _date(raw: str, name: str) -> str:
    try:
        return dt.date.fromisoformat(raw).isoformat()
    except ValueError:
        raise ParamError(name, "must be a date, YYYY-MM-DD") from None


def _view(entry: Resource, view: str, record: Record) -> Record:
    fields = VIEWS.get((entry.name, view))
    return {k: record.get(k) for k in fields} if fields else record


def _shaped(record: Record, look: Callable[[Record], Record], hidden: tuple[str, ...]) -> Record:
    if hidden:
        record = {k: v for k, v in record.items() if k not in hidden}
    return look(record)


def _v2(record: Record) -> Record:
    """API v2's shape: ids as strings."""
    return {
        k: str(v) if (k == "id" or k.endswith("_id")) and isinstance(v, int) else v
        for k, v in record.items()
    }


def _dump(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()
