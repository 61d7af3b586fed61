"""Page bytes to a typed DataFrame: procore_nb's Arrow route beside pyarrow's JSON reader.

Builds 100,000 project records shaped like ``GET /rest/v1.0/projects`` (every v1.0 list field,
nested ``project_stage``/``company``/``project_template``, ``custom_fields``; money partly as
strings, some null coordinates), serialised as the pages Procore sends (JSON arrays of 1,000).
Then times, interleaved in one run, the median of several runs of each route from those bytes:

- the bound's base: pyarrow's JSON reader on the same records as NDJSON (one object a line,
  which it needs), flattened, to pandas: Arrow's own speed, untyped (inferred) columns;
- procore_nb's ``frame_from_pages(pages, "projects")``: the typed frame ``to_frame`` gives;
- the candidates measured for that route: ``json.loads``, orjson or msgspec decoding each page
  followed by ``to_frame`` (the route before), and DuckDB's ``read_json`` of the array, to
  pandas, untyped (each only when installed: ``pip install -e '.[bench]'``).

Then, each in a fresh process, the peak memory the conversion adds (``ru_maxrss`` over the
resident size with the pages loaded) beside the frame's own size.

The bounds: procore_nb within 1.5x of the pyarrow reader; its peak at most about 2x the frame.

Run: ``.venv/bin/python benchmarks/bench_frames.py [--records N] [--runs N]``.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import io
import json
import pickle
import random
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from procore_nb._constants import DEFAULT_STAGES  # after the path set-up, to run from a checkout
from procore_nb.frames._arrow import frame_from_pages
from procore_nb.frames._convert import to_frame

SPEED_BOUND = 1.5  # frame_from_pages within this many times pyarrow's reader
MEMORY_BOUND = 2.0  # the conversion's peak at most about this many times the frame
PAGE = 1_000  # records per page, as Procore's v1.0 lists send them
CITIES = [
    ("Austin", "TX", "78701", 30.2672, -97.7431),
    ("Denver", "CO", "80202", 39.7392, -104.9903),
    ("Seattle", "WA", "98101", 47.6062, -122.3321),
    ("Atlanta", "GA", "30303", 33.7490, -84.3880),
    ("Boston", "MA", "02108", 42.3601, -71.0589),
    ("Phoenix", "AZ", "85004", 33.4484, -112.0740),
]
#: Mostly under construction, a few cancelled: the mix of a real portfolio.
STAGE_WEIGHTS = [6, 10, 40, 8, 6, 20, 6, 4]
BASE_TIME = 1_546_300_800  # 2019-01-01T00:00:00Z


def _timestamp(rng: random.Random) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(BASE_TIME + rng.randrange(190_000_000)))


def _project(rng: random.Random, index: int) -> dict[str, Any]:
    """One project as Procore's v1.0 list serialises it (nulls where Procore sends them)."""
    city, state, zip_code, lat, lon = rng.choice(CITIES)
    stage_id = rng.choices(range(len(DEFAULT_STAGES)), STAGE_WEIGHTS)[0]
    stage = DEFAULT_STAGES[stage_id]
    located = rng.random() > 0.05
    start = BASE_TIME + rng.randrange(150_000_000)
    value = rng.randrange(100_000, 90_000_000)
    return {
        "id": 562_949_953_421_312 + index,
        "name": f"Project {index} {city}",
        "display_name": f"{index:06d} - Project {index} {city}",
        "project_number": f"{index:06d}",
        "address": f"{rng.randrange(1, 9999)} Main St",
        "city": city,
        "state_code": state,
        "country_code": "US",
        "zip": zip_code,
        "county": None if rng.random() < 0.5 else f"{city} County",
        "time_zone": "US/Central",
        "latitude": round(lat + rng.uniform(-0.2, 0.2), 6) if located else None,
        "longitude": round(lon + rng.uniform(-0.2, 0.2), 6) if located else None,
        "stage": stage,
        "project_stage": {"id": 100 + stage_id, "name": stage},
        "phone": None if rng.random() < 0.6 else f"(512) 555-{rng.randrange(10_000):04d}",
        "created_at": _timestamp(rng),
        "updated_at": _timestamp(rng),
        "active": rng.random() < 0.8,
        "origin_id": None,
        "origin_data": None,
        "origin_code": None,
        "owners_project_id": None,
        "total_value": f"{value}.0",  # Procore sends some money fields as strings
        "estimated_value": None if rng.random() < 0.3 else float(value),
        "start_date": time.strftime("%Y-%m-%d", time.gmtime(start)),
        "completion_date": time.strftime("%Y-%m-%d", time.gmtime(start + 40_000_000)),
        "store_number": None,
        "accounting_project_number": None,
        "designated_market_area": None,
        "project_region_id": None,
        "project_bid_type_id": None,
        "project_owner_type_id": None,
        "photo_id": None if rng.random() < 0.7 else 9_000_000_000 + index,
        "parent_job_id": None,
        "is_demo": False,
        "fax": None,
        "project_template": None if rng.random() < 0.4 else {"id": 7, "name": "Commercial"},
        "company": {"id": 4_294_967_297, "name": "Acme Builders"},
        "custom_fields": {}
        if rng.random() < 0.5
        else {"custom_field_123": {"value": rng.choice(["Union", "Open shop"])}},
    }


def make_records(count: int, *, seed: int = 7) -> list[dict[str, Any]]:
    """``count`` project records (deterministic)."""
    rng = random.Random(seed)
    return [_project(rng, i) for i in range(count)]


def make_pages(records: list[dict[str, Any]]) -> list[bytes]:
    """The records as Procore's pages: compact JSON arrays of ``PAGE`` records."""
    return [
        json.dumps(records[i : i + PAGE], separators=(",", ":")).encode()
        for i in range(0, len(records), PAGE)
    ]


def make_ndjson(records: list[dict[str, Any]]) -> bytes:
    """The records one JSON object a line, the form pyarrow's reader takes."""
    return b"\n".join(json.dumps(r, separators=(",", ":")).encode() for r in records)


# --- the routes -------------------------------------------------------------------------


def arrow_reader(ndjson: bytes) -> pd.DataFrame:
    """pyarrow's JSON reader, flattened (nested objects to dotted columns), to pandas."""
    import pyarrow.json as pa_json

    table = pa_json.read_json(io.BytesIO(ndjson))
    while any(str(f.type).startswith("struct") for f in table.schema):
        table = table.flatten()
    return table.to_pandas()


def decoded_then_to_frame(pages: list[bytes], loads: Callable[[bytes], Any]) -> pd.DataFrame:
    """Each page decoded by ``loads``, then ``to_frame`` (the route before the Arrow one)."""
    rows: list[Any] = []
    for page in pages:
        rows.extend(loads(page))
    return to_frame(rows, "projects")


def duckdb_reader(path: str) -> pd.DataFrame:
    """DuckDB's ``read_json`` of the records as one JSON array, to pandas (inferred types)."""
    import duckdb

    with duckdb.connect() as con:
        query = f"SELECT * FROM read_json('{path}', format='array')"  # noqa: S608  # our temp file
        return con.sql(query).df()


def _routes(
    pages: list[bytes], ndjson: bytes, array_file: str
) -> dict[str, Callable[[], pd.DataFrame]]:
    routes: dict[str, Callable[[], pd.DataFrame]] = {
        "pyarrow JSON reader, NDJSON, flattened (bound base)": lambda: arrow_reader(ndjson),
        'procore_nb frame_from_pages(pages, "projects")': lambda: frame_from_pages(
            pages, "projects"
        ),
        "json.loads + to_frame (before)": lambda: decoded_then_to_frame(pages, json.loads),
    }
    if importlib.util.find_spec("orjson"):
        import orjson

        routes["orjson.loads + to_frame"] = lambda: decoded_then_to_frame(pages, orjson.loads)
    if importlib.util.find_spec("msgspec"):
        import msgspec

        decoder = msgspec.json.Decoder()
        routes["msgspec decode + to_frame"] = lambda: decoded_then_to_frame(pages, decoder.decode)
    if importlib.util.find_spec("duckdb"):
        routes["DuckDB read_json(array), untyped"] = lambda: duckdb_reader(array_file)
    return routes


OURS = 'procore_nb frame_from_pages(pages, "projects")'
BASE = "pyarrow JSON reader, NDJSON, flattened (bound base)"


def _time(run: Callable[[], pd.DataFrame]) -> float:
    gc.collect()
    start = time.perf_counter()
    frame = run()
    elapsed = time.perf_counter() - start
    del frame
    return elapsed


# --- memory, each route in a fresh process -------------------------------------------------


def _status(field: str) -> int:
    """A memory figure of this process from ``/proc/self/status`` (``VmRSS``, ``VmHWM``), bytes."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise LookupError(field)


def _memory_child(route: str, data: str) -> None:
    """Load the inputs, convert once by ``route``, print the peak added and the frame's size.

    The peak is the resident high-water mark (``VmHWM``), reset to the current size right
    before the conversion (``/proc/self/clear_refs``), less that size.
    """
    with open(data, "rb") as handle:
        pages, ndjson, array_file = pickle.load(handle)  # noqa: S301  # our own temp file
    import msgspec  # noqa: F401  # imports are not the conversion's memory
    import pyarrow.compute
    import pyarrow.json  # noqa: F401

    run = _routes(pages, ndjson, array_file)[route]
    gc.collect()
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
        clear.write("5")  # resets VmHWM to the current resident size
    before = _status("VmRSS")
    frame = run()
    extra = _status("VmHWM") - before
    size = int(frame.memory_usage(deep=True).sum())
    print(json.dumps({"extra": extra, "frame": size}))


def _memory(route: str, data: str) -> dict[str, int]:
    done = subprocess.run(  # noqa: S603  # this very script, with our own arguments
        [sys.executable, __file__, "--memory-of", route, "--data", data],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    """Print the comparison tables; exit 1 if procore_nb misses a bound."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--memory-of", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_of:
        _memory_child(args.memory_of, args.data)
        return 0

    records = make_records(args.records)
    pages, ndjson = make_pages(records), make_ndjson(records)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # clean data must convert without a coercion warning
        expected = to_frame(records, "projects")
        pd.testing.assert_frame_equal(frame_from_pages(pages, "projects"), expected)
    del records, expected
    workdir = tempfile.TemporaryDirectory()
    array_file = str(Path(workdir.name) / "projects.json")
    Path(array_file).write_bytes(b"[" + b",".join(page[1:-1] for page in pages) + b"]")
    data = str(Path(workdir.name) / "inputs.pickle")
    with open(data, "wb") as handle:
        pickle.dump((pages, ndjson, array_file), handle)

    routes = _routes(pages, ndjson, array_file)
    times: dict[str, list[float]] = {name: [] for name in routes}
    for _ in range(args.runs):  # interleaved, so that machine load hits every route alike
        for name, run in routes.items():
            times[name].append(_time(run))
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians[BASE]
    size = sum(map(len, pages))
    width = max(map(len, routes))
    print(
        f"{args.records:,} project records ({size / 1e6:.0f} MB of JSON in {len(pages)} pages), "
        f"median of {args.runs} interleaved runs"
    )
    print(f"pandas {pd.__version__}, Python {sys.version.split()[0]}\n")
    print(f"| {'route from page bytes':<{width}} | median (s) | min (s) | / pyarrow reader |")
    print(f"|{'-' * (width + 2)}|-----------:|--------:|-----------------:|")
    for name, median in medians.items():
        print(
            f"| {name:<{width}} | {median:10.3f} | {min(times[name]):7.3f} "
            f"| {median / base:15.2f}x |"
        )
    speed = medians[OURS] / base
    print(
        f"\nprocore_nb: {medians[OURS]:.3f} s, bound {SPEED_BOUND:g} x {base:.3f} s = "
        f"{SPEED_BOUND * base:.3f} s: ratio {speed:.2f}x of the reader "
        f"({'meets' if speed <= SPEED_BOUND else 'MISSES'} the bound)\n"
    )

    print("| route (one conversion, fresh process) | peak added (MB) | frame (MB) | peak / frame |")
    print("|---|---:|---:|---:|")
    peaks = {}
    for name in (OURS, "json.loads + to_frame (before)", BASE):
        memory = _memory(name, data)
        peaks[name] = memory["extra"] / memory["frame"]
        print(
            f"| {name} | {memory['extra'] / 1e6:.0f} | {memory['frame'] / 1e6:.0f} "
            f"| {peaks[name]:.2f}x |"
        )
    workdir.cleanup()
    verdict = "meets" if peaks[OURS] <= MEMORY_BOUND else "MISSES"
    print(
        f"\nprocore_nb's peak is {peaks[OURS]:.2f}x the frame: "
        f"{verdict} the {MEMORY_BOUND:g}x bound"
    )
    return 0 if speed <= SPEED_BOUND and peaks[OURS] <= MEMORY_BOUND else 1


if __name__ == "__main__":
    sys.exit(main())
