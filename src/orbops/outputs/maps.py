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

__all__ = ["draw_world", "draw_tracks", "draw_terminator", "draw_places", "coastlines", "TRACK_COLORS", "MARKERS"]

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


MARKERS = {"^": {"ms": 8, "mec": "white", "zorder": 7, "label": "launch site"},
           "s": {"ms": 10, "mfc": "none", "mew": 1.8, "zorder": 6, "label": "landing zone"},
           "o": {"ms": 6, "mec": "white", "zorder": 6, "label": "place"}}
"""How each kind of place is drawn: a filled triangle for a launch site (on top), a hollow square for a
landing zone (so a site inside a zone stays visible)."""

# label positions tried around a marker, in points: right, left, above, below, then the corners
_OFFSETS = ((7, -3, "left"), (-7, -3, "right"), (0, 7, "center"), (0, -13, "center"), (7, 6, "left"),
            (-7, 6, "right"), (7, -12, "left"), (-7, -12, "right"))


def draw_places(ax, places, *, marker: str = "^", color: str = "black", legend: bool = True):
    """Markers and labels for places: ``(name, Site)`` pairs drawn with ``marker`` and ``color``, or
    ``(name, Site, marker, color)``. Each label takes the first spot around its marker that overlaps no
    other label or marker already drawn; each kind of marker gets one legend entry."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    taken = [t.get_window_extent(renderer) for t in getattr(ax, "_orbops_labels", [])]
    labelled = set(getattr(ax, "_orbops_legend", set()))
    entries = [(p[0], p[1], marker, color) if len(p) == 2 else tuple(p) for p in places]
    points = []
    for name, site, mk, mcolor in entries:
        lon = site.lon_deg - 360.0 if site.lon_deg >= 180.0 else site.lon_deg
        style = dict(MARKERS.get(mk, MARKERS["o"]))
        kind = style.pop("label")
        ax.plot(lon, site.lat_deg, mk, color=mcolor, mec=style.pop("mec", mcolor), linestyle="none",
                label=kind if legend and kind not in labelled else None, **style)
        labelled.add(kind)
        points.append((name, lon, site.lat_deg))
    marks = [ax.transData.transform((lon, lat)) for _, lon, lat in points]
    boxes = [_box(x, y, 5) for x, y in marks] + taken
    labels = list(getattr(ax, "_orbops_labels", []))
    for name, lon, lat in points:
        for dx, dy, ha in _OFFSETS:
            text = ax.annotate(name, (lon, lat), fontsize=8, xytext=(dx, dy), textcoords="offset points", zorder=8,
                               ha=ha, bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})
            box = text.get_window_extent(renderer)
            if not any(box.overlaps(b) for b in boxes) or (dx, dy, ha) == _OFFSETS[-1]:
                boxes.append(box)
                labels.append(text)
                break
            text.remove()
    ax._orbops_labels = labels
    ax._orbops_legend = labelled
    return ax


def _box(x: float, y: float, r: float):
    from matplotlib.transforms import Bbox

    return Bbox([[x - r, y - r], [x + r, y + r]])
