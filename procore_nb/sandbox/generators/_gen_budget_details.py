"""A budget view's columns and its budget details (the Budget Detail report), per project.

Neither is a registry resource (the columns are a short list, the details a report); the
sandbox serves them at Procore's paths because clients call them
(``procore_nb.sandbox._aliases``). Column ids are the integer strings a detail row uses as keys
for its amounts.
"""

from __future__ import annotations

from ._base import Record, money, register
from ._context import ProjectContext
from ._gen_budget import budget_detail_rows
from ._gen_contracts import contract_id
from ._ledger import ledger

#: (id, name, type) of a budget view's standard and source columns, in position order.
COLUMNS = (
    ("1001", "Original Budget Amount", "standard"),
    ("1002", "Budget Modifications", "standard"),
    ("1003", "Approved COs", "source"),
    ("1004", "Committed Costs", "source"),
    ("1005", "Direct Costs", "source"),
    ("1006", "Pending Budget Changes", "source"),
    ("1007", "Forecast To Complete", "standard"),
)


@register("budget_detail_columns")
def budget_detail_columns(ctx: ProjectContext) -> list[Record]:
    """The columns every budget view of the project shows (calculated ones are not listed)."""
    if ctx.progress <= 0:
        return []
    return [
        {
            "id": id_,
            "name": name,
            "position": position,
            "type": kind,
            "aggregatable": True,
            "filterable": kind == "source",
            "groupable": False,
        }
        for position, (id_, name, kind) in enumerate(COLUMNS, start=1)
    ]


@register("budget_details")
def budget_details(ctx: ProjectContext) -> list[Record]:
    """One detail per budget line (its original amount) and per commitment (its value)."""
    project = {"id": ctx.id, "name": ctx.project["name"]}
    link = f"https://app.procore.com/{ctx.id}/project/budgeting"
    details: list[Record] = []
    rows = budget_detail_rows(ctx)
    by_code = {row["cost_code_id"]: row for row in rows}
    for row in rows:
        details.append(
            _detail(row, f"budget_line_item_{row['id']}", ("budget_line_items", "Budget"), link)
            | {"item": row["cost_code"], "biller": project, "1001": row["original_budget_amount"]}
        )
    for contract in ledger(ctx).contracts if rows else []:
        codes = ctx.codes_of(contract.trade)
        line = by_code.get(codes[0]["id"]) if codes else None
        if line is None:
            continue
        number = contract_id(ctx, contract)
        prefix = "SC" if contract.kind == "work_order" else "PO"
        details.append(
            _detail(line, f"commitment_{number}", ("commitments", "Commitments"), link)
            | {
                "item": f"{prefix}-{contract.number:03d}",
                "biller": project,
                "vendor": {"id": contract.vendor["id"], "name": contract.vendor["name"]},
                "contract": {"id": number, "name": f"{contract.trade.name}"},
                "1004": money(contract.cents),
            }
        )
    return details


def _detail(row: Record, id_: str, kind: tuple[str, str], link: str) -> Record:
    return {
        "id": id_,
        "detail_type": {"id": kind[0], "name": kind[1]},
        "description": kind[1],
        "item": None,
        "link": link,
        "biller": None,
        "cost_code": {"id": row["cost_code_id"], "name": row["cost_code"]},
        "root_cost_code": {"id": row["root_cost_code_id"], "name": row["root_cost_code"]},
        "cost_type": {"id": row["category_id"], "name": row["category"]},
        "wbs_code": {"id": row["wbs_code_id"], "flat_code": row["cost_code"].split(" - ")[0]},
        "vendor": None,
        "contract": None,
    }
