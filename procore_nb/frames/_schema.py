"""The column types of each Procore resource procore_nb knows: one explicit map, in one place.

Each known resource maps its columns, in the order a DataFrame shows them, to a
:class:`Kind`; each kind has exactly one pandas dtype (:data:`DTYPES`). The maps come from
the resource registry (``procore_nb/data/resources.toml``, read by :mod:`procore_nb._registry`
at first use), so a resource's columns are written down once. Nested objects are
written with dotted names (``company.id``), as :func:`procore_nb.frames._convert.to_frame` flattens
them. Fields not listed here pass through with pandas' own inference.

The table in ``docs/dtypes.md`` is generated from this module, and a test keeps the two equal::

    python -m procore_nb.frames._schema docs/dtypes.md           # rewrite the generated part
    python -m procore_nb.frames._schema --check docs/dtypes.md   # exit 1 when it is stale
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterator, Mapping, Sequence
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

from procore_nb._registry import registry
from procore_nb.frames._generated import begin_mark, rewrite, run

if TYPE_CHECKING:
    import pandas as pd


class Kind(StrEnum):
    """What a field holds, which decides its pandas dtype."""

    ID = "id"
    FLAG = "flag"
    TEXT = "text"
    TIMESTAMP = "timestamp"
    DATE = "date"
    NUMBER = "number"
    MONEY = "money"
    PERCENT = "percent"
    COUNT = "count"
    DAYS = "days"
    STAGE = "stage"
    OBJECT = "object"


#: The one resolution for every timestamp and date column. pandas 3 parses strings to
#: microseconds and pandas 2.2 to nanoseconds: we always convert, so frames look the same
#: under both, and nanoseconds are what pandas 2 users and most existing code expect.
TIMESTAMP_DTYPE: Final = "datetime64[ns, UTC]"
#: Dates are midnight UTC of their calendar day, so that ``due_date - created_at`` is a
#: ``Timedelta`` and dates compare with timestamps (docs/dtypes.md, "Dates and timestamps").
DATE_DTYPE: Final = "datetime64[ns, UTC]"

#: kind -> pandas dtype. A stage column becomes an ordered ``category`` when the company's
#: stage list is given, and is ``string`` otherwise.
DTYPES: Final[Mapping[Kind, str]] = {
    Kind.ID: "Int64",
    Kind.FLAG: "boolean",
    Kind.TEXT: "string",
    Kind.TIMESTAMP: TIMESTAMP_DTYPE,
    Kind.DATE: DATE_DTYPE,
    Kind.NUMBER: "float64",
    Kind.MONEY: "float64",
    Kind.PERCENT: "float64",
    Kind.COUNT: "float64",
    Kind.DAYS: "float64",
    Kind.STAGE: "string",
    Kind.OBJECT: "object",
}

#: kind -> (what is accepted, what happens to a value that does not fit). Rendered in the docs.
KIND_RULES: Final[Mapping[Kind, tuple[str, str]]] = {
    Kind.ID: (
        'integers; strings of an integer in canonical form (`"42"`, as API v2 sends); '
        "integral floats",
        'text or a number (`"abc"`, `"007"`, beyond 64 bits): the whole column is kept as '
        "`string`, every id as its text, with a warning; objects, lists, booleans: NA, "
        "with a warning",
    ),
    Kind.FLAG: ('`true`/`false`; the strings `"true"`/`"false"`; 0 and 1', "NA, with a warning"),
    Kind.TEXT: (
        'strings; numbers and booleans become their JSON text (`78701` -> `"78701"`)',
        "NA (objects and lists), with a warning",
    ),
    Kind.TIMESTAMP: (
        "ISO 8601 strings (`YYYY-MM-DDTHH:MM:SSZ` fast; offsets and fractions too), "
        "converted to UTC; strings without an offset are taken as UTC",
        "NA, with a warning (also outside 1677-2262, the range of nanoseconds)",
    ),
    Kind.DATE: (
        "`YYYY-MM-DD` and other ISO 8601 strings; the calendar date as written, at midnight UTC",
        "NA, with a warning",
    ),
    Kind.NUMBER: (
        'numbers; numeric strings (`"1234567.0"`, as Procore sends some money fields)',
        "NA, with a warning",
    ),
    Kind.MONEY: ("as `number`: a sum in the company's currency", "NA, with a warning"),
    Kind.PERCENT: (
        "as `number`: a percentage from 0 to 100, as Procore sends it",
        "NA, with a warning",
    ),
    Kind.COUNT: ("as `number`: a count of things", "NA, with a warning"),
    Kind.DAYS: ("as `number`: a number of days", "NA, with a warning"),
    Kind.STAGE: (
        "as text; with `stages=` an ordered categorical in that order, and names missing "
        "from the list appended after it (sorted) rather than lost",
        "as text",
    ),
    Kind.OBJECT: ("anything: lists and free-form objects stay Python objects, untouched", "-"),
}

#: The kinds converted as numbers (``float64``); they differ in how a report shows them.
NUMERIC_KINDS: Final = frozenset({Kind.NUMBER, Kind.MONEY, Kind.PERCENT, Kind.COUNT, Kind.DAYS})

#: Columns of ``/rest/v1.0/me``, which is a single object rather than a registry list.
_ME: Final[Mapping[str, Kind]] = {"id": Kind.ID, "login": Kind.TEXT, "name": Kind.TEXT}


class _Schemas(Mapping[str, Mapping[str, Kind]]):
    """resource -> {column: kind}, built from the registry at first use (not at import)."""

    @functools.cached_property
    def _maps(self) -> dict[str, Mapping[str, Kind]]:
        maps: dict[str, Mapping[str, Kind]] = {
            name: MappingProxyType({col: Kind(kind) for col, kind in entry.columns.items()})
            for name, entry in registry().items()
        }
        maps["me"] = _ME
        return maps

    def __getitem__(self, name: str) -> Mapping[str, Kind]:
        return self._maps[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._maps)

    def __len__(self) -> int:
        return len(self._maps)


#: resource -> {column: kind}, columns in display order: every resource of
#: ``procore_nb/data/resources.toml`` (its ``columns`` table) and ``me``.
SCHEMAS: Final[Mapping[str, Mapping[str, Kind]]] = _Schemas()


#: The key of ``DataFrame.attrs`` that holds each declared column's kind (its value).
KINDS_ATTR: Final = "kinds"


def declare(frame: pd.DataFrame, schema: Mapping[str, Kind]) -> pd.DataFrame:
    """``frame`` with ``attrs["kinds"]``: ``{column: kind}`` for its columns that ``schema`` names.

    Reports read it to show money as money and dates as dates (:mod:`procore_nb.reports.tables`).
    """
    frame.attrs[KINDS_ATTR] = {
        name: str(kind) for name, kind in schema.items() if name in frame.columns
    }
    return frame


def dtype_of(kind: Kind, *, stages_known: bool = False) -> str:
    """The pandas dtype of a column of ``kind`` (``category`` for stages when known).

    Examples
    --------
    >>> dtype_of(Kind.ID)
    'Int64'
    >>> dtype_of(Kind.STAGE, stages_known=True)
    'category'
    """
    if kind is Kind.STAGE and stages_known:
        return "category"
    return DTYPES[kind]


# --- the generated documentation table ---------------------------------------------------

#: The command that writes the generated part (named in its opening marker).
COMMAND: Final = "python -m procore_nb.frames._schema docs/dtypes.md"
BEGIN_MARK: Final = begin_mark(COMMAND)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _dtype_cell(kind: Kind) -> str:
    cell = f"`{DTYPES[kind]}`"
    return cell + " (ordered `category` with `stages=`)" if kind is Kind.STAGE else cell


def render_markdown() -> str:
    """The generated part of ``docs/dtypes.md``: the kinds, then one table per resource."""
    lines = ["### Kinds", ""]
    lines += _table(
        ["kind", "pandas dtype", "accepted values", "a value that does not fit"],
        [
            [
                f"`{kind}`",
                f"`{DTYPES[kind]}`"
                + (" (`category` with `stages=`)" if kind is Kind.STAGE else ""),
                *KIND_RULES[kind],
            ]
            for kind in Kind
        ],
    )
    for resource, fields in SCHEMAS.items():
        lines += ["", f"### `{resource}`", ""]
        lines += _table(
            ["column", "kind", "pandas dtype"],
            [[f"`{name}`", f"`{kind}`", _dtype_cell(kind)] for name, kind in fields.items()],
        )
    return "\n".join(lines) + "\n"


def _with_table(text: str) -> str:
    """``text`` with the part between the markers replaced by :func:`render_markdown`."""
    return rewrite(text, COMMAND, render_markdown())


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite (or with ``--check`` verify) the generated table in a Markdown file."""
    return run(argv, module="procore_nb.frames._schema", doc=__doc__, fresh=_with_table)


if __name__ == "__main__":
    sys.exit(main())
