"""Reading a run record back from its JSON (``record.json``), every value checked.

A wrong type, a missing or unknown key, a status or kind the simulation does
not write, or a time that is not finite or lies outside the run raises
:class:`RunRecordError` naming the key path of the first bad value.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..errors import OrbopsError
from ..geometry import LaunchWindow
from ..timescales import format_utc
from .record import (EVENT_KINDS, MISSION_STATUSES, VEHICLE_STATUSES, Event, MissionOutcome, StationSample,
                     VehicleSample, WindowChoice)

__all__ = ["RunRecordError", "read_record", "EARLIEST_NS", "LATEST_NS"]


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


def read_record(cls, data, where: str):
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
