"""World maps (equirectangular, offline): coastlines, ground tracks, day/night, sites.

Natural Earth 1:110m outlines ship with orbops; nothing is downloaded. Every
function draws on a given matplotlib ``ax`` and returns it.
"""

from __future__ import annotations

import functools
import json
from importlib import resources

import numpy as np

from .plots import plt  # noqa: F401  (Agg backend selected there)

__all__ = ["draw_world", "draw_tracks", "draw_terminator", "draw_places", "coastlines", "TRACK_COLORS"]

TRACK_COLORS = ("tab:red", "tab:blue", "tab:green", "tab:purple", "tab:orange", "tab:brown", "tab:pink",
                "tab:olive", "tab:cyan", "black")


@functools.lru_cache(maxsize=2)
def _load(name: str) -> dict:
    return json.loads(resources.files("orbops.data").joinpath(name).read_text(encoding="utf-8"))


def coastlines() -> list[np.ndarray]:
    """Natural Earth 1:110m coastline polylines, each ``(n, 2)`` of (lon, lat) degrees."""
    return [np.asarray(line) for line in _load("ne_110m_coastline_lonlat.json")["lines"]]


def draw_world(ax, *, land: bool = True):
    """An equirectangular world: land shaded, coastlines, graticule, labelled axes."""
    from matplotlib.collections import LineCollection, PolyCollection

    if land:
        rings = [np.asarray(ring) for ring in _load("ne_110m_countries_lonlat.json")["rings"]]
        ax.add_collection(PolyCollection(rings, facecolors="#eeeae0", edgecolors="none", zorder=0))
    ax.add_collection(LineCollection(coastlines(), colors="#777777", linewidths=0.5, zorder=1, label="_coastlines"))
    ax.set_xlim(-180, 180)
    ax.set_ylim(-90, 90)
    ax.set_xticks(range(-180, 181, 60))
    ax.set_yticks(range(-90, 91, 30))
    ax.set_xlabel("longitude (deg)")
    ax.set_ylabel("latitude (deg)")
    ax.set_aspect("equal")
    ax.grid(True, lw=0.3, alpha=0.5)
    ax.set_facecolor("#dce9f5")
    return ax


def draw_tracks(ax, tracks, *, hour_marks: bool = True):
    """Ground tracks (split at the antimeridian); a circle at the start and a dot each whole hour after it."""
    for k, track in enumerate(tracks):
        color = TRACK_COLORS[k % len(TRACK_COLORS)]
        label = f"{track.name or track.norad_id} ({track.norad_id})"
        for i, (lon, lat) in enumerate(track.segments()):
            ax.plot(lon, lat, color=color, lw=1.4, label=label if i == 0 else None, zorder=3)
        if len(track.times) and np.isfinite(track.lon_deg[0]):
            ax.plot(track.lon_deg[0], track.lat_deg[0], "o", ms=8, mfc="white", mec=color, mew=2, zorder=4)
        if hour_marks and len(track.times) > 1:
            hours = (track.times - track.times[0]) / 3.6e12
            whole = np.flatnonzero(np.diff(np.floor(hours)) > 0) + 1
            for j in whole:
                ax.plot(track.lon_deg[j], track.lat_deg[j], "o", ms=4, color=color, zorder=4)
                ax.annotate(f"+{int(round(hours[j]))}h", (track.lon_deg[j], track.lat_deg[j]), fontsize=7,
                            color=color, xytext=(3, 3), textcoords="offset points", zorder=5)
    return ax


def draw_terminator(ax, lon_deg, lat_deg, subsolar_lat_deg: float, *, label: str | None = None):
    """Shade the night side of the day/night line ``(lon, lat)``."""
    night_south = subsolar_lat_deg > 0  # the pole away from the Sun is in the dark
    ax.fill_between(lon_deg, lat_deg, -90 if night_south else 90, color="#1a2a4a", alpha=0.25, lw=0, zorder=2,
                    label=label)
    ax.plot(lon_deg, lat_deg, color="#1a2a4a", lw=0.6, alpha=0.6, zorder=2)
    return ax


def draw_places(ax, places, *, marker: str = "^", color: str = "black", side: str = "right"):
    """Markers and labels (to the ``side``, right or left, of each marker) for ``(name, Site)`` pairs."""
    dx, ha = (6, "left") if side == "right" else (-6, "right")
    for k, (name, site) in enumerate(places):
        lon = site.lon_deg - 360.0 if site.lon_deg >= 180.0 else site.lon_deg
        ax.plot(lon, site.lat_deg, marker, ms=8, color=color, mec="white", zorder=6)
        offset = (dx, 6) if k % 2 == 0 else (dx, -12)  # alternate above/below so neighbours stay legible
        ax.annotate(name, (lon, site.lat_deg), fontsize=8, xytext=offset, textcoords="offset points", zorder=6,
                    ha=ha, bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7})
    return ax
