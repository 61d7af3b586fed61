"""Registry columns added for the reference's fields hold values in the client's frames.

A column whose name misses the sandbox's field (a typo, a wrong nesting) would still get its
dtype, all null: each one below must hold values, typed as the registry says.
"""

from __future__ import annotations

import warnings

import pytest
from resource_counts import WIDE

from procore_nb import Client
from procore_nb._registry import registry
from procore_nb.frames._schema import Kind, dtype_of

#: resource -> columns the reference's fields brought, each holding values in the sandbox.
FILLED = {
    "company_users": ["permission_template.type", "address", "zip", "contact_id", "avatar"],
    "project_users": [
        "permission_template.type",
        "company_permission_template.id",
        "work_classification_id",
        "welcome_email_sent_at",
    ],
    "vendors": ["primary_contact.id", "standard_cost_codes"],
    "punch_items": ["schedule_risk", "schedule_risk_confidence", "schedule_risk_probability"],
    "observations": ["description_rich_text"],
    "checklists": [
        "specification_section.id",
        "specification_section.section",
        "distribution_members",
        "closed_observations_count",
        "neutral_item_count",
    ],
    "submittals": ["last_distributed_submittal.sent_at"],
    "budget_detail_rows": ["company", "project"],
    "prime_contracts": ["vendor.id", "contractor.id", "show_line_items_to_non_admins"],
    "work_order_contracts": ["total_draw_requests_amount", "show_line_items_to_non_admins"],
    "purchase_order_contracts": ["total_draw_requests_amount"],
    "change_events": ["change_event_origin_id", "change_event_origin_type"],
    "direct_costs": [
        "currency_configuration.base_currency_iso_code",
        "currency_configuration.currency_exchange_rate",
    ],
}


@pytest.mark.parametrize("name", sorted(FILLED))
def test_new_columns_hold_typed_values(client: Client, name: str) -> None:
    """Each new column has values across the active projects, in the registry's dtype."""
    entry = registry()[name]
    projects = "active" if entry.project_scoped else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # projects whose tool is disabled
        df = client.frame(name, projects=projects, **WIDE.get(name, {}))
    for column in FILLED[name]:
        assert df[column].notna().any(), f"{name}.{column} is empty"
        assert str(df[column].dtype) == dtype_of(Kind(entry.columns[column])), column
