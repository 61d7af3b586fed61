"""What a path means to Procore: its version, its page size, and whether it needs a company.

Paths may be given as ``/rest/v1.0/...``, ``/rest/v1.1/...``, ``/rest/v2.0/...``,
``/vapid/...``, a full URL on the API host, or short (``"projects"`` means
``/rest/v1.0/projects``). :class:`Endpoint` holds the normalised path and answers the
questions the client asks before sending anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from procore_nb._constants import COMPANY_HEADER_EXEMPT, MAX_PER_PAGE
from procore_nb._exceptions import ConfigurationError

__all__ = ["STATUS_FILTERS", "Endpoint", "endpoint", "is_compact", "status_filter"]

_VERSIONED = re.compile(r"^/(rest/(v\d+(?:\.\d+)?)|vapid)(/[^?]*)?")
_COMPANY_IN_PATH = re.compile(r"/companies/(\d+)(?:/|$)")
#: ``status=`` and ``projects=`` words -> Procore's ``filters[by_status]`` values.
STATUS_FILTERS = {"active": "Active", "inactive": "Inactive", "all": "All"}
#: Resources whose records procore_nb.frames._convert has a dtype map for.
_RESOURCES = frozenset({"projects", "companies", "project_stages"})


@dataclass(frozen=True)
class Endpoint:
    """A normalised API path (``path``, possibly with a query) and its ``version``."""

    path: str
    version: str
    #: Where a grouped list keeps each group's records (meetings: ``"meetings"``), or "".
    groups: str = ""

    @property
    def _rest(self) -> str:
        match = _VERSIONED.match(self.path)
        rest = (match.group(3) if match else self.path.split("?", 1)[0]) or ""
        return rest.strip("/")

    @property
    def resource(self) -> str | None:
        """The known resource this path lists, if any (``projects``...)."""
        last = self._rest.rsplit("/", 1)[-1]
        return last if last in _RESOURCES else None

    @property
    def company_in_path(self) -> int | None:
        """The company id named in the path (``/companies/{id}/...``), if any."""
        match = _COMPANY_IN_PATH.search(self.path)
        return int(match.group(1)) if match else None

    def needs_company(self, *, service_account: bool) -> bool:
        """Whether Procore requires the ``Procore-Company-Id`` header on this path."""
        if self.version == "vapid":
            return False  # the first API took company_id as a parameter only
        rest = self._rest
        if rest in COMPANY_HEADER_EXEMPT:
            # Users may list companies without the header; service accounts may not.
            return rest == "companies" and service_account
        return True

    def with_company_param(
        self, params: Mapping[str, Any] | None, company: int | None
    ) -> dict[str, Any]:
        """``params`` plus ``company_id`` where the endpoint still names that parameter."""
        merged = dict(params or {})
        first = self._rest.split("/")[0]
        if first == "projects" and company is not None and not self.version.startswith("v2"):
            merged.setdefault("company_id", company)
        return merged

    def page_size(self, *, limit: int | None, asked: object, largest: int = 0) -> int:
        """The endpoint's largest page (``largest`` when the registry knows it), or less when
        the caller asked for less."""
        size = largest or MAX_PER_PAGE.get(self.version, MAX_PER_PAGE["v2.0"])
        if asked is not None and isinstance(asked, bool | float):
            raise ConfigurationError(f"per_page must be a number, not {asked!r}.")
        if asked is not None:
            try:
                number = int(str(asked))
            except ValueError:
                raise ConfigurationError(f"per_page must be a number, not {asked!r}.") from None
            if number < 1:
                # Quietly asking for one row per page would cost a request per row.
                raise ConfigurationError(
                    f"per_page must be a positive number of rows, not {asked!r}; leave it out "
                    f"to get the largest page {self.path} allows ({size})."
                )
            size = min(size, number)
        return min(size, limit) if limit is not None else size

    def unwrap(self, data: Any) -> Any:
        """The records of a body: without v2's ``{"data": ...}`` envelope, and a grouped
        list's groups flattened, each record keeping its group's other fields (its title)."""
        if self.version.startswith("v2") and isinstance(data, dict) and "data" in data:
            return data["data"]
        if self.groups and isinstance(data, dict) and isinstance(data.get(self.groups), list):
            return data[self.groups]  # meetings' deleted_only: one object, not grouped
        if self.groups and isinstance(data, list) and all(isinstance(g, dict) for g in data):
            return [
                _member(group, self.groups, item)
                for group in data
                for item in _items(group, self.groups)
            ]
        return data


def _items(group: dict[str, Any], key: str) -> list[Any]:
    items = group.get(key)
    return items if isinstance(items, list) else [group]  # not a group: a record as it is


def _member(group: dict[str, Any], key: str, item: Any) -> Any:
    """A grouped record with its group's fields (``group_title``) beside its own."""
    if item is group or not isinstance(item, dict):
        return item
    return {**{k: v for k, v in group.items() if k != key}, **item}


def endpoint(path: str, *, api_url: str) -> Endpoint:
    """Normalise ``path``; a full URL must be on ``api_url`` (the token goes nowhere else).

    Examples
    --------
    >>> endpoint("projects", api_url="https://api.procore.com")
    Endpoint(path='/rest/v1.0/projects', version='v1.0')
    >>> endpoint("/rest/v1.1/projects", api_url="https://api.procore.com").version
    'v1.1'
    """
    text = path.strip()
    absolute = text.startswith(("http://", "https://"))
    if absolute:
        if not text.startswith(api_url + "/"):
            raise ConfigurationError(
                f"Refusing to send the token to {text!r}: it is not on {api_url}. "
                "Give a path such as /rest/v1.0/projects."
            )
        text = text[len(api_url) :]
    if not text.startswith("/"):
        text = "/" + text
    match = _VERSIONED.match(text)
    if match:
        return Endpoint(text, match.group(2) or "vapid")
    # A full URL is used as given; a short path is a v1.0 resource.
    return Endpoint(text if absolute else "/rest/v1.0" + text, "v1.0")


def status_filter(status: object) -> str:
    """Procore's ``filters[by_status]`` value for ``"active"``, ``"inactive"`` or ``"all"``.

    Examples
    --------
    >>> status_filter("all")
    'All'
    """
    found = STATUS_FILTERS.get(status.lower()) if isinstance(status, str) else None
    if found is None:
        raise ConfigurationError(
            f"status must be 'active', 'inactive' or 'all', not {status!r}. Nothing was sent."
        )
    return found


def is_compact(params: Mapping[str, Any]) -> bool:
    """Whether the query asks for a compact view (fewer fields than the resource's map)."""
    return params.get("serializer_view") == "compact" or params.get("view") == "compact"
