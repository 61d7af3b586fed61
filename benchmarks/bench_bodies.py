"""Reading large pages: procore_nb's transport versus a plain ``requests.get().json()``.

procore_nb reads each body a chunk at a time under the call's deadline (so that a trickling
server cannot hold a call), and judges redirects itself. This measures what that costs on
the pages a pull is made of: the sandbox (in a child process, no latency) serves pages of
1,000 projects; each approach reads the same page alternately, and the table shows the
median time of each and their ratio (near 1.0 means no cost).

Run: ``.venv/bin/python benchmarks/bench_bodies.py [--runs 30]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _sandboxes import signed_in  # benchmarks/ is on the path as the script's folder

from procore_nb.sandbox import Sandbox

PER_PAGE = 1000


def main() -> int:
    """Time both approaches side by side and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="reads of each approach (default 30)")
    args = parser.parse_args()
    with Sandbox(
        process=True, projects=5000, rate_limit_spike=10**9, rate_limit_hourly=10**9
    ) as sb:
        client = signed_in(sb)
        assert client.token is not None
        url = f"{sb.url}/rest/v1.0/projects"
        params = {"per_page": PER_PAGE, "page": 2, "filters[by_status]": "All"}
        query = {"company_id": sb.company_id, **params}
        headers = {
            "Authorization": f"Bearer {client.token.access_token}",
            "Procore-Company-Id": str(sb.company_id),
        }
        plain = requests.Session()
        size = len(plain.get(url, params=query, headers=headers, timeout=60).content)
        ours: list[float] = []
        theirs: list[float] = []
        for _ in range(args.runs):
            started = time.perf_counter()
            rows = client.get("projects", params)
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            same = plain.get(url, params=query, headers=headers, timeout=60).json()
            theirs.append(time.perf_counter() - started)
            assert len(rows) == len(same) == PER_PAGE
    mine, base = statistics.median(ours), statistics.median(theirs)
    print(f"page of {PER_PAGE} projects, {size / 1e6:.2f} MB, {args.runs} reads each")
    print(f"{'approach':<40} {'median':>10}")
    print(f"{'requests.get().json()':<40} {base * 1000:>8.1f} ms")
    print(f"{'client.get() (chunks, deadline)':<40} {mine * 1000:>8.1f} ms")
    print(f"{'ratio (procore_nb / requests)':<40} {mine / base:>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
