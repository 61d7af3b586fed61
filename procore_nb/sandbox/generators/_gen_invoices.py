"""Invoices: each subcontract's monthly requisitions and the owner's payment applications.

Billing periods are 30 days from the start of work. A subcontractor bills every period its trade
is on site, up to its contract's revised value by the end of its phase (10% retained); the
builder bills the owner the project's progress each period. The latest invoices are still in
review; amounts are cents summed exactly, sent as decimal strings.
"""

from __future__ import annotations

from ._base import DAY, Record, day, money, record_id, register, stamp
from ._context import ProjectContext
from ._gen_contracts import contract_id
from ._ledger import Contract, ledger

_REQUISITION, _PAYMENT_APP, _PERIOD = 48, 49, 64
PERIOD_DAYS = 30
_USD = {"currency_iso_code": "USD"}


def periods(ctx: ProjectContext) -> list[tuple[int, int, int]]:
    """``(number, first day, last day)`` of the billing periods that have begun by today."""
    if ctx.progress <= 0:
        return []
    out = []
    number, first = 1, ctx.start
    while first <= ctx.end:
        out.append((number, first, first + PERIOD_DAYS - 1))
        number, first = number + 1, first + PERIOD_DAYS
    return out


def _done(ctx: ProjectContext, low: float, high: float, last_day: int) -> float:
    """The share of a phase ``low..high`` done by ``last_day``."""
    fraction = (min(last_day, ctx.end) - ctx.start) / max(1, ctx.finish - ctx.start)
    return max(0.0, min(1.0, (fraction - low) / max(0.01, high - low)))


def _status(ctx: ProjectContext, last_day: int, final: bool) -> str:
    if last_day >= ctx.today:
        return "draft"
    if last_day >= ctx.today - PERIOD_DAYS:
        return "under_review" if not final else "pending_owner_approval"
    return "approved"


def _summary(revised: int, original: int, done: int, previous: int, label: str) -> Record:
    retained = done // 10
    return {
        "formatted_period": label,
        "original_contract_sum": money(original),
        "net_change_by_change_orders": money(revised - original),
        "contract_sum_to_date": money(revised),
        "total_completed_and_stored_to_date": money(done),
        "total_retainage": money(retained),
        "total_earned_less_retainage": money(done - retained),
        "less_previous_certificates_for_payment": money(previous - previous // 10),
        "current_payment_due": money(done - retained - (previous - previous // 10)),
        "balance_to_finish_including_retainage": money(revised - done + retained),
        "new_materials": money(0),
        "stored_materials": money(0),
    }


def _label(first: int, last: int) -> str:
    return f"{day(first)} - {day(last)}"


@register("requisitions")
def requisitions(ctx: ProjectContext) -> list[Record]:
    """One invoice per executed subcontract per billing period its trade works in."""
    records: list[Record] = []
    contracts = [
        c
        for c in ledger(ctx).contracts
        if c.kind == "work_order" and c.status in ("Approved", "Complete")
    ]
    for contract in contracts:
        records.extend(_contract_invoices(ctx, contract, len(records)))
    return records


def _contract_invoices(ctx: ProjectContext, contract: Contract, before: int) -> list[Record]:
    rng = ctx.rng(f"requisitions/{contract.number}")
    low, high = contract.trade.phase
    revised = contract.cents + contract.total("approved")
    contact = ctx.contact(contract.vendor)
    previous, previous_id = 0, None
    out: list[Record] = []
    for number, first, last in periods(ctx):
        done = int(revised * _done(ctx, low, high, last))
        if done <= previous:
            continue
        billed = min(last, ctx.end) * DAY + 17 * 3600 + int(rng.random() * 3600)
        final = done >= revised
        status = _status(ctx, last, final)
        record_number = before + len(out) + 1
        record: Record = {
            "id": record_id(_REQUISITION, ctx.ordinal, record_number),
            "previous_requisition_id": previous_id,
            "project_id": ctx.id,
            "commitment_id": contract_id(ctx, contract),
            "vendor_id": contract.vendor["id"],
            "period_id": record_id(_PERIOD, ctx.ordinal, number),
            "number": len(out) + 1,
            "electronic_signature_id": None,
            "commitment_type": "WorkOrderContract",
            "contract_name": f"{contract.trade.name} Subcontract",
            "vendor_name": contract.vendor["name"],
            "invoice_number": f"INV-{contract.number:02d}-{len(out) + 1:03d}",
            "invoice_type": "progress",
            "erp_status": "not_synced",
            "origin_id": None,
            "origin_data": None,
            "percent_complete": f"{100 * done / max(1, revised):.2f}",
            "total_claimed_amount": money(done - previous),
            "status": status,
            "final": final,
            "deletable": status == "draft",
            "move_materials_to_previous_work_completed": False,
            "billing_date": day(min(last, ctx.end)),
            "payment_date": day(last + 30) if status == "approved" else None,
            "requisition_start": day(first),
            "requisition_end": day(last),
            "submitted_at": day(min(last, ctx.end)) if status != "draft" else None,
            "created_at": stamp(billed),
            "updated_at": stamp(billed + (3 * DAY if status == "approved" else 0)),
            "created_by": {
                "id": contact["id"],
                "name": contact["name"],
                "login": contact["email_address"],
                "company_name": contract.vendor["name"],
            },
            "summary": _summary(revised, contract.cents, done, previous, _label(first, last)),
            "summary_text": None,
            "currency_configuration": _USD
            | {"currency_exchange_rate": 1.0, "base_currency_iso_code": "USD"},
            "attachments": [],
            "custom_fields": {},
            "item_packages": [],
        }
        out.append(record)
        previous, previous_id = done, record["id"]
    return out


@register("payment_applications")
def payment_applications(ctx: ProjectContext) -> list[Record]:
    """The builder's monthly invoice to the owner: the project's progress by period."""
    orders = ledger(ctx).prime_orders
    revised = ctx.value_cents + sum(o.cents for o in orders if o.status == "approved")
    owner = ctx.project.get("owner_name") or "Owner"
    records: list[Record] = []
    previous = 0
    for number, first, last in periods(ctx):
        done = int(revised * _done(ctx, 0.0, 1.0, last))
        status = _status(ctx, last, done >= revised)
        status = "under_review" if status == "pending_owner_approval" else status
        made = min(last, ctx.end)
        summary = _summary(revised, ctx.value_cents, done, previous, _label(first, last))
        summary.pop("new_materials")
        summary.pop("stored_materials")
        records.append(
            {
                "id": record_id(_PAYMENT_APP, ctx.ordinal, number),
                "number": number,
                "period_id": record_id(_PERIOD, ctx.ordinal, number),
                "invoice_number": f"PA-{number:03d}",
                "formatted_contract_company": owner,
                "origin_id": None,
                "origin_data": None,
                "percent_complete": f"{100 * done / max(1, revised):.2f}",
                "total_amount_paid": money(previous - previous // 10),
                "total_amount_accrued_this_period": money(done - previous),
                "status": status,
                "description_type": "automatic",
                "billing_date": day(made),
                "period_start": day(first),
                "period_end": day(last),
                "created_at": day(made),
                "updated_at": day(made + (3 if status == "approved" else 0)),
                "billing_period": {"start_date": day(first), "end_date": day(last)},
                "contract": {
                    "id": record_id(15, ctx.ordinal, 1),
                    "type": "PrimeContract",
                    "title": f"{ctx.project['name']} Prime Contract",
                },
                "currency_configuration": {
                    "currency_iso_code": "USD",
                    "currency_exchange_rate": "1.0",
                    "base_currency_iso_code": "USD",
                },
                "g702": summary,
            }
        )
        previous = done
    return records
