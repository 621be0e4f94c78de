"""Monte Carlo campaigns: many draws of one scenario, on local worker processes or a Dask cluster.

Run ``i`` of a campaign with seed ``S`` uses the run seed
``run_seed(S, i)``; ``orbops run SCENARIO --seed <that seed>`` replays it
exactly. The geometry (launch windows, landing opportunities) is computed
once by a :class:`~orbops.sim.Planner` and shipped to every worker, so a run
costs only its event processing. Results are committed one run at a time to
the campaign's :class:`~orbops.campaigns.store.ResultStore`; a campaign
started again with ``resume`` skips the runs already stored.
"""

from __future__ import annotations

import hashlib
import importlib.util
import multiprocessing
import os
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

from ..errors import OrbopsError
from ..scenarios import load_scenario
from ..sim import Planner, run_scenario
from ..version import __version__
from .store import STORE_FILE, PackedRun, RunResult, open_store

__all__ = ["run_seed", "run_one", "CampaignSpec", "run_campaign", "Progress", "MAX_ATTEMPTS"]

MAX_ATTEMPTS = 3


def run_seed(campaign_seed: int, index: int) -> int:
    """The seed of run ``index`` (a non-negative 63-bit integer)."""
    state = np.random.SeedSequence([int(campaign_seed), int(index)]).generate_state(1, dtype=np.uint64)[0]
    return int(state >> np.uint64(1))


def run_one(scenario, planner: Planner, index: int, seed: int) -> RunResult:
    """Play every variant of the scenario with this run's draws."""
    t0 = time.perf_counter()
    runs = run_scenario(scenario, planner, seed=seed, stochastic=True)
    rows = [row for run in runs for row in run.rows()]
    return RunResult(index, seed, [run.metrics for run in runs], rows, time.perf_counter() - t0)


@dataclass
class CampaignSpec:
    """What to run: the scenario file, how many runs, the campaign seed."""

    scenario_path: Path
    runs: int
    seed: int

    def identity(self, text: bytes) -> dict:
        return {"scenario_file": str(self.scenario_path), "scenario_sha256": hashlib.sha256(text).hexdigest(),
                "campaign_seed": int(self.seed), "orbops_version": __version__}


@dataclass
class Progress:
    """Callbacks a front end can give: ``started(total, already)``, ``advanced(run)``, ``note(text)``."""

    started: Callable[[int, int], None] = lambda total, already: None
    advanced: Callable[[PackedRun], None] = lambda run: None
    note: Callable[[str], None] = lambda text: None


# --- local worker processes ---------------------------------------------------------------------------
_WORKER: dict = {}
# a fresh interpreter per worker (not a fork of this one, which may hold threads)
_CONTEXT = multiprocessing.get_context("forkserver" if "forkserver" in multiprocessing.get_all_start_methods()
                                       else "spawn")


def _init_worker(scenario, planner) -> None:
    _WORKER["scenario"], _WORKER["planner"] = scenario, planner


def _local_task(chunk: list[tuple[int, int]]) -> list[PackedRun]:
    return [run_one(_WORKER["scenario"], _WORKER["planner"], i, s).packed() for i, s in chunk]


def _chunks(todo: list[tuple[int, int]], workers: int) -> list[list[tuple[int, int]]]:
    """Small batches of runs (fewer round trips), enough of them to keep every worker busy."""
    size = max(1, min(20, len(todo) // (8 * workers)))
    return [todo[k:k + size] for k in range(0, len(todo), size)]


def _run_local(scenario, planner, todo: list[tuple[int, int]], workers: int, progress: Progress
               ) -> Iterator[PackedRun]:
    """Runs on ``workers`` local processes; when a worker dies, the unfinished runs go to a fresh pool."""
    breaks = 0
    pending = list(todo)
    while pending:
        seeds = dict(pending)
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(scenario, planner),
                                   mp_context=_CONTEXT)
        chunks, pending = _chunks(pending, workers), []
        try:
            futures = {pool.submit(_local_task, chunk): chunk for chunk in chunks}
            while futures:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for fut in done:
                    futures.pop(fut)
                    for packed in fut.result():
                        yield packed
                        seeds.pop(packed.run, None)
        except BrokenProcessPool:
            lost = sorted(seeds)
            breaks += 1
            if breaks >= MAX_ATTEMPTS:
                raise OrbopsError(f"worker processes died {breaks} times (last with runs {_ranges(lost)} unfinished); "
                                  "giving up: the finished runs are stored and --resume continues") from None
            progress.note(f"a worker process died; retrying {len(lost)} unfinished run(s) "
                          f"(runs {_ranges(lost)}) on new workers")
            pending = [(i, seeds[i]) for i in lost]
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


# --- Dask ---------------------------------------------------------------------------------------------
def _dask_task(scenario, planner, chunk: list[tuple[int, int]]) -> list[PackedRun]:
    return [run_one(scenario, planner, i, s).packed() for i, s in chunk]


def _run_dask(scenario, planner, todo: list[tuple[int, int]], address: str, progress: Progress
              ) -> Iterator[RunResult]:
    """Runs on a Dask distributed cluster (tasks retried by Dask when a worker dies)."""
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise OrbopsError("--scheduler needs Dask: pip install 'orbops[dask]'") from None
    try:
        client = Client(address, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise OrbopsError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        n_workers = len(client.scheduler_info().get("workers", {}))
        progress.note(f"Dask scheduler {address}: {n_workers} worker(s)")
        shared_scenario = client.scatter(scenario, broadcast=True)
        shared_planner = client.scatter(planner, broadcast=True)
        chunks = _chunks(todo, max(1, n_workers))
        token = uuid.uuid4().hex[:12]  # keys unique to this campaign process, whatever else the cluster runs
        futures = [client.submit(_dask_task, shared_scenario, shared_planner, chunk, retries=MAX_ATTEMPTS - 1,
                                 key=f"orbops-{token}-runs-{chunk[0][0]}-{chunk[-1][0]}", pure=False)
                   for chunk in chunks]
        for fut in as_completed(futures, loop=client.loop):
            try:
                packed_runs = fut.result()
            except Exception as exc:  # a batch that failed on every attempt
                raise OrbopsError(f"runs failed on the Dask cluster: {exc}") from exc
            yield from packed_runs
    finally:
        client.close()


# --- the campaign -------------------------------------------------------------------------------------
def run_campaign(spec: CampaignSpec, out: Path, *, workers: int | None = None, scheduler: str | None = None,
                 resume: bool = False, progress: Progress = Progress()) -> dict:
    """Run (or, with ``resume``, finish) a campaign into ``out``; returns a summary of what happened."""
    if spec.runs < 1:
        raise OrbopsError(f"--runs must be at least 1, not {spec.runs}")
    if workers is not None and workers < 1:
        raise OrbopsError(f"--workers must be at least 1, not {workers}")
    if workers is not None and scheduler:
        raise OrbopsError("give --workers (local processes) or --scheduler (a Dask cluster), not both")
    if scheduler and importlib.util.find_spec("distributed") is None:
        raise OrbopsError("--scheduler needs Dask: pip install 'orbops[dask]' (or, in a checkout, pip install -e '.[dask]')")
    text = Path(spec.scenario_path).read_bytes()
    scenario = load_scenario(spec.scenario_path)
    if not scenario.uncertainty:
        progress.note(f"{spec.scenario_path} declares no [uncertainty]: every run will be the same")
    out = Path(out)
    existing = out.exists() and any(not f.name.startswith(STORE_FILE) for f in out.iterdir())
    out.mkdir(parents=True, exist_ok=True)
    store = open_store(out)
    try:
        identity = spec.identity(text)
        meta = store.meta() if store.count() else {}  # a store without runs holds nothing to keep
        if meta:
            if not resume:
                raise OrbopsError(f"{out} already holds a campaign ({store.count()} runs stored): add --resume to "
                                  "continue it, or choose another --out")
            changed = [k for k in ("scenario_sha256", "campaign_seed", "orbops_version") if meta.get(k) != identity[k]]
            if changed:
                raise OrbopsError(f"{out} holds a campaign of {meta.get('scenario_file')} with seed "
                                  f"{meta.get('campaign_seed')}; this one differs in "
                                  f"{' and '.join(k.replace('_sha256', ' file contents') for k in changed)} (stored: "
                                  f"orbops {meta.get('orbops_version')}): resume it with the same scenario, --seed "
                                  "and orbops version, or choose another --out")
        elif existing and not resume:
            raise OrbopsError(f"{out} is not empty and holds no campaign: choose an empty or new --out")
        store.set_meta({**identity, "runs": max(spec.runs, int(meta.get("runs", 0)))})
        bad = store.verify()
        if bad:
            progress.note(f"{len(bad)} stored run(s) failed their checksum and will be redone: {_ranges(bad)}")
        done = store.done()
        todo = [(i, run_seed(spec.seed, i)) for i in range(spec.runs) if i not in done]
        progress.started(spec.runs, spec.runs - len(todo))
        t0 = time.perf_counter()
        ran = 0
        used = None if scheduler else (workers or max(1, min(len(todo), os.cpu_count() or 1)))
        if todo:
            planner = Planner(scenario).prepare()  # the geometry, computed once for every run
            if scheduler:
                results = _run_dask(scenario, planner, todo, scheduler, progress)
            else:
                results = (_serial(scenario, planner, todo) if used == 1 else
                           _run_local(scenario, planner, todo, used, progress))
            for result in results:
                store.add(result)
                ran += 1
                progress.advanced(result)
        return {"runs": spec.runs, "ran": ran, "already": spec.runs - len(todo), "redone": bad,
                "seconds": time.perf_counter() - t0, "workers": used, "scheduler": scheduler}
    finally:
        store.close()


def _serial(scenario, planner, todo: Iterable[tuple[int, int]]) -> Iterator[PackedRun]:
    for index, seed in todo:
        yield run_one(scenario, planner, index, seed).packed()


def _ranges(values: list[int]) -> str:
    """``[1, 2, 3, 7]`` -> ``"1-3, 7"``."""
    out, start, prev = [], None, None
    for v in sorted(values):
        if start is None:
            start = prev = v
        elif v == prev + 1:
            prev = v
        else:
            out.append(f"{start}-{prev}" if prev != start else f"{start}")
            start = prev = v
    if start is not None:
        out.append(f"{start}-{prev}" if prev != start else f"{start}")
    return ", ".join(out)
