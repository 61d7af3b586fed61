"""Project list queries: the filters, views and sort orders of ``/projects``.

Parsing turns query parameters into a hashable :class:`ProjectQuery`; results are cached by
query because clients page through the same query many times.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._data import Company, User
from ._incoming import Params
from ._paging import ParamError

STATUSES = {"active": "Active", "inactive": "Inactive", "all": "All"}
SORTABLE = frozenset(
    {
        "id", "name", "display_name", "project_number", "city", "state_code", "zip",
        "created_at", "updated_at", "start_date", "completion_date", "total_value", "stage",
    }
)  # fmt: skip


#: Sort fields sent as decimal strings that sort as numbers.
NUMERIC = frozenset({"total_value"})


@dataclass(frozen=True)
class ProjectQuery:
    status: str = "Active"
    name: str | None = None
    ids: frozenset[int] | None = None
    created: tuple[str, str] | None = None
    updated: tuple[str, str] | None = None
    origin_id: str | None = None
    stages: frozenset[int] | None = None
    sort: str = "id"
    descending: bool = False


def parse(params: Params, *, version: str) -> ProjectQuery:
    """A query from ``filters[...]`` and ``sort`` parameters (``ParamError`` when invalid)."""
    raw_status = params.get("filters[by_status]") or "Active"
    status = STATUSES.get(raw_status.lower())
    if status is None:
        raise ParamError(
            "filters[by_status]", "does not have a valid value (Active, Inactive, All)", 422
        )
    name = params.get("filters[name]") or None
    sort = params.get("sort") or "id"
    descending = sort.startswith("-")
    sort = sort.lstrip("-")
    if sort not in SORTABLE:
        raise ParamError("sort", f"must be one of {', '.join(sorted(SORTABLE))}", 422)
    return ProjectQuery(
        status=status,
        name=name.lower() if name else None,
        ids=_ints(params, "filters[id]"),
        created=_range(params, "filters[created_at]"),
        updated=_range(params, "filters[updated_at]"),
        origin_id=params.get("filters[origin_id]") or None,
        stages=_ints(params, "filters[by_stage]") if version == "v1.1" else None,
        sort=sort,
        descending=descending,
    )


def _ints(params: Params, name: str) -> frozenset[int] | None:
    # Arrays arrive as name[]=1&name[]=2; accept name=1,2 too.
    values = params.getlist(name + "[]") + [
        part for raw in params.getlist(name) for part in raw.split(",") if part
    ]
    if not values:
        return None
    try:
        return frozenset(int(v) for v in values)
    except ValueError:
        raise ParamError(name, "must be a list of integer ids") from None


def _range(params: Params, name: str) -> tuple[str, str] | None:
    raw = params.get(name)
    if not raw:
        return None
    parts = raw.split("...")
    if len(parts) != 2:
        raise ParamError(name, "must be a range of ISO 8601 times: START...END", 422)
    try:
        bounds = tuple(_utc(dt.datetime.fromisoformat(part.strip())) for part in parts)
    except ValueError:
        raise ParamError(name, "must be a range of ISO 8601 times: START...END", 422) from None
    if bounds[0] > bounds[1]:
        raise ParamError(name, "must start before it ends", 422)
    return bounds[0], bounds[1]


def _utc(moment: dt.datetime) -> str:
    # Records hold "YYYY-MM-DDTHH:MM:SSZ" strings, which compare correctly as text.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class QueryCache:
    """Results of recent queries, keyed by company, visibility and query."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._results: OrderedDict[tuple[int, int | None, ProjectQuery], list[dict[str, Any]]] = (
            OrderedDict()
        )

    def run(self, company: Company, user: User, query: ProjectQuery) -> list[dict[str, Any]]:
        """The company's projects this user may see that match ``query``, sorted."""
        member = None if user.admin else user.id
        key = (company.id, member, query)
        found = self._results.get(key)
        if found is not None:
            self._results.move_to_end(key)
            return found
        keep = _predicate(query, None if user.admin else user.projects)
        result = [record for record in company.projects if keep(record)]
        if query.sort != "id" or query.descending:
            present = [r for r in result if r[query.sort] is not None]
            missing = [r for r in result if r[query.sort] is None]
            field = query.sort
            number = field in NUMERIC
            present.sort(
                key=lambda r: (float(r[field]) if number else r[field], r["id"]),
                reverse=query.descending,
            )
            result = present + missing  # nulls last either way
        self._results[key] = result
        if len(self._results) > self._size:
            self._results.popitem(last=False)
        return result


def _predicate(
    query: ProjectQuery, members: frozenset[int] | None
) -> Callable[[dict[str, Any]], bool]:
    checks: list[Callable[[dict[str, Any]], bool]] = []
    if members is not None:
        checks.append(lambda r: r["id"] in members)
    if query.status != "All":
        active = query.status == "Active"
        checks.append(lambda r: r["active"] is active)
    if query.name is not None:
        needle = query.name
        checks.append(lambda r: needle in r["name"].lower())
    if query.ids is not None:
        ids = query.ids
        checks.append(lambda r: r["id"] in ids)
    if query.created is not None:
        low, high = query.created
        checks.append(lambda r: low <= r["created_at"] <= high)
    if query.updated is not None:
        low_u, high_u = query.updated
        checks.append(lambda r: low_u <= r["updated_at"] <= high_u)
    if query.origin_id is not None:
        origin = query.origin_id
        checks.append(lambda r: r["origin_id"] == origin)
    if query.stages is not None:
        stages = query.stages
        checks.append(lambda r: r["project_stage"]["id"] in stages)
    return lambda record: all(check(record) for check in checks)
