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
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import numpy as np

from ..errors import OrbopsError
from ..geometry import LaunchWindow
from ..timescales import format_utc
from .clock import Clock

__all__ = ["RunRecordError", "VEHICLE_STATUSES", "MISSION_STATUSES",
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
        return _read_record(cls, data, where)


# --- reading record.json back ----------------------------------------------------------------------------

class RunRecordError(OrbopsError, ValueError):
    """Data that is not a run record (a ``record.json`` edited or damaged): ``where`` is the key path of the
    first bad value (``variants[0].missions.tma-22.launch_s``)."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.reason = message
        super().__init__(f"{where}: {message}" if where else message)


EARLIEST_NS = int(np.datetime64("1900-01-01", "ns").astype(np.int64))
LATEST_NS = int(np.datetime64("2250-01-01", "ns").astype(np.int64))
"""The instants a record may hold (a scenario's lie between 1957 and 2200; int64 nanoseconds end in 2262)."""

_FIELDS = {cls: tuple(f.name for f in dataclasses.fields(cls))
           for cls in (Event, StationSample, VehicleSample, MissionOutcome, WindowChoice, LaunchWindow)}


def _show(value) -> str:
    text = type(value).__name__ if isinstance(value, (dict, list)) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _range(lo, hi) -> str:
    return f"{lo:g} to {hi:g}" if lo is not None and hi is not None else (f"at least {lo:g}" if hi is None
                                                                           else f"at most {hi:g}")


def _at(where: str, key) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else str(key)


class _Check:
    """Checks one variant's data; every failure raises :class:`RunRecordError` with its key path."""

    def __init__(self) -> None:
        self.epoch_ns = 0
        self.end_s = 0.0

    def fail(self, where: str, message: str):
        raise RunRecordError(where, message)

    def obj(self, value, where: str) -> dict:
        if not isinstance(value, dict):
            self.fail(where, f"expected an object, got {_show(value)}")
        return value

    def seq(self, value, where: str, length: int | None = None) -> list:
        if not isinstance(value, list):
            self.fail(where, f"expected a list, got {_show(value)}")
        if length is not None and len(value) != length:
            self.fail(where, f"expected a list of {length} values, got {len(value)}")
        return value

    def keys(self, value, where: str, names: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict:
        value = self.obj(value, where)
        for name in names:
            if name not in value and name not in optional:
                self.fail(_at(where, name), "missing")
        for name in value:
            if name not in names:
                self.fail(_at(where, name), "unknown key")
        return value

    def text(self, value, where: str, *, empty: bool = True, choices: tuple[str, ...] = ()) -> str:
        if not isinstance(value, str):
            self.fail(where, f"expected a string, got {_show(value)}")
        if not empty and not value.strip():
            self.fail(where, "expected a non-empty string")
        if choices and value not in choices:
            self.fail(where, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def opt_str(self, value, where: str) -> str | None:
        return None if value is None else self.text(value, where)

    def strs(self, value, where: str) -> tuple[str, ...]:
        return tuple(self.text(x, _at(where, k)) for k, x in enumerate(self.seq(value, where)))

    def flag(self, value, where: str) -> bool:
        if not isinstance(value, bool):
            self.fail(where, f"expected true or false, got {_show(value)}")
        return value

    def integer(self, value, where: str, lo: int | None = None, hi: int | None = None) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(where, f"expected an integer, got {_show(value)}")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            self.fail(where, f"{value} is out of range ({_range(lo, hi)})")
        return value

    def number(self, value, where: str, lo: float | None = None, hi: float | None = None) -> float:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            self.fail(where, f"expected a number, got {_show(value)}")
        try:
            finite = math.isfinite(value)
        except OverflowError:  # an integer beyond any float
            finite = False
        if not finite:
            self.fail(where, f"{_show(value)} is not a finite number")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            self.fail(where, f"{value!r} is out of range ({_range(lo, hi)})")
        return value

    def time(self, value, where: str, *, in_run: bool = False) -> float:
        """Seconds since the epoch: during the run (0 to its end), or at least an instant orbops can name."""
        t = self.number(value, where)
        if in_run and not 0.0 <= t <= self.end_s:
            self.fail(where, f"{t!r} s is not within the run (0 to {self.end_s:g} s)")
        if not EARLIEST_NS <= self.epoch_ns + t * 1e9 <= LATEST_NS:
            self.fail(where, f"{t!r} s from the epoch is not between {format_utc(EARLIEST_NS)[:10]} and "
                             f"{format_utc(LATEST_NS)[:10]}")
        return t

    def opt_time(self, value, where: str, *, in_run: bool = False) -> float | None:
        return None if value is None else self.time(value, where, in_run=in_run)

    def ns(self, value, where: str) -> int:
        t = self.integer(value, where)
        if not EARLIEST_NS <= t <= LATEST_NS:
            self.fail(where, f"{_show(t)} ns is not an instant between {format_utc(EARLIEST_NS)[:10]} and "
                             f"{format_utc(LATEST_NS)[:10]}")
        return t

    def opt_ns(self, value, where: str) -> int | None:
        return None if value is None else self.ns(value, where)

    def mapping(self, value, where: str, item) -> dict:
        out = {}
        for key, x in self.obj(value, where).items():
            out[self.text(key, where, empty=False)] = item(x, _at(where, key))
        return out

    def samples(self, value, where: str, item) -> list:
        return [item(x, _at(where, k)) for k, x in enumerate(self.seq(value, where))]

    # --- the parts of a record ----------------------------------------------------------------------------
    def event(self, value, where: str) -> Event:
        t, seq, kind, subject, station, port, vehicle, crew, detail = self.seq(value, where, len(_FIELDS[Event]))
        return Event(self.time(t, _at(where, 0), in_run=True), self.integer(seq, _at(where, 1), 0),
                     self.text(kind, _at(where, 2), choices=EVENT_KINDS), self.text(subject, _at(where, 3)),
                     self.text(station, _at(where, 4)), self.text(port, _at(where, 5)),
                     self.text(vehicle, _at(where, 6)), self.strs(crew, _at(where, 7)),
                     self.text(detail, _at(where, 8)))

    def station_sample(self, value, where: str) -> StationSample:
        t, crew, seats = self.seq(value, where, len(_FIELDS[StationSample]))
        return StationSample(self.time(t, _at(where, 0), in_run=True), self.strs(crew, _at(where, 1)),
                             self.integer(seats, _at(where, 2), 0, 10_000))

    def vehicle_sample(self, value, where: str) -> VehicleSample:
        t, status, station, port, mission, healthy, in_life = self.seq(value, where, len(_FIELDS[VehicleSample]))
        return VehicleSample(self.time(t, _at(where, 0), in_run=True),
                             self.text(status, _at(where, 1), choices=VEHICLE_STATUSES),
                             self.text(station, _at(where, 2)), self.text(port, _at(where, 3)),
                             self.text(mission, _at(where, 4)),
                             self.flag(healthy, _at(where, 5)), self.flag(in_life, _at(where, 6)))

    def mission(self, value, where: str) -> MissionOutcome:
        names = _FIELDS[MissionOutcome]
        m = self.keys(value, where, names)
        at = {k: _at(where, k) for k in names}
        out = MissionOutcome(
            id=self.text(m["id"], at["id"], empty=False), name=self.text(m["name"], at["name"]),
            vehicle=self.text(m["vehicle"], at["vehicle"]), station=self.text(m["station"], at["station"]),
            status=self.text(m["status"], at["status"], choices=MISSION_STATUSES),
            crew=self.strs(m["crew"], at["crew"]), planned_crew=self.strs(m["planned_crew"], at["planned_crew"]),
            uncrewed=self.flag(m["uncrewed"], at["uncrewed"]), standby=self.flag(m["standby"], at["standby"]),
            net_s=self.time(m["net_s"], at["net_s"]), plan_net_s=self.time(m["plan_net_s"], at["plan_net_s"]),
            launch_s=self.opt_time(m["launch_s"], at["launch_s"], in_run=True),
            dock_s=self.opt_time(m["dock_s"], at["dock_s"], in_run=True),
            landing_s=self.opt_time(m["landing_s"], at["landing_s"], in_run=True),
            profile=self.opt_str(m["profile"], at["profile"]),
            planned_launch_s=self.opt_time(m["planned_launch_s"], at["planned_launch_s"]))
        for key in ("dock_s", "landing_s"):
            if getattr(out, key) is not None and out.launch_s is None:
                self.fail(at[key], f"a mission with a {key} has a launch_s, got None")
        return out

    def window(self, value, where: str) -> LaunchWindow:
        w = self.keys(value, where, _FIELDS[LaunchWindow])
        at = {k: _at(where, k) for k in _FIELDS[LaunchWindow]}
        return LaunchWindow(
            site=self.text(w["site"], at["site"]),
            target_norad_id=self.integer(w["target_norad_id"], at["target_norad_id"], 0),
            target_name=self.text(w["target_name"], at["target_name"]),
            inplane_ns=self.ns(w["inplane_ns"], at["inplane_ns"]),
            launch_ns=self.ns(w["launch_ns"], at["launch_ns"]), direction=self.text(w["direction"], at["direction"]),
            azimuth_deg=self.number(w["azimuth_deg"], at["azimuth_deg"], -360, 360),
            azimuth_rotating_deg=self.number(w["azimuth_rotating_deg"], at["azimuth_rotating_deg"], -360, 360),
            inclination_deg=self.number(w["inclination_deg"], at["inclination_deg"], 0, 180),
            feasible=self.flag(w["feasible"], at["feasible"]), reason=self.text(w["reason"], at["reason"]),
            phase_deg=self.number(w["phase_deg"], at["phase_deg"], -360, 360),
            profile=self.opt_str(w["profile"], at["profile"]),
            rendezvous_s=(None if w["rendezvous_s"] is None
                          else self.number(w["rendezvous_s"], at["rendezvous_s"], 0, 365.25 * 86400)),
            docking_ns=self.opt_ns(w["docking_ns"], at["docking_ns"]),
            plane_offset_deg=self.number(w["plane_offset_deg"], at["plane_offset_deg"], -180, 180))

    def choice(self, value, where: str) -> WindowChoice:
        c = self.keys(value, where, _FIELDS[WindowChoice])
        return WindowChoice(mission=self.text(c["mission"], _at(where, "mission"), empty=False),
                            vehicle_class=self.text(c["vehicle_class"], _at(where, "vehicle_class"), empty=False),
                            outcome=self.text(c["outcome"], _at(where, "outcome"), empty=False),
                            decided_s=self.time(c["decided_s"], _at(where, "decided_s"), in_run=True),
                            window=self.window(c["window"], _at(where, "window")))

    def plane_study(self, value, where: str) -> dict:
        s = self.obj(value, where)
        for key in ("id", "from", "to", "reason"):
            self.text(s.get(key), _at(where, key))
        self.flag(s.get("feasible"), _at(where, "feasible"))
        return s


def _read_record(cls, data, where: str) -> RunRecord:
    c = _Check()
    names = tuple(f.name for f in dataclasses.fields(cls))
    d = c.keys(data, where, names + ("epoch_utc",), optional=("plane_studies", "epoch_utc"))
    at = {k: _at(where, k) for k in names}
    c.epoch_ns = c.ns(d["epoch_ns"], at["epoch_ns"])
    c.end_s = c.number(d["end_s"], at["end_s"])
    if c.end_s <= 0:
        c.fail(at["end_s"], f"{c.end_s!r}: a run lasts a positive time")
    c.time(c.end_s, at["end_s"])
    station_names = c.mapping(d["station_names"], at["station_names"], c.text)
    station_ports = c.mapping(d["station_ports"], at["station_ports"], c.strs)
    if set(station_ports) != set(station_names):
        c.fail(at["station_ports"], f"stations {', '.join(sorted(station_ports)) or 'none'}; station_names has "
                                    f"{', '.join(sorted(station_names)) or 'none'}")
    stations = c.mapping(d["stations"], at["stations"], lambda v, w: c.samples(v, w, c.station_sample))
    for sid in stations:
        if sid not in station_names:
            c.fail(_at(at["stations"], sid), f"no station {sid!r} in station_names")
    record = cls(
        scenario=c.text(d["scenario"], at["scenario"]),
        variant_id=c.text(d["variant_id"], at["variant_id"], empty=False),
        variant_name=c.text(d["variant_name"], at["variant_name"]), seed=c.integer(d["seed"], at["seed"], 0),
        stochastic=c.flag(d["stochastic"], at["stochastic"]), epoch_ns=c.epoch_ns, end_s=c.end_s,
        station_names=station_names, station_ports=station_ports,
        events=c.samples(d["events"], at["events"], c.event), stations=stations,
        vehicles=c.mapping(d["vehicles"], at["vehicles"], lambda v, w: c.samples(v, w, c.vehicle_sample)),
        missions=c.mapping(d["missions"], at["missions"], c.mission),
        windows_used=c.samples(d["windows_used"], at["windows_used"], c.choice),
        windows_considered=c.samples(d["windows_considered"], at["windows_considered"], c.choice),
        plane_studies=c.samples(d.get("plane_studies", []), at["plane_studies"], c.plane_study))
    for mid, m in record.missions.items():
        if m.id != mid:
            c.fail(_at(_at(at["missions"], mid), "id"), f"{m.id!r} under the key {mid!r}")
    for serial, samples in record.vehicles.items():
        for k, v in enumerate(samples):
            where_k = _at(_at(at["vehicles"], serial), k)
            if v.station and v.station not in station_names:
                c.fail(_at(where_k, 2), f"no station {v.station!r} in station_names")
            if v.port and v.port not in station_ports.get(v.station, ()):
                c.fail(_at(where_k, 3), f"no port {v.port!r} of station {v.station!r} in station_ports")
    if "epoch_utc" in d and d["epoch_utc"] != format_utc(c.epoch_ns):
        c.fail(_at(where, "epoch_utc"), f"{_show(d['epoch_utc'])} is not epoch_ns ({format_utc(c.epoch_ns)})")
    return record
