"""Tokens that run out while a request waits: renewed before sending, or again after a 401."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from sandboxed import sandbox_client

from procore_nb import Client, ClientConfig
from procore_nb.sandbox import Sandbox


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    """A small sandbox whose clock and faults this test moves."""
    with Sandbox(seed=2, projects=30, rate_limit_spike=10_000) as sandbox:
        yield sandbox


class Skewed:
    """The client's clock, moved forward together with the sandbox's."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


def _on_throttles(
    sb: Sandbox, steps: dict[int, dict[str, float]], clock: Skewed
) -> threading.Thread:
    """Once the sandbox has answered n 429s, advance both clocks and set options (steps[n])."""

    def run() -> None:
        deadline = time.monotonic() + 30
        pending = dict(sorted(steps.items()))
        while pending and time.monotonic() < deadline:
            seen = sb.counters()["by_status"].get("429", 0)
            for n in [n for n in pending if n <= seen]:
                options = dict(pending.pop(n))
                advance = options.pop("advance", 0.0)
                sb.advance(advance)
                clock.offset += advance
                if options:
                    sb.configure(**options)
            time.sleep(0.02)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_token_running_out_again_during_the_retry_is_renewed_again(sb: Sandbox) -> None:
    """A renewed token that expires while its request sits out a 429 is renewed once more."""
    clock = Skewed()
    client = Client(
        api_url=sb.url,
        client_id=sb.client_id,
        client_secret=sb.client_secret,
        progress=False,
        cache="none",
        config=ClientConfig(clock=clock),
    )
    client.exchange_code(sb.authorize())
    sb.reset_counters()
    sb.configure(throttle_rate=1.0, throttle_wait=1)
    # 1st 429: the token expires during the wait (-> 401, renewal); 2nd 429: the renewed
    # token expires during its wait too, and the throttling stops.
    driver = _on_throttles(
        sb, {1: {"advance": 5401}, 2: {"advance": 5401, "throttle_rate": 0.0}}, clock
    )
    try:
        assert client.me()["id"] == 1234567
    finally:
        driver.join()
    counts = sb.counters()
    assert counts["by_status"]["401"] == 2
    assert counts["grants"]["refresh_token"] == 2
    assert counts["refresh_reuse"] == 0


def test_token_running_out_during_a_pacing_wait_is_renewed_before_sending() -> None:
    """A request that sits out the rate-limit window past its token's expiry renews it first."""
    with Sandbox(
        seed=2, projects=30, rate_limit_spike=2, spike_window=5.0, token_lifetime=3
    ) as sandbox:
        client = sandbox_client(sandbox, progress=False, config=ClientConfig(refresh_margin=1))
        sandbox.reset_counters()
        # Two calls spend the window while the token is fresh; the third waits about 5 s
        # for the window to reset, longer than the 3 s the token lives.
        for _ in range(3):
            assert client.me()["id"] == 1234567
        counts = sandbox.counters()
    assert counts["rate_limited"] == 0  # paced, not refused
    assert "401" not in counts["by_status"], counts["by_status"]
    assert counts["grants"].get("refresh_token") == 1  # renewed once, before the third call
    assert counts["by_path_status"]["GET /rest/v1.0/me 200"] == 3
