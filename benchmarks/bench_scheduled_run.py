"""A scheduled ``procore-nb run`` of notebooks 04-07 under Procore's own rate limits.

The sandbox runs in a child process with Procore's documented windows (spike 25 requests
per 10 s, hourly 3,600) and signs in a service account, as a cron job would. Three runs,
each timed from the command's start to its exit, with the sandbox's request counter:

- the first run, with an empty local store: the notebooks pull what they read;
- a rerun right after: every list is in the store within ``max_age``, so no pull;
- the nightly workflow on a fresh store: ``procore-nb sync`` of what the notebooks read,
  then the run, reading the store.

The rate bound of a run is its requests at 25 per 10 s (2.5 per second); a run past 3,600
requests would wait for the next hourly window on top. Without ``--projects`` the default
400-project sandbox is used; the README states which count was measured.

Run: ``.venv/bin/python benchmarks/bench_scheduled_run.py [--projects 400]``. Exits 1 if a
run fails.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from procore_nb.cli._demo import sandbox_environment  # after the path set-up above
from procore_nb.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = [
    ROOT / "notebooks" / name
    for name in (
        "04_rfis_and_submittals.ipynb",
        "05_cost.ipynb",
        "06_field.ipynb",
        "07_portfolio_map.ipynb",
    )
]
#: What notebooks 04-07 read through the store (the nightly sync's list).
STORED = (
    "rfis",
    "submittals",
    "budget_detail_rows",
    "work_order_contracts",
    "purchase_order_contracts",
    "commitment_change_orders",
    "punch_items",
    "observations",
    "checklists",
    "manpower_logs",
)
RATE = 25 / 10.0  # requests per second Procore's spike window allows
HOURLY = 3600


def _command(name: str, *args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "procore-nb"), name, *args]


def _timed(sb: Sandbox, command: list[str], env: dict[str, str]) -> tuple[float, int, int, int]:
    """Wall time, requests, 429 answers and exit status of ``command``."""
    before = sb.counters()
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    took = time.perf_counter() - started
    after = sb.counters()
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
    limited = after.get("rate_limited", 0) - before.get("rate_limited", 0)
    return took, after["requests"] - before["requests"], limited, done.returncode


def main() -> int:
    """Print the table; 1 when a run failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=400)
    args = parser.parse_args()
    rows = []
    for workflow in ("run, then rerun", "sync, then run"):
        # A sandbox each: the two workflows are two different days, each with its own
        # hourly budget (together they would need more than one hour's 3,600 requests).
        with (
            Sandbox(process=True, projects=args.projects, seed=0) as sb,
            tempfile.TemporaryDirectory(prefix="bench-run-") as home,
        ):
            env = os.environ | sandbox_environment(
                sb, service_account=True, token_dir=f"{home}/tokens"
            )
            env |= {f"XDG_{kind}_HOME": f"{home}/{kind}" for kind in ("CONFIG", "DATA", "CACHE")}
            run = _command("run", *map(str, NOTEBOOKS), "--out", f"{home}/reports")
            if workflow == "run, then rerun":
                rows.append(("first run, empty store", *_timed(sb, run, env)))
                rows.append(("rerun within max_age", *_timed(sb, run, env)))
            else:
                sync = _command("sync", *STORED, "--projects", "active", "--no-progress")
                rows.append(("procore-nb sync (nightly)", *_timed(sb, sync, env)))
                rows.append(("run after the sync", *_timed(sb, run, env)))
    print(f"\nnotebooks 04-07, {args.projects} projects, spike 25 per 10 s, hourly {HOURLY:,}\n")
    print(f"{'step':<28} {'time':>9} {'requests':>9} {'bound':>9} {'ratio':>6} {'429s':>5} exit")
    failed = False
    for step, took, requests, limited, code in rows:
        bound = requests / RATE + (3600.0 if requests > HOURLY else 0.0)
        ratio = f"{took / bound:.2f}" if bound else "-"
        print(
            f"{step:<28} {took:>8.1f}s {requests:>9,} {bound:>8.1f}s {ratio:>6} {limited:>5} {code}"
        )
        failed |= code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
