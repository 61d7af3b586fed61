"""A project's money, worked out once so that every financial resource adds up.

The budget splits the project's value over its cost codes to the cent. Each trade with a
vendor is bought out with a subcontract (a work order contract) for a little less than its
budget, and a few trades also buy material on purchase orders; change orders adjust them,
and each contract's approved, pending and draft change-order totals are the sums of its change
orders. The prime contract is the project's value, changed by its own change orders.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ._base import Record, split_cents, weighted
from ._context import ProjectContext
from ._facts import Trade

_CO_STATUS = (("approved", 6.0), ("pending", 2.0), ("draft", 1.0), ("rejected", 0.8))
_MATERIAL_TRADES = frozenset({"Concrete", "Electrical", "Plumbing", "HVAC", "Steel Erection"})


@dataclass
class ChangeOrder:
    number: int
    cents: int
    status: str
    fraction: float  # when it was created, as a fraction of the project
    code: Record


@dataclass
class Contract:
    kind: str  # "work_order" or "purchase_order"
    number: int
    trade: Trade
    vendor: Record
    cents: int
    fraction: float  # when it was signed
    status: str
    change_orders: list[ChangeOrder] = field(default_factory=list)

    def total(self, status: str) -> int:
        return sum(co.cents for co in self.change_orders if co.status == status)


@dataclass
class Ledger:
    budget: dict[int, int]  # cost code id -> original budget, cents (sums to the value)
    contracts: list[Contract]
    prime_orders: list[ChangeOrder]


def ledger(ctx: ProjectContext) -> Ledger:
    """The project's ledger (made once per context)."""
    found = ctx.memo.get("ledger")
    if found is None:
        found = ctx.memo["ledger"] = _ledger(ctx, ctx.rng("ledger"))
    assert isinstance(found, Ledger)
    return found


def _ledger(ctx: ProjectContext, rng: random.Random) -> Ledger:
    codes = ctx.cost_codes
    weights = [
        c["trade"].budget_weight / len(c["trade"].sections) * (0.7 + 0.6 * rng.random())
        for c in codes
    ]
    budget = dict(zip((c["id"] for c in codes), split_cents(ctx.value_cents, weights), strict=True))
    contracts: list[Contract] = []
    numbers = {"work_order": 0, "purchase_order": 0}
    # Nothing is bought for a project not yet won (Bidding, Not Awarded: no budget either).
    for vendor in ctx.vendors if ctx.progress > 0 else []:
        trade = next(t for t in ctx.trades if t.name == vendor["trade_name"])
        signed = max(0.0, trade.phase[0] - 0.15 - 0.1 * rng.random())
        if trade.name == "General Conditions" or signed > ctx.progress + 0.05:
            continue
        trade_budget = sum(budget[c["id"]] for c in ctx.codes_of(trade))
        kinds = [("work_order", 0.82 + 0.14 * rng.random())]
        if trade.name in _MATERIAL_TRADES:
            kinds.append(("purchase_order", 0.01 + 0.02 * rng.random()))
        for kind, share in kinds:
            numbers[kind] += 1
            done = trade.phase[1] <= ctx.progress
            status = _status(kind, rng, done, signed, ctx.progress)
            contract = Contract(
                kind, numbers[kind], trade, vendor, int(trade_budget * share), signed, status
            )
            contracts.append(contract)
    number = 0
    for contract in contracts:
        if contract.status in ("Draft", "Out For Bid", "Out For Signature"):
            continue
        for _ in range(int(rng.random() * 3 * min(2.0, ctx.progress * 2))):
            number += 1
            contract.change_orders.append(
                _order(ctx, rng, number, contract.cents, contract.trade, contract.fraction)
            )
    prime = [
        _order(ctx, rng, n, ctx.value_cents, None, 0.05)
        for n in range(1, 1 + int(rng.random() * 8 * ctx.progress))
    ]
    return Ledger(budget, contracts, prime)


def _status(kind: str, rng: random.Random, done: bool, signed: float, progress: float) -> str:
    if signed > progress:
        return "Out For Signature" if kind == "work_order" else "Submitted"
    if kind == "purchase_order":
        return "Closed" if done else weighted(rng, (("Approved", 3.0), ("Partially Received", 1.0)))
    return "Complete" if done else "Approved"


def _order(  # noqa: PLR0917 - an internal builder fed the record's parts in order
    ctx: ProjectContext,
    rng: random.Random,
    number: int,
    base: int,
    trade: Trade | None,
    after: float,
) -> ChangeOrder:
    codes = ctx.codes_of(trade) if trade else ctx.cost_codes
    cents = int(base * rng.gauss(0.025, 0.03))
    fraction = min(ctx.progress, after + (ctx.progress - after) * rng.random())
    status = weighted(rng, _CO_STATUS)
    if ctx.day_at(fraction) > ctx.today - 20 and status == "approved":
        status = "pending"  # recent change orders are still in review
    return ChangeOrder(number, cents, status, max(0.0, fraction), rng.choice(codes))
