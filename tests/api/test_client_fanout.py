"""One pull across many projects: concurrent, paced, skipping refused projects, interruptible."""

from __future__ import annotations

import signal
import threading
import time
import warnings
from collections.abc import Iterator

import pytest
import requests
from sandboxed import TODAY, sandbox_client

from procore_nb import Client, PartialPullError, PermissionDeniedError, SkippedProjectsWarning
from procore_nb._constants import COMPANY_HEADER, TOTAL_HEADER
from procore_nb.sandbox import Sandbox

MISSING = 999_999_999  # no such project


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """A company of 30 projects (this module's own, smaller than the api folder's)."""
    with Sandbox(seed=0, projects=30, rate_limit_spike=100_000, today=TODAY) as sb:
        yield sb


@pytest.fixture
def fan(sb: Sandbox) -> Client:
    """A client signed in as the demo admin, with the main company chosen."""
    return sandbox_client(sb)


def _active(client: Client, n: int | None = None) -> list[int]:
    ids = [int(i) for i in client.projects()["id"]]
    return ids if n is None else ids[:n]


def _total(sb: Sandbox, client: Client, project: int) -> int:
    token = client.token
    assert token is not None
    answer = requests.get(
        f"{sb.url}/rest/v1.0/projects/{project}/rfis",
        headers={
            "Authorization": f"Bearer {token.access_token}",
            COMPANY_HEADER: str(sb.company_id),
        },
        params={"per_page": 1},
        timeout=30,
    )
    answer.raise_for_status()
    return int(answer.headers[TOTAL_HEADER])


def _settled(sb: Sandbox, *, quiet: float = 1.0, most: float = 20.0) -> int:
    """The sandbox's request count once it has not changed for ``quiet`` seconds."""
    give_up = time.monotonic() + most
    count, since = _sent(sb), time.monotonic()
    while time.monotonic() < give_up:
        time.sleep(0.1)
        now = _sent(sb)
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
    return count


def _sent(sb: Sandbox, status: int | None = None) -> int:
    counts = sb.counters()["by_path_status"]
    return sum(n for key, n in counts.items() if status is None or key.endswith(f" {status}"))


def test_403_and_404_projects_are_skipped_and_reported(fan: Client, sb: Sandbox) -> None:
    """A disabled tool (403) and an unknown project (404) are skipped, listed and warned once."""
    first, off, last = _active(fan, 3)
    sb.set_tool(off, "rfi", enabled=False)
    try:
        with pytest.warns(SkippedProjectsWarning, match="2 of 4 projects were skipped") as caught:
            df = fan.frame("rfis", projects=[first, off, last, MISSING])
    finally:
        sb.set_tool(off, "rfi", enabled=True)
    assert len(caught) == 1
    skipped = df.attrs["skipped"]
    assert [(s["project_id"], s["status"]) for s in skipped] == [(off, 403), (MISSING, 404)]
    assert skipped[0]["project_name"] is not None
    assert "tool is disabled" in skipped[0]["reason"]
    assert len(df) == _total(sb, fan, first) + _total(sb, fan, last)
    assert list(df["project_id"].unique()) == [first, last]
    assert df["project_name"].notna().all()


def test_errors_raise_stops_at_the_first_refusal(fan: Client, sb: Sandbox) -> None:
    """errors='raise' raises PartialPullError naming the 403 project, with the rows before it."""
    first, off = _active(fan, 2)
    sb.set_tool(off, "rfi", enabled=False)
    try:
        with pytest.raises(PartialPullError) as info:
            fan.frame("rfis", projects=[first, off], errors="raise")
    finally:
        sb.set_tool(off, "rfi", enabled=True)
    assert info.value.status == 403
    assert info.value.project_id == off
    assert str(off) in str(info.value)
    assert isinstance(info.value.__cause__, PermissionDeniedError)
    partial = info.value.partial
    assert partial is not None
    assert set(partial["project_id"].unique()) <= {first}
    assert set(partial.attrs["answered"]) <= {first}


def test_projects_as_frame_word_and_id(fan: Client, sb: Sandbox) -> None:
    """projects= takes a DataFrame of projects, 'active'/'all', one id or a list of ids."""
    projects = fan.projects()
    chosen = projects.head(3)
    by_frame = fan.frame("rfis", projects=chosen)
    assert set(by_frame["project_id"]) <= set(chosen["id"])
    names = dict(zip(chosen["id"], chosen["name"], strict=True))
    for pid, name in zip(by_frame["project_id"], by_frame["project_name"], strict=True):
        assert names[pid] == name
    one = int(chosen["id"].iloc[0])
    assert len(fan.frame("rfis", projects=one)) == _total(sb, fan, one)
    assert fan.frame("rfis", projects=[str(one)]).equals(fan.frame("rfis", projects=one))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkippedProjectsWarning)
        active = fan.frame("rfis", projects="active")
        everything = fan.frame("budget_views", projects="all")
    assert set(active["project_id"]) <= set(projects["id"])
    assert everything.attrs["projects"] == len(fan.projects(status="all"))


def test_limit_counts_rows_across_projects(fan: Client) -> None:
    """limit= is the number of rows in all, taken from the first projects in order."""
    ids = _active(fan, 6)
    full = fan.frame("rfis", projects=ids)
    some = fan.frame("rfis", projects=ids, limit=5)
    assert len(some) == 5
    assert list(some["id"]) == list(full["id"].head(5))


def test_no_429_under_a_tight_spike_window(fan: Client, sb: Sandbox) -> None:
    """All projects' requests share the rate gate: no 429 by the sandbox's own counters."""
    off = {d["project_id"] for d in sb.disabled_tools() if d["tool"] == "rfi"}
    ids = [p for p in _active(fan) if p not in off]  # a 403 is a skip, not what this counts
    expected = sum(_total(sb, fan, p) for p in ids)
    sb.configure(rate_limit_spike=10, spike_window=2.0)
    time.sleep(2.1)  # let the window the earlier requests opened (under the old limit) end
    sb.reset_counters()
    df = fan.frame("rfis", projects=ids)
    assert len(df) == expected
    assert _sent(sb) >= len(ids)
    assert _sent(sb, 429) == 0


def test_ctrl_c_midway_leaves_the_client_usable(fan: Client, sb: Sandbox) -> None:
    """Ctrl-C during a pull raises KeyboardInterrupt, starts nothing more; the client works."""
    ids = _active(fan)
    workers = 8  # ClientConfig().max_workers
    assert len(ids) > workers + 1
    sb.configure(latency=0.3)
    sb.reset_counters()
    main = threading.get_ident()

    def interrupt_once_started() -> None:
        # A real SIGINT to the main thread, as Ctrl-C in a terminal or a kernel interrupt
        # sends, once the project list has answered and the first projects' requests left.
        give_up = time.monotonic() + 20
        while _sent(sb) < 2 and time.monotonic() < give_up:
            time.sleep(0.02)
        answered.append(_sent(sb))
        signal.pthread_kill(main, signal.SIGINT)

    answered: list[int] = []  # requests answered when Ctrl-C came
    interrupter = threading.Thread(target=interrupt_once_started, daemon=True)
    interrupter.start()
    with pytest.raises(KeyboardInterrupt):
        fan.frame("rfis", projects=ids)
    interrupter.join()
    sent = _settled(sb)  # the requests on their way when Ctrl-C came finish
    # Those answered before Ctrl-C, and at most one request per worker already on its way.
    assert sent <= answered[0] + workers
    time.sleep(0.5)
    assert _sent(sb) == sent  # no new one starts afterwards
    sb.configure(latency=0.0)
    assert len(fan.frame("rfis", projects=ids[0])) == _total(sb, fan, ids[0])


def test_one_progress_bar_over_projects(fan: Client, capsys: pytest.CaptureFixture[str]) -> None:
    """With progress on, one bar counts projects, with the rows so far beside it."""
    ids = _active(fan, 5)
    fan.frame("rfis", projects=ids, progress=True)
    err = capsys.readouterr().err
    assert "5/5" in err
    assert "projects" in err
    assert "rows" in err


def test_non_member_pull_covers_their_projects_and_skips_others(fan: Client, sb: Sandbox) -> None:
    """A non-admin's 'all' is their projects; another project answers 403 and is skipped."""
    other = sandbox_client(sb, login=sb.other_login, password=sb.other_password)
    theirs = [int(i) for i in other.projects(status="all")["id"]]
    stranger = next(p for p in _active(fan) if p not in theirs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkippedProjectsWarning)  # a tool may be off on one
        mine = other.frame("rfis", projects="all")
    assert mine.attrs["projects"] == len(theirs)
    assert set(mine["project_id"]) <= set(theirs)
    with pytest.warns(SkippedProjectsWarning, match="1 of 2 projects"):
        mixed = other.frame("rfis", projects=[theirs[0], stranger])
    assert [s["status"] for s in mixed.attrs["skipped"]] == [403]
    assert set(mixed["project_id"]) <= {theirs[0]}
