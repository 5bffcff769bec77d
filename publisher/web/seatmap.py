"""The map of partners' seats: an SVG drawn on the server, no script, no tile server.

Country outlines come from the ``world-atlas`` npm package, converted at setup time by
``scripts/vendor_assets.py`` into a projected SVG (``static/vendor/central-europe.svg``, served
as a static file and cached) drawn under the markers;
seats come from the data (WGS84 latitude/longitude, or a WKT point). One projection, here,
serves both, so outlines and markers always agree.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

# Central Europe, with room for every partner country (Milan to Legnica, Stuttgart to Pest).
WEST, EAST, SOUTH, NORTH = 5.5, 25.5, 43.0, 55.5
WIDTH = 640.0
_COS = math.cos(math.radians((SOUTH + NORTH) / 2))
HEIGHT = round(WIDTH * (NORTH - SOUTH) / ((EAST - WEST) * _COS), 1)

OUTLINES = Path(__file__).parent / "static" / "vendor" / "central-europe.svg"
OUTLINES_STATIC = "vendor/central-europe.svg"

_WKT_POINT = re.compile(
    r"^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*\)\s*$", re.I
)


def project(lon: float, lat: float) -> tuple[float, float]:
    """Equirectangular projection centred on Central Europe, in SVG user units."""
    x = (lon - WEST) / (EAST - WEST) * WIDTH
    y = (NORTH - lat) / (NORTH - SOUTH) * HEIGHT
    return round(x, 1), round(y, 1)


def parse_wkt_point(text: str) -> tuple[float, float] | None:
    """(lon, lat) from a WKT POINT (optionally with a CRS IRI), or None."""
    match = _WKT_POINT.match(text or "")
    if not match:
        return None
    return float(match.group(1)), float(match.group(2))


@dataclass(frozen=True)
class Seat:
    """One marker: where, what it stands for, and the page it links to."""

    label: str
    href: str
    lon: float
    lat: float
    place: str = ""
    current: bool = False  # the page's own organisation: drawn first and larger
    number: int | None = None  # the partner's number, the same on every page
    short: str = ""  # an acronym to label the marker with

    @property
    def xy(self) -> tuple[float, float]:
        return project(self.lon, self.lat)

    @property
    def inside(self) -> bool:
        return WEST <= self.lon <= EAST and SOUTH <= self.lat <= NORTH


def has_outlines() -> bool:
    """Whether the setup step has produced the country outlines."""
    return OUTLINES.is_file()


# The smallest piece of the map a view shows (SVG units), and the margin around the seats.
MIN_SPAN = 150.0
MARGIN = 45.0


def fit(placed: list[Seat]) -> tuple[float, float, float, float]:
    """The view box (x, y, width, height) around the seats, with a margin, at least
    MIN_SPAN wide, in the map's own proportions, kept inside the outlines (no hard edge)."""
    xs = [seat.xy[0] for seat in placed]
    ys = [seat.xy[1] for seat in placed]
    width = max(max(xs) - min(xs) + 2 * MARGIN, MIN_SPAN)
    height = max(max(ys) - min(ys) + 2 * MARGIN, width * 0.6)
    width = max(width, height / 0.9)
    width, height = min(width, WIDTH), min(height, HEIGHT)
    x = min(max((min(xs) + max(xs)) / 2 - width / 2, 0.0), WIDTH - width)
    y = min(max((min(ys) + max(ys)) / 2 - height / 2, 0.0), HEIGHT - height)
    return round(x, 1), round(y, 1), round(width, 1), round(height, 1)


def seat_map(seats: list[Seat], unmapped: list[dict] | None = None) -> dict | None:
    """What the map template draws, or None when no seat can be placed: the seats (the
    page's own first, then by number), the view fitted to them, the marker and label sizes
    for that view, and the organisations that could not be placed."""
    placed = [seat for seat in seats if seat.inside]
    if not placed:
        return None
    x, y, width, height = fit(placed)
    scale = width / WIDTH
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "view": f"{x} {y} {width} {height}",
        "radius": round(max(7 * scale, 2.2), 2),
        "font": round(max(15 * scale, 4.5), 2),
        "stroke": round(max(2.5 * scale, 0.6), 2),
        "outlines": OUTLINES_STATIC if has_outlines() else None,
        "seats": sorted(placed, key=lambda seat: (
            not seat.current, seat.number is None, seat.number or 0, seat.label)),
        "highlighted": any(seat.current for seat in placed),
        "unmapped": unmapped or [],
    }
