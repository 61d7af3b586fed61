"""Procore's "Making your first call" walkthrough with curl, word for word but the host."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator

import pytest

from procore_nb._constants import DEMO_USER
from procore_nb.sandbox import Sandbox

GUIDE_FIELDS = (
    "id", "name", "display_name", "address", "city", "state_code", "latitude", "longitude",
    "stage", "created_at", "updated_at", "active", "company",
)  # fmt: skip


def _curl(*args: str) -> str:
    assert shutil.which("curl"), "these tests run the guide's commands with curl: install curl"
    done = subprocess.run(
        ["curl", "--silent", "--show-error", *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return done.stdout


def _token(sb: Sandbox) -> dict[str, object]:
    code = sb.authorize()  # step 1 happens in a browser; this submits the same form
    token_json = _curl(
        "-F", "grant_type=authorization_code",
        "-F", f"client_id={sb.client_id}",
        "-F", f"client_secret={sb.client_secret}",
        "-F", f"code={code}",
        "-F", "redirect_uri=urn:ietf:wg:oauth:2.0:oob",
        "-X", "POST", f"{sb.url}/oauth/token",
    )  # fmt: skip
    token: dict[str, object] = json.loads(token_json)
    return token


@pytest.fixture(scope="module")
def served() -> Iterator[Sandbox]:
    """The sandbox as a newcomer runs it: a separate process, as `procore-nb sandbox` does."""
    with Sandbox(process=True, projects=40) as sb:
        yield sb


def test_the_guides_curl_commands_work_against_the_sandbox(served: Sandbox) -> None:
    """curl -F … /oauth/token, then /vapid/me and /vapid/projects?company_id= as in the guide."""
    token = _token(served)
    assert set(token) == {"access_token", "token_type", "expires_in", "refresh_token", "created_at"}
    bearer = f"Authorization: Bearer {token['access_token']}"
    me = json.loads(_curl("-H", bearer, "-X", "GET", f"{served.url}/vapid/me"))
    assert me == DEMO_USER
    assert json.loads(_curl("-H", bearer, "-X", "GET", f"{served.url}/rest/v1.0/me")) == me
    url = f"{served.url}/vapid/projects?company_id={served.company_id}"
    projects = json.loads(_curl("-H", bearer, "-X", "GET", url))
    assert projects
    assert all(field in projects[0] for field in GUIDE_FIELDS)
    assert projects[0]["company"]["id"] == served.company_id


def test_the_guides_projects_call_with_the_company_header(served: Sandbox) -> None:
    """/rest/v1.0/projects?company_id= with Procore-Company-Id, as the guide's Postman step."""
    token = _token(served)
    answer = _curl(
        "-i",
        "-H", f"Authorization: Bearer {token['access_token']}",
        "-H", f"Procore-Company-Id: {served.company_id}",
        f"{served.url}/rest/v1.0/projects?company_id={served.company_id}",
    )  # fmt: skip
    head, _, body = answer.partition("\n\n")  # text mode has turned CRLF into LF
    assert head.startswith("HTTP/1.1 200")
    assert "total:" in head.lower()
    assert json.loads(body)[0]["company"]["id"] == served.company_id
