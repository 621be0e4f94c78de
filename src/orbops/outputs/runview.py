"""What happened in a run, rebuilt from its run directory: docked intervals, flights, crew and seats.

Everything here is derived from ``timeline.csv`` and ``scenario.json`` (the
files a run directory keeps), so reports and exports can be rebuilt from
the directory alone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from ..frames import Site
from ..geometry import Ascent
from ..timescales import parse_utc

__all__ = ["DockedInterval", "Flight", "VariantView", "run_views", "to_ns", "site_of", "ascent_of"]

CONTINGENCY_EVENTS = ("launch_failure", "vehicle_damaged", "launcher_grounded", "pad_outage_start",
                      "vehicle_life_limit", "replacement_ordered", "mission_advanced", "station_decrewed")


def to_ns(iso: str) -> int:
    """An ISO 8601 UTC time as integer nanoseconds since 1970."""
    return int(parse_utc(iso).astype("datetime64[ns]").astype(np.int64))


def site_of(site: dict) -> Site:
    """A :class:`~orbops.frames.Site` from its ``scenario.json`` form."""
    return Site(site["lat_deg"], site["lon_deg"], site["alt_km"], site.get("name", ""))


def ascent_of(vehicle_class: dict) -> Ascent:
    """A vehicle class's :class:`~orbops.geometry.Ascent` from its ``scenario.json`` form."""
    return Ascent(**{k: v for k, v in vehicle_class["ascent"].items() if k in Ascent.__dataclass_fields__})


@dataclass
class DockedInterval:
    """A vehicle at a port from ``start_ns`` to ``end_ns`` (the run's end if it stayed), damaged from ``damaged_ns``."""

    station: str
    port: str
    vehicle: str
    subject: str
    start_ns: int
    end_ns: int
    at_start: bool = False
    damaged_ns: int | None = None
    crew_arrived: tuple[str, ...] = ()


@dataclass
class Flight:
    """One vehicle's flight: launch, docking, undocking and landing times (ns, or None)."""

    vehicle: str
    mission: str
    station: str
    launch_ns: int | None = None
    docking_ns: int | None = None
    undocking_ns: int | None = None
    landing_ns: int | None = None
    failed: bool = False
    crew_up: tuple[str, ...] = ()
    crew_down: tuple[str, ...] = ()


@dataclass
class VariantView:
    """One variant of a run directory, ready to plot."""

    id: str
    name: str
    rows: list[dict]
    metrics: dict
    windows_used: list[dict]
    windows_considered: list[dict]
    start_ns: int
    end_ns: int
    docked: list[DockedInterval] = field(default_factory=list)
    flights: dict[str, Flight] = field(default_factory=dict)
    crew_series: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)
    lifeboat_gaps: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    marks: list[tuple[int, str, str, str]] = field(default_factory=list)  # (t_ns, event, station, label)

    def station_ids(self) -> list[str]:
        """Stations that had crew or visitors in this variant."""
        return [sid for sid, st in self.metrics["stations"].items()
                if st["max_crew"] > 0 or any(st["port_occupancy"].values())]


def _crew(row) -> tuple[str, ...]:
    return tuple(c for c in row["crew"].split(";") if c)


def run_views(data: dict) -> list[VariantView]:
    """Per-variant views of :func:`~orbops.outputs.read_run_dir` data."""
    sc = data["scenario"]
    seats = {c["id"]: c["seats"] if c["lifeboat_seats"] is None else c["lifeboat_seats"] for c in sc["vehicle_classes"]}
    seats_of = {v["serial"]: seats[v["vehicle_class"]] for v in sc["vehicles"]}
    by_variant = defaultdict(list)
    for row in data["timeline"]:
        by_variant[row["variant"]].append(row)
    views = []
    for metrics in data["metrics"]["variants"]:
        vid = metrics["variant"]
        windows = data["windows"].get(vid, {"used": [], "considered": []})
        view = VariantView(vid, metrics["variant_name"], by_variant[vid], metrics, windows["used"],
                           windows["considered"], to_ns(metrics["start_utc"]), to_ns(metrics["end_utc"]))
        _replay(view, seats_of)
        views.append(view)
    return views


def _replay(view: VariantView, seats_of: dict[str, int]) -> None:
    """Docked intervals, flights, crew and lifeboat seats per station, from the timeline."""
    open_at: dict[tuple[str, str], DockedInterval] = {}
    docked: dict[str, dict[str, dict]] = defaultdict(dict)  # station -> vehicle -> state
    aboard: dict[str, set] = defaultdict(set)
    series: dict[str, list] = defaultdict(list)
    for row in view.rows:
        t, kind, st, veh = to_ns(row["time_utc"]), row["event"], row["station"], row["vehicle"]
        crew = _crew(row)
        flight = view.flights.get(veh)
        if kind in ("docked_at_start", "docking"):
            iv = DockedInterval(st, row["port"], veh, row["subject"], t, view.end_ns, kind == "docked_at_start",
                                crew_arrived=crew)
            open_at[(st, veh)] = iv
            view.docked.append(iv)
            docked[st][veh] = {"healthy": True, "in_life": True}
            aboard[st].update(crew)
            if kind == "docked_at_start":
                view.flights[veh] = Flight(veh, row["subject"], st, crew_up=crew)
            elif flight is not None:
                flight.docking_ns = t
        elif kind == "launch":
            view.flights[veh] = Flight(veh, row["subject"], st, launch_ns=t, crew_up=crew)
        elif kind == "launch_failure" and flight is not None:
            flight.failed = True
        elif kind in ("landing", "abort_landing") and flight is not None:
            flight.landing_ns, flight.crew_down = t, crew
        elif kind == "vehicle_damaged":
            if (st, veh) in open_at:
                open_at[(st, veh)].damaged_ns = t
            docked[st].setdefault(veh, {})["healthy"] = False
        elif kind == "vehicle_life_limit":
            docked[st].setdefault(veh, {})["in_life"] = False
        elif kind == "undocking":
            iv = open_at.pop((st, veh), None)
            if iv is not None:
                iv.end_ns = t
            docked[st].pop(veh, None)
            aboard[st].difference_update(crew)
            if flight is not None:
                flight.undocking_ns = t
        if kind in CONTINGENCY_EVENTS:
            view.marks.append((t, kind, st, f"{kind.replace('_', ' ')}: {row['subject'] or veh}"))
        if st and kind in ("docked_at_start", "docking", "undocking", "vehicle_damaged", "vehicle_life_limit",
                           "lifeboat_gap_start", "lifeboat_gap_end", "scenario_start"):
            seats = sum(seats_of.get(v, 0) for v, s in docked[st].items() if s.get("healthy", True)
                        and s.get("in_life", True))
            series[st].append((t, len(aboard[st]), seats))
    for sid, pts in series.items():
        pts = pts + [(view.end_ns, pts[-1][1], pts[-1][2])]
        arr = np.array(pts, dtype=np.int64)
        view.crew_series[sid] = (arr[:, 0], arr[:, 1], arr[:, 2])
    for sid, st in view.metrics["stations"].items():
        view.lifeboat_gaps[sid] = [(to_ns(g["start_utc"]), to_ns(g["end_utc"])) for g in st["lifeboat_gaps"]]
