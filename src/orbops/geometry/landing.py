"""Landing opportunities: when a vehicle's ground track passes within its cross-range of a landing zone."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..constants import WGS84_A_KM
from ..frames import Site, teme_to_itrs, topocentric
from ..timescales import as_ns, format_utc, to_ns
from .lighting import sun_position_km
from .orbits import OneObject, Orbits
from .search import evaluate, refine_extrema, sample

__all__ = ["LandingZone", "LandingOpportunity", "landing_opportunities", "sun_elevation_deg"]


@dataclass(frozen=True)
class LandingZone:
    """Where a vehicle comes down: a centre and how far off-track it can steer (``cross_range_km``)."""

    name: str
    site: Site
    cross_range_km: float = 150.0
    source: str = ""


@dataclass(frozen=True)
class LandingOpportunity:
    """The track's closest approach to the zone: time, miss distance, Sun elevation there."""

    norad_id: int
    time_ns: int
    miss_km: float
    sun_elevation_deg: float

    @property
    def daylight(self) -> bool:
        return self.sun_elevation_deg > 0.0

    def as_dict(self) -> dict:
        return {"norad_id": self.norad_id, "time_utc": format_utc(self.time_ns, 1),
                "miss_km": round(self.miss_km, 1), "sun_elevation_deg": round(self.sun_elevation_deg, 2),
                "daylight": self.daylight}


def sun_elevation_deg(site: Site, t_ns) -> np.ndarray:
    """Elevation of the Sun's centre above the horizon at ``site`` (degrees, no refraction)."""
    t = as_ns(t_ns)
    sun_itrs = teme_to_itrs(sun_position_km(t), t.astype("datetime64[ns]"))
    return topocentric(sun_itrs, site)[1]


def _ground_distance_km(orbits: Orbits, site: Site):
    """``fn(obj, t_ns)``: great-circle distance from the sub-satellite point to ``site`` (km, spherical)."""
    s = site.ecef_km / np.linalg.norm(site.ecef_km)

    def fn(obj, t_ns):
        r, _, _ = orbits.itrs(obj, t_ns)
        u = r / np.linalg.norm(r, axis=-1, keepdims=True)
        return WGS84_A_KM * np.arccos(np.clip(np.einsum("...i,i->...", u, s), -1.0, 1.0))
    return fn


def landing_opportunities(orbits: Orbits, obj: int, zone: LandingZone, t0_ns: int, t1_ns: int, *,
                          daylight_only: bool = False, min_sun_el_deg: float = 0.0,
                          step_s: float = 180.0, tol_s: float = 1.0) -> list[LandingOpportunity]:
    """Closest approaches of object ``obj``'s ground track to ``zone`` within its cross-range.

    The track is sampled every ``step_s`` (passes are 90 minutes apart, so each
    closest approach is a separate minimum); only minima that could lie within
    the cross-range, allowing for the ground speed over one step, are refined.
    With ``daylight_only``, only those with the Sun above ``min_sun_el_deg`` at
    the zone (recovery crews want a lit landing).
    """
    obj, t0_ns, t1_ns = orbits.obj(obj), to_ns(t0_ns), to_ns(t1_ns)
    one = OneObject(orbits, obj)
    fn = _ground_distance_km(one, zone.site)
    times, values = sample(fn, 1, t0_ns, t1_ns, step_s)
    reach = zone.cross_range_km + 8.0 * step_s  # ground speed below 8 km/s
    v = np.where(np.isfinite(values), values, np.inf)
    interior = (v[:, 1:-1] < v[:, :-2]) & (v[:, 1:-1] <= v[:, 2:]) & (v[:, 1:-1] <= reach)
    _, i = np.nonzero(interior)
    if len(i) == 0:
        return []
    obj0 = np.zeros(len(i), dtype=np.int64)
    t = refine_extrema(fn, obj0, times[i], times[i + 2], maxima=False, tol_s=tol_s)
    miss = evaluate(fn, obj0, t)
    near = miss <= zone.cross_range_km
    times_near, miss = t[near], miss[near]
    sun_el = sun_elevation_deg(zone.site, times_near) if len(times_near) else np.zeros(0)
    out = [LandingOpportunity(int(orbits.norad_ids[obj]), int(t), float(m), float(e))
           for t, m, e in zip(times_near, miss, sun_el)]
    if daylight_only:
        out = [o for o in out if o.sun_elevation_deg > min_sun_el_deg]
    return out
