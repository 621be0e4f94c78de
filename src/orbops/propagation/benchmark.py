"""Propagation throughput and accuracy, measured against the sgp4 library and its peers in the same run.

"evals" are (satellite, time) samples with position and velocity in TEME.
Every method starts from UTC ``datetime64`` times, so time conversion is
included in the timed call; element sets are parsed beforehand for every
method. Rounds are interleaved (each round runs every method once) and each
ratio is taken against ``SatrecArray`` within its own round, then the median
is reported: the machine's speed drifts, ratios much less. Next to its speed,
each method gets its largest position difference from the sgp4 library over
the samples both call successful, so that no one wins by being wrong.

Peers (``pip install -e ".[bench]"``): ``astroz`` (its ``astroz.api.SatrecArray``,
a drop-in for the sgp4 library's) and ``heyoka`` (its SGP4 propagator, UTC
Julian dates as input); a peer that is not installed is skipped with a note.
"""

from __future__ import annotations

import gc
import importlib.util
import time
import tracemalloc
from dataclasses import asdict, dataclass
from typing import Callable, Iterable

import numpy as np

from ..elements import Catalog
from ..timescales import jd_parts
from .api import Propagator
from .initialize import DEEP_SPACE_PERIOD_MIN

__all__ = ["Measurement", "replicate", "benchmark_batches", "scaling", "available_methods", "METHODS",
           "PEERS", "DEFAULT_BATCHES", "KINDS"]

METHODS = ("numba", "numpy", "sgp4", "astroz", "heyoka", "skyfield")
"""orbops' backends, the sgp4 library's SatrecArray, astroz's SatrecArray, heyoka's SGP4 propagator
and a skyfield loop over satellites."""
PEERS = {"astroz": "astroz", "heyoka": "heyoka", "skyfield": "skyfield"}
"""Methods from optional packages: method -> module to import."""
KINDS = ("leo", "mixed", "deep")
DEFAULT_BATCHES = (("leo", 1000, 1440), ("leo", 10000, 1440), ("mixed", 0, 1440), ("deep", 200, 1440),
                   ("leo", 1, 1_000_000))
"""(catalog kind, satellites, times); 0 satellites means every set of that kind in the catalog once."""
SKYFIELD_MAX_SAMPLES = 2_000_000
SKYFIELD_MAX_TIMES = 100_000
"""Larger batches skip the skyfield loop unless asked: it runs at about 1 M evals/s, and one
satellite at a million times needs over 20 GB of memory in skyfield."""


@dataclass
class Measurement:
    method: str
    kind: str
    n_sat: int
    n_time: int
    evals_per_s: float
    ratio_to_satrecarray: float
    peak_mb: float
    seconds: float
    max_dr_m: float | None = None
    """Largest position difference from the sgp4 library (m) over samples both propagate successfully."""
    ratio_range: tuple[float, float] | None = None
    """Smallest and largest per-round ratio."""

    def as_dict(self) -> dict:
        return asdict(self)


def available_methods(methods: Iterable[str] = METHODS) -> tuple[list[str], list[str]]:
    """``(runnable, skipped)``: the methods whose packages are installed, and the others."""
    ok, skipped = [], []
    for m in methods:
        module = PEERS.get(m)
        (skipped if module and importlib.util.find_spec(module) is None else ok).append(m)
    return ok, skipped


def replicate(catalog: Catalog, n: int) -> Catalog:
    """``n`` element sets taken cyclically from ``catalog``."""
    return catalog[np.arange(n) % len(catalog)]


def _runner(method: str, sats: Catalog, times: np.ndarray) -> tuple[Callable[[], object], Callable]:
    """``(run, positions)``: a no-argument callable doing the whole job of ``method`` for this batch,
    and a function from its result to ``(r_km (n_sat, n_time, 3), ok (n_sat, n_time))``."""
    if method in ("numba", "numpy"):  # constants prepared beforehand, as the peers' Satrec objects are
        prop = Propagator(sats, backend=method)
        prop.batch.params, prop.batch.codes
        return (lambda: prop.states(times)), (lambda s: (s.r_km, s.codes == 0))
    if method in ("sgp4", "astroz"):
        if method == "sgp4":
            from sgp4.api import WGS72, Satrec, SatrecArray
        else:
            from astroz.api import WGS72, Satrec, SatrecArray

        array = SatrecArray([Satrec.twoline2rv(*lines, WGS72) for lines in sats.tle_lines])

        def run():
            jd, fr = jd_parts(times)
            return array.sgp4(jd, fr)
        return run, lambda res: (res[1], res[0] == 0)
    if method == "heyoka":
        import heyoka
        from sgp4.api import WGS72, Satrec

        prop = heyoka.model.sgp4_propagator([Satrec.twoline2rv(*lines, WGS72) for lines in sats.tle_lines])

        def run():
            jd, fr = jd_parts(times)
            dates = np.empty((len(times), len(sats)), dtype=prop.jdtype)
            dates["jd"] = jd[:, None]
            dates["frac"] = fr[:, None]
            return prop(dates)  # (n_time, 7, n_sat): x y z vx vy vz error

        return run, lambda out: (out[:, :3, :].transpose(2, 0, 1), out[:, 6, :].T == 0)
    if method == "skyfield":
        from skyfield.api import EarthSatellite, load
        from skyfield.sgp4lib import TEME

        ts = load.timescale(builtin=True)
        objs = [EarthSatellite(*lines, ts=ts) for lines in sats.tle_lines]

        def run():
            days = times.astype("datetime64[ns]").astype(np.int64) / 86_400e9
            t = ts.utc(1970, 1, 1 + days)
            return [sat.at(t) for sat in objs]

        def positions(result):
            r = np.stack([g.frame_xyz(TEME).km.T for g in result])  # skyfield's GCRS back to TEME
            return r, np.isfinite(r).all(axis=-1)
        return run, positions
    raise ValueError(f"unknown method {method!r}")


def _max_dr_m(r, ok, r_ref, ok_ref) -> float:
    both = ok & ok_ref
    if not both.any():
        return float("nan")
    diff = np.asarray(r, dtype=np.float64)[both] - r_ref[both]
    return float(np.sqrt((diff * diff).sum(axis=-1)).max() * 1000.0)


def _peak_mb(run: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        result = run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del result
    return peak / 2**20


def pools(catalog: Catalog) -> dict[str, Catalog]:
    """The catalog's near-earth sets (``leo``), all of them (``mixed``) and its deep-space ones (``deep``)."""
    deep = 1440.0 / catalog.mean_motion_rev_day >= DEEP_SPACE_PERIOD_MIN
    return {"leo": catalog[~deep], "mixed": catalog, "deep": catalog[deep]}


def benchmark_batches(catalog: Catalog, batches: Iterable[tuple[str, int, int]] = DEFAULT_BATCHES,
                      methods: Iterable[str] = METHODS, repeats: int = 3, step_s: float = 60.0,
                      skyfield_all: bool = False, progress: Callable[[str], None] | None = None,
                      accuracy: bool = True) -> list[Measurement]:
    """Median throughput of each method on each ``(kind, n_sat, n_time)`` batch, and its largest
    position difference from the sgp4 library.

    ``catalog`` should be a real snapshot (one set per object, epochs within
    days of each other). Times start at the latest epoch, ``step_s`` apart
    (1 s when there is one satellite). Methods whose package is missing are
    skipped with a note through ``progress``.
    """
    methods, skipped = available_methods(methods)
    if progress and skipped:
        progress(f"not installed, skipped: {', '.join(skipped)} (pip install -e '.[bench]')")
    if "sgp4" not in methods:
        methods = ["sgp4", *methods]  # the reference of every ratio
    by_kind = pools(catalog)
    start = catalog.epoch.max().astype("datetime64[m]").astype("datetime64[ns]")
    results = []
    for kind, n_sat, n_time in batches:
        pool = by_kind[kind]
        n_sat = n_sat or len(pool)
        sats = replicate(pool, n_sat)
        step = np.timedelta64(int(step_s * 1e9) if n_sat > 1 else 10**9, "ns")
        times = start + np.arange(n_time) * step
        small = n_sat * n_time <= SKYFIELD_MAX_SAMPLES and n_time <= SKYFIELD_MAX_TIMES
        todo = [m for m in methods if m != "skyfield" or skyfield_all or small]
        runs, where = {}, {}
        for m in todo:
            runs[m], where[m] = _runner(m, sats, times)
        errors = {}
        ref = None
        for m in ["sgp4", *[m for m in todo if m != "sgp4"]]:  # warm-up (compile, caches, first touch); accuracy
            result = runs[m]()
            if accuracy:
                r, ok = where[m](result)
                if m == "sgp4":
                    ref = (np.array(r), np.array(ok))
                errors[m] = _max_dr_m(r, ok, *ref)
            del result
        ref = None
        rates = {m: [] for m in todo}
        ratios = {m: [] for m in todo}
        for _ in range(repeats):
            round_rate = {}
            for m, run in runs.items():
                gc.collect()
                t0 = time.perf_counter()
                result = run()
                round_rate[m] = n_sat * n_time / (time.perf_counter() - t0)
                del result
            for m in todo:
                rates[m].append(round_rate[m])
                ratios[m].append(round_rate[m] / round_rate["sgp4"])
        for m in todo:
            rate = float(np.median(rates[m]))
            results.append(Measurement(m, kind, n_sat, n_time, rate, float(np.median(ratios[m])),
                                       _peak_mb(runs[m]), n_sat * n_time / rate, errors.get(m),
                                       (float(min(ratios[m])), float(max(ratios[m])))))
            if progress:
                dr = f", max |dr| {errors[m]:.3g} m" if m in errors else ""
                progress(f"{kind} {n_sat} x {n_time} {m}: {rate / 1e6:.2f} M evals/s "
                         f"({results[-1].ratio_to_satrecarray:.2f}x){dr}")
        runs.clear()
        gc.collect()
    return results


def scaling(catalog: Catalog, sat_counts: Iterable[int] = (1, 10, 100, 1000, 10000), n_time: int = 1440,
            methods: Iterable[str] = METHODS, repeats: int = 3,
            progress: Callable[[str], None] | None = None) -> list[Measurement]:
    """Throughput against batch size (LEO sets, ``n_time`` times each)."""
    return benchmark_batches(catalog, [("leo", n, n_time) for n in sat_counts], methods=methods,
                             repeats=repeats, progress=progress, accuracy=False)
