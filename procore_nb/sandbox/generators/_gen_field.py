"""Field work: punch items, observations, inspections (checklists) and the schedule's tasks.

Punch items come at the end of each project, by trade and location; observations (quality and
safety) all through construction; inspections during each trade's time on site.
"""

from __future__ import annotations

import random

from ._base import (
    DAY,
    Record,
    closing,
    day,
    pick,
    record_id,
    ref,
    register,
    stamp,
    weighted,
    work_second,
)
from ._context import ProjectContext
from ._facts import TRADES, Trade

_PUNCH_TYPES = (
    {"id": 61, "name": "Incomplete"},
    {"id": 62, "name": "Damaged"},
    {"id": 63, "name": "Incorrect"},
    {"id": 64, "name": "Missing"},
    {"id": 65, "name": "Dirty"},
)
_OBSERVATION_TYPES = (
    (
        {
            "id": 71,
            "name": "Safety Violation",
            "kind": "safety",
            "category": "Safety",
            "active": True,
        },
        4.0,
    ),
    (
        {"id": 72, "name": "Housekeeping", "kind": "safety", "category": "Safety", "active": True},
        2.0,
    ),
    (
        {
            "id": 73,
            "name": "Quality Deficiency",
            "kind": "quality",
            "category": "Quality",
            "active": True,
        },
        4.0,
    ),
    (
        {
            "id": 74,
            "name": "Commissioning Issue",
            "kind": "commissioning",
            "category": "Commissioning",
            "active": True,
        },
        0.7,
    ),
    (
        {
            "id": 75,
            "name": "Work to Complete",
            "kind": "work_to_complete",
            "category": "Work to Complete",
            "active": True,
        },
        1.0,
    ),
)
_INSPECTIONS = ("Pre-Installation Meeting", "In-Progress Inspection", "Final Inspection")


def _user(user: Record) -> Record:
    return {"id": user["id"], "login": user["email_address"], "name": user["name"]}


def _trade(ctx: ProjectContext, trade: Trade) -> Record:
    return ctx.company.trades[TRADES.index(trade)]


def _moments(
    ctx: ProjectContext, rng: random.Random, count: int, low: float, high: float
) -> list[int]:
    """``count`` creation moments spread over fractions ``low..high``, up to today, sorted."""
    fractions = (low + (high - low) * rng.random() for _ in range(count))
    return sorted(
        work_second(rng, min(ctx.day_at(f), ctx.end)) for f in fractions if f <= ctx.progress
    )


def punch_items(ctx: ProjectContext) -> list[Record]:
    """Punch items, mostly during the last quarter of the job."""
    rng = ctx.rng("punch_items")
    count = int(60 * ctx.size**0.6 * (0.5 + rng.random()))
    moments = _moments(ctx, rng, count, 0.72, 1.0) + _moments(ctx, rng, count // 10, 0.3, 0.72)
    return [punch_item(ctx, rng, n, c) for n, c in enumerate(sorted(moments), start=1)]


def punch_item(ctx: ProjectContext, rng: random.Random, n: int, created: int) -> Record:
    """One punch item."""
    trade = pick(rng, ctx.trades)
    vendor = ctx.vendor_for(trade)
    location = pick(rng, ctx.locations)
    contact = ctx.contact(vendor) if vendor else ctx.team[-1]
    manager = ctx.team[0]
    closed = closing(rng, created, 11, now=ctx.now, done=ctx.finished)
    status = "Closed" if closed else ("Pending" if rng.random() < 0.1 else "Open")
    workflow = {"Closed": "closed", "Pending": "draft"}.get(status) or pick(
        rng, ("initiated", "work_required", "ready_for_review")
    )
    kind = pick(rng, _PUNCH_TYPES)
    code = ctx.codes_of(trade)
    return {
        "id": record_id(4, ctx.ordinal, n),
        "position": n,
        "name": f"{kind['name']}: {pick(rng, trade.topics)}",
        "description": f"{kind['name']} {pick(rng, trade.topics)} at {location['node_name']}.",
        "reference": None,
        "status": status,
        "workflow_status": workflow,
        "priority": weighted(rng, (("low", 3.0), ("medium", 5.0), ("high", 1.5))),
        "private": False,
        "due_date": day(created // DAY + 14),
        "location": location,
        "trade": _trade(ctx, trade),
        "punch_item_type": kind,
        "cost_code": ref(code[0]) if code else None,
        "punch_item_manager": {
            "id": manager["id"],
            "name": manager["name"],
            "locale": "en",
            "company_name": manager["vendor"]["name"],
        },
        "final_approver": {
            "id": manager["id"],
            "name": manager["name"],
            "locale": "en",
            "company_name": manager["vendor"]["name"],
        },
        "created_by": {
            "id": manager["id"],
            "name": manager["name"],
            "locale": "en",
            "company_name": manager["vendor"]["name"],
        },
        "closed_by": {
            "id": manager["id"],
            "name": manager["name"],
            "locale": "en",
            "company_name": manager["vendor"]["name"],
        }
        if closed
        else None,
        "ball_in_court": []
        if closed
        else [{"id": contact["id"], "name": contact["name"], "locale": "en"}],
        "assignees": [_user(contact)],
        "assignments": [
            {
                "id": record_id(5, ctx.ordinal, n),
                "status": "resolved" if closed else "unresolved",
                "comment": None,
                "approved": bool(closed),
                "vendor": ref(vendor) if vendor else None,
                "login_information": _user(contact),
                "responded_at": stamp(closed) if closed else None,
            }
        ],
        "cost_impact": "no_impact",
        "cost_impact_amount": None,
        "schedule_impact": "no_impact",
        "schedule_impact_days": None,
        "has_resolved_responses": bool(closed),
        "has_unresolved_responses": not closed,
        "created_at": stamp(created),
        "updated_at": stamp(closed or created),
        "closed_at": stamp(closed) if closed else None,
        "deleted_at": None,
        "custom_fields": {},
    }


def observations(ctx: ProjectContext) -> list[Record]:
    """Quality and safety observations all through construction."""
    rng = ctx.rng("observations")
    count = int(45 * ctx.size**0.5 * (0.5 + rng.random()))
    return [
        observation(ctx, rng, n, c) for n, c in enumerate(_moments(ctx, rng, count, 0.08, 1.0), 1)
    ]


def observation(ctx: ProjectContext, rng: random.Random, n: int, created: int) -> Record:
    """One observation."""
    trade = pick(rng, ctx.trades)
    vendor = ctx.vendor_for(trade)
    contact = ctx.contact(vendor) if vendor else ctx.team[-1]
    kind = weighted(rng, _OBSERVATION_TYPES)
    location = pick(rng, ctx.locations)
    closed = closing(rng, created, 6, now=ctx.now, done=ctx.finished)
    status = (
        "closed"
        if closed
        else weighted(rng, (("initiated", 4.0), ("ready_for_review", 2.0), ("not_accepted", 0.6)))
    )
    section = next((s for s in ctx.sections if s["trade"] is trade), None)
    creator = pick(rng, ctx.team)
    return {
        "id": record_id(6, ctx.ordinal, n),
        "number": str(n),
        "name": f"{kind['name']}: {pick(rng, trade.topics)}",
        "description": f"Observed at {location['node_name']}.",
        "status": status,
        "priority": weighted(rng, (("Low", 3.0), ("Medium", 5.0), ("High", 2.0), ("Urgent", 0.4))),
        "personal": False,
        "date_notified": day(created // DAY),
        "due_date": day(created // DAY + 7),
        "type": kind,
        "assignee": {"id": contact["id"], "name": contact["name"], "vendor": contact["vendor"]},
        "created_by": _user(creator),
        "location": location,
        "trade": _trade(ctx, trade),
        "specification_section": {
            "id": section["id"],
            "number": section["number"],
            "description": section["description"],
            "latest_revision_url": None,
        }
        if section
        else None,
        "origin": None,
        "permissions": {"can_edit": True},
        "created_at": stamp(created),
        "updated_at": stamp(closed or created),
        "closed_at": stamp(closed) if closed else None,
        "deleted_at": None,
        "custom_fields": {},
    }


#: Inspection status codes of ``filters[status]`` (Procore does not document them).
CHECKLIST_STATUS_CODES = {0: "Open", 1: "In Review", 2: "Closed"}


@register("checklists")
def checklists(ctx: ProjectContext) -> list[Record]:
    """Inspections of each trade: before, during and at the end of its work."""
    rng = ctx.rng("checklists")
    made: list[tuple[int, Trade, int]] = []
    for trade in ctx.trades:
        low, high = trade.phase
        for k, _name in enumerate(_INSPECTIONS):
            for _ in range(1 + int(ctx.size**0.4 * rng.random() * 2)):
                fraction = low + (high - low) * (k / 2) * (0.8 + 0.2 * rng.random())
                if fraction <= ctx.progress:
                    made.append((work_second(rng, min(ctx.day_at(fraction), ctx.end)), trade, k))
    made.sort(key=lambda item: item[0])
    return [checklist(ctx, rng, n, c, trade, k) for n, (c, trade, k) in enumerate(made, 1)]


def checklist(  # noqa: PLR0917 - an internal builder fed the record's parts in order
    ctx: ProjectContext, rng: random.Random, n: int, created: int, trade: Trade, k: int
) -> Record:
    """One inspection."""
    vendor = ctx.vendor_for(trade)
    inspector = pick(rng, ctx.team)
    closed = closing(rng, created, 5, now=ctx.now, done=ctx.finished)
    status = "Closed" if closed else ("In Review" if rng.random() < 0.3 else "Open")
    items = 10 + int(rng.random() * 30)
    inspected = items if closed else int(items * rng.random())
    deficient = int(inspected * rng.random() * 0.15)
    location = pick(rng, ctx.locations)
    due = created + 7 * DAY
    user = {
        "id": inspector["id"],
        "login": inspector["email_address"],
        "name": inspector["name"],
        "company_name": inspector["vendor"]["name"],
    }
    return {
        "id": record_id(7, ctx.ordinal, n),
        "number": n,
        "name": f"{trade.name} {_INSPECTIONS[k]}",
        "description": None,
        "status": status,
        "private": False,
        "deleted": False,
        "overdue": not closed and due < ctx.now,
        "inspection_date": day(created // DAY),
        "due_at": stamp(due),
        "closed_at": stamp(closed) if closed else None,
        "inspection_type": {"id": 80 + k, "name": _INSPECTIONS[k].split()[0]},
        "location": location,
        "trade": _trade(ctx, trade),
        "responsible_contractor": ref(vendor) if vendor else None,
        "point_of_contact": user,
        "created_by": user,
        "closed_by": user if closed else None,
        "inspectors": [user],
        "list_template_id": 900 + TRADES.index(trade) * 3 + k,
        "list_template_name": f"{trade.name} {_INSPECTIONS[k]}",
        "template_id": 900 + TRADES.index(trade) * 3 + k,
        "item_count": items,
        "inspected_item_count": inspected,
        "conforming_item_count": inspected - deficient,
        "deficient_item_count": deficient,
        "not_applicable_item_count": 0,
        "observations_count": deficient,
        "created_at": stamp(created),
        "updated_at": stamp(closed or created),
        "custom_fields": {},
    }


register("punch_items", make=punch_item)(punch_items)


register("observations", make=observation)(observations)
