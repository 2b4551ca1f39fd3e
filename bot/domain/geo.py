"""签到位置 (check-in position): great-circle distance and the "far from the entity" flag. Pure.

Coordinates are WGS-84 degrees, as Telegram sends them. A registry that holds GCJ-02 (the
offset Chinese web maps use) differs by a few hundred metres at most, well under the default
1 km threshold, so no conversion is attempted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
DEFAULT_FAR_M = 1000


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two points (haversine formula)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a check-in was made relative to the entity's registered position."""

    distance_m: float | None  # None when the registry has no coordinates
    far: bool


def place(
    lat: float,
    lon: float,
    entity_lat: float | None,
    entity_lon: float | None,
    far_m: float = DEFAULT_FAR_M,
) -> Placement:
    """The distance from the entity (when it has coordinates) and whether it exceeds `far_m`."""
    if entity_lat is None or entity_lon is None:
        return Placement(None, False)
    d = haversine_m(lat, lon, entity_lat, entity_lon)
    return Placement(round(d, 1), d > far_m)


def valid_position(lat: float, lon: float) -> bool:
    """Whether the pair is a position on Earth."""
    return -90 <= lat <= 90 and -180 <= lon <= 180


def map_url(lat: float, lon: float) -> str:
    """A map link for a WGS-84 point (OpenStreetMap, which reads WGS-84 as is)."""
    return (
        f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map=17/{lat:.6f}/{lon:.6f}"
    )
