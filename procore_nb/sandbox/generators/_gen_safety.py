"""Incidents: injuries, near misses and property damage while trades are on site.

About one incident per 25,000 hours worked (a trade on site logs about 40 hours a day in the
manpower logs), a third of them recordable, so a project's OSHA rate lands near the
industry's 2-4 per 200,000 hours. Incidents older than a month are mostly closed.
"""

from __future__ import annotations

from ._base import DAY, Record, pick, record_id, register, stamp, work_second
from ._context import ProjectContext
from ._gen_timecards import on_site, workdays

_RESOURCE = 47
#: Hours worked per incident, and the hours a trade on site works a day (manpower logs).
HOURS_PER_INCIDENT = 25_000
TRADE_DAY_HOURS = 40
_HAZARDS = ("Fall from height", "Struck by object", "Caught between", "Electrical", "Slip or trip")
_BEHAVIORS = ("Rushing", "Improper PPE", "Bypassed procedure", "Distraction")
_CONDITIONS = ("Poor housekeeping", "Inadequate lighting", "Weather", "Defective equipment")
_TITLES = (
    "Laceration to hand",
    "Twisted ankle on uneven ground",
    "Near miss: dropped tool",
    "Strain lifting material",
    "Eye irritation from dust",
    "Minor burn while cutting",
    "Vehicle backed into fence",
)


def _named(group: int, names: tuple[str, ...], name: str, made: str) -> Record:
    return {
        "id": group * 100 + names.index(name) + 1,
        "name": name,
        "active": True,
        "global": True,
        "created_at": made,
        "updated_at": made,
    }


@register("incidents")
def incidents(ctx: ProjectContext) -> list[Record]:
    """The project's incidents, numbered in the order they happened."""
    rng = ctx.rng("incidents")
    team = ctx.team[: max(1, len(ctx.team) // 2)]
    made = "2016-01-01T00:00:00Z"
    records: list[Record] = []
    for number in workdays(ctx):
        hours = TRADE_DAY_HOURS * len(on_site(ctx, number))
        if rng.random() >= hours / HOURS_PER_INCIDENT:
            continue
        happened = work_second(rng, number)
        closed = number < ctx.today - 30 or rng.random() < 0.3
        author = pick(rng, team)
        updated = min(happened + int(rng.random() * 20) * DAY, ctx.now - 3600)
        records.append(
            {
                "id": record_id(_RESOURCE, ctx.ordinal, len(records) + 1),
                "number": len(records) + 1,
                "title": pick(rng, _TITLES),
                "description": None,
                "status": "closed" if closed else "open",
                "event_date": stamp(happened),
                "time_unknown": False,
                "recordable": rng.random() < 0.33,
                "private": False,
                "location": pick(rng, ctx.locations) if ctx.locations else None,
                "hazard": _named(1, _HAZARDS, pick(rng, _HAZARDS), made),
                "contributing_behavior": _named(2, _BEHAVIORS, pick(rng, _BEHAVIORS), made),
                "contributing_condition": _named(3, _CONDITIONS, pick(rng, _CONDITIONS), made),
                "records_count": 1 + int(rng.random() * 2),
                "attachments_count": int(rng.random() * 3),
                "actions_count": int(rng.random() * 3),
                "witness_statements_count": int(rng.random() * 2),
                "open_observations_count": 0,
                "closed_observations_count": int(rng.random() * 2),
                "created_by": {
                    "id": author["id"],
                    "login": author["email_address"],
                    "name": author["name"],
                },
                "custom_fields": {},
                "created_at": stamp(happened + 3600),
                "updated_at": stamp(max(happened + 3600, updated)),
                "deleted_at": None,
            }
        )
    return records
