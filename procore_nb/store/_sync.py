"""One sync of one resource: plan each scope, pull in batches, write each scope atomically.

Scopes are pulled in batches through the source (which fans a batch out over its projects
concurrently, paced under the rate limits), and each scope of a batch is written in its own
transaction with its new sync state. An error or Ctrl-C while a batch is pulled writes none
of it; batches already written stay, each scope whole, and the next sync goes on from there.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from procore_nb.api._projects import skipped_together
from procore_nb.store._database import Database
from procore_nb.store._plan import Mode, Resource, ScopePlan, plan_scope
from procore_nb.store._report import SyncReport
from procore_nb.store._source import Pulled, Source, window_end
from procore_nb.store._state import Written, last_steps, remember, remember_refusal
from procore_nb.store._tables import (
    Counts,
    ensure_catalog,
    prepare,
    register,
    unregister,
    write_scope,
)

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

__all__ = ["sync_resource"]

#: Scopes pulled together: enough to keep every connection busy, few enough that an
#: interrupted sync keeps most of its work.
BATCH = 50


def _attributed(
    scopes: Sequence[int], rows: dict[int, int], per_page: int, requests: int
) -> dict[int, int]:
    """The measured ``requests`` of a batch shared among its scopes by their pages, so
    that the scopes' figures add up to what was spent (retries included)."""
    pages = {s: max(1, math.ceil(rows.get(s, 0) / max(1, per_page))) for s in scopes}
    total = sum(pages.values()) or 1
    shares = {s: requests * n / total for s, n in pages.items()}
    costs = {s: math.floor(v) for s, v in shares.items()}
    # Largest remainders first, until the shares add up to the measured total.
    for s in sorted(shares, key=lambda s: costs[s] - shares[s])[: requests - sum(costs.values())]:
        costs[s] += 1
    return costs


@contextlib.contextmanager
def _transaction(connection: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Commit at the end; roll back on any exception, Ctrl-C included."""
    connection.begin()
    try:
        yield
    except BaseException:
        connection.rollback()
        raise
    connection.commit()


def _chunks(items: Sequence[ScopePlan], size: int) -> Iterator[list[ScopePlan]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _groups(plans: Sequence[ScopePlan]) -> list[list[ScopePlan]]:
    """Plans that can share a pull: the same mode and the same window (or days)."""
    groups: dict[tuple[Mode, datetime | None, tuple[date, date] | None], list[ScopePlan]] = {}
    for item in plans:
        groups.setdefault((item.mode, item.window_start, item.days), []).append(item)
    return list(groups.values())


def _deleted_mask(frame: pd.DataFrame) -> Any:
    import pandas as pd

    mask = pd.Series(False, index=frame.index)
    if "deleted_at" in frame.columns:
        mask |= frame["deleted_at"].notna()
    if "deleted" in frame.columns:
        mask |= frame["deleted"].fillna(False).astype(bool)
    return mask


@dataclass
class _Batch:
    plans: list[ScopePlan]
    pulled: Pulled
    ids: Pulled | None
    since: datetime
    spent: tuple[int, int]


class _Run:
    def __init__(
        self,
        db: Database,
        source: Source,
        resource: Resource,
        names: dict[int, str],
        exact: dict[int, datetime | None],
    ) -> None:
        self.db = db
        self.source = source
        self.resource = resource
        self.names = names
        self.exact = exact  # per scope: when the last sync that found every deletion began
        self.report = SyncReport(resource.name)

    def pull(self, plans: list[ScopePlan]) -> _Batch:
        source, resource = self.source, self.resource
        scopes = [p.scope for p in plans]
        started = time.monotonic()
        before = source.spent()
        first = plans[0]
        changed = None
        if first.window_start is not None:
            changed = (first.window_start, window_end(source.server_time()))
        try:
            # Only a daily log's pull names days (a test's source may not take them).
            days: dict[str, Any] = {"days": first.days} if first.days is not None else {}
            pulled = source.pull(resource, scopes, changed=changed, **days)
        except KeyboardInterrupt as interrupt:
            # The scopes read whole before Ctrl-C (when the source says which) are kept.
            done: Pulled | None = getattr(interrupt, "pulled", None)
            kept = done.answered if done is not None else None
            if done is not None and kept is not None and first.mode is not Mode.CHANGES_AND_IDS:
                finished = [p for p in plans if p.scope in kept or p.scope in done.skipped]
                if finished:
                    spent = source.spent() - before
                    since = source.server_time() - timedelta(seconds=time.monotonic() - started)
                    batch = _Batch(finished, done, None, since, (spent.requests, spent.bytes))
                    interrupt.batch = batch  # type: ignore[attr-defined]  # written by the caller
            raise
        ids = None
        if first.mode is Mode.CHANGES_AND_IDS:
            ids = source.pull(resource, scopes, ids_only=True)
        spent = source.spent() - before
        # The server's clock when this pull began: a row written after it is changed later.
        since = source.server_time() - timedelta(seconds=time.monotonic() - started)
        return _Batch(plans, pulled, ids, since, (spent.requests, spent.bytes))

    def write(self, batch: _Batch) -> None:
        resource, report = self.resource, self.report
        frame = batch.pulled.frame.reset_index(drop=True)
        changes = batch.plans[0].mode is Mode.CHANGES
        deleted = _deleted_mask(frame).tolist() if changes and len(frame) else None
        prepared = prepare(frame, batch.pulled.scopes, deleted)
        counts_of: dict[int, int] = {}
        for scope in batch.pulled.scopes:
            counts_of[scope] = counts_of.get(scope, 0) + 1
        id_rows: dict[int, list[Any]] = {}
        if batch.ids is not None:
            keys = batch.ids.frame[resource.key].tolist() if len(batch.ids.frame) else []
            for scope, key in zip(batch.ids.scopes, keys, strict=True):
                id_rows.setdefault(scope, []).append(key)
        total_rows = max(1, len(frame))
        costs = _attributed(
            [p.scope for p in batch.plans], counts_of, resource.per_page, batch.spent[0]
        )
        skipped = {**batch.pulled.skipped, **(batch.ids.skipped if batch.ids else {})}
        failed = batch.pulled.failed | (batch.ids.failed if batch.ids else set())
        with self.db.connect() as connection:
            ensure_catalog(connection)
            columns: list[str] | None = None
            try:
                with _transaction(connection):  # new columns and their dtypes, once a batch
                    columns = register(
                        connection, resource=resource.name, rows=frame, prepared=prepared
                    )
                for plan in batch.plans:
                    if plan.scope in skipped:
                        # Asked and refused: fresh for max_age (a failure is not), but the
                        # rows and the window stay where the last good sync left them.
                        report.skipped[plan.scope] = skipped[plan.scope]
                        gave_up = plan.scope in failed
                        if gave_up:
                            report.failed.add(plan.scope)
                        with _transaction(connection):
                            remember_refusal(
                                connection,
                                resource.name,
                                plan,
                                self.names.get(plan.scope, ""),
                                costs[plan.scope],
                                failed=gave_up,
                            )
                        continue
                    share = counts_of.get(plan.scope, 0) / total_rows
                    with _transaction(connection):  # rows, deletions and state together
                        counts = write_scope(
                            connection,
                            resource=resource.name,
                            key=resource.key,
                            scope=plan.scope,
                            columns=columns,
                            replace=plan.mode in (Mode.WHOLE, Mode.DAYS),
                            keep=id_rows.get(plan.scope, []) if batch.ids is not None else None,
                            within=(resource.dated, *plan.days)
                            if resource.dated is not None and plan.days is not None
                            else None,
                        )
                        written = Written(
                            batch.since,
                            self._exact(plan, batch.since),
                            counts,
                            costs[plan.scope],
                            int(batch.spent[1] * share),
                        )
                        remember(
                            connection,
                            resource.name,
                            plan,
                            self.names.get(plan.scope, ""),
                            written,
                        )
                    self._count(plan, counts)
            finally:
                if columns is not None:
                    unregister(connection)

    def _exact(self, plan: ScopePlan, since: datetime) -> datetime | None:
        """When the last sync that found every deletion of the scope began."""
        finds_deletions = plan.mode is not Mode.CHANGES or self.resource.include_deleted
        return since if finds_deletions else self.exact.get(plan.scope)

    def _count(self, plan: ScopePlan, counts: Counts) -> None:
        report = self.report
        report.scopes += 1
        report.rows += counts.rows
        report.added += counts.added
        report.changed += counts.changed
        report.deleted += counts.deleted
        report.modes[str(plan.mode)] = report.modes.get(str(plan.mode), 0) + 1
        if plan.days is not None:
            held = report.days
            report.days = (
                (min(held[0], plan.days[0]), max(held[1], plan.days[1]))
                if held is not None
                else plan.days
            )


def sync_resource(
    db: Database,
    source: Source,
    resource: Resource,
    scopes: dict[int, str],
    *,
    overlap: timedelta,
    deletions_every: timedelta = timedelta(0),
    history: timedelta = timedelta(days=90),
    progress: bool = False,
) -> SyncReport:
    """Bring ``scopes`` (id -> name) of ``resource`` up to date and report what it took.

    ``deletions_every`` lets scopes whose deletions cost a whole pull to find pull only
    their changes in between whole pulls at most that far apart, and ``history`` is how
    far back a daily log's first sync reads (see ``_plan``).
    """
    started = time.monotonic()
    with db.connect() as connection:
        steps = last_steps(connection, resource.name)
    now = source.server_time()
    plans = [
        plan_scope(
            resource,
            scope,
            steps[scope][0] if scope in steps else None,
            overlap=overlap,
            deletions_every=deletions_every,
            now=now,
            history=history,
        )
        for scope in scopes
    ]
    exact = {scope: step.exact_since for scope, (step, _) in steps.items() if step is not None}
    run = _Run(db, source, resource, scopes, exact)
    bar = _bar(progress, len(plans), resource.name)
    spent_before = source.spent()
    # Pulls stay in this thread (Ctrl-C reaches them); each batch is written in a writer
    # thread while the next one is pulled, so the local work hides behind Procore's pace.
    writer = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="procore_nb-store")
    writing: concurrent.futures.Future[None] | None = None
    try:
        # One warning for the whole scope asked ("2 of 313 projects"), not one per batch.
        with skipped_together(resource.name, asked=len(plans)):
            for group in _groups(plans):
                for chunk in _chunks(group, BATCH):
                    batch = run.pull(chunk)
                    if writing is not None:
                        writing.result()
                    writing = writer.submit(run.write, batch)
                    bar.update(len(chunk))
        if writing is not None:
            writing.result()
    except KeyboardInterrupt as interrupt:
        if writing is not None and writing.exception() is None:
            writing.result()  # the batch already read is written whole
        partial: _Batch | None = getattr(interrupt, "batch", None)
        if partial is not None:
            run.write(partial)  # and so are the scopes of this batch read whole
        report = run.report
        interrupt.add_note(
            f"The sync of {resource.name} was interrupted: {report.scopes} of {len(plans)} "
            "scope(s) were written, each whole and current; the others keep what they held. "
            "The next sync carries on from there."
        )
        interrupt.report = report  # type: ignore[attr-defined]  # what was kept, for callers
        raise
    finally:
        # A batch being written is finished whole (its transactions are short); an
        # interrupted pull writes nothing.
        writer.shutdown(wait=True)
        bar.close()
        spent = source.spent() - spent_before
        run.report.requests, run.report.bytes = spent.requests, spent.bytes
        run.report.seconds = time.monotonic() - started
    return run.report


class _NoBar:
    def update(self, n: int) -> None:
        del n

    def close(self) -> None:
        pass


def _bar(show: bool, total: int, label: str) -> Any:
    if not show or total <= 1:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="scope", desc=f"sync {label}", leave=True)
