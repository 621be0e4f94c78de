"""Build: resolved tables to :mod:`orbops.ops` objects, one builder per table, every field by keyword.

The last of the loader's steps (parse -> resolve -> build); it runs only on
a scenario without problems, so every value here is checked and every
reference resolved. Defaults were filled from the schema when parsing.
"""

from __future__ import annotations

from dataclasses import replace

from ..geometry import Ascent
from ..ops import (Contingency, CrewMember, DockedAtStart, LandingSite, Launcher, Mission, PlaneStudy, Policy,
                   Scenario, Spaceport, Station, Uncertainty, Variant, Vehicle, VehicleClass)
from .resolve import Resolved
from .schema import RETURN_HOURS_WITHOUT_MODEL

__all__ = ["build_scenario"]


def policy(e: dict) -> Policy:
    return Policy(**e)


def station(e: dict, r: Resolved) -> Station:
    return Station(id=e["id"], name=e["name"] or e["id"], object=e["object"], crew_capacity=e["crew_capacity"],
                   ports=r.ports[e["id"]])


def launcher(e: dict) -> Launcher:
    return Launcher(id=e["id"], name=e["name"] or e["id"], family=e["family"] or e["id"])


def spaceport(e: dict, r: Resolved) -> Spaceport:
    return Spaceport(id=e["id"], site=r.sites[e["id"]], pads=tuple(e["pads"]),
                     pad_turnaround_days=e["pad_turnaround_days"])


def landing_site(e: dict, r: Resolved) -> LandingSite:
    return LandingSite(id=e["id"], zone=r.zones[e["id"]], daylight_only=e["daylight_only"],
                       min_sun_elevation_deg=e["min_sun_elevation_deg"])


def vehicle_class(e: dict, r: Resolved) -> VehicleClass:
    """A class: its model's ascent, profiles and return, with whatever the table states instead."""
    model = r.models[e["id"]]
    ascent = replace(model.ascent if model else Ascent(), **e["ascent"])
    if e["return_hours"] is not None:
        return_s, offset_s = e["return_hours"] * 3600.0, 0.0
    elif model is not None and model.return_s is not None:
        return_s, offset_s = model.return_s, model.landing_offset_s  # undocking to the landing, as flown
    else:
        return_s, offset_s = RETURN_HOURS_WITHOUT_MODEL * 3600.0, model.landing_offset_s if model else 0.0
    return VehicleClass(
        id=e["id"], name=e["name"] or e["id"], seats=e["seats"], docked_life_days=e["docked_life_days"],
        docking=e["docking"], launcher=e["launcher"], spaceport=e["spaceport"], profiles=r.profiles[e["id"]],
        landing=e["landing_site"], ascent=ascent, lifeboat_seats=e["lifeboat_seats"], return_s=return_s,
        free_flight_days=e["free_flight_days"], crewed=e["crewed"], model=model.id if model else None,
        landing_offset_s=offset_s, readiness_days=e["readiness_days"])


def vehicle(e: dict) -> Vehicle:
    return Vehicle(serial=e["serial"], vehicle_class=e["class"])


def crew_member(e: dict) -> CrewMember:
    return CrewMember(id=e["id"], name=e["name"] or e["id"], agency=e["agency"], nationality=e["nationality"],
                      role=e["role"])


def mission(e: dict) -> Mission:
    return Mission(id=e["id"], vehicle=e["vehicle"], station=e["station"], net=e["net"], stay_days=e["stay_days"],
                   crew=tuple(e["crew"]), relieves=e["relieves"], planned_launch=e["planned_launch"], port=e["port"],
                   name=e["name"] or e["id"], standby=e["standby"], launch_date=e["launch_date"],
                   landing_date=e["landing_date"])


def docked_at_start(e: dict) -> DockedAtStart:
    return DockedAtStart(vehicle=e["vehicle"], station=e["station"], port=e["port"], docked=e["docked"],
                         crew=tuple(e["crew"]), stay_days=e["stay_days"], mission=e["mission"],
                         landing_date=e["landing_date"])


def contingency(p: str, e: dict) -> Contingency:
    return Contingency(kind=e["kind"], target=e["target"], id=e["id"] or p, start=e["start"], end=e["end"],
                       return_on=e["return_on"], decision_days=e["decision_days"], replacement=e["replacement"],
                       replacement_ready_days=e["replacement_ready_days"], grounding_days=e["grounding_days"],
                       note=e["note"], rescue=e["rescue"] if isinstance(e["rescue"], str) else tuple(e["rescue"] or ()))


def variant(p: str, e: dict) -> Variant:
    return Variant(id=e["id"] or p, name=e["name"] or e["id"] or p, exclude_missions=tuple(e["exclude_missions"]),
                   exclude_contingencies=tuple(e["exclude_contingencies"]),
                   policy=None if e["policy"] is None else policy(e["policy"]),
                   net=tuple(e["net"].items()), launch_date=tuple(e["launch_date"].items()),
                   landing_date=tuple(e["landing_date"].items()))


def plane_study(e: dict) -> PlaneStudy:
    return PlaneStudy(id=e["id"], from_station=e["from_station"], to_station=e["to_station"],
                      delta_v_budget_km_s=e["delta_v_budget_km_s"], note=e["note"])


def uncertainty(r: Resolved) -> Uncertainty:
    return Uncertainty(**r.parsed.uncertainty, standby_ready_days=r.parsed.standby_ready_days)


def build_scenario(r: Resolved, source: str) -> Scenario:
    """The :class:`~orbops.ops.Scenario` of a resolved scenario read from ``source``."""
    meta, arrays = r.parsed.meta, r.parsed.arrays
    return Scenario(
        name=meta["name"], question=meta["question"], start=meta["start"], end=meta["end"],
        sources=tuple(r.sources), max_element_age_days=meta["max_element_age_days"],
        stations=tuple(station(e, r) for _, e in r.entries("stations")),
        launchers=tuple(launcher(e) for _, e in r.entries("launchers")),
        spaceports=tuple(spaceport(e, r) for _, e in r.entries("spaceports")),
        landing_sites=tuple(landing_site(e, r) for _, e in r.entries("landing_sites")),
        vehicle_classes=tuple(vehicle_class(e, r) for _, e in r.entries("vehicle_classes")),
        vehicles=tuple(vehicle(e) for _, e in r.entries("vehicles")),
        crew=tuple(crew_member(e) for _, e in r.entries("crew")),
        missions=tuple(mission(e) for _, e in r.entries("missions")),
        docked_at_start=tuple(docked_at_start(e) for _, e in arrays["docked_at_start"]),
        contingencies=tuple(contingency(p, e) for p, e in arrays["contingencies"]),
        policy=policy(r.parsed.policy),
        variants=tuple(variant(p, e) for p, e in arrays["variants"]),
        uncertainty=uncertainty(r),
        plane_studies=tuple(plane_study(e) for _, e in arrays["plane_studies"]),
        source=source, seed=meta["seed"], catalog=r.catalog)
