"""The discrete-event engine: missions, stations, launchers and contingencies as SimPy processes.

A mission waits for its no-earlier-than date, its launcher (not grounded),
a pad (free after turnaround) and then the next launch window from the
planner; it flies the profile the phase angle allows, docks at a free
compatible port (or waits, or gives up), transfers its crew and stays until
relieved, until its planned stay ends, or until its certified life runs out,
and comes home at a landing opportunity. Every crew member aboard must have
a seat home on a docked, healthy, in-life vehicle (the lifeboat rule);
every gap is logged. Policies decide the responses. One seeded numpy
``Generator`` makes every random draw; the same scenario and seed give the
same timeline, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import simpy

from ..constants import SECONDS_PER_DAY as DAY_S
from ..errors import OrbopsError
from ..ops import Contingency, Mission, Policy, Scenario, Variant, substream
from .clock import Clock
from .eventlog import Event, EventLog
from .metrics import compute_metrics
from .planner import Planner

__all__ = ["Engine", "Run", "run_scenario"]



@dataclass
class VehicleState:
    serial: str
    vclass: object
    status: str = "ground"  # ground, flight, docked, landed, lost
    station: str = ""
    port: str = ""
    mission: str = ""
    docked_s: float | None = None
    life_end_s: float = float("inf")
    stay_days: float | None = None
    healthy: bool = True
    forced_depart_s: float | None = None
    replacement: str | None = None
    wake: object = None
    planned_undock_s: float = float("inf")
    latest_undock_s: float = float("inf")  # the last undocking that still lands (in daylight if required) in life


@dataclass
class StationState:
    station: object
    docked: dict = field(default_factory=dict)  # port -> serial
    crew: list = field(default_factory=list)  # crew aboard, in order of arrival
    seat: dict = field(default_factory=dict)  # crew -> serial of their lifeboat (the lifeboat rule)
    home: dict = field(default_factory=dict)  # crew -> serial of the vehicle that will bring them home
    increment: dict = field(default_factory=dict)  # crew -> the mission they came with (what a relief relieves)
    gap_open: bool = False
    had_crew: bool = False
    port_freed: object = None
    changed: object = None  # triggered whenever the crew aboard changes


@dataclass
class LauncherState:
    launcher: object
    grounded_until: float = -1.0  # grounded while now < grounded_until
    cleared: object = None


@dataclass
class FamilyState:
    """Failure history shared by launchers with common stages."""

    failed_at: float | None = None
    uncrewed_success_at: float | None = None
    flew_uncrewed: object = None  # triggered (and renewed) after each good uncrewed flight


@dataclass
class MissionState:
    mission: Mission
    status: str = "planned"  # planned, ready, launched, docked, landed, failed, cancelled
    net_s: float = 0.0
    uncrewed: bool = False
    launch_s: float | None = None
    dock_s: float | None = None
    window: object = None
    docked_event: object = None
    ordered: object = None  # for standby missions: triggered when a contingency calls them up
    rescheduled: object = None  # triggered (and renewed) whenever net_s changes
    slip_s: float = 0.0
    plan_net_s: float = 0.0  # the no-earlier-than date as planned (before slips, advances, replacements)
    launch_day_s: float = float("-inf")  # the manifest's launch day, where there is one


@dataclass
class Run:
    """The outcome of one run: the timeline, metrics, the windows used and every window considered."""

    scenario: Scenario
    variant: Variant
    seed: int
    clock: Clock
    events: list[Event]
    metrics: dict
    windows: list[dict]
    windows_considered: list[dict] = field(default_factory=list)
    stochastic: bool = False

    def rows(self) -> list[dict]:
        """Timeline rows (see ``eventlog.TIMELINE_FIELDS``)."""
        return [e.row(self.clock.iso, self.variant.id) for e in self.events]


class Engine:
    """Plays one variant of a scenario with one seed."""

    def __init__(self, scenario: Scenario, planner: Planner, *, variant: Variant | None = None, seed: int = 0,
                 observer=None, stochastic: bool = False) -> None:
        self.sc = scenario
        self.planner = planner
        self.variant = variant or (scenario.variants[0] if scenario.variants else Variant("base", "base"))
        self.policy: Policy = self.variant.policy or scenario.policy
        self.seed = seed
        self.unc = scenario.uncertainty
        self.stochastic = bool(stochastic and self.unc)  # draw the scenario's [uncertainty] (a Monte Carlo run)
        self.clock = Clock(scenario.start)
        self.env = simpy.Environment()
        self.log = EventLog(observer)
        self.end_s = self.clock.to_s(scenario.end)
        self.classes = {c.id: c for c in scenario.vehicle_classes}
        self.vehicles = {v.serial: VehicleState(v.serial, self.classes[v.vehicle_class]) for v in scenario.vehicles}
        self.stations = {s.id: StationState(s, port_freed=self.env.event(), changed=self.env.event())
                         for s in scenario.stations}
        self.launchers = {lv.id: LauncherState(lv, cleared=self.env.event()) for lv in scenario.launchers}
        self.families = {lv.family or lv.id: FamilyState(flew_uncrewed=self.env.event()) for lv in scenario.launchers}
        # each pad: the time it is free again (after a launch's turnaround, an outage, a repair)
        self.pads = {p.id: {pad: float("-inf") for pad in p.pads} for p in scenario.spaceports}
        self.pad_changed = {p.id: self.env.event() for p in scenario.spaceports}
        excluded = set(self.variant.exclude_missions)
        nets, dates = dict(self.variant.net), dict(self.variant.launch_date)
        self.missions = {}
        for m in scenario.missions:
            if m.id in excluded:
                continue
            # the manifest's launch day supersedes the no-earlier-than date; a variant's own date (launch day,
            # else no-earlier-than date) supersedes the mission's
            if m.id in dates:
                day, start = dates[m.id], dates[m.id]
            elif m.id in nets:
                day, start = None, nets[m.id]
            else:
                day, start = m.launch_date, m.net if m.launch_date is None else m.launch_date
            net_s = self.clock.to_s(start)
            self.missions[m.id] = MissionState(
                m, net_s=net_s, plan_net_s=net_s, launch_day_s=float("-inf") if day is None else self.clock.to_s(day),
                docked_event=self.env.event(), ordered=self.env.event(), rescheduled=self.env.event())
        # the manifest's landing days, by mission (docked_at_start missions too)
        landings = {m.id: m.landing_date for m in scenario.missions if m.landing_date is not None}
        landings.update({d.mission or d.vehicle: d.landing_date for d in scenario.docked_at_start
                         if d.landing_date is not None})
        landings.update(dict(self.variant.landing_date))
        self.landing_day_s = {k: self.clock.to_s(t) for k, t in landings.items()}
        self.failures: dict[str, Contingency] = {}
        self.increment_end_s: dict[str, float] = {}  # increment (mission) -> its planned end, from its docking
        self.windows_used: list[dict] = []
        self.windows_considered: list[dict] = []
        self.history: dict[str, list] = {s: [] for s in self.stations}  # (time, crew count)

    # --- helpers --------------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.env.now

    def _log(self, kind: str, **fields) -> Event:
        return self.log.add(self.now, kind, **fields)

    def _vehicle_class(self, serial: str):
        return self.vehicles[serial].vclass

    def _crew_of(self, ms: MissionState) -> tuple[str, ...]:
        return () if ms.uncrewed else ms.mission.crew

    # --- the lifeboat rule ------------------------------------------------------------------------
    def _has_lifeboat(self, st: StationState, crew_id: str) -> bool:
        serial = st.seat.get(crew_id)
        if serial is None:
            return False
        v = self.vehicles[serial]
        return v.status == "docked" and v.station == st.station.id and v.healthy and self.now < v.life_end_s

    def _check(self, st: StationState) -> None:
        """Lifeboat rule and crew count bookkeeping, after every change at a station."""
        sid = st.station.id
        count = len(st.crew)
        if not self.history[sid] or self.history[sid][-1][1] != count:
            self.history[sid].append((self.now, count))
            changed, st.changed = st.changed, self.env.event()
            changed.succeed()
        if not self.policy.lifeboat_rule:
            return
        seatless = tuple(c for c in st.crew if not self._has_lifeboat(st, c))
        if seatless and not st.gap_open:
            st.gap_open = True
            self._log("lifeboat_gap_start", station=sid, crew=seatless,
                      detail=f"{len(seatless)} of {count} aboard without a seat home")
        elif not seatless and st.gap_open:
            st.gap_open = False
            self._log("lifeboat_gap_end", station=sid)

    def _free_seats(self, serial: str, st: StationState) -> int:
        v = self.vehicles[serial]
        taken = sum(1 for c in st.crew if st.seat.get(c) == serial or st.home.get(c) == serial)
        return v.vclass.return_seats - taken

    def _assign(self, st: StationState, crew_ids, serial: str, why: str, *, home: bool = False) -> None:
        """Give ``crew_ids`` their lifeboat seat on ``serial`` (and, with ``home``, their ride home)."""
        for c in crew_ids:
            st.seat[c] = serial
            if home:
                st.home[c] = serial
        if crew_ids:
            self._log("seat_assignment", station=st.station.id, vehicle=serial, crew=tuple(crew_ids), detail=why)

    def _unseat(self, st: StationState, crew_ids, why: str) -> None:
        for c in crew_ids:
            st.seat.pop(c, None)
        if crew_ids:
            self._log("seat_assignment", station=st.station.id, vehicle="", crew=tuple(crew_ids), detail=why)

    def _seat_seatless(self, st: StationState, serial: str) -> None:
        """Crew aboard without a healthy lifeboat take free seats on ``serial``."""
        v = self.vehicles[serial]
        if not v.healthy:
            return
        seatless = [c for c in st.crew if not self._has_lifeboat(st, c)]
        take = seatless[:max(0, self._free_seats(serial, st))]
        if take:
            self._assign(st, take, serial, f"lifeboat seat on {serial}")

    def _adopt(self, st: StationState, serial: str) -> None:
        """A healthy vehicle docks: crew whose ride home is gone or damaged make it theirs (seat and all)."""
        v = self.vehicles[serial]
        if not v.healthy:
            return

        def stranded(c):
            h = st.home.get(c)
            return h is None or not self.vehicles[h].healthy or self.vehicles[h].status != "docked"
        take = [c for c in st.crew if stranded(c)][:max(0, self._free_seats(serial, st))]
        if take:
            self._assign(st, take, serial, f"will go home on {serial}", home=True)
        self._seat_seatless(st, serial)

    # --- setup ------------------------------------------------------------------------------------
    def _start(self):
        self._log("scenario_start", subject=self.sc.name, detail=f"variant {self.variant.name}")
        for d in self.sc.docked_at_start:
            v = self.vehicles[d.vehicle]
            st = self.stations[d.station]
            v.status, v.station, v.port, v.mission = "docked", d.station, d.port, d.mission
            v.docked_s = self.clock.to_s(d.docked)
            v.life_end_s = v.docked_s + v.vclass.docked_life_days * DAY_S
            v.stay_days = d.stay_days
            if d.stay_days is not None:
                self.increment_end_s[d.mission or d.vehicle] = v.docked_s + d.stay_days * DAY_S
            st.docked[d.port] = d.vehicle
            st.crew.extend(d.crew)
            for c in d.crew:
                st.seat[c] = st.home[c] = d.vehicle
                st.increment[c] = d.mission or d.vehicle
            st.had_crew = st.had_crew or bool(d.crew)
            self._log("docked_at_start", subject=d.mission or d.vehicle, station=d.station, port=d.port,
                      vehicle=d.vehicle, crew=d.crew,
                      detail=f"docked {self.clock.iso(v.docked_s)}; certified until {self.clock.iso(v.life_end_s)}")
        for st in self.stations.values():
            self._check(st)
        for d in self.sc.docked_at_start:
            self.env.process(self._stay(d.vehicle))
        for c in self.sc.contingencies:
            if c.id in self.variant.exclude_contingencies:
                continue
            if c.kind == "launch_failure":
                self.failures[c.target] = c
            else:
                self.env.process(self._contingency(c))
        for ms in self.missions.values():
            self.env.process(self._mission(ms))
        yield self.env.timeout(0)

    # --- launchers and pads -------------------------------------------------------------------------
    def _ground(self, launcher_id: str, until_s: float, why: str) -> None:
        ls = self.launchers[launcher_id]
        if until_s <= ls.grounded_until:
            return
        was = self.now < ls.grounded_until
        ls.grounded_until = until_s
        if not was:
            ls.cleared = self.env.event()
        self._log("launcher_grounded", subject=launcher_id, detail=f"until {self.clock.iso(until_s)}: {why}")
        self.env.process(self._unground(launcher_id, until_s))

    def _unground(self, launcher_id: str, until_s: float):
        yield self.env.timeout(max(0.0, until_s - self.now))
        ls = self.launchers[launcher_id]
        if ls.grounded_until == until_s and not ls.cleared.triggered:
            self._log("launcher_cleared", subject=launcher_id)
            ls.cleared.succeed()

    def _family(self, launcher_id: str) -> FamilyState:
        lv = self.launchers[launcher_id].launcher
        return self.families[lv.family or lv.id]

    def _launcher_ready(self, ms: MissionState):
        """Wait until the mission's launcher may fly it: not grounded, and for a crew after a failure,
        ``crewed_after_failure_days`` past the family's first good uncrewed flight (or its clearance)."""
        vc = self._vehicle_class(ms.mission.vehicle)
        ls = self.launchers[vc.launcher]
        fam = self._family(vc.launcher)
        while True:
            if self.now < ls.grounded_until:
                yield ls.cleared
                continue
            if self._crew_of(ms) and fam.failed_at is not None:
                if self.policy.uncrewed_first:
                    if fam.uncrewed_success_at is None or fam.uncrewed_success_at < fam.failed_at:
                        yield fam.flew_uncrewed  # wait for the first good uncrewed flight
                        continue
                    ready = fam.uncrewed_success_at + self.policy.crewed_after_failure_days * DAY_S
                else:
                    ready = max(fam.failed_at, ls.grounded_until) + self.policy.crewed_after_failure_days * DAY_S
                if self.now < ready:
                    yield self.env.timeout(ready - self.now)
                    continue
            return

    def _room_at(self, st: StationState, arriving: int, dock_s: float) -> bool:
        """Whether the station will have room for ``arriving`` crew at ``dock_s``."""
        leaving = sum(1 for c in st.crew if c in st.home and self.vehicles[st.home[c]].planned_undock_s < dock_s)
        return len(st.crew) - leaving + arriving <= st.station.crew_capacity

    def _considered(self, w, mission_id: str, class_id: str, outcome: str) -> None:
        self.windows_considered.append({"mission": mission_id, "vehicle_class": class_id, "outcome": outcome,
                                        "decided_utc": self.clock.iso(self.now), **w.as_dict()})

    def _free_pad(self, spaceport_id: str) -> str | None:
        """A pad of the spaceport free now (the first in the scenario's order), or None."""
        return next((pad for pad, free_at in self.pads[spaceport_id].items() if free_at <= self.now), None)

    def _hold_pad(self, spaceport_id: str, pad: str, until_s: float) -> None:
        """Take ``pad`` out of use until ``until_s`` (turnaround, outage, repair)."""
        pads = self.pads[spaceport_id]
        pads[pad] = max(pads[pad], until_s)
        changed, self.pad_changed[spaceport_id] = self.pad_changed[spaceport_id], self.env.event()
        changed.succeed()

    # --- missions ------------------------------------------------------------------------------------
    def _mission(self, ms: MissionState):
        m = ms.mission
        vc = self._vehicle_class(m.vehicle)
        port_cfg = self.sc.lookup("spaceports", vc.spaceport)
        if m.standby:
            yield ms.ordered  # a standby ship flies only when called up
        draws = substream(self.seed, "mission", m.id) if self.stochastic else None
        slip_dist = self.unc.launch_slip_days.get(vc.launcher) if draws is not None else None
        slip = slip_dist.sample(draws) if slip_dist is not None else 0.0
        ms.slip_s = slip * DAY_S
        while ms.net_s + ms.slip_s > self.now:
            yield self.env.timeout(ms.net_s + ms.slip_s - self.now) | ms.rescheduled
        ms.status = "ready"
        self._log("mission_ready", subject=m.id, station=m.station, vehicle=m.vehicle, crew=self._crew_of(ms),
                  detail=f"no earlier than {self.clock.iso(ms.net_s)}" + (f", slipped {slip:.1f} d" if slip else ""))
        while True:
            yield from self._launcher_ready(ms)
            free_at = min(self.pads[vc.spaceport].values())
            if free_at > self.now:  # every pad in turnaround, out of service or under repair
                yield self.env.timeout(free_at - self.now) | self.pad_changed[vc.spaceport]
                continue
            prep = self.policy.launch_prep_days * DAY_S if ms.uncrewed else 0.0
            w = self.planner.next_window(vc.spaceport, m.station, vc.id, self.clock.to_ns(self.now + prep))
            if w is None or self.clock.to_s(w.launch_ns) > self.end_s:
                ms.status = "cancelled"
                self._log("mission_cancelled", subject=m.id, station=m.station, vehicle=m.vehicle,
                          detail="not launched before the end of the scenario")
                return
            ls = self.launchers[vc.launcher]
            fam = self._family(vc.launcher)
            st = self.stations[m.station]
            crew_n = len(self._crew_of(ms))
            dock_s = self.clock.to_s(w.docking_ns)
            if crew_n and self.policy.station_capacity_rule and not self._room_at(st, crew_n, dock_s):
                # no room when it would dock: wait for the crew aboard to change, or the next window
                self._considered(w, m.id, vc.id, "passed: no room aboard when it would dock")
                yield st.changed | self.env.timeout(max(1.0, self.clock.to_s(w.launch_ns) - self.now + 1.0))
                continue
            decided = self.now
            yield self.env.timeout(self.clock.to_s(w.launch_ns) - self.now)
            if self.now < ls.grounded_until or (fam.failed_at is not None and fam.failed_at > decided):
                self._considered(w, m.id, vc.id, "passed: launcher grounded meanwhile")
                continue  # grounded meanwhile: wait again, then take the next window
            pad = self._free_pad(vc.spaceport)
            if pad is None:
                self._considered(w, m.id, vc.id, "passed: no pad free (another launch, an outage or a repair)")
                continue
            break
        self._hold_pad(vc.spaceport, pad, self.now + port_cfg.pad_turnaround_days * DAY_S)
        ms.launch_s, ms.window, ms.status = self.now, w, "launched"
        crew = self._crew_of(ms)
        self.windows_used.append(dict(w.as_dict(), mission=m.id, vehicle_class=vc.id))
        self._considered(w, m.id, vc.id, "used")
        self._log("launch", subject=m.id, station=m.station, vehicle=m.vehicle, crew=crew,
                  detail=f"{port_cfg.site.name}, {w.direction} azimuth {w.azimuth_deg:.1f} deg, phase "
                         f"{w.phase_deg:.1f} deg, profile {w.profile}, docking {self.clock.iso(self.clock.to_s(w.docking_ns))}")
        v = self.vehicles[m.vehicle]
        v.status, v.mission = "flight", m.id
        fam = self._family(vc.launcher)
        failure = self.failures.get(m.id)
        grounding = 0.0 if failure is None else failure.grounding_days
        if draws is not None:  # fixed order of draws: failure, pad damage, then their durations
            u_fail, u_pad = draws.random(2)
            if failure is None and u_fail < self.unc.launch_failure_probability.get(vc.launcher, 0.0):
                failure = Contingency("launch_failure", m.id, note="drawn launch failure")
                dist = self.unc.grounding_days_after_failure.get(vc.launcher)
                grounding = dist.sample(draws) if dist is not None else 0.0
            if u_pad < self.unc.pad_damage_probability.get(vc.spaceport, 0.0):
                dist = self.unc.pad_repair_days.get(vc.spaceport)
                repair = dist.sample(draws) if dist is not None else 0.0
                self.env.process(self._pad_outage(vc.spaceport, pad, self.now + repair * DAY_S,
                                                  f"damaged by the launch of {m.id} (drawn)"))
        if failure is not None:
            yield from self._launch_failure(ms, crew, grounding)
            return
        if not crew:
            fam.uncrewed_success_at = self.now
            flew, fam.flew_uncrewed = fam.flew_uncrewed, self.env.event()
            flew.succeed()
        self._wake_docked(m.station)  # e.g. a damaged vehicle makes room for its replacement
        yield self.env.timeout(max(0.0, self.clock.to_s(w.docking_ns) - self.now))
        st = self.stations[m.station]
        port = self._free_port(st, vc, m.port)
        if port is None:
            self._log("waiting_for_port", subject=m.id, station=m.station, vehicle=m.vehicle,
                      detail=f"no free {vc.docking} port")
            deadline = self.now + vc.free_flight_days * DAY_S
            while port is None and self.policy.wait_for_port and self.now < deadline:
                freed = st.port_freed
                yield freed | self.env.timeout(deadline - self.now)
                if freed.triggered:
                    yield self.env.timeout(self.policy.port_clear_hours * 3600.0)  # the departing ship clears
                port = self._free_port(st, vc, m.port)
            if port is None:
                ms.status = "cancelled"
                self._log("mission_cancelled", subject=m.id, station=m.station, vehicle=m.vehicle,
                          detail="no free compatible port within the free-flight time; returning")
                yield from self._land(v, crew, m.station)
                return
        self._dock(ms, v, st, port, crew)
        self.env.process(self._stay(m.vehicle))

    def _free_port(self, st: StationState, vc, preferred: str | None) -> str | None:
        ports = list(st.station.ports)
        if preferred:
            ports.sort(key=lambda p: p.name != preferred)
        for p in ports:
            if p.accepts(vc.docking) and p.name not in st.docked:
                return p.name
        return None

    def _launch_failure(self, ms: MissionState, crew, grounding_days: float):
        m = ms.mission
        vc = self._vehicle_class(m.vehicle)
        ms.status = "failed"
        v = self.vehicles[m.vehicle]
        v.status = "lost"
        self._log("launch_failure", subject=m.id, station=m.station, vehicle=m.vehicle, crew=crew,
                  detail=f"{vc.launcher} failed" + (f"; grounded {grounding_days:g} days" if grounding_days else ""))
        fam = self._family(vc.launcher)
        fam.failed_at = self.now
        if grounding_days > 0:
            family = self.launchers[vc.launcher].launcher.family or vc.launcher
            for lid, other in self.launchers.items():
                if (other.launcher.family or lid) == family:
                    self._ground(lid, self.now + grounding_days * DAY_S, f"failure of {m.id}")
        if crew:
            yield self.env.timeout(1200.0)  # the escape system and descent: about 20 minutes
            self._log("abort_landing", subject=m.id, vehicle=m.vehicle, crew=crew, detail="crew recovered")
        self._wake_docked()  # a relief that will not come: let the crews waiting for it decide

    def _wake_docked(self, station_id: str | None = None) -> None:
        for v in self.vehicles.values():
            if v.status == "docked" and (station_id is None or v.station == station_id):
                self._wake(v)

    def _dock(self, ms: MissionState, v: VehicleState, st: StationState, port: str, crew) -> None:
        m = ms.mission
        v.status, v.station, v.port = "docked", st.station.id, port
        v.docked_s = self.now
        v.life_end_s = self.now + v.vclass.docked_life_days * DAY_S
        v.stay_days = m.stay_days
        if crew:
            self.increment_end_s[m.id] = self.now + m.stay_days * DAY_S
        was_empty = not st.crew
        st.docked[port] = v.serial
        st.crew.extend(crew)
        for c in crew:
            st.seat[c] = st.home[c] = v.serial
            st.increment[c] = m.id
        ms.dock_s, ms.status = self.now, "docked"
        self._log("docking", subject=m.id, station=st.station.id, port=port, vehicle=v.serial, crew=crew,
                  detail=f"rendezvous {(self.now - ms.launch_s) / 3600:.2f} h")
        if crew and was_empty and st.had_crew:
            self._log("station_recrewed", station=st.station.id, crew=crew)
        st.had_crew = st.had_crew or bool(crew)
        self._adopt(st, v.serial)
        ms.docked_event.succeed()
        self._wake_docked()  # a relieved crew may now plan its return
        self._check(st)

    # --- staying and returning -----------------------------------------------------------------------
    def _wake(self, v: VehicleState) -> None:
        if v.wake is not None and not v.wake.triggered:
            v.wake.succeed()

    def _relief_of(self, st: StationState, crew) -> MissionState | None:
        """The crewed mission relieving these crew's increments (a docked one first, else the next planned)."""
        increments = {st.increment.get(c) for c in crew}
        reliefs = [ms for ms in self.missions.values()
                   if ms.mission.relieves in increments and self._crew_of(ms)
                   and ms.status not in ("failed", "cancelled")]
        reliefs.sort(key=lambda ms: (ms.status != "docked", ms.net_s, ms.mission.id))
        return reliefs[0] if reliefs else None

    def _desired_departure(self, v: VehicleState) -> float | None:
        """When the vehicle should leave (seconds), or None to wait for news (its life still caps it)."""
        st = self.stations[v.station]
        own_crew = [c for c in st.crew if st.home.get(c) == v.serial]
        if not v.healthy:
            rep = self.missions.get(v.replacement) if v.replacement else None
            if rep is not None and rep.status in ("planned", "ready", "launched"):
                rep_class = self._vehicle_class(rep.mission.vehicle)
                if rep.status == "launched" and self._free_port(st, rep_class, None) is None:
                    return self.now  # make room: the replacement needs this port
                return None  # stay (an emergency-only refuge) until the replacement docks
            return self.now
        if v.forced_depart_s is not None:
            return v.forced_depart_s
        if own_crew:  # the crew's increments end as planned when they docked, whatever vehicle takes them home
            ends = [self.increment_end_s.get(st.increment.get(c)) for c in own_crew]
            planned = None if None in ends else max(ends)
        else:
            planned = None if v.stay_days is None else v.docked_s + v.stay_days * DAY_S
        relief = self._relief_of(st, own_crew)
        if own_crew and len(own_crew) == len(st.crew) and self.policy.keep_station_crewed:
            pending = self._pending_crewed(v.station)
            if pending:
                # bring the relief forward only if, as planned, it would come after this vehicle must leave
                must_leave = self._latest_undock(v)
                if self.policy.advance_relief and pending[0].net_s + pending[0].slip_s + 3 * DAY_S > must_leave:
                    self._advance(pending[0], must_leave)
                return None  # the last crew aboard waits for a relief (its life still caps the wait)
        day = self.landing_day_s.get(v.mission or v.serial)
        if day is not None:  # the manifest's landing day: its prime opportunity (the pass nearest the zone)
            prime = (self.planner.prime_landing(v.station, v.vclass.landing, self.clock.to_ns(day))
                     if v.vclass.landing else None)
            when = day if prime is None else self.clock.to_s(prime.time_ns)
            return max(self.now, when - v.vclass.return_s)
        if own_crew and relief is not None:
            if relief.status == "docked":
                if self.policy.handover == "direct":
                    return relief.dock_s + self.policy.handover_overlap_days * DAY_S
                return planned if planned is not None else self.now
            if self.policy.handover == "direct" and self.policy.extend_for_relief:
                return None
        return planned

    def _pending_crewed(self, station_id: str) -> list[MissionState]:
        """Crewed missions to the station not yet docked, in order of their no-earlier-than dates."""
        pending = [ms for ms in self.missions.values()
                   if ms.mission.station == station_id and self._crew_of(ms)
                   and ms.status in ("planned", "ready", "launched")
                   and not (ms.mission.standby and not ms.ordered.triggered)]
        return sorted(pending, key=lambda ms: (ms.net_s, ms.mission.id))

    def _advance(self, ms: MissionState, must_leave_s: float) -> None:
        """Bring a relief forward (policy ``advance_relief``): no earlier than now, and
        ``advance_relief_margin_days`` before the waiting crew's vehicle must leave."""
        target = max(self.now, must_leave_s - self.policy.advance_relief_margin_days * DAY_S)
        if ms.net_s + ms.slip_s > target:
            old = ms.net_s + ms.slip_s
            ms.slip_s = 0.0
            self._reschedule(ms, target)
            self._log("mission_advanced", subject=ms.mission.id, station=ms.mission.station, vehicle=ms.mission.vehicle,
                      detail=f"from {self.clock.iso(old)} to {self.clock.iso(target)}: the last crew aboard must "
                             f"leave by {self.clock.iso(must_leave_s)}")

    def _reschedule(self, ms: MissionState, net_s: float) -> None:
        """Move a mission's no-earlier-than date (earlier or later) and wake it to wait for the new one."""
        ms.net_s = net_s
        woken, ms.rescheduled = ms.rescheduled, self.env.event()
        woken.succeed()

    def _latest_undock(self, v: VehicleState) -> float:
        """The last undocking whose return lands at a landing opportunity within the certified life."""
        vc = v.vclass
        latest = v.life_end_s
        if vc.landing is not None:
            last = self.planner.landing_between(v.station, vc.landing, self.clock.to_ns(self.now),
                                                self.clock.to_ns(latest + vc.return_s), last=True)
            if last is not None:
                latest = self.clock.to_s(last.time_ns) - vc.return_s
        v.latest_undock_s = latest
        return latest

    def _undock_time(self, v: VehicleState, desired: float | None) -> float:
        """Undocking time: the return reaches a landing opportunity, within the certified life."""
        vc = v.vclass
        latest_undock = self._latest_undock(v)
        if vc.landing is None:
            return min(desired if desired is not None else latest_undock, latest_undock)
        ret = vc.return_s
        if desired is None:
            return max(self.now, latest_undock)
        nxt = self.planner.landing_between(v.station, vc.landing, self.clock.to_ns(max(desired, self.now) + ret - 1.0))
        if nxt is None:
            return max(self.now, latest_undock)
        return max(self.now, min(self.clock.to_s(nxt.time_ns) - ret, latest_undock))

    def _stay(self, serial: str):
        v = self.vehicles[serial]
        self.env.process(self._life_limit(v))
        rate = self.unc.anomaly_rate_per_year.get(v.vclass.id, 0.0) if self.stochastic else 0.0
        if rate > 0:
            self.env.process(self._anomaly(v, rate))
        while True:
            v.wake = self.env.event()
            desired = self._desired_departure(v)
            if desired is not None and v.healthy:
                desired = max(desired, v.docked_s + self.policy.min_docked_hours * 3600.0)
            when = self._undock_time(v, desired)
            v.planned_undock_s = when
            if when > self.end_s:
                timeout = self.env.timeout(self.end_s - self.now + 1.0)
            else:
                timeout = self.env.timeout(when - self.now)
            result = yield timeout | v.wake
            if v.wake in result:
                continue
            if self.now > self.end_s:
                return
            break
        yield from self._undock(v)

    def _anomaly(self, v: VehicleState, rate_per_year: float):
        """A drawn anomaly (leak, debris strike) while docked; a standby ship of the station may replace it."""
        draws = substream(self.seed, "anomaly", v.serial)
        after_s = draws.exponential(365.25 * DAY_S / rate_per_year)
        docked_s = v.docked_s
        if self.now + after_s > self.end_s:
            return
        yield self.env.timeout(after_s)
        if v.status != "docked" or v.docked_s != docked_s or not v.healthy:
            return
        standby = next((ms for ms in self.missions.values() if ms.mission.standby and ms.status == "planned"
                        and ms.mission.station == v.station and not ms.ordered.triggered), None)
        ready = self.unc.standby_ready_days.sample(draws) if self.unc.standby_ready_days is not None else 0.0
        self._damage(Contingency("vehicle_damage", v.serial, note="anomaly (drawn): no longer fit to bring crew home",
                                 replacement=standby.mission.id if standby else None, replacement_ready_days=ready))

    def _pad_outage(self, spaceport_id: str, pad: str, until_s: float, why: str):
        """``pad`` is out of service from now until ``until_s`` (an outage, or a repair after launch damage)."""
        self._hold_pad(spaceport_id, pad, until_s)
        self._log("pad_outage_start", subject=f"{spaceport_id}/{pad}",
                  detail=f"{why}; back in service {self.clock.iso(until_s)}")
        yield self.env.timeout(max(0.0, until_s - self.now))
        self._log("pad_outage_end", subject=f"{spaceport_id}/{pad}")

    def _life_limit(self, v: VehicleState):
        if v.life_end_s > self.end_s:
            return
        yield self.env.timeout(max(0.0, v.life_end_s - self.now))
        if v.status == "docked":
            st = self.stations[v.station]
            self._log("vehicle_life_limit", station=v.station, port=v.port, vehicle=v.serial,
                      detail="certified docked life reached")
            self._check(st)

    def _undock(self, v: VehicleState):
        st = self.stations[v.station]
        departing = tuple(c for c in st.crew if st.home.get(c) == v.serial)
        del st.docked[v.port]
        st.crew = [c for c in st.crew if c not in departing]
        for c in departing:
            st.seat.pop(c, None)
            del st.home[c]
            st.increment.pop(c, None)
        borrowed = [c for c in st.crew if st.seat.get(c) == v.serial]  # lifeboat seats that leave with it
        for c in borrowed:
            del st.seat[c]
        port = v.port
        v.status, v.port = "flight", ""
        self._log("undocking", subject=v.mission or v.serial, station=st.station.id, port=port, vehicle=v.serial,
                  crew=departing, detail="damaged, returning uncrewed" if not v.healthy and not departing else "")
        if departing and not st.crew:
            self._log("station_decrewed", station=st.station.id, detail="no crew aboard")
        freed, st.port_freed = st.port_freed, self.env.event()
        freed.succeed()
        for other in list(st.docked.values()):
            self._seat_seatless(st, other)
        self._check(st)
        self._wake_docked(st.station.id)
        yield from self._land(v, departing, st.station.id, undocked=True)

    def _land(self, v: VehicleState, crew, station_id: str, undocked: bool = False):
        vc = v.vclass
        detail = ""
        if vc.landing is not None:
            ret = vc.return_s if undocked else 0.0
            # the opportunity the undocking was timed for (a second's slack for float seconds)
            when = self.planner.landing_between(station_id, vc.landing, self.clock.to_ns(self.now + ret - 1.0))
            if when is not None:
                # the capsule comes down landing_offset_s after the station's track passes the zone
                yield self.env.timeout(max(0.0, self.clock.to_s(when.time_ns) + vc.landing_offset_s - self.now))
                site = self.sc.lookup("landing_sites", vc.landing)
                detail = (f"{site.zone.name}, {when.miss_km:.0f} km from the centre, Sun at "
                          f"{when.sun_elevation_deg:.0f} deg")
            else:
                yield self.env.timeout(vc.return_s)
        else:
            yield self.env.timeout(vc.return_s)
        v.status = "landed"
        ms = self.missions.get(v.mission)
        if ms is not None and ms.status == "docked":
            ms.status = "landed"
        self._log("landing", subject=v.mission or v.serial, vehicle=v.serial, crew=crew, detail=detail)

    # --- contingencies -------------------------------------------------------------------------------
    def _contingency(self, c: Contingency):
        start = self.clock.to_s(c.start)
        if start > self.now:
            yield self.env.timeout(start - self.now)
        if c.kind == "launcher_grounded":
            self._ground(c.target, self.clock.to_s(c.end), c.note or "grounded")
        elif c.kind == "pad_outage":
            spaceport, _, pad = c.target.partition("/")
            yield from self._pad_outage(spaceport, pad, self.clock.to_s(c.end), c.note or "out of service")
        elif c.kind == "vehicle_damage":
            self._damage(c)

    def _damage(self, c: Contingency) -> None:
        v = self.vehicles[c.target]
        if v.status != "docked":
            return
        st = self.stations[v.station]
        v.healthy = False
        crew = tuple(x for x in st.crew if st.home.get(x) == v.serial)
        self._log("vehicle_damaged", station=v.station, port=v.port, vehicle=v.serial, crew=crew,
                  detail=c.note or "no longer fit to bring crew home")
        for x in st.crew:  # nobody rides a damaged vehicle home
            if st.seat.get(x) == v.serial:
                del st.seat[x]
            if st.home.get(x) == v.serial:
                del st.home[x]
        if c.return_on:
            w = self.vehicles[c.return_on]
            theirs = [x for x in st.crew if st.home.get(x) == w.serial]
            for x in theirs:
                del st.home[x]
            self._unseat(st, theirs, f"gave their seats on {w.serial} up: no seat home")
            self._assign(st, list(crew), w.serial, f"return home on {w.serial} instead of damaged {v.serial}",
                         home=True)
            w.forced_depart_s = self.now + c.decision_days * DAY_S
            self._wake(w)
        elif self.policy.relocate_on_damage:
            for other in list(st.docked.values()):
                if other != v.serial:
                    self._seat_seatless(st, other)
        rep = self.missions.get(c.replacement) if c.replacement else None
        if rep is not None and rep.status == "planned":
            rep.uncrewed = True
            # an emergency flight: when prepared, or on its manifest day (a replacement's launch_date)
            self._reschedule(rep, max(self.now + c.replacement_ready_days * DAY_S, rep.launch_day_s))
            v.replacement = c.replacement
            if not rep.ordered.triggered:
                rep.ordered.succeed()
            self._log("replacement_ordered", subject=c.replacement, station=v.station, vehicle=rep.mission.vehicle,
                      detail=f"flies uncrewed, no earlier than {self.clock.iso(rep.net_s)}")
        self._check(st)
        self._wake(v)

    # --- running -------------------------------------------------------------------------------------
    def run(self) -> Run:
        self.env.process(self._start())
        self.env.run(until=self.end_s)
        for st in self.stations.values():
            if st.gap_open:
                self._log("lifeboat_gap_end", station=st.station.id, detail="end of scenario")
        self._log("scenario_end", subject=self.sc.name)
        metrics = compute_metrics(self)
        if self.sc.plane_studies:
            metrics["plane_studies"] = [self.planner.plane_study(study) for study in self.sc.plane_studies]
        return Run(self.sc, self.variant, self.seed, self.clock, list(self.log.events), metrics, self.windows_used,
                   self.windows_considered, self.stochastic)


def run_scenario(scenario: Scenario, planner: Planner | None = None, *, seed: int | None = None,
                 variants=None, observer=None, stochastic: bool = False) -> list[Run]:
    """Run every variant (or those named) of a scenario; the planner is shared by all of them.

    Without ``stochastic`` the run is the nominal case (no random draws). With it, each variant
    draws the scenario's ``[uncertainty]`` from ``seed`` through keyed substreams (per mission,
    per vehicle), so the variants meet the same slips, failures and anomalies.
    """
    planner = planner or Planner(scenario)
    seed = scenario.seed if seed is None else seed
    every = scenario.variants or (Variant("base", "base"),)
    chosen = every
    if variants:
        names = set(variants)
        chosen = tuple(v for v in every if v.id in names)
        if not chosen:
            raise OrbopsError(f"no variant named {', '.join(sorted(names))}: expected one of "
                              f"{', '.join(v.id for v in every)}")
    return [Engine(scenario, planner, variant=v, seed=seed, observer=observer, stochastic=stochastic).run()
            for v in chosen]
