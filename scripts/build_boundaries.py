"""Build ``procore_nb/data/boundaries.json.gz`` from public-domain boundary files.

The maps draw U.S. state and world country outlines without downloading anything at run
time. This script turns two npm packages into one small vendored file:

- ``us-atlas@3`` (``states-10m.json``): the U.S. Census Bureau's cartographic boundary
  files, 2017 edition, as TopoJSON (data: public domain; packaging: ISC, Mike Bostock).
- ``world-atlas@2`` (``countries-110m.json``): Natural Earth's 1:110m admin-0 countries
  as TopoJSON (data: public domain; packaging: ISC, Mike Bostock).

It decodes the TopoJSON arcs, simplifies each shared arc once (so neighbouring outlines
still meet), rounds to 1/100 degree (about 1 km, finer than a pixel on a national map),
drops rings smaller than a few pixels, and writes delta-encoded integer rings as gzipped
JSON with a header recording the packages, versions, files, licences and sha256 digests.
It also rewrites ``procore_nb/data/SOURCES.md``.

Usage::

    python scripts/build_boundaries.py            # runs `npm pack` in a temporary directory
    python scripts/build_boundaries.py --from DIR # uses tarballs already packed into DIR

The output is deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import itertools
import json
import math
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "procore_nb" / "data"
OUTPUT = DATA_DIR / "boundaries.json.gz"
SOURCES_MD = DATA_DIR / "SOURCES.md"

#: (npm spec, file inside the package, TopoJSON objects, what the data is, data licence)
INPUTS = (
    (
        "us-atlas@3",
        "states-10m.json",
        ("states", "nation"),
        "U.S. Census Bureau cartographic boundary files (states, 1:10,000,000), 2017 edition",
        "public domain (U.S. Government work)",
    ),
    (
        "world-atlas@2",
        "countries-110m.json",
        ("countries",),
        "Natural Earth 1:110m Cultural Vectors, Admin 0 - Countries",
        "public domain (Natural Earth terms of use)",
    ),
)

#: Units per degree in the output (1/100 degree).
PRECISION = 100
#: Douglas-Peucker tolerance in degrees, applied per shared arc before rounding.
TOLERANCE = {"states": 0.02, "nation": 0.02, "countries": 0.03}
#: Rings with a smaller |area| (square degrees) are dropped; Hawaii's smallest main island
#: (Kaho'olawe) is about 0.011, so the threshold keeps it.
MIN_RING_AREA = {"states": 0.004, "nation": 0.004, "countries": 0.05}

#: State FIPS code -> USPS code (Census FIPS 5-2), so that maps can join on ``state_code``.
FIPS_TO_USPS = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT",
    "10": "DE", "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL",
    "18": "IN", "19": "IA", "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD",
    "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT", "31": "NE",
    "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND",
    "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD",
    "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA", "54": "WV",
    "55": "WI", "56": "WY", "60": "AS", "66": "GU", "69": "MP", "72": "PR", "78": "VI",
}  # fmt: skip

Point = tuple[float, float]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _npm_pack(specs: list[str], into: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("build_boundaries: npm is not installed; install Node.js or pass --from DIR")
    subprocess.run(  # noqa: S603 -- fixed argv, no shell
        [npm, "pack", "--silent", *specs], cwd=into, check=True, stdout=subprocess.DEVNULL
    )


def _read_package(tarball: Path, member: str) -> tuple[dict[str, Any], bytes, str]:
    """Return (package.json, the member's bytes, the LICENSE text) from an npm tarball."""
    with tarfile.open(tarball, "r:gz") as tar:

        def read(name: str) -> bytes:
            handle = tar.extractfile(f"package/{name}")
            if handle is None:
                raise FileNotFoundError(f"{tarball.name} has no package/{name}")
            return handle.read()

        package = json.loads(read("package.json"))
        return package, read(member), read("LICENSE").decode("utf-8")


def _decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Undo TopoJSON quantisation and delta encoding: arcs in degrees."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _perpendicular(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.hypot(px - ax, py - ay)
    return abs(dy * px - dx * py + bx * ay - by * ax) / math.hypot(dx, dy)


def _simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, iterative, keeping both ends (shared arcs keep meeting)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, first
        for i in range(first + 1, last):
            distance = _perpendicular(points[i], points[first], points[last])
            if distance > best:
                best, index = distance, i
        if best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _quantise(points: list[Point]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for x, y in points:
        q = (round(x * PRECISION), round(y * PRECISION))
        if not out or out[-1] != q:
            out.append(q)
    return out


def _ring(indexes: list[int], arcs: list[list[tuple[int, int]]]) -> list[tuple[int, int]]:
    ring: list[tuple[int, int]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(arc if not ring else arc[1:])
    return ring


def _area(ring: list[tuple[int, int]]) -> float:
    twice = sum(
        x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)
    )
    return abs(twice) / 2 / PRECISION**2


def _clip_half(
    ring: list[tuple[float, float]], edge: float, *, keep_below: bool
) -> list[tuple[float, float]]:
    """Sutherland-Hodgman against the meridian ``x = edge``, keeping one side."""

    def inside(p: tuple[float, float]) -> bool:
        return p[0] <= edge if keep_below else p[0] >= edge

    out: list[tuple[float, float]] = []
    for i, current in enumerate(ring):
        previous = ring[i - 1]
        if inside(current) != inside(previous):
            t = (edge - previous[0]) / (current[0] - previous[0])
            out.append((edge, previous[1] + t * (current[1] - previous[1])))
        if inside(current):
            out.append(current)
    return out


def _split_at_antimeridian(ring: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Cut a ring that crosses 180 degrees into pieces that stay within -180..180.

    world-atlas stitches polygons across the antimeridian (Russia, Fiji, Antarctica) for
    spherical rendering; flat maps need them cut, or they draw lines across the world.
    """
    half, full = 180 * PRECISION, 360 * PRECISION
    unwrapped: list[tuple[float, float]] = [(float(ring[0][0]), float(ring[0][1]))]
    shifted = False
    for x, y in ring[1:]:
        step = x - ring[len(unwrapped) - 1][0]
        if abs(step) > half:
            step -= full if step > 0 else -full
            shifted = True
        unwrapped.append((unwrapped[-1][0] + step, float(y)))
    if not shifted:
        return [ring]
    closing = ring[0][0] - ring[-1][0]
    if abs(closing) > half:
        closing -= full if closing > 0 else -full
    if abs(unwrapped[-1][0] + closing - unwrapped[0][0]) > half:
        # the ring goes once around the globe (Antarctica): close it along the pole
        pole = -90.0 * PRECISION if sum(y for _, y in ring) < 0 else 90.0 * PRECISION
        end_x = unwrapped[-1][0] + closing
        unwrapped += [(end_x, float(ring[0][1])), (end_x, pole), (unwrapped[0][0], pole)]
    pieces = []
    for shift in (-full, 0, full):
        moved = [(x + shift, y) for x, y in unwrapped]
        piece = _clip_half(_clip_half(moved, half, keep_below=True), -half, keep_below=False)
        rounded = _quantise([(x / PRECISION, y / PRECISION) for x, y in piece])
        if len(rounded) > 1 and rounded[0] == rounded[-1]:
            rounded = rounded[:-1]
        if len(rounded) >= 3:
            pieces.append(rounded)
    return pieces


def _delta(ring: list[tuple[int, int]]) -> list[int]:
    """Flatten a ring to ``[x0, y0, dx1, dy1, ...]`` (small numbers compress well)."""
    flat = [ring[0][0], ring[0][1]]
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        flat += [x1 - x0, y1 - y0]
    return flat


def _features(topology: dict[str, Any], obj: str) -> list[dict[str, Any]]:
    arcs = [_quantise(_simplify(arc, TOLERANCE[obj])) for arc in _decode_arcs(topology)]
    features = []
    for geometry in topology["objects"][obj]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [geometry["arcs"]]
        elif kind == "MultiPolygon":
            polygons = geometry["arcs"]
        else:  # a feature without geometry (null) has nothing to draw
            continue
        rings = []
        for polygon in polygons:
            for j, indexes in enumerate(polygon):
                ring = _ring(indexes, arcs)
                # drop the closing point (readers close rings) and rings too small to see;
                # holes (j > 0) follow the same rule
                if len(ring) > 1 and ring[0] == ring[-1]:
                    ring = ring[:-1]
                for piece in _split_at_antimeridian(ring):
                    if len(piece) >= 3 and _area(piece) >= MIN_RING_AREA[obj] / (4 if j else 1):
                        rings.append(_delta(piece))
        if not rings:
            continue
        name = geometry.get("properties", {}).get("name", "")
        feature: dict[str, Any] = {"id": geometry.get("id") or "", "name": name}
        if obj == "states":
            feature["usps"] = FIPS_TO_USPS[feature["id"]]
        elif obj == "nation":  # the merged states: the U.S. coast and borders at 1:10m
            feature.update(id="840", name="United States")
        feature["rings"] = rings
        features.append(feature)
    features.sort(key=lambda f: (f["id"], f["name"]))
    return features


def build(tarball_dir: Path) -> dict[str, Any]:
    """Read the packed tarballs in ``tarball_dir`` and return the output document."""
    sources = []
    layers: dict[str, list[dict[str, Any]]] = {}
    for spec, member, objects, what, data_licence in INPUTS:
        name = spec.split("@")[0]
        matches = sorted(tarball_dir.glob(f"{name}-*.tgz"))
        if len(matches) != 1:
            sys.exit(f"build_boundaries: expected one {name}-*.tgz in {tarball_dir}")
        tarball = matches[0]
        package, raw, licence_text = _read_package(tarball, member)
        topology = json.loads(raw)
        for obj in objects:
            layers[obj] = _features(topology, obj)
        sources.append(
            {
                "package": package["name"],
                "version": package["version"],
                "requested": spec,
                "tarball": tarball.name,
                "tarball_sha256": _sha256(tarball.read_bytes()),
                "file": member,
                "file_sha256": _sha256(raw),
                "objects": list(objects),
                "data": what,
                "data_licence": data_licence,
                "package_licence": package.get("license", ""),
                "package_licence_text": licence_text.strip(),
                "homepage": package.get("homepage", ""),
            }
        )
    return {
        "format": 1,
        "generator": "scripts/build_boundaries.py",
        "precision": PRECISION,
        "encoding": "rings are [x0, y0, dx1, dy1, ...] in 1/precision degrees (lon, lat)",
        "simplification": {"douglas_peucker_degrees": TOLERANCE, "min_ring_area": MIN_RING_AREA},
        "sources": sources,
        **layers,
    }


def _sources_markdown(document: dict[str, Any], size: int) -> str:
    lines = [
        "# Vendored boundary data",
        "",
        "`boundaries.json.gz` holds simplified U.S. state and world country outlines for the",
        "static and interactive maps, so that no map data is downloaded at run time. It is",
        "generated by `scripts/build_boundaries.py`; do not edit it by hand.",
        "",
        f"- Size: {size:,} bytes (gzipped JSON); precision 1/{document['precision']} degree.",
        f"- Simplification: {json.dumps(document['simplification'])}.",
        "",
        "| package | version | file | data | data licence | package licence | sha256 of file |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in document["sources"]:
        lines.append(
            f"| {s['package']} | {s['version']} | {s['file']} | {s['data']} | "
            f"{s['data_licence']} | {s['package_licence']} | `{s['file_sha256']}` |"
        )
    lines += ["", "Tarball digests (sha256, as produced by `npm pack`):", ""]
    lines += [f"- `{s['tarball']}`: `{s['tarball_sha256']}`" for s in document["sources"]]
    lines += ["", "Package licence (both packages carry the same text):", "", "```"]
    lines += [document["sources"][0]["package_licence_text"], "```", ""]
    return "\n".join(lines)


def write(document: dict[str, Any]) -> int:
    """Write the gzipped document and SOURCES.md; return the compressed size."""
    payload = json.dumps(document, separators=(",", ":"), sort_keys=False).encode("utf-8")
    buffer = io.BytesIO()
    # mtime=0 and no file name in the gzip header keep the output byte-for-byte reproducible
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(payload)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_bytes(buffer.getvalue())
    SOURCES_MD.write_text(_sources_markdown(document, len(buffer.getvalue())), encoding="utf-8")
    return len(buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    """Build the vendored boundaries; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, help="directory with packed tarballs")
    args = parser.parse_args(argv)
    if args.source is not None:
        document = build(args.source)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            _npm_pack([spec for spec, *_ in INPUTS], Path(tmp))
            document = build(Path(tmp))
    size = write(document)
    counts = {layer: len(document[layer]) for layer in ("states", "nation", "countries")}
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {size:,} bytes, {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
