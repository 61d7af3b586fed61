"""Keyword filters checked against the registry, then spelled the way Procore reads them.

``client.frame("rfis", projects=..., status="open", updated_at=(start, None))`` passes its
keywords here before anything is sent. Each keyword must be one of the resource's filters or
plain parameters (``procore_nb/data/resources.toml``), ``sort``, ``view`` or ``per_page``, with a
value of the filter's type; anything else raises :class:`~procore_nb.ConfigurationError`
naming the valid keywords. Raw keys (``"filters[x]"``, anything with a bracket) pass through
unchecked, for what the registry does not know.

The spelling follows the registry file's rules: a list whose parameter ends in ``[]`` is sent
as one pair per value, another list as one comma-joined value; ranges as ``START...END``
(an open end is sent as a day past now); booleans as ``true``/``false``.
"""

from __future__ import annotations

import difflib
import operator
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from procore_nb._exceptions import ConfigurationError
from procore_nb._registry import Filter, Resource
from procore_nb.api._checks import check_flag, check_moment

__all__ = ["build_query", "describe_keywords"]

#: Keywords every list call takes besides the resource's own filters.
_COMMON = ("sort", "view", "per_page")


def describe_keywords(resource: Resource) -> str:
    """``status (enum: open, closed, draft), id (int_list), ...``: what a resource accepts."""
    parts = [f"{f.name} ({f.describe()})" for f in resource.filters.values()]
    if resource.sort is not None:
        parts.append(f"sort ({', '.join(resource.sort.fields)}; '-' first for descending)")
    if resource.views:
        parts.append(f"view ({', '.join(resource.views)})")
    return ", ".join(parts) or "none"


def build_query(resource: Resource, keywords: Mapping[str, Any]) -> dict[str, Any]:
    """The query parameters for ``keywords`` on ``resource``, or ConfigurationError.

    Examples
    --------
    >>> from procore_nb._registry import registry
    >>> build_query(registry()["rfis"], {"status": "open", "id": [1, 2]})
    {'filters[status]': 'open', 'filters[id]': '1,2'}
    >>> build_query(registry()["rfis"], {"sort": "-due_date"})
    {'sort[attribute]': 'due_date', 'sort[direction]': 'desc'}
    """
    query: dict[str, Any] = {}
    for name, value in keywords.items():
        if value is None:
            continue  # like requests: a None parameter is left out
        spec = resource.filters.get(name)
        if spec is not None:
            query[spec.param] = _encode(resource, spec, value)
        elif name == "sort":
            query.update(_sort(resource, value))
        elif name in ("view", resource.view_param):
            query[resource.view_param] = _view(resource, value)
        elif name == "per_page" or "[" in name:
            query[name] = value  # raw Procore parameters pass through unchecked
        else:
            raise _unknown(resource, name)
    return query


def _unknown(resource: Resource, name: str) -> ConfigurationError:
    known = [*resource.filters, *(k for k in _COMMON if _takes(resource, k))]
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return ConfigurationError(
        f"{resource.name} has no filter {name!r}.{hint} Its filters are: "
        f"{describe_keywords(resource)}. A raw Procore parameter can be passed in params "
        "(e.g. {'filters[...]': value}). Nothing was sent."
    )


def _takes(resource: Resource, keyword: str) -> bool:
    if keyword == "sort":
        return resource.sort is not None
    if keyword == "view":
        return bool(resource.views)
    return resource.paged


def _bad(resource: Resource, spec: Filter, value: Any, wanted: str) -> ConfigurationError:
    return ConfigurationError(
        f"{resource.name}: the {spec.name} filter takes {wanted}, not {value!r}. "
        f"Its filters are: {describe_keywords(resource)}. Nothing was sent."
    )


def _encode(resource: Resource, spec: Filter, value: Any) -> Any:
    kind = spec.type
    if spec.is_list:
        items = list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
        if not items:
            raise _bad(resource, spec, value, "at least one value")
        one = Filter(
            spec.name, kind.removesuffix("_list"), spec.param, values=spec.values, codes=spec.codes
        )
        encoded = [str(_one(resource, one, item)) for item in items]
        return encoded if spec.repeats else ",".join(encoded)
    return _one(resource, spec, value)


def _one(resource: Resource, spec: Filter, value: Any) -> str:
    kind = spec.type
    if kind == "int":
        return _int(resource, spec, value)
    if kind == "str":
        if not isinstance(value, str):
            raise _bad(resource, spec, value, "text")
        return value
    if kind == "bool":
        try:
            return "true" if check_flag(spec.name, value) else "false"  # numpy's bool too
        except ConfigurationError:
            raise _bad(resource, spec, value, "True or False") from None
    if kind == "enum":
        return _enum(resource, spec, value)
    if kind == "date":
        return _day(resource, spec, value)
    if kind in ("date_range", "datetime_range"):
        return _range(resource, spec, value)
    raise AssertionError(f"unhandled filter type {kind}")  # the registry checks types


def _int(resource: Resource, spec: Filter, value: Any) -> str:
    """An integer filter's value: an int, numpy's, or digits; never a bool or a float."""
    number = None if isinstance(value, bool | str) else _index(value)
    if number is not None:
        return str(number)  # an int, or numpy's (an id taken from a frame)
    if not isinstance(value, str):
        raise _bad(resource, spec, value, "an integer id")
    text = value.strip()
    if not text.lstrip("-").isdigit():
        raise _bad(resource, spec, value, "an integer id")
    return str(int(text))


def _index(value: Any) -> int | None:
    try:
        return operator.index(value) if hasattr(value, "__index__") else None
    except TypeError:  # numpy's bool has __index__ and refuses it
        return None


def _moment(resource: Resource, spec: Filter, value: Any) -> Any:
    """``value`` (numpy's datetime64 as a datetime), or refused when it is NaT or NaN."""
    try:
        return check_moment(f"{resource.name}: the {spec.name} filter", value)
    except ConfigurationError:
        raise _bad(resource, spec, value, f"{_RANGE_WORDS}; NaT and NaN are not times") from None


def _enum(resource: Resource, spec: Filter, value: Any) -> str:
    text = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
    if text is not None:
        for accepted, code in zip(spec.values, spec.codes, strict=True):
            if text.casefold() in (accepted.casefold(), code.casefold()):
                return code
    raise _bad(resource, spec, value, "one of " + ", ".join(repr(v) for v in spec.values))


def _day(resource: Resource, spec: Filter, value: Any) -> str:
    value = _moment(resource, spec, value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise _bad(resource, spec, value, "a date (datetime.date or 'YYYY-MM-DD')")


def _instant(resource: Resource, spec: Filter, value: Any) -> str:
    """A datetime range end as Procore reads it: UTC ``YYYY-MM-DDTHH:MM:SSZ`` or a date."""
    moment: Any = _moment(resource, spec, value)
    if hasattr(moment, "to_pydatetime"):  # a pandas Timestamp
        moment = moment.to_pydatetime()
    if isinstance(moment, str):
        text = moment.strip()
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            pass
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise _bad(resource, spec, value, _RANGE_WORDS) from None
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(moment, date):
        return moment.isoformat()
    raise _bad(resource, spec, value, _RANGE_WORDS)


_RANGE_WORDS = "a (start, end) pair of dates or datetimes (end None: open-ended), or 'START...END'"


def _range(resource: Resource, spec: Filter, value: Any) -> str:
    if isinstance(value, str):
        start, sep, end = value.partition("...")
        if not sep:
            raise _bad(resource, spec, value, _RANGE_WORDS)
        value = (start, end)
    if not isinstance(value, tuple | list) or len(value) != 2 or value[0] is None:
        raise _bad(resource, spec, value, _RANGE_WORDS)
    low, high = value
    dates = spec.type == "date_range"
    if high is None:
        # Open-ended: Procore needs an end, and a day ahead of our clock misses nothing a
        # server clock a little ahead of ours has just written.
        high = date.today() + timedelta(days=1) if dates else datetime.now(UTC) + timedelta(days=1)
    first = _day(resource, spec, low) if dates else _instant(resource, spec, low)
    last = _day(resource, spec, high) if dates else _instant(resource, spec, high)
    if first > last and len(first) == len(last):
        raise _bad(resource, spec, value, "a range whose start comes before its end")
    return f"{first}...{last}"


def _sort(resource: Resource, value: Any) -> dict[str, str]:
    sort = resource.sort
    if sort is None:
        raise ConfigurationError(
            f"{resource.name} cannot be sorted by Procore (it takes no sort parameter); sort "
            "the DataFrame instead: df.sort_values(...). Nothing was sent."
        )
    if not isinstance(value, str) or value.lstrip("-") not in sort.fields:
        raise ConfigurationError(
            f"{resource.name} sorts by one of {', '.join(sort.fields)} (prefix '-' for "
            f"descending), not {value!r}. Nothing was sent."
        )
    field = value.lstrip("-")
    descending = value.startswith("-")
    if sort.style == "attribute":
        return {"sort[attribute]": field, "sort[direction]": "desc" if descending else "asc"}
    return {"sort": value}


def _view(resource: Resource, value: Any) -> str:
    if value not in resource.views:
        choices = ", ".join(resource.views) if resource.views else "none"
        raise ConfigurationError(
            f"{resource.name} has no view {value!r}; its views are: {choices}. Nothing was sent."
        )
    return str(value)
