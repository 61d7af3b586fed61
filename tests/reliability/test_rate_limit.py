"""Rate limits: an hour's budget used up is a clear error naming the reset, never a silent hang;
shorter waits are sat out and said, in the log and beside the progress bar."""

from __future__ import annotations

import email.utils
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import requests
from leaks import Watch
from sandboxed import sandbox_client

from procore_nb import ClientConfig, RateLimitError
from procore_nb.api._pacing import PROBE_EVERY, RateGate
from procore_nb.sandbox import Sandbox


@pytest.fixture
def hourly() -> Iterator[Sandbox]:
    """A sandbox whose hourly budget is six requests."""
    with Sandbox(seed=5, projects=100, rate_limit_hourly=6, rate_limit_spike=1_000) as sb:
        yield sb


@pytest.mark.timeout(60)  # a hang would be the bug: fail instead of sitting out the hour
def test_hour_used_up_is_an_error_naming_the_reset(hourly: Sandbox, watch: Watch) -> None:
    """With the hour's budget spent, a pull fails at once with RateLimitError and the reset time."""
    watch.sandbox(hourly)
    client = sandbox_client(hourly, progress=False, config=ClientConfig(max_wait=30))
    with watch.raises(RateLimitError) as info:
        client.projects(status="all", per_page=10)  # 10 pages against a budget of 6
    error = info.value
    # The refused probe's 429, or a page that waited on it and was not sent (no status).
    assert error.status in {429, None}
    assert error.retry_after is not None
    assert error.retry_after > 30  # longer than the client may wait
    assert error.reset_at is not None
    # The message names the reset as a time of day in UTC (with the date if not today's),
    # and how far away it is.
    named = re.search(
        r"until ((?:\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d) UTC \(in (\d+) min\)", str(error)
    )
    assert named is not None, str(error)
    reset = datetime.fromtimestamp(error.reset_at, tz=UTC)
    shown = named.group(1) if " " in named.group(1) else f"{reset:%Y-%m-%d} {named.group(1)}"
    at = datetime.strptime(shown, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    assert abs(at.timestamp() - error.reset_at) <= 2
    assert 55 <= int(named.group(2)) <= 60
    assert "ClientConfig.max_wait (30 s)" in str(error)
    # Procore was asked once past the budget (a probe), not again and again.
    counts = hourly.counters()
    assert counts["rate_limited"] == 1


@pytest.fixture
def spiky() -> Iterator[Sandbox]:
    """A sandbox allowing four requests per three-second window."""
    with Sandbox(seed=5, projects=60, rate_limit_spike=4, spike_window=3.0) as sb:
        yield sb


def test_short_wait_is_sat_out_and_said(
    spiky: Sandbox, watch: Watch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pull paced by the spike window waits, saying how long in the log and beside the bar."""
    watch.sandbox(spiky)
    client = sandbox_client(spiky, progress=True)
    spiky.reset_counters()  # signing in spent nothing: the pull starts with a full window
    df = client.projects(status="all", per_page=10)  # 6 pages and the stage list: 7 requests
    assert len(df) == 60
    counts = spiky.counters()
    assert counts["rate_limited"] == 0  # paced, not refused
    said = [
        r.getMessage()
        for r in watch.caplog.records
        if r.name == "procore_nb.api._pacing" and r.levelno == logging.INFO
    ]
    assert said, watch.caplog.text
    wait = re.fullmatch(
        r"Waiting (\d+) s \(until \d\d:\d\d:\d\d UTC\) before the next request to Procore, "
        r"because Procore's rate limit for this window is used up\.",
        said[0],
    )
    assert wait is not None, said
    assert 2 <= int(wait.group(1)) <= 4  # the 3 s window, its reset rounded up to a second
    bar = capsys.readouterr().err  # tqdm writes its bar to stderr outside notebooks
    assert re.search(r"waiting \d s for Procore \(until \d\d:\d\d:\d\d UTC\)", bar), bar


def test_waits_are_read_in_the_sandbox_clock_after_an_advance(spiky: Sandbox, watch: Watch) -> None:
    """After sb.advance, Date follows the sandbox clock: resets read as seconds, not an hour."""
    watch.sandbox(spiky)
    now = spiky.advance(3600)
    answer = requests.get(f"{spiky.url}/rest/v1.0/companies", timeout=10)
    dates = answer.raw.headers.getlist("Date")
    assert len(dates) == 1, dates  # ours only, not uvicorn's as well
    assert abs(email.utils.parsedate_to_datetime(dates[0]).timestamp() - now) <= 2
    client = sandbox_client(spiky, progress=False)
    spiky.reset_counters()
    df = client.projects(status="all", per_page=10)  # 7 requests against 4 per 3 s window
    assert len(df) == 60
    # A reset read against a stale Date lies an hour away: the client would probe, meet a 429.
    assert spiky.counters()["rate_limited"] == 0
    said = [r.getMessage() for r in watch.caplog.records if r.name == "procore_nb.api._pacing"]
    waits = [int(m.group(1)) for m in map(re.compile(r"Waiting (\d+) s").match, said) if m]
    assert waits, said
    assert max(waits) <= 4


def test_retry_after_is_said(spiky: Sandbox, watch: Watch) -> None:
    """A 429 met unawares (another kernel spent the window) is waited out, and said."""
    watch.sandbox(spiky)
    client = sandbox_client(spiky, progress=False)
    token = client.token
    assert token is not None
    for _ in range(4):  # another kernel with the same sign-in spends the window
        requests.get(
            f"{spiky.url}/rest/v1.0/me",
            headers={"Authorization": f"Bearer {token.access_token}"},
            timeout=10,
        ).raise_for_status()
    assert client.me()["id"] == 1234567
    assert spiky.counters()["rate_limited"] == 1
    said = [r.getMessage() for r in watch.caplog.records if r.name == "procore_nb.api._pacing"]
    assert any("because Procore answered 429 (rate limit) with Retry-After" in m for m in said)


def test_each_wait_is_said_once_and_blinks_not_at_all(watch: Watch) -> None:
    """Many threads meeting one wait log it once; sub-second waits are not logged."""
    gate = RateGate(max_wait=60)
    for _ in range(8):  # eight threads sitting out the same Retry-After
        gate.pause(3.0, reason="Procore answered 429 (rate limit) with Retry-After")
    gate.pause(0.2)  # within the same wait
    quiet = RateGate(max_wait=60)
    quiet.pause(0.2)
    said = [r for r in watch.caplog.records if r.name == "procore_nb.api._pacing"]
    assert len(said) == 1
    assert said[0].levelno == logging.INFO  # shown by the bar, printed only if logging says
    assert "Waiting 3 s" in said[0].getMessage()
    assert re.match(r"waiting [23] s for Procore \(until \d\d:\d\d:\d\d UTC\)", gate.status())
    assert quiet.status() == ""


def test_a_refused_probe_answers_for_a_while(watch: Watch) -> None:
    """After Procore refused a probe, requests fail at once for PROBE_EVERY s, then probe again."""
    now = [1000.0]
    gate = RateGate(max_wait=1, clock=lambda: now[0])
    spent = {
        "X-Rate-Limit-Limit": "6",
        "X-Rate-Limit-Remaining": "0",
        "X-Rate-Limit-Reset": str(int(datetime.now(UTC).timestamp()) + 3600),
    }
    gate.acquire()
    gate.release(spent)
    assert gate.acquire() is True  # the probe
    gate.release(spent, probe=True)  # answered, but the budget is now spent: no refusal yet
    assert gate.acquire() is True  # so the next request asks
    gate.release({**spent, "Retry-After": "3600"}, probe=True, refused=True)  # a 429
    with watch.raises(RateLimitError, match="was not sent") as info:
        gate.acquire(method="GET", url="https://api.procore.com/rest/v1.0/projects")
    assert info.value.status is None
    assert info.value.retry_after is not None
    assert info.value.retry_after > 3000
    now[0] += PROBE_EVERY + 1
    assert gate.acquire() is True  # time to ask Procore again
