"""How to bring each scope up to date for the fewest requests, never more than a whole pull.

Procore's rate limits count requests, so the plan compares requests, scope by scope:

- a scope never synced, or a resource without ``filters[updated_at]`` (daily logs aside, see
  below): pull it **whole**;
- a resource with ``filters[include_deleted]``: pull the **changes** since the last sync
  (minus an overlap), deleted rows included, in one request for most scopes;
- otherwise the changes alone miss deletions: pulling the changes and then listing the ids
  (in the cheapest view the endpoint has) is chosen only where it costs fewer requests than
  pulling the scope whole. A scope that fits one page costs one request whole, which no
  incremental pull can beat;
- unless the store was told that deletions may wait (``deletions_every``): then, between
  whole pulls at most that far apart, such scopes pull only their changes (one request,
  a fraction of the bytes), and rows deleted in Procore stay until the next whole pull;
- a daily log (a list that answers only today's records unless given ``start_date`` and
  ``end_date``, and takes no ``filters[updated_at]``) is read by **days**: the first sync
  reads a history window ending today, later ones the days since the last sync minus a
  trail of :data:`TRAIL` (late approvals and edits), replacing the stored rows of those
  days and keeping the older ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

__all__ = ["TRAIL", "Mode", "Resource", "ScopePlan", "Step", "plan_scope"]

#: How far before the last sync's day a daily log's window starts again: logs approved
#: late, edited or deleted within this many days of their date are found.
TRAIL = timedelta(days=7)


class Mode(StrEnum):
    """How a scope is pulled."""

    WHOLE = "whole"
    CHANGES = "changes"  # with deletions in the same answer (filters[include_deleted]=with)
    CHANGES_AND_IDS = "changes+ids"  # then the ids, to find deletions
    DAYS = "days"  # the rows dated within a window of days (start_date, end_date)


@dataclass(frozen=True)
class Resource:
    """What the store needs to know of a resource (from the registry).

    ``id_page`` is the page size of the cheapest listing of ids (a ``view=ids`` or compact
    view with larger pages), or ``None`` when listing ids costs as much as a whole pull.
    ``dated`` names the column holding each row's day when the list is read by a window
    of days (``start_date`` and ``end_date``, no ``filters[updated_at]``), else ``None``.
    """

    name: str
    key: str = "id"
    project_scoped: bool = True
    incremental: bool = False
    include_deleted: bool = False
    per_page: int = 100
    id_page: int | None = None
    dated: str | None = None


@dataclass(frozen=True)
class Step:
    """The last sync of one scope, as the sync state remembers it."""

    since: datetime  # the server time that sync started at
    rows: int
    exact_since: datetime | None = None  # start of the last sync that found every deletion


@dataclass(frozen=True)
class ScopePlan:
    """How to pull one scope, what it should cost, and the changes window or the days."""

    scope: int
    mode: Mode
    requests: int
    window_start: datetime | None = None
    days: tuple[date, date] | None = None  # first and last day read, both included


def _pages(rows: int, size: int) -> int:
    return max(1, math.ceil(rows / max(1, size)))


def plan_scope(
    resource: Resource,
    scope: int,
    last: Step | None,
    *,
    overlap: timedelta,
    deletions_every: timedelta = timedelta(0),
    now: datetime | None = None,
    history: timedelta = timedelta(days=90),
) -> ScopePlan:
    """The cheapest correct way to bring ``scope`` up to date.

    ``now`` is the server's clock; a daily log's days run to its date, from ``history``
    before it on the first sync, else from the last sync's day minus :data:`TRAIL`.

    Examples
    --------
    >>> from datetime import UTC
    >>> rfis = Resource("rfis", incremental=True, per_page=1000)
    >>> plan_scope(rfis, 1, None, overlap=timedelta(minutes=2)).mode
    <Mode.WHOLE: 'whole'>
    >>> last = Step(datetime(2025, 1, 1, tzinfo=UTC), rows=250)
    >>> plan_scope(rfis, 1, last, overlap=timedelta(minutes=2)).mode  # one page: pull it whole
    <Mode.WHOLE: 'whole'>
    >>> logs = Resource("manpower_logs", dated="date")
    >>> plan_scope(logs, 1, last, overlap=timedelta(0), now=datetime(2025, 1, 3, tzinfo=UTC)).days
    (datetime.date(2024, 12, 25), datetime.date(2025, 1, 3))
    """
    if resource.dated is not None:
        today = (now or datetime.now(UTC)).date()
        first = today - history if last is None else min(last.since.date() - TRAIL, today)
        return ScopePlan(scope, Mode.DAYS, 1, days=(first, today))
    whole = ScopePlan(scope, Mode.WHOLE, _pages(last.rows if last else 0, resource.per_page))
    if last is None or not resource.incremental:
        return whole
    start = last.since - overlap
    if resource.include_deleted:
        # The changes of a scope that fit one page; more changes page on, like a whole pull.
        return ScopePlan(scope, Mode.CHANGES, 1, start)
    if resource.id_page is not None:
        cost = 1 + _pages(last.rows, resource.id_page)
        if cost < whole.requests:
            return ScopePlan(scope, Mode.CHANGES_AND_IDS, cost, start)
    exact = last.exact_since
    now = now or last.since
    if deletions_every > timedelta(0) and exact is not None and now - exact < deletions_every:
        return ScopePlan(scope, Mode.CHANGES, 1, start)  # deletions wait for a whole pull
    return whole
