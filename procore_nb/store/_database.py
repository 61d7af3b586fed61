"""One DuckDB file shared by threads and processes: short connections under a file lock.

DuckDB locks a database file per process: while one process holds it open for writing,
another cannot open it at all. So no connection outlives one operation: each operation
takes the lock file beside the database (waiting a bounded time), opens DuckDB, works,
commits or rolls back, and closes. Another kernel's reads and writes slip in between.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from procore_nb._exceptions import ConfigurationError, StoreBusyError

if TYPE_CHECKING:
    import duckdb

__all__ = ["Database", "require_duckdb"]

INSTALL_HINT = "pip install 'procore_nb[store]'"


def require_duckdb() -> None:
    """Raise a :class:`ConfigurationError` saying how to install DuckDB when it is missing."""
    try:
        import duckdb  # noqa: F401 - only checks that it is installed
    except ImportError:
        raise ConfigurationError(
            f"The local store needs DuckDB, which is not installed: run {INSTALL_HINT} "
            "(or pip install duckdb) and restart the kernel."
        ) from None


class Database:
    """The store's DuckDB file and its lock.

    Parameters
    ----------
    path:
        The database file; its folder is created when missing.
    wait:
        Seconds to wait for another process (or thread) to finish with the file.
    """

    def __init__(self, path: Path, *, wait: float) -> None:
        from filelock import FileLock

        require_duckdb()
        self.path = path
        self.wait = wait
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(path) + ".lock")
        # FileLock counts re-entries per thread; this keeps a thread's nested uses one.
        self._local = threading.local()

    @contextlib.contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection held for one operation, under the lock (re-entrant in one thread)."""
        held: duckdb.DuckDBPyConnection | None = getattr(self._local, "connection", None)
        if held is not None:
            yield held
            return
        self._acquire()
        try:
            self._local.connection = self._open()
            # Inner uses call connect() again and get the thread's current connection,
            # which released() may have replaced meanwhile.
            yield self._local.connection
        finally:
            current = getattr(self._local, "connection", None)
            self._local.connection = None
            if current is not None:
                current.close()
            self._lock.release()

    def _acquire(self) -> None:
        from filelock import Timeout

        try:
            self._lock.acquire(timeout=self.wait)
        except Timeout:
            raise StoreBusyError(
                f"The store {self.path} stayed busy for {self.wait:g} s: another kernel or "
                "process is syncing it. Try again when it is done, or open the store with a "
                "longer wait= (seconds)."
            ) from None

    @contextlib.contextmanager
    def released(self) -> Iterator[None]:
        """Step out of this thread's connection (if any) for a while: a network call inside
        an operation must not keep other kernels waiting for the file."""
        held = getattr(self._local, "connection", None)
        if held is None:
            yield
            return
        self._local.connection = None
        held.close()
        self._lock.release()
        try:
            yield
        finally:
            self._acquire()
            self._local.connection = self._open()

    def _open(self) -> duckdb.DuckDBPyConnection:
        import duckdb

        connection = duckdb.connect(str(self.path))
        connection.execute("SET TimeZone = 'UTC'")
        return connection

    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection inside one transaction: committed at the end, rolled back on any
        exception (Ctrl-C included), so that the file holds the state before or after."""
        with self.connect() as connection:
            connection.begin()
            try:
                yield connection
            except BaseException:
                connection.rollback()
                raise
            connection.commit()
