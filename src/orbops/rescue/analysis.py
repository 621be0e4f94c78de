"""Who can reach a station whose lifeboat is lost, how soon, and why not.

For each rescue vehicle of the catalogue (:mod:`orbops.rescue.fleet`) and each
of its launch sites, at the emergency instant ``at`` (UTC):

1. in service from its site when it would launch, enough seats for the
   stranded crew (the ship flies up uncrewed), a port of the station that
   takes its docking standard when it would dock (directly, through an
   installed adapter, or through an assumed one);
2. the plane: a site whose (geocentric) latitude exceeds the station's
   inclination never passes under its plane, and a range allows only some
   inclinations (Baikonur's 51.6 deg minimum). Either way the launch needs a
   dogleg of the missing angle, priced as a plane change at insertion
   speed, ``2 v sin(di / 2)``, against the delta-v the launcher and ship
   can spare;
3. otherwise the first launch window (:func:`orbops.geometry.launch.assess`:
   branch and range rules, the vehicle model's profiles flown at that date,
   its lead) after the call-up plus the vehicle's readiness, within the
   horizon; launch to docking within the ship's free-flight endurance;
4. the landing home: the first opportunity over its landing zones (lit where
   recovery needs it) after a stay for the transfer, less the return time.

The geometry (in-plane passages, windows, landing opportunities) is computed
once per vehicle and site over the whole span; an instant or a calendar day is
then a lookup, so the calendar's cells are the single answers.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace

import numpy as np

from ..constants import WGS72_MU_KM3_S2, WGS72_RADIUS_KM
from ..elements import Catalog
from ..errors import OrbopsError
from ..geometry import LaunchSite, LaunchWindow, Orbits, landing_opportunities, landing_zones, launch_sites
from ..geometry.launch import assess, closest_passages, inplane_passages
from ..ops.vehicles import vehicle_models
from ..timescales import NS_PER_DAY, format_utc, to_ns
from .fleet import Adapter, Fleet, RescueStation, RescueVehicle, fleet as shipped_fleet

__all__ = ["RescueOption", "RescueAnalysis", "RescueCalendar", "rescue_options", "rescue_calendar", "Reach", "BLOCKERS",
           "RESCUE_STAY_S", "HORIZON_DAYS", "dogleg_dv_km_s", "common_assumptions", "plane_reach",
           "geocentric_latitude_deg"]

HORIZON_DAYS = 120.0
"""How far after the call-up a rescue is looked for by default (Soyuz MS-23 took 71 days)."""

RESCUE_STAY_S = 86400.0
"""ASSUMPTION: a rescue ship stays docked a day before it brings the crew home (seat liners, suits, checkout)."""

BLOCKERS = {
    "service": "not in service",
    "plane": "plane out of reach",
    "docking": "no compatible port",
    "seats": "too few seats",
    "readiness": "no readiness figure",
    "window": "no launch window in the horizon",
    "endurance": "rendezvous beyond free-flight endurance",
    "elements": "no station elements",
}
"""Why an option is infeasible, by category (the calendar hatches each its own way)."""


def dogleg_dv_km_s(angle_deg: float, alt_km: float) -> float:
    """Delta-v (km/s) of a plane change of ``angle_deg`` at the circular speed of ``alt_km``."""
    v = np.sqrt(WGS72_MU_KM3_S2 / (WGS72_RADIUS_KM + alt_km))
    return float(2.0 * v * np.sin(np.radians(abs(angle_deg)) / 2.0))


def geocentric_latitude_deg(site: LaunchSite) -> float:
    """The site's geocentric latitude (deg): the angle the in-plane geometry sees."""
    r = site.site.ecef_km
    return float(np.degrees(np.arcsin(r[2] / np.linalg.norm(r))))


def plane_reach(site: LaunchSite, inclination_deg: float) -> tuple[float, str]:
    """The dogleg (deg) a launch from ``site`` into a plane of ``inclination_deg`` needs (0: none), and why:
    a site above the inclination never passes under the plane; a range allows only some inclinations."""
    inc, lat = inclination_deg, abs(geocentric_latitude_deg(site))
    if lat > inc:
        return max(lat, site.min_inclination_deg) - inc, (
            f"{site.name} at {lat:.2f} deg latitude lies above the station's {inc:.2f} deg inclination: it never "
            "passes under the plane")
    if inc < site.min_inclination_deg:
        return site.min_inclination_deg - inc, (f"the range of {site.name} allows {site.min_inclination_deg:g} deg "
                                                f"and more, the station flies at {inc:.2f} deg")
    if inc > site.max_inclination_deg:
        return inc - site.max_inclination_deg, (f"the range of {site.name} allows up to "
                                                f"{site.max_inclination_deg:g} deg, the station flies at {inc:.2f} deg")
    return 0.0, ""


def common_assumptions(stay_s: float = RESCUE_STAY_S) -> list[str]:
    """What every rescue answer assumes, in words."""
    return [
        "A rescue ship flies up uncrewed: all its seats bring the stranded crew home.",
        "The station's ports of the ship's docking standard are taken as free when it arrives (a docked ship "
        "can move or leave); port dates are those of orbops/data/fleet.toml.",
        f"ASSUMPTION: the ship stays docked {stay_s / 3600:g} h before the return (seat liners, suits, checkout).",
        "Rescue ships fly the branches and inclinations their launch site allows crew vehicles (places.toml).",
        "A dogleg is priced as a plane change at insertion speed, 2 v sin(di/2), an upper bound of a steered "
        "ascent; a dogleg within the margin launches where the site comes closest to the plane.",
        "Launch windows, profiles, docking and landing times come from the station's element sets and the "
        "vehicle models (orbops/data/vehicles.toml, fitted.toml); readiness counts from the call-up.",
    ]


@dataclass(frozen=True)
class RescueOption:
    """One vehicle from one launch site, for an emergency at ``at_ns`` (UTC ns; times None where none).

    ``feasible``: it can bring the crew home; otherwise ``blocker`` (a key of :data:`BLOCKERS`) and
    ``reasons`` say why (every reason found, the blocking one first). ``port`` and ``adapter`` (an
    assumed adapter, or "") say where it docks. ``elements_age_days``: from the launch to the station's
    nearest element set (the plane and phase there come from it).
    """

    vehicle: str
    name: str
    programme: str
    country: str
    site: str
    site_name: str
    at_ns: int
    feasible: bool
    blocker: str = ""
    reasons: tuple[str, ...] = ()
    readiness_days: float | None = None
    ready_ns: int | None = None
    launch_ns: int | None = None
    profile: str | None = None
    docking_ns: int | None = None
    port: str | None = None
    adapter: str = ""
    landing_ns: int | None = None
    landing_zone: str | None = None
    landing_note: str = ""
    inclination_deg: float | None = None
    site_latitude_deg: float | None = None
    dogleg_deg: float = 0.0
    dogleg_dv_km_s: float = 0.0
    elements_age_days: float | None = None
    window: LaunchWindow | None = None

    @property
    def key(self) -> str:
        return f"{self.vehicle}@{self.site}"

    @property
    def days_to_docking(self) -> float | None:
        """Days from the emergency to docking; None unless feasible."""
        return None if self.docking_ns is None or not self.feasible else (self.docking_ns - self.at_ns) / NS_PER_DAY

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)

    def as_dict(self) -> dict:
        def utc(t):
            return None if t is None else format_utc(t)

        return {
            "option": self.key, "vehicle": self.vehicle, "name": self.name, "programme": self.programme,
            "country": self.country,
            "site": self.site, "site_name": self.site_name, "feasible": self.feasible, "blocker": self.blocker,
            "reasons": list(self.reasons), "readiness_days": self.readiness_days, "ready_utc": utc(self.ready_ns),
            "launch_utc": utc(self.launch_ns), "profile": self.profile, "docking_utc": utc(self.docking_ns),
            "days_to_docking": None if self.days_to_docking is None else round(self.days_to_docking, 3),
            "port": self.port, "assumed_adapter": self.adapter or None, "landing_utc": utc(self.landing_ns),
            "landing_zone": self.landing_zone, "landing_note": self.landing_note or None,
            "inclination_deg": None if self.inclination_deg is None else round(self.inclination_deg, 3),
            "site_latitude_deg": None if self.site_latitude_deg is None else round(self.site_latitude_deg, 3),
            "dogleg_deg": round(self.dogleg_deg, 3), "dogleg_dv_km_s": round(self.dogleg_dv_km_s, 3),
            "elements_age_days": None if self.elements_age_days is None else round(self.elements_age_days, 2),
        }


@dataclass(frozen=True)
class RescueAnalysis:
    """Every option for one emergency, ranked: the feasible by docking time, then the rest."""

    station: str
    station_name: str
    at_ns: int
    crew: int
    horizon_days: float
    options: tuple[RescueOption, ...]
    assumptions: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def feasible(self) -> tuple[RescueOption, ...]:
        return tuple(o for o in self.options if o.feasible)

    @property
    def first(self) -> RescueOption | None:
        return self.feasible[0] if self.feasible else None

    def as_dict(self) -> dict:
        return {"station": self.station, "station_name": self.station_name, "at_utc": format_utc(self.at_ns),
                "crew": self.crew, "horizon_days": self.horizon_days,
                "options": [o.as_dict() for o in self.options], "assumptions": list(self.assumptions),
                "notes": list(self.notes)}


def rank(options) -> tuple[RescueOption, ...]:
    """Feasible options by docking time, then the infeasible by name."""
    return tuple(sorted(options, key=lambda o: (not o.feasible, o.docking_ns if o.feasible else 0, o.name, o.site)))


class Reach:
    """One vehicle from one site to one station over ``[t0, t1]`` (UTC ns): the geometry, computed once.

    :meth:`option` answers for an emergency at any instant of the span.
    """

    def __init__(self, vehicle: RescueVehicle, site_id: str, station: RescueStation, orbits: Orbits,
                 t0_ns: int, t1_ns: int, *, crew: int, adapters: tuple[Adapter, ...] = (),
                 stay_s: float = RESCUE_STAY_S, landings: dict | None = None) -> None:
        self.vehicle, self.site_id, self.station = vehicle, site_id, station
        self.launch_site = launch_sites()[site_id]
        self.crew, self.adapters, self.stay_s = crew, adapters, stay_s
        self.t0, self.t1 = t0_ns, t1_ns
        self.model = vehicle_models()[vehicle.model]
        self.ascent = (self.model.ascent if vehicle.lead_s is None
                       else replace(self.model.ascent, lead_s=vehicle.lead_s))
        self.orbits = orbits
        self.epochs = orbits.catalog.epoch.astype(np.int64)
        mid = (t0_ns + t1_ns) // 2
        self.inclination_deg = float(orbits.catalog.inc_deg[int(np.argmin(np.abs(self.epochs - mid)))])
        self.latitude_deg = geocentric_latitude_deg(self.launch_site)
        self.dogleg_deg, self.plane_why = plane_reach(self.launch_site, self.inclination_deg)
        self.dogleg_dv = dogleg_dv_km_s(self.dogleg_deg, self.ascent.insertion_alt_km) if self.dogleg_deg else 0.0
        self.service_from_ns, self.service_until_ns, self.service = self._service_span()
        ret = next((r for r in (self.model.min_return_s, vehicle.return_s, self.model.return_s) if r is not None), None)
        self.return_s: float | None = ret  # undocking to the earliest landing pass
        self._windows: list[LaunchWindow] | None = None
        self._landings = landings if landings is not None else {}

    # --- what does not depend on the day ----------------------------------------------------------
    @property
    def plane_ok(self) -> bool:
        return self.dogleg_deg == 0.0 or self.dogleg_dv <= self.vehicle.plane_change_dv_km_s

    def windows(self) -> list[LaunchWindow]:
        """Feasible windows over the span, by launch time."""
        if self._windows is None:
            site = self.launch_site
            if self.dogleg_deg:  # a dogleg the ship can afford: the range's inclination limits do not hold
                site = replace(site, min_inclination_deg=0.0, max_inclination_deg=180.0)
            find = closest_passages if abs(self.latitude_deg) > self.inclination_deg else inplane_passages
            passages = find(site, self.orbits, 0, self.t0, self.t1)
            found = assess(passages, self.orbits, ascent=self.ascent, profiles=self.model.profiles,
                           vehicle=self.model.id, crewed=self.model.crewed)
            self._windows = [w for w in found if w.feasible]
        return self._windows

    def landings(self, zone: str) -> list[int]:
        """Landing times (UTC ns, the model's offset applied) over a zone, lit where recovery needs it; shared
        by the vehicle's launch sites (``landings`` of :func:`reaches`)."""
        reach = int((self.vehicle.free_flight_days * 86400.0 + self.stay_s + (self.return_s or 0.0)) * 1e9)
        key = (zone, self.vehicle.daylight_landing, self.model.landing_offset_s, self.t1 + reach + 3 * NS_PER_DAY)
        if key not in self._landings:
            found = landing_opportunities(self.orbits, 0, landing_zones()[zone], self.t0, key[-1],
                                          daylight_only=self.vehicle.daylight_landing)
            offset = int(round(self.model.landing_offset_s * 1e9))
            self._landings[key] = [o.time_ns + offset for o in found]
        return self._landings[key]

    # --- one emergency ----------------------------------------------------------------------------
    def option(self, at_ns: int, horizon_days: float) -> RescueOption:
        v, st = self.vehicle, self.station
        base = dict(vehicle=v.id, name=v.name, programme=v.programme, country=v.country, site=self.site_id,
                    site_name=self.launch_site.name, at_ns=at_ns, inclination_deg=self.inclination_deg,
                    site_latitude_deg=self.latitude_deg, dogleg_deg=self.dogleg_deg, dogleg_dv_km_s=self.dogleg_dv)
        end_ns = at_ns + int(round(horizon_days * NS_PER_DAY))
        lo, hi, service = self.service_from_ns, self.service_until_ns, self.service
        why: list[tuple[str, str]] = []
        if hi is not None and hi < at_ns:
            why.append(("service", f"{service}, not on {format_utc(at_ns)[:10]}"))
        elif lo is not None and lo > end_ns:
            why.append(("service", f"{service}, not within the {horizon_days:g}-day horizon "
                                   f"(to {format_utc(end_ns)[:10]})"))
        if not self.plane_ok:
            why.append(("plane", f"{self.plane_why}; a dogleg of {self.dogleg_deg:.1f} deg costs about "
                                 f"{self.dogleg_dv:.2f} km/s, beyond the {v.plane_change_dv_km_s:g} km/s the "
                                 f"{v.launcher} and {v.name} can spare"))
        if not any(self._port(t)[0] for t in self._port_dates(at_ns, end_ns)):
            have = ", ".join(sorted({p.standard for p in st.ports_at(at_ns)})) or "none"
            why.append(("docking", f"no port of {st.name} takes {v.docking} from {format_utc(at_ns)[:10]} to "
                                   f"{format_utc(end_ns)[:10]} (its ports: {have}) even with the adapters given"))
        if v.seats < self.crew:
            why.append(("seats", f"{v.seats} seats for a crew of {self.crew}"))
        ready = v.readiness_at(at_ns)
        if ready is None:
            why.append(("readiness", f"no readiness figure of {v.name} for {format_utc(at_ns)[:10]}"))
        if why:
            return RescueOption(**base, feasible=False, blocker=why[0][0], reasons=tuple(w for _, w in why),
                                readiness_days=None if ready is None else ready.days)
        ready_ns = at_ns + int(round(ready.days * NS_PER_DAY))
        base.update(readiness_days=ready.days, ready_ns=ready_ns)
        latest = end_ns if hi is None else min(end_ns, hi)
        ws = self.windows()
        i = bisect.bisect_left([w.launch_ns for w in ws], max(ready_ns, lo or ready_ns))
        w = ws[i] if i < len(ws) else None
        if w is None or w.launch_ns > latest:
            if hi is not None and hi < end_ns:
                blocker, why_not = "service", (f"{service}: no launch window from readiness "
                                               f"({format_utc(ready_ns)[:16]}) to then")
            elif ready_ns >= end_ns:
                blocker, why_not = "window", (f"ready {ready.days:g} days after the call-up "
                                              f"({format_utc(ready_ns)[:10]}), beyond the {horizon_days:g}-day horizon")
            else:
                blocker, why_not = "window", (f"no launch window from {self.launch_site.name} between readiness "
                                              f"({format_utc(max(ready_ns, lo or ready_ns))[:16]}) and the end of "
                                              f"the {horizon_days:g}-day horizon ({format_utc(end_ns)[:10]})")
            return RescueOption(**base, feasible=False, blocker=blocker, reasons=(why_not,))
        age = float(np.abs(self.epochs - w.launch_ns).min()) / NS_PER_DAY
        base.update(launch_ns=w.launch_ns, profile=w.profile, docking_ns=w.docking_ns, window=w, elements_age_days=age)
        port, adapter = self._port(w.docking_ns)  # the ports of the day it docks
        if port is None:
            return RescueOption(**base, feasible=False, blocker="docking", reasons=(
                f"no port of {st.name} takes {v.docking} when it would dock ({format_utc(w.docking_ns)[:10]})",))
        base.update(port=port, adapter=adapter)
        flight_days = (w.docking_ns - w.launch_ns) / NS_PER_DAY
        if flight_days > v.free_flight_days:
            return RescueOption(**dict(base, port=None, adapter=""), feasible=False, blocker="endurance", reasons=(
                f"the {w.profile} rendezvous takes {flight_days:.1f} days, beyond {v.name}'s "
                f"{v.free_flight_days:g} days of free flight",))
        landing, zone, note = self._landing(w.docking_ns)
        return RescueOption(**base, feasible=True, landing_ns=landing, landing_zone=zone, landing_note=note)

    def _service_span(self) -> tuple[int | None, int | None, str]:
        """When the vehicle flies crews from this site (UTC ns, either end open), and that in words."""
        v = self.vehicle
        lo, hi = v.in_service_from_ns, v.in_service_until_ns
        for site, a, b in v.site_dates:
            if site == self.site_id:
                lo = a if lo is None else (lo if a is None else max(lo, a))
                hi = b if hi is None else (hi if b is None else min(hi, b))
        since = "" if lo is None else f" from {format_utc(lo)[:10]}"
        until = "" if hi is None else f" until {format_utc(hi - NS_PER_DAY + 1)[:10]}"
        where = f" from {self.launch_site.name}" if any(s == self.site_id for s, _, _ in v.site_dates) else ""
        return lo, hi, f"{v.name} flies crews{where}{since}{until}"

    def _port_dates(self, t0_ns: int, t1_ns: int) -> list[int]:
        """Instants at which the station's set of ports may differ within ``[t0, t1]``: the start and each
        port's first and last day inside it."""
        edges = {t0_ns}
        for p in self.station.ports:
            edges.update(t for t in (p.from_ns, p.until_ns) if t is not None and t0_ns <= t <= t1_ns)
        return sorted(edges)

    def _port(self, at_ns: int) -> tuple[str | None, str]:
        """The first port taking the ship directly (or through an installed adapter), else through an
        assumed adapter: its name and the assumed adapter ("" when none is needed)."""
        assumed = None
        for p in self.station.ports_at(at_ns):
            took = p.takes(self.vehicle.docking, self.adapters)
            if took is True:
                return p.name, ""
            if took and assumed is None:
                assumed = (p.name, str(took))
        return assumed or (None, "")

    def _landing(self, docking_ns: int) -> tuple[int | None, str | None, str]:
        ret = self.return_s
        if ret is None:
            return None, None, f"no return model for {self.vehicle.name}"
        earliest = docking_ns + int(round((self.stay_s + ret) * 1e9))
        best = None
        for zone in self.vehicle.landing_zones:
            times = self.landings(zone)
            k = bisect.bisect_left(times, earliest)
            if k < len(times) and (best is None or times[k] < best[0]):
                best = (times[k], zone)
        if best is None:
            return None, None, "no landing opportunity within the span computed"
        return best[0], best[1], ""


def _orbits(catalog: Catalog, station: RescueStation) -> Orbits:
    try:
        return Orbits(catalog, [station.object], max_age_days=None)  # the answers' own ages are checked instead
    except OrbopsError as exc:
        raise OrbopsError(f"no element sets of {station.name} ({station.object}): {exc}") from None


def reaches(station: RescueStation, catalog: Catalog, t0_ns: int, t1_ns: int, *, crew: int,
            vehicles=None, adapters=(), fleet: Fleet | None = None, stay_s: float = RESCUE_STAY_S,
            orbits: Orbits | None = None) -> list[Reach]:
    """A :class:`Reach` per (vehicle, site) of the catalogue (or of ``vehicles``, ids) over the span
    (``orbits``: the station's, when the caller has them already)."""
    fl = fleet or shipped_fleet()
    ids = list(vehicles) if vehicles else list(fl.vehicles)
    unknown = [v for v in ids if v not in fl.vehicles]
    if unknown:
        raise OrbopsError(f"unknown rescue vehicle {unknown[0]!r}: expected one of {', '.join(sorted(fl.vehicles))}")
    orbits = orbits if orbits is not None else _orbits(catalog, station)
    adapters = tuple(a if isinstance(a, Adapter) else Adapter.parse(a) for a in adapters)
    landings: dict = {}  # one landing search per zone and rule, whichever site a vehicle flies from
    return [Reach(fl.vehicles[v], s, station, orbits, t0_ns, t1_ns, crew=crew, adapters=adapters, stay_s=stay_s,
                  landings=landings) for v in ids for s in fl.vehicles[v].sites]


def _assumptions(found: list[Reach], adapters, stay_s: float, t0_ns: int, t1_ns: int) -> tuple[str, ...]:
    """What the answers for emergencies in ``[t0, t1]`` assume: the common list, the adapters, and each
    vehicle's assumed figures (readiness of the eras in the span)."""
    out = common_assumptions(stay_s)
    for a in dict.fromkeys(str(x) for r in found for x in r.adapters):
        out.append(f"ASSUMPTION (what-if): an adapter lets {a.split(':')[0]} ships dock at "
                   f"{a.split(':')[1]} ports.")
    seen = set()
    for r in found:
        v = r.vehicle
        if v.id in seen:
            continue
        seen.add(v.id)
        for era in v.readiness:
            overlaps = (era.from_ns is None or era.from_ns <= t1_ns) and (era.until_ns is None or era.until_ns >= t0_ns)
            if era.assumed and overlaps:
                out.append(f"{v.name} readiness {era.days:g} days: {era.note}")
        out += [f"{v.name}: ASSUMPTION: {a}" for a in v.assumptions]
    return tuple(out)


def _age_notes(cells, max_age_days: float | None) -> tuple[str, ...]:
    """A note per option whose launches lie further than ``max_age_days`` from every station element set."""
    if max_age_days is None:
        return ()
    out = []
    for row in cells:
        old = [o for o in row if o.feasible and o.elements_age_days is not None and o.elements_age_days > max_age_days]
        if old:
            worst = max(old, key=lambda o: o.elements_age_days)
            out.append(f"{worst.name} from {worst.site_name}: {len(old)} launch(es) more than {max_age_days:g} days "
                       f"from the station's nearest element set (up to {worst.elements_age_days:.0f} days, launch "
                       f"{format_utc(worst.launch_ns)[:10]}): the plane and phase there are extrapolated")
    return tuple(out)


def rescue_options(station: str, at, catalog: Catalog, *, crew: int = 3, horizon_days: float = HORIZON_DAYS,
                   vehicles=None, adapters=(), fleet: Fleet | None = None, stay_s: float = RESCUE_STAY_S,
                   max_age_days: float | None = None) -> RescueAnalysis:
    """Every rescue option for ``station`` (an id of the catalogue or its object) when its lifeboat is
    lost at ``at`` (UTC), for a stranded crew of ``crew``, within ``horizon_days``; ranked by docking.

    ``max_age_days``: a note for every answer launching further than this from the station's element sets.
    ``adapters``: assumed adapters (``"CDM:IDSS"`` or :class:`Adapter`), a what-if; ``vehicles``: only
    these vehicle ids; ``fleet``: another catalogue (:func:`orbops.rescue.read_fleet`).
    """
    return rescue_calendar(station, at, 1, catalog, crew=crew, horizon_days=horizon_days, vehicles=vehicles,
                           adapters=adapters, fleet=fleet, stay_s=stay_s, max_age_days=max_age_days).on(0)


@dataclass(frozen=True)
class RescueCalendar:
    """The same answers for an emergency on each of ``days`` days from ``start_ns`` (the same time of day).

    ``cells[i][d]`` is option ``keys[i]`` on day ``d`` (options ordered by vehicle, then site).
    """

    station: str
    station_name: str
    start_ns: int
    days: int
    crew: int
    horizon_days: float
    keys: tuple[str, ...]
    cells: tuple[tuple[RescueOption, ...], ...]
    assumptions: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def day_ns(self) -> np.ndarray:
        """The emergency instant of each day (UTC ns), shaped ``(days,)``."""
        return self.start_ns + np.arange(self.days, dtype=np.int64) * NS_PER_DAY

    def days_to_docking(self) -> np.ndarray:
        """Days from the emergency to docking, ``(option, day)``; NaN where infeasible."""
        return np.array([[o.days_to_docking if o.feasible else np.nan for o in row] for row in self.cells],
                        dtype=float).reshape(len(self.cells), self.days)

    def on(self, day: int) -> RescueAnalysis:
        """The single answer of one day, ranked."""
        return RescueAnalysis(self.station, self.station_name, int(self.day_ns[day]), self.crew, self.horizon_days,
                              rank(row[day] for row in self.cells), self.assumptions, self.notes)

    def rows(self) -> list[dict]:
        """One flat record per (day, option), for CSV: the day, then :meth:`RescueOption.as_dict`."""
        out = []
        for d in range(self.days):
            for row in self.cells:
                o = row[d]
                rec = {"emergency_utc": format_utc(o.at_ns)}  # then as_dict(), its "option" key first
                rec.update({k: ("; ".join(v) if isinstance(v, list) else v) for k, v in o.as_dict().items()})
                out.append(rec)
        return out

    def as_dict(self) -> dict:
        return {"station": self.station, "station_name": self.station_name, "start_utc": format_utc(self.start_ns),
                "days": self.days, "crew": self.crew, "horizon_days": self.horizon_days, "options": list(self.keys),
                "cells": [[o.as_dict() for o in row] for row in self.cells], "assumptions": list(self.assumptions),
                "notes": list(self.notes)}


def rescue_calendar(station: str, start, days: int, catalog: Catalog, *, crew: int = 3,
                    horizon_days: float = HORIZON_DAYS, vehicles=None, adapters=(), fleet: Fleet | None = None,
                    stay_s: float = RESCUE_STAY_S, max_age_days: float | None = None, progress=None,
                    orbits: Orbits | None = None) -> RescueCalendar:
    """:func:`rescue_options` for an emergency on each of ``days`` days from ``start`` (UTC), the geometry
    computed once for the whole span; ``progress()`` after each day."""
    if not 1 <= days <= 3660:
        raise OrbopsError(f"days {days}: expected 1 to 3660")
    if crew < 1:
        raise OrbopsError(f"crew {crew}: expected at least 1")
    if not 0 < horizon_days <= 366:
        raise OrbopsError(f"horizon {horizon_days:g} days: expected more than 0 and at most 366")
    st = (fleet or shipped_fleet()).station(station)
    t0 = to_ns(start)
    t1 = t0 + int(round((days - 1 + horizon_days + 1) * NS_PER_DAY))

    found = reaches(st, catalog, t0, t1, crew=crew, vehicles=vehicles, adapters=adapters, fleet=fleet,
                    stay_s=stay_s, orbits=orbits)
    cells = [[] for _ in found]
    for d in range(days):
        for i, r in enumerate(found):
            cells[i].append(r.option(t0 + d * NS_PER_DAY, horizon_days))
        if progress is not None:
            progress()
    notes = _age_notes(cells, max_age_days)
    keys = tuple(f"{r.vehicle.id}@{r.site_id}" for r in found)
    return RescueCalendar(st.id, st.name, t0, days, crew, horizon_days, keys, tuple(tuple(c) for c in cells),
                          _assumptions(found, adapters, stay_s, t0, t0 + (days - 1) * NS_PER_DAY), notes)
