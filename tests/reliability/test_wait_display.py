"""Waiting for the rate window is shown inside the progress bar, never as printed lines.

A pull across projects that outruns a tight spike window waits for the next one: with a
bar, the bar's postfix says how long and when the requests left will be done; without a
bar (``progress=False``) nothing at all is printed, and the wait reaches ``logging`` only.
"""

from __future__ import annotations

import json
import logging
import re
import warnings
from collections.abc import Iterator

import pytest
from processes import spawn
from sandboxed import sandbox_client

from procore_nb import Client, ClientConfig, SkippedProjectsWarning
from procore_nb.sandbox import Sandbox


@pytest.fixture(scope="module")
def tight() -> Iterator[Sandbox]:
    """Twelve projects and a spike window of 4 requests per 2 seconds."""
    with Sandbox(seed=5, projects=12, rate_limit_spike=4, spike_window=2.0) as sandbox:
        yield sandbox


PULLER = """
    import json, sys, warnings
    import procore_nb

    settings = json.loads(sys.argv[1])
    warnings.simplefilter("ignore", procore_nb.SkippedProjectsWarning)  # a tool may be off
    client = procore_nb.Client(
        api_url=settings["url"], client_id=settings["client_id"],
        client_secret=settings["client_secret"], company_id=settings["company_id"],
        progress=False,
    )
    assert client.restore()
    projects = client.projects(status="all")
    df = client.frame("rfis", projects=projects)
    print(json.dumps({"answered": len(df.attrs["answered"]), "asked": len(projects)}))
"""


def test_no_line_is_printed_while_waiting_without_a_bar(tight: Sandbox) -> None:
    """progress=False in a script: waits for the window print nothing, not even to stderr."""
    Client(
        api_url=tight.url, client_id=tight.client_id, client_secret=tight.client_secret
    ).exchange_code(tight.authorize())
    settings = {
        "url": tight.url,
        "client_id": tight.client_id,
        "client_secret": tight.client_secret,
        "company_id": tight.company_id,
    }
    tight.reset_counters()
    child = spawn(PULLER, json.dumps(settings))
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    assert err == ""  # no "Waiting 2 s ..." line: the script set up no logging
    result = json.loads(out)
    assert 0 < result["answered"] <= result["asked"]
    assert tight.counters()["requests"] > 2 * 4  # the pull did outrun the window


def test_waits_reach_logging_at_info(
    tight: Sandbox, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same waits are INFO records of procore_nb.api._pacing, for whoever logs them."""
    client = sandbox_client(tight, progress=False)
    projects = client.projects(status="all")
    caplog.set_level(logging.INFO, logger="procore_nb.api._pacing")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkippedProjectsWarning)  # a tool may be off on one
        df = client.frame("rfis", projects=projects)
    skipped = [s["project_id"] for s in df.attrs["skipped"]]
    assert sorted(df.attrs["answered"] + skipped) == sorted(int(i) for i in projects["id"])
    said = [r for r in caplog.records if r.name == "procore_nb.api._pacing"]
    assert said, "the waits reach logging"
    assert all(r.levelno == logging.INFO for r in said)
    assert capsys.readouterr().err == ""


def test_the_bar_shows_the_wait_and_the_time_left(
    tight: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    """progress=True: the projects bar's postfix says the wait and the requests left."""
    client = sandbox_client(tight, progress=True, config=ClientConfig(progress_delay=0.0))
    projects = client.projects(status="all", progress=False)
    capsys.readouterr()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkippedProjectsWarning)
        client.frame("rfis", projects=projects)
    err = capsys.readouterr().err
    assert re.search(r"waiting \d+ s for Procore \(until \d\d:\d\d:\d\d UTC\)", err), err
    assert re.search(r"\d+ requests? left: about \d+ s", err), err
    assert "Waiting" not in err  # no log line printed beside the bar
