"""Open RFIs of every project of a company: one pull across projects versus per-project loops.

The sandbox runs in a child process with 100 ms of latency per request and Procore's
documented windows on (spike 25 requests per 10 s, hourly 3,600). Three ways to the same
rows, each starting with a fresh rate-limit window:

- ``client.frame("rfis", projects="all", status="open")``: every project's requests
  scheduled together, paced by the ``X-Rate-Limit-*`` headers;
- a sequential ``requests`` loop, one project after another, the largest page, following
  ``Link`` and sitting out each 429's ``Retry-After`` so that it finishes;
- ``client.frame("rfis", projects=pid, status="open")`` one project at a time, concatenated.

The rate bound is the least time Procore's limits allow: the requests procore_nb needed
divided by the allowed rate (25 per 10 s), plus one latency. The table shows each median
wall time beside it, the ratios, and the 429 answers each provoked (the sandbox's counters).

Run: ``.venv/bin/python benchmarks/bench_fanout.py [--runs 1] [--projects 400]``. Exits 1 if
the pull is slower than 1.15 times the bound, meets any 429, or the row counts disagree.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _sandboxes import signed_in, token_by_hand  # benchmarks/ is on the path as the script's folder

import procore_nb  # after the path set-up above, to run from a checkout
from procore_nb.sandbox import Sandbox

SPIKE, WINDOW, HOURLY = 25, 10.0, 3600
LATENCY = 0.1
TARGET = 1.15


def _get(session: requests.Session, url: str, params: dict[str, Any] | None) -> Any:
    """One GET, waiting out 429s; None for a project that refuses (403/404)."""
    while True:
        answer = session.get(url, params=params, timeout=60)
        if answer.status_code == 429:
            time.sleep(float(answer.headers.get("Retry-After", "1")))
            continue
        if answer.status_code in (403, 404):
            return None
        answer.raise_for_status()
        return answer


def sequential_loop(sb: Sandbox, token: str) -> int:
    """Each project in turn, every page of its open RFIs; returns the row count."""
    session = requests.Session()
    session.headers.update(
        {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(sb.company_id)}
    )
    listed = _get(
        session,
        f"{sb.url}/rest/v1.0/projects",
        {"company_id": sb.company_id, "per_page": 2000, "filters[by_status]": "All"},
    )
    rows = 0
    for project in listed.json():
        url: str | None = f"{sb.url}/rest/v1.0/projects/{project['id']}/rfis"
        params: dict[str, Any] | None = {"filters[status]": "open", "per_page": 2000}
        while url:
            answer = _get(session, url, params)
            if answer is None:
                break
            rows += len(answer.json())
            url = answer.links.get("next", {}).get("url")
            params = None  # the Link URL carries every parameter
    return rows


def one_at_a_time(client: procore_nb.Client) -> int:
    """client.frame for one project after another, concatenated."""
    ids = client.projects(status="all", view="compact")["id"]
    frames = [client.frame("rfis", projects=int(pid), status="open") for pid in ids]
    return len(pd.concat(frames, ignore_index=True))


def _counts(sb: Sandbox) -> tuple[int, int]:
    counters = sb.counters()
    return int(counters["requests"]), int(counters["by_status"].get("429", 0))


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="runs of each approach (default 1)")
    parser.add_argument("--projects", type=int, default=400, help="projects (default 400)")
    args = parser.parse_args(argv)
    names = ("procore_nb", "loop", "frame_each")
    results: dict[str, dict[str, list[float]]] = {
        name: {"seconds": [], "rows": [], "requests": [], "429": []} for name in names
    }
    with Sandbox(process=True, projects=args.projects, rate_limit_spike=100_000) as sb:
        token = token_by_hand(sb)
        client = signed_in(sb)
        client.frame("rfis", projects="all")  # the sandbox builds each project's data once
        sb.configure(
            latency=LATENCY, rate_limit_spike=SPIKE, spike_window=WINDOW, rate_limit_hourly=HOURLY
        )
        pulls = {
            "procore_nb": lambda: len(client.frame("rfis", projects="all", status="open")),
            "loop": lambda: sequential_loop(sb, token),
            "frame_each": lambda: one_at_a_time(client),
        }
        for run in range(args.runs):
            for name, pull in pulls.items():
                # All tokens share one rate-limit key: start each pull with a fresh window.
                time.sleep(WINDOW + 1)
                sb.reset_counters()
                started = time.perf_counter()
                rows = pull()
                elapsed = time.perf_counter() - started
                sent, refused = _counts(sb)
                result = results[name]
                result["seconds"].append(elapsed)
                result["rows"].append(rows)
                result["requests"].append(sent)
                result["429"].append(refused)
                print(f"run {run + 1} {name:<11} {elapsed:7.2f} s  {rows} rows", file=sys.stderr)
    needed = statistics.median(results["procore_nb"]["requests"])
    bound = needed / (SPIKE / WINDOW) + LATENCY
    ours = statistics.median(results["procore_nb"]["seconds"])
    labels = {
        "procore_nb": 'client.frame("rfis", projects="all")',
        "loop": "requests loop, project by project",
        "frame_each": "client.frame one project at a time",
    }
    print(
        f"\nOpen RFIs of {args.projects} projects, {LATENCY * 1000:.0f} ms latency, spike "
        f"{SPIKE} per {WINDOW:g} s, hourly {HOURLY:,}, {args.runs} run(s) each\n"
    )
    print(f"{'approach':<40}{'median s':>10}{'x bound':>9}{'rows':>8}{'requests':>10}{'429s':>7}")
    print(f"{'rate bound (requests / 2.5 per s + latency)':<40}{bound:>10.2f}{1.0:>9.2f}")
    for name, label in labels.items():
        result = results[name]
        seconds = statistics.median(result["seconds"])
        print(
            f"{label:<40}{seconds:>10.2f}{seconds / bound:>9.2f}"
            f"{int(statistics.median(result['rows'])):>8}"
            f"{int(statistics.median(result['requests'])):>10}{int(sum(result['429'])):>7}"
        )
    for name in ("loop", "frame_each"):
        ratio = statistics.median(results[name]["seconds"]) / ours
        print(f"{'ratio (' + name + ' / procore_nb)':<40}{ratio:>10.2f}x")
    print(f"target: procore_nb within {TARGET:g}x of the bound, no 429")
    rows = {int(r) for result in results.values() for r in result["rows"]}
    ours_429 = sum(results["procore_nb"]["429"])
    return 0 if ours <= TARGET * bound and ours_429 == 0 and len(rows) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
