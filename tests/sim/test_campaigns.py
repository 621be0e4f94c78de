"""Monte Carlo campaigns: seeds, replay, local vs Dask, a real SIGKILL and resume, corrupt results, bad options."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from orbops.campaigns import (
    STORE_FILE,
    CampaignSpec,
    ResultStore,
    Thresholds,
    flatten,
    run_campaign,
    run_one,
    run_seed,
    summarize,
)
from orbops.scenarios import load_scenario
from orbops.sim import Planner, run_scenario

from .conftest import REPO
from .test_campaign_safety import _descendants, _stat

FLAGSHIP = REPO / "scenarios" / "shenzhou-iss-backup-2011.toml"
TIANGONG = REPO / "scenarios" / "tiangong-international-crew.toml"


def _checksums(out: Path) -> dict[int, str]:
    with closing(sqlite3.connect(out / STORE_FILE)) as conn:
        return dict(conn.execute("SELECT run, checksum FROM runs"))


def _cli(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "orbops", *args], capture_output=True, text=True, timeout=600,
                          **kwargs)


@pytest.fixture(scope="module")
def serial_flagship(tmp_path_factory):
    """40 runs of the flagship, in this process: the reference the other executions must match."""
    out = tmp_path_factory.mktemp("serial")
    run_campaign(CampaignSpec(FLAGSHIP, 40, 7), out, workers=1)
    return out


def test_run_seeds_are_stable_and_distinct():
    seeds = [run_seed(7, i) for i in range(1000)]
    assert len(set(seeds)) == 1000 and all(0 <= s < 2**63 for s in seeds)
    assert seeds[:3] == [run_seed(7, 0), run_seed(7, 1), run_seed(7, 2)]
    assert run_seed(8, 0) != seeds[0]


def test_draws_vary_between_runs_and_replay_exactly(serial_flagship):
    sc = load_scenario(FLAGSHIP)
    planner = Planner(sc).prepare()
    with ResultStore(serial_flagship) as store:
        results = list(store.results(timelines=True))
    assert [r.run for r in results] == list(range(40))
    slips = {r.metrics[0]["max_crew_launch_slip_days"] for r in results}
    assert len(slips) > 1  # the runs really differ
    for r in results[:5]:  # any run replays from its seed alone
        replay = run_scenario(sc, planner, seed=r.seed, stochastic=True)
        assert [run.metrics for run in replay] == r.metrics
        assert [row for run in replay for row in run.rows()] == r.timeline
    def unseeded(metrics):
        return [{k: v for k, v in m.items() if k != "seed"} for m in metrics]
    nominal = unseeded(run.metrics for run in run_scenario(sc, planner, seed=results[0].seed))  # no draws
    assert nominal == unseeded(run.metrics for run in run_scenario(sc, planner))
    assert any(unseeded(r.metrics) != nominal for r in results)


def test_common_random_numbers_across_variants(serial_flagship):
    """Every variant of a run meets the same slip for the same mission."""
    slipped = 0
    with ResultStore(serial_flagship) as store:
        for r in store.results(timelines=True):
            ready = {}
            for row in r.timeline:
                if row["event"] == "mission_ready":
                    ready.setdefault(row["subject"], {})[row["variant"]] = row["detail"].partition(", slipped ")[2]
            for mission, by_variant in ready.items():
                assert len(set(by_variant.values())) == 1, (r.run, mission, by_variant)
                slipped += any(by_variant.values())
    assert slipped > 0


def test_cli_run_seed_reproduces_a_stored_run(serial_flagship, tmp_path):
    with ResultStore(serial_flagship) as store:
        stored = next(r for r in store.results() if r.run == 3)
    done = _cli("run", str(FLAGSHIP), "--seed", str(stored.seed), "--out", str(tmp_path / "replay"), "--no-report")
    assert done.returncode == 0, done.stderr
    metrics = json.loads((tmp_path / "replay" / "metrics.json").read_text())["variants"]
    assert metrics == stored.metrics
    assert json.loads((tmp_path / "replay" / "run.json").read_text())["stochastic"] is True


def test_local_processes_match_serial(serial_flagship, tmp_path):
    out = tmp_path / "pool"
    run_campaign(CampaignSpec(FLAGSHIP, 40, 7), out, workers=2)
    assert _checksums(out) == _checksums(serial_flagship)


def test_dask_cluster_matches_local(serial_flagship, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        outcome = run_campaign(CampaignSpec(FLAGSHIP, 40, 7), tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert outcome["ran"] == 40 and outcome["scheduler"].startswith("tcp://127.0.0.1:")
    assert _checksums(tmp_path / "dask") == _checksums(serial_flagship)


def _count(out: Path) -> int:
    try:
        with sqlite3.connect(f"file:{out / STORE_FILE}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_sigkill_then_resume_loses_and_repeats_nothing(tmp_path):
    out = tmp_path / "killed"
    runs = 600
    proc = subprocess.Popen([sys.executable, "-m", "orbops", "campaign", str(TIANGONG), "--runs", str(runs),
                             "--out", str(out), "--seed", "11", "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 300
    while _count(out) < 30 and proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the campaign finished before it could be killed: " + proc.stderr.read().decode()
    os.killpg(proc.pid, signal.SIGKILL)  # the campaign and its workers, no clean-up
    proc.wait(timeout=60)
    proc.stderr.close()
    stored = _count(out)
    assert 30 <= stored < runs
    assert not (out / "summary.json").exists()
    again = _cli("campaign", str(TIANGONG), "--runs", str(runs), "--out", str(out), "--seed", "11", "--workers", "2")
    assert again.returncode != 0 and "--resume" in again.stderr  # a stored campaign is never overwritten
    resumed = _cli("campaign", str(TIANGONG), "--runs", str(runs), "--out", str(out), "--seed", "11", "--workers",
                   "2", "--resume", "--json")
    assert resumed.returncode == 0, resumed.stderr
    assert f"{stored} of {runs} runs already stored" in resumed.stderr
    with sqlite3.connect(out / STORE_FILE) as conn:
        index = [r for (r,) in conn.execute("SELECT run FROM runs ORDER BY run")]
    assert index == list(range(runs))
    summary = json.loads(resumed.stdout)
    assert summary["runs_finished"] == runs
    # the interrupted campaign equals an uninterrupted one
    fresh = tmp_path / "fresh"
    run_campaign(CampaignSpec(TIANGONG, runs, 11), fresh, workers=1)
    assert _checksums(out) == _checksums(fresh)


def test_corrupt_rows_are_redone_and_a_damaged_store_is_salvaged(serial_flagship, tmp_path):
    import shutil
    out = tmp_path / "copy"
    shutil.copytree(serial_flagship, out)
    reference = _checksums(out)
    with closing(sqlite3.connect(out / STORE_FILE)) as conn:  # a damaged row: content no longer matches its checksum
        conn.execute("UPDATE runs SET metrics = replace(metrics, '\"launches\"', '\"launchez\"') WHERE run = 5")
        conn.commit()
    with ResultStore(out) as store, pytest.raises(Exception, match="run 5 is corrupt"):
        list(store.results())
    notes = []
    from orbops.campaigns import Progress
    run_campaign(CampaignSpec(FLAGSHIP, 40, 7), out, workers=1, resume=True, progress=Progress(note=notes.append))
    assert any("failed their checksum" in n and "5" in n for n in notes)
    assert _checksums(out) == reference
    with closing(sqlite3.connect(out / STORE_FILE)) as conn:  # damage the header of the runs table's root page
        root, = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'runs'").fetchone()
        page_size, = conn.execute("PRAGMA page_size").fetchone()
    data = bytearray((out / STORE_FILE).read_bytes())
    data[(root - 1) * page_size:(root - 1) * page_size + 64] = b"\xff" * 64
    (out / STORE_FILE).write_bytes(bytes(data))
    from orbops.campaigns import open_store
    with open_store(out) as store:  # the leaves are intact: every run is kept, in a fresh store
        assert store.salvage is not None and store.salvage.kept == list(range(40)) and not store.salvage.damaged
        assert store.salvage.aside.exists()
    assert _checksums(out) == reference
    assert len(list(out.glob("campaign.sqlite.corrupt-*[0-9]"))) == 1
    (out / STORE_FILE).write_bytes(b"this is not a database" * 100)  # nothing to salvage: all redone
    done = _cli("campaign", str(FLAGSHIP), "--runs", "40", "--out", str(out), "--seed", "7", "--resume",
                "--workers", "1")
    assert done.returncode == 0, done.stderr
    assert "kept 0 intact run(s)" in done.stderr
    assert "the damaged file is kept as campaign.sqlite.corrupt-" in done.stderr
    assert len(list(out.glob("campaign.sqlite.corrupt-*[0-9]"))) >= 1
    assert _checksums(out) == reference


def test_outputs_and_statistics(serial_flagship):
    from orbops.outputs.campaign_report import write_campaign_outputs
    summary = write_campaign_outputs(serial_flagship, Thresholds(lifeboat_hours=1.0, slip_days=60.0))
    on_disk = json.loads((serial_flagship / "summary.json").read_text())
    assert on_disk == json.loads(json.dumps(summary))
    rows = list(csv.DictReader((serial_flagship / "runs.csv").open()))
    assert len(rows) == 40 * 3 and {r["variant"] for r in rows} == {"historical", "prolonged-soyuz-only",
                                                                      "prolonged-with-shenzhou"}
    import pyarrow.parquet as pq
    table = pq.read_table(serial_flagship / "runs.parquet")
    assert table.num_rows == 120 and table.column_names[:3] == ["run", "seed", "variant"]
    assert [str(s) for s in table.column("seed").to_pylist()[:3]] == [r["seed"] for r in rows[:3]]
    v = summary["variants"]["prolonged-soyuz-only"]
    decrewed = [r["iss_decrewed"] == "True" for r in rows if r["variant"] == "prolonged-soyuz-only"]
    assert v["outcomes"]["iss_decrewed"]["count"] == sum(decrewed)
    lo, hi = v["outcomes"]["iss_decrewed"]["ci95"]
    assert lo <= v["outcomes"]["iss_decrewed"]["probability"] <= hi
    gaps = np.array([float(r["iss_presence_gap_days"]) for r in rows if r["variant"] == "prolonged-soyuz-only"])
    stats = v["metrics"]["iss_presence_gap_days"]
    assert stats["mean"] == pytest.approx(gaps.mean()) and stats["p95"] == pytest.approx(np.percentile(gaps, 95))
    assert stats["ci95"][0] <= stats["mean"] <= stats["ci95"][1]
    html = (serial_flagship / "summary.html").read_text()
    assert "<img" in html and "http" not in html.replace("data:image/png;base64,", "")
    assert (serial_flagship / "summary-iss_lifeboat_gap_hours.png").exists()
    # the outcome table agrees with a direct count
    again = summarize([row for r in ResultStore(serial_flagship).results() for row in flatten(r)], ["iss"],
                      Thresholds(lifeboat_hours=1.0, slip_days=60.0))
    assert again["variants"]["historical"]["outcomes"] == summary["variants"]["historical"]["outcomes"]


def test_a_worker_that_dies_is_replaced(tmp_path):
    """Kill one worker process mid-campaign: its runs are retried and the campaign completes."""
    out = tmp_path / "worker"
    proc = subprocess.Popen([sys.executable, "-m", "orbops", "campaign", str(TIANGONG), "--runs", "400",
                             "--out", str(out), "--seed", "5", "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.time() + 300
    while _count(out) < 20 and proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    # workers are forked from the forkserver, itself a child of the campaign process
    servers = [pid for pid in _descendants(proc.pid) if "forkserver" in _cmdline(pid) and _parent(pid) == proc.pid]
    workers = [pid for pid in _descendants(proc.pid) if _parent(pid) in servers]
    assert proc.poll() is None and workers, "no worker to kill"
    os.kill(workers[-1], signal.SIGKILL)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "a worker process died; retrying" in err
    assert _checksums(out).keys() == set(range(400))


def _parent(pid: int) -> int:
    st = _stat(pid)
    return int(st[1]) if st else -1


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.mark.parametrize(("args", "code", "words"), [
    (["--runs", "0"], 2, "--runs"),
    (["--runs", "5", "--workers", "0"], 2, "--workers"),
    (["--runs", "5", "--workers", "2", "--scheduler", "tcp://127.0.0.1:9"], 3, "not both"),
    (["--runs", "5", "--scheduler", "tcp://127.0.0.1:9"], 3, "cannot reach the Dask scheduler"),
    (["--runs", "5", "--lifeboat-threshold-hours", "-1"], 2, "--lifeboat-threshold-hours"),
])
def test_bad_campaign_options(tmp_path, args, code, words):
    done = _cli("campaign", str(FLAGSHIP), "--out", str(tmp_path / "c"), *args)
    assert done.returncode == code, done.stderr
    assert words in done.stderr and "Traceback" not in done.stderr


def test_resume_refuses_another_seed_and_a_foreign_directory(serial_flagship, tmp_path):
    done = _cli("campaign", str(FLAGSHIP), "--runs", "40", "--out", str(serial_flagship), "--seed", "8", "--resume")
    assert done.returncode == 3 and "differs in campaign_seed" in done.stderr
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    done = _cli("campaign", str(FLAGSHIP), "--runs", "4", "--out", str(tmp_path / "other"))
    assert done.returncode == 3 and "is not empty and holds no campaign" in done.stderr


def test_run_one_is_the_scenario_with_the_run_seed():
    sc = load_scenario(FLAGSHIP)
    planner = Planner(sc).prepare()
    result = run_one(sc, planner, 3, run_seed(7, 3))
    assert result.run == 3 and result.seed == run_seed(7, 3)
    assert result.metrics == [r.metrics for r in run_scenario(sc, planner, seed=result.seed, stochastic=True)]
