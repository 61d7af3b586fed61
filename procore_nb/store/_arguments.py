"""The store's arguments checked where they enter: seconds, durations and project ids.

Every value is checked before a file is opened or a request sent. Numpy integers (a number
taken from a frame) pass wherever Python ints do; floats as project ids, NaN, infinities,
booleans and text where a number belongs are refused with a :class:`ConfigurationError`
that names the argument and says what it takes.
"""

from __future__ import annotations

import math
import numbers
import re
from datetime import date, datetime, timedelta
from typing import Any

from procore_nb._exceptions import ConfigurationError

__all__ = ["day_range", "parse_age", "project_ids", "seconds", "whole_days"]

_AGE = re.compile(r"(\d+(?:\.\d+)?)\s*(d|h|m|min|s)", re.IGNORECASE)
_UNITS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "min": 60.0, "s": 1.0}
#: The longest duration a timedelta holds (about 2.7 million years), in seconds.
_LONGEST = timedelta.max.total_seconds()


def _number(value: object) -> float | None:
    """``value`` as a float when it is a real number (numpy's included), not a bool."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    return float(value)


def seconds(name: str, value: object) -> float:
    """``value`` as a finite number of seconds, zero or more, or a ConfigurationError.

    Examples
    --------
    >>> seconds("Store(wait=...)", 5)
    5.0
    """
    number = _number(value)
    if number is None or not math.isfinite(number) or number < 0 or number > _LONGEST:
        raise ConfigurationError(
            f"{name} must be a finite number of seconds, zero or more (such as 60), not {value!r}."
        )
    return number


def parse_age(
    max_age: str | float | timedelta | None, *, name: str = "max_age"
) -> timedelta | None:
    """``"1h"``, ``"30m"``, ``"1h30m"``, ``"2d"``, seconds or a timedelta; ``None`` stays None.

    Examples
    --------
    >>> parse_age("1h30m")
    datetime.timedelta(seconds=5400)
    >>> parse_age(90)
    datetime.timedelta(seconds=90)
    """
    if max_age is None:
        return None
    if isinstance(max_age, timedelta):
        if max_age < timedelta(0):
            raise ConfigurationError(f"{name} cannot be negative, not {max_age!r}.")
        return max_age
    wanted = (
        f"{name} must be a duration such as '1h', '30m', '1h30m' or '2d', a finite number "
        f"of seconds (zero or more), a timedelta, or None (never sync), not {max_age!r}."
    )
    number = _number(max_age)
    if number is not None:
        if not math.isfinite(number) or number < 0 or number > _LONGEST:
            raise ConfigurationError(wanted)
        return timedelta(seconds=number)
    if not isinstance(max_age, str):
        raise ConfigurationError(wanted)
    text = max_age.strip()
    parts = _AGE.findall(text)
    if not parts or _AGE.sub("", text).strip():
        raise ConfigurationError(wanted)
    total = sum(float(n) * _UNITS[u.lower()] for n, u in parts)
    if total > _LONGEST:
        raise ConfigurationError(wanted)
    return timedelta(seconds=total)


def whole_days(name: str, value: str | float | timedelta) -> timedelta:
    """A duration of whole days (``"90d"``, or seconds or a timedelta that make whole
    days), or a ConfigurationError naming ``name`` and what it takes.

    Examples
    --------
    >>> whole_days("Store(history=...)", "90d")
    datetime.timedelta(days=90)
    """
    if value is None:
        raise ConfigurationError(f"{name} must be a number of days such as '90d', not None.")
    days = parse_age(value, name=name)
    if days is None or days % timedelta(days=1) or days > timedelta(days=100 * 366):
        raise ConfigurationError(
            f"{name} must be whole days such as '90d' or '365d' (at most a century), not {value!r}."
        )
    return days


def _day(name: str, value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value  # a Timestamp too
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigurationError(
        f"{name} must be a date such as '2025-11-01' or a datetime.date, not {value!r}."
    )


def day_range(
    resource: str, dated: str | None, start_date: Any, end_date: Any
) -> tuple[date, date] | None:
    """``start_date`` to ``end_date`` (either may be None: open) for a resource read by days,
    None when neither is given, or a ConfigurationError.

    Examples
    --------
    >>> day_range("manpower_logs", "date", "2025-11-01", None)
    (datetime.date(2025, 11, 1), datetime.date(9999, 12, 31))
    """
    first, last = _day("start_date=", start_date), _day("end_date=", end_date)
    if first is None and last is None:
        return None
    if dated is None:
        raise ConfigurationError(
            f"start_date= and end_date= select the days of a daily log (or timecard "
            f"entries); {resource} is not read by days: select its rows in pandas instead."
        )
    days = (first or date.min, last or date.max)
    if days[0] > days[1]:
        raise ConfigurationError(
            f"start_date= ({first}) is after end_date= ({last}): swap them, or leave one out."
        )
    return days


def _project_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        return None
    return number if number > 0 else None


def project_ids(projects: Any) -> list[int]:
    """Ids from one id, a list of ids, or a DataFrame (or Series) of projects.

    Ints, numpy integers and digit strings are ids; a float (``5000000001.7``), NaN, a bool
    or anything else is refused rather than rounded.

    Examples
    --------
    >>> project_ids([12, "13"])
    [12, 13]
    """
    if hasattr(projects, "columns"):
        if "id" not in projects.columns:
            raise ConfigurationError(
                "projects= was given a DataFrame without an 'id' column: pass "
                "client.projects() (or a frame with the projects' ids in 'id')."
            )
        projects = projects["id"].tolist()
    elif hasattr(projects, "tolist"):
        projects = projects.tolist()
    single = isinstance(projects, numbers.Integral | str | float)
    try:
        values = [projects] if single else list(projects)
    except TypeError:
        values = [projects]
    ids: list[int] = []
    for value in values:
        number = _project_id(value)
        if number is None:
            raise ConfigurationError(
                f"projects= must be 'active', 'all', a project id (a positive whole number), "
                f"a list of ids or a DataFrame of projects; {value!r} is not a project id"
                + (" (ids are whole numbers: it was not rounded)." if _number(value) else ".")
            )
        ids.append(number)
    return ids
