"""Vallado's SGP4 verification run (SGP4-VER.TLE / tcppver.out, read from the installed sgp4 package).

Every backend must reproduce every listed state to 1 cm and 1e-6 km/s, and the
error codes of the cases that fail on purpose.
"""

from __future__ import annotations

import numpy as np
import pytest

from orbops.propagation import available_backends, propagate

from .vallado import load_cases, minutes_to_times

CASES = load_cases()
BACKENDS = available_backends()
ONE_CM_KM = 1e-5
VEL_TOL_KM_S = 1e-6

# The cases that fail on purpose and the codes the reference gives them (cross-checked below
# against the sgp4 library on the driver's whole time grid).
EXPECTED_FAILURES = {
    22312: {1},       # mean eccentricity leaves [0, 1) as drag decays the orbit
    28350: {1},
    28872: {6},       # decays (radius below one Earth radius)
    29141: {6},
    33333: {4},       # semi-latus rectum below zero
    33334: {1, 3},    # hand-edited mean motion of 1e-5 rev/day: fails from the start
    20413: {6},       # second 20413 case, far in the future
}


def test_all_cases_read():
    assert len(CASES) == 33
    assert sum(len(c.tsince) for c in CASES) > 600


@pytest.mark.parametrize("backend", BACKENDS)
def test_listed_states_within_1_cm(backend):
    worst_r = worst_v = 0.0
    for case in CASES:
        rows = np.array(case.tsince)
        if case.norad == 33334:
            # its only row repeats the previous case's last state: the reference driver
            # prints stale values when initialisation fails (our code says why: 1 and 3)
            continue
        states = propagate(case.element_set, minutes_to_times(case.element_set, rows), backend=backend)
        assert np.all(states.codes == 0), (case.norad, states.codes)
        dr = np.abs(states.r_km[0] - np.array(case.r_km)).max()
        dv = np.abs(states.v_km_s[0] - np.array(case.v_km_s)).max()
        assert dr < ONE_CM_KM, (case.norad, dr)
        assert dv < VEL_TOL_KM_S, (case.norad, dv)
        worst_r, worst_v = max(worst_r, dr), max(worst_v, dv)
    # the file prints 8 decimals of km: agreement is at that rounding except for 23333
    assert worst_r < 5e-6 and worst_v < 1e-8


@pytest.mark.parametrize("backend", BACKENDS)
def test_error_codes_match_the_reference_on_the_whole_grid(backend):
    seen = {}
    for case in CASES:
        times = minutes_to_times(case.element_set, case.grid())
        ours = propagate(case.element_set, times, backend=backend)
        ref = propagate(case.element_set, times, backend="sgp4")
        assert np.array_equal(ours.codes, ref.codes), case.norad
        failed = set(np.unique(ours.codes[ours.codes != 0]).tolist())
        if failed:
            seen.setdefault(case.norad, set()).update(failed)
        ok = ours.codes == 0
        assert np.all(np.isnan(ours.r_km[~ok])) and np.all(np.isfinite(ours.r_km[ok]))
        if ok.any():
            assert np.abs(ours.r_km[ok] - ref.r_km[ok]).max() < ONE_CM_KM, case.norad
    assert seen == EXPECTED_FAILURES


def test_failures_are_reported_per_object():
    case = next(c for c in CASES if c.norad == 28872)
    states = propagate(case.element_set, minutes_to_times(case.element_set, case.grid()), backend="numpy")
    (entry,) = states.errors()
    assert entry["norad_id"] == 28872 and entry["code"] == 6 and "decayed" in entry["message"]
    assert entry["count"] == int((states.codes == 6).sum())
