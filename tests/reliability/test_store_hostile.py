"""The store as a hostile world uses it, against a real sandbox on 127.0.0.1: two servers, two
people and a service account never share a file; refused projects keep their rows; the
terminal reads a store without signing in."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sandboxed import MakeClient

from procore_nb import Client, SkippedProjectsWarning, Store, StoreError
from procore_nb.cli._main import main
from procore_nb.sandbox import Sandbox
from procore_nb.store._identity import store_folder


def _other_user(make_client: MakeClient, sb: Sandbox) -> Client:
    client = make_client(signed_in=False, company_id=sb.company_id)
    client.exchange_code(sb.authorize(login=sb.other_login, password=sb.other_password))
    return client


def _elsewhere(sb: Sandbox) -> Client:
    """The admin, signed in to the same sandbox under another API URL (localhost)."""
    client = Client(
        api_url=sb.url.replace("127.0.0.1", "localhost"),
        client_id=sb.client_id,
        client_secret=sb.client_secret,
        company_id=sb.company_id,
        progress=False,
        cache="none",
    )
    client.exchange_code(sb.authorize())
    return client


def _service(sb: Sandbox) -> Client:
    service = Client(
        api_url=sb.url,
        client_id=sb.service_client_id,
        client_secret=sb.service_client_secret,
        grant="client_credentials",
        company_id=sb.company_id,
        progress=False,
        cache="none",
    )
    service.login_service_account()
    return service


def test_two_people_and_a_service_account_get_three_files(
    client: Client, make_client: MakeClient, fresh: Sandbox
) -> None:
    """The default file is keyed by identity: the admin, another user, the service account."""
    paths = {
        Store(client).path,
        Store(_other_user(make_client, fresh)).path,
        Store(_service(fresh)).path,
    }
    assert len(paths) == 3
    assert all(p.parent == Store(client).path.parent for p in paths)


def test_two_servers_never_share_a_file(fresh: Sandbox, make_client: MakeClient) -> None:
    """The same company on two API URLs (127.0.0.1 and localhost) gets two files."""
    here = make_client(company_id=fresh.company_id)
    assert Store(here).path != Store(_elsewhere(fresh)).path


def test_another_identitys_file_is_refused(
    client: Client, make_client: MakeClient, fresh: Sandbox, tmp_path: Path
) -> None:
    """A file the admin synced, opened by another user (or server): StoreError, rows unread."""
    path = tmp_path / "shared.duckdb"
    Store(client, path).sync("projects")
    other = _other_user(make_client, fresh)
    with pytest.raises(StoreError) as caught:
        Store(other, path)
    message = str(caught.value)
    assert str(path) in message
    assert "never shared between servers, companies or people" in message
    assert "client.store()" in message
    with pytest.raises(StoreError, match="localhost"):
        Store(_elsewhere(fresh), path)


def test_a_file_of_another_company_is_refused(
    client: Client, fresh: Sandbox, tmp_path: Path
) -> None:
    """The admin's store of one company cannot be opened for another company."""
    path = tmp_path / "s.duckdb"
    Store(client, path).sync("projects")
    companies = client.companies()
    others = [int(c) for c in companies["id"] if int(c) != fresh.company_id]
    if not others:
        pytest.skip("the sandbox has one company")
    client.company_id = others[0]
    with pytest.raises(StoreError, match=f"company {others[0]}"):
        Store(client, path)


def test_the_store_file_is_private(client: Client) -> None:
    """The default store is 0600 in a 0700 folder."""
    store = Store(client)
    store.sync("projects")
    assert store.path.stat().st_mode & 0o777 == 0o600
    assert store.path.parent.stat().st_mode & 0o777 == 0o700


def test_a_refused_project_keeps_its_rows_and_shows_as_refused(
    client: Client, fresh: Sandbox, tmp_path: Path
) -> None:
    """A tool switched off (403) after a sync: the project's rows stay, info says refused."""
    store = Store(client, tmp_path / "s.duckdb")
    projects = [int(p) for p in client.projects()["id"].head(3)]
    store.sync("rfis", projects=projects)
    held = store.frame("rfis", projects=projects[:1], max_age=None)
    fresh.set_tool(projects[0], "rfi", enabled=False)
    try:
        with pytest.warns(SkippedProjectsWarning):
            report = store.sync("rfis", projects=projects)
    finally:
        fresh.set_tool(projects[0], "rfi", enabled=True)
    assert list(report.skipped) == [projects[0]]
    assert report.failed == set()
    info = store.info().set_index("scope")
    assert info.loc[projects[0], "last_mode"] == "refused"
    pd.testing.assert_frame_equal(store.frame("rfis", projects=projects[:1], max_age=None), held)


def test_store_info_reads_a_file_without_signing_in(
    client: Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`procore-nb store info --path FILE` needs no sign-in and names whose store it is."""
    path = tmp_path / "s.duckdb"
    Store(client, path).sync("projects")
    capsys.readouterr()
    assert main(["store", "info", "--path", str(path)]) == 0
    out = capsys.readouterr().out
    assert str(path) in out
    assert "projects" in out
    assert "user" in out


def test_store_info_without_sign_in_lists_this_computers_stores(
    client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nobody signed in and no --path: every store file of the folder is shown."""
    store = Store(client)
    store.sync("projects")
    capsys.readouterr()
    assert main(["store", "info"]) == 0
    out = capsys.readouterr().out
    assert str(store.path) in out
    assert "projects" in out


def test_store_info_of_a_missing_file_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A --path that names nothing: exit 1 and a message naming the path, no file created."""
    missing = tmp_path / "nowhere.duckdb"
    assert main(["store", "info", "--path", str(missing)]) == 1
    assert f"There is no store file at {missing}" in capsys.readouterr().err
    assert not missing.exists()


def test_store_info_of_a_damaged_file_says_how_to_fix_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file that is not a database: exit 1, the file named, delete or rebuild."""
    bad = tmp_path / "bad.duckdb"
    bad.write_text("not a database", encoding="utf-8")
    assert main(["store", "info", "--path", str(bad)]) == 1
    err = capsys.readouterr().err
    assert str(bad) in err
    assert "rebuild=True" in err
    assert "Traceback" not in err


def test_sync_from_a_terminal_refuses_a_float_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`procore-nb sync rfis --projects 12.5`: exit 1 naming projects= before any sign-in."""
    path = tmp_path / "s.duckdb"
    assert main(["sync", "rfis", "--projects", "12.5", "--path", str(path)]) == 1
    err = capsys.readouterr().err
    assert "'12.5' is not a project id" in err
    assert "Not signed in" not in err
    assert not path.exists()


def test_store_info_signed_in_shows_your_store_and_creates_nothing(
    fresh: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a cached sign-in, `store info` names your store; before a sync it creates no file."""
    for name, value in {
        "PROCORE_API_URL": fresh.url,
        "PROCORE_CLIENT_ID": fresh.client_id,
        "PROCORE_CLIENT_SECRET": fresh.client_secret,
        "PROCORE_COMPANY_ID": str(fresh.company_id),
    }.items():
        monkeypatch.setenv(name, value)
    client = Client(progress=False)  # the token cache on: the command finds the sign-in
    client.exchange_code(fresh.authorize())
    capsys.readouterr()
    assert main(["store", "info"]) == 0
    assert "No store yet at" in capsys.readouterr().out
    folder, _ = store_folder()
    assert not (folder.is_dir() and list(folder.glob("*.duckdb")))  # nothing was created
    store = Store(client)
    store.sync("projects")
    assert main(["store", "info"]) == 0
    out = capsys.readouterr().out
    assert f"Store: {store.path}" in out
    assert "projects" in out
