"""Monte Carlo campaign throughput: runs per second with 1 and 2 local workers, and on Dask.

Runs ``orbops campaign`` through its Python API (the same code path as the
CLI) into fresh temporary directories, so each figure includes computing
the geometry once, starting the workers and committing every run to the
SQLite store. Results of every execution are checked to be identical.

    python benchmarks/campaign.py [--scenario scenarios/shenzhou-iss-backup-2011.toml] [--runs 1000] [--dask]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    from orbops.campaigns import STORE_FILE, CampaignSpec, run_campaign

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenario", default=str(REPO / "scenarios" / "shenzhou-iss-backup-2011.toml"))
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=2011)
    ap.add_argument("--dask", action="store_true", help="also run on a 2-worker Dask LocalCluster")
    ap.add_argument("--json", default=str(REPO / "benchmarks" / "results" / "campaign.json"))
    args = ap.parse_args()
    spec = CampaignSpec(Path(args.scenario), args.runs, args.seed)
    results, stores = [], {}
    setups = [("local, 1 worker (in process)", {"workers": 1}), ("local, 2 worker processes", {"workers": 2})]
    cluster = None
    if args.dask:
        from dask.distributed import LocalCluster
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None)
        setups.append(("Dask LocalCluster, 2 workers", {"scheduler": cluster.scheduler_address}))
    try:
        for label, kwargs in setups:
            with tempfile.TemporaryDirectory() as tmp:
                t0 = time.perf_counter()
                run_campaign(spec, Path(tmp), **kwargs)
                wall = time.perf_counter() - t0
                with sqlite3.connect(Path(tmp) / STORE_FILE) as conn:
                    stores[label] = dict(conn.execute("SELECT run, checksum FROM runs"))
            results.append({"setup": label, "runs": args.runs, "wall_s": round(wall, 2),
                            "runs_per_s": round(args.runs / wall, 1)})
            print(f"{label:32s} {args.runs} runs in {wall:6.1f} s  {args.runs / wall:7.1f} runs/s", flush=True)
    finally:
        if cluster is not None:
            cluster.close()
    same = all(s == next(iter(stores.values())) for s in stores.values())
    base = results[0]["runs_per_s"]
    for r in results:
        r["speedup_vs_1_worker"] = round(r["runs_per_s"] / base, 2)
    print(f"identical results in every setup: {same}")
    print("scaling 1 -> 2 local workers: " f"{results[1]['runs_per_s'] / base:.2f}x")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"scenario": Path(args.scenario).name, "results": results,
                                           "identical": same}, indent=2) + "\n")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
