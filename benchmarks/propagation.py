"""Propagation throughput and accuracy of every orbops backend against the sgp4 library, astroz, heyoka
and skyfield, in the same interleaved rounds.

Batches: LEO 1000 x 1440 and 10000 x 1440, the real mixed catalog (near-earth
and deep space, every set once) x 1440, deep space only 200 x 1440, one LEO
satellite x 1,000,000 times; ratios against SatrecArray per round (median and
range over rounds), each method's largest position difference from the sgp4
library, peak memory per call; and the scaling plot (throughput against batch
size) as a PNG. astroz and heyoka come with ``pip install -e ".[bench]"``
(skipped with a note when absent).

    python benchmarks/propagation.py [--repeats 3] [--out benchmarks/results]

It runs ``orbops bench`` with the standard batches; see ``orbops bench --help``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from click.testing import CliRunner

from orbops.cli import cli

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    ap.add_argument("--no-plot", action="store_true", help="Leave out the scaling curve (faster).")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    png = args.out / "propagation-scaling.png"
    common = ["bench", "--repeats", str(args.repeats), "--elements",
              str(REPO / "tle" / "catalog-gpredict-20180122.tle")] + ([] if args.no_plot else ["--plot", str(png)])
    result = CliRunner().invoke(cli, common + ["--json"])
    if result.exit_code != 0:
        print(result.output, file=sys.stderr)
        return result.exit_code
    data = json.loads(result.stdout)
    (args.out / "propagation.json").write_text(json.dumps(data, indent=2))
    if data["skipped"]:
        print(f"not installed, skipped: {', '.join(data['skipped'])} (pip install -e '.[bench]')")
    print(f"{'catalog':8} {'batch':>15} {'method':9} {'M evals/s':>10} {'x SatrecArray':>14} {'(rounds)':>11} "
          f"{'max dr (m)':>11} {'peak MB':>8}")
    for r in data["results"]:
        lo, hi = r["ratio_range"]
        dr = "" if r["max_dr_m"] is None else f"{r['max_dr_m']:.3g}"
        print(f"{r['kind']:8} {r['n_sat']:>6} x {r['n_time']:<7} {r['method']:9} {r['evals_per_s'] / 1e6:10.2f} "
              f"{r['ratio_to_satrecarray']:14.2f} {lo:5.2f}-{hi:<5.2f} {dr:>11} {r['peak_mb']:8.0f}")
    print(f"{data['cpu_count']} CPUs, peak RSS {data['peak_rss_mb']:.0f} MB; plot {png}; json {args.out / 'propagation.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
