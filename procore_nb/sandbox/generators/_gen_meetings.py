"""Meetings: the weekly owner-architect-contractor (OAC) meeting and the subcontractors'
coordination meeting every other week, from the start of work to today, with their topics.

Each record is the meeting's show (section 26 of the reference): the list item's fields, the
attendees and the categories holding the topics; the REST layer answers the list's fields
only, in groups by series. A topic is raised at its meeting and closes some weeks later
(:func:`._base.closing`), so the open ones are those of recent meetings; on a finished
project every topic is closed. A project still under way has its next OAC meeting on the
agenda (not occurred, open agenda items). One meeting in thirty was deleted (``deleted_at``,
which the lists leave out and ``deleted_only=true`` answers).
"""

from __future__ import annotations

import random

from ._base import (
    DAY,
    EPOCH,
    Record,
    closing,
    day,
    day_of,
    person,
    pick,
    record_id,
    register,
    stamp,
    weighted,
)
from ._context import ProjectContext

_MEETING, _CATEGORY, _TOPIC, _ATTENDEE, _TEMPLATE = 70, 71, 72, 73, 74
#: The series: (title, template number, weeks between meetings, weekday, hour UTC, categories)
_SERIES = (
    ("OAC Meeting", 1, 1, 1, 16, ("Safety", "Schedule", "Submittals and RFIs", "Owner Items")),
    ("Subcontractor Coordination", 2, 2, 3, 14, ("Safety", "Coordination", "Look-Ahead")),
)
_TOPICS = {
    "Safety": ("Housekeeping at {trade} work area", "Fall protection review", "Toolbox talk"),
    "Schedule": ("{trade} start date", "Three-week look-ahead", "Weather days claimed"),
    "Submittals and RFIs": ("{trade} shop drawings", "RFI response overdue", "Product data"),
    "Owner Items": ("Owner furnished equipment", "Finish selections", "Change order approval"),
    "Coordination": ("{trade} clash at level {level}", "Sleeves and penetrations", "Access"),
    "Look-Ahead": ("{trade} manpower next week", "Deliveries and laydown", "Inspections due"),
}
_PRIORITIES = (("", 0.35), ("High", 0.15), ("Medium", 0.3), ("Low", 0.2))
_ATTENDANCE = (("Present", 0.75), ("Absent", 0.1), ("Conference", 0.1), (None, 0.05))
#: Meetings created after this day name their creator (created_by_id), as Procore's do.
_CREATOR_SINCE = day_of(EPOCH.date().replace(year=2023, month=12, day=1))
_URL = "https://storage.procore.example.com/meetings"


def _days(ctx: ProjectContext, every: int, weekday: int) -> list[int]:
    """The meeting days of a series up to the project's last day, and the next one if open
    (never past its planned finish)."""
    first = ctx.start + (weekday - (ctx.start + EPOCH.weekday())) % 7
    last = ctx.end if ctx.finished else min(ctx.today + 6, ctx.finish)
    return list(range(first, last + 1, 7 * every))


def meetings(ctx: ProjectContext) -> list[Record]:
    """Every meeting of the project, as its show: attendees, categories and topics."""
    if ctx.progress <= 0:
        return []
    rng = ctx.rng("meetings")
    counts = {"meeting": 0, "category": 0, "topic": 0, "attendee": 0}
    records: list[Record] = []
    for series in _SERIES:
        title, _, every, weekday, _, _ = series
        previous = None
        for position, number in enumerate(_days(ctx, every, weekday), start=1):
            if number >= ctx.today and title != _SERIES[0][0]:
                continue  # only the OAC meeting is on the agenda ahead of today
            counts["meeting"] += 1
            record = _meeting(ctx, rng, series, (position, number, previous), counts)
            records.append(record)
            previous = record["id"]
    return records


def _meeting(
    ctx: ProjectContext,
    rng: random.Random,
    series: tuple[str, int, int, int, int, tuple[str, ...]],
    at: tuple[int, int, int | None],
    counts: dict[str, int],
) -> Record:
    title, template, _, _, hour, categories = series
    position, number, previous = at
    starts = number * DAY + hour * 3600
    occurred = number < ctx.today
    set_up = max(starts - (2 + int(rng.random() * 4)) * DAY, ctx.start * DAY + 12 * 3600)
    created = min(set_up, ctx.now - 3600)  # on the agenda before it meets, within the project
    updated = min(starts + DAY + int(rng.random() * DAY), ctx.now - 1) if occurred else created
    author = ctx.team[0] if ctx.team else None
    deleted = occurred and rng.random() < 1 / 30
    cats = [
        _category(ctx, rng, name, position=k, when=(number, created), counts=counts)
        for k, name in enumerate(categories, 1)
    ]
    return {
        "id": record_id(_MEETING, ctx.ordinal, counts["meeting"]),
        "group_title": title,
        "title": f"{title} #{position}",
        "description": f"{title} of {ctx.project['name']}",
        "location": "Site trailer" if title.startswith("OAC") else "Field office",
        "mode": "minutes" if occurred else "agenda",
        "occurred": occurred,
        "is_private": False,
        "starts_at": stamp(starts),
        "ends_at": stamp(starts + 3600),
        "meeting_date": day(number),
        "meeting_template_id": record_id(_TEMPLATE, ctx.company.ordinal, template),
        "meeting_template": {
            "id": record_id(_TEMPLATE, ctx.company.ordinal, template),
            "name": title,
        },
        "position": position,
        "created_by_id": author["id"] if author and created // DAY >= _CREATOR_SINCE else None,
        "parent_id": previous,
        "meeting_topics_count": sum(len(c["meeting_topic"]) for c in cats),
        "created_at": stamp(created),
        "updated_at": stamp(updated),
        "time_zone": ctx.project.get("time_zone") or "Pacific Time (US & Canada)",
        "conclusion": "Adjourned; next meeting as scheduled." if occurred else None,
        "remote_meeting_url": f"https://meet.example.com/{ctx.id}-{template}",
        "is_draft": not occurred,
        "attachments": [],
        "attendees": _attendees(ctx, rng, occurred, counts),
        "meeting_categories": cats,
        "deleted_at": stamp(min(updated + DAY, ctx.now - 1)) if deleted else None,
    }


def _attendees(
    ctx: ProjectContext, rng: random.Random, occurred: bool, counts: dict[str, int]
) -> list[Record]:
    people = ctx.team[:3] + [ctx.contact(v) for v in ctx.vendors[:4]]
    out = []
    for user in people:
        counts["attendee"] += 1
        status = weighted(rng, _ATTENDANCE) if occurred else "For Distribution Only"
        out.append(
            {
                "id": record_id(_ATTENDEE, ctx.ordinal, counts["attendee"]),
                "status": status,
                "login_information": person(user),
            }
        )
    return out


def _category(
    ctx: ProjectContext,
    rng: random.Random,
    name: str,
    *,
    position: int,
    when: tuple[int, int],
    counts: dict[str, int],
) -> Record:
    number, created = when
    counts["category"] += 1
    category = {"id": record_id(_CATEGORY, ctx.ordinal, counts["category"]), "title": name}
    topics = []
    for k in range(1, 1 + int(rng.random() * 3) + (name != "Safety")):
        counts["topic"] += 1
        at = (position, k)
        topics.append(_topic(ctx, rng, category, at=at, when=(number, created), n=counts["topic"]))
    return category | {"position": position, "meeting_topic": topics}


def _topic(
    ctx: ProjectContext,
    rng: random.Random,
    category: Record,
    *,
    at: tuple[int, int],
    when: tuple[int, int],
    n: int,
) -> Record:
    number, created = when
    trade = pick(rng, ctx.vendors)["trade_name"] if ctx.vendors else "General"
    title = pick(rng, _TOPICS[category["title"]]).format(trade=trade, level=1 + n % 4)
    closes = closing(rng, created, 18.0, now=ctx.now, done=ctx.finished, least_days=3)
    status = "Closed" if closes is not None else ("On Hold" if rng.random() < 0.15 else "Open")
    people = ctx.team[:2] + [ctx.contact(v) for v in ctx.vendors[:3]]
    assignees = (
        [person(pick(rng, people)) for _ in range(int(rng.random() * 2.4))] if people else []
    )
    topic_id = record_id(_TOPIC, ctx.ordinal, n)
    return {
        "id": topic_id,
        "position": at[1],
        "number": f"{at[0]}.{at[1]}",
        "title": title,
        "minutes": f"Discussed {title.lower()}." if number < ctx.today else None,
        "description": f"{title} ({category['title']})",
        "download_all_url": f"{_URL}/topics/{topic_id}/attachments.zip",
        "priority": weighted(rng, _PRIORITIES),
        "status": status,
        "created_on": day(created // DAY),
        "due_date": day(number + pick(rng, (7, 14, 21))),
        "meeting_category": {"id": category["id"], "title": category["title"]},
        "assignments": list({a["id"]: a for a in assignees}.values()),
        "attachments": [],
    }


def new_meeting(ctx: ProjectContext, rng: random.Random, n: int, second: int) -> Record:
    """Next week's OAC meeting, put on the agenda at ``second`` (``POST /_sandbox/mutate``);
    its categories, topics and attendees are numbered apart from the generated ones."""
    block = 50_000 + int(rng.random() * 3_000) * 16  # a block of ids no generated one uses
    counts = {"meeting": n, "category": block, "topic": block, "attendee": block}
    number = second // DAY + 7
    position = max(1, (number - ctx.start) // 7 + 1)
    record = _meeting(ctx, rng, _SERIES[0], (position, number, None), counts)
    return record | {"created_at": stamp(second), "updated_at": stamp(second)}


register("meetings", make=new_meeting)(meetings)
