"""Lists and paths against the sandbox: every row, the company header, frames, streaming."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from sandboxed import sandbox_client

from procore_nb import Client, ClientConfig, CompanyRequiredError, ConfigurationError
from procore_nb.sandbox import Sandbox

MakeClient = Callable[..., Client]


def _count(sb: Sandbox, key: str) -> int:
    return int(sb.counters()["by_path_status"].get(key, 0))


def test_all_projects_match_total_with_the_header(client: Client, sb: Sandbox) -> None:
    """Every project of the company comes back once, as many as Total, header sent."""
    df = client.projects(status="all", per_page=60)
    assert len(df) == 400
    assert df["id"].is_unique
    assert set(df["company.id"]) == {sb.company_id}
    # 400 rows at 60 a page: 7 pages, each answered 200 (a request without the header is 404).
    assert _count(sb, "GET /rest/v1.0/projects 200") == 7
    assert _count(sb, "GET /rest/v1.0/projects 404") == 0


def test_largest_page_is_asked_for_by_default(client: Client, sb: Sandbox) -> None:
    """Without per_page, the endpoint's largest page makes 400 projects one request."""
    client.projects(status="all")
    assert _count(sb, "GET /rest/v1.0/projects 200") == 1


def test_status_filter(client: Client) -> None:
    """status= selects active, inactive or all projects."""
    active = client.projects()
    inactive = client.projects(status="inactive")
    assert len(active) + len(inactive) == 400
    assert active["active"].all()
    assert not inactive["active"].any()
    with pytest.raises(ConfigurationError, match="status"):
        client.projects(status="archived")


def test_filters_are_wrapped(client: Client) -> None:
    """Keyword filters become filters[...] parameters; lists become arrays."""
    everything = client.projects(status="all")
    some = [int(i) for i in everything["id"].iloc[:3]]
    chosen = client.projects(status="all", id=some)
    assert sorted(chosen["id"]) == sorted(some)
    name = str(everything["name"].iloc[0])
    assert name in set(client.projects(status="all", name=name)["name"])


def test_companies_need_no_company_header(make_client: MakeClient, sb: Sandbox) -> None:
    """A user lists companies and reads /me without choosing a company."""
    client = make_client()
    assert client.company_id is None
    companies = client.companies()
    assert sb.company_id in set(companies["id"])
    assert sb.company_id > 2**32  # ids above 32 bits survive
    assert client.me()["login"] == sb.login


def test_missing_company_fails_before_sending(make_client: MakeClient, sb: Sandbox) -> None:
    """A call that needs Procore-Company-Id and has none fails before any request."""
    client = make_client()
    before = sb.counters()["requests"]
    with pytest.raises(CompanyRequiredError, match="company_id"):
        client.projects()
    with pytest.raises(CompanyRequiredError, match="Nothing was sent"):
        client.frame("/rest/v1.1/projects")
    assert sb.counters()["requests"] == before


def test_company_per_call_and_in_the_path(make_client: MakeClient, sb: Sandbox) -> None:
    """company_id= on a call, or in the path, serves as the header."""
    client = make_client()
    assert len(client.projects(company_id=sb.company_id)) > 0
    stages = client.frame(f"companies/{sb.company_id}/project_stages")
    assert "Course of Construction" in set(stages["name"])


def test_project_stages(client: Client) -> None:
    """project_stages() lists the company's stages in order."""
    stages = client.project_stages()
    assert list(stages["name"])[:3] == ["Bidding", "Pre-Construction", "Course of Construction"]


def test_stage_column_is_ordered_by_the_company_stages(client: Client) -> None:
    """projects() knows the company's stage list: the stage column orders by it."""
    df = client.projects(status="all")
    stage_columns = [c for c in df.columns if c in {"project_stage.name", "stage"}]
    assert stage_columns
    column = df[stage_columns[0]]
    assert isinstance(column.dtype, pd.CategoricalDtype)
    assert column.cat.ordered
    assert list(column.cat.categories)[:2] == ["Bidding", "Pre-Construction"]


def test_frame_attrs_record_the_source(client: Client, sb: Sandbox) -> None:
    """df.attrs says where and when the data came from."""
    df = client.projects(status="all")
    assert df.attrs["environment"] == "custom"
    assert df.attrs["path"] == "/rest/v1.0/projects"
    assert df.attrs["company_id"] == sb.company_id
    assert df.attrs["rows"] == len(df) == 400
    assert pd.Timestamp(df.attrs["fetched_at"]).tzinfo is not None


@pytest.mark.parametrize(
    "path", ["projects", "/projects", "/rest/v1.0/projects", "rest/v1.0/projects"]
)
def test_short_and_full_paths(client: Client, path: str) -> None:
    """Short paths mean /rest/v1.0/...; full ones are used as given."""
    assert len(client.frame(path, {"filters[by_status]": "All"})) == 400


def test_v1_1_and_vapid(client: Client, sb: Sandbox) -> None:
    """Versioned paths keep their version; v1.1 pages at its own maximum of 300."""
    assert len(client.frame("/rest/v1.1/projects", {"filters[by_status]": "All"})) == 400
    assert _count(sb, "GET /rest/v1.1/projects 200") == 2
    assert client.get("/vapid/me")["id"] == 1234567
    assert len(client.frame("/vapid/projects", {"filters[by_status]": "All"})) == 400


def test_absolute_urls_only_on_the_api_host(client: Client, sb: Sandbox) -> None:
    """A full URL on the API host works; any other host never receives the token."""
    assert client.get(f"{sb.url}/rest/v1.0/me")["id"] == 1234567
    with pytest.raises(ConfigurationError, match="Refusing to send the token"):
        client.get("https://elsewhere.example/rest/v1.0/me")


def test_limit_samples_the_first_rows(client: Client, sb: Sandbox) -> None:
    """limit= returns that many rows and fetches only the pages needed."""
    df = client.frame("projects", {"filters[by_status]": "All", "per_page": 50}, limit=120)
    assert len(df) == 120
    assert _count(sb, "GET /rest/v1.0/projects 200") == 3


def test_pages_stream_in_order(client: Client) -> None:
    """pages() yields each page's records in order."""
    pages = list(client.pages("projects", {"filters[by_status]": "All", "per_page": 150}))
    assert [len(p) for p in pages] == [150, 150, 100]
    ids = [r["id"] for p in pages for r in p]
    assert ids == list(client.projects(status="all")["id"])


def test_get_returns_raw_json(client: Client) -> None:
    """get() returns the decoded JSON as Procore sent it."""
    project = client.frame("projects", limit=1)
    one = client.get(f"projects/{int(project['id'].iloc[0])}")
    assert isinstance(one, dict)
    assert one["id"] == int(project["id"].iloc[0])


def test_progress_bar_for_multi_page_pulls(
    make_client: MakeClient, sb: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pull of several pages lasting progress_delay shows a bar sized by Total, unless off."""
    client = make_client(company_id=sb.company_id, config=ClientConfig(progress_delay=0))
    client.frame("projects", {"filters[by_status]": "All", "per_page": 100}, progress=True)
    assert "400/400" in capsys.readouterr().err
    client.frame("projects", {"filters[by_status]": "All", "per_page": 100}, progress=False)
    assert capsys.readouterr().err == ""


def test_no_progress_bar_for_a_quick_pull(
    make_client: MakeClient, sb: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    """A multi-page pull that ends before progress_delay shows no bar at all."""
    client = make_client(company_id=sb.company_id, config=ClientConfig(progress_delay=3600))
    df = client.frame("projects", {"filters[by_status]": "All", "per_page": 100}, progress=True)
    assert len(df) == 400
    assert capsys.readouterr().err == ""


def test_no_progress_bar_for_one_page(
    make_client: MakeClient, sb: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    """A one-page pull shows no bar, even with progress_delay=0."""
    client = make_client(company_id=sb.company_id, config=ClientConfig(progress_delay=0))
    client.frame("projects", {"filters[by_status]": "All"}, progress=True)
    assert capsys.readouterr().err == ""


def test_other_user_sees_only_their_projects(make_client: MakeClient, sb: Sandbox) -> None:
    """A non-admin user's pull is complete for what they may see (Total matches)."""
    client = sandbox_client(sb, login=sb.other_login, password=sb.other_password)
    df = client.projects(status="all", per_page=20)
    assert 0 < len(df) < 400
    assert df["id"].is_unique
