"""Pull 10,000 projects: a sequential ``requests`` loop versus ``client.projects()``.

The sandbox runs in a child process with 100 ms of latency per request and Procore's
spike limit (25 requests per 10 s) on. The baseline does what existing wrappers do: 100
projects a page, one page after another, following ``Link``, sitting out each 429's
``Retry-After`` so that it finishes. procore_nb asks for the largest page, fetches the
rest concurrently and paces itself by the ``X-Rate-Limit-*`` headers. Both run in the same
process, alternately, each starting with a fresh rate-limit window; the table shows the
median wall time of each, their ratio and the 429 answers each provoked.

Run: ``.venv/bin/python benchmarks/bench_paging.py [--runs 3]``. Exits 1 if procore_nb is
less than 5 times faster or meets any 429.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import procore_nb  # after the path set-up above, to run from a checkout
from procore_nb._constants import OOB_REDIRECT_URI
from procore_nb.sandbox import Sandbox

PROJECTS = 10_000
SPIKE, WINDOW = 25, 10.0
TARGET = 5.0


def _sign_in_by_hand(sb: Sandbox) -> str:
    """The code exchange as a plain script does it; returns the access token."""
    answer = requests.post(
        f"{sb.url}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": sb.authorize(),
            "redirect_uri": OOB_REDIRECT_URI,
            "client_id": sb.client_id,
            "client_secret": sb.client_secret,
        },
        timeout=30,
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def sequential_loop(sb: Sandbox, token: str) -> list[dict[str, Any]]:
    """One page of 100 after another, following Link, waiting out every 429."""
    session = requests.Session()
    session.headers.update(
        {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(sb.company_id)}
    )
    url: str | None = f"{sb.url}/rest/v1.0/projects"
    params: dict[str, Any] | None = {
        "company_id": sb.company_id,
        "per_page": 100,
        "filters[by_status]": "All",
    }
    rows: list[dict[str, Any]] = []
    while url:
        answer = session.get(url, params=params, timeout=60)
        if answer.status_code == 429:
            time.sleep(float(answer.headers.get("Retry-After", "1")))
            continue
        answer.raise_for_status()
        rows.extend(answer.json())
        url = answer.links.get("next", {}).get("url")
        params = None  # the Link URL carries every parameter
    return rows


def _status_count(sb: Sandbox, status: str) -> int:
    return int(sb.counters()["by_status"].get(status, 0))


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each approach (default 3)")
    args = parser.parse_args(argv)
    results: dict[str, dict[str, list[float]]] = {
        "loop": {"seconds": [], "rows": [], "requests": [], "429": []},
        "procore_nb": {"seconds": [], "rows": [], "requests": [], "429": []},
    }
    with Sandbox(
        process=True,
        projects=PROJECTS,
        latency=0.1,
        rate_limit_spike=SPIKE,
        spike_window=WINDOW,
    ) as sb:
        token = _sign_in_by_hand(sb)
        client = procore_nb.Client(
            api_url=sb.url,
            client_id=sb.client_id,
            client_secret=sb.client_secret,
            company_id=sb.company_id,
            cache="none",
            progress=False,
        )
        client.exchange_code(sb.authorize())
        pulls = {
            "loop": lambda: sequential_loop(sb, token),
            "procore_nb": lambda: client.projects(status="all"),
        }
        for run in range(args.runs):
            for name, pull in pulls.items():
                # Both tokens share one rate-limit key: start each pull with a fresh window.
                time.sleep(WINDOW + 1)
                sb.reset_counters()
                started = time.perf_counter()
                rows = len(pull())
                elapsed = time.perf_counter() - started
                counters = sb.counters()
                result = results[name]
                result["seconds"].append(elapsed)
                result["rows"].append(rows)
                result["requests"].append(counters["requests"])
                result["429"].append(_status_count(sb, "429"))
                print(f"run {run + 1} {name:<11} {elapsed:7.2f} s  {rows} rows", file=sys.stderr)
    loop = statistics.median(results["loop"]["seconds"])
    ours = statistics.median(results["procore_nb"]["seconds"])
    ratio = loop / ours
    labels = {
        "loop": "requests loop, Link, 100/page",
        "procore_nb": "procore_nb client.projects()",
    }
    print(
        f"\n{PROJECTS:,} projects, 100 ms latency per request, spike limit {SPIKE} per "
        f"{WINDOW:g} s, {args.runs} runs each\n"
    )
    print(f"{'approach':<32}{'median s':>10}{'rows':>8}{'requests':>10}{'429s':>7}")
    for name, label in labels.items():
        result = results[name]
        print(
            f"{label:<32}{statistics.median(result['seconds']):>10.2f}"
            f"{int(statistics.median(result['rows'])):>8}"
            f"{int(statistics.median(result['requests'])):>10}{int(sum(result['429'])):>7}"
        )
    print(f"{'ratio (loop / procore_nb)':<32}{ratio:>9.1f}x   (target >= {TARGET:g}x)")
    ours_429 = sum(results["procore_nb"]["429"])
    complete = all(r == PROJECTS for r in results["procore_nb"]["rows"] + results["loop"]["rows"])
    return 0 if ratio >= TARGET and ours_429 == 0 and complete else 1


if __name__ == "__main__":
    sys.exit(main())
