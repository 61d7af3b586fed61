"""Where an id filter's names come from, and those names read once per session.

A filter such as ``ball_in_court_id`` takes ids of another resource (company users); the
explorer shows that resource's names instead and sends the ids. :func:`source_of` says which
resource lists a filter's values: people come from the company's users, companies from its
vendors, and any other ``<thing>_id`` from the registry resource ``<thing>s`` when there is
one (``location_id`` from ``locations``, ``cost_code_id`` from ``cost_codes``).

Filters that no resource lists (statuses, types; locations while the registry has no list
of them) are named by the resource's own rows of the picked project (:func:`seen_in`):
submittals' ``status_id`` by each row's ``status.id`` and ``status.name``.

:class:`Lookups` reads each such list once per session (per API, company, resource and
project; :func:`forget` drops them), through the store when the explorer was given one.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from typing import Any, Final

from procore_nb._exceptions import ProcoreError
from procore_nb._registry import registry

__all__ = [
    "PROJECT_SCOPES",
    "Choice",
    "Lookups",
    "choices_of",
    "forget",
    "seen_in",
    "source_of",
]

#: A name as shown and the id it stands for.
Choice = tuple[str, int]
PROJECT_SCOPES: Final = ("project_path", "project_query")

#: Filters that take people's ids (Procore's users, the same ids company-wide).
PEOPLE: Final = frozenset(
    {
        "ball_in_court_id",
        "rfi_manager_id",
        "assigned_id",
        "assignee_id",
        "received_from_login_information_id",
        "received_from_id",
        "approver_id",
        "approver_login_information_id",
        "submittal_manager_id",
        "created_by_id",
        "inspector_id",
        "point_of_contact_id",
        "closed_by_id",
    }
)
#: Filters that take companies' ids (the directory's vendors).
COMPANIES: Final = frozenset(
    {
        "responsible_contractor_id",
        "vendor_id",
        "assignee_company_id",
        "ball_in_court_company_id",
        "parent_id",
    }
)
#: Other filters whose source's name is not their stem plus "s".
OTHERS: Final = {
    "trade_ids": "trades",
    "prefix_stage_id": "project_stages",
    "root_cost_code_id": "cost_codes",
    "spec_section_id": "specification_sections",
    "legacy_package_id": "change_order_packages",
}
#: Where the company store is read from, at most this old.
STORE_AGE: Final = "1d"

_CODES: Final = ("full_code", "number", "code")
_NAMES: Final = ("node_name", "name", "full_name", "title", "description")
#: Names read this session, by (API, company, resource, project).
_SESSION: dict[tuple[str, Any, str, int | None], list[Choice]] = {}
#: Lists Procore refused this session (asked again only after :func:`forget`).
_REFUSED: dict[tuple[str, Any, str, int | None], ProcoreError] = {}
#: Names seen in a resource's own rows, by (API, company, resource, project) and object.
_SEEN: dict[tuple[str, Any, str, int | None], dict[str, list[Choice]]] = {}


def source_of(name: str, kind: str) -> str | None:
    """The registry resource that lists the values of filter ``name`` (of type ``kind``).

    Examples
    --------
    >>> source_of("ball_in_court_id", "int"), source_of("cost_code_id", "int")
    ('company_users', 'cost_codes')
    >>> source_of("number", "str") is None
    True
    """
    if kind not in ("int", "int_list"):
        return None
    found = "company_users" if name in PEOPLE else "vendors" if name in COMPANIES else None
    found = found or OTHERS.get(name)
    if found is None and name.endswith("_id") and name != "id":
        found = name.removesuffix("_id") + "s"
    return found if found in registry() else None


def seen_in(resource: str, name: str, kind: str) -> str | None:
    """The nested object of ``resource``'s rows that names filter ``name``'s values, or None.

    For id filters no resource lists (statuses, types, and locations where the registry has
    no list of them), the names are those the resource's own rows carry: ``status_id`` of
    submittals is named by each row's ``status.id`` and ``status.name``.

    Examples
    --------
    >>> seen_in("punch_items", "punch_item_type_id", "int_list")
    'punch_item_type'
    """
    if kind not in ("int", "int_list") or name == "id":
        return None
    stem = name.removesuffix("_ids").removesuffix("_id")
    columns = registry()[resource].columns
    named = any(f"{stem}.{c}" in columns for c in (*_CODES, *_NAMES))
    return stem if f"{stem}.id" in columns and named else None


def forget() -> None:
    """Drop the names read this session (to see people or vendors added since)."""
    _SESSION.clear()
    _SEEN.clear()
    _REFUSED.clear()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or not str(value)


def choices_of(frame: Any) -> list[Choice]:
    """(name, id) of each row of ``frame``, sorted by name; equal names get their id.

    The name is the row's code or number (when it has one) and its name or title:
    ``"03-300 Cast-in-place concrete"``.
    """
    if frame is None or "id" not in getattr(frame, "columns", ()):
        return []
    code = next((c for c in _CODES if c in frame.columns), None)
    name = next((c for c in _NAMES if c in frame.columns), None)
    found: list[Choice] = []
    for row in frame.to_dict("records"):
        if _blank(row["id"]):
            continue
        parts = [str(row[c]).strip() for c in (code, name) if c and not _blank(row[c])]
        found.append((" ".join(p for p in parts if p) or f"#{row['id']}", int(row["id"])))
    counts = Counter(text for text, _ in found)
    unique = [(f"{t} (#{i})" if counts[t] > 1 else t, i) for t, i in found]
    return sorted(unique, key=lambda c: (c[0].casefold(), c[1]))


class Lookups:
    """The names a client's pickers show, each list read at most once per session.

    ``store``, when given (a :class:`procore_nb.Store`), is read instead of Procore, synced
    when its copy is older than a day.
    """

    def __init__(self, client: Any, store: Any = None) -> None:
        self._client = client
        self._store = store

    def _key(self, resource: str, project: int | None) -> tuple[str, Any, str, int | None]:
        return (str(self._client.api_url), self._client.company_id, resource, project)

    def choices(self, resource: str, project: int | None = None) -> list[Choice]:
        """(name, id) of ``resource``'s rows (of ``project`` for project resources)."""
        key = self._key(resource, project)
        if key not in _SESSION:
            _SESSION[key] = choices_of(self._read(resource, project))
        return _SESSION[key]

    def _read(self, resource: str, project: int | None) -> Any:
        """``resource``'s rows; a refusal is kept, so that it costs one request a session."""
        key = self._key(resource, project)
        if key in _REFUSED:
            raise _REFUSED[key]
        try:
            return self._fetch(resource, project)
        except ProcoreError as exc:
            _REFUSED[key] = exc
            raise

    def seen(self, resource: str, project: int, stem: str) -> list[Choice]:
        """(name, id) of the ``stem`` objects in ``resource``'s rows of ``project``.

        The project's rows are read once per session; every object they name is kept.
        """
        key = self._key(resource, project)
        if key not in _SEEN:
            frame = self._read(resource, project)
            found: dict[str, list[Choice]] = {}
            for column in frame.columns:
                if column.endswith(".id"):
                    prefix = column.removesuffix(".id")
                    part = frame[[c for c in frame.columns if c.startswith(prefix + ".")]]
                    part = part.rename(columns=lambda c, p=prefix: c.removeprefix(p + "."))
                    found[prefix] = choices_of(part.drop_duplicates("id"))
            _SEEN[key] = found
        return _SEEN[key].get(stem, [])

    def projects(self) -> list[Choice]:
        """The active projects as ("name · #number · city", id), sorted by name."""
        key = self._key("projects", None)
        if key not in _SESSION:
            frame = self._read("projects", None)
            if "active" in frame.columns:
                frame = frame[frame["active"].fillna(False).astype(bool)]
            found = []
            for row in frame.to_dict("records"):
                number = row.get("project_number")
                parts = [row.get("name"), f"#{number}" if not _blank(number) else None]
                parts.append(row.get("city"))
                text = " · ".join(str(p).strip() for p in parts if not _blank(p))
                found.append((text or f"#{row['id']}", int(row["id"])))
            _SESSION[key] = sorted(found, key=lambda c: (c[0].casefold(), c[1]))
        return _SESSION[key]

    def _name(self, project: int | None) -> str:
        listed = _SESSION.get(self._key("projects", None), [])
        return next((text.split(" · ")[0] for text, i in listed if i == project), "")

    def _fetch(self, resource: str, project: int | None) -> Any:
        scoped = registry()[resource].scope in PROJECT_SCOPES
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a project refusing the tool just lists nothing
            if self._store is not None:
                where = [project] if scoped and project is not None else "active"
                return self._store.frame(resource, projects=where, max_age=STORE_AGE)
            if resource == "projects":
                return self._client.projects(status="active")
            if scoped:
                import pandas as pd

                # a frame naming the project, so that the client need not list projects
                named = pd.DataFrame({"id": [project], "name": [self._name(project)]})
                return self._client.frame(resource, projects=named, progress=False)
            return self._client.frame(resource, progress=False)
