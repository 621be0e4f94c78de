"""The flight record: real flights to crewed stations, as a CSV file (``data/flights.csv``).

One row per flight; the columns are documented in ``data/flights.md`` and the
README. Times are ISO 8601 UTC to the precision the source gives (seconds
where published, else minutes); ``notes`` says where a time is rounded,
"about", or read from a local time zone. Reading checks every row and reports
every problem at once (``file:line: column: message``).
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import RecordError
from ..geometry import landing_zones, launch_sites
from ..ops.vehicles import vehicle_models
from ..timescales import TimeFormatError, parse_utc

__all__ = ["Flight", "COLUMNS", "REQUIRED", "STATIONS", "read_record", "flight_record", "record_path"]

COLUMNS = ("flight", "vehicle_class", "spacecraft", "station", "site", "pad", "crew", "launch_utc", "docking_utc",
           "docking_port", "profile", "planned_profile", "undocking_utc", "landing_utc", "landing_zone", "sources",
           "notes")
"""Every column of a record, in order."""

REQUIRED = ("flight", "vehicle_class", "station", "launch_utc")
"""Columns that must be present and filled in every row."""

STATIONS = {"iss": "ISS", "css": "CSS", "tiangong-1": "TIANGONG-1", "tiangong-2": "TIANGONG-2"}
"""Station ids of a record and the element-set key (alias) of each."""

UNMODELLED_PROFILES = ("3-day", "4-day")
"""Profiles flown now and then that no vehicle model flies (Progress M-13M's and MS-13's three days, M-21M's
Kurs-NA test): a record may name them; the replay predicts a profile the model flies and shows the mismatch."""

_TIMES = ("launch_utc", "docking_utc", "undocking_utc", "landing_utc")


@dataclass(frozen=True)
class Flight:
    """One recorded flight. Times are UTC ``datetime64[ns]`` (None where the record has none);
    ``line`` is its line in the record file."""

    flight: str
    vehicle_class: str
    station: str
    site: str
    launch: np.datetime64
    crew: int | None = None
    spacecraft: str = ""
    pad: str = ""
    docking: np.datetime64 | None = None
    docking_port: str = ""
    profile: str = ""
    planned_profile: str = ""
    undocking: np.datetime64 | None = None
    landing: np.datetime64 | None = None
    landing_zone: str = ""
    sources: str = ""
    notes: str = ""
    line: int = 0

    @property
    def station_object(self) -> str:
        """The element-set key of the station (``ISS``, ``CSS``, ...)."""
        return STATIONS.get(self.station, self.station)

    @property
    def launch_profile(self) -> str:
        """The profile the launch was timed for: the planned one where the flight fell back to another."""
        return self.planned_profile or self.profile


def record_path() -> Path:
    """The shipped record, ``orbops/data/flights.csv``."""
    return Path(str(resources.files("orbops.data").joinpath("flights.csv")))


def flight_record() -> list[Flight]:
    """The shipped flight record (every crewed and crew-vehicle flight to the ISS since 2011, Tiangong-1,
    Tiangong-2 and the CSS, with Progress flights of 2012-2019)."""
    return read_record(record_path())


def read_record(path: str | os.PathLike) -> list[Flight]:
    """Flights from a record file with the columns of :data:`COLUMNS`; raises :class:`RecordError`
    listing every bad value (file, line, column, what was expected)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        why = getattr(exc, "strerror", None) or exc
        raise RecordError(str(path), [f"{path}: cannot read the file: {why}"]) from None
    reader = csv.reader(io.StringIO(text), strict=True)
    problems: list[str] = []
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        raise RecordError(str(path), [f"{path}:1: not a CSV header: {exc}"]) from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise RecordError(str(path), [f"{path}:1: missing column(s) {', '.join(missing)}: expected a header with "
                                      f"{', '.join(COLUMNS)}"])
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        problems.append(f"{path}:1: unknown column(s) {', '.join(map(repr, unknown))}: expected some of "
                        f"{', '.join(COLUMNS)}")
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        problems.append(f"{path}:1: column(s) {', '.join(map(repr, twice))} given more than once")
    classes, sites, zones = vehicle_models(), launch_sites(), landing_zones()
    flights: list[Flight] = []
    seen: dict[str, int] = {}
    line = reader.line_num + 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # an unterminated quote, say: the rest of the file cannot be split into rows
            problems.append(f"{path}:{line}: not a CSV row: {exc}")
            break
        start, line = line, reader.line_num + 1
        if not any(f.strip() for f in fields):
            continue

        def bad(column: str, message: str) -> None:
            problems.append(f"{path}:{start}: {column}: {message}")

        if len(fields) > len(header):
            bad("(row)", f"{len(fields)} fields for {len(header)} columns")
        row = dict(zip(header, fields))
        get = {c: (row.get(c) or "").strip() for c in COLUMNS}
        for c in REQUIRED:
            if not get[c]:
                bad(c, "missing: expected a value")
        times = {}
        for c in _TIMES:
            if not get[c]:
                continue
            if get[c].lower() == "now":
                bad(c, "'now' is not a recorded time: expected ISO 8601 UTC such as 2011-11-14T04:14Z")
                continue
            try:
                times[c] = parse_utc(get[c])
            except TimeFormatError as exc:
                bad(c, str(exc))
        vc = get["vehicle_class"]
        if vc and vc not in classes:
            bad("vehicle_class", f"unknown vehicle class {vc!r}: expected one of {', '.join(sorted(classes))}")
        for c in ("profile", "planned_profile"):
            if vc in classes and classes[vc].profiles and get[c]:
                known = [p.name for p in classes[vc].profiles] + list(UNMODELLED_PROFILES)
                if get[c] not in known:
                    bad(c, f"unknown profile {get[c]!r} for {vc}: expected one of {', '.join(known)}")
        st = get["station"]
        if st and st not in STATIONS:
            bad("station", f"unknown station {st!r}: expected one of {', '.join(STATIONS)}")
        if get["site"] and get["site"] not in sites:
            bad("site", f"unknown launch site {get['site']!r}: expected one of {', '.join(sorted(sites))}")
        if get["landing_zone"] and get["landing_zone"] not in zones and get["landing_zone"] not in _SEA:
            bad("landing_zone", f"unknown landing zone {get['landing_zone']!r}: expected one of "
                                f"{', '.join(sorted(zones) + list(_SEA))}")
        crew = None
        if get["crew"]:
            try:
                crew = int(get["crew"])
                if crew < 0:
                    raise ValueError
            except ValueError:
                bad("crew", f"{get['crew']!r} is not a number of people (0 or more)")
        order = [(c, times[c]) for c in _TIMES if c in times]
        for (a, ta), (b, tb) in zip(order, order[1:]):
            if tb < ta:
                bad(b, f"{get[b]} is before {a} {get[a]}")
        name = get["flight"]
        if name in seen:
            bad("flight", f"duplicate flight {name!r} (also line {seen[name]})")
        seen.setdefault(name, start)
        if "launch_utc" in times and name:
            flights.append(Flight(name, vc, st, get["site"], times["launch_utc"], crew, get["spacecraft"], get["pad"],
                                  times.get("docking_utc"), get["docking_port"], get["profile"],
                                  get["planned_profile"], times.get("undocking_utc"), times.get("landing_utc"),
                                  get["landing_zone"], get["sources"], get["notes"], start))
    if problems:
        raise RecordError(str(path), problems)
    return flights


_SEA = ("atlantic", "gulf", "pacific", "ksc")
"""Landing zones of vehicles whose landing orbops does not model (splashdown areas, the Shuttle Landing Facility)."""
