"""Records of every registry resource, made per scope (project or company) on first request.

Generated records are a pure function of the seed and the scope, so they live in a
least-recently-used cache bounded by a number of records and are made again, identical, when
needed. A scope changed through ``/_sandbox/mutate`` is copied out of that cache and kept
("pinned") with its deletions, so the changes last for the life of the server.
"""

from __future__ import annotations

import copy
import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ._data import World
from .generators import (
    GENERATORS,
    CompanyContext,
    ProjectContext,
    Record,
    company_context,
    project_context,
)

#: Records kept in the cache of generated scopes (about 1-3 KB each).
RECORD_BUDGET = 120_000
_PROJECT_CONTEXTS = 1024


@dataclass
class Bucket:
    """The records of one resource in one scope, in id order, deleted ones included."""

    records: list[Record]
    deleted: dict[int, str] = field(default_factory=dict)  # id -> deleted_at
    version: int = 0  # bumped on every change, so cached queries see it
    encoded: dict[int, bytes] = field(default_factory=dict)

    def live(self) -> list[Record]:
        if not self.deleted:
            return self.records
        return [r for r in self.records if r.get("id") not in self.deleted]

    def encode(self, record: Record) -> bytes:
        """The record's JSON, encoded once."""
        key = record.get("id")
        data = self.encoded.get(key) if key is not None else None
        if data is None:
            data = json.dumps(record, separators=(",", ":")).encode()
            if key is not None:
                self.encoded[key] = data
        return data

    def touched(self, record_id: int) -> None:
        self.encoded.pop(record_id, None)
        self.version += 1


class Store:
    """Contexts and records of one world, made lazily."""

    def __init__(self, world: World, seed: int, budget: int = RECORD_BUDGET) -> None:
        self.world = world
        self.seed = seed
        self.budget = budget
        self._companies: dict[int, CompanyContext] = {}
        self._projects: OrderedDict[int, ProjectContext] = OrderedDict()
        self._cached: OrderedDict[tuple[str, int], Bucket] = OrderedDict()
        self._cached_size = 0
        self._pinned: dict[tuple[str, int], Bucket] = {}
        users = world.users.values()
        self.members = {u.id: u.projects for u in users if not u.admin and u.password}
        self._ordinals = {cid: k for k, cid in enumerate(world.companies)}

    def company(self, company_id: int) -> CompanyContext:
        found = self._companies.get(company_id)
        if found is None:
            company = self.world.companies[company_id]
            found = company_context(
                company, self._ordinals[company_id], self.seed, self.world.users, self.world.today
            )
            self._companies[company_id] = found
        return found

    def project(self, project_id: int) -> ProjectContext:
        found = self._projects.get(project_id)
        if found is not None:
            self._projects.move_to_end(project_id)
            return found
        company_id, position = self.world.project_index[project_id]
        k = self._ordinals[company_id]
        ordinal = position if k == 0 else 200_000 + 1000 * k + position
        record = self.world.companies[company_id].projects[position]
        found = project_context(record, self.company(company_id), ordinal, self.seed, self.members)
        self._projects[project_id] = found
        if len(self._projects) > _PROJECT_CONTEXTS:
            self._projects.popitem(last=False)
        return found

    def bucket(self, name: str, scope_id: int) -> Bucket:
        """The records of resource ``name`` for one project or company."""
        key = (name, scope_id)
        found = self._pinned.get(key) or self._cached.get(key)
        if found is not None:
            if key in self._cached:
                self._cached.move_to_end(key)
            return found
        generator = GENERATORS[name]
        ctx: Any = (
            self.project(scope_id) if generator.scope == "project" else self.company(scope_id)
        )
        records = sorted(generator.build(ctx), key=lambda r: r.get("id") or 0)
        found = Bucket(records)
        self._cached[key] = found
        self._cached_size += len(records)
        while self._cached_size > self.budget and len(self._cached) > 1:
            _, dropped = self._cached.popitem(last=False)
            self._cached_size -= len(dropped.records)
        return found

    def pin(self, name: str, scope_id: int) -> Bucket:
        """The bucket of ``name`` in a scope, copied out of the cache to be changed."""
        key = (name, scope_id)
        found = self._pinned.get(key)
        if found is None:
            source = self.bucket(name, scope_id)
            found = Bucket(copy.deepcopy(source.records), dict(source.deleted), source.version + 1)
            self._pinned[key] = found
            if self._cached.pop(key, None) is not None:
                self._cached_size -= len(source.records)
        return found

    def context(self, name: str, scope_id: int) -> Any:
        """The context a generator of ``name`` takes for this scope."""
        if GENERATORS[name].scope == "project":
            return self.project(scope_id)
        return self.company(scope_id)


class Results:
    """Filtered and sorted records of recent queries (clients page through the same query)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._found: OrderedDict[tuple[Any, ...], list[Record]] = OrderedDict()

    def get(self, key: tuple[Any, ...], make: Callable[[], list[Record]]) -> list[Record]:
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = make()
            if len(self._found) > self.size:
                self._found.popitem(last=False)
        else:
            self._found.move_to_end(key)
        return found
