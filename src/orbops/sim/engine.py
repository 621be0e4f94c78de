"""The discrete-event engine: missions, stations, launchers and contingencies as SimPy processes.

A mission waits for its no-earlier-than date, its launcher (not grounded),
a pad (free after turnaround) and then the next launch window from the
planner; it flies the profile the phase angle allows, docks at a free
compatible port (or waits, or gives up), transfers its crew and stays until
relieved, until its planned stay ends, or until its certified life runs out,
and comes home at a landing opportunity. Every crew member aboard must have
a seat home on a docked, healthy, in-life vehicle (the lifeboat rule);
every gap is logged. Policies decide the responses
(:mod:`orbops.sim.decisions`). One seeded numpy ``Generator`` makes every
random draw; the same scenario and seed give the same timeline, byte for byte.

The processes live in :mod:`~orbops.sim.flights` (launch to docking),
:mod:`~orbops.sim.stays` (docked to landing) and
:mod:`~orbops.sim.contingencies`; this module holds the state, the lifeboat
checks, the launchers and the run. The product is a
:class:`~orbops.sim.record.RunRecord`.
"""

from __future__ import annotations

import simpy

from ..constants import SECONDS_PER_DAY as DAY_S
from ..errors import OrbopsError
from ..ops import Contingency, Policy, Scenario, Variant
from .clock import Clock
from .contingencies import ContingencyProcesses
from .decisions import crewed_flight_ready
from .eventlog import EventLog
from .flights import FlightProcesses
from .lifeboats import Lifeboats
from .planner import Planner
from .record import Event, MissionOutcome, RunRecord, StationSample, VehicleSample
from .resources import Pads, Ports
from .state import FamilyState, LauncherState, MissionState, Signal, StationState, VehicleState, VehicleStatus
from .stays import StayProcesses

__all__ = ["Engine", "run_scenario"]


class Engine(FlightProcesses, StayProcesses, ContingencyProcesses):
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
        classes = {c.id: c for c in scenario.vehicle_classes}
        self.vehicles = {v.serial: VehicleState(v.serial, classes[v.vehicle_class]) for v in scenario.vehicles}
        seats_of = (lambda serial: self.vehicles[serial].vclass.return_seats)
        self.stations = {s.id: StationState(s, Lifeboats(seats_of), Signal(self.env)) for s in scenario.stations}
        self.ports = {s.id: Ports(self.env, s) for s in scenario.stations}
        self.launchers = {lv.id: LauncherState(lv, Signal(self.env)) for lv in scenario.launchers}
        self.families = {ls.family: FamilyState(Signal(self.env)) for ls in self.launchers.values()}
        self.pads = {p.id: Pads(self.env, p.pads) for p in scenario.spaceports}
        self.missions = {m.id: self._mission_state(m) for m in scenario.missions
                         if m.id not in set(self.variant.exclude_missions)}
        # the manifest's landing days, by mission (docked_at_start missions too)
        landings = {m.id: m.landing_date for m in scenario.missions if m.landing_date is not None}
        landings.update({d.mission or d.vehicle: d.landing_date for d in scenario.docked_at_start
                         if d.landing_date is not None})
        landings.update(dict(self.variant.landing_date))
        self.landing_day_s = {k: self.clock.to_s(t) for k, t in landings.items()}
        self.failures: dict[str, Contingency] = {}
        self.increment_end_s: dict[str, float] = {}  # increment (mission) -> its planned end, from its docking
        self.windows_used: list = []
        self.windows_considered: list = []
        self.station_history: dict[str, list[StationSample]] = {s: [] for s in self.stations}
        self.vehicle_history: dict[str, list[VehicleSample]] = {v: [] for v in self.vehicles}

    def _mission_state(self, m) -> MissionState:
        # the manifest's launch day supersedes the no-earlier-than date; a variant's own date (launch day,
        # else no-earlier-than date) supersedes the mission's
        nets, dates = dict(self.variant.net), dict(self.variant.launch_date)
        if m.id in dates:
            day, start = dates[m.id], dates[m.id]
        elif m.id in nets:
            day, start = None, nets[m.id]
        else:
            day, start = m.launch_date, m.net if m.launch_date is None else m.launch_date
        net_s = self.clock.to_s(start)
        return MissionState(m, self.env.event(), Signal(self.env), net_s=net_s, plan_net_s=net_s,
                            launch_day_s=float("-inf") if day is None else self.clock.to_s(day))

    # --- helpers --------------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.env.now

    def _log(self, kind: str, **fields) -> Event:
        return self.log.add(self.now, kind, **fields)

    def _vehicle_class(self, serial: str):
        return self.vehicles[serial].vclass

    def _sample(self, v: VehicleState) -> None:
        """Record the vehicle's state from now on (its history in the run record)."""
        s = VehicleSample(self.now, str(v.status), v.station, v.port, v.mission, v.healthy, self.now < v.life_end_s)
        hist = self.vehicle_history[v.serial]
        if not hist or _state_of(hist[-1]) != _state_of(s):
            hist.append(s)

    def _set(self, v: VehicleState, **changes) -> None:
        """Change a vehicle's state (status, station, port, mission, health) and record it."""
        for key, value in changes.items():
            setattr(v, key, value)
        self._sample(v)

    # --- the lifeboat rule ------------------------------------------------------------------------
    def _usable(self, st: StationState):
        """Whether a vehicle is a lifeboat for the crew of ``st`` now: docked there, healthy, within its life."""
        def usable(serial: str) -> bool:
            v = self.vehicles[serial]
            return v.docked and v.station == st.id and v.healthy and self.now < v.life_end_s
        return usable

    def _check(self, st: StationState) -> None:
        """Lifeboat rule and the station's history, after every change at a station."""
        usable = self._usable(st)
        seats = sum(self.vehicles[s].vclass.return_seats for s in st.docked.values() if usable(s))
        hist = self.station_history[st.id]
        prev = hist[-1] if hist else None
        if prev is None or (prev.crew, prev.lifeboat_seats) != (tuple(st.crew), seats):
            hist.append(StationSample(self.now, tuple(st.crew), seats))
        if prev is None or len(prev.crew) != len(st.crew):
            st.changed.fire()
        if not self.policy.lifeboat_rule:
            return
        change = st.lifeboats.gap_change(usable)
        if change is not None and change[0] == "start":
            self._log("lifeboat_gap_start", station=st.id, crew=change[1],
                      detail=f"{len(change[1])} of {len(st.crew)} aboard without a seat home")
        elif change is not None:
            self._log("lifeboat_gap_end", station=st.id)

    def _seats_changed(self, st: StationState, crew, serial: str, why: str) -> None:
        if crew:
            self._log("seat_assignment", station=st.id, vehicle=serial, crew=tuple(crew), detail=why)

    def _seat_seatless(self, st: StationState, serial: str) -> None:
        """Crew aboard without a healthy lifeboat take free seats on ``serial``."""
        if self.vehicles[serial].healthy:
            self._seats_changed(st, st.lifeboats.fill(serial, self._usable(st)), serial, f"lifeboat seat on {serial}")

    def _adopt(self, st: StationState, serial: str) -> None:
        """A healthy vehicle docks: crew whose ride home is gone or damaged make it theirs (seat and all)."""
        if not self.vehicles[serial].healthy:
            return
        rideable = (lambda s: self.vehicles[s].healthy and self.vehicles[s].docked)
        self._seats_changed(st, st.lifeboats.adopt(serial, rideable), serial, f"will go home on {serial}")
        self._seat_seatless(st, serial)

    # --- setup ------------------------------------------------------------------------------------
    def _start(self):
        self._log("scenario_start", subject=self.sc.name, detail=f"variant {self.variant.name}")
        for d in self.sc.docked_at_start:
            v = self.vehicles[d.vehicle]
            st = self.stations[d.station]
            docked_s = self.clock.to_s(d.docked)
            v.docked_s, v.life_end_s, v.stay_days = docked_s, docked_s + v.vclass.docked_life_days * DAY_S, d.stay_days
            self._set(v, status=VehicleStatus.DOCKED, station=d.station, port=d.port, mission=d.mission)
            if d.stay_days is not None:
                self.increment_end_s[d.mission or d.vehicle] = v.docked_s + d.stay_days * DAY_S
            st.docked[d.port] = d.vehicle
            self.ports[d.station].take(st.station.port(d.port))
            st.lifeboats.board(d.crew, d.vehicle, d.mission or d.vehicle)
            st.had_crew = st.had_crew or bool(d.crew)
            self._log("docked_at_start", subject=d.mission or d.vehicle, station=d.station, port=d.port,
                      vehicle=d.vehicle, crew=d.crew,
                      detail=f"docked {self.clock.iso(v.docked_s)}; certified until {self.clock.iso(v.life_end_s)}")
        for v in self.vehicles.values():
            if not self.vehicle_history[v.serial]:
                self._sample(v)
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

    # --- launchers --------------------------------------------------------------------------------
    def _ground(self, launcher_id: str, until_s: float, why: str) -> None:
        ls = self.launchers[launcher_id]
        if until_s <= ls.grounded_until:
            return
        ls.grounded_until = until_s
        self._log("launcher_grounded", subject=launcher_id, detail=f"until {self.clock.iso(until_s)}: {why}")
        self.env.process(self._unground(launcher_id, until_s))

    def _unground(self, launcher_id: str, until_s: float):
        yield self.env.timeout(max(0.0, until_s - self.now))
        ls = self.launchers[launcher_id]
        if ls.grounded_until == until_s:  # not grounded again for longer meanwhile
            self._log("launcher_cleared", subject=launcher_id)
            ls.cleared.fire()

    def _family(self, launcher_id: str) -> FamilyState:
        return self.families[self.launchers[launcher_id].family]

    def _launcher_ready(self, ms: MissionState):
        """Wait until the mission's launcher may fly it: not grounded, and for a crew after a failure,
        as :func:`~orbops.sim.decisions.crewed_flight_ready` says."""
        vc = self._vehicle_class(ms.mission.vehicle)
        ls = self.launchers[vc.launcher]
        fam = self._family(vc.launcher)
        while True:
            if self.now < ls.grounded_until:
                yield ls.cleared.event
                continue
            if ms.crew:
                ready = crewed_flight_ready(ls, fam, self.policy)
                if ready is None:
                    yield fam.flew_uncrewed.event  # wait for the first good uncrewed flight
                    continue
                if self.now < ready:
                    yield self.env.timeout(ready - self.now)
                    continue
            return

    # --- running -------------------------------------------------------------------------------------
    def run(self) -> RunRecord:
        self.env.process(self._start())
        self.env.run(until=self.end_s)
        for st in self.stations.values():
            if st.lifeboats.gap_open:
                self._log("lifeboat_gap_end", station=st.id, detail="end of scenario")
        self._log("scenario_end", subject=self.sc.name)
        return RunRecord(
            scenario=self.sc.name, variant_id=self.variant.id, variant_name=self.variant.name, seed=self.seed,
            stochastic=self.stochastic, epoch_ns=self.clock.epoch_ns, end_s=self.end_s,
            station_names={s.id: s.name for s in self.sc.stations},
            station_ports={s.id: tuple(p.name for p in s.ports) for s in self.sc.stations},
            events=list(self.log.events), stations=self.station_history, vehicles=self.vehicle_history,
            missions={mid: self._outcome(ms) for mid, ms in self.missions.items()},
            windows_used=self.windows_used, windows_considered=self.windows_considered,
            plane_studies=[self.planner.plane_study(study) for study in self.sc.plane_studies])

    def _outcome(self, ms: MissionState) -> MissionOutcome:
        m = ms.mission
        planned = None if m.planned_launch is None else self.clock.to_s(m.planned_launch)
        return MissionOutcome(
            m.id, m.name, m.vehicle, m.station, str(ms.status), ms.crew, m.crew, ms.uncrewed, m.standby, ms.net_s,
            ms.plan_net_s, ms.launch_s, ms.dock_s, ms.landing_s, None if ms.window is None else ms.window.profile,
            planned)


def _state_of(s: VehicleSample) -> tuple:
    return (s.status, s.station, s.port, s.mission, s.healthy, s.in_life)


def run_scenario(scenario: Scenario, planner: Planner | None = None, *, seed: int | None = None,
                 variants=None, observer=None, stochastic: bool = False) -> list[RunRecord]:
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

