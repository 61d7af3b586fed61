"""The sandbox's world: users, companies, stages and projects, generated from a seed.

Generation is one pass over a seeded :class:`random.Random`, so the same options (and the same
today) give the same data on every machine. Projects' dates follow their stage, counted back
from today: a bid is months old, a job under construction is part way between its start and
its completion date, a completed one finished months or years ago. Records are kept as plain
dicts in Procore's field order; each record's JSON is encoded once, on first use, because
paging serves the same records many times.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from typing import Any, cast

from procore_nb._constants import DEFAULT_STAGES, DEMO_USER

from ._geo import ABROAD, NOWHERE, STREET_KINDS, STREETS, US_METROS, Place, coordinates
from ._options import Options, today_of
from .generators._base import DAY, day, day_of, stamp

#: Id of the main company: above 2**32 on purpose, so clients must keep 64-bit ids.
MAIN_COMPANY_ID = 4_300_001_234
#: Project ids of the main company start here (also above 2**32).
MAIN_PROJECT_BASE = 5_000_000_000
OTHER_USER_ID = 2345678
SERVICE_USER_ID = 3456789

_COMPANY_NAMES = (
    "Acme Construction",
    "Summit Builders",
    "Coastal Concrete Co.",
    "Redwood Development",
    "Granite Peak Contractors",
    "Bayside Mechanical",
    "Ironline Steel Erectors",
    "Prairie Electric",
)
# Percent of projects in each default stage, and the share of them still active.
_STAGE_MIX = {
    "Bidding": (4, 0.97),
    "Pre-Construction": (12, 0.97),
    "Course of Construction": (50, 0.98),
    "Post-Construction": (8, 0.9),
    "Warranty": (5, 0.75),
    "Completed": (14, 0.2),
    "Not Awarded": (4, 0.1),
    "Canceled": (3, 0.0),
}
_STAGE_CATEGORY = {
    "Bidding": "Bidding",
    "Pre-Construction": "Pre-Construction",
    "Course of Construction": "Course of Construction",
    "Post-Construction": "Post-Construction",
    "Warranty": "Post-Construction",
    "Completed": "Post-Construction",
    "Not Awarded": "Bidding",
    "Canceled": "Bidding",
}
_PLACES = (
    "Riverside", "Oak Hill", "Harbor Point", "Cedar Ridge", "Summit", "Lakeview", "Union Station",
    "Mission", "Westgate", "Pinecrest", "Bayfront", "Northgate", "Canyon View", "Heritage",
    "Midtown", "Eastside", "Meridian", "Granite", "Willow Creek", "Parkside", "Sunset", "Liberty",
    "Highland", "Stonebridge", "Fairview", "Silver Lake", "Brookside", "Crescent", "Founders",
)  # fmt: skip
_KINDS = (
    "Medical Office Building", "Elementary School", "High School Modernization", "Apartments",
    "Mixed-Use Tower", "Distribution Center", "Parking Structure", "Hotel", "Data Center",
    "Fire Station", "Public Library", "Corporate Campus", "Retail Center", "Senior Living",
    "Hospital Expansion", "Research Laboratory", "Community Center", "Warehouse",
    "Transit Center", "Water Treatment Plant", "Bridge Replacement", "Stadium Renovation",
    "Office Tenant Improvement", "Townhomes", "Student Housing", "Cold Storage Facility",
)  # fmt: skip
_SUFFIXES = ("", "", "", "", " Phase 2", " Phase 3", " Renovation", " Expansion", " - Building B")
_TEMPLATES = ({"id": 90001, "name": "Commercial Template"}, {"id": 90002, "name": "K-12 Template"})


@dataclass
class User:
    """A resource owner: a person who signs in, or a company's service account."""

    id: int
    login: str
    name: str
    password: str | None  # None: a service account, which never signs in on the form
    companies: tuple[int, ...]  # ids of the companies this owner may see
    admin: bool  # company admins see every project of their companies
    projects: frozenset[int] = frozenset()  # projects a non-admin belongs to

    def me(self) -> dict[str, Any]:
        """The ``/me`` body."""
        return {"id": self.id, "login": self.login, "name": self.name}


@dataclass
class Company:
    """A company with its stages and projects (records in id order)."""

    record: dict[str, Any]
    stages: list[dict[str, Any]]
    projects: list[dict[str, Any]] = field(default_factory=list)

    @property
    def id(self) -> int:
        return int(self.record["id"])


class World:
    """All generated data, plus lookups the REST layer needs."""

    def __init__(self, options: Options, *, today: dt.date | None = None) -> None:
        rng = random.Random(options.seed)
        #: Day number (see ``generators/_base.py``) of the day the data is as of.
        self.today = day_of(today or today_of(options))
        self.companies: dict[int, Company] = {}
        for k in range(options.companies):
            company_id = MAIN_COMPANY_ID if k == 0 else 8000 + 111 * k
            name = _COMPANY_NAMES[k % len(_COMPANY_NAMES)]
            if k >= len(_COMPANY_NAMES):
                name = f"{name} {k // len(_COMPANY_NAMES) + 1}"
            stages = [
                _stage(10_000 * (k + 1) + j + 1, stage) for j, stage in enumerate(DEFAULT_STAGES)
            ]
            company = Company(_company_record(company_id, name, main=k == 0), stages)
            count = options.projects if k == 0 else rng.randint(6, 24)
            base = MAIN_PROJECT_BASE if k == 0 else 300_000 + 10_000 * k
            company.projects = _projects(rng, company, count=count, base=base, today=self.today)
            self.companies[company_id] = company
        self.project_index: dict[int, tuple[int, int]] = {
            record["id"]: (company_id, position)
            for company_id, company in self.companies.items()
            for position, record in enumerate(company.projects)
        }
        main = self.companies[MAIN_COMPANY_ID]
        visible = tuple(self.companies)[:-1]  # the last company stays hidden from the users
        members = frozenset(p["id"] for p in main.projects if rng.random() < 0.25)
        demo_id, demo_name = cast(int, DEMO_USER["id"]), cast(str, DEMO_USER["name"])
        self.users: dict[int, User] = {
            demo_id: User(demo_id, options.login, demo_name, options.password, visible, True),
            OTHER_USER_ID: User(
                OTHER_USER_ID,
                options.other_login,
                "Pat Foreman",
                options.other_password,
                (MAIN_COMPANY_ID,),
                False,
                members,
            ),
            SERVICE_USER_ID: User(
                SERVICE_USER_ID,
                "sandbox-service@acme.com",
                "Sandbox Service Account",
                None,
                (MAIN_COMPANY_ID,),
                True,
            ),
        }
        self._encoded: dict[int, bytes] = {}

    def user_by_login(self, login: str) -> User | None:
        """The person signing in with ``login`` (case-insensitive), if any."""
        wanted = login.strip().lower()
        for user in self.users.values():
            if user.password is not None and user.login.lower() == wanted:
                return user
        return None

    def project(self, project_id: int) -> tuple[Company, dict[str, Any]] | None:
        """The project with this id and its company."""
        found = self.project_index.get(project_id)
        if found is None:
            return None
        company = self.companies[found[0]]
        return company, company.projects[found[1]]

    def encoded(self, record: dict[str, Any]) -> bytes:
        """The JSON of a full project record, encoded once."""
        key = record["id"]
        data = self._encoded.get(key)
        if data is None:
            data = json.dumps(record, separators=(",", ":")).encode()
            self._encoded[key] = data
        return data


def _stage(stage_id: int, name: str) -> dict[str, Any]:
    """A project stage with the fields of Procore's reference."""
    return {
        "id": stage_id,
        "name": name,
        "category": _STAGE_CATEGORY[name],
        "is_bidding_stage": name == "Bidding",
        "is_concept_stage": False,
        "readonly": False,
        "default_stage": name == "Course of Construction",
        "hideable": name not in ("Bidding", "Course of Construction"),
        "has_rfi_prefixes": False,
        "project_stage_has_children": False,
    }


def _company_record(company_id: int, name: str, *, main: bool) -> dict[str, Any]:
    return {
        "id": company_id,
        "name": name,
        "is_active": True,
        "logo_url": None,
        "pcn_business_experience": None,
        "my_company": main,
    }


def _plan(r: Any, stage: str, today: int) -> tuple[int, int, int]:
    """Created, start and completion days of a project in ``stage`` as of day ``today``."""
    length = 180 + int(r() * 720)
    if stage == "Bidding":
        created = today - 1 - int(r() ** 1.5 * 330)
        return created, today + 20 + int(r() * 200), today + 20 + length
    if stage in ("Not Awarded", "Canceled"):
        created = today - 30 - int(r() * (700 if stage == "Not Awarded" else 1500))
        start = created + 30 + int(r() * 120)
        return created, start, start + length
    if stage == "Pre-Construction":
        start = today - 3 - int(r() * 0.07 * length)
    elif stage == "Course of Construction":
        # Part way through, and one job in twelve running past its completion date.
        done = 1.0 + 0.15 * r() if r() < 1 / 12 else 0.12 + 0.83 * r()
        start = today - int(done * length)
    else:
        ended = {"Post-Construction": (0, 90), "Warranty": (60, 300)}.get(stage, (120, 2600))
        start = today - ended[0] - int(r() * ended[1]) - length
    return start - int(r() * 120), start, start + length


def _projects(
    rng: random.Random, company: Company, *, count: int, base: int, today: int
) -> list[dict[str, Any]]:
    # rng.random() arithmetic instead of randint/choice: same determinism, several times faster,
    # which is what keeps 100,000 projects within a few seconds.
    r = rng.random
    stage_by_name = {stage["name"]: stage for stage in company.stages}
    stage_refs = {s["name"]: {"id": s["id"], "name": s["name"]} for s in company.stages}
    # A company spans ~40-50 metros at a few hundred projects, fewer when it is small.
    metros = rng.sample(US_METROS, k=min(len(US_METROS), 12 + count // 8))
    stages = rng.choices(list(_STAGE_MIX), weights=[w for w, _ in _STAGE_MIX.values()], k=count)
    places = rng.choices(metros, weights=[m.weight for m in metros], k=count)
    company_ref = {"id": company.id, "name": company.record["name"]}
    latest = today * DAY - 1  # the data is as of the start of today
    records: list[dict[str, Any]] = []
    project_id = base
    for i in range(count):
        project_id += 1 + int(r() * 9)
        place: Place = places[i] if r() >= 0.03 else ABROAD[int(r() * len(ABROAD))]
        stage = stage_by_name[stages[i]]
        created_day, start_day, finish_day = _plan(r, stage["name"], today)
        created = created_day * DAY + int(r() * DAY)
        updated = created + min(int(rng.expovariate(1 / 20_000_000)), latest - created)
        year = day(created_day)[:4]
        name = f"{_pick(r, _PLACES)} {_pick(r, _KINDS)}{_pick(r, _SUFFIXES)}"
        if i == 0:
            name = "Sandbox Test Project"
        number = f"{year}-{i + 1:04d}" if r() < 0.9 else None
        has_dates = r() < 0.9
        total = round(rng.lognormvariate(15.5, 1.1), 2) if r() < 0.85 else None
        estimate = round(total * (0.85 + 0.3 * r()), 2) if total and r() < 0.6 else None
        located = r() >= 0.05
        us = place.country_code == "US"
        origin = f"ERP-{10_000 + int(r() * 90_000)}" if r() < 0.2 else None
        records.append(
            {
                "id": project_id,
                "name": name,
                "display_name": f"{number} - {name}" if number else name,
                "project_number": number,
                "address": f"{100 + int(r() * 9900)} {_pick(r, STREETS)} {_pick(r, STREET_KINDS)}",
                "city": place.city,
                "state_code": place.state_code,
                "country_code": place.country_code,
                "zip": place.zip3 + (f"{int(r() * 100):02d}" if us else ""),
                "county": place.county,
                "time_zone": place.time_zone,
                **(coordinates(place, rng) if located else NOWHERE),
                "stage": stage["name"],
                "project_stage": stage_refs[stage["name"]],
                "phone": f"({201 + int(r() * 789)}) 555-{int(r() * 10_000):04d}"
                if r() < 0.7
                else "",
                "created_at": stamp(created),
                "updated_at": stamp(updated),
                "active": r() < _STAGE_MIX[stage["name"]][1],
                "origin_id": origin,
                "origin_data": None,
                "origin_code": origin,
                "owners_project_id": None,
                # Procore sends money as decimal strings.
                "total_value": f"{total:.2f}" if total is not None else None,
                "estimated_value": f"{estimate:.2f}" if estimate is not None else None,
                "start_date": day(start_day) if has_dates else None,
                "completion_date": day(finish_day) if has_dates else None,
                "store_number": None,
                "accounting_project_number": number,
                "designated_market_area": place.city if us else None,
                "project_region_id": None,
                "project_bid_type_id": None,
                "project_owner_type_id": None,
                "photo_id": None,
                "parent_job_id": None,
                "is_demo": i == 0,
                "fax": None,
                "project_template": _pick(r, _TEMPLATES) if r() < 0.3 else None,
                "company": company_ref,
                "custom_fields": (
                    {
                        "custom_field_5001": {
                            "data_type": "string",
                            "value": _pick(r, ("Union", "Open Shop")),
                        }
                    }
                    if r() < 0.3
                    else {}
                ),
            }
        )
    return records


def _pick(r: Any, items: tuple[Any, ...]) -> Any:
    return items[int(r() * len(items))]


#: Fields of a v1.0 list item, in Procore's order.
PROJECT_FIELDS = (
    "id", "name", "display_name", "project_number", "address", "city", "state_code",
    "country_code", "zip", "county", "time_zone", "latitude", "longitude", "stage",
    "project_stage", "phone", "created_at", "updated_at", "active", "origin_id", "origin_data",
    "origin_code", "owners_project_id", "total_value", "estimated_value", "start_date",
    "completion_date", "store_number", "accounting_project_number", "designated_market_area",
    "project_region_id", "project_bid_type_id", "project_owner_type_id", "photo_id",
    "parent_job_id", "is_demo", "fax", "project_template", "company", "custom_fields",
)  # fmt: skip
COMPACT_FIELDS = ("id", "name", "display_name")
