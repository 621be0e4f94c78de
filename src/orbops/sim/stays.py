"""Engine processes from docking to landing: the stay, the departure decision, undocking and the return.

Part of :class:`orbops.sim.engine.Engine` (a mixin: the state lives there).
The decision itself is :func:`orbops.sim.decisions.desired_departure`; here
the engine gathers its inputs from the orbits, applies it and times the
undocking so the return reaches a landing opportunity within the vehicle's life.
"""

from __future__ import annotations

import functools

from .decisions import desired_departure
from .state import MissionState, MissionStatus, Signal, VehicleState, VehicleStatus

__all__ = ["StayProcesses"]


class StayProcesses:
    """Docked to landed (mixed into :class:`~orbops.sim.engine.Engine`)."""

    def _wake(self, v: VehicleState) -> None:
        if v.wake is not None:
            v.wake.fire()

    def _manifest_landing_s(self, v: VehicleState) -> float | None:
        """The manifest's landing day of the vehicle's mission as a time: its prime pass (nearest the zone),
        else the day itself; None without a landing day."""
        day = self.landing_day_s.get(v.mission or v.serial)
        if day is None:
            return None
        prime = (self.planner.prime_landing(v.station, v.vclass.landing, self.clock.to_ns(day))
                 if v.vclass.landing else None)
        return day if prime is None else self.clock.to_s(prime.time_ns)

    def _departure(self, v: VehicleState) -> float | None:
        """When the vehicle should leave (seconds), or None to wait for news; brings a relief forward first
        where the decision says so."""
        st = self.stations[v.station]
        rep = self.missions.get(v.replacement) if v.replacement else None
        must_leave = functools.cache(lambda: self._latest_undock(v))  # a planner search, made only if needed
        decision = desired_departure(
            v, st, self.policy, self.now, missions=self.missions, increment_end_s=self.increment_end_s,
            must_leave_s=must_leave, manifest_landing_s=self._manifest_landing_s(v),
            replacement_has_port=(rep is None or self.ports[v.station].free_for(
                self._vehicle_class(rep.mission.vehicle).docking) is not None))
        if decision.advance is not None:
            mission_id, target = decision.advance
            self._advance(self.missions[mission_id], target, must_leave())
        return decision.at_s

    def _advance(self, ms: MissionState, target_s: float, must_leave_s: float) -> None:
        """Bring a relief forward (policy ``advance_relief``) to ``target_s``."""
        old = ms.ready_s
        ms.slip_s = 0.0
        self._reschedule(ms, target_s)
        self._log("mission_advanced", subject=ms.mission.id, station=ms.mission.station, vehicle=ms.mission.vehicle,
                  detail=f"from {self.clock.iso(old)} to {self.clock.iso(target_s)}: the last crew aboard must "
                         f"leave by {self.clock.iso(must_leave_s)}")

    def _reschedule(self, ms: MissionState, net_s: float) -> None:
        """Move a mission's no-earlier-than date (earlier or later) and wake it to wait for the new one."""
        ms.net_s = net_s
        ms.rescheduled.fire()

    def _latest_undock(self, v: VehicleState) -> float:
        """The last undocking whose return lands at a landing opportunity within the certified life."""
        vc = v.vclass
        latest = v.life_end_s
        if vc.landing is not None:
            last = self.planner.landing_between(v.station, vc.landing, self.clock.to_ns(self.now),
                                                self.clock.to_ns(latest + vc.return_s), last=True)
            if last is not None:
                latest = self.clock.to_s(last.time_ns) - vc.return_s
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
        v.wake = Signal(self.env)
        while True:
            desired = self._departure(v)
            if desired is not None and v.healthy:
                desired = max(desired, v.docked_s + self.policy.min_docked_hours * 3600.0)
            when = self._undock_time(v, desired)
            v.planned_undock_s = when
            if when > self.end_s:
                timeout = self.env.timeout(self.end_s - self.now + 1.0)
            else:
                timeout = self.env.timeout(when - self.now)
            woken = v.wake.event
            result = yield timeout | woken
            if woken in result:
                continue
            if self.now > self.end_s:
                return
            break
        yield from self._undock(v)

    def _life_limit(self, v: VehicleState):
        if v.life_end_s > self.end_s:
            return
        yield self.env.timeout(max(0.0, v.life_end_s - self.now))
        if v.docked:
            self._sample(v)  # no longer in life
            self._log("vehicle_life_limit", station=v.station, port=v.port, vehicle=v.serial,
                      detail="certified docked life reached")
            self._check(self.stations[v.station])

    def _undock(self, v: VehicleState):
        st = self.stations[v.station]
        departing, _ = st.lifeboats.leave(v.serial)
        port = v.port
        del st.docked[port]
        self._set(v, status=VehicleStatus.FLIGHT, port="")
        self._log("undocking", subject=v.mission or v.serial, station=st.id, port=port, vehicle=v.serial,
                  crew=departing, detail="damaged, returning uncrewed" if not v.healthy and not departing else "")
        if departing and not st.crew:
            self._log("station_decrewed", station=st.id, detail="no crew aboard")
        self.ports[st.id].release(port)
        for other in list(st.docked.values()):
            self._seat_seatless(st, other)
        self._check(st)
        self._wake_docked(st.id)
        yield from self._land(v, departing, st.id, undocked=True)

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
        self._set(v, status=VehicleStatus.LANDED, station="")
        ms = self.missions.get(v.mission)
        if ms is not None:
            ms.landing_s = self.now
            if ms.status == MissionStatus.DOCKED:
                ms.status = MissionStatus.LANDED
        self._log("landing", subject=v.mission or v.serial, vehicle=v.serial, crew=crew, detail=detail)
