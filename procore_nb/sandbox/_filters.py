"""Filters, sort orders and views of the registry's resources, applied to generated records.

The registry says which filters a resource takes and their types; this module reads them from
the query (a malformed value is a 400 naming the parameter and the expected form) and finds
the field each one tests. The field is found by Procore's naming habits (``location_id`` tests
``location_id`` or ``location.id``; ``assignee_id`` tests ``assignee.id``) unless
:data:`FIELDS` names it: those are sandbox-only facts, keyed by resource.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from procore_nb._registry import Filter, Resource

from ._incoming import Params
from ._paging import ParamError

Record = dict[str, Any]
Test = Callable[[Record], bool]

#: (resource, filter) -> the field it tests, dotted; ``[]`` walks a list.
FIELDS: dict[tuple[str, str], str] = {
    ("rfis", "assigned_id"): "assignees[].id",
    ("rfis", "received_from_login_information_id"): "received_from.id",
    ("rfis", "prefix_stage_id"): "project_stage.id",
    ("submittals", "ball_in_court_id"): "ball_in_court[].id",
    ("submittals", "approver_id"): "approvers[].user.id",
    ("submittals", "type"): "type.name",
    ("submittals", "division"): "specification_section.number",
    ("submittals_v2", "ball_in_court_company_id"): "ball_in_court[].vendor.id",
    ("punch_items", "vendor_id"): "assignments[].vendor.id",
    ("punch_items", "approver_login_information_id"): "final_approver.id",
    ("observations", "trade_ids"): "trade.id",
    ("observations", "assignee_company_id"): "assignee.vendor.id",
    ("checklists", "inspector_id"): "inspectors[].id",
    ("checklists", "spec_section_id"): "specification_section.id",
    ("company_users", "vendor_id"): "vendor.id",
    ("project_users", "vendor_id"): "vendor.id",
    ("project_users", "employee"): "is_employee",
    ("project_users", "permission_template"): "permission_template.id",
    ("vendors", "trade_id"): "trades[].id",
    ("project_vendors", "trade_id"): "trades[].id",
    ("manpower_logs", "vendor_id"): "vendor.id",
    ("commitment_change_orders", "vendor_id"): "received_from.id",
    ("correspondence_type_items", "vendor_id"): "received_from.company.id",
    ("correspondence_type_items", "login_information_id"): "assignees[].id",
    ("images", "trade_ids"): "trades[].id",
    ("images", "uploader_id"): "uploader.id",
    ("drawing_revisions", "drawing_area_id"): "drawing_area.id",
    ("drawing_revisions", "drawing_id"): "drawing_id",
    ("drawing_revisions", "drawing_discipline_id"): "discipline.id",
    ("drawing_revisions", "drawing_set_id"): "drawing_set.id",
    ("images", "image_category_id"): "image_category_id",
    ("change_order_packages", "contract_id"): "contract_id",
    ("meetings", "assignee_id"): "meeting_categories[].meeting_topic[].assignments[].id",
}
#: Fields ``search`` and ``query`` look in.
TEXT_FIELDS = (
    "name",
    "title",
    "subject",
    "number",
    "description",
    "comment",
    "email_address",
    "first_name",
    "last_name",
)
#: (resource, filter) -> {code sent: value in the record} where Procore filters by codes.
CODES: dict[tuple[str, str], dict[str, str]] = {
    ("checklists", "status"): {"0": "Open", "1": "In Review", "2": "Closed"},
}
#: Filters a resource applies when the request sends none (daily logs: approved only).
DEFAULTS: dict[str, dict[str, str]] = {
    "manpower_logs": {"status": "approved"},
    "notes_logs": {"status": "approved"},
    "delivery_logs": {"status": "approved"},
    "daily_construction_report_logs": {"status": "approved"},
}
#: (resource, view) -> the fields of that view; views not listed send the whole record.
VIEWS: dict[tuple[str, str], tuple[str, ...]] = {
    ("project_users", "compact"): ("id", "name", "first_name", "last_name", "initials", "vendor"),
    ("tasks", "compact"): ("id", "name", "key", "task_name"),
    ("cost_codes", "erp_compact"): ("id", "name", "full_code", "origin_id", "origin_data"),
    ("project_vendors", "name"): ("id", "name"),
    ("project_vendors", "minimal"): ("id", "name", "logo", "is_active"),
    ("vendors", "compact"): ("id", "name"),
    ("drawings", "compact"): ("id", "number", "title", "obsolete", "discipline"),
}
#: Views that answer a bare list of ids.
ID_VIEWS = frozenset({"ids_only", "ids"})

_RANGE_HELP = "must be a range START...END of ISO 8601 {what} (e.g. {example})"
_EXAMPLES = {
    "datetime": "2024-01-01T00:00:00Z...2024-02-01T00:00:00Z",
    "date": "2024-01-01...2024-01-31",
}


def field_getter(path: str) -> Callable[[Record], list[Any]]:
    """Values at a dotted ``path`` of a record (``a[].b`` walks the list ``a``)."""
    steps = path.split(".")

    def get(record: Record) -> list[Any]:
        values: list[Any] = [record]
        for step in steps:
            many = step.endswith("[]")
            name = step[:-2] if many else step
            found: list[Any] = []
            for value in values:
                if not isinstance(value, dict):
                    continue
                item = value.get(name)
                if many and isinstance(item, list):
                    found.extend(item)
                elif item is not None:
                    found.append(item)
            values = found
        return values

    return get


def resolve(resource: str, name: str, sample: Record | None) -> str | None:
    """The field filter ``name`` tests on this resource's records, or None if none fits."""
    known = FIELDS.get((resource, name))
    if known or sample is None:
        return known
    candidates = [name]
    for suffix, tail in (("_ids", ".id"), ("_id", ".id"), ("_id", "s[].id")):
        if name.endswith(suffix):
            candidates.append(name[: -len(suffix)] + tail)
    for candidate in candidates:
        head = candidate.split(".")[0].removesuffix("[]")
        if head in sample:
            return candidate
    return None


def range_bounds(raw: str, name: str, *, dates: bool) -> tuple[str, str]:
    """``START...END`` as two comparable UTC strings (400 when malformed)."""
    what = "dates" if dates else "times"
    help_ = _RANGE_HELP.format(what=what, example=_EXAMPLES["date" if dates else "datetime"])
    parts = raw.split("...")
    if len(parts) != 2 or not all(part.strip() for part in parts):
        raise ParamError(name, help_)
    try:
        moments = [dt.datetime.fromisoformat(part.strip().replace(" ", "+")) for part in parts]
    except ValueError:
        raise ParamError(name, help_) from None
    if dates:
        low, high = (m.strftime("%Y-%m-%d") for m in moments)
    else:
        low, high = (_utc(m) for m in moments)
        if len(parts[1].strip()) == 10:  # a bare END date includes that whole day
            high = high[:11] + "23:59:59Z"
    if low > high:
        raise ParamError(name, "must start before it ends")
    return low, high


def _utc(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def raw_values(params: Params, spec: Filter) -> list[str]:
    """What the request sent for ``spec``: repeated pairs, comma lists, or one value."""
    values = params.getlist(spec.param)
    if not spec.param.endswith("[]"):
        values += params.getlist(spec.param + "[]")
    else:  # Rails reads filters[x]=1 as filters[x][]=1: generated clients send the former
        values += params.getlist(spec.param.removesuffix("[]"))
    if spec.type.endswith("_list"):
        values = [part for value in values for part in value.split(",") if part != ""]
    return [v for v in values if v != ""]


def tests(entry: Resource, params: Params, sample: Record | None) -> list[Test]:
    """One test per filter the request sends (unknown filters are ignored, as Procore does)."""
    found: list[Test] = []
    defaults = DEFAULTS.get(entry.name, {})
    for name, spec in entry.filters.items():
        plain = spec.plain and spec.type in ("date", "bool", "int")
        if name == "include_deleted" or (plain and (entry.name, name) not in FIELDS):
            continue  # plain ids that narrow a list are named in FIELDS
        values = raw_values(params, spec)
        if not values and name in defaults:
            values = [defaults[name]]
        if not values:
            continue
        test = _test(entry, spec, values, sample)
        if test is not None:
            found.append(test)
    return found


def _test(entry: Resource, spec: Filter, values: list[str], sample: Record | None) -> Test | None:
    name, kind = spec.name, spec.type
    if kind in ("date_range", "datetime_range"):
        low, high = range_bounds(values[0], spec.param, dates=kind == "date_range")
        get = field_getter(resolve(entry.name, name, sample) or name)
        size = len(low)
        return lambda r: any(isinstance(v, str) and low <= v[:size] <= high for v in get(r))
    if name in ("search", "query"):
        needle = values[0].lower()
        return lambda r: any(needle in str(r.get(f) or "").lower() for f in TEXT_FIELDS)
    wanted = _wanted(entry, spec, values)
    if wanted is None:
        return None
    if (entry.name, name) in CODES:
        name = "status"
    path = resolve(entry.name, name, sample)
    if path is None:
        return None
    get = field_getter(path)
    if name == "division":
        return lambda r: any(str(v)[:2] in wanted for v in get(r))
    exact = kind in ("int", "int_list", "bool")
    return lambda r: any((v if exact else str(v).lower()) in wanted for v in get(r))


def _wanted(entry: Resource, spec: Filter, values: list[str]) -> set[Any] | None:
    """The values a filter keeps, as the records hold them (None: keep everything)."""
    kind = spec.type
    if kind in ("int", "int_list"):
        try:
            numbers = {int(v) for v in values}
        except ValueError:
            raise ParamError(spec.param, "must be an integer id or a list of them") from None
        codes = CODES.get((entry.name, spec.name))
        return {codes.get(str(v)) for v in numbers} if codes else set(numbers)
    if kind == "bool":
        lowered = values[0].lower()
        if lowered not in ("true", "false"):
            raise ParamError(spec.param, "must be true or false")
        return {lowered == "true"}
    if kind in ("enum", "enum_list"):
        allowed = dict(zip(spec.codes or spec.values, spec.values, strict=True))
        known = {a.lower() for a in allowed}
        bad = [v for v in values if v not in allowed and v.lower() not in known]
        if bad:
            raise ParamError(spec.param, f"must be one of {', '.join(allowed)}")
        wanted = {allowed.get(v, v).lower() for v in values}
        return None if "all" in wanted else wanted
    return {v.lower() for v in values}


def sort_key(path: str) -> Callable[[Record], Any]:
    """A sort key on a field: nested objects sort by their name (or number)."""
    candidates = [path, path.removesuffix("_name") + ".name", "email_address", "name"]

    def key(record: Record) -> Any:
        for candidate in candidates[:2] if path not in ("email", "full_name") else candidates[2:]:
            values = field_getter(candidate)(record)
            if values:
                value = values[0]
                if isinstance(value, dict):
                    value = value.get("name") or value.get("number")
                return value
        return None

    return key


def sort_order(entry: Resource, params: Params) -> list[tuple[str, bool]]:
    """The sort fields the request asks for, with ``descending`` (400 for unknown fields)."""
    if entry.sort is None:
        return []
    allowed = entry.sort.fields
    if entry.sort.style == "attribute":
        field_ = params.get("sort[attribute]")
        if not field_:
            return []
        direction = (params.get("sort[direction]") or "asc").lower()
        if direction not in ("asc", "desc"):
            raise ParamError("sort[direction]", "must be asc or desc")
        order = [(field_, direction == "desc")]
        name = "sort[attribute]"
    else:
        raw = params.get("sort") or ""
        order = [(part.lstrip("-"), part.startswith("-")) for part in raw.split(",") if part]
        name = "sort"
    for field_, _ in order:
        if field_ not in allowed:
            raise ParamError(name, f"must be one of {', '.join(allowed)}")
    return order


def sort(records: list[Record], order: list[tuple[str, bool]]) -> list[Record]:
    """``records`` sorted by ``order``, nulls last in either direction, ties by id."""
    result = sorted(records, key=lambda r: r.get("id") or 0)
    for field_, descending in reversed(order):
        key = sort_key(field_)
        present = [r for r in result if key(r) is not None]
        missing = [r for r in result if key(r) is None]
        present.sort(
            key=lambda r: str(key(r)) if not isinstance(key(r), int | float) else key(r),
            reverse=descending,
        )
        result = present + missing
    return result
