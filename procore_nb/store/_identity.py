"""Whose rows a store holds: one file per API server, company and signed-in identity.

Two servers, two companies or two people with different permissions must never share rows,
so the default file name is made of all three (:func:`default_path`), and the file records
them in ``_procore_store`` when first written (:func:`check_identity`). A file written by
another identity is refused with a :class:`StoreError` rather than served or mixed.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from procore_nb._exceptions import StoreError

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "IDENTITY_TABLE",
    "STORE_DIR_VARIABLE",
    "Identity",
    "check_identity",
    "default_path",
    "recorded",
    "recorded_in",
    "store_folder",
]

IDENTITY_TABLE: Final = "_procore_store"
#: Names the folder of default store files (the embedded sandbox of a notebook uses a
#: throwaway one, so that its files do not pile up in the user's data folder).
STORE_DIR_VARIABLE: Final = "PROCORE_STORE_DIR"


@dataclass(frozen=True)
class Identity:
    """The API server, company and user (or service account) a store's rows belong to.

    ``who`` is ``"user 123"`` (the ``/me`` id) or ``"service account <client id>"``.
    """

    api_url: str
    company_id: int
    who: str

    def describe(self) -> str:
        """``user 123 of company 8 at https://...``, for messages."""
        return f"{self.who} of company {self.company_id} at {self.api_url}"


def store_folder() -> tuple[Path, bool]:
    """The folder of default store files, and whether it is the store's own (made 0700)."""
    import platformdirs

    named = os.environ.get(STORE_DIR_VARIABLE, "").strip()
    if named:
        return Path(named).expanduser(), False
    return Path(platformdirs.user_data_dir("procore_nb", appauthor=False)) / "store", True


def default_path(env: str, identity: Identity) -> Path:
    """``<env>-<company>-<who>-<digest>.duckdb`` in :func:`store_folder`.

    The digest covers the API URL, the company and the identity, so that two servers
    (two ``api_url`` of the custom environment) never share a file either.
    """
    folder, _ = store_folder()
    whole = f"{identity.api_url}\n{identity.company_id}\n{identity.who}"
    digest = hashlib.sha256(whole.encode()).hexdigest()[:10]
    who = re.sub(r"[^A-Za-z0-9_.-]+", "-", identity.who).strip("-")[:40]
    return folder / f"{env}-{identity.company_id}-{who}-{digest}.duckdb"


def recorded(connection: duckdb.DuckDBPyConnection) -> Identity | None:
    """The identity a store file records, or None (a new file, or one from before)."""
    found = connection.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_name = ?",
        [IDENTITY_TABLE],
    ).fetchone()
    if not found or not found[0]:
        return None
    row = connection.execute(f"SELECT api_url, company_id, who FROM {IDENTITY_TABLE}").fetchone()
    return None if row is None else Identity(str(row[0]), int(row[1]), str(row[2]))


def recorded_in(path: Path) -> Identity | None:
    """The identity the store file at ``path`` records (read-only; None when it has none)."""
    import duckdb

    try:
        connection = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        return recorded(connection)
    finally:
        connection.close()


def check_identity(
    connection: duckdb.DuckDBPyConnection, path: Path, identity: Identity, *, write: bool
) -> None:
    """Refuse a file recorded for another identity; record ``identity`` in a new one."""
    held = recorded(connection)
    if held is None:
        if write:
            connection.execute(
                f"CREATE TABLE IF NOT EXISTS {IDENTITY_TABLE} "
                "(api_url VARCHAR, company_id BIGINT, who VARCHAR)"
            )
            connection.execute(f"DELETE FROM {IDENTITY_TABLE}")
            connection.execute(
                f"INSERT INTO {IDENTITY_TABLE} VALUES (?, ?, ?)",
                [identity.api_url, identity.company_id, identity.who],
            )
        return
    if held != identity:
        raise StoreError(
            f"The store {path} holds the rows of {held.describe()}, and this client is "
            f"{identity.describe()}: a store is never shared between servers, companies or "
            "people (their permissions differ). Open your own store (client.store() picks "
            "a file of your own), or give Store(client, path=...) another file."
        )
