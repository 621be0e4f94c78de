"""Where the time of ``orbops propagate`` goes on a large replicated catalog, stage by stage.

Replicates the 979-object catalog in tle/ to N objects (as ``stream_memory.py``),
then runs, in this process, the same pieces as ``orbops propagate`` over one day
at 60 s, each timed on its own: propagation (``stream``), frame conversion
(``express``), encoding (the state writer onto a memory file system, /dev/shm when
there is one) and the disk (the same writer onto the output directory, minus
encoding), and the whole command in a child process with its peak RSS.

    python benchmarks/stream_breakdown.py [--objects 30000] [--format parquet] [--frame teme] [--dir DIR]
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stream_memory import replicate  # noqa: E402

from orbops import load_catalog  # noqa: E402
from orbops.frames import express  # noqa: E402
from orbops.outputs import open_state_writer  # noqa: E402
from orbops.propagation import stream  # noqa: E402
from orbops.timescales import Times  # noqa: E402

COLUMNS = {"teme": ["x_km", "y_km", "z_km", "vx_km_s", "vy_km_s", "vz_km_s"],
           "itrs": ["x_km", "y_km", "z_km", "vx_km_s", "vy_km_s", "vz_km_s"],
           "geodetic": ["lat_deg", "lon_deg", "alt_km"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--objects", type=int, default=30000)
    ap.add_argument("--format", default="parquet", choices=["parquet", "csv", "npz"])
    ap.add_argument("--frame", default="teme", choices=sorted(COLUMNS))
    ap.add_argument("--dir", type=Path, default=None, help="directory on the disk to write to (default: a temp dir)")
    args = ap.parse_args()
    shm = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp, tempfile.TemporaryDirectory(dir=shm) as mem:
        tle = Path(tmp) / "replicated.tle"
        replicate(args.objects, tle)
        catalog = load_catalog(tle).latest()
        times = Times.span("2018-01-22", "2018-01-23", 60)
        n = len(catalog) * len(times)
        t0 = time.perf_counter()
        for _ in stream(catalog, times):
            pass
        t_prop = time.perf_counter() - t0
        t_frame = t_enc = t_disk = 0.0  # the file writer runs in this thread here (orbops propagate overlaps it)
        for target in (Path(mem), Path(tmp)):
            out = target / f"states.{args.format}"
            elapsed = {"frame": 0.0, "write": 0.0}
            with open_state_writer(str(out), args.format, COLUMNS[args.frame], catalog.norad_id, catalog.name,
                                   times.datetime64) as writer:
                for c in stream(catalog, times):
                    t1 = time.perf_counter()
                    values = express(c.states, args.frame)
                    t2 = time.perf_counter()
                    writer.write(c.sats, c.times, values, c.states.codes)
                    elapsed["frame"] += t2 - t1
                    elapsed["write"] += time.perf_counter() - t2
            out.unlink()
            if target == Path(mem):
                t_frame, t_enc = elapsed["frame"], elapsed["write"]
            else:  # the writer's time on the disk, less its time on the memory file system
                t_disk = max(0.0, elapsed["write"] - t_enc)
        cmd = [sys.executable, "-m", "orbops", "propagate", str(tle), "--start", "2018-01-22", "--stop",
               "2018-01-23", "--step", "60", "--frame", args.frame, "-o", str(Path(tmp) / f"cli.{args.format}")]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{args.objects} objects x {len(times)} times = {n / 1e6:.1f} M samples, {args.format}, {args.frame}")
    for name, t in (("propagation (stream)", t_prop), ("frame conversion", t_frame), ("encoding (memory fs)", t_enc),
                    ("disk (beyond encoding)", t_disk)):
        print(f"  {name:24} {t:6.2f} s  ({n / t / 1e6 if t > 0 else float('inf'):7.1f} M samples/s)")
    print(f"  orbops propagate, whole: {wall:.2f} s wall, exit {proc.returncode}, peak RSS {peak_mb:.0f} MB "
          f"({os.cpu_count()} CPUs)")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
