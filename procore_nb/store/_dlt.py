"""A dlt source built from the registry: Procore resources into any dlt destination.

Each resource becomes a dlt resource with its primary key. Where Procore supports
``filters[updated_at]`` and ``filters[include_deleted]``, it loads incrementally (``merge``)
with a cursor on ``updated_at`` that reaches back by an overlap, and deleted records, which
arrive in the same answers, are removed from the destination (``deleted_at`` is a
``hard_delete`` column). Resources with ``filters[updated_at]`` alone load incrementally too
with ``exact=False``; by default they are loaded whole (``replace``), because their deletions
show only in a whole pull. Resources without ``filters[updated_at]`` are loaded whole.
Project-scoped resources fan out over the company's projects through the client, signed in
as the notebook is.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from procore_nb._exceptions import ConfigurationError
from procore_nb.store._arguments import project_ids, seconds
from procore_nb.store._plan import Resource
from procore_nb.store._source import ClientSource, window_end

if TYPE_CHECKING:
    import pandas as pd

    from procore_nb.api._client import Client

__all__ = ["procore_source", "records"]

_INSTALL = "pip install 'procore_nb[dlt]'"


def column_hints(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """dlt column types from the frame's dtypes, so that a column that happens to be empty
    in one load is still created with its type (and every load makes the same table)."""
    import pandas as pd

    hints: dict[str, dict[str, Any]] = {}
    for name in frame.columns:
        dtype = frame[name].dtype
        if isinstance(dtype, pd.DatetimeTZDtype) or dtype.kind == "M":
            kind = "timestamp"
        elif isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype):
            kind = "text" if not pd.api.types.is_object_dtype(dtype) else "json"
        elif pd.api.types.is_bool_dtype(dtype):
            kind = "bool"
        elif pd.api.types.is_integer_dtype(dtype):
            kind = "bigint"
        elif pd.api.types.is_float_dtype(dtype):
            kind = "double"
        else:
            kind = "json"
        hints[str(name)] = {"data_type": kind, "nullable": True}
    return hints


def records(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """The rows of ``frame`` as plain dicts: missing values as ``None``, timestamps as
    ``datetime``, objects (``custom_fields``, lists) as they are."""
    import pandas as pd

    columns = list(frame.columns)
    converted = []
    for name in columns:
        column = frame[name]
        if isinstance(column.dtype, pd.DatetimeTZDtype) or column.dtype.kind == "M":
            values = [None if pd.isna(v) else v.to_pydatetime() for v in column.tolist()]
        else:
            values = [
                v if isinstance(v, list | dict) else (None if pd.isna(v) else v)
                for v in column.astype(object).tolist()
            ]
        converted.append(values)
    for row in zip(*converted, strict=True):
        yield dict(zip(columns, row, strict=True))


def _cursor_start(value: Any, overlap: timedelta) -> datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment - overlap


def procore_source(
    client: Client,
    resources: Sequence[str] = ("projects",),
    *,
    projects: str | Sequence[int] = "active",
    overlap: float = 120.0,
    exact: bool = True,
) -> Any:
    """A dlt source of ``resources`` for ``client``'s company.

    Parameters
    ----------
    client:
        A signed-in :class:`~procore_nb.Client` with a company chosen.
    resources:
        Registry names (``"rfis"``, ``"submittals"``...).
    projects:
        Where project-scoped resources are read: ``"active"``, ``"all"`` or ids.
    overlap:
        Seconds each incremental window reaches back before the last cursor value.
    exact:
        ``True`` (default): resources whose deletions Procore reports only by leaving them
        out (no ``filters[include_deleted]``, such as RFIs) are loaded whole every run, so
        the destination never keeps a deleted record. ``False``: they load incrementally
        too, and records deleted in Procore stay in the destination.

    Examples
    --------
    >>> import dlt
    >>> from procore_nb import procore_source
    >>> pipeline = dlt.pipeline("procore", destination="duckdb")      # doctest: +SKIP
    >>> pipeline.run(procore_source(client, ["rfis", "submittals"]))  # doctest: +SKIP
    """
    try:
        import dlt
    except ImportError:
        raise ConfigurationError(
            f"The dlt source needs dlt, which is not installed: run {_INSTALL}."
        ) from None
    source = ClientSource(client)
    specs = [source.resource(name) for name in resources]
    lag = timedelta(seconds=seconds("procore_source(overlap=...)", overlap))
    chosen = None if isinstance(projects, str) else project_ids(projects)
    if isinstance(projects, str) and projects not in {"active", "all"}:
        raise ConfigurationError(
            f"projects= must be 'active', 'all' or project ids, not {projects!r}."
        )

    def scopes() -> list[int]:
        if chosen is not None:
            return chosen
        return source.project_ids(projects if projects == "all" else "active")

    def pull(spec: Resource, since: datetime | None) -> Iterator[Any]:
        where = scopes() if spec.project_scoped else [source.company_id]
        changed = None if since is None else (since, window_end(source.server_time()))
        # Batches of projects keep memory bounded on companies with many projects.
        size = 50 if spec.project_scoped else 1
        for start in range(0, max(1, math.ceil(len(where) / size)) * size, size):
            batch = where[start : start + size]
            if batch:
                frame = source.pull(spec, batch, changed=changed).frame
                columns = column_hints(frame)
                if spec.include_deleted and "deleted_at" in columns:
                    columns["deleted_at"]["hard_delete"] = True
                hints = dlt.mark.make_hints(columns=columns)
                yield dlt.mark.with_hints(list(records(frame)), hints)

    def build(spec: Resource) -> Any:
        if not spec.incremental or (exact and not spec.include_deleted):

            def whole() -> Iterator[Any]:
                yield from pull(spec, None)

            return dlt.resource(
                whole,
                name=spec.name,
                primary_key=spec.key,
                write_disposition="replace",
                max_table_nesting=0,
            )

        def changes(
            updated_at: Any = dlt.sources.incremental(  # noqa: B008 - dlt injects the cursor here
                "updated_at", on_cursor_value_missing="include", range_start="closed"
            ),
        ) -> Iterator[Any]:
            yield from pull(spec, _cursor_start(updated_at.last_value, lag))

        hints: dict[str, Any] = {}
        if spec.include_deleted:
            hints["deleted_at"] = {"hard_delete": True}
        return dlt.resource(
            changes,
            name=spec.name,
            primary_key=spec.key,
            write_disposition="merge",
            columns=hints or None,
            max_table_nesting=0,
        )

    @dlt.source(name="procore")
    def procore() -> Any:
        return [build(spec) for spec in specs]

    return procore()
