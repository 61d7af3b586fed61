"""Project admin lists: locations, specification sections and divisions, managed equipment.

Locations and sections are the project's own (the ones every other record points at, from
:class:`~._context.ProjectContext`); equipment is what the job's stage needs on site.
"""

from __future__ import annotations

from ._base import DAY, Record, pick, record_id, register, stamp
from ._context import ProjectContext

_EQUIPMENT_RESOURCE, _DIVISION_RESOURCE = 62, 66
#: (name, category, type, make, model, phase when on site as fractions of the project)
_FLEET = (
    ("Excavator", "Earthmoving", "Tracked Excavator", "Caterpillar", "320", (0.0, 0.25)),
    ("Skid Steer", "Earthmoving", "Skid Steer Loader", "Bobcat", "S650", (0.0, 0.6)),
    ("Tower Crane", "Lifting", "Tower Crane", "Liebherr", "172 EC-B", (0.1, 0.6)),
    ("Telehandler", "Lifting", "Telescopic Handler", "JLG", "1055", (0.1, 0.9)),
    ("Scissor Lift", "Access", "Scissor Lift", "Genie", "GS-1930", (0.3, 1.0)),
    ("Boom Lift", "Access", "Articulating Boom", "JLG", "600AJ", (0.2, 0.9)),
    ("Light Tower", "Power", "Light Tower", "Generac", "MLT6", (0.0, 1.0)),
    ("Generator", "Power", "Towable Generator", "Doosan", "G70", (0.0, 0.8)),
)


def all_locations(ctx: ProjectContext) -> list[Record]:
    """Every tier of the project's locations (buildings too), with a code, in id order."""
    found = {loc["id"]: loc for loc in ctx.locations}
    for loc in ctx.locations:
        parent = loc["parent_id"]
        if parent is not None and parent not in found:
            top = loc["node_name"].split(" > ")[0]
            found[parent] = loc | {"id": parent, "name": top, "node_name": top, "parent_id": None}
    out = []
    for loc in sorted(found.values(), key=lambda r: r["id"]):
        tiers = loc["node_name"].split(" > ")
        code = "-".join(_code(tier) for tier in tiers)
        out.append(
            {
                "id": loc["id"],
                "name": loc["name"],
                "node_name": loc["node_name"],
                "parent_id": loc["parent_id"],
                "code": code,
                "created_at": loc["created_at"],
                "updated_at": loc["updated_at"],
            }
        )
    return out


def _code(tier: str) -> str:
    """A tier's short code: ``Building A`` -> ``BA``, ``Level 2`` -> ``L2``, ``Site`` -> ``SIT``."""
    words = tier.split()
    if len(words) > 1 and len(words[-1]) <= 2:
        return "".join(w[0] for w in words[:-1]).upper() + words[-1]
    if len(words) > 1:
        return "".join(w[0] for w in words).upper()
    return tier[:3].upper()


@register("locations")
def locations(ctx: ProjectContext) -> list[Record]:
    """The project's location tree: buildings, levels, areas, and the site."""
    return all_locations(ctx)


@register("specification_sections")
def specification_sections(ctx: ProjectContext) -> list[Record]:
    """The spec sections of the project's trades (the ones submittals and RFIs cite)."""
    return [
        {k: s[k] for k in ("id", "current_revision_id", "number", "description", "label")}
        for s in ctx.sections
    ]


_CATALOGUE = ("make", "category", "model", "type")


def _named(kind: str, n: int, name: str, company: int, made: str) -> Record:
    return {
        "id": record_id(_EQUIPMENT_RESOURCE, 0, 90_000 + 10 * n + _CATALOGUE.index(kind)),
        "company_id": company,
        "name": name,
        "is_active": True,
        "created_at": made,
        "updated_at": made,
        "deleted_at": None,
        "created_by": None,
    }


@register("managed_equipment")
def managed_equipment(ctx: ProjectContext) -> list[Record]:
    """The machines on the project: those its progress has needed, on site or gone."""
    if ctx.progress <= 0:
        return []
    rng = ctx.rng("managed_equipment")
    company = int(ctx.company.company.id)
    owner = ctx.team[0]
    who = {"id": owner["id"], "login": owner["email_address"], "name": owner["name"]}
    records: list[Record] = []
    for n, (name, category, kind, make, model, phase) in enumerate(_FLEET, start=1):
        if phase[0] > ctx.progress or rng.random() < 0.2:
            continue
        arrived = ctx.day_at(phase[0]) * DAY + 14 * 3600
        here = phase[1] >= ctx.progress
        updated = min(ctx.day_at(min(phase[1], ctx.progress)), ctx.end) * DAY + 15 * 3600
        made = stamp(arrived)
        # The catalogue ids are one per fleet entry: the same make or model everywhere.
        make_rec = _named("make", n, make, company, made)
        category_rec = _named("category", n, category, company, made)
        model_rec = _named("model", n, model, company, made)
        type_rec = _named("type", n, kind, company, made)
        records.append(
            {
                "id": record_id(_EQUIPMENT_RESOURCE, ctx.ordinal, n),
                "company_id": company,
                "current_project_id": ctx.id if here else None,
                "year": 2012 + int(rng.random() * 12),
                "managed_equipment_make_id": make_rec["id"],
                "managed_equipment_model_id": model_rec["id"],
                "managed_equipment_type_id": type_rec["id"],
                "managed_equipment_category_id": category_rec["id"],
                "name": f"{name} {n:02d}",
                "serial_number": f"SN{rng.randrange(10**7, 10**8)}",
                "identification_number": f"EQ-{ctx.ordinal:03d}-{n:02d}",
                "description": f"{make} {model}",
                "status": "Active" if here else "Inactive",
                "ownership": pick(rng, ("Owned", "Rented", "Rented", "Sub")),
                "company_visible": True,
                "created_at": made,
                "updated_at": stamp(max(arrived, updated)),
                "deleted_at": None,
                "created_by": who,
                "managed_equipment_make": make_rec,
                "managed_equipment_category": category_rec,
                "managed_equipment_type": type_rec
                | {
                    "managed_equipment_category_id": category_rec["id"],
                    "managed_equipment_category": category_rec,
                },
                "managed_equipment_model": model_rec
                | {
                    "managed_equipment_make_id": make_rec["id"],
                    "managed_equipment_type_id": type_rec["id"],
                    "managed_equipment_make": make_rec,
                    "managed_equipment_type": type_rec,
                },
            }
        )
    return records


@register("specification_section_divisions")
def specification_section_divisions(ctx: ProjectContext) -> list[Record]:
    """The CSI divisions of the project's trades, each with its book as one PDF."""
    seen: dict[str, str] = {}
    for trade in ctx.trades:
        seen.setdefault(trade.division, trade.division_name)
    return [
        {
            "id": record_id(_DIVISION_RESOURCE, ctx.ordinal, int(number)),
            "number": number,
            "description": name,
            "url": f"https://storage.procore.example.com/specs/{ctx.id}/division-{number}.pdf",
        }
        for number, name in sorted(seen.items())
    ]
