"""Floor 3a: Earth frames. TEME -> ITRS, geodetic (WGS-84), topocentric.

TEME (the frame of SGP4 output) turns into the Earth-fixed frame by the
Greenwich mean sidereal time of IAU 1982 evaluated on UT1 (Vallado et al.
2006, AIAA 2006-6753, section on TEME). UT1-UTC comes from skyfield's
built-in IERS tables (offline). Polar motion is not applied: no offline table
of it ships with the dependencies, and it moves points on the ground by at
most ~15 m; skyfield's ITRS without a polar-motion table is the same frame.
Every function is vectorised: positions ``(..., 3)``, times broadcast against
the leading axes (``(n_time,)`` against ``(n_sat, n_time, 3)``).
"""

from .earth import (
    FRAMES,
    Site,
    ecef_to_geodetic,
    express,
    geodetic_to_ecef,
    gmst82_rad,
    itrs_to_teme,
    teme_to_itrs,
    teme_to_itrs_matrix,
    topocentric,
    ut1_minus_utc_s,
)

__all__ = [
    "FRAMES",
    "Site",
    "express",
    "ecef_to_geodetic",
    "geodetic_to_ecef",
    "gmst82_rad",
    "itrs_to_teme",
    "teme_to_itrs",
    "teme_to_itrs_matrix",
    "topocentric",
    "ut1_minus_utc_s",
]
