"""Resources of API v2.0: the same work as their v1 versions, in v2's flat shape.

v2 replaces nested objects with their ids (``status_id``, ``specification_section_id``) and
adds a few fields; the REST layer sends every id as a string inside ``{"data": [...]}``.
"""

from __future__ import annotations

from ._base import Record, register
from ._context import ProjectContext, day_number
from ._gen_documents import submittals

_FLAT = (
    "status",
    "specification_section",
    "responsible_contractor",
    "received_from",
    "submittal_manager",
)


@register("submittals_v2")
def submittals_v2(ctx: ProjectContext) -> list[Record]:
    """The project's submittals as ``/rest/v2.0/.../submittals`` lists them."""
    records = []
    for item in submittals(ctx):
        flat: Record = {k: v for k, v in item.items() if k not in (*_FLAT, "type")}
        for name in _FLAT:
            flat[f"{name}_id"] = (item[name] or {}).get("id")
        flat["distribution_member_ids"] = [m["id"] for m in flat.pop("distribution_members")]
        closed = item["closed_at"]
        late = 0 if closed else max(0, ctx.today - day_number(item["due_date"]))
        flat |= {
            "submittal_package_id": None,
            "scheduled_task_id": None,
            "bic_due_date": None if closed else item["due_date"],
            "confirmed_delivery_date": None,
            "current_step_sent_date": item["issue_date"],
            "current_step_returned_date": closed[:10] if closed else None,
            "internal_review_time": 3,
            "design_team_review_time": 10,
            "workflow_step": {
                "current_step": 2 if closed else 1,
                "total_steps": 2,
                "days_late": late,
            },
        }
        records.append(flat)
    return records
