"""Sandbox throughput: authenticated small-page requests per second on loopback, with wrk.

The sandbox must never be what a client benchmark measures, so it has to answer at least
1,000 authenticated small-page requests a second on a 2-core machine. This runs the server
in its own process (``Sandbox(process=True)``, rate limits lifted), drives it with ``wrk``
(keep-alive, several connections) and prints the median of several runs per scenario, side
by side with the ``/me`` baseline. It also times generating 100,000 projects, and the RFIs
of a 400-project company.

Run: ``.venv/bin/python benchmarks/bench_sandbox.py [--runs N] [--seconds S]``.
Needs ``wrk`` (Debian: ``apt-get install -y wrk``).
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from procore_nb._constants import OOB_REDIRECT_URI
from procore_nb.sandbox import Options, Sandbox
from procore_nb.sandbox._data import World
from procore_nb.sandbox._store import Store

TARGET = 1_000.0  # requests per second the sandbox must sustain


def _token(sb: Sandbox) -> str:
    form = {
        "grant_type": "authorization_code",
        "client_id": sb.client_id,
        "client_secret": sb.client_secret,
        "code": sb.authorize(),
        "redirect_uri": OOB_REDIRECT_URI,
    }
    data = urllib.parse.urlencode(form).encode()
    url = f"{sb.url}/oauth/token"
    with urllib.request.urlopen(url, data=data, timeout=30) as answer:  # noqa: S310 - loopback URL
        return str(json.loads(answer.read())["access_token"])


# Walks page=1..N so paging is measured on every page, not one page served again and again.
_PAGES_LUA = """
local page = 0
request = function()
  page = page % {pages} + 1
  return wrk.format(nil, wrk.path .. "&page=" .. page)
end
"""


def _wrk(
    url: str, headers: dict[str, str], *, seconds: float, connections: int, script: str | None
) -> tuple[float, int]:
    """Requests per second and non-2xx answers (plus socket errors) of one wrk run."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s"]
    if script is not None:
        command += ["-s", script]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run(  # noqa: S603 - wrk with our own arguments
        [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True
    )
    rate = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", done.stdout)
    errors = re.search(r"Socket errors: .*", done.stdout)
    if rate is None:
        raise RuntimeError(f"could not read wrk's output:\n{done.stdout}{done.stderr}")
    failures = int(bad.group(1)) if bad else 0
    if errors:
        failures += sum(int(n) for n in re.findall(r"\d+", errors.group(0)))
    return float(rate.group(1)), failures


def main(argv: list[str]) -> int:  # noqa: PLR0915 - one table after another, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (median shown)")
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print(
            "bench_sandbox: the load generator 'wrk' is not installed, so throughput was NOT "
            "measured.\nInstall it (Debian/Ubuntu: apt-get install -y wrk) and run again.",
            file=sys.stderr,
        )
        return 1

    unlimited = {"rate_limit_spike": 10**9, "rate_limit_hourly": 10**9}
    with Sandbox(process=True, projects=400, **unlimited) as sb:
        token = _token(sb)
        headers = {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(sb.company_id)}
        base = f"{sb.url}/rest/v1.0/projects?company_id={sb.company_id}"
        lua = Path(tempfile.mkdtemp(prefix="bench-sandbox-")) / "pages.lua"
        lua.write_text(_PAGES_LUA.format(pages=30))
        busy = next(
            p["id"]
            for p in World(Options(projects=400)).companies[sb.company_id].projects
            if p["stage"] == "Course of Construction"
        )
        rfis = f"{sb.url}/rest/v1.0/projects/{busy}/rfis"
        scenarios: dict[str, tuple[str, str | None]] = {
            "GET /rest/v1.0/me": (f"{sb.url}/rest/v1.0/me", None),
            "projects per_page=10": (f"{base}&per_page=10", str(lua)),
            "projects per_page=100": (f"{base}&per_page=100", str(lua)),
            "v1.1 compact, filtered": (
                f"{sb.url}/rest/v1.1/projects?company_id={sb.company_id}&view=compact"
                "&per_page=10&filters%5Bname%5D=school",
                str(lua),
            ),
            "one project's RFIs": (f"{rfis}?per_page=100", None),
            "its open RFIs, sorted": (
                f"{rfis}?per_page=100&filters%5Bstatus%5D=open&sort%5Battribute%5D=due_date",
                None,
            ),
        }
        run = functools.partial(_wrk, headers=headers, connections=args.connections)
        run(scenarios["GET /rest/v1.0/me"][0], seconds=1, script=None)  # warm up
        rates: dict[str, list[float]] = {name: [] for name in scenarios}
        failures = 0
        for _ in range(args.runs):  # interleaved, so drift in machine load hits every scenario
            for name, (url, script) in scenarios.items():
                rate, bad = run(url, seconds=args.seconds, script=script)
                rates[name].append(rate)
                if script is None or "per_page=10" in url:
                    failures += bad  # pages past the end are 200 [] too, so any non-2xx is a fault
        shutil.rmtree(lua.parent)

    baseline = statistics.median(rates["GET /rest/v1.0/me"])
    print(f"\nSandbox throughput: wrk -t1 -c{args.connections}, {args.runs} x {args.seconds:g} s")
    print(
        f"{'scenario':<26}{'median req/s':>14}{'min':>10}{'max':>10}{'vs /me':>9}{'vs 1000/s':>11}"
    )
    for name, values in rates.items():
        median = statistics.median(values)
        print(
            f"{name:<26}{median:>14,.0f}{min(values):>10,.0f}{max(values):>10,.0f}"
            f"{median / baseline:>9.2f}{median / TARGET:>11.2f}"
        )
    print(f"non-2xx answers or socket errors: {failures}")

    timings = []
    for _ in range(3):
        start = time.perf_counter()
        world = World(Options(projects=100_000))
        generated = time.perf_counter() - start
        main_company = next(iter(world.companies.values()))
        for record in main_company.projects:
            world.encoded(record)
        timings.append((generated, time.perf_counter() - start - generated))
    print("\nData generation, 100,000 projects (median of 3)")
    print(f"{'step':<26}{'seconds':>14}")
    print(f"{'generate':<26}{statistics.median(t[0] for t in timings):>14.2f}")
    print(f"{'encode every record':<26}{statistics.median(t[1] for t in timings):>14.2f}")

    runs = []
    for _ in range(3):
        start = time.perf_counter()
        store = Store(World(Options(projects=400)), seed=0)
        count = sum(
            len(store.bucket("rfis", p["id"]).records)
            for p in store.world.companies[sb.company_id].projects
        )
        runs.append(time.perf_counter() - start)
    print(f"{f'RFIs of 400 projects ({count:,})':<26}{statistics.median(runs):>14.2f}")

    small_page = statistics.median(rates["projects per_page=10"])
    ok = small_page >= TARGET and failures == 0
    verdict = "PASS" if ok else "FAIL"
    print(f"\n{verdict}: small pages at {small_page:,.0f} req/s (target {TARGET:,.0f})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
