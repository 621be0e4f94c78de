"""Fit the vehicle models' free parameters to the flight record, on flights up to the end of 2019 only.

    python tools/fit_history.py            # writes src/orbops/data/fitted.toml
    python tools/fit_history.py --check    # fails if fitted.toml is not what the record and elements give

What is fitted, per vehicle model and rendezvous profile (data/vehicles.toml holds the design values
that stand where there is nothing to fit):

* ``lead_s``: the recorded launch minus the in-plane instant (on a branch the site allows), median over
  the training flights timed for the profile (its ``planned_profile`` where it fell back to another)
  whose station set lies within ``--max-lead-age`` days of the launch (the plane of a set weeks old
  still gives the in-plane instant to a fraction of a minute);
* ``revolutions``: the chaser's revolutions from insertion to docking, from the recorded docking, the
  phase angle at insertion and the station's period (``RendezvousProfile``; for a chase, the least
  revolutions given the phasing orbit's catch-up rate), median over the flights that flew the profile
  whose station set lies within ``--max-phase-age`` days (the phase of an older set is off by degrees);
  a profile with no such flight keeps its design value;
* the return: ``min_return_s`` (undocking to the earliest landing pass: the value that puts the most
  training landings on the pass they came down on), ``return_s`` (undocking to the landing pass, median)
  and ``landing_offset_s`` (landing minus the station track's closest approach to the zone, median), from
  flights whose set lies within ``--max-phase-age`` days of the undocking (a pass time, like the phase,
  moves with the station's along-track error).

Nothing after ``--until`` is used: not the flights launched later, not an undocking or landing of an
earlier flight that came later, not an element set of a later epoch. Each geometry uses the station
set nearest the event (before or after it, up to ``--until``: a reconstruction, not a prediction);
``orbops replay`` predicts from the set before and reports the later flights as held out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from orbops import load_catalog  # noqa: E402
from orbops.errors import StaleElementsWarning  # noqa: E402
from orbops.geometry import Orbits, landing_opportunities, landing_zones  # noqa: E402
from orbops.history import flight_record, record_path  # noqa: E402
from orbops.history.replay import TRAINING_END, flight_geometry  # noqa: E402
from orbops.ops.vehicles import vehicle_models  # noqa: E402
from orbops.timescales import NS_PER_DAY, format_utc, to_ns  # noqa: E402

OUT = ROOT / "src" / "orbops" / "data" / "fitted.toml"


def _median(values):
    return float(np.median(values))


def fit_profiles(flights, catalog, models, *, max_lead_age, max_phase_age):
    """Per vehicle and profile: lead_s and revolutions with the flights and residuals behind them."""
    out: dict = {}
    geometry = {}
    for f in flights:
        model = models.get(f.vehicle_class)
        names = {p.name for p in model.profiles} if model is not None else set()
        if not names or not f.site or not ({f.profile, f.launch_profile} & names):
            continue
        g = flight_geometry(f, catalog, pick="nearest")
        if g is not None:
            geometry[f.flight] = (f, g)
    for vid, model in models.items():
        for prof in model.profiles:
            entry: dict = {}
            timed = [(f, g) for f, g in geometry.values() if f.vehicle_class == vid and f.launch_profile == prof.name
                     and abs(g.age_days) <= max_lead_age]
            if timed:
                lead = _median([g.lead_s for _, g in timed])
                entry["lead_s"] = round(lead, 1)
                entry["fit_lead"] = {"flights": [f.flight for f, _ in timed],
                                     "elements_age_days": [round(g.age_days, 2) for _, g in timed],
                                     "residual_s": [round(g.lead_s - lead, 1) for _, g in timed]}
            flew = [(f, g) for f, g in geometry.values() if f.vehicle_class == vid and f.profile == prof.name
                    and f.docking is not None and abs(g.age_days) <= max_phase_age]
            if flew:
                revs = []
                for f, g in flew:
                    dur = (to_ns(f.docking) - to_ns(f.launch)) / 1e9 - model.ascent.ascent_s - prof.docking_s
                    n = dur / g.period_s + g.phase_deg / 360.0
                    if prof.chase:  # the least revolutions, given the catch-up of the phasing orbit
                        n -= float(prof.chaser_revolutions(g.phase_deg, g.period_s)) - prof.revolutions
                    revs.append(n)
                n_fit = _median(revs)
                entry["revolutions"] = round(n_fit, 4)
                entry["fit_revolutions"] = {
                    "flights": [f.flight for f, _ in flew], "elements_age_days": [round(g.age_days, 2) for _, g in flew],
                    "residual_min": [round((n - n_fit) * g.period_s / 60.0, 1) for n, (_, g) in zip(revs, flew)]}
            if entry:
                out.setdefault(vid, {}).setdefault("profiles", {})[prof.name] = entry
    return out


def fit_returns(flights, catalog, models, *, max_age, until_ns):
    """Per vehicle: min_return_s, return_s and landing_offset_s from recorded undockings and landings."""
    out: dict = {}
    zones = landing_zones()
    for vid, model in models.items():
        cases = []
        for f in flights:
            if f.vehicle_class != vid or f.undocking is None or f.landing is None or to_ns(f.landing) > until_ns:
                continue
            zone = zones.get(f.landing_zone or (model.landing_zone or ""))
            if zone is None:
                continue
            sets = catalog.history(f.station_object)
            undock = to_ns(f.undocking)
            ep = sets.epoch.astype(np.int64)
            row = int(np.argmin(np.abs(ep - undock)))
            if abs(undock - ep[row]) / NS_PER_DAY > max_age:
                continue
            orbits = Orbits(sets[[row]], [int(sets.norad_id[row])], max_age_days=None)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", StaleElementsWarning)
                passes = landing_opportunities(orbits, 0, zone, undock, undock + NS_PER_DAY // 2)
            t = np.array([p.time_ns for p in passes], dtype=np.int64)
            if len(t) == 0:
                continue
            k = int(np.argmin(np.abs(t - to_ns(f.landing))))
            prev = (t[k - 1] - undock) / 1e9 if k > 0 else 0.0
            cases.append((f, prev, (t[k] - undock) / 1e9, (to_ns(f.landing) - t[k]) / 1e9))
        if not cases:
            continue
        # the least return time that puts the most landings on the pass they came down on
        candidates = sorted({c[2] for c in cases})
        best = max(candidates, key=lambda m: (sum(c[1] < m <= c[2] for c in cases), -m))
        lower = max([c[1] for c in cases if c[1] < best <= c[2]], default=0.0)
        min_return = (lower + best) / 2.0
        typical = _median([c[2] for c in cases])
        offset = _median([c[3] for c in cases])
        out[vid] = {"return": {
            "min_return_s": round(min_return, 0), "return_s": round(typical, 0), "landing_offset_s": round(offset, 1),
            "fit": {"flights": [c[0].flight for c in cases],
                    "on_their_pass": [bool(c[1] < min_return <= c[2]) for c in cases],
                    "undock_to_pass_s": [round(c[2], 0) for c in cases],
                    "offset_residual_s": [round(c[3] - offset, 1) for c in cases]}}}
    return out


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(float(v)) if isinstance(v, float) else str(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(type(v))


def _toml(table: dict, prefix: str = "") -> list[str]:
    lines, subs = [], []
    for k, v in table.items():
        if isinstance(v, dict):
            subs.append((k, v))
        else:
            lines.append(f"{k} = {_toml_value(v)}")
    out = []
    if prefix and lines:
        out += ["", f"[{prefix}]"] + lines
    elif lines:
        out += lines
    for k, v in subs:
        key = k if k.replace("-", "").replace("_", "").isalnum() and not k[0].isdigit() else _toml_value(k)
        out += _toml(v, f"{prefix}.{key}" if prefix else key)
    return out


def build(args) -> str:
    record = record_path()
    until = to_ns(args.until)
    flights = [f for f in flight_record() if to_ns(f.launch) <= until]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        everything = load_catalog(ROOT / "tle")
    catalog = everything[np.flatnonzero(everything.epoch.astype(np.int64) <= until)]  # no set from after --until
    models = vehicle_models(fitted=False)  # the design values: the fit never feeds on itself
    fitted = fit_profiles(flights, catalog, models, max_lead_age=args.max_lead_age, max_phase_age=args.max_phase_age)
    for vid, entry in fit_returns(flights, catalog, models, max_age=args.max_phase_age, until_ns=until).items():
        fitted.setdefault(vid, {}).update(entry)
    provenance = {
        "command": "python tools/fit_history.py", "record": "src/orbops/data/flights.csv",
        "record_sha256": hashlib.sha256(record.read_bytes()).hexdigest(), "elements": "tle/",
        "training_until": format_utc(until), "training_flights": len(flights),
        "max_lead_age_days": args.max_lead_age, "max_phase_age_days": args.max_phase_age,
    }
    head = ["# Vehicle-model values fitted to the flight record by tools/fit_history.py: do not edit by hand.",
            "# Trained on flights launched up to training_until; `orbops replay` reports later flights as held",
            "# out. Each value lists the flights behind it, their element-set ages and the residuals."]
    return "\n".join(head + _toml({"provenance": provenance}) + _toml(fitted)) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--until", default=TRAINING_END, help="train on flights launched up to this UTC instant")
    ap.add_argument("--max-lead-age", type=float, default=30.0, metavar="DAYS")
    ap.add_argument("--max-phase-age", type=float, default=10.0, metavar="DAYS")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="compare with the file instead of writing it")
    args = ap.parse_args()
    text = build(args)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out}: out of date: run python tools/fit_history.py", file=sys.stderr)
            return 1
        print(f"{args.out}: up to date")
        return 0
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.out)
    print(f"wrote {args.out} ({dt.date.today()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
