"""Plane geometry between two orbits: relative inclination, node drift, plane-change delta-v.

Each object's mean plane at a sample time is the average of its orbit normal
over one revolution (which removes the short-period wobble), computed from
propagation with the element set nearest in time, so reboosts and real
element histories show. The RAAN difference drifts under J2 (nodal
regression depends on inclination and altitude); the planes coincide in node
when that difference passes through a multiple of 360 deg, and the relative
inclination is then smallest (|i1 - i2|). The impulsive plane change between
the two circular orbits costs 2 v sin(theta / 2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..constants import WGS72_MU_KM3_S2, WGS72_RADIUS_KM, WGS84_J2, WGS84_MU_KM3_S2
from ..timescales import format_utc
from .orbits import Orbits
from .search import time_grid

__all__ = ["PlaneGeometry", "plane_geometry", "j2_nodal_rate_deg_day"]


def j2_nodal_rate_deg_day(a_km, ecc, inc_deg) -> np.ndarray:
    """Secular RAAN rate from J2 (degrees per day): -3/2 n J2 (R/p)^2 cos i."""
    a = np.asarray(a_km, dtype=float)
    n = np.sqrt(WGS84_MU_KM3_S2 / a**3)
    p = a * (1.0 - np.asarray(ecc, dtype=float) ** 2)
    rate = -1.5 * n * WGS84_J2 * (WGS72_RADIUS_KM / p) ** 2 * np.cos(np.radians(inc_deg))
    return np.degrees(rate) * 86400.0


@dataclass(frozen=True)
class PlaneGeometry:
    """Two orbits' planes over time (arrays shaped ``(n,)`` over ``times``)."""

    names: tuple[str, str]
    times: np.ndarray
    inc_deg: np.ndarray  # (n, 2)
    raan_deg: np.ndarray  # (n, 2)
    alt_km: np.ndarray  # (n, 2) mean radius minus the equatorial radius
    relative_inclination_deg: np.ndarray
    raan_difference_deg: np.ndarray  # RAAN(a) - RAAN(b), unwrapped
    drift_deg_per_day: float  # fitted slope of the RAAN difference
    j2_drift_deg_per_day: float  # the same from the J2 formula at the mean elements
    plane_change_dv_km_s: np.ndarray
    alignments_ns: np.ndarray  # instants when the node lines coincide

    def as_dict(self, every: int = 1) -> dict:
        sl = slice(None, None, max(1, every))
        return {
            "objects": list(self.names),
            "drift_deg_per_day": round(self.drift_deg_per_day, 5),
            "j2_drift_deg_per_day": round(self.j2_drift_deg_per_day, 5),
            "relative_inclination_deg": {"min": round(float(self.relative_inclination_deg.min()), 4),
                                         "max": round(float(self.relative_inclination_deg.max()), 4)},
            "plane_change_dv_km_s": {"min": round(float(self.plane_change_dv_km_s.min()), 4),
                                     "max": round(float(self.plane_change_dv_km_s.max()), 4)},
            "node_alignments_utc": [format_utc(t) for t in self.alignments_ns],
            "samples": [{"time_utc": format_utc(t), "relative_inclination_deg": round(float(ri), 4),
                         "raan_difference_deg": round(float((dr + 180.0) % 360.0 - 180.0), 4),
                         "plane_change_dv_km_s": round(float(dv), 4)}
                        for t, ri, dr, dv in zip(self.times[sl], self.relative_inclination_deg[sl],
                                                 self.raan_difference_deg[sl], self.plane_change_dv_km_s[sl])],
        }


def _mean_planes(orbits: Orbits, objs, t_ns: np.ndarray, samples: int = 12):
    """Orbit normal averaged over one revolution after each instant, and mean radius: ``(k, n, 3)``, ``(k, n)``."""
    period_ns = (86400e9 / orbits.catalog.mean_motion_rev_day[orbits._start[objs]]).astype(np.int64)
    offsets = (np.arange(samples) / samples)
    h_sum = 0.0
    r_sum = 0.0
    for f in offsets:
        t = t_ns[None, :] + (f * period_ns)[:, None].astype(np.int64)
        r, v, _ = orbits.teme(np.asarray(objs), t)
        h = np.cross(r, v)
        h_sum = h_sum + h / np.linalg.norm(h, axis=-1, keepdims=True)
        r_sum = r_sum + np.linalg.norm(r, axis=-1)
    h = h_sum / np.linalg.norm(h_sum, axis=-1, keepdims=True)
    return h, r_sum / samples


def plane_geometry(orbits: Orbits, a, b, t0_ns: int, t1_ns: int, *, step_s: float = 86400.0) -> PlaneGeometry:
    """Plane geometry of objects ``a`` and ``b`` (indices or keys of ``orbits``) from ``t0`` to ``t1``."""
    ia, ib = orbits.obj(a), orbits.obj(b)
    times = time_grid(t0_ns, t1_ns, step_s)
    h, rad = _mean_planes(orbits, [ia, ib], times)
    inc = np.degrees(np.arccos(np.clip(h[..., 2], -1.0, 1.0)))
    raan = np.degrees(np.arctan2(h[..., 0], -h[..., 1]))
    rel = np.degrees(np.arccos(np.clip(np.einsum("ni,ni->n", h[0], h[1]), -1.0, 1.0)))
    diff = np.degrees(np.unwrap(np.radians(raan[0] - raan[1])))
    days = (times - times[0]) / 86400e9
    slope = float(np.polyfit(days, diff, 1)[0]) if len(times) > 1 else 0.0
    j2 = j2_nodal_rate_deg_day(rad.mean(axis=1), 0.0, inc.mean(axis=1))
    v = np.sqrt(WGS72_MU_KM3_S2 / rad.mean(axis=0))
    dv = 2.0 * v * np.sin(np.radians(rel) / 2.0)
    # node alignment: the unwrapped difference crosses a multiple of 360 deg
    g = diff / 360.0
    cross = np.flatnonzero(np.floor(g[:-1]) != np.floor(g[1:]))
    whole = np.floor(np.maximum(g[cross], g[cross + 1]))
    frac = (whole - g[cross]) / (g[cross + 1] - g[cross])
    align = (times[cross] + frac * (times[cross + 1] - times[cross])).astype(np.int64)
    return PlaneGeometry((str(orbits.names[ia]), str(orbits.names[ib])), times, inc.T, raan.T,
                         (rad - WGS72_RADIUS_KM).T, rel, diff, slope, float(j2[0] - j2[1]), dv,
                         align)
