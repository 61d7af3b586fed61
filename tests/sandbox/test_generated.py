"""The generated records: deterministic, consistent across resources, and shaped like real work."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from sandboxed import TODAY

from procore_nb.sandbox import Options
from procore_nb.sandbox._data import MAIN_COMPANY_ID, World
from procore_nb.sandbox._store import Store
from procore_nb.sandbox.generators import GENERATORS

Record = dict[str, Any]
NOT_STARTED = {"Bidding", "Not Awarded", "Canceled"}


@pytest.fixture(scope="module")
def store() -> Store:
    """A store over the default world (400 projects)."""
    return Store(World(Options(seed=0, today=TODAY)), seed=0)


def _projects(store: Store) -> list[Record]:
    return store.world.companies[MAIN_COMPANY_ID].projects


def _started(store: Store, count: int = 25) -> list[Record]:
    """Projects well into construction or done, with dates and a value."""
    found = [
        p
        for p in _projects(store)
        if p["stage"] in ("Course of Construction", "Completed", "Post-Construction")
        and p["start_date"]
        and p["total_value"]
    ]
    return found[:count]


def _records(store: Store, name: str, project: Record) -> list[Record]:
    return store.bucket(name, project["id"]).records


def test_same_seed_same_records_other_seed_other_records(store: Store) -> None:
    """Records depend on the seed and the scope only, not on the order of requests."""
    project = _started(store)[3]
    again = Store(World(Options(seed=0, today=TODAY)), seed=0)
    again.bucket("submittals", _started(again)[0]["id"])  # a different request first
    other = Store(World(Options(seed=1, today=TODAY)), seed=1)
    for name in ("rfis", "work_order_contracts", "manpower_logs"):
        assert _records(store, name, project) == _records(again, name, project)
    assert _records(store, "rfis", project) != other.bucket("rfis", project["id"]).records


def test_about_100000_rfis_in_400_projects(store: Store) -> None:
    """A company of 400 projects holds around 100,000 RFIs; none before work starts."""
    total = 0
    for project in _projects(store):
        count = len(GENERATORS["rfis"].build(store.project(project["id"])))
        if project["stage"] in NOT_STARTED:
            assert count == 0, project["stage"]
        total += count
    assert 80_000 <= total <= 125_000


def test_rfis_grow_with_size_and_mix_statuses(store: Store) -> None:
    """Bigger finished projects have more RFIs; open ones are recent and some overdue."""
    done = [p for p in _started(store, 200) if p["stage"] == "Completed"]
    by_size = sorted(done, key=lambda p: float(p["total_value"]))
    small = sum(len(_records(store, "rfis", p)) for p in by_size[:10])
    large = sum(len(_records(store, "rfis", p)) for p in by_size[-10:])
    assert large > 2 * small
    statuses: Counter[str] = Counter()
    overdue = 0
    for project in _started(store, 60):
        for rfi in _records(store, "rfis", project):
            statuses[rfi["status"]] += 1
            overdue += rfi["status"] == "open" and rfi["due_date"] < TODAY.isoformat()
    assert statuses["closed"] > statuses["open"] > statuses["draft"] > 0
    assert 0 < overdue < statuses["open"]


def test_people_and_vendors_come_from_the_project(store: Store) -> None:
    """Assignees and ball-in-court are project users; contractors are project vendors."""
    for project in _started(store, 10):
        users = {u["id"] for u in _records(store, "project_users", project)}
        vendors = {v["id"] for v in _records(store, "project_vendors", project)}
        for rfi in _records(store, "rfis", project):
            assert {a["id"] for a in rfi["assignees"]} <= users
            assert {b["id"] for b in rfi["ball_in_courts"]} <= users
            if rfi["responsible_contractor"]:
                assert rfi["responsible_contractor"]["id"] in vendors
        for item in _records(store, "punch_items", project):
            assert {a["id"] for a in item["assignees"]} <= users
        for contract in _records(store, "work_order_contracts", project):
            assert contract["vendor"]["id"] in vendors


def test_timestamps_are_ordered_and_within_the_project(store: Store) -> None:
    """created_at <= updated_at, created within the project's dates, nothing from today on."""
    directory = {"project_users", "project_vendors"}  # people and firms predate the project
    names = [n for n, g in GENERATORS.items() if g.scope == "project" and n not in directory]
    for project in _started(store, 12):
        start, end = project["start_date"], min(project["completion_date"], TODAY.isoformat())
        for name in names:
            for record in _records(store, name, project):
                created = record.get("created_at")
                if created is None:
                    continue
                assert created <= record["updated_at"], (name, record["id"])
                assert start <= created[:10] <= end, (name, record["id"], created)
                assert record["updated_at"][:10] < TODAY.isoformat(), name


def test_budget_rows_sum_to_the_project_value(store: Store) -> None:
    """Detail rows' original_budget_amount strings add up to total_value to the cent."""
    for project in _started(store):
        rows = _records(store, "budget_detail_rows", project)
        total = sum(Decimal(r["original_budget_amount"]) for r in rows)
        assert total == Decimal(project["total_value"])
        codes = {c["id"] for c in _records(store, "cost_codes", project)}
        assert {r["cost_code_id"] for r in rows} <= codes


def test_commitments_and_change_orders_add_up(store: Store) -> None:
    """Each contract's change-order totals are sums of its change orders; revised adds up."""
    seen = 0
    for project in _started(store):
        orders = _records(store, "commitment_change_orders", project)
        contracts = _records(store, "work_order_contracts", project)
        contracts += _records(store, "purchase_order_contracts", project)
        assert {o["contract_id"] for o in orders} <= {c["id"] for c in contracts}
        for contract in contracts:
            mine = [o for o in orders if o["contract_id"] == contract["id"]]
            for field, status in (("approved_change_orders", "approved"),
                                  ("pending_change_orders", "pending")):  # fmt: skip
                expected = sum(Decimal(o["grand_total"]) for o in mine if o["status"] == status)
                assert Decimal(contract[field]) == expected
            grand, approved = (
                Decimal(contract["grand_total"]),
                Decimal(contract["approved_change_orders"]),
            )
            assert Decimal(contract["revised_contract"]) == grand + approved
            seen += len(mine)
        prime = _records(store, "prime_contracts", project)
        assert Decimal(prime[0]["grand_total"]) == Decimal(project["total_value"])
        approved = [
            o for o in _records(store, "prime_change_orders", project) if o["status"] == "approved"
        ]
        assert Decimal(prime[0]["approved_change_orders"]) == sum(
            Decimal(o["grand_total"]) for o in approved
        )
    assert seen > 0


def test_submittals_by_spec_section_and_logs_by_vendor(store: Store) -> None:
    """Submittals are numbered within spec sections; manpower logs are per vendor per workday."""
    for project in _started(store, 8):
        for submittal in _records(store, "submittals", project):
            section = submittal["specification_section"]["number"]
            assert submittal["formatted_number"] == f"{section}-{submittal['number']}"
        logs = _records(store, "manpower_logs", project)
        vendors = {v["id"] for v in _records(store, "project_vendors", project)}
        assert logs
        assert {log["vendor"]["id"] for log in logs} <= vendors
        per_day = Counter((log["date"], log["vendor"]["id"]) for log in logs)
        assert max(per_day.values()) == 1
        assert all(
            Decimal(log["man_hours"]) == log["num_workers"] * Decimal(log["num_hours"])
            for log in logs
        )


def test_punch_items_and_observations_have_trade_and_location(store: Store) -> None:
    """Punch items and observations name a trade of the company and one of the project's places."""
    project = _started(store)[0]
    trades = {t["id"] for t in store.bucket("trades", MAIN_COMPANY_ID).records}
    for name in ("punch_items", "observations"):
        items = _records(store, name, project)
        assert items
        for item in items:
            assert item["trade"]["id"] in trades
            assert item["location"]["node_name"]


def test_daily_logs_are_on_working_days(store: Store) -> None:
    """Manpower and notes logs fall on Monday to Friday only."""
    days = {
        dt.date.fromisoformat(log["date"]).weekday()
        for project in _started(store, 6)
        for name in ("manpower_logs", "notes_logs")
        for log in _records(store, name, project)
    }
    assert days == {0, 1, 2, 3, 4}
