"""What each filter is called on Procore's screens ("Ball in court", not ``ball_in_court_id``)."""

from __future__ import annotations

from typing import Final

__all__ = ["label"]

#: Procore's words for the registry's filter keywords, where plain spelling is not enough.
WORDS: Final = {
    "id": "ID",
    "by_status": "Status",
    "status_id": "Status",
    "query": "Search",
    "search": "Search",
    "assigned_id": "Assignee",
    "assignee_id": "Assignee",
    "rfi_manager_id": "RFI manager",
    "received_from_login_information_id": "Received from",
    "approver_login_information_id": "Final approver",
    "prefix_stage_id": "Stage (RFI prefix)",
    "specification_section_id": "Spec section",
    "spec_section_id": "Spec section",
    "type_id": "Type",
    "punch_item_type_id": "Type",
    "trade_ids": "Trade",
    "parent_id": "Parent company",
    "managed_equipment_id": "Equipment",
    "current_revision": "Current revision only",
    "unpackaged": "Not in a package",
    "required_on_site_date": "Required on-site date",
    "task_id": "Schedule task",
    "checklist_list_id": "Inspection",
    "checklist_item_id": "Inspection item",
    "origin_id": "ERP origin ID",
    "synced": "Synced to ERP",
    "from_project_template_id": "Project template",
    "daily_log_segment_id": "Daily log segment",
    "category_id": "Cost type",
    "legacy_package_id": "Change order package",
    "include_rfqs": "Include RFQs",
    "include_deleted": "Deleted records",
    "employee": "Employees only",
    "due_at": "Due date",
}
#: Words spelled in capitals wherever they appear.
_UPPER: Final = {"rfi": "RFI", "rfis": "RFIs", "erp": "ERP", "id": "ID", "ids": "IDs"}


def label(name: str) -> str:
    """The words Procore shows for filter ``name``, in sentence case.

    Examples
    --------
    >>> label("ball_in_court_id"), label("assigned_id"), label("created_at")
    ('Ball in court', 'Assignee', 'Created at')
    """
    if name in WORDS:
        return WORDS[name]
    stem = name.removesuffix("_ids").removesuffix("_id") if name not in ("id", "ids") else name
    words = [_UPPER.get(w, w) for w in stem.split("_") if w]
    if not words:
        return name
    first = words[0]
    words[0] = first if first.isupper() else first[:1].upper() + first[1:]
    return " ".join(words)
