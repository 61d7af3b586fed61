"""RFIs and submittals: in proportion to a project's size and progress, none before work starts.

An RFI is asked by a vendor about its trade's work, managed by the builder's team and answered
by an assignee; the older it is, the likelier it is closed, so open RFIs are recent and some of
them overdue. Submittals come per specification section of each trade, before that trade is on
site, and are reviewed in a few weeks.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

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
from ._facts import SUBMITTAL_TYPES

#: RFIs of a typical project over its whole life (scaled by size ** 0.55).
RFIS_PER_PROJECT = 280
_IMPACT = (("no_impact", 6.0), ("yes_known", 1.5), ("yes_unknown", 1.0), ("tbd", 1.0), ("n_a", 0.5))


_SHAPES: dict[tuple[Any, ...], Record] = {}


def _shared(key: tuple[Any, ...], make: Callable[[], Record]) -> Record:
    """One dict per key, shared by every record that shows it (memory: 100,000 RFIs)."""
    found = _SHAPES.get(key)
    if found is None:
        if len(_SHAPES) > 200_000:
            _SHAPES.clear()
        found = _SHAPES[key] = make()
    return found


def _who(user: Record, shape: str = "user") -> Record:
    """A user as RFIs show one (``assignee``: with locale and response_required)."""
    extra = {"locale": "en", "response_required": True} if shape == "assignee" else {}
    return _shared(
        (user["id"], shape),
        lambda: {"id": user["id"], "login": user["email_address"], "name": user["name"]} | extra,
    )


def _ref(item: Record) -> Record:
    return _shared((item["id"], "ref"), lambda: ref(item))


def _impact(status: str, value: Any) -> Record:
    if value is not None:
        return {"status": status, "value": value}
    return _shared((status, "impact"), lambda: {"status": status, "value": None})


def _lifetime(ctx: ProjectContext, rng: random.Random, full: int) -> list[float]:
    """When (as fractions of the project) its ``full`` documents are created, up to today."""
    if ctx.progress <= 0:
        return []
    fractions = (rng.betavariate(2.0, 2.6) for _ in range(full))
    return sorted(f for f in fractions if f <= ctx.progress)


def rfis(ctx: ProjectContext) -> list[Record]:
    """The project's RFIs, numbered in the order they were asked."""
    rng = ctx.rng("rfis")
    full = round(RFIS_PER_PROJECT * ctx.size**0.55 * (0.6 + 0.8 * rng.random()))
    created = [work_second(rng, min(ctx.day_at(f), ctx.end)) for f in _lifetime(ctx, rng, full)]
    return [rfi(ctx, rng, n, second) for n, second in enumerate(sorted(created), start=1)]


def rfi(ctx: ProjectContext, rng: random.Random, number: int, created: int) -> Record:
    """One RFI asked at ``created`` (seconds after the epoch)."""
    trade = pick(rng, ctx.trades)
    vendor = ctx.vendor_for(trade)
    location = pick(rng, ctx.locations)
    codes = ctx.codes_of(trade)
    manager = ctx.team[0]
    assignee = pick(rng, ctx.team[1:] or ctx.team)
    asked_day = created // DAY
    age = max(0, ctx.today - asked_day)
    resolved = closing(rng, created, 8, now=ctx.now, done=ctx.finished)
    closed = resolved is not None
    status = "closed" if closed else ("draft" if rng.random() < 0.08 else "open")
    updated = max(created, resolved or created + int(rng.random() * min(age, 5) * DAY))
    updated = min(updated, max(created, ctx.now - 3600))
    topic = pick(rng, trade.topics)
    subject = f"{topic[0].upper()}{topic[1:]} at {location['name']}"
    court = {"open": assignee, "draft": manager}.get(status)
    rfi_id = record_id(1, ctx.ordinal, number)
    cost_status = weighted(rng, _IMPACT)
    schedule_status = weighted(rng, _IMPACT)
    custom = {}
    if rng.random() < 0.4:
        label = pick(rng, ("Design", "Field Condition", "Coordination", "Owner Request"))
        custom = {
            "custom_field_5101": {"data_type": "lov_entry", "value": {"id": 51, "label": label}}
        }
    return {
        "id": rfi_id,
        "number": str(number),
        "full_number": str(number),
        "prefix": None,
        "subject": subject,
        "status": status,
        "translated_status": status.capitalize(),
        "reference": None,
        "link": f"https://app.procore.com/{ctx.id}/project/rfi/show/{rfi_id}",
        "private": rng.random() < 0.05,
        "deleted": False,
        "due_date": day(asked_day + 7 + int(rng.random() * 8)),
        "initiated_at": stamp(created),
        "time_resolved": stamp(resolved) if resolved else None,
        "created_at": stamp(created),
        "updated_at": stamp(updated),
        "deleted_at": None,
        "ball_in_court": _who(court) if court else None,
        "ball_in_courts": [_who(court)] if court else [],
        "assignee": _who(assignee),
        "assignees": [_who(assignee, "assignee")],
        "rfi_manager": _who(manager),
        "received_from": _who(ctx.contact(vendor)) if vendor else _who(assignee),
        "created_by": _who(manager),
        "responsible_contractor": _ref(vendor) if vendor else None,
        "cost_code": _ref(pick(rng, codes)) if codes else None,
        "location_id": location["id"],
        "location": location,
        "sub_job": None,
        "cost_impact": _impact(
            cost_status,
            round(rng.lognormvariate(9, 1), 2) if cost_status == "yes_known" else None,
        ),
        "schedule_impact": _impact(
            schedule_status,
            int(1 + rng.random() * 10) if schedule_status == "yes_known" else None,
        ),
        "questions": [
            {"id": rfi_id, "body": f"Please clarify the {topic} at {location['node_name']}."}
        ],
        "project_stage": ctx.project["project_stage"],
        "custom_fields": custom,
    }


_STATUSES = {
    "draft": {"id": 1, "name": "Draft", "status": "Draft"},
    "open": {"id": 2, "name": "Open", "status": "Open"},
    "pending": {"id": 3, "name": "Pending", "status": "Open"},
    "approved": {"id": 4, "name": "Approved", "status": "Closed"},
    "noted": {"id": 5, "name": "Approved as Noted", "status": "Closed"},
    "revise": {"id": 6, "name": "Revise and Resubmit", "status": "Closed"},
    "rejected": {"id": 7, "name": "Rejected", "status": "Closed"},
}
_CLOSED = (("approved", 5.0), ("noted", 3.0), ("revise", 1.5), ("rejected", 0.3))


@register("submittals")
def submittals(ctx: ProjectContext) -> list[Record]:
    """Submittals by specification section, made before each trade's work starts."""
    rng = ctx.rng("submittals")
    made: list[tuple[int, Record, int]] = []
    per_section = 2 + min(6, int(ctx.size**0.5 * 2))
    for section in ctx.sections:
        trade = section["trade"]
        for k in range(1, per_section + int(rng.random() * 3)):
            fraction = max(0.01, trade.phase[0] - 0.25 * rng.random())
            if fraction > ctx.progress:
                continue
            made.append((work_second(rng, min(ctx.day_at(fraction), ctx.end)), section, k))
    made.sort(key=lambda item: item[0])
    return [
        submittal(ctx, rng, n, created, section, k)
        for n, (created, section, k) in enumerate(made, 1)
    ]


def submittal(  # noqa: PLR0917 - an internal builder fed the record's parts in order
    ctx: ProjectContext, rng: random.Random, n: int, created: int, section: Record, k: int
) -> Record:
    """Submittal ``k`` of ``section``, created at ``created``."""
    trade = section["trade"]
    vendor = ctx.vendor_for(trade)
    contact = ctx.contact(vendor) if vendor else ctx.team[0]
    manager = ctx.team[min(1, len(ctx.team) - 1)]
    approver = ctx.team[-1]
    created_day = created // DAY
    age = max(0, ctx.today - created_day)
    returned = closing(rng, created, 10, now=ctx.now, done=ctx.finished, least_days=5)
    closed = returned is not None
    key = (
        weighted(rng, _CLOSED)
        if closed
        else ("draft" if rng.random() < 0.15 else pick(rng, ("open", "pending")))
    )
    status = _STATUSES[key]
    closed_at = returned
    updated = closed_at or min(created + int(rng.random() * min(age, 4) * DAY), ctx.now - 1)
    type_id, type_name = weighted(
        rng, [(t, w) for t, w in zip(SUBMITTAL_TYPES, (5, 4, 2, 0.5, 1, 1, 1), strict=True)]
    )
    location = pick(rng, ctx.locations)
    returned_day = day(closed_at // DAY) if closed_at else None
    court = (
        []
        if closed
        else [
            {"id": u["id"], "name": u["name"], "initials": u["initials"], "vendor": u["vendor"]}
            for u in ((manager,) if key == "draft" else (approver,))
        ]
    )
    return {
        "id": record_id(2, ctx.ordinal, n),
        "number": str(k),
        "formatted_number": f"{section['number']}-{k}",
        "title": f"{section['description']} - {type_name}",
        "description": f"{type_name} for {section['description'].lower()}",
        "revision": "0" if rng.random() < 0.85 else "1",
        "current_revision": True,
        "private": False,
        "status": status,
        "type": {"id": type_id, "name": type_name, "translated_name": type_name},
        "specification_section": {
            k2: section[k2]
            for k2 in ("id", "number", "description", "label", "current_revision_id")
        },
        "responsible_contractor": ref(vendor) if vendor else None,
        "received_from": ref(contact),
        "submittal_manager": ref(manager),
        "created_by": ref(manager),
        "submittal_workflow_template": None,
        "ball_in_court": court,
        "approvers": [
            {
                "id": record_id(3, ctx.ordinal, n),
                "approver_type": "Approver",
                "comment": "Reviewed." if closed else None,
                "due_date": day(created_day + 14),
                "sent_date": day(created_day),
                "returned_date": returned_day,
                "response": {"id": status["id"], "name": status["name"]} if closed else None,
                "user": ref(approver),
            }
        ],
        "distribution_members": [ref(u) for u in ctx.team[:3]],
        "lead_time": 10 + int(rng.random() * 50),
        "location_id": location["id"],
        "cost_code_id": next((c["id"] for c in ctx.codes_of(trade)), None),
        "sub_job_id": None,
        "due_date": day(created_day + 14),
        "issue_date": day(created_day),
        "received_date": day(created_day),
        "submit_by": day(max(ctx.start, created_day - 7)),
        "actual_delivery_date": None,
        "required_on_site_date": day(ctx.day_at(trade.phase[0])),
        "distributed_at": stamp(closed_at + 3600) if closed_at else None,
        "closed_at": stamp(closed_at) if closed_at else None,
        "created_at": stamp(created),
        "updated_at": stamp(max(updated, created)),
        "custom_fields": {},
    }


register("rfis", make=rfi)(rfis)
