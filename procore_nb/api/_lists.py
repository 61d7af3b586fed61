"""Reading: the list calls of :class:`~procore_nb.Client`, from one resource to many projects.

The registry names (``client.frame("rfis", projects="all")``, ``client.r.rfis(...)``) go
through :class:`~procore_nb.api._reader.Reader`; raw paths are sent as given. Everything here
answers in DataFrames (pandas is imported on first use, never at ``import procore_nb``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from procore_nb._exceptions import ConfigurationError, MalformedResponseError
from procore_nb._registry import match, registry
from procore_nb.api._catalog import ResourceCalls, resources_frame
from procore_nb.api._checks import check_flag
from procore_nb.api._paging import iter_pages
from procore_nb.api._paths import status_filter
from procore_nb.api._reader import Reader, Request
from procore_nb.api._session import Session

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Lists"]


class Lists:
    """The reading half of :class:`~procore_nb.Client` (settings and sign-in are the other)."""

    _session: Session
    _reader: Reader
    progress: bool

    # -- reading -----------------------------------------------------------------------

    def me(self) -> dict[str, Any]:
        """The signed-in user, as ``/rest/v1.0/me`` answers."""
        data = self.get("me")
        return dict(data) if isinstance(data, Mapping) else {"me": data}

    def user_id(self) -> int:
        """The signed-in user's id: asked of ``/me`` once per sign-in, then kept with the token.

        A cached sign-in that already knows its user costs no request, so a run whose rows
        the store holds makes none even when the hourly budget is spent.
        """
        token = self._session.auth.token
        if token is not None and token.user_id is not None:
            return token.user_id
        found = self.me().get("id")
        if isinstance(found, bool) or not isinstance(found, int | str) or not str(found).isdigit():
            raise MalformedResponseError(f"/me answered without a user id ({found!r}).")
        self._session.auth.remember_user(int(found))
        return int(found)

    def companies(self) -> pd.DataFrame:
        """The companies the user can see, one row each."""
        return self.frame("companies")

    def project_stages(self, company_id: int | str | None = None) -> pd.DataFrame:
        """The company's project stages, in the company's order."""
        company = self._session.company(company_id)
        return self.frame(f"companies/{company}/project_stages", company_id=company)

    def projects(
        self,
        company_id: int | str | None = None,
        status: str = "active",
        *,
        limit: int | None = None,
        **filters: Any,
    ) -> pd.DataFrame:
        """Every project of the company matching ``status`` and ``filters``.

        Parameters
        ----------
        company_id:
            Defaults to :attr:`company_id`.
        status:
            ``"active"``, ``"inactive"`` or ``"all"``.
        limit:
            At most this many rows.
        **filters:
            The projects filters of the registry (``client.r.projects?`` lists them):
            ``name="x"``, ``id=[1, 2]``, ``updated_at=(start, end)``, ``sort="name"``,
            ``view="compact"``, ``per_page=``. Any other name raises ConfigurationError.

        Examples
        --------
        >>> df = client.projects(status="all", name="tower")   # doctest: +SKIP
        """
        by_status = status_filter(status)
        if "by_status" in filters:
            raise ConfigurationError(
                "Give the project status once, as status='active', 'inactive' or 'all', "
                "not also as by_status. Nothing was sent."
            )
        company = self._session.company(company_id)
        return self.frame(
            "projects", company_id=company, limit=limit, by_status=by_status, **filters
        )

    def resources(self) -> pd.DataFrame:
        """The Procore resources procore_nb knows, one row each (the registry).

        Columns: ``name``, ``title``, ``path``, ``scope``, ``paged``, ``incremental``
        (which of ``updated_at``, ``created_at``, ``include_deleted`` it filters by),
        ``key``, ``tool``, ``filters``. Read any of them with :meth:`frame` or ``client.r``.
        """
        return resources_frame()

    @property
    def r(self) -> ResourceCalls:
        """Every registry resource as a call with tab completion: ``client.r.rfis("all")``.

        Each call's docstring lists its filters and columns (``client.r.rfis?``).
        """
        return ResourceCalls(self.frame)

    def frame(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        projects: Any = None,
        company_id: int | str | None = None,
        limit: int | None = None,
        errors: str = "skip",
        progress: bool | None = None,
        **filters: Any,
    ) -> pd.DataFrame:
        """Every row of a registry resource or of any list path, as a typed DataFrame.

        Parameters
        ----------
        path:
            A registry name (``"rfis"``; :meth:`resources` lists them) or a path:
            ``/rest/v1.0/...``, ``/rest/v1.1/...``, ``/rest/v2.0/...``, ``/vapid/...`` or
            short (``"companies/8/trades"``). Paths are sent as given.
        params:
            Raw query parameters, sent unchecked (``{"filters[x]": 1}``).
        projects:
            For project resources: one id, a list of ids, a DataFrame of projects (with
            ``id``/``project_id``), ``"active"`` or ``"all"``. All projects are read at once,
            paced by Procore's rate limits; the frame gets ``project_id`` and
            ``project_name`` columns.
        company_id:
            Defaults to :attr:`company_id`.
        limit:
            At most this many rows in all (never a filter).
        errors:
            ``"skip"`` (default): projects answering 403 (tool disabled, no permission) or 404,
            or still failing after the retries (5xx, no answer in time, a dropped
            connection), are left out, listed in ``df.attrs["skipped"]`` and counted in one
            :class:`SkippedProjectsWarning`; every other project's rows are kept.
            ``"raise"``: the first such project raises :class:`PartialPullError`, whose
            ``partial`` holds the rows read before it. Ctrl-C raises :class:`Interrupted`
            at once (no request is sent after it), with the rows read on ``partial``.
        progress:
            Show a progress bar (default: the client's setting).
        **filters:
            The resource's filters, checked before anything is sent: an unknown name, a
            wrong type or value raises ConfigurationError naming the valid ones. Lists send
            arrays, ``(start, end)`` pairs send ranges (``end=None`` leaves the end open); ``sort``
            (``"-field"`` descending), ``view`` and ``per_page`` too.

        Returns
        -------
        pandas.DataFrame
            The registry's columns and dtypes first. ``df.attrs`` records the environment,
            path, company, fetch time, row count and, across projects, the projects
            ``answered`` (ids) and ``skipped`` (status, reason, request id, ``transient``).

        Examples
        --------
        >>> client.frame("rfis", projects="active", status="open")  # doctest: +SKIP
        >>> client.frame("vendors", limit=50)                         # doctest: +SKIP
        >>> client.frame("/rest/v1.1/projects", {"filters[by_status]": "All"})  # doctest: +SKIP
        """
        if not isinstance(path, str):
            raise ConfigurationError(
                f"frame() takes a registry name (client.resources() lists them) or a list "
                f"path as text, not {path!r}. Nothing was sent."
            )
        if params is not None and not isinstance(params, Mapping):
            raise ConfigurationError(
                f"params= takes a dict of raw query parameters, not {params!r}. Nothing was sent."
            )
        show = self.progress if progress is None else check_flag("progress", progress)
        fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
        entry = registry().get(path) if "/" not in path else None
        if entry is None:
            if filters or projects is not None:
                raise ConfigurationError(
                    f"{path!r} is not a registry resource, so keyword filters and projects= "
                    "cannot be checked: pass raw parameters in params={...}, or use a name "
                    "from client.resources(). Nothing was sent."
                )
            df = self._reader.raw(path, params, company_id=company_id, limit=limit, progress=show)
        else:
            ask = Request(filters, params, projects, limit, errors, show)
            df = self._reader.frame(entry, ask, company_id=company_id)
        df.attrs.update(environment=self._session.env, fetched_at=fetched_at, rows=len(df))
        return df

    def pages(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        company_id: int | str | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """Yield a list endpoint's records page by page, for streaming large lists."""
        where, params, company = self._session.prepare(path, params, company_id)
        entry = match(where.path)
        if entry is not None:  # a grouped list (meetings) yields its records, not its groups
            where = replace(where, groups=entry.groups)
        yield from iter_pages(
            lambda number, per_page: self._session.page(where, params, company, (number, per_page)),
            per_page=where.page_size(limit=None, asked=params.pop("per_page", None)),
        )

    def get(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        company_id: int | str | None = None,
    ) -> Any:
        """The decoded JSON of any GET endpoint (``/rest/v2.x`` bodies unwrapped from ``data``)."""
        where, params, company = self._session.prepare(path, params, company_id)
        reply = self._session.call(
            "GET", self._session.api_url + where.path, params=params, company=company
        )
        return where.unwrap(reply.data)
