"""Each scope's sync state in ``_procore_sync``: read before a sync plans, written with its rows.

One row per resource and scope: the server time the last answered sync began (``since``),
the start of the last sync that found every deletion (``exact_since``), when it was last
asked (``synced_at``), its mode (``refused`` and ``failed`` for scopes not read), what it
did and cost, and for daily logs the days held (``days_from`` to ``days_to``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from procore_nb.store._plan import ScopePlan, Step
from procore_nb.store._tables import SYNC_TABLE, Counts, ensure_catalog

if TYPE_CHECKING:
    import duckdb

__all__ = ["Written", "last_steps", "remember", "remember_refusal"]

#: When a scope that has only ever failed was last answered: never (so it is stale).
_NEVER = datetime.min.replace(tzinfo=UTC)

_COLUMNS = (
    "resource, scope, scope_name, mode, since, exact_since, synced_at, rows, added, changed, "
    "deleted, requests, bytes, days_from, days_to"
)
_INSERT = f"INSERT INTO {SYNC_TABLE} ({_COLUMNS}) VALUES ({', '.join('?' * 15)})"


def _utc(value: Any) -> datetime:
    if value is None:
        return _NEVER
    moment: datetime = value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def last_steps(
    connection: duckdb.DuckDBPyConnection, resource: str
) -> dict[int, tuple[Step | None, datetime]]:
    """Each scope of ``resource`` asked for so far: its last successful :class:`Step` (None
    when Procore has refused it every time) and when it was last asked for."""
    if not ensure_catalog(connection, write=False):
        return {}
    rows = connection.execute(
        # A scope that failed last time is asked again whatever its age (NULL: never).
        "SELECT scope, since, rows, CASE WHEN mode = 'failed' THEN NULL ELSE synced_at END, "
        f"exact_since FROM {SYNC_TABLE} WHERE resource = ?",
        [resource],
    ).fetchall()
    return {
        int(s): (
            Step(_utc(since), int(n), _utc(exact) if exact else None) if since else None,
            _utc(at),
        )
        for s, since, n, at, exact in rows
    }


def _held(connection: duckdb.DuckDBPyConnection, resource: str, scope: int) -> tuple[Any, ...]:
    """The scope's state row (since, exact_since, rows, synced_at, days_from, days_to),
    removed so that the caller inserts the new one."""
    where = "WHERE resource = ? AND scope = ?"
    held = connection.execute(
        f"SELECT since, exact_since, rows, synced_at, days_from, days_to FROM {SYNC_TABLE} "
        + where,
        [resource, scope],
    ).fetchone()
    connection.execute(f"DELETE FROM {SYNC_TABLE} {where}", [resource, scope])
    return tuple(held) if held is not None else (None, None, 0, None, None, None)


@dataclass(frozen=True)
class Written:
    """What one scope's write did: when its pull began, the counts, requests and bytes."""

    since: datetime
    exact: datetime | None
    counts: Counts
    requests: int
    bytes: int


def remember(
    connection: duckdb.DuckDBPyConnection,
    resource: str,
    plan: ScopePlan,
    name: str,
    written: Written,
) -> None:
    """Replace the state of ``plan``'s scope after its rows were written (same transaction).

    A daily log's days run from the earliest day any sync of the scope read to the last
    day this one read: the rows of older days stay while later windows replace theirs.
    """
    held = _held(connection, resource, plan.scope)
    days_from: date | None = None
    days_to: date | None = None
    if plan.days is not None:
        days_from = min(held[4], plan.days[0]) if held[4] is not None else plan.days[0]
        days_to = plan.days[1]
    counts = written.counts
    connection.execute(
        _INSERT,
        [
            resource,
            plan.scope,
            name,
            str(plan.mode),
            written.since,
            written.exact,
            datetime.now(UTC),
            counts.rows,
            counts.added,
            counts.changed,
            counts.deleted,
            written.requests,
            written.bytes,
            days_from,
            days_to,
        ],
    )


def remember_refusal(
    connection: duckdb.DuckDBPyConnection,
    resource: str,
    plan: ScopePlan,
    name: str,
    requests: int,
    *,
    failed: bool,
) -> None:
    """Mark ``plan``'s scope refused (403, 404) or failed, keeping its rows and window."""
    since, exact, rows, answered, days_from, days_to = _held(connection, resource, plan.scope)
    connection.execute(
        _INSERT,
        [
            resource,
            plan.scope,
            name,
            "failed" if failed else "refused",
            since,
            exact,
            # A refusal is an answer (fresh for max_age); a failure is not (asked again).
            answered if failed else datetime.now(UTC),
            rows,
            0,
            0,
            0,
            requests,
            0,
            days_from,
            days_to,
        ],
    )
