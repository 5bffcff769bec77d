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


    @property
    def xy(self) -> tuple[float, float]:
        return project(self.lon, self.lat)

    @property
    def inside(self) -> bool:
        return WEST <= self.lon <= EAST and SOUTH <= self.lat <= NORTH


def has_outlines() -> bool:
    """Whether the setup step has produced the country outlines."""
    return OUTLINES.is_file()


def seat_map(seats: list[Seat]) -> dict | None:
    """What the map template draws, or None when no seat can be placed."""
    placed = [seat for seat in seats if seat.inside]
    if not placed:
        return None
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "outlines": OUTLINES_STATIC if has_outlines() else None,
        "seats": sorted(placed, key=lambda seat: (not seat.current, seat.label)),
        "highlighted": any(seat.current for seat in placed),
    }
