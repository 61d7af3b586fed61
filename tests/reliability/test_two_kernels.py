"""Two kernels: two processes sharing one cached sign-in pull at once across several expiries."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator

import pytest
from processes import spawn

from procore_nb import Client
from procore_nb.sandbox import Sandbox

PROJECTS = 600
#: Access tokens live this long, so each kernel's pulls span several expiries.
LIFETIME = 3
#: The client refreshes this long before expiry (a quarter of a short lifetime).
MARGIN = LIFETIME / 4
#: How long each kernel keeps pulling.
SECONDS = 9

KERNEL = """
    import json, sys, time
    import procore_nb

    procore_nb.set_testing(True)
    settings = json.loads(sys.argv[1])
    client = procore_nb.Client(
        api_url=settings["url"],
        client_id=settings["client_id"],
        client_secret=settings["client_secret"],
        company_id=settings["company_id"],
        progress=False,
    )
    assert client.restore(), "the cached sign-in was not restored"
    print("ready", flush=True)
    sys.stdin.readline()
    rows = []
    deadline = time.monotonic() + settings["seconds"]
    while time.monotonic() < deadline:
        rows.append(len(client.projects(status="all", per_page=20)))
    print(json.dumps({"rows": rows, "signed_in": client.signed_in, "me": client.me()["id"]}))
"""


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    """A sandbox whose access tokens live three seconds, with some latency per answer."""
    with Sandbox(
        seed=3,
        projects=PROJECTS,
        token_lifetime=LIFETIME,
        latency=0.01,
        rate_limit_spike=1_000_000,
        rate_limit_hourly=1_000_000,
    ) as sandbox:
        yield sandbox


@pytest.mark.slow
def test_two_kernels_pull_across_expiries_and_both_stay_signed_in(sb: Sandbox) -> None:
    """Both kernels finish signed in with every row; no refresh token is used twice."""
    signing_in = Client(api_url=sb.url, client_id=sb.client_id, client_secret=sb.client_secret)
    signing_in.exchange_code(sb.authorize())  # cached: both kernels restore this sign-in
    settings = json.dumps(
        {
            "url": sb.url,
            "client_id": sb.client_id,
            "client_secret": sb.client_secret,
            "company_id": sb.company_id,
            "seconds": SECONDS,
        }
    )
    kernels = [spawn(KERNEL, settings) for _ in range(2)]
    try:
        for kernel in kernels:
            assert kernel.stdout is not None
            assert kernel.stdout.readline().strip() == "ready", kernel.communicate(timeout=10)
        sb.reset_counters()
        started = time.monotonic()
        for kernel in kernels:  # both go at once
            assert kernel.stdin is not None
            kernel.stdin.write("go\n")
            kernel.stdin.flush()
        outputs = [kernel.communicate(timeout=50) for kernel in kernels]
        duration = time.monotonic() - started
    finally:
        for kernel in kernels:
            kernel.kill()
            kernel.wait()
    counts = sb.counters()

    assert [kernel.returncode for kernel in kernels] == [0, 0], outputs
    for out, _ in outputs:
        result = json.loads(out.strip().splitlines()[-1])
        assert result["signed_in"] is True
        assert result["me"] == 1234567
        assert len(result["rows"]) >= 2  # several pulls each...
        assert set(result["rows"]) == {PROJECTS}  # ...and every one complete
    # No refresh token was presented twice or refused, in either kernel.
    assert counts["refresh_reuse"] == 0
    assert counts["grant_failures"] == {}
    # One refresh per expiry for both kernels together: the kernel that comes second adopts
    # the token the other one saved instead of refreshing again.
    refreshes = counts["grants"]["refresh_token"]
    assert math.floor(duration / LIFETIME) <= refreshes
    assert refreshes <= math.ceil(duration / (LIFETIME - MARGIN)), (refreshes, duration)
    # The cached sign-in the kernels left behind still works here, a third process.
    after = Client(api_url=sb.url, client_id=sb.client_id, client_secret=sb.client_secret)
    assert after.restore()
    assert after.me()["id"] == 1234567
