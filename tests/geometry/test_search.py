"""The generic event search: invariants on functions with known answers."""

from __future__ import annotations

import numpy as np

from orbops.geometry.search import find_crossings, find_extrema, refine_roots

T0 = 1_700_000_000 * 10**9
DAY = 86_400 * 10**9
PERIODS = np.array([5400.0, 6000.0, 43200.0])  # seconds
PHASES = np.array([0.3, 2.0, -1.0])


def wave(obj, t_ns):
    t = (np.asarray(t_ns) - T0) / 1e9
    return np.sin(2 * np.pi * t / PERIODS[obj][:, None] + PHASES[obj][:, None])


def test_every_crossing_found_and_really_a_sign_change():
    ev = find_crossings(wave, 3, T0, T0 + DAY, 60.0, tol_s=0.1)
    for k, period in enumerate(PERIODS):
        expected = int(np.floor((2 * np.pi * 86400 / period + PHASES[k]) / np.pi) - np.floor(PHASES[k] / np.pi))
        assert (ev.obj == k).sum() == expected
    before = wave(ev.obj, (ev.t_ns - 50_000_000)[:, None])[:, 0]
    after = wave(ev.obj, (ev.t_ns + 50_000_000)[:, None])[:, 0]
    assert np.all(np.sign(before) != np.sign(after))
    assert np.all(np.sign(after) == ev.kind)


def test_extrema_within_tolerance():
    ev = find_extrema(wave, 3, T0, T0 + DAY, 60.0, tol_s=0.1)
    t = (ev.t_ns - T0) / 1e9
    phase = 2 * np.pi * t / PERIODS[ev.obj] + PHASES[ev.obj]
    # maxima of sin: phase = pi/2 mod 2pi; 0.1 s in time
    err_s = np.abs(((phase - np.pi / 2 + np.pi) % (2 * np.pi)) - np.pi) * PERIODS[ev.obj] / (2 * np.pi)
    assert np.all(err_s < 0.1)
    assert np.allclose(ev.value, 1.0, atol=1e-9)


def test_nan_samples_never_bracket():
    def holey(obj, t_ns):
        v = wave(obj, t_ns)
        return np.where(((np.asarray(t_ns) - T0) // (3600 * 10**9)) % 2 == 1, np.nan, v)
    ev = find_crossings(holey, 3, T0, T0 + DAY, 60.0)
    hour = ((ev.t_ns - T0) // (3600 * 10**9)) % 2
    assert np.all(hour == 0)


def test_refine_roots_handles_both_directions_and_tiny_brackets():
    obj = np.array([0, 0, 1])
    lo = np.array([T0, T0 + 10**9, T0])
    hi = lo + np.array([600, 1, 1800]) * 10**9
    root = np.array([T0 + 200 * 10**9, T0 + 200 * 10**9])
    slope = np.array([1.0, -1.0])

    def f(o, t):
        return (np.asarray(t) - root[o][:, None]) / 1e9 * slope[o][:, None]
    # rows 0 and 2: a root 200 s in; row 1 is a 1-s bracket that stays inside itself
    out = refine_roots(f, obj, lo, hi, f(obj, lo[:, None])[:, 0], f(obj, hi[:, None])[:, 0], tol_s=0.1)
    assert abs(out[0] - (lo[0] + 200 * 10**9)) <= 50_000_000
    assert abs(out[2] - (lo[2] + 200 * 10**9)) <= 50_000_000
    assert lo[1] <= out[1] <= hi[1]
