"""Soak: 20,000 projects through every fault at once, against a clean pull of the same list."""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections.abc import Iterator

import pandas as pd
import pytest
from sandboxed import sandbox_client

from procore_nb import Client, ClientConfig
from procore_nb.sandbox import Sandbox

PROJECTS = 20_000
#: Access tokens live this long on the sandbox, so a pull of some seconds spans several.
LIFETIME = 4
#: The client refreshes this long before expiry: ClientConfig.refresh_margin, capped at a
#: quarter of the token's lifetime.
MARGIN = LIFETIME / 4


@pytest.fixture(scope="module")
def big() -> Iterator[Sandbox]:
    """A sandbox of 20,000 projects in its own process, with limits that never bind."""
    with Sandbox(
        process=True,
        seed=6,
        projects=PROJECTS,
        rate_limit_spike=1_000_000,
        rate_limit_hourly=1_000_000,
    ) as sb:
        yield sb


def _client(sb: Sandbox) -> Client:
    return sandbox_client(sb, config=ClientConfig(retries=10))


class RefreshWatch:
    """Polls the sandbox's counters and notes when each refresh grant was counted."""

    def __init__(self, sb: Sandbox) -> None:
        self.sb = sb
        self.seen: list[tuple[float, int]] = []  # (time, refresh grants so far)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        last = 0
        while True:
            stopping = self._stop.is_set()  # one last look after the pull has ended
            count = self.sb.counters()["grants"]["refresh_token"]
            if count != last:
                self.seen.append((time.monotonic(), count))
                last = count
            if stopping:
                return
            self._stop.wait(0.05)

    def __enter__(self) -> RefreshWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.mark.slow
def test_faulty_pull_equals_a_clean_pull(big: Sandbox) -> None:
    """Under 5xx, 429, drops, latency and expiring tokens: same frame, one refresh per expiry."""
    clean = _client(big).projects(status="all")  # 20 pages of 1,000, no faults
    big.configure(token_lifetime=LIFETIME)
    client = _client(big)
    big.reset_counters()
    # Faults stay off the token endpoint (fault_oauth): Procore spends a refresh token even
    # when the answer to its refresh is lost, so a lost answer must mean signing in again.
    big.configure(
        error_rate=0.10, throttle_rate=0.05, throttle_wait=1, drop_rate=0.01, latency=0.02
    )
    try:
        started = time.monotonic()
        with RefreshWatch(big) as watch:
            faulty = client.projects(status="all", per_page=100)  # 200 pages
        duration = time.monotonic() - started
        counts = big.counters()
    finally:
        big.configure(
            error_rate=0.0, throttle_rate=0.0, drop_rate=0.0, latency=0.0, token_lifetime=5400
        )

    # Every fault happened, and none cost a row: same ids, same values, same order.
    assert min(counts["injected"].values()) > 0, counts["injected"]
    assert counts["by_status"].get("429", 0) > 0
    assert len(faulty) == PROJECTS
    pd.testing.assert_frame_equal(faulty, clean)

    # One refresh per expiry. The sign-in's token expires LIFETIME s after it was granted;
    # each refresh happens once the current token is within MARGIN of its expiry, so over
    # `duration` the pull needs at least floor(duration / LIFETIME) refreshes and one
    # refresh per token allows at most ceil(duration / (LIFETIME - MARGIN)) of them.
    refreshes = counts["grants"]["refresh_token"]
    assert math.floor(duration / LIFETIME) <= refreshes
    assert refreshes <= math.ceil(duration / (LIFETIME - MARGIN)), (refreshes, duration)
    # Each refresh came alone: no two grants were counted within one token's useful life.
    seen = [0, *(count for _, count in watch.seen)]
    assert seen[-1] == refreshes, watch.seen
    assert {b - a for a, b in itertools.pairwise(seen)} == {1}, watch.seen
    times = [t for t, _ in watch.seen]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps, default=LIFETIME) > LIFETIME - MARGIN - 0.5, gaps
    # No refresh token was presented twice or refused.
    assert counts["refresh_reuse"] == 0
    assert counts["grant_failures"] == {}
