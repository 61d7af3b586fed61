"""Records to a typed DataFrame: procore_nb's ``to_frame`` against ``pandas.json_normalize``.

Builds 100,000 project records shaped like ``GET /rest/v1.0/projects`` (every v1.0 list field,
nested ``project_stage``/``company``/``project_template``, ``custom_fields``; money partly as
strings, some null coordinates), decoded from JSON page by page as the client receives them.
Then times, interleaved in one run, the median of several runs of:

- ``to_frame(records, "projects")``: flattening and every dtype conversion;
- ``pandas.json_normalize(records)``: flattening only, every column left as pandas infers it;
- ``json_normalize`` followed by the same dtype conversions done the usual pandas way, so that
  both sides deliver the same typed frame.

The target: ``to_frame`` at least twice as fast as ``json_normalize`` alone.

Run: ``.venv/bin/python benchmarks/bench_frames.py [--records N] [--runs N]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import pandas as pd

from procore_nb._constants import DEFAULT_STAGES
from procore_nb.frames._convert import to_frame
from procore_nb.frames._schema import SCHEMAS, Kind, dtype_of

TARGET = 2.0  # to_frame must be at least this many times faster than json_normalize
PAGE = 1_000  # records per decoded page, as the client fetches them
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
    """``count`` project records, decoded from JSON a page at a time (deterministic)."""
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    for start in range(0, count, PAGE):
        page = [_project(rng, i) for i in range(start, min(start + PAGE, count))]
        records.extend(json.loads(json.dumps(page)))
    return records


def normalize_then_convert(records: list[dict[str, Any]]) -> pd.DataFrame:
    """json_normalize, then the schema's dtypes applied column by column, the usual way."""
    df = pd.json_normalize(records)
    for name, kind in SCHEMAS["projects"].items():
        if name not in df.columns or kind is Kind.OBJECT:
            continue
        column = df[name]
        if kind is Kind.TIMESTAMP:
            parsed = pd.to_datetime(column, format="%Y-%m-%dT%H:%M:%SZ", utc=True)
            df[name] = parsed.dt.as_unit("ns")
        elif kind is Kind.DATE:
            df[name] = pd.to_datetime(column, format="%Y-%m-%d").dt.as_unit("ns")
        elif kind is Kind.NUMBER:
            df[name] = pd.to_numeric(column).astype("float64")
        else:
            df[name] = column.astype(dtype_of(kind))
    return df


def _time(run: Callable[[], pd.DataFrame]) -> float:
    gc.collect()
    start = time.perf_counter()
    frame = run()
    elapsed = time.perf_counter() - start
    del frame
    return elapsed


def main(argv: list[str] | None = None) -> int:
    """Print the comparison table; exit 1 if to_frame misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    records = make_records(args.records)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # clean data must convert without a coercion warning
        check = to_frame(records, "projects")
    assert len(check) == len(records)
    assert len(pd.json_normalize(records[:PAGE])) == min(PAGE, len(records))
    del check

    methods: dict[str, Callable[[], pd.DataFrame]] = {
        'to_frame(records, "projects")': lambda: to_frame(records, "projects"),
        "pandas.json_normalize(records)": lambda: pd.json_normalize(records),
        "json_normalize + same dtypes": lambda: normalize_then_convert(records),
    }
    times: dict[str, list[float]] = {name: [] for name in methods}
    for _ in range(args.runs):  # interleaved, so that machine load hits every method alike
        for name, run in methods.items():
            times[name].append(_time(run))

    medians = {name: statistics.median(values) for name, values in times.items()}
    ours = medians['to_frame(records, "projects")']
    width = max(map(len, methods))
    print(f"{args.records:,} project records, median of {args.runs} interleaved runs")
    print(f"pandas {pd.__version__}, Python {sys.version.split()[0]}")
    print()
    print(f"| {'method':<{width}} | median (s) | min (s) | time / to_frame |")
    print(f"|{'-' * (width + 2)}|-----------:|--------:|----------------:|")
    for name, median in medians.items():
        print(
            f"| {name:<{width}} | {median:10.3f} | {min(times[name]):7.3f} "
            f"| {median / ours:14.2f}x |"
        )
    ratio = medians["pandas.json_normalize(records)"] / ours
    verdict = "meets" if ratio >= TARGET else "MISSES"
    print()
    print(
        f"to_frame is {ratio:.2f}x faster than json_normalize: {verdict} the {TARGET:.0f}x target"
    )
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
