"""Garbage is never marked good: invalid times and elements give a non-zero code and NaN, in every backend.

The reference is the sgp4 library itself (see ``sgp4_reference``), not
orbops' sgp4 backend.
"""

from __future__ import annotations

import numpy as np
import pytest

from orbops.elements import Catalog, ElementSet
from orbops.propagation import SGP4_ERRORS, available_backends, propagate
from orbops.propagation.initialize import ANGLE_LIMIT_DEG
from orbops.propagation.states import INVALID_ELEMENTS, INVALID_TIME

from .sgp4_reference import assert_code_zero_iff_finite, library, reference

BACKENDS = available_backends()
EPOCH = np.datetime64("2020-01-01T00:00", "ns")
ISS_LIKE = dict(norad_id=1, epoch=EPOCH, mean_motion_rev_day=15.5, ecc=0.001, inc_deg=51.6, raan_deg=10.0,
                argp_deg=20.0, mean_anomaly_deg=30.0, bstar=1e-4)
NAT = np.datetime64("NaT", "ns")


def elements(**changes) -> ElementSet:
    return ElementSet(**{**ISS_LIKE, **changes})


def minutes(*values) -> np.ndarray:
    return EPOCH + np.round(np.array(values, dtype=float) * 60e9).astype("timedelta64[ns]")


def test_new_codes_are_documented():
    assert SGP4_ERRORS[INVALID_ELEMENTS].startswith("invalid elements")
    assert SGP4_ERRORS[INVALID_TIME].startswith("invalid time")
    assert INVALID_ELEMENTS > 6 and INVALID_TIME > 6 and INVALID_ELEMENTS != INVALID_TIME


# --- 1. NaT times ----------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_nat_time_is_an_invalid_time(backend):
    deep = elements(norad_id=2, mean_motion_rev_day=1.0027, ecc=0.0003, inc_deg=0.05)  # resonant, SDP4
    good = minutes(-600.0, 60.0, 1440.0)
    times = good.copy()
    times[1] = NAT
    cat = [elements(), deep]
    states = propagate(cat, times, backend=backend)
    assert states.codes[:, 1].tolist() == [INVALID_TIME, INVALID_TIME]
    assert np.isnan(states.r_km[:, 1]).all() and np.isnan(states.v_km_s[:, 1]).all()
    assert_code_zero_iff_finite(states)
    clean = propagate(cat, good, backend=backend)  # the other samples do not change
    np.testing.assert_array_equal(states.r_km[:, [0, 2]], clean.r_km[:, [0, 2]])
    assert np.all(states.codes[:, [0, 2]] == 0)
    assert np.isnat(states.times[1])
    # per-satellite times, and a row of NaT only
    per_sat = np.stack([times, np.full(3, NAT)])
    states = propagate(cat, per_sat, backend=backend)
    assert states.codes.tolist() == [[0, INVALID_TIME, 0], [INVALID_TIME] * 3]
    np.testing.assert_array_equal(states.r_km[0, [0, 2]], clean.r_km[0, [0, 2]])
    assert_code_zero_iff_finite(states)
    (entry,) = [e for e in states.errors() if e["norad_id"] == 2]
    assert entry["code"] == INVALID_TIME and entry["message"] == SGP4_ERRORS[INVALID_TIME]


# --- 2. elements that cannot be propagated ---------------------------------------------------------

NON_FINITE = [  # and angles beyond ANGLE_LIMIT_DEG: invalid elements
    dict(mean_motion_rev_day=np.inf), dict(mean_motion_rev_day=np.nan), dict(ecc=np.nan), dict(inc_deg=np.nan),
    dict(raan_deg=np.nan), dict(argp_deg=np.inf), dict(mean_anomaly_deg=-np.inf), dict(bstar=np.inf),
    dict(bstar=np.nan), dict(mean_motion_rev_day=1.0027, inc_deg=np.nan), dict(epoch=NAT),
    dict(mean_anomaly_deg=1e20), dict(argp_deg=-1e308), dict(raan_deg=2 * ANGLE_LIMIT_DEG),
]
DEGENERATE = [  # finite, but SGP4 initialises them to NaN and the library returns code 0 with NaN
    dict(mean_motion_rev_day=1e308), dict(mean_motion_rev_day=1e300, ecc=0.5), dict(bstar=1e308),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("changes", NON_FINITE + DEGENERATE, ids=repr)
def test_elements_that_cannot_be_propagated_fail_at_every_time(backend, changes):
    times = minutes(-1440.0, 0.0, 60.0, 1440.0)
    states = propagate([elements(), elements(norad_id=2, **changes)], times, backend=backend)
    assert np.all(states.codes[0] == 0)
    assert np.all(states.codes[1] != 0), states.codes[1]
    if changes in NON_FINITE:
        assert np.all(states.codes[1] == INVALID_ELEMENTS)
    assert_code_zero_iff_finite(states)
    entries = states.errors()
    assert {e["norad_id"] for e in entries} == {2} and sum(e["count"] for e in entries) == len(times)


@pytest.mark.parametrize("backend", BACKENDS)
def test_initialisation_failures_take_the_library_code(backend):
    times = minutes(-1440.0, 0.0, 60.0, 1440.0)
    cases = {  # code 1: mean eccentricity outside [0, 1); 2: mean motion below zero
        1: [dict(ecc=1.5), dict(ecc=1e308), dict(ecc=-1e308), dict(ecc=1.0), dict(ecc=-1.0), dict(ecc=-0.5),
            dict(ecc=1.0 + 2.3e-16, mean_motion_rev_day=2.0)],
        2: [dict(mean_motion_rev_day=0.0), dict(mean_motion_rev_day=-0.0), dict(mean_motion_rev_day=-15.5),
            dict(mean_motion_rev_day=-1e308)],
    }
    for code, changes in cases.items():
        for change in changes:
            es = elements(**change)
            states = propagate(es, times, backend=backend)
            assert np.all(states.codes == code), (change, states.codes)
            assert_code_zero_iff_finite(states)
            lib_codes, lib_r, _ = library(es, times)
            defined = (lib_codes != 0) | np.isfinite(lib_r).all(-1)
            assert np.all(lib_codes[defined] == code), change  # where the library says anything, it agrees


# --- 3. eccentricities just under 1 ----------------------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_near_parabolic_orbits_match_the_library(backend):
    times = minutes(*np.linspace(-3 * 1440.0, 3 * 1440.0, 25))
    compared = {}
    for ecc in (0.9999999999, 1.0 - 2.0**-40, 0.9999999999999999, 0.999999):
        for n in (15.5, 6.0, 2.0, 1.0027, 0.3, 0.0015):
            for bstar in (0.0, 1e-3):
                es = elements(ecc=ecc, mean_motion_rev_day=n, bstar=bstar, inc_deg=63.4)
                ours = propagate(es, times, backend=backend)
                assert_code_zero_iff_finite(ours)
                lib_codes, defined = reference(es, times)
                np.testing.assert_array_equal(ours.codes[0][defined], lib_codes[defined],
                                              err_msg=f"ecc={ecc!r} n={n} bstar={bstar}")
                for code in lib_codes[defined].tolist():
                    compared[code] = compared.get(code, 0) + 1
    assert compared.get(1, 0) > 50 and compared.get(4, 0) > 50, compared  # eccentricity, semi-latus rectum


@pytest.mark.parametrize("backend", BACKENDS)
def test_large_angles(backend):
    """Angles up to ANGLE_LIMIT_DEG propagate as in the library; beyond, the set is invalid (the library
    gives code 0 there with the state of an angle that is only known to hundreds of radians)."""
    times = minutes(-1440.0, 60.0, 1440.0)
    for change in (dict(argp_deg=-ANGLE_LIMIT_DEG), dict(raan_deg=3e5), dict(mean_anomaly_deg=720.5),
                   dict(inc_deg=-400.0)):
        es = elements(**change)
        ours = propagate(Catalog([es]), times, backend=backend)
        lib_codes, lib_r, _ = library(es, times)
        np.testing.assert_array_equal(ours.codes[0], lib_codes, err_msg=repr(change))
        np.testing.assert_allclose(ours.r_km[0], lib_r, atol=1e-5)
    es = elements(mean_motion_rev_day=0.4, ecc=0.08, argp_deg=1e20)
    assert np.all(library(es, times)[0] == 0)
    assert np.all(propagate(es, times, backend=backend).codes == INVALID_ELEMENTS)
