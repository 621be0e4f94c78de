"""The scenario schema: every table, key, type and default, and a checker that reports all errors at once.

A scenario is plain TOML (never code). Each error names the key path
(``missions[3].vehicle``), what was found and what was expected; the loader
adds the file and, where it can find it, the line.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..timescales import parse_utc

__all__ = ["Field", "TABLES", "ROOT", "POLICY", "LIMITS", "Checker", "RETURN_HOURS_WITHOUT_MODEL"]

MIN_UTC, MAX_UTC = np.datetime64("1957-10-04", "ns"), np.datetime64("2200-01-01", "ns")
"""The instants a scenario may name: from Sputnik 1 to well past any element set's usefulness."""

RETURN_HOURS_WITHOUT_MODEL = 3.5
"""Undocking to landing of a vehicle class with neither ``return_hours`` nor a model: a Soyuz's return,
about 3.3 h plus the wait for the landing pass (docs/domain-facts.md, section 3.1 [20])."""


@dataclass(frozen=True)
class Field:
    """One key: its type (str, int, float, bool, utc, list[str], table, list[table], any) and default."""

    kind: str
    required: bool = False
    default: Any = None
    choices: tuple = ()
    minimum: float | None = None
    help: str = ""
    maximum: float | None = None


REQ = {"required": True}

POLICY = {
    "handover": Field("str", default="direct", choices=("direct", "indirect"),
                      help="direct: the old crew leaves after the new one arrives; indirect: at the end of its stay"),
    "handover_overlap_days": Field("float", default=5.0, minimum=0),
    "extend_for_relief": Field("bool", default=True),
    "lifeboat_rule": Field("bool", default=True),
    "relocate_on_damage": Field("bool", default=True),
    "crewed_after_failure_days": Field("float", default=0.0, minimum=0),
    "uncrewed_first": Field("bool", default=True,
                            help="after a failure, crewed flights wait for a successful uncrewed flight"),
    "launch_prep_days": Field("float", default=0.0, minimum=0),
    "wait_for_port": Field("bool", default=True),
    "station_capacity_rule": Field("bool", default=True),
    "keep_station_crewed": Field("bool", default=True,
                                 help="the last crew aboard waits for its relief, within its vehicle's life"),
    "advance_relief": Field("bool", default=False,
                            help="bring the next crewed flight forward when the last crew is waiting for it"),
    "advance_relief_margin_days": Field("float", default=30.0, minimum=0,
                                        help="a relief brought forward launches no earlier than this many days "
                                             "before the waiting crew's vehicle must leave (room for slips, a "
                                             "two-day rendezvous and a handover)"),
    "min_docked_hours": Field("float", default=24.0, minimum=0,
                              help="a healthy vehicle stays docked at least this long (crew transfer, checkout)"),
    "port_clear_hours": Field("float", default=1.5, minimum=0,
                              help="after an undocking, the port takes another vehicle no sooner than this"),
}

TABLES: dict[str, dict[str, Field]] = {
    "scenario": {
        "name": Field("str", **REQ),
        "question": Field("str", default=""),
        "start": Field("utc", **REQ),
        "end": Field("utc", **REQ),
        "seed": Field("int", default=0, minimum=0),
        "elements": Field("list[str]", **REQ, help="element files (.tle, .json, ...), relative to the scenario file"),
        "max_element_age_days": Field("float", default=30.0, minimum=0),
    },
    "policy": POLICY,
    "stations": {
        "id": Field("str", **REQ), "name": Field("str", default=""),
        "object": Field("str", **REQ, help="a NORAD id, name or alias (ISS, CSS)"),
        "crew_capacity": Field("int", **REQ, minimum=1), "ports": Field("list[table]", **REQ),
    },
    "ports": {
        "name": Field("str", **REQ), "standard": Field("str", **REQ), "adapters": Field("list[str]", default=[]),
    },
    "launchers": {"id": Field("str", **REQ), "name": Field("str", default=""),
                  "family": Field("str", default="", help="launchers sharing stages: a failure grounds the family")},
    "spaceports": {
        "id": Field("str", **REQ), "name": Field("str", default=""),
        "place": Field("str", help="a named launch site (orbops.geometry.launch_sites)"),
        "lat_deg": Field("float"), "lon_deg": Field("float"), "alt_m": Field("float", default=0.0),
        "pads": Field("list[str]", **REQ), "pad_turnaround_days": Field("float", default=14.0, minimum=0),
        "min_inclination_deg": Field("float", help="default: the named site's, else 0"),
        "max_inclination_deg": Field("float", help="default: the named site's, else 180"),
        "directions": Field("list[str]", help="northeast and/or southeast (default: the named site's, else both)"),
        "crewed_directions": Field("list[str]", help="the branches crew vehicles fly (default: the named site's)"),
    },
    "landing_sites": {
        "id": Field("str", **REQ), "name": Field("str", default=""),
        "place": Field("str", help="a named landing zone (orbops.geometry.landing_zones)"),
        "lat_deg": Field("float"), "lon_deg": Field("float"), "alt_m": Field("float", default=0.0),
        "cross_range_km": Field("float", minimum=0, help="default: the named zone's, else 150"),
        "daylight_only": Field("bool", default=False),
        "min_sun_elevation_deg": Field("float", default=0.0),
    },
    "vehicle_classes": {
        "id": Field("str", **REQ), "name": Field("str", default=""), "seats": Field("int", **REQ, minimum=0),
        "lifeboat_seats": Field("int", minimum=0), "docked_life_days": Field("float", **REQ, minimum=0),
        "docking": Field("str", **REQ), "launcher": Field("str", **REQ), "spaceport": Field("str", **REQ),
        "landing_site": Field("str"),
        "model": Field("str", help="a vehicle model (soyuz, progress, shenzhou, crew-dragon, starliner): its ascent, "
                                   "profiles as flown at each launch date and return, unless stated here"),
        "profiles": Field("any", help="a TOML file of [[profile]] tables, or a list (required without a model)"),
        "ascent": Field("table"), "return_hours": Field("float", minimum=0,
                                                         help="undocking to the earliest landing (default: the "
                                                              "model's, else RETURN_HOURS_WITHOUT_MODEL)"),
        "free_flight_days": Field("float", default=3.0, minimum=0), "crewed": Field("bool", default=True),
        "readiness_days": Field("float", default=0.0, minimum=0,
                                help="call-up to launch when a contingency calls a standby ship of the class as "
                                     "a rescue (orbops/data/fleet.toml has sourced figures)"),
    },
    "ascent": {  # a class states only what differs from its model's ascent (else orbops.geometry.Ascent's)
        "lead_s": Field("float", help="launch time minus the in-plane instant (default: per profile, the model's)"),
        "ascent_s": Field("float", minimum=0, help="liftoff to orbit insertion"),
        "insertion_arc_deg": Field("float", help="downrange arc from the site to insertion"),
        "insertion_alt_km": Field("float", minimum=100),
        "plane_tolerance_deg": Field("float", minimum=0,
                                     help="how far out of the target plane the site may be at launch"),
    },
    "vehicles": {"serial": Field("str", **REQ), "class": Field("str", **REQ)},
    "crew": {
        "id": Field("str", **REQ), "name": Field("str", default=""), "agency": Field("str", default=""),
        "nationality": Field("str", default=""), "role": Field("str", default=""),
    },
    "docked_at_start": {
        "vehicle": Field("str", **REQ), "station": Field("str", **REQ), "port": Field("str", **REQ),
        "docked": Field("utc", **REQ), "crew": Field("list[str]", default=[]), "stay_days": Field("float", minimum=0),
        "mission": Field("str", default=""),
        "landing_date": Field("utc", help="the manifest's landing day: land at its prime pass (nearest the zone)"),
    },
    "missions": {
        "id": Field("str", **REQ), "name": Field("str", default=""), "vehicle": Field("str", **REQ),
        "station": Field("str", **REQ), "net": Field("utc", **REQ), "stay_days": Field("float", **REQ, minimum=0),
        "crew": Field("list[str]", default=[]), "relieves": Field("str"), "planned_launch": Field("utc"),
        "launch_date": Field("utc", help="the manifest's launch day: the first window that day, or the first after "
                                         "it once the mission is ready"),
        "landing_date": Field("utc", help="the manifest's landing day: land at its prime pass (nearest the zone)"),
        "port": Field("str"),
        "standby": Field("bool", default=False, help="flies only when a contingency orders it as a replacement"),
    },
    "rotations": {
        "id": Field("str", **REQ), "station": Field("str", **REQ), "first_net": Field("utc", **REQ),
        "interval_days": Field("float", **REQ, minimum=1), "stay_days": Field("float", **REQ, minimum=0),
        "crew_per_flight": Field("int", default=3, minimum=0),
        "relieves": Field("int", default=2, minimum=0, help="each flight relieves the one this many flights earlier"),
        "docked_relieved": Field("list[str]", default=[], help="docked_at_start missions the first flights relieve"),
        "flights": Field("list[table]", **REQ),
    },
    "flights": {"name": Field("str", **REQ), "class": Field("str", **REQ), "crew": Field("list[str]"),
                "net": Field("utc"), "launch_date": Field("utc", help="the manifest's launch day"),
                "landing_date": Field("utc", help="the manifest's landing day")},
    "plane_studies": {
        "id": Field("str", **REQ), "from_station": Field("str", **REQ), "to_station": Field("str", **REQ),
        "delta_v_budget_km_s": Field("float", **REQ, minimum=0), "note": Field("str", default=""),
    },
    "contingencies": {
        "id": Field("str", default=""),
        "kind": Field("str", **REQ, choices=("launcher_grounded", "pad_outage", "vehicle_damage", "launch_failure")),
        "target": Field("str", **REQ), "start": Field("utc"), "end": Field("utc"), "return_on": Field("str"),
        "decision_days": Field("float", default=0.0, minimum=0), "replacement": Field("str"),
        "replacement_ready_days": Field("float", minimum=0,
                                        help="damage to the replacement's (or every rescue candidate's) launch "
                                             "(default: 0 for a replacement, each class's readiness_days for a "
                                             "rescue)"),
        "rescue": Field("any", help='"any_compatible" (the standby ship of the station that docks first) or a '
                                    "ranked list of standby missions (the first that can): the rescue called up "
                                    "instead of a named replacement"),
        "grounding_days": Field("float", default=0.0, minimum=0), "note": Field("str", default=""),
    },
    "variants": {
        "id": Field("str", **REQ), "name": Field("str", default=""),
        "exclude_missions": Field("list[str]", default=[]), "exclude_contingencies": Field("list[str]", default=[]),
        "policy": Field("table"),
        "net": Field("table", default={}, help="mission id = no-earlier-than date (UTC) for this variant"),
        "launch_date": Field("table", default={}, help="mission id = launch day (UTC) for this variant"),
        "landing_date": Field("table", default={}, help="mission id (or docked_at_start mission) = landing day (UTC)"),
    },
    "uncertainty": {
        "launch_slip_days": Field("table", default={}, help="launcher id = distribution (days)"),
        "launch_failure_probability": Field("table", default={}, help="launcher id = probability"),
        "grounding_days_after_failure": Field("table", default={}, help="launcher id = distribution (days)"),
        "anomaly_rate_per_year": Field("table", default={}, help="vehicle class id = anomalies per docked year"),
        "pad_damage_probability": Field("table", default={}, help="spaceport id = probability per launch"),
        "pad_repair_days": Field("table", default={}, help="spaceport id = distribution (days)"),
        "standby_ready_days": Field("table", help="distribution (days) from an anomaly to a standby launch"),
    },
}

ROOT = {
    "scenario": Field("table", **REQ), "policy": Field("table", default={}),
    "stations": Field("list[table]", **REQ), "launchers": Field("list[table]", **REQ),
    "spaceports": Field("list[table]", **REQ), "landing_sites": Field("list[table]", default=[]),
    "vehicle_classes": Field("list[table]", **REQ), "vehicles": Field("list[table]", **REQ),
    "crew": Field("list[table]", default=[]), "docked_at_start": Field("list[table]", default=[]),
    "missions": Field("list[table]", default=[]), "contingencies": Field("list[table]", default=[]),
    "rotations": Field("list[table]", default=[]), "plane_studies": Field("list[table]", default=[]),
    "variants": Field("list[table]", default=[]), "uncertainty": Field("table", default={}),
}

DAYS = 36525.0  # a century: no duration in a scenario is longer
LIMITS: dict[tuple[str, str], tuple[float, float]] = {
    # what is physical (or at least possible); a value outside is a mistake, reported by validate
    ("scenario", "seed"): (0, 2**63 - 1), ("scenario", "max_element_age_days"): (0, DAYS),
    ("stations", "crew_capacity"): (1, 100),
    ("spaceports", "lat_deg"): (-90, 90), ("spaceports", "lon_deg"): (-180, 360),
    ("spaceports", "alt_m"): (-450, 9000),  # the Dead Sea shore to Everest
    ("spaceports", "pad_turnaround_days"): (0, DAYS),
    ("spaceports", "min_inclination_deg"): (0, 180), ("spaceports", "max_inclination_deg"): (0, 180),
    ("landing_sites", "lat_deg"): (-90, 90), ("landing_sites", "lon_deg"): (-180, 360),
    ("landing_sites", "alt_m"): (-450, 9000), ("landing_sites", "cross_range_km"): (0, 20000),
    ("landing_sites", "min_sun_elevation_deg"): (-90, 90),
    ("vehicle_classes", "seats"): (0, 100), ("vehicle_classes", "lifeboat_seats"): (0, 100),
    ("vehicle_classes", "docked_life_days"): (0, DAYS), ("vehicle_classes", "return_hours"): (0, 24 * 30),
    ("vehicle_classes", "free_flight_days"): (0, 365), ("vehicle_classes", "readiness_days"): (0, DAYS),
    ("ascent", "lead_s"): (-86400, 86400), ("ascent", "ascent_s"): (0, 3600),
    ("ascent", "insertion_arc_deg"): (0, 180), ("ascent", "insertion_alt_km"): (100, 2000),
    ("ascent", "plane_tolerance_deg"): (0, 30),
    ("docked_at_start", "stay_days"): (0, DAYS), ("missions", "stay_days"): (0, DAYS),
    ("rotations", "interval_days"): (1, DAYS), ("rotations", "stay_days"): (0, DAYS),
    ("rotations", "crew_per_flight"): (0, 100), ("rotations", "relieves"): (0, 1000),
    ("plane_studies", "delta_v_budget_km_s"): (0, 20),
    ("contingencies", "decision_days"): (0, DAYS), ("contingencies", "replacement_ready_days"): (0, DAYS),
    ("contingencies", "grounding_days"): (0, DAYS),
    ("policy", "handover_overlap_days"): (0, DAYS), ("policy", "crewed_after_failure_days"): (0, DAYS),
    ("policy", "launch_prep_days"): (0, DAYS), ("policy", "advance_relief_margin_days"): (0, DAYS),
    ("policy", "min_docked_hours"): (0, 24 * DAYS), ("policy", "port_clear_hours"): (0, 24 * DAYS),
}
for (_table, _key), (_lo, _hi) in LIMITS.items():
    TABLES[_table][_key] = replace(TABLES[_table][_key], minimum=_lo, maximum=_hi)

_TYPE_NAMES = {"str": "a string", "int": "an integer", "float": "a number", "bool": "true or false",
               "utc": "an ISO 8601 UTC time such as 2011-11-14T04:14Z", "list[str]": "a list of strings",
               "table": "a table", "list[table]": "an array of tables ([[...]])", "any": "a value"}


class Checker:
    """Checks values against :data:`TABLES` and collects ``(path, message)`` problems."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def value(self, path: str, field: Field, raw):
        """The checked value (or None after reporting a problem)."""
        kind = field.kind
        ok = True
        value = raw
        if kind == "str":
            ok = isinstance(raw, str)
        elif kind == "int":
            ok = isinstance(raw, int) and not isinstance(raw, bool)
        elif kind == "float":
            ok = isinstance(raw, (int, float)) and not isinstance(raw, bool)
            if ok and not math.isfinite(raw):
                self.fail(path, f"{raw!r} is not a finite number")
                return None
            value = float(raw) if ok else raw
        elif kind == "bool":
            ok = isinstance(raw, bool)
        elif kind == "utc":
            value, why = _utc(raw)
            if value is None:
                self.fail(path, f"{_describe(raw)} is not {_TYPE_NAMES[kind]}" + (f" ({why})" if why else ""))
                return None
        elif kind == "list[str]":
            ok = isinstance(raw, list) and all(isinstance(x, str) for x in raw)
        elif kind == "table":
            ok = isinstance(raw, dict)
        elif kind == "list[table]":
            ok = isinstance(raw, list) and all(isinstance(x, dict) for x in raw)
        if not ok:
            self.fail(path, f"{_describe(raw)} is not {_TYPE_NAMES[kind]}")
            return None
        if kind == "str" and field.required and not value.strip():
            self.fail(path, f"{value!r} is empty: expected {_TYPE_NAMES[kind]} with something in it"
                      + (f" ({field.help})" if field.help else ""))
            return None
        if field.choices and value not in field.choices:
            self.fail(path, f"{value!r} is not one of {', '.join(map(repr, field.choices))}")
            return None
        if field.minimum is not None and isinstance(value, (int, float)) and value < field.minimum:
            self.fail(path, f"{value!r} is below the minimum {field.minimum:g}")
            return None
        if field.maximum is not None and isinstance(value, (int, float)) and value > field.maximum:
            self.fail(path, f"{value!r} is above the maximum {field.maximum:g}")
            return None
        return value

    def table(self, path: str, spec: dict[str, Field], raw: dict) -> dict:
        """Checked values of a table, defaults filled in; unknown and missing keys reported."""
        out = {}
        for key in raw:
            if key not in spec:
                close = [k for k in spec if k.startswith(key[:3])] or list(spec)
                self.fail(f"{path}.{key}" if path else key,
                          f"unknown key {key!r}: expected one of {', '.join(close[:8])}")
        for key, field in spec.items():
            where = f"{path}.{key}" if path else key
            if key in raw:
                out[key] = self.value(where, field, raw[key])
            elif field.required:
                self.fail(where, f"missing: expected {_TYPE_NAMES[field.kind]}"
                          + (f" ({field.help})" if field.help else ""))
                out[key] = None
            else:
                out[key] = field.default
        return out


def _utc(raw) -> tuple[np.datetime64 | None, str]:
    """A UTC instant from an ISO string or a TOML date/datetime (an offset converted to UTC), else
    (None, why)."""
    if isinstance(raw, _dt.datetime):
        if raw.tzinfo is not None:
            raw = raw.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        text = raw.isoformat()
    elif isinstance(raw, _dt.date):
        text = raw.isoformat()
    elif isinstance(raw, str):
        text = raw
    else:
        return None, ""
    try:
        value = parse_utc(text)
    except ValueError as exc:
        return None, str(exc).split(": ", 1)[-1] if ": " in str(exc) else str(exc)
    if not MIN_UTC <= value <= MAX_UTC:
        return None, f"outside {MIN_UTC.astype('datetime64[D]')} to {MAX_UTC.astype('datetime64[D]')}"
    return value, ""


def _describe(raw) -> str:
    if isinstance(raw, dict):
        return "a table"
    if isinstance(raw, list):
        return "a list"
    return f"{raw!r}"
