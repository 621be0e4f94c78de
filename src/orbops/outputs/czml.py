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

from ..elements import load_catalog
from ..errors import OrbopsError
from ..frames import geodetic_to_ecef, teme_to_itrs
from ..geometry import Orbits
from .approach import approach_path
from ..timescales import NS_PER_DAY, format_utc
from .atomic import atomic_write_text
from .rundir import read_run_dir
from .runview import ascent_of, run_views, site_of, to_ns

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
    return {"epoch": _iso(epoch_ns), "referenceFrame": "FIXED", "interpolationAlgorithm": "LAGRANGE",
            "interpolationDegree": 5, "cartesian": _cartesian(t_ns, r_m, epoch_ns)}


def export_span(view, start_ns: int | None = None, stop_ns: int | None = None) -> tuple[int, int]:
    """The span to export: as given, else the whole run when it is at most ``DEFAULT_SPAN_DAYS`` long,
    else ``DEFAULT_SPAN_DAYS`` from a day before the first launch (or from the start)."""
    span = int(DEFAULT_SPAN_DAYS * NS_PER_DAY)
    if start_ns is None:
        launches = [f.launch_ns for f in view.flights.values() if f.launch_ns is not None]
        start_ns = view.start_ns
        if view.end_ns - view.start_ns > span and launches:
            start_ns = max(view.start_ns, min(launches) - NS_PER_DAY)
    t0 = max(view.start_ns, start_ns)
    t1 = min(view.end_ns, t0 + span if stop_ns is None else stop_ns)
    return t0, t1


def build_czml(data: dict, *, variant: str | None = None, start_ns: int | None = None, stop_ns: int | None = None,
               step_s: float = 60.0) -> list[dict]:
    """The CZML document (a list of packets) of one variant of a run directory's data."""
    sc = data["scenario"]
    views = run_views(data)
    if variant is None:
        view = views[0]
    else:
        matches = [v for v in views if v.id == variant]
        if not matches:
            raise OrbopsError(f"no variant {variant!r} in this run: expected one of {', '.join(v.id for v in views)}")
        view = matches[0]
    t0, t1 = export_span(view, start_ns, stop_ns)
    if t1 <= t0:
        raise OrbopsError(f"empty export span {_iso(t0)} to {_iso(t1)}: the run covers {_iso(view.start_ns)} to "
                          f"{_iso(view.end_ns)}")
    missing = [f for f in sc["element_files"] if not Path(f).exists()]
    if missing:
        raise OrbopsError(f"the run's element file(s) {', '.join(missing)} are gone: CZML positions need them")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        catalog = load_catalog(*sc["element_files"])
    orbits = Orbits(catalog, [s["object"] for s in sc["stations"]], max_age_days=None)
    doc = [{"id": "document", "name": f"{sc['name']} ({view.name})", "version": "1.0",
            "clock": {"interval": _interval(t0, t1), "currentTime": _iso(t0), "multiplier": 60,
                      "range": "LOOP_STOP", "step": "SYSTEM_CLOCK_MULTIPLIER"}}]
    grid = _grid(t0, t1, step_s)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r_all, _, _ = orbits.itrs(np.arange(len(sc["stations"])), grid[None, :])
    station_ids = {}
    for k, s in enumerate(sc["stations"]):
        if s["id"] not in view.station_ids():
            continue
        pid = f"station/{s['id']}"
        station_ids[s["id"]] = (pid, k)
        doc.append({
            "id": pid, "name": s["name"] or s["id"], "availability": _interval(t0, t1),
            "description": f"{s['name'] or s['id']} (object {s['object']}), crew capacity {s['crew_capacity']}",
            "label": {"text": s["name"] or s["id"], "font": "13pt sans-serif", "pixelOffset": {"cartesian2": [12, 0]},
                      "fillColor": {"rgba": [255, 255, 255, 255]}},
            "point": {"pixelSize": 9, "color": {"rgba": [255, 255, 0, 255]}},
            "path": {"show": True, "leadTime": 2800, "trailTime": 2800, "resolution": 60, "width": 1,
                     "material": {"solidColor": {"color": {"rgba": [255, 255, 0, 160]}}}},
            "position": _sampled(grid, r_all[k] * 1000.0, t0),
        })
    classes = {c["id"]: c for c in sc["vehicle_classes"]}
    class_of = {v["serial"]: v["vehicle_class"] for v in sc["vehicles"]}
    ports = {p["id"]: p for p in sc["spaceports"]}
    zones = {z["id"]: z["zone"] for z in sc["landing_sites"]}
    windows = {w["mission"]: w for w in view.windows_used}
    for n, (serial, flight) in enumerate(sorted(view.flights.items(), key=lambda kv: (kv[1].launch_ns or 0, kv[0]))):
        if flight.station not in station_ids:
            continue
        pid_station, obj = station_ids[flight.station]
        begin = flight.launch_ns if flight.launch_ns is not None else view.start_ns
        end = flight.landing_ns if flight.landing_ns is not None else view.end_ns
        if end <= t0 or begin >= t1:
            continue
        vc = classes[class_of[serial]]
        pieces = _vehicle_positions(view, flight, vc, ports, zones, windows.get(flight.mission), orbits, obj,
                                    pid_station, max(begin, t0), min(end, t1), step_s)
        if not pieces:
            continue
        color = _COLORS[n % len(_COLORS)]
        crew = ", ".join(flight.crew_up) or "uncrewed"
        doc.append({
            "id": f"vehicle/{serial}", "name": serial, "availability": _interval(max(begin, t0), min(end, t1)),
            "description": f"{serial} ({vc['name'] or vc['id']}), mission {flight.mission}; crew up: {crew}",
            "label": {"text": serial, "font": "11pt sans-serif", "pixelOffset": {"cartesian2": [10, 14]},
                      "fillColor": {"rgba": color}},
            "point": {"pixelSize": 6, "color": {"rgba": color}},
            "path": {"show": True, "leadTime": 0, "trailTime": 5600, "resolution": 30, "width": 2,
                     "material": {"solidColor": {"color": {"rgba": color}}}},
            "position": pieces,
        })
    return doc


def _vehicle_positions(view, flight, vc, ports, zones, window, orbits, obj, station_pid, a_ns, b_ns,
                       step_s) -> list[dict]:
    """Interval pieces of a vehicle's position within ``[a_ns, b_ns]``."""
    pieces = []
    docked = [iv for iv in view.docked if iv.vehicle == flight.vehicle]
    dock_ns = flight.docking_ns if flight.docking_ns is not None else (docked[0].start_ns if docked else None)
    if flight.launch_ns is not None and window is not None:
        site = ports[vc["spaceport"]]["site"]["site"]
        planned = to_ns(window["docking_utc"]) if window.get("docking_utc") else None
        end = dock_ns if dock_ns is not None else (planned or flight.landing_ns or flight.launch_ns)
        end = min(end, planned) if planned is not None else end
        if flight.failed:
            end = flight.launch_ns + int(round(vc["ascent"]["ascent_s"] * 1e9))
        t, r = approach_path(orbits, obj, site_of(site), flight.launch_ns,
                             max(end, flight.launch_ns + 1), ascent=ascent_of(vc), step_s=min(step_s, 30.0))
        keep = (t >= a_ns) & (t <= b_ns)
        if keep.sum() >= 2:
            r_itrs = teme_to_itrs(r[keep], t[keep].astype("datetime64[ns]")) * 1000.0
            pieces.append(dict(_sampled(t[keep], r_itrs, int(t[keep][0])), interval=_interval(t[keep][0], t[keep][-1])))
    for iv in docked:
        lo, hi = max(iv.start_ns, a_ns), min(iv.end_ns, b_ns)
        if hi > lo:
            pieces.append({"interval": _interval(lo, hi), "reference": f"{station_pid}#position"})
    if flight.undocking_ns is not None and flight.landing_ns is not None:
        descent = max(flight.undocking_ns, flight.landing_ns - int(DESCENT_S * 1e9))
        lo, hi = max(flight.undocking_ns, a_ns), min(descent, b_ns)
        if hi > lo:
            pieces.append({"interval": _interval(lo, hi), "reference": f"{station_pid}#position"})
        zone = zones.get(vc.get("landing") or "")
        if zone is not None and descent < b_ns and flight.landing_ns > a_ns:
            t = _grid(descent, flight.landing_ns, min(step_s, 60.0))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r0 = orbits.itrs(np.array([obj]), np.array([[descent]]))[0][0, 0]
            z = zone["site"]
            r1 = geodetic_to_ecef(z["lat_deg"], z["lon_deg"], z["alt_km"])
            f = ((t - descent) / max(1, flight.landing_ns - descent))[:, None]
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
