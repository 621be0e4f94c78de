"""Rendezvous phasing: phase angle, catch-up rate, and named profiles chosen by phase angle.

A profile is data (scenario files state it): how many revolutions the
chaser flies from insertion to docking, and which phase angles it accepts.
Its duration follows from the orbits: the revolutions at the mean of the
insertion-orbit and target periods, plus the stated docking time. When a
profile leaves its phase range out, the range follows from the catch-up
rate between the insertion orbit and the target over those revolutions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from ..constants import WGS72_MU_KM3_S2, WGS72_RADIUS_KM

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
    """A rendezvous profile: ``revolutions`` from insertion to docking and the phase angles it accepts.

    ``phase_min_deg``/``phase_max_deg`` bound the target's lead at insertion;
    ``None`` derives them from the catch-up rate (see :meth:`phase_range`).
    ``docking_s`` is the final approach after the last revolution.
    """

    name: str
    revolutions: float
    phase_min_deg: float | None = None
    phase_max_deg: float | None = None
    docking_s: float = 0.0

    def phase_range(self, insertion_alt_km: float, target_alt_km: float) -> tuple[float, float]:
        """Accepted phase angles (degrees): stated, or 0 up to the most the chaser can catch up
        over its revolutions while it stays in the insertion orbit."""
        lo = 0.0 if self.phase_min_deg is None else self.phase_min_deg
        if self.phase_max_deg is not None:
            return lo, self.phase_max_deg
        most = self.revolutions * catch_up_deg_per_rev(insertion_alt_km, target_alt_km)
        return lo, min(360.0, max(lo, most))

    def accepts(self, phase_deg, insertion_alt_km: float, target_alt_km: float):
        """Whether the profile accepts ``phase_deg`` (a number or an array: elementwise)."""
        lo, hi = self.phase_range(insertion_alt_km, target_alt_km)
        return np.logical_or(hi - lo >= 360.0, np.mod(np.asarray(phase_deg) - lo, 360.0) <= hi - lo)

    def duration_s(self, insertion_alt_km: float, target_period_s: float) -> float:
        """Insertion to docking (seconds): revolutions at the mean of insertion and target periods."""
        return self.revolutions * 0.5 * (circular_period_s(insertion_alt_km) + target_period_s) + self.docking_s


def choose_profile(profiles: Iterable[RendezvousProfile], phase_deg: float, insertion_alt_km: float,
                   target_alt_km: float, target_period_s: float) -> tuple[RendezvousProfile | None, float | None]:
    """The fastest profile that accepts ``phase_deg``, and its duration (s); ``(None, None)`` if none does."""
    best, best_s = None, None
    for prof in profiles:
        if prof.accepts(phase_deg, insertion_alt_km, target_alt_km):
            d = prof.duration_s(insertion_alt_km, target_period_s)
            if best_s is None or d < best_s:
                best, best_s = prof, d
    return best, best_s
