"""Setup step: turn npm packages into the static assets the site serves itself.

Reads ``node_modules/world-atlas/countries-50m.json`` (TopoJSON), keeps the countries
around Central Europe, projects them with the site's own map projection, simplifies them
and writes ``publisher/web/static/vendor/central-europe.svg`` (git-ignored; produced by
``make setup``), which map pages draw under their seat markers. Then every text file of
the static folder (the YASGUI bundle, stylesheets, scripts, the outlines) is compressed
once, beside itself, as ``.br`` and ``.gz`` (git-ignored), for clients that accept them.
Nothing is fetched at run time.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from xml.sax.saxutils import quoteattr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from publisher.web import seatmap  # noqa: E402
from publisher.web.compress import precompress  # noqa: E402

STATIC = ROOT / "publisher" / "web" / "static"

ATLAS = ROOT / "node_modules" / "world-atlas" / "countries-50m.json"
MARGIN = 2.0  # degrees around the map kept, so outlines run off the edge cleanly
TOLERANCE = 1.2  # SVG units: points closer than this to the previous kept point are dropped


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute (lon, lat) coordinates of every arc of a quantized TopoJSON topology."""
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


def ring_points(ring: list[int], arcs) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def near_map(points) -> bool:
    return any(
        seatmap.WEST - MARGIN <= lon <= seatmap.EAST + MARGIN
        and seatmap.SOUTH - MARGIN <= lat <= seatmap.NORTH + MARGIN
        for lon, lat in points
    )


def path_data(points) -> str:
    kept: list[tuple[float, float]] = []
    for lon, lat in points:
        x, y = seatmap.project(lon, lat)
        if kept and abs(x - kept[-1][0]) + abs(y - kept[-1][1]) < TOLERANCE:
            continue
        kept.append((x, y))
    if len(kept) < 3:
        return ""
    return "M" + "L".join(f"{x:g},{y:g}" for x, y in kept) + "Z"


def outlines(topology: dict) -> list[dict]:
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        parts = []
        for polygon in polygons:
            for ring in polygon:
                points = ring_points(ring, arcs)
                if near_map(points):
                    parts.append(path_data(points))
        d = "".join(part for part in parts if part)
        if d:
            countries.append({"name": geometry.get("properties", {}).get("name", ""), "d": d})
    return sorted(countries, key=lambda country: country["name"])


def svg(countries: list[dict]) -> str:
    """A standalone SVG of the outlines, in the map's own coordinates."""
    width, height = seatmap.WIDTH, seatmap.HEIGHT
    paths = "\n".join(
        f'<path d="{country["d"]}"><title>{quoteattr(country["name"])[1:-1]}</title></path>'
        for country in countries
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}">\n'
        "<!-- Country outlines: world-atlas countries-50m (Natural Earth, public domain) -->\n"
        f'<rect width="{width:g}" height="{height:g}" fill="#eaf2f8"/>\n'
        '<g fill="#f7f5ef" stroke="#8a9aa8" stroke-width="0.8" stroke-linejoin="round">\n'
        f"{paths}\n</g>\n</svg>\n"
    )


def main() -> int:
    if not ATLAS.is_file():
        print(f"missing {ATLAS.relative_to(ROOT)}: run 'npm ci' first", file=sys.stderr)
        return 1
    topology = json.loads(ATLAS.read_text(encoding="utf-8"))
    countries = outlines(topology)
    seatmap.OUTLINES.parent.mkdir(parents=True, exist_ok=True)
    seatmap.OUTLINES.write_text(svg(countries), encoding="utf-8")
    size = seatmap.OUTLINES.stat().st_size
    print(f"wrote {len(countries)} country outlines ({size // 1024} KiB)")
    written = precompress(STATIC)
    print(f"compressed {len(written) // 2} static files (.br and .gz beside each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
