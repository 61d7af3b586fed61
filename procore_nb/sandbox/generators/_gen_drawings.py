"""Drawings: an area per building (and the site), and every revision of their sheets.

The construction set is issued just before work starts (revision 0 of every sheet); bulletins
follow every two months or so while the project is under way and revise a few sheets each,
more of them early in the job. The revisions list holds every revision, current or not.
"""

from __future__ import annotations

import random

from ._base import DAY, Record, record_id, register, stamp
from ._context import ProjectContext
from ._gen_admin import all_locations

_AREA, _REVISION, _SET = 42, 43, 65
#: (discipline id, name, prefix, sheets of a typical building)
_DISCIPLINES = (
    (1, "Architectural", "A", 8),
    (2, "Structural", "S", 5),
    (3, "Mechanical", "M", 4),
    (4, "Electrical", "E", 4),
    (5, "Plumbing", "P", 3),
    (6, "Civil", "C", 4),
)
_URL = "https://storage.procore.example.com/drawings"


def _areas(ctx: ProjectContext) -> list[Record]:
    """The top-level locations: the drawing areas."""
    return [loc for loc in all_locations(ctx) if loc["parent_id"] is None]


def _sets(ctx: ProjectContext, rng: random.Random) -> list[tuple[int, str, int]]:
    """``(set id, name, day)`` of the construction set and the bulletins up to today."""
    found = [(record_id(_SET, ctx.ordinal, 1), "Issued for Construction", ctx.start)]
    number = ctx.start + 30 + int(rng.random() * 40)
    while number <= ctx.end:
        found.append(
            (record_id(_SET, ctx.ordinal, len(found) + 1), f"Bulletin {len(found):02d}", number)
        )
        number += 40 + int(rng.random() * 50)
    return found


def _sheets(ctx: ProjectContext, area: Record) -> list[tuple[int, str, str, str]]:
    """``(discipline id, discipline, number, title)`` of an area's sheets."""
    site = area["name"] == "Site"
    out = []
    for discipline, name, prefix, typical in _DISCIPLINES:
        if site != (prefix == "C") and not (site and prefix == "E"):
            continue
        for k in range(1, typical + 1 + int(min(ctx.size, 4))):
            out.append((discipline, name, f"{prefix}-{100 + k}", f"{area['name']} {name} {k}"))
    return out


def _drawings(ctx: ProjectContext) -> list[tuple[Record, list[Record]]]:
    """Each area with its revisions (made once per context)."""
    found = ctx.memo.get("drawings")
    if found is None:
        found = ctx.memo["drawings"] = _make(ctx, ctx.rng("drawings"))
    return list(found)


def _make(ctx: ProjectContext, rng: random.Random) -> list[tuple[Record, list[Record]]]:
    if ctx.progress <= 0:
        return []
    sets = _sets(ctx, rng)
    out: list[tuple[Record, list[Record]]] = []
    drawing, revision = 0, 0
    for area in _areas(ctx):
        rows: list[Record] = []
        for discipline, name, number, title in _sheets(ctx, area):
            drawing += 1
            issues = [sets[0]] + [s for s in sets[1:] if rng.random() < 0.12]
            for order, (set_id, _, issued) in enumerate(issues):
                revision += 1
                rows.append(
                    _revision(
                        ctx,
                        rng,
                        (revision, drawing, order, len(issues)),
                        (area, set_id, issued),
                        (discipline, name, number, title),
                    )
                )
        out.append((area, rows))
    return out


def _revision(
    ctx: ProjectContext,
    rng: random.Random,
    numbers: tuple[int, int, int, int],
    where: tuple[Record, int, int],
    sheet: tuple[int, str, str, str],
) -> Record:
    n, drawing, order, count = numbers
    area, set_id, issued = where
    discipline, name, number, title = sheet
    row_id = record_id(_REVISION, ctx.ordinal, n)
    return {
        "id": row_id,
        "drawing_id": record_id(_REVISION, ctx.ordinal, 80_000 + drawing),
        "drawing_sketches_count": 0,
        "width": 3456,
        "height": 2592,
        "pdf_size": int(rng.lognormvariate(13.5, 0.5)),
        "png_size": int(rng.lognormvariate(14, 0.5)),
        "position": drawing,
        "order_in_drawing": order + 1,
        "number": number,
        "title": title,
        "revision_number": str(order),
        "status": "published",
        "pdf_url": f"{_URL}/{row_id}.pdf",
        "png_url": f"{_URL}/{row_id}.png",
        "thumbnail_url": f"{_URL}/{row_id}_thumb.png",
        "large_thumbnail_url": f"{_URL}/{row_id}_large.png",
        "zip_url": f"{_URL}/{row_id}.zip",
        "activity_stream_last_viewed_at": None,
        "drawing_date": _day(issued - 5),
        "received_date": _day(issued),
        "updated_at": stamp(issued * DAY + 16 * 3600 + int(rng.random() * 3600)),
        "current": order == count - 1,
        "floorplan": name == "Architectural" and number.endswith(("101", "102")),
        "obsolete": False,
        "has_drawing_sketches": False,
        "has_public_markup_layer_elements": False,
        "connectability_outdated": False,
        "drawing_set": {"id": set_id},
        "drawing_area": {"id": area["id"]},
        "discipline": {"id": discipline, "position": discipline, "name": name},
        "custom_fields": {},
    }


def _day(number: int) -> str:
    return stamp(number * DAY)[:10]


@register("drawing_areas")
def drawing_areas(ctx: ProjectContext) -> list[Record]:
    """One drawing area per building, and the site."""
    out = []
    for n, (area, rows) in enumerate(_drawings(ctx), start=1):
        latest = max([area["created_at"], *(r["updated_at"] for r in rows)])
        out.append(
            {
                "id": record_id(_AREA, ctx.ordinal, n),
                "name": area["name"],
                "description": None,
                "drawings_count": len({r["drawing_id"] for r in rows}),
                "deletable": False,
                "created_at": area["created_at"],
                "updated_at": latest,
                "latest_revision_update": latest,
            }
        )
    return out


@register("drawing_revisions")
def drawing_revisions(ctx: ProjectContext) -> list[Record]:
    """Every revision of every sheet, current or not, by area."""
    found = _drawings(ctx)
    areas = {area["id"]: n for n, (area, _) in enumerate(found, start=1)}
    return [
        row | {"drawing_area": {"id": record_id(_AREA, ctx.ordinal, areas[area["id"]])}}
        for area, rows in found
        for row in rows
    ]


@register("drawings")
def drawings(ctx: ProjectContext) -> list[Record]:
    """Every sheet of every area with its current revision (the list of one area is picked by
    the REST layer, through the revisions that name the area)."""
    out = []
    for _, rows in _drawings(ctx):
        for row in rows:
            if not row["current"]:
                continue
            out.append(
                {
                    "id": row["drawing_id"],
                    "drawing_discipline_id": row["discipline"]["id"],
                    "number": row["number"],
                    "title": row["title"],
                    "discipline": row["discipline"]["name"],
                    "obsolete": False,
                    "current_revision": {
                        key: row[key]
                        for key in (
                            "id",
                            "pdf_size",
                            "png_size",
                            "revision_number",
                            "pdf_url",
                            "png_url",
                            "thumbnail_url",
                            "large_thumbnail_url",
                            "floorplan",
                            "has_drawing_sketches",
                            "updated_at",
                        )
                    },
                }
            )
    return sorted(out, key=lambda r: r["id"])


@register("drawing_sets")
def drawing_sets(ctx: ProjectContext) -> list[Record]:
    """The construction set and the bulletins, with the sheets each published."""
    if ctx.progress <= 0:
        return []
    counts: dict[int, int] = {}
    for _, rows in _drawings(ctx):
        for row in rows:
            counts[row["drawing_set"]["id"]] = counts.get(row["drawing_set"]["id"], 0) + 1
    out = []
    for position, (set_id, name, issued) in enumerate(_sets(ctx, ctx.rng("drawings")), start=1):
        made = stamp(issued * DAY + 15 * 3600)
        out.append(
            {
                "id": set_id,
                "project_id": ctx.id,
                "company_id": int(ctx.company.company.id),
                "position": position,
                "name": name,
                "date": made[:10],
                "created_at": made,
                "updated_at": made,
                "published_drawings_count": counts.get(set_id, 0),
                "unpublished_drawings_count": 0,
                "connected": False,
                "deletable": counts.get(set_id, 0) == 0,
            }
        )
    return out
