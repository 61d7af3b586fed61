"""The :class:`Store`: Procore lists in a local DuckDB file that reruns read for free."""

from __future__ import annotations

import contextlib
import os
import re
import warnings
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from procore_nb._exceptions import ConfigurationError, StoreBusyError
from procore_nb.store._database import Database
from procore_nb.store._plan import Resource
from procore_nb.store._source import ClientSource, Source
from procore_nb.store._sync import SyncReport, last_steps, sync_resource
from procore_nb.store._tables import SYNC_TABLE, quote, read_frame, stamp, table_exists

if TYPE_CHECKING:
    import pandas as pd

    from procore_nb.api._client import Client

__all__ = ["Store", "parse_age"]

_AGE = re.compile(r"(\d+(?:\.\d+)?)\s*(d|h|m|min|s)", re.IGNORECASE)
_UNITS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "min": 60.0, "s": 1.0}
#: Internal tables, left out of :meth:`Store.tables` and Parquet exports.
_INTERNAL = "_procore_"


def parse_age(max_age: str | float | timedelta | None) -> timedelta | None:
    """``"1h"``, ``"30m"``, ``"1h30m"``, ``"2d"``, seconds or a timedelta; ``None`` stays None.

    Examples
    --------
    >>> parse_age("1h30m")
    datetime.timedelta(seconds=5400)
    >>> parse_age(90)
    datetime.timedelta(seconds=90)
    """
    if max_age is None or isinstance(max_age, timedelta):
        return max_age
    if isinstance(max_age, int | float) and not isinstance(max_age, bool) and max_age >= 0:
        return timedelta(seconds=float(max_age))
    text = str(max_age).strip()
    parts = _AGE.findall(text) if isinstance(max_age, str) else []
    if not parts or _AGE.sub("", text).strip():
        raise ConfigurationError(
            f"max_age must be a duration such as '1h', '30m', '1h30m' or '2d', a number of "
            f"seconds, a timedelta, or None (never sync), not {max_age!r}."
        )
    return timedelta(seconds=sum(float(n) * _UNITS[u.lower()] for n, u in parts))


#: Names the folder of default store files (the embedded sandbox of a notebook uses a
#: throwaway one, so that its files do not pile up in the user's data folder).
STORE_DIR_VARIABLE = "PROCORE_STORE_DIR"


def _default_path(label: str) -> Path:
    """``<label>.duckdb`` in ``PROCORE_STORE_DIR``, else in the user data folder's ``store``."""
    import platformdirs

    named = os.environ.get(STORE_DIR_VARIABLE, "").strip()
    folder = (
        Path(named).expanduser()
        if named
        else Path(platformdirs.user_data_dir("procore_nb", appauthor=False)) / "store"
    )
    return folder / (re.sub(r"[^A-Za-z0-9_.-]+", "-", label) + ".duckdb")


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
        A signed-in :class:`~procore_nb.Client` with a company chosen.
    path:
        The DuckDB file. Default: ``<environment>-<company>.duckdb`` in the folder
        ``PROCORE_STORE_DIR`` names, else in the ``store`` folder of the user data directory.
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

    Examples
    --------
    >>> store = client.store()                                  # doctest: +SKIP
    >>> store.sync("rfis", projects="active")                   # doctest: +SKIP
    >>> rfis = store.frame("rfis", max_age="1h")                # doctest: +SKIP
    >>> store.sql("select status, count(*) from rfis group by 1")  # doctest: +SKIP
    """

    def __init__(
        self,
        client: Client | Source,
        path: str | Path | None = None,
        *,
        overlap: float = 120.0,
        wait: float = 60.0,
        progress: bool | None = None,
        deletions_every: str | float | timedelta = 0,
    ) -> None:
        source = cast("Source", client) if hasattr(client, "pull") else ClientSource(client)
        if overlap < 0 or wait < 0:
            raise ConfigurationError("overlap and wait are seconds and cannot be negative.")
        self.source = source
        self.overlap = timedelta(seconds=overlap)
        self.deletions_every = parse_age(deletions_every) or timedelta(0)
        self.progress = bool(getattr(client, "progress", False)) if progress is None else progress
        self.path = Path(path).expanduser() if path is not None else _default_path(source.label)
        self._db = Database(self.path, wait=wait)
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

        lock = FileLock(str(self.path) + ".sync.lock")
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
        with self._syncing(wait=True) as held:
            if not held:
                raise StoreBusyError(
                    f"Another kernel has been syncing {self.path} for longer than "
                    f"{self._db.wait:g} s; try again when it is done."
                )
            scopes = self._scopes(spec, projects, max_age=timedelta(0))
            show = self.progress if progress is None else progress
            return self._sync(spec, scopes, progress=show)

    def _sync(self, spec: Resource, scopes: dict[int, str], *, progress: bool) -> SyncReport:
        return sync_resource(
            self._db,
            self.source,
            spec,
            scopes,
            overlap=self.overlap,
            deletions_every=self.deletions_every,
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
        ids = _project_ids(projects)
        names = self._project_names()
        return {i: names.get(i, "") for i in ids}

    def _listed_projects(self, *, active_only: bool, max_age: timedelta | None) -> dict[int, str]:
        listing = self.source.resource("projects")
        if max_age is not None and self._stale(listing, [self.source.company_id], max_age):
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
        oldest = datetime.now(UTC) - max_age
        return any(s not in steps or steps[s][1] < oldest for s in scopes)

    # -- reading -----------------------------------------------------------------------

    def frame(
        self,
        resource: str,
        *,
        projects: Any = "active",
        max_age: str | float | timedelta | None = "1h",
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

        Returns
        -------
        pandas.DataFrame
            The columns and dtypes of ``client.frame(resource, ...)``, ordered by project
            (in the order asked) and then by primary key. ``df.attrs["synced_at"]`` is the
            oldest sync time among the scopes read.
        """
        spec = self.source.resource(resource)
        age = parse_age(max_age)
        with self._db.connect():  # one connection for the checks and, when fresh, the read
            scopes = self._scopes(spec, projects, max_age=age)
            stale = age is not None and self._stale(spec, list(scopes), age)
            if not stale:
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
        """Run ``query`` on the store (tables are named after resources) as a DataFrame.

        Examples
        --------
        >>> store.sql("select p.name, count(*) from rfis r join projects p "
        ...           "on r.project_id = p.id group by 1")  # doctest: +SKIP
        """
        with self._db.connect() as connection:
            return connection.execute(query, list(params or [])).df()

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
            last_steps(connection, "")  # creates the catalog of a new store
            return connection.execute(
                "SELECT resource, scope, scope_name, rows, synced_at, mode AS last_mode, "
                "added, changed, deleted, requests, bytes "
                f"FROM {SYNC_TABLE} ORDER BY resource, scope"
            ).df()

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


def _project_ids(projects: Any) -> list[int]:
    """Ids from one id, a list of ids, or a DataFrame (or Series) of projects."""
    if hasattr(projects, "columns"):
        if "id" not in projects.columns:
            raise ConfigurationError("A DataFrame of projects needs an 'id' column.")
        projects = projects["id"].tolist()
    elif hasattr(projects, "tolist"):
        projects = projects.tolist()
    values = [projects] if isinstance(projects, int | str) else list(projects)
    try:
        return [int(v) for v in values]
    except (TypeError, ValueError):
        raise ConfigurationError(
            f"projects must be 'active', 'all', an id, a list of ids or a DataFrame of "
            f"projects; {projects!r} holds something that is not a project id."
        ) from None
