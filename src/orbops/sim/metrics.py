"""Metrics of a run: crew-days, presence gaps, lifeboat coverage, rendezvous durations, delays, ports.

Every figure is computed from the :class:`~orbops.sim.record.RunRecord` (its
station histories, vehicle histories, missions and events); the keys are
documented in the README (run directory, ``metrics.json``).
"""

from __future__ import annotations

from collections import defaultdict

from ..constants import SECONDS_PER_DAY as DAY_S

__all__ = ["compute_metrics"]


def _round(x, n=3):
    return None if x is None else round(float(x), n)


def _station(record, sid: str, occupied: dict) -> dict:
    end_s = record.end_s
    hist = record.crew_counts(sid)
    crew_s = 0.0
    at_size: dict = defaultdict(float)
    for (t, n), nxt in zip(hist, hist[1:] + [(end_s, None)]):
        dt = max(0.0, min(nxt[0], end_s) - max(t, 0.0))
        crew_s += n * dt
        at_size[n] += dt
    presence = record.presence_gaps_s(sid)
    lb = record.lifeboat_gaps_s(sid)
    iso = record.iso
    return {
        "name": record.station_names[sid],
        "crew_days": _round(crew_s / DAY_S),
        "days_at_crew_size": {str(n): _round(s / DAY_S) for n, s in sorted(at_size.items())},
        "max_crew": max(n for _, n in hist),
        "min_crew": min(n for _, n in hist),
        "decrewed": bool(presence),
        "presence_gaps": [{"start_utc": iso(a), "end_utc": iso(b), "days": _round((b - a) / DAY_S)}
                          for a, b in presence],
        "presence_gap_days": _round(sum(b - a for a, b in presence) / DAY_S),
        "lifeboat_gap_hours": _round(sum(b - a for a, b in lb) / 3600.0),
        "lifeboat_gaps": [{"start_utc": iso(a), "end_utc": iso(b), "hours": _round((b - a) / 3600.0)}
                          for a, b in lb],
        "port_occupancy": {p: _round(occupied.get((sid, p), 0.0) / end_s if end_s > 0 else 0.0, 4)
                           for p in record.station_ports[sid]},
    }


def _mission(record, m) -> dict:
    iso = record.iso
    entry = {
        "status": str(m.status),
        "vehicle": m.vehicle,
        "crew": list(m.crew),
        "uncrewed": m.uncrewed or not m.planned_crew,
        "net_utc": iso(m.net_s),
        "launch_utc": None if m.launch_s is None else iso(m.launch_s),
        "docking_utc": None if m.dock_s is None else iso(m.dock_s),
        "landing_utc": None if m.landing_s is None else iso(m.landing_s),
        "rendezvous_hours": None if m.dock_s is None else _round((m.dock_s - m.launch_s) / 3600.0),
        "launch_delay_days": None if m.launch_s is None else _round((m.launch_s - m.net_s) / DAY_S),
        "profile": m.profile,
    }
    if m.planned_launch_s is not None and m.launch_s is not None:
        entry["delay_vs_plan_days"] = _round((m.launch_s - m.planned_launch_s) / DAY_S)
    return entry


def compute_metrics(record) -> dict:
    """The metrics of a :class:`~orbops.sim.record.RunRecord`."""
    end_s, events = record.end_s, record.events
    occupied: dict = defaultdict(float)  # seconds each port was taken
    for iv in record.docked_intervals():
        occupied[(iv.station, iv.port)] += (iv.end_ns - iv.start_ns) / 1e9
    missions = record.missions.values()
    counts: dict = defaultdict(int)
    for m in missions:
        counts[str(m.status)] += 1
    slips = [((m.launch_s if m.launch_s is not None else end_s) - m.plan_net_s) / DAY_S for m in missions
             if m.planned_crew and not m.uncrewed and not m.standby and m.plan_net_s < end_s]
    kinds = ("launch_failure", "vehicle_damaged", "pad_outage_start", "launcher_grounded", "lifeboat_gap_start",
             "station_decrewed")
    out = {
        "scenario": record.scenario,
        "variant": record.variant_id,
        "variant_name": record.variant_name,
        "seed": record.seed,
        "start_utc": record.iso(0.0),
        "end_utc": record.iso(end_s),
        "stations": {sid: _station(record, sid, occupied) for sid in record.stations},
        "missions": {m.id: _mission(record, m) for m in missions},
        "mission_counts": dict(sorted(counts.items())),
        "launches": sum(1 for e in events if e.kind == "launch"),
        "launch_failures": sum(1 for e in events if e.kind == "launch_failure"),
        "max_crew_launch_slip_days": _round(max(slips, default=0.0)),
        "event_counts": {k: sum(1 for e in events if e.kind == k) for k in kinds},
    }
    if record.plane_studies:
        out["plane_studies"] = record.plane_studies
    return out
