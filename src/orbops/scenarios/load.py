"""Load, validate and build scenario files (TOML) into ``orbops.ops.Scenario``.

Validation runs to the end and reports every problem at once: unknown keys,
wrong types, references to things that do not exist, impossible combinations
(a spaceport that cannot reach a station's inclination, a vehicle whose
docking standard fits no port without a declared adapter, dates outside the
element history). Each problem names the file, the line where it can be
found, the key path and what was expected.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..elements import load_catalog
from ..errors import ElementsError, OrbopsError, ScenarioError, UnknownObjectError
from ..frames import Site
from ..geometry import Ascent, LandingZone, LaunchSite, RendezvousProfile, landing_zones, launch_sites
from ..ops.vehicles import parse_profiles, vehicle_models
from ..ops import (DISTRIBUTIONS, Contingency, CrewMember, DockedAtStart, Distribution, LandingSite, Launcher,
                   Mission, PlaneStudy, Policy, Port, Scenario, Spaceport, Station, Uncertainty, Variant, Vehicle,
                   VehicleClass)
from ..timescales import NS_PER_DAY, format_utc
from .schema import POLICY, ROOT, TABLES, Checker, Field

__all__ = ["load_scenario", "validate_scenario"]


def load_scenario(path: str | os.PathLike) -> Scenario:
    """A validated :class:`~orbops.ops.Scenario`; raises :class:`ScenarioError` listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(str(path), [f"cannot read the file: {exc.strerror}"]) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(str(path), [f"not valid TOML: {exc}"]) from None
    builder = _Builder(path, text)
    scenario = builder.build(raw)
    if builder.check.problems:
        raise ScenarioError(str(path), builder.messages())
    return scenario


def validate_scenario(path: str | os.PathLike) -> list[str]:
    """Every problem in a scenario file (empty when it can run)."""
    try:
        load_scenario(path)
    except ScenarioError as exc:
        return exc.problems
    return []


class _Builder:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self.check = Checker()

    # --- error reporting -----------------------------------------------------------------------------
    def messages(self) -> list[str]:
        out = []
        for key_path, message in self.check.problems:
            line = _find_line(self.text, key_path)
            where = f"{self.path}:{line}" if line else str(self.path)
            out.append(f"{where}: {key_path}: {message}")
        return out

    def fail(self, key_path: str, message: str) -> None:
        self.check.fail(key_path, message)

    # --- building --------------------------------------------------------------------------------------
    def items(self, raw: dict, name: str) -> list[tuple[str, dict]]:
        """Checked entries of the array of tables ``name``, with their key paths."""
        out = []
        for i, entry in enumerate(raw.get(name) or []):
            if isinstance(entry, dict):
                out.append((f"{name}[{i}]", self.check.table(f"{name}[{i}]", TABLES[name], entry)))
        return out

    def ids(self, entries, key: str, kind: str) -> dict:
        seen = {}
        for p, e in entries:
            value = e.get(key)
            if value is None:
                continue
            if value in seen:
                self.fail(f"{p}.{key}", f"duplicate {kind} {value!r} (also {seen[value][0]})")
            else:
                seen[value] = (p, e)
        return seen

    def ref(self, path: str, value, table: dict, kind: str) -> bool:
        if value is None:
            return False
        if value not in table:
            known = ", ".join(sorted(map(str, table))) or "none defined"
            self.fail(path, f"unknown {kind} {value!r}: expected one of {known}")
            return False
        return True

    def build(self, raw: dict) -> Scenario | None:
        top = self.check.table("", ROOT, raw)
        meta = self.check.table("scenario", TABLES["scenario"], top["scenario"] or {}) if top["scenario"] else {}
        policy = self.policy("policy", top["policy"] or {})
        # element files and the stations' orbits
        files = []
        for i, f in enumerate(meta.get("elements") or []):
            p = (self.path.parent / f).resolve()
            if not p.exists():
                self.fail(f"scenario.elements[{i}]", f"element file {f!r} not found (relative to {self.path.parent})")
            files.append(str(p))
        catalog = None
        if files and all(Path(f).exists() for f in files):
            try:
                import warnings
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    catalog = load_catalog(*files)
            except ElementsError as exc:
                self.fail("scenario.elements", str(exc).splitlines()[0])
        start, end = meta.get("start"), meta.get("end")
        if start is not None and end is not None and end <= start:
            self.fail("scenario.end", f"{format_utc(end)} is not after the start {format_utc(start)}")

        stations = self.ids(self.items(raw, "stations"), "id", "station")
        station_objs = {}
        for sid, (p, e) in stations.items():
            ports = []
            for j, port in enumerate(e.get("ports") or []):
                pc = self.check.table(f"{p}.ports[{j}]", TABLES["ports"], port)
                if pc["name"] and pc["standard"]:
                    ports.append(Port(pc["name"], pc["standard"], tuple(pc["adapters"] or ())))
            if e.get("ports") is not None and not ports:
                self.fail(f"{p}.ports", "a station needs at least one port")
            inc = None
            if catalog is not None and e.get("object"):
                inc = self.station_orbit(catalog, p, e["object"], start, end, meta.get("max_element_age_days") or 30.0)
            station_objs[sid] = (Station(sid, e["name"] or sid, e["object"] or "", e["crew_capacity"] or 1,
                                         tuple(ports)), inc)
        launchers = self.ids(self.items(raw, "launchers"), "id", "launcher")
        spaceports = self.ids(self.items(raw, "spaceports"), "id", "spaceport")
        port_objs = {k: self.spaceport(p, e) for k, (p, e) in spaceports.items()}
        landings = self.ids(self.items(raw, "landing_sites"), "id", "landing site")
        landing_objs = {k: self.landing_site(p, e) for k, (p, e) in landings.items()}
        classes = self.ids(self.items(raw, "vehicle_classes"), "id", "vehicle class")
        class_objs = {}
        for cid, (p, e) in classes.items():
            self.ref(f"{p}.launcher", e["launcher"], launchers, "launcher")
            self.ref(f"{p}.spaceport", e["spaceport"], spaceports, "spaceport")
            if e["landing_site"] is not None:
                self.ref(f"{p}.landing_site", e["landing_site"], landings, "landing site")
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
            if "lead_s" in (e["ascent"] or {}):  # a stated lead is the lead of every profile
                profiles = tuple(replace(pr, lead_s=None) for pr in profiles)
            base = model.ascent if model else Ascent()  # the keys a class states override its model's
            asc = self.check.table(f"{p}.ascent", TABLES["ascent"], e["ascent"] or {}) if e["ascent"] is not None else {}
            ascent = replace(base, **{k: v for k, v in asc.items() if v is not None and k in (e["ascent"] or {})})
            if e["return_hours"] is not None:
                return_s = e["return_hours"] * 3600.0
            elif model is not None and model.return_s is not None:
                return_s = model.return_s  # undocking to the landing pass, as the vehicle flies it
            else:
                return_s = 3.5 * 3600.0
            class_objs[cid] = VehicleClass(
                cid, e["name"] or cid, e["seats"] or 0, e["docked_life_days"] or 0.0, e["docking"] or "",
                e["launcher"] or "", e["spaceport"] or "", profiles, e["landing_site"], ascent,
                e["lifeboat_seats"], return_s, e["free_flight_days"] if e["free_flight_days"] is not None else 3.0,
                e["crewed"] if e["crewed"] is not None else True, model.id if model else None,
                model.landing_offset_s if model and e["return_hours"] is None else 0.0)
        vehicles = self.ids(self.items(raw, "vehicles"), "serial", "vehicle")
        crew = self.ids(self.items(raw, "crew"), "id", "crew member")
        docked = self.items(raw, "docked_at_start")
        missions = self.ids(self.items(raw, "missions"), "id", "mission")
        self.rotations(raw, vehicles, crew, missions)
        for serial, (p, e) in vehicles.items():
            self.ref(f"{p}.class", e["class"], classes, "vehicle class")
        relievable = set(missions) | {e["mission"] for _, e in docked if e.get("mission")}
        used_vehicles: dict = {}

        def vclass_of(serial):
            if serial in vehicles and vehicles[serial][1]["class"] in class_objs:
                return class_objs[vehicles[serial][1]["class"]]
            return None

        occupied: dict = {}
        for p, e in docked:
            if self.ref(f"{p}.vehicle", e["vehicle"], vehicles, "vehicle"):
                used_vehicles.setdefault(e["vehicle"], p)
            if self.ref(f"{p}.station", e["station"], stations, "station") and e["port"]:
                st = station_objs[e["station"]][0]
                names = [x.name for x in st.ports]
                vc = vclass_of(e["vehicle"])
                if e["port"] not in names:
                    self.fail(f"{p}.port", f"unknown port {e['port']!r} of {e['station']}: expected one of {', '.join(names)}")
                elif vc is not None and not st.port(e["port"]).accepts(vc.docking):
                    self.fail(f"{p}.port", f"port {e['port']} takes {st.port(e['port']).standard}, not {vc.docking}")
                key = (e["station"], e["port"])
                if key in occupied:
                    self.fail(f"{p}.port", f"port {e['port']} is already taken by {occupied[key]}")
                occupied[key] = e["vehicle"]
            self.crew_refs(p, e["crew"], crew, vclass_of(e["vehicle"]))
            if start is not None and e["docked"] is not None and e["docked"] > start:
                self.fail(f"{p}.docked", f"{format_utc(e['docked'])} is after the scenario start {format_utc(start)}")
            if e["landing_date"] is not None:
                self.within(f"{p}.landing_date", e["landing_date"], start, end)
        for mid, (p, e) in missions.items():
            if self.ref(f"{p}.vehicle", e["vehicle"], vehicles, "vehicle"):
                if e["vehicle"] in used_vehicles:
                    self.fail(f"{p}.vehicle", f"vehicle {e['vehicle']} already flies in {used_vehicles[e['vehicle']]}")
                used_vehicles.setdefault(e["vehicle"], p)
            vc = vclass_of(e["vehicle"])
            if self.ref(f"{p}.station", e["station"], stations, "station") and vc is not None:
                st, inc = station_objs[e["station"]]
                if not any(x.accepts(vc.docking) for x in st.ports):
                    self.fail(f"{p}.vehicle", f"{e['vehicle']} docks with {vc.docking}, which no port of "
                              f"{e['station']} takes ({', '.join(sorted({x.standard for x in st.ports}))}); "
                              "declare an adapter on a port to allow it")
                if e["port"] is not None and e["port"] not in [x.name for x in st.ports]:
                    self.fail(f"{p}.port", f"unknown port {e['port']!r} of {e['station']}")
                sp = port_objs.get(vc.spaceport)
                if sp is not None and inc is not None:
                    self.reach(f"{p}.vehicle", sp, inc, e["station"])
            self.crew_refs(p, e["crew"], crew, vc)
            if e["relieves"] is not None and e["relieves"] not in relievable:
                self.fail(f"{p}.relieves", f"unknown mission {e['relieves']!r}: expected a mission id or a "
                          "docked_at_start mission")
            self.within(f"{p}.net", e["net"], start, end)
            for key in ("launch_date", "landing_date"):
                if e.get(key) is not None:
                    self.within(f"{p}.{key}", e[key], start, end)
            first = e.get("launch_date") if e.get("launch_date") is not None else e["net"]
            if e.get("landing_date") is not None and first is not None and e["landing_date"] <= first:
                self.fail(f"{p}.landing_date", f"{format_utc(e['landing_date'])} is not after the launch "
                          f"({format_utc(first)})")
        contingencies = self.items(raw, "contingencies")
        conts = []
        for p, e in contingencies:
            kind, target = e["kind"], e["target"]
            if kind == "launcher_grounded":
                self.ref(f"{p}.target", target, launchers, "launcher")
                self.need(p, e, "start", "end")
            elif kind == "pad_outage":
                sp_id, _, pad = (target or "").partition("/")
                if self.ref(f"{p}.target", sp_id, spaceports, "spaceport") and pad not in (spaceports[sp_id][1]["pads"] or []):
                    self.fail(f"{p}.target", f"expected SPACEPORT/PAD with a pad of {sp_id}, got {target!r}")
                self.need(p, e, "start", "end")
            elif kind == "vehicle_damage":
                self.ref(f"{p}.target", target, vehicles, "vehicle")
                self.need(p, e, "start")
                if e["return_on"] is not None:
                    self.ref(f"{p}.return_on", e["return_on"], vehicles, "vehicle")
                if e["replacement"] is not None:
                    self.ref(f"{p}.replacement", e["replacement"], missions, "mission")
            elif kind == "launch_failure":
                self.ref(f"{p}.target", target, missions, "mission")
            if e["start"] is not None and e["end"] is not None and e["end"] <= e["start"]:
                self.fail(f"{p}.end", "is not after the start")
            conts.append(Contingency(kind or "", target or "", e["id"] or p, e["start"], e["end"], e["return_on"],
                                     e["decision_days"], e["replacement"], e["replacement_ready_days"],
                                     e["grounding_days"], e["note"]))
        cont_ids = {c.id for c in conts}
        variants = []
        for p, e in self.items(raw, "variants"):
            for j, mid in enumerate(e["exclude_missions"] or []):
                self.ref(f"{p}.exclude_missions[{j}]", mid, missions, "mission")
            for j, cid in enumerate(e["exclude_contingencies"] or []):
                if cid not in cont_ids:
                    self.fail(f"{p}.exclude_contingencies[{j}]", f"unknown contingency {cid!r}: expected one of "
                              f"{', '.join(sorted(cont_ids)) or 'none'} (give contingencies an id)")
            vpolicy = None
            if e["policy"] is not None:
                merged = dict(top["policy"] or {})
                merged.update(e["policy"])
                vpolicy = self.policy(f"{p}.policy", merged)
            dated = {}
            for key in ("net", "launch_date", "landing_date"):
                dated[key] = []
                known = relievable if key == "landing_date" else missions
                for mid, when in (e[key] or {}).items():
                    self.ref(f"{p}.{key}.{mid}", mid, known, "mission")
                    when = self.check.value(f"{p}.{key}.{mid}", Field("utc"), when)
                    if when is not None:
                        self.within(f"{p}.{key}.{mid}", when, start, end)
                        dated[key].append((mid, when))
            variants.append(Variant(e["id"] or p, e["name"] or e["id"] or p, tuple(e["exclude_missions"] or ()),
                                    tuple(e["exclude_contingencies"] or ()), vpolicy, tuple(dated["net"]),
                                    tuple(dated["launch_date"]), tuple(dated["landing_date"])))
        self.ids([(f"variants[{i}]", {"id": v.id}) for i, v in enumerate(variants)], "id", "variant")
        unc = self.uncertainty(top["uncertainty"] or {}, launchers, class_objs, port_objs)
        studies = []
        for p, e in self.items(raw, "plane_studies"):
            self.ref(f"{p}.from_station", e["from_station"], stations, "station")
            self.ref(f"{p}.to_station", e["to_station"], stations, "station")
            studies.append(PlaneStudy(e["id"], e["from_station"], e["to_station"], e["delta_v_budget_km_s"], e["note"]))
        if self.check.problems:
            return None
        return Scenario(
            meta["name"], meta["question"] or "", start, end, tuple(files), meta["max_element_age_days"],
            tuple(s for s, _ in station_objs.values()),
            tuple(Launcher(k, e["name"] or k, e["family"] or k) for k, (_, e) in launchers.items()),
            tuple(port_objs.values()), tuple(landing_objs.values()), tuple(class_objs.values()),
            tuple(Vehicle(k, e["class"]) for k, (_, e) in vehicles.items()),
            tuple(CrewMember(k, e["name"] or k, e["agency"], e["nationality"], e["role"]) for k, (_, e) in crew.items()),
            tuple(Mission(k, e["vehicle"], e["station"], e["net"], e["stay_days"], tuple(e["crew"] or ()),
                          e["relieves"], e["planned_launch"], e["port"], e["name"] or k, e["standby"] or False,
                          e.get("launch_date"), e.get("landing_date"))
                  for k, (_, e) in missions.items()),
            tuple(DockedAtStart(e["vehicle"], e["station"], e["port"], e["docked"], tuple(e["crew"] or ()),
                                e["stay_days"], e["mission"] or "", e["landing_date"]) for _, e in docked),
            tuple(conts), policy, tuple(variants),
            unc, tuple(studies), str(self.path),
            meta["seed"] or 0)

    def uncertainty(self, raw: dict, launchers, classes, spaceports) -> Uncertainty:
        """The ``[uncertainty]`` table: distributions and probabilities keyed by launcher, class or spaceport."""
        e = self.check.table("uncertainty", TABLES["uncertainty"], raw)
        keyed = {"launch_slip_days": (launchers, "launcher", "dist"),
                 "launch_failure_probability": (launchers, "launcher", "probability"),
                 "grounding_days_after_failure": (launchers, "launcher", "dist"),
                 "anomaly_rate_per_year": (classes, "vehicle class", "rate"),
                 "pad_damage_probability": (spaceports, "spaceport", "probability"),
                 "pad_repair_days": (spaceports, "spaceport", "dist")}
        out = {}
        for name, (known, what, kind) in keyed.items():
            out[name] = {}
            for key, value in (e[name] or {}).items():
                path = f"uncertainty.{name}.{key}"
                self.ref(path, key, known, what)
                if kind == "dist":
                    value = self.distribution(path, value)
                else:
                    top = 1.0 if kind == "probability" else None
                    value = self.check.value(path, Field("float", minimum=0), value)
                    if value is not None and top is not None and value > top:
                        self.fail(path, f"{value!r} is not a probability (0 to 1)")
                if value is not None:
                    out[name][key] = value
        ready = None if e["standby_ready_days"] is None else self.distribution("uncertainty.standby_ready_days",
                                                                                e["standby_ready_days"])
        return Uncertainty(**out, standby_ready_days=ready)

    def distribution(self, path: str, raw) -> Distribution | None:
        """A distribution table (``{ dist = "...", ... }``, see ``orbops.ops.uncertainty``)."""
        if not isinstance(raw, dict):
            self.fail(path, f"{raw!r} is not a distribution: expected a table such as "
                            '{ dist = "triangular", low = 1, mode = 2, high = 5 }')
            return None
        kind = raw.get("dist")
        if kind not in DISTRIBUTIONS:
            self.fail(f"{path}.dist", f"{kind!r} is not one of {', '.join(map(repr, DISTRIBUTIONS))}")
            return None
        needed = DISTRIBUTIONS[kind]
        allowed = set(needed) | {"dist"} | ({"weights"} if kind == "empirical" else set())
        ok = True
        for key in raw:
            if key not in allowed:
                self.fail(f"{path}.{key}", f"unknown key {key!r} for a {kind} distribution: expected "
                                           f"{', '.join(sorted(allowed - {'dist'}))}")
                ok = False
        params = {}
        for key in needed + (("weights",) if "weights" in raw else ()):
            if key not in raw:
                self.fail(f"{path}.{key}", f"missing: a {kind} distribution needs {', '.join(needed)}")
                ok = False
                continue
            value = raw[key]
            if key in ("values", "weights"):
                good = (isinstance(value, list) and value and all(isinstance(x, (int, float))
                        and not isinstance(x, bool) and x >= 0 for x in value))
                if not good:
                    self.fail(f"{path}.{key}", "expected a non-empty list of non-negative numbers")
                    ok = False
                params[key] = tuple(float(x) for x in value) if good else ()
            else:
                checked = self.check.value(f"{path}.{key}", Field("float"), value)
                ok = ok and checked is not None
                params[key] = checked
        if ok and kind == "empirical" and "weights" in params and len(params["weights"]) != len(params["values"]):
            self.fail(f"{path}.weights", f"{len(params['weights'])} weights for {len(params['values'])} values")
            ok = False
        if ok and kind in ("uniform", "triangular") and not params["low"] <= params.get("mode", params["low"]) <= params["high"]:
            self.fail(path, f"expected low <= {'mode <= ' if kind == 'triangular' else ''}high")
            ok = False
        if ok and kind in ("normal", "lognormal") and params["sd" if kind == "normal" else "sigma"] < 0:
            self.fail(path, "the spread must not be negative")
            ok = False
        location = {"fixed": "value", "uniform": "low", "triangular": "low", "lognormal": "median",
                    "exponential": "mean"}.get(kind)
        if ok and location and (params[location] < 0 or (kind in ("lognormal", "exponential")
                                                          and params[location] == 0)):
            self.fail(f"{path}.{location}", f"{params[location]!r} must be "
                                            f"{'positive' if kind in ('lognormal', 'exponential') else 'at least 0'} "
                                            "(days)")
            ok = False
        if ok and kind == "empirical" and "weights" in params and sum(params["weights"]) <= 0:
            self.fail(f"{path}.weights", "the weights add up to 0: expected some positive weight")
            ok = False
        return Distribution(kind, tuple(params.items())) if ok else None

    def rotations(self, raw, vehicles, crew, missions) -> None:
        """Expand ``[[rotations]]`` (a crew rotation plan) into missions, vehicles and crew, in place.

        Flight k launches no earlier than ``first_net + k * interval_days`` and relieves flight
        ``k - relieves`` (or, for the first flights, the listed ``docked_relieved`` missions).
        Crew members are generated (``<mission>-crew-<n>``) unless a flight lists its own.
        """
        for p, r in self.items(raw, "rotations"):
            flights = []
            for k, f in enumerate(r["flights"] or []):
                fp = f"{p}.flights[{k}]"
                fl = self.check.table(fp, TABLES["flights"], f)
                if fl["name"] is None:
                    continue
                mid = re.sub(r"[^a-z0-9]+", "-", fl["name"].lower()).strip("-")
                flights.append((fp, mid, fl))
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
                        crew[cid] = (fp, {"id": cid, "name": cid, "agency": "", "nationality": "", "role": ""})
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
                missions[mid] = (fp, {"id": mid, "name": fl["name"], "vehicle": fl["name"], "station": r["station"],
                                      "net": net, "stay_days": r["stay_days"], "crew": ids, "relieves": relieved,
                                      "planned_launch": None, "port": None, "standby": False,
                                      "launch_date": fl["launch_date"], "landing_date": fl["landing_date"]})

    # --- pieces ----------------------------------------------------------------------------------------
    def need(self, p, e, *keys):
        for k in keys:
            if e.get(k) is None:
                self.fail(f"{p}.{k}", "missing: expected an ISO 8601 UTC time")

    def policy(self, path: str, raw: dict) -> Policy:
        vals = self.check.table(path, POLICY, raw)
        return Policy(**{k: (v if v is not None else POLICY[k].default) for k, v in vals.items()})

    def crew_refs(self, p, ids, crew, vc) -> None:
        for j, cid in enumerate(ids or []):
            self.ref(f"{p}.crew[{j}]", cid, crew, "crew member")
        if vc is not None and ids and len(ids) > vc.seats:
            self.fail(f"{p}.crew", f"{len(ids)} crew for the {vc.seats} seats of a {vc.name}")

    def station_orbit(self, catalog, p, key, start, end, max_age) -> float | None:
        try:
            hist = catalog.history(key)
        except UnknownObjectError as exc:
            self.fail(f"{p}.object", str(exc))
            return None
        epochs = hist.epoch
        for name, t in (("start", start), ("end", end)):
            if t is None:
                continue
            age = np.abs(epochs - t).min() / np.timedelta64(NS_PER_DAY, "ns")
            if age > max_age:
                self.fail(f"scenario.{name}", f"{format_utc(t)} is {age:.0f} days from the nearest element set of "
                          f"{key} (history {format_utc(epochs.min())} to {format_utc(epochs.max())}): expected "
                          f"within scenario.max_element_age_days = {max_age:g}")
        when = start if start is not None else epochs.max()
        return float(hist.inc_deg[int(np.argmin(np.abs(epochs - when)))])

    def reach(self, path: str, sp: Spaceport, inc: float, station: str) -> None:
        lat = abs(sp.site.site.lat_deg)
        if min(inc, 180.0 - inc) < lat - 0.05:
            self.fail(path, f"{sp.site.name} (latitude {lat:.2f} deg) cannot reach {station} (inclination "
                      f"{inc:.2f} deg): a site never passes under a plane inclined less than its latitude")
        elif not sp.site.min_inclination_deg - 0.1 <= inc <= sp.site.max_inclination_deg + 0.1:
            self.fail(path, f"{station}'s inclination {inc:.2f} deg is outside what {sp.site.name} launches "
                      f"({sp.site.min_inclination_deg:g} to {sp.site.max_inclination_deg:g} deg)")

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
        try:
            return Site(e["lat_deg"] or 0.0, e["lon_deg"] or 0.0, (e["alt_m"] or 0.0) / 1000.0, e["name"] or e["id"] or "")
        except OrbopsError as exc:
            self.fail(p, str(exc))
            return None

    def spaceport(self, p: str, e: dict) -> Spaceport | None:
        base = self.named_place(p, e, launch_sites(), "launch site")
        site = base.site if base else self.own_site(p, e)
        if site is None:
            return None
        directions = tuple(e["directions"]) if e["directions"] else (base.directions if base else ("northeast", "southeast"))
        for d in directions:
            if d not in ("northeast", "southeast"):
                self.fail(f"{p}.directions", f"{d!r} is not northeast or southeast")
        crewed = tuple(e["crewed_directions"]) if e["crewed_directions"] else (base.crewed_directions if base else None)
        for d in crewed or ():
            if d not in ("northeast", "southeast"):
                self.fail(f"{p}.crewed_directions", f"{d!r} is not northeast or southeast")
        ls = LaunchSite(e["name"] or (base.name if base else e["id"]), site,
                        e["min_inclination_deg"] if e["min_inclination_deg"] is not None else (base.min_inclination_deg if base else 0.0),
                        e["max_inclination_deg"] if e["max_inclination_deg"] is not None else (base.max_inclination_deg if base else 180.0),
                        tuple(d for d in directions if d in ("northeast", "southeast")),
                        source=base.source if base else "",
                        crewed_directions=None if crewed is None else tuple(d for d in crewed if d in ("northeast", "southeast")))
        return Spaceport(e["id"], ls, tuple(e["pads"] or ()), e["pad_turnaround_days"])

    def landing_site(self, p: str, e: dict) -> LandingSite | None:
        zone = self.named_place(p, e, landing_zones(), "landing zone")
        if zone is None:
            site = None if e["place"] is not None else self.own_site(p, e)
            if site is None:
                return None
            zone = LandingZone(e["name"] or e["id"], site, e["cross_range_km"] or 150.0)
        if e["cross_range_km"] is not None:
            zone = LandingZone(zone.name, zone.site, e["cross_range_km"], zone.source)
        return LandingSite(e["id"], zone, e["daylight_only"], e["min_sun_elevation_deg"])

    def within(self, path: str, when, start, end) -> None:
        """Report ``when`` outside the scenario's span."""
        if None not in (when, start, end) and not start <= when <= end:
            self.fail(path, f"{format_utc(when)} is outside the scenario ({format_utc(start)} to {format_utc(end)})")

    def profiles(self, path: str, raw) -> tuple[RendezvousProfile, ...]:
        """Profiles from a file of ``[[profile]]`` tables or an inline list (``orbops.ops.vehicles.PROFILE_KEYS``)."""
        if isinstance(raw, str):
            f = (self.path.parent / raw)
            try:
                data = tomllib.loads(f.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                self.fail(path, f"cannot read profiles file {raw!r}: {exc}")
                return ()
            entries, where = data.get("profile", []), f"{path} ({raw}) profile"
        elif isinstance(raw, list):
            entries, where = raw, path
        else:
            self.fail(path, "expected a profiles file name or a list of profile tables")
            return ()
        out, problems = parse_profiles(entries, where)
        for key_path, message in problems:
            self.fail(key_path, message)
        if not out and not problems:
            self.fail(path, "no rendezvous profiles")
        return out


def _find_line(text: str, key_path: str) -> int | None:
    """Best-effort line of ``key_path`` (``missions[3].vehicle``) in the TOML text."""
    parts = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?", key_path)
    if not parts:
        return None
    lines = text.splitlines()
    pos = 0
    table, index = parts[0]
    if index:
        count = -1
        for i, line in enumerate(lines):
            if re.match(rf"\s*\[\[\s*{re.escape(table)}\s*\]\]", line):
                count += 1
                if count == int(index):
                    pos = i
                    break
        else:
            return None
    elif len(parts) > 1:
        for i, line in enumerate(lines):
            if re.match(rf"\s*\[\s*{re.escape(table)}\s*\]", line):
                pos = i
                break
    key = parts[-1][0] if len(parts) > 1 else table
    for i in range(pos, len(lines)):
        if i > pos and re.match(r"\s*\[", lines[i]) and not re.match(rf"\s*\[\[?\s*{re.escape(table)}\.", lines[i]):
            break
        if re.match(rf"\s*{re.escape(key)}\s*=", lines[i]):
            return i + 1
    return pos + 1 if index or len(parts) > 1 else None
