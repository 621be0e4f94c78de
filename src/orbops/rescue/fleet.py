"""The rescue catalogue: crew vehicles as rescue ships and the stations' ports over time (``data/fleet.toml``).

A user file of the same layout (``orbops rescue --fleet FILE``) adds vehicles
and stations, or replaces the shipped ones of the same id. Every problem names
the file and key path.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import OrbopsError
from ..geometry import landing_zones, launch_sites
from ..ops.vehicles import vehicle_models
from ..timescales import NS_PER_DAY, parse_utc

__all__ = ["Readiness", "RescueVehicle", "StationPort", "RescueStation", "Fleet", "Adapter", "fleet", "read_fleet",
           "STANDARDS"]

STANDARDS = ("SSVP", "APAS-95", "IDSS", "CDM")
"""Docking standards: Soyuz/Progress probe-drogue, the Shuttle's androgynous APAS-95, the International Docking
System Standard (NASA Docking System), the Chinese Docking Mechanism (APAS-based)."""


def _span_ok(t_ns: int, from_ns: int | None, until_ns: int | None) -> bool:
    return (from_ns is None or t_ns >= from_ns) and (until_ns is None or t_ns <= until_ns)


@dataclass(frozen=True)
class Readiness:
    """Call-up to launch (days) in an era (UTC ns, either end open), and where the figure comes from."""

    days: float
    from_ns: int | None = None
    until_ns: int | None = None
    note: str = ""

    @property
    def assumed(self) -> bool:
        return "ASSUMPTION" in self.note


@dataclass(frozen=True)
class Adapter:
    """An adapter that lets ships of ``standard`` dock at ports of ``port_standard`` (installed or assumed)."""

    standard: str
    port_standard: str

    @classmethod
    def parse(cls, text: str) -> "Adapter":
        """From ``SHIP:PORT`` standards, e.g. ``CDM:IDSS`` (a Chinese-mechanism ship at an IDSS port)."""
        ship, sep, port = text.strip().partition(":")
        ship, port = ship.strip().upper(), port.strip().upper()
        bad = [s for s in (ship, port) if s not in STANDARDS]
        if not sep or bad:
            raise OrbopsError(f"adapter {text!r}: expected SHIP:PORT docking standards, each one of "
                              f"{', '.join(STANDARDS)} (e.g. CDM:IDSS)")
        return cls(ship, port)

    def __str__(self) -> str:
        return f"{self.standard}:{self.port_standard}"


@dataclass(frozen=True)
class RescueVehicle:
    """A crew vehicle as a rescue ship (see ``data/fleet.toml`` for the keys and their sources)."""

    id: str
    name: str
    programme: str
    country: str
    model: str
    seats: int
    docking: str
    launcher: str
    sites: tuple[str, ...]
    readiness: tuple[Readiness, ...]
    free_flight_days: float
    landing_zones: tuple[str, ...]
    daylight_landing: bool
    plane_change_dv_km_s: float
    return_s: float | None = None
    lead_s: float | None = None
    in_service_from_ns: int | None = None
    in_service_until_ns: int | None = None
    assumptions: tuple[str, ...] = ()
    source: str = ""
    site_dates: tuple[tuple[str, int | None, int | None], ...] = ()

    def readiness_at(self, t_ns: int) -> Readiness | None:
        """The readiness era holding ``t_ns`` (None: the vehicle has no figure then)."""
        return next((r for r in self.readiness if _span_ok(t_ns, r.from_ns, r.until_ns)), None)


@dataclass(frozen=True)
class StationPort:
    """A docking port of a station, its standard, installed adapters, and when it was there (UTC ns)."""

    name: str
    standard: str
    adapters: tuple[str, ...] = ()
    from_ns: int | None = None
    until_ns: int | None = None
    source: str = ""

    def takes(self, standard: str, assumed: tuple[Adapter, ...] = ()) -> Adapter | None | bool:
        """True when a ship of ``standard`` docks here directly or through an installed adapter; the
        assumed :class:`Adapter` that lets it otherwise; False when nothing does."""
        if standard == self.standard or standard in self.adapters:
            return True
        return next((a for a in assumed if a.standard == standard and a.port_standard == self.standard), False)


@dataclass(frozen=True)
class RescueStation:
    """A station: its object in the element files and its ports over time."""

    id: str
    name: str
    object: str
    programme: str
    ports: tuple[StationPort, ...]

    def ports_at(self, t_ns: int) -> tuple[StationPort, ...]:
        return tuple(p for p in self.ports if _span_ok(t_ns, p.from_ns, p.until_ns))


@dataclass(frozen=True)
class Fleet:
    """Rescue vehicles and stations by id, and the files they were read from."""

    vehicles: dict
    stations: dict
    sources: tuple[str, ...]

    def station(self, key: str) -> RescueStation:
        """A station by id (``iss``, ``css``) or by its object's name (``ISS``, ``CSS``)."""
        k = key.strip().lower()
        for s in self.stations.values():
            if k in (s.id, s.object.lower()):
                return s
        raise OrbopsError(f"unknown station {key!r}: expected one of {', '.join(sorted(self.stations))} "
                          f"(stations of {', '.join(self.sources)})")


class _Checker:
    def __init__(self, where: str) -> None:
        self.where, self.problems = where, []

    def bad(self, path: str, message: str) -> None:
        self.problems.append(f"{self.where}: {path}: {message}")

    def get(self, d: dict, path: str, key: str, kind, default=..., *, minimum: float | None = None):
        if key not in d:
            if default is ...:
                self.bad(f"{path}.{key}", "missing")
            return None if default is ... else default
        value = d[key]
        if kind is float:
            ok = not isinstance(value, bool) and isinstance(value, (int, float)) and bool(np.isfinite(value))
            ok = ok and (minimum is None or value >= minimum)
            if not ok:
                self.bad(f"{path}.{key}", f"{value!r} is not a finite number" +
                         (f" of at least {minimum:g}" if minimum is not None else ""))
                return None
            return float(value)
        if kind is int:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
                self.bad(f"{path}.{key}", f"{value!r} is not a whole number from 0 to 100")
                return None
            return value
        if kind == "utc":
            try:
                return int(parse_utc(str(value)).astype(np.int64))
            except (OrbopsError, ValueError):
                self.bad(f"{path}.{key}", f"{value!r} is not a UTC date")
                return None
        if kind == "names":
            if not isinstance(value, list) or not all(isinstance(x, str) for x in value) or not value:
                self.bad(f"{path}.{key}", f"{value!r} is not a list of names")
                return None
            return tuple(value)
        if not isinstance(value, kind):
            words = {bool: "true or false", str: "a string", list: "a list"}.get(kind, f"a {kind.__name__}")
            self.bad(f"{path}.{key}", f"{value!r} is not {words}")
            return None
        return value

    def standard(self, d: dict, path: str, key: str):
        value = self.get(d, path, key, str)
        if value is not None and value not in STANDARDS:
            self.bad(f"{path}.{key}", f"{value!r} is not a docking standard: expected one of {', '.join(STANDARDS)}")
        return value

    def unknown(self, d: dict, path: str, keys) -> None:
        for k in d:
            if k not in keys:
                self.bad(f"{path}.{k}", f"unknown key: expected one of {', '.join(keys)}")


_VEHICLE_KEYS = ("name", "programme", "country", "model", "seats", "docking", "launcher", "sites", "readiness",
                 "free_flight_days", "return_s", "landing_zones", "daylight_landing", "plane_change_dv_km_s",
                 "lead_s", "in_service_from", "in_service_until", "assumptions", "source", "site_dates")
_PORT_KEYS = ("name", "standard", "adapters", "from", "until", "source")


def _vehicle(c: _Checker, vid: str, d: dict) -> RescueVehicle | None:
    path = f"vehicles.{vid}"
    if not isinstance(d, dict):
        c.bad(path, "expected a table")
        return None
    c.unknown(d, path, _VEHICLE_KEYS)
    n = len(c.problems)
    model = c.get(d, path, "model", str)
    if model is not None and model not in vehicle_models():
        c.bad(f"{path}.model", f"{model!r} is not a vehicle model: expected one of "
                               f"{', '.join(sorted(vehicle_models()))}")
    sites = c.get(d, path, "sites", "names")
    for s in sites or ():
        if s not in launch_sites():
            c.bad(f"{path}.sites", f"{s!r} is not a launch site: expected one of {', '.join(sorted(launch_sites()))}")
    zones = c.get(d, path, "landing_zones", "names")
    for z in zones or ():
        if z not in landing_zones():
            c.bad(f"{path}.landing_zones", f"{z!r} is not a landing zone: expected one of "
                                           f"{', '.join(sorted(landing_zones()))}")
    dates = []
    raw_dates = d.get("site_dates", {})
    if not isinstance(raw_dates, dict):
        c.bad(f"{path}.site_dates", "expected a table { SITE = { from, until } }")
        raw_dates = {}
    for s, e in raw_dates.items():
        p = f"{path}.site_dates.{s}"
        if s not in (sites or ()):
            c.bad(p, f"{s!r} is not one of its sites")
        if not isinstance(e, dict):
            c.bad(p, "expected { from, until }")
            continue
        c.unknown(e, p, ("from", "until"))
        until = c.get(e, p, "until", "utc", None)
        dates.append((s, c.get(e, p, "from", "utc", None), None if until is None else until + NS_PER_DAY - 1))
    eras = []
    raw = d.get("readiness")
    if not isinstance(raw, list) or not raw:
        c.bad(f"{path}.readiness", "expected a list of { days, from, until, note } tables")
    else:
        for i, e in enumerate(raw):
            p = f"{path}.readiness[{i}]"
            if not isinstance(e, dict):
                c.bad(p, "expected a table")
                continue
            c.unknown(e, p, ("days", "from", "until", "note"))
            days = c.get(e, p, "days", float, minimum=0.0)
            until = c.get(e, p, "until", "utc", None)
            eras.append(Readiness(days or 0.0, c.get(e, p, "from", "utc", None),
                                  None if until is None else until + NS_PER_DAY - 1, c.get(e, p, "note", str, "")))
    vals = dict(
        name=c.get(d, path, "name", str, vid), programme=c.get(d, path, "programme", str, ""),
        country=c.get(d, path, "country", str, ""), seats=c.get(d, path, "seats", int),
        docking=c.standard(d, path, "docking"), launcher=c.get(d, path, "launcher", str, ""),
        free_flight_days=c.get(d, path, "free_flight_days", float, minimum=0.0),
        daylight_landing=c.get(d, path, "daylight_landing", bool, False),
        plane_change_dv_km_s=c.get(d, path, "plane_change_dv_km_s", float, 0.0, minimum=0.0),
        return_s=c.get(d, path, "return_s", float, None, minimum=0.0), lead_s=c.get(d, path, "lead_s", float, None),
        in_service_from_ns=c.get(d, path, "in_service_from", "utc", None),
        in_service_until_ns=c.get(d, path, "in_service_until", "utc", None), source=c.get(d, path, "source", str, ""),
        assumptions=tuple(c.get(d, path, "assumptions", "names", ()) or ()))
    if vals["in_service_until_ns"] is not None:
        vals["in_service_until_ns"] += NS_PER_DAY - 1  # to the end of that day
    if len(c.problems) > n:
        return None
    return RescueVehicle(vid, model=model, sites=sites, readiness=tuple(eras), landing_zones=zones,
                         site_dates=tuple(dates), **vals)


def _station(c: _Checker, sid: str, d: dict) -> RescueStation | None:
    path = f"stations.{sid}"
    if not isinstance(d, dict):
        c.bad(path, "expected a table")
        return None
    c.unknown(d, path, ("name", "object", "programme", "ports"))
    n = len(c.problems)
    ports = []
    raw = d.get("ports")
    if not isinstance(raw, list) or not raw:
        c.bad(f"{path}.ports", "expected a list of { name, standard, adapters, from, until, source } tables")
        raw = []
    for i, e in enumerate(raw):
        p = f"{path}.ports[{i}]"
        if not isinstance(e, dict):
            c.bad(p, "expected a table")
            continue
        c.unknown(e, p, _PORT_KEYS)
        adapters = c.get(e, p, "adapters", list, [])
        for a in adapters or ():
            if a not in STANDARDS:
                c.bad(f"{p}.adapters", f"{a!r} is not a docking standard: expected one of {', '.join(STANDARDS)}")
        until = c.get(e, p, "until", "utc", None)
        ports.append(StationPort(c.get(e, p, "name", str), c.standard(e, p, "standard"), tuple(adapters or ()),
                                 c.get(e, p, "from", "utc", None), None if until is None else until + NS_PER_DAY - 1,
                                 c.get(e, p, "source", str, "")))
    out = RescueStation(sid, c.get(d, path, "name", str, sid), c.get(d, path, "object", str),
                        c.get(d, path, "programme", str, ""), tuple(ports))
    return None if len(c.problems) > n else out


def _parse(text: str, where: str) -> tuple[dict, dict]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise OrbopsError(f"{where}: not valid TOML: {exc}") from None
    except RecursionError:
        raise OrbopsError(f"{where}: nested too deeply") from None
    c = _Checker(where)
    c.unknown(data, "(top level)", ("vehicles", "stations"))
    vehicles, stations = {}, {}
    for key, table, build in (("vehicles", vehicles, _vehicle), ("stations", stations, _station)):
        raw = data.get(key, {})
        if not isinstance(raw, dict):
            c.bad(key, f"expected [{key}.ID] tables")
            continue
        for k, d in raw.items():
            item = build(c, k, d)
            if item is not None:
                table[k] = item
    if c.problems:
        raise OrbopsError("; ".join(c.problems))
    return vehicles, stations


@functools.lru_cache(maxsize=1)
def fleet() -> Fleet:
    """The shipped catalogue (``orbops/data/fleet.toml``)."""
    text = resources.files("orbops.data").joinpath("fleet.toml").read_text(encoding="utf-8")
    vehicles, stations = _parse(text, "orbops/data/fleet.toml")
    return Fleet(vehicles, stations, ("orbops/data/fleet.toml",))


def read_fleet(*paths) -> Fleet:
    """The shipped catalogue with the vehicles and stations of each file added (the same ids replaced)."""
    base = fleet()
    vehicles, stations, sources = dict(base.vehicles), dict(base.stations), list(base.sources)
    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise OrbopsError(f"cannot read the fleet file {path}: {exc}") from None
        v, s = _parse(text, str(path))
        vehicles.update(v)
        stations.update(s)
        sources.append(str(path))
    return Fleet(vehicles, stations, tuple(sources))
