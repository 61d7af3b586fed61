"""A Procore list held in memory, for testing the store apart from HTTP.

:class:`MemorySource` answers the store's :class:`~procore_nb.store._source.Source` questions
the way Procore does: whole lists, changes in an ``updated_at`` window (deleted rows included
for resources that support ``include_deleted``), ids, and a daily log's days (rows of a
``dated`` resource carry a ``date``, today's unless given); it counts a request per page. Its
clock only moves when a test moves it, and every change stamps ``updated_at`` with it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd

from procore_nb.api._usage import Spent
from procore_nb.store._plan import Resource
from procore_nb.store._source import Pulled

#: One resource of each kind the planner tells apart.
RESOURCES = {
    "logs": Resource("logs", per_page=2),  # no filters[updated_at]: always whole
    "rfis": Resource("rfis", incremental=True, per_page=2),  # no cheaper id list
    "events": Resource("events", incremental=True, include_deleted=True, per_page=2),
    "items": Resource("items", incremental=True, per_page=2, id_page=100),  # an ids view
}

START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
DTYPES = {
    "id": "Int64",
    "project_id": "Int64",
    "project_name": "string",
    "title": "string",
    "amount": "float64",
    "updated_at": "datetime64[ns, UTC]",
    "deleted_at": "datetime64[ns, UTC]",
    "tags": "object",
}


@dataclass
class MemorySource:
    """Rows of one company's resources, changed by tests and pulled by the store."""

    resources: dict[str, Resource]
    projects: dict[int, str] = field(default_factory=lambda: {11: "Tower", 12: "School"})
    label: str = "memory-1"
    company_id: int = 1
    now: datetime = START
    rows: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    requests: int = 0
    bytes: int = 0
    pulls: list[tuple[str, tuple[datetime, datetime] | None]] = field(default_factory=list)
    days: list[tuple[date, date] | None] = field(default_factory=list)  # each pull's days
    #: Set to make the n-th pull from now raise (an error or KeyboardInterrupt mid-sync).
    fail_on: tuple[int, BaseException] | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # a column Procore starts sending
    refuse: set[int] = field(default_factory=set)  # projects answering 403
    fail: set[int] = field(default_factory=set)  # projects answering 500 after the retries
    #: Set to make the next pull stop with Ctrl-C after reading this many projects whole.
    interrupt_after: int | None = None
    _next: int = 1000

    # --- changing the data ---------------------------------------------------------------

    def advance(self, seconds: float = 60.0) -> None:
        self.now += timedelta(seconds=seconds)

    def create(self, resource: str, project: int, **values: Any) -> int:
        self._next += 1
        row = {
            "id": self._next,
            "project_id": project,
            "title": f"Item {self._next}",
            "amount": self._next + 0.25,
            "updated_at": self.now,
            "deleted_at": None,
            "tags": ["new"],
            **self.extra,
            **values,
        }
        spec = self.resources.get(resource)
        if spec is not None and spec.dated is not None:
            row.setdefault("date", pd.Timestamp(self.now.date(), tz="UTC"))
        self.rows.setdefault(resource, {})[self._next] = row
        return self._next

    def update(self, resource: str, key: int, **values: Any) -> None:
        row = self.rows[resource][key]
        row.update({"title": f"{row['title']}*", **self.extra, **values, "updated_at": self.now})

    def delete(self, resource: str, key: int) -> None:
        row = self.rows[resource][key]
        row.update(deleted_at=self.now, updated_at=self.now)

    def live(self, resource: str) -> list[int]:
        rows = self.rows.get(resource, {}).values()
        return sorted(r["id"] for r in rows if r["deleted_at"] is None)

    # --- the Source protocol -------------------------------------------------------------

    def resource(self, name: str) -> Resource:
        return self.resources[name]

    def spent(self) -> Spent:
        return Spent(self.requests, self.bytes)

    def server_time(self) -> datetime:
        return self.now

    def full(self, name: str, scopes: Sequence[int]) -> pd.DataFrame:
        """What a fresh whole pull of ``scopes`` returns (for comparing with the store)."""
        return self._frame(self._select(name, scopes, None))

    def pull(
        self,
        resource: Resource,
        scopes: Sequence[int],
        *,
        changed: tuple[datetime, datetime] | None = None,
        ids_only: bool = False,
        days: tuple[date, date] | None = None,
    ) -> Pulled:
        self.pulls.append((resource.name, changed))
        self.days.append(days)
        if self.fail_on is not None:
            left, error = self.fail_on
            self.fail_on = (left - 1, error) if left > 1 else None
            if left <= 1:
                raise error
        if self.interrupt_after is not None:
            read, self.interrupt_after = list(scopes)[: self.interrupt_after], None
            interrupt = KeyboardInterrupt()
            done = self.pull(resource, read, changed=changed, ids_only=ids_only, days=days)
            interrupt.pulled = Pulled(done.frame, done.scopes, answered=set(read))  # type: ignore[attr-defined]
            raise interrupt
        allowed = [s for s in scopes if s not in self.refuse | self.fail]
        rows = self._select(resource.name, allowed, changed, deleted=resource.include_deleted)
        if resource.dated is not None:  # today's rows unless asked for days, as Procore
            first, last = days or (self.now.date(), self.now.date())
            rows = [r for r in rows if first <= r["date"].date() <= last]
        size = resource.id_page if ids_only and resource.id_page else resource.per_page
        for scope in scopes:
            count = sum(1 for r in rows if r["project_id"] == scope)
            self.requests += max(1, math.ceil(count / size))
        self.bytes += len(rows) * (8 if ids_only else 200)
        frame = self._frame(rows)
        if ids_only:
            frame = frame[["id", "project_id"]]
        refused = {s: "403: the tool is disabled" for s in scopes if s in self.refuse}
        failing = {s: "500: server error" for s in scopes if s in self.fail}
        self.requests += len(refused) + len(failing)
        ids = [int(r["project_id"]) for r in rows]
        return Pulled(frame, ids, refused | failing, set(failing))

    def _select(
        self,
        name: str,
        scopes: Sequence[int],
        changed: tuple[datetime, datetime] | None,
        *,
        deleted: bool = False,
    ) -> list[dict[str, Any]]:
        table = self.rows.get(name, {})
        found = []
        for scope in scopes:
            for key in sorted(table):
                row = table[key]
                if row["project_id"] != scope:
                    continue
                if changed is not None and not changed[0] <= row["updated_at"] <= changed[1]:
                    continue
                if row["deleted_at"] is not None and not (deleted and changed is not None):
                    continue
                found.append(row | {"project_name": self.projects[scope]})
        return found

    def _frame(self, rows: list[dict[str, Any]]) -> pd.DataFrame:
        columns = list(DTYPES) + [c for c in self.extra if c not in DTYPES]
        if any("date" in r for r in rows):
            columns.append("date")
        data: dict[str, Any] = {}
        for column in columns:
            values = [r.get(column) for r in rows]
            dtype = DTYPES.get(column)
            if dtype == "object":
                data[column] = pd.Series(values, dtype=object)
            elif dtype is not None:
                data[column] = pd.Series(values, dtype=dtype)
            else:
                data[column] = pd.Series(values)
        return pd.DataFrame(data)
