"""The local store against pulling again: RFIs of 400 projects under Procore's rate limits.

The sandbox runs in a child process with 100 ms of latency per request, a per-record
latency, and Procore's windows (25 requests per 10 s, 3,600 per hour). Measured side by side
in one run, each with a fresh rate-limit window:

1. ``client.frame("rfis", projects=...)``, the pull a notebook makes without a store;
2. the store's first ``sync`` of the same projects (target: no slower than 1.1x the pull);
3. a ``sync`` after 1% of the RFIs changed (created, updated, deleted through
   ``Sandbox.mutate``), exact (every deletion found) and with ``deletions_every="1d"``:
   requests, bytes and seconds against the whole pull (targets: no more requests, no
   slower, and with ``deletions_every`` at least 20x fewer bytes);
4. ``store.frame(..., max_age="1h")`` rerun within max_age (target: zero requests, < 1 s).

The rate bound is the least time the requests need under the spike limit from a fresh
window (one window's worth at once, the rest at 2.5 per second), plus one latency.
RFIs have no ``filters[include_deleted]``, so an exact sync finds deletions by pulling
one-page projects whole: as many requests and bytes as the pull, never more.

Run: ``.venv/bin/python benchmarks/bench_store.py [--projects 400] [--seed 0]``. Exits 1 when
a target is missed. Needs the resource registry (RFIs) and ``Sandbox.mutate``.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _sandboxes import signed_in  # benchmarks/ is on the path as the script's folder

import procore_nb  # after the path set-up above, to run from a checkout
from procore_nb.sandbox import Sandbox
from procore_nb.sandbox._sandbox import SandboxError

SPIKE, WINDOW, HOURLY = 25, 10.0, 3600
LATENCY, PER_RECORD = 0.1, 0.0002
RESOURCE = "rfis"


def _measure(sb: Sandbox, client: procore_nb.Client, work: Callable[[], Any]) -> dict[str, Any]:
    """Run ``work`` from a fresh rate-limit window; its seconds, requests, bytes and 429s."""
    time.sleep(WINDOW + 1)
    sb.reset_counters()
    before = client._transport.usage.snapshot()  # the client's own tally of what it spent
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    spent = client._transport.usage.snapshot() - before
    counters = sb.counters()
    return {
        "seconds": seconds,
        "requests": int(counters["requests"]),
        "bytes": spent.bytes,
        "429": int(counters["by_status"].get("429", 0)),
        "result": result,
    }


def _change_one_percent(sb: Sandbox, projects: list[int], rows: int, rng: random.Random) -> int:
    """Create, update and delete about 1% of ``rows`` across random projects."""
    left = max(1, rows // 100)
    changed = 0
    for _ in range(100 * len(projects)):  # bounded: projects without RFIs are skipped
        if left <= 0:
            break
        project = rng.choice(projects)
        update, create, delete = min(left, 6), 1, 1
        try:
            sb.mutate(
                RESOURCE, project_id=project, create=create, update=update, delete=delete, advance=1
            )
        except SandboxError:  # a project with too few RFIs (or none yet): pick another
            continue
        changed += update + create + delete
        left -= update + create + delete
    return changed


def _bound(requests: int) -> float:
    """The least time ``requests`` can take from a fresh window: the first spike window's
    worth at once, the rest at the spike rate, plus one latency."""
    return max(0, requests - SPIKE) / (SPIKE / WINDOW) + LATENCY


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=400, help="projects (default 400)")
    parser.add_argument("--seed", type=int, default=0, help="the sandbox's seed (default 0)")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    rows: dict[str, dict[str, Any]] = {}
    with (
        Sandbox(
            process=True,
            seed=args.seed,
            projects=args.projects,
            latency=LATENCY,
            latency_per_record=PER_RECORD,
            rate_limit_spike=SPIKE,
            spike_window=WINDOW,
            rate_limit_hourly=HOURLY,
        ) as sb,
        tempfile.TemporaryDirectory() as folder,
    ):
        client = signed_in(sb)
        projects = [int(i) for i in client.projects()["id"]]
        path = Path(folder) / "store.duckdb"
        store = procore_nb.Store(client, path, progress=False)
        store.sync("projects")  # the project list the store resolves "active" from
        rows["client.frame (whole pull)"] = _measure(
            sb, client, lambda: client.frame(RESOURCE, projects=projects)
        )
        rows["store: first sync"] = _measure(
            sb, client, lambda: store.sync(RESOURCE, projects=projects)
        )
        total = int(rows["store: first sync"]["result"].rows)
        _change_one_percent(sb, projects, total, rng)
        rows["store: sync after 1% changed, exact"] = _measure(
            sb, client, lambda: store.sync(RESOURCE, projects=projects)
        )
        lazy = procore_nb.Store(client, path, progress=False, deletions_every="1d")
        _change_one_percent(sb, projects, total, rng)
        rows["store: sync after 1%, deletions_every=1d"] = _measure(
            sb, client, lambda: lazy.sync(RESOURCE, projects=projects)
        )
        store.frame(RESOURCE, projects=projects, max_age="1h")
        rows["store.frame within max_age"] = _measure(
            sb, client, lambda: store.frame(RESOURCE, projects=projects, max_age="1h")
        )
    full = rows["client.frame (whole pull)"]
    print(
        f"\n{RESOURCE}: {total:,} records in {len(projects)} projects; {LATENCY * 1000:g} ms "
        f"per request + {PER_RECORD * 1e6:g} us per record; spike {SPIKE} per {WINDOW:g} s, "
        f"hourly {HOURLY:,}\n"
    )
    print(
        f"{'approach':<42}{'s':>8}{'requests':>10}{'MB':>9}{'429s':>6}{'bound s':>9}"
        f"{'s/pull':>8}{'bytes/pull':>12}"
    )
    for label, row in rows.items():
        print(
            f"{label:<42}{row['seconds']:>8.2f}{row['requests']:>10}{row['bytes'] / 1e6:>9.2f}"
            f"{row['429']:>6}{_bound(row['requests']):>9.1f}"
            f"{row['seconds'] / full['seconds']:>8.2f}{row['bytes'] / max(1, full['bytes']):>12.3f}"
        )
    first = rows["store: first sync"]
    exact = rows["store: sync after 1% changed, exact"]
    lazy_row = rows["store: sync after 1%, deletions_every=1d"]
    rerun = rows["store.frame within max_age"]
    checks = {
        "first sync <= 1.1x the pull": first["seconds"] <= 1.1 * full["seconds"],
        "exact sync: no more requests": exact["requests"] <= full["requests"],
        "exact sync: no slower": exact["seconds"] <= 1.1 * full["seconds"],
        "deletions_every: no more requests": lazy_row["requests"] <= full["requests"],
        "deletions_every: no slower": lazy_row["seconds"] <= 1.1 * full["seconds"],
        "deletions_every: >= 20x fewer bytes": lazy_row["bytes"] * 20 <= full["bytes"],
        "rerun: zero requests": rerun["requests"] == 0,
        "rerun: under a second": rerun["seconds"] < 1.0,
    }
    print()
    for name, ok in checks.items():
        print(f"{'ok  ' if ok else 'MISS'} {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
