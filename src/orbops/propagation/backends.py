"""Propagation backends behind one interface.

- ``numpy``: the kernel of :mod:`.kernel` over blocks of (satellite, time)
  samples sized for the cache, on a thread pool (numpy releases the GIL).
- ``numba``: the same kernel compiled (see :mod:`.compiled`), if numba is installed.
- ``sgp4``: the python-sgp4 library (Vallado's C++), the reference.

Every backend takes a :class:`Batch` of element sets, a :class:`Request`
(which set and which row of times each output row uses) and fills ``r`` and
``v`` ``(n_out, n_time, 3)`` and ``codes`` ``(n_out, n_time)``; :func:`settle`
then applies the checks that are the same for all of them (invalid elements
and times, no code 0 without a finite state).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property

import numpy as np

from ..constants import MINUTES_PER_DAY, TWO_PI
from ..elements import Catalog
from ..errors import OrbopsError
from . import kernel
from .deepspace import Record, resonance_states
from .initialize import element_codes, initialize_elements
from .kernel import INVALID_ELEMENTS, INVALID_TIME

__all__ = ["Batch", "Request", "BACKENDS", "get_backend", "available_backends", "tsince_minutes", "settle",
           "NAT_NS"]

NS_PER_MIN = 60_000_000_000
NAT_NS = np.iinfo(np.int64).min
"""NaT as int64 nanoseconds."""


class Batch:
    """Satellites ready to propagate: element arrays and their SGP4 constants."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.epoch_ns = catalog.epoch.astype(np.int64)

    def __len__(self) -> int:
        return len(self.catalog)

    @cached_property
    def params(self) -> np.ndarray:
        """Per-satellite constants, a structured array ``(n_sat,)`` (see :mod:`.initialize`)."""
        c = self.catalog
        return initialize_elements(c.mean_motion_rev_day, c.ecc, c.inc_deg, c.raan_deg, c.argp_deg,
                                   c.mean_anomaly_deg, c.bstar, self.epoch_ns)

    @cached_property
    def codes(self) -> np.ndarray:
        """Error code ``(n_sat,)`` of sets that fail at every time, 0 for the others (see ``element_codes``)."""
        c = self.catalog
        return element_codes(c.mean_motion_rev_day, c.ecc, c.inc_deg, c.raan_deg, c.argp_deg,
                             c.mean_anomaly_deg, c.bstar, self.epoch_ns)

    @cached_property
    def deep(self) -> np.ndarray:
        """Mask ``(n_sat,)`` of deep-space (SDP4) satellites."""
        return self.params["deep"] != 0.0


class Request:
    """Which samples to compute: output row k is element set ``sets[k]`` at times ``t_ns[t_rows[k]]``.

    ``t_ns`` is int64 nanoseconds since 1970 UTC shaped ``(n_rows, n_time)``.
    """

    def __init__(self, sets: np.ndarray, t_ns: np.ndarray, t_rows: np.ndarray) -> None:
        self.sets = np.ascontiguousarray(sets, dtype=np.int64)
        self.t_ns = np.ascontiguousarray(t_ns, dtype=np.int64)
        self.t_rows = np.ascontiguousarray(t_rows, dtype=np.int64)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.sets), self.t_ns.shape[1]

    def times_of(self, k) -> np.ndarray:
        """Times of output rows ``k`` (an index array), ``(len(k), n_time)``."""
        return self.t_ns[self.t_rows[k]]


def settle(r: np.ndarray, v: np.ndarray, codes: np.ndarray, set_codes: np.ndarray, bad_time: np.ndarray,
           checked: bool = False) -> None:
    """Final codes, in place: a set's own code (``set_codes`` ``(n_out,)``) at every time, else 8
    where ``bad_time`` (broadcast to ``codes``), else the backend's; code 0 only with a finite state (7
    otherwise, also for components so large that their sum overflows). Failed samples get NaN state rows.

    ``checked``: the backend has already applied the finiteness rule (and NaN rows) to what it computed."""
    if np.any(bad_time):
        mask = np.broadcast_to(bad_time, codes.shape)
        codes[mask] = INVALID_TIME
        if checked:
            r[mask] = np.nan
            v[mask] = np.nan
    fails = set_codes != 0
    if np.any(fails):
        codes[fails] = set_codes[fails, None]
        if checked:
            r[fails] = np.nan
            v[fails] = np.nan
    if checked:  # the backend's own failures already have NaN rows
        return
    with np.errstate(over="ignore", invalid="ignore"):  # a sum is finite only if every component is
        total = r[..., 0] + r[..., 1]
        total += r[..., 2]
        total += v[..., 0]
        total += v[..., 1]
        total += v[..., 2]
    codes[(codes == 0) & ~np.isfinite(total)] = INVALID_ELEMENTS
    bad = codes != 0
    if np.any(bad):
        r[bad] = np.nan
        v[bad] = np.nan


def tsince_minutes(epoch_ns: np.ndarray, t_ns: np.ndarray) -> np.ndarray:
    """Minutes from each satellite's epoch, ``(n_sat, n_time)``; exact integer differences."""
    t2 = t_ns if t_ns.ndim == 2 else t_ns[None, :]
    return (t2 - epoch_ns[:, None]).astype(np.float64) / NS_PER_MIN


def solve_kepler(u, axnl, aynl):
    """Kepler's equation by Newton steps until each sample converges (at most 10).

    Returns ``(sin(E), cos(E))`` evaluated, as in the reference, at the start
    of each sample's last step.
    """
    eo1 = u.copy()
    sineo1 = np.zeros_like(u)
    coseo1 = np.zeros_like(u)
    idx = np.arange(u.size)
    flat = (eo1.reshape(-1), sineo1.reshape(-1), coseo1.reshape(-1))
    uf, axf, ayf = u.reshape(-1), axnl.reshape(-1), aynl.reshape(-1)
    for _ in range(kernel.KEPLER_MAX_ITER):
        e_next, tem5, s, c = kernel.kepler_step(uf[idx], flat[0][idx], axf[idx], ayf[idx])
        flat[0][idx] = e_next
        flat[1][idx] = s
        flat[2][idx] = c
        idx = idx[~(np.abs(tem5) < kernel.KEPLER_TOL)]
        if idx.size == 0:
            break
    return sineo1, coseo1


def numpy_block(P: np.ndarray, t: np.ndarray, deep: bool):
    """Propagate a block: constants ``P`` ``(n,)``, minutes ``t`` ``(n, m)``.

    Returns ``(rx, ry, rz, vx, vy, vz, code)``, each ``(n, m)``.
    """
    p = Record(P)
    with np.errstate(all="ignore"):
        if deep:
            (am, nm, axnl, aynl, u, nodep, xincp, sinip, cosip, con41, x1mth2, x7thm1,
             code) = kernel.deep_space_state(p, t, *resonance_states(P, t))
        else:
            am, nm, axnl, aynl, u, nodep, code = kernel.near_earth_state(p, t)
            xincp, sinip, cosip = p.inclo, p.sinio, p.cosio
            con41, x1mth2, x7thm1 = p.con41, p.x1mth2, p.x7thm1
        u, axnl, aynl = np.broadcast_arrays(u, axnl, aynl)
        sineo1, coseo1 = solve_kepler(np.ascontiguousarray(u), np.ascontiguousarray(axnl),
                                      np.ascontiguousarray(aynl))
        *state, code2 = kernel.short_period(am, nm, axnl, aynl, sineo1, coseo1, nodep, xincp,
                                            sinip, cosip, con41, x1mth2, x7thm1)
    code = np.where(code != 0, code, code2)
    return (*state, code)


def _blocks(n_sat: int, n_time: int, target: int):
    """(satellite slice, time slice) pairs of about ``target`` samples each."""
    if n_time >= target:
        for s in range(n_sat):
            for t0 in range(0, n_time, target):
                yield slice(s, s + 1), slice(t0, min(t0 + target, n_time))
    else:
        rows = max(1, target // max(n_time, 1))
        for s0 in range(0, n_sat, rows):
            yield slice(s0, min(s0 + rows, n_sat)), slice(0, n_time)


class NumpyBackend:
    """Pure numpy: blocks of about 16k samples, on a thread pool."""

    name = "numpy"
    block_samples = 16384

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or min(os.cpu_count() or 1, 8)

    def run(self, batch: Batch, req: Request, r: np.ndarray, v: np.ndarray, codes: np.ndarray) -> None:
        P = batch.params
        n_out, n_time = codes.shape

        def work(task):
            rows, cols, is_deep = task  # output rows of one kind (near-earth or deep space)
            sets = req.sets[rows]
            t = tsince_minutes(batch.epoch_ns[sets], req.times_of(rows)[:, cols])
            rx, ry, rz, vx, vy, vz, code = numpy_block(P[sets], t, is_deep)
            target = (rows[:, None], np.arange(n_time)[cols][None, :])
            r[target + (0,)], r[target + (1,)], r[target + (2,)] = rx, ry, rz
            v[target + (0,)], v[target + (1,)], v[target + (2,)] = vx, vy, vz
            codes[target] = code

        tasks = []
        deep_rows = batch.deep[req.sets]
        for is_deep in (False, True):
            group = np.flatnonzero(deep_rows == is_deep)
            for rows, cols in _blocks(len(group), n_time, self.block_samples):
                tasks.append((group[rows], cols, is_deep))
        if self.workers > 1 and len(tasks) > 1:
            with ThreadPoolExecutor(self.workers) as pool:
                list(pool.map(work, tasks))
        else:
            for task in tasks:
                work(task)


class Sgp4Backend:
    """The python-sgp4 library (Vallado's C++ SatrecArray): the reference."""

    name = "sgp4"

    def run(self, batch: Batch, req: Request, r: np.ndarray, v: np.ndarray, codes: np.ndarray) -> None:
        from sgp4.api import WGS72, Satrec, SatrecArray

        from ..timescales import jd_parts

        sats = {}
        c = batch.catalog
        for i in np.unique(req.sets):
            lines = c.tle_lines[i]
            if lines is not None:
                sat = Satrec.twoline2rv(lines[0], lines[1], WGS72)
            else:
                sat = Satrec()
                sat.sgp4init(WGS72, "i", int(c.norad_id[i]) % 100000,
                             float(batch.epoch_ns[i] / 86_400e9 + 2440587.5 - 2433281.5),
                             float(c.bstar[i]), float(c.ndot[i]), float(c.nddot[i]), float(c.ecc[i]),
                             np.radians(c.argp_deg[i]), np.radians(c.inc_deg[i]),
                             np.radians(c.mean_anomaly_deg[i]),
                             float(c.mean_motion_rev_day[i]) * TWO_PI / MINUTES_PER_DAY,
                             np.radians(c.raan_deg[i]))
                days, frac = divmod(int(batch.epoch_ns[i]), 86_400 * 10**9)
                sat.jdsatepoch = days + 2440587.5
                sat.jdsatepochF = frac / 86_400e9
            sats[i] = sat
        if len(req.t_ns) == 1:  # common times: the vectorised SatrecArray
            jd, fr = jd_parts(req.t_ns[0].astype("datetime64[ns]"))
            e, rr, vv = SatrecArray([sats[i] for i in req.sets]).sgp4(jd, fr)
            r[...], v[...], codes[...] = rr, vv, e
            return
        for k, i in enumerate(req.sets):
            jd, fr = jd_parts(req.times_of([k])[0].astype("datetime64[ns]"))
            e, rr, vv = sats[i].sgp4_array(jd, fr)
            r[k], v[k], codes[k] = rr, vv, e


def _numba_backend():
    from .compiled import NumbaBackend  # imports numba: only when asked for

    return NumbaBackend()


BACKENDS = {"numpy": NumpyBackend, "numba": _numba_backend, "sgp4": Sgp4Backend}


def available_backends() -> list[str]:
    """Names of the backends that can run here."""
    names = ["numpy", "sgp4"]
    try:
        import numba  # noqa: F401
    except ImportError:  # pragma: no cover - numba is a dependency
        return names
    return ["numba", *names]


_instances: dict[str, object] = {}


def get_backend(name: str = "auto"):
    """A backend by name: ``auto`` (numba when installed, else numpy), ``numba``, ``numpy``, ``sgp4``."""
    if name == "auto":
        name = available_backends()[0]
    if name not in BACKENDS:
        raise OrbopsError(f"unknown backend {name!r}: expected auto, {', '.join(BACKENDS)}")
    if name not in _instances:
        _instances[name] = BACKENDS[name]()
    return _instances[name]
