"""Pulls from the sandbox: procore_nb against a ``requests`` loop, its bounds, its memory.

The sandbox runs in a child process with 100 ms of latency per request and Procore's spike
limit (25 requests per 10 s) on. Three measurements, each the median of interleaved runs, each
run starting with a fresh rate-limit window:

1. 10,000 projects, warm: a sequential ``requests`` loop (100 a page, following ``Link``,
   sitting out each 429) against ``client.projects()``. Target: 5x faster, zero 429s.
2. The same pull as the first call of a fresh Python process (a new kernel: pandas and
   pyarrow not yet imported), against two round trips (one page of 1,000 projects, measured)
   plus the conversion of those 10,000 projects' bytes (``frame_from_pages``, warm). Bound:
   1.5x.
3. 80,000 projects, rate-bound: 41 requests (40 pages of 2,000, the largest page the client
   asks for, and the stage list) at 25 per 10 s need two windows: the bound is one window plus
   two round trips. Bound: 1.1x, zero 429s.
4. Peak memory of a pull of 40,000 projects (rate limit lifted), in a fresh process after one
   pull there: how far the resident size rose during the pull (the kernel's high-water mark,
   every allocator counted, freed memory handed back first), against the frame's size. Bound:
   about 2x.

Run: ``.venv/bin/python benchmarks/bench_paging.py [--runs 3]``. Exits 1 if a bound is missed.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _sandboxes import signed_in, token_by_hand  # benchmarks/ is on the path as the script's folder

from procore_nb.sandbox import Sandbox

PROJECTS, LARGE = 10_000, 40_000
#: Projects of the rate-bound pull: 40 pages of 2,000 and the stage list, two windows.
RATE_PROJECTS = 80_000
LATENCY = 0.1
SPIKE, WINDOW = 25, 10.0
LOOP_TARGET, FIRST_BOUND, RATE_BOUND, MEMORY_BOUND = 5.0, 1.5, 1.1, 2.0

#: The first pull of a fresh process, timed from the call; then the peak memory of a second
#: pull: how far the resident size rose above where it stood right before the pull (the kernel's
#: high-water mark, reset first), which counts every allocator: Python's heap, Arrow's pools
#: (the default one and the C allocator the page reader uses), response bodies. Freed memory
#: that allocators keep is handed back before the pull so that reusing it is not a free lunch.
#: Prints what it measured as JSON.
CHILD = """
import ctypes, gc, json, os, sys, time
import procore_nb
url, client_id, secret, company, code = sys.argv[1:6]
client = procore_nb.Client(api_url=url, client_id=client_id, client_secret=secret,
                           company_id=int(company), cache="none", progress=False)
client.exchange_code(code)
started = time.perf_counter()
df = client.projects(status="all")
seconds = time.perf_counter() - started
rows = len(df)
del df

def status(field):
    with open("/proc/self/status", encoding="ascii") as lines:
        return next(int(line.split()[1]) * 1024 for line in lines if line.startswith(field + ":"))

import pyarrow as pa
gc.collect()
pa.default_memory_pool().release_unused()
ctypes.CDLL(None).malloc_trim(0)  # glibc: give freed heap pages back to the kernel
with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
    clear.write("5")  # the high-water mark starts again from the current resident size
before = status("VmRSS")
df = client.projects(status="all")
peak = status("VmHWM") - before
print(json.dumps({"seconds": seconds, "rows": rows, "peak": peak,
                  "frame": int(df.memory_usage(deep=True).sum())}), flush=True)
"""


def _session(sb: Sandbox, token: str) -> requests.Session:
    session = requests.Session()
    session.headers.update(
        {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(sb.company_id)}
    )
    return session


def sequential_loop(sb: Sandbox, token: str) -> list[dict[str, Any]]:
    """One page of 100 after another, following Link, waiting out every 429."""
    session = _session(sb, token)
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


def _limited(projects: int) -> Sandbox:
    """A sandbox in a child process with ``projects``, the latency and the spike limit."""
    return Sandbox(
        process=True,
        projects=projects,
        latency=LATENCY,
        rate_limit_spike=SPIKE,
        spike_window=WINDOW,
    )


def _fresh_window(sb: Sandbox) -> None:
    """Wait out the spike window (every token shares one key), then clear the counters."""
    time.sleep(WINDOW + 1)
    sb.reset_counters()


def _count_429(sb: Sandbox) -> int:
    return int(sb.counters()["by_status"].get("429", 0))


def _first_pull(sb: Sandbox) -> dict[str, Any]:
    """The first pull of a fresh Python process, as that process measured it."""
    args = [sb.url, sb.client_id, sb.client_secret, str(sb.company_id), sb.authorize()]
    done = subprocess.run(  # noqa: S603  # our own interpreter and script
        [sys.executable, "-c", CHILD, *args], check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _bound_parts(sb: Sandbox, token: str, *, runs: int) -> tuple[float, float]:
    """The median round trip of one page of 1,000 projects, and the warm conversion time."""
    from procore_nb.frames._arrow import frame_from_pages

    session = _session(sb, token)
    url = f"{sb.url}/rest/v1.0/projects"
    base = {"company_id": sb.company_id, "per_page": 1000, "filters[by_status]": "All"}
    trips, pages = [], []
    for number in range(1, math.ceil(PROJECTS / 1000) + 1):
        started = time.perf_counter()
        answer = session.get(url, params={**base, "page": number}, timeout=60)
        trips.append(time.perf_counter() - started)
        answer.raise_for_status()
        pages.append(answer.content)
    stages = [
        s["name"]
        for s in session.get(
            f"{url[:-9]}/companies/{sb.company_id}/project_stages", timeout=60
        ).json()
    ]
    conversions = []
    for _ in range(runs):
        started = time.perf_counter()
        frame_from_pages(pages, "projects", stages=stages)
        conversions.append(time.perf_counter() - started)
    return statistics.median(trips), statistics.median(conversions)


def _verdict(ok: bool) -> str:
    return "meets" if ok else "MISSES"


def warm_and_fresh(runs: int) -> bool:
    """Measurements 1 and 2: 10,000 projects, warm against the loop, then in a fresh process."""
    loop, warm, fresh, requests_made = [], [], [], {"loop": [], "warm": []}
    loop_429 = warm_429 = fresh_429 = 0
    with _limited(PROJECTS) as sb:
        token = token_by_hand(sb)
        client = signed_in(sb)
        for run in range(runs):
            _fresh_window(sb)
            started = time.perf_counter()
            assert len(sequential_loop(sb, token)) == PROJECTS
            loop.append(time.perf_counter() - started)
            requests_made["loop"].append(sb.counters()["requests"])
            loop_429 += _count_429(sb)
            _fresh_window(sb)
            started = time.perf_counter()
            assert len(client.projects(status="all")) == PROJECTS
            warm.append(time.perf_counter() - started)
            requests_made["warm"].append(sb.counters()["requests"])
            warm_429 += _count_429(sb)
            _fresh_window(sb)
            result = _first_pull(sb)
            assert result["rows"] == PROJECTS
            fresh.append(result["seconds"])
            fresh_429 += _count_429(sb)
            print(
                f"run {run + 1}: loop {loop[-1]:.2f} s, warm {warm[-1]:.2f} s, "
                f"fresh process {fresh[-1]:.2f} s",
                file=sys.stderr,
            )
        _fresh_window(sb)
        trip, conversion = _bound_parts(sb, token, runs=runs)
    ratio = statistics.median(loop) / statistics.median(warm)
    bound = 2 * trip + conversion
    first = statistics.median(fresh) / bound
    print(
        f"\n{PROJECTS:,} projects, {LATENCY * 1000:.0f} ms latency per request, spike limit "
        f"{SPIKE} per {WINDOW:g} s, median of {runs} interleaved runs\n"
    )
    print("| pull | median (s) | requests | 429s | bound or baseline | ratio |")
    print("|---|---:|---:|---:|---|---:|")
    print(
        f"| `requests` loop, `Link`, 100 a page | {statistics.median(loop):.2f} | "
        f"{int(statistics.median(requests_made['loop']))} | {loop_429} | | |"
    )
    print(
        f"| `client.projects()`, warm | {statistics.median(warm):.2f} | "
        f"{int(statistics.median(requests_made['warm']))} | {warm_429} | "
        f"loop / this, target >= {LOOP_TARGET:g}x | {ratio:.1f}x |"
    )
    print(
        f"| `client.projects()`, first call of a fresh process | {statistics.median(fresh):.2f} "
        f"| | {fresh_429} | 2 round trips ({trip:.3f} s each) + conversion ({conversion:.3f} s) "
        f"= {bound:.3f} s, bound {FIRST_BOUND:g}x | {first:.2f}x |"
    )
    print(
        f"\nfirst call of a fresh process {_verdict(first <= FIRST_BOUND)} its "
        f"{FIRST_BOUND:g}x bound; warm pull "
        f"{_verdict(ratio >= LOOP_TARGET)} the {LOOP_TARGET:g}x target"
    )
    return ratio >= LOOP_TARGET and first <= FIRST_BOUND and warm_429 == fresh_429 == 0


def rate_bound(runs: int) -> bool:
    """Measurement 3: 80,000 projects, two windows' worth of requests."""
    times, counts, refused = [], [], 0
    with _limited(RATE_PROJECTS) as sb:
        client = signed_in(sb)
        token = token_by_hand(sb)
        trip, _ = _bound_parts(sb, token, runs=1)
        for run in range(runs):
            _fresh_window(sb)
            started = time.perf_counter()
            assert len(client.projects(status="all")) == RATE_PROJECTS
            times.append(time.perf_counter() - started)
            counts.append(sb.counters()["requests"])
            refused += _count_429(sb)
            print(f"run {run + 1}: rate-bound pull {times[-1]:.2f} s", file=sys.stderr)
    requests_made = int(statistics.median(counts))
    windows = math.ceil(requests_made / SPIKE)
    bound = (windows - 1) * WINDOW + 2 * trip
    ratio = statistics.median(times) / bound
    print(
        f"\n{RATE_PROJECTS:,} projects, {LATENCY * 1000:.0f} ms latency, spike limit {SPIKE} per "
        f"{WINDOW:g} s, median of {runs} runs\n"
    )
    print("| pull | median (s) | requests | 429s | rate bound | ratio |")
    print("|---|---:|---:|---:|---|---:|")
    print(
        f"| `client.projects()` | {statistics.median(times):.2f} | {requests_made} | {refused} "
        f"| {windows - 1} window(s) of {WINDOW:g} s + 2 round trips = {bound:.2f} s "
        f"| {ratio:.2f}x |"
    )
    print(f"\nrate-bound pull {_verdict(ratio <= RATE_BOUND)} its {RATE_BOUND:g}x bound")
    return ratio <= RATE_BOUND and refused == 0


def memory(runs: int) -> bool:
    """Measurement 4: the peak memory of a 40,000-project pull against the frame's size."""
    peaks, frames = [], []
    with Sandbox(process=True, projects=LARGE, latency=LATENCY, rate_limit_spike=100_000) as sb:
        for run in range(runs):
            result = _first_pull(sb)
            assert result["rows"] == LARGE
            peaks.append(result["peak"])
            frames.append(result["frame"])
            print(f"run {run + 1}: peak {result['peak'] / 1e6:.0f} MB", file=sys.stderr)
    peak, frame = statistics.median(peaks), statistics.median(frames)
    print(f"\n{LARGE:,} projects, rate limit lifted, median of {runs} fresh processes\n")
    print("| pull | peak memory (MB) | frame (MB) | peak / frame |")
    print("|---|---:|---:|---:|")
    print(
        f"| `client.projects()` (resident size's rise) | {peak / 1e6:.0f} | "
        f"{frame / 1e6:.0f} | {peak / frame:.2f}x |"
    )
    ok = peak / frame <= MEMORY_BOUND
    print(f"\npeak memory {_verdict(ok)} its {MEMORY_BOUND:g}x bound")
    return ok


def main(argv: list[str] | None = None) -> int:
    """Run the measurements and print their tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each pull (default 3)")
    args = parser.parse_args(argv)
    results = [warm_and_fresh(args.runs), rate_bound(args.runs), memory(args.runs)]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
