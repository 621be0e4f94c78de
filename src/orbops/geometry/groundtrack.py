"""Ground tracks: sub-satellite latitude, longitude and altitude, split at the antimeridian."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..timescales import as_ns, format_utc, to_ns
from .orbits import Orbits

__all__ = ["GroundTrack", "ground_tracks", "split_antimeridian", "subsolar_point", "terminator"]


@dataclass(frozen=True)
class GroundTrack:
    """One object's track: ``times`` (int64 ns), WGS-84 ``lat_deg``, ``lon_deg`` in [-180, 180), ``alt_km``."""

    norad_id: int
    name: str
    times: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    alt_km: np.ndarray

    def segments(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """(lon, lat) polylines that never cross the antimeridian (see :func:`split_antimeridian`)."""
        return split_antimeridian(self.lon_deg, self.lat_deg)

    def rows(self) -> list[dict]:
        """One dict per sample: norad_id, name, time_utc, lat_deg, lon_deg, alt_km."""
        return [{"norad_id": self.norad_id, "name": self.name, "time_utc": format_utc(t, 3),
                 "lat_deg": float(la), "lon_deg": float(lo), "alt_km": float(al)}
                for t, la, lo, al in zip(self.times, self.lat_deg, self.lon_deg, self.alt_km)]


def ground_tracks(orbits: Orbits, t_ns: np.ndarray) -> list[GroundTrack]:
    """Tracks of every object of ``orbits`` at the instants ``t_ns`` (``(m,)``: ``Times``, ISO strings,
    ``datetime64`` or int ns)."""
    t_ns = as_ns(t_ns).reshape(-1)
    lat, lon, alt = orbits.geodetic(np.arange(len(orbits)), t_ns[None, :])
    return [GroundTrack(int(orbits.norad_ids[k]), str(orbits.names[k]), t_ns, lat[k], lon[k], alt[k])
            for k in range(len(orbits))]


def split_antimeridian(lon_deg, lat_deg) -> list[tuple[np.ndarray, np.ndarray]]:
    """Cut a track where it jumps across +-180 deg longitude, adding the crossing point to both sides.

    The crossing latitude is interpolated along the short way round. NaN
    samples (failed propagation) also end a segment.
    """
    lon = np.asarray(lon_deg, dtype=float)
    lat = np.asarray(lat_deg, dtype=float)
    segments: list[tuple[np.ndarray, np.ndarray]] = []
    cur_lon: list[float] = []
    cur_lat: list[float] = []

    def flush():
        if len(cur_lon) >= 2:
            segments.append((np.array(cur_lon), np.array(cur_lat)))
        cur_lon.clear()
        cur_lat.clear()

    for k in range(len(lon)):
        if not (np.isfinite(lon[k]) and np.isfinite(lat[k])):
            flush()
            continue
        if cur_lon and abs(lon[k] - cur_lon[-1]) > 180.0:
            prev_lon, prev_lat = cur_lon[-1], cur_lat[-1]
            edge = 180.0 if prev_lon > 0 else -180.0
            span = (lon[k] + (360.0 if edge > 0 else -360.0)) - prev_lon
            frac = (edge - prev_lon) / span if span else 0.0
            cross_lat = prev_lat + frac * (lat[k] - prev_lat)
            cur_lon.append(edge)
            cur_lat.append(cross_lat)
            flush()
            cur_lon.append(-edge)
            cur_lat.append(cross_lat)
        cur_lon.append(float(lon[k]))
        cur_lat.append(float(lat[k]))
    flush()
    return segments


def subsolar_point(t_ns) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude (degrees) where the Sun is at the zenith."""
    from ..frames import ecef_to_geodetic, teme_to_itrs
    from .lighting import sun_position_km

    t = as_ns(t_ns)
    sun = teme_to_itrs(sun_position_km(t), t.astype("datetime64[ns]"))
    lat, lon, _ = ecef_to_geodetic(sun)
    return lat, lon


def terminator(t_ns: int, n: int = 361) -> tuple[np.ndarray, np.ndarray, float]:
    """The day/night line at one instant: ``(lon_deg, lat_deg, subsolar_lat_deg)``.

    Points where the Sun is on the (geocentric) horizon, one per longitude from
    -180 to 180; night lies on the side away from the subsolar latitude.
    """
    slat, slon = subsolar_point(np.int64(to_ns(t_ns)))
    lon = np.linspace(-180.0, 180.0, n)
    d = np.radians(float(slat))
    dlon = np.radians(lon - float(slon))
    tan_d = np.tan(d) if abs(np.tan(d)) > 1e-9 else 1e-9
    lat = np.degrees(np.arctan(-np.cos(dlon) / tan_d))
    return lon, lat, float(slat)
