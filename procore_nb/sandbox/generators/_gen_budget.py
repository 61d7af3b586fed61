"""The budget (views and detail rows by cost code), change events and direct costs.

Detail rows split the project's value over its cost codes: their ``original_budget_amount``
strings add up to the project's ``total_value`` to the cent.
"""

from __future__ import annotations

from typing import Any

from ._base import (
    DAY,
    Record,
    day,
    money,
    pick,
    record_id,
    register,
    stamp,
    weighted,
    work_second,
)
from ._context import ProjectContext
from ._gen_contracts import contract_id
from ._gen_documents import rfis
from ._ledger import ledger

_USD = {"currency_iso_code": "USD"}
#: Direct costs carry their exchange rate inside the currency configuration.
_USD_RATED = _USD | {"currency_exchange_rate": "1.0", "base_currency_iso_code": "USD"}


@register("budget_views")
def budget_views(ctx: ProjectContext) -> list[Record]:
    """The standard budget view, and a forecasting view on larger projects."""
    if ctx.progress <= 0:
        return []
    owner = ctx.team[0]
    made = stamp(ctx.start * DAY + 14 * 3600)
    names = ["Procore Standard Budget", "Forecast to Complete"][: 1 + (ctx.size > 1)]
    views = []
    for n, name in enumerate(names, start=1):
        view_id = record_id(17, ctx.ordinal, n)
        base = f"/rest/v1.0/budget_views/{view_id}"
        views.append(
            {
                "id": view_id,
                "name": name,
                "description": None,
                "role": "default" if n == 1 else "forecast",
                "created_by": {
                    "id": owner["id"],
                    "login": owner["email_address"],
                    "name": owner["name"],
                },
                "links": {
                    "detail_rows": f"{base}/detail_rows?project_id={ctx.id}",
                    "summary_rows": f"{base}/summary_rows?project_id={ctx.id}",
                },
                "created_at": made,
                "updated_at": made,
            }
        )
    return views


def _transfers(ctx: ProjectContext, budget: dict[int, int]) -> dict[int, int]:
    """Budget modifications: a few transfers from one code to another, more as work goes on."""
    rng = ctx.rng("budget_transfers")
    codes = [code for code, cents in budget.items() if cents > 0]
    moved: dict[int, int] = {}
    for _ in range(int(rng.random() * 6 * ctx.progress) if len(codes) > 1 else 0):
        source, target = rng.sample(codes, 2)
        cents = int(budget[source] * (0.01 + 0.05 * rng.random()))
        moved[source] = moved.get(source, 0) - cents
        moved[target] = moved.get(target, 0) + cents
    return moved


@register("budget_detail_rows")
def budget_detail_rows(ctx: ProjectContext) -> list[Record]:
    """One budgeted row per cost code: the original amounts add up to the project's value;
    the modifications move budget between codes (Procore's budget transfers) and add up to 0."""
    if ctx.progress <= 0:
        return []
    books = ledger(ctx)
    committed: dict[int, int] = {}
    for contract in books.contracts:
        for order in contract.change_orders:
            if order.status == "approved":
                committed[order.code["id"]] = committed.get(order.code["id"], 0) + order.cents
    modified = _transfers(ctx, books.budget)
    project, company = ctx.project, ctx.company.company
    rows = []
    for n, code in enumerate(ctx.cost_codes, start=1):
        trade = code["trade"]
        original = books.budget[code["id"]]
        forecast = original + modified.get(code["id"], 0) + committed.get(code["id"], 0)
        rows.append(
            {
                "id": record_id(18, ctx.ordinal, n),
                "company_id": company.id,
                "company": company.record["name"],
                "project_id": project["id"],
                "project": project["name"],
                "wbs_code_id": code["id"],
                "biller_id": project["id"],
                "biller": project["name"],
                "biller_type": "Project",
                "root_cost_code_id": code["parent_id"],
                "root_cost_code": f"{trade.division} - {trade.division_name}",
                "cost_code_id": code["id"],
                "cost_code": f"{code['code']} - {code['name']}",
                "category_id": 3,
                "category": "Subcontract",
                "cost_code_origin_id": None,
                "original_budget_amount": money(original),
                "budget_modifications": money(modified.get(code["id"], 0)),
                "budget_forecast": {
                    "id": record_id(19, ctx.ordinal, n),
                    "manual_amount": None,
                    "automatic_amount": money(forecast),
                    "amount": money(forecast),
                    "automatically_calculated": True,
                    "calculation_strategy": "automatic",
                    "notes": None,
                },
                "currency_configuration": _USD,
                "unbudgeted_reason": None,
                "deletable": False,
            }
        )
    return rows


@register("change_events")
def change_events(ctx: ProjectContext) -> list[Record]:
    """One change event per commitment change order, some of them raised by an RFI."""
    rng = ctx.rng("change_events")
    asked = [r for r in rfis(ctx) if r["cost_impact"]["status"] == "yes_known"]
    events = []
    orders = [(c, o) for c in ledger(ctx).contracts for o in c.change_orders]
    orders.sort(key=lambda pair: pair[1].fraction)
    author = ctx.team[0]
    for n, (contract, order) in enumerate(orders, start=1):
        created = min(ctx.day_at(order.fraction), ctx.end) * DAY + 15 * 3600
        rfi = pick(rng, asked) if asked and rng.random() < 0.3 else None
        if rfi is not None and rfi["created_at"] > stamp(created):
            rfi = None
        status = "Closed" if order.status in ("approved", "rejected") else "Open"
        events.append(
            {
                "id": record_id(20, ctx.ordinal, n),
                "number": n,
                "alphanumeric_number": f"{n:03d}",
                "title": f"Change to {order.code['name']}",
                "description": None,
                "status": status,
                "event_type": weighted(
                    rng, (("owner_change", 3.0), ("tbd", 1.0), ("contingency", 1.0))
                ),
                "event_scope": weighted(
                    rng, (("out_of_scope", 3.0), ("in_scope", 1.0), ("tbd", 1.0))
                ),
                "project_id": ctx.id,
                "change_event_status": {
                    "id": 41 if status == "Open" else 42,
                    "name": status,
                    "mapped_to_status": status.lower(),
                    "show_in_select": True,
                },
                "change_order_change_reason": {
                    "id": 31,
                    "company_id": ctx.company.company.id,
                    "change_reason": "Client Request",
                    "show_in_select": True,
                },
                "rfi": {
                    "id": rfi["id"],
                    "number": int(rfi["number"]),
                    "title": rfi["subject"],
                    "full_number": rfi["full_number"],
                    "status": rfi["status"],
                }
                if rfi
                else None,
                "created_by": {
                    "id": author["id"],
                    "login": author["email_address"],
                    "name": author["name"],
                },
                "change_event_origin_id": rfi["id"] if rfi else None,
                "change_event_origin_type": "rfis" if rfi else None,
                "change_event_line_items": [
                    line_item(ctx, n, contract, order, stamp(created), status)
                ],
                "rfqs": [],
                "attachments": [],
                "currency_configuration": _USD,
                "origin_id": None,
                "origin_data": None,
                "created_at": stamp(created),
                "updated_at": stamp(min(created + 6 * DAY, max(created, ctx.now - 4 * 3600))),
                "deleted_at": None,
            }
        )
    return events


@register("direct_costs")
def direct_costs(ctx: ProjectContext) -> list[Record]:
    """Invoices, expenses and payroll paid outside commitments, through the job."""
    rng = ctx.rng("direct_costs")
    count = int(30 * ctx.size**0.4 * ctx.progress * (0.5 + rng.random()))
    moments = sorted(
        work_second(rng, min(ctx.day_at(ctx.progress * rng.random()), ctx.end))
        for _ in range(count)
    )
    costs = []
    for n, created in enumerate(moments, start=1):
        kind = weighted(rng, (("invoice", 5.0), ("expense", 3.0), ("payroll", 1.0)))
        vendor = pick(rng, ctx.vendors)
        cents = int(rng.lognormvariate(11.5, 1.0))
        dated = created // DAY
        status = (
            "approved"
            if dated < ctx.today - 20
            else weighted(rng, (("pending", 2.0), ("draft", 1.0)))
        )
        employee = pick(rng, ctx.team)
        costs.append(
            {
                "id": record_id(22, ctx.ordinal, n),
                "direct_cost_type": kind,
                "status": status,
                "description": f"{kind.capitalize()} {n:04d}",
                "invoice_number": f"INV-{10_000 + n}" if kind == "invoice" else None,
                "terms": "Net 30" if kind == "invoice" else None,
                "vendor_id": vendor["id"] if kind != "payroll" else None,
                "vendor": vendor["name"] if kind != "payroll" else None,
                "vendor_name": vendor["name"] if kind != "payroll" else None,
                "employee": {"id": employee["id"], "name": employee["name"]}
                if kind == "payroll"
                else None,
                "amount": money(cents),
                "grand_total": money(cents),
                "direct_cost_date": day(dated),
                "payment_date": day(min(dated + 30, ctx.today - 1))
                if status == "approved"
                else None,
                "received_date": day(dated),
                "currency_configuration": _USD_RATED,
                "origin_id": None,
                "origin_data": None,
                "created_at": stamp(created),
                "updated_at": stamp(created),
                "deleted_at": None,
            }
        )
    return costs


def line_item(  # noqa: PLR0917 - an internal builder fed the record's parts in order
    ctx: ProjectContext, n: int, contract: Any, order: Any, created: str, status: str
) -> Record:
    """The line of change event ``n``: its cost code, vendor, contract and amounts."""
    code, cents = order.code, order.cents
    approved = order.status == "approved"
    number = contract_id(ctx, contract)
    project = ctx.project
    return {
        "id": record_id(21, ctx.ordinal, n),
        "event_id": record_id(20, ctx.ordinal, n),
        "number": "1",
        "position": 1,
        "title": f"{code['code']} - {code['name']}",
        "description": code["name"],
        "status": status,
        "cost_code_id": code["id"],
        "line_item_type_id": 3,
        "proposed_vendor_id": contract.vendor["id"],
        "proposed_contract_id": number,
        "prime_contract_line_item_id": None,
        "rom": cents // 100,
        "uom": "ls",
        "estimated_cost_amount": money(cents),
        "estimated_cost_quantity": 1.0,
        "estimated_cost_unit_cost": cents / 100,
        "commitment_contract_cost": money(cents if approved else 0),
        "commitment_pco_cost": money(cents),
        "commitment_quantity": 1.0,
        "commitment_unit_cost": cents / 100,
        "budget_mod_amount": "0.00",
        "prime_pco_cost": 0.0,
        "prime_pco_quantity": None,
        "prime_pco_unit_cost": None,
        "rfq_amount": 0.0,
        "latest_cost": money(cents),
        "latest_price": None,
        "revenue_source": "match_latest_cost",
        "non_commitment_cost": "0.00",
        "cost_code_is_budgeted": True,
        "line_item_type": _SUBCONTRACT,
        "vendor": {"id": contract.vendor["id"], "name": contract.vendor["name"]},
        "contract": {
            "id": number,
            "number": f"{'SC' if contract.kind == 'work_order' else 'PO'}-{contract.number:03d}",
            "title": f"{contract.trade.name}",
        },
        "cost_code": {
            "id": code["id"],
            "code": code["code"],
            "full_code": code["full_code"],
            "name": code["name"],
        },
        "budget_code": {
            "id": f"{code['id']}-3",
            "code": f"{code['code']}.S",
            "description": f"{code['code']}.S - {code['name']}.Subcontract",
        },
        "biller": {"id": project["id"], "name": project["name"], "type": "Project"},
        "sub_job": None,
        "created_at": created,
        "updated_at": created,
        "deleted_at": None,
    }


_SUBCONTRACT = {"id": 3, "name": "Subcontract", "code": "S", "base_type": "commitment"}
