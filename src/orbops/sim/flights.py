"""Engine processes from a mission's readiness to its docking: windows, pads, launch, failure, arrival.

Part of :class:`orbops.sim.engine.Engine` (a mixin: the state lives there).
"""

from __future__ import annotations

from ..constants import SECONDS_PER_DAY as DAY_S
from ..ops import Contingency, substream
from .decisions import has_room
from .record import WindowChoice
from .state import MissionState, MissionStatus, StationState, VehicleState, VehicleStatus

__all__ = ["FlightProcesses", "ABORT_TO_LANDING_S"]

ABORT_TO_LANDING_S = 1181.0
"""A launch abort's crew lands this long after liftoff: Soyuz MS-10 (11 Oct 2018) came down about 19 min 41 s
after it (docs/domain-facts.md, section 4 [50a][50b][50c])."""


class FlightProcesses:
    """Launch to docking (mixed into :class:`~orbops.sim.engine.Engine`)."""

    def _considered(self, w, mission_id: str, class_id: str, outcome: str) -> WindowChoice:
        choice = WindowChoice(mission_id, class_id, outcome, self.now, w)
        self.windows_considered.append(choice)
        return choice

    def _mission(self, ms: MissionState):
        m = ms.mission
        vc = self._vehicle_class(m.vehicle)
        if m.standby:
            yield ms.ordered  # a standby ship flies only when called up
        draws = substream(self.seed, "mission", m.id) if self.stochastic else None
        slip_dist = self.unc.launch_slip_days.get(vc.launcher) if draws is not None else None
        slip = slip_dist.sample(draws) if slip_dist is not None else 0.0
        ms.slip_s = slip * DAY_S
        while ms.ready_s > self.now:
            yield self.env.timeout(ms.ready_s - self.now) | ms.rescheduled.event
        ms.status = MissionStatus.READY
        self._log("mission_ready", subject=m.id, station=m.station, vehicle=m.vehicle, crew=ms.crew,
                  detail=f"no earlier than {self.clock.iso(ms.net_s)}" + (f", slipped {slip:.1f} d" if slip else ""))
        chosen = yield from self._take_window(ms)
        if chosen is None:
            ms.status = MissionStatus.CANCELLED
            self._log("mission_cancelled", subject=m.id, station=m.station, vehicle=m.vehicle,
                      detail="not launched before the end of the scenario")
            return
        w, pad = chosen
        yield from self._launch(ms, w, pad, draws)

    def _take_window(self, ms: MissionState):
        """Wait for the launcher, a pad and a window the station has room for; returns (window, pad) at its
        launch time, or None when no window is left before the end of the scenario."""
        m = ms.mission
        vc = self._vehicle_class(m.vehicle)
        pads = self.pads[vc.spaceport]
        ls = self.launchers[vc.launcher]
        fam = self._family(vc.launcher)
        st = self.stations[m.station]
        while True:
            yield from self._launcher_ready(ms)
            if pads.free() is None:  # every pad in turnaround, out of service or under repair
                yield from pads.returned()
                continue
            prep = self.policy.launch_prep_days * DAY_S if ms.uncrewed else 0.0
            w = self.planner.next_window(vc.spaceport, m.station, vc.id, self.clock.to_ns(self.now + prep))
            if w is None or self.clock.to_s(w.launch_ns) > self.end_s:
                return None
            crew_n = len(ms.crew)
            if (crew_n and self.policy.station_capacity_rule
                    and not has_room(st, self.vehicles, crew_n, self.clock.to_s(w.docking_ns))):
                # no room when it would dock: wait for the crew aboard to change, or the next window
                self._considered(w, m.id, vc.id, "passed: no room aboard when it would dock")
                yield st.changed.event | self.env.timeout(max(1.0, self.clock.to_s(w.launch_ns) - self.now + 1.0))
                continue
            decided = self.now
            yield self.env.timeout(self.clock.to_s(w.launch_ns) - self.now)
            if self.now < ls.grounded_until or (fam.failed_at is not None and fam.failed_at > decided):
                self._considered(w, m.id, vc.id, "passed: launcher grounded meanwhile")
                continue  # grounded meanwhile: wait again, then take the next window
            pad = pads.free()
            if pad is None:
                self._considered(w, m.id, vc.id, "passed: no pad free (another launch, an outage or a repair)")
                continue
            return w, pad

    def _launch(self, ms: MissionState, w, pad: str, draws):
        m = ms.mission
        vc = self._vehicle_class(m.vehicle)
        spaceport = self.sc.lookup("spaceports", vc.spaceport)
        self.pads[vc.spaceport].hold(pad, self.now + spaceport.pad_turnaround_days * DAY_S)
        ms.launch_s, ms.window, ms.status = self.now, w, MissionStatus.LAUNCHED
        crew = ms.crew
        self.windows_used.append(self._considered(w, m.id, vc.id, "used"))
        self._log("launch", subject=m.id, station=m.station, vehicle=m.vehicle, crew=crew,
                  detail=f"{spaceport.site.name}, {w.direction} azimuth {w.azimuth_deg:.1f} deg, phase "
                         f"{w.phase_deg:.1f} deg, profile {w.profile}, docking "
                         f"{self.clock.iso(self.clock.to_s(w.docking_ns))}")
        v = self.vehicles[m.vehicle]
        self._set(v, status=VehicleStatus.FLIGHT, mission=m.id)
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
            fam = self._family(vc.launcher)
            fam.uncrewed_success_at = self.now
            fam.flew_uncrewed.fire()
        self._wake_docked(m.station)  # e.g. a damaged vehicle makes room for its replacement
        yield self.env.timeout(max(0.0, self.clock.to_s(w.docking_ns) - self.now))
        yield from self._arrive(ms, v, crew)

    def _arrive(self, ms: MissionState, v: VehicleState, crew):
        """At the station: dock at a free compatible port, or wait in free flight for one, or go home."""
        m = ms.mission
        vc = v.vclass
        st = self.stations[m.station]
        ports = self.ports[m.station]
        port = ports.free_for(vc.docking, m.port)
        if port is not None:
            ports.take(port)
        else:
            self._log("waiting_for_port", subject=m.id, station=m.station, vehicle=m.vehicle,
                      detail=f"no free {vc.docking} port")
            deadline = self.now + vc.free_flight_days * DAY_S
            if self.policy.wait_for_port and self.now < deadline:
                freed = ports.wait_for(vc.docking)
                yield freed | self.env.timeout(deadline - self.now)
                if freed.triggered:
                    port = freed.value
                    yield self.env.timeout(self.policy.port_clear_hours * 3600.0)  # the departing ship clears
                else:
                    freed.cancel()
            if port is None:
                ms.status = MissionStatus.CANCELLED
                self._log("mission_cancelled", subject=m.id, station=m.station, vehicle=m.vehicle,
                          detail="no free compatible port within the free-flight time; returning")
                yield from self._land(v, crew, m.station)
                return
        self._dock(ms, v, st, port.name, crew)
        self.env.process(self._stay(m.vehicle))

    def _launch_failure(self, ms: MissionState, crew, grounding_days: float):
        m = ms.mission
        vc = self._vehicle_class(m.vehicle)
        ms.status = MissionStatus.FAILED
        self._set(self.vehicles[m.vehicle], status=VehicleStatus.LOST)
        self._log("launch_failure", subject=m.id, station=m.station, vehicle=m.vehicle, crew=crew,
                  detail=f"{vc.launcher} failed" + (f"; grounded {grounding_days:g} days" if grounding_days else ""))
        self._family(vc.launcher).failed_at = self.now
        if grounding_days > 0:
            family = self.launchers[vc.launcher].family
            for lid, other in self.launchers.items():
                if other.family == family:
                    self._ground(lid, self.now + grounding_days * DAY_S, f"failure of {m.id}")
        if crew:
            yield self.env.timeout(ABORT_TO_LANDING_S)  # the escape system and the descent
            self._log("abort_landing", subject=m.id, vehicle=m.vehicle, crew=crew, detail="crew recovered")
        self._wake_docked()  # a relief that will not come: let the crews waiting for it decide

    def _wake_docked(self, station_id: str | None = None) -> None:
        for v in self.vehicles.values():
            if v.docked and (station_id is None or v.station == station_id):
                self._wake(v)

    def _dock(self, ms: MissionState, v: VehicleState, st: StationState, port: str, crew) -> None:
        m = ms.mission
        v.docked_s = self.now
        v.life_end_s = self.now + v.vclass.docked_life_days * DAY_S
        v.stay_days = m.stay_days
        self._set(v, status=VehicleStatus.DOCKED, station=st.id, port=port)
        if crew:
            self.increment_end_s[m.id] = self.now + m.stay_days * DAY_S
        was_empty = not st.crew
        st.docked[port] = v.serial
        st.lifeboats.board(crew, v.serial, m.id)
        ms.dock_s, ms.status = self.now, MissionStatus.DOCKED
        self._log("docking", subject=m.id, station=st.id, port=port, vehicle=v.serial, crew=crew,
                  detail=f"rendezvous {(self.now - ms.launch_s) / 3600:.2f} h")
        if crew and was_empty and st.had_crew:
            self._log("station_recrewed", station=st.id, crew=crew)
        st.had_crew = st.had_crew or bool(crew)
        self._adopt(st, v.serial)
        self._wake_docked()  # a relieved crew may now plan its return
        self._check(st)
