"""Registry resources as DataFrames: one company's list, or one project's, or many projects'.

:class:`Reader` is what ``client.frame("rfis", projects="all", status="open")`` runs. It
checks the keywords against the registry entry (:mod:`procore_nb.api._filters`), fills the
entry's path and scope (company or project in the path or the query), reads every page
(:mod:`procore_nb.api._paging`) and, for project-scoped resources, every project at once
(:mod:`procore_nb.api._fanout`), then converts the records with the entry's dtype map and
adds ``project_id`` and ``project_name``.
"""

from __future__ import annotations

import functools
import threading
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from procore_nb._exceptions import (
    ConfigurationError,
    Interrupted,
    NotFoundError,
    PermissionDeniedError,
    ProcoreError,
)
from procore_nb._registry import Resource, match, registry
from procore_nb.api._cancel import StoppedError, stopping
from procore_nb.api._checks import check_choice, check_limit
from procore_nb.api._fanout import (
    ERRORS,
    BarSpec,
    Outcome,
    SkippedProjectsWarning,
    Target,
    pull,
)
from procore_nb.api._filters import build_query
from procore_nb.api._paging import Page, fetch_all
from procore_nb.api._paths import STATUS_FILTERS, Endpoint, endpoint, is_compact
from procore_nb.api._projects import (
    PROJECTS_WORDS,
    add_projects,
    gathering,
    iterable,
    name_of,
    project_id,
    skipped_message,
    unique,
)
from procore_nb.api._responses import not_records
from procore_nb.api._shows import chosen_parents, one_show, show_rows

if TYPE_CHECKING:
    import pandas as pd

    from procore_nb.api._session import Session

__all__ = ["Reader", "Request"]

Record = dict[str, Any]


@dataclass(frozen=True)
class Request:
    """What one call asks for: the keywords, raw params, projects, and how to behave."""

    keywords: Mapping[str, Any]
    params: Mapping[str, Any] | None = None
    projects: Any = None
    limit: int | None = None
    errors: str = "skip"
    progress: bool = False


class Reader:
    """Reads registry resources through a :class:`~procore_nb.api._session.Session`.

    Parameters
    ----------
    session:
        Signed requests (its transport's rate gate paces every request).
    workers:
        Requests on their way at the same time (pages of one list, or projects).
    """

    def __init__(self, session: Session, *, workers: int) -> None:
        self._session = session
        self._workers = workers
        self._stages: dict[int, list[str] | None] = {}
        #: company -> project id -> name, learnt from project lists (names of ids passed).
        self._names: dict[int, dict[int, str | None]] = {}

    @property
    def _api_url(self) -> str:
        return self._session.api_url

    def _to_frame(
        self, records: Sequence[Record], resource: str | None, company: int | None
    ) -> pd.DataFrame:
        # Imported on first use: _convert imports pandas, which `import procore_nb` must not.
        from procore_nb.frames._convert import to_frame

        stages = self.stage_names(company) if resource == "projects" and company else None
        return to_frame(records, resource, stages=stages)

    def stage_names(self, company: int) -> list[str] | None:
        """The company's stage names in order (cached), or None when they cannot be read."""
        if company not in self._stages:
            entry = registry()["project_stages"]
            try:
                rows = self.records(
                    entry,
                    {"company_id": company},
                    {},
                    company=company,
                    page=(entry.max_per_page, None, self._workers),
                )
            except (PermissionDeniedError, NotFoundError):
                rows = []  # without the stage list the stage columns stay text
            names = [str(s["name"]) for s in rows if isinstance(s, Mapping) and s.get("name")]
            self._stages[company] = names or None
        return self._stages[company]

    def raw(
        self,
        path: str,
        params: Mapping[str, Any] | None,
        *,
        company_id: Any,
        limit: int | None,
        progress: bool,
    ) -> pd.DataFrame:
        """Any list path as given (no keyword checks), typed when it is a registry path."""
        limit = check_limit(limit)
        where, query, company = self._session.prepare(path, params, company_id)
        entry = match(where.path)
        name = entry.name if entry is not None else where.resource
        where = replace(where, groups=entry.groups) if entry is not None else where
        size = where.page_size(
            limit=limit,
            asked=query.pop("per_page", None),
            largest=entry.max_per_page if entry is not None else 0,
        )
        typed = None if is_compact(query) else name
        if entry is not None and entry.show:  # one show (a meeting): the rows inside it
            rows = one_show(self._session, entry, where.path, query, company)
            df = self._to_frame(rows[:limit], name, company)
        else:
            df = self._read_list(
                (where, query, company), size, typed, limit=limit, progress=progress
            )
        df.attrs.update(path=where.path, company_id=company)
        return df

    def _read_list(
        self,
        call: tuple[Endpoint, dict[str, Any], int | None],
        size: int,
        resource: str | None,
        *,
        limit: int | None,
        progress: bool,
    ) -> pd.DataFrame:
        """One paged list (endpoint, query, company) as a frame, pages parsed as they arrive."""
        from procore_nb.api._pull import Pull, read_frame

        company = call[2]
        staged = resource == "projects" and company is not None
        return read_frame(
            Pull.of(self._session, call, size, resource),
            limit=limit,
            stages=functools.partial(self.stage_names, company) if staged and company else None,
            progress=progress,
        )

    def _company_call(
        self, entry: Resource, query: Mapping[str, Any], company: int | None
    ) -> tuple[Endpoint, dict[str, Any], int | None]:
        """The endpoint, query and company of a company-wide list (as :meth:`records` sends)."""
        where = endpoint(entry.path.format(company_id=company), api_url=self._api_url)
        params = dict(query)
        if entry.scope == "company_query" and company is not None:
            params.setdefault("company_id", company)
        return where, params, company

    # -- one list ------------------------------------------------------------------------

    def records(
        self,
        entry: Resource,
        fill: Mapping[str, Any],
        query: Mapping[str, Any],
        *,
        company: int | None,
        page: tuple[int, int | None, int],
        stop: threading.Event | None = None,
        progress: bool = False,
    ) -> list[Record]:
        """Every record of ``entry`` with its path filled from ``fill``.

        ``page`` is ``(per_page, limit, workers)``.
        """
        size, limit, workers = page
        path = entry.path.format(**fill)
        where = replace(endpoint(path, api_url=self._api_url), groups=entry.groups)
        params = dict(query)
        if entry.scope == "company_query" and company is not None:
            params.setdefault("company_id", company)
        if entry.scope == "project_query":
            params["project_id"] = fill["project_id"]
        url = self._api_url + where.path

        def check() -> None:
            if stop is not None and stop.is_set():
                raise StoppedError

        if not entry.paged:
            check()
            with stopping(stop):
                reply = self._session.call("GET", url, params=params, company=company)
            rows = where.unwrap(reply.data)
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise not_records(reply, rows)
            return rows[:limit] if limit is not None else rows

        def fetch(number: int, per_page: int) -> Page:
            check()
            with stopping(stop):  # the waits of this request give up when the pull stops
                return self._session.page(where, params, company, (number, per_page))

        return fetch_all(
            fetch,
            per_page=size,
            limit=limit,
            workers=workers,
            progress=progress,
            label=entry.name,
            status=self._session.transport.gate.status,
            progress_delay=self._session.config.progress_delay,
        )

    # -- a resource as a frame -----------------------------------------------------------

    def frame(self, entry: Resource, ask: Request, *, company_id: Any) -> pd.DataFrame:
        """The resource as a DataFrame (see ``Client.frame``)."""
        limit = check_limit(ask.limit)
        keywords = dict(ask.keywords)
        parent_id, named = chosen_parents(entry, keywords)
        check_choice("errors", ask.errors, ERRORS)
        query = {**build_query(entry, keywords), **(ask.params or {})}
        where = endpoint(entry.path, api_url=self._api_url)
        size = where.page_size(
            limit=limit, asked=query.pop("per_page", None), largest=entry.max_per_page
        )
        company = self._session.company_for(where, company_id)
        view = query.get(entry.view_param)
        typed = entry.name if view in (None, entry.default_view) else None
        if not entry.project_scoped:
            if ask.projects is not None:
                raise ConfigurationError(
                    f"{entry.name} is a company-wide list: it takes no projects=. Nothing was sent."
                )
            if entry.paged:
                call = self._company_call(entry, query, company)
                df = self._read_list(call, size, typed, limit=limit, progress=ask.progress)
            else:
                rows = self.records(
                    entry,
                    {"company_id": company},
                    query,
                    company=company,
                    page=(size, limit, self._workers),
                    progress=ask.progress,
                )
                df = self._to_frame(rows, typed, company)
            df.attrs.update(
                path=entry.path.format(company_id=company), company_id=company, resource=entry.name
            )
            return df
        if ask.projects is None:
            raise ConfigurationError(
                f"{entry.name} are read per project: pass projects= ({PROJECTS_WORDS}), e.g. "
                f"client.frame({entry.name!r}, projects='active'). Nothing was sent."
            )
        company = self._session.company(company)  # a project list needs the company
        targets = self.targets(ask.projects, company)
        one = len(targets) == 1

        def read(target: Target, stop: threading.Event, most: int | None) -> list[Record]:
            fill: dict[str, Any] = {"company_id": company, "project_id": target.id}
            if entry.show:  # one request per parent record (see _shows)
                return show_rows(
                    self._session,
                    self.records,
                    entry,
                    fill,
                    named=named,
                    stop=stop,
                    limit=most,
                    workers=self._workers if one else 1,
                )
            if entry.parent:
                view_id = parent_id if parent_id is not None else self._first(entry, fill, stop)
                if view_id is None:
                    return []  # no budget view yet: no rows
                fill[entry.parent_param] = view_id
            return self.records(
                entry,
                fill,
                query,
                company=company,
                page=(size, most, self._workers if one else 1),
                stop=stop,
                progress=ask.progress and one,
            )

        gate = self._session.transport.gate
        usage = self._session.transport.usage
        bar = BarSpec(
            ask.progress,
            entry.name,
            gate.status,
            self._session.config.progress_delay,
            lambda: usage.snapshot().requests,
        )
        try:
            outcome = pull(
                read, targets, workers=self._workers, limit=limit, errors=ask.errors, bar=bar
            )
        except (ProcoreError, Interrupted) as exc:
            if isinstance(exc.partial, Outcome):  # the projects read before it, as a frame
                exc.partial = self._projects_frame(entry, exc.partial, typed, company)
            raise
        df = self._projects_frame(entry, outcome, typed, company)
        together = gathering()
        if together is not None:  # a pull in batches warns once, at its end
            together.extend(outcome.skipped)
        elif outcome.skipped:
            warnings.warn(
                SkippedProjectsWarning(
                    skipped_message(entry, outcome.skipped, outcome.asked),
                    outcome.skipped,
                    outcome.asked,
                ),
                stacklevel=3,
            )
        return df

    def _projects_frame(
        self, entry: Resource, outcome: Outcome, typed: str | None, company: int
    ) -> pd.DataFrame:
        """The rows of a pull across projects as one frame, saying which projects answered."""
        records = [row for _, rows in outcome.rows for row in rows]
        df = self._to_frame(records, typed, company)
        add_projects(df, [(t, len(rows)) for t, rows in outcome.rows])
        df.attrs.update(
            path=entry.path,
            company_id=company,
            resource=entry.name,
            projects=outcome.asked,
            answered=[t.id for t in outcome.answered],
            skipped=outcome.skipped,
        )
        return df

    def _first(self, entry: Resource, fill: Mapping[str, Any], stop: threading.Event) -> Any:
        """The id of the first record of ``entry``'s parent in this project (or None)."""
        parent = registry()[entry.parent]
        rows = self.records(
            parent,
            fill,
            {},
            company=fill["company_id"],
            page=(parent.default_per_page or 1, 1, 1),
            stop=stop,
        )
        return rows[0].get(parent.key) if rows else None

    # -- which projects --------------------------------------------------------------------

    def targets(self, projects: Any, company: int) -> list[Target]:
        """The projects ``projects=`` names, with their names, in order, without repeats."""
        if isinstance(projects, str) and projects.strip().lower() in STATUS_FILTERS:
            rows = self._projects(company, STATUS_FILTERS[projects.strip().lower()])
            return [Target(int(r["id"]), name_of(r.get("name"))) for r in rows if "id" in r]
        if hasattr(projects, "columns"):  # a DataFrame of projects
            id_col = "project_id" if "project_id" in projects.columns else "id"
            name_col = "project_name" if "project_name" in projects.columns else "name"
            if id_col not in projects.columns:
                raise ConfigurationError(
                    "projects= got a DataFrame without an 'id' or 'project_id' column: pass "
                    "client.projects() or a selection of it. Nothing was sent."
                )
            names = projects[name_col] if name_col in projects.columns else [None] * len(projects)
            pairs = zip(projects[id_col], names, strict=True)
            return unique([Target(project_id(i), name_of(n)) for i, n in pairs])
        # One id: an int, numpy's, or text; an array (which also has __index__) is many.
        single = isinstance(projects, str | int) or (
            hasattr(projects, "__index__") and getattr(projects, "ndim", 0) == 0
        )
        ids = [projects] if single else iterable(projects)
        wanted = unique([Target(project_id(i)) for i in ids])
        known = self._names.get(company, {})
        if any(t.id not in known for t in wanted):
            self._projects(company, "All")  # learn the names of every project once
            known = self._names.get(company, {})
        return [Target(t.id, known.get(t.id)) for t in wanted]

    def _projects(self, company: int, status: str) -> list[Record]:
        entry = registry()["projects"]
        query = {"filters[by_status]": status, entry.view_param: "compact"}
        rows = self.records(
            entry, {}, query, company=company, page=(entry.max_per_page, None, self._workers)
        )
        names = self._names.setdefault(company, {})
        names.update((int(r["id"]), name_of(r.get("name"))) for r in rows if "id" in r)
        return rows
