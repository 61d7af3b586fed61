"""The fields of the reference (``procore-resources.md`` sections 23 and 25-38) per resource.

Types: ``int``, ``str``, ``bool``, ``float`` (a JSON number), ``num`` (a decimal number sent as
a string), ``date``, ``datetime``, ``obj``, ``list``, or an enum ``a|b|c`` (strings). Every field
may be null except ``id``. A module of its own (not a conftest), as ``resource_counts`` is.
"""

from __future__ import annotations

LOG_COMMON = {
    "id": "int",
    "position": "int",
    "date": "date",
    "datetime": "datetime",
    "created_at": "datetime",
    "updated_at": "datetime",
    "created_by": "obj",
    "attachments": "list",
    "vendor": "obj",
    "location": "obj",
    "daily_log_segment_id": "int",
    "daily_log_segment": "obj",
}

FIELDS: dict[str, dict[str, str]] = {
    # Section 26: each meeting of the grouped list (the list's groups opened), and each topic
    # of a meeting's show.
    "meetings": {
        **dict.fromkeys(
            ("id", "meeting_template_id", "position", "created_by_id", "parent_id"), "int"
        ),
        "meeting_topics_count": "int",
        **dict.fromkeys(("title", "description", "location"), "str"),
        "mode": "minutes|agenda",
        "occurred": "bool",
        "is_private": "bool",
        **dict.fromkeys(("starts_at", "ends_at", "created_at", "updated_at"), "datetime"),
    },
    "meeting_topics": {
        "id": "int",
        "position": "int",
        **dict.fromkeys(("number", "title", "minutes", "description", "download_all_url"), "str"),
        "priority": "|High|Medium|Low",
        "status": "Open|On Hold|Closed",
        "created_on": "date",
        "due_date": "date",
        "meeting_category": "obj",
        "assignments": "list",
        "attachments": "list",
    },
    "timecard_entries": {
        "id": "int",
        "origin_id": "int",
        "line_item_type_id": "int",
        "lunch_time": "int",
        "hours": "num",
        "description": "str",
        "approval_status": "pending|reviewed|approved|completed",
        "timesheet_status": "pending|approved",
        "origin_data": "str",
        "billable": "bool",
        "injured": "bool",
        "signed": "bool",
        "date": "date",
        "datetime": "datetime",
        "created_at": "datetime",
        "updated_at": "datetime",
        "deleted_at": "datetime",
        "time_in": "datetime",
        "time_out": "datetime",
        "timesheet": "obj",
        "cost_code": "obj",
        "party": "obj",
        "sub_job": "obj",
        "location": "obj",
        "crew": "obj",
        "created_by": "obj",
        "login_information": "obj",
        "timecard_time_type": "obj",
        "procore_signature": "obj",
        "custom_fields": "obj",
        "automatically_split_timecard_entries": "list",
    },
    "drawing_areas": {
        "id": "int",
        "drawings_count": "int",
        "name": "str",
        "description": "str",
        "deletable": "bool",
        "created_at": "datetime",
        "updated_at": "datetime",
        "latest_revision_update": "datetime",
    },
    "drawings": {
        "id": "int",
        "drawing_discipline_id": "int",
        "number": "str",
        "title": "str",
        "discipline": "str",
        "obsolete": "bool",
        "current_revision": "obj",
    },
    "drawing_revisions": {
        **{
            k: "int"
            for k in (
                "id",
                "drawing_id",
                "drawing_sketches_count",
                "width",
                "height",
                "pdf_size",
                "png_size",
                "position",
                "order_in_drawing",
            )
        },
        **{
            k: "str"
            for k in (
                "number",
                "title",
                "revision_number",
                "status",
                "pdf_url",
                "png_url",
                "thumbnail_url",
                "large_thumbnail_url",
                "zip_url",
                "activity_stream_last_viewed_at",
            )
        },
        "drawing_date": "date",
        "received_date": "date",
        "updated_at": "datetime",
        **{
            k: "bool"
            for k in (
                "current",
                "floorplan",
                "obsolete",
                "has_drawing_sketches",
                "has_public_markup_layer_elements",
                "connectability_outdated",
            )
        },
        "drawing_set": "obj",
        "drawing_area": "obj",
        "discipline": "obj",
        "custom_fields": "obj",
    },
    "documents": {
        "id": "int",
        "parent_id": "int",
        "name": "str",
        "name_with_path": "str",
        "document_type": "file|folder",
        **{
            k: "bool"
            for k in ("read_only", "is_deleted", "is_recycle_bin", "is_tracked", "private")
        },
        "created_at": "datetime",
        "updated_at": "datetime",
        "created_by": "obj",
        "private_parent": "obj",
        "tracked_folder": "obj",
        "children": "obj",
        "file": "obj",
        "custom_fields": "obj",
    },
    "image_categories": {
        "id": "int",
        "count": "int",
        "position": "int",
        "name": "str",
        "cover_photo": "str",
        "private": "bool",
        "created_at": "datetime",
        "updated_at": "datetime",
        "links": "obj",
    },
    "images": {
        **{
            k: "int"
            for k in (
                "id",
                "size",
                "width",
                "height",
                "image_category_id",
                "origin_id",
                "daily_log_header_id",
                "comments_count",
                "daily_log_segment_id",
            )
        },
        **{
            k: "str"
            for k in (
                "url",
                "thumbnail_url",
                "filename",
                "description",
                "image_category_name",
                "gps_lat",
                "gps_long",
            )
        },
        **{
            k: "bool"
            for k in ("private", "starred", "permanently_deleted", "image_category_private")
        },
        "taken_at": "datetime",
        "created_at": "datetime",
        "updated_at": "datetime",
        "location": "obj",
        "uploader": "obj",
        "links": "obj",
        "trades": "list",
        "projection": "unknown|regular|360",
        "daily_log_segment": "obj",
    },
    "specification_sections": {
        "id": "int",
        "current_revision_id": "int",
        "number": "str",
        "description": "str",
        "label": "str",
    },
    "specification_section_divisions": {
        "id": "int",
        "number": "str",
        "description": "str",
        "url": "str",
    },
    "drawing_sets": {
        **{
            k: "int"
            for k in (
                "id",
                "project_id",
                "company_id",
                "position",
                "published_drawings_count",
                "unpublished_drawings_count",
            )
        },
        "name": "str",
        "date": "date",
        "created_at": "datetime",
        "updated_at": "datetime",
        "connected": "bool",
        "deletable": "bool",
    },
    "incidents": {
        **{
            k: "int"
            for k in (
                "id",
                "number",
                "records_count",
                "attachments_count",
                "actions_count",
                "witness_statements_count",
                "open_observations_count",
                "closed_observations_count",
            )
        },
        "title": "str",
        "description": "str",
        "status": "open|closed",
        "private": "bool",
        "recordable": "bool",
        "time_unknown": "bool",
        **{k: "datetime" for k in ("event_date", "created_at", "updated_at", "deleted_at")},
        "created_by": "obj",
        "location": "obj",
        "hazard": "obj",
        "contributing_behavior": "obj",
        "contributing_condition": "obj",
        "custom_fields": "obj",
    },
    "locations": {
        "id": "int",
        "parent_id": "int",
        "name": "str",
        "node_name": "str",
        "code": "str",
        "created_at": "datetime",
        "updated_at": "datetime",
    },
    "requisitions": {
        **{
            k: "int"
            for k in (
                "id",
                "previous_requisition_id",
                "project_id",
                "commitment_id",
                "vendor_id",
                "period_id",
                "number",
                "electronic_signature_id",
            )
        },
        **{
            k: "str"
            for k in (
                "commitment_type",
                "contract_name",
                "vendor_name",
                "invoice_number",
                "invoice_type",
                "erp_status",
                "origin_id",
                "origin_data",
            )
        },
        "percent_complete": "num",
        "total_claimed_amount": "num",
        "status": "draft|under_review|revise_and_resubmit|approved|approved_as_noted|"
        "pending_owner_approval",
        "final": "bool",
        "deletable": "bool",
        "move_materials_to_previous_work_completed": "bool",
        **{
            k: "date"
            for k in (
                "billing_date",
                "payment_date",
                "requisition_start",
                "requisition_end",
                "submitted_at",
            )
        },
        "created_at": "datetime",
        "updated_at": "datetime",
        "created_by": "obj",
        "summary": "obj",
        "summary_text": "obj",
        "currency_configuration": "obj",
        "attachments": "list",
        "custom_fields": "obj",
        "item_packages": "list",
    },
    "payment_applications": {
        "id": "int",
        "number": "int",
        "period_id": "int",
        "invoice_number": "str",
        "formatted_contract_company": "str",
        "origin_id": "str",
        "origin_data": "str",
        "percent_complete": "num",
        "total_amount_paid": "num",
        "total_amount_accrued_this_period": "num",
        "status": "draft|under_review|revise_and_resubmit|approved",
        "description_type": "custom|automatic",
        "billing_date": "date",
        "period_start": "date",
        "period_end": "date",
        "created_at": "date",
        "updated_at": "date",
        "billing_period": "obj",
        "contract": "obj",
        "currency_configuration": "obj",
        "g702": "obj",
    },
    "weather_logs": LOG_COMMON
    | {
        **{
            k: "str"
            for k in (
                "temperature",
                "average",
                "sky",
                "ground",
                "wind",
                "precipitation",
                "calamity",
                "is_weather_delay",
                "comments",
            )
        },
        "time": "datetime",
    },
    "work_logs": LOG_COMMON
    | {
        "workers": "int",
        "hours": "float",
        "hourly_rate": "float",
        "resource_name": "str",
        "comments": "str",
        "showed": "bool",
        "reimbursable": "bool",
        "scheduled_tasks": "list",
    },
    "daily_construction_report_logs": LOG_COMMON
    | {
        **{
            f"number_of_{k}_workers": "int"
            for k in ("foreman", "journeyman", "apprentice", "other")
        },
        **{
            f"{k}_hours": "num"
            for k in (
                "foreman",
                "journeyman",
                "apprentice",
                "other",
                "first_year",
                "local_city",
                "local_county",
                "minority",
                "veteran",
                "women",
            )
        },
        "notes": "str",
        "status": "str",
        "trade": "obj",
        "permissions": "obj",
        "custom_fields": "obj",
    },
    "delivery_logs": LOG_COMMON
    | {
        **{
            k: "str" for k in ("delivery_from", "tracking_number", "contents", "status", "comments")
        },
        "time_hour": "int",
        "time_minute": "int",
    },
    "equipment_logs": LOG_COMMON
    | {
        "hours_operating": "num",
        "hours_idle": "num",
        "inspected": "bool",
        "inspection_hour": "int",
        "inspection_minute": "int",
        "notes": "str",
        "cost_code": "obj",
        "equipment": "obj",
        "permissions": "obj",
        "custom_fields": "obj",
    },
    "safety_violation_logs": LOG_COMMON
    | {
        **{k: "str" for k in ("subject", "issued_to", "safety_notice", "comments")},
        "compliance_due": "date",
        "time_hour": "int",
        "time_minute": "int",
    },
    "visitor_logs": LOG_COMMON
    | {
        **{k: "str" for k in ("subject", "details", "status")},
        **{k: "int" for k in ("begin_hour", "begin_minute", "end_hour", "end_minute")},
        "permissions": "obj",
        "custom_fields": "obj",
    },
    "generic_tools": {
        "id": "int",
        "domain_id": "int",
        "title": "str",
        "abbreviation": "str",
        "private_by_default": "bool",
    },
    "correspondence_type_items": {
        "id": "int",
        "origin_generic_tool_item_id": "int",
        "origin_rfi_id": "int",
        **{k: "str" for k in ("position", "title", "description", "status")},
        "status_type": "Open|Closed|Draft",
        "private": "bool",
        "due_date": "date",
        **{k: "datetime" for k in ("issued_at", "closed_at", "created_at", "updated_at")},
        **{
            k: "obj"
            for k in (
                "cost_impact",
                "schedule_impact",
                "created_by",
                "received_from",
                "location",
                "cost_code",
                "specification_section",
                "trade",
                "sub_job",
                "generic_tool",
                "custom_fields",
            )
        },
        **{
            k: "list"
            for k in (
                "assignees",
                "distribution_members",
                "trades",
                "tasks",
                "attachments",
                "document_management_document_revision_ids",
            )
        },
    },
    "change_order_packages": {
        **{k: "int" for k in ("id", "contract_id", "created_by_id", "revision")},
        **{k: "str" for k in ("number", "title", "origin_id", "origin_data", "origin_code")},
        "status": "draft|not_pricing|pricing|pending|revised|proceeding|not_proceeding|"
        "no_charge|approved|rejected|void",
        "executed": "bool",
        "grand_total": "num",
        **{
            k: "date"
            for k in ("due_date", "invoiced_date", "paid_date", "signed_change_order_received_date")
        },
        **{k: "datetime" for k in ("created_at", "updated_at", "reviewed_at", "deleted_at")},
        "designated_reviewer": "obj",
        "currency_configuration": "obj",
        "custom_fields": "obj",
    },
    "potential_change_orders": {
        **{
            k: "int"
            for k in (
                "id",
                "contract_id",
                "created_by_id",
                "revision",
                "change_order_request_id",
                "schedule_impact_amount",
                "change_order_tiers",
            )
        },
        **{
            k: "str"
            for k in (
                "number",
                "title",
                "change_reason",
                "change_order_request_title",
                "change_order_package_title",
                "potential_change_order_acronym_number",
                "change_order_request_acronym_number",
                "change_order_package_acronym_number",
            )
        },
        "status": "draft|not_pricing|pricing|pending|revised|proceeding|not_proceeding|"
        "no_charge|approved|rejected|void",
        "executed": "bool",
        "grand_total": "num",
        **{k: "date" for k in ("due_date", "invoiced_date", "paid_date")},
        **{k: "datetime" for k in ("created_at", "updated_at", "reviewed_at", "deleted_at")},
        "currency_configuration": "obj",
        "custom_fields": "obj",
    },
    "submittal_packages": {
        "id": "int",
        "attachments_count": "int",
        "number": "str",
        "title": "str",
        "description": "str",
        "submittal_ids": "list",
        "attachments": "list",
        "created_by": "obj",
    },
    "managed_equipment": {
        **{
            k: "int"
            for k in (
                "id",
                "company_id",
                "current_project_id",
                "year",
                "managed_equipment_make_id",
                "managed_equipment_model_id",
                "managed_equipment_type_id",
                "managed_equipment_category_id",
            )
        },
        **{
            k: "str"
            for k in (
                "name",
                "serial_number",
                "identification_number",
                "description",
                "status",
                "ownership",
            )
        },
        "company_visible": "bool",
        **{k: "datetime" for k in ("created_at", "updated_at", "deleted_at")},
        **{
            k: "obj"
            for k in (
                "created_by",
                "managed_equipment_make",
                "managed_equipment_category",
                "managed_equipment_type",
                "managed_equipment_model",
            )
        },
    },
}
