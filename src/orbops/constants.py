"""Physical constants, with the source of each value.

SGP4 uses the WGS-72 gravity model exactly as the reference implementation
does (Vallado, Crawford, Hujsak & Kelso 2006, "Revisiting Spacetrack Report
#3", AIAA 2006-6753, table of "wgs72" constants). Geodesy (latitude,
longitude, altitude) uses the WGS-84 ellipsoid (NIMA TR8350.2).
"""

from __future__ import annotations

import math

# --- WGS-72, as used by SGP4 (AIAA 2006-6753) -------------------------------
WGS72_MU_KM3_S2 = 398600.8
"""Earth gravitational parameter (km^3/s^2)."""
WGS72_RADIUS_KM = 6378.135
"""Equatorial radius (km); SGP4's distance unit is one Earth radius."""
WGS72_J2 = 0.001082616
WGS72_J3 = -0.00000253881
WGS72_J4 = -0.00000165597
WGS72_XKE = 60.0 / math.sqrt(WGS72_RADIUS_KM**3 / WGS72_MU_KM3_S2)
"""sqrt(mu) in Earth radii^1.5 per minute."""
WGS72_TUMIN = 1.0 / WGS72_XKE
"""Minutes per SGP4 time unit."""

# --- WGS-84 ellipsoid (NIMA TR8350.2) ----------------------------------------
WGS84_A_KM = 6378.137
"""Semi-major axis of the WGS-84 ellipsoid (km)."""
WGS84_F = 1.0 / 298.257223563
"""Flattening of the WGS-84 ellipsoid."""
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
"""First eccentricity squared."""
WGS84_MU_KM3_S2 = 398600.4418
"""Earth gravitational parameter (km^3/s^2), WGS-84 (EGM96)."""
WGS84_J2 = 0.00108262998905
"""Second zonal harmonic (EGM96, unnormalised)."""

# --- Earth rotation and time -------------------------------------------------
EARTH_ROTATION_RAD_S = 7.292115146706979e-5
"""Mean angular velocity of the Earth (rad/s), IERS conventions."""
SECONDS_PER_DAY = 86400.0
MINUTES_PER_DAY = 1440.0
JD_UNIX_EPOCH = 2440587.5
"""Julian date of 1970-01-01T00:00:00 UTC."""
JD_J2000 = 2451545.0
"""Julian date of J2000.0 (2000-01-01T12:00 TT)."""
TWO_PI = 2.0 * math.pi
DEG = math.pi / 180.0
"""Radians per degree."""
