"""Where the store's rows come from: the one module that talks to the client and the registry.

Everything else in the store sees a :class:`Source`: what a resource is (:class:`Resource`),
the pull of a set of scopes (whole, changes since a time, or ids only), what was spent, and
the server's clock. :class:`ClientSource` answers with a signed-in :class:`~procore_nb.Client`:
resources come from the registry (``procore_nb._registry``), pulls from ``client.frame(name,
projects=..., **filters)``, which fans out over projects and reports the projects it had to
skip (403, 404) in ``df.attrs["skipped"]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, cast

from procore_nb._constants import DEFAULT_PER_PAGE
from procore_nb._exceptions import ConfigurationError, StoreError
from procore_nb._registry import Resource as Entry
from procore_nb._registry import registry
from procore_nb.api._usage import Spent
from procore_nb.store._identity import Identity
from procore_nb.store._plan import Resource

if TYPE_CHECKING:
    import pandas as pd

    from procore_nb.api._client import Client

__all__ = ["ClientSource", "OfflineSource", "Pulled", "Source", "known_resource", "window_end"]

#: How far past the server's "now" a changes window ends: Procore wants both ends of a
#: range, and a record written while the sync runs must still fall inside it.
_WINDOW_TAIL = timedelta(days=1)


@dataclass
class Pulled:
    """The rows of a pull, the scope of each row, and the scopes that could not be read:
    ``skipped`` says why, and ``failed`` names those that did not answer (a server error,
    a timeout, a dropped connection) rather than refuse (403, 404)."""

    frame: pd.DataFrame
    scopes: list[int]
    skipped: dict[int, str] = field(default_factory=dict)
    failed: set[int] = field(default_factory=set)
    #: The scopes read whole, when a pull stopped early (Ctrl-C); None: every scope asked.
    answered: set[int] | None = None


class Source(Protocol):
    """What the store asks of wherever its rows come from."""

    #: The environment, which starts the default file's name.
    label: str
    company_id: int

    @property
    def identity(self) -> Identity | None:
        """Whose rows these are (None: not known, as for rows held in memory by tests)."""
        ...

    def resource(self, name: str) -> Resource:
        """The resource ``name``, or a ConfigurationError naming the known ones."""
        ...

    def pull(
        self,
        resource: Resource,
        scopes: Sequence[int],
        *,
        changed: tuple[datetime, datetime] | None = None,
        ids_only: bool = False,
        days: tuple[date, date] | None = None,
    ) -> Pulled:
        """Every row of ``scopes`` (only the ids with ``ids_only``), only the rows changed
        in the window ``changed`` (deleted ones included where the resource can), or the
        rows dated from the first to the last of ``days``."""
        ...

    def spent(self) -> Spent:
        """Requests and bytes spent so far (subtract two readings)."""
        ...

    def server_time(self) -> datetime:
        """The server's clock now."""
        ...


def window_end(now: datetime) -> datetime:
    """The end of a changes window that starts in the past and runs to ``now``."""
    return now + _WINDOW_TAIL


def known_resource(name: str) -> Resource:
    """The resource ``name`` as the registry describes it, or a ConfigurationError."""
    entries = registry()
    if name not in entries:
        known = ", ".join(sorted(entries))
        raise ConfigurationError(
            f"The store does not know the resource {name!r}. Known resources: {known}. "
            "client.resources() lists them with their scopes."
        )
    return _from_registry(entries[name])


def _from_registry(entry: Entry) -> Resource:
    """A :class:`Resource` from the registry's entry: its key, scope, incremental filters,
    and whether it is read by days (``start_date`` and ``end_date``, no updated_at)."""
    by_days = {"start_date", "end_date"} <= {n for n, f in entry.filters.items() if f.plain}
    return Resource(
        entry.name,
        key=entry.key,
        project_scoped=entry.project_scoped,
        incremental=entry.updated_at,
        include_deleted=entry.include_deleted,
        per_page=entry.max_per_page or DEFAULT_PER_PAGE,
        dated="date" if by_days and not entry.updated_at and "date" in entry.columns else None,
    )


class ClientSource:
    """Rows pulled through a signed-in :class:`~procore_nb.Client`."""

    def __init__(self, client: Client) -> None:
        company = client.company_id
        if company is None:
            raise ConfigurationError(
                "The store keeps one company's data and the client has none chosen: set "
                "client.company_id (client.companies() lists the ids) or PROCORE_COMPANY_ID."
            )
        self.client = client
        self.company_id = company
        self.label = client.env
        self._identity: Identity | None = None

    @property
    def identity(self) -> Identity | None:
        """The API server, company and user (``/me``, asked once) or service account."""
        if self._identity is None:
            client = self.client
            self._identity = Identity(client.api_url, self.company_id, _who(client))
        return self._identity

    def resource(self, name: str) -> Resource:
        """The resource ``name`` as the registry describes it."""
        return known_resource(name)

    def spent(self) -> Spent:
        """Requests and bytes the client has spent so far."""
        return self.client._transport.usage.snapshot()  # the api's own tally

    def server_time(self) -> datetime:
        """Procore's clock now (ours, corrected by its ``Date`` headers)."""
        seconds = self.client._transport.usage.server_time()
        return datetime.fromtimestamp(seconds, UTC)

    def pull(
        self,
        resource: Resource,
        scopes: Sequence[int],
        *,
        changed: tuple[datetime, datetime] | None = None,
        ids_only: bool = False,
        days: tuple[date, date] | None = None,
    ) -> Pulled:
        """Pull ``scopes`` of ``resource`` through the client (see :class:`Source`)."""
        filters: dict[str, Any] = {}
        if days is not None:
            filters["start_date"], filters["end_date"] = days
        if changed is not None:
            filters["updated_at"] = changed
            if resource.include_deleted:
                filters["include_deleted"] = "with"
        if not resource.project_scoped:
            frame = self._company_list(resource, filters)
            return Pulled(frame, [self.company_id] * len(frame))
        client = cast(Any, self.client)  # the fan-out signature arrives with the registry
        try:
            frame = client.frame(resource.name, projects=list(scopes), progress=False, **filters)
        except KeyboardInterrupt as interrupt:
            # Ctrl-C: the client's exception may carry the projects read whole (.partial,
            # whose attrs["answered"] lists them), which the sync then keeps.
            partial = getattr(interrupt, "partial", None)
            answered = getattr(partial, "attrs", {}).get("answered")
            if partial is not None and answered is not None:
                interrupt.pulled = _pulled(partial, {int(a) for a in answered})  # type: ignore[attr-defined]
            raise
        return _pulled(frame)

    def project_ids(self, status: str = "active") -> list[int]:
        """The company's projects (``"active"`` or ``"all"``), for pulls outside a store."""
        listed = self.client.projects(status=status)
        return [int(v) for v in listed["id"].tolist()]

    def _company_list(self, resource: Resource, filters: dict[str, Any]) -> pd.DataFrame:
        client = self.client
        if resource.name == "projects":
            return client.projects(status="all", **filters)
        if resource.name == "project_stages":
            return client.project_stages()
        if resource.name == "companies":
            return client.companies()
        frame: pd.DataFrame = cast(Any, client).frame(resource.name, progress=False, **filters)
        return frame


def _pulled(frame: pd.DataFrame, answered: set[int] | None = None) -> Pulled:
    """A pull across projects as the store takes it: rows, their scopes, who was skipped."""
    skipped, failed = _skipped(frame.attrs.get("skipped"))
    ids = [int(v) for v in frame["project_id"].tolist()] if len(frame) else []
    return Pulled(frame, ids, skipped, failed, answered)


def _who(client: Client) -> str:
    """``"service account <client id>"``, or ``"user <id>"`` as Procore's ``/me`` said once."""
    if client.grant == "client_credentials":
        return f"service account {client.client_id}"
    return f"user {client.user_id()}"  # /me once per sign-in, then kept with the token


#: Statuses that mean "refused" (the project keeps its rows and counts as answered).
_REFUSALS = frozenset({401, 403, 404})


def _skipped(reported: Any) -> tuple[dict[int, str], set[int]]:
    """``df.attrs["skipped"]`` (records, pairs or a DataFrame) as ``{project: reason}``, and
    the projects among them that failed (no status, or not a refusal: 5xx, a timeout)."""
    if reported is None:
        return {}, set()
    if hasattr(reported, "to_dict"):
        reported = reported.to_dict("records")
    found: dict[int, str] = {}
    failed: set[int] = set()
    for item in reported:
        status: Any = None
        if isinstance(item, Mapping):
            project = item.get("project_id", item.get("id"))
            status = item.get("status")
            reason = item.get("reason") or status or ""
        else:
            project, reason = item[0], item[-1]
            status = item[1] if len(item) > 2 else None
        if project is None:
            continue
        found[int(project)] = str(reason)
        try:
            refused = int(status) in _REFUSALS
        except (TypeError, ValueError):
            refused = False  # no status: a timeout or a dropped connection
        if not refused:
            failed.add(int(project))
    return found, failed


class OfflineSource:
    """No client: a store file read as it is (``procore-nb store info``, a copied file)."""

    label = "offline"

    def __init__(self, company_id: int = 0) -> None:
        self.company_id = company_id

    @property
    def identity(self) -> Identity | None:
        """Not known: the file is read as it is."""
        return None

    def resource(self, name: str) -> Resource:
        """The resource ``name`` as the registry describes it."""
        return known_resource(name)

    def pull(self, resource: Resource, scopes: Sequence[int], **_: Any) -> Pulled:
        """Refuse: without a client there is nobody to ask."""
        raise StoreError(
            f"This store was opened without a client, so it cannot sync {resource.name}: "
            "open it with Store(client, path=...) to sync, or read what it holds with "
            "store.frame(..., max_age=None)."
        )

    def spent(self) -> Spent:
        """Nothing is ever spent."""
        return Spent(0, 0)

    def server_time(self) -> datetime:
        """This machine's clock."""
        return datetime.now(UTC)
