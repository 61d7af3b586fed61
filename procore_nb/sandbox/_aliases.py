"""Documented paths clients call besides the registry's own, served from the same records.

Older versions of a registry resource answer its records in the shape that version documents
(``/rest/v1.0/punch_items`` adds where each item was raised; ``/rest/v1.0/.../submittals`` is
v1.0's own item); the company users of v1.0 and v1.1 have no ``view``. Three lists the
registry does not hold are served the same way, each from a generator of its own: a company's
people, a budget view's columns and its budget details (which Procore lists with ``POST``, the
filters in the body; the sandbox answers ``GET`` too and reads no body).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from procore_nb._registry import Filter, Resource, registry

from ._calls import Call

Record = dict[str, Any]
#: Given the call and its scope id, how each record of this path looks.
Shape = Callable[[Call, int], Callable[[Record], Record]]
GET = ("GET", "HEAD")


@dataclass(frozen=True)
class Alias:
    """One more path: the entry that serves it, the records' shape there, its methods."""

    entry: Resource
    shape: Shape | None = None
    methods: tuple[str, ...] = GET

    @property
    def pattern(self) -> re.Pattern[str]:
        regex = re.sub(r"\\\{([a-z_]+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.entry.path))
        return re.compile(f"^{regex}$")


_COORDINATES = ("latitude", "longitude", "altitude", "horizontal_accuracy", "vertical_accuracy")


def _punch_v10(call: Call, project_id: int) -> Callable[[Record], Record]:
    """v1.0 punch items: the v1.1 item and where it was raised (near the project, as text)."""
    found = call.state.world.project(project_id)
    site = found[1] if found else {}
    lat, lon = site.get("latitude"), site.get("longitude")

    def shape(record: Record) -> Record:
        if lat is None or lon is None:
            return record | dict.fromkeys(_COORDINATES)
        offset = (record["id"] % 97 - 48) * 1e-5
        return record | {
            "latitude": f"{lat + offset:.6f}",
            "longitude": f"{lon - offset:.6f}",
            "altitude": None,
            "horizontal_accuracy": "5.0",
            "vertical_accuracy": None,
        }

    return shape


_SUBMITTAL_V10 = (
    "id", "number", "formatted_number", "title", "revision", "current_revision", "private",
    "status", "type", "specification_section", "responsible_contractor", "received_from",
    "submittal_manager", "created_by", "approvers", "submittal_package", "due_date",
    "issue_date", "received_date", "submit_by", "distributed_at", "created_at", "updated_at",
    "custom_fields",
)  # fmt: skip


def _submittal_v10(call: Call, project_id: int) -> Callable[[Record], Record]:
    """v1.0 submittals (the generated SDK's model): references, a location object, no lead time."""
    places = {loc["id"]: loc for loc in call.state.store.project(project_id).locations}

    def shape(record: Record) -> Record:
        return {key: record.get(key) for key in _SUBMITTAL_V10} | {
            "ball_in_court": [{"id": u["id"], "name": u["name"]} for u in record["ball_in_court"]],
            "location": places.get(record["location_id"]),
            "sub_job": None,
            "attachments_count": 0,
            "buffer_time": 0,
            "for_record_only": False,
            "open_date": record["issue_date"],
        }

    return shape


def _unpaged(entry: Resource, name: str, path: str) -> Resource:
    return replace(
        entry,
        name=name,
        path=path,
        paged=False,
        max_per_page=0,
        default_per_page=0,
        sort=None,
        filters=MappingProxyType({}),
    )


def aliases() -> tuple[Alias, ...]:
    """Every alias path, built from the registry entries it shares records with."""
    entries = registry()
    users = replace(entries["company_users"], views=(), default_view="", view_param="")
    people_filters = {
        "is_employee": Filter("is_employee", "bool", "filters[is_employee]"),
        "search": Filter("search", "str", "filters[search]"),
    }
    people = replace(
        users,
        name="company_people",
        path="/rest/v1.0/companies/{company_id}/people",
        sort=None,
        updated_at=False,
        created_at=False,
        filters=MappingProxyType(people_filters),
    )
    view = "/rest/v1.0/budget_views/{budget_view_id}"
    rows = entries["budget_detail_rows"]
    return (
        Alias(replace(entries["punch_items"], path="/rest/v1.0/punch_items"), _punch_v10),
        Alias(replace(users, path="/rest/v1.0/companies/{company_id}/users")),
        Alias(replace(users, path="/rest/v1.1/companies/{company_id}/users")),
        Alias(replace(users, path="/rest/v1.2/companies/{company_id}/users")),
        Alias(
            replace(entries["direct_costs"], path="/rest/v1.0/projects/{project_id}/direct_costs")
        ),
        Alias(
            replace(
                entries["submittals"],
                path="/rest/v1.0/projects/{project_id}/submittals",
            ),
            _submittal_v10,
        ),
        Alias(people),
        Alias(_unpaged(rows, "budget_detail_columns", f"{view}/budget_detail_columns")),
        Alias(
            _unpaged(rows, "budget_details", f"{view}/budget_details"),
            methods=(*GET, "POST"),
        ),
    )
