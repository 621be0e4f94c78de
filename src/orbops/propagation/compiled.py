"""The compiled backend: the functions of :mod:`.kernel`, compiled by numba.

Nothing here restates the algorithm. The kernel's functions are rebuilt from
their own code objects with a namespace in which ``sin``, ``cos``, ``atan2``
and ``where`` are scalar and branch-free, then compiled; so both backends run
the same source. For the compiler to vectorise, trigonometry is a Cody-Waite
range reduction with a polynomial (no library call), a satellite's constants
are a named tuple (values, not memory the outputs might overwrite), and every
sample goes through stages over blocks of a few hundred times of one satellite,
each stage a function of its own with one simple loop: everything before
Kepler's equation (near-earth or deep-space: one driver for both); Newton steps,
in whole-block passes while many samples are left, then the stragglers one by
one; short periodics into block arrays; and one pass writing the outputs, with
the finiteness rule of ``backends.settle`` applied there. Blocks run in parallel
on all cores.
"""

from __future__ import annotations

import math
import types
from fractions import Fraction

import llvmlite.binding
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
# Taylor coefficients (-1)^k / n!, up to r^15 (sin) and r^16 (cos); on |r| <= pi/4 the first omitted
# terms are below 5e-17 and 2e-18, under half an ulp of the results.
_S = tuple(float(Fraction((-1) ** k, math.factorial(2 * k + 1))) for k in range(1, 8))
_C = tuple(float(Fraction((-1) ** k, math.factorial(2 * k))) for k in range(1, 9))


llvmlite.binding.set_option("orbops", "-vectorize-memory-check-threshold=1000")
"""The deep-space stage writes 13 block arrays and reads 6: more runtime overlap checks than LLVM's default
(128) allows before it gives up vectorising a loop. The checks run once per block; without them that loop
stays scalar (3x slower)."""

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
        _S[4] + r2 * (_S[5] + r2 * _S[6]))))))
    c = 1.0 + r2 * (_C[0] + r2 * (_C[1] + r2 * (_C[2] + r2 * (_C[3] + r2 * (
        _C[4] + r2 * (_C[5] + r2 * (_C[6] + r2 * _C[7])))))))
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


def _record_to_tuple():
    """A compiled function from one row of the constants (a record: memory the compiler must assume the
    outputs may overwrite) to a named tuple of its fields (values it can keep in registers)."""
    from collections import namedtuple

    from .initialize import PARAM_FIELDS

    Params = namedtuple("Params", PARAM_FIELDS)
    source = f"def as_params(rec):\n    return Params({', '.join(f'rec.{f}' for f in PARAM_FIELDS)})\n"
    namespace = {"Params": Params}
    exec(source, namespace)  # noqa: S102 - the source is built above from the field names
    fn = namespace["as_params"]
    fn.__module__ = __name__
    return nb.njit(inline="always", **_OPTIONS)(fn)


_as_params = _record_to_tuple()
_K = compiled_kernel(kernel.DEEP_SPACE_FUNCTIONS, inline_math=True)
_near_earth_state = _K.near_earth_state
_deep_space_state = _K.deep_space_state
_resonance_step_index = _K.resonance_step_index
_resonance_table = _K.resonance_table
_kepler_step = _K.kepler_step
_short_period = _K.short_period
_TOL = kernel.KEPLER_TOL
_MAX_ITER = kernel.KEPLER_MAX_ITER
_NS_PER_MIN = 60e9
_INVALID = float(kernel.INVALID_ELEMENTS)
_N_BLOCK = 13  # per-sample values between the stages: am nm axnl aynl u nodep xincp sinip cosip con41 x1mth2 x7thm1 code


@nb.njit(cache=True, **_OPTIONS)
def _near_stage(P, s, t_ns, row, j0, ep, w):
    """Near-earth stage 1 over one block: ``w[:, j]`` for the times ``t_ns[row, j0 + j]`` of set ``s``.
    A function of its own, so that the compiler sees one simple loop (it vectorises it)."""
    p = _as_params(P[s])
    for j in range(w.shape[1]):
        t = (t_ns[row, j0 + j] - ep) / _NS_PER_MIN
        w[0, j], w[1, j], w[2, j], w[3, j], w[4, j], w[5, j], w[12, j] = _near_earth_state(p, t)
        w[6, j] = p.inclo
        w[7, j] = p.sinio
        w[8, j] = p.cosio
        w[9, j] = p.con41
        w[10, j] = p.x1mth2
        w[11, j] = p.x7thm1


@nb.njit(cache=True, **_OPTIONS)
def _deep_stage(P, s, res, w):
    """Deep-space stage 1 over one block, given the resonance states and times ``res`` (7, m)."""
    p = _as_params(P[s])
    for j in range(w.shape[1]):
        (w[0, j], w[1, j], w[2, j], w[3, j], w[4, j], w[5, j], w[6, j], w[7, j], w[8, j], w[9, j], w[10, j],
         w[11, j], w[12, j]) = _deep_space_state(p, res[6, j], res[0, j], res[1, j], res[2, j], res[3, j],
                                                 res[4, j], res[5, j])


@nb.njit(cache=True, **_OPTIONS)
def _kepler_stage(u, axnl, aynl, eo1, sineo1, coseo1, done):
    """Newton steps on Kepler's equation, each sample until it converges (at most ``_MAX_ITER``), into
    ``eo1``, ``sineo1``, ``coseo1`` (sin and cos from the start of each sample's last step, as the reference)
    and ``done``. Whole-block passes (vectorised: one-dimensional arrays, so the compiler can tell them apart)
    while more than 1/16 of the block is left; then the few samples left one by one (those that settle at the
    tolerance last: one of them would hold the whole block for up to ten passes).
    """
    m = len(u)
    for j in range(m):
        eo1[j] = u[j]
        done[j] = 0.0
    it = 0
    left = m
    while it < _MAX_ITER and 16 * left > m:
        left = 0  # an integer count: a float sum would keep the loop scalar
        for j in range(m):
            e_next, tem5, s_e, c_e = _kepler_step(u[j], eo1[j], axnl[j], aynl[j])
            active = done[j] == 0.0
            eo1[j] = e_next if active else eo1[j]
            sineo1[j] = s_e if active else sineo1[j]
            coseo1[j] = c_e if active else coseo1[j]
            finished = (done[j] != 0.0) | (abs(tem5) < _TOL)
            done[j] = 1.0 if finished else 0.0
            left += 0 if finished else 1
        it += 1
    if left == 0 or it == _MAX_ITER:
        return
    for j in range(m):
        if done[j] == 0.0:
            for _ in range(it, _MAX_ITER):
                eo1[j], tem5, sineo1[j], coseo1[j] = _kepler_step(u[j], eo1[j], axnl[j], aynl[j])
                if abs(tem5) < _TOL:
                    break
            done[j] = 1.0


@nb.njit(cache=True, **_OPTIONS)
def _output_stage(w, k, o):
    """Short-period periodics and the TEME state of a block into ``o`` (7, m): r, v and the code."""
    for j in range(w.shape[1]):
        rx, ry, rz, vx, vy, vz, c2 = _short_period(w[0, j], w[1, j], w[2, j], w[3, j], k[1, j], k[2, j], w[5, j],
                                                   w[6, j], w[7, j], w[8, j], w[9, j], w[10, j], w[11, j])
        o[0, j] = rx
        o[1, j] = ry
        o[2, j] = rz
        o[3, j] = vx
        o[4, j] = vy
        o[5, j] = vz
        o[6, j] = w[12, j] if w[12, j] != 0.0 else c2


@nb.njit(parallel=True, cache=True, **_OPTIONS)
def _propagate(P, epoch_ns, rows, sets, t_ns, t_rows, table_rows, tables, r, v, codes, block, deep):
    """Output ``rows`` (sets ``sets[row]`` at times ``t_ns[t_rows[row]]``), in parallel over blocks of
    ``block`` times of one row; ``deep``: the rows are deep-space sets and ``table_rows[k]`` is the row
    of ``rows[k]`` in the resonance ``tables`` (-1: none).

    Stages per block, each a loop the compiler vectorises: everything up to Kepler's equation
    (near-earth or deep-space, after gathering the resonance states); Newton steps until each sample has
    converged; short-period periodics into block arrays; and one pass writing the block's outputs.
    """
    n_time = t_ns.shape[1]
    n_blocks = (n_time + block - 1) // block
    per_task = max(1, block // n_time)  # rows per task when each row has few times
    n_groups = (len(rows) + per_task - 1) // per_task
    for task in nb.prange(n_groups * n_blocks):
        group = task // n_blocks
        j0 = (task % n_blocks) * block
        m = min(block, n_time - j0)
        w = np.empty((_N_BLOCK, m))
        k = np.empty((4, m))
        o = np.empty((7, m))
        res = np.empty((7, m) if deep else (7, 0))
        for rr in range(group * per_task, min((group + 1) * per_task, len(rows))):
            out = rows[rr]
            s = sets[out]
            row = t_rows[out]
            ep = epoch_ns[s]
            if deep:
                tr = table_rows[rr]
                for j in range(m):  # the resonance states first: gathers would keep the stage scalar
                    t = (t_ns[row, j0 + j] - ep) / _NS_PER_MIN
                    side, step = _resonance_step_index(t)
                    a, b, c = max(tr, 0), int(side), int(step) if tr >= 0 else 0
                    for q in range(6):
                        res[q, j] = tables[a, b, c, q]
                    res[6, j] = t
                _deep_stage(P, s, res, w)
            else:
                _near_stage(P, s, t_ns, row, j0, ep, w)
            _kepler_stage(w[4], w[2], w[3], k[0], k[1], k[2], k[3])
            _output_stage(w, k, o)
            for j in range(m):  # code 0 only with a finite state (backends.settle's rule), NaN rows otherwise
                total = o[0, j] + o[1, j] + o[2, j] + o[3, j] + o[4, j] + o[5, j]
                c = _INVALID if (o[6, j] == 0.0) & ~(total - total == 0.0) else o[6, j]
                ok = c == 0.0
                r[out, j0 + j, 0] = o[0, j] if ok else np.nan
                r[out, j0 + j, 1] = o[1, j] if ok else np.nan
                r[out, j0 + j, 2] = o[2, j] if ok else np.nan
                v[out, j0 + j, 0] = o[3, j] if ok else np.nan
                v[out, j0 + j, 1] = o[4, j] if ok else np.nan
                v[out, j0 + j, 2] = o[5, j] if ok else np.nan
                codes[out, j0 + j] = np.uint8(c)


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

    cache_dir = Path(_propagate._cache._cache_path)
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
    checks_finite = True
    """It applies ``settle``'s finiteness rule itself, while writing (one pass less over the output)."""

    chunk_size = 4
    """Blocks handed to each thread at a time (dynamic scheduling): on a shared machine a thread whose core
    is busy takes fewer, instead of holding the whole call back with its fixed half."""

    serial_below = 32768
    """Calls of fewer samples run on one thread: waking the others costs more than they save (and they
    would contend with other libraries' thread pools spinning on the same cores)."""

    def run(self, batch: Batch, req: Request, r: np.ndarray, v: np.ndarray, codes: np.ndarray) -> None:
        previous = nb.set_parallel_chunksize(self.chunk_size)
        threads = nb.get_num_threads()
        if codes.size < self.serial_below:
            nb.set_num_threads(1)
        try:
            self._run(batch, req, r, v, codes)
        finally:
            nb.set_num_threads(threads)
            nb.set_parallel_chunksize(previous)

    def _run(self, batch: Batch, req: Request, r: np.ndarray, v: np.ndarray, codes: np.ndarray) -> None:
        P = batch.params
        deep_rows = batch.deep[req.sets]
        near = np.flatnonzero(~deep_rows)
        deep = np.flatnonzero(deep_rows)
        if len(near):
            _propagate(P, batch.epoch_ns, near, req.sets, req.t_ns, req.t_rows, np.full(len(near), -1),
                       np.zeros((1, 2, 1, 6)), r, v, codes, self.block_samples, False)
        if len(deep):
            sets = req.sets[deep]
            tsince = (req.times_of(deep) - batch.epoch_ns[sets][:, None]) / _NS_PER_MIN
            table_rows, tables = resonance_tables(P[sets], tsince, fill=_fill_tables)
            _propagate(P, batch.epoch_ns, deep, req.sets, req.t_ns, req.t_rows, table_rows, tables, r, v, codes,
                       self.block_samples, True)
