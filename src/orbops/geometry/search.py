"""One vectorised event search for every geometry service.

A function of (object, time) is sampled on a time grid for all objects at
once; sign changes (crossings) or local extrema are bracketed from the
samples, and every bracket is refined together until it is narrower than the
tolerance: the Illinois variant of regula falsi for crossings, the same on
the central difference ``f(t + h) - f(t - h)`` for extrema. No Python loop
runs over objects or samples, only over refinement steps (a handful).

The function ``fn(objects, t_ns)`` receives object indices ``(k,)`` and int64
UTC nanoseconds ``(k, m)`` (or ``(1, m)``, common to all) and returns values
``(k, m)``. NaN values (e.g. a failed propagation) never form a bracket.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..timescales import to_ns

__all__ = ["Events", "time_grid", "find_crossings", "find_extrema", "refine_roots", "refine_extrema",
           "evaluate"]

Fn = Callable[[np.ndarray, np.ndarray], np.ndarray]
_MAX_STEPS = 60


@dataclass(frozen=True)
class Events:
    """Events as parallel arrays, sorted by object then time.

    ``obj`` object index, ``t_ns`` UTC instant (int64 ns), ``kind`` +1 for a
    rising crossing or a maximum, -1 for a falling crossing or a minimum,
    ``value`` the function there.
    """

    obj: np.ndarray
    t_ns: np.ndarray
    kind: np.ndarray
    value: np.ndarray

    def __len__(self) -> int:
        return len(self.obj)

    @property
    def times(self) -> np.ndarray:
        """Event instants as ``datetime64[ns]``."""
        return self.t_ns.astype("datetime64[ns]")

    def select(self, mask) -> "Events":
        return Events(self.obj[mask], self.t_ns[mask], self.kind[mask], self.value[mask])


def time_grid(t0_ns: int, t1_ns: int, step_s: float) -> np.ndarray:
    """int64 ns instants from ``t0`` to ``t1`` (both included, any UTC time type) at most ``step_s`` apart."""
    t0_ns, t1_ns = to_ns(t0_ns), to_ns(t1_ns)
    span = t1_ns - t0_ns
    if span <= 0:
        return np.array([t0_ns], dtype=np.int64)
    n = max(2, int(np.ceil(span / (step_s * 1e9))) + 1)
    return int(t0_ns) + np.round(np.linspace(0, span, n)).astype(np.int64)


def evaluate(fn: Fn, obj: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``fn`` at one time per object: ``obj`` (k,), ``t`` (k,) -> (k,)."""
    if len(obj) == 0:
        return np.zeros(0)
    return np.asarray(fn(obj, np.asarray(t, dtype=np.int64)[:, None]), dtype=float)[:, 0]


def refine_roots(fn: Fn, obj, lo, hi, f_lo, f_hi, tol_s: float = 0.1) -> np.ndarray:
    """Roots of ``fn`` in brackets ``[lo, hi]`` (int64 ns) where ``f_lo`` and ``f_hi`` differ in sign.

    All brackets at once. Each step evaluates, in one call, a pair of points
    ``tol_s`` apart around an estimate; when they straddle the root the row is
    done. The first estimate is regula falsi; later ones are Newton steps using
    the slope the pair measured, falling back to regula falsi when Newton
    leaves the bracket and to the midpoint when the bracket fails to halve
    twice running. Returns the midpoints of
    brackets at most ``tol_s`` wide: each within ``tol_s / 2`` of a sign change.
    """
    lo = np.asarray(lo, dtype=np.int64).copy()
    hi = np.asarray(hi, dtype=np.int64).copy()
    f_lo = np.asarray(f_lo, dtype=float).copy()
    f_hi = np.asarray(f_hi, dtype=float).copy()
    obj = np.asarray(obj, dtype=np.int64)
    tol_ns = max(4, int(tol_s * 1e9))
    half = tol_ns // 2
    guess = np.full(len(lo), -1, dtype=np.int64)  # Newton's next estimate, -1: none
    slow = np.zeros(len(lo), dtype=np.int8)  # consecutive steps that failed to halve the bracket
    for _ in range(_MAX_STEPS):
        open_ = hi - lo > tol_ns
        if not np.any(open_):
            break
        k = np.flatnonzero(open_)
        a, b, fa, fb = lo[k], hi[k], f_lo[k], f_hi[k]
        width = (b - a).astype(np.float64)
        frac = fa / (fa - fb)
        falsi = a + np.round(np.where(np.isfinite(frac), np.clip(frac, 0.0, 1.0), 0.5) * width).astype(np.int64)
        centre = np.where((guess[k] > a) & (guess[k] < b), guess[k], falsi)
        centre = np.clip(centre, a + half + 1, b - half - 1)
        pair = np.stack([centre - half, centre + half], axis=1)
        fp = np.asarray(fn(obj[k], pair), dtype=float)
        s_lo = np.sign(fa)
        in_first = (np.sign(fp[:, 0]) != s_lo) | ~np.isfinite(fp[:, 0])  # root in [a, p1]
        in_pair = ~in_first & (np.sign(fp[:, 1]) != s_lo)                  # root in [p1, p2]: done
        new_a = np.where(in_first, a, np.where(in_pair, pair[:, 0], pair[:, 1]))
        new_b = np.where(in_first, pair[:, 0], np.where(in_pair, pair[:, 1], b))
        new_fa = np.where(in_first, fa, np.where(in_pair, fp[:, 0], fp[:, 1]))
        new_fb = np.where(in_first, np.where(np.isfinite(fp[:, 0]), fp[:, 0], fb), np.where(in_pair, fp[:, 1], fb))
        # Newton from the pair's slope; the midpoint instead when the bracket did not halve
        slope = (fp[:, 1] - fp[:, 0]) / (2 * half)
        with np.errstate(all="ignore"):
            step = np.where(slope != 0, 0.5 * (fp[:, 0] + fp[:, 1]) / slope, np.nan)
        newton = np.where(np.isfinite(step), centre - np.round(np.nan_to_num(step)).astype(np.int64), -1)
        slow[k] = np.where((new_b - new_a) <= 0.5 * width, 0, slow[k] + 1)
        guess[k] = np.where(slow[k] < 2, newton, new_a + (new_b - new_a) // 2)
        lo[k], hi[k], f_lo[k], f_hi[k] = new_a, new_b, new_fa, new_fb
    return lo + (hi - lo) // 2


def find_crossings(fn: Fn, n_obj: int, t0_ns: int, t1_ns: int, step_s: float, *, tol_s: float = 0.1,
                   grid: tuple[np.ndarray, np.ndarray] | None = None) -> Events:
    """Every sign change of ``fn`` for objects ``0..n_obj-1`` between ``t0`` and ``t1``.

    Crossings closer together than ``step_s`` may be missed (sample finer to
    catch them). Each reported time lies within ``tol_s / 2`` of a sign change.
    ``grid`` may pass already computed ``(times (m,), values (n_obj, m))``.
    """
    times, values = grid if grid is not None else sample(fn, n_obj, t0_ns, t1_ns, step_s)
    finite = np.isfinite(values[:, :-1]) & np.isfinite(values[:, 1:])
    sign = np.sign(values)
    obj, i = np.nonzero(finite & (sign[:, :-1] != sign[:, 1:]) & (sign[:, :-1] != 0))
    t = refine_roots(fn, obj, times[i], times[i + 1], values[obj, i], values[obj, i + 1], tol_s)
    kind = np.where(values[obj, i] < 0, 1, -1).astype(np.int8)
    return Events(obj.astype(np.int64), t, kind, evaluate(fn, obj, t))


def refine_extrema(fn: Fn, obj, lo, hi, *, maxima: bool = True, tol_s: float = 0.1) -> np.ndarray:
    """Extremum times of ``fn`` in ``[lo, hi]`` (int64 ns), one per row, to within ``tol_s``.

    Roots of the central difference ``f(t + h) - f(t - h)`` (``h = tol_s / 2``)
    by :func:`refine_roots`; a bracket where the difference does not change
    sign falls back to its better end.
    """
    obj = np.asarray(obj, dtype=np.int64)
    h = max(1, int(tol_s * 0.5e9))
    sgn = 1.0 if maxima else -1.0

    def pairs(o, t):
        both = np.asarray(fn(o, np.concatenate([t - h, t + h], axis=1)), dtype=float)
        m = t.shape[1]
        return sgn * both[:, :m], sgn * both[:, m:]

    def slope(o, t):
        before, after = pairs(o, t)
        return after - before

    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    if len(obj) == 0:
        return lo.copy()
    before, after = pairs(obj, np.stack([lo, hi], axis=1))
    s = after - before
    level = before + after  # twice the value at each end
    t = np.where(level[:, 0] >= level[:, 1], lo, hi)
    ok = (s[:, 0] > 0) & (s[:, 1] < 0)
    if np.any(ok):
        t[ok] = refine_roots(slope, obj[ok], lo[ok], hi[ok], s[ok, 0], s[ok, 1], tol_s)
    return t


def find_extrema(fn: Fn, n_obj: int, t0_ns: int, t1_ns: int, step_s: float, *, tol_s: float = 0.1,
                 maxima: bool = True, grid: tuple[np.ndarray, np.ndarray] | None = None) -> Events:
    """Interior local maxima (or minima) of ``fn`` between ``t0`` and ``t1``.

    Extrema closer together than ``step_s`` may merge. Each is refined to
    within ``tol_s`` (see :func:`refine_extrema`).
    """
    times, values = grid if grid is not None else sample(fn, n_obj, t0_ns, t1_ns, step_s)
    v = values if maxima else -values
    inner = np.isfinite(v[:, :-2]) & np.isfinite(v[:, 1:-1]) & np.isfinite(v[:, 2:])
    obj, i = np.nonzero(inner & (v[:, 1:-1] > v[:, :-2]) & (v[:, 1:-1] >= v[:, 2:]))
    t = refine_extrema(fn, obj, times[i], times[i + 2], maxima=maxima, tol_s=tol_s)
    kind = np.full(len(obj), 1 if maxima else -1, dtype=np.int8)
    return Events(obj.astype(np.int64), t, kind, evaluate(fn, obj, t))


def sample(fn: Fn, n_obj: int, t0_ns: int, t1_ns: int, step_s: float) -> tuple[np.ndarray, np.ndarray]:
    """``(times (m,), values (n_obj, m))`` of ``fn`` on :func:`time_grid`."""
    times = time_grid(t0_ns, t1_ns, step_s)
    return times, np.asarray(fn(np.arange(n_obj), times[None, :]), dtype=float)
