"""What a generator is, the table of generators by resource name, and helpers they share.

A generator makes the records of one resource for one scope (a project, or a company for
company-level resources) from a :class:`~._context.ProjectContext` or
:class:`~._context.CompanyContext`. It is a pure function of the seed and the scope, so a
scope's records can be dropped from memory and made again, identical. ``make`` builds one new
record numbered ``n`` created at a given second (``POST /_sandbox/mutate`` creates records
with it; without it, a new record is a copy of an existing one).

Time
----
Days and seconds are counted from :data:`EPOCH`, a fixed origin. The data is as of the
sandbox's *today* (the real date, or the one ``--today`` / ``Sandbox(today=...)`` pins), and
a generator gets it in one way only: from its context. ``ctx.today`` is today's day number
and ``ctx.now`` (``ctx.today * DAY``) the first second of today. Every record is created and
changed before ``ctx.now``, so nothing is in the future of the sandbox clock, which starts
on today; due dates and plans may lie after it. An item is open or closed, and overdue or
not, as seen at ``ctx.now`` (:func:`closing` decides when an item closes). Never read the
real clock or a fixed date in a generator: it is a pure function of (seed, scope, today).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

Record = dict[str, Any]
T = TypeVar("T")

#: Day 0 of the day and second numbers of the generated data (a fixed origin, not "today").
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
DAY = 86_400


@dataclass(frozen=True)
class Generator:
    """How the sandbox makes the records of one resource."""

    name: str
    scope: str  # "project" or "company"
    build: Callable[[Any], list[Record]]
    make: Callable[[Any, random.Random, int, int], Record] | None = None  # (ctx, rng, n, second)


#: Every generator, by the registry's resource name.
GENERATORS: dict[str, Generator] = {}


def register(
    name: str,
    *,
    scope: str = "project",
    make: Callable[[Any, random.Random, int, int], Record] | None = None,
) -> Callable[[Callable[[Any], list[Record]]], Callable[[Any], list[Record]]]:
    """Register ``build`` as the generator of resource ``name``."""

    def decorate(build: Callable[[Any], list[Record]]) -> Callable[[Any], list[Record]]:
        if name in GENERATORS:
            raise ValueError(f"two generators for {name!r}")
        GENERATORS[name] = Generator(name, scope, build, make)
        return build

    return decorate


# --- time ------------------------------------------------------------------------------------

# Day strings of 2000-2059, made once: formatting dates is the generators' hot spot.
_DAYS = [(EPOCH.date() + dt.timedelta(days=d)).isoformat() for d in range(60 * 366)]


def day(number: int) -> str:
    """``YYYY-MM-DD`` of day ``number`` after the epoch."""
    if 0 <= number < len(_DAYS):
        return _DAYS[number]
    return (EPOCH + dt.timedelta(days=number)).strftime("%Y-%m-%d")


def stamp(second: int) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` of ``second`` after the epoch."""
    number, rest = divmod(second, DAY)
    hour, rest = divmod(rest, 3600)
    return f"{day(number)}T{hour:02d}:{rest // 60:02d}:{rest % 60:02d}Z"


def second_of(moment: float) -> int:
    """Seconds after the epoch of a unix time (the sandbox clock)."""
    return int(moment - EPOCH.timestamp())


def day_of(date: dt.date) -> int:
    """The day number of ``date``."""
    return (date - EPOCH.date()).days


def closing(
    rng: random.Random,
    created: int,
    mean_days: float,
    *,
    now: int,
    done: bool = False,
    least_days: float = 0.0,
) -> int | None:
    """When an item created at ``created`` closes, or None while it is still open at ``now``.

    Items close ``least_days`` plus an exponential time of mean ``mean_days`` after they are
    created (one in thirty is stuck and takes six times as long), so open items are the recent
    ones, and of those past a due date a little after the mean, a minority. On a finished
    project (``done``) every item is closed before ``now``.
    """
    mean = mean_days * (6.0 if rng.random() < 1 / 30 else 1.0)
    closes = created + int((least_days + rng.expovariate(1 / mean)) * DAY)
    if closes < now:
        return closes
    if done:
        return max(created, now - 1 - int(rng.random() * 3600))
    return None


def work_second(rng: random.Random, number: int) -> int:
    """A moment during working hours (13:00-23:00 UTC, the US working day) of day ``number``."""
    return number * DAY + 13 * 3600 + int(rng.random() * 10 * 3600)


# --- money and picks -------------------------------------------------------------------------


def money(cents: int) -> str:
    """Cents as Procore's decimal string: ``"1250.00"``."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def split_cents(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` cents split in proportion to ``weights``, summing exactly to ``total``."""
    scale = sum(weights) or 1.0
    shares = [int(total * w / scale) for w in weights]
    if shares:
        shares[max(range(len(shares)), key=lambda i: weights[i])] += total - sum(shares)
    return shares


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """One of ``items``, uniformly."""
    return items[int(rng.random() * len(items))]


def weighted(rng: random.Random, table: Sequence[tuple[T, float]]) -> T:
    """One value of ``(value, weight)`` pairs."""
    roll = rng.random() * sum(w for _, w in table)
    for value, weight in table:
        roll -= weight
        if roll < 0:
            return value
    return table[-1][0]


def ref(item: Record) -> Record:
    """``{id, name}`` of a record."""
    return {"id": item["id"], "name": item["name"]}


def person(user: Record) -> Record:
    """Procore's ``{id, login, name}`` user shape."""
    return {"id": user["id"], "login": user["email_address"], "name": user["name"]}


def record_id(resource: int, ordinal: int, number: int) -> int:
    """A globally unique id: resource number, the scope's ordinal, the record's number."""
    return resource * 10**12 + ordinal * 10**5 + number
