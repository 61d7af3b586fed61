"""The fields of Procore's meetings, as section 26 of the reference lists them: test data.

Written by hand from ``procore-resources.md`` (never derived from the sandbox), in the spec
language of ``reference_shapes``: the list item (v1.1 and the deprecated v1.0), the groups
the list answers, and the show with its attendees, categories and topics.
"""

from __future__ import annotations

from reference_shapes import ATT, USER, Spec, enum, fields

#: The v1.1 list item.
ITEM: dict[str, Spec] = (
    fields(
        "id, meeting_template_id, position, created_by_id, parent_id, meeting_topics_count", "int"
    )
    | fields("title, description, location", "str")
    | {"mode": enum("minutes", "agenda")}
    | fields("occurred, is_private", "bool")
    | fields("starts_at, ends_at, created_at, updated_at", "datetime")
)
#: The deprecated v1.0 item: ``meeting_date`` instead of ``starts_at`` and ``ends_at``.
ITEM_V10: dict[str, Spec] = {k: v for k, v in ITEM.items() if k not in ("starts_at", "ends_at")} | {
    "meeting_date": "date"
}
#: One group of the list's body.
GROUP: dict[str, Spec] = {"group_title": "str", "meetings": [ITEM]}
GROUP_V10: dict[str, Spec] = {"group_title": "str", "meetings": [ITEM_V10]}
#: A topic, inside a category of the show.
TOPIC: dict[str, Spec] = (
    fields("id, position", "int")
    | fields("number, title, minutes, description, download_all_url", "str")
    | {
        "priority": enum("", "High", "Medium", "Low"),
        "status": enum("Open", "On Hold", "Closed"),
        "meeting_category": {"id": "int", "title": "str"},
        "assignments": [USER],
        "attachments": [ATT],
    }
    | fields("created_on, due_date", "date")
)
#: The show: the item and what the show adds.
SHOW: dict[str, Spec] = (
    ITEM
    | fields("time_zone, conclusion, remote_meeting_url", "str")
    | {
        "is_draft": "bool",
        "attachments": [ATT],
        "attendees": [
            {
                "id": "int",
                "status": enum("Present", "Absent", "For Distribution Only", "Conference"),
                "login_information": USER,
            }
        ],
        "meeting_categories": [
            {"id": "int", "position": "int", "title": "str", "meeting_topic": [TOPIC]}
        ],
    }
)
