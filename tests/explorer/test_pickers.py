"""The explorer's pickers of names, labels, project search, clipboard and paging curl, driven."""

from __future__ import annotations

import json
import os
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import procore_nb
from procore_nb import Client
from procore_nb._registry import registry
from procore_nb.explorer import Explorer, Pick, curl_command, forget, source_of
from procore_nb.explorer._clipboard import FRESH_SECONDS, copy_script
from procore_nb.explorer._sources import seen_in
from procore_nb.sandbox import Sandbox


@pytest.fixture
def fresh(sb: Sandbox) -> Iterator[Sandbox]:
    """The sandbox with zeroed counters and no names read yet this session."""
    forget()
    sb.reset_counters()
    yield sb
    forget()


def _frame(client: Client, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return client.frame(*args, progress=False, **kwargs)


def _run(command: str, client: Client) -> list[list[dict[str, Any]]]:
    """Run a curl command in bash with $PROCORE_TOKEN set; each printed page's rows."""
    assert client.token is not None
    env = {"PATH": os.environ["PATH"], "PROCORE_TOKEN": client.token.access_token}
    done = subprocess.run(
        ["bash", "-c", command], check=False, capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def test_opening_costs_a_few_requests_once_per_session(fresh: Sandbox, client: Client) -> None:
    """Opening reads projects and the names of the first resource's pickers; reopening nothing."""
    ex = procore_nb.explore(client)
    first = fresh.counters()
    assert ex.filter_input("ball_in_court_id").picks_names
    # projects, stages (for the project list and the stage picker), people and vendors:
    # each list once, however many pages it has
    lists = {path.rstrip("/").rsplit("/", 1)[-1] for path in first["by_path"]}
    assert lists <= {"projects", "project_stages", "users", "vendors"}, first["by_path"]
    assert first["requests"] <= 8, first["by_path"]
    fresh.reset_counters()
    again = procore_nb.explore(client)
    again.resource.value = "punch_items"  # people, vendors and trades: only trades are new
    assert fresh.counters()["by_path"] == {f"/rest/v1.0/companies/{fresh.company_id}/trades": 1}


def test_people_picker_shows_names_and_sends_ids(client: Client) -> None:
    """Ball in court offers the company's people by name; the pick sends that person's id."""
    ex = procore_nb.explore(client)
    people = _frame(client, "company_users")
    rfis = _frame(client, "rfis", projects="active")
    court = int(rfis["ball_in_court.id"].dropna().iloc[0])
    name = people.set_index("id").loc[court, "name"]
    picker = ex.filter_widget("ball_in_court_id")
    assert type(picker).__name__ == "Combobox"
    assert name in picker.options
    assert picker.options == tuple(sorted(picker.options, key=str.casefold))
    picker.value = name
    assert ex.pick().filters == {"ball_in_court_id": court}
    ex.load.click()
    assert len(ex.frame) == (rfis["ball_in_court.id"] == court).sum() > 0
    ex.copy_python.click()
    assert f"ball_in_court_id={court}" in ex.code.value


def test_vendor_picker_takes_several_names(client: Client) -> None:
    """Responsible contractor takes several vendors by name and sends their ids as a list."""
    ex = procore_nb.explore(client)
    rfis = _frame(client, "rfis", projects="active")
    vendors = _frame(client, "vendors").set_index("id")["name"]
    ids = [int(i) for i in rfis["responsible_contractor.id"].dropna().unique()[:2]]
    picker = ex.filter_widget("responsible_contractor_id")
    assert type(picker).__name__ == "TagsInput"
    picker.value = [vendors[i] for i in ids]
    assert ex.pick().filters == {"responsible_contractor_id": ids}
    ex.load.click()
    assert sorted(ex.frame["id"]) == sorted(
        rfis.loc[rfis["responsible_contractor.id"].isin(ids), "id"]
    )
    ex.set_filter("responsible_contractor_id", ids[:1])
    assert list(picker.value) == [vendors[ids[0]]]
    with pytest.raises(procore_nb.ConfigurationError, match="no name has the id 1"):
        ex.set_filter("responsible_contractor_id", [1])


def test_a_name_not_in_the_list_is_said(client: Client) -> None:
    """A typed name that the list does not hold is shown as the count line's error."""
    ex = procore_nb.explore(client)
    ex.filter_widget("rfi_manager_id").value = "Nobody Atall"
    ex.load.click()
    assert "RFI manager: Nobody Atall is not in the list" in ex.count.value


def test_cost_codes_are_named_once_one_project_is_picked(fresh: Sandbox, client: Client) -> None:
    """Cost codes differ per project: ids until one is picked, then its codes by name."""
    ex = procore_nb.explore(client)
    field = ex.filter_input("cost_code_id")
    assert not field.picks_names
    assert "pick one project" in field.widget.placeholder
    project = ex.project.options[1][1]
    fresh.reset_counters()
    ex.project.value = project
    # the project's cost codes and its locations, each a list of its own
    assert fresh.counters()["by_path"] == {
        "/rest/v1.0/cost_codes": 1,
        f"/rest/v1.0/projects/{project}/locations": 1,
    }
    picker = ex.filter_widget("cost_code_id")
    codes = _frame(client, "cost_codes", projects=project)
    row = codes.iloc[0]
    assert f"{row['full_code']} {row['name']}" in picker.options
    picker.value = f"{row['full_code']} {row['name']}"
    assert ex.pick().filters["cost_code_id"] == int(row["id"])
    assert ex.filter_input("location_id").picks_names
    ex.project.value = "active"
    assert not ex.filter_input("cost_code_id").picks_names


def test_statuses_are_named_from_the_projects_own_rows(fresh: Sandbox, client: Client) -> None:
    """Submittal statuses (no list of their own) are named from the project's submittals."""
    ex = procore_nb.explore(client)
    ex.resource.value = "submittals"
    assert "pick one project" in ex.filter_widget("status_id").placeholder
    rows = _frame(client, "submittals", projects="active")
    project = int(rows["project_id"].value_counts().idxmax())
    rows = rows[rows["project_id"] == project]
    fresh.reset_counters()
    ex.project.value = project
    by_path = fresh.counters()["by_path"]
    assert by_path[f"/rest/v1.1/projects/{project}/submittals"] == 1
    picker = ex.filter_widget("status_id")
    statuses = rows.drop_duplicates("status.id").set_index("status.id")["status.name"]
    assert sorted(picker.allowed_tags) == sorted(statuses)
    status = int(rows["status.id"].iloc[0])
    picker.value = [statuses[status]]
    assert ex.pick().filters == {"status_id": [status]}
    ex.load.click()
    assert sorted(ex.frame["id"]) == sorted(rows.loc[rows["status.id"] == status, "id"])
    section = ex.filter_input("specification_section_id")
    assert section.picks_names
    assert any(name[:2].isdigit() for name in section.widget.allowed_tags)  # "03 30 00 ..."


def test_a_list_procore_refuses_is_asked_once(fresh: Sandbox, client: Client) -> None:
    """A list that fails leaves its filter a box of ids, and is not asked again this session."""
    ex = procore_nb.explore(client)
    trades = f"/rest/v1.0/companies/{fresh.company_id}/trades"
    fresh.configure(error_rate=1.0)
    try:
        ex.resource.value = "punch_items"
        tried = fresh.counters()["by_path"][trades]
        assert "trades could not be listed" in ex.filter_widget("trade_id").placeholder
        assert ex.filter_input("vendor_id").picks_names  # read before, so still named
        ex.resource.value = "rfis"
        ex.resource.value = "punch_items"
        assert fresh.counters()["by_path"][trades] == tried
    finally:
        fresh.configure(error_rate=0.0)


def test_picks_survive_a_change_of_project(client: Client) -> None:
    """People picked stay picked when another project is chosen."""
    ex = procore_nb.explore(client)
    name = ex.filter_widget("assigned_id").options[0]
    ex.filter_widget("assigned_id").value = name
    ex.project.value = ex.project.options[2][1]
    assert ex.filter_widget("assigned_id").value == name


def test_labels_are_procores_words(client: Client) -> None:
    """Labels say what Procore's screens say, sit in a column as wide as the longest."""
    ex = procore_nb.explore(client)
    labels = [w.value for w in ex.filters.children[::2]]
    for words in ("Ball in court", "Assignee", "Created at", "RFI manager", "Received from"):
        assert words in labels
    assert not [text for text in labels if "_" in text]
    assert ex.filters.layout.grid_template_columns.startswith("max-content")
    assert ex.filter_widget("assigned_id").tooltip == "filters[assigned_id]"
    for _title, name in ex.resource.options:
        ex.resource.value = name
        assert not [i.label for i in ex._inputs.values() if "_" in i.label]


def test_projects_are_searched_by_name_number_and_city(client: Client) -> None:
    """Typing part of a name, a number or a city narrows the list, kept sorted by name."""
    ex = procore_nb.explore(client)
    projects = client.projects(status="active")
    assert len(ex.project.options) == len(projects) + 1
    names = [text for text, _ in ex.project.options[1:]]
    assert names == sorted(names, key=str.casefold)
    row = projects.iloc[3]
    for typed, column in (
        (row["name"].split()[0].lower(), "name"),
        (row["project_number"], "project_number"),
        (row["city"].upper(), "city"),
    ):
        ex.project_search.value = typed
        shown = {pid for _, pid in ex.project.options[1:]}
        expected = projects.loc[
            projects[column].str.casefold().str.contains(typed.casefold(), regex=False), "id"
        ]
        assert int(row["id"]) in shown
        assert shown >= set(expected.astype(int))
        assert ex.project.options[0] == ("All active projects", "active")
        assert f"{len(shown)} of {len(projects)} active projects" in ex.project_note.value
    ex.project_search.value = "no such project anywhere"
    assert ex.project.options == (("All active projects", "active"),)
    ex.project_search.value = ""
    assert len(ex.project.options) == len(projects) + 1


def test_copy_puts_the_line_on_the_clipboard_and_in_the_box(client: Client) -> None:
    """Copy shows a script writing the line to the browser's clipboard, and the text box."""
    ex = procore_nb.explore(client)
    ex.copy_python.click()
    line = ex.code.value
    assert line.startswith('df = client.frame("rfis"')
    (output,) = ex.clipboard.outputs
    script = output["data"]["application/javascript"]
    assert f"navigator.clipboard.writeText({json.dumps(line)})" in script
    assert "on the clipboard" in ex.copied.value
    ex.copy_curl.click()
    assert json.dumps(ex.code.value) in ex.clipboard.outputs[0]["data"]["application/javascript"]
    assert len(ex.clipboard.outputs) == 1


def test_the_clipboard_script_expires_and_stays_in_its_string() -> None:
    """The script copies only while fresh, and text cannot close a script tag around it."""
    script = copy_script("a </script> b", now=1000.0)
    assert f"Date.now() - 1000000 < {FRESH_SECONDS * 1000}" in script
    assert "</script>" not in script
    assert '"a <\\/script> b"' in script


def test_curl_follows_every_page(client: Client) -> None:
    """The curl loop, run against the sandbox with small pages, fetches every row once."""
    rfis = _frame(client, "rfis", projects="active")
    project = int(rfis["project_id"].value_counts().idxmax())
    expected = rfis[rfis["project_id"] == project]
    assert len(expected) > 12
    command = curl_command(
        Pick("rfis", project), api_url=client.api_url, company_id=client.company_id, per_page=5
    )
    pages = _run(command, client)
    assert len(pages) == -(-len(expected) // 5)
    assert all(len(page) == 5 for page in pages[:-1])
    assert sorted(r["id"] for page in pages for r in page) == sorted(expected["id"])


def test_widget_curl_reads_every_project_and_page(client: Client) -> None:
    """The explorer's curl for all active projects reads what its Load reads."""
    ex = procore_nb.explore(client)
    ex.resource.value = "punch_items"
    ex.filter_widget("status").value = "open"
    ex.copy_curl.click()
    pages = _run(ex.code.value, client)
    ex.load.click()
    assert sorted(r["id"] for page in pages for r in page) == sorted(ex.frame["id"])


def test_unpaged_resources_get_one_request() -> None:
    """A resource without pages gets a single curl call, no loop."""
    text = curl_command(Pick("company_projects"), api_url="https://x", company_id=8)
    assert text.startswith("curl -sSg https://x/rest/v1.0/companies/8/projects \\\n")
    assert "PAGE" not in text


def test_id_filters_name_their_sources() -> None:
    """People come from company users, companies from vendors, the rest from <thing>s."""
    assert source_of("ball_in_court_id", "int") == "company_users"
    assert source_of("created_by_id", "int_list") == "company_users"
    assert source_of("responsible_contractor_id", "int_list") == "vendors"
    assert source_of("trade_ids", "int_list") == "trades"
    assert source_of("cost_code_id", "int") == "cost_codes"
    assert source_of("id", "int_list") is None
    assert source_of("status", "enum") is None
    assert seen_in("submittals", "status_id", "int_list") == "status"
    assert seen_in("observations", "type_id", "int_list") == "type"
    assert seen_in("rfis", "number", "str") is None
    for entry in registry().values():
        for name, spec in entry.filters.items():
            found = source_of(name, spec.type)
            assert found is None or found in registry(), (entry.name, name)


def test_names_come_from_the_store_when_given(
    fresh: Sandbox, client: Client, tmp_path: Path
) -> None:
    """Given a store, the pickers' names are read from it: a later session asks Procore nothing."""
    store = client.store(str(tmp_path / "names.duckdb"))
    ex = Explorer(client, store=store)
    project = ex.project.options[1][1]
    ex.project.value = project
    assert ex.filter_input("ball_in_court_id").picks_names
    assert ex.filter_input("cost_code_id").picks_names
    assert fresh.counters()["requests"] > 0
    assert {"company_users", "vendors", "projects", "cost_codes"} <= set(store.tables())
    forget()  # a new session, the same store file
    fresh.reset_counters()
    again = procore_nb.explore(client, store=store)  # the facade passes the store on
    again.project.value = project
    assert again.filter_input("cost_code_id").picks_names
    assert fresh.counters()["requests"] == 0
    assert (
        again.filter_widget("ball_in_court_id").options
        == ex.filter_widget("ball_in_court_id").options
    )
