"""One DuckDB file shared by threads and processes: short connections under a file lock.

DuckDB locks a database file per process: while one process holds it open for writing,
another cannot open it at all. So no connection outlives one operation: each operation
takes the lock file beside the database (waiting a bounded time), opens DuckDB, works,
commits or rolls back, and closes. Another kernel's reads and writes slip in between.

What the disk does is said in the store's words: a file that is not a DuckDB database (empty,
truncated, overwritten) raises :class:`StoreError` naming the file and the fix; a file in a
folder nobody can write is opened read-only without a lock (reads work, writes are refused);
a full disk rolls the write back and says so. The files are private: the store's folder is
created 0700 and its files 0600, like the token cache.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Final

from procore_nb._exceptions import ConfigurationError, StoreBusyError, StoreError

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

__all__ = ["Database", "require_duckdb"]

INSTALL_HINT = "pip install 'procore_nb[store]'"

#: What ``store.sql()`` connects with: read-only, and nothing outside the file (no files,
#: no network, no extensions, no ATTACH or COPY ... TO), settings locked against SET.
SQL_CONFIG: Final[dict[str, str | bool | int | float | list[str]]] = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "lock_configuration": True,
}
_DAMAGED: Final = (
    "not a valid duckdb database",
    "could not read enough bytes",
    "corrupt",
    "checksum",
    "invalid block",
    "invalid database",
    "failed to load metadata",
    "database file",
)
#: What store.sql() refusals say, after what was refused.
_SQL_IS_FOR: Final = (
    "store.sql() reads the store's tables and nothing else: no files, no network, no "
    "extensions, no ATTACH or COPY ... TO, no changes to the tables. For a DuckDB connection "
    "that can do those, open one deliberately (docs/store.md, 'Consistency'): "
    "duckdb.connect() and ATTACH the store file READ_ONLY, or work on a copy of the file."
)
_REFUSALS: Final = ("read-only", "disabled", "configuration has been locked", "permission")
_READ_ONLY_ERRNOS: Final = {errno.EROFS, errno.EACCES, errno.EPERM}


def require_duckdb() -> None:
    """Raise a :class:`ConfigurationError` saying how to install DuckDB when it is missing."""
    try:
        import duckdb  # noqa: F401 - only checks that it is installed
    except ImportError:
        raise ConfigurationError(
            f"The local store needs DuckDB, which is not installed: run {INSTALL_HINT} "
            "(or pip install duckdb) and restart the kernel."
        ) from None


def damaged(path: Path, exc: BaseException) -> StoreError:
    """The error for a file DuckDB cannot read as a database."""
    return StoreError(
        f"The store {path} is damaged or not a DuckDB database ({_first_line(exc)}). Its rows "
        "are a copy of Procore's, so nothing is lost for good: delete the file and sync again, "
        "or open it with Store(client, path=..., rebuild=True), which starts it afresh."
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def is_damage(exc: BaseException) -> bool:
    """Whether a DuckDB error says the file is not a (sound) database."""
    text = str(exc).lower()
    return any(mark in text for mark in _DAMAGED)


def is_disk_full(exc: BaseException) -> bool:
    """Whether an error says the disk (or the file's size limit) is full."""
    if isinstance(exc, OSError) and exc.errno in {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}:
        return True
    text = str(exc).lower()
    return "no space left" in text or "disk quota" in text or "file too large" in text


def _writable(folder: Path, lock: Path) -> bool:
    """Whether the lock file beside the database can be created (or opened) for writing."""
    try:
        descriptor = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        if exc.errno in _READ_ONLY_ERRNOS:
            return False
        raise StoreError(f"The store's folder {folder} cannot be used: {exc}.") from exc
    os.close(descriptor)
    return True


class Database:
    """The store's DuckDB file and its lock.

    Parameters
    ----------
    path:
        The database file; its folder is created (0700) when missing.
    wait:
        Seconds to wait for another process (or thread) to finish with the file.
    private:
        Make the folder 0700 even when it exists (the store's own default folder).
    """

    def __init__(self, path: Path, *, wait: float, private: bool = False) -> None:
        from filelock import FileLock

        require_duckdb()
        self.path = path
        self.wait = wait
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if private and path.parent.stat().st_mode & 0o077:
                path.parent.chmod(0o700)
        except OSError as exc:
            if not path.parent.is_dir():
                raise StoreError(
                    f"Cannot create the store's folder {path.parent} ({exc.strerror or exc}): "
                    "give Store(client, path=...) a file in a folder you can write, or set "
                    "PROCORE_STORE_DIR."
                ) from exc
        lock = Path(str(path) + ".lock")
        #: False when the folder cannot be written (a read-only disk, another user's folder):
        #: the file is then read without a lock and never written.
        self.writable = _writable(path.parent, lock)
        if not self.writable and not path.is_file():
            raise StoreError(
                f"Cannot create the store {path}: its folder cannot be written (a read-only "
                "disk, or another user's folder). Give Store(client, path=...) a file in a "
                "folder you can write, or set PROCORE_STORE_DIR."
            )
        self._lock = FileLock(str(lock), mode=0o600)
        # FileLock counts re-entries per thread; this keeps a thread's nested uses one.
        self._local = threading.local()

    def refuse_writes(self) -> None:
        """Raise the read-only store's error (every write path calls this first)."""
        if not self.writable:
            raise StoreError(
                f"The store {self.path} is read-only here (its folder cannot be written: a "
                "read-only disk, or another user's folder), so it cannot be synced. Reading "
                "works: store.frame(..., max_age=None), store.sql(), store.info(). To sync, "
                "copy the file to a folder you can write and open it there with "
                "Store(client, path=...)."
            )

    @contextlib.contextmanager
    def connect(self, *, sql: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection held for one operation, under the lock (re-entrant in one thread).

        ``sql=True`` opens the locked-down read-only connection of ``store.sql()``.
        """
        held: duckdb.DuckDBPyConnection | None = getattr(self._local, "connection", None)
        if held is not None and not sql:
            yield held
            return
        self._acquire()
        connection: duckdb.DuckDBPyConnection | None = None
        try:
            connection = self._open(sql=sql)
            if not sql:
                self._local.connection = connection
            try:
                # Inner uses call connect() again and get the thread's current connection,
                # which released() may have replaced meanwhile.
                yield connection if sql else self._local.connection
            except Exception as exc:
                translated = self._translated(exc)
                if translated is exc:
                    raise
                raise translated from exc
        finally:
            if not sql:
                connection = getattr(self._local, "connection", None)
                self._local.connection = None
            if connection is not None:
                with contextlib.suppress(Exception):
                    connection.close()
            self._release()

    def _translated(self, exc: Exception) -> Exception:
        """``exc`` in the store's words when it is about the disk or the file."""
        if isinstance(exc, StoreError):
            return exc
        if is_disk_full(exc):
            return StoreError(
                f"The disk holding the store {self.path} is full: the write in progress was "
                "rolled back, so the store holds what it held before it (scopes written "
                "earlier in this sync are kept, each whole). Free some space and sync again: "
                "the next sync carries on from there."
            )
        if is_damage(exc):
            return damaged(self.path, exc)
        return exc

    def _acquire(self) -> None:
        from filelock import Timeout

        if not self.writable:
            return  # nobody can write the file, so there is nothing to wait for
        try:
            self._lock.acquire(timeout=self.wait)
        except Timeout:
            raise StoreBusyError(
                f"The store {self.path} stayed busy for {self.wait:g} s: another kernel or "
                "process is syncing it. Try again when it is done, or open the store with a "
                "longer wait= (seconds)."
            ) from None

    def _release(self) -> None:
        if self.writable:
            self._lock.release()

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
        self._release()
        try:
            yield
        finally:
            self._acquire()
            self._local.connection = self._open()

    def _open(self, *, sql: bool = False) -> duckdb.DuckDBPyConnection:
        import duckdb

        read_only = sql or not self.writable
        if read_only and not self.path.exists():
            self._create()
        try:
            if sql:
                connection = duckdb.connect(str(self.path), read_only=True, config=SQL_CONFIG)
            else:
                connection = duckdb.connect(str(self.path), read_only=read_only)
                connection.execute("SET TimeZone = 'UTC'")
        except duckdb.Error as exc:
            text = str(exc)
            if "already attached" in text or "different configuration" in text:
                raise StoreError(
                    f"The store {self.path} is open in another DuckDB connection of this "
                    "process (an ATTACH, or duckdb.connect() of the file): close or DETACH it, "
                    "then try again."
                ) from exc
            if "Could not set lock" in text:
                raise StoreBusyError(
                    f"The store {self.path} is held by another program ({_first_line(exc)}): "
                    "close it (a DuckDB shell, another tool), then try again."
                ) from exc
            if is_damage(exc):
                raise damaged(self.path, exc) from exc
            raise
        if not read_only:
            _private(self.path)
        return connection

    def _create(self) -> None:
        """Create the (empty) database file, so that a read-only connection can open it."""
        import duckdb

        self.refuse_writes()
        duckdb.connect(str(self.path)).close()
        _private(self.path)

    def rebuild(self) -> None:
        """Delete the file (and its write-ahead log) under the lock, to start afresh."""
        self.refuse_writes()
        self._acquire()
        try:
            for leftover in (self.path, Path(str(self.path) + ".wal")):
                leftover.unlink(missing_ok=True)
        finally:
            self._release()

    def query(self, query: str, params: list[object]) -> pd.DataFrame:
        """``query`` on the locked-down read-only connection, as a DataFrame; what it may
        not do (write, reach files, the network or extensions) is refused as a StoreError."""
        import duckdb

        with self.connect(sql=True) as connection:
            try:
                answer: pd.DataFrame = connection.execute(query, params).df()
            except (duckdb.PermissionException, duckdb.InvalidInputException) as exc:
                if not any(mark in str(exc).lower() for mark in _REFUSALS):
                    raise
                what = _first_line(exc).rstrip(".!")
                raise StoreError(f"Refused: {what}. {_SQL_IS_FOR}") from exc
            return answer

    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection inside one transaction: committed at the end, rolled back on any
        exception (Ctrl-C included), so that the file holds the state before or after."""
        self.refuse_writes()
        with self.connect() as connection:
            connection.begin()
            try:
                yield connection
            except BaseException:
                with contextlib.suppress(Exception):
                    connection.rollback()
                raise
            connection.commit()


def _private(path: Path) -> None:
    """Make the database file (and its write-ahead log) readable by its owner only."""
    for name in (path, Path(str(path) + ".wal")):
        with contextlib.suppress(OSError):
            if name.stat().st_mode & 0o077:
                name.chmod(0o600)
