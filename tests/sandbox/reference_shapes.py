"""The fields of every registry resource, as Procore's reference lists them: test data.

Written by hand from ``procore-resources.md`` (the project's notes on Procore's operation
catalog and its generated SDK), one table per resource, never derived from the sandbox. A
spec is one of:

- a type name: ``int``, ``str``, ``bool``, ``float`` (any JSON number), ``num`` (a decimal in a
  string, ``"1250.00"``), ``num|float`` (either), ``date`` (``YYYY-MM-DD``), ``datetime`` (ISO
  8601 with a zone), ``obj`` (any object), ``list`` (any list), ``any``;
- an enum: a ``frozenset`` of the allowed strings;
- a nested object: a ``dict`` of field -> spec (every field present; ``id`` never null);
- a list of items: a one-element ``list`` holding the items' spec.

Every field except a record's ``id`` may be null (Procore documents almost no nullability).
A module of its own (not a conftest), with a name no other test folder uses.
"""

from __future__ import annotations

from typing import Any

Spec = Any

REF: Spec = {"id": "int", "name": "str"}
USER: Spec = {"id": "int", "login": "str", "name": "str"}
LOC: Spec = {
    "id": "int",
    "name": "str",
    "node_name": "str",
    "parent_id": "int",
    "created_at": "datetime",
    "updated_at": "datetime",
}
TRADE: Spec = {"id": "int", "name": "str", "active": "bool", "updated_at": "datetime"}
CUR: Spec = {"currency_iso_code": "str"}
ATT: Spec = {"id": "int", "url": "str", "filename": "str"}
CF: Spec = "obj"


def fields(names: str, spec: Spec) -> dict[str, Spec]:
    """``{name: spec}`` for the comma-separated ``names``."""
    return {name.strip(): spec for name in names.split(",") if name.strip()}


def enum(*values: str) -> frozenset[str]:
    return frozenset(values)


# --- 1-3: companies, projects, stages --------------------------------------------------------

COMPANIES = (
    fields("id", "int")
    | fields("name, logo_url", "str")
    | fields("is_active, pcn_business_experience, my_company", "bool")
)

PROJECTS = (
    fields(
        "id, parent_job_id, owners_project_id, photo_id, project_region_id, project_bid_type_id,"
        " project_owner_type_id, project_sector_id",
        "int",
    )
    | fields(
        "name, display_name, project_number, address, city, state_code, country_code, zip,"
        " county, time_zone, stage, phone, fax, origin_id, origin_data, origin_code,"
        " store_number, accounting_project_number, designated_market_area, sector,"
        " delivery_method",
        "str",
    )
    | fields("is_demo, active", "bool")
    | fields("latitude, longitude, estimated_budget", "float")
    | fields("total_value, estimated_value", "num|float")
    | fields("start_date, completion_date, projected_finish_date", "date")
    | fields("created_at, updated_at", "datetime")
    | fields("parent_job, project_stage, project_template, company", REF)
    | {
        "created_by": USER,
        "priority": enum("low", "medium", "high"),
        "work_scope": enum("new_construction", "renovation_alteration", "maintenance_service"),
        "custom_fields": CF,
    }
)

COMPANY_PROJECTS = (
    fields("id", "int")
    | fields("name, stage_name, status_name, type_name", "str")
    | {
        "address": fields("street, city, state_code, zip, country_code", "str"),
        "open_items": "list",
        "created_by": {"id": "int", "email": "str"},
    }
)

PROJECT_STAGES = (
    fields("id", "int")
    | fields("name, category", "str")
    | fields(
        "is_bidding_stage, is_concept_stage, readonly, default_stage, hideable, has_rfi_prefixes,"
        " project_stage_has_children",
        "bool",
    )
)

# --- 4-9: the directory ----------------------------------------------------------------------

TEMPLATE: Spec = {
    "id": "int",
    "name": "str",
    "project_specific": "bool",
    "type": enum("company_tools", "global", "project_specific"),
}

#: Section 4: a company user (v1.3 ``normal``); project users' ``normal`` view is the same.
USERS = (
    fields("id, business_phone_extension, contact_id, work_classification_id", "int")
    | fields(
        "name, first_name, last_name, initials, email_address, job_title, employee_id,"
        " business_id, address, city, state_code, country_code, zip, business_phone,"
        " mobile_phone, fax_number, avatar, email_signature, notes, origin_id, origin_data",
        "str",
    )
    | fields("is_active, is_employee, erp_integrated_accountant", "bool")
    | fields("created_at, updated_at, last_login_at, welcome_email_sent_at", "datetime")
    | {"vendor": REF, "permission_template": TEMPLATE, "company_permission_template": TEMPLATE}
)
#: v1.3 ``view=extended`` adds these (the reference: "probably only in the extended view").
USERS_EXTENDED = USERS | {"role": "str", "verified_employee": "bool"}

VENDOR = (
    fields("id, contact_count, children_count", "int")
    | fields(
        "name, abbreviated_name, legal_name, company, trade_name, address, city, state_code,"
        " country_code, zip, business_phone, mobile_phone, fax_number, email_address, website,"
        " business_id, license_number, labor_union, logo, notes, origin_id, origin_data,"
        " origin_code",
        "str",
    )
    | fields(
        "is_active, is_connected, authorized_bidder, prequalified, union_member,"
        " non_union_prevailing_wage, synced_to_erp, company_vendor",
        "bool",
    )
    | fields("created_at, updated_at", "datetime")
    | {
        "project_ids": ["int"],
        "parent": REF,
        "vendor_group": {"id": "int"},
        "primary_contact": {"id": "int"}
        | fields("first_name, last_name, email_address, business_phone, mobile_phone", "str"),
        "business_register": {"id": "int", "verified_at": "datetime"}
        | fields("type, identifier, verification_status", "str"),
        "attachments": [ATT | {"name": "str"}],
        "trades": [TRADE],
        "standard_cost_codes": [
            fields("id, standard_cost_code_list_id, parent_id", "int")
            | fields("code, full_code, name, origin_id, origin_data", "str")
        ],
        "bidding_distribution": [{"id": "int"} | fields("login, name, company_name", "str")],
        "bidding": "obj",
    }
)
#: Section 7: the ``normal`` view drops these from section 6.
PROJECT_VENDOR = {
    k: v
    for k, v in VENDOR.items()
    if k
    not in (
        "contact_count",
        "legal_name",
        "children_count",
        "parent",
        "bidding",
        "bidding_distribution",
        "trades",
        "company_vendor",
        "standard_cost_codes",
    )
}

TRADES = TRADE

COST_CODES = (
    fields("id, position, biller_id, standard_cost_code_id", "int")
    | fields(
        "name, code, full_code, sortable_code, biller, biller_type, biller_origin_id, origin_id,"
        " origin_data",
        "str",
    )
    | {"budgeted": "bool"}
    | fields("created_at, updated_at, deleted_at", "datetime")
    | {
        "parent": {"id": "int"},
        "line_item_types": [
            {"id": "int"} | fields("name, code, base_type, origin_id, origin_data", "str")
        ],
    }
)

# --- 10-16: project management and field work -----------------------------------------------

RFIS = (
    fields("id, location_id", "int")
    | fields(
        "number, full_number, prefix, subject, status, translated_status, reference, link", "str"
    )
    | fields("private, deleted", "bool")
    | {"due_date": "date"}
    | fields("initiated_at, time_resolved, created_at, updated_at, deleted_at", "datetime")
    | {"location": LOC}
    | fields("created_by, assignee, ball_in_court, rfi_manager, received_from", USER)
    | {
        "assignees": [USER | {"locale": "str", "response_required": "bool"}],
        "ball_in_courts": [USER],
    }
    | fields("responsible_contractor, cost_code", REF)
    | {
        "sub_job": {"id": "int", "name": "str", "code": "str"},
        "cost_impact": {"status": "str", "value": "float"},
        "schedule_impact": {"status": "str", "value": "int"},
        "questions": [{"id": "int", "body": "str"}],
        "project_stage": fields("id, parent_id, dependent_projects", "int")
        | fields("name, formatted_name, formatted_parent_name", "str")
        | fields("default_stage, procore_category", "bool"),
        "custom_fields": CF,
    }
)

SUBMITTALS = (
    fields("id, lead_time, location_id, cost_code_id, sub_job_id", "int")
    | fields("number, formatted_number, title, description, revision", "str")
    | fields("current_revision, private", "bool")
    | fields(
        "due_date, issue_date, received_date, submit_by, actual_delivery_date,"
        " required_on_site_date",
        "date",
    )
    | fields(
        "created_at, updated_at, distributed_at, closed_at, submittal_workflow_template_applied_at",
        "datetime",
    )
    | fields(
        "created_by, received_from, submittal_manager, responsible_contractor,"
        " submittal_workflow_template",
        REF,
    )
    | {
        "status": {"id": "int", "name": "str", "status": "str"},
        "type": {"id": "int", "name": "str", "translated_name": "str"},
        "specification_section": fields("id, current_revision_id", "int")
        | fields("number, description, label", "str"),
        "distribution_members": [REF],
        "ball_in_court": [{"id": "int", "name": "str", "initials": "str", "vendor": REF}],
        "approvers": [
            {"id": "int", "approver_type": "str", "comment": "str"}
            | fields("due_date, sent_date, returned_date", "date")
            | {"response": REF, "user": REF}
        ],
        "drawing_ids": ["int"],
        "linked_drawing_ids": ["int"],
        "associated_attachments": [ATT],
        "submittal_package": {"id": "int"},
        "last_distributed_submittal": {"id": "int"},
        "scheduled_task": {"id": "int"},
        "custom_fields": CF,
    }
)

#: Section 11 names no v1.0 item; the generated SDK's v1.0 list model has these fields.
SUBMITTALS_V10 = (
    fields("id, attachments_count, buffer_time", "int")
    | fields("number, formatted_number, title, revision", "str")
    | fields("current_revision, private, for_record_only", "bool")
    | fields("due_date, issue_date, received_date, submit_by, open_date", "date")
    | fields("created_at, updated_at, distributed_at", "datetime")
    | fields("created_by, received_from, submittal_manager, responsible_contractor", REF)
    | {
        "status": SUBMITTALS["status"],
        "type": SUBMITTALS["type"],
        "specification_section": SUBMITTALS["specification_section"],
        "ball_in_court": [REF],
        "approvers": "list",
        "sub_job": {"id": "int", "name": "str", "code": "str"},
        "submittal_package": {"id": "int"},
        "location": LOC,
        "custom_fields": CF,
    }
)

SUBMITTALS_V2 = (
    {"id": "str"}
    | fields(
        "cost_code_id, location_id, received_from_id, responsible_contractor_id,"
        " specification_section_id, status_id, sub_job_id, submittal_manager_id,"
        " submittal_package_id, scheduled_task_id",
        "str",
    )
    | {"distribution_member_ids": ["int"]}
    | fields("number, formatted_number, title, description, revision", "str")
    | fields("current_revision, private", "bool")
    | fields(
        "due_date, issue_date, received_date, submit_by, required_on_site_date, bic_due_date,"
        " confirmed_delivery_date, current_step_sent_date, current_step_returned_date",
        "date",
    )
    | fields("created_at, updated_at, distributed_at, closed_at", "datetime")
    | fields("lead_time, internal_review_time, design_team_review_time", "int")
    | {"workflow_step": fields("current_step, total_steps, days_late", "int")}
)

PUNCH_PERSON: Spec = {"id": "int", "name": "str", "locale": "str", "company_name": "str"}
IMPACT = enum("yes_known", "yes_unknown", "no_impact", "tbd", "n_a")
PUNCH_ITEMS = (
    fields(
        "id, position, schedule_impact_days, schedule_risk_confidence, schedule_risk_probability",
        "int",
    )
    | fields("name, description, reference, priority, schedule_risk_reason", "str")
    | {
        "status": enum("Open", "Closed", "Overdue", "Pending"),
        "workflow_status": enum(
            "draft",
            "initiated",
            "in_dispute",
            "work_required",
            "ready_for_review",
            "work_not_accepted",
            "ready_to_close",
            "not_accepted_by_creator",
            "closed",
        ),
        "cost_impact": IMPACT,
        "schedule_impact": IMPACT,
        "cost_impact_amount": "num",
        "schedule_risk": enum("ml_low", "ml_medium", "ml_high"),
    }
    | fields("private, has_resolved_responses, has_unresolved_responses", "bool")
    | {"due_date": "date"}
    | fields("created_at, updated_at, closed_at, deleted_at", "datetime")
    | {"location": LOC, "trade": TRADE}
    | fields("punch_item_type, cost_code", REF)
    | fields("created_by, closed_by, punch_item_manager, final_approver", PUNCH_PERSON)
    | {
        "ball_in_court": [{"id": "int", "name": "str", "locale": "str"}],
        "assignees": [USER],
        "assignments": [
            {"id": "int", "status": "str", "comment": "str", "approved": "bool"}
            | {"vendor": REF, "login_information": USER, "responded_at": "datetime"}
        ],
        "custom_fields": CF,
    }
)
#: ``/rest/v1.0/punch_items``: the same item plus where it was raised.
PUNCH_ITEMS_V10 = PUNCH_ITEMS | fields(
    "latitude, longitude, altitude, horizontal_accuracy, vertical_accuracy", "str"
)

OBSERVATIONS = (
    fields("id", "int")
    | fields("number, name, description, description_rich_text", "str")
    | {
        "status": enum("initiated", "ready_for_review", "not_accepted", "closed"),
        "priority": enum("Low", "Medium", "High", "Urgent"),
        "personal": "bool",
    }
    | fields("date_notified, due_date", "date")
    | fields("created_at, updated_at, closed_at, deleted_at", "datetime")
    | {
        "assignee": {"id": "int", "name": "str", "vendor": REF},
        "created_by": USER,
        "location": LOC,
        "trade": TRADE,
        "specification_section": {"id": "int"}
        | fields("number, description, latest_revision_url", "str"),
        "type": {"id": "int", "name": "str", "kind": "str", "active": "bool"}
        | {
            "category": enum("Quality", "Safety", "Commissioning", "Warranty", "Work to Complete"),
        },
        "origin": {
            "type": enum("incident", "bim_model", "inspection", "coordination_issue"),
            "payload": "obj",
        },
        "permissions": {"can_edit": "bool"},
        "custom_fields": CF,
    }
)

CHECK_USER = USER | {"company_name": "str"}
CHECKLISTS = (
    fields("id, number, list_template_id, template_id, managed_equipment_id", "int")
    | fields("name, list_template_name, description", "str")
    | {"status": enum("Open", "In Review", "Closed")}
    | fields("private, deleted, overdue", "bool")
    | {"inspection_date": "date"}
    | fields("due_at, created_at, updated_at, closed_at", "datetime")
    | {
        "location": LOC,
        "inspection_type": {"id": "int", "name": "str"}
        | fields("created_at, updated_at", "datetime"),
    }
    | fields("created_by, closed_by, point_of_contact", CHECK_USER)
    | {
        "inspectors": [CHECK_USER],
        "distribution_members": [CHECK_USER],
        "responsible_contractor": REF,
        "trade": TRADE,
        "specification_section": {"id": "int"}
        | fields("description, section, latest_revision_url", "str"),
        "drawing_ids": ["int"],
        "current_drawing_revision_ids": ["int"],
        "default_response_phrasing": fields("conforming_response, deficient_response", "str")
        | {"global": "bool"},
        "signature_requests": [{"id": "int", "signatory": "any", "signature": "any"}],
        "attachments": [ATT | fields("name, thumbnail_url, content_type", "str")],
    }
    | fields(
        "item_count, inspected_item_count, conforming_item_count, deficient_item_count,"
        " not_applicable_item_count, neutral_item_count, observations_count,"
        " closed_observations_count",
        "int",
    )
    | {"custom_fields": CF}
)

TASKS = (
    fields("id, percentage, parent_id, row_number", "int")
    | fields(
        "name, task_name, key, color, activity_id, schedule_activity_id, resource_name,"
        " full_outline_path, source_uid, wbs, notes",
        "str",
    )
    | fields(
        "start_datetime, finish_datetime, actual_start, actual_finish, baseline_start,"
        " baseline_finish, created_at, updated_at",
        "datetime",
    )
    | fields("pending, critical_path, milestone, has_children, manually_edited", "bool")
    | fields("schedule_duration, start_variance, finish_variance", "float")
    | {"resource_ids": ["int"]}
    | fields("created_by, updated_by", USER)
)

MANPOWER_LOGS = (
    fields("id, num_workers, position", "int")
    | fields("num_hours, man_hours", "num")
    | fields("notes, status", "str")
    | {"date": "date"}
    | fields("datetime, created_at, updated_at, deleted_at", "datetime")
    | fields("vendor, cost_code", REF)
    | fields("user, created_by", USER)
    | {
        "contact": fields("id, login_information_id", "int")
        | fields("name, email, job_title, business_phone, mobile_phone, vendor_name", "str"),
        "location": LOC,
        "trade": TRADE,
        "attachments": [ATT],
        "permissions": {"can_update": "bool", "can_delete": "bool"},
        "custom_fields": CF,
    }
)

NOTES_LOGS = (
    fields("id, position, daily_log_header_id, daily_log_segment_id", "int")
    | fields("comment, status", "str")
    | fields("is_issue_day, created_by_collaborator", "bool")
    | {"date": "date"}
    | fields("datetime, created_at, updated_at", "datetime")
    | {
        "created_by": USER,
        "vendor": REF,
        "location": LOC,
        "daily_log_segment": {"id": "int", "name": "str", "description": "str"}
        | {"deleted": "bool", "deleted_at": "datetime"},
        "attachments": [ATT | {"content_type": "str", "share_url": "str"}],
        "permissions": "obj",
        "custom_fields": CF,
    }
)

# --- 17-22: financials -----------------------------------------------------------------------

BUDGET_VIEWS = (
    fields("id", "int")
    | fields("name, description, role, created_at, updated_at", "str")
    | {"created_by": USER, "links": fields("detail_rows, summary_rows", "str")}
)

BUDGET_DETAIL_ROWS = (
    fields(
        "id, company_id, project_id, wbs_code_id, biller_id, root_cost_code_id, cost_code_id,"
        " category_id",
        "int",
    )
    | fields(
        "company, project, biller, root_cost_code, cost_code, category, cost_code_origin_id,"
        " unbudgeted_reason",
        "str",
    )
    | {"biller_type": enum("Project", "SubJob"), "deletable": "bool"}
    | fields("original_budget_amount, budget_modifications", "num|float")
    | {
        "budget_forecast": {"id": "int"}
        | fields("manual_amount, automatic_amount, amount", "num|float")
        | {"automatically_calculated": "bool"}
        | fields("calculation_strategy, notes", "str"),
        "currency_configuration": CUR,
    }
)

#: ``/budget_views/{id}/budget_detail_columns`` (not a registry resource: one small list).
BUDGET_DETAIL_COLUMNS = (
    fields("id, name", "str")
    | {"position": "int", "type": enum("standard", "source")}
    | fields("aggregatable, filterable, groupable", "bool")
)

PRIME_CONTRACTS = (
    fields("id", "int")
    | fields(
        "number, title, description, inclusions, exclusions, origin_id, origin_data, origin_code",
        "str",
    )
    | {
        "status": enum(
            "Draft", "Out For Bid", "Out For Signature", "Approved", "Complete", "Terminated"
        ),
        "accounting_method": enum("amount", "unit"),
    }
    | fields("executed, private, show_line_items_to_non_admins", "bool")
    | fields("grand_total, approved_change_orders, retainage_percent", "num")
    | fields(
        "contract_date, contract_start_date, contract_estimated_completion_date,"
        " actual_completion_date, contract_termination_date, execution_date, issued_on_date,"
        " letter_of_intent_date, approval_letter_date, returned_date,"
        " signed_contract_received_date",
        "date",
    )
    | fields("created_at, updated_at, deleted_at", "datetime")
    | fields("architect, created_by", USER)
    | {"vendor": VENDOR, "contractor": VENDOR, "attachments": [ATT], "currency_configuration": CUR}
)

COMMITMENT = (
    fields("id", "int")
    | fields("number, title, description, status, origin_id, origin_data, origin_code", "str")
    | {"accounting_method": enum("amount", "unit")}
    | fields("executed, private, requisitions_are_enabled, show_line_items_to_non_admins", "bool")
    | fields(
        "grand_total, revised_contract, approved_change_orders, pending_change_orders,"
        " draft_change_orders_amount, pending_revised_contract, remaining_balance_outstanding,"
        " total_payments, total_requisitions_amount, total_draw_requests_amount,"
        " percentage_paid, retainage_percent",
        "num",
    )
    | fields(
        "contract_date, execution_date, issued_on_date, letter_of_intent_date, returned_date,"
        " signed_contract_received_date",
        "date",
    )
    | {"approval_letter_date": "str"}
    | fields("created_at, updated_at, deleted_at", "datetime")
    | {"project": REF, "vendor": {"id": "int", "company": "str"}, "currency_configuration": CUR}
)
WORK_ORDER_CONTRACTS = (
    COMMITMENT
    | fields("inclusions, exclusions", "str")
    | fields(
        "contract_start_date, contract_estimated_completion_date, actual_completion_date", "date"
    )
)
PURCHASE_ORDER_CONTRACTS = (
    COMMITMENT
    | {"assignee": {"id": "int"}}
    | fields("bill_to_address, ship_to_address, ship_via, payment_terms", "str")
    | {
        "delivery_date": "date",
        "billing_schedule_of_values_status": enum(
            "draft", "under_review", "revise_and_submit", "approved"
        ),
    }
)

CHANGE_EVENT_LINE_ITEM = (
    fields(
        "id, event_id, cost_code_id, line_item_type_id, proposed_vendor_id,"
        " proposed_contract_id, rom",
        "int",
    )
    | fields("number, title, status, description, uom", "str")
    | fields(
        "estimated_cost_amount, commitment_contract_cost, commitment_pco_cost, budget_mod_amount",
        "num",
    )
    | fields(
        "estimated_cost_quantity, estimated_cost_unit_cost, prime_pco_cost, rfq_amount", "float"
    )
    | {"cost_code_is_budgeted": "bool"}
    | fields("vendor, contract, cost_code, budget_code, biller", "obj")
)
CHANGE_EVENTS = (
    fields("id, number, project_id, change_event_origin_id", "int")
    | fields(
        "alphanumeric_number, title, description, status, change_event_origin_type, origin_id,"
        " origin_data",
        "str",
    )
    | {
        "event_type": enum("tbd", "allowance", "contingency", "owner_change", "transfer"),
        "event_scope": enum("tbd", "in_scope", "out_of_scope"),
    }
    | fields("created_at, updated_at, deleted_at", "datetime")
    | {
        "change_event_status": {"id": "int", "name": "str", "mapped_to_status": "str"}
        | {"show_in_select": "bool"},
        "change_order_change_reason": {"id": "int", "company_id": "int"}
        | {"change_reason": "str", "show_in_select": "bool"},
        "rfi": {"id": "int", "number": "int"} | fields("title, full_number, status", "str"),
        "created_by": USER,
        "attachments": [ATT],
        "currency_configuration": CUR,
        "rfqs": [
            {"id": "int", "estimated_amount": "float"} | fields("number, title, status", "str")
        ],
        "change_event_line_items": [CHANGE_EVENT_LINE_ITEM],
    }
)

CHANGE_ORDER = (
    fields(
        "id, batch_id, contract_id, legacy_package_id, legacy_request_id, location_id, revision,"
        " schedule_impact_amount",
        "int",
    )
    | fields("number, title, description, type, status, reference", "str")
    | {"grand_total": "num"}
    | fields("executed, paid, signature_required, private, field_change", "bool")
    | fields(
        "due_date, invoiced_date, revised_substantial_completion_date,"
        " signed_change_order_received_date",
        "date",
    )
    | fields("created_at, updated_at, reviewed_at", "datetime")
    | fields("created_by, designated_reviewer, received_from, reviewed_by", REF)
    | {
        "change_order_change_reason": {"id": "int", "change_reason": "str"},
        "currency_configuration": CUR,
        "custom_fields": CF,
    }
)
COMMITMENT_CHANGE_ORDERS = CHANGE_ORDER
#: Prime change orders add ``paid_date``; generated clients expect ``type`` PrimeChangeOrder.
PRIME_CHANGE_ORDERS = CHANGE_ORDER | {"paid_date": "date", "type": enum("PrimeChangeOrder")}

DIRECT_COSTS = (
    fields("id, vendor_id", "int")
    | fields("amount, grand_total", "num")
    | {
        "direct_cost_type": enum("invoice", "expense", "payroll", "subcontractor_invoice"),
        "status": enum("draft", "pending", "revise_and_resubmit", "approved"),
    }
    | fields(
        "description, invoice_number, terms, origin_id, origin_data, vendor, vendor_name", "str"
    )
    | fields("direct_cost_date, payment_date, received_date", "date")
    | fields("created_at, updated_at, deleted_at", "datetime")
    | {
        "employee": REF,
        "currency_configuration": CUR
        | fields("currency_exchange_rate, base_currency_iso_code", "str"),
    }
)

#: Registry resource -> the fields of its default answer.
REFERENCE: dict[str, dict[str, Spec]] = {
    "companies": COMPANIES,
    "projects": PROJECTS,
    "company_projects": COMPANY_PROJECTS,
    "project_stages": PROJECT_STAGES,
    "company_users": USERS,
    "project_users": USERS,
    "vendors": VENDOR,
    "project_vendors": PROJECT_VENDOR,
    "trades": TRADES,
    "cost_codes": COST_CODES,
    "rfis": RFIS,
    "submittals": SUBMITTALS,
    "submittals_v2": SUBMITTALS_V2,
    "punch_items": PUNCH_ITEMS,
    "observations": OBSERVATIONS,
    "checklists": CHECKLISTS,
    "tasks": TASKS,
    "manpower_logs": MANPOWER_LOGS,
    "notes_logs": NOTES_LOGS,
    "budget_views": BUDGET_VIEWS,
    "budget_detail_rows": BUDGET_DETAIL_ROWS,
    "prime_contracts": PRIME_CONTRACTS,
    "work_order_contracts": WORK_ORDER_CONTRACTS,
    "purchase_order_contracts": PURCHASE_ORDER_CONTRACTS,
    "change_events": CHANGE_EVENTS,
    "commitment_change_orders": COMMITMENT_CHANGE_ORDERS,
    "prime_change_orders": PRIME_CHANGE_ORDERS,
    "direct_costs": DIRECT_COSTS,
}
