"""Launch sites and landing zones known by name (package data ``places.toml``, with sources)."""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources

from ..errors import OrbopsError
from ..frames import Site
from .landing import LandingZone
from .launch import LaunchSite

__all__ = ["launch_sites", "landing_zones", "launch_site", "landing_zone", "parse_site"]


@functools.lru_cache(maxsize=1)
def _places() -> dict:
    return tomllib.loads(resources.files("orbops.data").joinpath("places.toml").read_text(encoding="utf-8"))


def launch_sites() -> dict[str, LaunchSite]:
    """Every named launch site."""
    out = {}
    for key, d in _places()["launch_sites"].items():
        out[key] = LaunchSite(d["name"], Site(d["lat_deg"], d["lon_deg"], d.get("alt_m", 0.0) / 1000.0, d["name"]),
                              d.get("min_inclination_deg", 0.0), d.get("max_inclination_deg", 180.0),
                              tuple(d.get("directions", ("northeast", "southeast"))), source=d.get("source", ""),
                              crewed_directions=tuple(d["crewed_directions"]) if "crewed_directions" in d else None)
    return out


def landing_zones() -> dict[str, LandingZone]:
    """Every named landing zone."""
    return {key: LandingZone(d["name"], Site(d["lat_deg"], d["lon_deg"], d.get("alt_m", 0.0) / 1000.0, d["name"]),
                             d.get("cross_range_km", 150.0), d.get("source", ""))
            for key, d in _places()["landing_zones"].items()}


def _lookup(table: dict, name: str, what: str):
    key = name.strip().lower().replace(" ", "-").replace("_", "-")
    if key in table:
        return table[key]
    raise OrbopsError(f"unknown {what} {name!r}: expected one of {', '.join(sorted(table))}, or LAT,LON[,ALT_M]")


def launch_site(name: str) -> LaunchSite:
    """A named launch site (``baikonur``, ``jiuquan``, ``ksc-39a``, ...)."""
    return _lookup(launch_sites(), name, "launch site")


def landing_zone(name: str) -> LandingZone:
    """A named landing zone (``soyuz``, ``dongfeng``)."""
    return _lookup(landing_zones(), name, "landing zone")


_COORDS = re.compile(r"^\s*(-?\d+(?:\.\d*)?)\s*,\s*(-?\d+(?:\.\d*)?)\s*(?:,\s*(-?\d+(?:\.\d*)?)\s*)?$")


def parse_site(text: str) -> Site:
    """A site from ``LAT,LON[,ALT_M]`` (degrees, metres) or the name of a launch site or landing zone."""
    m = _COORDS.match(text)
    if m:
        lat, lon, alt = m.groups()
        return Site(float(lat), float(lon), float(alt or 0.0) / 1000.0, text.strip())
    key = text.strip().lower().replace(" ", "-")
    if key in launch_sites():
        return launch_sites()[key].site
    if key in landing_zones():
        return landing_zones()[key].site
    names = sorted(launch_sites()) + sorted(landing_zones())
    raise OrbopsError(f"unknown site {text!r}: expected LAT,LON[,ALT_M] in degrees and metres or one of "
                      f"{', '.join(names)}")
