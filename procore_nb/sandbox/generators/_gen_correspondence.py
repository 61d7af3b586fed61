"""Correspondence: the company's correspondence types (generic tools) and each project's items.

Every company has the same five types; a project under way has letters, transmittals, notices
and directives in proportion to its size and progress, numbered per type (``LTR-003``). Items
older than a few weeks are mostly closed.
"""

from __future__ import annotations

import random

from ._base import (
    DAY,
    Record,
    day,
    pick,
    record_id,
    ref,
    register,
    stamp,
    weighted,
    work_second,
)
from ._context import CompanyContext, ProjectContext

_TOOL, _ITEM = 57, 58
#: (title, abbreviation, items of a typical project, private by default)
_TYPES = (
    ("Letters", "LTR", 40, False),
    ("Transmittals", "TR", 60, False),
    ("Notices of Delay", "NOD", 8, True),
    ("Owner Directives", "OD", 12, False),
    ("Field Memos", "FM", 25, False),
)
_SINGULAR = ("Letter", "Transmittal", "Notice of delay", "Owner directive", "Field memo")
_IMPACT = (("no_impact", 6.0), ("yes_known", 1.5), ("yes_unknown", 1.0), ("tbd", 1.0))


def _tool(company_ordinal: int, n: int) -> Record:
    title, abbreviation, _, private = _TYPES[n - 1]
    return {
        "id": record_id(_TOOL, company_ordinal, n),
        "domain_id": record_id(_TOOL, company_ordinal, 50 + n),
        "title": title,
        "abbreviation": abbreviation,
        "private_by_default": private,
    }


@register("generic_tools", scope="company")
def generic_tools(ctx: CompanyContext) -> list[Record]:
    """The company's correspondence types."""
    return [_tool(ctx.ordinal, n) for n in range(1, len(_TYPES) + 1)]


def _person(user: Record) -> Record:
    return {
        "id": user["id"],
        "login": user["email_address"],
        "name": user["name"],
        "company": ref(user["vendor"]) if user["vendor"].get("id") else None,
    }


@register("correspondence_type_items")
def correspondence_type_items(ctx: ProjectContext) -> list[Record]:
    """The project's correspondence of every type, in the order it was issued."""
    if ctx.progress <= 0:
        return []
    rng = ctx.rng("correspondence_type_items")
    made: list[tuple[int, int]] = []
    for n, (_, _, typical, _) in enumerate(_TYPES, start=1):
        count = round(typical * ctx.size**0.5 * ctx.progress * (0.6 + 0.8 * rng.random()))
        made += [
            (work_second(rng, ctx.day_at(rng.random() * ctx.progress)), n) for _ in range(count)
        ]
    made.sort()
    numbers = dict.fromkeys(range(1, len(_TYPES) + 1), 0)
    records: list[Record] = []
    for created, n in made:
        numbers[n] += 1
        records.append(_item(ctx, rng, len(records) + 1, created, (n, numbers[n])))
    return records


def _item(
    ctx: ProjectContext, rng: random.Random, n: int, created: int, kind: tuple[int, int]
) -> Record:
    tool = _tool(ctx.company.ordinal, kind[0])
    age = ctx.today - created // DAY
    closed = age > 21 and rng.random() < 0.9
    draft = not closed and rng.random() < 0.1
    closed_at = created + int((3 + rng.random() * 18) * DAY) if closed else None
    vendor = pick(rng, ctx.vendors)
    sender = ctx.contact(vendor) if rng.random() < 0.6 else pick(rng, ctx.team)
    author = pick(rng, ctx.team)
    code = pick(rng, ctx.cost_codes) if ctx.cost_codes else None
    section = pick(rng, ctx.sections) if ctx.sections and rng.random() < 0.4 else None
    location = pick(rng, ctx.locations) if rng.random() < 0.5 else None
    cost = weighted(rng, _IMPACT)
    status_type = "Closed" if closed else ("Draft" if draft else "Open")
    return {
        "id": record_id(_ITEM, ctx.ordinal, n),
        "origin_generic_tool_item_id": None,
        "origin_rfi_id": None,
        "position": f"{tool['abbreviation']}-{kind[1]:03d}",
        "title": f"{_SINGULAR[kind[0] - 1]} regarding {vendor['trade_name'].lower()}",
        "description": None,
        "status": status_type,
        "status_type": status_type,
        "private": tool["private_by_default"],
        "due_date": day(created // DAY + 10),
        "issued_at": stamp(created) if not draft else None,
        "closed_at": stamp(closed_at) if closed_at else None,
        "created_at": stamp(created),
        "updated_at": stamp(closed_at or created),
        "cost_impact": {
            "status": cost,
            "value": float(int(rng.random() * 50) * 500) if cost == "yes_known" else None,
        },
        "schedule_impact": {"status": "no_impact", "value": None},
        "created_by": _person(author),
        "received_from": _person(sender),
        "assignees": [_person(pick(rng, ctx.team))],
        "distribution_members": [_person(u) for u in ctx.team[:2]],
        "location": location | {"code": None} if location else None,
        "cost_code": ref(code) | {"full_code": code["full_code"]} if code else None,
        "specification_section": (
            {k: section[k] for k in ("id", "current_revision_id", "number", "description", "label")}
            if section
            else None
        ),
        "trade": None,
        "trades": [],
        "tasks": [],
        "sub_job": None,
        "generic_tool": {k: tool[k] for k in ("id", "domain_id", "abbreviation", "title")},
        "attachments": [],
        "document_management_document_revision_ids": [],
        "custom_fields": {},
    }
