"""Rendezvous phasing: phase angle, catch-up rate, and named profiles chosen by phase angle.

A profile is data (the vehicle catalogue ``data/vehicles.toml`` and
scenario files state it): how many revolutions the chaser flies from
insertion to docking, which phase angles it accepts, which vehicles flew it
and when. Its duration follows from the orbits: the phase angle at
insertion and the periods of the target and of the chaser's phasing orbit
(see :class:`RendezvousProfile`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from ..constants import WGS72_MU_KM3_S2, WGS72_RADIUS_KM
from ..errors import OrbopsError

__all__ = [
    "RendezvousProfile",
    "circular_period_s",
    "catch_up_deg_per_rev",
    "phase_angle_deg",
    "argument_of_latitude_deg",
    "choose_profile",
]


def circular_period_s(alt_km: float) -> float:
    """Period of a circular orbit at ``alt_km`` above the equatorial radius (seconds)."""
    a = WGS72_RADIUS_KM + alt_km
    return 2.0 * math.pi * math.sqrt(a**3 / WGS72_MU_KM3_S2)


def catch_up_deg_per_rev(chaser_alt_km: float, target_alt_km: float) -> float:
    """Phase the chaser gains on the target per chaser revolution (degrees; positive when lower)."""
    return 360.0 * (1.0 - circular_period_s(chaser_alt_km) / circular_period_s(target_alt_km))


def argument_of_latitude_deg(r, h_unit) -> np.ndarray:
    """Angle from the ascending node of the plane with unit normal ``h_unit`` to ``r`` (degrees, [0, 360))."""
    r = np.asarray(r, dtype=float)
    h = np.asarray(h_unit, dtype=float)
    node = np.cross(np.array([0.0, 0.0, 1.0]), h)
    node = node / np.linalg.norm(node, axis=-1, keepdims=True)
    y = np.cross(h, node)
    u = np.degrees(np.arctan2(np.einsum("...i,...i->...", r, y), np.einsum("...i,...i->...", r, node)))
    return np.mod(u, 360.0)


def phase_angle_deg(r_chaser, r_target, h_target_unit) -> np.ndarray:
    """How far the target leads the chaser along the target's orbit (degrees, [0, 360))."""
    return np.mod(argument_of_latitude_deg(r_target, h_target_unit)
                  - argument_of_latitude_deg(r_chaser, h_target_unit), 360.0)


@dataclass(frozen=True)
class RendezvousProfile:
    """A rendezvous profile: how the chaser absorbs the phase angle on its way from insertion to docking.

    Two kinds, by what is fixed:

    * **fixed revolutions** (``phasing_alt_km`` is None; Soyuz, Progress,
      Shenzhou): the chaser docks after ``revolutions`` of its own revolutions
      from insertion, whatever the phase; the phase sets its mean phasing
      orbit. While it flies ``n`` revolutions and gains ``phase`` on the
      target, the target flies ``n - phase/360`` of its own, so insertion to
      docking takes ``(n - phase/360) P_target + docking_s``. The phases it can
      absorb run from 0 (phasing at the target's height) to what the
      insertion orbit gains over ``n`` revolutions (:meth:`phase_range`),
      unless stated.
    * **chase** (``phasing_alt_km`` given; Crew Dragon, Starliner): the chaser
      flies at least ``revolutions`` (checkout, approach) and as many more as
      it needs to make up the phase at the catch-up rate of its phasing orbit
      against the target, ``c = 360 (1 - P_phasing / P_target)`` degrees per
      revolution: ``n = revolutions + phase / c``. Any phase is accepted.

    ``lead_s``: launch time relative to the in-plane instant for this profile
    (None: the vehicle's ascent default). ``vehicles``/``flown_from``/
    ``flown_until``: which vehicle models flew it and when (empty: any
    vehicle, any date); :meth:`available` tells.
    """

    name: str
    revolutions: float
    phase_min_deg: float | None = None
    phase_max_deg: float | None = None
    docking_s: float = 0.0
    lead_s: float | None = None
    phasing_alt_km: float | None = None
    vehicles: tuple[str, ...] = ()
    flown_from: np.datetime64 | None = None
    flown_until: np.datetime64 | None = None
    source: str = ""

    @property
    def chase(self) -> bool:
        return self.phasing_alt_km is not None

    def available(self, vehicle: str | None = None, when=None):
        """Whether ``vehicle`` (a vehicle model id; None: any) flies this profile at ``when`` (UTC:
        ``datetime64``, int ns or an array of them; None: at any date)."""
        if vehicle is not None and self.vehicles and vehicle not in self.vehicles:
            return np.zeros(np.shape(when), dtype=bool)[()] if when is not None else False
        if when is None:
            return True
        t = np.asarray(when)
        t = t.astype(np.int64) if t.dtype.kind in "iu" else t.astype("datetime64[ns]").astype(np.int64)
        ok = np.ones(t.shape, dtype=bool)
        if self.flown_from is not None:
            ok &= t >= np.datetime64(self.flown_from, "ns").astype(np.int64)
        if self.flown_until is not None:
            ok &= t <= np.datetime64(self.flown_until, "ns").astype(np.int64)
        return ok[()]

    def phase_range(self, insertion_alt_km: float, target_alt_km: float) -> tuple[float, float]:
        """Accepted phase angles (degrees): stated, or 0 up to the most the chaser can catch up
        over its revolutions while it stays in the insertion orbit (a chase accepts any)."""
        lo = 0.0 if self.phase_min_deg is None else self.phase_min_deg
        if self.phase_max_deg is not None:
            return lo, self.phase_max_deg
        if self.chase:
            return lo, 360.0
        most = self.revolutions * catch_up_deg_per_rev(insertion_alt_km, target_alt_km)
        return lo, min(360.0, max(lo, most))

    def accepts(self, phase_deg, insertion_alt_km: float, target_alt_km: float):
        """Whether the profile accepts ``phase_deg`` (a number or an array: elementwise)."""
        lo, hi = self.phase_range(insertion_alt_km, target_alt_km)
        return np.logical_or(hi - lo >= 360.0, np.mod(np.asarray(phase_deg) - lo, 360.0) <= hi - lo)

    def chaser_revolutions(self, phase_deg, target_period_s):
        """Revolutions the chaser flies from insertion to docking (numbers or arrays, broadcast)."""
        if not self.chase:
            return np.broadcast_to(np.float64(self.revolutions), np.shape(phase_deg))[()]
        rate = 360.0 * (1.0 - circular_period_s(self.phasing_alt_km) / np.asarray(target_period_s, dtype=float))
        if np.any(rate <= 0.0):
            raise OrbopsError(f"profile {self.name}: a phasing orbit at {self.phasing_alt_km:g} km does not catch up "
                              "with the target")
        return self.revolutions + np.mod(np.asarray(phase_deg, dtype=float), 360.0) / rate

    def duration_s(self, phase_deg, target_period_s):
        """Insertion to docking (seconds) for a target ``phase_deg`` ahead (a number or an array):
        the target's own revolutions over that time, ``n - phase/360``, at its period, plus the docking."""
        n = self.chaser_revolutions(phase_deg, target_period_s)
        return (n - np.mod(np.asarray(phase_deg, dtype=float), 360.0) / 360.0) * target_period_s + self.docking_s


def choose_profile(profiles: Iterable[RendezvousProfile], phase_deg: float, insertion_alt_km: float,
                   target_alt_km: float, target_period_s: float, *, vehicle: str | None = None,
                   when=None) -> tuple[RendezvousProfile | None, float | None]:
    """The fastest profile available to ``vehicle`` at ``when`` that accepts ``phase_deg``, and its
    insertion-to-docking duration (s); ``(None, None)`` if none does. The one phase stands for every
    profile (no per-profile lead): launch windows choose with :func:`orbops.geometry.launch.assess`,
    which puts each profile at its own launch time."""
    best, best_s = None, None
    for prof in profiles:
        if prof.available(vehicle, when) and prof.accepts(phase_deg, insertion_alt_km, target_alt_km):
            d = float(prof.duration_s(phase_deg, target_period_s))
            if best_s is None or d < best_s:
                best, best_s = prof, d
    return best, best_s
