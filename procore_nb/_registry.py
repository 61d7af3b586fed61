"""The Procore resources procore_nb knows, read from ``procore_nb/data/resources.toml``.

One entry per resource, as data: its path and scope, paging, filters and plain parameters,
sort syntax and views, primary key and column kinds. The client (calls, filter checks, dtype
maps, generated docs) and the sandbox (routes, data) both read it, so this module imports
nothing of procore_nb but the shared modules. The file is read at the first call of
:func:`registry` (not at ``import procore_nb``) and checked whole: a mistake in it raises
:class:`~procore_nb.ConfigurationError` naming the resource, the key and what is allowed.

The data file's header comment explains every key; ``docs/resources.md`` lists the entries.

Examples
--------
>>> rfis = registry()["rfis"]
>>> rfis.path, rfis.scope, rfis.version
('/rest/v1.0/projects/{project_id}/rfis', 'project_path', 'v1.0')
>>> rfis.filters["status"].values
('open', 'closed', 'draft')
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any, Final

from procore_nb._exceptions import ConfigurationError

__all__ = [
    "FILTER_TYPES",
    "KINDS",
    "SCOPES",
    "Filter",
    "Resource",
    "Sort",
    "match",
    "parse",
    "registry",
    "resource",
]

#: Where a resource's company or project goes: nowhere, the path, or the query.
SCOPES: Final = ("none", "company_path", "company_query", "project_path", "project_query")
#: The column kinds (``procore_nb.frames._schema.Kind``'s values; a test keeps them equal).
#: The kinds of numbers: money, percent, count and days are shown each their own way.
_NUMBERS: Final = ("number", "money", "percent", "count", "days")
KINDS: Final = ("id", "flag", "text", "timestamp", "date", *_NUMBERS, "stage", "object")
#: The types of a filter or plain parameter.
FILTER_TYPES: Final = (
    *("int", "int_list", "str", "str_list", "bool", "enum", "enum_list"),
    *("date", "date_range", "datetime_range"),
)
#: The sort syntaxes: ``sort=field``/``sort=-field``, or ``sort[attribute]``/``sort[direction]``.
SORT_STYLES: Final = ("field", "attribute")
#: The filters that ``updated_at``, ``created_at`` and ``include_deleted`` = true add.
INCREMENTAL: Final = ("updated_at", "created_at", "include_deleted")
_DELETED_VALUES: Final = ("only", "with")

_FILE: Final = "resources.toml"
_VERSION = re.compile(r"^/rest/(v\d+\.\d+)/")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Filter:
    """One keyword a list call accepts: a ``filters[...]`` filter or a plain query parameter.

    ``values`` are what a caller may pass for an enum; ``codes`` what is sent for each (equal
    to ``values`` unless Procore wants codes, as observations' status does).
    """

    name: str
    type: str
    param: str
    plain: bool = False
    values: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()

    @property
    def is_list(self) -> bool:
        """Whether it takes several values."""
        return self.type.endswith("_list")

    @property
    def repeats(self) -> bool:
        """A list sent as one pair per value (``param`` ends in ``[]``), else comma-joined."""
        return self.param.endswith("[]")

    def describe(self) -> str:
        """The type as a person reads it: ``enum: open, closed, draft``."""
        return f"{self.type}: {', '.join(self.values)}" if self.values else self.type


@dataclass(frozen=True)
class Sort:
    """How a resource sorts: ``style`` is ``field`` or ``attribute``; ``fields`` allowed."""

    style: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    """One Procore list endpoint, as ``resources.toml`` describes it."""

    name: str
    title: str
    path: str
    scope: str
    tool: str = ""
    paged: bool = True
    max_per_page: int = 0
    default_per_page: int = 0
    updated_at: bool = False
    created_at: bool = False
    include_deleted: bool = False
    key: str = "id"
    parent: str = ""
    parent_param: str = ""
    groups: str = ""
    rows: str = ""
    outer: str = ""
    joined: Mapping[str, str] = field(default_factory=dict)
    sort: Sort | None = None
    views: tuple[str, ...] = ()
    default_view: str = ""
    view_param: str = "view"
    filters: Mapping[str, Filter] = field(default_factory=dict)
    columns: Mapping[str, str] = field(default_factory=dict)

    @property
    def show(self) -> bool:
        """Whether each call answers one parent record (a show) holding the rows at ``rows``."""
        return bool(self.rows)

    @property
    def version(self) -> str:
        """The API version in the path: ``v1.0``, ``v1.1``, ``v1.3``, ``v2.0``."""
        match = _VERSION.match(self.path)
        return match.group(1) if match else ""

    @property
    def envelope(self) -> bool:
        """Whether the list arrives as ``{"data": [...]}`` with string ids (API v2)."""
        return self.version.startswith("v2")

    @property
    def project_scoped(self) -> bool:
        """Whether it lists records of one project at a time."""
        return self.scope.startswith("project")

    @property
    def placeholders(self) -> tuple[str, ...]:
        """The path's placeholders in order (``company_id``, ``project_id``, a parent's id)."""
        return tuple(_PLACEHOLDER.findall(self.path))

    @property
    def incremental(self) -> tuple[str, ...]:
        """Which of ``updated_at``, ``created_at``, ``include_deleted`` it supports."""
        return tuple(name for name in INCREMENTAL if getattr(self, name))


@functools.cache
def registry() -> Mapping[str, Resource]:
    """Every resource procore_nb knows, by name, in the data file's order (read once)."""
    text = (resources.files("procore_nb") / "data" / _FILE).read_text(encoding="utf-8")
    return parse(text, source=_FILE)


def resource(name: str) -> Resource:
    """The resource called ``name``, or ConfigurationError naming the known ones."""
    known = registry()
    try:
        return known[name]
    except KeyError:
        raise ConfigurationError(
            f"no Procore resource is called {name!r}; the known ones are "
            f"{', '.join(sorted(known))}; for another endpoint pass its path, "
            "e.g. '/rest/v1.0/projects/{project_id}/...'"
        ) from None


def match(path: str) -> Resource | None:
    """The resource whose path template ``path`` fills (ids for placeholders), if any.

    Examples
    --------
    >>> match("/rest/v1.0/projects/42/rfis").name
    'rfis'
    >>> match("/rest/v1.0/projects/42/nonsense") is None
    True
    """
    bare = path.split("?", 1)[0].rstrip("/")
    for entry in registry().values():
        if _template(entry.path).fullmatch(bare):
            return entry
    return None


@functools.cache
def _template(path: str) -> re.Pattern[str]:
    return re.compile(
        _PLACEHOLDER.sub(r"\\d+", re.escape(path).replace(r"\{", "{").replace(r"\}", "}"))
    )


# --- reading and checking the file ------------------------------------------------------


class _Checker:
    """Reads one resource table, collecting the keys it used so that stray ones are caught."""

    def __init__(self, source: str, name: str, table: Mapping[str, Any]) -> None:
        self.where = f"{source}: [{name}]"
        self.table = table
        self.used: set[str] = set()

    def fail(self, message: str) -> ConfigurationError:
        return ConfigurationError(f"{self.where}: {message}")

    def get(self, key: str, kind: type, default: Any) -> Any:
        self.used.add(key)
        value = self.table.get(key, default)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(f"{key} must be a {kind.__name__}, not {value!r}")
        return value

    def choice(self, key: str, allowed: tuple[str, ...], default: str | None = None) -> str:
        value: str = self.get(key, str, default if default is not None else "")
        if value not in allowed:
            raise self.fail(f"{key} = {value!r} is not one of {', '.join(allowed)}")
        return value

    def strays(self) -> None:
        extra = sorted(set(self.table) - self.used)
        if extra:
            raise self.fail(f"unknown key(s) {', '.join(extra)}; see the file's header")


def _filter(check: _Checker, name: str, spec: object, *, plain: bool) -> Filter:
    where = f"{'params' if plain else 'filters'}.{name}"
    if not isinstance(spec, dict):
        raise check.fail(f'{where} must be a table like {{ type = "int" }}, not {spec!r}')
    unknown = set(spec) - {"type", "param", "values"}
    if unknown:
        raise check.fail(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    kind = spec.get("type")
    if kind not in FILTER_TYPES:
        raise check.fail(f"{where}: type {kind!r} is not one of {', '.join(FILTER_TYPES)}")
    param = spec.get("param", name if plain else f"filters[{name}]")
    if not isinstance(param, str) or not param:
        raise check.fail(f"{where}: param must be a non-empty string")
    raw = spec.get("values")
    if kind.startswith("enum") != bool(raw):
        raise check.fail(f"{where}: values are needed by enum types and only by them")
    values: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    if isinstance(raw, dict):
        values, codes = tuple(raw), tuple(str(v) for v in raw.values())
    elif isinstance(raw, list) and all(isinstance(v, str | int) for v in raw):
        values = codes = tuple(str(v) for v in raw)
    elif raw is not None:
        raise check.fail(f"{where}: values must be a list or a table, not {raw!r}")
    return Filter(name=name, type=kind, param=param, plain=plain, values=values, codes=codes)


def _filters(check: _Checker, source_filters: object, params: object) -> dict[str, Filter]:
    out: dict[str, Filter] = {}
    for key in INCREMENTAL:
        if not check.get(key, bool, False):
            continue
        if key == "include_deleted":
            out[key] = Filter(
                key, "enum", f"filters[{key}]", values=_DELETED_VALUES, codes=_DELETED_VALUES
            )
        else:
            out[key] = Filter(key, "datetime_range", f"filters[{key}]")
    for plain, table in ((False, source_filters), (True, params)):
        if not isinstance(table, dict):
            raise check.fail(f"{'params' if plain else 'filters'} must be a table")
        for name, spec in table.items():
            if not _NAME.match(name):
                raise check.fail(f"{name!r} is not a keyword name (lowercase, digits, _)")
            if name in out:
                raise check.fail(f"{name!r} is named twice among filters and params")
            out[name] = _filter(check, name, spec, plain=plain)
    return out


def _columns(check: _Checker, raw: object) -> dict[str, str]:
    if not isinstance(raw, dict) or not raw:
        raise check.fail("columns must be a non-empty table of column = kind")
    tops = {name for name in raw if "." not in name}
    for name, kind in raw.items():
        if kind not in KINDS:
            raise check.fail(f"column {name!r}: kind {kind!r} is not one of {', '.join(KINDS)}")
        parent, _, child = name.partition(".")
        if "." in child or (child and not parent):
            raise check.fail(f"column {name!r}: nest one level only (parent.child)")
        if child and parent in tops:
            raise check.fail(f"column {name!r}: {parent!r} is a column too; keep one of them")
    return dict(raw)


def _sort(check: _Checker) -> Sort | None:
    raw = check.get("sort", dict, {})
    if not raw:
        return None
    style, fields = raw.get("style"), raw.get("fields")
    if style not in SORT_STYLES or set(raw) != {"style", "fields"}:
        raise check.fail(f"sort must be {{ style = {' or '.join(SORT_STYLES)}, fields = [...] }}")
    if not isinstance(fields, list) or not fields or not all(isinstance(f, str) for f in fields):
        raise check.fail("sort.fields must be a non-empty list of field names")
    return Sort(style, tuple(fields))


def _scope_fits(check: _Checker, scope: str, holes: list[str]) -> None:
    wants = {"company_path": "company_id", "project_path": "project_id"}.get(scope)
    if wants and wants not in holes:
        raise check.fail(f"scope {scope} needs {{{wants}}} in the path")
    if scope in {"none", "company_query", "project_query"} and "project_id" in holes:
        raise check.fail(f"scope {scope} but the path holds {{project_id}}: use project_path")


def _resource(source: str, name: str, table: object) -> Resource:
    if not isinstance(table, dict):
        raise ConfigurationError(f"{source}: {name!r} must be a table [{name}]")
    check = _Checker(source, name, table)
    path = check.get("path", str, "")
    if not _VERSION.match(path):
        raise check.fail(f"path {path!r} must start with /rest/vN.N/")
    scope = check.choice("scope", SCOPES)
    holes = _PLACEHOLDER.findall(path)
    _scope_fits(check, scope, holes)
    parent, parent_param = check.get("parent", str, ""), check.get("parent_param", str, "")
    others = [h for h in holes if h not in {"company_id", "project_id"}]
    if others != ([parent_param] if parent else []):
        raise check.fail(f"placeholders {others} need parent and parent_param to name them")
    paged = check.get("paged", bool, True)
    shape = {key: check.get(key, str, "") for key in ("groups", "rows", "outer")}
    joined, rows = check.get("joined", dict, {}), shape["rows"]
    if (rows and (paged or not parent)) or ((shape["outer"] or joined) and not rows):
        raise check.fail("rows (outer, joined) is for a parent's show: unpaged, with a parent")
    max_pp, default_pp = check.get("max_per_page", int, 0), check.get("default_per_page", int, 0)
    if paged and not 0 < default_pp <= max_pp:
        raise check.fail("a paged resource needs 0 < default_per_page <= max_per_page")
    if not paged and (max_pp or default_pp):
        raise check.fail("an unpaged resource takes no per_page")
    views = check.get("views", list, [])
    default_view = check.get("default_view", str, "")
    if default_view and default_view not in views:
        raise check.fail(f"default_view {default_view!r} is not among views {views}")
    filters = _filters(check, check.get("filters", dict, {}), check.get("params", dict, {}))
    columns = _columns(check, check.get("columns", dict, {}))
    if any(columns.get(c) != "text" or not isinstance(f, str) for c, f in joined.items()):
        raise check.fail('joined maps text columns to list fields: { names = "people" }')
    key = check.get("key", str, "id")
    if key not in columns:
        raise check.fail(f"key {key!r} is not a column")
    title = check.get("title", str, "")
    if not title:
        raise check.fail("title is missing")
    entry = Resource(
        name=name,
        title=title,
        path=path,
        scope=scope,
        tool=check.get("tool", str, ""),
        paged=paged,
        max_per_page=max_pp,
        default_per_page=default_pp,
        updated_at=bool(filters.get("updated_at")),
        created_at=bool(filters.get("created_at")),
        include_deleted=bool(filters.get("include_deleted")),
        key=key,
        parent=parent,
        parent_param=parent_param,
        **shape,
        joined=MappingProxyType(joined),
        sort=_sort(check),
        views=tuple(str(v) for v in views),
        default_view=default_view,
        view_param=check.get("view_param", str, "view"),
        filters=MappingProxyType(filters),
        columns=MappingProxyType(columns),
    )
    check.strays()
    return entry


def parse(text: str, *, source: str = "<text>") -> Mapping[str, Resource]:
    """Read and check a registry file's text: name -> :class:`Resource`, in file order.

    Raises
    ------
    ConfigurationError
        The text is not TOML, or an entry breaks a rule (the message names the entry, the
        key and what is allowed).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{source} is not valid TOML: {exc}") from exc
    out: dict[str, Resource] = {}
    for name, table in data.items():
        if not _NAME.match(name):
            raise ConfigurationError(f"{source}: {name!r} is not a resource name")
        out[name] = _resource(source, name, table)
    for entry in out.values():
        if entry.parent and entry.parent not in out:
            where = f"{source}: [{entry.name}]"
            raise ConfigurationError(f"{where} parent {entry.parent!r} is not a resource")
    return MappingProxyType(out)
