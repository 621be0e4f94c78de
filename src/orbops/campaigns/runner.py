"""Monte Carlo campaigns: many draws of one scenario, on local worker processes or a Dask cluster.

Run ``i`` of a campaign with seed ``S`` uses the run seed
``run_seed(S, i)``; ``orbops run SCENARIO --seed <that seed>`` replays it
exactly. The geometry (launch windows, landing opportunities) is computed
once by a :class:`~orbops.sim.Planner` and shipped to every worker, so a run
costs only its event processing. Results are committed one run at a time to
the campaign's :class:`~orbops.campaigns.store.ResultStore`; a campaign
started again with ``resume`` skips the runs already stored. One campaign
at a time writes a directory (:class:`~orbops.campaigns.lock.CampaignLock`);
local workers watch the campaign process and exit when it is gone.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import multiprocessing
import os
import socket
import threading
import time
import uuid
from contextlib import suppress
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator
from urllib.parse import urlsplit

import numpy as np

from ..errors import OrbopsError
from ..scenarios import load_scenario
from ..sim import Planner, run_scenario
from ..version import __version__
from .lock import LOCK_FILE, CampaignLock, pid_running
from .store import STORE_FILE, PackedRun, RunResult, open_store

__all__ = ["run_seed", "run_one", "CampaignSpec", "run_campaign", "Progress", "MAX_ATTEMPTS", "scheduler_address",
           "check_options", "check_scheduler", "SCHEDULER_SCHEMES"]

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
WATCH_SECONDS = 0.25  # how often a worker looks for its campaign process


def _process_start(pid: int) -> str | None:
    """When the process started (Linux: /proc), to tell it from a later one given the same pid."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _campaign_running(pid: int, start: str | None) -> bool:
    if start is None:  # no /proc
        return pid_running(pid)
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return fields[0] not in ("Z", "X") and fields[19] == start  # a zombie is a dead campaign


def _watch_campaign(pid: int, start: str | None) -> None:
    """End this worker within WATCH_SECONDS of the campaign process dying, however it dies (SIGKILL included)."""
    def watch():
        while _campaign_running(pid, start):
            time.sleep(WATCH_SECONDS)
        os._exit(1)
    threading.Thread(target=watch, name="orbops-watch-campaign", daemon=True).start()


def _init_worker(scenario, planner, campaign_pid: int | None = None, campaign_start: str | None = None) -> None:
    _WORKER["scenario"], _WORKER["planner"] = scenario, planner
    if campaign_pid is not None:
        _watch_campaign(campaign_pid, campaign_start)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Terminate the pool's processes now (the campaign is stopping: their runs are not wanted)."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        with suppress(Exception):
            terminate()
            return
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for proc in procs:
        with suppress(Exception):
            proc.terminate()
    for proc in procs:
        with suppress(Exception):
            proc.join(2.0)


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
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                                   initargs=(scenario, planner, os.getpid(), _process_start(os.getpid())),
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
        except BaseException:  # stopped (a signal, an error storing a run, the caller closing us)
            _stop_workers(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


# --- Dask ---------------------------------------------------------------------------------------------
SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")
CONNECT_SECONDS = 10.0  # at most (less if Dask's distributed.comm.timeouts.connect says so)


def scheduler_address(address: str) -> str:
    """``address`` checked and normalised: ``SCHEME://HOST:PORT`` (tcp, tls, ws, wss, ucx), or ``HOST:PORT``
    for tcp."""
    text = (address or "").strip()
    parts = urlsplit(text if "://" in text else f"tcp://{text}")
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = -1
    if not text:
        problem = "it is empty"
    elif scheme not in SCHEDULER_SCHEMES:
        problem = f"unknown scheme {scheme}://"
    elif not parts.hostname:
        problem = "no host"
    elif port is None:
        problem = "no port"
    elif port < 1:
        problem = "the port is not a number from 1 to 65535"
    elif parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        problem = "it has more than a host and a port"
    else:
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        return f"{scheme}://{host}:{port}"
    raise OrbopsError(f"--scheduler {address!r} is not a Dask scheduler address ({problem}): give "
                      f"SCHEME://HOST:PORT, e.g. tcp://scheduler:8786 (schemes: {', '.join(SCHEDULER_SCHEMES)})")


def _connect_seconds() -> float:
    with suppress(Exception):
        import dask
        from dask.utils import parse_timedelta
        return min(CONNECT_SECONDS, float(parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"))))
    return CONNECT_SECONDS


def check_scheduler(address: str) -> None:
    """Reach the scheduler within the connect timeout (the TCP port, then Dask's handshake), or raise one
    OrbopsError saying why."""
    if importlib.util.find_spec("distributed") is None:
        raise OrbopsError("--scheduler needs Dask: pip install 'orbops[dask]' (or, in a checkout, "
                          "pip install -e '.[dask]')")
    seconds = _connect_seconds()
    parts = urlsplit(address)
    where = f"cannot reach the Dask scheduler at {address}"
    hint = "check the address and that the scheduler runs (dask scheduler), or run locally without --scheduler"
    if parts.scheme != "ucx":
        try:
            socket.create_connection((parts.hostname, parts.port), timeout=seconds).close()
        except socket.gaierror as exc:
            raise OrbopsError(f"{where}: unknown host {parts.hostname} ({exc.strerror}): {hint}") from None
        except ConnectionRefusedError:
            raise OrbopsError(f"{where}: connection refused (nothing listens on port {parts.port}): {hint}") from None
        except (socket.timeout, TimeoutError):
            raise OrbopsError(f"{where}: no answer within {seconds:g} s: {hint}") from None
        except OSError as exc:
            raise OrbopsError(f"{where}: {exc.strerror or exc}: {hint}") from None
    from distributed.comm import connect

    async def handshake():
        comm = await connect(address, timeout=seconds)
        await comm.close()

    failure: list[BaseException] = []

    def attempt():  # in a thread of its own: the caller may be inside an event loop
        try:
            asyncio.run(asyncio.wait_for(handshake(), seconds + 1.0))
        except BaseException as exc:  # noqa: BLE001 - reported below
            failure.append(exc)

    thread = threading.Thread(target=attempt, name="orbops-dask-handshake", daemon=True)
    thread.start()
    thread.join(seconds + 3.0)
    if thread.is_alive() or failure:
        why = (f"no Dask handshake within {seconds:g} s (is that port a Dask scheduler's?)"
               if thread.is_alive() or isinstance(failure[0], (TimeoutError, asyncio.TimeoutError))
               else str(failure[0]) or type(failure[0]).__name__)
        raise OrbopsError(f"{where}: {why}: {hint}")


def _connect(address: str):
    from dask.distributed import Client
    seconds = _connect_seconds()
    client = Client.__new__(Client)  # kept on failure, to be closed here rather than at exit (20 s and a traceback)
    try:
        client.__init__(address, timeout=f"{seconds}s", set_as_default=False)
    except Exception as exc:  # noqa: BLE001 - any failure to connect is one error
        _forget(client)
        raise OrbopsError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    return client


def _forget(client) -> None:
    """Mark a client that failed to connect or close as closed, so that nothing waits on it at exit."""
    if getattr(client, "status", "closed") != "closed":
        client.status = "closed"
        with suppress(Exception):
            client._loop_runner.stop()


def _dask_task(scenario, planner, chunk: list[tuple[int, int]]) -> list[PackedRun]:
    return [run_one(scenario, planner, i, s).packed() for i, s in chunk]


def _run_dask(scenario, planner, todo: list[tuple[int, int]], address: str, progress: Progress
              ) -> Iterator[RunResult]:
    """Runs on a Dask distributed cluster (tasks retried by Dask when a worker dies)."""
    try:
        from dask.distributed import as_completed
    except ImportError:
        raise OrbopsError("--scheduler needs Dask: pip install 'orbops[dask]'") from None
    client = _connect(address)
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
        with suppress(Exception):
            client.close(timeout=_connect_seconds())
        _forget(client)


# --- the campaign -------------------------------------------------------------------------------------
def check_options(runs: int, workers: int | None, scheduler: str | None) -> str | None:
    """Refuse impossible options before anything runs; returns the scheduler address, normalised."""
    if runs < 1:
        raise OrbopsError(f"--runs must be at least 1, not {runs}")
    if workers is not None and workers < 1:
        raise OrbopsError(f"--workers must be at least 1, not {workers}")
    if workers is not None and scheduler is not None:
        raise OrbopsError("give --workers (local processes) or --scheduler (a Dask cluster), not both")
    return None if scheduler is None else scheduler_address(scheduler)


def run_campaign(spec: CampaignSpec, out: Path, *, workers: int | None = None, scheduler: str | None = None,
                 resume: bool = False, progress: Progress = Progress(), lock: CampaignLock | None = None) -> dict:
    """Run (or, with ``resume``, finish) a campaign into ``out``; returns a summary of what happened.

    ``out`` is locked for the duration (or give ``lock``, held on ``out`` by the caller, to hold it longer).
    With ``resume``, ``spec.runs`` must be at least the stored campaign's size: a smaller one is refused.
    """
    scheduler = check_options(spec.runs, workers, scheduler)
    text = Path(spec.scenario_path).read_bytes()
    scenario = load_scenario(spec.scenario_path)
    if not scenario.uncertainty:
        progress.note(f"{spec.scenario_path} declares no [uncertainty]: every run will be the same")
    if scheduler is not None:
        check_scheduler(scheduler)  # before anything is written
    out = Path(out)
    existing = out.exists() and any(not _ours(f.name) for f in out.iterdir())
    out.mkdir(parents=True, exist_ok=True)
    if lock is not None and (not lock.held or lock.directory != out.resolve()):
        raise ValueError(f"the lock given is not held on {out}")
    own_lock = CampaignLock.acquire(out, note=progress.note) if lock is None else None
    try:
        return _run_locked(spec, out, text, scenario, workers, scheduler, resume, progress, existing)
    finally:
        if own_lock is not None:
            own_lock.release()


def _ours(name: str) -> bool:
    """A file a campaign directory may hold before its outputs: the store, its salvage files, the lock."""
    return name.startswith((STORE_FILE, f".{STORE_FILE}", LOCK_FILE))


def _run_locked(spec, out, text, scenario, workers, scheduler, resume, progress, existing) -> dict:
    store = open_store(out, runs=spec.runs)
    try:
        if store.salvage is not None:
            progress.note(_salvage_note(store, spec.runs))
        identity = spec.identity(text)
        stored = store.count()
        meta = store.meta() if stored else {}  # a store without runs holds nothing to keep
        if stored:
            if not resume:
                raise OrbopsError(f"{out} already holds a campaign ({stored} runs stored): add --resume to "
                                  "continue it, or choose another --out")
            changed = [k for k in ("scenario_sha256", "campaign_seed", "orbops_version")
                       if k in meta and meta[k] != identity[k]]
            if "campaign_seed" not in meta and store.seeds_differ(lambda i: run_seed(spec.seed, i)):
                changed.append("campaign_seed")  # the stored runs' own seeds tell, even without the metadata
            if changed:
                raise OrbopsError(f"{out} holds a campaign of {meta.get('scenario_file')} with seed "
                                  f"{meta.get('campaign_seed')}; this one differs in "
                                  f"{' and '.join(k.replace('_sha256', ' file contents') for k in changed)} (stored: "
                                  f"orbops {meta.get('orbops_version')}): resume it with the same scenario, --seed "
                                  "and orbops version, or choose another --out")
            size = max(int(meta.get("runs", 0) or 0), store.last() + 1)
            if spec.runs < size:
                raise OrbopsError(f"{out} holds a campaign of {size} runs ({stored} stored); --runs {spec.runs} "
                                  f"would leave stored runs out of runs.csv and summary.json: resume with --runs "
                                  f"{size} (or more, to extend it), or start the smaller campaign in another --out")
        elif existing and not resume:
            raise OrbopsError(f"{out} is not empty and holds no campaign: choose an empty or new --out")
        store.set_meta({**identity, "runs": spec.runs})
        bad = store.redone
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
            try:
                for result in results:
                    store.add(result)
                    ran += 1
                    progress.advanced(result)
            finally:
                results.close()  # stops the workers at once if we stop early
        return {"runs": spec.runs, "ran": ran, "already": spec.runs - len(todo), "redone": bad,
                "salvaged": store.salvage, "seconds": time.perf_counter() - t0, "workers": used,
                "scheduler": scheduler}
    finally:
        store.close()


def _salvage_note(store, runs: int) -> str:
    s = store.salvage
    size = max(runs, int(s.meta.get("runs", 0) or 0))
    missing = s.missing(size)
    text = (f"{store.path} was damaged ({s.reason}); kept {len(s.kept)} intact run(s) in a new store (the damaged "
            f"file is kept as {s.aside.name})")
    if s.damaged:
        text += f"; {len(s.damaged)} damaged run(s) lost: {_ranges(s.damaged)}"
    if missing:
        text += (f"; runs {_ranges(missing)} are not stored (lost to the damage or never finished): "
                 "--resume runs them")
    return text


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
