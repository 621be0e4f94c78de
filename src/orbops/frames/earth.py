"""Earth rotation (GMST 1982 on UT1), WGS-84 geodesy and site-relative geometry."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from ..constants import EARTH_ROTATION_RAD_S, WGS84_A_KM, WGS84_E2
from ..errors import OrbopsError
from ..timescales import NS_PER_DAY, Times, gmst82_from_ut1

__all__ = [
    "Site",
    "ut1_minus_utc_s",
    "gmst82_rad",
    "teme_to_itrs_matrix",
    "teme_to_itrs",
    "geodetic_to_ecef",
    "ecef_to_geodetic",
    "topocentric",
]


@functools.lru_cache(maxsize=1)
def _timescale():
    from skyfield.api import load  # builtin tables only: never downloads

    return load.timescale(builtin=True)


def _tai_minus_utc_s(days_since_1970: np.ndarray) -> np.ndarray:
    ts = _timescale()
    jd = days_since_1970 + 2440587.5
    idx = np.searchsorted(ts.leap_dates, jd, side="right") - 1
    return np.where(idx >= 0, ts.leap_offsets[np.clip(idx, 0, None)], 10.0)


@functools.lru_cache(maxsize=64)
def _ut1_minus_tai_nodes(year: int) -> tuple[np.ndarray, np.ndarray]:
    """UT1 - TAI (seconds) every 6 hours through one calendar year, from skyfield's builtin tables."""
    start = (np.datetime64(f"{year:04d}-01-01", "D") - np.datetime64("1970-01-01", "D")).astype(float)
    stop = (np.datetime64(f"{year + 1:04d}-01-01", "D") - np.datetime64("1970-01-01", "D")).astype(float)
    nodes = np.arange(start, stop + 0.25, 0.25)
    t = _timescale().utc(1970, 1, 1 + nodes)
    return nodes, np.asarray(t.dut1) - _tai_minus_utc_s(nodes)


def ut1_minus_utc_s(times) -> np.ndarray:
    """UT1 - UTC in seconds at UTC instants, from skyfield's built-in IERS tables.

    UT1 - TAI (smooth) is tabulated every 6 hours (cached per year) and
    interpolated; leap seconds are added back exactly. Shaped like ``times``.
    """
    ns = Times(times).ns
    if ns.size == 0:
        return np.zeros(ns.shape)
    days = ns / NS_PER_DAY
    first = int(str(np.datetime64(int(ns.min()), "ns").astype("datetime64[Y]")))
    last = int(str(np.datetime64(int(ns.max()), "ns").astype("datetime64[Y]")))
    parts = [_ut1_minus_tai_nodes(y) for y in range(first, last + 1)]
    nodes = np.concatenate([p[0] for p in parts])
    values = np.concatenate([p[1] for p in parts])
    return np.interp(days, nodes, values) + _tai_minus_utc_s(days)


def gmst82_rad(times) -> np.ndarray:
    """Greenwich mean sidereal time, IAU 1982, at UTC ``times`` (radians in [0, 2 pi)).

    UT1 from :func:`ut1_minus_utc_s`; see :func:`gmst82_from_ut1`. Shaped like ``times``.
    """
    ns = Times(times).ns
    whole, rest = np.divmod(ns, NS_PER_DAY)
    frac = rest / NS_PER_DAY + ut1_minus_utc_s(Times._from_ns(ns)) / 86400.0
    return gmst82_from_ut1(whole.astype(np.float64) + 2440587.5, frac)


def teme_to_itrs_matrix(times) -> np.ndarray:
    """Rotation matrices TEME -> ITRS (without polar motion), shaped ``times.shape + (3, 3)``."""
    theta = gmst82_rad(times)
    c, s = np.cos(theta), np.sin(theta)
    m = np.zeros(theta.shape + (3, 3))
    m[..., 0, 0], m[..., 0, 1] = c, s
    m[..., 1, 0], m[..., 1, 1] = -s, c
    m[..., 2, 2] = 1.0
    return m


def teme_to_itrs(r_teme_km, times, v_teme_km_s=None):
    """Positions (and velocities) from TEME to the Earth-fixed ITRS.

    ``r_teme_km`` ``(..., 3)``; ``times`` broadcast against its leading axes.
    Velocities include the Earth's rotation (v_itrs = R v_teme - w x r_itrs).
    Returns ``r_itrs_km`` or ``(r_itrs_km, v_itrs_km_s)``.
    """
    r = np.asarray(r_teme_km, dtype=float)
    theta = gmst82_rad(times)
    c, s = np.cos(theta), np.sin(theta)
    x = c * r[..., 0] + s * r[..., 1]
    y = -s * r[..., 0] + c * r[..., 1]
    r_itrs = np.stack(np.broadcast_arrays(x, y, r[..., 2]), axis=-1)
    if v_teme_km_s is None:
        return r_itrs
    v = np.asarray(v_teme_km_s, dtype=float)
    vx = c * v[..., 0] + s * v[..., 1] + EARTH_ROTATION_RAD_S * y
    vy = -s * v[..., 0] + c * v[..., 1] - EARTH_ROTATION_RAD_S * x
    return r_itrs, np.stack(np.broadcast_arrays(vx, vy, v[..., 2]), axis=-1)


def geodetic_to_ecef(lat_deg, lon_deg, alt_km=0.0) -> np.ndarray:
    """WGS-84 geodetic latitude, longitude (degrees) and height (km) to ECEF km ``(..., 3)``."""
    lat = np.radians(np.asarray(lat_deg, dtype=float))
    lon = np.radians(np.asarray(lon_deg, dtype=float))
    h = np.asarray(alt_km, dtype=float)
    sin_lat = np.sin(lat)
    n = WGS84_A_KM / np.sqrt(1.0 - WGS84_E2 * sin_lat * sin_lat)
    x = (n + h) * np.cos(lat) * np.cos(lon)
    y = (n + h) * np.cos(lat) * np.sin(lon)
    z = (n * (1.0 - WGS84_E2) + h) * sin_lat
    return np.stack(np.broadcast_arrays(x, y, z), axis=-1)


def ecef_to_geodetic(r_km):
    """ECEF km ``(..., 3)`` to WGS-84 latitude, longitude (degrees, lon in [-180, 180)) and height (km).

    Fixed-point iteration on latitude (converged to below a micrometre for
    anything from the ground to the Moon). Returns three arrays ``(...)``.
    """
    r = np.asarray(r_km, dtype=float)
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    p = np.hypot(x, y)
    lat = np.arctan2(z, p * (1.0 - WGS84_E2))
    for _ in range(6):
        sin_lat = np.sin(lat)
        n = WGS84_A_KM / np.sqrt(1.0 - WGS84_E2 * sin_lat * sin_lat)
        lat = np.arctan2(z + WGS84_E2 * n * sin_lat, p)
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    n = WGS84_A_KM / np.sqrt(1.0 - WGS84_E2 * sin_lat * sin_lat)
    h = p * cos_lat + z * sin_lat - n * (1.0 - WGS84_E2 * sin_lat * sin_lat)
    lon = np.degrees(np.arctan2(y, x))
    lon = np.where(lon >= 180.0, lon - 360.0, lon)
    return np.degrees(lat), lon, h


@dataclass(frozen=True)
class Site:
    """A place on the Earth: WGS-84 geodetic latitude and longitude (degrees), height (km)."""

    lat_deg: float
    lon_deg: float
    alt_km: float = 0.0
    name: str = ""

    def __post_init__(self) -> None:
        if not -90.0 <= self.lat_deg <= 90.0:
            raise OrbopsError(f"site latitude {self.lat_deg} deg is out of range: expected -90 to 90")
        if not -180.0 <= self.lon_deg <= 360.0:
            raise OrbopsError(f"site longitude {self.lon_deg} deg is out of range: expected -180 to 360")

    @property
    def ecef_km(self) -> np.ndarray:
        """Position in the Earth-fixed frame (km)."""
        return geodetic_to_ecef(self.lat_deg, self.lon_deg, self.alt_km)

    def enu_basis(self) -> np.ndarray:
        """Rows: east, north, up unit vectors in ECEF ``(3, 3)``."""
        lat, lon = np.radians(self.lat_deg), np.radians(self.lon_deg)
        sl, cl, so, co = np.sin(lat), np.cos(lat), np.sin(lon), np.cos(lon)
        return np.array([[-so, co, 0.0], [-sl * co, -sl * so, cl], [cl * co, cl * so, sl]])

    def __str__(self) -> str:
        label = f"{self.name} " if self.name else ""
        return f"{label}({self.lat_deg:.4f}, {self.lon_deg:.4f}, {self.alt_km * 1000:.0f} m)"


def topocentric(r_itrs_km, site: Site, v_itrs_km_s=None):
    """Azimuth, elevation (degrees), range (km) and range rate (km/s) from ``site``.

    ``r_itrs_km`` ``(..., 3)`` in ITRS (and ``v_itrs_km_s`` for the range
    rate). Azimuth is from north through east, in [0, 360). Returns
    ``(az_deg, el_deg, range_km)`` or with ``range_rate_km_s`` appended.
    """
    rho = np.asarray(r_itrs_km, dtype=float) - site.ecef_km
    enu = np.einsum("ij,...j->...i", site.enu_basis(), rho)
    e, n, u = enu[..., 0], enu[..., 1], enu[..., 2]
    rng = np.sqrt(e * e + n * n + u * u)
    el = np.degrees(np.arctan2(u, np.hypot(e, n)))
    az = np.mod(np.degrees(np.arctan2(e, n)), 360.0)
    if v_itrs_km_s is None:
        return az, el, rng
    rate = np.einsum("...j,...j->...", rho, np.asarray(v_itrs_km_s, dtype=float)) / rng
    return az, el, rng, rate


FRAMES = ("teme", "itrs", "geodetic")
"""Frames :func:`express` can give states in."""


def express(states, frame: str) -> dict[str, np.ndarray]:
    """States in ``frame`` as named columns, each ``(n_sat, n_time)``.

    ``teme`` and ``itrs``: ``x_km, y_km, z_km, vx_km_s, vy_km_s, vz_km_s``;
    ``geodetic``: ``lat_deg, lon_deg, alt_km`` (WGS-84).
    """
    if frame not in FRAMES:
        raise OrbopsError(f"unknown frame {frame!r}: expected one of {', '.join(FRAMES)}")
    r, v = states.r_km, states.v_km_s
    times = states.times
    if frame != "teme":
        r, v = teme_to_itrs(r, times, v)
    if frame == "geodetic":
        lat, lon, alt = ecef_to_geodetic(r)
        return {"lat_deg": lat, "lon_deg": lon, "alt_km": alt}
    return {"x_km": r[..., 0], "y_km": r[..., 1], "z_km": r[..., 2],
            "vx_km_s": v[..., 0], "vy_km_s": v[..., 1], "vz_km_s": v[..., 2]}


def itrs_to_teme(r_itrs_km, times) -> np.ndarray:
    """Earth-fixed positions ``(..., 3)`` to TEME (the inverse rotation of :func:`teme_to_itrs`)."""
    r = np.asarray(r_itrs_km, dtype=float)
    theta = gmst82_rad(times)
    c, s = np.cos(theta), np.sin(theta)
    x = c * r[..., 0] - s * r[..., 1]
    y = s * r[..., 0] + c * r[..., 1]
    return np.stack(np.broadcast_arrays(x, y, r[..., 2]), axis=-1)
