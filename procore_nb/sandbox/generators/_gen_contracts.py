"""Contracts and change orders, from the project's ledger: every total is a sum of its parts.

A commitment's ``approved_change_orders`` is the sum of its approved change orders,
``revised_contract`` its ``grand_total`` plus that, and so on; the prime contract is the
project's value. Money is sent as decimal strings, as Procore sends it.
"""

from __future__ import annotations

from ._base import DAY, Record, day, money, record_id, ref, register, stamp
from ._context import ProjectContext
from ._ledger import ChangeOrder, Contract, ledger

_USD = {"currency_iso_code": "USD"}
_RESOURCE = {"work_order": 12, "purchase_order": 13}


def _second(ctx: ProjectContext, fraction: float, hour: int = 16) -> int:
    return min(ctx.day_at(fraction), ctx.end) * DAY + hour * 3600


@register("work_order_contracts")
def work_order_contracts(ctx: ProjectContext) -> list[Record]:
    """Subcontracts: one per trade with a vendor on the project."""
    return [_contract(ctx, c) for c in ledger(ctx).contracts if c.kind == "work_order"]


@register("purchase_order_contracts")
def purchase_order_contracts(ctx: ProjectContext) -> list[Record]:
    """Material purchase orders of the trades that buy their own."""
    return [_contract(ctx, c) for c in ledger(ctx).contracts if c.kind == "purchase_order"]


def contract_id(ctx: ProjectContext, contract: Contract) -> int:
    return record_id(_RESOURCE[contract.kind], ctx.ordinal, contract.number)


def _contract(ctx: ProjectContext, contract: Contract) -> Record:
    approved = contract.total("approved")
    pending = contract.total("pending")
    revised = contract.cents + approved
    executed = contract.status not in ("Draft", "Out For Bid", "Out For Signature", "Submitted")
    paid_share = 0.0
    if executed:
        low, high = contract.trade.phase
        paid_share = max(
            0.0, min(0.9 if ctx.progress < 1 else 1.0, (ctx.progress - low) / max(0.01, high - low))
        )
    paid = int(revised * paid_share)
    signed = _second(ctx, contract.fraction)
    updated = max(
        signed,
        _second(
            ctx, max((co.fraction for co in contract.change_orders), default=contract.fraction), 18
        ),
    )
    prefix = "SC" if contract.kind == "work_order" else "PO"
    kind = "Subcontract" if contract.kind == "work_order" else "Materials"
    record: Record = {
        "id": contract_id(ctx, contract),
        "number": f"{prefix}-{contract.number:03d}",
        "title": f"{contract.trade.name} {kind}",
        "status": contract.status,
        "description": f"{contract.trade.division_name} scope for {ctx.project['name']}",
        "accounting_method": "amount",
        "executed": executed,
        "private": False,
        "requisitions_are_enabled": contract.kind == "work_order",
        "vendor": {"id": contract.vendor["id"], "company": contract.vendor["name"]},
        "project": ref(ctx.project),
        "grand_total": money(contract.cents),
        "revised_contract": money(revised),
        "approved_change_orders": money(approved),
        "pending_change_orders": money(pending),
        "draft_change_orders_amount": money(contract.total("draft")),
        "pending_revised_contract": money(revised + pending),
        "remaining_balance_outstanding": money(revised - paid),
        "total_payments": money(paid),
        "total_requisitions_amount": money(paid),
        "percentage_paid": f"{100 * paid_share:.2f}",
        "retainage_percent": "10.0" if contract.kind == "work_order" else "0.0",
        "contract_date": day(signed // DAY),
        "execution_date": day(signed // DAY + 3) if executed else None,
        "issued_on_date": day(signed // DAY),
        "letter_of_intent_date": None,
        "returned_date": day(signed // DAY + 2) if executed else None,
        "signed_contract_received_date": day(signed // DAY + 3) if executed else None,
        "currency_configuration": _USD,
        "origin_id": None,
        "origin_data": None,
        "origin_code": None,
        "created_at": stamp(signed - 5 * 3600),
        "updated_at": stamp(updated),
        "deleted_at": None,
    }
    if contract.kind == "work_order":
        record |= {
            "inclusions": "Labor, material and equipment for the complete scope.",
            "exclusions": "Permits and testing by others.",
            "contract_start_date": day(ctx.day_at(contract.trade.phase[0])),
            "contract_estimated_completion_date": day(ctx.day_at(contract.trade.phase[1])),
            "actual_completion_date": day(ctx.day_at(contract.trade.phase[1]))
            if contract.status == "Complete"
            else None,
        }
    else:
        record |= {
            "assignee": {"id": ctx.team[0]["id"]},
            "bill_to_address": ctx.company.company.record["name"],
            "ship_to_address": f"{ctx.project['address']}, {ctx.project['city']}",
            "ship_via": "Ground",
            "payment_terms": "Net 30",
            "delivery_date": day(ctx.day_at(contract.trade.phase[0])),
            "billing_schedule_of_values_status": "approved" if executed else "draft",
        }
    return record


@register("commitment_change_orders")
def commitment_change_orders(ctx: ProjectContext) -> list[Record]:
    """Change orders against the project's commitments."""
    return [
        _change_order(ctx, order, 14, contract_id(ctx, contract))
        for contract in ledger(ctx).contracts
        for order in contract.change_orders
    ]


@register("prime_contracts")
def prime_contracts(ctx: ProjectContext) -> list[Record]:
    """The owner's contract: the project's value, changed by its prime change orders."""
    if ctx.progress <= 0:
        return []
    orders = ledger(ctx).prime_orders
    approved = sum(o.cents for o in orders if o.status == "approved")
    signed = ctx.start * DAY + 15 * 3600
    last = max((o.fraction for o in orders), default=0.0)
    owner, architect = ctx.team[-1], ctx.team[min(1, len(ctx.team) - 1)]
    return [
        {
            "id": record_id(15, ctx.ordinal, 1),
            "number": "PC-001",
            "title": f"{ctx.project['name']} Prime Contract",
            "description": None,
            "status": "Complete" if ctx.progress >= 1 else "Approved",
            "accounting_method": "amount",
            "executed": True,
            "private": False,
            "show_line_items_to_non_admins": False,
            "grand_total": money(ctx.value_cents),
            "approved_change_orders": money(approved),
            "retainage_percent": "5.0",
            "vendor": {"id": None, "name": "Owner"},
            "contractor": {"id": None, "name": ctx.company.company.record["name"]},
            "architect": {
                "id": architect["id"],
                "login": architect["email_address"],
                "name": architect["name"],
            },
            "created_by": {
                "id": owner["id"],
                "login": owner["email_address"],
                "name": owner["name"],
            },
            "contract_date": day(ctx.start),
            "contract_start_date": day(ctx.start),
            "contract_estimated_completion_date": day(ctx.finish),
            "actual_completion_date": day(ctx.finish) if ctx.progress >= 1 else None,
            "contract_termination_date": None,
            "execution_date": day(ctx.start),
            "issued_on_date": day(ctx.start),
            "letter_of_intent_date": None,
            "approval_letter_date": None,
            "returned_date": day(ctx.start),
            "signed_contract_received_date": day(ctx.start),
            "inclusions": None,
            "exclusions": None,
            "attachments": [],
            "currency_configuration": _USD,
            "origin_id": None,
            "origin_data": None,
            "origin_code": None,
            "created_at": stamp(signed),
            "updated_at": stamp(max(signed, _second(ctx, last, 18))),
            "deleted_at": None,
        }
    ]


@register("prime_change_orders")
def prime_change_orders(ctx: ProjectContext) -> list[Record]:
    """Change orders against the prime contract."""
    prime = record_id(15, ctx.ordinal, 1)
    return [_change_order(ctx, order, 16, prime) for order in ledger(ctx).prime_orders]


def _change_order(ctx: ProjectContext, order: ChangeOrder, resource: int, contract: int) -> Record:
    created = _second(ctx, order.fraction, 17)
    decided = order.status in ("approved", "rejected")
    reviewed = min(created + 6 * DAY, max(created, ctx.now - 4 * 3600)) if decided else None
    reviewer = ctx.team[0]
    who = ref(reviewer)
    record: Record = {
        "id": record_id(resource, ctx.ordinal, order.number),
        "number": f"{order.number:03d}",
        "title": f"Change to {order.code['name']}",
        "description": None,
        "status": order.status,
        "type": "CommitmentChangeOrder" if resource == 14 else "PrimeContractChangeOrder",
        "contract_id": contract,
        "batch_id": None,
        "legacy_package_id": None,
        "legacy_request_id": None,
        "location_id": None,
        "revision": 0,
        "grand_total": money(order.cents),
        "schedule_impact_amount": 0,
        "executed": order.status == "approved",
        "paid": False,
        "signature_required": False,
        "private": False,
        "field_change": False,
        "reference": None,
        "due_date": day(created // DAY + 14),
        "invoiced_date": None,
        "revised_substantial_completion_date": None,
        "signed_change_order_received_date": day(reviewed // DAY) if reviewed else None,
        "created_by": who,
        "designated_reviewer": who,
        "received_from": who,
        "reviewed_by": who if decided else None,
        "change_order_change_reason": {"id": 31, "change_reason": "Client Request"},
        "currency_configuration": _USD,
        "reviewed_at": stamp(reviewed) if reviewed else None,
        "created_at": stamp(created),
        "updated_at": stamp(reviewed or created),
        "custom_fields": {},
    }
    if resource == 16:
        record["paid_date"] = None
    return record
