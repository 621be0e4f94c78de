"""CZML export of a run (the JSON scene format CesiumJS loads).

One packet per station and per vehicle. Positions are Earth-fixed (CZML
``FIXED``, ITRS metres) samples from the propagation, interpolated by
Lagrange polynomials. A vehicle is available from launch to landing: its
flight to the station follows the illustrative approach path
(:func:`orbops.outputs.approach.approach_path`), its docked intervals
reference the station's position, and its return follows the station's
orbit until the last 45 minutes, then descends to the landing zone.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np

from ..errors import OrbopsError
from ..frames import teme_to_itrs
from ..geometry import Orbits
from ..sim import RunRecord
from ..timescales import NS_PER_DAY, format_utc, to_ns
from .approach import approach_path
from .atomic import atomic_write_text
from .rundir import RunDir, read_run_dir

__all__ = ["build_czml", "write_czml", "export_span", "DEFAULT_SPAN_DAYS"]

DEFAULT_SPAN_DAYS = 30.0
DESCENT_S = 45 * 60.0
_COLORS = ([255, 80, 80, 255], [80, 160, 255, 255], [90, 200, 120, 255], [240, 180, 60, 255],
           [200, 120, 230, 255], [160, 160, 160, 255])


def _iso(t_ns: int) -> str:
    return format_utc(int(t_ns), 3)


def _interval(a_ns: int, b_ns: int) -> str:
    return f"{_iso(a_ns)}/{_iso(b_ns)}"


def _cartesian(t_ns: np.ndarray, r_m: np.ndarray, epoch_ns: int) -> list[float]:
    """``[t, x, y, z, t, x, y, z, ...]``: seconds from ``epoch_ns`` and metres."""
    out = np.empty((len(t_ns), 4))
    out[:, 0] = (np.asarray(t_ns, dtype=np.int64) - epoch_ns) / 1e9
    out[:, 1:] = np.round(r_m, 1)
    return out.ravel().tolist()


def _grid(a_ns: int, b_ns: int, step_s: float) -> np.ndarray:
    step = int(round(step_s * 1e9))
    return np.unique(np.r_[np.arange(a_ns, b_ns, step, dtype=np.int64), b_ns])


def _sampled(t_ns, r_m, epoch_ns: int) -> dict:
    epoch = _iso(epoch_ns)  # to the millisecond: the sample times count from the epoch as written
    return {"epoch": epoch, "referenceFrame": "FIXED", "interpolationAlgorithm": "LAGRANGE",
            "interpolationDegree": 5, "cartesian": _cartesian(t_ns, r_m, to_ns(epoch))}


def export_span(record: RunRecord, start_ns: int | None = None, stop_ns: int | None = None) -> tuple[int, int]:
    """The span to export: as given, else the whole run when it is at most ``DEFAULT_SPAN_DAYS`` long,
    else ``DEFAULT_SPAN_DAYS`` from a day before the first launch (or from the start)."""
    span = int(DEFAULT_SPAN_DAYS * NS_PER_DAY)
    if start_ns is None:
        launches = [f.launch_ns for f in record.trips().values() if f.launch_ns is not None]
        start_ns = record.start_ns
        if record.end_ns - record.start_ns > span and launches:
            start_ns = max(record.start_ns, min(launches) - NS_PER_DAY)
    t0 = max(record.start_ns, start_ns)
    t1 = min(record.end_ns, t0 + span if stop_ns is None else stop_ns)
    return t0, t1


def build_czml(run_dir: RunDir, *, variant: str | None = None, start_ns: int | None = None,
               stop_ns: int | None = None, step_s: float = 60.0) -> list[dict]:
    """The CZML document (a list of packets) of one variant of a run directory."""
    sc = run_dir.scenario
    record = run_dir.record(variant)
    t0, t1 = export_span(record, start_ns, stop_ns)
    if t1 <= t0:
        raise OrbopsError(f"empty export span {_iso(t0)} to {_iso(t1)}: the run covers {_iso(record.start_ns)} to "
                          f"{_iso(record.end_ns)}")
    orbits = Orbits(sc.catalog, [s.object for s in sc.stations], max_age_days=None)
    doc = [{"id": "document", "name": f"{sc.name} ({record.variant_name})", "version": "1.0",
            "clock": {"interval": _interval(t0, t1), "currentTime": _iso(t0), "multiplier": 60,
                      "range": "LOOP_STOP", "step": "SYSTEM_CLOCK_MULTIPLIER"}}]
    grid = _grid(t0, t1, step_s)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r_all, _, _ = orbits.itrs(np.arange(len(sc.stations)), grid[None, :])
    shown = record.station_ids()
    station_ids = {}
    for k, s in enumerate(sc.stations):
        if s.id not in shown:
            continue
        pid = f"station/{s.id}"
        station_ids[s.id] = (pid, k)
        doc.append({
            "id": pid, "name": s.name, "availability": _interval(t0, t1),
            "description": f"{s.name} (object {s.object}), crew capacity {s.crew_capacity}",
            "label": {"text": s.name, "font": "13pt sans-serif", "pixelOffset": {"cartesian2": [12, 0]},
                      "fillColor": {"rgba": [255, 255, 255, 255]}},
            "point": {"pixelSize": 9, "color": {"rgba": [255, 255, 0, 255]}},
            "path": {"show": True, "leadTime": 2800, "trailTime": 2800, "resolution": 60, "width": 1,
                     "material": {"solidColor": {"color": {"rgba": [255, 255, 0, 160]}}}},
            "position": _sampled(grid, r_all[k] * 1000.0, t0),
        })
    class_of = {v.serial: sc.lookup("vehicle_classes", v.vehicle_class) for v in sc.vehicles}
    windows = {w.mission: w.window for w in record.windows_used}
    docked = record.docked_intervals()
    trips = record.trips()
    for n, (serial, trip) in enumerate(sorted(trips.items(), key=lambda kv: (kv[1].launch_ns or 0, kv[0]))):
        if trip.station not in station_ids:
            continue
        pid_station, obj = station_ids[trip.station]
        vc = class_of[serial]
        begin = trip.launch_ns if trip.launch_ns is not None else record.start_ns
        end = trip.landing_ns if trip.landing_ns is not None else record.end_ns
        if trip.failed:  # it flies until the failure (at most its ascent), not to the end of the run
            end = min(end, begin + int(round(vc.ascent.ascent_s * 1e9)))
        if end <= t0 or begin >= t1:
            continue
        pieces = _vehicle_positions(sc, docked, trip, vc, windows.get(trip.mission), orbits, obj, pid_station,
                                    max(begin, t0), min(end, t1), step_s)
        if not pieces:
            continue
        color = _COLORS[n % len(_COLORS)]
        crew = ", ".join(trip.crew_up) or "uncrewed"
        doc.append({
            "id": f"vehicle/{serial}", "name": serial, "availability": _interval(max(begin, t0), min(end, t1)),
            "description": f"{serial} ({vc.name}), mission {trip.mission}; crew up: {crew}",
            "label": {"text": serial, "font": "11pt sans-serif", "pixelOffset": {"cartesian2": [10, 14]},
                      "fillColor": {"rgba": color}},
            "point": {"pixelSize": 6, "color": {"rgba": color}},
            "path": {"show": True, "leadTime": 0, "trailTime": 5600, "resolution": 30, "width": 2,
                     "material": {"solidColor": {"color": {"rgba": color}}}},
            "position": pieces,
        })
    return doc


def _vehicle_positions(sc, docked, trip, vc, window, orbits, obj, station_pid, a_ns, b_ns, step_s) -> list[dict]:
    """Interval pieces of a vehicle's position within ``[a_ns, b_ns]``."""
    pieces = []
    docked = [iv for iv in docked if iv.vehicle == trip.vehicle]
    dock_ns = trip.docking_ns if trip.docking_ns is not None else (docked[0].start_ns if docked else None)
    if trip.launch_ns is not None and window is not None:
        site = sc.lookup("spaceports", vc.spaceport).site.site
        planned = window.docking_ns
        end = dock_ns if dock_ns is not None else (planned or trip.landing_ns or trip.launch_ns)
        end = min(end, planned) if planned is not None else end
        if trip.failed:
            end = trip.launch_ns + int(round(vc.ascent.ascent_s * 1e9))
        t, r = approach_path(orbits, obj, site, trip.launch_ns, max(end, trip.launch_ns + 1), ascent=vc.ascent,
                             step_s=min(step_s, 30.0))
        keep = (t >= a_ns) & (t <= b_ns)
        if keep.sum() >= 2:
            r_itrs = teme_to_itrs(r[keep], t[keep].astype("datetime64[ns]")) * 1000.0
            pieces.append(dict(_sampled(t[keep], r_itrs, int(t[keep][0])), interval=_interval(t[keep][0], t[keep][-1])))
    for iv in docked:
        lo, hi = max(iv.start_ns, a_ns), min(iv.end_ns, b_ns)
        if hi > lo:
            pieces.append({"interval": _interval(lo, hi), "reference": f"{station_pid}#position"})
    if trip.undocking_ns is not None and trip.landing_ns is not None:
        descent = max(trip.undocking_ns, trip.landing_ns - int(DESCENT_S * 1e9))
        lo, hi = max(trip.undocking_ns, a_ns), min(descent, b_ns)
        if hi > lo:
            pieces.append({"interval": _interval(lo, hi), "reference": f"{station_pid}#position"})
        zone = sc.lookup("landing_sites", vc.landing).zone if vc.landing else None
        if zone is not None and descent < b_ns and trip.landing_ns > a_ns:
            t = _grid(descent, trip.landing_ns, min(step_s, 60.0))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r0 = orbits.itrs(np.array([obj]), np.array([[descent]]))[0][0, 0]
            r1 = zone.site.ecef_km
            f = ((t - descent) / max(1, trip.landing_ns - descent))[:, None]
            u0, u1 = r0 / np.linalg.norm(r0), r1 / np.linalg.norm(r1)
            direction = (1 - f) * u0 + f * u1
            direction /= np.linalg.norm(direction, axis=1, keepdims=True)
            radius = (1 - f) * np.linalg.norm(r0) + f * np.linalg.norm(r1)
            keep = (t >= a_ns) & (t <= b_ns)
            if keep.sum() >= 2:
                pieces.append(dict(_sampled(t[keep], (direction * radius)[keep] * 1000.0, int(t[keep][0])),
                                   interval=_interval(t[keep][0], t[keep][-1])))
    return pieces


def write_czml(run_dir: str | Path, out: str | Path, **kwargs) -> tuple[Path, list[dict]]:
    """Write the CZML of a run directory to ``out`` (atomically); returns the path and the packets."""
    doc = build_czml(read_run_dir(run_dir), **kwargs)
    out = Path(out)
    atomic_write_text(out, json.dumps(doc, separators=(",", ":")) + "\n")
    return out, doc
