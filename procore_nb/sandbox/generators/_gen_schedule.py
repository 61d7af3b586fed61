"""The schedule: one summary task per phase of the job, with one task per trade under it."""

from __future__ import annotations

import random

from ._base import DAY, Record, record_id, register, stamp, work_second
from ._context import ProjectContext

_PHASES = (
    "Preconstruction",
    "Sitework",
    "Structure",
    "Envelope",
    "MEP Rough-In",
    "Interiors",
    "Closeout",
)


@register("tasks")
def tasks(ctx: ProjectContext) -> list[Record]:
    """The schedule: a summary task per phase with one task per trade under it."""
    if ctx.progress <= 0:
        return []
    rng = ctx.rng("tasks")
    planner = ctx.team[0]
    first = work_second(rng, ctx.start)
    made, updated = stamp(first), stamp(max(first, work_second(rng, ctx.end)))
    records: list[Record] = []
    for p, phase in enumerate(_PHASES):
        low, high = p / len(_PHASES) - 0.05, (p + 1) / len(_PHASES) + 0.1
        members = [t for t in ctx.trades if low <= t.phase[0] < high] if p else []
        parent = _task(
            ctx, rng, len(records) + 1, phase, None, max(0.0, low), min(1.0, high), f"{p + 1}"
        )
        parent["has_children"] = bool(members)
        records.append(parent)
        for c, trade in enumerate(members, start=1):
            name = f"{trade.name} work"
            records.append(
                _task(ctx, rng, len(records) + 1, name, parent, *trade.phase, f"{p + 1}.{c}")
            )
    for record in records:
        record["created_at"], record["updated_at"] = made, updated
        record["created_by"] = record["updated_by"] = {
            "id": planner["id"],
            "name": planner["name"],
            "login": planner["email_address"],
        }
    return records


def _task(  # noqa: PLR0917 - an internal builder fed the record's parts in order
    ctx: ProjectContext,
    rng: random.Random,
    n: int,
    name: str,
    parent: Record | None,
    low: float,
    high: float,
    wbs: str,
) -> Record:
    start, finish = ctx.day_at(low), max(ctx.day_at(low) + 1, ctx.day_at(high))
    done = max(0.0, min(1.0, (ctx.today - start) / max(1, finish - start)))
    slip = int(rng.gauss(0, 4))
    return {
        "id": record_id(8, ctx.ordinal, n),
        "row_number": n,
        "name": name,
        "task_name": name,
        "key": f"T{n:04d}",
        "wbs": wbs,
        "full_outline_path": f"{parent['name']} > {name}" if parent else name,
        "parent_id": parent["id"] if parent else None,
        "percentage": int(100 * done) if ctx.progress < 1 else 100,
        "start_datetime": stamp(start * DAY + 14 * 3600),
        "finish_datetime": stamp(finish * DAY + 23 * 3600),
        "actual_start": stamp((start + slip) * DAY + 14 * 3600)
        if start + slip < ctx.today
        else None,
        "actual_finish": stamp((finish + slip) * DAY + 23 * 3600)
        if finish + slip < ctx.today
        else None,
        "baseline_start": stamp(start * DAY + 14 * 3600),
        "baseline_finish": stamp(finish * DAY + 23 * 3600),
        "schedule_duration": float(finish - start),
        "start_variance": float(slip),
        "finish_variance": float(slip),
        "pending": False,
        "critical_path": rng.random() < 0.3,
        "milestone": False,
        "has_children": False,
        "manually_edited": False,
        "resource_name": None,
        "resource_ids": [],
        "notes": None,
        "color": "#4a90d9",
        "activity_id": f"A{n:04d}",
        "schedule_activity_id": f"A{n:04d}",
        "source_uid": str(n),
    }
