"""The sgp4 library as the reference for invalid and degenerate inputs: its Satrec called directly."""

from __future__ import annotations

import numpy as np

from orbops.elements import ElementSet


def library(es: ElementSet, times: np.ndarray):
    """``(codes, r, v)`` of the sgp4 library's own Satrec for ``es`` at ``times`` (NaT rows left as returned)."""
    from sgp4.api import WGS72, Satrec

    epoch_ns = int(es.epoch.astype(np.int64))
    sat = Satrec()
    with np.errstate(all="ignore"):
        sat.sgp4init(WGS72, "i", es.norad_id, epoch_ns / 86_400e9 + 2440587.5 - 2433281.5, es.bstar, es.ndot,
                     es.nddot, es.ecc, np.radians(es.argp_deg), np.radians(es.inc_deg),
                     np.radians(es.mean_anomaly_deg), es.mean_motion_rev_day * 2 * np.pi / 1440.0,
                     np.radians(es.raan_deg))
    days, frac = divmod(epoch_ns, 86_400 * 10**9)
    sat.jdsatepoch, sat.jdsatepochF = days + 2440587.5, frac / 86_400e9
    ns = np.asarray(times, dtype="datetime64[ns]").astype(np.int64)
    d, f = np.divmod(ns, 86_400 * 10**9)
    e, r, v = sat.sgp4_array(d + 2440587.5, f / 86_400e9)
    return e, r, v


FIELDS = ("mean_motion_rev_day", "ecc", "inc_deg", "raan_deg", "argp_deg", "mean_anomaly_deg", "bstar")
N_NUDGES = 24


def reference(es: ElementSet, times: np.ndarray):
    """``(codes, defined)`` of the sgp4 library: ``defined`` where it gives an answer (a real time, a non-zero
    code or a finite state) and the same code for every one of ``N_NUDGES`` copies of the inputs nudged
    by up to 64 ulp (each element) and 1 us (the time).

    Near-parabolic and sub-surface orbits, and angles near the limit of
    precision, drift by 1e7 rad and more: there the library's code changes with
    the last bits of its inputs (0 or 4 at the epoch itself for e = 1 - 1e-10),
    and is not an answer any other implementation could match.
    """
    ns = np.asarray(times, dtype="datetime64[ns]")
    nat = np.isnat(ns)
    ns = np.where(nat, es.epoch, ns)  # no answer at NaT (the library would integrate resonances to 1e17 min)
    codes, r, v = library(es, ns)
    defined = ~nat & ((codes != 0) | (np.isfinite(r).all(-1) & np.isfinite(v).all(-1)))
    rng = np.random.default_rng(12)
    for _ in range(N_NUDGES):
        nudged = es.replace(**{f: getattr(es, f) * (1.0 + rng.integers(-64, 65) * 2.0**-52) for f in FIELDS})
        again, _, _ = library(nudged, ns + rng.integers(-1000, 1001, ns.shape).astype("timedelta64[ns]"))
        defined &= again == codes
    return codes, defined


def assert_code_zero_iff_finite(states):
    """Every sample is (code 0, finite r and v) or (code != 0, NaN r and v)."""
    finite = np.isfinite(states.r_km).all(-1) & np.isfinite(states.v_km_s).all(-1)
    nan = np.isnan(states.r_km).all(-1) & np.isnan(states.v_km_s).all(-1)
    ok = states.codes == 0
    assert np.all(ok == finite), (states.codes, finite)
    assert np.all(nan[~ok])
