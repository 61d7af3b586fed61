"""Changes over time: create, update and delete records of a resource, with the clock advanced.

``POST /_sandbox/mutate`` (``Sandbox.mutate``) moves the sandbox clock forward and stamps every
change with the new time, so that ``filters[updated_at]`` from the last pull finds exactly the
changed records, and ``filters[include_deleted]`` the deleted ones where Procore supports it.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from typing import Any

from procore_nb._registry import registry

from ._data import MAIN_COMPANY_ID
from ._state import State
from .generators import GENERATORS
from .generators._base import second_of

#: Fields cleared on a created record: it is new, so nothing about it has happened yet.
_CLEARED = ("closed_at", "time_resolved", "deleted_at", "reviewed_at", "distributed_at")


def mutate(state: State, body: dict[str, Any]) -> dict[str, Any]:
    """Apply one change request; ``ValueError`` names what is wrong with it."""
    name = body.get("resource")
    entry = registry().get(str(name))
    if entry is None or name not in GENERATORS:
        known = ", ".join(sorted(n for n in registry() if n in GENERATORS))
        raise ValueError(f"resource must be one of {known}")
    counts = {k: body.get(k, 0) for k in ("create", "update", "delete")}
    if any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in counts.values()):
        raise ValueError("create, update and delete must be whole numbers >= 0")
    advance = body.get("advance", 60)
    if isinstance(advance, bool) or not isinstance(advance, int | float) or advance < 0:
        raise ValueError("advance must be a number of seconds >= 0")
    scope_id = _scope(state, entry.project_scoped, body)
    state.clock.advance(float(advance))
    now = dt.datetime.fromtimestamp(state.clock.now(), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    bucket = state.store.pin(str(name), scope_id)
    rng = random.Random(f"{state.options.seed}/mutate/{name}/{scope_id}/{bucket.version}")
    live = bucket.live()
    if counts["update"] + counts["delete"] > len(live):
        raise ValueError(
            f"{name} of {scope_id} has {len(live)} records: cannot update and delete "
            f"{counts['update'] + counts['delete']}"
        )
    chosen = rng.sample(live, counts["update"] + counts["delete"])
    updated = chosen[: counts["update"]]
    deleted = chosen[counts["update"] :]
    for record in updated:
        _change(record, rng, live, now)
        bucket.touched(record["id"])
    for record in deleted:
        for key, value in (("deleted_at", now), ("deleted", True), ("updated_at", now)):
            if key in record:
                record[key] = value
        bucket.deleted[record["id"]] = now
        bucket.touched(record["id"])
    make = GENERATORS[str(name)].make
    created = []
    for _ in range(counts["create"] if live or make else 0):
        if make is not None:
            ctx = state.store.context(str(name), scope_id)
            number = 1 + max((_number(r) for r in bucket.records), default=0)
            record = make(ctx, rng, number, second_of(state.clock.now()))
            record["id"] = max((r["id"] for r in bucket.records), default=record["id"] - 1) + 1
            bucket.records.append(record)
        else:
            record = _create(bucket.records, rng, now)
        created.append(record)
    for record in created:
        bucket.touched(record["id"])
    return {
        "resource": name,
        "scope_id": scope_id,
        "now": now,
        "created": [r["id"] for r in created],
        "updated": [r["id"] for r in updated],
        "deleted": [r["id"] for r in deleted],
    }


def _scope(state: State, project: bool, body: dict[str, Any]) -> int:
    key = "project_id" if project else "company_id"
    raw = body.get(key, None if project else MAIN_COMPANY_ID)
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ValueError(f"send {key} as an integer id")
    known = state.world.project_index if project else state.world.companies
    if raw not in known:
        raise ValueError(f"no {key.removesuffix('_id')} has id {raw}")
    return raw


def _change(
    record: dict[str, Any], rng: random.Random, live: list[dict[str, Any]], now: str
) -> None:
    """Move the record on: another status seen among its peers, and updated_at now."""
    status = record.get("status")
    if isinstance(status, str):
        others = sorted({r["status"] for r in live if isinstance(r.get("status"), str)} - {status})
        if others:
            record["status"] = rng.choice(others)
    if "updated_at" in record:
        record["updated_at"] = now


def _number(record: dict[str, Any]) -> int:
    number = str(record.get("number", ""))
    return int(number) if number.isdigit() else 0


def _create(records: list[dict[str, Any]], rng: random.Random, now: str) -> dict[str, Any]:
    """A new record shaped like an existing one, with the next id and number."""
    record = copy.deepcopy(rng.choice(records))
    record["id"] = max(r["id"] for r in records) + 1
    numbers = [int(r["number"]) for r in records if str(r.get("number", "")).isdigit()]
    if numbers:
        number = max(numbers) + 1
        record["number"] = str(number) if isinstance(record["number"], str) else number
    for key in ("created_at", "updated_at", "initiated_at"):
        if key in record:
            record[key] = now
    for key in _CLEARED:
        if key in record:
            record[key] = None
    if "deleted" in record:
        record["deleted"] = False
    records.append(record)
    return record
