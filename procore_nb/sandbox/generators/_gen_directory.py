"""The directory: company users, project users, vendors, trades, cost codes, company projects."""

from __future__ import annotations

from ._base import DAY, Record, record_id, register, stamp
from ._context import CompanyContext, ProjectContext

_LINE_ITEM_TYPES = [
    {
        "id": k,
        "name": name,
        "code": name[0],
        "base_type": base,
        "origin_id": None,
        "origin_data": None,
    }
    for k, (name, base) in enumerate(
        (("Labor", "labor"), ("Materials", "materials"), ("Subcontract", "commitment")), start=1
    )
]
_TYPES = ("Commercial", "Healthcare", "Education", "Residential", "Industrial", "Infrastructure")


@register("company_users", scope="company")
def company_users(ctx: CompanyContext) -> list[Record]:
    """Everyone in the company's directory: its employees, then one contact per vendor."""
    return sorted(ctx.users, key=lambda u: u["id"])


@register("project_users")
def project_users(ctx: ProjectContext) -> list[Record]:
    """The builder's team on the project and the contacts of its vendors."""
    return sorted(ctx.users, key=lambda u: u["id"])


@register("vendors", scope="company")
def vendors(ctx: CompanyContext) -> list[Record]:
    """The company's vendors, each with its trade."""
    return list(ctx.vendors)


@register("project_vendors")
def project_vendors(ctx: ProjectContext) -> list[Record]:
    """The vendors with a trade on the project."""
    return sorted(ctx.vendors, key=lambda v: v["id"])


@register("trades", scope="company")
def trades(ctx: CompanyContext) -> list[Record]:
    """The company's trades."""
    return list(ctx.trades)


@register("company_projects", scope="company")
def company_projects(ctx: CompanyContext) -> list[Record]:
    """Every project of the company in the shape of ``/companies/{company_id}/projects``."""
    admin = ctx.employees[0]
    return [
        {
            "id": project["id"],
            "name": project["name"],
            "stage_name": project["stage"],
            "status_name": "Active" if project["active"] else "Inactive",
            "type_name": _TYPES[project["id"] % len(_TYPES)],
            "address": {
                "street": project["address"],
                "city": project["city"],
                "state_code": project["state_code"],
                "zip": project["zip"],
                "country_code": project["country_code"],
            },
            "open_items": [],
            "created_by": {"id": admin["id"], "email": admin["email_address"]},
        }
        for project in ctx.company.projects
    ]


@register("cost_codes")
def cost_codes(ctx: ProjectContext) -> list[Record]:
    """The project's cost codes: one per specification section, under its CSI division."""
    made = stamp(ctx.start * DAY + 14 * 3600)
    project = ctx.project
    records: list[Record] = []
    seen: set[int] = set()
    for position, code in enumerate(ctx.cost_codes, start=1):
        trade = code["trade"]
        if code["parent_id"] not in seen:
            seen.add(code["parent_id"])
            records.append(
                _code(ctx, code["parent_id"], trade.division, trade.division_name, None, 0, made)
            )
        records.append(
            _code(ctx, code["id"], code["code"], code["name"], code["parent_id"], position, made)
        )
    for record in records:
        record["biller"] = project["name"]
        record["biller_id"] = project["id"]
    return sorted(records, key=lambda r: r["id"])


def _code(  # noqa: PLR0917 - an internal builder fed the record's parts in order
    ctx: ProjectContext,
    id_: int,
    code: str,
    name: str,
    parent: int | None,
    position: int,
    made: str,
) -> Record:
    return {
        "id": id_,
        "name": name,
        "code": code,
        "full_code": code,
        "sortable_code": code.replace("-", "."),
        "position": position,
        "parent": {"id": parent} if parent else None,
        "standard_cost_code_id": record_id(28, 0, int(code.replace("-", "")[:5].ljust(5, "0"))),
        "biller": None,
        "biller_id": None,
        "biller_type": "Project",
        "biller_origin_id": None,
        "budgeted": parent is not None,
        "line_item_types": _LINE_ITEM_TYPES,
        "origin_id": None,
        "origin_data": None,
        "created_at": made,
        "updated_at": made,
        "deleted_at": None,
    }


@register("company_people", scope="company")
def company_people(ctx: CompanyContext) -> list[Record]:
    """``/companies/{company_id}/people``: every directory user as a person (no reference users)."""
    return [
        {
            "id": user["contact_id"],
            "first_name": user["first_name"],
            "last_name": user["last_name"],
            "employee_id": user["employee_id"],
            "is_employee": user["is_employee"],
            "user_id": user["id"],
            "user_uuid": None,
            "work_classification_id": user["work_classification_id"],
            "origin_id": user["origin_id"],
            "contact": {"is_active": user["is_active"], "email": user["email_address"]},
        }
        for user in ctx.users
    ]
