"""Packages: change order packages and potential change orders, and submittal packages.

The sandbox's projects use one change-order tier (Procore's default): each commitment or prime
change order of the ledger is one package holding one potential change order with its lines,
with the same status, amount and dates as the change order. Submittal packages group the
submittals of each specification section.
"""

from __future__ import annotations

from ._base import DAY, Record, day, money, record_id, register, stamp
from ._context import ProjectContext
from ._gen_contracts import contract_id
from ._gen_documents import submittals
from ._ledger import ChangeOrder, ledger

_PACKAGE, _PCO, _SUBMITTAL_PACKAGE = 59, 60, 61
_USD = {"currency_iso_code": "USD"}


def _orders(ctx: ProjectContext) -> list[tuple[int, ChangeOrder, str]]:
    """Every change order of the project with its contract id and the contract's title."""
    books = ledger(ctx)
    found = [
        (contract_id(ctx, c), order, f"{c.trade.name} Subcontract")
        for c in books.contracts
        for order in c.change_orders
    ]
    prime = record_id(15, ctx.ordinal, 1)
    found += [(prime, order, "Prime Contract") for order in books.prime_orders]
    return found


def _moments(ctx: ProjectContext, order: ChangeOrder) -> tuple[int, int | None]:
    created = min(ctx.day_at(order.fraction), ctx.end) * DAY + 17 * 3600
    decided = order.status in ("approved", "rejected")
    reviewed = min(created + 6 * DAY, max(created, ctx.now - 4 * 3600)) if decided else None
    return created, reviewed


@register("change_order_packages")
def change_order_packages(ctx: ProjectContext) -> list[Record]:
    """One package per change order (the one-tier setup)."""
    reviewer = ctx.team[0]
    out = []
    for n, (contract, order, _title) in enumerate(_orders(ctx), start=1):
        created, reviewed = _moments(ctx, order)
        out.append(
            {
                "id": record_id(_PACKAGE, ctx.ordinal, n),
                "contract_id": contract,
                "created_by_id": reviewer["id"],
                "revision": 0,
                "number": f"{order.number:03d}",
                "title": f"Change to {order.code['name']}",
                "origin_id": None,
                "origin_data": None,
                "origin_code": None,
                "status": order.status,
                "executed": order.status == "approved",
                "grand_total": money(order.cents),
                "due_date": day(created // DAY + 14),
                "invoiced_date": None,
                "paid_date": None,
                "signed_change_order_received_date": day(reviewed // DAY) if reviewed else None,
                "created_at": stamp(created),
                "updated_at": stamp(reviewed or created),
                "reviewed_at": stamp(reviewed) if reviewed else None,
                "deleted_at": None,
                "designated_reviewer": {
                    "id": reviewer["id"],
                    "login": reviewer["email_address"],
                    "name": reviewer["name"],
                },
                "currency_configuration": _USD,
                "custom_fields": {},
            }
        )
    return out


@register("potential_change_orders")
def potential_change_orders(ctx: ProjectContext) -> list[Record]:
    """One potential change order per package, holding the change order's amount."""
    reviewer = ctx.team[0]
    out = []
    for n, (contract, order, _title) in enumerate(_orders(ctx), start=1):
        created, reviewed = _moments(ctx, order)
        title = f"Change to {order.code['name']}"
        out.append(
            {
                "id": record_id(_PCO, ctx.ordinal, n),
                "contract_id": contract,
                "created_by_id": reviewer["id"],
                "revision": 0,
                "change_order_request_id": None,
                "schedule_impact_amount": 0,
                "change_order_tiers": 1,
                "number": f"{order.number:03d}",
                "title": title,
                "change_reason": "Client Request",
                "change_order_request_title": None,
                "change_order_package_title": title,
                "potential_change_order_acronym_number": f"PCO #{order.number:03d}",
                "change_order_request_acronym_number": "",
                "change_order_package_acronym_number": "",
                "status": order.status,
                "executed": order.status == "approved",
                "grand_total": money(order.cents),
                "due_date": day(created // DAY + 14),
                "invoiced_date": None,
                "paid_date": None,
                "created_at": stamp(created),
                "updated_at": stamp(reviewed or created),
                "reviewed_at": stamp(reviewed) if reviewed else None,
                "deleted_at": None,
                "currency_configuration": _USD,
                "custom_fields": {},
            }
        )
    return out


@register("submittal_packages")
def submittal_packages(ctx: ProjectContext) -> list[Record]:
    """One package per specification section that has submittals."""
    by_section: dict[int, list[Record]] = {}
    for item in submittals(ctx):
        by_section.setdefault(item["specification_section"]["id"], []).append(item)
    manager = ctx.team[min(1, len(ctx.team) - 1)]
    out: list[Record] = []
    for section in ctx.sections:
        items = by_section.get(section["id"])
        if not items:
            continue
        out.append(
            {
                "id": record_id(_SUBMITTAL_PACKAGE, ctx.ordinal, len(out) + 1),
                "number": f"{len(out) + 1:03d}",
                "title": f"{section['number']} {section['description']}",
                "description": f"Submittals for {section['description'].lower()}",
                "submittal_ids": [s["id"] for s in items],
                "attachments_count": 0,
                "attachments": [],
                "created_by": {
                    "id": manager["id"],
                    "login": manager["email_address"],
                    "name": manager["name"],
                },
            }
        )
    return out
