"""The other daily logs: weather, work, construction report, deliveries, equipment, safety
violations and visitors, for the working days of a project under way.

Weather is logged every working day; the report and work logs for the vendors on site;
deliveries come before and while a trade works; equipment logs follow the machines on site;
violations and visitors are occasional. Like manpower, each list answers one day unless asked
for a range, and a log of the last three days is still pending approval.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

from ._base import DAY, Record, day, money, pick, record_id, ref, register, stamp
from ._context import ProjectContext
from ._facts import TRADES
from ._gen_timecards import on_site, workdays

_SKY = ("Clear", "Partly Cloudy", "Overcast", "Light Rain", "Rain", "Fog")
_WIND = ("Calm", "Light", "Moderate", "Windy")
_GROUND = ("Dry", "Damp", "Wet", "Muddy")
_TRADE = {t.name: t for t in TRADES}
_MACHINES = ("Excavator", "Skid Steer", "Telehandler", "Scissor Lift", "Boom Lift", "Generator")
_VIOLATIONS = (
    ("Missing hard hat", "Hard hats are required in all work areas."),
    ("Unprotected floor edge", "Guardrails must be reinstalled before the end of shift."),
    ("Ladder misuse", "Standing on the top step of a stepladder is not allowed."),
    ("Housekeeping", "Debris must be cleared from egress paths."),
    ("No fall protection", "Harness and lanyard are required above 6 feet."),
)
_VISITORS = (
    ("Owner's representative", "Progress walk with the superintendent."),
    ("City building inspector", "Framing inspection."),
    ("Architect", "Field observation of finishes."),
    ("Fire marshal", "Life safety walk."),
    ("Utility company", "Service connection coordination."),
)


def _user(user: Record) -> Record:
    return {"id": user["id"], "login": user["email_address"], "name": user["name"]}


def _status(ctx: ProjectContext, number: int) -> str:
    return "pending" if number > ctx.today - 3 else "approved"


def _log(ctx: ProjectContext, resource: int, n: int, number: int, rng: random.Random) -> Record:
    """The fields every daily log has."""
    logged = number * DAY + 22 * 3600 + int(rng.random() * 5000)
    author = ctx.team[min(2, len(ctx.team) - 1)]
    return {
        "id": record_id(resource, ctx.ordinal, n),
        "position": 1,
        "date": day(number),
        "datetime": stamp(number * DAY + 15 * 3600),
        "created_by": _user(author),
        "vendor": None,
        "location": None,
        "daily_log_segment_id": None,
        "daily_log_segment": None,
        "attachments": [],
        "created_at": stamp(logged),
        "updated_at": stamp(logged),
        "deleted_at": None,
    }


def _each_day(
    ctx: ProjectContext, name: str, resource: int, fill: Callable[..., Iterator[Record]]
) -> list[Record]:
    rng = ctx.rng(name)
    records: list[Record] = []
    for number in workdays(ctx):
        for extra in fill(ctx, rng, number):
            records.append(_log(ctx, resource, len(records) + 1, number, rng) | extra)
    return records


def _weather(ctx: ProjectContext, rng: random.Random, number: int) -> Iterator[Record]:
    season = abs(((number + 15) % 365) - 197) / 182  # 0 in mid-July, 1 in mid-January
    high = round(92 - 45 * season + rng.gauss(0, 6))
    sky = pick(rng, _SKY)
    wet = sky in ("Rain", "Light Rain")
    yield {
        "temperature": f"{high}",
        "average": f"{high - 8 - int(rng.random() * 6)}",
        "sky": sky,
        "ground": "Wet" if wet else pick(rng, _GROUND[:2]),
        "wind": pick(rng, _WIND),
        "precipitation": f"{rng.random() * 1.2:.2f}" if wet else "0.00",
        "calamity": None,
        "is_weather_delay": "Yes" if sky == "Rain" and rng.random() < 0.5 else "No",
        "time": stamp(number * DAY + 14 * 3600),
        "comments": None,
        "status": _status(ctx, number),
        "permissions": {"can_update": True, "can_delete": True},
    }


def _work(ctx: ProjectContext, rng: random.Random, number: int) -> Iterator[Record]:
    for vendor in on_site(ctx, number):
        if rng.random() < 0.75:
            continue
        workers = 2 + int(rng.random() * 8)
        yield {
            "vendor": ref(vendor),
            "resource_name": f"{vendor['trade_name']} crew",
            "workers": workers,
            "hours": 8.0,
            "hourly_rate": float(55 + int(rng.random() * 40)),
            "showed": rng.random() < 0.95,
            "reimbursable": False,
            "scheduled_tasks": [],
            "comments": None,
        }


def _report(ctx: ProjectContext, rng: random.Random, number: int) -> Iterator[Record]:
    for vendor in on_site(ctx, number):
        if rng.random() < 0.5:
            continue
        crew = [1, 2 + int(rng.random() * 6), int(rng.random() * 3), int(rng.random() * 2)]
        hours = [8.0 * c for c in crew]
        yield {
            "vendor": ref(vendor),
            "trade": ctx.company.trades[TRADES.index(_TRADE[vendor["trade_name"]])],
            "status": _status(ctx, number),
            "number_of_foreman_workers": crew[0],
            "number_of_journeyman_workers": crew[1],
            "number_of_apprentice_workers": crew[2],
            "number_of_other_workers": crew[3],
            "foreman_hours": f"{hours[0]:.1f}",
            "journeyman_hours": f"{hours[1]:.1f}",
            "apprentice_hours": f"{hours[2]:.1f}",
            "other_hours": f"{hours[3]:.1f}",
            "first_year_hours": f"{hours[2]:.1f}",
            "local_city_hours": f"{sum(hours) * 0.4:.1f}",
            "local_county_hours": f"{sum(hours) * 0.7:.1f}",
            "minority_hours": f"{sum(hours) * 0.3:.1f}",
            "veteran_hours": f"{hours[0]:.1f}" if rng.random() < 0.3 else "0.0",
            "women_hours": f"{8.0 * (rng.random() < 0.2):.1f}",
            "notes": None,
            "permissions": {"can_update": True, "can_delete": True},
            "custom_fields": {},
        }


def _delivery(ctx: ProjectContext, rng: random.Random, number: int) -> Iterator[Record]:
    for vendor in on_site(ctx, number):
        if rng.random() < 0.9:
            continue
        trade = _TRADE[vendor["trade_name"]]
        yield {
            "vendor": ref(vendor),
            "delivery_from": vendor["name"],
            "tracking_number": f"TRK{rng.randrange(10**6, 10**7)}",
            "contents": f"{pick(rng, trade.sections)[1]} materials",
            "status": _status(ctx, number),
            "time_hour": 6 + int(rng.random() * 8),
            "time_minute": pick(rng, (0, 15, 30, 45)),
            "comments": None,
        }


def _equipment(ctx: ProjectContext, rng: random.Random, number: int) -> Iterator[Record]:
    fraction = (number - ctx.start) / max(1, ctx.finish - ctx.start)
    for position, name in enumerate(_MACHINES, start=1):
        if rng.random() < 0.6 or (position == 1 and fraction > 0.3):
            continue
        codes = ctx.codes_of(TRADES[0]) or ctx.cost_codes
        operating = round(rng.random() * 8 * 2) / 2
        yield {
            "equipment": {
                "id": record_id(63, ctx.ordinal, position),
                "project_id": ctx.id,
                "position": position,
                "name": name,
            },
            "hours_operating": money(int(operating * 100)),
            "hours_idle": money(int((8 - operating) * 100)),
            "inspected": rng.random() < 0.7,
            "inspection_hour": 7,
            "inspection_minute": pick(rng, (0, 30)),
            "cost_code": ref(pick(rng, codes)) if codes else None,
            "notes": None,
            "permissions": {"can_update": True, "can_delete": True},
            "custom_fields": {},
        }


def _violation(ctx: ProjectContext, rng: random.Random, number: int) -> Iterator[Record]:
    present = on_site(ctx, number)
    if not present or rng.random() < 0.93:
        return
    vendor = pick(rng, present)
    subject, notice = pick(rng, _VIOLATIONS)
    yield {
        "vendor": ref(vendor),
        "location": pick(rng, ctx.locations) if ctx.locations else None,
        "subject": subject,
        "issued_to": ctx.contact(vendor)["name"],
        "safety_notice": notice,
        "compliance_due": day(number + 1),
        "time_hour": 9 + int(rng.random() * 7),
        "time_minute": pick(rng, (0, 15, 30, 45)),
        "comments": None,
    }


def _visitor(ctx: ProjectContext, rng: random.Random, number: int) -> Iterator[Record]:
    if rng.random() < 0.85:
        return
    subject, details = pick(rng, _VISITORS)
    begin = 8 + int(rng.random() * 6)
    yield {
        "subject": subject,
        "details": details,
        "status": _status(ctx, number),
        "begin_hour": begin,
        "begin_minute": 0,
        "end_hour": begin + 1 + int(rng.random() * 2),
        "end_minute": 30,
        "permissions": {"can_update": True, "can_delete": True},
        "custom_fields": {},
    }


_KINDS: dict[str, tuple[int, Callable[..., Iterator[Record]]]] = {
    "weather_logs": (50, _weather),
    "work_logs": (51, _work),
    "daily_construction_report_logs": (52, _report),
    "delivery_logs": (53, _delivery),
    "equipment_logs": (54, _equipment),
    "safety_violation_logs": (55, _violation),
    "visitor_logs": (56, _visitor),
}


def _builder(name: str) -> Callable[[ProjectContext], list[Record]]:
    resource, fill = _KINDS[name]

    def build(ctx: ProjectContext) -> list[Record]:
        return _each_day(ctx, name, resource, fill)

    build.__doc__ = f"The project's {name.replace('_', ' ')}, per working day."
    return build


for _name in _KINDS:
    register(_name)(_builder(_name))
