"""Projects DataFrames shaped like the client's, for the map, summary and export tests.

The functions under test take DataFrames and never cross HTTP, so the data is built here
with the same columns and dtypes the client returns.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: (city, state_code, country_code, latitude, longitude, weight)
US_CITIES: Sequence[tuple[str, str, str, float, float, int]] = (
    ("New York", "NY", "US", 40.71, -74.01, 9),
    ("Los Angeles", "CA", "US", 34.05, -118.24, 8),
    ("Chicago", "IL", "US", 41.88, -87.63, 6),
    ("Houston", "TX", "US", 29.76, -95.37, 6),
    ("Phoenix", "AZ", "US", 33.45, -112.07, 4),
    ("Philadelphia", "PA", "US", 39.95, -75.17, 3),
    ("San Antonio", "TX", "US", 29.42, -98.49, 3),
    ("Dallas", "TX", "US", 32.78, -96.80, 6),
    ("Austin", "TX", "US", 30.27, -97.74, 4),
    ("Denver", "CO", "US", 39.74, -104.99, 4),
    ("Seattle", "WA", "US", 47.61, -122.33, 4),
    ("Portland", "OR", "US", 45.52, -122.68, 2),
    ("San Francisco", "CA", "US", 37.77, -122.42, 4),
    ("San Diego", "CA", "US", 32.72, -117.16, 3),
    ("Las Vegas", "NV", "US", 36.17, -115.14, 2),
    ("Salt Lake City", "UT", "US", 40.76, -111.89, 2),
    ("Minneapolis", "MN", "US", 44.98, -93.27, 2),
    ("Kansas City", "MO", "US", 39.10, -94.58, 2),
    ("Atlanta", "GA", "US", 33.75, -84.39, 5),
    ("Miami", "FL", "US", 25.76, -80.19, 4),
    ("Orlando", "FL", "US", 28.54, -81.38, 3),
    ("Tampa", "FL", "US", 27.95, -82.46, 2),
    ("Charlotte", "NC", "US", 35.23, -80.84, 3),
    ("Raleigh", "NC", "US", 35.78, -78.64, 2),
    ("Nashville", "TN", "US", 36.16, -86.78, 3),
    ("Boston", "MA", "US", 42.36, -71.06, 4),
    ("Washington", "DC", "US", 38.91, -77.04, 4),
    ("Detroit", "MI", "US", 42.33, -83.05, 2),
    ("Columbus", "OH", "US", 39.96, -83.00, 2),
    ("New Orleans", "LA", "US", 29.95, -90.07, 2),
    ("Boise", "ID", "US", 43.62, -116.21, 1),
    ("Billings", "MT", "US", 45.78, -108.50, 1),
    ("Albuquerque", "NM", "US", 35.08, -106.65, 1),
    ("Omaha", "NE", "US", 41.26, -95.93, 1),
    ("Portland", "ME", "US", 43.66, -70.26, 1),
    ("Anchorage", "AK", "US", 61.22, -149.90, 1),
    ("Honolulu", "HI", "US", 21.31, -157.86, 1),
)

WORLD_CITIES: Sequence[tuple[str, str, str, float, float, int]] = (
    ("London", "ENG", "GB", 51.51, -0.13, 3),
    ("Paris", "IDF", "FR", 48.86, 2.35, 2),
    ("Berlin", "BE", "DE", 52.52, 13.40, 2),
    ("Madrid", "MD", "ES", 40.42, -3.70, 1),
    ("Dublin", "D", "IE", 53.35, -6.26, 1),
)

STAGES = (
    "Bidding",
    "Pre-Construction",
    "Course of Construction",
    "Post-Construction",
    "Warranty",
    "Completed",
)


def make_projects(
    n: int,
    *,
    seed: int = 1,
    cities: Sequence[tuple[str, str, str, float, float, int]] = US_CITIES,
    stages: Sequence[str] = STAGES,
    jitter: float = 0.35,
) -> pd.DataFrame:
    """``n`` projects near ``cities`` (weighted), with the client's columns and dtypes."""
    rng = np.random.default_rng(seed)
    weights = np.array([c[5] for c in cities], dtype=float)
    pick = rng.choice(len(cities), size=n, p=weights / weights.sum())
    chosen = [cities[i] for i in pick]
    stage = rng.choice(len(stages), size=n, p=_stage_weights(len(stages)))
    created = pd.Timestamp("2020-01-01", tz="UTC") + pd.to_timedelta(
        rng.integers(0, 5 * 365, size=n), unit="D"
    )
    start = created + pd.to_timedelta(rng.integers(10, 200, size=n), unit="D")  # dates: UTC
    completion = start + pd.to_timedelta(rng.integers(90, 900, size=n), unit="D")
    value = np.round(np.exp(rng.normal(15.5, 1.0, size=n)), -3)
    return pd.DataFrame(
        {
            "id": pd.array(np.arange(1, n + 1) + 562949953421312, dtype="Int64"),
            "name": pd.array([f"Project {i:05d}" for i in range(1, n + 1)], dtype="string"),
            "display_name": pd.array([f"P-{i:05d}" for i in range(1, n + 1)], dtype="string"),
            "project_number": pd.array([f"{i:05d}" for i in range(1, n + 1)], dtype="string"),
            "city": pd.array([c[0] for c in chosen], dtype="string"),
            "state_code": pd.array([c[1] for c in chosen], dtype="string"),
            "country_code": pd.array([c[2] for c in chosen], dtype="string"),
            "latitude": np.array([c[3] for c in chosen]) + rng.normal(0, jitter, n) * 0.6,
            "longitude": np.array([c[4] for c in chosen]) + rng.normal(0, jitter, n),
            "stage": pd.array([stages[i] for i in stage], dtype="string"),
            "project_stage.id": pd.array(stage + 10, dtype="Int64"),
            "project_stage.name": pd.array([stages[i] for i in stage], dtype="string"),
            "active": pd.array(rng.random(n) < 0.8, dtype="boolean"),
            "total_value": value,
            "estimated_value": np.round(value * rng.uniform(0.8, 1.2, n), -3),
            "start_date": start.normalize().as_unit("ns"),
            "completion_date": completion.normalize().as_unit("ns"),
            "created_at": created.as_unit("ns"),
            "updated_at": (created + pd.Timedelta(days=3)).as_unit("ns"),
            "company.id": pd.array([8089] * n, dtype="Int64"),
            "company.name": pd.array(["Acme Builders"] * n, dtype="string"),
        }
    )


def _stage_weights(k: int) -> np.ndarray:
    weights = np.array([3, 4, 8, 3, 2, 6, 1, 1][:k], dtype=float)
    if len(weights) < k:
        weights = np.concatenate([weights, np.ones(k - len(weights))])
    return weights / weights.sum()
