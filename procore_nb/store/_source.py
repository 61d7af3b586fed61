"""Where the store's rows come from: the one module that talks to the client and the registry.

Everything else in the store sees a :class:`Source`: what a resource is (:class:`Resource`),
the pull of a set of scopes (whole, changes since a time, or ids only), what was spent, and
the server's clock. :class:`ClientSource` answers with a signed-in :class:`~procore_nb.Client`:
resources come from ``client.resources()`` (the registry), pulls from ``client.frame(name,
projects=..., **filters)``, which fans out over projects and reports the projects it had to
skip (403, 404) in ``df.attrs["skipped"]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, cast

from procore_nb._constants import DEFAULT_PER_PAGE, MAX_PER_PAGE
from procore_nb._exceptions import ConfigurationError
from procore_nb.api._usage import Spent
from procore_nb.store._plan import Resource

if TYPE_CHECKING:
    import pandas as pd

    from procore_nb.api._client import Client

__all__ = ["ClientSource", "Pulled", "Source", "window_end"]

#: How far past the server's "now" a changes window ends: Procore wants both ends of a
#: range, and a record written while the sync runs must still fall inside it.
_WINDOW_TAIL = timedelta(days=1)


@dataclass
class Pulled:
    """The rows of a pull, the scope of each row, and the scopes that could not be read."""

    frame: pd.DataFrame
    scopes: list[int]
    skipped: dict[int, str] = field(default_factory=dict)


class Source(Protocol):
    """What the store asks of wherever its rows come from."""

    #: Names the store's default file (environment and company).
    label: str
    company_id: int

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
    ) -> Pulled:
        """Every row of ``scopes`` (only the ids with ``ids_only``), or only the rows changed
        in the window ``changed`` (deleted ones included where the resource can)."""
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


#: Resources the client knew before the registry, described the same way.
_BUILT_IN: Mapping[str, Resource] = {
    "projects": Resource(
        "projects",
        project_scoped=False,
        incremental=True,
        per_page=MAX_PER_PAGE["v1.0"],
    ),
    "project_stages": Resource("project_stages", project_scoped=False, per_page=1000),
    "companies": Resource("companies", project_scoped=False, per_page=1000),
}


def _from_registry(row: Mapping[str, Any]) -> Resource:
    """A :class:`Resource` from a row of ``client.resources()``.

    ``incremental`` names the filters the resource takes among ``updated_at``,
    ``created_at`` and ``include_deleted``; ``scope`` is ``project_path``,
    ``project_query``, ``company_path``, ``company_query`` or ``none``.
    """
    filters = str(row.get("incremental") or "")
    per_page = row.get("max_per_page") or row.get("per_page") or DEFAULT_PER_PAGE
    return Resource(
        str(row["name"]),
        key=str(row.get("key") or "id"),
        project_scoped=str(row.get("scope", "")).startswith("project"),
        incremental="updated_at" in filters,
        include_deleted="include_deleted" in filters,
        per_page=int(per_page),
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
        self.label = f"{client.env}-{company}"
        self._resources: dict[str, Resource] = dict(_BUILT_IN)
        self._registry_read = False

    def _registry(self) -> None:
        self._registry_read = True
        listing = getattr(self.client, "resources", None)
        if listing is None:
            return  # a client without the registry knows the built-in resources only
        table = listing()
        for row in table.to_dict("records"):
            resource = _from_registry(row)
            self._resources.setdefault(resource.name, resource)

    def resource(self, name: str) -> Resource:
        """The resource ``name`` as the registry describes it."""
        if name not in self._resources and not self._registry_read:
            self._registry()
        try:
            return self._resources[name]
        except KeyError:
            known = ", ".join(sorted(self._resources))
            raise ConfigurationError(
                f"The store does not know the resource {name!r}. Known resources: {known}. "
                "client.resources() lists them with their scopes."
            ) from None

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
    ) -> Pulled:
        """Pull ``scopes`` of ``resource`` through the client (see :class:`Source`)."""
        filters: dict[str, Any] = {}
        if changed is not None:
            filters["updated_at"] = changed
            if resource.include_deleted:
                filters["include_deleted"] = "with"
        if not resource.project_scoped:
            frame = self._company_list(resource, filters)
            return Pulled(frame, [self.company_id] * len(frame))
        client = cast(Any, self.client)  # the fan-out signature arrives with the registry
        frame = client.frame(resource.name, projects=list(scopes), progress=False, **filters)
        skipped = _skipped(frame.attrs.get("skipped"))
        ids = [int(v) for v in frame["project_id"].tolist()] if len(frame) else []
        return Pulled(frame, ids, skipped)

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


def _skipped(reported: Any) -> dict[int, str]:
    """``df.attrs["skipped"]`` (records, pairs or a DataFrame) as ``{project: reason}``."""
    if reported is None:
        return {}
    if hasattr(reported, "to_dict"):
        reported = reported.to_dict("records")
    found: dict[int, str] = {}
    for item in reported:
        if isinstance(item, Mapping):
            project = item.get("project_id", item.get("id"))
            reason = item.get("reason", item.get("status", ""))
        else:
            project, reason = item[0], item[-1]
        if project is not None:
            found[int(project)] = str(reason)
    return found
