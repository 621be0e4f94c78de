"""The planner: launch windows and landing opportunities over the whole horizon, computed in batches.

The simulation never propagates per SimPy step: it asks the planner, which
runs one vectorised search per (spaceport, station) for in-plane passages,
assesses them once per vehicle class (phase angle, rendezvous profile), and
one search per (station, landing site) for landing opportunities, then
answers "the next one after t" by bisection. A planner holds only
geometry, so one instance serves every run of a Monte Carlo campaign.
"""

from __future__ import annotations

import bisect
import warnings
from dataclasses import dataclass

import numpy as np

from ..errors import OrbopsError, StaleElementsWarning
from ..geometry import LaunchWindow, Orbits, landing_opportunities, plane_geometry
from ..geometry.launch import assess, inplane_passages
from ..ops import Scenario
from ..timescales import NS_PER_DAY, format_utc, to_ns

__all__ = ["Planner", "Landing"]



@dataclass(frozen=True)
class Landing:
    """A landing opportunity at a landing site (UTC ns), its miss distance and daylight."""

    time_ns: int
    miss_km: float
    sun_elevation_deg: float


class Planner:
    """Cached geometry of a scenario over ``[start - 1 day, end + margin_days]``."""

    def __init__(self, scenario: Scenario, *, margin_days: float = 60.0, backend: str = "auto") -> None:
        self.scenario = scenario
        self.t0 = to_ns(scenario.start) - NS_PER_DAY
        self.t1 = to_ns(scenario.end) + int(margin_days * NS_PER_DAY)
        catalog = scenario.catalog
        if catalog is None:
            raise OrbopsError("the scenario holds no element catalog: load it with orbops.load_scenario")
        self.element_problems = catalog.problems
        self.stations = {s.id: i for i, s in enumerate(scenario.stations)}
        self.orbits = Orbits(catalog, [s.object for s in scenario.stations], backend=backend,
                             max_age_days=scenario.max_element_age_days)
        self._passages: dict = {}
        self._windows: dict = {}
        self._landings: dict = {}
        self._studies: dict = {}
        self._inclinations: dict = {}
        self.stale: list[str] = []

    def _quietly(self, compute):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", StaleElementsWarning)
            out = compute()
        self.stale.extend(str(w.message) for w in caught if issubclass(w.category, StaleElementsWarning))
        return out

    # --- launch windows ---------------------------------------------------------------------------
    def windows(self, spaceport_id: str, station_id: str, class_id: str) -> list[LaunchWindow]:
        """Feasible launch windows (sorted by launch time) for one vehicle class to one station."""
        key = (spaceport_id, station_id, class_id)
        if key not in self._windows:
            self._need_orbits(f"windows for {key}")
            port = self.scenario.lookup("spaceports", spaceport_id)
            vclass = self.scenario.lookup("vehicle_classes", class_id)
            pkey = (spaceport_id, station_id)
            if pkey not in self._passages:
                self._passages[pkey] = self._quietly(lambda: inplane_passages(
                    port.site, self.orbits, self.stations[station_id], self.t0, self.t1))
            found = self._quietly(lambda: assess(self._passages[pkey], self.orbits, ascent=vclass.ascent,
                                                 profiles=vclass.profiles, vehicle=vclass.model,
                                                 crewed=vclass.crewed))
            self._windows[key] = [w for w in found if w.feasible]
        return self._windows[key]

    def next_window(self, spaceport_id: str, station_id: str, class_id: str, after_ns: int) -> LaunchWindow | None:
        """The first feasible window launching at or after ``after_ns``."""
        ws = self.windows(spaceport_id, station_id, class_id)
        starts = [w.launch_ns for w in ws]
        i = bisect.bisect_left(starts, after_ns)
        return ws[i] if i < len(ws) else None

    def inclination_deg(self, station_id: str) -> float:
        """The station's inclination (deg) from its element set nearest the scenario's start, as validation
        checks reach against (cached, so a
        prepared planner answers it without orbits)."""
        if station_id not in self._inclinations:
            self._need_orbits(f"the inclination of {station_id}")
            norad = int(self.orbits.norad_ids[self.stations[station_id]])
            nearest = self.orbits.catalog.get(norad, self.scenario.start, max_age_days=None)
            self._inclinations[station_id] = float(nearest.inc_deg)
        return self._inclinations[station_id]

    # --- landing opportunities --------------------------------------------------------------------
    def landings(self, station_id: str, landing_id: str) -> list[Landing]:
        """Landing opportunities from the station's orbit at a landing site (daylight-filtered if required)."""
        key = (station_id, landing_id)
        if key not in self._landings:
            self._need_orbits(f"landings for {key}")
            site = self.scenario.lookup("landing_sites", landing_id)
            found = self._quietly(lambda: landing_opportunities(
                self.orbits, self.stations[station_id], site.zone, self.t0, self.t1,
                daylight_only=site.daylight_only, min_sun_el_deg=site.min_sun_elevation_deg))
            self._landings[key] = [Landing(o.time_ns, o.miss_km, o.sun_elevation_deg) for o in found]
        return self._landings[key]

    def landing_between(self, station_id: str, landing_id: str, earliest_ns: int, latest_ns: int | None = None,
                        *, last: bool = False) -> Landing | None:
        """The first (or with ``last``, the latest) opportunity in ``[earliest, latest]``."""
        ops = self.landings(station_id, landing_id)
        times = [o.time_ns for o in ops]
        lo = bisect.bisect_left(times, earliest_ns)
        hi = len(times) if latest_ns is None else bisect.bisect_right(times, latest_ns)
        if lo >= hi:
            return None
        return ops[hi - 1] if last else ops[lo]

    def prime_landing(self, station_id: str, landing_id: str, day_ns: int) -> Landing | None:
        """A landing day's prime opportunity: of the opportunities in the UTC day of ``day_ns`` (lit,
        where the site requires it), the one whose track passes nearest the zone's centre."""
        ops = self.landings(station_id, landing_id)
        times = [o.time_ns for o in ops]
        day_ns = day_ns // NS_PER_DAY * NS_PER_DAY  # the UTC day, whatever the time of day given
        lo, hi = bisect.bisect_left(times, day_ns), bisect.bisect_left(times, day_ns + NS_PER_DAY)
        return min(ops[lo:hi], key=lambda o: o.miss_km) if lo < hi else None

    def __getstate__(self) -> dict:
        """Pickle the computed geometry only (for campaign workers): no orbits, so no propagation later."""
        state = dict(self.__dict__)
        state["orbits"] = None
        state["_passages"] = {}
        return state

    def _need_orbits(self, what: str) -> None:
        if self.orbits is None:
            raise OrbopsError(f"this planner holds precomputed geometry only and has no {what}: "
                              "call prepare() before handing it to workers")

    def prepare(self) -> "Planner":
        """Compute every window, landing list and plane study the scenario can ask for (so runs only look up)."""
        sc = self.scenario
        for m in sc.missions:
            v = sc.lookup("vehicles", m.vehicle)
            vc = sc.lookup("vehicle_classes", v.vehicle_class)
            self.windows(vc.spaceport, m.station, vc.id)
            if vc.landing:
                self.landings(m.station, vc.landing)
        for d in sc.docked_at_start:
            vc = sc.lookup("vehicle_classes", sc.lookup("vehicles", d.vehicle).vehicle_class)
            if vc.landing:
                self.landings(d.station, vc.landing)
        for study in sc.plane_studies:
            self.plane_study(study)
        for st in sc.stations:
            self.inclination_deg(st.id)
        return self

    def plane_study(self, study) -> dict:
        """Whether a vehicle at one station could reach the other: plane geometry against its delta-v budget."""
        key = study.id
        if key not in self._studies:
            self._need_orbits(f"plane study {key}")
            start = to_ns(self.scenario.start)
            end = to_ns(self.scenario.end)
            geo = self._quietly(lambda: plane_geometry(self.orbits, self.stations[study.from_station],
                                                        self.stations[study.to_station], start, end))
            k = int(np.argmin(geo.plane_change_dv_km_s))
            best = float(geo.plane_change_dv_km_s[k])
            feasible = best <= study.delta_v_budget_km_s
            why = (f"the cheapest plane change, {best:.2f} km/s on {format_utc(geo.times[k])} (relative inclination "
                   f"{geo.relative_inclination_deg[k]:.1f} deg), "
                   + (f"fits the {study.delta_v_budget_km_s:g} km/s budget" if feasible else
                      f"is {best / study.delta_v_budget_km_s:.1f} times the {study.delta_v_budget_km_s:g} km/s budget"))
            self._studies[key] = {
                "id": study.id, "from": study.from_station, "to": study.to_station, "feasible": feasible,
                "reason": why, "delta_v_budget_km_s": study.delta_v_budget_km_s,
                "min_plane_change_km_s": round(best, 4), "min_plane_change_utc": format_utc(geo.times[k]),
                "relative_inclination_deg": {"min": round(float(geo.relative_inclination_deg.min()), 3),
                                             "max": round(float(geo.relative_inclination_deg.max()), 3)},
                "node_drift_deg_per_day": round(geo.drift_deg_per_day, 4),
                "j2_node_drift_deg_per_day": round(geo.j2_drift_deg_per_day, 4),
                "node_alignments_utc": [format_utc(t) for t in geo.alignments_ns],
                "note": study.note,
            }
        return self._studies[key]
