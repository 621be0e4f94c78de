"""Peak memory of ``orbops propagate`` on a large replicated catalog (bounded by streaming).

Replicates the 979-object catalog in tle/ to N objects (distinct catalog
numbers, Alpha-5 above 99999), propagates one day at 60 s and reports the
child process's peak RSS and wall time. Target: 30,000 objects under 1.5 GB.

    python benchmarks/stream_memory.py [--objects 30000] [--format parquet] [--frame teme]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def replicate(n_objects: int, out: Path) -> None:
    from orbops import load_catalog
    from orbops.elements import write_tle

    base = list(load_catalog(REPO / "tle" / "catalog-gpredict-20180122.tle", strict=True))
    records = []
    for i in range(n_objects):
        es = base[i % len(base)]
        records.append(es.replace(norad_id=100000 + i, name=f"{es.name} #{i // len(base)}"))
    out.write_text(write_tle(records))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--objects", type=int, default=30000)
    ap.add_argument("--format", default="parquet", choices=["parquet", "csv", "npz"])
    ap.add_argument("--frame", default="teme", choices=["teme", "itrs", "geodetic"])
    ap.add_argument("--keep", action="store_true", help="keep the output file")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tle = Path(tmp) / "replicated.tle"
        replicate(args.objects, tle)
        out = Path(tmp) / f"states.{args.format}"
        cmd = [sys.executable, "-m", "orbops", "propagate", str(tle), "--start", "2018-01-22",
               "--stop", "2018-01-23", "--step", "60", "--frame", args.frame, "-o", str(out)]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        size_mb = out.stat().st_size / 2**20 if out.exists() else 0
        print(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "")
        print(f"objects {args.objects}, {args.format}, {args.frame}: exit {proc.returncode}, wall {wall:.1f} s, "
              f"peak RSS {peak_mb:.0f} MB, file {size_mb:.0f} MB")
        if args.keep and out.exists():
            os.replace(out, REPO / out.name)
        return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
