"""How long the static project map of 10,000 projects takes, next to a bare scatter.

Both sides draw the same 10,000 points on a figure of the same size and save it to PNG at
the same dpi; runs alternate so that both see the same machine load. The target is a map
no slower than three times the bare scatter. The first (cold) map call, which also loads
and projects the vendored outlines, is reported on its own line.

Run: ``.venv/bin/python benchmarks/bench_map.py [--runs 7] [--n 10000]``
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure  # drawn and saved with Agg, no pyplot, on both sides

from procore_nb import maps

SIZE = (11.0, 6.6)
DPI = 150
TARGET = 3.0
#: (latitude, longitude, weight) of metro areas the synthetic projects cluster around.
METROS = (
    (40.71, -74.01, 9), (34.05, -118.24, 8), (41.88, -87.63, 6), (29.76, -95.37, 6),
    (33.45, -112.07, 4), (32.78, -96.80, 6), (39.74, -104.99, 4), (47.61, -122.33, 4),
    (37.77, -122.42, 4), (33.75, -84.39, 5), (25.76, -80.19, 4), (42.36, -71.06, 4),
    (38.91, -77.04, 4), (36.16, -86.78, 3), (44.98, -93.27, 2), (61.22, -149.90, 1),
    (21.31, -157.86, 1), (35.23, -80.84, 3), (39.10, -94.58, 2), (45.52, -122.68, 2),
)  # fmt: skip
STAGES = ("Bidding", "Pre-Construction", "Course of Construction", "Post-Construction",
          "Warranty", "Completed")  # fmt: skip


def projects(n: int, seed: int = 7) -> pd.DataFrame:
    """``n`` synthetic projects around U.S. metro areas, with the client's stage columns."""
    rng = np.random.default_rng(seed)
    weights = np.array([m[2] for m in METROS], dtype=float)
    pick = rng.choice(len(METROS), size=n, p=weights / weights.sum())
    lat = np.array([METROS[i][0] for i in pick]) + rng.normal(0, 0.25, n)
    lon = np.array([METROS[i][1] for i in pick]) + rng.normal(0, 0.4, n)
    stage = pd.array(rng.choice(STAGES, size=n), dtype="string")
    return pd.DataFrame(
        {
            "name": pd.array([f"Project {i}" for i in range(n)], dtype="string"),
            "latitude": lat,
            "longitude": lon,
            "project_stage.name": stage,
            "total_value": np.exp(rng.normal(15.5, 1.0, n)),
        }
    )


def save(fig: Figure) -> int:
    """Save ``fig`` as PNG in memory, the same way for both sides; return the byte count."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return len(buffer.getvalue())


def bare_scatter(df: pd.DataFrame) -> int:
    """The baseline: one scatter of the same points, coloured by stage, saved to PNG."""
    codes = pd.Categorical(df["project_stage.name"], categories=STAGES).codes
    fig = Figure(figsize=SIZE)
    ax = fig.add_subplot()
    ax.scatter(df["longitude"], df["latitude"], c=codes, cmap="tab10", s=4, linewidths=0)
    return save(fig)


def project_map(df: pd.DataFrame) -> int:
    """The map under test, saved the same way."""
    return save(maps.project_map(df))


def timed(func: Callable[[pd.DataFrame], int], df: pd.DataFrame) -> float:
    start = time.perf_counter()
    func(df)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per side (at least 5)")
    parser.add_argument("--n", type=int, default=10_000, help="number of projects")
    args = parser.parse_args()
    runs = max(args.runs, 5)
    df = projects(args.n)
    cold = timed(project_map, df)  # loads and projects the outlines once per process
    timed(bare_scatter, df)  # warm matplotlib's font cache and Agg for the baseline too
    samples: dict[str, list[float]] = {"bare scatter": [], "project_map": []}
    for _ in range(runs):
        samples["bare scatter"].append(timed(bare_scatter, df))
        samples["project_map"].append(timed(project_map, df))
    base = statistics.median(samples["bare scatter"])
    print(f"{args.n:,} projects, {SIZE[0]:g}x{SIZE[1]:g} in at {DPI} dpi, PNG, {runs} runs each")
    print(f"{'case':<16}{'median s':>10}{'min s':>10}{'ratio':>8}")
    for name, times in samples.items():
        median = statistics.median(times)
        print(f"{name:<16}{median:>10.3f}{min(times):>10.3f}{median / base:>8.2f}")
    print(f"{'map, first call':<16}{cold:>10.3f}{'':>10}{cold / base:>8.2f}")
    ratio = statistics.median(samples["project_map"]) / base
    verdict = "meets" if ratio <= TARGET else "MISSES"
    print(f"project_map / bare scatter = {ratio:.2f} ({verdict} the target of {TARGET:g}x)")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
