"""The people, vendors, places and codes a company and each of its projects share.

Every generator of a project draws from the same :class:`ProjectContext`, so an RFI's
assignee is one of the project's users, a commitment's vendor is one of its vendors, and a
budget row's cost code is one of its cost codes. Contexts are pure functions of the seed, the
scope and the sandbox's today (``ctx.today``, see :mod:`._base`), made on first use and cached.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass, field
from typing import Any

from ._base import DAY, EPOCH, Record, pick, record_id, ref, stamp
from ._facts import (
    AREAS,
    BUILDINGS,
    FIRST_NAMES,
    JOB_TITLES,
    LAST_NAMES,
    LEVELS,
    PERMISSION_TEMPLATES,
    TRADES,
    VENDOR_SUFFIXES,
    VENDOR_WORDS,
    Trade,
)

#: Stages before work starts on site: no RFIs, submittals or field records at all.
NOT_STARTED = frozenset({"Bidding", "Not Awarded", "Canceled"})
#: Stages of a project that is over: its items are closed.
FINISHED = frozenset({"Warranty", "Completed", "Canceled"})
#: Typical value of a project when Procore has none, in dollars.
DEFAULT_VALUE = 5_000_000.0


@dataclass
class CompanyContext:
    """A company's directory: its trades, vendors and users, and the world's special users."""

    company: Any  # procore_nb.sandbox._data.Company
    ordinal: int
    seed: int
    today: int  # day number of the sandbox's today: records are made before it
    trades: list[Record] = field(default_factory=list)
    vendors: list[Record] = field(default_factory=list)
    users: list[Record] = field(default_factory=list)
    by_trade: dict[str, list[Record]] = field(default_factory=dict)
    contacts: dict[int, Record] = field(default_factory=dict)  # vendor id -> its contact user
    employees: list[Record] = field(default_factory=list)

    @property
    def now(self) -> int:
        """The first second of today: every record is created and changed before it."""
        return self.today * DAY


@dataclass
class ProjectContext:
    """One project: its dates, progress, size, team, vendors, locations and codes."""

    project: Record
    company: CompanyContext
    ordinal: int
    seed: int
    start: int  # first day of work
    finish: int  # planned last day
    end: int  # last day with records: finish, or yesterday if earlier
    progress: float  # 0 before work starts, 1 when done
    value_cents: int  # the project's budget, in cents
    team: list[Record] = field(default_factory=list)  # the builder's people on it
    vendors: list[Record] = field(default_factory=list)  # vendors with a trade on it
    users: list[Record] = field(default_factory=list)  # team + the vendors' contacts
    locations: list[Record] = field(default_factory=list)  # leaf locations
    cost_codes: list[Record] = field(default_factory=list)
    sections: list[Record] = field(default_factory=list)  # spec sections
    trades: list[Trade] = field(default_factory=list)
    memo: dict[str, Any] = field(default_factory=dict)  # what several generators share

    @property
    def id(self) -> int:
        return int(self.project["id"])

    @property
    def today(self) -> int:
        """Day number of the sandbox's today (see :mod:`._base`)."""
        return int(self.company.today)

    @property
    def now(self) -> int:
        """The first second of today: every record is created and changed before it."""
        return int(self.company.now)

    @property
    def finished(self) -> bool:
        """Whether the project is over (Warranty, Completed, Canceled): nothing left open."""
        return self.project["stage"] in FINISHED

    @property
    def size(self) -> float:
        """The project's value relative to a typical one (1.0)."""
        return self.value_cents / 100 / DEFAULT_VALUE

    def rng(self, name: str) -> random.Random:
        """A random stream for resource ``name`` of this project (same seed, same stream)."""
        return random.Random(f"{self.seed}/{name}/{self.id}")

    def day_at(self, fraction: float) -> int:
        """The day ``fraction`` of the way from start to finish."""
        return self.start + int(fraction * (self.finish - self.start))

    def contact(self, vendor: Record) -> Record:
        """The vendor's contact user."""
        return self.company.contacts[vendor["id"]]

    def vendor_for(self, trade: Trade) -> Record | None:
        """The project's vendor of ``trade``, if it has one."""
        for vendor in self.vendors:
            if vendor["trades"][0]["name"] == trade.name:
                return vendor
        return None

    def codes_of(self, trade: Trade) -> list[Record]:
        """The cost codes of ``trade``'s division."""
        key = f"codes/{trade.division}"
        found = self.memo.get(key)
        if found is None:
            prefix = trade.division + "-"
            found = self.memo[key] = [c for c in self.cost_codes if c["code"].startswith(prefix)]
        return list(found)


def company_context(
    company: Any, ordinal: int, seed: int, people: dict[int, Any], today: int
) -> CompanyContext:
    """The directory of ``company`` as of day ``today``; ``people`` are the sign-in users by id."""
    rng = random.Random(f"{seed}/directory/{company.id}")
    ctx = CompanyContext(company, ordinal, seed, today)
    count = len(company.projects)
    made = stamp((today - _HISTORY + int(rng.random() * 200)) * DAY)
    for t, trade in enumerate(TRADES):
        ctx.trades.append(
            {
                "id": record_id(21, ordinal, t + 1),
                "name": trade.name,
                "active": True,
                "updated_at": made,
            }
        )
    vendor_count = min(4000, len(TRADES) * 2 + count // 2)
    for n in range(vendor_count):
        trade = TRADES[n % len(TRADES)]
        ctx.vendors.append(_vendor(rng, ctx, n, trade, ctx.trades[n % len(TRADES)]))
        ctx.by_trade.setdefault(trade.name, []).append(ctx.vendors[-1])
    employee_count = min(3000, 20 + count // 6)
    number = 0
    for user in people.values():
        if company.id in user.companies and user.password is not None:
            number += 1
            ctx.employees.append(_user(rng, ctx, number, None, user.id, user.name, user.login))
    for _ in range(employee_count):
        number += 1
        ctx.employees.append(_user(rng, ctx, number, None))
    ctx.users = list(ctx.employees)
    for vendor in ctx.vendors:
        number += 1
        contact = _user(rng, ctx, number, vendor)
        ctx.contacts[vendor["id"]] = contact
        ctx.users.append(contact)
    return ctx


def _vendor(
    rng: random.Random, ctx: CompanyContext, n: int, trade: Trade, trade_record: Record
) -> Record:
    name = f"{pick(rng, VENDOR_WORDS)} {trade.name} {pick(rng, VENDOR_SUFFIXES)}"
    created = (ctx.today - _HISTORY + int(rng.random() * _HISTORY * 0.6)) * DAY
    created += int(rng.random() * DAY)
    updated = min(created + int(rng.expovariate(1 / (300 * DAY))), ctx.now - 1)
    place = ctx.company.projects[n % len(ctx.company.projects)]
    return {
        "id": record_id(22, ctx.ordinal, n + 1),
        "name": name,
        "abbreviated_name": "".join(word[0] for word in name.split()[:3]).upper(),
        "legal_name": name,
        "company": name,
        "trade_name": trade.name,
        "address": place["address"],
        "city": place["city"],
        "state_code": place["state_code"],
        "country_code": place["country_code"],
        "zip": place["zip"],
        "business_phone": f"({201 + int(rng.random() * 789)}) 555-{int(rng.random() * 10_000):04d}",
        "mobile_phone": None,
        "fax_number": None,
        "email_address": f"office@{name.split(maxsplit=1)[0].lower()}{n}.example.com",
        "website": None,
        "business_id": None,
        "license_number": f"LIC-{100_000 + int(rng.random() * 900_000)}",
        "labor_union": "Local 12" if rng.random() < 0.3 else None,
        "logo": None,
        "notes": None,
        "origin_id": None,
        "origin_data": None,
        "origin_code": None,
        "is_active": rng.random() < 0.93,
        "is_connected": False,
        "authorized_bidder": True,
        "prequalified": rng.random() < 0.6,
        "union_member": rng.random() < 0.3,
        "non_union_prevailing_wage": False,
        "synced_to_erp": False,
        "company_vendor": True,
        "contact_count": 1,
        "children_count": 0,
        "created_at": stamp(created),
        "updated_at": stamp(updated),
        "project_ids": [],
        "parent": None,
        "vendor_group": None,
        "primary_contact": None,
        "trades": [trade_record],
    }


def _user(  # noqa: PLR0917 - an internal builder fed the record's parts in order
    rng: random.Random,
    ctx: CompanyContext,
    number: int,
    vendor: Record | None,
    user_id: int | None = None,
    full_name: str | None = None,
    login: str | None = None,
) -> Record:
    first, last = pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES)
    if full_name:
        first, _, last = full_name.partition(" ")
    domain = (
        "acme.example.com" if vendor is None else f"{vendor['name'].split()[0].lower()}.example.com"
    )
    email = login or f"{first[0].lower()}{last.lower()}{number}@{domain}"
    title = pick(rng, JOB_TITLES[:10]) if vendor is None else "Foreman"
    template = PERMISSION_TEMPLATES[3] if vendor else pick(rng, PERMISSION_TEMPLATES[:3])
    created = (ctx.today - _HISTORY + int(rng.random() * _HISTORY * 0.7)) * DAY
    created += int(rng.random() * DAY)
    updated = min(created + int(rng.expovariate(1 / (200 * DAY))), ctx.now - 1)
    return {
        "id": user_id or record_id(23, ctx.ordinal, number),
        "name": f"{first} {last}",
        "first_name": first,
        "last_name": last,
        "initials": f"{first[0]}{last[0]}",
        "email_address": email,
        "job_title": title,
        "employee_id": f"E{number:05d}" if vendor is None else None,
        "business_phone": f"({201 + int(rng.random() * 789)}) 555-{int(rng.random() * 10_000):04d}",
        "mobile_phone": None,
        "is_active": True,
        "is_employee": vendor is None,
        "created_at": stamp(created),
        "updated_at": stamp(updated),
        "last_login_at": stamp(min(updated + int(rng.random() * 90 * DAY), ctx.now - 1)),
        "vendor": ref(vendor) if vendor else {"id": None, "name": ctx.company.record["name"]},
        "permission_template": {
            "id": template[1],
            "name": template[0],
            "project_specific": False,
            "type": "project",
        },
        "origin_id": None,
    }


def project_context(
    project: Record,
    company: CompanyContext,
    ordinal: int,
    seed: int,
    members: dict[int, frozenset[int]],
) -> ProjectContext:
    """The context of ``project`` in ``company`` (whose ``today`` it shares).

    ``members`` maps sign-in users to the projects they are on.
    """
    rng = random.Random(f"{seed}/project/{project['id']}")
    today = company.today
    created_day = int(day_number(project["created_at"]))
    stage = project["stage"]
    start = day_number(project["start_date"]) if project["start_date"] else created_day + 30
    start = min(start, today - 1)  # the project's set-up (team, codes, budget) is in the past
    finish = day_number(project["completion_date"]) if project["completion_date"] else start + 600
    elapsed = max(0.0, min(1.0, (today - start) / max(1, finish - start)))
    if stage in NOT_STARTED:
        progress = 0.0
    elif stage == "Pre-Construction":
        progress = min(elapsed, 0.08) or 0.03
    elif stage == "Course of Construction":
        progress = min(max(elapsed, 0.12), 0.95)
    else:
        progress = 1.0
    end = max(start, min(today - 1, start + int(progress * (finish - start))))
    value = project["total_value"]
    value_cents = round((float(value) if value is not None else DEFAULT_VALUE) * 100)
    ctx = ProjectContext(project, company, ordinal, seed, start, finish, end, progress, value_cents)
    _team(ctx, rng, members)
    _places(ctx, rng)
    return ctx


def _team(ctx: ProjectContext, rng: random.Random, members: dict[int, frozenset[int]]) -> None:
    company = ctx.company
    size = ctx.size
    ctx.trades = [
        t for t in TRADES if t.budget_weight >= 0.03 or rng.random() < min(1.0, 0.4 + size / 4)
    ]
    on_project = {uid for uid, projects in members.items() if ctx.id in projects}
    special = [u for u in company.employees if u["id"] in on_project]
    others = [u for u in company.employees if u["id"] not in members]
    count = min(len(others), 4 + int(min(size, 6) * 2 + rng.random() * 4))
    ctx.team = special + rng.sample(others, count)
    for trade in ctx.trades:
        candidates = company.by_trade[trade.name]
        ctx.vendors.append(candidates[int(rng.random() * len(candidates))])
    ctx.users = ctx.team + [company.contacts[v["id"]] for v in ctx.vendors]


def _places(ctx: ProjectContext, rng: random.Random) -> None:
    made = stamp(ctx.start * DAY + 15 * 3600)
    buildings = (*BUILDINGS[: 1 + (ctx.size > 2) + (ctx.size > 6)], "Site")
    levels = LEVELS[1 : 3 + min(3, int(ctx.size))]
    n = 0

    def location(name: str, path: str, parent: int | None) -> Record:
        nonlocal n
        n += 1
        return {
            "id": record_id(24, ctx.ordinal, n),
            "name": name,
            "node_name": path,
            "parent_id": parent,
            "created_at": made,
            "updated_at": made,
        }

    for building in dict.fromkeys(buildings):
        top = location(building, building, None)
        if building == "Site":
            ctx.locations.append(top)
            continue
        for level in levels:
            floor = location(level, f"{building} > {level}", top["id"])
            ctx.locations.append(floor)
            if rng.random() < 0.5:
                area = pick(rng, AREAS)
                ctx.locations.append(location(area, f"{floor['node_name']} > {area}", floor["id"]))
    division_ids: dict[str, int] = {}
    for trade in ctx.trades:
        for number, name in trade.sections:
            n += 1
            code = f"{trade.division}-{number[3:5]}{number[6]}"
            parent = division_ids.setdefault(
                trade.division, record_id(25, ctx.ordinal, 90_000 + int(trade.division))
            )
            ctx.cost_codes.append(
                {
                    "id": record_id(25, ctx.ordinal, n),
                    "code": code,
                    "name": name,
                    "full_code": code,
                    "parent_id": parent,
                    "trade": trade,
                }
            )
            ctx.sections.append(
                {
                    "id": record_id(26, ctx.ordinal, n),
                    "number": number,
                    "description": name,
                    "label": f"{number} - {name}",
                    "current_revision_id": record_id(27, ctx.ordinal, n),
                    "trade": trade,
                }
            )


#: Days of history before today: the oldest vendors and users of a company.
_HISTORY = 3650


@functools.lru_cache(maxsize=4096)
def day_number(text: str) -> int:
    """Days from the epoch to ``text`` (``YYYY-MM-DD...``)."""
    year, month, number = (int(part) for part in text[:10].split("-"))
    return (dt.date(year, month, number) - EPOCH.date()).days
