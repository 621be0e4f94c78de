"""ElementSet: SGP4 mean elements, free of any file format."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from ..constants import (
    MINUTES_PER_DAY,
    TWO_PI,
    WGS72_J2,
    WGS72_RADIUS_KM,
    WGS72_XKE,
)
from ..timescales import NS_PER_DAY, to_datetime64

__all__ = ["ElementSet", "brouwer_mean_motion"]


@dataclass(frozen=True)
class ElementSet:
    """One set of SGP4 mean elements (Kozai mean motion, TEME of epoch).

    Angles are degrees, ``mean_motion_rev_day`` is revolutions per day.
    ``ndot`` and ``nddot`` are the TLE's first and second time derivatives of
    mean motion already divided by 2 and 6 (rev/day^2, rev/day^3); SGP4 does
    not use them. ``bstar`` is the drag term in 1/Earth radii. ``epoch`` is a
    UTC ``numpy.datetime64[ns]``. ``intl_designator`` is in COSPAR form
    (``1998-067A``) when the source had one. A set is good for days around
    its epoch, not months.
    """

    norad_id: int
    epoch: np.datetime64
    mean_motion_rev_day: float
    ecc: float
    inc_deg: float
    raan_deg: float
    argp_deg: float
    mean_anomaly_deg: float
    bstar: float = 0.0
    ndot: float = 0.0
    nddot: float = 0.0
    name: str = ""
    intl_designator: str = ""
    classification: str = "U"
    element_set_no: int = 999
    rev_at_epoch: int = 0
    ephemeris_type: int = 0
    source: str = field(default="", compare=False)
    """Where the set was read (``path:line`` or ``path: record N``)."""
    # The exact TLE lines this record was parsed from. Not an __init__
    # argument, so dataclasses.replace() drops it: a changed record is always
    # written from its values.
    tle_lines: tuple[str, str] | None = field(default=None, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "epoch", np.datetime64(self.epoch, "ns"))

    def replace(self, **changes) -> "ElementSet":
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    # --- derived quantities ---------------------------------------------------
    @property
    def period_min(self) -> float:
        """Orbital period from the Brouwer mean motion (minutes)."""
        n_rad_min, _ = brouwer_mean_motion(self.mean_motion_rev_day, self.ecc, self.inc_deg)
        return float(TWO_PI / n_rad_min)

    @property
    def perigee_alt_km(self) -> float:
        """Mean perigee height above the WGS-72 equatorial radius (km)."""
        _, a_er = brouwer_mean_motion(self.mean_motion_rev_day, self.ecc, self.inc_deg)
        return float((a_er * (1.0 - self.ecc) - 1.0) * WGS72_RADIUS_KM)

    @property
    def apogee_alt_km(self) -> float:
        """Mean apogee height above the WGS-72 equatorial radius (km)."""
        _, a_er = brouwer_mean_motion(self.mean_motion_rev_day, self.ecc, self.inc_deg)
        return float((a_er * (1.0 + self.ecc) - 1.0) * WGS72_RADIUS_KM)

    @property
    def is_deep_space(self) -> bool:
        """True when SGP4 switches to SDP4 (period of 225 minutes or more)."""
        return self.period_min >= 225.0

    def age_days(self, when) -> float:
        """Days from the epoch to ``when`` (UTC; negative before the epoch)."""
        dt = to_datetime64(when).astype(np.int64) - self.epoch.astype(np.int64)
        return float(dt / NS_PER_DAY)

    def __str__(self) -> str:
        label = self.name or f"NORAD {self.norad_id}"
        return f"{label} ({self.norad_id}) epoch {np.datetime_as_string(self.epoch, unit='s')}Z"


def brouwer_mean_motion(mean_motion_rev_day, ecc, inc_deg):
    """Recover SGP4's Brouwer mean motion and semi-major axis from Kozai's.

    Returns ``(n_rad_min, a_earth_radii)``; works on scalars or arrays.
    Spacetrack Report #3 (Hoots & Roehrich 1980), SGP4 initialisation.
    """
    n0 = np.asarray(mean_motion_rev_day, dtype=float) * TWO_PI / MINUTES_PER_DAY
    e = np.asarray(ecc, dtype=float)
    cosi = np.cos(np.radians(np.asarray(inc_deg, dtype=float)))
    k2 = 0.5 * WGS72_J2
    beta3 = (1.0 - e * e) ** 1.5
    a1 = (WGS72_XKE / n0) ** (2.0 / 3.0)
    d1 = 1.5 * k2 * (3.0 * cosi * cosi - 1.0) / (a1 * a1 * beta3)
    a0 = a1 * (1.0 - d1 / 3.0 - d1 * d1 - 134.0 / 81.0 * d1**3)
    d0 = 1.5 * k2 * (3.0 * cosi * cosi - 1.0) / (a0 * a0 * beta3)
    n = n0 / (1.0 + d0)
    a = a0 / (1.0 - d0)
    if n.ndim == 0:
        return float(n), float(a)
    return n, a
