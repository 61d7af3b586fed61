"""The store against the sandbox over HTTP: what it stores equals what the client returns,
reruns cost no request, and expired tokens, 429 storms and two processes change nothing."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sandboxed import TODAY, sandbox_client

import procore_nb
from procore_nb import Store
from procore_nb.sandbox import Sandbox
from procore_nb.store._source import ClientSource, window_end


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """A sandbox of 60 projects with a spike limit high enough not to matter."""
    with Sandbox(seed=3, projects=60, rate_limit_spike=100_000, today=TODAY) as sb:
        yield sb


@pytest.fixture
def sb(sandbox: Sandbox) -> Iterator[Sandbox]:
    """The module's sandbox with fresh counters; faults and lifetimes put back after."""
    sandbox.reset_counters()
    yield sandbox
    sandbox.configure(throttle_rate=0.0, token_lifetime=5400)


def _rest_requests(sb: Sandbox) -> int:
    by_path = sb.counters()["by_path"]
    return sum(n for path, n in by_path.items() if path.startswith("/rest/"))


def test_synced_projects_equal_the_clients_frame(sb: Sandbox, tmp_path: Path) -> None:
    """frame() gives the client's columns, dtypes (stage categories too) and rows."""
    client = sandbox_client(sb)
    store = client.store(str(tmp_path / "s.duckdb"))
    report = store.sync("projects")
    assert report.added == report.rows == len(client.projects(status="all"))
    pd.testing.assert_frame_equal(
        store.frame("projects", max_age=None), client.projects(status="all")
    )


def test_rerun_within_max_age_sends_nothing(sb: Sandbox, tmp_path: Path) -> None:
    """A frame() rerun within max_age makes no request at all (the sandbox's counters)."""
    client = sandbox_client(sb)
    store = Store(client, tmp_path / "s.duckdb")
    first = store.frame("projects", max_age="1h")
    sb.reset_counters()
    again = store.frame("projects", max_age="1h")
    assert sb.counters()["requests"] == 0
    pd.testing.assert_frame_equal(first, again)


def test_a_one_page_list_resyncs_whole_for_one_request(sb: Sandbox, tmp_path: Path) -> None:
    """A list that fits one page costs one request whole, which also finds deletions."""
    client = sandbox_client(sb)
    store = Store(client, tmp_path / "s.duckdb")
    store.sync("projects")
    sb.advance(3600)
    sb.reset_counters()
    report = store.sync("projects")
    assert report.modes == {"whole": 1}
    assert report.requests == _rest_requests(sb) == 1
    assert report.deleted == 0
    assert store.info()["rows"].tolist() == [report.rows]


def test_changes_window_reaches_the_server_as_a_range(sb: Sandbox) -> None:
    """The source sends the window as filters[updated_at]=START...END and gets those rows."""
    client = sandbox_client(sb)
    everything = client.projects(status="all")
    middle = everything["updated_at"].sort_values().iloc[len(everything) // 2]
    start = middle.to_pydatetime()
    source = ClientSource(client)
    pulled = source.pull(
        source.resource("projects"),
        [sb.company_id],
        changed=(start, window_end(source.server_time())),
    )
    expected = everything[everything["updated_at"] >= middle]["id"].tolist()
    assert sorted(pulled.frame["id"].tolist()) == sorted(expected)
    assert pulled.scopes == [sb.company_id] * len(expected)


def test_a_token_that_expires_mid_sync_is_renewed(sb: Sandbox, tmp_path: Path) -> None:
    """An access token that runs out between and during syncs is refreshed; rows stay right."""
    client = sandbox_client(sb)
    store = Store(client, tmp_path / "s.duckdb")
    store.sync("projects")
    # Renewed tokens live 5 s: short enough to run out between steps, long enough that a
    # renewal is not spent before its request arrives on a loaded machine (1 s was flaky).
    sb.configure(token_lifetime=5)
    sb.advance(6000)  # the token in hand (90 minutes) has expired
    store.sync("projects")
    store.sync("project_stages")
    assert sb.counters()["grants"]["refresh_token"] >= 1
    pd.testing.assert_frame_equal(
        store.frame("projects", max_age=None), client.projects(status="all")
    )


def test_a_429_storm_mid_sync_costs_retries_not_rows(sb: Sandbox, tmp_path: Path) -> None:
    """Under a storm of 429s the sync waits, retries, counts the retries, and stores all rows."""
    client = sandbox_client(sb)
    expected = client.projects(status="all")
    store = Store(client, tmp_path / "s.duckdb")
    sb.configure(throttle_rate=0.6, throttle_wait=0)
    sb.reset_counters()
    report = store.sync("projects")
    sb.configure(throttle_rate=0.0)
    served = _rest_requests(sb)
    assert sb.counters()["injected"]["throttle"] >= 1
    assert report.requests == served  # the rate limit counts the refused requests too
    pd.testing.assert_frame_equal(store.frame("projects", max_age=None), expected)


_WORKER = textwrap.dedent(
    """
    import sys
    import procore_nb
    url, client_id, secret, company, code, path = sys.argv[1:]
    client = procore_nb.Client(api_url=url, client_id=client_id, client_secret=secret,
                               company_id=int(company), cache="none", progress=False)
    client.exchange_code(code)
    store = procore_nb.Store(client, path, wait=120)
    for round in range(6):
        store.sync("project_stages" if round % 2 else "projects")
        frame = store.frame("projects", max_age=None)
        count = int(store.sql("select count(*) as n from projects")["n"].iloc[0])
        assert count in (0, len(frame)), (count, len(frame))
    print(len(frame))
    """
)


def test_two_processes_share_one_store(sb: Sandbox, tmp_path: Path) -> None:
    """Two processes syncing and reading one file both finish, and the file stays whole."""
    path = tmp_path / "shared.duckdb"
    script = tmp_path / "worker.py"
    script.write_text(_WORKER, encoding="utf-8")
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                str(script),
                sb.url,
                sb.client_id,
                sb.client_secret,
                str(sb.company_id),
                sb.authorize(),
                str(path),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [w.communicate(timeout=240) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [err[-2000:] for _, err in results]
    client = sandbox_client(sb)
    expected = client.projects(status="all")
    assert [int(out) for out, _ in results] == [len(expected)] * 2
    store = Store(client, path)
    pd.testing.assert_frame_equal(store.frame("projects", max_age=None), expected)
    assert sorted(store.info()["resource"]) == ["project_stages", "projects"]


def test_command_line_sync_and_info(
    sb: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """procore-nb sync summarises rows and requests; procore-nb store info lists the resources."""
    from procore_nb.cli._main import main

    for name, value in {
        "PROCORE_API_URL": sb.url,
        "PROCORE_CLIENT_ID": sb.client_id,
        "PROCORE_CLIENT_SECRET": sb.client_secret,
        "PROCORE_COMPANY_ID": str(sb.company_id),
    }.items():
        monkeypatch.setenv(name, value)
    procore_nb.Client(progress=False).exchange_code(sb.authorize())  # cached, as after login
    path = str(tmp_path / "cli.duckdb")
    assert main(["sync", "projects", "project_stages", "--path", path, "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "projects: 1 scope(s)" in out
    assert "Done:" in out
    assert "request(s) spent" in out
    assert main(["store", "info", "--path", path]) == 0
    out = capsys.readouterr().out
    assert "project_stages" in out
    assert "projects" in out
    assert main(["sync", "rfis-typo", "--path", path]) == 1
    assert "Known resources" in capsys.readouterr().err


def test_a_sync_in_batches_warns_once_against_the_whole_scope(sb: Sandbox, tmp_path: Path) -> None:
    """Skipped projects of several batches: one warning counting every project asked."""
    client = sandbox_client(sb)
    ids = sorted(int(i) for i in client.projects(status="all")["id"])
    assert len(ids) > 50  # more than one batch of the store's pulls
    switched = [ids[0], ids[-1]]
    for project in switched:
        sb.set_tool(project, "rfi", enabled=False)
    try:
        with pytest.warns(procore_nb.SkippedProjectsWarning) as caught:
            client.store(str(tmp_path / "s.duckdb")).sync("rfis", projects=ids)
    finally:
        for project in switched:
            sb.set_tool(project, "rfi", enabled=True)
    skipped = [
        w.message for w in caught if isinstance(w.message, procore_nb.SkippedProjectsWarning)
    ]
    assert len(skipped) == 1
    warning = skipped[0]
    assert warning.asked == len(ids)
    assert {int(s["project_id"]) for s in warning.skipped} >= set(switched)
    assert f"of {len(ids)} projects" in str(warning)


def test_a_nightly_sync_waits_for_the_next_window_instead_of_failing(
    sb: Sandbox, tmp_path: Path
) -> None:
    """With the hour's budget spent, ``procore-nb sync`` sits out the window, shown in its bar.

    An attended client, asked the same, fails at once with RateLimitError.
    """
    import os
    import signal
    import time

    from procore_nb.cli._demo import sandbox_environment

    env = os.environ | sandbox_environment(sb, service_account=True, token_dir=str(tmp_path))
    command = [str(Path(sys.executable).parent / "procore-nb"), "sync", "rfis"]
    command += ["--path", str(tmp_path / "night.duckdb"), "--projects", "all"]
    attended = sandbox_client(sb)
    sb.configure(rate_limit_hourly=1)  # every request answers 429 until the hour is over
    try:
        with pytest.raises(procore_nb.RateLimitError):
            attended.projects()
        job = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
        time.sleep(8)
        still_running = job.poll() is None
        job.send_signal(signal.SIGINT)
        _, err = job.communicate(timeout=60)
    finally:
        sb.configure(rate_limit_hourly=3600 * 1000)
    assert still_running, err[-2000:]
    assert "procore-nb sync: Waiting " in err, err[-2000:]
    assert " before the next request to Procore" in err
    assert job.returncode == 130, err[-2000:]
    assert "interrupted" in err
