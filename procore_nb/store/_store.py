"""The :class:`Store`: Procore lists in a local DuckDB file that reruns read for free."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from procore_nb._exceptions import ConfigurationError, StoreBusyError, StoreError
from procore_nb.store._arguments import day_range, parse_age, project_ids, seconds, whole_days
from procore_nb.store._database import Database
from procore_nb.store._identity import check_identity, default_path, recorded, store_folder
from procore_nb.store._plan import Resource
from procore_nb.store._reading import read_frame, read_info, stamp, within_days
from procore_nb.store._report import SyncReport
from procore_nb.store._source import ClientSource, OfflineSource, Source
from procore_nb.store._state import last_steps
from procore_nb.store._sync import sync_resource
from procore_nb.store._tables import ensure_catalog, quote, table_exists

if TYPE_CHECKING:
    import pandas as pd

    from procore_nb.api._client import Client

__all__ = ["Store"]

#: Internal tables, left out of :meth:`Store.tables` and Parquet exports.
_INTERNAL = "_procore_"


class Store:
    """A local copy of Procore lists in one DuckDB file, kept current for the price of changes.

    The first :meth:`sync` of a resource pulls everything; later ones pull only what changed
    since the last sync (see ``docs/store.md`` for how each scope is chosen to cost no more
    requests than a whole pull). :meth:`frame` answers from the file, syncing first only
    when the copy is older than ``max_age``; :meth:`sql` queries the tables, which are named
    after the resources.

    Parameters
    ----------
    client:
        A signed-in :class:`~procore_nb.Client` with a company chosen; ``None`` opens the
        file at ``path`` for reading only (``frame(..., max_age=None)``, ``sql``, ``info``).
    path:
        The DuckDB file. Default: one file per API server, company and signed-in user (or
        service account), in the folder ``PROCORE_STORE_DIR`` names, else in the ``store``
        folder of the user data directory. A file written by another identity is refused.
    overlap:
        Seconds each changes window reaches back before the previous sync's start, so that
        a record written while that sync ran is not missed.
    wait:
        Seconds to wait for another kernel that is using the file before giving up.
    progress:
        Show a progress bar over scopes (default: the client's setting).
    deletions_every:
        ``0`` (default): every sync finds every deletion, pulling whole the scopes where
        that is the only way (resources without ``filters[include_deleted]``, such as
        RFIs). ``"1d"`` (or another duration): such scopes pull only their changes, and a
        whole pull at most that often removes the rows deleted since: far fewer bytes, at
        the price of deleted rows lingering that long.
    history:
        How far back the first sync of a daily log (manpower, notes, weather... and
        timecard entries: lists that answer only today's records unless given dates)
        reads, in whole days: ``"90d"`` (default) reads today and the 90 days before.
        Later syncs read the days since the last one, from a week before it (logs
        approved or edited late), and keep the older days.
    rebuild:
        Delete the file first and start afresh (for a damaged file: its rows are a copy of
        Procore's, and the next sync pulls them again).

    Examples
    --------
    >>> store = client.store()                                  # doctest: +SKIP
    >>> store.sync("rfis", projects="active")                   # doctest: +SKIP
    >>> rfis = store.frame("rfis", max_age="1h")                # doctest: +SKIP
    >>> store.sql("select status, count(*) from rfis group by 1")  # doctest: +SKIP
    """

    def __init__(
        self,
        client: Client | Source | None,
        path: str | Path | None = None,
        *,
        overlap: float = 120.0,
        wait: float = 60.0,
        progress: bool | None = None,
        deletions_every: str | float | timedelta = 0,
        history: str | float | timedelta = "90d",
        rebuild: bool = False,
    ) -> None:
        self.overlap = timedelta(seconds=seconds("Store(overlap=...)", overlap))
        wait = seconds("Store(wait=...)", wait)
        every = parse_age(deletions_every, name="Store(deletions_every=...)")
        self.deletions_every = every or timedelta(0)
        self.history = whole_days("Store(history=...)", history)
        if not isinstance(rebuild, bool):
            raise ConfigurationError(f"Store(rebuild=...) must be True or False, not {rebuild!r}.")
        self.source = source = _source_of(client, path)
        self.progress = bool(getattr(client, "progress", False)) if progress is None else progress
        identity = getattr(source, "identity", None)
        if path is not None:
            self.path = Path(path).expanduser()
        elif identity is not None:
            self.path = default_path(source.label, identity)
        else:
            self.path = store_folder()[0] / f"{source.label}-{source.company_id}.duckdb"
        if isinstance(source, OfflineSource) and not self.path.is_file():
            raise StoreError(
                f"There is no store file at {self.path}: check the path (procore-nb store "
                "info lists the stores of this computer), or sync one first with a client."
            )
        # The user data folder's store folder is made private; a folder the user named is theirs.
        self._db = Database(self.path, wait=wait, private=path is None and store_folder()[1])
        if rebuild:
            self._db.rebuild()
        with self._db.connect() as connection:
            if self._db.writable:
                ensure_catalog(connection)
            if identity is not None:
                check_identity(connection, self.path, identity, write=self._db.writable)
            elif isinstance(source, OfflineSource):
                held = recorded(connection)
                source.company_id = held.company_id if held is not None else 0
        #: The last frames read, by resource and scopes, with the sync states they reflect:
        #: a rerun within max_age then costs a copy, not a read and a conversion.
        self._frames: dict[tuple[str, tuple[int, ...]], tuple[tuple[Any, ...], pd.DataFrame]] = {}

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # -- syncing -----------------------------------------------------------------------

    @contextlib.contextmanager
    def _syncing(self, *, wait: bool) -> Iterator[bool]:
        """Hold the store's sync lock, so that two kernels never pull the same changes."""
        from filelock import FileLock, Timeout

        lock = FileLock(str(self.path) + ".sync.lock", mode=0o600)
        try:
            lock.acquire(timeout=self._db.wait if wait else 0)
        except Timeout:
            yield False
            return
        try:
            yield True
        finally:
            lock.release()

    def sync(
        self, resource: str, *, projects: Any = "active", progress: bool | None = None
    ) -> SyncReport:
        """Bring ``resource`` up to date for ``projects`` and report what it took.

        Parameters
        ----------
        resource:
            A registry name (``"rfis"``, ``"submittals"``, ``"projects"``...).
        projects:
            For project-scoped resources: ``"active"`` (default), ``"all"`` (inactive
            projects too), one id, a list of ids, or a DataFrame with an ``id`` column.
        progress:
            Show a bar over scopes (default: the store's setting).

        Returns
        -------
        SyncReport
            Rows added, changed and deleted, the requests and bytes spent, and the scopes
            Procore refused (which keep their previous rows).
        """
        spec = self.source.resource(resource)
        show = self.progress if progress is None else progress
        if not isinstance(show, bool):
            raise ConfigurationError(f"progress= must be True or False, not {progress!r}.")
        self._db.refuse_writes()
        with self._syncing(wait=True) as held:
            if not held:
                raise StoreBusyError(
                    f"Another kernel has been syncing {self.path} for longer than "
                    f"{self._db.wait:g} s; try again when it is done."
                )
            scopes = self._scopes(spec, projects, max_age=timedelta(0))
            return self._sync(spec, scopes, progress=show)

    def _sync(self, spec: Resource, scopes: dict[int, str], *, progress: bool) -> SyncReport:
        return sync_resource(
            self._db,
            self.source,
            spec,
            scopes,
            overlap=self.overlap,
            deletions_every=self.deletions_every,
            history=self.history,
            progress=progress,
        )

    def _scopes(
        self, spec: Resource, projects: Any, *, max_age: timedelta | None
    ) -> dict[int, str]:
        if not spec.project_scoped:
            return {self.source.company_id: ""}
        if isinstance(projects, str):
            choice = projects.lower()
            if choice not in {"active", "all"}:
                raise ConfigurationError(
                    f"projects must be 'active', 'all', an id, a list of ids or a DataFrame "
                    f"of projects, not {projects!r}."
                )
            return self._listed_projects(active_only=choice == "active", max_age=max_age)
        ids = project_ids(projects)
        names = self._project_names()
        return {i: names.get(i, "") for i in ids}

    def _listed_projects(self, *, active_only: bool, max_age: timedelta | None) -> dict[int, str]:
        listing = self.source.resource("projects")
        company = [self.source.company_id]
        if max_age is not None and self._can_sync and self._stale(listing, company, max_age):
            with self._db.released():  # no file lock held while Procore answers
                self._sync(listing, {self.source.company_id: ""}, progress=False)
        where = " WHERE active" if active_only else ""
        with self._db.connect() as connection:
            if not table_exists(connection, "projects"):
                return {}
            query = f"SELECT id, name FROM projects{where} ORDER BY id"
            rows = connection.execute(query).fetchall()
        return {int(i): str(n or "") for i, n in rows}

    def _project_names(self) -> dict[int, str]:
        with self._db.connect() as connection:
            if not table_exists(connection, "projects"):
                return {}
            rows = connection.execute("SELECT id, name FROM projects").fetchall()
        return {int(i): str(n or "") for i, n in rows}

    def _stale(self, spec: Resource, scopes: Sequence[int], max_age: timedelta) -> bool:
        with self._db.connect() as connection:
            steps = last_steps(connection, spec.name)
        try:
            oldest = datetime.now(UTC) - max_age
        except OverflowError:  # older than any date: only a scope never synced is stale
            return any(s not in steps for s in scopes)
        return any(s not in steps or steps[s][1] < oldest for s in scopes)

    @property
    def _can_sync(self) -> bool:
        return self._db.writable and not isinstance(self.source, OfflineSource)

    # -- reading -----------------------------------------------------------------------

    def frame(
        self,
        resource: str,
        *,
        projects: Any = "active",
        max_age: str | float | timedelta | None = "1h",
        start_date: Any = None,
        end_date: Any = None,
    ) -> pd.DataFrame:
        """The stored rows as the client returns them, synced first if older than ``max_age``.

        Parameters
        ----------
        resource:
            A registry name.
        projects:
            As for :meth:`sync`; ignored for company-wide resources.
        max_age:
            ``"1h"`` (default), ``"30m"``, seconds or a timedelta: sync the scopes whose
            copy is older first. Within ``max_age`` no request is made at all. ``None``
            never syncs and reads what the file holds.
        start_date, end_date:
            For daily logs and timecard entries: only the stored rows dated from
            ``start_date`` to ``end_date`` (both included; either may be left out). Without
            them, every day the store holds (``info()``'s ``days_from`` to ``days_to``).

        Returns
        -------
        pandas.DataFrame
            The columns and dtypes of ``client.frame(resource, ...)``, ordered by project
            (in the order asked) and then by primary key. ``df.attrs["synced_at"]`` is the
            oldest sync time among the scopes read.
        """
        spec = self.source.resource(resource)
        age = parse_age(max_age)
        days = day_range(spec.name, spec.dated, start_date, end_date)
        frame = self._frame(spec, projects, age)
        return frame if days is None else within_days(frame, spec.dated or "", days)

    def _frame(self, spec: Resource, projects: Any, age: timedelta | None) -> pd.DataFrame:
        with self._db.connect():  # one connection for the checks and, when fresh, the read
            scopes = self._scopes(spec, projects, max_age=age)
            stale = age is not None and self._stale(spec, list(scopes), age)
            if not stale:
                return self._attributed(spec, scopes)
        if not self._can_sync:
            warnings.warn(
                f"The store {self.path} cannot be synced here ("
                + ("opened without a client" if self._db.writable else "read-only")
                + f"): reading the stored copy of {spec.name}, which is older than max_age. "
                "Pass max_age=None to read it without this warning.",
                stacklevel=2,
            )
            return self._attributed(spec, scopes)
        if age is not None:
            with self._syncing(wait=True) as held:
                if not held:
                    warnings.warn(
                        f"Another kernel is syncing {self.path}: reading the stored copy.",
                        stacklevel=2,
                    )
                # Another kernel may have synced while this one waited: check again.
                stale = held and self._stale(spec, list(scopes), age)
                if stale:
                    self._sync(spec, scopes, progress=self.progress)
        return self._attributed(spec, scopes)

    def _attributed(self, spec: Resource, scopes: dict[int, str]) -> pd.DataFrame:
        frame, steps = self._read(spec, list(scopes))
        synced = [steps[s][1] for s in scopes if s in steps]
        frame.attrs.update(
            resource=spec.name,
            store=str(self.path),
            synced_at=min(synced).isoformat(timespec="seconds") if synced else None,
            rows=len(frame),
        )
        return frame

    def _read(
        self, spec: Resource, scopes: list[int]
    ) -> tuple[pd.DataFrame, dict[int, tuple[Any, datetime]]]:
        key = (spec.name, tuple(scopes))
        with self._db.connect() as connection:
            steps = last_steps(connection, spec.name)
            now = stamp(connection, spec.name, scopes)
            cached = self._frames.get(key)
            if cached is not None and cached[0] == now:
                return cached[1].copy(), steps
            frame = read_frame(connection, spec.name, key=spec.key, scopes=scopes)
        self._frames = {key: (now, frame.copy())}  # one frame kept: memory stays bounded
        return frame, steps

    def sql(self, query: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run ``query`` on the store's tables (named after resources) as a DataFrame.

        The query runs on a read-only connection that reaches nothing but the store: files,
        the network, extensions, ``ATTACH``, ``COPY ... TO`` and changes to the tables are
        refused with a :class:`~procore_nb.StoreError` (``docs/store.md`` says how to open a
        DuckDB connection that can do those, deliberately).

        Examples
        --------
        >>> store.sql("select p.name, count(*) from rfis r join projects p "
        ...           "on r.project_id = p.id group by 1")  # doctest: +SKIP
        """
        if not isinstance(query, str):
            raise ConfigurationError(f"store.sql() takes the query as text, not {query!r}.")
        return self._db.query(query, list(params or []))

    def tables(self) -> list[str]:
        """The resources the store holds, as table names."""
        with self._db.connect() as connection:
            rows = connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                "ORDER BY table_name"
            ).fetchall()
        return [str(r[0]) for r in rows if not str(r[0]).startswith(_INTERNAL)]

    def info(self) -> pd.DataFrame:
        """Each resource and scope: rows held, last sync, how it was pulled, what it cost."""
        with self._db.connect() as connection:
            return read_info(connection, write=self._db.writable)

    def to_parquet(self, directory: str | Path) -> list[Path]:
        """Write one Parquet dataset per resource (``<directory>/<resource>.parquet``).

        Object columns (``custom_fields``, lists) are written as JSON text; ``_scope`` is
        left out. DuckDB, Spark, pandas and every warehouse read the files.
        """
        target = Path(directory).expanduser()
        target.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        for table in self.tables():
            path = target / f"{table}.parquet"
            with self._db.connect() as connection:
                connection.execute(
                    f"COPY (SELECT * EXCLUDE (_scope) FROM {quote(table)}) TO '"
                    + str(path).replace("'", "''")
                    + "' (FORMAT parquet)"
                )
            written.append(path)
        return written


def _source_of(client: Client | Source | None, path: str | Path | None) -> Source:
    """Where rows come from: the client's Procore, a test's source, or nowhere (None)."""
    if client is None:
        if path is None:
            raise ConfigurationError(
                "Store(None, path=...) reads a store file without signing in, and needs "
                "the file's path; to sync, give a signed-in client: Store(client)."
            )
        return OfflineSource()
    if hasattr(client, "pull"):
        return cast("Source", client)
    return ClientSource(client)
