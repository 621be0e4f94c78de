"""The compiled backend: the functions of :mod:`.kernel`, compiled by numba.

Nothing here restates the algorithm. The kernel's functions are rebuilt from
their own code objects with a namespace in which ``sin``, ``cos``, ``atan2``
and ``where`` are scalar and branch-free, then compiled; so both backends run
the same source. For the compiler to vectorise, trigonometry is a Cody-Waite
range reduction with a polynomial (no library call), and near-earth samples go
through three stages over blocks of a few hundred samples of one satellite
(everything before Kepler's equation; Newton steps until the whole block has
converged; short periodics and output). Deep-space samples take a scalar path.
Blocks of (satellite, time) run in parallel on all cores.
"""

from __future__ import annotations

import math
import types
from fractions import Fraction

import numba as nb
import numpy as np

from . import kernel
from .backends import Batch, Request
from .deepspace import resonance_tables

__all__ = ["NumbaBackend", "SCALAR_MATH", "compiled_kernel"]

# --- scalar, branch-free trigonometry --------------------------------------------------
# pi/2 split into three parts of 30 significant bits, so k * part is exact for |k| < 2**23
# (|x| below about 1.3e7 rad). Computed from 60 digits of pi, not copied from any library.
_PI = Fraction("3.14159265358979323846264338327950288419716939937510582097494459")


def _split(value: Fraction, bits: int) -> tuple[float, Fraction]:
    exponent = math.frexp(float(value))[1]
    scale = Fraction(2) ** (bits - exponent)
    head = Fraction(math.floor(value * scale)) / scale
    return float(head), value - head


_PIO2_1, _rest = _split(_PI / 2, 30)
_PIO2_2, _rest = _split(_rest, 30)
_PIO2_3 = float(_rest)
_TWO_OVER_PI = float(2 / _PI)
# Taylor coefficients (-1)^k / n!; on |r| <= pi/4 the first omitted terms are below 1e-19.
_S = tuple(float(Fraction((-1) ** k, math.factorial(2 * k + 1))) for k in range(1, 9))
_C = tuple(float(Fraction((-1) ** k, math.factorial(2 * k))) for k in range(1, 10))


_OPTIONS = {"error_model": "numpy", "fastmath": {"contract"}}
"""Compiler options: IEEE results for division by zero (NaN/inf, as numpy), fused multiply-add."""
_jit = nb.njit(**_OPTIONS)


_X_MAX = 1e15
"""Beyond this many radians an angle is not known to 0.1 rad; its sin and cos are taken as those of 0."""


@_jit
def _guard(x):
    """``x``, or 0 for a finite ``|x|`` beyond ``_X_MAX`` (whose reduction would give NaN); NaN and inf stay NaN."""
    return x if abs(x) <= _X_MAX else x * 0.0


@_jit
def _sincos(x):
    k = np.floor(x * _TWO_OVER_PI + 0.5)
    r = ((x - k * _PIO2_1) - k * _PIO2_2) - k * _PIO2_3
    q = k - 4.0 * np.floor(k * 0.25)  # quadrant 0..3
    r2 = r * r
    s = r + r * r2 * (_S[0] + r2 * (_S[1] + r2 * (_S[2] + r2 * (_S[3] + r2 * (
        _S[4] + r2 * (_S[5] + r2 * (_S[6] + r2 * _S[7])))))))
    c = 1.0 + r2 * (_C[0] + r2 * (_C[1] + r2 * (_C[2] + r2 * (_C[3] + r2 * (
        _C[4] + r2 * (_C[5] + r2 * (_C[6] + r2 * (_C[7] + r2 * _C[8]))))))))
    return s, c, q


@_jit
def fast_sin(x):
    """sin(x) without a library call (|x| < 1e7 rad, error about 1e-16; finite for any finite x)."""
    s, c, q = _sincos(_guard(x))
    v = c if (q == 1.0) | (q == 3.0) else s
    return -v if q >= 2.0 else v


@_jit
def fast_cos(x):
    """cos(x) without a library call (|x| < 1e7 rad, error about 1e-16; finite for any finite x)."""
    s, c, q = _sincos(_guard(x))
    v = s if (q == 1.0) | (q == 3.0) else c
    return -v if (q == 1.0) | (q == 2.0) else v


@_jit
def fast_sincos_small(x):
    """(sin(x), cos(x)) from one range reduction, for |x| below ``_X_MAX`` (NaN beyond)."""
    s, c, q = _sincos(x)
    odd = (q == 1.0) | (q == 3.0)
    sv = c if odd else s
    cv = s if odd else c
    return (-sv if q >= 2.0 else sv), (-cv if (q == 1.0) | (q == 2.0) else cv)


@_jit
def fast_sincos(x):
    """(sin(x), cos(x)) from one range reduction; finite for any finite x."""
    return fast_sincos_small(_guard(x))


# atan on |t| <= tan(pi/24) after moving the argument by k*pi/12 (k = 0..3).
_ATAN = tuple(float(Fraction((-1) ** k, 2 * k + 1)) for k in range(1, 11))
_EDGES = tuple(math.tan((2 * k + 1) * math.pi / 24) for k in range(3))
_TANS = tuple(math.tan(k * math.pi / 12) for k in range(1, 4))
_BASES = tuple(k * math.pi / 12 for k in range(1, 4))


@_jit
def fast_atan2(y, x):
    """atan2(y, x) without a library call (error a few 1e-16 rad)."""
    ax = abs(x)
    ay = abs(y)
    swap = ay > ax
    num = ax if swap else ay
    den = ay if swap else ax
    a = num / den if den > 0.0 else 0.0
    tk = _TANS[2] if a > _EDGES[2] else (_TANS[1] if a > _EDGES[1] else (_TANS[0] if a > _EDGES[0] else 0.0))
    base = _BASES[2] if a > _EDGES[2] else (_BASES[1] if a > _EDGES[1] else (_BASES[0] if a > _EDGES[0] else 0.0))
    t = (a - tk) / (1.0 + a * tk)
    t2 = t * t
    angle = base + t + t * t2 * (_ATAN[0] + t2 * (_ATAN[1] + t2 * (_ATAN[2] + t2 * (_ATAN[3] + t2 * (
        _ATAN[4] + t2 * (_ATAN[5] + t2 * (_ATAN[6] + t2 * (_ATAN[7] + t2 * (_ATAN[8] + t2 * _ATAN[9])))))))))
    angle = 0.5 * math.pi - angle if swap else angle
    angle = math.pi - angle if x < 0.0 else angle
    return -angle if y < 0.0 else angle


@_jit
def scalar_where(condition, a, b):
    return a if condition else b


@_jit
def scalar_sqrt(x):
    return math.sqrt(x)


@_jit
def scalar_fabs(x):
    return abs(x)


SCALAR_MATH = {"sin": fast_sin, "cos": fast_cos, "sincos": fast_sincos, "sincos_small": fast_sincos_small,
               "atan2": fast_atan2, "where": scalar_where, "sqrt": scalar_sqrt, "fabs": scalar_fabs}
"""What the kernel's array math becomes in the compiled copy: scalar, branch-free, no library calls."""


def compiled_kernel(names: tuple[str, ...], inline_math: bool) -> types.SimpleNamespace:
    """The kernel functions ``names`` rebuilt over :data:`SCALAR_MATH` and compiled.

    The kernel functions are inlined into their callers so that a loop over
    samples is one straight-line body the compiler can vectorise;
    ``inline_math`` inlines the trigonometry too (fastest, slower to compile).
    """
    namespace = dict(vars(kernel))
    if inline_math:
        namespace.update({k: nb.njit(inline="always", **_OPTIONS)(f.py_func) for k, f in SCALAR_MATH.items()})
    else:
        namespace.update(SCALAR_MATH)
    out = {}
    for name in names:
        source = getattr(kernel, name)
        clone = types.FunctionType(source.__code__, namespace, name, source.__defaults__, source.__closure__)
        clone.__module__ = __name__
        namespace[name] = out[name] = nb.njit(inline="always", **_OPTIONS)(clone)
    return types.SimpleNamespace(**out)


_NEAR = compiled_kernel(kernel.NEAR_EARTH_FUNCTIONS, inline_math=True)
_DEEP = compiled_kernel(kernel.DEEP_SPACE_FUNCTIONS, inline_math=False)
_near_earth_state = _NEAR.near_earth_state
_kepler_step = _NEAR.kepler_step
_short_period = _NEAR.short_period
_deep_space_state = _DEEP.deep_space_state
_resonance_step_index = _DEEP.resonance_step_index
_resonance_table = _DEEP.resonance_table
_deep_kepler_step = _DEEP.kepler_step
_deep_short_period = _DEEP.short_period
_TOL = kernel.KEPLER_TOL
_MAX_ITER = kernel.KEPLER_MAX_ITER
_NS_PER_MIN = 60e9


@nb.njit(parallel=True, cache=True, **_OPTIONS)
def _near_earth(P, epoch_ns, rows, sets, t_ns, t_rows, r, v, codes, block):
    """Output ``rows`` (near-earth sets ``sets[row]`` at times ``t_ns[t_rows[row]]``), in parallel
    over blocks of ``block`` times of one row.

    Three stages per block, each a loop the compiler vectorises: everything up
    to Kepler's equation; Newton steps until the whole block has converged;
    short-period periodics and the output.
    """
    n_time = t_ns.shape[1]
    n_blocks = (n_time + block - 1) // block
    per_task = max(1, block // n_time)  # rows per task when each row has few times
    n_groups = (len(rows) + per_task - 1) // per_task
    for task in nb.prange(n_groups * n_blocks):
        group = task // n_blocks
        j0 = (task % n_blocks) * block
        m = min(block, n_time - j0)
        am = np.empty(m)
        nm = np.empty(m)
        axnl = np.empty(m)
        aynl = np.empty(m)
        u = np.empty(m)
        nodem = np.empty(m)
        code = np.empty(m)
        eo1 = np.empty(m)
        sineo1 = np.empty(m)
        coseo1 = np.empty(m)
        done = np.empty(m)
        for rr in range(group * per_task, min((group + 1) * per_task, len(rows))):
            out = rows[rr]
            s = sets[out]
            p = P[s]
            row = t_rows[out]
            ep = epoch_ns[s]
            for j in range(m):
                t = (t_ns[row, j0 + j] - ep) / _NS_PER_MIN
                am[j], nm[j], axnl[j], aynl[j], u[j], nodem[j], code[j] = _near_earth_state(p, t)
                eo1[j] = u[j]
                done[j] = 0.0
            for _ in range(_MAX_ITER):
                left = 0.0
                for j in range(m):
                    e_next, tem5, s_e, c_e = _kepler_step(u[j], eo1[j], axnl[j], aynl[j])
                    active = done[j] == 0.0
                    eo1[j] = e_next if active else eo1[j]
                    sineo1[j] = s_e if active else sineo1[j]
                    coseo1[j] = c_e if active else coseo1[j]
                    finished = 1.0 if (done[j] != 0.0) | (abs(tem5) < _TOL) else 0.0
                    done[j] = finished
                    left += 1.0 - finished
                if left == 0.0:
                    break
            for j in range(m):
                rx, ry, rz, vx, vy, vz, c2 = _short_period(
                    am[j], nm[j], axnl[j], aynl[j], sineo1[j], coseo1[j], nodem[j], p.inclo, p.sinio, p.cosio,
                    p.con41, p.x1mth2, p.x7thm1)
                c = code[j] if code[j] != 0.0 else c2
                r[out, j0 + j, 0] = rx
                r[out, j0 + j, 1] = ry
                r[out, j0 + j, 2] = rz
                v[out, j0 + j, 0] = vx
                v[out, j0 + j, 1] = vy
                v[out, j0 + j, 2] = vz
                codes[out, j0 + j] = np.uint8(c)


@nb.njit(parallel=True, cache=True, **_OPTIONS)
def _deep_space(P, epoch_ns, rows, sets, t_ns, t_rows, table_rows, tables, r, v, codes):
    """Output ``rows`` of deep-space sets, sample by sample, in parallel.

    ``table_rows[k]`` is the row of rows[k] in the resonance ``tables`` (-1: none).
    """
    n_time = t_ns.shape[1]
    for task in nb.prange(len(rows) * n_time):
        k = task // n_time
        j = task % n_time
        out = rows[k]
        s = sets[out]
        p = P[s]
        t = (t_ns[t_rows[out], j] - epoch_ns[s]) / _NS_PER_MIN
        side, step = _resonance_step_index(t)
        tr = table_rows[k]
        res = tables[max(tr, 0), int(side), int(step) if tr >= 0 else 0]
        (am, nm, axnl, aynl, u, nodep, xincp, sinip, cosip, con41, x1mth2, x7thm1,
         code) = _deep_space_state(p, t, res[0], res[1], res[2], res[3], res[4], res[5])
        eo1 = u
        sineo1 = 0.0
        coseo1 = 0.0
        for _ in range(_MAX_ITER):
            eo1, tem5, sineo1, coseo1 = _deep_kepler_step(u, eo1, axnl, aynl)
            if abs(tem5) < _TOL:
                break
        rx, ry, rz, vx, vy, vz, c2 = _deep_short_period(am, nm, axnl, aynl, sineo1, coseo1, nodep, xincp,
                                                        sinip, cosip, con41, x1mth2, x7thm1)
        c = code if code != 0.0 else c2
        r[out, j, 0] = rx
        r[out, j, 1] = ry
        r[out, j, 2] = rz
        v[out, j, 0] = vx
        v[out, j, 1] = vy
        v[out, j, 2] = vz
        codes[out, j] = np.uint8(c)


@nb.njit(cache=True, **_OPTIONS)
def _fill_tables(P, tables, sides):
    """``deepspace.fill_tables`` compiled: the same kernel function, one satellite at a time."""
    for i in range(tables.shape[0]):
        for side_index in sides:
            _resonance_table(P[i], tables[i, side_index], 1.0 if side_index == 0 else -1.0)


def _drop_stale_cache() -> None:
    """Forget compiled code built from an older kernel.

    numba invalidates a cached function only when its own file changes; the
    drivers here inline :mod:`.kernel`, so a fingerprint of both sources is kept
    beside the cache and a mismatch deletes this module's cache files.
    """
    import hashlib
    from pathlib import Path

    cache_dir = Path(_near_earth._cache._cache_path)
    sources = [Path(kernel.__file__), Path(__file__)]
    stamp = hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()
    mark = cache_dir / "orbops-kernel.sha256"
    try:
        if mark.exists() and mark.read_text() == stamp:
            return
        for old in cache_dir.glob(f"{Path(__file__).stem}.*.nb[ic]"):
            old.unlink()
        mark.write_text(stamp)
    except OSError:  # a read-only cache directory: numba will recompile as needed
        pass


_drop_stale_cache()


class NumbaBackend:
    """The kernel compiled with numba, vectorised over blocks, on every core."""

    name = "numba"
    block_samples = 256

    def run(self, batch: Batch, req: Request, r: np.ndarray, v: np.ndarray, codes: np.ndarray) -> None:
        P = batch.params
        deep_rows = batch.deep[req.sets]
        near = np.flatnonzero(~deep_rows)
        deep = np.flatnonzero(deep_rows)
        if len(near):
            _near_earth(P, batch.epoch_ns, near, req.sets, req.t_ns, req.t_rows, r, v, codes, self.block_samples)
        if len(deep):
            sets = req.sets[deep]
            tsince = (req.times_of(deep) - batch.epoch_ns[sets][:, None]) / _NS_PER_MIN
            table_rows, tables = resonance_tables(P[sets], tsince, fill=_fill_tables)
            _deep_space(P, batch.epoch_ns, deep, req.sets, req.t_ns, req.t_rows, table_rows, tables, r, v, codes)
