"""The explorer cell, driven through its widgets against the sandbox."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import warnings

from ipywidgets.embed import dependency_state

import procore_nb
from procore_nb import Client
from procore_nb.explorer import Explorer, Pick, curl_command, python_line
from procore_nb.sandbox import Sandbox


def _quiet_frame(client: Client, *args: object, **kwargs: object) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return client.frame(*args, **kwargs)  # type: ignore[arg-type]


def test_import_does_not_load_ipywidgets() -> None:
    """``import procore_nb`` leaves ipywidgets unloaded; explore loads it when called."""
    code = "import sys, procore_nb; procore_nb.explore; print('ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_load_shows_the_count_and_first_rows(client: Client) -> None:
    """Open RFIs of all active projects: the count and first rows are the frame's."""
    ex = procore_nb.explore(client)
    assert isinstance(ex, Explorer)
    ex.resource.value = "rfis"
    ex.project.value = "active"
    ex.filter_widget("status").value = "open"
    ex.load.click()
    expected = _quiet_frame(client, "rfis", projects="active", status="open")
    assert len(expected) > 0
    assert f"<b>{len(expected):,} rows</b> of RFIs" in ex.count.value
    assert f"from {expected['project_id'].nunique():,} projects" in ex.count.value
    assert len(ex.frame) == len(expected)
    assert str(expected["id"].iloc[0]) in ex.rows.value
    assert ex.rows.value.count("<tr") == 11  # the header and ten rows


def test_copy_as_python_reproduces_the_frame(client: Client) -> None:
    """The Python line, run, reads the frame the explorer shows."""
    ex = procore_nb.explore(client)
    ex.resource.value = "rfis"
    ex.filter_widget("status").value = "closed"
    start, _end = ex.filter_widget("created_at").children
    start.value = dt.date(2024, 1, 1)
    ex.copy_python.click()
    line = ex.code.value
    assert line == (
        'df = client.frame("rfis", projects="active", created_at=("2024-01-01", None), '
        'status="closed")'
    )
    scope: dict[str, object] = {"client": client}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(line, scope)  # noqa: S102 (the line under test)
    ex.load.click()
    assert sorted(scope["df"]["id"]) == sorted(ex.frame["id"])  # type: ignore[index]


def test_copy_as_curl_runs_against_the_sandbox(sb: Sandbox, client: Client) -> None:
    """The curl command for one project, run with $PROCORE_TOKEN set, answers the same rows."""
    ex = procore_nb.explore(client)
    ex.resource.value = "punch_items"
    project = ex.project.options[1][1]
    ex.project.value = project
    ex.filter_widget("status").value = "closed"
    ex.copy_curl.click()
    command = ex.code.value
    assert '-H "Authorization: Bearer $PROCORE_TOKEN"' in command
    assert f"-H 'Procore-Company-Id: {sb.company_id}'" in command
    assert client.token is not None
    assert client.token.access_token not in command
    env = {"PATH": os.environ["PATH"], "PROCORE_TOKEN": client.token.access_token}
    answer = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, env=env, check=True
    )
    rows = [row for line in answer.stdout.splitlines() if line for row in json.loads(line)]
    expected = _quiet_frame(client, "punch_items", projects=project, status="closed")
    assert sorted(r["id"] for r in rows) == sorted(expected["id"])


def test_curl_for_all_active_projects_loops_over_them(client: Client) -> None:
    """All active projects: a loop over their ids (sorted by name), with the id in the path."""
    ex = procore_nb.explore(client)
    ex.resource.value = "rfis"
    ex.copy_curl.click()
    ids = [pid for _, pid in ex.project.options[1:]]
    assert f"\nfor PROJECT_ID in {' '.join(map(str, ids))}; do\n" in ex.code.value
    assert "/rest/v1.0/projects/${PROJECT_ID}/rfis?" in ex.code.value


def test_company_resources_need_no_project(client: Client) -> None:
    """Vendors are company-wide: the project choice is off and the line names none."""
    ex = procore_nb.explore(client)
    ex.resource.value = "vendors"
    assert ex.project.disabled
    ex.filter_widget("id").value = "1, 2"
    ex.copy_python.click()
    assert ex.code.value == 'df = client.frame("vendors", id=[1, 2])'
    ex.filter_widget("id").value = ""
    ex.load.click()
    assert f"<b>{len(_quiet_frame(client, 'vendors')):,} rows</b>" in ex.count.value


def test_a_bad_filter_value_is_said_not_raised(client: Client) -> None:
    """Text in an id filter shows what is wrong in the count line, and reads nothing."""
    ex = procore_nb.explore(client)
    ex.resource.value = "vendors"
    ex.filter_widget("id").value = "1, two"
    ex.load.click()
    assert "two is not an id" in ex.count.value
    assert ex.frame is None
    ex.copy_python.click()
    assert ex.code.value.startswith("# ID: two is not an id")
    assert ex.clipboard.outputs == ()  # a message is not copied


def test_every_filter_type_gets_a_widget(client: Client) -> None:
    """Each resource of the registry builds its filter widgets; unset, they send nothing."""
    ex = procore_nb.explore(client)
    for _label, name in ex.resource.options:
        ex.resource.value = name
        assert ex.pick().filters == {}
        assert ex.python().startswith(f'df = client.frame("{name}"')


def test_no_secret_in_widget_state_or_output(sb: Sandbox, client: Client) -> None:
    """The widgets' state (as a saved notebook keeps it) holds no token, secret or password."""
    ex = procore_nb.explore(client)
    ex.resource.value = "rfis"
    ex.load.click()
    ex.copy_curl.click()
    state = repr(dependency_state(ex)) + repr(ex)
    assert client.token is not None
    secrets = [
        client.token.access_token,
        client.token.refresh_token,
        sb.client_secret,
        sb.password,
        sb.service_client_secret,
    ]
    for secret in secrets:
        assert secret
        assert secret not in state


def test_commands_without_widgets() -> None:
    """python_line and curl_command spell ranges, lists and company queries."""
    pick = Pick("rfis", 5, {"status": "open", "created_at": ("2025-01-01", "2025-02-01")})
    assert python_line(pick) == (
        'df = client.frame("rfis", projects=5, status="open", '
        'created_at=("2025-01-01", "2025-02-01"))'
    )
    curl = curl_command(pick, api_url="https://api.procore.com", company_id=8)
    assert (
        'curl -sSg -D "$HEADERS" "https://api.procore.com/rest/v1.0/projects/5/rfis?'
        "filters[status]=open&filters[created_at]=2025-01-01...2025-02-01&per_page=2000"
        '&page=${PAGE}"'
    ) in curl
    text = curl_command(
        Pick("vendors", None, {"search": "a'b $x"}), api_url="https://x", company_id=8
    )
    assert "search%5D" not in text  # brackets stay literal (curl -g)
    assert "a%27b+%24x" in text  # the quote and the dollar are encoded, not left to the shell
