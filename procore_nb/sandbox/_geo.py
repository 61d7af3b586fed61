"""Real places for generated projects: metro areas with their coordinates, counties and zones.

Coordinates are city centres (public-domain gazetteer values, rounded); ``zip3`` is a real
three-digit ZIP prefix of the city, ``weight`` roughly follows construction activity.
Time zones are the Rails names Procore uses in ``time_zone``.

A project is placed around its city (:func:`coordinates`) within the city's *area*: a disc
that lies on land and inside the city's state. Most cities' discs are centred on the city
with a 20 km reach; a city by a coast, a lake or a state line (Chicago, New York,
Washington) has a disc moved inland and made smaller (:data:`AREAS`), so that no project of
a Washington, D.C. company lands in Maryland and none of Chicago's in Lake Michigan. The
discs were fitted to the Census state outlines the maps draw, and a test checks them there
(the sandbox itself does not read the outlines).
"""

from __future__ import annotations

import functools
import math
import random
from typing import NamedTuple


class Place(NamedTuple):
    city: str
    state_code: str | None
    country_code: str
    latitude: float
    longitude: float
    county: str | None
    zip3: str  # US: ZIP prefix; elsewhere: the start of a postal code
    time_zone: str
    weight: int


_ET = "Eastern Time (US & Canada)"
_CT = "Central Time (US & Canada)"
_MT = "Mountain Time (US & Canada)"
_PT = "Pacific Time (US & Canada)"

US_METROS: tuple[Place, ...] = (
    Place("New York", "NY", "US", 40.7128, -74.0060, "New York County", "100", _ET, 9),
    Place("Los Angeles", "CA", "US", 34.0522, -118.2437, "Los Angeles County", "900", _PT, 9),
    Place("Chicago", "IL", "US", 41.8781, -87.6298, "Cook County", "606", _CT, 7),
    Place("Houston", "TX", "US", 29.7604, -95.3698, "Harris County", "770", _CT, 7),
    Place("Phoenix", "AZ", "US", 33.4484, -112.0740, "Maricopa County", "850", "Arizona", 6),
    Place("Philadelphia", "PA", "US", 39.9526, -75.1652, "Philadelphia County", "191", _ET, 4),
    Place("San Antonio", "TX", "US", 29.4241, -98.4936, "Bexar County", "782", _CT, 4),
    Place("San Diego", "CA", "US", 32.7157, -117.1611, "San Diego County", "921", _PT, 5),
    Place("Dallas", "TX", "US", 32.7767, -96.7970, "Dallas County", "752", _CT, 7),
    Place("San Jose", "CA", "US", 37.3382, -121.8863, "Santa Clara County", "951", _PT, 4),
    Place("Austin", "TX", "US", 30.2672, -97.7431, "Travis County", "787", _CT, 6),
    Place("Jacksonville", "FL", "US", 30.3322, -81.6557, "Duval County", "322", _ET, 3),
    Place("Fort Worth", "TX", "US", 32.7555, -97.3308, "Tarrant County", "761", _CT, 3),
    Place("Columbus", "OH", "US", 39.9612, -82.9988, "Franklin County", "432", _ET, 3),
    Place("Charlotte", "NC", "US", 35.2271, -80.8431, "Mecklenburg County", "282", _ET, 4),
    Place("San Francisco", "CA", "US", 37.7749, -122.4194, "San Francisco County", "941", _PT, 5),
    Place("Indianapolis", "IN", "US", 39.7684, -86.1581, "Marion County", "462", _ET, 2),
    Place("Seattle", "WA", "US", 47.6062, -122.3321, "King County", "981", _PT, 6),
    Place("Denver", "CO", "US", 39.7392, -104.9903, "Denver County", "802", _MT, 5),
    Place("Washington", "DC", "US", 38.9072, -77.0369, "District of Columbia", "200", _ET, 5),
    Place("Boston", "MA", "US", 42.3601, -71.0589, "Suffolk County", "021", _ET, 5),
    Place("Nashville", "TN", "US", 36.1627, -86.7816, "Davidson County", "372", _CT, 4),
    Place("Detroit", "MI", "US", 42.3314, -83.0458, "Wayne County", "482", _ET, 2),
    Place("Oklahoma City", "OK", "US", 35.4676, -97.5164, "Oklahoma County", "731", _CT, 2),
    Place("Portland", "OR", "US", 45.5152, -122.6784, "Multnomah County", "972", _PT, 3),
    Place("Las Vegas", "NV", "US", 36.1699, -115.1398, "Clark County", "891", _PT, 4),
    Place("Memphis", "TN", "US", 35.1495, -90.0490, "Shelby County", "381", _CT, 2),
    Place("Louisville", "KY", "US", 38.2527, -85.7585, "Jefferson County", "402", _ET, 2),
    Place("Baltimore", "MD", "US", 39.2904, -76.6122, "Baltimore City", "212", _ET, 2),
    Place("Milwaukee", "WI", "US", 43.0389, -87.9065, "Milwaukee County", "532", _CT, 2),
    Place("Albuquerque", "NM", "US", 35.0844, -106.6504, "Bernalillo County", "871", _MT, 1),
    Place("Tucson", "AZ", "US", 32.2226, -110.9747, "Pima County", "857", "Arizona", 2),
    Place("Sacramento", "CA", "US", 38.5816, -121.4944, "Sacramento County", "958", _PT, 3),
    Place("Kansas City", "MO", "US", 39.0997, -94.5786, "Jackson County", "641", _CT, 2),
    Place("Atlanta", "GA", "US", 33.7490, -84.3880, "Fulton County", "303", _ET, 6),
    Place("Miami", "FL", "US", 25.7617, -80.1918, "Miami-Dade County", "331", _ET, 5),
    Place("Raleigh", "NC", "US", 35.7796, -78.6382, "Wake County", "276", _ET, 3),
    Place("Omaha", "NE", "US", 41.2565, -95.9345, "Douglas County", "681", _CT, 1),
    Place("Minneapolis", "MN", "US", 44.9778, -93.2650, "Hennepin County", "554", _CT, 3),
    Place("Tampa", "FL", "US", 27.9506, -82.4572, "Hillsborough County", "336", _ET, 4),
    Place("Orlando", "FL", "US", 28.5383, -81.3792, "Orange County", "328", _ET, 4),
    Place("New Orleans", "LA", "US", 29.9511, -90.0715, "Orleans Parish", "701", _CT, 2),
    Place("Cleveland", "OH", "US", 41.4993, -81.6944, "Cuyahoga County", "441", _ET, 2),
    Place("Pittsburgh", "PA", "US", 40.4406, -79.9959, "Allegheny County", "152", _ET, 2),
    Place("St. Louis", "MO", "US", 38.6270, -90.1994, "St. Louis City", "631", _CT, 2),
    Place("Cincinnati", "OH", "US", 39.1031, -84.5120, "Hamilton County", "452", _ET, 2),
    Place("Salt Lake City", "UT", "US", 40.7608, -111.8910, "Salt Lake County", "841", _MT, 3),
    Place("Boise", "ID", "US", 43.6150, -116.2023, "Ada County", "837", _MT, 1),
    Place("Honolulu", "HI", "US", 21.3069, -157.8583, "Honolulu County", "968", "Hawaii", 1),
    Place(
        "Anchorage", "AK", "US", 61.2181, -149.9003, "Anchorage Municipality", "995", "Alaska", 1
    ),
    Place("Richmond", "VA", "US", 37.5407, -77.4360, "Richmond City", "232", _ET, 2),
    Place("Birmingham", "AL", "US", 33.5186, -86.8104, "Jefferson County", "352", _CT, 1),
    Place("Carpinteria", "CA", "US", 34.3989, -119.5185, "Santa Barbara County", "930", _PT, 1),
)

ABROAD: tuple[Place, ...] = (
    Place("Toronto", "ON", "CA", 43.6532, -79.3832, None, "M5V", _ET, 3),
    Place("Vancouver", "BC", "CA", 49.2827, -123.1207, None, "V6B", _PT, 2),
    Place("Calgary", "AB", "CA", 51.0447, -114.0719, None, "T2P", _MT, 1),
    Place("London", "ENG", "GB", 51.5074, -0.1278, None, "EC1A", "London", 2),
    Place("Mexico City", "CMX", "MX", 19.4326, -99.1332, None, "06", "Mexico City", 1),
    Place("Sydney", "NSW", "AU", -33.8688, 151.2093, None, "20", "Sydney", 1),
)

STREETS = (
    "Main", "Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill", "Park",
    "Market", "Mission", "Broadway", "Industrial", "Commerce", "Harbor", "Sunset", "Ridge",
    "Franklin", "Jefferson", "Lincoln", "Madison", "Highland", "Spring", "Mill", "Church",
)  # fmt: skip
STREET_KINDS = ("St", "Ave", "Blvd", "Rd", "Dr", "Way", "Pkwy", "Ln")

#: How far (km) projects spread from their city when :data:`AREAS` says nothing else.
REACH_KM = 20.0
_KM_PER_DEGREE = 111.195

#: ``(city, state) -> (latitude, longitude, reach in km)``: the centre and radius of the disc
#: a city's projects are placed in, where the city centre with :data:`REACH_KM` would reach
#: water or another state. Fitted to the Census state outlines (the maps' vendored ones).
AREAS: dict[tuple[str, str], tuple[float, float, float]] = {
    ("New York", "NY"): (40.69, -73.88, 12),
    ("Chicago", "IL"): (41.87, -87.81, 15),
    ("Philadelphia", "PA"): (40.01, -75.31, 15),
    ("San Diego", "CA"): (32.80, -117.09, 15),
    ("San Jose", "CA"): (37.34, -121.89, 19),
    ("Charlotte", "NC"): (35.24, -80.84, 15),
    ("San Francisco", "CA"): (37.74, -122.44, 4),
    ("Seattle", "WA"): (47.53, -122.17, 15),
    ("Washington", "DC"): (38.92, -77.03, 4),
    ("Boston", "MA"): (42.39, -71.19, 15),
    ("Detroit", "MI"): (42.45, -83.13, 14),
    ("Portland", "OR"): (45.50, -122.71, 15),
    ("Memphis", "TN"): (35.20, -89.90, 15),
    ("Louisville", "KY"): (38.12, -85.73, 15),
    ("Baltimore", "MD"): (39.38, -76.68, 15),
    ("Milwaukee", "WI"): (43.09, -88.08, 15),
    ("Kansas City", "MO"): (39.10, -94.41, 15),
    ("Miami", "FL"): (25.86, -80.28, 15),
    ("Omaha", "NE"): (41.26, -96.10, 14),
    ("Tampa", "FL"): (28.05, -82.41, 15),
    ("Cleveland", "OH"): (41.40, -81.58, 15),
    ("St. Louis", "MO"): (38.64, -90.37, 14),
    ("Cincinnati", "OH"): (39.23, -84.55, 15),
    ("Honolulu", "HI"): (21.41, -157.93, 10),
    ("Anchorage", "AK"): (61.17, -149.65, 14),
    ("Carpinteria", "CA"): (34.51, -119.43, 15),
}

#: The coordinates of a project without a location.
NOWHERE: dict[str, float | None] = {"latitude": None, "longitude": None}


def area(place: Place) -> tuple[float, float, float]:
    """The disc ``(latitude, longitude, reach_km)`` the projects of ``place`` are placed in."""
    found = AREAS.get((place.city, place.state_code or ""))
    return found if found is not None else (place.latitude, place.longitude, REACH_KM)


@functools.cache
def _disc(place: Place) -> tuple[float, float, float, float, float]:
    """The area of ``place`` with its degrees per km north and east, worked out once."""
    latitude, longitude, reach = area(place)
    per_km_east = 1 / (_KM_PER_DEGREE * math.cos(math.radians(latitude)))
    return latitude, longitude, reach, 1 / _KM_PER_DEGREE, per_km_east


def coordinates(place: Place, rng: random.Random) -> dict[str, float | None]:
    """A project's ``latitude`` and ``longitude`` near ``place``, within its area.

    Two normal draws (north, then east) with a spread of a third of the reach; the rare
    point beyond the reach is pulled back onto its edge, so every point stays in the area.
    """
    latitude, longitude, reach, per_km_north, per_km_east = _disc(place)
    north, east = rng.gauss(0, reach / 3), rng.gauss(0, reach / 3)
    distance = math.hypot(north, east)
    if distance > reach:
        north, east = north * reach / distance, east * reach / distance
    return {
        "latitude": round(latitude + north * per_km_north, 6),
        "longitude": round(longitude + east * per_km_east, 6),
    }
