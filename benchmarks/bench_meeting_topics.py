"""Meeting topics of one project: one request per meeting, sent one at a time or together.

Procore lists a meeting's topics only inside its show, so ``client.frame("meeting_topics",
projects=pid)`` reads the project's meetings (one request) and then one show per meeting. For
one project the shows go out ``workers`` at a time (paced by the rate-limit headers as every
request is); across projects, one per project at a time. The sandbox runs in-process with
``--latency`` seconds per request and limits high enough not to matter here: the table shows
the requests and wall time of the pull with one worker and with the client's default, and
how far each is from its bound (the requests times the latency, divided by the workers).

Run: ``.venv/bin/python benchmarks/bench_meeting_topics.py [--latency 0.1] [--runs 3]``.
Exits 1 if the two pulls' rows differ.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _sandboxes import signed_in  # benchmarks/ is on the path as the script's folder

from procore_nb.sandbox import Sandbox


def main() -> int:
    """Print the table; 1 when the pulls disagree."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per request")
    parser.add_argument("--runs", type=int, default=3, help="runs of each (the median is shown)")
    args = parser.parse_args()
    with Sandbox(seed=0, projects=12, rate_limit_spike=100_000, rate_limit_hourly=100_000) as sb:
        client = signed_in(sb)
        listed = client.projects()
        building = listed[listed["stage"].astype(str) == "Course of Construction"]
        meetings = {
            int(p): len(client.frame("meetings", projects=[int(p)], progress=False))
            for p in building["id"]
        }
        project = max(meetings, key=meetings.__getitem__)
        sb.configure(latency=args.latency)
        default = client._reader._workers  # the client's own setting, read for the table
        rows: dict[int, int] = {}
        print(f"project {project}: {meetings[project]} meetings, {args.latency:.3f} s a request")
        print(
            f"{'workers':>8} {'topics':>7} {'requests':>9} {'seconds':>8} {'bound':>7} {'ratio':>6}"
        )
        for workers in (1, default):
            client._reader._workers = workers
            times = []
            for _ in range(args.runs):
                sb.reset_counters()
                start = time.perf_counter()
                frame = client.frame("meeting_topics", projects=[project], progress=False)
                times.append(time.perf_counter() - start)
                requests = int(sb.counters()["requests"])
            rows[workers] = len(frame)
            took = statistics.median(times)
            shows = requests - 1  # the meetings list is one request before the shows
            bound = args.latency * (1 + -(-shows // workers))
            print(
                f"{workers:>8} {len(frame):>7} {requests:>9} {took:>8.2f} {bound:>7.2f} "
                f"{took / bound:>6.2f}"
            )
        client._reader._workers = default
    return 0 if len(set(rows.values())) == 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
