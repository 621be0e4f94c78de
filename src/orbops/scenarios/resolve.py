"""Resolve: the references between a scenario's tables, its element catalog, places and vehicle models.

The second of the loader's steps (parse -> resolve -> build). Ids must be
unique and every reference must name something defined; rotation plans
become missions; element files are read once (with their SHA-256) into the
catalog the scenario keeps; named places and vehicle models are looked up;
combinations that cannot work are reported (a site that cannot reach the
station's inclination, a docking standard no port takes, dates outside the
scenario or the element history).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

import numpy as np

from ..elements import ELEMENT_FILE_SUFFIXES, Catalog, elements_digest, load_catalog
from ..errors import ElementsError, OrbopsError, UnknownObjectError
from ..frames import Site
from ..geometry import LandingZone, LaunchSite, RendezvousProfile, landing_zones, launch_sites
from ..ops import RESCUE_ANY, SourceFile, Port, file_slug
from ..ops.vehicles import VehicleModel, parse_profiles, read_profiles, vehicle_models
from ..timescales import NS_PER_DAY, format_utc
from .parse import Entry, Parsed
from .schema import TABLES, Checker

__all__ = ["Resolved", "resolve"]

DIRECTIONS = ("northeast", "southeast")
FILE_KINDS = {"elements": (ELEMENT_FILE_SUFFIXES, 256 * 2**20), "profiles": ((".toml",), 2**20)}
"""The files a scenario may name: their suffixes and size limits (bytes)."""


@dataclass
class Resolved:
    """The parsed tables by id, with what they refer to looked up."""

    parsed: Parsed
    by_id: dict[str, dict[str, Entry]]
    sources: list[SourceFile] = field(default_factory=list)  # element and profile files, with their SHA-256
    catalog: Catalog | None = None
    sites: dict[str, LaunchSite] = field(default_factory=dict)  # spaceport id -> its launch site
    zones: dict[str, LandingZone] = field(default_factory=dict)  # landing site id -> its zone
    models: dict[str, VehicleModel | None] = field(default_factory=dict)  # vehicle class id -> model
    profiles: dict[str, tuple[RendezvousProfile, ...]] = field(default_factory=dict)  # vehicle class id -> profiles
    ports: dict[str, tuple[Port, ...]] = field(default_factory=dict)  # station id -> its ports
    contingency_ids: dict[str, str] = field(default_factory=dict)  # key path -> contingency id

    def entries(self, name: str) -> list[Entry]:
        return list(self.by_id[name].values()) if name in self.by_id else self.parsed.arrays[name]


class _Resolver:
    def __init__(self, parsed: Parsed, check: Checker, base: Path, files: Mapping[str, str | Path],
                 only_files: bool) -> None:
        self.p = parsed
        self.check = check
        self.base = base
        self.files = files
        self.only_files = only_files
        self.r = Resolved(parsed, {})

    def fail(self, path: str, message: str) -> None:
        self.check.fail(path, message)

    def ids(self, name: str, key: str, kind: str) -> dict[str, Entry]:
        seen: dict[str, Entry] = {}
        for p, e in self.p.arrays[name]:
            value = e.get(key)
            if value is None:
                continue
            if value in seen:
                self.fail(f"{p}.{key}", f"duplicate {kind} {value!r} (also {seen[value][0]})")
            else:
                seen[value] = (p, e)
        self.r.by_id[name] = seen
        return seen

    def distinct_slugs(self, ids: Mapping[str, str], kind: str) -> None:
        """Ids (key path -> id) of one kind must not share a file-name slug: the report names its plots by
        them, so one would overwrite the other's."""
        seen: dict[str, tuple[str, str]] = {}
        for p, value in ids.items():
            key = file_slug(value)
            if key in seen and seen[key][1] != value:
                other, first = seen[key]
                self.fail(f"{p}.id", f"{kind} {value!r} gives the same file names as {other} ({first!r}): "
                          f"both are {key!r} in the report's plots (report-{key}-...png); choose ids that differ "
                          "in their letters or digits")
            seen.setdefault(key, (p, value))

    def ref(self, path: str, value, table: Mapping, kind: str) -> bool:
        if value is None:
            return False
        if value not in table:
            known = ", ".join(sorted(map(str, table))) or "none defined"
            self.fail(path, f"unknown {kind} {value!r}: expected one of {known}")
            return False
        return True

    def within(self, path: str, when) -> None:
        """Report ``when`` outside the scenario's span."""
        start, end = self.p.meta.get("start"), self.p.meta.get("end")
        if None not in (when, start, end) and not start <= when <= end:
            self.fail(path, f"{format_utc(when)} is outside the scenario ({format_utc(start)} to {format_utc(end)})")

    def file(self, path: str, written: str, kind: str) -> Path | None:
        """Where a file the scenario names (at key ``path``) is: given in ``files``, else relative to the
        scenario's folder; a regular file with a suffix of its ``kind`` (``elements``, ``profiles``) and
        at most its size limit. None after reporting what is wrong with it."""
        if written in self.files:
            return Path(self.files[written])
        if self.only_files:
            self.fail(path, f"{written!r} is not among the files given ({', '.join(self.files) or 'none'})")
            return None
        suffixes, limit = FILE_KINDS[kind]
        if Path(written).is_absolute() or written.startswith("~"):
            self.fail(path, f"{written!r} is not relative: name files relative to the scenario's folder")
            return None
        if Path(written).suffix.lower() not in suffixes:
            what = "an element" if kind == "elements" else "a profiles"
            self.fail(path, f"{written!r} is not {what} file: expected a name ending in {', '.join(suffixes)}")
            return None
        found = (self.base / written).resolve()
        if not found.exists():
            self.fail(path, f"file {written!r} not found (relative to {self.base})")
            return None
        if not found.is_file():
            self.fail(path, f"{written!r} is not a regular file")
            return None
        if found.stat().st_size > limit:
            self.fail(path, f"{written!r} is {found.stat().st_size / 2**20:.0f} MiB: at most "
                            f"{limit / 2**20:.0f} MiB is read")
            return None
        return found

    # --- steps ----------------------------------------------------------------------------------------
    def run(self) -> Resolved:
        meta = self.p.meta
        start, end = meta.get("start"), meta.get("end")
        if start is not None and end is not None and end <= start:
            self.fail("scenario.end", f"{format_utc(end)} is not after the start {format_utc(start)}")
        self.elements()
        stations = self.ids("stations", "id", "station")
        self.distinct_slugs({p: sid for sid, (p, _) in stations.items()}, "station")
        inclinations = {sid: self.station(p, e) for sid, (p, e) in stations.items()}
        launchers = self.ids("launchers", "id", "launcher")
        spaceports = self.ids("spaceports", "id", "spaceport")
        for sid, (p, e) in spaceports.items():
            self.spaceport(sid, p, e)
        landings = self.ids("landing_sites", "id", "landing site")
        for lid, (p, e) in landings.items():
            self.landing_site(lid, p, e)
        classes = self.ids("vehicle_classes", "id", "vehicle class")
        for cid, (p, e) in classes.items():
            self.ref(f"{p}.launcher", e["launcher"], launchers, "launcher")
            self.ref(f"{p}.spaceport", e["spaceport"], spaceports, "spaceport")
            if e["landing_site"] is not None:
                self.ref(f"{p}.landing_site", e["landing_site"], landings, "landing site")
            self.vehicle_class(cid, p, e)
        vehicles = self.ids("vehicles", "serial", "vehicle")
        crew = self.ids("crew", "id", "crew member")
        missions = self.ids("missions", "id", "mission")
        self.rotations(vehicles, crew, missions)
        for p, e in vehicles.values():
            self.ref(f"{p}.class", e["class"], classes, "vehicle class")
        used: dict[str, str] = {}
        self.docked_at_start(used)
        for p, e in missions.values():
            self.mission(p, e, used, inclinations)
        self.crew_once_at_a_time()
        self.contingencies()
        self.variants()
        self.uncertainty()
        for p, e in self.p.arrays["plane_studies"]:
            self.ref(f"{p}.from_station", e["from_station"], stations, "station")
            self.ref(f"{p}.to_station", e["to_station"], stations, "station")
        return self.r

    def elements(self) -> None:
        """Read the element files once: the catalog the scenario keeps, each file with its SHA-256."""
        found = []
        written_all = self.p.meta.get("elements")
        if written_all == []:
            self.fail("scenario.elements", "no element files: expected at least one (relative to the scenario)")
        for i, written in enumerate(written_all or []):
            path = self.file(f"scenario.elements[{i}]", written, "elements")
            if path is None:
                continue
            found.append(path)
            try:
                self.r.sources.append(SourceFile("elements", written, str(path), elements_digest(path)))
            except (OSError, ElementsError) as exc:
                self.fail(f"scenario.elements[{i}]", f"cannot read {written!r}: {exc}")
        if found and len(found) == len(self.p.meta.get("elements") or []):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # bad records are listed in Catalog.problems
                    self.r.catalog = load_catalog(*found)
            except ElementsError as exc:
                self.fail("scenario.elements", str(exc).splitlines()[0])

    def station(self, p: str, e: dict) -> float | None:
        """Check the station's ports and orbit; returns its inclination (degrees) near the start."""
        ports = tuple(Port(name=x["name"], standard=x["standard"], adapters=tuple(x["adapters"] or ()))
                      for x in e["ports"] or () if x["name"] and x["standard"])
        if e["ports"] is not None and not ports:
            self.fail(f"{p}.ports", "a station needs at least one port")
        self.r.ports[e["id"]] = ports
        if self.r.catalog is None or not e.get("object"):
            return None
        try:
            hist = self.r.catalog.history(e["object"])
        except UnknownObjectError as exc:
            self.fail(f"{p}.object", str(exc))
            return None
        meta = self.p.meta
        start, end, max_age = meta.get("start"), meta.get("end"), meta.get("max_element_age_days")
        epochs = hist.epoch
        for name, t in (("start", start), ("end", end)):
            if t is None or max_age is None:
                continue
            age = np.abs(epochs - t).min() / np.timedelta64(NS_PER_DAY, "ns")
            if age > max_age:
                self.fail(f"scenario.{name}", f"{format_utc(t)} is {age:.0f} days from the nearest element set of "
                          f"{e['object']} (history {format_utc(epochs.min())} to {format_utc(epochs.max())}): "
                          f"expected within scenario.max_element_age_days = {max_age:g}")
        when = start if start is not None else epochs.max()
        return float(hist.inc_deg[int(np.argmin(np.abs(epochs - when)))])

    def named_place(self, p: str, e: dict, known: dict, what: str):
        """The place named by ``e["place"]`` in ``known`` (None after reporting an unknown name, or when the
        table gives its own coordinates)."""
        if e["place"] is not None:
            found = known.get(e["place"])
            if found is None:
                self.fail(f"{p}.place", f"unknown {what} {e['place']!r}: expected one of "
                          f"{', '.join(sorted(known))}, or lat_deg/lon_deg")
            return found
        if e["lat_deg"] is None or e["lon_deg"] is None:
            self.fail(p, "expected place = NAME, or lat_deg and lon_deg")
        return None

    def own_site(self, p: str, e: dict) -> Site | None:
        """The table's own ``lat_deg``/``lon_deg``/``alt_m`` as a Site (None after reporting a bad one)."""
        if None in (e["lat_deg"], e["lon_deg"], e["alt_m"]):
            return None  # reported where it was read
        try:
            return Site(e["lat_deg"], e["lon_deg"], e["alt_m"] / 1000.0, e["name"] or e["id"] or "")
        except OrbopsError as exc:
            self.fail(p, str(exc))
            return None

    def directions(self, path: str, stated) -> tuple[str, ...] | None:
        for d in stated or ():
            if d not in DIRECTIONS:
                self.fail(path, f"{d!r} is not northeast or southeast")
        return None if not stated else tuple(d for d in stated if d in DIRECTIONS)

    def spaceport(self, sid: str, p: str, e: dict) -> None:
        """The spaceport's launch site: a named one with the table's changes, or the table's own."""
        if e["pads"] == []:
            self.fail(f"{p}.pads", "no pads: expected at least one")
        base = self.named_place(p, e, launch_sites(), "launch site")
        site = base.site if base else self.own_site(p, e)
        directions = self.directions(f"{p}.directions", e["directions"])
        crewed = self.directions(f"{p}.crewed_directions", e["crewed_directions"])
        if site is None:
            return
        stated = {"min_inclination_deg": e["min_inclination_deg"], "max_inclination_deg": e["max_inclination_deg"],
                  "directions": directions, "crewed_directions": crewed}
        stated = {k: v for k, v in stated.items() if v is not None}
        name = e["name"] or (base.name if base else e["id"])
        self.r.sites[sid] = (replace(base, name=name, **stated) if base
                             else LaunchSite(name=name, site=site, **stated))

    def landing_site(self, lid: str, p: str, e: dict) -> None:
        zone = self.named_place(p, e, landing_zones(), "landing zone")
        if zone is None:
            site = None if e["place"] is not None else self.own_site(p, e)
            if site is None:
                return
            zone = LandingZone(name=e["name"] or e["id"], site=site)
        if e["cross_range_km"] is not None:
            zone = replace(zone, cross_range_km=e["cross_range_km"])
        self.r.zones[lid] = zone

    def vehicle_class(self, cid: str, p: str, e: dict) -> None:
        model = None
        if e["model"] is not None:
            model = vehicle_models().get(e["model"])
            if model is None:
                self.fail(f"{p}.model", f"unknown vehicle model {e['model']!r}: expected one of "
                          f"{', '.join(sorted(vehicle_models()))}")
        if e["profiles"] is None and e["model"] is None:
            self.fail(f"{p}.profiles", "missing: expected a profiles file or list, or a vehicle model (model = ...)")
        profiles = self.profiles(f"{p}.profiles", e["profiles"]) if e["profiles"] is not None else (
            model.profiles if model else ())
        if "lead_s" in e["ascent"]:  # a stated lead is the lead of every profile
            profiles = tuple(replace(pr, lead_s=None) for pr in profiles)
        self.r.models[cid] = model
        self.r.profiles[cid] = profiles

    def profiles(self, path: str, raw) -> tuple[RendezvousProfile, ...]:
        """Profiles from a file of ``[[profile]]`` tables or an inline list (``orbops.ops.vehicles.PROFILE_KEYS``)."""
        if isinstance(raw, str):
            where_is = self.file(path, raw, "profiles")
            if where_is is None:
                return ()
            out, problems = read_profiles(where_is)
            if where_is.is_file() and not any(s.kind == "profiles" and s.written == raw for s in self.r.sources):
                self.r.sources.append(SourceFile("profiles", raw, str(where_is), elements_digest(where_is)))
            for key_path, message in problems:  # at the profiles key: the lines are the other file's
                self.fail(path, f"{raw}: {key_path}: {message}")
            return out
        if not isinstance(raw, list):
            self.fail(path, "expected a profiles file name or a list of profile tables")
            return ()
        out, problems = parse_profiles(raw, path)
        for key_path, message in problems:
            self.fail(key_path, message)
        if not out and not problems:
            self.fail(path, "no rendezvous profiles")
        return out

    def rotations(self, vehicles: dict, crew: dict, missions: dict) -> None:
        """Expand ``[[rotations]]`` (a crew rotation plan) into missions, vehicles and crew, in place.

        Flight k launches no earlier than ``first_net + k * interval_days`` and relieves flight
        ``k - relieves`` (or, for the first flights, the listed ``docked_relieved`` missions).
        Crew members are generated (``<mission>-crew-<n>``) unless a flight lists its own.
        """
        for _, r in self.p.arrays["rotations"]:
            flights = [(fp, re.sub(r"[^a-z0-9]+", "-", fl["name"].lower()).strip("-"), fl)
                       for fp, fl in r["flights"] if fl["name"] is not None]
            for k, (fp, mid, fl) in enumerate(flights):
                if mid in missions:
                    self.fail(f"{fp}.name", f"mission {mid!r} is already defined ({missions[mid][0]})")
                    continue
                if fl["name"] in vehicles:
                    self.fail(f"{fp}.name", f"vehicle {fl['name']!r} is already defined ({vehicles[fl['name']][0]})")
                    continue
                vehicles[fl["name"]] = (fp, {"serial": fl["name"], "class": fl["class"]})
                ids = fl["crew"]
                if ids is None:
                    ids = [f"{mid}-crew-{j + 1}" for j in range(r["crew_per_flight"] or 0)]
                    for cid in ids:
                        crew[cid] = (fp, dict(_defaults("crew"), id=cid))
                back = k - (r["relieves"] or 0)
                relieved = None
                if r["relieves"]:
                    if back >= 0:
                        relieved = flights[back][1]
                    elif k < len(r["docked_relieved"] or []):
                        relieved = r["docked_relieved"][k]
                net = fl["net"]
                if net is None and r["first_net"] is not None and r["interval_days"] is not None:
                    net = r["first_net"] + np.timedelta64(int(round(k * r["interval_days"] * NS_PER_DAY)), "ns")
                missions[mid] = (fp, dict(_defaults("missions"), id=mid, name=fl["name"], vehicle=fl["name"],
                                          station=r["station"], net=net, stay_days=r["stay_days"], crew=ids,
                                          relieves=relieved, launch_date=fl["launch_date"],
                                          landing_date=fl["landing_date"]))

    def crew_refs(self, p: str, ids, vclass: dict | None) -> None:
        for j, cid in enumerate(ids or []):
            self.ref(f"{p}.crew[{j}]", cid, self.r.by_id["crew"], "crew member")
        if vclass is not None and ids and vclass["seats"] is not None and len(ids) > vclass["seats"]:
            self.fail(f"{p}.crew", f"{len(ids)} crew for the {vclass['seats']} seats of a "
                                   f"{vclass['name'] or vclass['id']}")

    def class_of(self, serial) -> dict | None:
        """The vehicle class table of a vehicle (None if either is unknown)."""
        v = self.r.by_id["vehicles"].get(serial)
        c = self.r.by_id["vehicle_classes"].get(v[1]["class"]) if v else None
        return c[1] if c else None

    def docked_at_start(self, used: dict) -> None:
        stations, occupied = self.r.by_id["stations"], {}
        for p, e in self.p.arrays["docked_at_start"]:
            if self.ref(f"{p}.vehicle", e["vehicle"], self.r.by_id["vehicles"], "vehicle"):
                used.setdefault(e["vehicle"], p)
            vc = self.class_of(e["vehicle"])
            if self.ref(f"{p}.station", e["station"], stations, "station") and e["port"]:
                ports = {x.name: x for x in self.r.ports.get(e["station"], ())}
                if e["port"] not in ports:
                    self.fail(f"{p}.port", f"unknown port {e['port']!r} of {e['station']}: expected one of "
                                           f"{', '.join(ports)}")
                elif vc is not None and not ports[e["port"]].accepts(vc["docking"]):
                    self.fail(f"{p}.port", f"port {e['port']} takes {ports[e['port']].standard}, not {vc['docking']}")
                key = (e["station"], e["port"])
                if key in occupied:
                    self.fail(f"{p}.port", f"port {e['port']} is already taken by {occupied[key]}")
                occupied[key] = e["vehicle"]
            self.crew_refs(p, e["crew"], vc)
            start = self.p.meta.get("start")
            if start is not None and e["docked"] is not None and e["docked"] > start:
                self.fail(f"{p}.docked", f"{format_utc(e['docked'])} is after the scenario start {format_utc(start)}")
            if e["landing_date"] is not None:
                self.within(f"{p}.landing_date", e["landing_date"])

    def relievable(self) -> set:
        return set(self.r.by_id["missions"]) | {e["mission"] for _, e in self.p.arrays["docked_at_start"]
                                                if e.get("mission")}

    def mission(self, p: str, e: dict, used: dict, inclinations: dict) -> None:
        if self.ref(f"{p}.vehicle", e["vehicle"], self.r.by_id["vehicles"], "vehicle"):
            if e["vehicle"] in used:
                self.fail(f"{p}.vehicle", f"vehicle {e['vehicle']} already flies in {used[e['vehicle']]}")
            used.setdefault(e["vehicle"], p)
        vc = self.class_of(e["vehicle"])
        # a standby ship that only a rescue may call: whether it can dock and reach is the rescue's verdict
        candidate = e["standby"] and e["id"] not in {c["replacement"] for _, c in self.p.arrays["contingencies"]}
        if self.ref(f"{p}.station", e["station"], self.r.by_id["stations"], "station") and vc is not None:
            ports = self.r.ports.get(e["station"], ())
            if not candidate and not any(x.accepts(vc["docking"]) for x in ports):
                self.fail(f"{p}.vehicle", f"{e['vehicle']} docks with {vc['docking']}, which no port of "
                          f"{e['station']} takes ({', '.join(sorted({x.standard for x in ports}))}); "
                          "declare an adapter on a port to allow it")
            if e["port"] is not None and e["port"] not in [x.name for x in ports]:
                self.fail(f"{p}.port", f"unknown port {e['port']!r} of {e['station']}")
            site, inc = self.r.sites.get(vc["spaceport"]), inclinations.get(e["station"])
            if site is not None and inc is not None and not candidate:
                self.reach(f"{p}.vehicle", site, inc, e["station"])
        self.crew_refs(p, e["crew"], vc)
        if e["relieves"] is not None and e["relieves"] == e["id"]:
            self.fail(f"{p}.relieves", f"{e['id']} cannot relieve itself: expected the mission whose crew it "
                      "takes over from")
        elif e["relieves"] is not None and e["relieves"] not in self.relievable():
            self.fail(f"{p}.relieves", f"unknown mission {e['relieves']!r}: expected a mission id or a "
                      "docked_at_start mission")
        for key in ("net", "launch_date", "landing_date"):
            self.within(f"{p}.{key}", e[key])
        first = e["launch_date"] if e["launch_date"] is not None else e["net"]
        if e["landing_date"] is not None and first is not None and e["landing_date"] <= first:
            self.fail(f"{p}.landing_date", f"{format_utc(e['landing_date'])} is not after the launch "
                      f"({format_utc(first)})")

    def crew_once_at_a_time(self) -> None:
        """In each variant a crew member is on one flight at a time: the planned stays (from the launch day,
        else the no-earlier-than date; from the docking of a vehicle docked at the start) of the flights they
        are on must not overlap. A replacement ordered by one of the variant's contingencies flies uncrewed."""
        stays = []  # (crew, start, end or None, key path, flight)
        for p, e in self.p.arrays["docked_at_start"]:
            end = None if e["docked"] is None or e["stay_days"] is None else _after(e["docked"], e["stay_days"])
            stays += [(c, e["docked"], end, f"{p}.crew[{j}]", e["mission"] or e["vehicle"])
                      for j, c in enumerate(e["crew"] or []) if e["docked"] is not None]
        for p, e in self.r.by_id["missions"].values():
            start = e["launch_date"] if e["launch_date"] is not None else e["net"]
            if start is not None and e["stay_days"] is not None and not e["standby"]:
                stays += [(c, start, _after(start, e["stay_days"]), f"{p}.crew[{j}]", e["id"])
                          for j, c in enumerate(e["crew"] or [])]
        variants = [(e["id"] or p, set(e["exclude_missions"] or ()), set(e["exclude_contingencies"] or ()))
                    for p, e in self.p.arrays["variants"]] or [("base", set(), set())]
        reported = set()
        for vid, missions_out, contingencies_out in variants:
            uncrewed = {e["replacement"] for p, e in self.p.arrays["contingencies"]
                        if e["replacement"] and (e["id"] or p) not in contingencies_out}
            flown = sorted((s for s in stays if s[4] not in missions_out | uncrewed), key=lambda s: (s[0], s[1]))
            for a, b in zip(flown, flown[1:]):
                if a[0] == b[0] and (a[2] is None or b[1] < a[2]) and (b[3], a[4]) not in reported:
                    reported.add((b[3], a[4]))
                    self.fail(b[3], f"{b[0]} is still on {a[4]} (from {format_utc(a[1])}"
                                    + ("" if a[2] is None else f" to {format_utc(a[2])}")
                                    + f") when {b[4]} starts ({format_utc(b[1])}) in variant {vid}: a crew member "
                                    "flies one mission at a time")

    def reach(self, path: str, site: LaunchSite, inc: float, station: str) -> None:
        lat = abs(site.site.lat_deg)
        if min(inc, 180.0 - inc) < lat - 0.05:
            self.fail(path, f"{site.name} (latitude {lat:.2f} deg) cannot reach {station} (inclination "
                      f"{inc:.2f} deg): a site never passes under a plane inclined less than its latitude")
        elif not site.min_inclination_deg - 0.1 <= inc <= site.max_inclination_deg + 0.1:
            self.fail(path, f"{station}'s inclination {inc:.2f} deg is outside what {site.name} launches "
                      f"({site.min_inclination_deg:g} to {site.max_inclination_deg:g} deg)")

    def contingencies(self) -> None:
        by = self.r.by_id
        for p, e in self.p.arrays["contingencies"]:
            kind, target = e["kind"], e["target"]
            if kind == "launcher_grounded":
                self.ref(f"{p}.target", target, by["launchers"], "launcher")
                self.need(p, e, "start", "end")
            elif kind == "pad_outage":
                sp_id, _, pad = (target or "").partition("/")
                if (self.ref(f"{p}.target", sp_id, by["spaceports"], "spaceport")
                        and pad not in (by["spaceports"][sp_id][1]["pads"] or [])):
                    self.fail(f"{p}.target", f"expected SPACEPORT/PAD with a pad of {sp_id}, got {target!r}")
                self.need(p, e, "start", "end")
            elif kind == "vehicle_damage":
                self.ref(f"{p}.target", target, by["vehicles"], "vehicle")
                self.need(p, e, "start")
                if e["return_on"] is not None:
                    self.ref(f"{p}.return_on", e["return_on"], by["vehicles"], "vehicle")
                if e["replacement"] is not None:
                    self.ref(f"{p}.replacement", e["replacement"], by["missions"], "mission")
                self.rescue(p, e)
            elif kind == "launch_failure":
                self.ref(f"{p}.target", target, by["missions"], "mission")
            if kind != "vehicle_damage" and e["rescue"] is not None:
                self.fail(f"{p}.rescue", "only a vehicle_damage contingency calls up a rescue")
            if e["start"] is not None and e["end"] is not None and e["end"] <= e["start"]:
                self.fail(f"{p}.end", "is not after the start")
            self.r.contingency_ids[p] = e["id"] or p

    def rescue(self, p: str, e: dict) -> None:
        """A damage contingency's ``rescue``: "any_compatible" or a list of standby missions, not with a
        named replacement."""
        rescue = e["rescue"]
        if rescue is None:
            return
        if e["replacement"] is not None:
            self.fail(f"{p}.rescue", "give either a replacement or a rescue, not both")
        if isinstance(rescue, str):
            if rescue != RESCUE_ANY:
                self.fail(f"{p}.rescue", f"{rescue!r}: expected {RESCUE_ANY!r} or a list of standby missions")
            return
        if not isinstance(rescue, list) or not rescue or not all(isinstance(m, str) for m in rescue):
            self.fail(f"{p}.rescue", f"expected {RESCUE_ANY!r} or a list of standby mission ids, got {rescue!r}")
            return
        missions = self.r.by_id["missions"]
        for j, mid in enumerate(rescue):
            if self.ref(f"{p}.rescue[{j}]", mid, missions, "mission") and not missions[mid][1]["standby"]:
                self.fail(f"{p}.rescue[{j}]", f"mission {mid} is not a standby ship: a rescue flies only when "
                                              "called up (standby = true)")

    def need(self, p: str, e: dict, *keys: str) -> None:
        for k in keys:
            if e.get(k) is None:
                self.fail(f"{p}.{k}", "missing: expected an ISO 8601 UTC time")

    def variants(self) -> None:
        missions, known_ids = self.r.by_id["missions"], set(self.r.contingency_ids.values())
        for p, e in self.p.arrays["variants"]:
            for j, mid in enumerate(e["exclude_missions"] or []):
                self.ref(f"{p}.exclude_missions[{j}]", mid, missions, "mission")
            for j, cid in enumerate(e["exclude_contingencies"] or []):
                if cid not in known_ids:
                    self.fail(f"{p}.exclude_contingencies[{j}]", f"unknown contingency {cid!r}: expected one of "
                              f"{', '.join(sorted(known_ids)) or 'none'} (give contingencies an id)")
            for key in ("net", "launch_date", "landing_date"):
                known = self.relievable() if key == "landing_date" else missions
                for mid, when in (e[key] or {}).items():
                    self.ref(f"{p}.{key}.{mid}", mid, known, "mission")
                    self.within(f"{p}.{key}.{mid}", when)
        seen: dict = {}
        for p, e in self.p.arrays["variants"]:
            vid = e["id"] or p
            if vid in seen:
                self.fail(f"{p}.id", f"duplicate variant {vid!r} (also {seen[vid]})")
            seen.setdefault(vid, p)
        self.distinct_slugs({p: vid for vid, p in seen.items()}, "variant")

    def uncertainty(self) -> None:
        by = self.r.by_id
        known = {"launch_slip_days": (by["launchers"], "launcher"),
                 "launch_failure_probability": (by["launchers"], "launcher"),
                 "grounding_days_after_failure": (by["launchers"], "launcher"),
                 "anomaly_rate_per_year": (by["vehicle_classes"], "vehicle class"),
                 "pad_damage_probability": (by["spaceports"], "spaceport"),
                 "pad_repair_days": (by["spaceports"], "spaceport")}
        for name, (table, what) in known.items():
            for key in self.p.uncertainty[name]:
                self.ref(f"uncertainty.{name}.{key}", key, table, what)


def _after(t: np.datetime64, days: float) -> np.datetime64:
    return t + np.timedelta64(int(round(days * NS_PER_DAY)), "ns")


def _defaults(table: str) -> dict:
    """A table with every key at its schema default (for entries a rotation plan generates)."""
    return {k: f.default for k, f in TABLES[table].items()}


def resolve(parsed: Parsed, check: Checker, base: Path, files: Mapping[str, str | Path] | None = None, *,
            only_files: bool = False) -> Resolved:
    """Resolve a parsed scenario whose file is in ``base``; ``files`` maps file names as the scenario writes
    them (element files, profile files) to where they are instead (a run directory's copies), and with
    ``only_files`` no other file may be read."""
    return _Resolver(parsed, check, base, files or {}, only_files).run()
