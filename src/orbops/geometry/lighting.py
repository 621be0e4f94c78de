"""Sunlight: the Sun's position, eclipses (umbra and penumbra, conical shadow) and the beta angle.

The Sun comes from the Astronomical Almanac's low-precision formulae (good to
about 0.01 deg from 1950 to 2050), offline and vectorised; its direction is
taken as equatorial of date, which TEME approximates to better than that.
Shadows use a spherical Earth of equatorial radius and the Sun's apparent
disc: umbra where the disc is wholly hidden, penumbra where partly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..constants import JD_UNIX_EPOCH, WGS84_A_KM
from ..timescales import NS_PER_DAY, as_ns, format_utc, to_ns
from .orbits import Orbits
from .search import Events, find_crossings

__all__ = [
    "AU_KM",
    "SUN_RADIUS_KM",
    "sun_position_km",
    "shadow_angles",
    "EclipseInterval",
    "eclipses",
    "beta_angle_deg",
]

AU_KM = 149_597_870.7
SUN_RADIUS_KM = 695_700.0
"""Nominal solar radius (IAU 2015 B3)."""


def sun_position_km(t_ns) -> np.ndarray:
    """Geocentric Sun position (km), equatorial of date, shaped ``t_ns.shape + (3,)``.

    Astronomical Almanac, "Low-precision formulas for the Sun" (section C).
    """
    n = as_ns(t_ns) / NS_PER_DAY + (JD_UNIX_EPOCH - 2451545.0)
    L = np.radians(np.mod(280.460 + 0.9856474 * n, 360.0))
    g = np.radians(np.mod(357.528 + 0.9856003 * n, 360.0))
    lam = L + np.radians(1.915) * np.sin(g) + np.radians(0.020) * np.sin(2.0 * g)
    eps = np.radians(23.439 - 0.0000004 * n)
    dist = (1.00014 - 0.01671 * np.cos(g) - 0.00014 * np.cos(2.0 * g)) * AU_KM
    return np.stack([dist * np.cos(lam), dist * np.cos(eps) * np.sin(lam),
                     dist * np.sin(eps) * np.sin(lam)], axis=-1)


def shadow_angles(r_km: np.ndarray, sun_km: np.ndarray):
    """Angles seen from the satellite (radians): Sun-to-Earth-centre separation, Earth and Sun radii.

    Shadowed by the umbra when ``sep < earth - sun``; by the penumbra when
    ``sep < earth + sun``; the Sun's centre is hidden when ``sep < earth``.
    """
    to_sun = sun_km - r_km
    d_sun = np.linalg.norm(to_sun, axis=-1)
    d_earth = np.linalg.norm(r_km, axis=-1)
    cos_sep = np.einsum("...i,...i->...", to_sun, -r_km) / (d_sun * d_earth)
    sep = np.arccos(np.clip(cos_sep, -1.0, 1.0))
    earth = np.arcsin(np.clip(WGS84_A_KM / d_earth, -1.0, 1.0))
    sun = np.arcsin(SUN_RADIUS_KM / d_sun)
    return sep, earth, sun


@dataclass(frozen=True)
class EclipseInterval:
    """One passage through the Earth's shadow; ``None`` where it lies outside the searched span."""

    norad_id: int
    name: str
    penumbra_entry_ns: int | None
    umbra_entry_ns: int | None
    umbra_exit_ns: int | None
    penumbra_exit_ns: int | None
    beta_deg: float

    @property
    def duration_s(self) -> float | None:
        """Time in shadow, penumbra included (seconds), when both ends are known."""
        if self.penumbra_entry_ns is None or self.penumbra_exit_ns is None:
            return None
        return (self.penumbra_exit_ns - self.penumbra_entry_ns) / 1e9

    @property
    def umbra_s(self) -> float | None:
        if self.umbra_entry_ns is None or self.umbra_exit_ns is None:
            return None
        return (self.umbra_exit_ns - self.umbra_entry_ns) / 1e9

    def as_dict(self) -> dict:
        def iso(t):
            return None if t is None else format_utc(t, 1)
        return {"norad_id": self.norad_id, "name": self.name,
                "penumbra_entry_utc": iso(self.penumbra_entry_ns), "umbra_entry_utc": iso(self.umbra_entry_ns),
                "umbra_exit_utc": iso(self.umbra_exit_ns), "penumbra_exit_utc": iso(self.penumbra_exit_ns),
                "duration_s": self.duration_s, "umbra_s": self.umbra_s, "beta_deg": round(self.beta_deg, 3)}


def _shadow_function(orbits: Orbits, which: str):
    def fn(obj, t_ns):
        r, _, _ = orbits.teme(obj, t_ns)
        sep, earth, sun = shadow_angles(r, sun_position_km(np.broadcast_to(t_ns, r.shape[:-1])))
        edge = {"penumbra": earth + sun, "umbra": earth - sun, "centre": earth}[which]
        return sep - edge  # negative inside the shadow
    return fn


def shadow_events(orbits: Orbits, t0_ns: int, t1_ns: int, which: str, *, step_s: float = 30.0,
                  tol_s: float = 0.1) -> Events:
    """Entries (kind -1) into and exits (+1) from the ``penumbra``, ``umbra`` or Sun-``centre`` shadow."""
    return find_crossings(_shadow_function(orbits, which), len(orbits), to_ns(t0_ns), to_ns(t1_ns), step_s, tol_s=tol_s)


def beta_angle_deg(orbits: Orbits, obj, t_ns) -> np.ndarray:
    """Angle between the orbital plane and the Sun direction (degrees), ``(k, m)``, for objects ``obj``
    (indices or keys) at UTC ``t_ns`` (``(m,)`` or ``(k, m)``, any time type)."""
    obj, t_ns = orbits.objs(obj), as_ns(t_ns)
    t_ns = t_ns.reshape(1, -1) if t_ns.ndim < 2 else t_ns
    r, v, _ = orbits.teme(obj, t_ns)
    h = np.cross(r, v)
    h /= np.linalg.norm(h, axis=-1, keepdims=True)
    s = sun_position_km(np.broadcast_to(t_ns, r.shape[:-1]))
    s /= np.linalg.norm(s, axis=-1, keepdims=True)
    return np.degrees(np.arcsin(np.clip(np.einsum("...i,...i->...", h, s), -1.0, 1.0)))


def eclipses(orbits: Orbits, t0_ns: int, t1_ns: int, *, step_s: float = 30.0,
             tol_s: float = 0.1) -> list[EclipseInterval]:
    """Every shadow passage of every object between ``t0`` and ``t1``, ordered by object and time."""
    pen = shadow_events(orbits, t0_ns, t1_ns, "penumbra", step_s=step_s, tol_s=tol_s)
    umb = shadow_events(orbits, t0_ns, t1_ns, "umbra", step_s=step_s, tol_s=tol_s)
    out: list[EclipseInterval] = []
    for obj in range(len(orbits)):
        p = pen.select(pen.obj == obj)
        u = umb.select(umb.obj == obj)
        # an interval opens at an entry (kind -1) and closes at the next exit (+1)
        bounds = []
        entry = None
        first = True
        for t, kind in zip(p.t_ns.tolist(), p.kind.tolist()):
            if kind < 0:
                entry = t
            else:
                if entry is not None or first:
                    bounds.append((entry, t))
                entry = None
            first = False
        if entry is not None:
            bounds.append((entry, None))
        for start, stop in bounds:
            lo = start if start is not None else t0_ns
            hi = stop if stop is not None else t1_ns
            inside = (u.t_ns >= lo) & (u.t_ns <= hi)
            u_in, u_out = u.t_ns[inside & (u.kind < 0)], u.t_ns[inside & (u.kind > 0)]
            mid = (lo + hi) // 2
            beta = float(beta_angle_deg(orbits, [obj], np.array([[mid]], dtype=np.int64))[0, 0])
            out.append(EclipseInterval(
                int(orbits.norad_ids[obj]), str(orbits.names[obj]), start,
                int(u_in[0]) if len(u_in) else None, int(u_out[-1]) if len(u_out) else None, stop, beta))
    return out
