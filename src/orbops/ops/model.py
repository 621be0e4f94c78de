"""The operations domain: plain, immutable data. No simpy here.

Times are UTC ``numpy.datetime64[ns]``; durations are stated in their units
(``_days``, ``_s``). A scenario is a collection of these, validated and built
by ``orbops.scenarios``; the simulation (``orbops.sim``) plays it out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..elements import Catalog
from ..geometry import Ascent, LandingZone, LaunchSite, RendezvousProfile
from .uncertainty import Uncertainty

__all__ = [
    "Port",
    "Station",
    "Launcher",
    "Spaceport",
    "LandingSite",
    "VehicleClass",
    "Vehicle",
    "CrewMember",
    "Mission",
    "Policy",
    "DockedAtStart",
    "SourceFile",
    "Contingency",
    "Uncertainty",
    "PlaneStudy",
    "Variant",
    "Scenario",
    "CONTINGENCY_KINDS",
    "RESCUE_ANY",
    "file_slug",
]


@dataclass(frozen=True)
class Port:
    """A docking port: its name and the docking standards it takes (its own, plus any declared adapter)."""

    name: str
    standard: str
    adapters: tuple[str, ...] = ()

    def accepts(self, standard: str) -> bool:
        return standard == self.standard or standard in self.adapters


@dataclass(frozen=True)
class Station:
    """A crewed station: the orbiting object (a key in the element files), capacity and ports."""

    id: str
    name: str
    object: str
    crew_capacity: int
    ports: tuple[Port, ...]

    def port(self, name: str) -> Port:
        for p in self.ports:
            if p.name == name:
                return p
        raise KeyError(name)


@dataclass(frozen=True)
class Launcher:
    """A launcher, which a failure can ground. Launchers of one ``family`` (sharing stages) are
    grounded together by a failure of any of them."""

    id: str
    name: str
    family: str = ""


@dataclass(frozen=True)
class Spaceport:
    """A launch site with its pads: the geometry (location, constraints) and the ground side."""

    id: str
    site: LaunchSite
    pads: tuple[str, ...]
    pad_turnaround_days: float


@dataclass(frozen=True)
class LandingSite:
    """Where a vehicle class lands, and whether recovery needs daylight."""

    id: str
    zone: LandingZone
    daylight_only: bool
    min_sun_elevation_deg: float


@dataclass(frozen=True)
class VehicleClass:
    """A kind of spacecraft.

    ``seats`` at launch; ``lifeboat_seats`` as an emergency return vehicle
    (Crew Dragon refitted to 5); ``docked_life_days`` certified time docked;
    ``docking`` its docking standard; ``ascent`` launch timing relative to the
    in-plane instant; ``profiles`` rendezvous profiles; ``return_s`` undocking
    to the earliest landing; ``landing_offset_s`` the landing relative to the
    station track's closest approach to the landing zone; ``free_flight_days``
    how long it can wait in orbit for a port; ``readiness_days`` call-up to
    launch as a rescue ship; ``model`` the vehicle model of
    ``orbops.ops.vehicles`` it flies as (profiles are then those flown at the
    launch date, and crew-vehicle branch rules apply when ``crewed``).
    """

    id: str
    name: str
    seats: int
    docked_life_days: float
    docking: str
    launcher: str
    spaceport: str
    profiles: tuple[RendezvousProfile, ...]
    landing: str | None
    ascent: Ascent
    lifeboat_seats: int | None
    return_s: float
    free_flight_days: float
    crewed: bool
    model: str | None = None
    landing_offset_s: float = 0.0
    readiness_days: float = 0.0

    @property
    def return_seats(self) -> int:
        return self.seats if self.lifeboat_seats is None else self.lifeboat_seats


@dataclass(frozen=True)
class Vehicle:
    """One spacecraft (serial) of a class."""

    serial: str
    vehicle_class: str


@dataclass(frozen=True)
class CrewMember:
    id: str
    name: str
    agency: str = ""
    nationality: str = ""
    role: str = ""


@dataclass(frozen=True)
class Mission:
    """A flight to a station.

    ``net`` is the no-earlier-than date (a plan, not an outcome); ``stay_days``
    the planned time docked; ``relieves`` the mission whose crew it replaces
    (with a direct handover that crew leaves after this one arrives);
    ``planned_launch`` an optional reference date for reporting delays;
    ``launch_date`` the manifest's launch day (UTC; it supersedes ``net``):
    the mission launches at the first window that day, or the first after it
    once its launcher and pad are ready;
    ``landing_date`` the manifest's landing day: the vehicle undocks to land
    at that day's prime opportunity, the pass nearest the landing zone's
    centre (unless the last crew aboard must wait for its relief).
    """

    id: str
    vehicle: str
    station: str
    net: np.datetime64
    stay_days: float
    crew: tuple[str, ...] = ()
    relieves: str | None = None
    planned_launch: np.datetime64 | None = None
    port: str | None = None
    name: str = ""
    standby: bool = False
    launch_date: np.datetime64 | None = None
    landing_date: np.datetime64 | None = None


@dataclass(frozen=True)
class Policy:
    """How operations respond (the defaults are the schema's, ``orbops.scenarios.schema.POLICY``).

    ``handover``: ``direct`` (the old crew leaves after the new one arrives,
    ``handover_overlap_days`` later) or ``indirect`` (it leaves at the end of
    its planned stay). ``extend_for_relief``: a crew whose relief is late stays
    on, up to its vehicle's certified life. ``lifeboat_rule``: every crew
    member needs a seat home; ``relocate_on_damage``: crew of a damaged vehicle
    take free seats on other docked vehicles. ``crewed_after_failure_days``: a
    grounded launcher flies crew only this long after its first successful
    uncrewed flight. ``launch_prep_days``: the least time between a decision
    and a launch (replacement flights). ``min_docked_hours``: a healthy
    vehicle stays docked at least this long (crew transfer and checkout).
    ``port_clear_hours``: after an undocking, the port takes another vehicle
    no sooner than this. The remaining switches are described in the schema
    (``orbops.scenarios.schema.POLICY``).
    """

    handover: str
    handover_overlap_days: float
    extend_for_relief: bool
    lifeboat_rule: bool
    relocate_on_damage: bool
    crewed_after_failure_days: float
    uncrewed_first: bool
    launch_prep_days: float
    wait_for_port: bool
    station_capacity_rule: bool
    keep_station_crewed: bool
    advance_relief: bool
    advance_relief_margin_days: float
    min_docked_hours: float
    port_clear_hours: float


CONTINGENCY_KINDS = ("launcher_grounded", "pad_outage", "vehicle_damage", "launch_failure")

RESCUE_ANY = "any_compatible"
"""A contingency's ``rescue``: the standby ship of the station that docks first."""


def file_slug(text: str) -> str:
    """The file-name form of an id (lowercase letters and digits, runs of anything else one ``-``): the
    report names its plots by the variant's and the station's (``report-<variant>-<station>-crew.png``), so
    ids of one kind must not share a slug."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


@dataclass(frozen=True)
class Contingency:
    """Something that goes wrong, at a stated time (scenario) or drawn at random (campaigns).

    ``launcher_grounded``: ``target`` launcher from ``start`` to ``end``.
    ``pad_outage``: ``target`` = "spaceport/pad" from ``start`` to ``end``.
    ``vehicle_damage``: ``target`` vehicle at ``start``; it can no longer bring
    crew home. ``return_on`` names a docked vehicle that takes the damaged
    vehicle's crew home instead (after ``decision_days``); ``replacement``
    names a mission that then flies uncrewed, no earlier than
    ``replacement_ready_days`` after the damage. ``rescue`` instead calls up a
    standby mission: :data:`RESCUE_ANY` (of the station's, the one that docks
    first) or a ranked tuple of mission ids (the first that can); a candidate
    can when a port takes its docking standard, it has a seat for each crew
    member left without one, and a launch window follows its readiness
    (``replacement_ready_days`` when stated, else its class's ``readiness_days``).
    ``launch_failure``: ``target`` mission fails at launch; its launcher is
    grounded ``grounding_days``; a crew aboard lands safely (abort).
    """

    kind: str
    target: str
    id: str = ""
    start: np.datetime64 | None = None
    end: np.datetime64 | None = None
    return_on: str | None = None
    decision_days: float = 0.0
    replacement: str | None = None
    replacement_ready_days: float | None = None
    grounding_days: float = 0.0
    rescue: str | tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class DockedAtStart:
    """A vehicle already docked when the scenario starts, with the crew it will bring home
    (``landing_date``: the manifest's landing day, as for a :class:`Mission`)."""

    vehicle: str
    station: str
    port: str
    docked: np.datetime64
    crew: tuple[str, ...] = ()
    stay_days: float | None = None
    mission: str = ""
    landing_date: np.datetime64 | None = None


@dataclass(frozen=True)
class PlaneStudy:
    """Could a vehicle at one station reach the other? Compared with its delta-v budget (km/s)."""

    id: str
    from_station: str
    to_station: str
    delta_v_budget_km_s: float
    note: str = ""


@dataclass(frozen=True)
class Variant:
    """One case of a scenario: which missions and contingencies it includes, with policy overrides
    and other no-earlier-than dates (``net``: mission id -> UTC), launch days (``launch_date``) and landing
    days (``landing_date``, also for docked_at_start missions)."""

    id: str
    name: str
    exclude_missions: tuple[str, ...] = ()
    exclude_contingencies: tuple[str, ...] = ()
    policy: Policy | None = None
    net: tuple[tuple[str, np.datetime64], ...] = ()
    launch_date: tuple[tuple[str, np.datetime64], ...] = ()
    landing_date: tuple[tuple[str, np.datetime64], ...] = ()


@dataclass(frozen=True)
class SourceFile:
    """A file a scenario reads besides itself (``kind``: ``elements``, a file or directory of element sets, or
    ``profiles``): as the scenario wrote it (relative to the scenario file), where it was found, and its
    SHA-256 (``orbops.elements.elements_digest``)."""

    kind: str
    written: str
    path: str
    sha256: str


@dataclass(frozen=True)
class Scenario:
    """Everything a run needs, validated and resolved: it holds the element ``catalog`` it was checked
    against (the planner, the report and the CZML use that one)."""

    name: str
    question: str
    start: np.datetime64
    end: np.datetime64
    sources: tuple[SourceFile, ...]
    max_element_age_days: float
    stations: tuple[Station, ...]
    launchers: tuple[Launcher, ...]
    spaceports: tuple[Spaceport, ...]
    landing_sites: tuple[LandingSite, ...]
    vehicle_classes: tuple[VehicleClass, ...]
    vehicles: tuple[Vehicle, ...]
    crew: tuple[CrewMember, ...]
    missions: tuple[Mission, ...]
    docked_at_start: tuple[DockedAtStart, ...]
    contingencies: tuple[Contingency, ...]
    policy: Policy
    variants: tuple[Variant, ...]
    uncertainty: Uncertainty
    plane_studies: tuple[PlaneStudy, ...]
    source: str
    seed: int
    catalog: Catalog | None = field(default=None, compare=False, repr=False)

    def lookup(self, kind: str, key: str):
        """The item of ``kind`` (stations, vehicles, ...) with this id or serial."""
        for item in getattr(self, kind):
            if getattr(item, "id", None) == key or getattr(item, "serial", None) == key:
                return item
        raise KeyError(f"{kind}: {key}")
