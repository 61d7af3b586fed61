"""Timecard entries: the hours of the builder's own people and of each vendor's foreman.

Every working day of the project, the superintendents of the team log a day on General
Conditions, and the foreman of each vendor whose trade is on site logs the crew's day on one of
the trade's cost codes. Like the daily logs, the list answers one day unless asked for a range
(``log_date``, or ``start_date`` and ``end_date``); the REST layer picks the days.
"""

from __future__ import annotations

import random

from ._base import DAY, EPOCH, Record, day, pick, record_id, ref, register, stamp
from ._context import ProjectContext
from ._facts import TRADES

_RESOURCE = 41
_TIME_TYPES = (
    {"id": 4101, "company_id": None, "time_type": "Regular Time", "abbreviated_time_type": "RT"},
    {"id": 4102, "company_id": None, "time_type": "Overtime", "abbreviated_time_type": "OT"},
)


def workdays(ctx: ProjectContext) -> list[int]:
    """The project's working days with records, Monday to Friday."""
    if ctx.progress <= 0:
        return []
    weekend = {(5 - EPOCH.weekday()) % 7, (6 - EPOCH.weekday()) % 7}  # Saturday, Sunday
    return [d for d in range(ctx.start, ctx.end + 1) if d % 7 not in weekend]


def on_site(ctx: ProjectContext, number: int) -> list[Record]:
    """The project's vendors whose trade is on site on day ``number``."""
    fraction = (number - ctx.start) / max(1, ctx.finish - ctx.start)
    names = {t.name: t for t in TRADES}
    return [
        v
        for v in ctx.vendors
        if names[v["trade_name"]].phase[0] <= fraction <= names[v["trade_name"]].phase[1]
    ]


def _user(user: Record) -> Record:
    return {"id": user["id"], "login": user["email_address"], "name": user["name"]}


@register("timecard_entries")
def timecard_entries(ctx: ProjectContext) -> list[Record]:
    """One entry per person per working day: superintendents and the on-site foremen."""
    rng = ctx.rng("timecard_entries")
    records: list[Record] = []
    supers = ctx.team[: 1 + (ctx.size > 2)]
    general = ctx.codes_of(TRADES[0]) or ctx.cost_codes
    names = {t.name: t for t in TRADES}
    for number in workdays(ctx):
        people: list[tuple[Record, list[Record], Record | None]] = [
            (u, general, None) for u in supers
        ]
        for vendor in on_site(ctx, number):
            if rng.random() < 0.1:
                continue
            codes = ctx.codes_of(names[vendor["trade_name"]]) or general
            people.append((ctx.contact(vendor), codes, vendor))
        for who in people:
            records.append(_entry(ctx, rng, number, len(records) + 1, who))
    return records


def _entry(
    ctx: ProjectContext,
    rng: random.Random,
    number: int,
    n: int,
    who: tuple[Record, list[Record], Record | None],
) -> Record:
    person, codes, vendor = who
    hours = 8.0 if rng.random() < 0.75 else pick(rng, (6.0, 9.0, 10.0))
    start = number * DAY + (12 if vendor else 11) * 3600 + int(rng.random() * 4) * 900
    stop = start + int((hours + 0.5) * 3600)
    logged = min(stop + int(rng.random() * 3600), ctx.now - 1)
    recent = number > ctx.today - 7
    approval = "pending" if recent else pick(rng, ("approved", "approved", "completed"))
    week = (number - ctx.start) // 7 + 1
    author = _user(ctx.team[min(1, len(ctx.team) - 1)])
    code = pick(rng, codes) if codes else None
    return {
        "id": record_id(_RESOURCE, ctx.ordinal, n),
        "date": day(number),
        "datetime": stamp(start),
        "hours": f"{hours:.1f}",
        "lunch_time": 30,
        "time_in": stamp(start),
        "time_out": stamp(stop),
        "description": None if vendor is None else f"{vendor['trade_name']} crew",
        "approval_status": approval,
        "timesheet_status": "pending" if recent else "approved",
        "billable": vendor is not None,
        "injured": False,
        "signed": not recent,
        "origin_id": None,
        "origin_data": None,
        "line_item_type_id": None,
        "party": {"id": person["id"], "name": person["name"]},
        "cost_code": ref(code) if code else None,
        "location": None,
        "sub_job": None,
        "timesheet": {
            "id": record_id(_RESOURCE, ctx.ordinal, 90_000 + week),
            "number": week,
            "name": f"Week {week}",
            "status": "pending" if recent else "approved",
            "date": day(number - (number + 2) % 7),
            "created_at": stamp(start),
            "updated_at": stamp(logged),
            "created_by": author,
        },
        "crew": (
            None
            if vendor is None
            else {
                "id": vendor["id"],
                "project_id": ctx.id,
                "company_id": ctx.company.company.id,
                "name": f"{vendor['name']} crew",
                "lead": _user(person),
                "employees": [_user(person)],
                "created_by": author,
                "created_at": stamp(ctx.start * DAY),
                "updated_at": stamp(ctx.start * DAY),
            }
        ),
        "created_by": author,
        "login_information": _user(person),
        "timecard_time_type": _TIME_TYPES[hours > 8.0] | {"global": True},
        "procore_signature": None,
        "custom_fields": {},
        "automatically_split_timecard_entries": [],
        "created_at": stamp(logged),
        "updated_at": stamp(logged),
        "deleted_at": None,
    }
