"""Metrics of a run: crew-days, presence gaps, lifeboat coverage, rendezvous durations, delays, ports.

Every figure is computed from the run's state history and timeline; the
keys are documented in the README (run directory, ``metrics.json``).
"""

from __future__ import annotations

from collections import defaultdict

from ..constants import SECONDS_PER_DAY as DAY_S


__all__ = ["compute_metrics", "intervals_from"]


def intervals_from(events, start_kind: str, end_kind: str, key, end_s: float) -> dict:
    """Intervals (start_s, end_s) per ``key(event)`` between matching start and end events."""
    open_at: dict = {}
    out: dict = defaultdict(list)
    for e in events:
        if e.kind == start_kind:
            open_at.setdefault(key(e), e.time_s)
        elif e.kind == end_kind and key(e) in open_at:
            out[key(e)].append((open_at.pop(key(e)), e.time_s))
    for k, t in open_at.items():
        out[k].append((t, end_s))
    return out


def _round(x, n=3):
    return None if x is None else round(float(x), n)


def compute_metrics(engine) -> dict:
    """The metrics of a finished :class:`~orbops.sim.engine.Engine` run."""
    clock, end_s = engine.clock, engine.end_s
    events = engine.log.events
    stations = {}
    gaps = intervals_from(events, "lifeboat_gap_start", "lifeboat_gap_end", lambda e: e.station, end_s)
    # port occupancy from docking/undocking (and what was docked at the start)
    occupied = defaultdict(float)
    since: dict = {}
    for e in events:
        if e.kind in ("docking", "docked_at_start"):
            since[(e.station, e.port)] = e.time_s
        elif e.kind == "undocking" and (e.station, e.port) in since:
            occupied[(e.station, e.port)] += e.time_s - since.pop((e.station, e.port))
    for key, t in since.items():
        occupied[key] += end_s - t
    for sid, st in engine.stations.items():
        hist = engine.history[sid] or [(0.0, 0)]
        crew_s = 0.0
        at_size = defaultdict(float)
        presence = []  # no crew aboard, after the station first had some
        crewed = False
        for (t, n), nxt in zip(hist, hist[1:] + [(end_s, None)]):
            a, b = max(t, 0.0), min(nxt[0], end_s)
            dt = max(0.0, b - a)
            crew_s += n * dt
            at_size[n] += dt
            if n == 0 and dt > 0 and crewed:
                presence.append((a, b))
            crewed = crewed or n > 0
        lb = gaps.get(sid, [])
        stations[sid] = {
            "name": st.station.name,
            "crew_days": _round(crew_s / DAY_S),
            "days_at_crew_size": {str(n): _round(s / DAY_S) for n, s in sorted(at_size.items())},
            "max_crew": max(n for _, n in hist),
            "min_crew": min(n for _, n in hist),
            "decrewed": bool(presence),
            "presence_gaps": [{"start_utc": clock.iso(a), "end_utc": clock.iso(b), "days": _round((b - a) / DAY_S)}
                              for a, b in presence],
            "presence_gap_days": _round(sum(b - a for a, b in presence) / DAY_S),
            "lifeboat_gap_hours": _round(sum(b - a for a, b in lb) / 3600.0),
            "lifeboat_gaps": [{"start_utc": clock.iso(a), "end_utc": clock.iso(b), "hours": _round((b - a) / 3600.0)}
                              for a, b in lb],
            "port_occupancy": {p.name: _round(occupied.get((sid, p.name), 0.0) / end_s if end_s > 0 else 0.0, 4)
                               for p in st.station.ports},
        }
    missions = {}
    landed = {e.subject: e.time_s for e in events if e.kind == "landing"}
    for mid, ms in engine.missions.items():
        m = ms.mission
        entry = {
            "status": ms.status,
            "vehicle": m.vehicle,
            "crew": list(engine._crew_of(ms)),
            "uncrewed": ms.uncrewed or not m.crew,
            "net_utc": clock.iso(ms.net_s),
            "launch_utc": None if ms.launch_s is None else clock.iso(ms.launch_s),
            "docking_utc": None if ms.dock_s is None else clock.iso(ms.dock_s),
            "landing_utc": None if mid not in landed else clock.iso(landed[mid]),
            "rendezvous_hours": None if ms.dock_s is None else _round((ms.dock_s - ms.launch_s) / 3600.0),
            "launch_delay_days": None if ms.launch_s is None else _round((ms.launch_s - ms.net_s) / DAY_S),
            "profile": None if ms.window is None else ms.window.profile,
        }
        if m.planned_launch is not None and ms.launch_s is not None:
            entry["delay_vs_plan_days"] = _round((ms.launch_s - clock.to_s(m.planned_launch)) / DAY_S)
        missions[mid] = entry
    counts = defaultdict(int)
    for ms in engine.missions.values():
        counts[ms.status] += 1
    slips = []  # crewed missions: launch (or the end, if still waiting) against the planned date
    for ms in engine.missions.values():
        if ms.mission.crew and not ms.uncrewed and not ms.mission.standby and ms.plan_net_s < end_s:
            slips.append(((ms.launch_s if ms.launch_s is not None else end_s) - ms.plan_net_s) / DAY_S)
    kinds = ("launch_failure", "vehicle_damaged", "pad_outage_start", "launcher_grounded", "lifeboat_gap_start",
             "station_decrewed")
    happened = {k: sum(1 for e in events if e.kind == k) for k in kinds}
    return {
        "scenario": engine.sc.name,
        "variant": engine.variant.id,
        "variant_name": engine.variant.name,
        "seed": engine.seed,
        "start_utc": clock.iso(0.0),
        "end_utc": clock.iso(end_s),
        "stations": stations,
        "missions": missions,
        "mission_counts": dict(sorted(counts.items())),
        "launches": sum(1 for e in events if e.kind == "launch"),
        "launch_failures": sum(1 for e in events if e.kind == "launch_failure"),
        "max_crew_launch_slip_days": _round(max(slips, default=0.0)),
        "event_counts": happened,
    }
