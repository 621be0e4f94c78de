"""Propagation throughput, measured against the sgp4 library and skyfield in the same run.

"evals" are (satellite, time) samples with position and velocity in TEME.
Every method starts from UTC ``datetime64`` times, so time conversion is
included; element sets are parsed beforehand for every method. Rounds are
interleaved (each round runs every method once) and each ratio is taken
against ``SatrecArray`` within its own round, then the median is reported:
the machine's speed drifts, ratios much less.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from dataclasses import asdict, dataclass
from typing import Callable, Iterable

import numpy as np

from ..elements import Catalog
from ..timescales import jd_parts
from .api import propagate
from .backends import available_backends

__all__ = ["Measurement", "replicate", "benchmark_batches", "scaling", "METHODS", "DEFAULT_BATCHES"]

METHODS = ("numba", "numpy", "sgp4", "skyfield")
"""orbops' backends, the sgp4 library's SatrecArray, and a skyfield loop over satellites."""
DEFAULT_BATCHES = ((1, 1_000_000), (1000, 1440), (10000, 1440))
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

    def as_dict(self) -> dict:
        return asdict(self)


def replicate(catalog: Catalog, n: int) -> Catalog:
    """``n`` element sets taken cyclically from ``catalog``."""
    return catalog[np.arange(n) % len(catalog)]


def _runner(method: str, sats: Catalog, times: np.ndarray) -> Callable[[], object]:
    """A no-argument callable doing the whole job of ``method`` for this batch."""
    if method in ("numba", "numpy"):
        return lambda: propagate(sats, times, backend=method)
    if method == "sgp4":
        from sgp4.api import WGS72, Satrec, SatrecArray

        array = SatrecArray([Satrec.twoline2rv(*lines, WGS72) for lines in sats.tle_lines])

        def run():
            jd, fr = jd_parts(times)
            return array.sgp4(jd, fr)
        return run
    if method == "skyfield":
        from skyfield.api import EarthSatellite, load

        ts = load.timescale(builtin=True)
        objs = [EarthSatellite(*lines, ts=ts) for lines in sats.tle_lines]

        def run():
            days = times.astype("datetime64[ns]").astype(np.int64) / 86_400e9
            t = ts.utc(1970, 1, 1 + days)
            return [sat.at(t) for sat in objs]
        return run
    raise ValueError(f"unknown method {method!r}")


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


def benchmark_batches(catalog: Catalog, batches: Iterable[tuple[int, int]] = DEFAULT_BATCHES,
                      kinds: Iterable[str] = ("leo", "mixed"), methods: Iterable[str] = METHODS,
                      repeats: int = 3, step_s: float = 60.0, skyfield_all: bool = False,
                      progress: Callable[[str], None] | None = None) -> list[Measurement]:
    """Median throughput of each method on each (kind, n_sat, n_time) batch.

    ``catalog`` should be a real snapshot (one set per object, epochs within
    days of each other); ``leo`` uses its near-earth sets, ``mixed`` all of
    them (near-earth and deep space), replicated to ``n_sat``. One satellite
    over many times uses the first set of the kind (a deep-space one for
    ``mixed``). Times start at the newest epoch, every ``step_s`` seconds.
    """
    methods = [m for m in methods if m in ("sgp4", "skyfield") or m in available_backends()]
    if "sgp4" not in methods:
        methods.append("sgp4")  # the yardstick of every ratio
    deep = 1440.0 / catalog.mean_motion_rev_day >= 225.0
    pools = {"leo": catalog[~deep], "mixed": catalog, "deep": catalog[deep]}
    start = catalog.epoch.max().astype("datetime64[m]").astype("datetime64[ns]")
    results = []
    for kind in kinds:
        for n_sat, n_time in batches:
            label = kind if n_sat > 1 or kind == "leo" else "deep"
            pool = pools[label]
            sats = replicate(pool, n_sat)
            step = np.timedelta64(int(step_s * 1e9) if n_sat > 1 else 10**9, "ns")
            times = start + np.arange(n_time) * step
            small = n_sat * n_time <= SKYFIELD_MAX_SAMPLES and n_time <= SKYFIELD_MAX_TIMES
            todo = [m for m in methods if m != "skyfield" or skyfield_all or small]
            runs = {m: _runner(m, sats, times) for m in todo}
            for run in runs.values():  # warm-up: compile, caches, first-touch of memory
                run()
            rates = {m: [] for m in todo}
            ratios = {m: [] for m in todo}
            for _ in range(repeats):
                round_rate = {}
                for m, run in runs.items():
                    gc.collect()
                    t0 = time.perf_counter()
                    run()
                    round_rate[m] = n_sat * n_time / (time.perf_counter() - t0)
                for m in todo:
                    rates[m].append(round_rate[m])
                    ratios[m].append(round_rate[m] / round_rate["sgp4"])
            for m in todo:
                rate = float(np.median(rates[m]))
                results.append(Measurement(m, label, n_sat, n_time, rate, float(np.median(ratios[m])),
                                           _peak_mb(runs[m]), n_sat * n_time / rate))
                if progress:
                    progress(f"{label} {n_sat} x {n_time} {m}: {rate / 1e6:.2f} M evals/s")
    return results


def scaling(catalog: Catalog, sat_counts: Iterable[int] = (1, 10, 100, 1000, 10000), n_time: int = 1440,
            methods: Iterable[str] = METHODS, repeats: int = 3,
            progress: Callable[[str], None] | None = None) -> list[Measurement]:
    """Throughput against batch size (LEO sets, ``n_time`` times each)."""
    out = []
    for n in sat_counts:
        out += benchmark_batches(catalog, [(n, n_time)], kinds=("leo",), methods=methods, repeats=repeats,
                                 progress=progress)
    return out
