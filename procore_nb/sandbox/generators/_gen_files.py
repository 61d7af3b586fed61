"""Documents (folder and file metadata), photo albums and photos of a project.

The document tree has the usual top folders, a folder per trade under Contracts, and files
added as the project goes: contracts when a trade is bought out, reports monthly. Photos are
taken on working days (more while many trades are on site) into a handful of albums.
"""

from __future__ import annotations

import random

from ._base import DAY, Record, pick, record_id, register, stamp, work_second
from ._context import ProjectContext
from ._gen_timecards import on_site, workdays

_DOCUMENT, _ALBUM, _IMAGE = 44, 45, 46
_FOLDERS = ("Contracts", "Drawings", "Specifications", "Reports", "Safety", "Closeout")
_ALBUMS = ("Progress", "Site Conditions", "Safety", "Quality", "Deliveries")
_URL = "https://storage.procore.example.com"


def _user(user: Record) -> Record:
    return {"id": user["id"], "login": user["email_address"], "name": user["name"]}


class _Tree:
    """Rows of the flat document index, folders and files alike, numbered as added."""

    def __init__(self, ctx: ProjectContext, rng: random.Random) -> None:
        self.ctx, self.rng = ctx, rng
        self.rows: list[Record] = []

    def add(
        self, name: str, parent: Record | None, second: int, file_type: str | None = None
    ) -> Record:
        ctx, rng = self.ctx, self.rng
        author = pick(rng, ctx.team)
        path = f"{parent['name_with_path']}/{name}" if parent else name
        row_id = record_id(_DOCUMENT, ctx.ordinal, len(self.rows) + 1)
        row: Record = {
            "id": row_id,
            "parent_id": parent["id"] if parent else None,
            "name": name,
            "name_with_path": path,
            "document_type": "file" if file_type else "folder",
            "read_only": False,
            "is_deleted": False,
            "is_recycle_bin": False,
            "is_tracked": False,
            "private": name == "Contracts" or bool(parent and parent["private"]),
            "created_at": stamp(second),
            "updated_at": stamp(second),
            "created_by": _user(author),
            "private_parent": None,
            "tracked_folder": None,
            "children": {
                "has_children": False,
                "has_children_files": False,
                "has_children_folders": False,
            },
            "file": None,
            "custom_fields": {},
        }
        if file_type:
            row["file"] = {
                "description": None,
                "file_type": file_type,
                "checked_out_until": None,
                "checked_out_by": None,
                "current_version": {
                    "id": row_id + 50_000,
                    "number": 1,
                    "size": int(rng.lognormvariate(13, 1)),
                    "file_id": row_id,
                    "notes": None,
                    "url": f"{_URL}/files/{row_id}",
                    "created_at": stamp(second),
                    "created_by": _user(author),
                    "prostore_file": {
                        "id": row_id + 90_000,
                        "name": name,
                        "url": f"{_URL}/prostore/{row_id}",
                        "filename": name,
                    },
                },
            }
        if parent:
            parent["children"] = {
                "has_children": True,
                "has_children_files": parent["children"]["has_children_files"] or bool(file_type),
                "has_children_folders": parent["children"]["has_children_folders"] or not file_type,
            }
            parent["updated_at"] = max(parent["updated_at"], row["updated_at"])
        self.rows.append(row)
        return row


@register("documents")
def documents(ctx: ProjectContext) -> list[Record]:
    """The project's folders and files, one row each."""
    if ctx.progress <= 0:
        return []
    rng = ctx.rng("documents")
    tree = _Tree(ctx, rng)
    begun = ctx.start * DAY + 15 * 3600
    tops = {name: tree.add(name, None, begun) for name in _FOLDERS}
    tree.add(f"{ctx.project['name']} Prime Contract.pdf", tops["Contracts"], begun + 3600, "pdf")
    for section in ctx.sections:
        tree.add(
            f"{section['number']} {section['description']}.pdf",
            tops["Specifications"],
            begun + 7200,
            "pdf",
        )
    for trade in ctx.trades:
        bought = ctx.day_at(max(0.0, trade.phase[0] - 0.15))
        if bought > ctx.end:
            continue
        second = work_second(rng, bought)
        folder = tree.add(trade.name, tops["Contracts"], second)
        tree.add(f"{trade.name} Subcontract.pdf", folder, second + 600, "pdf")
        if rng.random() < 0.5:
            tree.add(f"{trade.name} Insurance Certificate.pdf", folder, second + 900, "pdf")
    for month, number in enumerate(range(ctx.start + 30, ctx.end + 1, 30), start=1):
        tree.add(
            f"Monthly Report {month:02d}.docx", tops["Reports"], work_second(rng, number), "docx"
        )
        if rng.random() < 0.5:
            tree.add(
                f"Safety Audit {month:02d}.xlsx", tops["Safety"], work_second(rng, number), "xlsx"
            )
    return tree.rows


@register("image_categories")
def image_categories(ctx: ProjectContext) -> list[Record]:
    """The project's photo albums, with the number of photos each holds."""
    if ctx.progress <= 0:
        return []
    counts: dict[int, int] = {}
    for image in images(ctx):
        counts[image["image_category_id"]] = counts.get(image["image_category_id"], 0) + 1
    made = stamp(ctx.start * DAY + 15 * 3600)
    out = []
    for n, name in enumerate(_ALBUMS, start=1):
        album_id = record_id(_ALBUM, ctx.ordinal, n)
        out.append(
            {
                "id": album_id,
                "name": name,
                "count": counts.get(album_id, 0),
                "position": n,
                "private": name == "Safety",
                "cover_photo": f"{_URL}/albums/{album_id}/cover.jpg",
                "created_at": made,
                "updated_at": made,
                "links": {
                    "show": f"/rest/v1.0/image_categories/{album_id}?project_id={ctx.id}",
                    "update": f"/rest/v1.0/image_categories/{album_id}?project_id={ctx.id}",
                    "delete": f"/rest/v1.0/image_categories/{album_id}?project_id={ctx.id}",
                },
            }
        )
    return out


@register("images")
def images(ctx: ProjectContext) -> list[Record]:
    """Photos taken on working days: a few a day, more while many trades are on site."""
    rng = ctx.rng("images")
    records: list[Record] = []
    for number in workdays(ctx):
        present = on_site(ctx, number)
        for _ in range(int(rng.random() * (1 + len(present) / 4))):
            records.append(_image(ctx, rng, len(records) + 1, number, present))
    return records


def _image(
    ctx: ProjectContext, rng: random.Random, n: int, number: int, present: list[Record]
) -> Record:
    album = int(rng.random() * len(_ALBUMS))
    album_id = record_id(_ALBUM, ctx.ordinal, album + 1)
    taken = work_second(rng, number)
    uploader = pick(rng, ctx.team)
    image_id = record_id(_IMAGE, ctx.ordinal, n)
    vendor = pick(rng, present) if present else None
    trade = next(
        (t for t in ctx.company.trades if vendor and t["name"] == vendor["trade_name"]), None
    )
    latitude, longitude = ctx.project.get("latitude"), ctx.project.get("longitude")
    return {
        "id": image_id,
        "size": int(rng.lognormvariate(14.5, 0.4)),
        "width": 4032,
        "height": 3024,
        "image_category_id": album_id,
        "origin_id": None,
        "daily_log_header_id": None,
        "url": f"{_URL}/images/{image_id}.jpg",
        "thumbnail_url": f"{_URL}/images/{image_id}_thumb.jpg",
        "filename": f"IMG_{n:05d}.jpg",
        "description": None,
        "image_category_name": _ALBUMS[album],
        "gps_lat": f"{latitude:.6f}" if isinstance(latitude, float) else None,
        "gps_long": f"{longitude:.6f}" if isinstance(longitude, float) else None,
        "private": _ALBUMS[album] == "Safety",
        "starred": rng.random() < 0.05,
        "permanently_deleted": False,
        "image_category_private": _ALBUMS[album] == "Safety",
        "projection": "regular",
        "taken_at": stamp(taken),
        "created_at": stamp(taken + 600),
        "updated_at": stamp(taken + 600),
        "location": pick(rng, ctx.locations) if rng.random() < 0.6 else None,
        "uploader": _user(uploader),
        "links": {
            "self": f"/rest/v1.0/images/{image_id}?project_id={ctx.id}",
            "update": f"/rest/v1.0/images/{image_id}?project_id={ctx.id}",
            "delete": f"/rest/v1.0/images/{image_id}?project_id={ctx.id}",
            "permanentlyDelete": f"/rest/v1.0/images/{image_id}/permanently_delete",
            "retrieve": f"/rest/v1.0/images/{image_id}/retrieve",
        },
        "trades": [trade] if trade else [],
        "comments_count": int(rng.random() < 0.1),
        "daily_log_segment_id": None,
        "daily_log_segment": None,
    }
