"""REST resources: bearer tokens, Procore-Company-Id, company_id and who may see what."""

from __future__ import annotations

import requests
from sandbox_http import Get, getter, service_token, sign_in

from procore_nb._constants import DEMO_USER, REQUEST_ID_HEADER
from procore_nb.sandbox import Sandbox

HIDDEN_COMPANY = 8000 + 111 * 3  # the last of the four default companies: the users never see it


def test_me_matches_procores_guide_without_a_company_header(shared: Sandbox, admin: Get) -> None:
    """/rest/v1.0/me and /vapid/me answer the guide's body without Procore-Company-Id."""
    for path in ("/rest/v1.0/me", "/vapid/me"):
        response = admin(path, company=False)
        assert response.status_code == 200
        assert response.json() == DEMO_USER


def test_every_response_carries_a_request_id(shared: Sandbox, admin: Get) -> None:
    """X-Request-Id is on successes and on errors alike."""
    ok = admin("/rest/v1.0/me")
    missing = requests.get(f"{shared.url}/rest/v1.0/me", timeout=10)
    assert ok.headers[REQUEST_ID_HEADER] != missing.headers[REQUEST_ID_HEADER]
    assert requests.get(f"{shared.url}/nowhere", timeout=10).headers[REQUEST_ID_HEADER]


def test_companies_lists_the_visible_ones_with_procores_fields(shared: Sandbox, admin: Get) -> None:
    """The demo user sees three of four companies; exactly the main one is my_company."""
    response = admin("/rest/v1.0/companies", company=False)
    assert response.status_code == 200
    companies = response.json()
    assert companies[0]["id"] == shared.company_id > 2**32
    assert HIDDEN_COMPANY not in {c["id"] for c in companies}
    assert len(companies) == 3
    keys = {"id", "name", "is_active", "logo_url", "pcn_business_experience", "my_company"}
    assert all(set(c) == keys for c in companies)
    assert [c["my_company"] for c in companies].count(True) == 1
    assert response.headers["Total"] == "3"


def test_bad_or_missing_token_is_401_with_www_authenticate(shared: Sandbox) -> None:
    """No token, a wrong token or another scheme answer 401 with a JSON body and a challenge."""
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic eDp5"}):
        response = requests.get(f"{shared.url}/rest/v1.0/me", headers=headers, timeout=10)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert "invalid" in response.json()["errors"]


def test_missing_company_header_is_404(shared: Sandbox, admin: Get) -> None:
    """Projects without Procore-Company-Id answer 404, as observed on Procore."""
    response = admin("/rest/v1.0/projects", company=False, company_id=shared.company_id)
    assert response.status_code == 404
    assert "Procore-Company-Id" in response.json()["errors"]


def test_a_company_the_user_cannot_see_is_403(shared: Sandbox, admin: Get) -> None:
    """Header or company_id naming a hidden company: 403 'App is not connected'."""
    by_header = admin("/rest/v1.0/projects", company=HIDDEN_COMPANY, company_id=HIDDEN_COMPANY)
    assert by_header.status_code == 403
    assert by_header.json() == {"errors": ["App is not connected to this company."]}
    by_param = admin("/rest/v1.0/projects", company_id=HIDDEN_COMPANY)
    assert by_param.status_code == 403
    stages = admin(f"/rest/v1.0/companies/{HIDDEN_COMPANY}/project_stages", company=False)
    assert stages.status_code == 404  # header required first
    stages = admin(f"/rest/v1.0/companies/{HIDDEN_COMPANY}/project_stages")
    assert stages.status_code == 403


def test_company_id_is_required_and_must_match_the_header(shared: Sandbox, admin: Get) -> None:
    """Missing company_id is 400 with field errors; one that differs from the header is 400."""
    missing = admin("/rest/v1.0/projects")
    assert missing.status_code == 400
    assert missing.json() == {"errors": {"company_id": ["is missing"]}}
    other = admin("/rest/v1.0/companies", company=False).json()[1]["id"]
    mismatch = admin("/rest/v1.0/projects", company_id=other)
    assert mismatch.status_code == 400
    assert "company_id" in mismatch.json()["errors"]
    assert admin("/rest/v1.0/projects", company_id="abc").status_code == 400


def test_a_project_of_another_company_is_404(shared: Sandbox, admin: Get) -> None:
    """The show endpoint finds projects only in the named company."""
    other = admin("/rest/v1.0/companies", company=False).json()[1]["id"]
    foreign = admin("/rest/v1.0/projects", company=other, company_id=other).json()[0]["id"]
    assert admin(f"/rest/v1.0/projects/{foreign}", company_id=shared.company_id).status_code == 404
    found = admin(f"/rest/v1.0/projects/{foreign}", company=other, company_id=other)
    assert found.status_code == 200
    assert found.json()["company"]["id"] == other


def test_show_project_returns_the_list_fields_and_detail(shared: Sandbox, admin: Get) -> None:
    """GET /projects/{id} includes every list field plus detail fields, inactive ones too."""
    listed = admin(
        "/rest/v1.0/projects", company_id=shared.company_id, **{"filters[by_status]": "Inactive"}
    )
    item = listed.json()[0]
    shown = admin(f"/rest/v1.0/projects/{item['id']}", company_id=shared.company_id)
    assert shown.status_code == 200
    assert shown.json().items() >= item.items()
    assert "square_feet" in shown.json()
    assert admin("/rest/v1.0/projects/1", company_id=shared.company_id).status_code == 404


def test_vapid_projects_works_with_company_id_alone(shared: Sandbox, admin: Get) -> None:
    """/vapid/projects predates the header: company_id is enough."""
    response = admin("/vapid/projects", company=False, company_id=shared.company_id)
    assert response.status_code == 200
    assert response.json()[0]["company"]["id"] == shared.company_id


def test_project_stages_are_procores_defaults(shared: Sandbox, admin: Get) -> None:
    """project_stages lists the default stages with ids, names and categories."""
    response = admin(f"/rest/v1.0/companies/{shared.company_id}/project_stages")
    assert response.status_code == 200
    names = [stage["name"] for stage in response.json()]
    assert "Course of Construction" in names
    assert "Canceled" in names
    documented = {"id", "name", "category", "is_bidding_stage", "is_concept_stage", "readonly"}
    documented |= {"default_stage", "hideable", "has_rfi_prefixes", "project_stage_has_children"}
    assert all(set(stage) == documented for stage in response.json())
    bidding = [s for s in response.json() if s["is_bidding_stage"]]
    assert [s["name"] for s in bidding] == ["Bidding"]


def test_the_other_user_sees_only_their_projects(shared: Sandbox, admin: Get) -> None:
    """A non-admin sees a strict subset of the company's projects, only in the main company."""
    token = sign_in(shared, login=shared.other_login, password=shared.other_password)
    other = getter(shared, token["access_token"])
    params = {"company_id": shared.company_id, "per_page": 1000, "filters[by_status]": "All"}
    everything = {p["id"] for p in admin("/rest/v1.0/projects", **params).json()}
    theirs = {p["id"] for p in other("/rest/v1.0/projects", **params).json()}
    assert theirs
    assert theirs < everything
    hidden = min(everything - theirs)
    assert other(f"/rest/v1.0/projects/{hidden}", company_id=shared.company_id).status_code == 404
    assert len(other("/rest/v1.0/companies", company=False).json()) == 1
    assert other("/rest/v1.0/me", company=False).json()["login"] == shared.other_login


def test_service_account_needs_the_header_on_companies_too(shared: Sandbox) -> None:
    """A service account gets 404 on /companies without the header and its company with it."""
    service = getter(shared, service_token(shared))
    assert service("/rest/v1.0/companies", company=False).status_code == 404
    companies = service("/rest/v1.0/companies").json()
    assert [c["id"] for c in companies] == [shared.company_id]
    projects = service("/rest/v1.0/projects", company_id=shared.company_id)
    assert projects.status_code == 200
    assert int(projects.headers["Total"]) > 0


def test_unknown_paths_are_json_404(shared: Sandbox) -> None:
    """Unknown paths answer 404 with a JSON errors body."""
    response = requests.get(f"{shared.url}/rest/v1.0/nothing", timeout=10)
    assert response.status_code == 404
    assert "errors" in response.json()
