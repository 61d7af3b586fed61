"""Meetings in the sandbox: Procore's grouped list, deleted meetings, the v1.0 path, the show.

Every field, JSON type and enum is checked against section 26 of the reference
(``meeting_shapes``) on real answers over HTTP; then paging (a page counts meetings), filters,
views, the tool switch, unknown ids, and the data's course over a project's life.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from meeting_shapes import GROUP, GROUP_V10, ITEM, SHOW
from sandbox_http import Get, getter, sign_in
from sandboxed import TODAY
from test_fields import check

from procore_nb.sandbox import Sandbox

Record = dict[str, Any]
_LIST = "/rest/v1.1/projects/{}/meetings"


def _projects(admin: Get, sb: Sandbox, stages: tuple[str, ...]) -> list[int]:
    """Projects in ``stages`` whose tools are all on."""
    listed = admin("/rest/v1.0/projects", company_id=sb.company_id, per_page=1000).json()
    disabled = {d["project_id"] for d in sb.disabled_tools()}
    return [p["id"] for p in listed if p["stage"] in stages and p["id"] not in disabled]


@pytest.fixture(scope="module")
def building(shared: Sandbox, admin: Get) -> list[int]:
    """Four projects under construction."""
    return _projects(admin, shared, ("Course of Construction",))[:4]


@pytest.fixture(scope="module")
def completed(shared: Sandbox, admin: Get) -> list[int]:
    """Three completed projects."""
    return _projects(admin, shared, ("Completed",))[:3]


def _groups(admin: Get, project: int, **params: Any) -> list[Record]:
    answer = admin(_LIST.format(project), per_page=1000, **params)
    assert answer.status_code == 200, answer.text
    body: list[Record] = answer.json()
    assert int(answer.headers["Total"]) == sum(len(g["meetings"]) for g in body)
    return body


def _meetings(admin: Get, project: int, **params: Any) -> list[Record]:
    return [m for group in _groups(admin, project, **params) for m in group["meetings"]]


def _show(admin: Get, project: int, meeting: int) -> Record:
    answer = admin(f"{_LIST.format(project)}/{meeting}")
    assert answer.status_code == 200, answer.text
    body: Record = answer.json()
    return body


def _topics(show: Record) -> list[Record]:
    return [t for category in show["meeting_categories"] for t in category["meeting_topic"]]


# --- fields, types and enums ------------------------------------------------------------------


def test_list_answers_groups_of_items(
    admin: Get, building: list[int], completed: list[int]
) -> None:
    """The list is [{group_title, meetings: [item]}] with every item field of section 26."""
    for project in [*building, *completed]:
        body = _groups(admin, project)
        check(body, GROUP, f"meetings of {project}")
        titles = [g["group_title"] for g in body]
        assert len(titles) == len(set(titles)), "one group per series on one page"
        for group in body:
            assert all(set(m) == set(ITEM) for m in group["meetings"])


def test_show_fields_attendees_and_topics(admin: Get, building: list[int]) -> None:
    """The show has the item, attendees and categories of topics, each field as listed."""
    shows: list[Record] = []
    for project in building:
        meetings = _meetings(admin, project)
        for meeting in meetings[:: max(1, len(meetings) // 6)]:
            shown = _show(admin, project, meeting["id"])
            assert {k: shown[k] for k in ITEM} == meeting
            assert shown["meeting_topics_count"] == len(_topics(shown))
            shows.append(shown)
    check(shows, SHOW, "meeting show")
    topics = [t for s in shows for t in _topics(s)]
    assert {t["status"] for t in topics} == {"Open", "On Hold", "Closed"}
    assert {t["priority"] for t in topics} == {"", "High", "Medium", "Low"}
    assert {a["status"] for s in shows for a in s["attendees"]} >= {"Present", "Absent"}
    for show in shows:
        for category in show["meeting_categories"]:
            assert {t["meeting_category"]["id"] for t in category["meeting_topic"]} <= {
                category["id"]
            }


def test_deprecated_v10_list(admin: Get, building: list[int]) -> None:
    """/rest/v1.0/meetings?project_id= answers the same groups with meeting_date items."""
    project = building[0]
    answer = admin("/rest/v1.0/meetings", project_id=project, per_page=1000)
    assert answer.status_code == 200, answer.text
    check(answer.json(), GROUP_V10, "v1.0 meetings")
    older = [m for g in answer.json() for m in g["meetings"]]
    newer = _meetings(admin, project)
    assert [m["id"] for m in older] == [m["id"] for m in newer]
    assert not {"starts_at", "ends_at"} & {k for m in older for k in m}
    assert [m["meeting_date"] for m in older] == [m["starts_at"][:10] for m in newer]
    assert admin("/rest/v1.0/meetings").status_code == 400  # project_id is required


def test_deleted_only_is_one_object_of_deleted_meetings(
    admin: Get, building: list[int], completed: list[int]
) -> None:
    """deleted_only=true answers {meetings: [item]} of deleted meetings, absent from the list."""
    found = 0
    for project in [*building, *completed]:
        answer = admin(_LIST.format(project), deleted_only="true", per_page=1000)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert isinstance(body, dict)
        assert list(body) == ["meetings"]
        assert int(answer.headers["Total"]) == len(body["meetings"])
        if body["meetings"]:
            check(body["meetings"], ITEM, "deleted meetings")
        gone = {m["id"] for m in body["meetings"]}
        assert not gone & {m["id"] for m in _meetings(admin, project)}
        for meeting in list(gone)[:2]:
            assert admin(f"{_LIST.format(project)}/{meeting}").status_code == 404
        found += len(gone)
    assert found > 0
    bad = admin(_LIST.format(building[0]), deleted_only="maybe")
    assert bad.status_code == 400
    assert "deleted_only" in bad.json()["errors"]


# --- paging, filters, views -------------------------------------------------------------------


def test_a_page_counts_meetings_and_regroups_them(admin: Get, building: list[int]) -> None:
    """Pages of 7 meetings follow Link to the end; their meetings are Total, in order."""
    project = max(building, key=lambda p: len(_meetings(admin, project=p)))
    whole = _meetings(admin, project)
    seen: list[Record] = []
    pages: list[list[Record]] = []
    number: int | None = 1
    while number is not None:
        answer = admin(_LIST.format(project), per_page=7, page=number)
        assert answer.status_code == 200, answer.text
        assert int(answer.headers["Total"]) == len(whole)
        body = answer.json()
        assert 0 < sum(len(g["meetings"]) for g in body) <= 7
        pages.append(body)
        seen += [{**m, "group_title": g["group_title"]} for g in body for m in g["meetings"]]
        after = answer.links.get("next")
        number = int(parse_qs(urlsplit(after["url"]).query)["page"][0]) if after else None
    assert [m["id"] for m in seen] == [m["id"] for m in whole]
    assert len(pages) == -(-len(whole) // 7)
    split = [
        n
        for n in range(1, len(pages))
        if pages[n][0]["group_title"] == pages[n - 1][-1]["group_title"]
    ]
    assert split, "a series cut by a page boundary keeps its title on both pages"


def test_filters_id_and_assignee(admin: Get, building: list[int]) -> None:
    """filters[id] keeps the meetings named; filters[assignee_id] those with a topic of theirs."""
    project = building[0]
    meetings = _meetings(admin, project)
    wanted = [meetings[1]["id"], meetings[-1]["id"]]
    named = _meetings(admin, project, **{"filters[id]": ",".join(map(str, wanted))})
    assert sorted(m["id"] for m in named) == sorted(wanted)
    shows = [_show(admin, project, m["id"]) for m in meetings]
    person = next(t["assignments"] for s in shows for t in _topics(s) if t["assignments"])
    user = person[0]["id"]
    theirs = _meetings(admin, project, **{"filters[assignee_id]": user})
    expected = [
        s["id"] for s in shows if any(a["id"] == user for t in _topics(s) for a in t["assignments"])
    ]
    assert sorted(m["id"] for m in theirs) == sorted(expected)
    assert 0 < len(theirs) < len(meetings)
    assert admin(_LIST.format(project), **{"filters[id]": "x"}).status_code == 400


def test_serializer_views(admin: Get, building: list[int]) -> None:
    """normal is the item; extended adds the meeting's template; another view is a 400."""
    project = building[0]
    normal = _meetings(admin, project, serializer_view="normal")
    extended = _meetings(admin, project, serializer_view="extended")
    assert normal == _meetings(admin, project)
    assert [m["id"] for m in extended] == [m["id"] for m in normal]
    assert set(extended[0]) - set(normal[0]) == {"meeting_template"}
    assert extended[0]["meeting_template"]["id"] == normal[0]["meeting_template_id"]
    assert admin(_LIST.format(project), serializer_view="compact").status_code == 400


def test_tool_off_is_403_and_unknown_ids_404(sb: Sandbox) -> None:
    """With the meetings tool off every meeting path is 403; unknown projects and meetings 404."""
    get = getter(sb, sign_in(sb)["access_token"])
    project = _projects(get, sb, ("Course of Construction",))[0]
    meeting = _meetings(get, project)[0]["id"]
    paths = [_LIST.format(project), f"{_LIST.format(project)}/{meeting}"]
    sb.set_tool(project, "meetings", enabled=False)
    for path in paths:
        answer = get(path)
        assert answer.status_code == 403, path
        assert "meetings" in answer.json()["errors"][0]
    assert get("/rest/v1.0/meetings", project_id=project).status_code == 403
    sb.set_tool(project, "meetings", enabled=True)
    assert get(paths[1]).status_code == 200
    assert get(_LIST.format(1)).status_code == 404
    assert get(f"{_LIST.format(project)}/1").status_code == 404
    assert get(f"{_LIST.format(1)}/{meeting}").status_code == 404


# --- the data over a project's life -----------------------------------------------------------


def test_weekly_meetings_until_today(admin: Get, building: list[int]) -> None:
    """OAC meetings are weekly up to the next one on the agenda; the rest have occurred."""
    today = TODAY.isoformat()
    for project in building:
        oac = [m for m in _meetings(admin, project) if m["title"].startswith("OAC")]
        days = [dt.date.fromisoformat(m["starts_at"][:10]) for m in oac]
        gaps = {(b - a).days for a, b in itertools.pairwise(days)}
        assert gaps <= {7, 14}  # a deleted meeting leaves a fortnight
        assert oac[-1]["mode"] == "agenda"
        assert not oac[-1]["occurred"]
        assert oac[-1]["starts_at"][:10] >= today
        assert all(m["occurred"] and m["starts_at"][:10] < today for m in oac[:-1])
        assert all(m["created_at"] < today and m["updated_at"] < today for m in oac)


def test_open_topics_are_recent_and_a_completed_project_is_closed(
    admin: Get, building: list[int], completed: list[int]
) -> None:
    """Open topics come from recent meetings, closed ones older; finished projects have no open."""
    ages: dict[str, list[int]] = {"Open": [], "Closed": []}
    for project in building[:2]:
        for meeting in _meetings(admin, project):
            for topic in _topics(_show(admin, project, meeting["id"])):
                if topic["status"] in ages:
                    age = (TODAY - dt.date.fromisoformat(topic["created_on"])).days
                    ages[topic["status"]].append(age)
    assert ages["Open"]
    assert ages["Closed"]
    assert sorted(ages["Open"])[len(ages["Open"]) // 2] < 60
    assert sum(ages["Open"]) / len(ages["Open"]) < sum(ages["Closed"]) / len(ages["Closed"])
    for project in completed:
        meetings = _meetings(admin, project)
        assert meetings
        assert all(m["occurred"] for m in meetings)
        statuses = {
            t["status"] for m in meetings[-5:] for t in _topics(_show(admin, project, m["id"]))
        }
        assert statuses == {"Closed"}


def test_a_meeting_made_by_mutate_is_next_weeks_with_topics_of_its_own(sb: Sandbox) -> None:
    """/_sandbox/mutate adds next week's OAC meeting, its topic ids new to the project."""
    sb.configure(rate_limit_spike=100_000)  # every meeting's show is read below
    get = getter(sb, sign_in(sb)["access_token"])
    project = _projects(get, sb, ("Course of Construction",))[0]
    before = _meetings(get, project)
    done = sb.mutate("meetings", project_id=project, create=1)
    after = _meetings(get, project)
    assert len(after) == len(before) + 1
    made = _show(get, project, done["created"][0])
    check([made], SHOW, "made meeting")
    assert made["mode"] == "agenda"
    assert made["starts_at"][:10] > TODAY.isoformat()
    topics = [t["id"] for m in after for t in _topics(_show(get, project, m["id"]))]
    assert len(topics) == len(set(topics))
    assert {t["id"] for t in _topics(made)}
