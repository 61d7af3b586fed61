"""Daily logs: manpower by vendor for every working day a trade is on site, and notes.

Procore returns one day's logs unless asked for a date range (``log_date``, or ``start_date``
and ``end_date``); the sandbox serves every day and the REST layer picks the days asked for.
"""

from __future__ import annotations

from ._base import DAY, Record, day, pick, record_id, ref, register, stamp
from ._context import ProjectContext
from ._facts import TRADES

_NOTES = (
    "Concrete pour completed on schedule.",
    "Inspector on site; no issues noted.",
    "Rain delay in the morning; work resumed at noon.",
    "Crane inspection passed.",
    "Material delivery arrived late.",
    "Owner walkthrough with the architect.",
    "Safety stand-down held for all trades.",
    "Utility locate completed.",
)


def _workdays(ctx: ProjectContext) -> list[int]:
    # Day 0 (2000-01-01, the EPOCH) was a Saturday: day numbers 0 and 1 (mod 7) are weekends.
    return (
        [d for d in range(ctx.start, ctx.end + 1) if d % 7 not in (0, 1)]
        if ctx.progress > 0
        else []
    )


@register("manpower_logs")
def manpower_logs(ctx: ProjectContext) -> list[Record]:
    """One log per vendor per working day while its trade is on site."""
    rng = ctx.rng("manpower_logs")
    records: list[Record] = []
    span = max(1, ctx.finish - ctx.start)
    crews = {
        v["id"]: max(2, int(rng.lognormvariate(1.6, 0.5) * ctx.size**0.3)) for v in ctx.vendors
    }
    author = ctx.team[min(2, len(ctx.team) - 1)]
    who = {"id": author["id"], "login": author["email_address"], "name": author["name"]}
    for number in _workdays(ctx):
        fraction = (number - ctx.start) / span
        for position, vendor in enumerate(ctx.vendors, start=1):
            trade = TRADES[[t.name for t in TRADES].index(vendor["trade_name"])]
            if not trade.phase[0] <= fraction <= trade.phase[1] or rng.random() < 0.12:
                continue
            workers = max(1, int(crews[vendor["id"]] * (0.6 + 0.8 * rng.random())))
            hours = 8.0 if rng.random() < 0.8 else 10.0
            logged = min(number * DAY + 23 * 3600 + int(rng.random() * 3000), ctx.now - 1)
            codes = ctx.codes_of(trade)
            records.append(
                {
                    "id": record_id(9, ctx.ordinal, len(records) + 1),
                    "date": day(number),
                    "datetime": stamp(number * DAY + 14 * 3600),
                    "status": "pending" if number > ctx.today - 3 else "approved",
                    "num_workers": workers,
                    "num_hours": f"{hours:.1f}",
                    "man_hours": f"{workers * hours:.1f}",
                    "notes": None,
                    "vendor": ref(vendor),
                    "trade": ctx.company.trades[TRADES.index(trade)],
                    "cost_code": ref(codes[0]) if codes else None,
                    "location": None,
                    "created_by": who,
                    "user": who,
                    "position": position,
                    "attachments": [],
                    "permissions": {"can_update": True, "can_delete": True},
                    "created_at": stamp(logged),
                    "updated_at": stamp(logged),
                    "deleted_at": None,
                    "custom_fields": {},
                }
            )
    return records


@register("notes_logs")
def notes_logs(ctx: ProjectContext) -> list[Record]:
    """Notes on about one working day in three."""
    rng = ctx.rng("notes_logs")
    records: list[Record] = []
    for number in _workdays(ctx):
        if rng.random() > 0.33:
            continue
        author = pick(rng, ctx.team)
        logged = min(number * DAY + 22 * 3600 + int(rng.random() * 5000), ctx.now - 1)
        vendor = pick(rng, ctx.vendors) if rng.random() < 0.3 else None
        records.append(
            {
                "id": record_id(10, ctx.ordinal, len(records) + 1),
                "date": day(number),
                "datetime": stamp(number * DAY + 15 * 3600),
                "status": "pending" if number > ctx.today - 3 else "approved",
                "comment": pick(rng, _NOTES),
                "is_issue_day": rng.random() < 0.1,
                "created_by_collaborator": False,
                "vendor": ref(vendor) if vendor else None,
                "location": pick(rng, ctx.locations) if rng.random() < 0.5 else None,
                "created_by": {
                    "id": author["id"],
                    "login": author["email_address"],
                    "name": author["name"],
                },
                "daily_log_header_id": record_id(11, ctx.ordinal, number),
                "daily_log_segment_id": None,
                "daily_log_segment": None,
                "position": 1,
                "attachments": [],
                "permissions": {"can_update": True, "can_delete": True},
                "created_at": stamp(logged),
                "updated_at": stamp(logged),
                "custom_fields": {},
            }
        )
    return records
