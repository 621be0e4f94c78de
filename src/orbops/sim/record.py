"""The run record: what one run of one variant did, typed. The one product of the simulation.

Events carry their crew as tuples; every station has its history of crew
aboard and usable lifeboat seats, every vehicle its history of status,
place and health; the windows each launch used and every window considered
are kept with their outcome. Metrics (:mod:`orbops.sim.metrics`), the run
directory's files, the report and the CZML are views of this record; it
round-trips through JSON (:meth:`RunRecord.as_dict`, :meth:`RunRecord.from_dict`)
exactly, so a run directory rebuilds them without re-running.
Times are seconds since the scenario epoch (``epoch_ns``, UTC); ``*_ns`` are UTC ns.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import numpy as np

from ..geometry import LaunchWindow
from ..timescales import format_utc
from .clock import Clock

__all__ = ["VEHICLE_STATUSES", "MISSION_STATUSES",
           "Event", "EVENT_KINDS", "TIMELINE_FIELDS", "CONTINGENCY_EVENTS", "StationSample", "VehicleSample",
           "WindowChoice", "MissionOutcome", "DockedInterval", "Trip", "RunRecord"]

EVENT_KINDS = (
    "scenario_start", "scenario_end", "docked_at_start", "launcher_grounded", "launcher_cleared",
    "pad_outage_start", "pad_outage_end", "mission_ready", "launch", "launch_failure", "abort_landing",
    "docking", "waiting_for_port", "seat_assignment", "vehicle_damaged", "vehicle_life_limit", "undocking",
    "landing", "lifeboat_gap_start", "lifeboat_gap_end", "station_decrewed", "station_recrewed",
    "mission_cancelled", "replacement_ordered", "mission_advanced", "rescue_called",
)
"""Every kind of event a timeline may hold (see the README's run-directory section)."""

CONTINGENCY_EVENTS = ("launch_failure", "vehicle_damaged", "launcher_grounded", "pad_outage_start",
                      "vehicle_life_limit", "replacement_ordered", "rescue_called", "mission_advanced",
                      "station_decrewed")
"""Events marked on the run's plots."""

VEHICLE_STATUSES = ("ground", "flight", "docked", "landed", "lost")
"""A vehicle's status in its history (``orbops.sim.VehicleStatus``)."""

MISSION_STATUSES = ("planned", "ready", "launched", "docked", "landed", "failed", "cancelled")
"""How a mission ended (``orbops.sim.MissionStatus``)."""

TIMELINE_FIELDS = ("time_utc", "event", "subject", "station", "port", "vehicle", "crew", "detail", "variant")
"""Columns of ``timeline.csv`` (and keys of ``timeline.jsonl``; there ``crew`` is a list)."""


@dataclass(frozen=True)
class Event:
    """One thing that happened. ``time_s`` is simulation seconds; ``seq`` breaks ties in log order."""

    time_s: float
    seq: int
    kind: str
    subject: str = ""
    station: str = ""
    port: str = ""
    vehicle: str = ""
    crew: tuple[str, ...] = ()
    detail: str = ""

    def row(self, iso: Callable[[float], str], variant: str = "") -> dict:
        """A ``timeline.csv`` row (see :data:`TIMELINE_FIELDS`): crew joined with ``;``."""
        return {"time_utc": iso(self.time_s), "event": self.kind, "subject": self.subject,
                "station": self.station, "port": self.port, "vehicle": self.vehicle,
                "crew": ";".join(self.crew), "detail": self.detail, "variant": variant}


@dataclass(frozen=True)
class StationSample:
    """A station from ``time_s`` on: the crew aboard and the lifeboat seats on its usable vehicles."""

    time_s: float
    crew: tuple[str, ...]
    lifeboat_seats: int


@dataclass(frozen=True)
class VehicleSample:
    """A vehicle from ``time_s`` on: status (``ground``, ``flight``, ``docked``, ``landed``, ``lost``),
    where it is docked, its mission, whether it is healthy and within its certified docked life."""

    time_s: float
    status: str
    station: str = ""
    port: str = ""
    mission: str = ""
    healthy: bool = True
    in_life: bool = True


@dataclass(frozen=True)
class WindowChoice:
    """A launch window a mission considered at ``decided_s``, and what became of it (``used``, or
    ``passed: <why>``)."""

    mission: str
    vehicle_class: str
    outcome: str
    decided_s: float
    window: LaunchWindow

    def used_row(self) -> dict:
        """Its ``windows.json`` entry under ``used``."""
        return dict(self.window.as_dict(), mission=self.mission, vehicle_class=self.vehicle_class)

    def considered_row(self, iso: Callable[[float], str]) -> dict:
        """Its ``windows.json`` entry under ``considered``."""
        return {"mission": self.mission, "vehicle_class": self.vehicle_class, "outcome": self.outcome,
                "decided_utc": iso(self.decided_s), **self.window.as_dict()}


@dataclass(frozen=True)
class MissionOutcome:
    """How a mission ended: its status (``planned``, ``ready``, ``launched``, ``docked``, ``landed``,
    ``failed``, ``cancelled``), the crew it flew, and its times (seconds, None where it did not get there)."""

    id: str
    name: str
    vehicle: str
    station: str
    status: str
    crew: tuple[str, ...]
    planned_crew: tuple[str, ...]
    uncrewed: bool
    standby: bool
    net_s: float
    plan_net_s: float
    launch_s: float | None = None
    dock_s: float | None = None
    landing_s: float | None = None
    profile: str | None = None
    planned_launch_s: float | None = None


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


@dataclass
class Trip:
    """One vehicle's trip: launch, docking, undocking and landing times (ns, or None)."""

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
class RunRecord:
    """Everything one run of one variant did (see the module docstring)."""

    scenario: str
    variant_id: str
    variant_name: str
    seed: int
    stochastic: bool
    epoch_ns: int
    end_s: float
    station_names: dict[str, str]
    station_ports: dict[str, tuple[str, ...]]
    events: list[Event]
    stations: dict[str, list[StationSample]]
    vehicles: dict[str, list[VehicleSample]]
    missions: dict[str, MissionOutcome]
    windows_used: list[WindowChoice]
    windows_considered: list[WindowChoice]
    plane_studies: list[dict] = field(default_factory=list)

    # --- time ----------------------------------------------------------------------------------------
    @cached_property
    def clock(self) -> Clock:
        return Clock(self.epoch_ns)

    def ns(self, t_s: float) -> int:
        """UTC ns of a record time."""
        return self.clock.to_ns(t_s)

    def iso(self, t_s: float) -> str:
        """ISO 8601 UTC (milliseconds) of a record time."""
        return self.clock.iso(t_s)

    @property
    def start_ns(self) -> int:
        return self.epoch_ns

    @property
    def end_ns(self) -> int:
        return self.ns(self.end_s)

    # --- views ---------------------------------------------------------------------------------------
    @cached_property
    def metrics(self) -> dict:
        """The run's metrics (``metrics.json``; see :func:`orbops.sim.metrics.compute_metrics`)."""
        from .metrics import compute_metrics

        return compute_metrics(self)

    def rows(self) -> list[dict]:
        """Timeline rows (see :data:`TIMELINE_FIELDS`)."""
        return [e.row(self.iso, self.variant_id) for e in self.events]

    def station_ids(self) -> list[str]:
        """Stations that had crew or visitors in this run."""
        return [sid for sid, st in self.metrics["stations"].items()
                if st["max_crew"] > 0 or any(st["port_occupancy"].values())]

    def docked_intervals(self) -> list[DockedInterval]:
        """Every stay of a vehicle at a port, from the vehicles' histories, in order of arrival."""
        out = []
        for serial, samples in self.vehicles.items():
            current = None
            for s in samples:
                if s.status == "docked" and current is None:
                    current = DockedInterval(s.station, s.port, serial, s.mission, self.ns(s.time_s), self.end_ns,
                                             at_start=s.time_s <= 0.0)
                    out.append(current)
                elif s.status != "docked" and current is not None:
                    current.end_ns, current = self.ns(s.time_s), None
                if current is not None and not s.healthy and current.damaged_ns is None:
                    current.damaged_ns = self.ns(s.time_s)
        return sorted(out, key=lambda iv: (iv.start_ns, iv.station, iv.port))

    def trips(self) -> dict[str, Trip]:
        """Each vehicle's trip (by serial), from the typed events."""
        flights: dict[str, Trip] = {}
        for e in self.events:
            f = flights.get(e.vehicle)
            t = self.ns(e.time_s)
            if e.kind == "docked_at_start":
                flights[e.vehicle] = Trip(e.vehicle, e.subject, e.station, crew_up=e.crew)
            elif e.kind == "launch":
                flights[e.vehicle] = Trip(e.vehicle, e.subject, e.station, launch_ns=t, crew_up=e.crew)
            elif f is None:
                continue
            elif e.kind == "docking":
                f.docking_ns = t
            elif e.kind == "launch_failure":
                f.failed = True
            elif e.kind == "undocking":
                f.undocking_ns = t
            elif e.kind in ("landing", "abort_landing"):
                f.landing_ns, f.crew_down = t, e.crew
        return flights

    def crew_counts(self, station_id: str) -> list[tuple[float, int]]:
        """``(time_s, crew aboard)`` at each change of the count (from the start)."""
        out: list[tuple[float, int]] = []
        for s in self.stations.get(station_id) or []:
            if not out or out[-1][1] != len(s.crew):
                out.append((s.time_s, len(s.crew)))
        return out or [(0.0, 0)]

    def presence_gaps_s(self, station_id: str) -> list[tuple[float, float]]:
        """``(start_s, end_s)`` of each span without crew aboard, after the station first had some."""
        hist = self.crew_counts(station_id)
        out, crewed = [], False
        for (t, n), (t_next, _) in zip(hist, hist[1:] + [(self.end_s, 0)]):
            a, b = max(t, 0.0), min(t_next, self.end_s)
            if n == 0 and b > a and crewed:
                out.append((a, b))
            crewed = crewed or n > 0
        return out

    def crew_series(self, station_id: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(t_ns, crew aboard, lifeboat seats)`` step series of a station, ending at the run's end."""
        samples = self.stations.get(station_id) or []
        if not samples:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
        t = np.array([self.ns(s.time_s) for s in samples] + [self.end_ns], dtype=np.int64)
        crew = np.array([len(s.crew) for s in samples] + [len(samples[-1].crew)], dtype=np.int64)
        seats = np.array([s.lifeboat_seats for s in samples] + [samples[-1].lifeboat_seats], dtype=np.int64)
        return t, crew, seats

    def lifeboat_gaps_s(self, station_id: str) -> list[tuple[float, float]]:
        """``(start_s, end_s)`` of each span with crew aboard lacking a seat home."""
        out, start = [], None
        for e in self.events:
            if e.station != station_id:
                continue
            if e.kind == "lifeboat_gap_start" and start is None:
                start = e.time_s
            elif e.kind == "lifeboat_gap_end" and start is not None:
                out.append((start, e.time_s))
                start = None
        if start is not None:
            out.append((start, self.end_s))
        return out

    def lifeboat_gaps(self, station_id: str) -> list[tuple[int, int]]:
        """The same spans in UTC ns."""
        return [(self.ns(a), self.ns(b)) for a, b in self.lifeboat_gaps_s(station_id)]

    def outages(self) -> list[tuple[str, str, int, int]]:
        """``(kind, what, start_ns, end_ns)`` of each launcher grounding (``launcher grounded``) and pad outage
        (``pad out of service``), from the events (to the run's end if it lasted)."""
        kinds = {"launcher_grounded": ("launcher grounded", "launcher_cleared"),
                 "pad_outage_start": ("pad out of service", "pad_outage_end")}
        ends = {end for _, end in kinds.values()}
        open_at: dict[tuple[str, str], float] = {}
        out = []
        for e in self.events:
            if e.kind in kinds:
                open_at.setdefault((kinds[e.kind][1], e.subject), e.time_s)
            elif e.kind in ends and (e.kind, e.subject) in open_at:
                start = open_at.pop((e.kind, e.subject))
                label = next(k for k, end in kinds.values() if end == e.kind)
                out.append((label, e.subject, self.ns(start), self.ns(e.time_s)))
        for (end_kind, subject), start in open_at.items():
            label = next(k for k, end in kinds.values() if end == end_kind)
            out.append((label, subject, self.ns(start), self.end_ns))
        return sorted(out, key=lambda o: o[2])

    def marks(self) -> list[tuple[int, str, str, str]]:
        """``(t_ns, event, station, label)`` of the contingencies and their consequences."""
        return [(self.ns(e.time_s), e.kind, e.station, f"{e.kind.replace('_', ' ')}: {e.subject or e.vehicle}")
                for e in self.events if e.kind in CONTINGENCY_EVENTS]

    # --- JSON ----------------------------------------------------------------------------------------
    def as_dict(self) -> dict:
        """Plain JSON data (``record.json``); :meth:`from_dict` gives the record back, equal."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        out["epoch_utc"] = format_utc(self.epoch_ns)
        out["events"] = [dataclasses.astuple(e) for e in self.events]
        out["stations"] = {k: [dataclasses.astuple(s) for s in v] for k, v in self.stations.items()}
        out["vehicles"] = {k: [dataclasses.astuple(s) for s in v] for k, v in self.vehicles.items()}
        out["missions"] = {k: dataclasses.asdict(m) for k, m in self.missions.items()}
        for key in ("windows_used", "windows_considered"):
            out[key] = [dict(dataclasses.asdict(w), window=dataclasses.asdict(w.window)) for w in getattr(self, key)]
        return out

    @classmethod
    def from_dict(cls, data: dict, where: str = "") -> "RunRecord":
        """The record of :meth:`as_dict`'s data, every value checked: a wrong type, a missing key, a time
        that is not finite or lies outside the run raise :class:`RunRecordError` naming the key path
        (``where`` its prefix, e.g. ``variants[0]``)."""
        from .record_read import read_record

        return read_record(cls, data, where)
