"""Rows that Procore lists only inside another record's show: a meeting's topics.

A meeting's topics have no list endpoint: they arrive in the meeting's show
(``GET /rest/v1.1/projects/{project_id}/meetings/{id}``), inside its categories. A registry
entry with ``rows`` (``meeting_categories.meeting_topic``) is read so, per project: the
parent's list once (only the records the caller names, when it names some: ``filters[id]``
in the same single request), then one show per parent record, whose lists at ``rows`` are
the rows, each with the show's fields beside its own (``outer``: ``meeting_id``,
``meeting_title``, ...) and its people's names (``joined``: ``assignee_names``). That is
one request per parent record (for one project, several on their way at once): name the
meetings (``meeting_id=[...]``) to keep a pull small.
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from procore_nb._exceptions import ConfigurationError, DataIntegrityError
from procore_nb._registry import Resource, registry
from procore_nb.api._cancel import Stop, StoppedError, stopping, under
from procore_nb.api._filters import build_query
from procore_nb.api._paths import endpoint
from procore_nb.api._projects import positive_id
from procore_nb.api._session import Session

__all__ = ["chosen_parents", "named_parents", "one_show", "rows_of", "show_rows"]

Record = dict[str, Any]
#: The most parent ids sent as ``filters[id][]`` (about 20 bytes each in the address).
_FILTER_MOST = 100
#: ``Reader.records``: every record of a list (entry, fill, query, company, page, stop).
Records = Callable[..., list[Record]]


def chosen_parents(
    entry: Resource, keywords: dict[str, Any]
) -> tuple[int | None, tuple[int, ...] | None]:
    """The parent the caller named (taken out of ``keywords``): one id for a list's parent
    (drawings' area), or the ids of a show's parents (meetings); None when not named."""
    value = keywords.pop(entry.parent_param, None) if entry.parent else None
    if entry.show:
        return None, named_parents(entry, value)
    return (positive_id(value, f"{entry.parent_param}=") if value is not None else None), None


def named_parents(entry: Resource, value: Any) -> tuple[int, ...] | None:
    """The parent ids the caller named (``meeting_id=5`` or ``meeting_id=[5, 6]``), or None."""
    if value is None:
        return None
    name = f"{entry.parent_param}="
    if isinstance(value, str | int) or not isinstance(value, Iterable):
        return (positive_id(value, name),)
    ids = tuple(dict.fromkeys(positive_id(v, name) for v in value))
    if not ids:
        raise ConfigurationError(
            f"{name} got no ids: name one {entry.parent} id or more, or leave it out to read "
            f"every {entry.parent} record (one request each). Nothing was sent."
        )
    return ids


def rows_of(entry: Resource, show: Any) -> list[Record]:
    """The rows inside one show: the lists at ``entry.rows``, each with the show's fields
    that ``entry.columns`` name with the ``outer`` prefix."""
    where = f"{entry.name}: the show of {entry.parent_param}"
    if not isinstance(show, dict):
        raise DataIntegrityError(f"{where} is not one object ({type(show).__name__}).")
    # The show's fields that the columns name (meeting_title...), kept on each of its rows.
    named = {f"{entry.outer}_{k}": v for k, v in show.items()} if entry.outer else {}
    outer = {k: v for k, v in named.items() if k in entry.columns}
    level: list[Any] = [show]
    for key in entry.rows.split("."):
        inner: list[Any] = []
        for holder in level:
            found = holder.get(key) if isinstance(holder, dict) else None
            if found is not None and not isinstance(found, list):
                raise DataIntegrityError(f"{where}: {key} is not a list ({found!r:.80}).")
            inner.extend(found or [])
        level = inner
    strays = [item for item in level if not isinstance(item, dict)]
    if strays:  # never dropped silently
        raise DataIntegrityError(f"{where}: {entry.rows} holds non-records, e.g. {strays[0]!r}.")
    return [{**outer, **item, **_joined(entry, item)} for item in level]


def _joined(entry: Resource, item: Record) -> Record:
    """The row's ``joined`` columns: the names in a list field, joined (``"Ann, Bo"``)."""
    out: Record = {}
    for column, source in entry.joined.items():
        people = item.get(source)
        names = (
            [p.get("name") for p in people or [] if isinstance(p, dict)]
            if isinstance(people, list)
            else []
        )
        out[column] = ", ".join(str(n) for n in names if n) or None
    return out


def one_show(
    session: Session, entry: Resource, path: str, query: Mapping[str, Any], company: int | None
) -> list[Record]:
    """The rows inside the show at ``path`` (one request)."""
    reply = session.call("GET", session.api_url + path, params=query, company=company)
    return rows_of(entry, reply.data)


def show_rows(
    session: Session,
    records: Records,
    entry: Resource,
    fill: Mapping[str, Any],
    *,
    named: tuple[int, ...] | None,
    stop: threading.Event | None = None,
    limit: int | None = None,
    workers: int = 1,
) -> list[Record]:
    """The rows of ``entry`` in one project: the parent's records (those ``named``), a show
    each, ``workers`` shows on their way at once (in order; the first failure stops the rest)."""
    parent = registry()[entry.parent]
    company = fill["company_id"]
    # Named ids go to Procore as filters[id][] while they keep the address short; more (the
    # meetings of many projects, say) are kept from the whole list, which costs as much.
    by_filter = named is not None and len(named) <= _FILTER_MOST
    query = build_query(parent, {"id": list(named)}) if by_filter and named else {}
    above = records(
        parent, fill, query, company=company, page=(parent.max_per_page or 100, None, 1), stop=stop
    )
    if named is not None and not by_filter:
        wanted = set(named)
        above = [item for item in above if item.get(parent.key) in wanted]

    def shown(item: Record) -> list[Record]:
        if stop is not None and stop.is_set():
            raise StoppedError
        path = entry.path.format(**fill, **{entry.parent_param: item[parent.key]})
        return one_show(session, entry, endpoint(path, api_url=session.api_url).path, {}, company)

    if workers <= 1 or len(above) <= 1 or limit is not None:
        rows: list[Record] = []
        for item in above:
            if limit is not None and len(rows) >= limit:
                break
            with stopping(stop):  # the waits of this request give up when the pull stops
                rows.extend(shown(item))
        return rows if limit is None else rows[:limit]
    inner = Stop()  # set on a failure, or when the pull stops: the shows still waiting give up
    if isinstance(stop, Stop):
        stop.on_set(inner.set)
    pool = concurrent.futures.ThreadPoolExecutor(
        min(workers, len(above)), thread_name_prefix="procore_nb-show"
    )
    try:
        futures = [pool.submit(under, inner, shown, item) for item in above]
        return [row for future in futures for row in future.result()]
    finally:
        inner.set()
        pool.shutdown(wait=True, cancel_futures=True)
