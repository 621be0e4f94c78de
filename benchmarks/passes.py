"""Passes of many satellites over one site: orbops against a loop of skyfield's find_events.

1000 near-earth objects (the 2018 catalogue snapshot in tle/, cycled to 1000
with distinct catalog numbers) over Baikonur for one day, 10 deg mask; both
methods measured in the same run, results compared event by event.

    python benchmarks/passes.py [--objects 1000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    from skyfield.api import EarthSatellite, load, wgs84

    from orbops import Catalog, Site, load_catalog
    from orbops.elements.tle import to_tle_lines
    from orbops.errors import StaleElementsWarning
    from orbops.geometry import Orbits, passes

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--objects", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    warnings.simplefilter("ignore", StaleElementsWarning)
    snap = load_catalog(REPO / "tle" / "catalog-gpredict-20180122.tle").latest()
    leo = list(snap[1440.0 / snap.mean_motion_rev_day < 225.0])
    sets = [leo[i % len(leo)].replace(norad_id=200000 + i) for i in range(args.objects)]
    lines = [to_tle_lines(leo[i % len(leo)]) for i in range(args.objects)]
    site = Site(45.920278, 63.342222, 0.090, "Baikonur 1/5")
    t0 = int(np.datetime64("2018-01-22", "ns").astype(np.int64))
    t1 = t0 + 86_400 * 10**9
    ts = load.timescale(builtin=True)
    topos = wgs84.latlon(site.lat_deg, site.lon_deg, elevation_m=90.0)
    T0, T1 = ts.utc(2018, 1, 22), ts.utc(2018, 1, 23)
    sky_objs = [EarthSatellite(*ln, ts=ts) for ln in lines]

    def ours():
        return passes(Orbits(Catalog(sets)), site, t0, t1, min_el_deg=10.0)

    def theirs():
        return [s.find_events(topos, T0, T1, altitude_degrees=10.0) for s in sky_objs]

    ours(), theirs()  # warm-up (compilation, caches)
    t_ours, t_sky = [], []
    for _ in range(args.repeats):
        a = time.perf_counter(); mine = ours(); b = time.perf_counter()
        ref = theirs(); c = time.perf_counter()
        t_ours.append(b - a)
        t_sky.append(c - b)
    # same results: culmination count per object and times within 1 s
    by_id = {}
    for p in mine:
        by_id.setdefault(p.norad_id, []).append(p.culminate_ns)
    worst, mismatched, total = 0.0, 0, 0
    for i, (t, e) in enumerate(ref):
        cul = [np.datetime64(x.utc_datetime().replace(tzinfo=None), "ns").astype(np.int64)
               for x, k in zip(t, e) if k == 1]
        got = by_id.get(200000 + i, [])
        total += len(cul)
        if len(cul) != len(got):
            mismatched += 1
            continue
        if cul:
            worst = max(worst, float(np.max(np.abs(np.array(cul) - np.array(got)))) / 1e9)
    print(f"{args.objects} objects x 1 day over {site}: {len(mine)} passes (skyfield: {total} culminations)")
    print(f"orbops   {np.median(t_ours):.3f} s   skyfield find_events loop {np.median(t_sky):.3f} s   "
          f"speed-up x{np.median(np.array(t_sky) / np.array(t_ours)):.1f}")
    print(f"objects with a different number of passes: {mismatched}; worst culmination difference {worst:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
