"""Meetings through the client: grouped pages read as rows, and topics read from each show."""

from __future__ import annotations

import threading
from typing import Any

import pandas as pd
import pytest
import requests
from resource_counts import server_count

import procore_nb
from procore_nb import ConfigurationError, PartialPullError, PermissionDeniedError
from procore_nb._constants import COMPANY_HEADER, TOTAL_HEADER
from procore_nb._registry import registry
from procore_nb.api._paths import Endpoint
from procore_nb.sandbox import Sandbox

Record = dict[str, Any]


def _building(client: procore_nb.Client) -> list[int]:
    listed = client.projects()
    return [
        int(i) for i in listed.loc[listed["stage"].astype(str) == "Course of Construction", "id"]
    ]


def _get(sb: Sandbox, client: procore_nb.Client, path: str, **params: Any) -> requests.Response:
    """The sandbox's own answer over plain HTTP (not through the client)."""
    token = client.token
    assert token is not None
    headers = {"Authorization": f"Bearer {token.access_token}", COMPANY_HEADER: str(sb.company_id)}
    answer = requests.get(sb.url + path, headers=headers, params=params, timeout=30)
    answer.raise_for_status()
    return answer


def _shown_topics(
    sb: Sandbox, client: procore_nb.Client, project: int, meeting: int
) -> list[Record]:
    show = _get(sb, client, f"/rest/v1.1/projects/{project}/meetings/{meeting}").json()
    return [t for c in show["meeting_categories"] for t in c["meeting_topic"]]


def test_grouped_pages_are_rows_equal_to_total(client: procore_nb.Client, sb: Sandbox) -> None:
    """Small pages of groups read as one row per meeting, as many as Total, with group_title."""
    project = _building(client)[0]
    df = client.frame("meetings", projects=[project], per_page=5, progress=False)
    answer = _get(sb, client, f"/rest/v1.1/projects/{project}/meetings", per_page=1000)
    groups = answer.json()
    assert len(df) == int(answer.headers[TOTAL_HEADER]) > 5
    assert list(df["id"]) == [m["id"] for g in groups for m in g["meetings"]]
    titles = [g["group_title"] for g in groups for _ in g["meetings"]]
    assert list(df["group_title"]) == titles
    assert str(df["group_title"].dtype) == "string"
    assert df["starts_at"].notna().all()
    assert df.attrs["rows"] == len(df)


def test_a_raw_meetings_path_is_flattened_and_typed(client: procore_nb.Client) -> None:
    """A raw path that fills the meetings template reads the same rows as the registry name."""
    project = _building(client)[0]
    raw = client.frame(f"/rest/v1.1/projects/{project}/meetings", {"per_page": 7})
    named = client.frame("meetings", projects=[project], progress=False)
    assert list(raw["id"]) == list(named["id"])
    assert list(raw["group_title"]) == list(named["group_title"])
    assert str(raw["starts_at"].dtype) == "datetime64[ns, UTC]"
    # One meeting of each series: as many groups as meetings, so Total alone cannot tell.
    one_each = named.drop_duplicates("group_title")["id"].tolist()
    assert len(one_each) == 2
    path = f"/rest/v1.1/projects/{project}/meetings"
    pair = client.frame(path, {"filters[id]": ",".join(map(str, one_each))})
    assert list(pair["id"]) == one_each
    assert "meetings" not in pair.columns


def test_deleted_only_reads_the_one_object(client: procore_nb.Client, sb: Sandbox) -> None:
    """deleted_only=True reads {meetings: [...]}: the deleted meetings, none of the others."""
    projects = _building(client)
    df = client.frame("meetings", projects=projects, deleted_only=True, progress=False)
    live = client.frame("meetings", projects=projects, progress=False)
    expected = 0
    for project in projects:
        path = f"/rest/v1.1/projects/{project}/meetings"
        expected += len(
            _get(sb, client, path, deleted_only="true", per_page=1000).json()["meetings"]
        )
    assert len(df) == expected > 0
    assert not set(df["id"]) & set(live["id"])
    assert df["group_title"].isna().all()


@pytest.mark.parametrize(
    ("body", "rows"),
    [
        (
            [
                {"group_title": "A", "meetings": [{"id": 1}, {"id": 2}]},
                {"group_title": "B", "meetings": []},
            ],
            2,
        ),
        ({"meetings": [{"id": 3}]}, 1),
        ([{"group_title": "A", "meetings": [{"id": 1}]}, {"group_title": "C"}], 2),
    ],
)
def test_groups_are_opened_and_nothing_is_dropped(body: Any, rows: int) -> None:
    """Groups open into their records; a group without its list stays a row, never dropped."""
    opened = Endpoint("/rest/v1.1/projects/1/meetings", "v1.1", groups="meetings").unwrap(body)
    assert len(opened) == rows
    assert all("id" in r or r == {"group_title": "C"} for r in opened)


def test_topics_are_one_show_per_meeting_named(client: procore_nb.Client, sb: Sandbox) -> None:
    """meeting_id=[a, b] costs the list once and one show each; rows are their topics."""
    project = _building(client)[0]
    meetings = client.frame("meetings", projects=[project], progress=False)
    wanted = [int(meetings["id"].iloc[0]), int(meetings["id"].iloc[-1])]
    sb.reset_counters()
    topics = client.frame("meeting_topics", projects=[project], meeting_id=wanted, progress=False)
    counted = sb.counters()["by_path"]
    assert counted[f"/rest/v1.1/projects/{project}/meetings"] == 1
    assert sum(n for p, n in counted.items() if "/meetings/" in p) == 2
    expected = [t for m in wanted for t in _shown_topics(sb, client, project, m)]
    assert list(topics["id"]) == [t["id"] for t in expected]
    assert list(topics["status"]) == [t["status"] for t in expected]
    assert set(topics["meeting_id"]) == set(wanted)
    titles = dict(zip(meetings["id"], meetings["title"], strict=True))
    assert all(topics["meeting_title"] == topics["meeting_id"].map(titles))
    assert str(topics["due_date"].dtype) == "datetime64[ns, UTC]"
    assert topics["meeting_category.title"].notna().all()
    names = [", ".join(a["name"] for a in t["assignments"]) or None for t in expected]
    assert topics["assignee_names"].tolist() == [pd.NA if n is None else n for n in names]
    assert topics["assignee_names"].notna().any()


def test_topics_fan_out_over_projects_and_meetings(client: procore_nb.Client, sb: Sandbox) -> None:
    """Without meeting_id, every meeting of every project is shown: rows are all their topics."""
    projects = _building(client)[:2]
    topics = client.frame("meeting_topics", projects=projects, progress=False)
    entry = registry()["meeting_topics"]
    for project in projects:
        mine = topics[topics["project_id"] == project]
        assert len(mine) == server_count(sb, client, entry, project) > 0
    meetings = client.frame("meetings", projects=projects, progress=False)
    assert set(topics["meeting_id"]) == set(
        meetings.loc[meetings["meeting_topics_count"] > 0, "id"]
    )
    assert topics["id"].is_unique


def test_many_meetings_named_across_projects_are_kept_from_each_list(
    client: procore_nb.Client, sb: Sandbox
) -> None:
    """Past 100 ids, the named meetings are kept from each project's list (no 2,000-id address);
    the rows are the same, the list still one request a page."""
    projects = _building(client)[:3]
    meetings = client.frame("meetings", projects=projects, progress=False)
    named = [int(i) for i in meetings["id"]][::2]
    assert len(named) > 100
    sent: list[str] = []
    http = client._session.transport.session  # the requests session: note each address sent
    http.hooks["response"].append(lambda answer, **_: sent.append(answer.request.url))
    sb.reset_counters()
    try:
        topics = client.frame("meeting_topics", projects=projects, meeting_id=named, progress=False)
    finally:
        http.hooks["response"].pop()
    counted = sb.counters()["by_path"]
    assert all(counted[f"/rest/v1.1/projects/{p}/meetings"] == 1 for p in projects)
    assert max(len(url) for url in sent) < 500
    shown = {int(p.rsplit("/", 1)[1]) for p in counted if "/meetings/" in p}
    assert shown == set(named)
    every = client.frame("meeting_topics", projects=projects, progress=False)
    expected = every[every["meeting_id"].isin(named)].reset_index(drop=True)
    pd.testing.assert_frame_equal(topics.reset_index(drop=True), expected, check_like=True)


def test_topics_of_a_project_with_the_tool_off_are_skipped(
    client: procore_nb.Client, sb: Sandbox
) -> None:
    """A project whose meetings tool is off is skipped with its 403; the others are read."""
    first, second = _building(client)[:2]
    sb.set_tool(second, "meetings", enabled=False)
    try:
        with pytest.warns(UserWarning, match="skipped"):
            topics = client.frame(
                "meeting_topics", projects=[first, second], meeting_id=[1], progress=False
            )
    finally:
        sb.set_tool(second, "meetings", enabled=True)
    assert topics.empty
    assert [s["project_id"] for s in topics.attrs["skipped"]] == [second]
    assert topics.attrs["skipped"][0]["status"] == 403


@pytest.mark.parametrize("value", [[], "x", [1, 2.5], True])
def test_a_bad_meeting_id_is_refused_before_sending(
    client: procore_nb.Client, sb: Sandbox, value: Any
) -> None:
    """meeting_id= takes ids only; anything else is a ConfigurationError and sends nothing."""
    sb.reset_counters()
    projects = _building(client)[:1]
    with pytest.raises(ConfigurationError, match="meeting_id"):
        client.frame("meeting_topics", projects=projects, meeting_id=value)
    assert not any("meetings" in p for p in sb.counters()["by_path"])


def test_meetings_frame_columns_follow_the_registry(client: procore_nb.Client) -> None:
    """The meetings frame holds the registry's columns, project first."""
    df = client.frame("meetings", projects=_building(client)[:1], progress=False)
    assert list(df.columns) == ["project_id", "project_name", *registry()["meetings"].columns]
    assert isinstance(df, pd.DataFrame)


def test_the_topics_call_says_what_meeting_id_costs(client: procore_nb.Client) -> None:
    """client.r.meeting_topics? names meeting_id and its cost, one request per meeting."""
    doc = client.r.meeting_topics.__doc__ or ""
    assert "meeting_id : int or list of int" in doc
    assert "one request each" in doc
    assert "first meetings" not in doc


def test_a_raw_show_path_reads_its_topics(client: procore_nb.Client, sb: Sandbox) -> None:
    """A meeting's show as a raw path reads its topics, typed as meeting_topics, in one request."""
    project = _building(client)[0]
    meeting = int(client.frame("meetings", projects=[project], progress=False)["id"].iloc[-1])
    path = f"/rest/v1.1/projects/{project}/meetings/{meeting}"
    sb.reset_counters()
    topics = client.frame(path)
    assert sb.counters()["requests"] == 1
    assert list(topics["id"]) == [t["id"] for t in _shown_topics(sb, client, project, meeting)]
    assert set(topics["meeting_id"]) == {meeting}
    assert str(topics["created_on"].dtype) == "datetime64[ns, UTC]"
    assert len(client.frame(path, limit=1)) == 1


def test_pages_of_meetings_yield_meetings(client: procore_nb.Client) -> None:
    """client.pages() of the meetings path yields meetings page by page, not their groups."""
    project = _building(client)[0]
    path = f"/rest/v1.1/projects/{project}/meetings"
    pages = list(client.pages(path, {"per_page": 9}))
    whole = client.frame("meetings", projects=[project], progress=False)
    assert [len(p) for p in pages[:-1]] == [9] * (len(pages) - 1)
    assert [m["id"] for p in pages for m in p] == list(whole["id"])
    assert all("group_title" in m and "meetings" not in m for p in pages for m in p)


def test_a_refused_show_stops_the_shows_still_waiting(
    client: procore_nb.Client, sb: Sandbox
) -> None:
    """When a show is refused mid-pull, the pull raises and the shows not yet sent never go."""
    project = max(_building(client), key=lambda p: len(client.frame("meetings", projects=[p])))
    count = len(client.frame("meetings", projects=[project], progress=False))
    listing = f"/rest/v1.1/projects/{project}/meetings"
    sb.reset_counters()
    sb.configure(latency=0.2)
    failure: list[BaseException] = []

    def refuse_after_the_list(answer: requests.Response, **_: Any) -> None:
        """Switch the tool off the moment the list is answered, before any show is sent."""
        if answer.request.path_url.split("?")[0] == listing:
            sb.set_tool(project, "meetings", enabled=False)

    def pull() -> None:
        try:
            client.frame("meeting_topics", projects=[project], errors="raise", progress=False)
        except procore_nb.ProcoreError as exc:
            failure.append(exc)

    http = client._session.transport.session  # the requests session the client sends with
    http.hooks["response"].append(refuse_after_the_list)
    worker = threading.Thread(target=pull)
    worker.start()
    try:
        worker.join(timeout=60)
    finally:
        http.hooks["response"].remove(refuse_after_the_list)
        sb.set_tool(project, "meetings", enabled=True)
    assert not worker.is_alive()
    assert isinstance(failure[0], PartialPullError)
    assert isinstance(failure[0].__cause__, PermissionDeniedError)
    shows = sum(n for p, n in sb.counters()["by_path"].items() if p.startswith(listing + "/"))
    assert shows < count - 8
