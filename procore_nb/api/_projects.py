"""Which projects a pull across projects reads, and how its frame says so.

``projects=`` takes one id, a list, a DataFrame of projects, ``"active"`` or ``"all"``;
these helpers check the ids, keep their order without repeats, add ``project_id`` and
``project_name`` to the frame, and word the warning about projects that were skipped.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from procore_nb._constants import tool_name
from procore_nb._exceptions import ConfigurationError
from procore_nb._registry import Resource, registry
from procore_nb.api._checks import check_id
from procore_nb.api._fanout import SkippedProjectsWarning, Target

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PROJECTS_WORDS",
    "add_projects",
    "gathering",
    "iterable",
    "name_of",
    "positive_id",
    "project_id",
    "skipped_message",
    "skipped_together",
    "unique",
]

#: What ``projects=`` takes, for messages.
PROJECTS_WORDS = "one project id, a list of ids, a DataFrame of projects, 'active' or 'all'"


def iterable(projects: Any) -> list[Any]:
    """``projects`` as a list of ids, or ConfigurationError when it is not a collection."""
    if isinstance(projects, Mapping) or not isinstance(projects, Iterable):
        raise ConfigurationError(
            f"projects= takes {PROJECTS_WORDS}, not {projects!r}. Nothing was sent."
        )
    return list(projects)


def project_id(value: Any) -> int:
    """One id of ``projects=``, checked."""
    return positive_id(value, f"projects= takes {PROJECTS_WORDS};")


def positive_id(value: Any, what: str) -> int:
    """``value`` as a positive integer id, or ConfigurationError starting with ``what``.

    Ints, numpy's integers and digit strings are ids; ``bool``, floats (even ``3.0``), NaN
    and anything else are not (:func:`~procore_nb.api._checks.check_id`).
    """
    try:
        return check_id(what, value)
    except ConfigurationError:
        raise ConfigurationError(
            f"{what} {value!r} is not an id: ids are whole numbers (numpy's too) or their "
            "digits as text, and are never rounded. Nothing was sent."
        ) from None


def name_of(value: Any) -> str | None:
    """A project's name, when it is text."""
    return value if isinstance(value, str) else None


def unique(targets: list[Target]) -> list[Target]:
    """``targets`` in order, each project once."""
    seen: set[int] = set()
    out: list[Target] = []
    for target in targets:
        if target.id not in seen:
            seen.add(target.id)
            out.append(target)
    return out


def add_projects(df: pd.DataFrame, counts: list[tuple[Target, int]]) -> None:
    """``project_id`` and ``project_name`` as the first two columns, one per row."""
    import pandas as pd

    ids = [t.id for t, n in counts for _ in range(n)]
    names = [t.name for t, n in counts for _ in range(n)]
    for column in ("project_id", "project_name"):
        if column in df.columns:
            del df[column]
    df.insert(0, "project_id", pd.Series(ids, index=df.index, dtype="Int64"))
    df.insert(1, "project_name", pd.Series(names, index=df.index, dtype="string"))


def skipped_message(entry: Resource, skipped: list[dict[str, Any]], total: int) -> str:
    """The one warning naming how many of the ``total`` projects asked were skipped, and why."""
    by_cause: dict[str, int] = {}
    for item in skipped:
        status = item.get("status")
        if status is not None:
            cause = f"answered {status}"
        elif item.get("error") == "ProcoreTimeout":
            cause = "did not answer in time"
        else:
            cause = "dropped the connection"
        by_cause[cause] = by_cause.get(cause, 0) + 1
    parts = ", ".join(f"{n} {cause}" for cause, n in sorted(by_cause.items()))
    refused = [i for i in skipped if not i.get("transient")]
    failed = len(skipped) - len(refused)
    why = []
    if refused:
        why.append(
            f"the {tool_name(entry.tool) + ' ' if entry.tool else ''}tool is disabled there, the "
            "user may not see it, or "
            "the project does not exist"
        )
    if failed:
        why.append(
            "Procore still failed after the retries (5xx, no answer in time, a dropped "
            "connection): read those projects again later"
        )
    return (
        f"{len(skipped)} of {total} projects were skipped for {entry.name} ({parts}): "
        f"{'; '.join(why)}. Every other project's rows are in the frame; "
        "df.attrs['skipped'] lists each skipped project, its status, reason and request id; "
        "pass errors='raise' to stop at the first one instead."
    )


_gathered = threading.local()


def gathering() -> list[dict[str, Any]] | None:
    """The list this thread's pulls add their skipped projects to, inside
    :func:`skipped_together`; None outside (each pull then warns itself)."""
    found: list[dict[str, Any]] | None = getattr(_gathered, "skipped", None)
    return found


@contextlib.contextmanager
def skipped_together(resource: str, asked: int) -> Iterator[list[dict[str, Any]]]:
    """Pulls in batches warn once, counting the whole scope: ``"2 of 313 projects"``.

    Within the block, the pulls of this thread add their skipped projects to the list it
    yields instead of warning; at its end one :class:`SkippedProjectsWarning` counts them
    against ``asked`` (the projects of every batch), if any was skipped.

    Examples
    --------
    >>> with skipped_together("rfis", asked=len(ids)) as skipped:  # doctest: +SKIP
    ...     for batch in batches:
    ...         client.frame("rfis", projects=batch)
    """
    outer = gathering()
    skipped: list[dict[str, Any]] = []
    _gathered.skipped = skipped
    try:
        yield skipped
    finally:
        _gathered.skipped = outer
    if skipped:
        warnings.warn(
            SkippedProjectsWarning(
                skipped_message(registry()[resource], skipped, asked), skipped, asked
            ),
            stacklevel=3,
        )
